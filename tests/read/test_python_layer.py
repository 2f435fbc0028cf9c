"""The static-Python layer (schemalint/read/python): the module resolver (project modules,
then installed packages in the project's virtualenv; `django.*` always installed Django), the
evaluator and its one notion of "unresolved", the line finder and the syntax-error path.

Expected values are what CPython gives when it runs the same code (`_run` executes the
modules for real, in a subprocess-free sandbox of plain modules), so the evaluator is
checked against the language, not against our idea of it."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.read import Project, ReaderSettings
from schemalint.read.python import Unresolved
from schemalint.read.python.evaluate import MISSING, Evaluator
from schemalint.read.python.lines import LineFinder, declaration
from schemalint.read.python.modules import ModuleResolver, site_folders
from schemalint.read.python.syntax import syntax_diagnostic

SITE = ".venv/lib/python3.12/site-packages"
VENV_CFG = "home = /usr/bin\nversion = 3.12.3\n"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def project(root: Path, files: dict[str, str], **config) -> Project:
    write(root, files)
    cfg = Config(root=root.resolve(), **config)
    return Project(root=cfg.root, config=cfg, settings=ReaderSettings.from_config(cfg))


class FakeSettings:
    """Stands in for a reader's namespace object (Django's settings)."""

    def __init__(self, **values):
        self.values = values

    def attribute(self, name):
        return self.values.get(name, MISSING)


def evaluate(root: Path, files: dict[str, str], dotted: str, **settings):
    proj = project(root, files)
    evaluator = Evaluator(ModuleResolver(proj), {"django.conf.settings": FakeSettings(**settings)})
    module_name, _, name = dotted.rpartition(".")
    module = evaluator.module(module_name)
    assert module is not None
    return evaluator.name(module, name)


def run(root: Path, dotted: str, **settings):
    """What CPython computes for the same name, with `django.conf.settings` faked."""
    import types

    fake_conf = types.ModuleType("django.conf")
    fake_conf.settings = types.SimpleNamespace(**settings)
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] in ("pkg", "django")}
    for key in saved:
        del sys.modules[key]
    sys.modules["django.conf"] = fake_conf
    sys.path.insert(0, str(root))
    try:
        module_name, _, name = dotted.rpartition(".")
        module = __import__(module_name, fromlist=[name])
        value = getattr(module, name)
        return list(value) if isinstance(value, list) else value
    finally:
        sys.path.remove(str(root))
        for key in [k for k in sys.modules if k.split(".")[0] in ("pkg", "django")]:
            del sys.modules[key]
        sys.modules.update(saved)


CONF = """
from django.conf import settings

DEFAULTS = {"PAGE_SIZE": 20, "CODE_LENGTH": 12}


class APISettings:
    def __init__(self, user_settings=None, defaults=None):
        self._user = user_settings
        self.defaults = defaults or DEFAULTS

    @property
    def user_settings(self):
        if self._user is None:
            self._user = getattr(settings, "PKG_API", {})
        return self._user

    def __getattr__(self, attr):
        if attr not in self.defaults:
            raise AttributeError(attr)
        try:
            return self.user_settings[attr]
        except KeyError:
            return self.defaults[attr]


api_settings = APISettings(None, DEFAULTS)


class AppSettings:
    def __init__(self, prefix):
        self.prefix = prefix

    def _setting(self, name, default):
        from django.conf import settings

        return getattr(settings, self.prefix + name, default)

    @property
    def LITERAL(self):
        return 64

    @property
    def NAME_LENGTH(self):
        return self._setting("NAME_LENGTH", 150)

    def length(self):
        "A method whose single return reads a setting."
        return self._setting("LENGTH", 30)


app_settings = AppSettings("PKG_")


def code_length():
    return getattr(settings, "PKG_CODE", 8)


class Limits:
    BASE = 10

    @classmethod
    def doubled(cls):
        return cls.BASE * 2

    @staticmethod
    def fixed():
        return getattr(settings, "PKG_FIXED", 7)
"""

VALUES = """
from pkg.conf import Limits, api_settings, app_settings, code_length
from django.conf import settings

FROM_DEFAULTS = api_settings.PAGE_SIZE
FROM_USER_DICT = api_settings.CODE_LENGTH
PROPERTY_LITERAL = app_settings.LITERAL
PROPERTY_SETTING = app_settings.NAME_LENGTH
METHOD = app_settings.length()
FUNCTION = code_length()
INLINE = getattr(settings, "PKG_INLINE", 255)
OR_DEFAULT = getattr(settings, "PKG_AUTO", None) or "django.db.models.AutoField"
ARITHMETIC = (INLINE - 5) * 2 // 3
FSTRING = f"{INLINE}-{FUNCTION}"
CONDITIONAL = "big" if INLINE > 100 else "small"
LISTED = [*[1, 2], INLINE]
LOOKUP = {"a": 1, **{"b": 2}}.get("b", 0)
SUBSCRIPT = {"k": (1, 2)}["k"][1]
CLASSMETHOD = Limits.doubled()
STATICMETHOD = Limits().fixed()
INSTALLED = "pkg" in getattr(settings, "PKG_APPS", ["pkg", "other"])
NOT_INSTALLED = "pkg.extra" not in getattr(settings, "PKG_APPS", ["pkg"])
CHAINED = 1 < INLINE <= 255 != 7
IS_NONE = getattr(settings, "PKG_AUTO", None) is None
FORMAT_KEYWORDS = "{app}.{model}".format(app="shop", model=str(INLINE))
FORMAT_POSITIONAL = "{}_{}_MODEL".format("shop".upper(), "Page".upper())
BRANCHED = "unset"
if INLINE > 100:
    BRANCHED = "big"
elif INLINE > 10:
    BRANCHED = "medium"
else:
    BRANCHED = "small"
"""

NAMES = [
    "FROM_DEFAULTS",
    "FROM_USER_DICT",
    "PROPERTY_LITERAL",
    "PROPERTY_SETTING",
    "METHOD",
    "FUNCTION",
    "INLINE",
    "OR_DEFAULT",
    "ARITHMETIC",
    "FSTRING",
    "LISTED",
    "LOOKUP",
    "SUBSCRIPT",
    "CLASSMETHOD",
    "STATICMETHOD",
    "INSTALLED",
    "NOT_INSTALLED",
    "CHAINED",
    "IS_NONE",
    "FORMAT_KEYWORDS",
    "FORMAT_POSITIONAL",
    "BRANCHED",
]
SETTINGS_CASES = [
    pytest.param({}, id="no-settings"),
    pytest.param(
        {
            "PKG_API": {"CODE_LENGTH": 40},
            "PKG_NAME_LENGTH": 99,
            "PKG_LENGTH": 7,
            "PKG_CODE": 3,
            "PKG_INLINE": 50,
            "PKG_FIXED": 70,
            "PKG_AUTO": "django.db.models.BigAutoField",
            "PKG_APPS": ["pkg.extra", "other"],
        },
        id="every-setting-set",
    ),
]


@pytest.mark.parametrize("settings", SETTINGS_CASES)
@pytest.mark.parametrize("name", NAMES)
def test_evaluator_agrees_with_cpython(tmp_path, name, settings):
    files = {"pkg/__init__.py": "", "pkg/conf.py": CONF, "pkg/values.py": VALUES}
    expected = run(_written(tmp_path / "run", files), f"pkg.values.{name}", **settings)
    assert evaluate(tmp_path / "static", files, f"pkg.values.{name}", **settings) == expected


def _written(root: Path, files: dict[str, str]) -> Path:
    write(root, files)
    return root


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("import os\nX = os.environ.get('X', 5)\n", "os.environ"),
        ("import random\nX = random.randint(1, 9)\n", "random.randint"),
        ("X = 1\nif DEBUG:\n    X = 2\n", "X (assigned under `if`)"),
        ("if 1 > 2:\n    X = 2\n", "X"),
        ("X = [1]\nX += [2]\n", "X (changed by `X += [2]`)"),
        ("def f():\n    if True:\n        return 1\nX = f()\n", "f()"),
        ("from django.conf import settings\nX = settings.NOT_SET\n", "settings.NOT_SET"),
        ("from django.conf import settings\nX = getattr(settings, 'NOT_SET')\n", "getattr(settings, 'NOT_SET')"),
        ("X = Y\n", "Y"),
        ("X = 'a' - 1\n", "'a' - 1"),
        ("X = X\n", "X"),
        ("X = 10 ** 10 ** 10\n", "10 ** 10 ** 10"),
        ("X = 'x' * 10 ** 9\n", "'x' * 10 ** 9"),
        ("X = {[1]: 2}\n", "{[1]: 2}"),
        ("X = 1 / 0\n", "1 / 0"),
        ("def f(a):\n    return a\nX = f()\n", "f()"),
        ("class C:\n    @property\n    def p(self):\n        return self.p\nX = C().p\n", "p"),
        ("class C:\n    pass\nX = C() == C()\n", "C() == C()"),
        ("X = 1 < 'a'\n", "1 < 'a'"),
        ("X = 1 is 1\n", "1 is 1"),
        ("X = '{0.real}'.format(1)\n", "'{0.real}'.format(1)"),
        ("X = '{a}'.format(b=1)\n", "'{a}'.format(b=1)"),
    ],
)
def test_what_cannot_be_known_is_unresolved_with_its_text(tmp_path, source, text):
    with pytest.raises(Unresolved) as caught:
        evaluate(tmp_path, {"pkg/__init__.py": "", "pkg/values.py": source}, "pkg.values.X")
    assert text in caught.value.text


def test_star_imports_and_try_imports_follow_python(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/settings/__init__.py": "from .base import *\nOVERRIDDEN = 'settings'\ntry:\n    from .local import *\nexcept ImportError:\n    pass\n",
        "pkg/settings/base.py": "OVERRIDDEN = 'base'\nFROM_BASE = 'base'\nLOCAL = 'not local'\n",
    }
    assert evaluate(tmp_path, files, "pkg.settings.FROM_BASE") == "base"
    assert evaluate(tmp_path, files, "pkg.settings.OVERRIDDEN") == "settings"
    assert evaluate(tmp_path, files, "pkg.settings.LOCAL") == "not local"
    write(tmp_path, {"pkg/settings/local.py": "LOCAL = 'local'\n"})
    assert evaluate(tmp_path, {}, "pkg.settings.LOCAL") == "local"


# --------------------------------------------------------------------------- modules


@pytest.mark.parametrize(
    ("files", "config", "dotted", "expected"),
    [
        ({"app/util.py": ""}, {}, "app.util", "app/util.py"),
        (
            {f"{SITE}/thirdparty/models.py": "", ".venv/pyvenv.cfg": VENV_CFG},
            {},
            "thirdparty.models",
            f"{SITE}/thirdparty/models.py",
        ),
        (
            {"venv/Lib/site-packages/thirdparty/__init__.py": "", "venv/pyvenv.cfg": "version_info = 3.11.2\n"},
            {},
            "thirdparty",
            "venv/Lib/site-packages/thirdparty/__init__.py",
        ),
        (
            {"deps/thirdparty.py": "", f"{SITE}/thirdparty.py": "", ".venv/pyvenv.cfg": VENV_CFG},
            {"python_path": ("deps",)},
            "thirdparty",
            "deps/thirdparty.py",
        ),
        # A project module wins over an installed one of the same name, as on sys.path ...
        (
            {"thirdparty/__init__.py": "", f"{SITE}/thirdparty/__init__.py": "", ".venv/pyvenv.cfg": VENV_CFG},
            {},
            "thirdparty",
            "thirdparty/__init__.py",
        ),
        # ... but `django` is always installed Django, never a folder in the project.
        (
            {
                "django/db/models/__init__.py": "",
                f"{SITE}/django/db/models/__init__.py": "",
                ".venv/pyvenv.cfg": VENV_CFG,
            },
            {},
            "django.db.models",
            f"{SITE}/django/db/models/__init__.py",
        ),
        ({"django/db/models/__init__.py": ""}, {}, "django.db.models", None),
        ({f"{SITE}/thirdparty.py": ""}, {}, "thirdparty", None),  # no pyvenv.cfg: not a virtualenv
        ({}, {}, "not a module", None),
    ],
)
def test_module_resolver(tmp_path, monkeypatch, files, config, dotted, expected):
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    found = ModuleResolver(project(tmp_path, files, **config)).find(dotted)
    path = None if found is None else found.path
    if path is not None and Path(path).is_absolute():
        path = Path(path).relative_to(tmp_path.resolve()).as_posix()
    assert path == expected


def test_virtual_env_is_the_last_resort(tmp_path, monkeypatch):
    active = tmp_path / "elsewhere"
    write(active, {"pyvenv.cfg": VENV_CFG})
    monkeypatch.setenv("VIRTUAL_ENV", str(active))
    assert site_folders(project(tmp_path / "proj", {"x.py": ""}))[0] == f"{active}/lib/python3.12/site-packages"
    local = project(tmp_path / "proj", {".venv/pyvenv.cfg": VENV_CFG})
    assert site_folders(local)[0] == f"{tmp_path.resolve()}/proj/{SITE}"


def test_every_answer_is_read_through_the_project(tmp_path, monkeypatch):
    """What the link cache records (cache.RecordingProject): the pyvenv.cfg that chose the
    virtualenv, each installed file read and each candidate that was missing."""
    from schemalint.cache import RecordingProject

    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    write(tmp_path, {".venv/pyvenv.cfg": VENV_CFG, f"{SITE}/thirdparty/models.py": "X = 1\n"})
    cfg = Config(root=tmp_path.resolve())
    recording = RecordingProject(root=cfg.root, config=cfg, settings=ReaderSettings.from_config(cfg))
    resolver = ModuleResolver(recording)
    assert resolver.find("thirdparty.models") is not None and resolver.find("thirdparty.later") is None
    root = tmp_path.resolve()
    assert recording.reads[f"{root}/.venv/pyvenv.cfg"] is not None
    assert recording.reads[f"{root}/{SITE}/thirdparty/models.py"] is not None
    assert recording.reads[f"{root}/{SITE}/thirdparty/later.py"] is None  # installing it later relinks


# --------------------------------------------------------------------------- lines and syntax


def test_line_finder_finds_declarations_in_order():
    text = "class A:\n    x = 1\n    y: int = 2\n    x == 3\nclass B:\n    x = 4\n"
    finder = LineFinder(text)
    assert finder.find(declaration("A")) == (1, 1)
    assert finder.find(declaration("y")) == (3, 5)
    assert finder.find(declaration("x"), 2) == (6, 5)  # `x == 3` is no assignment
    assert finder.find(declaration("missing"), 3) == (4, 1)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("class A(models.Model)\n    x = 1\n", 1, "expected ':'"),
        ("x = (1,\n", 1, "was never closed"),
        ("def f():\nreturn 1\n", 2, "expected an indented block"),
    ],
)
def test_syntax_diagnostic_is_placed_where_python_places_it(text, line, message):
    import libcst

    with pytest.raises(libcst.ParserSyntaxError) as caught:
        libcst.parse_module(text)
    diagnostic = syntax_diagnostic("m.py", text, caught.value)
    assert (diagnostic.kind, diagnostic.location.line) == ("unreadable", line)
    assert message in diagnostic.message


# `Head` (lines.py) against the pattern it stands for, on lines that probe each part: the lead
# (any whitespace, Unicode too, or an exact indentation), the prefix (`async`, `class`/`def`),
# the name's end (`\b` with a combining mark, a longer name) and the tail.
_HEAD_LINES = [
    "name = 1",
    "    name = 1",
    "\tname: int = 1",
    "\u00a0 name=2",
    "    name == 1",
    "    name,",
    "    namex = 1",
    "    name\u0301 = 1",
    "    nam = 1",
    "class Name(Base):",
    "  class  Name:",
    "class Namex:",
    "class Name\u0301:",
    "async  def name(self):",
    "    def name():",
    "    def  names():",
    "    async def name",
    "def\tname",
    "    # name = 1",
    "",
    "        name = models.CharField(",
]


@pytest.mark.parametrize("indent", [None, "", "    "])
@pytest.mark.parametrize(
    "prefix, tail",
    [
        (None, r"\s*(:|=(?!=)|,)"),
        (r"class\s+", r"\b"),
        (r"(async\s+)?(class|def)\s+", r"\b"),
        (r"(?:async\s+)?def\s+", r"\b"),
        (None, r"\s*[:=,]"),
    ],
)
@pytest.mark.parametrize("name", ["name", "Name", "nam"])
def test_head_matches_what_its_pattern_matches(indent, prefix, tail, name) -> None:
    import re

    from schemalint.read.python.lines import Head

    lead = re.escape(indent) if indent is not None else r"\s*"
    pattern = re.compile(rf"^({lead}){prefix or ''}{re.escape(name)}{tail}")
    head = Head(name, indent, re.compile(prefix) if prefix else None, re.compile(tail))
    for line in _HEAD_LINES:
        expected, found = pattern.match(line), head.match(line)
        assert (found is None) is (expected is None), line
        if expected is not None and found is not None:
            assert found.group(1) == expected.group(1), line
