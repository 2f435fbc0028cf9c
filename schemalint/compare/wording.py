"""How a fact is said in each source's own terms, so a message names what the user wrote:
`null=True` to a Django user, `nullable=False` to a SQLAlchemy user, `NOT NULL` in SQL."""

from __future__ import annotations

from schemalint.model import Location, Table

SOURCE_TITLES = {
    "django": "Django",
    "sqlalchemy": "SQLAlchemy",
    "sql": "schema.sql",
    "migrations": "the migrations",
    "database": "the database",
}


def nullability(source: str, nullable: bool) -> str:
    if source == "django":
        return f"null={nullable}"
    if source == "sqlalchemy":
        return f"nullable={nullable}"
    return "NULL" if nullable else "NOT NULL"


def sql_nullability(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def at(location: Location | None) -> str:
    return f" in {location}" if location else ""


def title(source: str) -> str:
    return SOURCE_TITLES.get(source, source)


def creates(source: str) -> str:
    """Who makes an object the truth declares: `Django creates it`, `schema.sql creates it`."""
    return f"{title(source)} creates it"


def declarer(source: str, table: Table) -> str:
    """What declares a truth table: `Django model shop.Stock`, `schema.sql table stocks`."""
    if source == "sql":
        return f"{title(source)} table {table.qualified_name}"
    return f"{title(source)} model {table.model or table.qualified_name}"


def creates_none(source: str) -> str:
    """A table no truth declaration creates: `no Django model creates it`."""
    if source == "sql":
        return f"{title(source)} does not create it"
    return f"no {title(source)} model creates it"


# How each source names a table's table name.
_TABLE_NAME_OPTIONS = {"django": "db_table", "sqlalchemy": "__tablename__"}


def table_name_option(source: str) -> str:
    return _TABLE_NAME_OPTIONS.get(source, "table name")
