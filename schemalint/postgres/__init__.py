"""PostgreSQL 15's behaviour, written once: what every reader (and `export`/`--fix`) needs to
say what the database holds.

- `names`: object naming and 63-byte truncation (makeObjectName, ChooseRelationName,
  ChooseConstraintName, truncate_identifier).
- `keywords`: the keyword list with its categories, quote_ident().
- `types`: format_type() spellings and aliases.
- `tree`: the expression tree (picklable tuples) and its builder from sqlglot.
- `printer`: type resolution and the pg_get_expr()-style printer of that tree.
- `ddl`: the DDL statements that create the schema model's objects (`export`, `--fix`).

Nothing here knows an ORM: readers translate their constructs into these terms.
"""
