"""The SQLAlchemy reader: model modules -> the schema `metadata.create_all()` creates on
PostgreSQL.

Read statically with libcst (SQLAlchemy and the project are never imported). `extract` keeps
one file's imports, module-level assignments and class bodies as plain facts; `link` resolves
names across the project's files (bases, mixins, constants, enums), decides which classes are
mapped to which tables, and renders types, defaults and names the way SQLAlchemy's PostgreSQL
dialect and PostgreSQL itself spell them.
"""

from __future__ import annotations

from schemalint.read.versions import READER_VERSIONS


class _SQLAlchemyReader:
    source = "sqlalchemy"
    version = READER_VERSIONS["sqlalchemy"]

    def extract(self, file, settings):
        from schemalint.read.sqlalchemy.extract import extract_file

        return extract_file(file)

    def link(self, facts, project):
        from schemalint.read.sqlalchemy.link import link

        return link(list(facts), project)


READER = _SQLAlchemyReader()
