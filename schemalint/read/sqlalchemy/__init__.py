"""The SQLAlchemy reader: model modules -> the schema `metadata.create_all()` creates on
PostgreSQL.

Read statically with libcst (SQLAlchemy and the project are never imported). `extract` keeps
one file's imports, module-level assignments and class bodies as plain facts; `link` resolves
names across the project's files (bases, mixins, constants, enums), decides which classes are
mapped to which tables, and renders types, defaults and names the way SQLAlchemy's PostgreSQL
dialect and PostgreSQL itself spell them.

Imports of installed packages (a mixin or base class of authlib, fastapi-users, advanced-alchemy)
are read from the project's virtualenv (read/python/modules.py), never imported; SQLAlchemy and
the libraries whose classes the reader knows by name stay opaque. A call of a project or
installed function is evaluated when its body is plain bindings and one last `return`
(read/python/functions.py: `create_registry()`, `make_type(width=12)`, a dict built and
`.update()`d); `re.sub`, `str.lower` & co. on literals, `cls.__name__` in a `declared_attr`
`__tablename__`, `Mutable*.as_mutable(T)`, `Generic[...]` bases, `if TYPE_CHECKING: ... else:`
class bodies and `load_dialect_impl`'s PostgreSQL branch are read as Python runs them.

Flask-SQLAlchemy models (flask.py) are read as Flask-SQLAlchemy 3.x maps them: `db.X` is
SQLAlchemy's `X`, `db.Model` maps with the metadata given to `SQLAlchemy(metadata=...)` or its
`model_class`, `db.Table(name, ...)` uses `db.metadata`, a model without a `__tablename__` of its
own gets its class name in snake_case, and one without a primary key of its own under a mapped
parent is single-table inheritance. A module-level call of a `@classmethod` that sets class
attributes (Flask-Security's `FsModels.set_db_info(db)`) is run statically: the mixins read the
attributes it sets, and a `Table()` it builds is a table; an attribute such a method sets that
no call was found for is unknown.

Module-level `for` loops over a literal list or tuple that build `Table()`s are unrolled (f-string,
`%` and `.format()` names); class bodies see their own earlier attributes and nested classes, as
Python does (`created.desc()`, `Enum(Status)` in `__table_args__` and columns).

Unknown is not absent (model.py): what it cannot know without running code is kept, its part
named in `unknown`, and reported by exactly one SL002 at the construct, never guessed: values
computed by project functions (`server_default=make_default()`, `String(get_len())`: the
column's default / type), `declared_attr` bodies other than returning a Column/mapped_column or
`cls.__name__[.lower()]`, `values_callable` other than `lambda e: [m.value for m in e]`,
annotations with no SQL type (`Mapped[dict]` without a `type_annotation_map` entry), index
predicates it cannot print (`Index.unknown=("where",)`), tables under a runtime `if`
(`exists`), and loops it cannot unroll (`Schema.complete=False`), class-body statements under a
runtime `if`/`try`/`for`/`with` and base classes it cannot read (the table's columns), a
MetaData or `type_annotation_map` it cannot read (names; annotation types), and `Table()`s
built inside a function or method (`Schema.complete=False`). CHECK / index WHERE
expressions, written as SQL text or as Python operators on columns (`state != "done"`, `&`,
`|`, `~`, `and_`, `.is_(None)`, `.in_([...])`), and raw `text()` defaults are re-spelled the way
PostgreSQL prints them for the common forms (sqltext.py); other SQL is kept as written and may
differ in spelling only.
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
