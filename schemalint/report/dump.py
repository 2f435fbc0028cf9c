"""`schemalint dump`: one schema as JSON (the shape the differential tests compare with
PostgreSQL's catalogs) or as readable text."""

from __future__ import annotations

import json
from typing import Any

from schemalint.model import Column, Constraint, Diagnostic, ForeignKey, Index, Schema, Table

Element = Column | Table | Index | Constraint | ForeignKey


def _known(element: Element, part: str, value: Any) -> Any:
    """`value`, or None when `part` of `element` is unknown (its value is a placeholder)."""
    return None if part in element.unknown else value


def _marked(element: Element, facts: dict[str, Any]) -> dict[str, Any]:
    """`facts` with unknown parts as None, and `unknown` listing them when there are any (so
    that dumps of fully known schemas keep their shape)."""
    for part in element.unknown:
        if part in facts:
            facts[part] = None
    if element.unknown:
        facts["unknown"] = list(element.unknown)
    return facts


def _references(fk: ForeignKey, column: str) -> dict[str, Any]:
    """What one column of `fk` references: its own counterpart in a composite key."""
    position = fk.columns.index(column)
    ref_column = fk.ref_columns[position] if position < len(fk.ref_columns) else None
    return {
        "table": _known(fk, "ref_table", fk.ref_table),
        "schema": _known(fk, "ref_table", fk.ref_schema),
        "column": _known(fk, "ref_columns", ref_column),
        "on_delete": _known(fk, "on_delete", fk.on_delete),
        "django_on_delete": _known(fk, "on_delete", fk.declared_on_delete),
        "deferrable": fk.deferrable,
    }


def _column_fk(table: Table) -> dict[str, ForeignKey]:
    """The foreign key each column belongs to (the first one, when it is in several)."""
    found: dict[str, ForeignKey] = {}
    for fk in table.foreign_keys:
        for name in fk.columns:
            found.setdefault(name, fk)
    return found


def table_to_dict(table: Table) -> dict:
    pk = set(table.primary_key.columns) if table.primary_key else set()
    column_fk = _column_fk(table)
    columns = []
    for col in table.columns:
        fk = column_fk.get(col.name)
        columns.append(
            _marked(
                col,
                {
                    "name": col.name,
                    "type": col.type,
                    "nullable": col.nullable,
                    "primary_key": col.name in pk,
                    "default": col.default,
                    "identity": col.identity,
                    "generated": col.generated,
                    "comment": col.comment,
                    "references": None if fk is None else _references(fk, col.name),
                    "location": str(col.location) if col.location else None,
                },
            )
        )
    facts: dict[str, Any] = {
        "name": table.name,
        "schema": table.schema,
        "model": table.model,
        "managed": table.managed,
        "comment": table.comment,
        "columns": columns,
        "primary_key": None
        if table.primary_key is None
        else {"name": table.primary_key.name, "columns": list(table.primary_key.columns)},
        "foreign_keys": [
            _marked(
                fk,
                {
                    "name": fk.name,
                    "columns": list(fk.columns),
                    "ref_table": fk.ref_table,
                    "ref_schema": _known(fk, "ref_table", fk.ref_schema),
                    "ref_columns": list(fk.ref_columns),
                    "on_delete": fk.on_delete,
                    "django_on_delete": _known(fk, "on_delete", fk.declared_on_delete),
                    "deferrable": fk.deferrable,
                    "initially_deferred": fk.initially_deferred,
                    "implicit_name": fk.implicit,
                },
            )
            for fk in table.foreign_keys
        ],
        "indexes": [
            _marked(
                ix,
                {
                    "name": ix.name,
                    "columns": list(ix.columns),
                    "unique": ix.unique,
                    "where": ix.where,
                    "using": ix.using,
                    "orders": list(ix.orders),
                    "opclasses": list(ix.opclasses),
                    "include": list(ix.include),
                    "origin": ix.origin,
                    "implicit_name": ix.implicit,
                },
            )
            for ix in table.indexes
        ],
        "constraints": [
            _marked(
                c,
                {
                    "name": c.name,
                    "kind": c.kind,
                    "columns": list(c.columns),
                    "expression": c.expression,
                    "nulls_distinct": c.nulls_distinct,
                    "implicit_name": c.implicit,
                },
            )
            for c in table.constraints
        ],
        "location": str(table.location) if table.location else None,
    }
    # A table's list whose completeness is unknown is still what the reader found: listed,
    # and named in `unknown`; a single unknown value (name, comment) prints as null.
    for part in ("name", "comment", "primary_key"):
        if part in table.unknown:
            facts[part] = None
    if table.unknown:
        facts["unknown"] = list(table.unknown)
    return facts


def _code(diagnostic: Diagnostic) -> str:
    """The code of the rule that claims the diagnostic's kind (SL002 for `unresolved`)."""
    from schemalint.registry import diagnostic_codes

    return diagnostic_codes().get(diagnostic.kind, diagnostic.kind)


def schema_to_dict(schema: Schema) -> dict:
    facts: dict[str, Any] = {
        "source": schema.source,
        "properties": dict(schema.properties),
        "tables": [table_to_dict(t) for t in sorted(schema.tables, key=lambda t: (t.schema or "", t.name))],
        "diagnostics": [
            {"code": _code(d), "message": d.message, "location": str(d.location)} for d in schema.diagnostics
        ],
    }
    if schema.enums:
        facts["enums"] = [
            {
                "name": e.name,
                "schema": e.schema,
                "labels": list(e.labels),
                "location": str(e.location) if e.location else None,
            }
            for e in sorted(schema.enums, key=lambda e: (e.schema or "", e.name))
        ]
    if not schema.complete:
        facts["complete"] = False  # tables may be missing: an absent table proves nothing
    return facts


def format_dump_json(schema: Schema) -> str:
    return json.dumps(schema_to_dict(schema), indent=2) + "\n"


def _shown(element: Element, part: str, text: str) -> str:
    return "?" if part in element.unknown else text


def _unknown_note(element: Element) -> str:
    return f"  -- unknown: {', '.join(element.unknown)}" if element.unknown else ""


def format_dump_text(schema: Schema) -> str:
    """One line per fact; an unknown part shows as `?` and each line with unknown parts ends
    with `-- unknown: ...`."""
    out = []
    if not schema.complete:
        out += ["-- incomplete: tables may be missing", ""]
    for table in sorted(schema.tables, key=lambda t: (t.schema or "", t.name)):
        marks = "" if table.managed else "  -- managed = False"
        name = _shown(table, "name", table.qualified_name)
        out.append(f"TABLE {name}{marks}" + (f"  ({table.model})" if table.model else "") + _unknown_note(table))
        pk = set(table.primary_key.columns) if table.primary_key else set()
        for col in table.columns:
            bits = [_shown(col, "type", col.type), _shown(col, "nullable", "NULL" if col.nullable else "NOT NULL")]
            if col.name in pk:
                bits.append("PRIMARY KEY")
            if not col.known("identity"):
                bits.append("IDENTITY ?")
            elif col.identity:
                bits.append(f"GENERATED {col.identity.upper()} AS IDENTITY")
            if not col.known("default"):
                bits.append("DEFAULT ?")
            elif col.default is not None:
                bits.append(f"DEFAULT {col.default}")
            out.append(f"  {col.name:<24} {' '.join(bits)}{_unknown_note(col)}")
        for fk in table.foreign_keys:
            declared = (
                f" (declared: {fk.declared_on_delete})"
                if fk.declared_on_delete and "on_delete" not in fk.unknown
                else ""
            )
            target = _shown(fk, "ref_table", f"{fk.ref_schema}.{fk.ref_table}" if fk.ref_schema else fk.ref_table)
            out.append(
                f"  FOREIGN KEY {fk.name or ''} ({_shown(fk, 'columns', ', '.join(fk.columns))}) REFERENCES {target}"
                f"({_shown(fk, 'ref_columns', ', '.join(fk.ref_columns))}) ON DELETE {_shown(fk, 'on_delete', fk.on_delete)}"
                f"{declared}{_unknown_note(fk)}"
            )
        for ix in table.indexes:
            where = " WHERE ?" if "where" in ix.unknown else (f" WHERE {ix.where}" if ix.where else "")
            out.append(
                f"  {'UNIQUE ' if ix.unique else ''}INDEX {ix.name} USING {_shown(ix, 'using', ix.using)} "
                f"({_shown(ix, 'columns', ', '.join(ix.columns))}){where}{_unknown_note(ix)}"
            )
        for c in table.constraints:
            body = _shown(c, "columns", f"({', '.join(c.columns)})" if c.columns else "")
            expression = " ?" if "expression" in c.unknown else (f" {c.expression}" if c.expression else "")
            out.append(f"  CONSTRAINT {c.name} {c.kind.upper()} {body}{expression}{_unknown_note(c)}")
        out.append("")
    for d in schema.diagnostics:
        out.append(f"{d.location}: {_code(d)} {d.message}")
    return "\n".join(out).rstrip() + "\n"
