"""The migrations reader on small hand-written histories: graph (squashes, run_before,
swappable dependencies, __first__), each replayed operation, and what it cannot replay
(one SL002, unknown markers), unparsable files (SL001)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from schemalint.config import Config
from schemalint.discover import discover
from schemalint.engine import read_schema
from schemalint.model import Schema
from schemalint.registry import diagnostic_codes

CODES = diagnostic_codes()  # reader diagnostic kind -> the code of the rule that claims it


APP = "app_django/apps/shop"
HEAD = (
    "from django.conf import settings\nfrom django.db import migrations, models\nimport django.db.models.deletion\n\n\n"
)
ID = '("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))'
CREATE = f'migrations.CreateModel(name="Stock", fields=[{ID}, ("symbol", models.CharField(max_length=10))])'


def migration(dependencies: str = "[]", operations: str = "", extra: str = "") -> str:
    body = textwrap.indent(textwrap.dedent(operations).strip(), " " * 8)
    return (
        HEAD + f"class Migration(migrations.Migration):\n    dependencies = {dependencies}\n    {extra}\n"
        f"    operations = [\n{body}\n    ]\n"
    )


def read(tmp_path: Path, files: dict[str, str]) -> Schema:
    (tmp_path / APP / "migrations").mkdir(parents=True)
    (tmp_path / APP / "__init__.py").write_text("")
    (tmp_path / APP / "models.py").write_text("from django.db import models\n")
    (tmp_path / APP / "migrations" / "__init__.py").write_text("")
    for name, text in files.items():
        (tmp_path / APP / "migrations" / f"{name}.py").write_text(text)
    config = Config(root=tmp_path)
    return read_schema("migrations", discover(config, ("migrations",)).files["migrations"], config)


def columns(schema: Schema, table: str) -> dict[str, str]:
    found = schema.table(table)
    assert found is not None, [t.name for t in schema.tables]
    return {c.name: f"{c.type}{'' if c.nullable else ' NOT NULL'}" for c in found.columns}


def codes(schema: Schema) -> list[str]:
    return [CODES[d.kind] for d in schema.diagnostics]


@pytest.mark.parametrize(
    "operation, table, expected",
    [
        (
            'migrations.AddField("stock", "cap", models.BigIntegerField(null=True))',
            "shop_stock",
            {"id": "bigint NOT NULL", "symbol": "character varying(10) NOT NULL", "cap": "bigint"},
        ),
        (
            'migrations.AlterField(model_name="stock", name="symbol", field=models.CharField(max_length=12, null=True))',
            "shop_stock",
            {"id": "bigint NOT NULL", "symbol": "character varying(12)"},
        ),
        ('migrations.RemoveField(model_name="stock", name="symbol")', "shop_stock", {"id": "bigint NOT NULL"}),
        (
            'migrations.RenameField(model_name="stock", old_name="symbol", new_name="ticker")',
            "shop_stock",
            {"id": "bigint NOT NULL", "ticker": "character varying(10) NOT NULL"},
        ),
        (
            'migrations.RenameModel(old_name="Stock", new_name="Share")',
            "shop_share",
            {"id": "bigint NOT NULL", "symbol": "character varying(10) NOT NULL"},
        ),
        (
            'migrations.AlterModelTable(name="stock", table="stocks")',
            "stocks",
            {"id": "bigint NOT NULL", "symbol": "character varying(10) NOT NULL"},
        ),
        (
            "migrations.RunPython(migrations.RunPython.noop)",
            "shop_stock",
            {"id": "bigint NOT NULL", "symbol": "character varying(10) NOT NULL"},
        ),
        (
            'migrations.RunSQL("UPDATE shop_stock SET symbol = upper(symbol)", state_operations=[migrations.AddField("stock", "x", models.IntegerField())])',
            "shop_stock",
            {"id": "bigint NOT NULL", "symbol": "character varying(10) NOT NULL", "x": "integer NOT NULL"},
        ),
    ],
)
def test_operation_is_replayed(tmp_path, operation, table, expected):
    schema = read(
        tmp_path,
        {
            "0001_initial": migration(operations=CREATE),
            "0002_change": migration('[("shop", "0001_initial")]', operation),
        },
    )
    assert codes(schema) == []
    assert columns(schema, table) == expected


def test_indexes_constraints_options_and_delete(tmp_path):
    schema = read(
        tmp_path,
        {
            "0001_initial": migration(operations=CREATE + ",\n" + f'migrations.CreateModel("Gone", [{ID}])'),
            "0002_more": migration(
                '[("shop", "0001_initial")]',
                """
                migrations.AddIndex("stock", models.Index(fields=["symbol"], name="idx_a")),
                migrations.RenameIndex("stock", new_name="idx_b", old_name="idx_a"),
                migrations.AddConstraint("stock", models.UniqueConstraint(fields=["symbol"], name="uq_symbol")),
                migrations.AddConstraint("stock", models.CheckConstraint(condition=models.Q(("symbol__gt", "")), name="ck_gone")),
                migrations.RemoveConstraint("stock", "ck_gone"),
                migrations.AlterModelTableComment("stock", "the stocks"),
                migrations.AlterModelOptions("stock", {"ordering": ["symbol"]}),
                migrations.DeleteModel("Gone"),
        """,
            ),
        },
    )
    assert codes(schema) == []
    table = schema.table("shop_stock")
    assert table is not None and [t.name for t in schema.tables] == ["shop_stock"]
    assert "idx_b" in {i.name for i in table.indexes} and "idx_a" not in {i.name for i in table.indexes}
    assert {c.name for c in table.constraints} == {"uq_symbol"}
    assert table.comment == "the stocks"


def test_squash_replaces_what_it_replaces_and_run_before_orders(tmp_path):
    schema = read(
        tmp_path,
        {
            "0001_initial": migration(operations=CREATE),
            "0002_gone": migration(
                '[("shop", "0001_initial")]', 'migrations.AddField("stock", "old", models.IntegerField())'
            ),
            "0001_squashed_0002": migration(
                operations=CREATE, extra='replaces = [("shop", "0001_initial"), ("shop", "0002_gone")]'
            ),
            "0003_next": migration(
                '[("shop", "0002_gone")]', 'migrations.AddField("stock", "new", models.IntegerField())'
            ),
        },
    )
    assert codes(schema) == []
    assert set(columns(schema, "shop_stock")) == {"id", "symbol", "new"}
    assert dict(schema.properties)["latest:shop"] == "0003_next"


def test_swappable_dependency_and_foreign_key_to_the_user_model(tmp_path):
    schema = read(
        tmp_path,
        {
            "0001_initial": migration(
                "[migrations.swappable_dependency(settings.AUTH_USER_MODEL)]",
                f'migrations.CreateModel("Stock", [{ID}, ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, '
                "to=settings.AUTH_USER_MODEL))])",
            )
        },
    )
    assert codes(schema) == []
    table = schema.table("shop_stock")
    assert table is not None and [(f.columns, f.ref_table, f.declared_on_delete) for f in table.foreign_keys] == [
        (("owner_id",), "auth_user", "CASCADE")
    ]


@pytest.mark.parametrize(
    "operation, unknown",
    [
        ('myapp.operations.Custom("stock")', ("columns", "indexes", "constraints")),
        ('migrations.RunSQL("ALTER TABLE shop_stock ADD COLUMN x int")', ()),
        ('migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("stock", "symbol")])', ()),
    ],
)
def test_what_cannot_be_replayed_is_one_sl002(tmp_path, operation, unknown):
    schema = read(
        tmp_path,
        {"0001_initial": migration(operations=CREATE), "0002_x": migration('[("shop", "0001_initial")]', operation)},
    )
    assert codes(schema) == ["SL002"]
    assert schema.diagnostics[0].location.path.endswith("0002_x.py")
    table = schema.table("shop_stock")
    assert table is not None
    if unknown:
        assert set(unknown) <= set(table.unknown)
    else:
        assert not schema.complete


def test_unparsable_and_classless_files_are_sl001(tmp_path):
    schema = read(
        tmp_path,
        {"0001_initial": migration(operations=CREATE), "0002_broken": "class Migration(:\n", "0003_helper": "X = 1\n"},
    )
    assert sorted(codes(schema)) == ["SL001", "SL001"]
    assert columns(schema, "shop_stock")


def test_graph_problems(tmp_path):
    schema = read(
        tmp_path,
        {
            "0001_initial": migration(operations=CREATE),
            "0002_a": migration('[("shop", "0001_initial")]'),
            "0002_b": migration('[("shop", "0001_initial")]'),
            "0003_c": migration('[("shop", "0002_missing"), ("auth", "0012_alter_user_first_name_max_length")]'),
        },
    )
    assert sorted(codes(schema)) == ["SL502", "SL503"]


VENDOR = (
    "from django.db import connection, migrations, models\n\n\n"
    "class Migration(migrations.Migration):\n"
    '    dependencies = [("shop", "0001_initial")]\n\n'
    '    if connection.vendor == "{first}":\n'
    '        operations = [migrations.AddField("stock", "pg", models.IntegerField(null=True))]\n'
    '    elif connection.vendor != "{second}":\n'
    '        operations = [migrations.AddField("stock", "other", models.IntegerField(null=True))]\n'
    "    else:\n"
    '        operations = [migrations.AddField("stock", "fallback", models.IntegerField(null=True))]\n'
)


@pytest.mark.parametrize(
    "first, second, column",
    [("postgresql", "x", "pg"), ("sqlite", "postgresql", "fallback"), ("sqlite", "mysql", "other")],
)
def test_a_class_body_if_on_the_database_vendor_takes_postgresqls_branch(tmp_path, first, second, column):
    # As Django runs wagtail's migrations on PostgreSQL (wagtailsearch 0006, 0010).
    text = VENDOR.format(first=first, second=second)
    schema = read(tmp_path, {"0001_initial": migration(operations=CREATE), "0002_vendor": text})
    assert codes(schema) == []
    assert columns(schema, "shop_stock") == {
        "id": "bigint NOT NULL",
        "symbol": "character varying(10) NOT NULL",
        column: "integer",
    }


def test_any_other_class_body_if_makes_its_lists_unknown_never_empty(tmp_path):
    text = VENDOR.format(first="postgresql", second="x").replace("connection.vendor ==", "connection.settings_dict ==")
    schema = read(tmp_path, {"0001_initial": migration(operations=CREATE), "0002_vendor": text})
    assert codes(schema) == ["SL002"] and "operations" in schema.diagnostics[0].message
    table = schema.table("shop_stock")
    assert table is not None and {"columns", "indexes", "constraints"} <= set(table.unknown)


def test_an_unknown_operation_leaves_the_models_existence_unknown(tmp_path):
    # wagtail's `DeleteModelIfExists(migrations.DeleteModel)`: it may have deleted the model.
    custom = "class DeleteModelIfExists(migrations.DeleteModel):\n    pass\n\n\n"
    text = migration('[("shop", "0001_initial")]', 'DeleteModelIfExists(name="Stock")').replace(
        "class Migration", custom + "class Migration"
    )
    schema = read(tmp_path, {"0001_initial": migration(operations=CREATE), "0002_delete": text})
    assert codes(schema) == ["SL002"]
    table = schema.table("shop_stock")
    assert table is not None and "exists" in table.unknown


@pytest.mark.parametrize(
    "change",
    [
        'operations += [migrations.AddField("stock", "extra", models.IntegerField(null=True))]',
        'operations.append(migrations.AddField("stock", "extra", models.IntegerField(null=True)))',
        "operations.extend(EXTRA)",
        "del operations[0]",
    ],
)
def test_operations_changed_in_place_are_unknown_never_left_out(tmp_path, change):
    # The list as first written is not what Django runs: every model of the app, the ones the
    # list creates too, is unknown past its name, and the change is one SL002 at the class.
    text = migration('[("shop", "0001_initial")]', CREATE.replace('"Stock"', '"Order"'), extra="EXTRA = []\n") + (
        f"    {change}\n"
    )
    schema = read(tmp_path, {"0001_initial": migration(operations=CREATE), "0002_more": text})
    assert codes(schema) == ["SL002"] and "operations" in schema.diagnostics[0].message
    for name in ("shop_stock", "shop_order"):
        table = schema.table(name)
        assert table is not None and {"columns", "indexes", "constraints", "exists"} <= set(table.unknown)


def test_other_statements_in_the_class_body_leave_operations_known(tmp_path):
    text = migration(
        '[("shop", "0001_initial")]', 'migrations.AddField("stock", "extra", models.IntegerField(null=True))'
    )
    text += "    atomic = False\n    print(operations)\n    initial.append(1)\n"
    schema = read(tmp_path, {"0001_initial": migration(operations=CREATE), "0002_more": text})
    assert codes(schema) == []
    assert "extra" in columns(schema, "shop_stock")
