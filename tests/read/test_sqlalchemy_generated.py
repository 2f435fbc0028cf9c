"""Generated differential test: random model files assembled from the declarations the other
tests use (types, defaults, modifiers, keys, table arguments), created by real SQLAlchemy in
PostgreSQL and read back from the catalogs; the static read must agree on every fact."""

from __future__ import annotations

import random

import pytest

from tests.read.test_sqlalchemy_support import read_body
from tests.read.test_sqlalchemy_types import DEFAULTS, PRELUDE, TYPES

MODIFIERS = ["nullable=False", "unique=True", "index=True", "comment='about it'", "index=True, unique=True"]
ANNOTATED = [
    "Mapped[int]",
    "Mapped[Optional[str]] = mapped_column(String(12))",
    "Mapped[Decimal] = mapped_column(Numeric(8, 3))",
    "Mapped[datetime.datetime | None]",
    "Mapped[Color]",
    "Mapped[Literal['x', 'yy']]",
    "Mapped[bool] = mapped_column(server_default='t')",
    "Mapped[str50]",
    "Mapped[money | None]",
    "Mapped[uuid.UUID]",
    "Mapped[bytes | None]",
    "Mapped[int] = mapped_column(SmallInteger, server_default='3')",
]
SIMPLE_TYPES = [d for d, _ in TYPES if "other_name" not in d and "type_=" not in d]
PLAIN_DEFAULTS = [d for d, _, _ in DEFAULTS if "Identity" not in d]


def _with(declaration: str, extra: str) -> str:
    return declaration[:-1] + (", " if not declaration.endswith("(") else "") + extra + ")"


def _table(rng: random.Random, index: int, earlier: list[str]) -> str:
    name = f"gen_{index}"
    lines = [f"class Gen{index}(Base):", f"    __tablename__ = {name!r}"]
    pk = rng.choice(
        [
            "id = Column(Integer, primary_key=True)",
            "id = Column(BigInteger, primary_key=True)",
            "id: Mapped[int] = mapped_column(primary_key=True)",
            "id = Column(String(8), primary_key=True)",
            "id = Column(Integer, Identity(), primary_key=True)",
        ]
    )
    lines.append(f"    {pk}")
    columns = []
    for number in range(rng.randint(2, 7)):
        column = f"c{number}"
        kind = rng.random()
        if kind < 0.4:
            declaration = rng.choice(SIMPLE_TYPES)
            if rng.random() < 0.4 and "(JSON)" not in declaration:  # json has no btree operator class
                declaration = _with(declaration, rng.choice(MODIFIERS))
            lines.append(f"    {column} = {declaration}")
        elif kind < 0.6:
            lines.append(f"    {column} = {rng.choice(PLAIN_DEFAULTS)}")
        elif kind < 0.85:
            lines.append(f"    {column}: {rng.choice(ANNOTATED)}")
        elif earlier:
            target = rng.choice(earlier)
            on_delete = rng.choice(["", ", ondelete='CASCADE'", ", ondelete='SET NULL'"])
            lines.append(f"    {column} = Column(ForeignKey('{target}.id'{on_delete}))")
        else:
            lines.append(f"    {column} = Column(Integer, nullable=False, server_default='0')")
        if "(JSON)" not in lines[-1]:  # json has no btree operator class: never indexed
            columns.append(column)
    args = []
    if len(columns) >= 2 and rng.random() < 0.5:
        args.append(f"Index('ix_{name}_pair', {columns[0]!r}, sa.desc({columns[1]!r}))")
    if rng.random() < 0.4:
        args.append('CheckConstraint("id IS NOT NULL")')
    if rng.random() < 0.3:
        args.append(f"{{'comment': 'generated table {index}'}}")
    if args:
        lines.insert(2, f"    __table_args__ = ({', '.join(args)},)")
    return "\n".join(lines) + "\n"


def generated_models(seed: int) -> str:
    rng = random.Random(seed)
    tables, earlier = [], []
    for index in range(rng.randint(4, 9)):
        tables.append(_table(rng, index, [t for t in earlier]))
        earlier.append(f"gen_{index}")
    return PRELUDE + "\n\n" + "\n\n".join(tables)


@pytest.mark.postgres
@pytest.mark.parametrize("seed", range(8))
def test_generated_models_match_create_all(tmp_path, pg, seed):
    from schemalint.report.dump import schema_to_dict
    from tests.read.test_sqlalchemy_support import created_by_sqlalchemy
    from tests.support.catalog import compare_catalogs

    schema = read_body(tmp_path, generated_models(seed))
    actual = created_by_sqlalchemy(pg, f"sa_generated_{seed}", tmp_path / "models.py", schemas=("corpus_types",))
    agreement = compare_catalogs(schema_to_dict(schema), actual, comments=True)
    assert agreement.differences == [], str(agreement) + "\n" + (tmp_path / "models.py").read_text()
    # not a compared fact, but the dump should list columns in the order the table has them
    static_order = {t.name: [c.name for c in t.columns] for t in schema.tables}
    assert static_order == {t["name"]: [c["name"] for c in t["columns"]] for t in actual["tables"]}
    assert [d for d in schema.diagnostics] == []
