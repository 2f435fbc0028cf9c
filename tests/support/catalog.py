"""What PostgreSQL really built, in the shape of `schemalint dump --format json`.

`read_catalog(dsn)` reads one schema of a live database from the system catalogs and returns
the dict `schemalint.report.dump.schema_to_dict` returns for a reader's `Schema`, so a reader's
output can be checked against the database its source creates. `compare_catalogs(expected,
actual)` then counts the facts two such dicts agree on.

Spelling decisions (readers aim for these; they are PostgreSQL's own printouts):

* column types: `format_type(atttypid, atttypmod)` (`character varying(10)`, `numeric(12,4)`);
* column defaults: `pg_get_expr(adbin, adrelid)` (`'pending'::character varying`, `now()`);
  identity columns have no default but `identity` = `always` / `by default`; a stored
  generated column has its expression in `generated` and no default;
* index parts (`columns`): a plain column is its name; an expression part is what
  `pg_get_indexdef(index, part, true)` prints for it, e.g. `lower((symbol)::text)`;
* index `where`: `pg_get_expr(indpred, indrelid, true)`, e.g. `(status)::text = 'open'::text`;
* index `orders`: per key part '' or 'DESC', and `[]` when every part is ascending;
  `opclasses`: per key part the operator class name when it is not the type's default
  (`varchar_pattern_ops`), else '', and `[]` when every part uses the default;
  `include`: the INCLUDE columns;
* CHECK `expression`: `pg_get_expr(conbin, conrelid, true)` (`quantity >= 0`, no `CHECK (...)`);
* an index that backs a PRIMARY KEY or UNIQUE (or EXCLUDE) constraint is reported as that
  constraint only (`primary_key` / a constraint of kind `unique`), never again as an index,
  exactly as the readers model it: `unique=True` fields and UniqueConstraints are
  constraints; `CREATE [UNIQUE] INDEX` and Django `Index`/`db_index` are indexes;
* `implicit_name` is a guess from the name's spelling (see `looks_generated`): PostgreSQL's
  default names (`stocks_pkey`, `stocks_symbol_key`, `..._fkey`, `..._idx`, `..._check`),
  Django's hash-suffixed names (`stocks_symbol_0a1b2c3d_like`, `..._fk_stocks_id`) and
  SQLAlchemy's `ix_<table>_<column>`. The database cannot know who wrote a name; the guess
  is only used by `compare_catalogs(names=False)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
IDENTITY = {"a": "always", "d": "by default"}

_TABLES_SQL = """
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

_COLUMNS_SQL = """
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
       NOT a.attnotnull AS nullable, a.attidentity, a.attgenerated,
       pg_get_expr(d.adbin, d.adrelid) AS expr, col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS_SQL = """
SELECT con.conrelid, con.conname, con.contype, con.conkey, con.confkey, con.confdeltype,
       con.condeferrable, con.condeferred, con.conindid, ref.relname AS ref_table, refn.nspname AS ref_schema,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.position) AS ref_columns,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid, true)
            WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid, true) END AS expression,
       ix.indnullsnotdistinct
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class ref ON ref.oid = con.confrelid
LEFT JOIN pg_namespace refn ON refn.oid = ref.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype IN ('u', 'p')
WHERE n.nspname = %(schema)s AND con.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY con.conrelid, con.conname
"""

_INDEXES_SQL = """
SELECT ix.indrelid, i.relname AS name, ix.indexrelid, ix.indisunique, ix.indnkeyatts,
       ix.indkey::int2[] AS indkey, ix.indoption::int2[] AS indoption,
       ix.indclass::oid[] AS indclass, am.amname AS using,
       pg_get_expr(ix.indpred, ix.indrelid, true) AS "where"
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = i.relam
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid
                  AND con.contype IN ('p', 'u', 'x'))
ORDER BY ix.indrelid, i.relname
"""

_OPCLASSES_SQL = "SELECT oid, opcname, opcdefault FROM pg_opclass"
_INDEX_PART_SQL = "SELECT pg_get_indexdef(%s, %s, true)"


def read_catalog(dsn: str, schema: str = "public") -> dict:
    """The tables of `schema` as `schemalint dump --format json` would print them."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        params = {"schema": schema}
        tables = conn.execute(_TABLES_SQL, params).fetchall()
        columns = conn.execute(_COLUMNS_SQL, params).fetchall()
        constraints = conn.execute(_CONSTRAINTS_SQL, params).fetchall()
        indexes = conn.execute(_INDEXES_SQL, params).fetchall()
        opclasses = {row["oid"]: row for row in conn.execute(_OPCLASSES_SQL).fetchall()}
        version = conn.execute("SHOW server_version").fetchone()["server_version"]
        index_dicts = [_index_dict(conn, row, columns, opclasses) for row in indexes]

    attnames = {(c["attrelid"], c["attnum"]): c["attname"] for c in columns}
    result = []
    for table in tables:
        oid = table["oid"]
        own = [c for c in constraints if c["conrelid"] == oid]
        result.append(
            _table_dict(
                table,
                schema=None if schema == "public" else schema,
                columns=[c for c in columns if c["attrelid"] == oid],
                constraints=own,
                indexes=[ix for relid, ix in index_dicts if relid == oid],
                attnames=attnames,
            )
        )
    return {"source": "postgres", "properties": {"server_version": version}, "tables": result, "diagnostics": []}


def _names(attnames: dict, relid: int, attnums: Iterable[int] | None) -> list[str]:
    return [attnames[(relid, n)] for n in (attnums or [])]


def _table_dict(table, *, schema, columns, constraints, indexes, attnames) -> dict:
    oid, name = table["oid"], table["relname"]
    pk = next((c for c in constraints if c["contype"] == "p"), None)
    pk_columns = _names(attnames, oid, pk["conkey"]) if pk else []
    fks = [_fk_dict(name, c, attnames) for c in constraints if c["contype"] == "f"]
    column_fk: dict[str, dict] = {}
    for fk in fks:  # each column of a key, composite or not, references its counterpart
        for column in fk["columns"]:
            column_fk.setdefault(column, fk)
    return {
        "name": name,
        "schema": schema,
        "model": None,
        "managed": True,
        "comment": table["comment"],
        "columns": [_column_dict(c, c["attname"] in pk_columns, column_fk.get(c["attname"])) for c in columns],
        "primary_key": None if pk is None else {"name": pk["conname"], "columns": pk_columns},
        "foreign_keys": fks,
        "indexes": [dict(ix, implicit_name=looks_generated(ix["name"], name)) for ix in indexes],
        "constraints": [_constraint_dict(name, c, attnames) for c in constraints if c["contype"] in ("u", "c", "x")],
        "location": None,
    }


def _column_dict(row, primary_key: bool, fk: dict | None) -> dict:
    generated = row["expr"] if row["attgenerated"] == "s" else None
    return {
        "name": row["attname"],
        "type": row["type"],
        "nullable": row["nullable"],
        "primary_key": primary_key,
        "default": None if generated is not None else row["expr"],
        "identity": IDENTITY.get(row["attidentity"]),
        "generated": generated,
        "comment": row["comment"],
        "references": None
        if fk is None
        else {
            "table": fk["ref_table"],
            "schema": fk["ref_schema"],
            "column": fk["ref_columns"][fk["columns"].index(row["attname"])],
            "on_delete": fk["on_delete"],
            "django_on_delete": None,
            "deferrable": fk["deferrable"],
        },
        "location": None,
    }


def _fk_dict(table: str, row, attnames) -> dict:
    return {
        "name": row["conname"],
        "columns": _names(attnames, row["conrelid"], row["conkey"]),
        "ref_table": row["ref_table"],
        "ref_schema": None if row["ref_schema"] == "public" else row["ref_schema"],
        "ref_columns": list(row["ref_columns"]),
        "on_delete": ON_DELETE[row["confdeltype"]],
        "django_on_delete": None,
        "deferrable": row["condeferrable"],
        "initially_deferred": row["condeferred"],
        "implicit_name": looks_generated(row["conname"], table),
    }


def _constraint_dict(table: str, row, attnames) -> dict:
    kind = {"u": "unique", "c": "check", "x": "exclude"}[row["contype"]]
    nulls_distinct = None
    if kind == "unique":
        nulls_distinct = not row["indnullsnotdistinct"]
    return {
        "name": row["conname"],
        "kind": kind,
        "columns": _names(attnames, row["conrelid"], row["conkey"]) if kind != "exclude" else [],
        "expression": row["expression"],
        "nulls_distinct": nulls_distinct,
        "implicit_name": looks_generated(row["conname"], table),
    }


def _index_dict(conn, row, columns, opclasses) -> tuple[int, dict]:
    relid = row["indrelid"]
    attnames = {c["attnum"]: c["attname"] for c in columns if c["attrelid"] == relid}
    nkey = row["indnkeyatts"]
    keys, included = row["indkey"][:nkey], row["indkey"][nkey:]
    parts = []
    for position, attnum in enumerate(keys, start=1):
        if attnum:
            parts.append(attnames[attnum])
        else:  # an expression part: PostgreSQL's own spelling of it
            parts.append(conn.execute(_INDEX_PART_SQL, (row["indexrelid"], position)).fetchone()["pg_get_indexdef"])
    orders = ["DESC" if option & 1 else "" for option in (row["indoption"] or [])[:nkey]]
    classes = [
        "" if opclasses[oid]["opcdefault"] else opclasses[oid]["opcname"] for oid in (row["indclass"] or [])[:nkey]
    ]
    return relid, {
        "name": row["name"],
        "columns": parts,
        "unique": row["indisunique"],
        "where": row["where"],
        "using": row["using"],
        "orders": orders if any(orders) else [],
        "opclasses": classes if any(classes) else [],
        "include": [attnames[a] for a in included],
        "origin": "index",
    }


# PostgreSQL's default names end in these suffixes (ChooseConstraintName / ChooseIndexName),
# possibly followed by a digit when the name was taken.
_PG_DEFAULT = re.compile(r"_(pkey|key|fkey|idx|check|excl)\d*$")
# Django: <table>_<columns>_<8 hex digits of a hash>[_like|_uniq|_pk|_check|_fk_<table>_<col>].
_DJANGO_HASHED = re.compile(r"_[0-9a-f]{8}(_like|_uniq|_pk|_check|_fk_\w+)?$")


def looks_generated(name: str | None, table: str) -> bool:
    """Whether `name` is spelled like a name a tool chose rather than a person."""
    if not name:
        return True
    if _DJANGO_HASHED.search(name):
        return True
    if name.startswith(f"ix_{table}_"):  # SQLAlchemy's index=True naming
        return True
    return bool(_PG_DEFAULT.search(name)) and name.startswith(table[:10])


# ---------------------------------------------------------------------------------------------
# Comparing two catalogs


@dataclass
class Agreement:
    """How far two catalogs agree: `agreeing` of `compared` facts, and what differs."""

    agreeing: int = 0
    compared: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.agreeing / self.compared if self.compared else 1.0

    def record(self, same: bool, difference: str) -> None:
        self.compared += 1
        if same:
            self.agreeing += 1
        else:
            self.differences.append(difference)

    def __str__(self) -> str:
        lines = [f"{self.agreeing}/{self.compared} facts agree"]
        lines += [f"  - {d}" for d in self.differences]
        return "\n".join(lines)


def compare_catalogs(
    expected: dict,
    actual: dict,
    *,
    names: bool = True,
    comments: bool = False,
    labels: tuple[str, str] = ("expected", "actual"),
) -> Agreement:
    """Count the facts `actual` agrees with `expected` on (both in dump JSON shape).

    One fact per table (exists on both sides); per column present on both sides: type,
    nullability, default (with identity/generated), primary-key membership, and with
    `comments=True` its comment (plus one per table comment); a column on one side only is one
    fact. One fact per foreign key, index and constraint (unique/check/exclude): it agrees
    when the other side has one with the same content.

    `names=True` pairs foreign keys, indexes and constraints by name. `names=False` pairs them
    by content and ignores a name that either side marks `implicit_name` (nobody wrote it);
    two objects that both have written names must still have the same name.
    A table missing on one side counts as one fact; its contents are not compared.
    """
    result = Agreement()
    exp_tables = {_table_key(t): t for t in expected.get("tables", [])}
    act_tables = {_table_key(t): t for t in actual.get("tables", [])}
    for key in sorted(set(exp_tables) | set(act_tables)):
        exp, act = exp_tables.get(key), act_tables.get(key)
        if exp is None or act is None:
            side = labels[1] if act is None else labels[0]
            result.record(False, f"table {key}: missing in {side}")
            continue
        result.record(True, "")
        _compare_table(key, exp, act, result, names=names, comments=comments, labels=labels)
    return result


def _table_key(table: dict) -> str:
    return f"{table['schema']}.{table['name']}" if table.get("schema") else table["name"]


def _compare_table(key, exp, act, result: Agreement, *, names, comments, labels) -> None:
    exp_cols = {c["name"]: c for c in exp["columns"]}
    act_cols = {c["name"]: c for c in act["columns"]}
    if comments:
        _record_values(result, f"table {key}: comment", exp.get("comment"), act.get("comment"), labels)
    for name in list(exp_cols) + [n for n in act_cols if n not in exp_cols]:
        e, a = exp_cols.get(name), act_cols.get(name)
        where = f"{key}.{name}"
        if e is None or a is None:
            result.record(False, f"column {where}: missing in {labels[1] if a is None else labels[0]}")
            continue
        _record_values(result, f"column {where}: type", e["type"], a["type"], labels)
        _record_values(result, f"column {where}: nullable", e["nullable"], a["nullable"], labels)
        _record_values(result, f"column {where}: default", _default_of(e), _default_of(a), labels)
        _record_values(result, f"column {where}: primary key", e["primary_key"], a["primary_key"], labels)
        if comments:
            _record_values(result, f"column {where}: comment", e.get("comment"), a.get("comment"), labels)
    for kind, items, content, anchor in (
        ("foreign key", "foreign_keys", _fk_content, lambda fk: tuple(fk["columns"])),
        ("index", "indexes", _index_content, lambda ix: tuple(ix["columns"])),
        ("constraint", "constraints", _constraint_content, lambda c: _constraint_content(c)[:2]),
    ):
        _compare_objects(f"{key}: {kind}", exp[items], act[items], content, anchor, result, names=names, labels=labels)


def _record_values(result: Agreement, what: str, exp: Any, act: Any, labels) -> None:
    result.record(exp == act, f"{what}: {labels[0]} {exp!r}, {labels[1]} {act!r}")


def _default_of(column: dict) -> tuple:
    return column.get("default"), column.get("identity"), column.get("generated")


def _fk_content(fk: dict) -> tuple:
    return (
        tuple(fk["columns"]),
        fk["ref_table"],
        tuple(fk["ref_columns"]),
        fk["on_delete"],
        bool(fk.get("deferrable")),
        bool(fk.get("initially_deferred")),
    )


def _index_content(ix: dict) -> tuple:
    orders = tuple(ix.get("orders") or ())
    classes = tuple(ix.get("opclasses") or ())
    return (
        tuple(ix["columns"]),
        bool(ix["unique"]),
        ix.get("where"),
        ix.get("using") or "btree",
        orders if any(orders) else (),
        classes if any(classes) else (),
        tuple(ix.get("include") or ()),
    )


def _constraint_content(con: dict) -> tuple:
    nulls_distinct = con.get("nulls_distinct")
    # A CHECK is its expression: which columns it mentions is the reader's guess, not a fact.
    columns = () if con["kind"] == "check" else tuple(con.get("columns") or ())
    return (
        con["kind"],
        columns,
        con.get("expression"),
        True if nulls_distinct is None else nulls_distinct,  # None: not said, PostgreSQL's default
    )


def _compare_objects(what, expected: list, actual: list, content, anchor, result: Agreement, *, names, labels) -> None:
    """Pair objects (see compare_catalogs), then explain the leftovers: an object left on
    both sides with the same name, or with the same content, or (for names nobody wrote) on
    the same columns, is one difference; anything else is missing on one side."""
    remaining = list(actual)

    def take(predicate):
        for candidate in remaining:
            if predicate(candidate):
                remaining.remove(candidate)
                return candidate
        return None

    unmatched = []
    for exp in expected:
        if names:
            act = take(lambda a: a["name"] == exp["name"] and content(a) == content(exp))
        else:
            act = take(lambda a: content(a) == content(exp) and _names_agree(exp, a))
        if act is not None:
            result.record(True, "")
        else:
            unmatched.append(exp)
    for exp in unmatched:
        same_name = take(lambda a: a["name"] == exp["name"])
        if same_name is not None:
            result.record(False, f"{what} {exp['name']}: {labels[0]} {content(exp)}, {labels[1]} {content(same_name)}")
            continue
        same_content = take(lambda a: content(a) == content(exp))
        if same_content is not None:
            result.record(False, f"{what} {exp['name']}: named {same_content['name']} in {labels[1]}")
            continue
        same_anchor = None if names else take(lambda a: anchor(a) == anchor(exp) and _names_agree(exp, a))
        if same_anchor is not None:
            result.record(
                False,
                f"{what} {exp['name']}: {labels[0]} {content(exp)}, "
                f"{labels[1]} ({same_anchor['name']}) {content(same_anchor)}",
            )
            continue
        result.record(False, f"{what} {exp['name']} {content(exp)}: missing in {labels[1]}")
    for act in remaining:
        result.record(False, f"{what} {act['name']} {content(act)}: missing in {labels[0]}")


def _names_agree(exp: dict, act: dict) -> bool:
    if exp.get("implicit_name") or act.get("implicit_name"):
        return True
    return exp["name"] == act["name"]
