"""The names Django gives to things nobody named.

Re-implemented from how Django 5.2 / 6.0 builds them (`BaseDatabaseSchemaEditor.
_create_index_name`, `Index.set_name_with_model`, `backends.utils.truncate_name`,
`names_digest`): a mirror that states these names must agree byte for byte, so nothing here
may be approximated. Django counts characters; PostgreSQL then keeps 63 *bytes* of what it is
given (`schemalint.postgres.names.truncate_identifier`), so the index names here are the names
the database ends up with. PostgreSQL's own names for inline constraints are
`schemalint.postgres.names`.
"""

from __future__ import annotations

import hashlib

from schemalint.postgres.names import truncate_identifier

# Django's max_name_length() on PostgreSQL: NAMEDATALEN - 1, counted by Django in characters.
PG_MAX_NAME = 63
# Index.max_name_length: Django keeps Meta index names portable to 30-character databases.
INDEX_MAX_NAME = 30


def names_digest(*parts: str, length: int) -> str:
    """md5 over the concatenated parts, hex, cut to `length` (Django's `names_digest`)."""
    digest = hashlib.md5(usedforsecurity=False)
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()[:length]


def truncate_name(identifier: str, length: int = PG_MAX_NAME, hash_len: int = 4) -> str:
    """Django's `truncate_name`: long table names keep a prefix plus a 4-character digest."""
    if len(identifier) <= length:
        return identifier
    return identifier[: length - hash_len] + names_digest(identifier, length=hash_len)


def create_index_name(table: str, columns: list[str] | tuple[str, ...], suffix: str = "") -> str:
    """`_create_index_name`: `<table>_<cols>_<8-hex digest><suffix>`, shortened to 63 characters
    the way Django shortens it (used for field indexes, `_like`, `_uniq`, `_fk_...`)."""
    hash_suffix = names_digest(table, *columns, length=8) + suffix
    name = f"{table}_{'_'.join(columns)}_{hash_suffix}"
    if len(name) <= PG_MAX_NAME:
        return truncate_identifier(name)
    if len(hash_suffix) > PG_MAX_NAME / 3:
        hash_suffix = hash_suffix[: PG_MAX_NAME // 3]
    other = (PG_MAX_NAME - len(hash_suffix)) // 2 - 1
    name = f"{table[:other]}_{'_'.join(columns)[:other]}_{hash_suffix}"
    if name[0] == "_" or name[0].isdigit():
        name = "D" + name[:-1]
    return truncate_identifier(name)


def fk_constraint_name(table: str, column: str, to_table: str, to_column: str) -> str:
    return create_index_name(table, [column], f"_fk_{to_table}_{to_column}")


def meta_index_name(table: str, columns: list[str], descending: list[bool], suffix: str = "idx") -> str:
    """`Index.set_name_with_model`: 11 characters of the table, 7 of the first column, a
    6-hex digest over table, `-`-marked columns and the suffix."""
    marked = [("-" if desc else "") + col for col, desc in zip(columns, descending)]
    digest = names_digest(table, *marked, suffix, length=6)
    name = f"{table[:11]}_{columns[0][:7]}_{digest}_{suffix}"
    if name[0] == "_" or name[0].isdigit():
        name = "D" + name[1:]
    return truncate_identifier(name)


def split_table(db_table: str) -> tuple[str | None, str]:
    """Django's `split_identifier` for the `db_table = 'schema"."table'` idiom: (schema, table)."""
    if '"."' not in db_table:
        return None, db_table
    schema, _, table = db_table.partition('"."')
    return schema.strip('"') or None, table.strip('"')
