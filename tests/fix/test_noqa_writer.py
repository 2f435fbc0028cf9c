"""The noqa writer (SL010's fix): golden before/after lines for each way a comment is written."""

from __future__ import annotations

import pytest

from schemalint.fix import AddColumn, Fix, RemoveNoqa
from schemalint.fix.noqa import WRITER
from schemalint.fix.writers import WriteContext, get_writer
from schemalint.model import Column, Location, Schema
from schemalint.suppress import scan

PY = "src/database/models.py"
SQL = "scripts/database/schema.sql"


def _fix(path: str, line: int, *codes: str) -> Fix:
    return Fix("remove noqa", "safe", (RemoveNoqa(Location(path, line, 1), codes),), "noqa", path)


def _apply(path: str, text: str, *fixes: Fix):
    return WRITER.apply(text, list(fixes), WriteContext(path=path, truth=Schema("django"), mirror=Schema("sql")))


@pytest.mark.parametrize(
    "path, before, codes, after",
    [
        # The only code goes: the whole comment goes, the code stays as it was.
        (PY, "x = Column(Integer)  # noqa: SL204", ("SL204",), "x = Column(Integer)"),
        (PY, "x = Column(Integer)  #noqa:SL204", ("SL204",), "x = Column(Integer)"),
        (PY, "x = Column(Integer)  # NOQA: sl204", ("SL204",), "x = Column(Integer)"),
        # Some codes stay: the list is rewritten, other linters' codes kept in their place.
        (PY, "x = Column(Integer)  # noqa: SL204, E501", ("SL204",), "x = Column(Integer)  # noqa: E501"),
        (PY, "x = Column(Integer)  # noqa: E501,SL204 , SL301", ("SL204",), "x = Column(Integer)  # noqa: E501, SL301"),
        (PY, "x = Column(Integer)  # noqa: SL203 SL204", ("SL203", "SL204"), "x = Column(Integer)"),
        (PY, "x = Column(Integer)  # noqa: SL2, SL999", ("SL999",), "x = Column(Integer)  # noqa: SL2"),
        # Written without the colon: what stays gets it (flake8 then reads the same codes).
        (PY, "x = Column(Integer)  # noqa SL204 SL999", ("SL999",), "x = Column(Integer)  # noqa: SL204"),
        # What follows the noqa stays a comment.
        (PY, "x = Column(Integer)  # noqa: SL204  # type: ignore", ("SL204",), "x = Column(Integer)  # type: ignore"),
        (PY, "x = Column(Integer)  # noqa: SL204 legacy column", ("SL204",), "x = Column(Integer)  # legacy column"),
        (PY, "x = Column(Integer)  # see #12 # noqa: SL204", ("SL204",), "x = Column(Integer)  # see #12"),
        (PY, "    x = 1  # noqa: SL204, SL301  ", ("SL301",), "    x = 1  # noqa: SL204  "),
        # SQL comments.
        (SQL, "CREATE TABLE t (id int); -- noqa: SL401", ("SL401",), "CREATE TABLE t (id int);"),
        (SQL, "  id int, -- noqa: SL204, LT01", ("SL204",), "  id int, -- noqa: LT01"),
        (SQL, "  id int, -- noqa: SL204 nullable on purpose", ("SL204",), "  id int, -- nullable on purpose"),
    ],
)
def test_one_line(path, before, codes, after):
    text = f"import x\n{before}\ny = 2\n"
    written = _apply(path, text, _fix(path, 2, *codes))
    assert written.text == f"import x\n{after}\ny = 2\n"
    assert written.applied == (0,) and not written.skipped


@pytest.mark.parametrize(
    "path, before, codes",
    [
        (PY, "# schemalint: noqa", ()),  # a blanket file-level noqa that silences nothing
        (PY, "# schemalint: noqa: SL204", ("SL204",)),
        (SQL, "-- schemalint: noqa: SL401, SL2", ("SL401", "SL2")),
        (PY, "    # noqa: SL204", ("SL204",)),  # a comment alone on its line
    ],
)
def test_a_line_holding_only_the_comment_is_removed(path, before, codes):
    written = _apply(path, f"import x\n{before}\ny = 2\n", _fix(path, 2, *codes))
    assert written.text == "import x\ny = 2\n"


def test_a_file_level_comment_that_keeps_codes_keeps_its_line():
    written = _apply(PY, "# schemalint: noqa: SL204, SL301\nx = 1\n", _fix(PY, 1, "SL301"))
    assert written.text == "# schemalint: noqa: SL204\nx = 1\n"


def test_line_endings_and_a_byte_order_mark_are_kept():
    text = "\ufeff# schemalint: noqa: SL204, SL301\r\nx = 1  # noqa: SL204\r\ny = 2"
    written = _apply(PY, text, _fix(PY, 1, "SL301"), _fix(PY, 2, "SL204"))
    assert written.text == "\ufeff# schemalint: noqa: SL204\r\nx = 1\r\ny = 2"


def test_two_fixes_on_one_comment_are_written_together():
    # SL010 reports unknown and unused codes of one comment separately: one pass fixes both.
    text = "x = 1  # noqa: SL999, SL204, E501\n"
    written = _apply(PY, text, _fix(PY, 1, "SL999"), _fix(PY, 1, "SL204"))
    assert written.text == "x = 1  # noqa: E501\n"
    assert written.applied == (0, 1)


def test_fixes_on_several_lines_keep_their_numbering():
    text = "# schemalint: noqa\nx = 1  # noqa: SL204\ny = 2  # noqa: SL301, SL204\n"
    written = _apply(PY, text, _fix(PY, 1), _fix(PY, 2, "SL204"), _fix(PY, 3, "SL204"))
    assert written.text == "x = 1\ny = 2  # noqa: SL301\n"


@pytest.mark.parametrize(
    "text, fix, why",
    [
        ("x = 1\n", _fix(PY, 1, "SL204"), "no noqa comment"),
        ("x = 1  # noqa: SL301\n", _fix(PY, 1, "SL204"), "no longer names SL204"),
        ("x = 1  # noqa: SL204\n", _fix(PY, 5, "SL204"), "past the end"),
        (
            "x = 1  # noqa: SL204\n",
            Fix("add", "safe", (AddColumn("t", Column("c", "integer")),), "noqa", PY),
            "only removes noqa codes",
        ),
    ],
)
def test_a_stale_fix_is_skipped_and_says_why(text, fix, why):
    written = _apply(PY, text, fix)
    assert written.text == text
    assert written.applied == ()
    assert len(written.skipped) == 1 and why in written.skipped[0][1]


def test_an_atomic_fix_is_all_or_nothing():
    text = "x = 1  # noqa: SL204\ny = 2\n"
    both = Fix(
        "two",
        "safe",
        (RemoveNoqa(Location(PY, 1, 1), ("SL204",)), RemoveNoqa(Location(PY, 2, 1), ("SL204",))),
        "noqa",
        PY,
    )
    assert _apply(PY, text, both).text == text


def test_the_result_reads_as_the_checker_reads_it():
    """After the fix the comment names exactly the codes that stayed (scan, the checker's parser)."""
    text = "x = 1  # noqa SL203 SL204 E501\n"
    written = _apply(PY, text, _fix(PY, 1, "SL203"))
    directive = scan(PY, written.text).inline[1]
    assert directive.codes == ("SL204", "E501") and not directive.missing_colon


def test_the_writer_contract():
    assert get_writer("noqa") is WRITER
    assert WRITER.parses("anything at all (") is None
    fix = _fix(SQL, 3, "SL401")
    assert WRITER.target(fix, Schema("sql")) == SQL
