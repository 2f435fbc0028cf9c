"""noqa comments: parsing, silencing, SL010 (unused noqa) and --add-noqa, on files on disk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from schemalint.findings import Finding
from schemalint.suppress import add_noqa, apply_noqa, find_unused, read_texts, scan

KNOWN = ["SL001", "SL010", "SL203", "SL204", "SL301", "XMP101"]


def _write(root: Path, rel: str, text: str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return rel


def _finding(path: str, line: int, code: str = "SL204") -> Finding:
    return Finding(path=path, line=line, col=5, code=code, message="drift")


def _silenced(root: Path, rel: str, findings: list[Finding]) -> list[Finding]:
    return apply_noqa(findings, read_texts([rel], root)).silenced


# ---------------------------------------------------------------- what silences what


@pytest.mark.parametrize(
    "line, code, silenced",
    [
        ("x = Column(Integer)  # noqa", "SL204", True),
        ("x = Column(Integer)  # NOQA", "SL204", True),
        ("x = Column(Integer)  # noqa: SL204", "SL204", True),
        ("x = Column(Integer)  #noqa:SL204", "SL204", True),
        ("x = Column(Integer)  # noqa: SL203, SL204", "SL204", True),
        ("x = Column(Integer)  # noqa: SL203 SL204", "SL204", True),
        ("x = Column(Integer)  # noqa: SL2", "SL204", True),  # a prefix
        ("x = Column(Integer)  # noqa: SL203", "SL204", False),
        ("x = Column(Integer)  # noqa: E501", "SL204", False),  # another linter's code
        ("x = Column(Integer)  # type: ignore  # noqa: SL204", "SL204", True),
        ("x = Column(Integer)  # noqa because legacy", "SL204", True),  # blanket + prose
        # flake8's trap: without a colon flake8 silences everything; we honour the code only.
        ("x = Column(Integer)  # noqa SL204", "SL204", True),
        ("x = Column(Integer)  # noqa SL203", "SL204", False),
        ("x = Column(Integer)  -- noqa: SL204", "SL204", False),  # SQL syntax in a .py file
        ("x = Column(Integer)", "SL204", False),
    ],
)
def test_python_inline_noqa(tmp_path, line, code, silenced):
    rel = _write(tmp_path, "src/database/models.py", f"import x\n{line}\n")
    assert bool(_silenced(tmp_path, rel, [_finding(rel, 2, code)])) is silenced


@pytest.mark.parametrize(
    "line, silenced",
    [
        ("  symbol VARCHAR(10),  -- noqa: SL204", True),
        ("  symbol VARCHAR(10),  -- noqa", True),
        ("  symbol VARCHAR(10),  --noqa:SL204,SL301", True),
        ("  symbol VARCHAR(10),  -- noqa: SL301", False),
        ("  symbol VARCHAR(10),  # noqa: SL204", False),  # Python syntax in a .sql file
        ("  symbol VARCHAR(10),", False),
    ],
)
def test_sql_inline_noqa(tmp_path, line, silenced):
    rel = _write(tmp_path, "scripts/database/schema.sql", f"CREATE TABLE stocks (\n{line}\n);\n")
    assert bool(_silenced(tmp_path, rel, [_finding(rel, 2)])) is silenced


def test_noqa_only_silences_its_own_line(tmp_path):
    rel = _write(
        tmp_path,
        "src/database/models.py",
        """
        a = Column(Integer)  # noqa: SL204
        b = Column(Integer)
    """,
    )
    result = apply_noqa([_finding(rel, 1), _finding(rel, 2)], read_texts([rel], tmp_path))
    assert [f.line for f in result.kept] == [2]


def test_noqa_in_another_file_does_not_count(tmp_path):
    rel = _write(tmp_path, "src/database/models.py", "a = Column(Integer)\n")
    other = _write(tmp_path, "app_django/apps/shop/models.py", "a = models.IntegerField()  # noqa\n")
    result = apply_noqa([_finding(rel, 1)], read_texts([rel, other], tmp_path))
    assert result.kept and not result.silenced


@pytest.mark.parametrize(
    "rel, header, code, silenced",
    [
        ("src/database/models.py", "# schemalint: noqa", "SL204", True),
        ("src/database/models.py", "#schemalint:noqa", "SL301", True),
        ("src/database/models.py", "# schemalint: noqa: SL2", "SL204", True),
        ("src/database/models.py", "# schemalint: noqa: SL2", "SL301", False),
        ("src/database/models.py", "# schemalint: noqa: SL301, SL204", "SL204", True),
        ("src/database/models.py", "x = 1  # schemalint: noqa", "SL204", False),  # must stand alone
        ("scripts/database/schema.sql", "-- schemalint: noqa", "SL204", True),
        ("scripts/database/schema.sql", "-- schemalint: noqa: SL204", "SL204", True),
        ("scripts/database/schema.sql", "-- schemalint: noqa: SL3", "SL204", False),
        ("scripts/database/schema.sql", "# schemalint: noqa", "SL204", False),
    ],
)
def test_file_level_noqa(tmp_path, rel, header, code, silenced):
    _write(tmp_path, rel, f"{header}\nline two\nline three\nline four\n")
    assert bool(_silenced(tmp_path, rel, [_finding(rel, 4, code)])) is silenced


def test_stdin_override_text_is_used(tmp_path):
    rel = _write(tmp_path, "src/database/models.py", "a = Column(Integer)\n")
    texts = read_texts([rel], tmp_path, overrides={rel: b"a = Column(Integer)  # noqa: SL204\n"})
    assert apply_noqa([_finding(rel, 1)], texts).silenced


def test_lines_are_counted_like_python_counts_them(tmp_path):
    # A form feed (an old page-break habit) is not a line break for Python or the readers.
    rel = "src/database/models.py"
    (tmp_path / "src/database").mkdir(parents=True)
    (tmp_path / rel).write_bytes(b"import x\n\x0c\nclass A:\x0c pass\nb = Column(Integer)  # noqa: SL204\n")
    assert _silenced(tmp_path, rel, [_finding(rel, 4)])
    add_noqa([_finding(rel, 3, "SL203")], tmp_path)
    assert (tmp_path / rel).read_bytes().split(b"\n")[2] == b"class A:\x0c pass  # noqa: SL203"


def test_scan_skips_files_without_noqa():
    assert not scan("a.py", "x = 1\n# a comment\n").inline


# ---------------------------------------------------------------- SL010: directives that silence nothing


def _unused(tmp_path, rel, text, findings, ran=("SL204", "SL203", "SL301", "SL010")):
    _write(tmp_path, rel, text)
    suppression = apply_noqa(findings, read_texts([rel], tmp_path))
    return [(u.line, u.kind, u.codes) for u in find_unused(suppression, KNOWN, ran)]


@pytest.mark.parametrize(
    "text, findings, expected",
    [
        # used: nothing to report
        ("a = 1  # noqa: SL204\n", [("SL204", 1)], []),
        # stale code
        ("a = 1  # noqa: SL204\n", [], [(1, "unused-codes", ("SL204",))]),
        # one of two codes is stale
        ("a = 1  # noqa: SL203, SL204\n", [("SL204", 1)], [(1, "unused-codes", ("SL203",))]),
        # unknown code in our family
        ("a = 1  # noqa: SL999\n", [], [(1, "unknown-codes", ("SL999",))]),
        # other linters' codes and a bare noqa are none of our business
        ("a = 1  # noqa: E501, F401\n", [], []),
        ("a = 1  # noqa\n", [], []),
        # a code whose rule did not run today cannot be judged
        ("a = 1  # noqa: XMP101\n", [], []),
        # the missing colon is reported even when the directive is used
        ("a = 1  # noqa SL204\n", [("SL204", 1)], [(1, "missing-colon", ("SL204",))]),
        # file level: a blanket one that silences nothing, and a stale code
        ("# schemalint: noqa\na = 1\n", [], [(1, "unused", ())]),
        ("# schemalint: noqa\na = 1\n", [("SL204", 2)], []),
        ("# schemalint: noqa: SL301\na = 1\n", [], [(1, "unused-codes", ("SL301",))]),
    ],
)
def test_unused_noqa(tmp_path, text, findings, expected):
    rel = "src/database/models.py"
    assert _unused(tmp_path, rel, text, [_finding(rel, line, code) for code, line in findings]) == expected


def test_unused_noqa_in_sql(tmp_path):
    rel = "scripts/database/schema.sql"
    text = "CREATE TABLE t (\n  a INT,  -- noqa: SL204\n  b INT  -- noqa: LT01\n);\n"
    assert _unused(tmp_path, rel, text, []) == [(2, "unused-codes", ("SL204",))]


# ---------------------------------------------------------------- --add-noqa


@pytest.mark.parametrize(
    "rel, before, codes, after",
    [
        ("m.py", "a = Column(Integer)\n", ["SL204"], "a = Column(Integer)  # noqa: SL204\n"),
        ("m.py", "a = Column(Integer)   \n", ["SL204", "SL203"], "a = Column(Integer)  # noqa: SL203, SL204\n"),
        # keeps other comments, merges into an existing noqa
        ("m.py", "a = Column(Integer)  # legacy\n", ["SL204"], "a = Column(Integer)  # legacy  # noqa: SL204\n"),
        ("m.py", "a = Column(Integer)  # noqa: E501\n", ["SL204"], "a = Column(Integer)  # noqa: E501, SL204\n"),
        (
            "m.py",
            "a = Column(Integer)  # noqa: E501  # why\n",
            ["SL204"],
            "a = Column(Integer)  # noqa: E501, SL204  # why\n",
        ),
        # a blanket noqa already covers the line: unchanged
        ("m.py", "a = Column(Integer)  # noqa\n", ["SL204"], "a = Column(Integer)  # noqa\n"),
        # line endings are kept
        ("m.py", "a = Column(Integer)\r\nb = 1\r\n", ["SL204"], "a = Column(Integer)  # noqa: SL204\r\nb = 1\r\n"),
        ("s.sql", "  symbol VARCHAR(10),\n", ["SL204"], "  symbol VARCHAR(10),  -- noqa: SL204\n"),
        ("s.sql", "  a INT,  -- the id\n", ["SL203"], "  a INT,  -- the id  -- noqa: SL203\n"),
        # a backslash continuation cannot take a comment: left alone
        ("m.py", "a = 1 + \\\n    2\n", ["SL204"], "a = 1 + \\\n    2\n"),
    ],
)
def test_add_noqa(tmp_path, rel, before, codes, after):
    (tmp_path / rel).write_bytes(before.encode())
    add_noqa([_finding(rel, 1, code) for code in codes], tmp_path)
    assert (tmp_path / rel).read_bytes().decode() == after


def test_add_noqa_is_idempotent_and_silences(tmp_path):
    rel = _write(
        tmp_path,
        "src/database/models.py",
        """
        a = Column(Integer)
        b = Column(String)  # keep me
    """,
    )
    findings = [_finding(rel, 1), _finding(rel, 2, "SL203")]
    first = add_noqa(findings, tmp_path)
    text = (tmp_path / rel).read_text()
    assert first.added == 2 and first.files == (rel,)
    # every finding is now silenced, so a second run has nothing to add
    remaining = apply_noqa(findings, read_texts([rel], tmp_path)).kept
    assert remaining == []
    second = add_noqa(remaining, tmp_path)
    assert second.added == 0 and (tmp_path / rel).read_text() == text
    # and even given the same findings again, the comment is not duplicated
    add_noqa(findings, tmp_path)
    assert (tmp_path / rel).read_text() == text
