"""Table specs → the schema model: what `metadata.create_all()` creates on PostgreSQL, with the
names the database ends up with."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import get_args

from schemalint.model import (
    Column,
    ColumnPart,
    Constraint,
    Diagnostic,
    ForeignKey,
    Index,
    Location,
    PrimaryKey,
    Table,
    TablePart,
)
from schemalint.postgres.names import choose_constraint_name
from schemalint.read.sqlalchemy.clauses import clause_sql
from schemalint.read.sqlalchemy.declare import ColSpec, Declarations, FKSpec, MetaInfo, TableSpec
from schemalint.read.sqlalchemy.names import (
    ConventionError,
    apply_convention,
    serial_sequence,
    truncate_convention_name,
)
from schemalint.read.sqlalchemy.resolve import AttrOf, Call, ClassRef, Ext, Invert, MemberRef, SqlOp, Union, Unresolved
from schemalint.read.sqlalchemy.sqltext import NotStatic, default_display, generated_display, predicate_display, render
from schemalint.read.sqlalchemy.sqltypes import TypeInfo

_SERIAL_FAMILIES = {"integer", "bigint", "smallint"}
_TABLE_PARTS: tuple[TablePart, ...] = get_args(TablePart)
_COLUMN_PARTS: tuple[ColumnPart, ...] = get_args(ColumnPart)


class Builder:
    def __init__(self, declarations: Declarations):
        self.decl = declarations
        self.diagnostics: list[Diagnostic] = []
        self.tables_by_name: dict[tuple[str | None, str], TableSpec] = {}

    def warn(
        self, message: str, location: Location | None, table: str | None = None, column: str | None = None
    ) -> None:
        self.diagnostics.append(Diagnostic("unresolved", message, location or Location("", 1, 1), table, column))

    def build(self) -> list[Table]:
        for spec in self.decl.tables:
            self.tables_by_name.setdefault((spec.schema, spec.name), spec)
        for spec in self.decl.tables:
            self._fk_types(spec)
        return [self._table(spec) for spec in self.decl.tables]

    # ------------------------------------------------------------------ foreign keys

    def _target(self, target, spec: TableSpec) -> tuple[TableSpec | None, str | None, str | None, str | None]:
        """(referenced table spec, schema, table name, column name) of a ForeignKey target."""
        if isinstance(target, str):
            parts = target.split(".")
            if len(parts) < 2:
                return None, None, None, None
            schema = ".".join(parts[:-2]) or None
            table, column = parts[-2], parts[-1]
            ref = self.tables_by_name.get((schema, table)) or (None if schema else self._by_bare_name(table))
            return ref, schema if schema else (ref.schema if ref else None), table, column
        if isinstance(target, MemberRef) and len(target.path) == 1:
            ref = (
                self.decl.mapped_class(target.owner) if target.owner.module.rel in self.decl.resolver.modules else None
            )
            ref = ref or self.decl.by_class.get(target.owner.key)
            if ref is None:
                return None, None, None, None
            key_column = _column_for_key(ref, target.path[0])
            return ref, ref.schema, ref.name, key_column
        if isinstance(target, AttrOf) and len(target.path) == 2 and target.path[0] in ("c", "columns"):
            table_call = target.base
            if (
                isinstance(table_call, Call)
                and table_call.sa == "Table"
                and table_call.args
                and isinstance(table_call.args[0], str)
            ):
                name = table_call.args[0]
                ref = self._by_bare_name(name)
                return ref, ref.schema if ref else None, name, target.path[1]
        return None, None, None, None

    def _by_bare_name(self, name: str) -> TableSpec | None:
        for (schema, table), spec in self.tables_by_name.items():
            if table == name and schema is None:
                return spec
        for (_, table), spec in self.tables_by_name.items():
            if table == name:
                return spec
        return None

    def _fk_types(self, spec: TableSpec, visiting: frozenset[int] = frozenset()) -> None:
        """A column without a type takes the type of the column its ForeignKey references."""
        for column in spec.columns.values():
            if column.type_info is not None or column.type_problem or not column.foreign_keys or id(column) in visiting:
                continue
            target = column.foreign_keys[0].target
            ref, _, table, name = self._target(target, spec)
            referenced = ref.columns.get(name) if ref is not None and name else None
            if (
                ref is not None
                and referenced is not None
                and referenced.type_info is None
                and not referenced.type_problem
            ):
                self._fk_types(ref, visiting | {id(column)})
            if referenced is not None and referenced.type_info is not None:
                column.type_info = referenced.type_info  # the type only: SERIAL-ness is per column
            elif referenced is not None and referenced.type_problem:
                column.type_problem = referenced.type_problem
                column.type_explained = True  # (the referenced column's SL002 says why)
            elif table is None or name is None:
                column.type_from_fk = True
                column.type_problem = (
                    f"column {column.name}: type comes from foreign key {_fk_text(target)}, "
                    "which cannot be resolved statically; its reference is not compared either"
                )
            else:
                column.type_problem = (
                    f"column {column.name}: type comes from the referenced column {table}.{name}, "
                    "which is not in the models read"
                )

    # ------------------------------------------------------------------ tables

    def _table(self, spec: TableSpec) -> Table:
        taken: set[str] = set()
        items = self._table_items(spec)
        pk_columns, pk_name = self._primary_key(spec, items)
        autoinc = self._autoincrement_column(spec, pk_columns)
        primary_key = None
        if pk_columns:
            name, implicit = self._name(spec, "pk", pk_name, pk_columns, taken, label="pkey", no_columns=True)
            primary_key = PrimaryKey(tuple(pk_columns), name, implicit, spec.location)
        foreign_keys = self._foreign_keys(spec, items, taken)
        columns = tuple(
            self._column(spec, c, pk_columns, c is autoinc)
            for c in spec.columns.values()
            if c.type_info or c.type_problem
        )
        indexes: list[Index] = []
        constraints: list[Constraint] = []
        for column in spec.columns.values():
            self._column_objects(spec, column, indexes, constraints, taken)
        for call, location in items:
            self._table_object(spec, call, location, indexes, constraints, taken)
        return Table(
            name=spec.name,
            schema=spec.schema if spec.schema and spec.schema != "public" else None,
            columns=columns,
            primary_key=primary_key,
            foreign_keys=tuple(foreign_keys),
            indexes=tuple(indexes),
            constraints=tuple(constraints),
            comment=spec.comment,
            location=spec.location,
            name_location=spec.name_location,
            model=spec.model,
            mirrors=spec.mirrors,
            unknown=tuple(p for p in _TABLE_PARTS if p in spec.unknown),
        )

    def _table_items(self, spec: TableSpec) -> list:
        items = []
        for call, location in spec.items:
            if isinstance(call, Call):
                created = self._on_postgresql(spec, call, location)
                if created is not None:
                    items.append((created, location))
        return items

    def _on_postgresql(self, spec: TableSpec, call: Call, location) -> Call | None:
        """The object `call` builds when create_all runs on PostgreSQL: `Index(...).ddl_if(
        dialect="sqlite")` builds nothing there, `.ddl_if(dialect="postgresql")` (or a tuple
        naming it) the index; a `callable_` or `state` decides when the code runs (None, and
        the table's indexes and constraints unknown)."""
        while isinstance(call.func, AttrOf) and call.func.path == ("ddl_if",) and isinstance(call.func.base, Call):
            dialect = call.args[0] if call.args else call.kwargs.get("dialect")
            dialects: tuple = (dialect,) if isinstance(dialect, str) else tuple(dialect or ())
            runtime = len(call.args) > 1 or any(call.kwargs.get(k) is not None for k in ("callable_", "state"))
            if runtime or not (
                isinstance(dialect, (str, tuple, list, type(None))) and all(isinstance(d, str) for d in dialects)
            ):
                spec.unknown.update(("indexes", "constraints"))
                self.warn(
                    f"table {spec.name}: '{call.text}' decides when the code runs whether it is created; the "
                    "table's indexes and constraints are not compared",
                    location,
                    spec.name,
                )
                return None
            if dialect is not None and "postgresql" not in dialects:
                return None
            call = call.func.base
        return call

    def _column_names(self, spec: TableSpec, values, location, what: str, part: str) -> list[str] | None:
        """The column names of a table-level object; None (and `part` of the table unknown)
        when one cannot be resolved."""
        names = []
        for value in values:
            if isinstance(value, str):
                names.append(_column_for_key(spec, value) or value)
            elif isinstance(value, MemberRef) and len(value.path) == 1:
                names.append(_column_for_key(spec, value.path[0]) or value.path[0])
            elif isinstance(value, AttrOf) and len(value.path) == 2 and value.path[0] in ("c", "columns"):
                names.append(value.path[1])
            else:
                spec.unknown.add(part)
                self.warn(
                    f"table {spec.name}: {what} column {_show(value)} cannot be resolved statically; "
                    f"its {part.replace('_', ' ')} are not compared",
                    location,
                    spec.name,
                )
                return None
        return names

    def _primary_key(self, spec: TableSpec, items) -> tuple[list[str], str | None]:
        for call, location in items:
            if call.sa == "PrimaryKeyConstraint":
                names = self._column_names(spec, call.args, location, "primary key", "primary_key")
                name = call.kwargs.get("name")
                if names is not None:
                    return names, name if isinstance(name, str) else None
        return [c.name for c in spec.columns.values() if c.primary_key], None

    def _autoincrement_column(self, spec: TableSpec, pk_columns: list[str]) -> ColSpec | None:
        """Table._autoincrement_column + the PostgreSQL dialect's SERIAL condition."""
        candidates = [spec.columns[n] for n in pk_columns if n in spec.columns]
        if len(candidates) == 1:
            column = candidates[0]
            if column.autoincrement not in (True, "auto", "ignore_fk"):
                return None
        else:
            flagged = [c for c in candidates if c.autoincrement is True]
            if len(flagged) != 1:
                return None
            column = flagged[0]
        explicit = column.autoincrement is True
        info = column.type_info
        if info is None or info.family not in _SERIAL_FAMILIES:
            return None
        if column.python_default and not explicit:
            return None
        if column.server_default is not None and not explicit:
            return None
        if column.foreign_keys and column.autoincrement not in (True, "ignore_fk"):
            return None
        if column.identity is not None or column.python_default or column.sequence:
            return None
        return column

    def _column(self, spec: TableSpec, column: ColSpec, pk_columns: list[str], serial: bool) -> Column:
        in_pk = column.name in pk_columns
        if column.type_info is None:
            return self._untyped_column(spec, column, pk_columns)
        info = column.type_info
        default = None
        identity = None
        generated = None
        if serial:
            sequence = serial_sequence(spec.name, column.name)
            parts = [spec.schema, sequence] if spec.schema and spec.schema != "public" else [sequence]
            qualified = ".".join(_quote_identifier(p) for p in parts)
            default = f"nextval('{qualified}'::regclass)"
        elif column.identity is not None:
            identity = "always" if column.identity.kwargs.get("always") is True else "by default"
        elif column.computed is not None:
            generated = self._computed(spec, column, column.computed)
        elif column.server_default is not None:
            default = self._server_default(spec, column, info)
        nullable = bool(column.nullable) and not in_pk and not serial and identity is None
        return Column(
            name=column.name,
            type=info.pg,
            nullable=nullable,
            default=default,
            identity=identity,
            generated=generated,
            comment=column.comment,
            location=column.location,
            field_name=column.key or None,
            unknown=_column_parts(column.unknown),
        )

    def _untyped_column(self, spec: TableSpec, column: ColSpec, pk_columns: list[str]) -> Column:
        """A column whose type cannot be resolved: kept, its type unknown (and its default,
        when the type alone decides whether it is a SERIAL)."""
        unknown = ["type", *column.unknown]
        may_be_serial = (
            pk_columns == [column.name]
            and column.autoincrement in (True, "auto", "ignore_fk")
            and column.identity is None
            and column.server_default is None
            and not column.sequence
        )
        if may_be_serial:
            unknown.append("default")
        if not column.type_explained:
            self.warn(
                f"{column.type_problem or f'column {column.name}: type unknown'}; its type is not compared",
                column.location,
                spec.name,
                column.name,
            )
        return Column(
            name=column.name,
            type="",
            nullable=bool(column.nullable) and column.name not in pk_columns and column.identity is None,
            identity=None
            if column.identity is None
            else "always"
            if column.identity.kwargs.get("always") is True
            else "by default",
            comment=column.comment,
            location=column.location,
            field_name=column.key or None,
            unknown=_column_parts(unknown),
        )

    def _computed(self, spec: TableSpec, column: ColSpec, computed: Call) -> str | None:
        sql = computed.args[0] if computed.args else computed.kwargs.get("sqltext")
        try:
            types = {c.name: c.type_info.pg for c in spec.columns.values() if c.type_info is not None}
            return generated_display(render(sql, strings_are="sql"), types)
        except NotStatic as exc:
            column.unknown.append("generated")
            self.warn(
                f"column {column.name}: Computed expression {exc}; not compared",
                column.location,
                spec.name,
                column.name,
            )
            return None

    def _server_default(self, spec: TableSpec, column: ColSpec, info: TypeInfo) -> str | None:
        value = column.server_default
        if isinstance(value, Call) and value.sa == "FetchedValue":
            return None
        if self.decl.resolver.str_enum(value):  # a `str` Enum member is the string it is
            value = self.decl.resolver.enum_value(value)
        if isinstance(value, Call) and isinstance(value.func, ClassRef) and not value.args and not value.kwargs:
            compiled = self.decl.resolver.compiled_sql(value.func)  # a FunctionElement with @compiles
            if compiled is not None:
                value = (
                    Call(Ext("sqlalchemy.text"), (compiled,), {}, value.text) if isinstance(compiled, str) else compiled
                )
        try:
            if isinstance(value, MemberRef):  # a class attribute SQLAlchemy would not take as SQL
                raise NotStatic(f"'{'.'.join((value.owner.facts.name, *value.path))}'", "not a string")
            sql = render(value, strings_are="literal")
        except NotStatic as exc:
            column.unknown.append("default")
            self.warn(
                f"column {column.name}: server_default {exc}; not compared", column.location, spec.name, column.name
            )
            return None
        return default_display(sql, info.pg, info.family)

    # ------------------------------------------------------------------ names

    def _name(
        self,
        spec: TableSpec,
        kind: str,
        given: str | None,
        columns: list[str],
        taken: set[str],
        *,
        label: str,
        no_columns: bool = False,
        referred: tuple[str | None, list[str]] | None = None,
        location: Location | None = None,
    ) -> tuple[str, bool]:
        """(name, implicit): the naming convention's name, the given one, or PostgreSQL's."""
        convention = spec.metadata.naming_convention.get(kind)
        if convention and (given is None or "%(constraint_name)s" in convention):
            try:
                name = apply_convention(
                    convention,
                    table=spec.name,
                    schema=spec.schema,
                    columns=columns,
                    name=given,
                    referred_table=referred[0] if referred else None,
                    referred_columns=referred[1] if referred else None,
                )
                name = truncate_convention_name(name)
                taken.add(name)
                # a convention's name for an unnamed object: nobody wrote it for this object
                return name, given is None
            except ConventionError as exc:
                self.warn(f"table {spec.name}: {exc}", location or spec.location, spec.name)
        if given:
            taken.add(given)
            return given, False
        return choose_constraint_name(spec.name, None if no_columns else columns, label, taken), True

    def _index_name(self, spec: TableSpec, given: str | None, columns: list[str], location) -> tuple[str, bool]:
        convention = spec.metadata.naming_convention.get("ix", "ix_%(column_0_label)s")
        if given is None or "%(constraint_name)s" in convention:
            try:
                name = apply_convention(convention, table=spec.name, schema=spec.schema, columns=columns, name=given)
                return truncate_convention_name(name), given is None
            except ConventionError as exc:
                self.warn(f"table {spec.name}: {exc}", location, spec.name)
        return (given or f"ix_{spec.name}"), False

    # ------------------------------------------------------------------ keys, indexes, constraints

    def _foreign_keys(self, spec: TableSpec, items, taken: set[str]) -> list[ForeignKey]:
        result = []
        for column in spec.columns.values():
            for fk in column.foreign_keys:
                built = self._foreign_key(spec, fk, [column.name], [fk.target], taken, column)
                if built is not None:
                    result.append(built)
        for call, location in items:
            if call.sa != "ForeignKeyConstraint":
                continue
            local = call.args[0] if call.args else call.kwargs.get("columns")
            remote = call.args[1] if len(call.args) > 1 else call.kwargs.get("refcolumns")
            if not isinstance(local, tuple) or not isinstance(remote, tuple):
                spec.unknown.add("foreign_keys")
                self.warn(
                    f"table {spec.name}: ForeignKeyConstraint columns cannot be resolved statically; "
                    "its foreign keys are not compared",
                    location,
                    spec.name,
                )
                continue
            names = self._column_names(spec, local, location, "foreign key", "foreign_keys")
            if names is None:
                continue
            fk = self.decl.foreign_key(Call(call.func, (None,), call.kwargs, call.text), location)
            built = self._foreign_key(spec, fk, names, list(remote), taken)
            if built is not None:
                result.append(built)
        return result

    def _foreign_key(
        self,
        spec: TableSpec,
        fk: FKSpec,
        columns: list[str],
        targets: list,
        taken: set[str],
        owner: ColSpec | None = None,
    ) -> ForeignKey | None:
        """The foreign key; None when a target cannot be resolved (then the owning column's
        `references`, or the table's foreign keys, are unknown)."""
        ref_table: str | None = None
        ref_schema: str | None = None
        ref_columns: list[str] = []
        for target in targets:
            ref, schema, table, column = self._target(target, spec)
            if table is None or column is None:
                if owner is not None:
                    owner.unknown.append("references")
                    if owner.type_from_fk:
                        return None  # (said by the column's type SL002)
                else:
                    spec.unknown.add("foreign_keys")
                self.warn(
                    f"table {spec.name}: foreign key target {_fk_text(target)} cannot be resolved statically; "
                    "not compared",
                    fk.location,
                    spec.name,
                    columns[0],
                )
                return None
            ref_table, ref_schema = table, schema
            ref_columns.append(column)
        if ref_table is None:
            return None  # no target column: nothing to create
        name, implicit = self._name(
            spec, "fk", fk.name, columns, taken, label="fkey", referred=(ref_table, ref_columns), location=fk.location
        )
        return ForeignKey(
            columns=tuple(columns),
            ref_table=ref_table,
            ref_columns=tuple(ref_columns),
            on_delete=fk.ondelete or "NO ACTION",
            on_update=fk.onupdate or "NO ACTION",
            deferrable=fk.deferrable,
            initially_deferred=fk.initially_deferred,
            name=name,
            implicit=implicit,
            ref_schema=ref_schema if ref_schema and ref_schema != "public" else None,
            location=fk.location,
        )

    def _column_objects(
        self, spec: TableSpec, column: ColSpec, indexes: list, constraints: list, taken: set[str]
    ) -> None:
        if "indexes" in column.unknown:
            spec.unknown.add("indexes")
        if column.index:
            name, implicit = self._index_name(spec, None, [column.name], column.location)
            indexes.append(
                Index(
                    name,
                    (column.name,),
                    unique=bool(column.unique),
                    implicit=implicit,
                    origin="db_index",
                    location=column.location,
                )
            )
        elif column.unique:
            name, implicit = self._name(spec, "uq", None, [column.name], taken, label="key", location=column.location)
            constraints.append(Constraint(name, "unique", (column.name,), implicit=implicit, location=column.location))
        for check in column.checks:
            self._check(spec, check, column.location, constraints, taken, column_name=column.name)
        enum = column.type_info.enum if column.type_info is not None else None
        if enum is not None and not enum.native and enum.create_constraint:
            values = ", ".join("'" + v.replace("'", "''") + "'" for v in enum.values)
            sql = f"{column.name} IN ({values})"
            ck_name = spec.metadata.naming_convention.get("ck") and enum.name
            self._check_sql(spec, sql, ck_name, column.location, constraints, taken, column_name=column.name)

    def _check(
        self, spec: TableSpec, call: Call, location, constraints: list, taken: set[str], column_name: str | None = None
    ) -> None:
        sql = call.args[0] if call.args else call.kwargs.get("sqltext")
        try:
            text = _check_text(sql, lambda ref: self._column_of(spec, ref))
        except NotStatic as exc:
            spec.unknown.add("constraints")
            self.warn(
                f"table {spec.name}: CheckConstraint {exc}; the table's constraints are not compared",
                location,
                spec.name,
            )
            return
        name = call.kwargs.get("name")
        self._check_sql(spec, text, name if isinstance(name, str) else None, location, constraints, taken, column_name)

    def _check_sql(self, spec, text, name, location, constraints, taken, column_name=None) -> None:
        types = {c.name: c.type_info.pg for c in spec.columns.values() if c.type_info is not None}
        expression, used = predicate_display(text, types)
        order = list(types)
        used = sorted(set(used), key=lambda c: order.index(c) if c in order else len(order))
        convention_columns = [column_name] if column_name else used
        if (
            name is None
            and spec.metadata.naming_convention.get("ck")
            and "%(constraint_name)s" not in spec.metadata.naming_convention["ck"]
        ):
            final, implicit = self._name(spec, "ck", None, convention_columns, taken, label="check", location=location)
        elif name is None:
            final, implicit = choose_constraint_name(spec.name, used if len(used) == 1 else None, "check", taken), True
        else:
            final, implicit = self._name(spec, "ck", name, convention_columns, taken, label="check", location=location)
        constraints.append(
            Constraint(final, "check", tuple(used), expression=expression, implicit=implicit, location=location)
        )

    def _table_object(
        self, spec: TableSpec, call: Call, location, indexes: list, constraints: list, taken: set[str]
    ) -> None:
        kind = call.sa
        if kind == "Index":
            self._index(spec, call, location, indexes)
        elif kind == "UniqueConstraint":
            names = self._column_names(spec, call.args, location, "unique constraint", "constraints")
            if names is None:
                return
            given = call.kwargs.get("name")
            name, implicit = self._name(
                spec, "uq", given if isinstance(given, str) else None, names, taken, label="key", location=location
            )
            nulls = call.kwargs.get("postgresql_nulls_not_distinct")
            constraints.append(
                Constraint(
                    name,
                    "unique",
                    tuple(names),
                    nulls_distinct=False if nulls is True else None,
                    deferrable=call.kwargs.get("deferrable") is True,
                    implicit=implicit,
                    location=location,
                )
            )
        elif kind == "CheckConstraint":
            self._check(spec, call, location, constraints, taken)
        elif kind in ("PrimaryKeyConstraint", "ForeignKeyConstraint"):
            return
        else:
            spec.unknown.update(("indexes", "constraints"))
            self.warn(
                f"table {spec.name}: table argument '{call.text}' is not understood; the table's indexes and "
                "constraints are not compared",
                location,
                spec.name,
            )

    def _index(self, spec: TableSpec, call: Call, location, indexes: list) -> None:
        given = call.args[0] if call.args and (isinstance(call.args[0], str) or call.args[0] is None) else None
        parts = call.args[1:] if call.args and (isinstance(call.args[0], str) or call.args[0] is None) else call.args
        types = {c.name: c.type_info.pg for c in spec.columns.values() if c.type_info is not None}
        columns, orders, opclasses = [], [], []
        given_ops = call.kwargs.get("postgresql_ops")
        ops = given_ops if isinstance(given_ops, dict) else {}
        for part in parts:
            rendered = self._index_part(spec, part, types)
            if rendered is None:
                spec.unknown.add("indexes")
                self.warn(
                    f"table {spec.name}: index part {_show(part)} cannot be resolved statically; the table's "
                    "indexes are not compared",
                    location,
                    spec.name,
                )
                return
            column, order = rendered
            columns.append(column)
            orders.append(order)
            opclasses.append(ops.get(column, "") if isinstance(ops.get(column, ""), str) else "")
        where_value = call.kwargs.get("postgresql_where")
        where = None
        unknown: tuple = ()
        if where_value is not None:
            try:
                where, _ = predicate_display(clause_sql(where_value, lambda ref: self._column_of(spec, ref)), types)
            except NotStatic as exc:
                unknown = ("where",)
                self.warn(
                    f"table {spec.name}: postgresql_where {exc}; the index's condition is not compared",
                    location,
                    spec.name,
                )
        include = call.kwargs.get("postgresql_include")
        using = call.kwargs.get("postgresql_using")
        name, implicit = self._index_name(spec, given, columns, location)
        indexes.append(
            Index(
                name=name,
                columns=tuple(columns),
                unique=call.kwargs.get("unique") is True,
                where=where,
                using=using.lower() if isinstance(using, str) else "btree",
                orders=tuple(orders) if any(orders) else (),
                opclasses=tuple(opclasses) if any(opclasses) else (),
                include=tuple(include)
                if isinstance(include, tuple) and all(isinstance(i, str) for i in include)
                else (),
                implicit=implicit,
                origin="index",
                location=location,
                unknown=unknown,
            )
        )

    def _column_of(self, spec: TableSpec, ref) -> str | None:
        """The column a reference in an expression names (`Model.attr` of this table's class or
        of an unmapped mixin, `t.c.name` of this Table), if it is one of this table's."""
        if isinstance(ref, MemberRef) and len(ref.path) == 1:
            owner_table = self.decl.by_class.get(ref.owner.key)
            if owner_table is spec or (owner_table is None and not self.decl.is_mapped(ref.owner)):
                return _column_for_key(spec, ref.path[0])
            return None
        table_call = ref.base if isinstance(ref, AttrOf) else None
        if (
            isinstance(table_call, Call)
            and table_call.sa == "Table"
            and table_call.args[:1] == (spec.name,)
            and len(ref.path) == 2
            and ref.path[0] in ("c", "columns")
            and ref.path[1] in spec.columns
        ):
            return ref.path[1]
        return None

    def _index_part(self, spec: TableSpec, part, types: dict[str, str]) -> tuple[str, str] | None:
        if isinstance(part, str):
            return _column_for_key(spec, part) or part, ""
        if isinstance(part, MemberRef) and len(part.path) == 1:
            return _column_for_key(spec, part.path[0]) or part.path[0], ""
        if isinstance(part, AttrOf) and len(part.path) == 2 and part.path[0] in ("c", "columns"):
            return part.path[1], ""
        if isinstance(part, Call) and part.sa in ("desc", "asc") and part.args:
            inner = self._index_part(spec, part.args[0], types)
            return (inner[0], "DESC" if part.sa == "desc" else "") if inner else None
        if isinstance(part, Call) and isinstance(part.func, MemberRef) and part.func.path[-1] in ("desc", "asc"):
            inner = self._index_part(spec, MemberRef(part.func.owner, part.func.path[:-1]), types)
            return (inner[0], "DESC" if part.func.path[-1] == "desc" else "") if inner else None
        if isinstance(part, Call) and isinstance(part.func, AttrOf) and part.func.path[-1] in ("desc", "asc"):
            inner = self._index_part(spec, AttrOf(part.func.base, part.func.path[:-1]), types)
            return (inner[0], "DESC" if part.func.path[-1] == "desc" else "") if inner else None
        if isinstance(part, Call) and part.sa is not None and part.sa.startswith("func.") and len(part.args) == 1:
            inner = self._index_part(spec, part.args[0], types)
            if inner is None:
                return None
            column = inner[0]
            arg = f"{column}::text" if types.get(column, "").startswith("character varying") else column
            return f"{part.sa[len('func.') :]}({arg})", ""
        if isinstance(part, Call) and part.sa in ("text", "literal_column"):
            text = part.args[0] if part.args and isinstance(part.args[0], str) else None
            if text is None:
                return None
            order = re.search(r"\s+(asc|desc)$", text.strip(), re.I)
            if order:  # text("name DESC"): the direction is the index's, not the expression's
                return _index_expression(text.strip()[: order.start()], types), order.group(1).upper().replace(
                    "ASC", ""
                )
            return _index_expression(text, types), ""
        return None


def _quote_identifier(name: str) -> str:
    """quote_identifier(): PostgreSQL prints a name that is not plain lowercase in quotes."""
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _index_expression(text: str, types: dict[str, str]) -> str:
    """pg_get_indexdef's spelling of a simple `func(col)` expression; else the text as written."""
    stripped = text.strip()
    if stripped in types:
        return stripped
    match = re.match(r"^(\w+)\(\s*(\w+)\s*\)$", stripped)
    if match and match.group(2) in types:
        column = match.group(2)
        arg = f"{column}::text" if types[column].startswith("character varying") else column
        return f"{match.group(1).lower()}({arg})"
    return stripped


def _check_text(sql, column_of) -> str:
    """The SQL of a CHECK: text as written, or a Python expression (`price > 0`) compiled."""
    if isinstance(sql, (SqlOp, Invert, Union)) or (isinstance(sql, Call) and sql.sa in ("and_", "or_", "not_")):
        return clause_sql(sql, column_of)
    return render(sql, strings_are="sql")


def _column_parts(parts: Collection[str]) -> tuple[ColumnPart, ...]:
    """Column parts in model order, each once."""
    return tuple(p for p in _COLUMN_PARTS if p in parts)


def _column_for_key(spec: TableSpec, key: str) -> str | None:
    if key in spec.columns:
        return key
    for column in spec.columns.values():
        if column.key == key:
            return column.name
    return None


def _fk_text(target) -> str:
    if isinstance(target, str):
        return repr(target)
    if isinstance(target, MemberRef):
        return f"{target.owner.facts.name}.{'.'.join(target.path)}"
    if isinstance(target, Unresolved):
        return f"'{target.text}'" + (f" ({target.reason})" if target.reason != Unresolved.reason else "")
    if isinstance(target, Call):
        return f"'{target.text}'"
    return repr(target)


def _show(value) -> str:
    if isinstance(value, Unresolved):
        return f"'{value.text}'"
    if isinstance(value, Call):
        return f"'{value.text}'"
    if isinstance(value, ClassRef):
        return value.facts.name
    return repr(value)


__all__ = ["Builder", "MetaInfo"]
