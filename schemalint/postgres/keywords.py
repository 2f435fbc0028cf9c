"""PostgreSQL 15's keywords (src/include/parser/kwlist.h) and quote_ident().

`KEYWORDS` maps each keyword to its category as `pg_get_keywords()` reports it: `U`
unreserved, `C` unreserved but not a function or type name (col_name_keyword), `T` reserved
but allowed as a function or type name (type_func_name_keyword), `R` reserved. ruleutils.c's
quote_identifier() quotes every keyword that is not `U`, so `"interval"`, `"position"`
and `"user"` are quoted while `name`, `type` and `text` are not.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Category = Literal["U", "C", "T", "R"]

_WORDS: Final[dict[Category, str]] = {
    "U": """
    abort absolute access action add admin after aggregate also alter always asensitive
    assertion assignment at atomic attach attribute backward before begin breadth by cache call
    called cascade cascaded catalog chain characteristics checkpoint class close cluster
    columns comment comments commit committed compression configuration conflict connection
    constraints content continue conversion copy cost csv cube current cursor cycle data
    database day deallocate declare defaults deferred definer delete delimiter delimiters
    depends depth detach dictionary disable discard document domain double drop each enable
    encoding encrypted enum escape event exclude excluding exclusive execute explain expression
    extension external family filter finalize first following force forward function functions
    generated global granted groups handler header hold hour identity if immediate immutable
    implicit import include including increment index indexes inherit inherits inline input
    insensitive insert instead invoker isolation key label language large last leakproof level
    listen load local location lock locked logged mapping match matched materialized maxvalue
    merge method minute minvalue mode month move name names new next nfc nfd nfkc nfkd no
    normalized nothing notify nowait nulls object of off oids old operator option options
    ordinality others over overriding owned owner parallel parameter parser partial partition
    passing password plans policy preceding prepare prepared preserve prior privileges
    procedural procedure procedures program publication quote range read reassign recheck
    recursive ref referencing refresh reindex relative release rename repeatable replace
    replica reset restart restrict return returns revoke role rollback rollup routine routines
    rows rule savepoint schema schemas scroll search second security sequence sequences
    serializable server session set sets share show simple skip snapshot sql stable standalone
    start statement statistics stdin stdout storage stored strict strip subscription support
    sysid system tables tablespace temp template temporary text ties transaction transform
    trigger truncate trusted type types uescape unbounded uncommitted unencrypted unknown
    unlisten unlogged until update vacuum valid validate validator value varying version view
    views volatile whitespace within without work wrapper write xml year yes zone
""",
    "C": """
    between bigint bit boolean char character coalesce dec decimal exists extract float
    greatest grouping inout int integer interval least national nchar none normalize nullif
    numeric out overlay position precision real row setof smallint substring time timestamp
    treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest
    xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
""",
    "T": """
    authorization binary collation concurrently cross current_schema freeze full ilike inner is
    isnull join left like natural notnull outer overlaps right similar tablesample verbose
""",
    "R": """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign
    from grant group having in initially intersect into lateral leading limit localtime
    localtimestamp not null offset on only or order placing primary references returning select
    session_user some symmetric table then to trailing true union unique user using variadic
    when where window with
""",
}

KEYWORDS: Final[dict[str, Category]] = {word: category for category, words in _WORDS.items() for word in words.split()}
"""keyword -> category, exactly `SELECT word, catcode FROM pg_get_keywords()` of PostgreSQL 15."""

_SAFE: Final = re.compile(r"[a-z_][a-z0-9_]*")


def needs_quotes(name: str) -> bool:
    """Whether quote_identifier() quotes `name`: anything but ASCII lower-case letters,
    digits and `_` (no digit first), or a keyword that is not unreserved."""
    return _SAFE.fullmatch(name) is None or KEYWORDS.get(name, "U") != "U"


def quote_ident(name: str) -> str:
    """PostgreSQL's quote_ident(): `name` as it must be written to mean itself."""
    if needs_quotes(name):
        return '"' + name.replace('"', '""') + '"'
    return name


def quote_literal(value: str) -> str:
    """PostgreSQL's quote_literal() for text without backslashes: `'it''s'`."""
    return "'" + value.replace("'", "''") + "'"


def quote_qualified(name: str, schema: str | None = None) -> str:
    """`schema.name` with each part quoted as needed (`name` alone without a schema)."""
    return quote_ident(name) if schema is None else f"{quote_ident(schema)}.{quote_ident(name)}"
