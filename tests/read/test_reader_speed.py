"""The readers' fast paths give exactly what the slow ones gave.

* SQLAlchemy `extract` parses a module one run of top-level statements at a time: its facts
  (positions and syntax errors included) must equal one parse of the whole file.
* Django `link` takes the django.contrib models' facts from contrib_facts.py: they must equal
  what `extract` makes of contrib.py's sources, and linking must not import libcst.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.read import SourceFile
from schemalint.read.sqlalchemy.extract import _extract_whole, extract_file
from schemalint.read.statements import top_level_chunks

HEADER = """\
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class Base(DeclarativeBase):
    pass
"""

# (name, body after HEADER, top-level statements the scan should find in the body)
SOURCES = [
    (
        "plain",
        """
class Stock(Base):
    __tablename__ = "stock"
    id = Column(Integer, primary_key=True)
    symbol = Column(String(10), nullable=False)
""",
        1,
    ),
    (
        "column-0 text inside strings",
        '''
class Note(Base):
    """A docstring with
class Fake(Base):
    at column 0."""
    __tablename__ = "note"
    id = Column(Integer, primary_key=True)
    body = Column(Text, server_default="""
x = 1
""")
''',
        1,
    ),
    (
        "brackets, comments and continuations",
        """
NAME_LEN = (
    10
)  # a comment with a quote ' and a bracket (
OTHER = 1 + \\
2


class Row(Base):
    __tablename__ = "row"
    __table_args__ = (
Index("by_name", "name"),
    )
    id = Column(Integer, primary_key=True)
    name = Column(String(NAME_LEN))
""",
        3,
    ),
    (
        "decorators and compound statements",
        """
def helper():
    return 1


@some.decorator(
    "arg",
)
@other
class Tagged(Base):
    __tablename__ = "tagged"
    id = Column(Integer, primary_key=True)


try:
    from typing import TYPE_CHECKING
except ImportError:
    TYPE_CHECKING = False
else:
    pass
finally:
    pass
if TYPE_CHECKING:
    from x import y
elif False:
    pass
""",
        4,
    ),
    (
        "strings with escapes and semicolons",
        r"""
A = 'it\'s'; B = "a \"quoted\" (";  C = '''x'''
D = "line \
continued"


class Esc(Base):
    __tablename__ = 'esc'
    id = Column(Integer, primary_key=True)
""",
        3,
    ),
    (
        "no newline at the end",
        """
class Last(Base):
    __tablename__ = "last"
    id = Column(Integer, primary_key=True)""",
        1,
    ),
    (
        "same statement names twice",
        """
class A(Base):
    __tablename__ = "a"
    id = Column(Integer, primary_key=True)


class B(Base):
    __tablename__ = "b"
    id = Column(Integer, primary_key=True)
    a_id = Column(ForeignKey("a.id"))
Index("by_a", B.a_id)
""",
        3,
    ),
]

BROKEN = [
    ("missing colon in a later class", "\nclass Broken(Base)\n    id = Column(Integer)\n"),
    ("unclosed bracket at the end", "\nclass Open(Base):\n    __tablename__ = 'open'\n    id = Column(Integer,\n"),
    ("bad indentation", "\nclass Bad(Base):\n    __tablename__ = 'bad'\n  id = Column(Integer)\n"),
    ("unterminated triple quote", '\nclass Doc(Base):\n    """never closed\n\nclass After(Base):\n    pass\n'),
    ("crlf line breaks", "\r\nclass Crlf(Base)\r\n    pass\r\n"),
]


def _source_file(tmp_path: Path, text: str) -> SourceFile:
    path = tmp_path / "src" / "database" / "models.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return SourceFile(path, "src/database/models.py", path.read_bytes())


@pytest.mark.parametrize("name, body, statements", SOURCES, ids=[s[0] for s in SOURCES])
def test_chunked_sqlalchemy_facts_equal_one_whole_parse(tmp_path, name, body, statements):
    file = _source_file(tmp_path, HEADER + body)
    facts = extract_file(file)
    assert facts.parsed and not facts.diagnostics
    assert facts == _extract_whole(file.data.decode(), file.rel)


@pytest.mark.parametrize("name, body, statements", SOURCES, ids=[s[0] for s in SOURCES])
def test_the_scan_cuts_before_each_top_level_statement(name, body, statements):
    text = HEADER + body
    chunks = top_level_chunks(text)
    assert "".join(chunks) == text
    # HEADER holds three statements; a cut never splits a statement that libcst needs whole.
    assert len(chunks) == 3 + statements


@pytest.mark.parametrize("name, body", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_syntax_error_anywhere_is_one_sl001_where_python_puts_it(tmp_path, name, body):
    text = HEADER + body
    file = _source_file(tmp_path, text)
    facts = extract_file(file)
    assert not facts.parsed
    assert [d.kind for d in facts.diagnostics] == ["unreadable"]
    try:
        compile(text, "models.py", "exec", dont_inherit=True)
    except SyntaxError as error:
        assert facts.diagnostics[0].location.line == error.lineno
    else:
        pytest.fail("the source should not compile")
    assert facts == _extract_whole(text, file.rel)


def test_crlf_files_are_read_whole_and_alike(tmp_path):
    text = (HEADER + SOURCES[2][1]).replace("\n", "\r\n")
    assert top_level_chunks(text) == [text]
    file = _source_file(tmp_path, text)
    assert extract_file(file) == _extract_whole(text, file.rel)


# --------------------------------------------------------------------------- Django contrib


def test_precomputed_contrib_facts_are_what_extract_makes_of_the_sources():
    from schemalint.read.django.contrib import precomputed_facts_source

    generated = Path(__file__).parents[2] / "schemalint" / "read" / "django" / "contrib_facts.py"
    assert generated.read_text(encoding="utf-8") == precomputed_facts_source(), (
        "contrib.py changed: run `python -m schemalint.read.django.contrib`"
    )


_USER_MODELS = {
    "AUTH_USER_MODEL": """
        from django.conf import settings
        from django.db import models

        class Order(models.Model):
            buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    """,
    "custom user": """
        from django.contrib.auth.models import AbstractUser
        from django.db import models

        class Member(AbstractUser):
            nickname = models.CharField(max_length=20)
    """,
    "contenttypes": """
        from django.contrib.contenttypes.models import ContentType
        from django.db import models

        class Tag(models.Model):
            kind = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    """,
}


@pytest.mark.parametrize("name", list(_USER_MODELS))
def test_linking_models_built_on_contrib_does_not_import_libcst(tmp_path, name):
    """Cached facts linked in a fresh process: the contrib models come precomputed, and the
    tables are the ones the same link makes in this process."""
    from schemalint.config import Config
    from schemalint.read import Project, ReaderSettings
    from schemalint.read.django import READER

    rel = "app_django/apps/shop/models.py"
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(_USER_MODELS[name]).lstrip())
    facts = READER.extract(SourceFile(path, rel, path.read_bytes()), ReaderSettings())
    expected = READER.link([facts], Project(root=tmp_path, config=Config(root=tmp_path), settings=ReaderSettings()))
    assert expected.tables and not [d for d in expected.diagnostics if d.kind == "unreadable"]
    (tmp_path / "facts.pickle").write_bytes(pickle.dumps([facts]))
    script = f"""
import pickle, sys
from pathlib import Path
from schemalint.config import Config
from schemalint.read import Project, ReaderSettings
from schemalint.read.django import READER
root = Path({str(tmp_path)!r})
facts = pickle.loads((root / "facts.pickle").read_bytes())
schema = READER.link(facts, Project(root=root, config=Config(root=root), settings=ReaderSettings()))
sys.stdout.buffer.write(pickle.dumps(("libcst" in sys.modules, schema)))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    imported, schema = pickle.loads(done.stdout)
    assert not imported
    assert schema == expected


def test_linking_sqlalchemy_facts_does_not_import_libcst(tmp_path):
    file = _source_file(tmp_path, HEADER + SOURCES[0][1])
    (tmp_path / "facts.pickle").write_bytes(pickle.dumps([extract_file(file)]))
    script = f"""
import pickle, sys
from pathlib import Path
from schemalint.config import Config
from schemalint.read import Project, ReaderSettings
from schemalint.read.sqlalchemy import READER
root = Path({str(tmp_path)!r})
facts = pickle.loads((root / "facts.pickle").read_bytes())
schema = READER.link(facts, Project(root=root, config=Config(root=root), settings=ReaderSettings()))
assert [t.name for t in schema.tables] == ["stock"], schema.tables
print("libcst" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


DJANGO_SOURCES = {
    "meta, methods and constants": """
from django.db import models

NAME_LEN = 20
CHOICES = [
("a", "A"),
]


class Tag(models.Model):
    name = models.CharField(max_length=NAME_LEN, choices=CHOICES)

    class Meta:
        indexes = [
            models.Index(fields=["name"], name="tag_name"),
        ]

    def __str__(self):
        return self.name
""",
    "tabs and a conditional class": '''
from django.db import models
try:
\tfrom django.db.models import JSONField
except ImportError:
\tJSONField = None


if True:
\tclass Maybe(models.Model):
\t\tdata = JSONField()


@decorate
class Doc(models.Model):
\t"""A docstring
class Fake(models.Model):
\tat column 0."""
\tbody = models.TextField(db_default="""x
""")
''',
    "a syntax error after good statements": """
from django.db import models


class Good(models.Model):
    name = models.CharField(max_length=10)


class Bad(models.Model)
    name = models.CharField(max_length=10)
""",
}


@pytest.mark.parametrize("name", list(DJANGO_SOURCES))
def test_chunked_django_facts_equal_one_whole_parse(tmp_path, name):
    import libcst

    from schemalint.read import ReaderSettings
    from schemalint.read.django import extract as django_extract

    rel = "app_django/apps/shop/models.py"
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    text = DJANGO_SOURCES[name].lstrip("\n")
    path.write_text(text)
    facts = django_extract.extract(SourceFile(path, rel, path.read_bytes()), ReaderSettings())
    try:
        tree = libcst.parse_module(text)
    except libcst.ParserSyntaxError:
        assert [d.kind for d in facts.diagnostics] == ["unreadable"]
        assert facts.diagnostics[0].location.line == 8  # the `class Bad(...)` line, not the next
        return
    finder = django_extract.LineFinder(text, tree.default_indent)
    assert facts == django_extract._module_facts(
        [tree], finder, rel, "app_django.apps.shop", "app_django.apps.shop.models"
    )
    assert len(top_level_chunks(text)) > 2
