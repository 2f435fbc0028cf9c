"""`--database-snapshot FILE`: the JSON of `schemalint dump --source database --format json`
read back as the database mirror, so that a catalog captured where the credentials live can
be checked anywhere (CI without database access).

The dump carries every fact the rules compare; what it leaves out (a key's ON UPDATE action,
enum labels) reads back as PostgreSQL's default. Names are judged implicit again by their
spelling, exactly as when the catalog was read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemalint.model import Column, Constraint, ForeignKey, Index, PrimaryKey, Table
from schemalint.read.database.catalog import implicit_name
from schemalint.read.database.connect import DatabaseError
from schemalint.read.database.listing import Lines, table_order


def load_snapshot(path: Path) -> tuple[list[Table], dict[str, str]]:
    """The tables and properties of a database dump; DatabaseError if it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot read the database snapshot: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatabaseError(f"{path}: not a database snapshot (not JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("source") != "database":
        raise DatabaseError(
            f"{path}: not a database snapshot; write one with "
            "`schemalint dump --source database --format json --database-url URL > FILE`"
        )
    try:
        lines = Lines()
        tables = [
            _table(t, lines) for t in sorted(document["tables"], key=lambda t: table_order(t.get("schema"), t["name"]))
        ]
        properties = {str(k): str(v) for k, v in document.get("properties", {}).items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DatabaseError(f"{path}: damaged database snapshot ({type(exc).__name__}: {exc})") from None
    return tables, properties


def _table(t: dict[str, Any], lines: Lines) -> Table:
    """One table, its objects numbered in the order of the listing (see `listing.render`)."""
    name = t["name"]
    pk = t.get("primary_key")
    location = lines.take()
    return Table(
        name=name,
        schema=t.get("schema"),
        location=location,
        columns=tuple(
            Column(
                c["name"],
                c["type"],
                bool(c["nullable"]),
                c.get("default"),
                c.get("identity"),
                c.get("generated"),
                c.get("comment"),
                location=lines.take(2),
            )
            for c in t["columns"]
        ),
        primary_key=None
        if pk is None
        else PrimaryKey(tuple(pk["columns"]), pk.get("name"), implicit_name(pk.get("name"), name), lines.take(2)),
        foreign_keys=tuple(
            ForeignKey(
                tuple(fk["columns"]),
                fk["ref_table"],
                tuple(fk["ref_columns"]),
                on_delete=fk["on_delete"],
                deferrable=bool(fk.get("deferrable")),
                initially_deferred=bool(fk.get("initially_deferred")),
                name=fk.get("name"),
                implicit=implicit_name(fk.get("name"), name),
                ref_schema=fk.get("ref_schema"),
                location=lines.take(2),
            )
            for fk in t.get("foreign_keys", [])
        ),
        constraints=tuple(
            Constraint(
                c["name"],
                c["kind"],
                tuple(c.get("columns") or ()),
                c.get("expression"),
                c.get("nulls_distinct"),
                implicit=implicit_name(c["name"], name),
                location=lines.take(2),
            )
            for c in t.get("constraints", [])
        ),
        indexes=_indexes(t.get("indexes", []), name, lines),
        comment=t.get("comment"),
    )


def _indexes(indexes: list[dict[str, Any]], table: str, lines: Lines) -> tuple[Index, ...]:
    found = tuple(
        Index(
            ix["name"],
            tuple(ix["columns"]),
            bool(ix.get("unique")),
            ix.get("where"),
            ix.get("using") or "btree",
            tuple(ix.get("orders") or ()),
            tuple(ix.get("opclasses") or ()),
            tuple(ix.get("include") or ()),
            implicit=implicit_name(ix["name"], table),
            origin=ix.get("origin") or "index",
            location=lines.take(2),
        )
        for ix in indexes
    )
    lines.blank()
    return found
