"""How a fact is said in each source's own terms, so a message names what the user wrote:
`null=True` to a Django user, `nullable=False` to a SQLAlchemy user, `NOT NULL` in SQL."""

from __future__ import annotations

from schemalint.model import Location

SOURCE_TITLES = {"django": "Django", "sqlalchemy": "SQLAlchemy", "sql": "schema.sql"}


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
