"""Django's built-in field classes and the PostgreSQL column each one creates.

From Django 5.2/6.0 `django/db/backends/postgresql/base.py` (`data_types`,
`data_type_check_constraints`, `data_types_suffix`) and the fields' own defaults
(`EmailField` is a `CharField` with max_length 254, `SlugField` is indexed, ...).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Builtin:
    internal: str
    """`get_internal_type()`: the key of Django's `data_types`."""
    defaults: tuple[tuple[str, object], ...] = ()
    relation: str | None = None
    """fk | o2o | m2m for relation fields."""


_B = Builtin
BUILTIN_FIELDS: dict[str, Builtin] = {
    "AutoField": _B("AutoField"),
    "BigAutoField": _B("BigAutoField"),
    "SmallAutoField": _B("SmallAutoField"),
    "BinaryField": _B("BinaryField"),
    "BooleanField": _B("BooleanField"),
    "NullBooleanField": _B("BooleanField", (("null", True),)),
    "CharField": _B("CharField"),
    "EmailField": _B("CharField", (("max_length", 254),)),
    "URLField": _B("CharField", (("max_length", 200),)),
    "SlugField": _B("SlugField", (("max_length", 50), ("db_index", True))),
    "CommaSeparatedIntegerField": _B("CharField"),
    "DateField": _B("DateField"),
    "DateTimeField": _B("DateTimeField"),
    "TimeField": _B("TimeField"),
    "DurationField": _B("DurationField"),
    "DecimalField": _B("DecimalField"),
    "FloatField": _B("FloatField"),
    "IntegerField": _B("IntegerField"),
    "BigIntegerField": _B("BigIntegerField"),
    "SmallIntegerField": _B("SmallIntegerField"),
    "PositiveIntegerField": _B("PositiveIntegerField"),
    "PositiveBigIntegerField": _B("PositiveBigIntegerField"),
    "PositiveSmallIntegerField": _B("PositiveSmallIntegerField"),
    "IPAddressField": _B("IPAddressField"),
    "GenericIPAddressField": _B("GenericIPAddressField", (("max_length", 39),)),
    "JSONField": _B("JSONField"),
    "TextField": _B("TextField"),
    "UUIDField": _B("UUIDField"),
    "FileField": _B("FileField", (("max_length", 100),)),
    "ImageField": _B("FileField", (("max_length", 100),)),
    "FilePathField": _B("FilePathField", (("max_length", 100),)),
    "GeneratedField": _B("GeneratedField"),
    "CompositePrimaryKey": _B("CompositePrimaryKey", (("primary_key", True),)),
    "ForeignKey": _B("ForeignKey", (("db_index", True),), relation="fk"),
    "OneToOneField": _B("OneToOneField", (("db_index", True), ("unique", True)), relation="fk"),
    "ManyToManyField": _B("ManyToManyField", relation="m2m"),
    # django.contrib.postgres
    "ArrayField": _B("ArrayField"),
    "HStoreField": _B("HStoreField"),
    "IntegerRangeField": _B("IntegerRangeField"),
    "BigIntegerRangeField": _B("BigIntegerRangeField"),
    "DecimalRangeField": _B("DecimalRangeField"),
    "DateRangeField": _B("DateRangeField"),
    "DateTimeRangeField": _B("DateTimeRangeField"),
    "SearchVectorField": _B("SearchVectorField"),
    "CICharField": _B("CICharField"),
    "CIEmailField": _B("CICharField", (("max_length", 254),)),
    "CITextField": _B("CITextField"),
}

# internal type -> PostgreSQL type as format_type() prints it (None: depends on arguments).
PG_TYPES: dict[str, str | None] = {
    "AutoField": "integer",
    "BigAutoField": "bigint",
    "SmallAutoField": "smallint",
    "BinaryField": "bytea",
    "BooleanField": "boolean",
    "CharField": None,
    "SlugField": None,
    "FileField": None,
    "FilePathField": None,
    "DateField": "date",
    "DateTimeField": "timestamp with time zone",
    "TimeField": "time without time zone",
    "DurationField": "interval",
    "DecimalField": None,
    "FloatField": "double precision",
    "IntegerField": "integer",
    "BigIntegerField": "bigint",
    "SmallIntegerField": "smallint",
    "PositiveIntegerField": "integer",
    "PositiveBigIntegerField": "bigint",
    "PositiveSmallIntegerField": "smallint",
    "IPAddressField": "inet",
    "GenericIPAddressField": "inet",
    "JSONField": "jsonb",
    "TextField": "text",
    "UUIDField": "uuid",
    "HStoreField": "hstore",
    "IntegerRangeField": "int4range",
    "BigIntegerRangeField": "int8range",
    "DecimalRangeField": "numrange",
    "DateRangeField": "daterange",
    "DateTimeRangeField": "tstzrange",
    "SearchVectorField": "tsvector",
    "CICharField": "citext",
    "CITextField": "citext",
}

AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})
POSITIVE_FIELDS = frozenset({"PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"})
VARCHAR_FIELDS = frozenset({"CharField", "SlugField", "FileField", "FilePathField"})

# What a foreign key to a primary key of this internal type is (`rel_db_type`): auto and
# positive integers become their plain integer type, without identity or CHECK.
REL_TYPES = {
    "AutoField": "integer",
    "BigAutoField": "bigint",
    "SmallAutoField": "smallint",
    "PositiveIntegerField": "integer",
    "PositiveBigIntegerField": "bigint",
    "PositiveSmallIntegerField": "smallint",
}

# Django's on_delete handlers: (what the database gets, the SQL spelling of the declared
# Python behaviour). DB_* handlers put the action in the database itself.
ON_DELETE = {
    "CASCADE": ("NO ACTION", "CASCADE"),
    "PROTECT": ("NO ACTION", "RESTRICT"),
    "RESTRICT": ("NO ACTION", "RESTRICT"),
    "SET_NULL": ("NO ACTION", "SET NULL"),
    "SET_DEFAULT": ("NO ACTION", "SET DEFAULT"),
    "DO_NOTHING": ("NO ACTION", "NO ACTION"),
    "SET": ("NO ACTION", None),
    "DB_CASCADE": ("CASCADE", None),
    "DB_SET_NULL": ("SET NULL", None),
    "DB_SET_DEFAULT": ("SET DEFAULT", None),
}

INDEX_CLASSES = {
    "Index": ("btree", "idx"),
    "BTreeIndex": ("btree", "btree"),
    "GinIndex": ("gin", "gin"),
    "GistIndex": ("gist", "gist"),
    "BrinIndex": ("brin", "brin"),
    "HashIndex": ("hash", "hash"),
    "SpGistIndex": ("spgist", "spgist"),
    "BloomIndex": ("bloom", "bloom"),
}


def varchar(max_length) -> str:
    return f"character varying({max_length})" if max_length is not None else "character varying"
