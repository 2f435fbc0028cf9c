"""Replaying operations into the project state, as each operation's `state_forwards` does
(django/db/migrations/operations/{models,fields,special}.py, Django 5.2). A model's state is
its fields as the calls written in the migrations and its options: what `ModelState` holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemalint.model import Diagnostic, Location, TablePart
from schemalint.read.django.facts import Call, Mapping, Ref
from schemalint.read.django.names import split_table, truncate_name
from schemalint.read.django.resolve import describe
from schemalint.read.migrations.facts import MigrationFacts, Operation

# Operation -> its positional parameters (the names of `__init__`'s arguments).
PARAMETERS: dict[str, tuple[str, ...]] = {
    "CreateModel": ("name", "fields", "options", "bases", "managers"),
    "DeleteModel": ("name",),
    "RenameModel": ("old_name", "new_name"),
    "AlterModelTable": ("name", "table"),
    "AlterModelTableComment": ("name", "table_comment"),
    "AlterModelOptions": ("name", "options"),
    "AlterModelManagers": ("name", "managers"),
    "AlterUniqueTogether": ("name", "unique_together"),
    "AlterIndexTogether": ("name", "index_together"),
    "AlterOrderWithRespectTo": ("name", "order_with_respect_to"),
    "AddField": ("model_name", "name", "field", "preserve_default"),
    "RemoveField": ("model_name", "name"),
    "AlterField": ("model_name", "name", "field", "preserve_default"),
    "RenameField": ("model_name", "old_name", "new_name"),
    "AddIndex": ("model_name", "index"),
    "AddIndexConcurrently": ("model_name", "index"),
    "RemoveIndex": ("model_name", "name"),
    "RemoveIndexConcurrently": ("model_name", "name"),
    "RenameIndex": ("model_name", "new_name", "old_name", "old_fields"),
    "AddConstraint": ("model_name", "constraint"),
    "AddConstraintNotValid": ("model_name", "constraint"),
    "RemoveConstraint": ("model_name", "name"),
    "AlterConstraint": ("model_name", "name", "constraint"),
    "RunPython": ("code", "reverse_code", "atomic", "hints", "elidable"),
    "RunSQL": ("sql", "reverse_sql", "state_operations", "hints", "elidable"),
    "SeparateDatabaseAndState": ("database_operations", "state_operations"),
}
# django.contrib.postgres operations with no effect on tables (extensions, collations).
NO_TABLE_EFFECT = frozenset(
    {
        "CreateExtension",
        "BtreeGinExtension",
        "BtreeGistExtension",
        "CITextExtension",
        "CryptoExtension",
        "HStoreExtension",
        "TrigramExtension",
        "UnaccentExtension",
        "BloomExtension",
        "CreateCollation",
        "RemoveCollation",
        "ValidateConstraint",
        "AlterModelManagers",
        "RunPython",
    }
)
# AlterModelOptions replaces these keys (AlterModelOptions.ALTER_OPTION_KEYS).
ALTER_OPTION_KEYS = (
    "base_manager_name",
    "default_manager_name",
    "default_related_name",
    "get_latest_by",
    "managed",
    "ordering",
    "permissions",
    "default_permissions",
    "select_on_save",
    "verbose_name",
    "verbose_name_plural",
)
_OPERATION_MODULES = ("django.db.migrations.", "django.contrib.postgres.operations.")
_DML = re.compile(r"^\s*(insert|update|delete|select|truncate|with)\b", re.I)
_ALL_PARTS: tuple[TablePart, ...] = ("columns", "indexes", "constraints")


@dataclass
class FieldState:
    call: object
    location: Location
    born: tuple[str, str] | None = None
    """(table, column) when the field's column was made: the names its implicit index,
    `_like` index, unique and check constraints got, which later renames do not change."""
    fk_born: tuple[str, str, str | None] | None = None
    """(table, column, target table) when its foreign key constraint was (re)made."""


@dataclass
class ModelState:
    app: str
    name: str
    fields: dict[str, FieldState]
    options: dict[str, object]
    location: Location
    option_locations: dict[str, Location] = field(default_factory=dict)
    unknown: list[TablePart] = field(default_factory=list)
    born_table: str | None = None
    """The table when CreateModel made it (its primary key's name)."""
    together_born: dict[str, dict[tuple[str, ...], tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    """unique_together/index_together -> fields of a group -> (table, columns) when made."""

    @property
    def table(self) -> str:
        """The table as the model's state names it now (Options.db_table, truncated)."""
        db_table = self.options.get("db_table")
        if isinstance(db_table, str) and db_table:
            return split_table(db_table)[1]
        return truncate_name(f"{self.app}_{self.name.lower()}")

    def column_was(self, old: str, new: str) -> str:
        """The column of field `new` when it was called `old` (before a RenameField)."""
        column = self.column(new)
        return old + column[len(new) :] if column.startswith(new) and column[len(new) :] in ("", "_id") else column

    def column(self, name: str) -> str:
        """The column the field `name` has now (db_column, or the name, `_id` for a relation)."""
        state = self.fields.get(name)
        call = state.call if state is not None else None
        if isinstance(call, Call):
            db_column = call.kw("db_column")
            if isinstance(db_column, str):
                return db_column
            if _relation(call):
                return f"{name}_id"
        return name


# Field.non_db_attrs: changing only these alters nothing in the database.
_NON_DB_ATTRS = frozenset(
    {
        "blank",
        "choices",
        "db_column",
        "editable",
        "error_messages",
        "help_text",
        "limit_choices_to",
        "on_delete",
        "related_name",
        "related_query_name",
        "validators",
        "verbose_name",
    }
)


def _schema_kwargs(call: object) -> object:
    if not isinstance(call, Call):
        return call
    return (call.func, call.args, tuple(sorted((k, repr(v)) for k, v in call.kwargs if k not in _NON_DB_ATTRS)))


def _preserved(args: dict) -> object:
    """AddField/AlterField's field as the state keeps it: `preserve_default=False` means the
    default only filled the existing rows (state_forwards sets it to NOT_PROVIDED)."""
    field_ = args.get("field")
    if args.get("preserve_default") is False and isinstance(field_, Call) and field_.has("default"):
        return Call(field_.func, field_.args, tuple((k, v) for k, v in field_.kwargs if k != "default"), field_.star)
    return field_


def _relation(call: Call) -> bool:
    """A ForeignKey or OneToOneField (the field makes `<name>_id`)."""
    return (call.func or "").rsplit(".", 1)[-1] in ("ForeignKey", "OneToOneField", "ForeignObject") or (
        call.has("to") and call.has("on_delete")
    )


def operation_kind(call: Call) -> str | None:
    """`CreateModel` for `django.db.migrations.CreateModel(...)` (any module Django exports it
    from); None for a call that is not a Django operation."""
    func = call.func or ""
    if func.startswith(_OPERATION_MODULES):
        return func.rsplit(".", 1)[-1]
    return None


def arguments(call: Call, kind: str) -> dict[str, object]:
    bound = dict(zip(PARAMETERS.get(kind, ()), call.args))
    bound.update(call.kwargs)
    return bound


def _mapping(value: object) -> dict[str, object] | None:
    if isinstance(value, Mapping) and all(isinstance(k, str) for k, _ in value.items):
        return {str(k): v for k, v in value.items}
    return None


class Replay:
    def __init__(self) -> None:
        self.models: dict[tuple[str, str], ModelState] = {}
        self.diagnostics: list[Diagnostic] = []
        self.complete = True
        self.latest: dict[str, str] = {}
        """app label -> the name of its last migration replayed."""

    def unresolved(self, what: str, text: str, where: Location) -> None:
        self.diagnostics.append(Diagnostic("unresolved", f"{what} cannot be resolved statically: {text}", where))

    def migration(self, app: str, facts: MigrationFacts) -> None:
        self.latest[app] = facts.name
        if facts.unknown:
            self.unresolved(
                "Migration attributes", ", ".join(facts.unknown), Location(facts.rel, facts.line, facts.col)
            )
        for operation in facts.operations:
            self.operation(app, operation, facts.rel)
        if "operations" in facts.unknown:  # operations not read may change, or delete, any model of the app
            self.complete = False
            for model in (m for m in self.models.values() if m.app == app):
                model.unknown += (*_ALL_PARTS, "exists")

    def _model(self, app: str, name: object, where: Location) -> ModelState | None:
        model = self.models.get((app, name.lower())) if isinstance(name, str) else None
        if model is None:
            self.unresolved("migration operation on an unknown model", f"{app}.{describe(name)}", where)
        return model

    def operation(self, app: str, operation: Operation, rel: str) -> None:
        where = Location(rel, operation.line, operation.col)
        call = operation.call
        kind = operation_kind(call)
        if kind is None or (kind not in PARAMETERS and kind not in NO_TABLE_EFFECT) or call.star:
            self.unresolved("migration operation", describe(call)[:80], where)
            named = dict(call.kwargs)
            target = named.get("model_name", named.get("name", call.args[0] if call.args else None))
            model = self.models.get((app, target.lower())) if isinstance(target, str) else None
            if model is not None:
                # What it does to the model is unknown: whether the model is still there too
                # (wagtail's `DeleteModelIfExists(migrations.DeleteModel)`).
                model.unknown += (*_ALL_PARTS, "exists")
            else:
                self.complete = False
            return
        if kind in NO_TABLE_EFFECT:
            return
        args = arguments(call, kind)
        handler = getattr(self, "_" + kind, None)
        if handler is None:  # the *Concurrently / NotValid variants share the state of the plain one
            handler = getattr(self, "_" + kind.replace("Concurrently", "").replace("NotValid", ""))
        handler(app, args, where)

    # ------------------------------------------------------------------ models

    def _CreateModel(self, app: str, args: dict, where: Location) -> None:
        name, fields = args.get("name"), args.get("fields", ())
        options = _mapping(args.get("options", Mapping(())))
        if not isinstance(name, str) or not isinstance(fields, tuple) or options is None:
            self.unresolved("CreateModel", describe(name), where)
            self.complete = False
            return
        model = ModelState(app, name, {}, options, where, {key: where for key in options})
        for item in fields:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
                model.fields[item[0]] = FieldState(item[1], where)
            else:
                self.unresolved("CreateModel field", describe(item), where)
                model.unknown.append("columns")
        self.models[(app, name.lower())] = model
        model.born_table = model.table
        for field_name in model.fields:
            self._born(app, model, field_name)
        for option in ("unique_together", "index_together"):
            self._together_born(model, option)

    def _born(self, app: str, model: ModelState, name: str, constraint_only: bool = False) -> None:
        """The field's objects are made now: remember the names they are made with."""
        state = model.fields[name]
        column = model.column(name)
        if not constraint_only:
            state.born = (model.table, column)
        target = self._target(app, state.call)
        state.fk_born = (model.table, column, target.table if target is not None else None)

    def _target(self, app: str, call: object) -> ModelState | None:
        to = call.kw("to") if isinstance(call, Call) else None
        if not isinstance(to, str):
            return None
        label = to if "." in to else f"{app}.{to}"
        target_app, _, target_name = label.partition(".")
        return self.models.get((target_app, target_name.lower()))

    def _together_born(self, model: ModelState, option: str) -> None:
        groups = model.options.get(option)
        made: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
        previous = model.together_born.get(option, {})
        for group in groups if isinstance(groups, tuple) else ():
            if isinstance(group, tuple) and all(isinstance(n, str) for n in group):
                made[group] = previous.get(group) or (model.table, tuple(model.column(n) for n in group))
        model.together_born[option] = made

    def _DeleteModel(self, app: str, args: dict, where: Location) -> None:
        if self._model(app, args.get("name"), where) is not None:
            del self.models[(app, str(args["name"]).lower())]

    def _RenameModel(self, app: str, args: dict, where: Location) -> None:
        old, new = args.get("old_name"), args.get("new_name")
        model = self._model(app, old, where)
        if model is None or not isinstance(new, str):
            return
        del self.models[(app, model.name.lower())]
        before, model.name = f"{app}.{model.name}".lower(), new
        self.models[(app, new.lower())] = model
        for other in self.models.values():  # relations to it now name the new model
            for field_name, state in other.fields.items():
                call = state.call
                if isinstance(call, Call) and isinstance(call.kw("to"), str) and str(call.kw("to")).lower() == before:
                    state.call = Call(
                        call.func,
                        call.args,
                        tuple((k, f"{app}.{new.lower()}" if k == "to" else v) for k, v in call.kwargs),
                        call.star,
                    )
                    # RenameModel alters each field pointing to the model (Options.related_objects:
                    # not a hidden one, `related_name="...+"`): its foreign key constraint is
                    # dropped and made again under the names of now.
                    related_name = call.kw("related_name")
                    if not (isinstance(related_name, str) and related_name.endswith("+")):
                        self._born(other.app, other, field_name, constraint_only=True)

    def _set_option(self, app: str, name: object, key: str, value: object, where: Location) -> None:
        model = self._model(app, name, where)
        if model is None:
            return
        if value is None or value == ():
            model.options.pop(key, None)
        else:
            model.options[key] = value
            model.option_locations[key] = where

    def _AlterModelTable(self, app: str, args: dict, where: Location) -> None:
        self._set_option(app, args.get("name"), "db_table", args.get("table"), where)

    def _AlterModelTableComment(self, app: str, args: dict, where: Location) -> None:
        self._set_option(app, args.get("name"), "db_table_comment", args.get("table_comment"), where)

    def _AlterUniqueTogether(self, app: str, args: dict, where: Location) -> None:
        self._set_option(app, args.get("name"), "unique_together", args.get("unique_together"), where)
        model = self.models.get((app, str(args.get("name")).lower()))
        if model is not None:
            self._together_born(model, "unique_together")

    def _AlterIndexTogether(self, app: str, args: dict, where: Location) -> None:
        self._set_option(app, args.get("name"), "index_together", args.get("index_together"), where)
        model = self.models.get((app, str(args.get("name")).lower()))
        if model is not None:
            self._together_born(model, "index_together")

    def _AlterOrderWithRespectTo(self, app: str, args: dict, where: Location) -> None:
        self._set_option(app, args.get("name"), "order_with_respect_to", args.get("order_with_respect_to"), where)

    def _AlterModelOptions(self, app: str, args: dict, where: Location) -> None:
        model = self._model(app, args.get("name"), where)
        options = _mapping(args.get("options"))
        if model is None:
            return
        if options is None:
            self.unresolved("AlterModelOptions options", describe(args.get("options")), where)
            return
        for key in ALTER_OPTION_KEYS:
            if key not in options:
                model.options.pop(key, None)
        model.options.update(options)
        model.option_locations.update({key: where for key in options})

    # ------------------------------------------------------------------ fields

    def _AddField(self, app: str, args: dict, where: Location) -> None:
        model = self._model(app, args.get("model_name"), where)
        if model is not None and isinstance(args.get("name"), str):
            model.fields[str(args["name"])] = FieldState(_preserved(args), where)
            self._born(app, model, str(args["name"]))

    def _AlterField(self, app: str, args: dict, where: Location) -> None:
        """Replaces the field in place (a dict keeps its position). The column keeps the names
        its objects were made with; a foreign key to another target is made again."""
        model = self._model(app, args.get("model_name"), where)
        name = args.get("name")
        if model is None or not isinstance(name, str):
            return
        before = model.fields.get(name)
        model.fields[name] = FieldState(_preserved(args), where)
        if before is None or before.born is None:
            self._born(app, model, name)
            return
        model.fields[name].born, model.fields[name].fk_born = before.born, before.fk_born
        if _schema_kwargs(before.call) != _schema_kwargs(args.get("field")):
            # BaseDatabaseSchemaEditor._alter_field drops a foreign key constraint whenever the
            # field is altered in the database, and makes it again under the names of now.
            self._born(app, model, name, constraint_only=True)

    def _RemoveField(self, app: str, args: dict, where: Location) -> None:
        model = self._model(app, args.get("model_name"), where)
        if model is not None:
            model.fields.pop(str(args.get("name")).lower(), None)
            model.fields.pop(str(args.get("name")), None)

    def _RenameField(self, app: str, args: dict, where: Location) -> None:
        model = self._model(app, args.get("model_name"), where)
        old, new = args.get("old_name"), args.get("new_name")
        if model is None or not isinstance(old, str) or not isinstance(new, str) or old not in model.fields:
            return
        model.fields = {(new if key == old else key): value for key, value in model.fields.items()}
        if isinstance(model.fields[new].call, Call) and model.column(new) != model.column_was(old, new):
            self._born(app, model, new, constraint_only=True)  # the column changes: the FK is made again
        for option in ("unique_together", "index_together"):
            groups = model.options.get(option)
            if isinstance(groups, tuple):
                model.options[option] = tuple(
                    tuple(new if n == old else n for n in g) if isinstance(g, tuple) else g for g in groups
                )
            model.together_born[option] = {
                tuple(new if n == old else n for n in group): made
                for group, made in model.together_born.get(option, {}).items()
            }
        if model.options.get("order_with_respect_to") == old:
            model.options["order_with_respect_to"] = new

    # ------------------------------------------------------------------ indexes and constraints

    def _add_item(self, app: str, args: dict, key: str, argument: str, where: Location) -> None:
        model = self._model(app, args.get("model_name"), where)
        if model is not None:
            items = model.options.get(key, ())
            model.options[key] = (items if isinstance(items, tuple) else ()) + (args.get(argument),)
            model.option_locations[key] = where

    def _remove_item(self, app: str, args: dict, key: str, where: Location) -> None:
        model = self._model(app, args.get("model_name"), where)
        if model is not None:
            items = model.options.get(key, ())
            model.options[key] = tuple(
                i
                for i in (items if isinstance(items, tuple) else ())
                if not (isinstance(i, Call) and i.kw("name") == args.get("name"))
            )

    def _AddIndex(self, app: str, args: dict, where: Location) -> None:
        self._add_item(app, args, "indexes", "index", where)

    def _RemoveIndex(self, app: str, args: dict, where: Location) -> None:
        self._remove_item(app, args, "indexes", where)

    def _RenameIndex(self, app: str, args: dict, where: Location) -> None:
        model = self._model(app, args.get("model_name"), where)
        if model is None:
            return
        new, old, old_fields = args.get("new_name"), args.get("old_name"), args.get("old_fields")
        items = model.options.get("indexes", ())
        items = items if isinstance(items, tuple) else ()
        if old is not None:
            model.options["indexes"] = tuple(
                Call(i.func, i.args, tuple((k, new if k == "name" else v) for k, v in i.kwargs), i.star)
                if isinstance(i, Call) and i.kw("name") == old
                else i
                for i in items
            )
            return
        # An unnamed index_together entry becomes a named Index.
        groups = model.options.get("index_together", ())
        if isinstance(groups, tuple) and isinstance(old_fields, tuple):
            model.options["index_together"] = tuple(g for g in groups if g != old_fields)
        model.options["indexes"] = items + (
            Call("django.db.models.Index", (), (("fields", old_fields), ("name", new))),
        )

    def _AddConstraint(self, app: str, args: dict, where: Location) -> None:
        self._add_item(app, args, "constraints", "constraint", where)

    def _RemoveConstraint(self, app: str, args: dict, where: Location) -> None:
        self._remove_item(app, args, "constraints", where)

    def _AlterConstraint(self, app: str, args: dict, where: Location) -> None:
        self._remove_item(app, args, "constraints", where)
        self._add_item(app, args, "constraints", "constraint", where)

    # ------------------------------------------------------------------ special

    def _RunPython(self, app: str, args: dict, where: Location) -> None:
        pass

    def _state_operations(self, app: str, value: object, where: Location) -> None:
        for item in value if isinstance(value, tuple) else ():
            self.operation(
                app,
                Operation(item, where.line, where.col)
                if isinstance(item, Call)
                else Operation(Call(None, (item,)), where.line, where.col),
                where.path,
            )

    def _RunSQL(self, app: str, args: dict, where: Location) -> None:
        self._state_operations(app, args.get("state_operations", ()), where)
        sql = args.get("sql")
        if not _only_data(sql):
            self.unresolved("RunSQL (its SQL is not applied to the schema)", describe(sql)[:80], where)
            self.complete = False

    def _SeparateDatabaseAndState(self, app: str, args: dict, where: Location) -> None:
        state, database = args.get("state_operations", ()), args.get("database_operations", ())
        self._state_operations(app, state, where)
        if state != database:
            self.unresolved(
                "SeparateDatabaseAndState (the database operations are not replayed; the state's are)",
                describe(database)[:80],
                where,
            )
            self.complete = False


def _only_data(sql: object) -> bool:
    """Whether RunSQL's SQL only reads or changes rows (INSERT/UPDATE/...), or is a no-op."""
    if isinstance(sql, Ref) and sql.dotted.endswith("RunSQL.noop"):
        return True
    if isinstance(sql, str):
        statements = [s for s in (_strip_comments(part) for part in sql.split(";")) if s]
        return all(_DML.match(s) for s in statements)
    if isinstance(sql, tuple):
        return all(_only_data(item[0] if isinstance(item, tuple) and item else item) for item in sql)
    return False


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines()).strip()
