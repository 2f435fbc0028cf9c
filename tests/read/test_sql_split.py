"""The statement splitter: where statements start and end, whatever hides a `;`."""

from __future__ import annotations

import pytest

from schemalint.read.sql.split import split_statements, top_level_pieces, words


def starts(text: str, dialect: str = "postgres") -> list[tuple[int, int, str]]:
    return [(s.line, s.col, s.text.split()[0].upper()) for s in split_statements(text, dialect)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CREATE TABLE a (x int); CREATE TABLE b (y int);", [(1, 1, "CREATE"), (1, 25, "CREATE")]),
        ("-- lead; comment\n\n  SELECT 1;\n", [(3, 3, "SELECT")]),
        ("/* a; /* nested; */ still; */ SELECT 1;", [(1, 31, "SELECT")]),
        ("INSERT INTO t VALUES ('a;b', 'it''s; ok');\nSELECT 2;", [(1, 1, "INSERT"), (2, 1, "SELECT")]),
        ("INSERT INTO t VALUES (E'a\\';b');\nSELECT 2;", [(1, 1, "INSERT"), (2, 1, "SELECT")]),
        ('CREATE TABLE "we;ird" (x int);\nSELECT 2;', [(1, 1, "CREATE"), (2, 1, "SELECT")]),
        ("DO $$ BEGIN PERFORM 1; END $$;\nSELECT 2;", [(1, 1, "DO"), (2, 1, "SELECT")]),
        (
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nSELECT 2;",
            [(1, 1, "CREATE"), (2, 1, "SELECT")],
        ),
        ("SELECT $1;\nSELECT 2;", [(1, 1, "SELECT"), (2, 1, "SELECT")]),
        ("\\connect db\nSELECT 1;\n\\i other.sql\n", [(2, 1, "SELECT")]),
        ("SELECT 1;\r\n\r\n   SELECT 2;\r\n", [(1, 1, "SELECT"), (3, 4, "SELECT")]),
        ("SELECT 1", [(1, 1, "SELECT")]),
        ("  ;; ;\n", []),
        (
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;",
            [(1, 1, "CREATE"), (2, 1, "SELECT")],
        ),
    ],
)
def test_statement_starts(text, expected):
    assert starts(text) == expected


@pytest.mark.parametrize(
    "dialect, text, expected",
    [
        ("mysql", "# comment; here\nSELECT 'a\\';b';\nSELECT 2;", [(2, 1, "SELECT"), (3, 1, "SELECT")]),
        ("mysql", "CREATE TABLE `a;b` (x int);\nSELECT 2;", [(1, 1, "CREATE"), (2, 1, "SELECT")]),
        (
            "sqlite",
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = 1; DELETE FROM c; END;\nSELECT 2;",
            [(1, 1, "CREATE"), (2, 1, "SELECT")],
        ),
    ],
)
def test_dialect_specific_starts(dialect, text, expected):
    assert starts(text, dialect) == expected


def test_unterminated_statement_is_kept_and_marked():
    statements = split_statements("SELECT 1;\nCREATE TABLE t (a int)")
    assert [s.terminated for s in statements] == [True, False]


def test_unterminated_dollar_quote_swallows_the_rest():
    statements = split_statements("DO $$ BEGIN; SELECT 1;\nSELECT 2;")
    assert len(statements) == 1


def test_statement_text_excludes_the_semicolon_and_offset_points_into_the_file():
    text = "-- x\nCREATE TABLE t (a int)  ;"
    [statement] = split_statements(text)
    assert statement.text == "CREATE TABLE t (a int)"
    assert text[statement.offset :].startswith("CREATE")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a int, b numeric(10, 2), c text DEFAULT 'x,y'", ["a int", "b numeric(10, 2)", "c text DEFAULT 'x,y'"]),
        ("  -- first\n  a int,\n  /* c */ b int", ["a int", "b int"]),
        ("a int[], CHECK (a[1] IN (1, 2))", ["a int[]", "CHECK (a[1] IN (1, 2))"]),
    ],
)
def test_top_level_pieces(text, expected):
    pieces = top_level_pieces(text, 0, len(text), "postgres")
    assert [text[s:e].strip() for s, e in pieces] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("  create /* x */ UNIQUE\n index foo", ["create", "unique", "index"]),
        ("-- c\nALTER TABLE IF EXISTS", ["alter", "table", "if"]),
        ("DO $$ x $$", ["do", "$$ x $$"]),
    ],
)
def test_words(text, expected):
    assert words(text, 3) == expected


def test_wide_is_the_range_it_spells() -> None:
    # `WIDE` stands for `[\x80-\uffff]` in the reader's name patterns (a cheaper compile): every
    # code point, surrogates and the astral planes too, is matched by both or by neither.
    import re

    from schemalint.read.sql.split import WIDE

    every = "".join(map(chr, range(0x110000)))
    assert re.findall(WIDE, every) == re.findall(r"[\x80-\uffff]", every)
    # Under IGNORECASE only case-sensitively (`(?-i:...)`, as in `_NAME`): U+212A (Kelvin) folds to `k`.
    assert re.findall(f"(?-i:{WIDE})", every, re.I) == re.findall(r"(?-i:[\x80-\uffff])", every, re.I)
    assert "\u212a" not in re.findall(WIDE, every, re.I)
