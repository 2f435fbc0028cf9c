"""Where a finding's construct ends (schemalint/lsp/spans.py): the editor underlines the
field, class header, statement or column definition a reader located, not just one line."""

from __future__ import annotations

import pytest

from schemalint.lsp.spans import construct_end

MODELS = """\
class Order(models.Model):  # a comment
    status = models.CharField(
        max_length=20,  # why, here
        default="new, (unpaid",
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)  # money
    note = models.TextField(help_text='''a
multi-line; string''')
    legacy = \\
        models.IntegerField()
"""

SA = """\
orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("note", String(20), server_default=text("'a, b'")),
)
"""

SQL = """\
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    note varchar(20) DEFAULT 'a, b; c' CHECK (note <> ''),  -- trailing, comment
    body text DEFAULT $$x), y;$$
);
ALTER TABLE orders ADD COLUMN a int, ADD COLUMN b /* a, b */ int;
COMMENT ON TABLE orders IS 'it''s; fine';
"""


@pytest.mark.parametrize(
    ("text", "path", "start", "end"),
    [
        # A class header ends before its trailing comment.
        (MODELS, "m.py", (1, 1), (1, 27)),
        # A field over several lines: brackets, comments and strings inside do not end it.
        (MODELS, "m.py", (2, 5), (5, 6)),
        (MODELS, "m.py", (6, 5), (6, 65)),
        (MODELS, "m.py", (7, 5), (8, 23)),
        # A backslash continues the line.
        (MODELS, "m.py", (9, 5), (10, 30)),
        # One argument of a call: up to its comma, or the call's closing bracket.
        (SA, "t.py", (4, 5), (4, 44)),
        (SA, "t.py", (5, 5), (5, 62)),
        (SA, "t.py", (1, 1), (6, 2)),
        # A whole statement, to its semicolon; a column definition, to its comma.
        (SQL, "s.sql", (1, 1), (5, 3)),
        (SQL, "s.sql", (3, 5), (3, 58)),
        (SQL, "s.sql", (4, 5), (4, 33)),
        (SQL, "s.sql", (2, 5), (2, 26)),
        # One action of an ALTER TABLE with several; a string with '' and ; inside.
        (SQL, "s.sql", (6, 24), (6, 36)),
        (SQL, "s.sql", (6, 38), (6, 66)),
        (SQL, "s.sql", (7, 1), (7, 42)),
    ],
)
def test_construct_end(text, path, start, end):
    lines = text.splitlines()
    assert construct_end(lines, *start, path) == end


@pytest.mark.parametrize(
    ("lines", "path", "start"),
    [
        (["[tool.schemalint]"], "pyproject.toml", (1, 1)),  # not Python or SQL: the caller decides
        (["x = 1"], "m.py", (3, 1)),  # past the text
    ],
)
def test_no_end(lines, path, start):
    assert construct_end(lines, *start, path) is None


def test_an_unclosed_bracket_costs_a_bounded_scan():
    lines = ["x = f("] + ["    1,"] * 10_000
    end = construct_end(lines, 1, 1, "m.py")
    assert end is not None and end[0] <= 401
