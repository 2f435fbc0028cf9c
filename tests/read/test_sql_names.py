"""PostgreSQL's generated names (makeObjectName / ChooseRelationName). The expected names were
read from a PostgreSQL 15 catalog; tests/read/test_sql_postgres_cases.py checks the same rules
against a live server."""

from __future__ import annotations

import pytest

from schemalint.postgres.names import (
    choose_name,
    index_column_names,
    join_column_names,
    make_object_name,
    truncate_identifier,
)

LONG = "a_table_name_that_is_long_enough_to_need_truncation_by_postgres"


@pytest.mark.parametrize(
    "name1, name2, label, expected",
    [
        ("stocks", None, "pkey", "stocks_pkey"),
        ("stocks", "symbol", "key", "stocks_symbol_key"),
        (LONG, None, "pkey", "a_table_name_that_is_long_enough_to_need_truncation_by_pos_pkey"),
        (
            LONG,
            "another_rather_long_column_name_for_the_unique_key",
            "key",
            "a_table_name_that_is_long_eno_another_rather_long_column_na_key",
        ),
        ("t", "x" * 63, "idx", "t_" + "x" * 57 + "_idx"),
        ("täble_" + "ü" * 40, "cöl" * 10, "check", "täble_üüüüüüüüüü_cölcölcölcölcölcölcöl_check"),
        ("täble_" + "ü" * 40, "u", "key", "täble_" + "ü" * 25 + "_u_key"),
    ],
)
def test_make_object_name(name1, name2, label, expected):
    assert make_object_name(name1, name2, label) == expected
    assert len(expected.encode()) <= 63


def test_choose_name_numbers_the_label():
    taken = {"t_a_key", "t_a_key1"}
    assert choose_name("t", "a", "key", taken.__contains__) == "t_a_key2"


@pytest.mark.parametrize(
    "parts, expected",
    [
        (["a", "b"], ["a", "b"]),
        (["a", "a", "a"], ["a", "a1", "a2"]),
        ([None, None, "lower"], ["expr", "expr1", "lower"]),
    ],
)
def test_index_column_names(parts, expected):
    assert index_column_names(parts) == expected


def test_join_column_names_stops_at_namedatalen():
    joined = join_column_names(["c" * 40, "d" * 40, "e" * 40])
    assert joined == "c" * 40 + "_" + "d" * 40


def test_identifiers_are_truncated_to_63_bytes():
    assert truncate_identifier("x" * 70) == "x" * 63
    assert truncate_identifier("é" * 40) == "é" * 31
