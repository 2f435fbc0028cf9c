"""Unknown is not absent: no rule reports a finding that depends on a part a reader could not
resolve, on either side; a known part that differs is still reported.

Each case starts from two identical hand-built schemas, makes one known difference that a rule
reports, and then marks one part unknown on the truth or on the mirror: the finding must go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from schemalint.compare import compare
from schemalint.config import Config
from schemalint.dispatch import check_target
from schemalint.model import Column, Constraint, ForeignKey, Index, Location, PrimaryKey, Schema, Table
from schemalint.registry import Rule, load_rules

Edit = Callable[[Schema], Schema]
RULES: dict[str, Rule] = {r.code: r for r in load_rules()}


def _stocks() -> Table:
    return Table(
        name="stocks",
        model="shop.Stock",
        comment="Listed stocks",
        columns=(
            Column("id", "bigint", nullable=False),
            Column(
                "symbol", "character varying(10)", nullable=False, default="'x'::character varying", comment="Ticker"
            ),
            Column("sector_id", "bigint", nullable=False),
            Column("price", "numeric(10,2)"),
            Column("note", "text"),
        ),
        primary_key=PrimaryKey(("id",)),
        foreign_keys=(ForeignKey(("sector_id",), "sectors", ("id",), on_delete="NO ACTION"),),
        indexes=(
            Index("idx_price", ("price",)),
            Index("stocks_sector_id_idx", ("sector_id",), implicit=True, origin="fk"),
        ),
        constraints=(
            Constraint("stocks_symbol_key", "unique", ("symbol",), implicit=True),
            Constraint("chk_price", "check", ("price",), expression="price > 0"),
            Constraint("uniq_symbol_sector", "unique", ("symbol", "sector_id")),
        ),
    )


def _sectors() -> Table:
    return Table(
        name="sectors",
        model="shop.Sector",
        columns=(Column("id", "bigint", nullable=False),),
        primary_key=PrimaryKey(("id",)),
    )


TRUTH = Schema("django", (_stocks(), _sectors()))
MIRROR = Schema("sql", (_stocks(), _sectors()))


def findings(truth: Schema, mirror: Schema) -> list[tuple[str, str]]:
    cmp = compare(truth, mirror, Config())
    return [
        (code, v.message)
        for code, rule in RULES.items()
        if rule.level in ("comparison", "table", "column") and rule.default_enabled
        for v in check_target(rule, cmp)
    ]


# Edits of one table of a schema ------------------------------------------------------------


def on_table(change: Callable[[Table], Table], name: str = "stocks") -> Edit:
    return lambda s: replace(s, tables=tuple(change(t) if t.name == name else t for t in s.tables))


def table_part(*parts: str, name: str = "stocks") -> Edit:
    return on_table(lambda t: replace(t, unknown=parts), name)


def column(name: str, **changes: object) -> Edit:
    return on_table(
        lambda t: replace(t, columns=tuple(replace(c, **changes) if c.name == name else c for c in t.columns))
    )


def column_part(name: str, *parts: str) -> Edit:
    return column(name, unknown=parts)


def drop_column(name: str) -> Edit:
    return on_table(lambda t: replace(t, columns=tuple(c for c in t.columns if c.name != name)))


def _objects(kind: str, key: Callable[[object], bool], change: Callable[[object], object | None]) -> Edit:
    def edit(t: Table) -> Table:
        changed = (change(o) if key(o) else o for o in getattr(t, kind))
        return replace(t, **{kind: tuple(o for o in changed if o is not None)})

    return on_table(edit)


def index(name: str, **changes: object) -> Edit:
    return _objects("indexes", lambda i: i.name == name, lambda i: replace(i, **changes))


def drop_index(name: str) -> Edit:
    return _objects("indexes", lambda i: i.name == name, lambda i: None)


def add_index(ix: Index) -> Edit:
    return on_table(lambda t: replace(t, indexes=(*t.indexes, ix)))


def constraint(name: str, **changes: object) -> Edit:
    return _objects("constraints", lambda c: c.name == name, lambda c: replace(c, **changes))


def drop_constraint(name: str) -> Edit:
    return _objects("constraints", lambda c: c.name == name, lambda c: None)


def add_constraint(c: Constraint) -> Edit:
    return on_table(lambda t: replace(t, constraints=(*t.constraints, c)))


def fk(**changes: object) -> Edit:
    return _objects("foreign_keys", lambda f: True, lambda f: replace(f, **changes))


DROP_FK = _objects("foreign_keys", lambda f: True, lambda f: None)


def drop_table(name: str) -> Edit:
    return lambda s: replace(s, tables=tuple(t for t in s.tables if t.name != name))


def incomplete(s: Schema) -> Schema:
    return replace(s, complete=False)


def add_unnamed_table(s: Schema) -> Schema:
    return replace(s, tables=(*s.tables, Table(name="?", unknown=("name",))))


def renamed_mirror(s: Schema) -> Schema:
    return on_table(lambda t: replace(t, name="stock", mirrors="apps.shop.models.Stock"))(s)


def both(*edits: Edit) -> Edit:
    def edit(s: Schema) -> Schema:
        for e in edits:
            s = e(s)
        return s

    return edit


# code, the difference (applied to the mirror, or to the truth with `truth:`), the unknown
# parts that each suppress it, each as (side, edit).
T, M = "truth", "mirror"


def either(edit: Edit) -> list[tuple[str, Edit]]:
    return [(T, edit), (M, edit)]


CASES: list[tuple[str, str, Edit, Edit | None, list[tuple[str, Edit]]]] = [
    # id, code, mirror edit, truth edit, suppressors
    (
        "SL203",
        "type",
        column("symbol", type="text"),
        None,
        [(T, column_part("symbol", "type")), (M, column_part("symbol", "type"))],
    ),
    (
        "SL204",
        "nullable",
        column("symbol", nullable=True),
        None,
        [(T, column_part("symbol", "nullable")), (M, column_part("symbol", "nullable"))],
    ),
    (
        "SL206",
        "default",
        column("symbol", default=None),
        None,
        [(s, column_part("symbol", p)) for s in (T, M) for p in ("default", "identity")],
    ),
    (
        "SL209",
        "column-comment",
        column("symbol", comment=None),
        None,
        [(T, column_part("symbol", "comment")), (M, column_part("symbol", "comment"))],
    ),
    (
        "SL209",
        "table-comment",
        on_table(lambda t: replace(t, comment=None)),
        None,
        [(T, table_part("comment")), (M, table_part("comment"))],
    ),
    (
        "SL208",
        "unique",
        drop_constraint("stocks_symbol_key"),
        None,
        [
            (T, column_part("symbol", "unique")),
            (M, column_part("symbol", "unique")),
            (M, table_part("constraints")),
            (M, table_part("indexes")),
            (T, table_part("constraints")),
            (M, add_index(Index("?", (), unique=True, unknown=("columns",)))),
            (M, add_constraint(Constraint("whatever", "unique", ("symbol",), unknown=("where",)))),
        ],
    ),
    ("SL201", "missing-column", drop_column("note"), None, [(M, table_part("columns"))]),
    ("SL202", "extra-column", None, drop_column("note"), [(T, table_part("columns"))]),
    (
        "SL101",
        "missing-table",
        drop_table("sectors"),
        None,
        [
            (M, incomplete),
            (T, table_part("exists", name="sectors")),
            (T, table_part("name", name="sectors")),
            (M, add_unnamed_table),
        ],
    ),
    ("SL102", "extra-table", None, drop_table("sectors"), [(T, incomplete), (T, add_unnamed_table)]),
    ("SL103", "table-name", renamed_mirror, None, [(T, table_part("name")), (M, table_part("name", name="stock"))]),
    (
        "SL205",
        "primary-key",
        on_table(lambda t: replace(t, primary_key=PrimaryKey(("symbol",)))),
        None,
        either(table_part("primary_key")),
    ),
    (
        "SL207",
        "missing-fk",
        DROP_FK,
        None,
        [
            (M, table_part("foreign_keys")),
            (M, column_part("sector_id", "references")),
            (T, column_part("sector_id", "references")),
            (T, fk(unknown=("on_delete",))),
            (
                M,
                both(
                    DROP_FK,
                    on_table(
                        lambda t: replace(
                            t, foreign_keys=(ForeignKey(("?",), "sectors", ("id",), unknown=("columns",)),)
                        )
                    ),
                ),
            ),
        ],
    ),
    (
        "SL207",
        "extra-fk",
        None,
        DROP_FK,
        [(T, table_part("foreign_keys")), (T, column_part("sector_id", "references")), (M, fk(unknown=("ref_table",)))],
    ),
    (
        "SL207",
        "fk-target",
        fk(ref_table="sector"),
        None,
        [(s, fk(unknown=(p,))) for s in (T, M) for p in ("ref_table", "ref_columns")],
    ),
    (
        "SL207",
        "fk-action",
        fk(on_delete="SET NULL"),
        None,
        [*either(fk(unknown=("on_delete",))), (M, column_part("sector_id", "references"))],
    ),
    (
        "SL301",
        "missing-index",
        drop_index("idx_price"),
        None,
        [
            (M, table_part("indexes")),
            (M, table_part("constraints")),
            (T, index("idx_price", unknown=("where",))),
            (M, add_index(Index("idx_price_2", ("price",), unknown=("where",)))),
            (M, add_index(Index("idx_price", ("?",), unknown=("columns",)))),
        ],
    ),
    (
        "SL301",
        "missing-fk-index",
        drop_index("stocks_sector_id_idx"),
        None,
        [(M, table_part("indexes")), (M, add_index(Index("stocks_sector_idx", ("sector_id",), unknown=("using",))))],
    ),
    (
        "SL302",
        "extra-index",
        None,
        drop_index("idx_price"),
        [
            (T, table_part("indexes")),
            (M, index("idx_price", unknown=("orders",))),
            (T, add_index(Index("idx_price", ("price",), unknown=("where",)))),
        ],
    ),
    (
        "SL303",
        "index-differs",
        index("idx_price", where="price > 0"),
        None,
        either(index("idx_price", unknown=("where",))),
    ),
    (
        "SL304",
        "missing-constraint",
        drop_constraint("chk_price"),
        None,
        [
            (M, table_part("constraints")),
            (T, constraint("chk_price", unknown=("expression",))),
            (M, add_constraint(Constraint("chk_price", "check", unknown=("expression",)))),
        ],
    ),
    (
        "SL304",
        "missing-unique",
        drop_constraint("uniq_symbol_sector"),
        None,
        [
            (M, table_part("constraints")),
            (M, table_part("indexes")),
            (M, add_index(Index("u", ("sector_id", "symbol"), unique=True, unknown=("where",)))),
        ],
    ),
    (
        "SL304",
        "constraint-differs",
        constraint("chk_price", expression="price > 1"),
        None,
        either(constraint("chk_price", unknown=("expression",))),
    ),
]


def _apply(edit: Edit | None, schema: Schema) -> Schema:
    return edit(schema) if edit else schema


@pytest.mark.parametrize(
    "code, what, mirror_edit, truth_edit, suppressors", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_a_known_difference_is_reported(code, what, mirror_edit, truth_edit, suppressors):
    also = {"SL208"} if code == "SL205" else set()  # `id` is no longer unique in the mirror
    assert {c for c, _ in findings(_apply(truth_edit, TRUTH), _apply(mirror_edit, MIRROR))} == {code} | also


SUPPRESSED = [
    pytest.param(code, mirror_edit, truth_edit, side, unknown, id=f"{code}-{what}-{side}-{n}")
    for code, what, mirror_edit, truth_edit, suppressors in CASES
    for n, (side, unknown) in enumerate(suppressors)
]


@pytest.mark.parametrize("code, mirror_edit, truth_edit, side, unknown", SUPPRESSED)
def test_an_unknown_part_suppresses_the_finding(code, mirror_edit, truth_edit, side, unknown):
    truth, mirror = _apply(truth_edit, TRUTH), _apply(mirror_edit, MIRROR)
    if side == T:
        truth = unknown(truth)
    else:
        mirror = unknown(mirror)
    assert findings(truth, mirror) == []


def test_identical_schemas_give_no_finding():
    assert findings(TRUTH, MIRROR) == []


# A known part that differs is still reported when another part is unknown.
STILL = [
    ("SL203", column("symbol", type="text", unknown=("nullable", "default", "comment")), None),
    ("SL204", column("symbol", nullable=True, unknown=("type",)), None),
    ("SL206", column("symbol", default=None, unknown=("type", "nullable")), None),
    ("SL208", both(drop_constraint("stocks_symbol_key"), column_part("symbol", "type")), table_part("columns")),
    ("SL201", drop_column("note"), table_part("columns")),
    ("SL202", table_part("columns"), drop_column("note")),
    ("SL207", both(fk(ref_table="sector"), column_part("sector_id", "type")), None),
    ("SL207", both(fk(on_delete="SET NULL"), add_index(Index("x", ("note",), unknown=("where",)))), None),
    ("SL301", drop_index("idx_price"), add_index(Index("idx_note", ("note",), unknown=("where",)))),
    ("SL301", both(drop_index("idx_price"), add_index(Index("idx_note", ("note",), unknown=("where",)))), None),
    ("SL302", add_index(Index("idx_extra", ("note",))), index("idx_price", unknown=("where",))),
    (
        "SL303",
        both(index("idx_price", using="hash"), add_index(Index("idx_note", ("note",), unknown=("where",)))),
        None,
    ),
    ("SL304", drop_constraint("chk_price"), constraint("uniq_symbol_sector", unknown=("where",))),
    ("SL101", drop_table("sectors"), table_part("columns", "indexes", name="stocks")),
    ("SL102", table_part("exists", name="sectors"), drop_table("sectors")),
    ("SL205", both(on_table(lambda t: replace(t, primary_key=PrimaryKey(("symbol",)))), table_part("indexes")), None),
    ("SL209", column("symbol", comment="Other", unknown=("type",)), table_part("comment")),
]


@pytest.mark.parametrize("code, mirror_edit, truth_edit", STILL, ids=[f"{c[0]}-{n}" for n, c in enumerate(STILL)])
def test_a_known_difference_is_still_reported_beside_an_unknown_part(code, mirror_edit, truth_edit):
    assert code in [c for c, _ in findings(_apply(truth_edit, TRUTH), _apply(mirror_edit, MIRROR))]


@pytest.mark.parametrize("unknown", [(), ("on_delete",)])
def test_sl210_compares_only_known_actions(unknown):
    mirror = fk(on_delete="CASCADE")(MIRROR)
    truth = fk(declared_on_delete="CASCADE", unknown=unknown)(TRUTH)
    cmp = compare(truth, mirror, Config())
    assert len(check_target(RULES["SL210"], cmp)) == (0 if unknown else 1)


@pytest.mark.parametrize("unknown, expected", [((), 1), (("columns",), 0)])
def test_sl305_skips_an_index_with_unknown_parts(unknown, expected):
    unnamed = Index("stocks_price_1a2b3c_idx", ("price",), implicit=True, location=Location("m.py", 3), unknown=unknown)
    schema = Schema("django", (replace(_stocks(), indexes=(unnamed,)),))
    assert len(check_target(RULES["SL305"], schema)) == expected


# Wording: when the truth is not Django, no message says "Django" ------------------------------

NOT_DJANGO = [("sqlalchemy", "sql"), ("sql", "sqlalchemy")]


@pytest.mark.parametrize("truth_source, mirror_source", NOT_DJANGO)
@pytest.mark.parametrize(
    "code, what, mirror_edit, truth_edit", [c[:4] for c in CASES], ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_no_message_says_django_when_the_truth_is_not_django(
    truth_source, mirror_source, code, what, mirror_edit, truth_edit
):
    truth = replace(_apply(truth_edit, TRUTH), source=truth_source)
    mirror = replace(_apply(mirror_edit, MIRROR), source=mirror_source)
    found = findings(truth, mirror)
    assert code in {c for c, _ in found}
    assert not [m for _, m in found if "Django" in m or "db_table" in m or "null=" in m]


@pytest.mark.parametrize("truth_source", ["sqlalchemy", "sql"])
def test_sl210_is_about_django_only(truth_source):
    cmp = compare(replace(TRUTH, source=truth_source), fk(on_delete="CASCADE")(MIRROR), Config())
    assert check_target(RULES["SL210"], cmp) == []


_SQLALCHEMY = """
from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Sector(Base):
    __tablename__ = "sectors"
    id = Column(BigInteger, primary_key=True)


class Stock(Base):
    __tablename__ = "stocks"
    __table_args__ = (Index("idx_stocks_symbol", "symbol"),)
    id = Column(BigInteger, primary_key=True)
    symbol = Column(String(10), nullable=False, unique=True)
    sector_id = Column(BigInteger, ForeignKey("sectors.id", ondelete="CASCADE"), nullable=False)
    price = Column(Integer, server_default="0", comment="in cents")


class Trade(Base):
    __tablename__ = "trades"
    id = Column(BigInteger, primary_key=True)
"""

_SQL = """
CREATE TABLE IF NOT EXISTS sectors (id BIGINT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS stocks (
    id BIGSERIAL PRIMARY KEY,
    symbol TEXT,
    sector_id BIGINT REFERENCES sectors(id) ON DELETE SET NULL,
    legacy INTEGER
);
CREATE INDEX IF NOT EXISTS idx_stocks_legacy ON stocks (legacy);
CREATE TABLE IF NOT EXISTS quotes (id BIGSERIAL PRIMARY KEY);
"""


@pytest.mark.parametrize("truth", ["sqlalchemy", "sql"])
def test_no_message_says_django_end_to_end(truth, tmp_path):
    from schemalint.engine import run_check
    from schemalint.testing import CASE_PATHS

    for source, text in (("sqlalchemy", _SQLALCHEMY), ("sql", _SQL)):
        (tmp_path / CASE_PATHS[source]).parent.mkdir(parents=True)
        (tmp_path / CASE_PATHS[source]).write_text(text)
    config = Config(root=tmp_path.resolve(), source_of_truth=truth, select=tuple(RULES))
    result = run_check(config, use_cache=False)
    codes = {f.code for f in result.findings}
    assert {"SL101", "SL102", "SL203", "SL204", "SL207"} <= codes, result.findings
    assert not [f.message for f in result.findings if "Django" in f.message]


# dump: unknown parts print as null / ?, and foreign keys show their whole target -----------


def test_a_fully_known_dump_has_no_unknown_keys():
    from schemalint.report.dump import format_dump_json, format_dump_text

    assert '"unknown"' not in format_dump_json(TRUTH) and '"complete"' not in format_dump_json(TRUTH)
    assert "?" not in format_dump_text(TRUTH)


@pytest.mark.parametrize(
    "edit, path, key, part",
    [
        (column_part("symbol", "type"), ("columns", 1), "type", "type"),
        (column_part("symbol", "nullable"), ("columns", 1), "nullable", "nullable"),
        (column_part("symbol", "default"), ("columns", 1), "default", "default"),
        (column_part("symbol", "comment"), ("columns", 1), "comment", "comment"),
        (column_part("sector_id", "references"), ("columns", 2), "references", "references"),
        (column_part("symbol", "unique"), ("columns", 1), None, "unique"),
        (index("idx_price", unknown=("where",)), ("indexes", 0), "where", "where"),
        (index("idx_price", unknown=("columns",)), ("indexes", 0), "columns", "columns"),
        (constraint("chk_price", unknown=("expression",)), ("constraints", 1), "expression", "expression"),
        (fk(unknown=("ref_table",)), ("foreign_keys", 0), "ref_table", "ref_table"),
        (fk(unknown=("on_delete",)), ("foreign_keys", 0), "on_delete", "on_delete"),
        (table_part("comment"), (), "comment", "comment"),
        (table_part("columns"), (), None, "columns"),
    ],
)
def test_dump_json_prints_an_unknown_part_as_null_and_lists_it(edit, path, key, part):
    from schemalint.report.dump import schema_to_dict

    [stocks] = [t for t in schema_to_dict(edit(TRUTH))["tables"] if t["name"] == "stocks"]
    element = stocks[path[0]][path[1]] if path else stocks
    assert element["unknown"] == [part]
    if key:
        assert element[key] is None
    known = [
        e for kind in ("columns", "indexes", "constraints", "foreign_keys") for e in stocks[kind] if e is not element
    ]
    assert not [e for e in known if "unknown" in e]


@pytest.mark.parametrize(
    "edit, line",
    [
        (
            column_part("symbol", "type"),
            "  symbol                   ? NOT NULL DEFAULT 'x'::character varying  -- unknown: type",
        ),
        (
            column_part("symbol", "default"),
            "  symbol                   character varying(10) NOT NULL DEFAULT ?  -- unknown: default",
        ),
        (index("idx_price", unknown=("where",)), "  INDEX idx_price USING btree (price) WHERE ?  -- unknown: where"),
        (
            fk(unknown=("ref_table",)),
            "  FOREIGN KEY  (sector_id) REFERENCES ?(id) ON DELETE NO ACTION  -- unknown: ref_table",
        ),
        (table_part("columns"), "TABLE stocks  (shop.Stock)  -- unknown: columns"),
    ],
)
def test_dump_text_prints_an_unknown_part_as_a_question_mark(edit, line):
    from schemalint.report.dump import format_dump_text

    assert line in format_dump_text(edit(TRUTH)).splitlines()


def test_dump_marks_an_incomplete_schema():
    from schemalint.report.dump import format_dump_text, schema_to_dict

    assert schema_to_dict(incomplete(TRUTH))["complete"] is False
    assert format_dump_text(incomplete(TRUTH)).startswith("-- incomplete")


_COMPOSITE = """
CREATE SCHEMA ref;
CREATE TABLE ref.listings (exchange text, symbol text, PRIMARY KEY (exchange, symbol));
CREATE TABLE quotes (
    id bigint PRIMARY KEY,
    sym text NOT NULL,
    exch text NOT NULL,
    CONSTRAINT quotes_listing_fkey FOREIGN KEY (sym, exch) REFERENCES ref.listings (symbol, exchange)
);
"""


@pytest.mark.postgres
def test_dump_gives_each_column_of_a_composite_key_its_reference_as_postgres_does(pg):
    import psycopg

    from schemalint.report.dump import schema_to_dict
    from tests.support.catalog import read_catalog

    dsn = pg.create_database("unknowns_composite_fk")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(_COMPOSITE)
    [database] = read_catalog(dsn)["tables"]
    quotes = Table(
        "quotes",
        columns=(
            Column("id", "bigint", nullable=False),
            Column("sym", "text", nullable=False),
            Column("exch", "text", nullable=False),
        ),
        primary_key=PrimaryKey(("id",), "quotes_pkey"),
        foreign_keys=(
            ForeignKey(
                ("sym", "exch"), "listings", ("symbol", "exchange"), name="quotes_listing_fkey", ref_schema="ref"
            ),
        ),
    )
    [dumped] = schema_to_dict(Schema("sql", (quotes,)))["tables"]
    assert [c["references"] for c in dumped["columns"]] == [c["references"] for c in database["columns"]]
    assert [c["references"] and (c["references"]["schema"], c["references"]["column"]) for c in dumped["columns"]] == [
        None,
        ("ref", "symbol"),
        ("ref", "exchange"),
    ]
    assert dumped["foreign_keys"][0]["ref_schema"] == database["foreign_keys"][0]["ref_schema"] == "ref"
