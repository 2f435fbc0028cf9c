"""The Django reader on small projects written to disk: what `read_schema("django")` returns.

The helpers here (`read_project`, `table`) are shared by the other test_django_* modules.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalint.config import Config
from schemalint.discover import discover
from schemalint.engine import read_schema
from schemalint.model import Location, Schema, Table
from schemalint.registry import diagnostic_codes

CODES = diagnostic_codes()  # reader diagnostic kind -> the code of the rule that claims it


MODELS = "app_django/apps/shop/models.py"


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def read_project(root: Path, files: dict[str, str], **config) -> Schema:
    write(root, files)
    cfg = Config(root=root.resolve(), **config)
    paths = discover(cfg, ("django",)).files["django"]
    return read_schema("django", paths, cfg)


def read_models(root: Path, text: str, **config) -> Schema:
    return read_project(root, {MODELS: text}, **config)


def table(schema: Schema, name: str) -> Table:
    found = schema.table(name)
    assert found is not None, f"{name} not in {[t.name for t in schema.tables]}"
    return found


def messages(schema: Schema, code: str = "SL002") -> list[str]:
    return [d.message for d in schema.diagnostics if CODES[d.kind] == code]


# ----------------------------------------------------------------------------- positions


def test_table_and_column_locations_point_at_class_and_field(tmp_path):
    schema = read_models(
        tmp_path,
        '''
        from django.db import models


        @decorated
        class Stock(models.Model):
            """Docs."""

            symbol = models.CharField(max_length=10)
            name: str = models.TextField()
    ''',
    )
    stock = table(schema, "shop_stock")
    assert stock.location == Location(MODELS, 5, 1)
    assert stock.model == "shop.Stock"
    assert stock.column("symbol").location == Location(MODELS, 8, 5)
    assert stock.column("name").location == Location(MODELS, 9, 5)
    assert stock.column("symbol").field_name == "symbol"


def test_fk_column_keeps_its_field_name(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class A(models.Model):
            pass

        class B(models.Model):
            a = models.ForeignKey(A, on_delete=models.CASCADE)
    """,
    )
    assert table(schema, "shop_b").column("a_id").field_name == "a"


# ----------------------------------------------------------------------------- errors


def test_syntax_error_is_sl001_with_position(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10
    """,
    )
    [diagnostic] = [d for d in schema.diagnostics if d.kind == "unreadable"]
    assert diagnostic.location.path == MODELS
    assert diagnostic.location.line >= 4
    assert diagnostic.location.col >= 1
    assert "syntax error" in diagnostic.message


def test_binary_file_is_sl001(tmp_path):
    path = tmp_path / MODELS
    path.parent.mkdir(parents=True)
    path.write_bytes(b"from django.db import models\n\x00\x01")
    cfg = Config(root=tmp_path.resolve())
    schema = read_schema("django", [path], cfg)
    assert [d.kind for d in schema.diagnostics] == ["unreadable"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("models.CharField(max_length=compute())", "max_length cannot be resolved statically: compute()"),
        ("models.CharField(max_length=UNKNOWN)", "max_length cannot be resolved statically: UNKNOWN"),
        ("models.DecimalField(max_digits=a.b, decimal_places=2)", "max_digits cannot be resolved statically: a.b"),
        ("thirdparty.MoneyField(max_digits=10)", "field type cannot be resolved statically: thirdparty.MoneyField"),
        ("models.ForeignKey(get_model(), on_delete=models.CASCADE)", "cannot be resolved statically: get_model()"),
        ("models.ForeignKey('Nope', on_delete=models.CASCADE)", "cannot be resolved statically: 'Nope'"),
        ("models.ForeignKey('self', on_delete=my_handler)", "on_delete cannot be resolved statically: my_handler"),
        ("models.IntegerField(db_default=compute())", "db_default cannot be resolved statically: compute()"),
        ("models.CharField(**OPTIONS)", "field arguments cannot be resolved statically"),
    ],
)
def test_unresolvable_constructs_give_sl002_at_the_field(tmp_path, field, expected):
    schema = read_models(
        tmp_path,
        f"""
        from django.db import models
        import thirdparty

        class Stock(models.Model):
            value = {field}
    """,
    )
    found = [d for d in schema.diagnostics if d.kind == "unresolved"]
    assert any(expected in d.message for d in found), [d.message for d in found]
    assert all(d.location == Location(MODELS, 5, 5) for d in found)


def test_unresolved_field_is_kept_with_its_type_unknown(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=length())
            name = models.CharField(max_length=5)
    """,
    )
    stock = table(schema, "shop_stock")
    assert stock.column("symbol").unknown == ("type",)
    assert stock.column("symbol").nullable is False
    assert stock.column("name").type == "character varying(5)"
    assert messages(schema) == ["max_length cannot be resolved statically: length()"]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('indexes = [models.Index(fields=["nope"], name="ix")]', "field name cannot be resolved statically: 'nope'"),
        ("indexes = make_indexes()", "Meta.indexes cannot be resolved statically: make_indexes()"),
        (
            'constraints = [models.CheckConstraint(condition=models.Q(qty__regex="x"), name="c")]',
            "cannot be resolved statically: qty__regex='x'",
        ),
        (
            'constraints = [ExclusionConstraint(name="x", expressions=[])]',
            "cannot be resolved statically: ExclusionConstraint",
        ),
        ("db_table = table_name()", "Meta.db_table cannot be resolved statically: table_name()"),
    ],
)
def test_unresolvable_meta_gives_sl002(tmp_path, meta, expected):
    schema = read_models(
        tmp_path,
        f"""
        from django.db import models
        from django.contrib.postgres.constraints import ExclusionConstraint

        class Stock(models.Model):
            qty = models.IntegerField()

            class Meta:
                {meta}
    """,
    )
    assert any(expected in m for m in messages(schema)), messages(schema)


def test_unsupported_generated_expression_is_sl002_and_documented_limitation(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models
        from django.db.models.functions import Concat

        class Stock(models.Model):
            a = models.CharField(max_length=5)
            b = models.CharField(max_length=5)
            ab = models.GeneratedField(expression=Concat("a", "b"), output_field=models.CharField(max_length=10), db_persist=True)
    """,
    )
    assert any(
        m.startswith("GeneratedField expression cannot be resolved statically: Concat(") for m in messages(schema)
    )
    column = table(schema, "shop_stock").column("ab")
    assert column.type == "character varying(10)" and column.nullable


def test_jsonb_db_default_is_sl002(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            data = models.JSONField(db_default={})
    """,
    )
    assert any(m.startswith("db_default cannot be resolved statically") for m in messages(schema))


ODD_MODELS = [
    "class A(models.Model):\n    x = models.CharField(max_length=5)\n    x = models.IntegerField()\n",
    "class A(A):\n    pass\n",
    "class A(B):\n    pass\nclass B(A):\n    pass\n",
    "class A(models.Model):\n    a = models.ForeignKey('A', on_delete=models.CASCADE, primary_key=True)\n",
    "class A(models.Model):\n    class Meta:\n        indexes = [models.Index(fields='abc', name='%(bogus)s')]\n",
    "class A(models.Model):\n    class Meta:\n        indexes = INDEXES\n        constraints = [1, None, 'x']\n        unique_together = 5\n",
    "class A(models.Model):\n    x = models.CharField(max_length='ten')\n    y = models.DecimalField()\n",
    "class A(models.Model):\n    n = models.IntegerField(db_default=-'a')\n    m = models.IntegerField(db_default={'a': 1})\n",
    "class A(models.Model):\n    f = models.ForeignKey(on_delete=models.CASCADE)\n    g = models.ManyToManyField()\n",
    "x = lambda: 1\nclass A(models.Model):\n    y = x()\n    z: int\n    [a, b] = 1, 2\n",
    "class A(models.Model):\n    class Meta:\n        abstract = compute()\n        db_table = 42\n",
    "class A(models.Model):\n    s = models.CharField(max_length=N)\nN = 5\n",
    "async def f():\n    pass\nclass A(models.Model):\n    if True:\n        x = models.IntegerField()\n",
    "class A(models.Model):\n    p = ArrayField(ArrayField(models.IntegerField()))\n    q = ArrayField(base_field=whatever)\n",
]


@pytest.mark.parametrize("body", ODD_MODELS)
def test_odd_model_code_never_crashes(tmp_path, body):
    schema = read_models(
        tmp_path, "from django.db import models\nfrom django.contrib.postgres.fields import ArrayField\n" + body
    )
    assert all(d.kind == "unresolved" for d in schema.diagnostics), schema.diagnostics


def test_a_name_assigned_twice_keeps_its_last_value(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class A(models.Model):
            x = models.CharField(max_length=5)
            y = models.IntegerField()
            x = models.TextField()
            y = 3
    """,
    )
    assert [(c.name, c.type) for c in table(schema, "shop_a").columns] == [("id", "bigint"), ("x", "text")]


@pytest.mark.parametrize("indent", ["    ", "  ", "\t"])
def test_positions_survive_multiline_calls_and_any_indentation(tmp_path, indent):
    text = (
        "from django.db import models\n"
        "\n"
        "class Stock(models.Model):\n"
        f"{indent}symbol = models.CharField(\n"
        f"{indent}{indent}max_length=10,\n"
        f"{indent})\n"
        f"{indent}max_length = models.IntegerField()\n"
        f"{indent}class Meta:\n"
        f"{indent}{indent}db_table = 'stocks'\n"
    )
    path = tmp_path / MODELS
    path.parent.mkdir(parents=True)
    path.write_text(text)
    schema = read_schema("django", [path], Config(root=tmp_path.resolve()))
    stock = table(schema, "stocks")
    assert stock.column("symbol").location == Location(MODELS, 4, len(indent) + 1)
    assert stock.column("max_length").location == Location(MODELS, 7, len(indent) + 1)


def test_composite_primary_key_and_db_collation(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Line(models.Model):
            pk = models.CompositePrimaryKey("order", "number")
            order = models.IntegerField()
            number = models.SmallIntegerField()
            code = models.CharField(max_length=5, unique=True, db_collation="case_insensitive")
    """,
    )
    line = table(schema, "shop_line")
    assert [c.name for c in line.columns] == ["order", "number", "code"]
    assert line.primary_key.columns == ("order", "number") and line.primary_key.name == "shop_line_pkey"
    assert any(
        "_like index of a db_collation column cannot be resolved statically: 'case_insensitive'" in m
        for m in messages(schema)
    )


def test_meta_list_items_have_their_own_positions(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)
            qty = models.IntegerField()

            class Meta:
                indexes = [
                    models.Index(fields=["symbol"], name="a"),
                    models.Index(fields=["qty"]), models.Index(fields=["nope"], name="c"),
                ]
                constraints = [models.CheckConstraint(condition=models.Q(qty__regex="x"), name="q")]
    """,
    )
    stock = table(schema, "shop_stock")
    locations = {i.name: i.location for i in stock.indexes if i.origin == "index"}
    assert locations["a"] == Location(MODELS, 9, 13)
    assert [loc for name, loc in locations.items() if name != "a"] == [Location(MODELS, 10, 13)]
    places = {d.message.split(" cannot")[0]: d.location for d in schema.diagnostics}
    assert places["field name"] == Location(MODELS, 10, 43)
    assert places["constraint"] == Location(MODELS, 12, 24)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            "TreeForeignKey('self', on_delete=models.CASCADE)",
            "field type cannot be resolved statically: mptt.fields.TreeForeignKey",
        ),
        ("gis.PointField()", "field type cannot be resolved statically: django.contrib.gis.db.models.PointField"),
        ("money_field()", "class attribute built by a function cannot be resolved statically: money_field()"),
        ("models.DecimalField(max_digits=5)", "DecimalField precision cannot be resolved statically"),
        ("models.ForeignKey('self')", "on_delete cannot be resolved statically"),
    ],
)
def test_fields_that_cannot_be_known_are_never_silently_dropped(tmp_path, field, expected):
    schema = read_models(
        tmp_path,
        f"""
        from django.db import models
        from django.contrib.gis.db import models as gis
        from mptt.fields import TreeForeignKey

        def money_field():
            return models.DecimalField(max_digits=10, decimal_places=2)

        class Stock(models.Model):
            value = {field}
            objects = models.Manager()
    """,
    )
    assert any(expected in m for m in messages(schema)), messages(schema)
    assert len(messages(schema)) == 1


@pytest.mark.parametrize(
    ("source", "line", "col", "words"),
    [
        ("class Stock(models.Model)\n    x = 1\n", 3, 26, "expected ':'"),
        ("class Stock(models.Model):\n    x = (1,\n", 4, 9, "never closed"),
        ("class Stock(models.Model):\n  x = 1\n    y = 2\n", 5, 4, "unexpected indent"),
    ],
)
def test_syntax_error_points_where_python_does(tmp_path, source, line, col, words):
    path = tmp_path / MODELS
    path.parent.mkdir(parents=True)
    path.write_text("from django.db import models\n\n" + source)
    schema = read_schema("django", [path], Config(root=tmp_path.resolve()))
    [diagnostic] = schema.diagnostics
    assert (diagnostic.kind, diagnostic.location.line, diagnostic.location.col) == ("unreadable", line, col)
    assert words in diagnostic.message


def test_facts_are_picklable_and_deterministic():
    """extract's output is cached by content hash and may come from a worker process."""
    import pickle

    from schemalint.read import ReaderSettings, SourceFile
    from schemalint.read.django import READER

    corpus = Path(__file__).parent.parent / "differential" / "django_corpus"
    for path in sorted(corpus.rglob("*.py")):
        file = SourceFile(path, path.relative_to(corpus).as_posix(), path.read_bytes())
        facts = READER.extract(file, ReaderSettings())
        assert pickle.loads(pickle.dumps(facts)) == facts
        assert READER.extract(file, ReaderSettings()) == facts


def test_linking_cached_facts_does_not_import_libcst(tmp_path):
    """A warm run links facts from the cache: unless a django.contrib model or an extra
    module must be read, that never pays for importing libcst."""
    import pickle
    import subprocess
    import sys

    from schemalint.read import ReaderSettings, SourceFile
    from schemalint.read.django import READER

    write(
        tmp_path,
        {
            MODELS: """
        from django.db import models

        class Stock(models.Model):
            symbol = models.CharField(max_length=10)
    """
        },
    )
    path = tmp_path / MODELS
    facts = READER.extract(SourceFile(path, MODELS, path.read_bytes()), ReaderSettings())
    (tmp_path / "facts.pickle").write_bytes(pickle.dumps([facts]))
    script = f"""
import pickle, sys
from pathlib import Path
from schemalint.config import Config
from schemalint.read import Project, ReaderSettings
from schemalint.read.django import READER
facts = pickle.loads(Path({str(tmp_path / "facts.pickle")!r}).read_bytes())
root = Path({str(tmp_path)!r})
schema = READER.link(facts, Project(root=root, config=Config(root=root), settings=ReaderSettings()))
assert [t.name for t in schema.tables] == ["shop_stock"], schema.tables
print("libcst" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


_OPTION_VALUES = [
    "1",
    "-3",
    "0.5",
    "'x'",
    "None",
    "True",
    "[1, 2]",
    "{'a': 1}",
    "UNKNOWN",
    "f()",
    "lambda: 1",
    "models.CASCADE",
    "'self'",
    "Decimal('1')",
    "('a', 'b')",
    "models.Q(a=1)",
    "models.F('x')",
]
_OPTIONS = [
    "max_length",
    "null",
    "unique",
    "primary_key",
    "db_index",
    "db_default",
    "db_column",
    "db_comment",
    "max_digits",
    "decimal_places",
    "to_field",
    "db_constraint",
    "on_delete",
    "to",
    "through",
    "db_table",
]
_FIELDS = [
    "CharField",
    "DecimalField",
    "ForeignKey",
    "ManyToManyField",
    "IntegerField",
    "TextField",
    "PositiveIntegerField",
    "OneToOneField",
    "GeneratedField",
    "CompositePrimaryKey",
    "BooleanField",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_FIELDS),
            st.lists(st.tuples(st.sampled_from(_OPTIONS), st.sampled_from(_OPTION_VALUES)), max_size=4),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_field_options_give_diagnostics_not_crashes(tmp_path_factory, fields):
    root = tmp_path_factory.mktemp("fuzz")
    lines = ["from decimal import Decimal", "from django.db import models", "", "class Thing(models.Model):"]
    for number, (kind, options) in enumerate(fields):
        arguments = ", ".join(f"{key}={value}" for key, value in dict(options).items())
        lines.append(f"    f{number} = models.{kind}({arguments})")
    schema = read_models(root, "\n".join(lines) + "\n")
    # The source always parses: an SL001 here would be the reader crashing.
    assert all(d.kind == "unresolved" for d in schema.diagnostics), schema.diagnostics


_META_ITEMS = [
    "models.Index(fields=['a'])",
    "models.Index(fields='a')",
    "models.Index(fields=['-a', 'b'], name='n')",
    "models.Index(fields=['zz'], name='n')",
    "models.Index(Lower('a'), name='n')",
    "models.Index(name='n')",
    "models.Index(fields=['a'], name=1)",
    "models.Index(fields=['a'], name='%(x)s')",
    "models.Index(fields=[1])",
    "models.Index(fields=['a'], name='n', condition=models.Q(b__gt=1), include=['b'], opclasses=['x'])",
    "models.Index(fields=['a'], name='n', condition=5)",
    "models.Index(fields=['a'], include='b', name='n')",
    "models.UniqueConstraint(fields=['a'], name='u')",
    "models.UniqueConstraint(fields=['a'])",
    "models.UniqueConstraint(Lower('a'), name='u')",
    "models.UniqueConstraint(fields=['a'], name='u', nulls_distinct=1)",
    "models.CheckConstraint(condition=models.Q(b__gte=0), name='c')",
    "models.CheckConstraint(name='c')",
    "models.CheckConstraint(check=models.Q(a='x') | ~models.Q(b__in=[1]), name='c')",
    "1",
    "None",
    "'x'",
    "f()",
]
_META_KEYS = [
    "indexes",
    "constraints",
    "unique_together",
    "index_together",
    "db_table",
    "managed",
    "abstract",
    "proxy",
    "app_label",
    "db_table_comment",
    "order_with_respect_to",
]
_META_VALUES = ["[{0}]", "[{0}, {1}]", "('a', 'b')", "[('a',), ('b', 'zz')]", "5", "None", "'t'", "True", "X"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_META_KEYS),
            st.sampled_from(_META_VALUES),
            st.sampled_from(_META_ITEMS),
            st.sampled_from(_META_ITEMS),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_meta_options_give_diagnostics_not_crashes(tmp_path_factory, options):
    root = tmp_path_factory.mktemp("fuzz")
    lines = [
        "from django.db import models",
        "from django.db.models.functions import Lower",
        "",
        "class Thing(models.Model):",
        "    a = models.CharField(max_length=5)",
        "    b = models.IntegerField()",
        "",
        "    class Meta:",
    ]
    for key, template, first, second in options:
        lines.append(f"        {key} = {template.format(first, second)}")
    schema = read_models(root, "\n".join(lines) + "\n")
    assert all(d.kind == "unresolved" for d in schema.diagnostics), schema.diagnostics


@pytest.mark.parametrize(
    "body",
    [
        # a to_field that points at itself
        "class A(models.Model):\n    x = models.ForeignKey('self', on_delete=models.CASCADE, to_field='x')\n",
        # keys that refer to each other
        "class A(models.Model):\n    b = models.OneToOneField('B', on_delete=models.CASCADE, primary_key=True)\n"
        "class B(models.Model):\n    a = models.OneToOneField(A, on_delete=models.CASCADE, primary_key=True)\n",
        # a parent whose primary key cannot be known
        "class A(models.Model):\n    pk = models.CompositePrimaryKey('x', 'y')\n    x = models.IntegerField()\n"
        "    y = models.IntegerField()\nclass B(A):\n    pass\n",
    ],
)
def test_circular_and_unknowable_keys_are_contained(tmp_path, body):
    schema = read_models(tmp_path, "from django.db import models\n" + body)
    assert all(d.kind == "unresolved" for d in schema.diagnostics), schema.diagnostics
    assert schema.table("shop_a") is not None


def test_mutually_referring_primary_keys_are_not_guessed(tmp_path):
    schema = read_models(
        tmp_path,
        """
        from django.db import models

        class A(models.Model):
            b = models.OneToOneField("B", on_delete=models.CASCADE, primary_key=True)

        class B(models.Model):
            a = models.OneToOneField(A, on_delete=models.CASCADE, primary_key=True)
    """,
    )
    assert any("circular" in m for m in messages(schema)), messages(schema)
    assert table(schema, "shop_a").column("b_id").unknown == ("type", "references")
