"""The readers' parse does less and gives the same facts (read/python/parse.py, prepass.py).

* libcst's per-node validation is skipped only inside `unvalidated()`, through the hook libcst
  has today (`CSTNode.__post_init__`): if libcst moves it, the first test fails.
* `reduce_bodies` keeps every line outside the reduced bodies, in order, and the
  facts the Django and SQLAlchemy readers make of real files (the differential corpora and
  Django's own contrib models) are those of the unreduced file.
* `string_value` is libcst's `evaluated_value`, on tricky spellings and every string of the
  corpora.
* `tuned_gc` leaves the process's collector as it found it.
* Facts made in workers reach the cache as the workers pickled them, unchanged.
"""

from __future__ import annotations

import gc
from pathlib import Path

import django
import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from schemalint.cache import Cache
from schemalint.config import Config
from schemalint.engine import GC_THRESHOLDS, _fact_keys, read_schema, tuned_gc
from schemalint.read import ReaderSettings, SourceFile, parallel
from schemalint.read.django import extract as django_extract
from schemalint.read.python.parse import parse_for_reading, string_value, unvalidated
from schemalint.read.python.prepass import reduce_bodies
from schemalint.read.sqlalchemy import extract as sqlalchemy_extract
from schemalint.read.statements import top_level_chunks

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parent / "differential"
DJANGO_FILES = sorted(
    [
        *CORPORA.joinpath("django_corpus").rglob("*.py"),
        *Path(django.__file__).parent.joinpath("contrib").glob("*/models.py"),
    ]
)
SQLALCHEMY_FILES = sorted(CORPORA.joinpath("sqlalchemy_corpus").rglob("*.py"))


def test_the_validation_hook_is_where_libcst_has_it() -> None:
    assert "__post_init__" in CSTNode.__dict__, "libcst moved its validation hook: find it again in parse.py"
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    with unvalidated():
        assert cst.Name("").value == ""  # not validated: the hook took effect
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")  # restored


def test_unvalidated_nests_and_readers_restore_the_hook() -> None:
    with unvalidated():
        with unvalidated():
            pass
        assert cst.Name("").value == ""  # the inner one left validation off
    for text in ["class A:\n    x = 1\n\nclass B:\n    y = 2\n", "class A:\n    x = 1\n\nclass B(:\n    y = 2\n"]:
        file = SourceFile(Path("m.py"), "m.py", text.encode())
        django_extract.extract(file, ReaderSettings())
        sqlalchemy_extract.extract_file(file)
        with pytest.raises(cst.CSTValidationError):
            cst.Name("")  # restored after the chunked parse, also when a chunk did not parse


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\n",
        "class A(models.Model):\n    '''Doc.'''\n    name = models.CharField(max_length=3)\n\n    def f(self):\n        return 1\n",
        "@dataclass\nclass B:\n    a: int = 0\n    async def g(self):\n        await x\n",
    ],
)
def test_unvalidated_parse_is_the_same_tree(text: str) -> None:
    tree = parse_for_reading(text)
    assert tree.deep_equals(cst.parse_module(text))
    assert tree.code == text


@pytest.mark.parametrize("text", ["def f(:\n    pass\n", "x = (\n"])
def test_unvalidated_parse_raises_the_same_syntax_errors(text: str) -> None:
    with pytest.raises(cst.ParserSyntaxError) as validated:
        cst.parse_module(text)
    with pytest.raises(cst.ParserSyntaxError) as unchecked:
        parse_for_reading(text)
    assert str(unchecked.value) == str(validated.value)


METHODS = '''\
class Order(models.Model):
    """An order."""

    total = models.DecimalField(max_digits=9, decimal_places=2)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("total", 0)
        super().__init__(*args, **kwargs)

    @property
    def label(self):
        """A long
        docstring."""
        if self.total:
            return "big"
        return f"{self.total}"

    def __str__(self): return "order"

    def clean(self):
        value = compute(
            self.total,
        ); return value
'''


@pytest.mark.parametrize(
    "keep, keep_last_return, gone",
    [
        (
            frozenset(),
            False,
            {'            return "big"', '        kwargs.setdefault("total", 0)', '        docstring."""'},
        ),
        (frozenset({"__init__"}), False, {'            return "big"', "        if self.total:"}),
        (frozenset(), True, {'            return "big"', '        kwargs.setdefault("total", 0)'}),
    ],
)
def test_reduce_bodies_keeps_what_is_read(keep: frozenset[str], keep_last_return: bool, gone: set[str]) -> None:
    reduced = reduce_bodies(METHODS, keep, keep_last_return)
    before, after = METHODS.split("\n"), reduced.split("\n")
    # Only body lines change, and blank lines between statements go (fewer nodes to build); a
    # reduced body without a kept return joins its header (`def label(self): ...`).
    outside = [line for line in before if line.strip() and not line.startswith("        ")]
    joined = [line.removesuffix(" ...") for line in after if not line.startswith("        ")]
    assert [line for line in joined if line.strip()] == outside
    assert ("    def label(self): ..." in after) is not keep_last_return
    assert "" not in after[:-1] and after[-1] == ""  # the final line break stays
    assert not gone & set(after)
    assert ('        return f"{self.total}"' in after) is keep_last_return
    assert ("        super().__init__(*args, **kwargs)" in after) is ("__init__" in keep)
    assert '    def __str__(self): return "order"' in after  # one-line body: nothing to gain
    assert ("        ); return value" in after) is keep_last_return  # a return not starting its line: body kept whole
    cst.parse_module(reduced)


TRY_BLOCKS = """try:
    def a():
        x = 1
        return x
except ImportError:
    def b():
        x = 2
        return x
else:
    def c():
        x = 3
        return x
finally:
    def d():
        x = 4
        return x
"""


def test_reduce_bodies_keeps_source_order_across_a_try() -> None:
    # `_functions` yields a `try`'s handlers after its `else`/`finally`: the cuts are sorted.
    expected = "".join(
        f"{head}\n    def {name}(): ...\n"
        for head, name in zip(("try:", "except ImportError:", "else:", "finally:"), "abcd")
    )
    assert reduce_bodies(TRY_BLOCKS) == expected


BLANKS = '''\
x = """a

b"""


y = 1 \\

z = 2  # the blank line above ends `y = 1 \\`


class A:

    a = 1

    def f(self):

        return 1

    b = 2
    # a comment

    c = 3


def g():
    pass



'''


def test_reduce_bodies_drops_blank_lines_between_statements_only() -> None:
    reduced = reduce_bodies(BLANKS)
    assert reduced == (
        'x = """a\n\nb"""\ny = 1 \\\n\nz = 2  # the blank line above ends `y = 1 \\`\n'
        "class A:\n\n    a = 1\n    def f(self):\n\n        ...\n    b = 2\n    # a comment\n    c = 3\ndef g(): ...\n"
    )
    cst.parse_module(reduced)
    # Cut first, then reduced (a long-lived process's `reduced_chunks`): the same chunks.
    chunks = top_level_chunks(BLANKS)
    assert [reduce_bodies(chunk) for chunk in chunks if "def " in chunk] == [
        chunk for chunk in top_level_chunks(reduced) if "def " in chunk
    ]


@pytest.mark.parametrize("text", ["def f(:\n    pass\n", "def f():\r\n    return 1\r\n", "x = 1\n"])
def test_reduce_bodies_leaves_what_it_cannot_read(text: str) -> None:
    assert reduce_bodies(text) == text


def _without_prepass(monkeypatch: pytest.MonkeyPatch, module) -> None:
    from schemalint.read.statements import top_level_chunks

    monkeypatch.setattr(module, "reduced_chunks", lambda text, *args, **kwargs: top_level_chunks(text))


@pytest.mark.parametrize("path", DJANGO_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_django_facts_are_those_of_the_whole_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = SourceFile(path, path.name, path.read_bytes())
    settings = ReaderSettings()
    fast = django_extract.extract(file, settings)
    _without_prepass(monkeypatch, django_extract)
    assert fast == django_extract.extract(file, settings)


@pytest.mark.parametrize("path", SQLALCHEMY_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sqlalchemy_facts_are_those_of_the_whole_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = SourceFile(path, path.name, path.read_bytes())
    fast = sqlalchemy_extract.extract_file(file)
    _without_prepass(monkeypatch, sqlalchemy_extract)
    assert fast == sqlalchemy_extract.extract_file(file)


@pytest.mark.parametrize(
    "literal",
    [
        "''",
        '""',
        "''''''",
        '""""""',
        "'a'",
        '"it\'s"',
        "'say \"hi\"'",
        "'''a'b\"c'''",
        '"""x\n y"""',
        "'''\"'''",
        "\"'''\"",
        r"r'\d+'",
        "R'plain'",
        "u'\u00e9t\u00e9'",
        "U'x'",
        "b'bytes'",
        "rb'x'",
        "Br'x'",
        r"'tab\t'",
        r"'\N{BULLET}'",
        "'''line\\\ncontinued'''",
        "'\u2603\U0001f600'",
        "'\t'",
    ],
)
def test_string_value_is_the_evaluated_value(literal: str) -> None:
    node = cst.parse_expression(literal)
    assert isinstance(node, cst.SimpleString)
    assert string_value(node) == node.evaluated_value
    assert type(string_value(node)) is type(node.evaluated_value)


def test_string_value_on_every_string_of_the_corpora() -> None:
    class Strings(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            assert string_value(node) == node.evaluated_value, node.value

        def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
            assert string_value(node) == node.evaluated_value

    for path in [*DJANGO_FILES, *SQLALCHEMY_FILES]:
        parse_for_reading(path.read_text()).visit(Strings())


def test_tuned_gc_is_restored() -> None:
    before = gc.get_threshold()
    with tuned_gc():
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_worker_facts_are_cached_as_they_were_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers send their facts pickled as the cache stores them; the parent stores those bytes,
    and the next run reads back exactly the facts a parse in this process makes."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 1)
    sources = [p for p in DJANGO_FILES if p.name == "models.py"][:3]
    paths = []
    for i, source in enumerate(sources):
        path = tmp_path / f"app{i}" / "models.py"
        path.parent.mkdir()
        path.write_bytes(source.read_bytes())
        paths.append(path)
    config = Config(root=tmp_path, jobs=2)
    settings = ReaderSettings.from_config(config)
    files = [SourceFile(p, p.relative_to(tmp_path).as_posix(), p.read_bytes()) for p in paths]
    sent = parallel.extract_all_pickled([parallel.Task("django", f) for f in files], settings, 2)
    assert all(blob is not None for _, blob in sent), "expected the facts from worker processes"

    read_schema("django", paths, config, Cache(tmp_path / ".cache"))
    pack = Cache(tmp_path / ".cache").pack("django")
    for file, key in zip(files, _fact_keys("django", files, config)):
        assert pack.get(key) == django_extract.extract(file, settings)
