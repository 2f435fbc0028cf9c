"""`schemalint dump`: one schema as JSON (the shape the differential tests compare with
PostgreSQL's catalogs) or as readable text."""

from __future__ import annotations

import json

from schemalint.model import Schema, Table


def table_to_dict(table: Table) -> dict:
    pk = set(table.primary_key.columns) if table.primary_key else set()
    single_fk = {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}
    columns = []
    for col in table.columns:
        fk = single_fk.get(col.name)
        columns.append(
            {
                "name": col.name,
                "type": col.type,
                "nullable": col.nullable,
                "primary_key": col.name in pk,
                "default": col.default,
                "identity": col.identity,
                "generated": col.generated,
                "comment": col.comment,
                "references": None
                if fk is None
                else {
                    "table": fk.ref_table,
                    "column": fk.ref_columns[0] if fk.ref_columns else None,
                    "on_delete": fk.on_delete,
                    "django_on_delete": fk.declared_on_delete,
                    "deferrable": fk.deferrable,
                },
                "location": str(col.location) if col.location else None,
            }
        )
    return {
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
            {
                "name": fk.name,
                "columns": list(fk.columns),
                "ref_table": fk.ref_table,
                "ref_columns": list(fk.ref_columns),
                "on_delete": fk.on_delete,
                "django_on_delete": fk.declared_on_delete,
                "deferrable": fk.deferrable,
                "initially_deferred": fk.initially_deferred,
                "implicit_name": fk.implicit,
            }
            for fk in table.foreign_keys
        ],
        "indexes": [
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
            }
            for ix in table.indexes
        ],
        "constraints": [
            {
                "name": c.name,
                "kind": c.kind,
                "columns": list(c.columns),
                "expression": c.expression,
                "nulls_distinct": c.nulls_distinct,
                "implicit_name": c.implicit,
            }
            for c in table.constraints
        ],
        "location": str(table.location) if table.location else None,
    }


def schema_to_dict(schema: Schema) -> dict:
    return {
        "source": schema.source,
        "properties": dict(schema.properties),
        "tables": [table_to_dict(t) for t in sorted(schema.tables, key=lambda t: (t.schema or "", t.name))],
        "diagnostics": [
            {"code": d.code, "message": d.message, "location": str(d.location)} for d in schema.diagnostics
        ],
    }


def format_dump_json(schema: Schema) -> str:
    return json.dumps(schema_to_dict(schema), indent=2) + "\n"


def format_dump_text(schema: Schema) -> str:
    out = []
    for table in sorted(schema.tables, key=lambda t: (t.schema or "", t.name)):
        marks = "" if table.managed else "  -- managed = False"
        out.append(f"TABLE {table.qualified_name}{marks}" + (f"  ({table.model})" if table.model else ""))
        pk = set(table.primary_key.columns) if table.primary_key else set()
        for col in table.columns:
            bits = [col.type, "NULL" if col.nullable else "NOT NULL"]
            if col.name in pk:
                bits.append("PRIMARY KEY")
            if col.identity:
                bits.append(f"GENERATED {col.identity.upper()} AS IDENTITY")
            if col.default is not None:
                bits.append(f"DEFAULT {col.default}")
            out.append(f"  {col.name:<24} {' '.join(bits)}")
        for fk in table.foreign_keys:
            declared = f" (declared: {fk.declared_on_delete})" if fk.declared_on_delete else ""
            out.append(
                f"  FOREIGN KEY {fk.name or ''} ({', '.join(fk.columns)}) REFERENCES {fk.ref_table}"
                f"({', '.join(fk.ref_columns)}) ON DELETE {fk.on_delete}{declared}"
            )
        for ix in table.indexes:
            where = f" WHERE {ix.where}" if ix.where else ""
            out.append(f"  {'UNIQUE ' if ix.unique else ''}INDEX {ix.name} USING {ix.using} ({', '.join(ix.columns)}){where}")
        for c in table.constraints:
            body = f"({', '.join(c.columns)})" if c.columns else ""
            out.append(f"  CONSTRAINT {c.name} {c.kind.upper()} {body}{' ' + c.expression if c.expression else ''}")
        out.append("")
    for d in schema.diagnostics:
        out.append(f"{d.location}: {d.code} {d.message}")
    return "\n".join(out).rstrip() + "\n"
