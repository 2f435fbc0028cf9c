"""Tables from resolved models: columns, keys, indexes and constraints with the names
Django 5.2/6.0 and PostgreSQL give them (schema editor `table_sql`, `_model_indexes_sql`,
`_field_indexes_sql` and the PostgreSQL editor's `_like` indexes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, cast

from schemalint.model import (
    Column,
    ColumnPart,
    Constraint,
    ForeignKey,
    Index,
    Location,
    ObjectPart,
    PrimaryKey,
    Schema,
    Table,
    TablePart,
)
from schemalint.postgres import names as pg_names
from schemalint.postgres.keywords import quote_ident
from schemalint.read import Project
from schemalint.read.django import names
from schemalint.read.django.facts import Call, ClassFact, ModuleFacts, Ref
from schemalint.read.django.fields import (
    AUTO_FIELDS,
    BUILTIN_FIELDS,
    INDEX_CLASSES,
    ON_DELETE,
    POSITIVE_FIELDS,
    REL_TYPES,
)
from schemalint.read.django.history import historical_models, report_registrations
from schemalint.read.django.link import (
    ColumnSpec,
    FieldSpec,
    Linker,
    ModelInfo,
    class_bases,
    odd_bases,
)
from schemalint.read.django.project import version_key
from schemalint.read.django.resolve import Unresolved, describe
from schemalint.read.django.state import model_state
from schemalint.read.python.modules import is_django


def link(facts: list[ModuleFacts], project: Project) -> Schema:
    """Every file's facts -> the project's `Schema`: `Linker` resolves names, models and
    fields across the files; the builders below turn each model into its tables."""
    return build_schema(Linker(facts, project))


Segment = Callable[[str, ModuleFacts, int, Callable[[], list[Table]]], list[Table]]
"""How one class's tables are made: `(kind, module, index, build) -> tables`, with `kind` the
list the class is in (`classes`, `conditional_classes`, `imported`: a helper module's; or
`registrations`, a module's top-level `simple_history.register()` calls) and `index` its
place there. `incremental.py` records what each made, or reuses an earlier link's."""


def _made(kind: str, module: ModuleFacts, index: int, build: Callable[[], list[Table]]) -> list[Table]:
    return build()


def build_schema(linker: Linker, segment: Segment = _made) -> Schema:
    """Each class's tables, one `segment` per class in file order, then django.contrib's."""
    tables: list[Table] = []
    unloaded = _unimported_modules(linker)
    for module in linker.facts:
        if module.module in unloaded:
            continue  # Django never imports it: its models are not registered
        for index, cls in enumerate(module.classes):
            tables += segment("classes", module, index, partial(_class_tables, linker, module, cls))
        for index, cls in enumerate(module.conditional_classes):
            tables += segment("conditional_classes", module, index, partial(_conditional_tables, linker, module, cls))
        tables += segment("registrations", module, 0, partial(_registrations, linker, module))
    for module in _imported_modules(linker, unloaded):
        for index, cls in enumerate(module.classes):
            tables += segment("imported", module, index, partial(_imported_tables, linker, module, cls))
    auto = linker.project_auto_field()
    properties = (
        ("django_version", linker.version),
        ("django_version_source", linker.version_source),
        ("default_auto_field", auto),
    )
    external = contrib_tables(linker)
    return Schema(
        "django",
        tables=tuple(tables),
        diagnostics=tuple(linker.diagnostics),
        properties=properties,
        complete=linker.complete,
        external=tuple(external),
    )


def _class_tables(linker: Linker, module: ModuleFacts, cls: ClassFact) -> list[Table]:
    info = linker.model(module, cls)
    if info is None:
        _report_unknown_model_base(linker, module, cls)
        return []
    if info.abstract or info.external:
        return []
    return _tables(linker, info, [])


def _conditional_tables(linker: Linker, module: ModuleFacts, cls: ClassFact) -> list[Table]:
    runs = linker.class_runs(module, cls)
    if runs is False:
        return []  # its `if` is false (a model registered first, another database)
    info = linker.model(module, cls)
    if info is None or info.abstract or info.external:
        return []
    if runs:
        return _tables(linker, info, [])
    if not info.proxy:
        linker.unresolved("model defined under if/try", cls.name, info.location)
    found = _tables(linker, info, ["exists"])
    if info.proxy and found:  # a proxy's own table is none, its history's is one
        linker.unresolved("model defined under if/try", cls.name, info.location)
    return found


def _registrations(linker: Linker, module: ModuleFacts) -> list[Table]:
    report_registrations(linker, module)
    return []


def _imported_tables(linker: Linker, module: ModuleFacts, cls: ClassFact) -> list[Table]:
    info = linker.model(module, cls)
    if info is None or info.abstract or info.external:
        return []
    return _tables(linker, info, [])


def contrib_tables(linker: Linker) -> list[Table]:
    """The tables of the django.contrib models (contrib.py) as their apps' migrations create
    them, when the project's models use one (a link that needs none loads none). A swapped-out
    `auth.User` (AUTH_USER_MODEL names another model) is not created, nor its many-to-many
    tables, as in Django."""
    if not linker.resolver.virtual:
        return []
    diagnostics = len(linker.diagnostics)
    found: list[Table] = []
    for module in {id(m): m for name, m in linker.resolver.modules.items() if name in linker.resolver.virtual}.values():
        for cls in module.classes:
            info = linker.model(module, cls)
            if info is None or info.abstract or info.proxy or not info.external:
                continue
            if cls.name == "User" and linker.settings.auth_user_model != "auth.User":
                continue
            found += _model_tables(linker, info, [])
    del linker.diagnostics[diagnostics:]  # Django's own models: nothing to report about them
    return sorted({t.name: t for t in found}.values(), key=lambda t: t.name)


def _tables(linker: Linker, info: ModelInfo, unknown: list[TablePart]) -> list[Table]:
    """A concrete model's tables (none for a proxy), then those of the historical model
    django-simple-history builds for it (history.py)."""
    found = [] if info.proxy else _model_tables(linker, info, unknown)
    for model, parts in historical_models(linker, info):
        found += _model_tables(linker, model, unknown + parts)
    return found


def _model_tables(linker: Linker, info: ModelInfo, unknown: list[TablePart]) -> list[Table]:
    """The model's table and its auto-created many-to-many tables, with what of them the
    reader cannot know; none when `Meta.required_db_features` rules PostgreSQL out."""
    migrated = linker.required_features(info)
    swapped = linker.swapped(info)
    if migrated is False or swapped:
        return []
    unknown = unknown + linker.model_unknowns(info) + (["exists"] if None in (migrated, swapped) else [])
    builder = TableBuilder(linker, info, unknown)
    try:
        table = builder.table()
    except Unresolved as exc:  # whatever a step could not contain: the model, not the run
        linker.unresolved(exc.what or "model", exc.text, info.location, info.db_table)
        linker.complete = False  # a table is missing
        return []
    exists: list[TablePart] = ["exists"] if "exists" in table.unknown else []
    table = replace(table, state=model_state(linker, info))
    return [table] + [replace(m2m, unknown=tuple(exists)) if exists else m2m for m2m in builder.m2m_tables()]


def _imported_modules(linker: Linker, unloaded: set[str]) -> list[ModuleFacts]:
    """The modules the model modules import (not Django, not model modules themselves): Django
    runs them when it imports the models, so a concrete model defined there is registered too
    (oscar's `PaymentEventQuantity` in `abstract_models.py`, star-imported by `models.py`)."""
    own = {m.module for m in linker.facts}
    found: dict[str, ModuleFacts] = {}
    for module in linker.facts:
        if module.module in unloaded:
            continue
        for _, target in module.imports:
            if is_django(target):
                continue
            for name in (target, target.rpartition(".")[0]):
                if not name or not _same_app(module, name):
                    continue  # (checked first: another package's modules are never parsed for this)
                imported = linker.resolver.find_module(name, module)
                if imported is not None:
                    if imported.module not in own and imported.module not in linker.resolver.virtual:
                        found.setdefault(imported.module, imported)
                    break
    return list(found.values())


def _same_app(models: ModuleFacts, name: str) -> bool:
    """Whether the module `name` is a helper module of the models module's own app (not
    another app's models, whose tables that app owns)."""
    app = models.package[: -len(".models")] if models.package.endswith(".models") else models.package
    return bool(app) and name.startswith(app + ".") and ".models" not in name[len(app) :]


def _unimported_modules(linker: Linker) -> set[str]:
    """Modules of a `models/` package that no loaded module imports, directly or through
    others: Django imports `<app>.models` (the package's `__init__`) and what it imports, so
    their models are never registered and get no table."""
    by_name = {m.module: m for m in linker.facts}
    candidates = {
        m.module
        for m in linker.facts
        if m.package.rsplit(".", 1)[-1] == "models" and m.module != m.package and m.package in by_name
    }
    reached: set[str] = set()
    queue = [m for m in linker.facts if m.module not in candidates]
    while queue:
        module = queue.pop()
        for _, target in module.imports:
            for name in (target, target.rpartition(".")[0]):
                if name in candidates and name not in reached:
                    reached.add(name)
                    queue.append(by_name[name])
    return candidates - reached


def _report_unknown_model_base(linker: Linker, module: ModuleFacts, cls: ClassFact) -> None:
    """A class that looks like a model (a Meta, or Django fields in its body) but whose base
    cannot be followed (`model_utils.models.TimeStampedModel`, Django's
    `AbstractBaseSession`, a call): its table may exist, so say why and mark the schema
    incomplete."""
    unknown = [describe(base) for base in odd_bases(cls)]
    for base in class_bases(cls):
        symbol = linker.resolver.resolve(module, base.dotted)
        last = symbol.name.rsplit(".", 1)[-1]
        if symbol.kind == "unknown" or (
            symbol.kind == "django" and (last.startswith("Abstract") or last.endswith("Model"))
        ):
            unknown.append(base.dotted)
    if not unknown:
        return

    def is_field(value: object) -> bool:
        if not isinstance(value, Call) or not value.func:
            return False
        symbol = linker.resolver.resolve(module, value.func)
        return symbol.kind == "django" and symbol.name.rsplit(".", 1)[-1] in BUILTIN_FIELDS

    if cls.meta is not None or any(is_field(a.value) for a in cls.body):
        linker.unresolved("model base class", ", ".join(unknown), Location(module.rel, cls.line, cls.col))
        linker.complete = False


def _field_groups(value) -> tuple[tuple[str, ...], ...] | None:
    """unique_together / index_together: one group of names or a list of groups; None when
    it is neither."""
    if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
        return (value,)
    if isinstance(value, tuple) and all(isinstance(g, tuple) and all(isinstance(v, str) for v in g) for g in value):
        return value
    return None


def _is_like_type(pg_type: str) -> bool:
    return not pg_type.endswith("]") and (pg_type.startswith("character varying") or pg_type == "text")


def _on_delete(linker: Linker, spec: FieldSpec) -> tuple[str, str | None]:
    value = spec.args[1] if len(spec.args) > 1 else spec.kwargs.get("on_delete")
    if value is None:
        raise Unresolved("(missing: Django requires it)", "on_delete")
    name = None
    if isinstance(value, Ref):
        symbol = linker.resolver.resolve(spec.module, value.dotted)
        name = (symbol.name if symbol.kind == "django" else value.dotted).rsplit(".", 1)[-1]
    elif isinstance(value, Call) and value.func:
        name = value.func.rsplit(".", 1)[-1]
    if name not in ON_DELETE:
        raise Unresolved(describe(value), "on_delete")
    return ON_DELETE[name]


# The placeholder type of a column whose type is unknown (`Column.unknown` says so).
UNKNOWN_TYPE = "unknown"


class TableBuilder:
    def __init__(self, linker: Linker, info: ModelInfo, unknown: list[TablePart] | None = None) -> None:
        self.linker = linker
        self.info = info
        self.unknown: list[TablePart] = list(unknown or [])
        """What of the table cannot be known (see `Table.unknown`)."""
        self.schema, self.table_name = names.split_table(info.db_table)
        """Django's name for the table (without a `schema"."` prefix): what its generated
        names are computed from."""
        self.pg_table = pg_names.truncate_identifier(self.table_name)
        """The name PostgreSQL keeps (it cuts identifiers at 63 bytes)."""
        self.implicit_names: set[str] = set()
        """The names PostgreSQL chose for this table's inline constraints (a second name that
        truncates like the first gets a number)."""
        self.specs: list[ColumnSpec] = []
        self.by_field: dict[str, tuple[str, str, bool]] = {}
        self.indexes: list[Index] = []
        self.constraints: list[Constraint] = []
        self.m2m: list[FieldSpec] = []
        self.parent_link_pk: str | None = None
        """A declared `OneToOneField(parent_link=True)` that serves as the primary key."""

    # ------------------------------------------------------------------ table

    def table(self) -> Table:
        info = self.info
        composite = self._columns(self.linker.fields(info))
        self._generated_columns()
        self._field_objects()
        self._unique_together()
        self._index_together()
        self._meta_indexes()
        self._mptt_index()
        self._meta_constraints()
        comment = self.linker.meta_value(info.meta, "db_table_comment", None)
        return Table(
            name=self.pg_table,
            schema=self.schema,
            columns=tuple(s.column for s in self.specs),
            primary_key=self._primary_key(composite),
            foreign_keys=tuple(s.fk for s in self.specs if s.fk is not None),
            indexes=tuple(self.indexes),
            constraints=tuple(self.constraints),
            comment=comment if isinstance(comment, str) else None,
            location=info.location,
            model=info.label,
            managed=info.managed,
            unknown=tuple(dict.fromkeys(self.unknown)),
        )

    def _columns(self, fields: list[FieldSpec]) -> FieldSpec | None:
        """Every column in Django's order: parent links or the auto id, then the fields, then
        `_order`. Returns a CompositePrimaryKey pseudo-field if the model declares one."""
        info, linker = self.info, self.linker
        explicit_pk = any(s.relation != "m2m" and linker.flag(s, "primary_key") for s in fields)
        self._parent_links(explicit_pk)
        if not explicit_pk and not self.parent_link_pk and not any(c.primary_key for c in self.specs):
            self._auto_pk()
        composite = None
        for spec in fields:
            if spec.relation == "m2m":
                if spec.field_class is not None and spec.field_class.unknown:
                    # Its table (or none, with `through=`) cannot be known.
                    linker.unresolved("field type", spec.field_class.unknown, spec.location, self.table_name, spec.name)
                    linker.complete = False
                else:
                    self.m2m.append(spec)
            elif spec.internal == "CompositePrimaryKey":
                composite = spec
            elif linker.makes_column(spec):
                try:
                    self.specs.append(self._column(spec))
                except Unresolved as exc:  # not even its name: the column list is incomplete
                    linker.unresolved(exc.what or "field", exc.text, spec.location, self.table_name, spec.name)
                    self.unknown.append("columns")
        if "order_with_respect_to" in info.meta:
            self.specs.append(
                ColumnSpec(None, Column("_order", "integer", False, location=info.location, field_name="_order"))
            )
        for made in self.specs:
            # Meta options name fields (`author`) or columns (`author_id`): both resolve.
            self.by_field[made.column.field_name or made.column.name] = (
                made.column.name,
                made.column.type,
                made.primary_key,
            )
            self.by_field.setdefault(made.column.name, (made.column.name, made.column.type, made.primary_key))
        return composite

    def _primary_key(self, composite: FieldSpec | None) -> PrimaryKey | None:
        columns = (
            self._composite_key(composite) if composite else tuple(s.column.name for s in self.specs if s.primary_key)
        )
        if not columns:
            return None
        return PrimaryKey(columns, pg_names.make_object_name(self.pg_table, None, "pkey"), True, self.info.location)

    def _composite_key(self, spec: FieldSpec) -> tuple[str, ...]:
        """Django 5.2's `pk = models.CompositePrimaryKey("a", "b")`: a table-level PRIMARY KEY."""
        try:
            names_ = [self.linker.resolver.evaluate(spec.module, a) for a in spec.args]
            return self._columns_of(names_, spec.location)
        except Unresolved as exc:
            self.linker.unresolved("CompositePrimaryKey", exc.text, spec.location, self.table_name)
            return ()

    def _auto_pk(self) -> None:
        auto, _ = self.linker.default_auto_field(self.info)
        pg_type = REL_TYPES[auto]  # auto is always one of the three built-in auto fields
        column = Column(
            "id",
            pg_type,
            False,
            identity="by default",
            location=self.info.location,
            field_name="id",
            extra=(("field", auto),),
        )
        self.specs.insert(0, ColumnSpec(None, column, primary_key=True, unique=True))

    def _parent_links(self, explicit_pk: bool) -> None:
        """Multi-table inheritance, as `ModelBase` does it: per concrete parent, the
        `OneToOneField(parent_link=True)` the child declares for it, or else an auto-created
        `<parent>_ptr`. The first parent's link is the primary key unless the child declares
        its own; the others are unique foreign keys."""
        linker = self.linker
        for position, (parent, declared) in enumerate(linker.parent_links(self.info)):
            first = position == 0 and not explicit_pk
            if declared is not None:
                if first:
                    self.parent_link_pk = declared.name
                continue
            try:
                ref_column, rel_type, _ = linker.pk_of(parent)
            except Unresolved as exc:
                linker.unresolved(
                    f"primary key of parent {parent.cls.name}", exc.text, self.info.location, self.table_name
                )
                self.unknown.append("columns")
                continue
            column_name = f"{parent.model_name}_ptr_id"
            column = Column(
                column_name,
                rel_type,
                False,
                location=self.info.location,
                field_name=f"{parent.model_name}_ptr",
                extra=(("field", "OneToOneField"),),
            )
            ref_schema, ref_table = names.split_table(parent.db_table)
            fk = ForeignKey(
                (column_name,),
                pg_names.truncate_identifier(ref_table),
                (ref_column,),
                "NO ACTION",
                "CASCADE",
                deferrable=True,
                initially_deferred=True,
                implicit=True,
                location=self.info.location,
                ref_schema=ref_schema,
                name=names.fk_constraint_name(self.table_name, column_name, ref_table, ref_column),
            )
            self.specs.append(ColumnSpec(None, column, primary_key=first, unique=True, fk=fk))

    def _column(self, spec: FieldSpec) -> ColumnSpec:
        """The field's column. What cannot be resolved is kept as a placeholder, named in the
        column's (or the table's) `unknown`, and explained by one SL002 for the field."""
        linker, table = self.linker, self.table_name
        name = linker.column_name(spec)  # without a name there is no column to keep
        problems: list[tuple[str, str]] = []
        unknown: list[ColumnPart] = []

        def part(
            where: ColumnPart | TablePart,
            compute: Callable[[], Any],
            placeholder: Any,
            table_part: bool = False,
            what: str = "",
        ) -> Any:
            try:
                return compute()
            except Unresolved as exc:
                problems.append((exc.what or what or where, exc.text))
                if table_part:
                    self.unknown.append(cast(TablePart, where))
                else:
                    unknown.append(cast(ColumnPart, where))
                return placeholder

        # An argument not given is its default (`Linker.kw`): no evaluation, nothing to report.
        given = spec.kwargs
        primary = "primary_key" in given and part(
            "primary_key", lambda: bool(linker.kw(spec, "primary_key", False)), False, True
        )
        primary = primary or spec.name == self.parent_link_pk
        null = "null" in given and part("nullable", lambda: bool(linker.kw(spec, "null", False)), False)
        null = null and not primary
        unique = "unique" in given and part("unique", lambda: bool(linker.kw(spec, "unique", False)), False)
        unique = unique or primary
        db_index = "db_index" in given and part(
            "indexes", lambda: bool(linker.kw(spec, "db_index", False)), False, True
        )
        fk = None
        pg_type = UNKNOWN_TYPE
        if spec.field_class is not None and spec.field_class.unknown:
            problems.append(("field type", spec.field_class.unknown))
            unknown += ["type", "references"] if spec.relation == "fk" else ["type"]
        elif spec.relation == "fk":
            try:
                target = linker.target(spec, self.info)
                ref_column, pg_type, _ = linker.to_field(spec, target)
            except Unresolved as exc:
                problems.append((exc.what or "related model", exc.text))
                unknown += ["type", "references"]
            else:
                fk_unknown: tuple[ObjectPart, ...] = ()
                try:
                    database, declared = _on_delete(linker, spec)
                except Unresolved as exc:
                    problems.append((exc.what or "on_delete", exc.text))
                    database, declared, fk_unknown = "NO ACTION", None, ("on_delete",)
                if part("references", lambda: linker.kw(spec, "db_constraint", True), True) is not False:
                    ref_schema, ref_table = names.split_table(target.db_table)
                    fk = ForeignKey(
                        (name,),
                        pg_names.truncate_identifier(ref_table),
                        (ref_column,),
                        database,
                        declared,
                        deferrable=True,
                        initially_deferred=True,
                        implicit=True,
                        location=spec.location,
                        ref_schema=ref_schema,
                        name=names.fk_constraint_name(table, name, ref_table, ref_column),
                        unknown=fk_unknown,
                    )
        else:
            pg_type = part("type", lambda: linker.column_type(spec, table), UNKNOWN_TYPE)
        if spec.hidden_arguments is not None:
            problems.append(("field arguments", spec.hidden_arguments))
            unknown.extend(["type", "nullable", "default", "unique", "comment"])
            if spec.relation == "fk":
                unknown.append("references")
            self.unknown.append("indexes")
        if "type" in unknown and (db_index or unique):
            self.unknown.append("indexes")  # a `_like` index depends on the type
        if "unique" in unknown and _is_like_type(pg_type):
            self.unknown.append("indexes")  # ... and on whether the column is unique
        identity = (
            "by default"
            if spec.internal in AUTO_FIELDS and spec.custom_type is None and "type" not in unknown
            else None
        )
        if spec.internal == "GeneratedField":
            null = True  # Django writes no NOT NULL for a generated column; filled in by _generated_columns
        default = None
        if "db_default" in spec.kwargs:
            writer = linker.writer(self.info, spec.module, self.by_field)
            default = part(
                "default", lambda: writer.default(spec.kwargs["db_default"], pg_type), None, what="db_default"
            )
        comment = part("comment", lambda: linker.kw(spec, "db_comment", None), None) if "db_comment" in given else None
        check = f"{quote_ident(name)} >= 0" if spec.internal in POSITIVE_FIELDS and spec.custom_type is None else None
        extra = (("field", spec.class_name.rsplit(".", 1)[-1] or spec.builtin),)
        if problems:
            (what, text), more = (
                problems[0],
                "".join(f"; {w} cannot be resolved statically: {t}" for w, t in problems[1:]),
            )
            linker.unresolved(what, text + more, spec.location, table, spec.name)
        column = Column(
            name,
            pg_type,
            null,
            default,
            identity,
            None,
            comment if isinstance(comment, str) else None,
            spec.location,
            spec.name,
            extra,
            tuple(dict.fromkeys(unknown)),
        )
        return ColumnSpec(spec, column, primary, unique, db_index, check, fk)

    def _generated_columns(self) -> None:
        for spec in self.specs:
            if spec.field is not None and spec.field.internal == "GeneratedField":
                expression = self._generated(spec.field)
                unknown = spec.column.unknown + (("generated",) if expression is None else ())
                spec.column = replace(spec.column, generated=expression, unknown=unknown)

    def _generated(self, spec: FieldSpec) -> str | None:
        expression = spec.kwargs.get("expression")
        writer = self.linker.writer(self.info, spec.module, self.by_field)
        try:
            return writer.generated(expression)
        except Unresolved:
            self.linker.unresolved(
                "GeneratedField expression", describe(expression), spec.location, self.table_name, spec.name
            )
            return None

    # ------------------------------------------------------------------ per-field objects

    def _field_objects(self) -> None:
        table = self.table_name
        for spec in self.specs:
            col = spec.column
            location = col.location
            if spec.unique and not spec.primary_key:
                name = pg_names.choose_constraint_name(self.pg_table, [col.name], "key", self.implicit_names)
                self.constraints.append(Constraint(name, "unique", (col.name,), implicit=True, location=location))
            if spec.check:
                name = pg_names.choose_constraint_name(self.pg_table, [col.name], "check", self.implicit_names)
                self.constraints.append(Constraint(name, "check", (), spec.check, implicit=True, location=location))
            if spec.db_index and not spec.unique:
                origin = "fk" if spec.field is not None and spec.field.relation == "fk" else "db_index"
                self.indexes.append(
                    Index(
                        names.create_index_name(table, [col.name]),
                        (col.name,),
                        implicit=True,
                        origin=origin,
                        location=location,
                    )
                )
            if (spec.db_index or spec.unique) and _is_like_type(col.type):
                if spec.field is not None and spec.field.kwargs.get("db_collation") is not None:
                    # Django skips the _like index for a non-deterministic collation, which
                    # only the database knows: keep it, but say so.
                    self.linker.unresolved(
                        "_like index of a db_collation column",
                        describe(spec.field.kwargs["db_collation"]),
                        location or self.info.location,
                        self.pg_table,
                        col.name,
                    )
                opclass = "varchar_pattern_ops" if col.type.startswith("character varying") else "text_pattern_ops"
                self.indexes.append(
                    Index(
                        names.create_index_name(table, [col.name], "_like"),
                        (col.name,),
                        opclasses=(opclass,),
                        implicit=True,
                        origin="like",
                        location=location,
                    )
                )

    def _columns_of(self, field_names, location: Location) -> tuple[str, ...]:
        columns = []
        for field_name in field_names:
            if not isinstance(field_name, str) or field_name not in self.by_field:
                raise Unresolved(repr(field_name), "field name")
            columns.append(self.by_field[field_name][0])
        return tuple(columns)

    def _unique_together(self) -> None:
        linker, info = self.linker, self.info
        value = linker.meta_value(info.meta, "unique_together", ())
        if not value:
            return
        location = info.meta["unique_together"][2]
        groups = _field_groups(value)
        if groups is None:
            linker.unresolved(
                "Meta.unique_together", describe(info.meta["unique_together"][0]), location, self.table_name
            )
            return
        for group in groups:
            try:
                columns = self._columns_of(group, location)
            except Unresolved as exc:
                linker.unresolved("unique_together field", exc.text, location, self.table_name)
                continue
            self.constraints.append(
                Constraint(
                    names.create_index_name(self.table_name, list(columns), "_uniq"),
                    "unique",
                    columns,
                    implicit=True,
                    location=location,
                )
            )

    def _index_together(self) -> None:
        """Django < 5.1 creates `<table>_<cols>_<hash>_idx` for each index_together group;
        5.1 removed the option (Django then refuses the model)."""
        linker, info = self.linker, self.info
        if "index_together" not in info.meta:
            return
        location = info.meta["index_together"][2]
        if version_key(linker.version) >= (5, 1):
            linker.unresolved(
                "Meta.index_together",
                f"removed in Django 5.1 (project uses {linker.version})",
                location,
                self.table_name,
            )
            return
        value = linker.meta_value(info.meta, "index_together", ())
        groups = _field_groups(value) if value else ()
        if groups is None:
            linker.unresolved(
                "Meta.index_together", describe(info.meta["index_together"][0]), location, self.table_name
            )
            return
        for group in groups:
            try:
                columns = self._columns_of(group, location)
            except Unresolved as exc:
                linker.unresolved("index_together field", exc.text, location, self.table_name)
                continue
            self.indexes.append(
                Index(
                    names.create_index_name(self.table_name, list(columns), "_idx"),
                    columns,
                    implicit=True,
                    origin="index",
                    location=location,
                )
            )

    # ------------------------------------------------------------------ Meta.indexes / constraints

    def _call_kind(self, call, module) -> str | None:
        if not isinstance(call, Call) or not call.func:
            return None
        symbol = self.linker.resolver.resolve(module, call.func)
        return symbol.name.rsplit(".", 1)[-1] if symbol.kind == "django" else None

    def _name(self, call: Call, module) -> str | None:
        if not call.has("name"):
            return None
        name = self.linker.resolver.evaluate(module, call.kw("name"))
        if not isinstance(name, str):
            raise Unresolved(describe(call.kw("name")), "name")
        if "%(" not in name:
            return pg_names.truncate_identifier(name)
        try:
            return pg_names.truncate_identifier(
                name % {"app_label": self.info.app_label.lower(), "class": self.info.cls.name.lower()}
            )
        except (KeyError, ValueError, TypeError):
            raise Unresolved(repr(name), "name") from None

    def _meta_items(self, key: str):
        if key not in self.info.meta:
            return []
        value, module, location = self.info.meta[key]
        try:
            items = self.linker.resolver.spliced(module, value)
        except Unresolved:
            self.linker.unresolved(f"Meta.{key}", describe(value), location, self.table_name)
            self.unknown += ["indexes"] if key == "indexes" else ["constraints", "indexes"]
            return []
        places = self.linker.item_locations.get((location.path, location.line, location.col), ())
        if len(places) != len(items) or any(m is not module for _, m in items):
            places = (location,) * len(items)
        return [(item, item_module, place) for (item, item_module), place in zip(items, places)]

    def _meta_indexes(self) -> None:
        for call, module, location in self._meta_items("indexes"):
            try:
                index = self._index(call, module, location)
            except Unresolved as exc:
                self.linker.unresolved(exc.what or "index", exc.text, location, self.table_name)
                self.unknown.append("indexes")
                continue
            self.indexes.append(index)

    def _mptt_index(self) -> None:
        """django-mptt's MPTTModelBase adds `Index(fields=(tree_id, lft))` to the tree model,
        named `truncate_name("<app>_<model>_<tree_id>_<lft>_idx", 30)`, unless Meta.indexes
        has one on those fields."""
        attributes = self.linker.mptt_attributes(self.info)
        if attributes is None:
            return
        fields = (attributes["tree_id_attr"], attributes["left_attr"])
        columns = self._columns_of(list(fields), self.info.location)
        if any(index.columns == tuple(columns) and index.origin == "index" for index in self.indexes):
            return
        name = names.truncate_name(f"{self.info.app_label}_{self.info.model_name}_{fields[0]}_{fields[1]}_idx", 30)
        self.indexes.append(Index(name, tuple(columns), False, origin="index", location=self.info.location))

    def _index(self, call, module, location: Location) -> Index:
        kind = self._call_kind(call, module)
        if kind not in INDEX_CLASSES:
            raise Unresolved(describe(call), "index")
        evaluate = lambda v: self.linker.resolver.evaluate(module, v)  # noqa: E731
        using, suffix = INDEX_CLASSES[kind]
        name = self._name(call, module)
        fields = evaluate(call.kw("fields", ()))
        writer = self.linker.writer(self.info, module, self.by_field)
        columns, orders = [], []
        if fields:
            if isinstance(fields, str) or not all(isinstance(f, str) for f in fields):
                raise Unresolved(describe(call), "index fields (not a list of field names)")
            columns = list(self._columns_of([f.lstrip("-") for f in fields], location))
            orders = ["DESC" if f.startswith("-") else "" for f in fields]
        else:
            for expression in call.args:
                text, order = writer.index_part(expression)
                columns.append(text)
                orders.append(order)
        if not columns:
            raise Unresolved(describe(call), "index")
        implicit = name is None
        if name is None:
            if not fields:
                raise Unresolved(describe(call), "index name")
            name = names.meta_index_name(self.table_name, columns, [o == "DESC" for o in orders], suffix)
        opclasses = tuple(evaluate(call.kw("opclasses", ())))
        include = self._columns_of(evaluate(call.kw("include", ())) or (), location)
        where = writer.condition(call.kw("condition")) if call.kw("condition") is not None else None
        return Index(
            name,
            tuple(columns),
            False,
            where,
            using,
            tuple(orders) if any(orders) else (),
            opclasses,
            include,
            implicit=implicit,
            origin="index",
            location=location,
        )

    def _meta_constraints(self) -> None:
        for call, module, location in self._meta_items("constraints"):
            try:
                self._constraint(call, module, location)
            except Unresolved as exc:
                self.linker.unresolved(exc.what or "constraint", exc.text, location, self.table_name)
                # (a UniqueConstraint with a condition, include or expressions is an index)
                check = self._call_kind(call, module) == "CheckConstraint"
                self.unknown += ["constraints"] if check else ["constraints", "indexes"]

    def _constraint(self, call, module, location: Location) -> None:
        kind = self._call_kind(call, module)
        if kind is None:
            raise Unresolved(describe(call), "constraint")
        evaluate = lambda v: self.linker.resolver.evaluate(module, v)  # noqa: E731
        writer = self.linker.writer(self.info, module, self.by_field)
        name = self._name(call, module)
        if kind == "CheckConstraint":
            condition = call.kw("condition", call.kw("check"))
            if condition is None or name is None:
                raise Unresolved(describe(call), "CheckConstraint")
            self.constraints.append(Constraint(name, "check", (), writer.condition(condition), location=location))
            return
        if kind != "UniqueConstraint":
            raise Unresolved(describe(call), "constraint")
        fields = evaluate(call.kw("fields", ())) or ()
        columns = list(self._columns_of(fields, location))
        if not fields:
            columns = [writer.index_part(e)[0] for e in call.args]
        implicit = name is None
        if name is None:
            name = names.create_index_name(self.table_name, columns, "_uniq")
        condition = call.kw("condition")
        include = self._columns_of(evaluate(call.kw("include", ())) or (), location)
        opclasses = tuple(evaluate(call.kw("opclasses", ())) or ())
        nulls = evaluate(call.kw("nulls_distinct")) if call.has("nulls_distinct") else None
        deferrable = call.kw("deferrable") is not None
        if condition is not None or include or opclasses or not fields or implicit:
            # An unnamed UniqueConstraint (Django refuses it) is kept as an implicit unique
            # index so that SL305 can point at it.
            where = writer.condition(condition) if condition is not None else None
            self.indexes.append(
                Index(
                    name,
                    tuple(columns),
                    True,
                    where,
                    "btree",
                    (),
                    opclasses,
                    include,
                    implicit=implicit,
                    origin="constraint",
                    location=location,
                )
            )
            return
        self.constraints.append(
            Constraint(
                name,
                "unique",
                tuple(columns),
                None,
                nulls if nulls is False else None,
                deferrable,
                implicit=implicit,
                location=location,
            )
        )

    # ------------------------------------------------------------------ many-to-many

    def m2m_tables(self) -> list[Table]:
        tables = []
        for spec in self.m2m:
            try:
                table = self._m2m_table(spec)
            except Unresolved as exc:
                self.linker.unresolved(
                    exc.what or "ManyToManyField", exc.text, spec.location, self.table_name, spec.name
                )
                continue
            if table is not None:
                tables.append(table)
        return tables

    def _m2m_table(self, spec: FieldSpec) -> Table | None:
        linker, info = self.linker, self.info
        if spec.kwargs.get("through") is not None:
            return None
        if spec.hidden_arguments is not None:
            linker.complete = False  # `through=` or `db_table=` may be among them
            raise Unresolved(spec.hidden_arguments, "field arguments")
        target = linker.target(spec, info)
        db_table = linker.kw(spec, "db_table", None)
        table = (
            db_table if isinstance(db_table, str) and db_table else names.truncate_name(f"{info.db_table}_{spec.name}")
        )
        source_name, target_name = info.model_name, target.model_name
        if source_name == target_name:
            source_name, target_name = f"from_{source_name}", f"to_{target_name}"
        # The auto-created through model is rendered by the migration state, whose app configs
        # are stubs: its id follows DEFAULT_AUTO_FIELD, never AppConfig.default_auto_field.
        auto = linker.auto_builtin(linker.project_auto_field(), info)
        id_type = REL_TYPES[auto]
        location = spec.location
        columns = [Column("id", id_type, False, identity="by default", location=location, field_name="id")]
        fks, indexes = [], []
        constraint = linker.kw(spec, "db_constraint", True) is not False
        for column_name, model in ((f"{source_name}_id", info), (f"{target_name}_id", target)):
            ref_column, rel_type, _ = linker.pk_of(model)
            columns.append(Column(column_name, rel_type, False, location=location, field_name=column_name[:-3]))
            if constraint:
                fks.append(
                    ForeignKey(
                        (column_name,),
                        pg_names.truncate_identifier(model.db_table),
                        (ref_column,),
                        "NO ACTION",
                        "CASCADE",
                        deferrable=True,
                        initially_deferred=True,
                        implicit=True,
                        location=location,
                        name=names.fk_constraint_name(table, column_name, model.db_table, ref_column),
                    )
                )
            indexes.append(
                Index(
                    names.create_index_name(table, [column_name]),
                    (column_name,),
                    implicit=True,
                    origin="fk",
                    location=location,
                )
            )
            if _is_like_type(rel_type):
                indexes.append(
                    Index(
                        names.create_index_name(table, [column_name], "_like"),
                        (column_name,),
                        opclasses=("varchar_pattern_ops" if rel_type != "text" else "text_pattern_ops",),
                        implicit=True,
                        origin="like",
                        location=location,
                    )
                )
        pair = [columns[1].name, columns[2].name]
        unique = Constraint(
            names.create_index_name(table, pair, "_uniq"), "unique", tuple(pair), implicit=True, location=location
        )
        pg_table = pg_names.truncate_identifier(table)
        return Table(
            pg_table,
            columns=tuple(columns),
            primary_key=PrimaryKey(("id",), pg_names.make_object_name(pg_table, None, "pkey"), True, location),
            foreign_keys=tuple(fks),
            indexes=tuple(indexes),
            constraints=(unique,),
            location=location,
            model=f"{info.app_label}.{info.cls.name}_{spec.name}",
            managed=info.managed or target.managed,
        )
