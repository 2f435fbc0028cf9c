"""The migrations reader's positions, found by scanning the text (read/migrations/positions.py),
are libcst PositionProvider's, line and column, on every migration file the tests can reach and
on generated odd layouts: the facts `extract` returns with the scan are the facts it returns
with the scan turned off (PositionProvider for every file), byte for byte. Where the scan cannot
vouch it returns None; the layouts makemigrations and people write must not need that."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.read import ReaderSettings, SourceFile
from schemalint.read.migrations import extract as extract_module
from schemalint.read.migrations import positions as positions_module
from schemalint.read.migrations.positions import Lines, class_position, element_positions

REPO = Path(__file__).resolve().parent.parent.parent


def both(text: str, rel: str = "app/migrations/0001_initial.py") -> tuple[object, object, bool]:
    """(facts with the scan, facts with PositionProvider only, whether the scan vouched)."""
    file = SourceFile(Path(rel), rel, text.encode())
    vouched: list[bool] = []
    scan = extract_module.positions

    def watched(*args):
        found = scan(*args)
        vouched.append(found is not None)
        return found

    try:
        extract_module.positions = watched  # type: ignore[assignment]
        fast = extract_module.extract(file, ReaderSettings())
        extract_module.positions = lambda *args: None  # type: ignore[assignment]
        exact = extract_module.extract(file, ReaderSettings())
    finally:
        extract_module.positions = scan  # type: ignore[assignment]
    return fast, exact, all(vouched) and bool(vouched)


def assert_same(text: str, rel: str = "app/migrations/0001_initial.py", *, a_migration: bool = True) -> bool:
    """The facts are the same with and without the scan; whether the scan vouched. A case
    written as a migration must be read as one (not two equal SL001s for a typo)."""
    fast, exact, vouched = both(text, rel)
    assert pickle.dumps(fast) == pickle.dumps(exact), (fast, exact)
    if a_migration:
        assert fast.found and not fast.diagnostics, fast  # type: ignore[attr-defined]
    return vouched


HEAD = "from django.db import connection, migrations, models\n\n\n"


@pytest.mark.parametrize(
    "body",
    [
        # makemigrations' own layout
        "    dependencies = [('a', '0001')]\n\n    operations = [\n        migrations.AddField(\n"
        "            model_name='m',\n            name='f',\n            field=models.IntegerField(),\n        ),\n    ]\n",
        # all on one line, non-ASCII strings before the second element (columns are characters)
        "    operations = [migrations.AddField('日本', 'é', models.TextField(default='ü')), migrations.DeleteModel('x')]\n",
        # comments holding brackets, commas and quotes; a string holding `operations = [`
        "    note = 'operations = [1, 2]'\n    operations = [  # (first, 'x\n        # ], [\n"
        '        migrations.RunSQL(\'select 1; -- ]\'),  # ),\n        migrations.RunSQL("""\n]\n)"""),\n    ]\n',
        # parenthesised elements and list, nested lists, backslash continuation
        "    operations = ([\n        (migrations.CreateModel('a', [('id', models.AutoField())])),\n"
        "        ((\n  migrations.DeleteModel('b'))),\n        migrations.AlterField(\\\n'c', 'd', models.F())\n    ])\n",
        # a tuple, an annotation, no trailing comma, a statement before on the same line
        "    dependencies = []; operations: tuple = (migrations.DeleteModel('a'), migrations.DeleteModel('b'))\n",
        # an unbracketed tuple; elements that are not calls
        "    operations = migrations.DeleteModel('a'), OPS[0], 'x', 3\n",
        # the values the operations name (`state_operations`), tabs for indentation
        "\tstate_operations = [migrations.DeleteModel('a')]\n\toperations = [\n\t\tmigrations.SeparateDatabaseAndState("
        "state_operations=state_operations),\n\t]\n",
        # an empty list
        "    operations = []\n",
        # an f-string and a string prefix
        "    operations = [migrations.RunSQL(rb'\\'', f\"{x['a']}\"), migrations.RunSQL(u'[')]\n",
        # RunPython and RunSQL as people write them (a function above the class, holding an
        # `operations` and brackets); keyword arguments, `noop`, reverse SQL holding brackets
        "    operations = [\n        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),\n"
        "        migrations.RunPython(code=vorwärts, reverse_code=rückwärts),\n"
        "        migrations.RunSQL(\n            sql=[('INSERT INTO t VALUES (%s)', ['(', ']'])],\n"
        "            reverse_sql=\"DELETE FROM t WHERE x IN ('[', ')')\",\n        ),\n    ]\n",
        # multiline strings: triple quotes of both kinds, escaped quotes, a string continued by a backslash
        "    operations = [\n        migrations.RunSQL('''\n            CREATE INDEX \"i\" ON t ((a[1]));\n"
        '            -- it\'s \'\' ), ] (\n        \'\'\', """\n  ) \\""" ]\n        """),\n'
        '        migrations.RunSQL(\'a\\\n  ]\'),\n        migrations.RunSQL("""x"""),\n    ]\n',
        # unicode identifiers, characters outside the BMP (one column each, as libcst counts)
        "    état = [migrations.DeleteModel('𝔘')]\n    operations = ['🐍🐍', opé[0], 𝔣𝔬𝔬.Bar('𝔘𝔘'), "
        "migrations.SeparateDatabaseAndState(état)]\n",
        # characters str.splitlines breaks at and Python (and libcst) do not: form feed, U+2028, U+0085
        "    # a comment with \u2028 and \x85 in it\n\x0c\n    operations = ['\u2028', \x0c migrations.DeleteModel('\x85'),\n"
        "        migrations.DeleteModel('b')]\n",
        # backslash continuations before the list and between its elements; `operations` compared
        # after it is assigned (not a second assignment)
        "    operations = \\\n    [migrations.DeleteModel('a'), \\\n        migrations.DeleteModel('b')]\n"
        "    empty = operations == [] or operations != []\n",
        # nested calls, an argument a line, dict and set literals
        "    operations = [\n        migrations.CreateModel(\n            name='m',\n            fields=[\n"
        "                ('id', models.BigAutoField(auto_created=True, primary_key=True)),\n"
        "                ('f', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.USER)),\n"
        "            ],\n            options={'ordering': ['-id'], 'unique_together': {('a', 'b')}},\n"
        "            bases=(models.Model, mixins.M),\n        ),\n    ]\n",
    ],
)
def test_the_scan_finds_libcst_positions(body):
    above = "def forwards(apps, schema_editor):\n    operations = [(\n    )]\n\n\n" if "forwards" in body else ""
    for newline in ("\n", "\r\n", "\r"):
        text = (HEAD + above + "@decorated\nclass Migration(migrations.Migration):\n" + body).replace("\n", newline)
        assert assert_same(text), "the scan did not vouch for a layout it must read"


BODY = "    dependencies = []\n\n    operations = [\n        migrations.DeleteModel('a'),\n    ]\n"


@pytest.mark.parametrize(
    "header",
    [
        "class Migration(migrations.Migration):",
        "class Migration(Migration):",
        "class Migration(django.db.migrations.Migration):",
        "class Migration(migrations.Migration, metaclass=Meta):",
        "class Migration (migrations.Migration) :  # class Migration",
        "class\tMigration(\n    migrations.Migration,\n):",
        "class Migration(migrations.Migration,  # (\n                ):",
        "class Migration:",
        "@decorator\n@decorated(with_args=[1, 2])\n@(lambda cls: cls)\nclass Migration(migrations.Migration):",
        "@decorator  # class Migration\n\n# between\nclass Migration(migrations.Migration):",
    ],
)
def test_decorators_and_base_spellings(header):
    for newline in ("\n", "\r\n"):
        text = (HEAD + header + "\n" + BODY).replace("\n", newline)
        assert assert_same(text), "the scan did not vouch for a class header it must read"


def test_a_byte_order_mark_and_a_class_on_the_first_line():
    """decode() drops a BOM, as Python does: the `class` keyword on line 1 is column 1."""
    text = "\ufeffclass Migration(Migration):\n    operations = [DeleteModel('a')]\n"
    fast, exact, vouched = both(text)
    assert pickle.dumps(fast) == pickle.dumps(exact) and vouched
    assert (fast.line, fast.col, fast.operations[0].line, fast.operations[0].col) == (1, 1, 2, 19)


@pytest.mark.parametrize(
    "body",
    [
        # concatenations: unknown to the reader (no operations), the class position still right
        "    operations = [migrations.DeleteModel('a')] + [migrations.DeleteModel('b')]\n",
        "    operations = BASE + [\n        migrations.DeleteModel('b')]\n",
        "    operations = [*BASE, migrations.DeleteModel('b')]\n",
        "    operations = list(BASE)\n",
        # a list added to afterwards: the first list's elements, where they are
        "    operations = [\n        migrations.DeleteModel('a'),\n    ]\n    operations += [migrations.DeleteModel('b')]\n",
        "    operations = [migrations.DeleteModel('a')]\n    operations.extend([migrations.DeleteModel('b')])\n",
        "    operations = [migrations.DeleteModel('a')]\n\n\nMigration.operations += [migrations.DeleteModel('b')]\n",
        "    operations = [migrations.DeleteModel('a')]\n\n\nMigration.operations = [migrations.DeleteModel('b')]\n",
        # chained assignments; an annotation without a value beside the assignment
        "    operations = ops = [migrations.DeleteModel('a'), migrations.DeleteModel('b')]\n",
        "    ops = operations = (\n        migrations.DeleteModel('a'),)\n",
        "    operations: list\n    operations = [migrations.DeleteModel('a')]\n",
        # a list target between: the value is after the last `=` (its elements' first tokens alike)
        "    operations = [migrations, x] = [migrations.A(), x.B()]\n",
        "    operations = ([migrations, x]) = ([migrations.A(), x.B()])\n",
        "    operations = (migrations, x) = (\n        migrations.A(), x.B())\n",
        # `operations` as a keyword argument, a dict key and an attribute before the assignment
        "    x = f(operations=[1]); y = {'operations': 2}; self.operations = 3\n"
        "    operations = [migrations.DeleteModel('a')]\n",
        # a nested class or a method in the body
        "    class Inner:\n        operations = [1]\n\n    operations = [migrations.DeleteModel('a')]\n",
        "    def f(self):\n        return [(\n        )]\n\n    operations = [migrations.DeleteModel('a')]\n",
        # a module-level `operations` after the class
        "    operations = [migrations.DeleteModel('a')]\n\n\noperations = [migrations.DeleteModel('b')]\n",
    ],
)
def test_concatenations_and_other_assignments_are_declined_or_right(body):
    for newline in ("\n", "\r\n"):
        text = (HEAD + "class Migration(migrations.Migration):\n" + body).replace("\n", newline)
        assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        # a vendor branch: two `operations` assignments
        HEAD + "class Migration(migrations.Migration):\n    if connection.vendor == 'postgresql':\n"
        "        operations = [migrations.DeleteModel('a')]\n    else:\n        operations = [\n"
        "            migrations.DeleteModel('b')]\n",
        # `class Migration` at column 0 inside a string above the class
        HEAD + '"""\nclass Migration:\n"""\n\n\nclass Migration(migrations.Migration):\n'
        "    operations = [migrations.DeleteModel('a')]\n",
        # an `operations =` after the class
        HEAD + "class Migration(migrations.Migration):\n    operations = [migrations.DeleteModel('a')]\n\n\n"
        "def f():\n    operations = [migrations.DeleteModel('b')]\n",
        # the keyword and the name split by a backslash
        HEAD + "class \\\nMigration(migrations.Migration):\n    operations = [migrations.DeleteModel('a')]\n",
        # two assignments in one class
        HEAD + "class Migration(migrations.Migration):\n    operations = [migrations.DeleteModel('a')]\n"
        "    operations = [\n        migrations.DeleteModel('b')]\n",
        # Python 3.12's f-strings, the same quote inside the braces: the regex misreads them, the
        # tree's checks refuse what it read (an unbalanced bracket, a comma too many)
        HEAD + 'class Migration(migrations.Migration):\n    operations = [migrations.RunSQL(f"{d["]"]}")]\n',
        HEAD + 'class Migration(migrations.Migration):\n    operations = (migrations.RunSQL(f"{d["]"]}"), m.B())\n',
        HEAD + 'class Migration(migrations.Migration):\n    operations = [f"{d[", "]}", migrations.B()]\n',
        # the only `operations =` in the text is in a string or a comment (the assignment is parenthesised)
        HEAD + "class Migration(migrations.Migration):\n    '''operations = [migrations.DeleteModel(\"a\")]'''\n"
        "    (operations) = [migrations.DeleteModel('a')]\n",
        HEAD + "class Migration(migrations.Migration):\n    # operations = [migrations.DeleteModel('a')]\n"
        "    (operations) = [migrations.DeleteModel('a')]\n",
        # an element whose first token the check does not know
        HEAD
        + "class Migration(migrations.Migration):\n    operations = [-x, lambda: 1, migrations.DeleteModel('b')]\n",
    ],
)
def test_what_the_scan_cannot_vouch_for_gets_libcst_positions(text):
    assert not assert_same(text)


def test_a_scan_that_disagrees_with_the_tree_is_refused():
    """The checks are what makes the scan safe: an element count, a first token or a separator
    that differs from the tree's is None, not a guess."""
    text = HEAD + "class Migration(migrations.Migration):\n    operations = [migrations.A(), migrations.B()]\n"
    tree = cst.parse_module(text)
    node = next(s for s in tree.body if isinstance(s, cst.ClassDef))
    start = class_position(text, node)
    assert start is not None and Lines(text).at(start) == (4, 1)
    value = cst.ensure_type(cst.ensure_type(node.body.body[0], cst.SimpleStatementLine).body[0], cst.Assign).value
    assert isinstance(value, cst.List)
    found = element_positions(text, start, value)
    assert found is not None and [Lines(text).at(o) for o in found] == [(5, 19), (5, 35)]
    for other in (
        "[migrations.A()]",
        "[migrations.A(), migrations.B(), migrations.C()]",
        "[migrations.A(), other.B()]",
    ):
        differing = text.replace("[migrations.A(), migrations.B()]", other)
        assert element_positions(differing, start, value) is None, other
    starred = cst.ensure_type(cst.parse_expression("[*migrations.A(), migrations.B()]"), cst.List)
    assert element_positions(text, start, starred) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("operations = [1]\n", 10),
        ("operations : list = [1]\n", 10),
        ("x = f(operations=[1])\n", None),  # the only `operations =`, in brackets
        ("x = {operations: 1}\n", None),
        ("x = 'operations = [1]'\n", None),  # in a string
        ("x = '''\noperations = [1]'''\n", None),
        ("# operations = [1]\n", None),
        ("x = f(operations=[1])\noperations = [2]\n", 32),  # several: the token scan
        ("operations = [1]\noperations = [2]\n", None),
    ],
)
def test_the_one_assignment(text, expected):
    assert positions_module._the_assignment(text, 0) == expected


@pytest.mark.parametrize(
    ("text", "assigns"),
    [
        ("operations = [a]\nx = 1\n", False),
        ("operations = ([a])\n", False),
        ("operations = ((\n    [a]\n))\n", False),
        ("operations = ((a,))\n", False),
        ("operations = [a] = [b]\n", True),
        ("operations = ([a]) = [b]\n", True),
        ("operations = [a]; x = 1\n", False),
    ],
)
def test_what_follows_the_value(text, assigns):
    """After a bracketed value's closing bracket, only an `=` of its own statement means the
    value was a target (the parentheses around it are still open: their newlines do not end it)."""
    statement = cst.ensure_type(cst.parse_module(text).body[0], cst.SimpleStatementLine)
    value = cst.ensure_type(statement.body[0], cst.Assign).value
    assert isinstance(value, (cst.List, cst.Tuple))
    closer = text.index("]" if isinstance(value, cst.List) else ",)") + (0 if isinstance(value, cst.List) else 1)
    assert positions_module._assigns(text, closer, value) is assigns


# ---------------------------------------------------------------------------- generated layouts

_STRINGS = st.text(alphabet=st.sampled_from("ab é日本\"'#[](),\\\t=:;"), max_size=6)
_SPACE = st.sampled_from(["", " ", "  ", "\t"])
_COMMENT = st.sampled_from(["", "  # ]", "  # é, ( [", "  # 'unclosed", "  # operations = ["])


@st.composite
def _call(draw, depth: int = 0) -> str:
    name = draw(st.sampled_from(["migrations.AddField", "migrations.RunSQL", "models.CharField", "X.y.Z"]))
    args = [
        repr(draw(_STRINGS)) if draw(st.booleans()) else str(draw(st.integers(-5, 500)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    for keyword in draw(st.lists(st.sampled_from(["name", "fields", "field"]), unique=True, max_size=3)):
        if keyword == "name" or depth >= 2:
            args.append(f"{keyword}={draw(_STRINGS)!r}")
        elif keyword == "fields":
            pairs = (f"({draw(_STRINGS)!r}, {draw(_call(depth + 1))})" for _ in range(draw(st.integers(0, 2))))
            args.append("fields=[" + ", ".join(pairs) + "]")
        else:
            args.append(f"field={draw(_call(depth + 1))}")
    separator = draw(st.sampled_from([", ", ",\n            ", ",  # ,)\n  ", ", \\\n"]))
    return f"{name}({separator.join(args)})"


@st.composite
def _element(draw) -> str:
    call = draw(_call())
    wrap = draw(st.integers(0, 4))
    if wrap == 1:
        return f"({draw(_SPACE)}{call}{draw(_SPACE)})"
    if wrap == 2:
        return f"(  # (\n  ({call}))"
    if wrap == 3:
        return draw(st.sampled_from(["OPS[0]", "op", "'x'", "3", "(op)"]))
    return call


@st.composite
def _migration(draw) -> str:
    elements = draw(st.lists(_element(), max_size=4))
    between = draw(st.sampled_from([", ", ",\n        ", ",  # é\n        ", ",\n\n        # ]\n        "]))
    inner = between.join(elements) + (draw(st.sampled_from(["", ",", ",  # x\n    "])) if elements else "")
    opening = draw(st.sampled_from(["[", "[\n        ", "[  # [ é\n        ", "(", "(\n    "]))
    closing = {"[": "]", "(": ")"}[opening[0]]
    value = f"{opening}{inner}{draw(st.sampled_from(['', chr(10) + '    ']))}{closing}"
    if opening[0] == "(" and len(elements) == 1 and not inner.rstrip().endswith(",") and "#" not in inner:
        value = f"({elements[0]},)"  # a one-element tuple, not a parenthesised element
    if draw(st.booleans()):
        value = f"({value})"
    target = draw(st.sampled_from(["operations = ", "operations: list = ", "operations=", "operations \\\n  = "]))
    before = draw(st.sampled_from(["", "    dependencies = [('app', '0001_é')]\n", "    text = 'operations = [1]'\n"]))
    docstring = draw(st.sampled_from(["", '    """class Migration:\n    operations = [\n    """\n']))
    above = draw(st.sampled_from(["", "# class Migration\n", "X = '''\nclass Migration:\n'''\n", "@deco\n"]))
    after = draw(st.sampled_from(["", "\n\nMigration.operations += []\n", "\n\ndef f():\n    operations = [g()]\n"]))
    comment = draw(_COMMENT)
    text = (
        f"{HEAD}{above}class Migration(migrations.Migration):{comment}\n{docstring}{before}    {target}{value}\n{after}"
    )
    return text.replace("\n", draw(st.sampled_from(["\n", "\r\n"])))


def _check_generated(text: str) -> None:
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:  # a combination that is not Python (kept rare by the generator)
        return
    assert_same(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_migration())
def test_generated_layouts(text):
    _check_generated(text)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_migration())
def test_many_generated_layouts(text):
    _check_generated(text)


# ---------------------------------------------------------------------------- files on disk


def _files(*roots: Path) -> list[Path]:
    return sorted(
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("migrations/*.py")
        if path.name != "__init__.py" and not path.name.startswith("test_")
    )


def _check_files(files: list[Path]) -> tuple[int, int]:
    vouched = 0
    for path in files:
        data = path.read_bytes()
        try:
            text = data.decode()
        except UnicodeDecodeError:
            continue
        vouched += assert_same(text, path.name, a_migration=False)
    return vouched, len(files)


def test_the_fixture_projects_migrations():
    """fixtures/bifrost's and bifrost-drifted's migrations (makemigrations' and hand-edited)."""
    vouched, count = _check_files(_files(REPO / "fixtures"))
    assert count >= 8
    assert vouched == count


def test_djangos_own_migrations():
    django = pytest.importorskip("django")
    vouched, count = _check_files(_files(Path(django.__file__).parent / "contrib"))
    assert count > 20
    assert vouched == count


@pytest.mark.slow
def test_migration_files_of_the_tests_and_the_benchmark():
    """Every migration file under tests/ (the bench projects when generated, the corpora's
    migrations when a differential run left them) and any folder in
    SCHEMALINT_MIGRATION_CORPUS (`:`-separated)."""
    extra = [Path(p) for p in os.environ.get("SCHEMALINT_MIGRATION_CORPUS", "").split(os.pathsep) if p]
    files = _files(REPO / "tests", *extra)
    vouched, count = _check_files(files)
    print(f"\nscan vouched for {vouched} of {count} migration files")
    assert vouched >= count * 0.95 or count < 20


@pytest.mark.slow
@pytest.mark.realworld
def test_public_apps_migrations():
    """The real-world virtualenv's packages' migrations (wagtail, django-oscar, ... and
    Django's): about 1,300 files written by years of makemigrations and people."""
    from tests.realworld.venv import ensure_venv, site_packages

    files = _files(site_packages(ensure_venv()))
    vouched, count = _check_files(files)
    print(f"\nscan vouched for {vouched} of {count} migration files")
    assert count > 500
    assert vouched >= count * 0.95
