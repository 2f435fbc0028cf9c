"""The SQL reader: the schema a hand-kept `schema.sql` leaves behind, as PostgreSQL would have it.

Teams keep `schema.sql` for years: a `CREATE TABLE IF NOT EXISTS`, then `ALTER`s appended
release after release. The reader does what running the file would do, statically:

* `extract` (per file, cached): split the file into statements (`split`), classify each by
  its first words, parse only the DDL with sqlglot (`extract`) into picklable operations
  (`ops`); a statement sqlglot cannot parse is an SL402 `Problem` at its line;
* `link` (all files, in path order): apply the operations in order to a small catalog
  (`apply`), choosing the names PostgreSQL chooses (`names`) and printing defaults and
  expressions as `pg_get_expr` does (`render`). Statements PostgreSQL would reject are SL402
  diagnostics; every DDL statement is also kept as a `Statement` for SL401.
"""

from __future__ import annotations

from schemalint.model import Schema
from schemalint.read import Project, ReaderSettings, SourceFile, decode_or_diagnose
from schemalint.read.versions import READER_VERSIONS


class SqlReader:
    source = "sql"
    version = READER_VERSIONS["sql"]

    def extract(self, file: SourceFile, settings: ReaderSettings):
        from schemalint.read.sql import ops
        from schemalint.read.sql.extract import SQLGLOT_DIALECTS, extract_text

        text, problem = decode_or_diagnose(file)
        dialect = SQLGLOT_DIALECTS.get(settings.dialect.lower(), settings.dialect.lower())
        if text is None:
            assert problem is not None
            return ops.FileFacts(file.rel, dialect, settings.default_schema, (), unreadable=problem)
        return extract_text(text, file.rel, dialect, settings.default_schema)

    def link(self, facts: list, project: Project) -> Schema:
        from schemalint.read.sql.apply import link_facts

        unreadable = tuple(f.unreadable for f in facts if getattr(f, "unreadable", None) is not None)
        schema = link_facts([f for f in facts if getattr(f, "unreadable", None) is None])
        if unreadable:
            from dataclasses import replace

            schema = replace(schema, diagnostics=unreadable + schema.diagnostics)
        return schema


READER = SqlReader()

__all__ = ["READER", "SqlReader"]
