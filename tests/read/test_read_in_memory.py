"""The Python readers with memory (`schemalint.read.stay_in_memory`, the language server's
mode): each top-level statement is reduced and parsed once and kept by its text. Their facts
must be exactly those of a reader without memory, for every model file of the corpora, as
they are and after a keystroke-like edit (the kept statements then sit at other offsets)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemalint import read
from schemalint.read import ReaderSettings, SourceFile, get_reader
from schemalint.read.python import parse, prepass

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for folder in (ROOT / "fixtures", ROOT / "tests/differential")
    for path in folder.rglob("*.py")
    if b"sqlalchemy" in path.read_bytes() or b"models.Model" in path.read_bytes()
)


def edited(text: str) -> str:
    """A digit in the middle of the file changed, a line added above it: what typing does."""
    middle = len(text) // 2
    digit = re.compile(r"\d").search(text, middle)
    if digit is None:
        return "# typed\n" + text
    line = text.rfind("\n", 0, middle) + 1
    changed = text[: digit.start()] + str((int(digit.group()) + 1) % 10) + text[digit.end() :]
    return changed[:line] + "# typed\n" + changed[line:]


@pytest.fixture
def memory(monkeypatch: pytest.MonkeyPatch):
    """Memory on for this test only; what is kept starts empty."""
    monkeypatch.setattr(read, "tree_chars", 2_000_000)
    monkeypatch.setattr(parse, "_kept", None)
    monkeypatch.setattr(prepass, "_reduced", {})


def test_the_corpora_have_chunked_model_files():
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
@pytest.mark.parametrize("source", ["django", "sqlalchemy"])
def test_facts_with_memory_are_the_facts_without(path: Path, source: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(read, "tree_chars", 0)  # without memory, whatever ran before in this process
    monkeypatch.setattr(parse, "_kept", None)
    rel = path.relative_to(ROOT).as_posix()
    reader, settings = get_reader(source), ReaderSettings()
    text = path.read_text()
    versions = [text, edited(text), text]
    without = [reader.extract(SourceFile(path, rel, v.encode()), settings) for v in versions]

    monkeypatch.setattr(read, "tree_chars", 2_000_000)
    monkeypatch.setattr(parse, "_kept", None)
    monkeypatch.setattr(prepass, "_reduced", {})
    with_memory = [reader.extract(SourceFile(path, rel, v.encode()), settings) for v in versions]
    assert with_memory == without
    assert parse._kept is None or parse._kept.parsed <= len(prepass._reduced)  # kept, not parsed again


def test_an_edit_parses_only_the_statement_it_changed(memory: None):
    text = (ROOT / "fixtures/bifrost/app_django/apps/options/models.py").read_text()
    reader, settings = get_reader("django"), ReaderSettings()
    reader.extract(SourceFile(Path("m.py"), "m.py", text.encode()), settings)
    assert parse._kept is not None
    parsed = parse._kept.parsed
    assert parsed > 2
    typed = text.replace("max_digits=12, decimal_places=4)", "max_digits=14, decimal_places=4)", 1)
    assert typed != text
    reader.extract(SourceFile(Path("m.py"), "m.py", typed.encode()), settings)
    assert parse._kept.parsed == parsed + 1
