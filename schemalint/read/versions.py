"""Each reader's extract-format version, part of every cache key. Bump a reader's entry when
its `extract` output changes. Kept apart from the readers so that building a cache key does not
import them (and libcst/sqlglot with them)."""

READER_VERSIONS = {
    "django": "12",
    "sqlalchemy": "7",
    "sql": "6",
    "migrations": "2",
}
