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
    # Fields that make no column (`get_attname_column()` has no column / not a Field at all).
    "ForeignObject": _B("ForeignObject", relation="virtual"),
    "GenericForeignKey": _B("GenericForeignKey", relation="virtual"),
    "GenericRelation": _B("GenericRelation", relation="virtual"),
    # A bare `models.Field` subclass: its type comes from `db_type()` or `get_internal_type()`.
    "Field": _B("Field"),
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


# `Meta.required_db_features`: Django migrates a model only when every named flag of the
# connection's DatabaseFeatures is true (`Options.can_migrate`). From Django 5.2's
# django/db/backends/postgresql/features.py (with the base class's defaults); flags that
# depend on the server version (`is_postgresql_16`, ...) are in neither set: unknown.
PG_FEATURES_TRUE = frozenset(
    {
        "allow_sliced_subqueries_with_in",
        "allows_auto_pk_0",
        "allows_group_by_lob",
        "allows_group_by_select_index",
        "allows_group_by_selected_pks",
        "allows_group_by_selected_pks_on_model",
        "allows_multiple_constraints_on_same_fields",
        "atomic_transactions",
        "can_clone_databases",
        "can_create_inline_fk",
        "can_defer_constraint_checks",
        "can_distinct_on_fields",
        "can_introspect_check_constraints",
        "can_introspect_default",
        "can_introspect_foreign_keys",
        "can_introspect_json_field",
        "can_introspect_materialized_views",
        "can_release_savepoints",
        "can_rename_index",
        "can_return_columns_from_insert",
        "can_return_rows_from_bulk_insert",
        "can_rollback_ddl",
        "can_use_chunked_reads",
        "delete_can_self_reference_subquery",
        "greatest_least_ignores_nulls",
        "has_bulk_insert",
        "has_json_object_function",
        "has_json_operators",
        "has_native_duration_field",
        "has_native_json_field",
        "has_native_uuid_field",
        "has_real_datatype",
        "has_select_for_no_key_update",
        "has_select_for_update",
        "has_select_for_update_nowait",
        "has_select_for_update_of",
        "has_select_for_update_skip_locked",
        "has_zoneinfo_database",
        "ignores_unnecessary_order_by_in_subqueries",
        "indexes_foreign_keys",
        "json_key_contains_list_matching_requires_list",
        "nulls_order_largest",
        "only_supports_unbounded_with_preceding_and_following",
        "requires_casted_case_in_updates",
        "schema_editor_uses_clientside_param_binding",
        "supports_aggregate_filter_clause",
        "supports_boolean_expr_in_select_clause",
        "supports_cast_with_precision",
        "supports_collation_on_charfield",
        "supports_collation_on_textfield",
        "supports_column_check_constraints",
        "supports_combined_alters",
        "supports_comments",
        "supports_comparing_boolean_expr",
        "supports_covering_indexes",
        "supports_date_lookup_using_string",
        "supports_default_in_lead_lag",
        "supports_default_keyword_in_bulk_insert",
        "supports_default_keyword_in_insert",
        "supports_deferrable_unique_constraints",
        "supports_explaining_query_execution",
        "supports_expression_defaults",
        "supports_expression_indexes",
        "supports_foreign_keys",
        "supports_forward_references",
        "supports_frame_exclusion",
        "supports_functions_in_partial_indexes",
        "supports_ignore_conflicts",
        "supports_index_column_ordering",
        "supports_index_on_text_field",
        "supports_json_field",
        "supports_json_field_contains",
        "supports_non_deterministic_collations",
        "supports_nullable_unique_constraints",
        "supports_order_by_nulls_modifier",
        "supports_over_clause",
        "supports_paramstyle_pyformat",
        "supports_parentheses_in_compound",
        "supports_partial_indexes",
        "supports_partially_nullable_unique_constraints",
        "supports_primitives_in_json_field",
        "supports_regex_backreferencing",
        "supports_select_difference",
        "supports_select_for_update_with_limit",
        "supports_select_intersection",
        "supports_select_union",
        "supports_sequence_reset",
        "supports_slicing_ordering_in_compound",
        "supports_stored_generated_columns",
        "supports_subqueries_in_group_by",
        "supports_table_check_constraints",
        "supports_tablespaces",
        "supports_temporal_subtraction",
        "supports_timezones",
        "supports_transactions",
        "supports_tuple_lookups",
        "supports_unlimited_charfield",
        "supports_update_conflicts",
        "supports_update_conflicts_with_target",
        "test_db_allows_multiple_connections",
        "update_can_self_select",
        "uses_savepoints",
    }
)
PG_FEATURES_FALSE = frozenset(
    {
        "collate_as_index_expression",
        "connection_persists_old_columns",
        "for_update_after_from",
        "gis_enabled",
        "has_case_insensitive_like",
        "ignores_table_name_case",
        "implied_column_null",
        "interprets_empty_strings_as_nulls",
        "order_by_nulls_first",
        "related_fields_match_type",
        "requires_compound_order_by_subquery",
        "requires_explicit_null_ordering_when_grouping",
        "requires_literal_defaults",
        "rounds_to_even",
        "select_for_update_of_column",
        "supports_callproc_kwargs",
        "supports_comments_inline",
        "supports_frame_range_fixed_distance",
        "supports_logical_xor",
        "supports_unspecified_pk",
        "supports_virtual_generated_columns",
        "truncates_names",
        "uses_server_side_binding",
    }
)
