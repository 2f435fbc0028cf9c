"""What real SQLAlchemy model files do (issue 12 §2), each read statically and compared with
what real SQLAlchemy 2.1 `metadata.create_all()` builds in PostgreSQL; and what the reader
cannot know (issue 12 §1, "unknown is not absent"): the fact is kept, its unknown part named,
exactly one SL002 at the construct says so."""

from __future__ import annotations

import pytest

from schemalint.report.dump import schema_to_dict
from tests.read.test_sqlalchemy_support import read_body, table

# Each case: a models.py body (after HEADER), and the MetaData owners create_all() runs for.
CASES = {
    "loop-over-literal-list": (
        """
metadata = MetaData()
for name in ["alpha", "beta"]:
    Table(f"{name}_log", metadata, Column("id", Integer, primary_key=True), Column(f"{name}_note", String(20)))
""",
        ("metadata",),
    ),
    "loop-over-tuples-and-module-constant": (
        """
metadata = MetaData()
KINDS = (("small", 3), ("large", 300))
for kind, size in KINDS:
    tables = Table("box_%s" % kind, metadata, Column("id", Integer, primary_key=True), Column("label", String(size)))
for suffix in ("a", "b"):
    Table("part_{}".format(suffix), metadata, Column("id", Integer, primary_key=True),
          Column("box_id", ForeignKey("box_small.id")), Index(f"ix_part_{suffix}_box", "box_id"))
""",
        ("metadata",),
    ),
    "extend-existing-class": (
        """
class Account(Base):
    __tablename__ = "accounts"
    id = Column(BigInteger, primary_key=True)
    name = Column(String(10))


class AccountExtended(Base):
    __tablename__ = "accounts"
    __table_args__ = {"extend_existing": True}
    id = Column(BigInteger, primary_key=True)
    name = Column(String(20), nullable=False)
    extra = Column(Integer, index=True)
""",
        ("Base",),
    ),
    "extend-existing-table": (
        """
metadata = MetaData()
events = Table("events", metadata, Column("id", Integer, primary_key=True), Column("kind", String(5)))
events = Table("events", metadata, Column("kind", Text), Column("at", DateTime), extend_existing=True)
kept = Table("kept", metadata, Column("id", Integer, primary_key=True))
kept = Table("kept", metadata, Column("other", Integer), keep_existing=True)
""",
        ("metadata",),
    ),
    "with-variant": (
        """
class Sample(Base):
    __tablename__ = "samples"
    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    count = Column(Integer().with_variant(BigInteger, "mssql"))
    big = Column(Integer().with_variant(BigInteger(), "postgresql"))
    doc = Column(JSON().with_variant(postgresql.JSONB(), "postgresql", "mysql"))
    name: Mapped[str] = mapped_column(String(30).with_variant(Text, "oracle").with_variant(String(40), "postgresql"))
""",
        ("Base",),
    ),
    "nested-enum": (
        """
class Order(Base):
    __tablename__ = "orders"

    class Status(enum.Enum):
        NEW = "new"
        SHIPPED = "shipped"

    class Channel(str, enum.Enum):
        WEB = "web"
        SHOP = "shop"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[Status]
    channel = Column(Enum(Channel), nullable=False)
    previous: Mapped[Optional[Status]] = mapped_column(Enum(Status, name="order_prev_status"))


class Refund(Base):
    __tablename__ = "refunds"
    id: Mapped[int] = mapped_column(primary_key=True)
    status = Column(Enum(Order.Status, name="refund_status"))
""",
        ("Base",),
    ),
    "type-decorator-arguments": (
        """
from sqlalchemy.types import TypeDecorator


class Lowered(TypeDecorator):
    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.lower() if value else value


class Fixed(TypeDecorator):
    impl = String(50)
    cache_ok = True


class Money(TypeDecorator):
    impl = Numeric
    cache_ok = True


class Tiny(Lowered):
    cache_ok = True


class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    email = Column(Lowered(24))
    code = Column(Lowered(length=8))
    plain = Column(Lowered)
    fixed = Column(Fixed(10))
    amount = Column(Money(12, 2))
    tiny = Column(Tiny(3))
""",
        ("Base",),
    ),
    "foreign-key-type": (
        """
class Parent(Base):
    __tablename__ = "parents"
    id = Column(BigInteger, primary_key=True)
    code = Column(String(12), unique=True)


class Child(Base):
    __tablename__ = "children"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parents.id"))
    parent_code: Mapped[Optional[str]] = mapped_column(ForeignKey(Parent.code))
    other_id = Column(ForeignKey("parents.id"), nullable=False)
""",
        ("Base",),
    ),
    "index-desc-and-where": (
        """
class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    state = Column(String(10))
    active = Column(Boolean)
    created = Column(DateTime)
    priority = Column(Integer)
    __table_args__ = (
        Index("ix_tasks_created", created.desc(), priority.asc()),
        Index("ix_tasks_open", state, postgresql_where=(state != "done") & ~state.is_(None) | (priority > 5)),
        Index("ix_tasks_mix", state, postgresql_where=sa.and_(state.isnot(None), sa.or_(priority == 1, ~(state == "x")))),
        Index("ix_tasks_in", state, postgresql_where=state.in_(["a", "b"])),
        Index("ix_tasks_not", created, postgresql_where=~active),
        Index("ix_tasks_null", priority, postgresql_where=sa.not_(priority == None)),  # noqa: E711
        Index("ix_tasks_bool", priority, postgresql_where=active == True),  # noqa: E712
        sa.CheckConstraint(priority >= 0),
        sa.CheckConstraint(sa.or_(state != "x", priority < 10), name="ck_tasks_state_priority"),
    )


jobs = Table("jobs", Base.metadata, Column("id", Integer, primary_key=True), Column("state", String(8)),
             Column("tries", Integer))
Index("ix_jobs_pending", jobs.c.tries.desc(), postgresql_where=jobs.c.state != "done")
Index("ix_jobs_retry", jobs.c.state, postgresql_where=(jobs.c.tries > 0) & (jobs.c.state.is_(None) | (jobs.c.state == "x")))
""",
        ("Base",),
    ),
}


@pytest.mark.postgres
@pytest.mark.parametrize("body, owners", CASES.values(), ids=CASES.keys())
def test_real_model_constructs_match_create_all(tmp_path, pg, body, owners):
    from tests.read.test_sqlalchemy_support import created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs

    schema = read_body(tmp_path, body)
    database = "sa_real_" + str(abs(hash(body)) % 10**8)
    actual = created_by_sqlalchemy(pg, database, tmp_path / "models.py", metadata_names=owners)
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True, labels=("schemalint", "postgres"))
    assert agreement.differences == [], str(agreement)
    assert agreement.compared > len(actual["tables"])
    static_order = {t.name: [c.name for c in t.columns] for t in schema.tables}
    assert static_order == {t["name"]: [c["name"] for c in t["columns"]] for t in actual["tables"]}
    assert list(schema.diagnostics) == []
    assert schema.complete


# ------------------------------------------------------------------ unknown is not absent

# Each: body, (table, column or None, index name or None), the unknown parts expected there,
# the table's unknown parts, whether the schema is complete, and a fragment of the one SL002.
UNKNOWNS = {
    "type-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    code = Column(String(get_length()))
    after = Column(Text)
""",
        ("things", "code", None),
        ("type",),
        (),
        True,
        "String length",
    ),
    "serial-candidate-type": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(make_type(), primary_key=True)
""",
        ("things", "id", None),
        ("type", "default"),
        (),
        True,
        "type cannot be resolved",
    ),
    "annotation-without-sql-type": (
        """
class Thing(Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict]
""",
        ("things", "data", None),
        ("type",),
        (),
        True,
        "no SQL type for annotation",
    ),
    "fk-type-from-unknown-target": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    owner_id = Column(ForeignKey(target()))
""",
        ("things", "owner_id", None),
        ("type", "references"),
        (),
        True,
        "type comes from foreign key",
    ),
    "fk-to-a-column-of-unknown-type": (
        """
class Parent(Base):
    __tablename__ = "parents"
    id = Column(make_type(), primary_key=True)


class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("parents.id"))
""",
        ("children", "parent_id", None),
        ("type",),
        (),
        True,
        "column id: type cannot be resolved",
    ),
    "fk-to-a-table-not-read": (
        """
class Child(Base):
    __tablename__ = "children"
    id = Column(Integer, primary_key=True)
    parent_id = Column(ForeignKey("elsewhere.id"))
""",
        ("children", "parent_id", None),
        ("type",),
        (),
        True,
        "elsewhere.id, which is not in the models read",
    ),
    "fk-target-unknown": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey(target()))
""",
        ("things", "owner_id", None),
        ("references",),
        (),
        True,
        "foreign key target",
    ),
    "server-default-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    region = Column(String(5), server_default=default_region())
""",
        ("things", "region", None),
        ("default",),
        (),
        True,
        "server_default",
    ),
    "unresolved-column-argument": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, make_key())
""",
        ("things", "owner_id", None),
        ("default", "identity", "generated", "references"),
        (),
        True,
        "make_key()",
    ),
    "nullable-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    note = Column(Text, nullable=lenient())
""",
        ("things", "note", None),
        ("nullable",),
        (),
        True,
        "nullable='lenient()'",
    ),
    "unique-and-comment-from-functions": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    code = Column(String(8), unique=is_unique(), comment=describe())
""",
        ("things", "code", None),
        ("comment", "unique"),
        (),
        True,
        "unique='is_unique()', comment='describe()'",
    ),
    "index-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    code = Column(String(8), index=indexed())
""",
        ("things", "code", None),
        (),
        ("indexes",),
        True,
        "index='indexed()'",
    ),
    "where-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    state = Column(String(5))
    __table_args__ = (Index("ix_things_state", state, postgresql_where=state.in_(open_states())),)
""",
        ("things", None, "ix_things_state"),
        ("where",),
        (),
        True,
        "postgresql_where",
    ),
    "where-on-another-table": (
        """
class Other(Base):
    __tablename__ = "others"
    id = Column(Integer, primary_key=True)


class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    __table_args__ = (Index("ix_things_id", id, postgresql_where=Other.id > 3),)
""",
        ("things", None, "ix_things_id"),
        ("where",),
        (),
        True,
        "not a column of this table",
    ),
    "index-part-unknown": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    __table_args__ = (Index(None, expression()),)
""",
        ("things", None, None),
        (),
        ("indexes",),
        True,
        "index part",
    ),
    "table-args-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    __table_args__ = build_args()
    id = Column(Integer, primary_key=True)
""",
        ("things", None, None),
        (),
        ("primary_key", "foreign_keys", "indexes", "constraints", "comment"),
        True,
        "__table_args__",
    ),
    "check-from-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    __table_args__ = (CheckConstraint(rule()),)
""",
        ("things", None, None),
        (),
        ("constraints",),
        True,
        "CheckConstraint",
    ),
    "column-factory-function": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    created: Mapped[datetime.datetime] = timestamp_column()
""",
        ("things", None, None),
        (),
        ("columns", "primary_key", "foreign_keys", "indexes", "constraints"),
        True,
        "timestamp_column()",
    ),
    "column-factory-function-unannotated": (
        """
class Thing(Base):
    __tablename__ = "things"
    id = Column(Integer, primary_key=True)
    created = timestamp_column()
""",
        ("things", None, None),
        (),
        ("columns", "primary_key", "foreign_keys", "indexes", "constraints"),
        True,
        "timestamp_column()",
    ),
    "reflected-table": (
        """
legacy = Table("legacy", Base.metadata, autoload_with=sa.create_engine("postgresql://"))
""",
        ("legacy", None, None),
        (),
        ("columns", "primary_key", "foreign_keys", "indexes", "constraints"),
        True,
        "reflected",
    ),
    "class-under-runtime-if": (
        """
import os

if os.environ.get("WITH_AUDIT"):
    class Audit(Base):
        __tablename__ = "audits"
        id = Column(Integer, primary_key=True)
""",
        ("audits", None, None),
        (),
        ("exists",),
        True,
        'declared under `if os.environ.get("WITH_AUDIT")`',
    ),
    "table-under-runtime-if": (
        """
FEATURE = True
if FEATURE:
    pass
elif FEATURE is None:
    archive = Table("archive", Base.metadata, Column("id", Integer, primary_key=True))
""",
        ("archive", None, None),
        (),
        ("exists",),
        True,
        "whether it exists",
    ),
    "loop-over-function": (
        """
metadata = MetaData()
for name in table_names():
    Table(name, metadata, Column("id", Integer, primary_key=True))
""",
        (None, None, None),
        (),
        (),
        False,
        "this loop builds",
    ),
    "table-object-from-function": (
        """
class Thing(Base):
    __table__ = reflect_table("things")
""",
        (None, None, None),
        (),
        (),
        False,
        "__table__ of Thing",
    ),
    "table-name-from-function": (
        """
class Thing(Base):
    __tablename__ = make_name()
    id = Column(Integer, primary_key=True)
""",
        (None, None, None),
        (),
        (),
        False,
        "__tablename__",
    ),
}


@pytest.mark.parametrize("body, where, parts, table_parts, complete, message", UNKNOWNS.values(), ids=UNKNOWNS.keys())
def test_unknown_parts_are_kept_with_one_sl002(tmp_path, body, where, parts, table_parts, complete, message):
    schema = read_body(tmp_path, body)
    sl002 = [d for d in schema.diagnostics if d.kind == "unresolved"]
    assert len(sl002) == 1 and message in sl002[0].message, schema.diagnostics
    assert [d.kind for d in schema.diagnostics] == ["unresolved"]
    assert schema.complete is complete
    table_name, column_name, index_name = where
    if table_name is None:
        return
    found = table(schema, table_name)
    assert found.unknown == table_parts
    if column_name is not None:
        assert found.column(column_name).unknown == parts
    if index_name is not None:
        index = next(i for i in found.indexes if i.name == index_name)
        assert index.unknown == parts and index.where is None


@pytest.mark.parametrize("case", ["fk-to-a-column-of-unknown-type", "fk-to-a-table-not-read"])
def test_a_foreign_key_whose_type_is_unknown_keeps_its_reference(tmp_path, case):
    schema = read_body(tmp_path, UNKNOWNS[case][0])
    [fk] = table(schema, "children").foreign_keys
    assert fk.columns == ("parent_id",) and fk.ref_columns == ("id",) and fk.unknown == ()


def test_type_checking_blocks_are_not_conditions(tmp_path):
    schema = read_body(
        tmp_path,
        """
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal as Money
else:
    class Thing(Base):
        __tablename__ = "things"
        id = Column(Integer, primary_key=True)
""",
    )
    assert table(schema, "things").unknown == () and schema.diagnostics == ()


def test_a_loop_that_builds_no_table_is_not_reported(tmp_path):
    schema = read_body(
        tmp_path,
        """
for name in compute_names():
    print(name)
""",
    )
    assert schema.diagnostics == () and schema.complete
