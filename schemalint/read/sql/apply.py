"""`link`: apply every file's operations in order, as PostgreSQL would run them, and freeze the
final state into a `Schema`.

The catalog here is a small mutable model of what PostgreSQL keeps: tables with columns,
constraints and indexes, plus the names taken in each schema (relations: tables, indexes,
sequences; constraints), because the names PostgreSQL chooses for unnamed objects depend on
them. A statement PostgreSQL would reject (an ALTER of a missing table, ADD COLUMN of a
column that exists) changes nothing and becomes an SL402 diagnostic at its line, as psql
would go on after printing the error. A statement with several ALTER actions is all or
nothing, like in PostgreSQL.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, get_args

from schemalint.model import (
    Column,
    ColumnPart,
    Constraint,
    Diagnostic,
    EnumType,
    ForeignKey,
    Index,
    Location,
    PrimaryKey,
    Schema,
    Statement,
    Table,
    TablePart,
)
from schemalint.postgres.keywords import quote_ident as quote_identifier
from schemalint.postgres.names import choose_name, index_column_names, join_column_names
from schemalint.postgres.printer import (
    Resolver,
    column_refs,
    is_null,
    print_expr,
    print_index_part,
    rename_column,
    render,
)
from schemalint.postgres.printer import freeze as freeze_expression
from schemalint.read.sql import ops

# Operator classes that are the default for their type: writing one changes nothing.
DEFAULT_OPCLASSES = frozenset(
    "text_ops int2_ops int4_ops int8_ops numeric_ops bool_ops uuid_ops date_ops timestamp_ops "
    "timestamptz_ops float4_ops float8_ops bpchar_ops jsonb_ops array_ops tsvector_ops".split()
)


class Rejected(Exception):
    """PostgreSQL would refuse the statement: the message is its error."""


@dataclass
class ColumnState:
    name: str
    type: str
    nullable: bool = True
    default: object = None
    default_text: str | None = None
    identity: str | None = None
    generated: object = None
    comment: str | None = None
    location: Location | None = None
    sequence: str | None = None


@dataclass
class ConstraintState:
    kind: str
    name: str
    columns: list[str]
    implicit: bool
    location: Location | None
    expression: object = None
    ref_table: tuple[str | None, str] | None = None
    ref_columns: list[str] = field(default_factory=list)
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    nulls_distinct: bool = True


@dataclass
class IndexState:
    name: str
    parts: list[ops.IndexPart]
    unique: bool
    using: str
    where: object
    include: list[str]
    implicit: bool
    location: Location | None


@dataclass
class TableState:
    schema: str | None
    name: str
    columns: list[ColumnState] = field(default_factory=list)
    constraints: list[ConstraintState] = field(default_factory=list)
    indexes: list[IndexState] = field(default_factory=list)
    comment: str | None = None
    location: Location | None = None

    def column(self, name: str) -> ColumnState | None:
        return next((c for c in self.columns if c.name == name), None)

    def constraint(self, name: str) -> ConstraintState | None:
        return next((c for c in self.constraints if c.name == name), None)

    @property
    def primary_key(self) -> ConstraintState | None:
        return next((c for c in self.constraints if c.kind == "primary"), None)

    def column_types(self) -> dict[str, str]:
        return {c.name: c.type for c in self.columns}


@dataclass
class Catalog:
    """What PostgreSQL knows after the statements applied so far."""

    dialect: str = "postgres"
    tables: dict[tuple[str | None, str], TableState] = field(default_factory=dict)
    relations: dict[tuple[str | None, str], str] = field(default_factory=dict)
    """(schema, name) -> table | index | sequence: one namespace for all three."""
    index_owner: dict[tuple[str | None, str], tuple[str | None, str]] = field(default_factory=dict)
    constraint_names: Counter = field(default_factory=Counter)
    """(schema, name) -> how many constraints use it (names are unique per table only)."""
    views: dict = field(default_factory=dict)
    """view key -> (tables it reads, (table key, column) pairs it reads)."""
    references: dict = field(default_factory=dict)
    """referenced table key -> Counter of the tables whose foreign keys point at it, so that
    DROP / RENAME look only at those tables."""
    enums: dict[tuple[str | None, str], tuple[list[str], Location | None]] = field(default_factory=dict)
    """(schema, name) -> the labels of an enum type, in order, and where it was created."""

    def foreign_keys_to(self, key: tuple[str | None, str]) -> list[tuple[TableState, ConstraintState]]:
        owners = [owner for owner, count in self.references.get(key, {}).items() if count > 0 and owner in self.tables]
        return [
            (self.tables[owner], fk)
            for owner in owners
            for fk in self.tables[owner].constraints
            if fk.kind == "foreign" and fk.ref_table == key
        ]

    def count_reference(self, target: tuple[str | None, str], owner: tuple[str | None, str], change: int) -> None:
        self.references.setdefault(target, Counter())[owner] += change

    def rename_references(self, old: tuple[str | None, str], new: tuple[str | None, str]) -> None:
        if old in self.references:
            self.references[new] = self.references.pop(old)
        for owners in self.references.values():
            if old in owners:
                owners[new] += owners.pop(old)

    # -------------------------------------------------------------- names

    def relation_taken(self, schema: str | None, name: str) -> bool:
        return (schema, name) in self.relations

    def choose(
        self, table: TableState, middle: str | None, label: str, *, constraint: bool, relation: bool, batch=()
    ) -> str:
        def taken(candidate: str) -> bool:
            if candidate in batch:
                return True
            if relation and self.relation_taken(table.schema, candidate):
                return True
            return constraint and self.constraint_names[(table.schema, candidate)] > 0

        return choose_name(table.name, middle, label, taken)

    def add_constraint_name(self, table: TableState, name: str) -> None:
        self.constraint_names[(table.schema, name)] += 1

    def remove_constraint_name(self, table: TableState, name: str) -> None:
        self.constraint_names[(table.schema, name)] -= 1

    def add_index_relation(self, table: TableState, name: str) -> None:
        self.relations[(table.schema, name)] = "index"
        self.index_owner[(table.schema, name)] = (table.schema, table.name)

    def remove_relation(self, schema: str | None, name: str) -> None:
        self.relations.pop((schema, name), None)
        self.index_owner.pop((schema, name), None)

    def table(self, name: ops.QualifiedName) -> TableState | None:
        return self.tables.get((name.schema, name.name))


_UNRESOLVED = "pg_catalog"
"""The schema a name that search_path does not find is looked up in: it fails there as in PostgreSQL."""
_CREATED = {ops.CreateTable: "table", ops.CreateRelation: "name", ops.AlterColumn: "sequence", ops.CreateEnum: "name"}
_NOT_NAMES = frozenset(("default", "expression", "generated", "where", "parts", "columns_", "pos"))
_NEXTVAL = ("nextval", "currval", "setval")


class Session:
    """What one psql session knows about names: which schemas exist and its search_path, as
    `SET [LOCAL] search_path`, `RESET`, `set_config(...)` and transactions leave it.

    Unqualified names are created in the first schema of the path that exists and looked up
    through the path in order; schema keys are None for the default schema."""

    def __init__(self, default_schema: str, postgres: bool) -> None:
        self.default_schema = default_schema
        self.postgres = postgres
        self.schemas: set[str | None] = {None, self.schema_key("public")}
        self.start()

    def start(self) -> None:
        self.session_path = self.default_path
        self.local_path: tuple[str, ...] | None = None
        self.saved_path: tuple[str, ...] | None = None
        """The session path at BEGIN, while a transaction is open."""

    @property
    def default_path(self) -> tuple[str, ...]:
        return ("$user", self.default_schema)

    def schema_key(self, schema: str) -> str | None:
        return None if schema == self.default_schema else schema

    def apply(self, op: ops.SetSearchPath | ops.Transaction) -> None:
        if isinstance(op, ops.Transaction):
            if op.action == "begin" and self.saved_path is None:
                self.saved_path = self.session_path
            elif op.action in ("commit", "rollback") and self.saved_path is not None:
                if op.action == "rollback":
                    self.session_path = self.saved_path
                self.saved_path = self.local_path = None
            return
        path = self.default_path if op.path is None else op.path
        if not op.local:
            self.session_path, self.local_path = path, None
        elif self.saved_path is not None:  # SET LOCAL outside a transaction does nothing
            self.local_path = path

    def existing_path(self) -> list[str | None]:
        path = self.local_path if self.local_path is not None else self.session_path
        if not self.postgres:
            return [None]
        keys = [self.schema_key(s) for s in path if s != "$user"]
        return [k for k in dict.fromkeys(keys) if k in self.schemas]

    def created(self, name: ops.QualifiedName) -> ops.QualifiedName:
        if name.schema is not None:
            key = self.schema_key(name.schema)
            if self.postgres and key not in self.schemas:
                raise Rejected(f'schema "{name.schema}" does not exist')
            return ops.QualifiedName(name.name, key)
        path = self.existing_path()
        if not path:
            raise Rejected("no schema has been selected to create in")
        return ops.QualifiedName(name.name, path[0])

    def found(
        self, name: ops.QualifiedName, catalog: Catalog, creating: ops.QualifiedName | None = None
    ) -> ops.QualifiedName:
        if name.schema is not None:
            return ops.QualifiedName(name.name, self.schema_key(name.schema))
        path = self.existing_path()
        for key in path:
            if (key, name.name) in catalog.relations or creating == ops.QualifiedName(name.name, key):
                return ops.QualifiedName(name.name, key)
        return ops.QualifiedName(name.name, path[0] if path else _UNRESOLVED)

    def resolve(self, op: Any, catalog: Catalog) -> Any:
        """`op` with every name qualified: created names in the first existing schema of the
        path, other names where the path finds them."""
        creating = None
        if isinstance(op, ops.CreateTable):
            creating = self.created(op.table)
        return self._resolve(op, catalog, creating)

    def _resolve(self, value: Any, catalog: Catalog, creating: ops.QualifiedName | None) -> Any:
        if isinstance(value, ops.QualifiedName):
            return self.found(value, catalog, creating)
        if isinstance(value, tuple):
            return tuple(self._resolve(v, catalog, creating) for v in value)
        if not hasattr(value, "__dataclass_fields__") or isinstance(value, ops.IndexPart):
            return value
        created = _CREATED.get(type(value))
        fields = {}
        for name in value.__slots__:
            item = getattr(value, name)
            if name == created and item is not None:
                fields[name] = self.created(item)
            elif name in _NOT_NAMES or item is None or isinstance(item, (str, bool, int)):
                fields[name] = item
            else:
                fields[name] = self._resolve(item, catalog, creating)
        return type(value)(**fields)

    def regclasses(self, expression: ops.Expr, catalog: Catalog, strict: bool) -> ops.Expr:
        """`nextval('seq')`: the sequence is found now, through search_path, and printed as
        regclass prints it (qualified only outside the default schema). `strict`: a sequence
        that does not exist is PostgreSQL's error (else, when the reader may have missed it,
        the name stays as written)."""
        if not isinstance(expression, tuple) or not expression:
            return expression
        if expression[0] == "func" and expression[1] in _NEXTVAL and expression[2]:
            first, *rest = expression[2]
            return ("func", expression[1], (self._regclass_argument(first, catalog, strict), *rest))
        return tuple(self.regclasses(e, catalog, strict) if isinstance(e, tuple) else e for e in expression)

    def _regclass_argument(self, node: ops.Expr, catalog: Catalog, strict: bool) -> ops.Expr:
        literal = node[1] if node[0] == "cast" and node[2] == "regclass" else node
        if not (isinstance(literal, tuple) and literal[0] == "str"):
            return node
        parts = _split_qualified(literal[1])
        if parts is None or not self.postgres:
            return node
        name = ops.QualifiedName(parts[-1], parts[0] if len(parts) == 2 else None)
        found = self.found(name, catalog)
        if (found.schema, found.name) not in catalog.relations:
            if strict:
                raise Rejected(f'relation "{literal[1]}" does not exist')
            return node
        text = _regclass(found.schema, found.name)[1:-1].replace("''", "'")
        printed = ("str", text)
        return ("cast", printed, "regclass") if node[0] == "cast" else printed


def _split_qualified(text: str) -> list[str] | None:
    """`schema.name` / `"Name"` as regclass input reads it (unquoted parts fold to lower case)."""
    parts = []
    for match in re.finditer(r'\s*(?:"((?:[^"]|"")*)"|([^."\s]+))\s*(\.|$)', text):
        parts.append(match.group(1).replace('""', '"') if match.group(1) is not None else match.group(2).lower())
        if match.group(3) != ".":
            break
    return parts if 1 <= len(parts) <= 2 else None


def _subject(kind: str, table: ops.QualifiedName, name: str = "") -> tuple[str, ...]:
    """The key SL401 matches a CREATE or ADD with an earlier DROP ... IF EXISTS of it by (the
    schema as resolved through search_path; "" for the default schema, as `Table.schema` None)."""
    return (kind, table.schema or "", table.name, name)


class Applier:
    """Applies operations to a catalog, collecting diagnostics and SL401 statements."""

    def __init__(self, dialect: str, default_schema: str = "public") -> None:
        self.catalog = Catalog(dialect=dialect)
        self.diagnostics: list[Diagnostic] = []
        self.statements: list[Statement] = []
        self.path = ""
        self.session = Session(default_schema, postgres=dialect == "postgres")
        self.unknown_tables: dict[tuple[str | None, str], set[str]] = {}
        self.unknown_columns: dict[tuple[str | None, str, str], set[str]] = {}
        self.complete = True
        self.routines: set[str] = set()
        """Functions and procedures whose bodies change tables."""

    def loc(self, pos: ops.Pos) -> Location:
        return Location(self.path, pos[0], pos[1])

    def reject(self, pos: ops.Pos, message: str, table: str | None = None, column: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(
                "failing-statement",
                f"statement would fail in PostgreSQL ({message}), skipped",
                self.loc(pos),
                table,
                column,
            )
        )

    def apply_file(self, facts: ops.FileFacts) -> None:
        """One file, as one `psql -f` session: search_path starts at its default."""
        self.path = facts.path
        self.session.start()
        for op in facts.operations:
            if isinstance(op, ops.Problem):
                self.diagnostics.append(Diagnostic("unparsable-statement", op.message, self.loc(op.pos)))
            elif isinstance(op, ops.Guarded):
                self.apply_guarded(op)
            elif isinstance(op, (ops.SetSearchPath, ops.Transaction)):
                self.session.apply(op)
            else:
                try:
                    op = self.session.resolve(op, self.catalog)
                except Rejected as error:
                    self.reject(op.pos, str(error))
                    continue
                self.record_statements(op)
                self.apply(op)

    def apply(self, op) -> None:
        handler = getattr(self, f"_{type(op).__name__}")
        target = getattr(op, "table", None)
        table = target.name if isinstance(target, ops.QualifiedName) else None
        try:
            handler(op)
        except Rejected as error:
            if self.contents_known(self.catalog.table(target) if isinstance(target, ops.QualifiedName) else None):
                self.reject(op.pos, str(error), table)
        except Exception as error:  # a reader bug must cost one statement, not the file
            message = f"cannot apply this statement (internal error: {type(error).__name__}: {error}), skipped"
            self.diagnostics.append(Diagnostic("unparsable-statement", message, self.loc(op.pos), table))

    def contents_known(self, table: TableState | None) -> bool:
        """False for a table whose columns the reader cannot know (CREATE TABLE AS / LIKE / ...):
        whether a statement on it fails is unknown too, and the table's SL002 already says that
        its columns, keys and indexes are not compared."""
        return table is None or "columns" not in self.unknown_tables.get((table.schema, table.name), set())

    def apply_guarded(self, block: ops.Guarded) -> None:
        """DDL inside a DO block: applied where it can be, silently skipped where it would fail
        (the block's IF / EXCEPTION is there for that), never an SL401 finding."""
        for op in block.operations:
            try:
                op = self.session.resolve(op, self.catalog)
            except Rejected:
                continue
            reported = len(self.diagnostics)
            self.apply(op)
            del self.diagnostics[reported:]

    # -------------------------------------------------------------- SL401 facts

    def record_statements(self, op) -> None:
        """The statement as written, and the objects it creates or drops (SL401 judges)."""
        if isinstance(op, ops.CreateTable):
            table = _subject("table", op.table)
            self.statement("create_table", op.if_not_exists, op.pos, f"CREATE TABLE {op.table.name}", op.table, table)
        elif isinstance(op, ops.CreateIndex):
            # An index's name is unique in its table's schema (DROP INDEX names no table).
            subject: tuple[str, ...] | None = None
            if op.name is not None:
                subject = ("index", op.table.schema or "", "", op.name)
            summary = f"CREATE INDEX {op.name or '(unnamed)'} ON {op.table.name}"
            self.statement("create_index", op.if_not_exists, op.pos, summary, op.table, subject)
        elif isinstance(op, ops.DropObjects):
            names = ", ".join(n.name for n in op.names)
            subjects: tuple[tuple[str, ...], ...]
            if op.kind == "index":
                subjects = tuple(("index", n.schema or "", "", n.name) for n in op.names)
            else:
                subjects = tuple(_subject(op.kind, n) for n in op.names)
            target = op.names[0] if len(op.names) == 1 else None
            self.statement(
                f"drop_{op.kind}", op.if_exists, op.pos, f"DROP {op.kind.upper()} {names}", target, *subjects
            )
        elif isinstance(op, ops.RenameIndex):
            self.statement("rename", op.if_exists, op.pos, f"ALTER INDEX {op.old.name} RENAME TO {op.new}", op.old)
        elif isinstance(op, ops.Comment):
            self.statement("comment", False, op.pos, f"COMMENT ON {op.kind.upper()}", op.table)
        elif isinstance(op, ops.CreateEnum):
            self.statement("create_type", False, op.pos, f"CREATE TYPE {op.name.name}", None)
        elif isinstance(op, ops.CreateRelation):
            summary = f"CREATE {op.kind.upper()} {op.name.name}"
            conditional = op.if_not_exists or op.replace
            self.statement(f"create_{op.kind}", conditional, op.pos, summary, op.name, _subject(op.kind, op.name))
        elif isinstance(op, ops.AlterTable):
            for action in op.actions:
                pos = op.pos if len(op.actions) == 1 else action.pos
                self.record_action(op.table, action, pos)

    def record_action(self, table: ops.QualifiedName, action, pos: ops.Pos) -> None:
        t = f"ALTER TABLE {table.name}"
        if isinstance(action, ops.AddColumn):
            name = action.column.name
            subject = _subject("column", table, name)
            self.statement("add_column", action.if_not_exists, pos, f"{t} ADD COLUMN {name}", table, subject)
        elif isinstance(action, ops.DropColumn):
            subject = _subject("column", table, action.name)
            self.statement("drop_column", action.if_exists, pos, f"{t} DROP COLUMN {action.name}", table, subject)
        elif isinstance(action, ops.AddConstraint):
            constraint = action.constraint.name
            named = _subject("constraint", table, constraint) if constraint is not None else None
            what = f"ADD CONSTRAINT {constraint}" if constraint else f"ADD {action.constraint.kind.upper()} (unnamed)"
            self.statement("add_constraint", False, pos, f"{t} {what}", table, named)
        elif isinstance(action, ops.DropConstraint):
            subject = _subject("constraint", table, action.name)
            summary = f"{t} DROP CONSTRAINT {action.name}"
            self.statement("drop_constraint", action.if_exists, pos, summary, table, subject)
        elif isinstance(action, ops.AlterColumn):
            self.statement("alter_column", False, pos, f"{t} ALTER COLUMN {action.name}", table)
        elif isinstance(action, ops.RenameColumn):
            self.statement("rename", False, pos, f"{t} RENAME COLUMN {action.old} TO {action.new}", table)
        elif isinstance(action, ops.RenameTable):
            self.statement("rename", False, pos, f"{t} RENAME TO {action.new}", table)
        elif isinstance(action, ops.RenameConstraint):
            self.statement("rename", False, pos, f"{t} RENAME CONSTRAINT {action.old} TO {action.new}", table)

    def statement(
        self,
        kind: str,
        conditional: bool,
        pos: ops.Pos,
        summary: str,
        target: ops.QualifiedName | None,
        *subjects: tuple[str, ...] | None,
    ) -> None:
        self.statements.append(
            Statement(
                kind,
                self.loc(pos),
                summary,
                target.name if target is not None else None,
                bool(conditional),
                tuple(s for s in subjects if s is not None),
            )
        )

    # -------------------------------------------------------------- CREATE TABLE

    def _CreateTable(self, op: ops.CreateTable) -> None:
        catalog = self.catalog
        key = (op.table.schema, op.table.name)
        if catalog.relation_taken(*key):
            if op.if_not_exists:
                return
            raise Rejected(f'relation "{op.table.name}" already exists')
        names = [c.name for c in op.columns]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate:
            raise Rejected(f'column "{duplicate}" specified more than once')
        try:
            self._create_table(op)
        except Rejected:
            created = catalog.tables.get(key)
            if created is not None:  # undo: the table never existed
                self.drop_table(created, cascade=True)
            raise

    def _create_table(self, op: ops.CreateTable) -> None:
        catalog = self.catalog
        table = TableState(op.table.schema, op.table.name, location=self.loc(op.pos))
        for spec in op.columns:
            table.columns.append(self.new_column(table, spec))
        catalog.tables[(table.schema, table.name)] = table
        catalog.relations[(table.schema, table.name)] = "table"
        inline = [c for spec in op.columns for c in spec.constraints]
        # PostgreSQL's order: CHECKs come with the table, then the primary key's and the
        # unique constraints' indexes, then the foreign keys (after-statements).
        ordered = _source_order(inline, list(op.constraints))
        self.add_checks(table, [c for c in ordered if c.kind == "check"])
        self.add_unique_and_primary(table, [c for c in ordered if c.kind in ("primary", "unique")])
        for foreign in (c for c in ordered if c.kind == "foreign"):
            self.add_foreign_key(table, foreign)

    def new_column(self, table: TableState, spec: ops.ColumnSpec) -> ColumnState:
        column = ColumnState(spec.name, spec.type, not spec.not_null, location=self.loc(spec.pos))
        if spec.default is not None and not is_null(spec.default):
            column.default = self.session.regclasses(spec.default, self.catalog, self.complete)
        column.generated = spec.generated
        if spec.identity:
            column.identity = spec.identity
            column.nullable = False
            column.sequence = self.new_sequence(table, spec.name)
        elif spec.serial:
            column.nullable = False
            if self.catalog.dialect == "postgres":
                column.sequence = self.new_sequence(table, spec.name)
                column.default = None
                column.default_text = f"nextval({_regclass(table.schema, column.sequence)}::regclass)"
        return column

    def new_sequence(self, table: TableState, column: str) -> str:
        name = self.catalog.choose(table, column, "seq", constraint=False, relation=True)
        self.catalog.relations[(table.schema, name)] = "sequence"
        return name

    def add_checks(self, table: TableState, specs: list[ops.ConstraintSpec]) -> None:
        batch: list[str] = []
        for spec in specs:
            refs = column_refs(spec.expression)
            missing = [r for r in refs if table.column(r) is None]
            if missing:
                raise Rejected(f'column "{missing[0]}" does not exist')
            name = spec.name
            if name is None:
                middle = refs[0] if len(refs) == 1 else None
                name = self.catalog.choose(table, middle, "check", constraint=True, relation=False, batch=batch)
            elif table.constraint(name) is not None or name in batch:
                raise Rejected(f'constraint "{name}" for relation "{table.name}" already exists')
            batch.append(name)
            self.catalog.add_constraint_name(table, name)
            table.constraints.append(
                ConstraintState("check", name, refs, spec.name is None, self.loc(spec.pos), expression=spec.expression)
            )

    def add_unique_and_primary(self, table: TableState, specs: list[ops.ConstraintSpec]) -> None:
        primaries = [s for s in specs if s.kind == "primary"]
        if len(primaries) > 1 or (primaries and table.primary_key is not None):
            raise Rejected(f'multiple primary keys for table "{table.name}" are not allowed')
        chosen: list[ops.ConstraintSpec] = primaries[:]
        for spec in specs:
            if spec.kind != "unique":
                continue
            same = next(
                (c for c in chosen if c.columns == spec.columns and c.nulls_distinct == spec.nulls_distinct), None
            )
            if same is None and primaries and spec.columns == primaries[0].columns:
                same = primaries[0]
            if same is None:
                chosen.append(spec)
        for spec in chosen:
            self.add_key(table, spec)

    def add_key(self, table: TableState, spec: ops.ConstraintSpec) -> None:
        for column_name in spec.columns:
            if table.column(column_name) is None:
                raise Rejected(f'column "{column_name}" named in key does not exist')
        primary = spec.kind == "primary"
        name = spec.name
        if name is None:
            middle = None if primary else join_column_names(list(spec.columns))
            name = self.catalog.choose(table, middle, "pkey" if primary else "key", constraint=True, relation=True)
        elif self.catalog.relation_taken(table.schema, name):
            raise Rejected(f'relation "{name}" already exists')
        if primary:
            for column_name in spec.columns:
                column = table.column(column_name)
                assert column is not None
                column.nullable = False
        self.catalog.add_index_relation(table, name)
        self.catalog.add_constraint_name(table, name)
        table.constraints.append(
            ConstraintState(
                spec.kind,
                name,
                list(spec.columns),
                spec.name is None,
                self.loc(spec.pos),
                nulls_distinct=spec.nulls_distinct is not False,
            )
        )

    def add_foreign_key(self, table: TableState, spec: ops.ConstraintSpec) -> None:
        reference = spec.references
        if reference is None:
            return
        target = (
            table
            if (reference.table.schema, reference.table.name) == (table.schema, table.name)
            else self.catalog.table(reference.table)
        )
        if target is None:
            raise Rejected(f'relation "{reference.table.name}" does not exist')
        ref_columns = list(reference.columns)
        if not ref_columns:
            pk = target.primary_key
            if pk is None:
                raise Rejected(f'there is no primary key for referenced table "{target.name}"')
            ref_columns = list(pk.columns)
        for column in spec.columns:
            if table.column(column) is None:
                raise Rejected(f'column "{column}" referenced in foreign key constraint does not exist')
        for column in ref_columns:
            if target.column(column) is None:
                raise Rejected(f'column "{column}" referenced in foreign key constraint does not exist')
        if len(ref_columns) != len(spec.columns):
            raise Rejected("number of referencing and referenced columns for foreign key disagree")
        name = spec.name
        if name is None:
            name = self.catalog.choose(
                table, join_column_names(list(spec.columns)), "fkey", constraint=True, relation=False
            )
        elif table.constraint(name) is not None:
            raise Rejected(f'constraint "{name}" for relation "{table.name}" already exists')
        self.catalog.add_constraint_name(table, name)
        self.catalog.count_reference((target.schema, target.name), (table.schema, table.name), 1)
        table.constraints.append(
            ConstraintState(
                "foreign",
                name,
                list(spec.columns),
                spec.name is None,
                self.loc(spec.pos),
                ref_table=(target.schema, target.name),
                ref_columns=ref_columns,
                on_delete=reference.on_delete,
                on_update=reference.on_update,
                deferrable=reference.deferrable,
                initially_deferred=reference.initially_deferred,
            )
        )

    def add_constraint(self, table: TableState, spec: ops.ConstraintSpec) -> None:
        if spec.name is not None and table.constraint(spec.name) is not None:
            raise Rejected(f'constraint "{spec.name}" for relation "{table.name}" already exists')
        if spec.kind == "check":
            self.add_checks(table, [spec])
        elif spec.kind in ("primary", "unique"):
            self.add_unique_and_primary(table, [spec])
        elif spec.kind == "foreign":
            self.add_foreign_key(table, spec)

    # -------------------------------------------------------------- ALTER TABLE

    def _AlterTable(self, op: ops.AlterTable) -> None:
        table = self.catalog.table(op.table)
        if table is None:
            if op.if_exists:
                return
            raise Rejected(f'relation "{op.table.name}" does not exist')
        snapshot = self.snapshot(table) if len(op.actions) > 1 else None
        key = (table.schema, table.name)
        for action in op.actions:
            table = self.catalog.tables[key]
            try:
                self.apply_action(table, action)
            except Rejected as error:
                if snapshot is not None:
                    self.restore(snapshot)
                column = getattr(action, "name", None) or getattr(getattr(action, "column", None), "name", None)
                if self.contents_known(self.catalog.tables.get(key)):
                    self.reject(action.pos, str(error), op.table.name, column)
                return
            if isinstance(action, ops.RenameTable):
                key = (table.schema, action.new)

    def snapshot(self, table: TableState) -> tuple:
        """What a multi-action ALTER TABLE may change: the table, the name registries and the
        foreign keys of other tables that point at it (cheaper than copying the catalog)."""
        catalog = self.catalog
        key = (table.schema, table.name)
        pointing = [(fk, fk.ref_table, list(fk.ref_columns)) for _, fk in catalog.foreign_keys_to(key)]
        registries = (
            dict(catalog.relations),
            dict(catalog.index_owner),
            Counter(catalog.constraint_names),
            {k: Counter(v) for k, v in catalog.references.items()},
            {k: (set(t), set(c)) for k, (t, c) in catalog.views.items()},
        )
        return key, copy.deepcopy(table), dict(catalog.tables), registries, pointing

    def restore(self, snapshot: tuple) -> None:
        key, table, tables, registries, pointing = snapshot
        catalog = self.catalog
        catalog.tables = tables
        catalog.relations, catalog.index_owner, catalog.constraint_names, catalog.references, catalog.views = registries
        catalog.tables[key] = table
        for fk, ref_table, ref_columns in pointing:
            fk.ref_table, fk.ref_columns = ref_table, ref_columns

    def apply_action(self, table: TableState, action) -> None:
        handler = getattr(self, f"_action_{type(action).__name__}")
        handler(table, action)

    def _action_AddColumn(self, table: TableState, action: ops.AddColumn) -> None:
        spec = action.column
        if table.column(spec.name) is not None:
            if action.if_not_exists:
                return
            raise Rejected(f'column "{spec.name}" of relation "{table.name}" already exists')
        table.columns.append(self.new_column(table, spec))
        for constraint in spec.constraints:
            self.add_constraint(table, constraint)

    def _action_DropColumn(self, table: TableState, action: ops.DropColumn) -> None:
        column = table.column(action.name)
        if column is None:
            if action.if_exists:
                return
            raise Rejected(f'column "{action.name}" of relation "{table.name}" does not exist')
        for other, fk in self.catalog.foreign_keys_to((table.schema, table.name)):
            if action.name in fk.ref_columns and other is not table:
                raise Rejected(
                    f"cannot drop column {action.name} of table {table.name} because other objects depend on it"
                )
        for view in self.views_using((table.schema, table.name), action.name):
            if not action.cascade:
                raise Rejected(
                    f"cannot drop column {action.name} of table {table.name} because other objects depend on it"
                )
            self.drop_view(view)
        for constraint in [c for c in table.constraints if action.name in c.columns]:
            self.drop_constraint(table, constraint)
        for index in [i for i in table.indexes if self.index_uses(i, action.name)]:
            self.drop_index(table, index)
        if column.sequence:
            self.catalog.remove_relation(table.schema, column.sequence)
        table.columns.remove(column)

    def index_uses(self, index: IndexState, column: str) -> bool:
        if any(
            p.column == column or (p.expression is not None and column in column_refs(p.expression))
            for p in index.parts
        ):
            return True
        return column in index.include or (index.where is not None and column in column_refs(index.where))

    def _action_AlterColumn(self, table: TableState, action: ops.AlterColumn) -> None:
        column = table.column(action.name)
        if column is None:
            raise Rejected(f'column "{action.name}" of relation "{table.name}" does not exist')
        if action.change == "type" and action.type:
            if self.views_using((table.schema, table.name), column.name):
                raise Rejected("cannot alter type of a column used by a view or rule")
            self.freeze_dependents(table, column)
            column.type = action.type
        elif action.change == "set_not_null":
            column.nullable = False
        elif action.change == "drop_not_null":
            pk = table.primary_key
            if pk is not None and action.name in pk.columns:
                raise Rejected(f'column "{action.name}" is in a primary key')
            if column.identity:
                raise Rejected(f'column "{action.name}" of relation "{table.name}" is an identity column')
            column.nullable = True
        elif action.change == "set_default":
            if column.identity:
                raise Rejected(f'column "{action.name}" of relation "{table.name}" is an identity column')
            column.default = (
                None
                if is_null(action.default)
                else self.session.regclasses(action.default, self.catalog, self.complete)
            )
            column.default_text = None
        elif action.change == "add_identity":
            self.add_identity(table, column, action)
        elif action.change == "drop_default":
            column.default = None
            column.default_text = None

    def add_identity(self, table: TableState, column: ColumnState, action: ops.AlterColumn) -> None:
        """ALTER COLUMN ... ADD GENERATED ... AS IDENTITY (pg_dump writes identity columns so)."""
        where = f'column "{column.name}" of relation "{table.name}"'
        if column.identity:
            raise Rejected(f"{where} is already an identity column")
        if column.nullable:
            raise Rejected(f"{where} must be declared NOT NULL before identity can be added")
        if column.default is not None or column.default_text is not None:
            raise Rejected(f"{where} already has a default value")
        if column.type not in ("smallint", "integer", "bigint"):
            raise Rejected("identity column type must be smallint, integer, or bigint")
        sequence = action.sequence
        if sequence is None:
            column.sequence = self.new_sequence(table, column.name)
        else:
            if self.catalog.relation_taken(sequence.schema, sequence.name):
                raise Rejected(f'relation "{sequence.name}" already exists')
            self.catalog.relations[(sequence.schema, sequence.name)] = "sequence"
            column.sequence = sequence.name if sequence.schema == table.schema else None
        column.identity = action.identity

    def freeze_dependents(self, table: TableState, column: ColumnState) -> None:
        """Before a column changes type, PostgreSQL prints the CHECKs and indexes that use it and
        reads them back with the new type; its default keeps the old constant under a cast."""
        types = table.column_types()
        for constraint in table.constraints:
            if constraint.kind == "check" and column.name in column_refs(constraint.expression):
                constraint.expression = freeze_expression(constraint.expression, types)
        for index in table.indexes:
            if self.index_uses(index, column.name):
                index.parts = [
                    p
                    if p.expression is None
                    else ops.IndexPart(None, freeze_expression(p.expression, types), p.desc, p.opclass)
                    for p in index.parts
                ]
                if index.where is not None:
                    index.where = freeze_expression(index.where, types)
        if column.default is not None:
            column.default = freeze_expression(column.default, types, target=column.type)

    def _action_RenameColumn(self, table: TableState, action: ops.RenameColumn) -> None:
        column = table.column(action.old)
        if column is None:
            raise Rejected(f'column "{action.old}" does not exist')
        if table.column(action.new) is not None:
            raise Rejected(f'column "{action.new}" of relation "{table.name}" already exists')
        column.name = action.new
        old, new = action.old, action.new
        for constraint in table.constraints:
            constraint.columns = [new if c == old else c for c in constraint.columns]
            if constraint.expression is not None:
                constraint.expression = rename_column(constraint.expression, old, new)
        for index in table.indexes:
            index.parts = [_renamed_part(p, old, new) for p in index.parts]
            index.include = [new if c == old else c for c in index.include]
            if index.where is not None:
                index.where = rename_column(index.where, old, new)
        for other in table.columns:
            if other.generated is not None:
                other.generated = rename_column(other.generated, old, new)
        for _, fk in self.catalog.foreign_keys_to((table.schema, table.name)):
            fk.ref_columns = [new if c == old else c for c in fk.ref_columns]
        key = (table.schema, table.name)
        for _, columns in self.catalog.views.values():
            if (key, old) in columns:
                columns.discard((key, old))
                columns.add((key, new))

    def _action_RenameTable(self, table: TableState, action: ops.RenameTable) -> None:
        if self.catalog.relation_taken(table.schema, action.new):
            raise Rejected(f'relation "{action.new}" already exists')
        old_key, new_key = (table.schema, table.name), (table.schema, action.new)
        del self.catalog.tables[old_key]
        self.catalog.remove_relation(*old_key)
        table.name = action.new
        self.catalog.tables[new_key] = table
        self.catalog.relations[new_key] = "table"
        for index_key, owner in list(self.catalog.index_owner.items()):
            if owner == old_key:
                self.catalog.index_owner[index_key] = new_key
        for _, fk in self.catalog.foreign_keys_to(old_key):
            fk.ref_table = new_key
        self.catalog.rename_references(old_key, new_key)
        for view, (tables, columns) in list(self.catalog.views.items()):
            if old_key in tables:
                tables.discard(old_key)
                tables.add(new_key)
                self.catalog.views[view] = (tables, {(new_key if k == old_key else k, c) for k, c in columns})

    def _action_Unknown(self, table: TableState, action: ops.Unknown) -> None:
        self.mark_unknown(table, action)

    def _action_AddConstraint(self, table: TableState, action: ops.AddConstraint) -> None:
        self.add_constraint(table, action.constraint)

    def _action_RenameConstraint(self, table: TableState, action: ops.RenameConstraint) -> None:
        constraint = table.constraint(action.old)
        if constraint is None:
            raise Rejected(f'constraint "{action.old}" for table "{table.name}" does not exist')
        if table.constraint(action.new) is not None:
            raise Rejected(f'constraint "{action.new}" for relation "{table.name}" already exists')
        if constraint.kind in ("primary", "unique"):
            if self.catalog.relation_taken(table.schema, action.new):
                raise Rejected(f'relation "{action.new}" already exists')
            self.catalog.remove_relation(table.schema, action.old)
            self.catalog.add_index_relation(table, action.new)
        self.catalog.remove_constraint_name(table, action.old)
        self.catalog.add_constraint_name(table, action.new)
        constraint.name = action.new
        constraint.implicit = False

    def _action_DropConstraint(self, table: TableState, action: ops.DropConstraint) -> None:
        constraint = table.constraint(action.name)
        if constraint is None:
            if action.if_exists:
                return
            raise Rejected(f'constraint "{action.name}" of relation "{table.name}" does not exist')
        self.drop_constraint(table, constraint)

    def drop_constraint(self, table: TableState, constraint: ConstraintState) -> None:
        table.constraints.remove(constraint)
        self.catalog.remove_constraint_name(table, constraint.name)
        if constraint.kind == "foreign" and constraint.ref_table is not None:
            self.catalog.count_reference(constraint.ref_table, (table.schema, table.name), -1)
        if constraint.kind in ("primary", "unique"):
            self.catalog.remove_relation(table.schema, constraint.name)

    def drop_index(self, table: TableState, index: IndexState) -> None:
        table.indexes.remove(index)
        self.catalog.remove_relation(table.schema, index.name)

    # -------------------------------------------------------------- indexes

    def _CreateIndex(self, op: ops.CreateIndex) -> None:
        table = self.catalog.table(op.table)
        if table is None:
            raise Rejected(f'relation "{op.table.name}" does not exist')
        for part in op.parts:
            refs = [part.column] if part.column else column_refs(part.expression)
            missing = [r for r in refs if table.column(r) is None]
            if missing:
                raise Rejected(f'column "{missing[0]}" does not exist')
        name = op.name
        if name is None:
            labels = index_column_names([p.column or _expression_name(p.expression) for p in op.parts])
            name = self.catalog.choose(table, join_column_names(labels), "idx", constraint=False, relation=True)
        elif self.catalog.relation_taken(table.schema, name):
            if op.if_not_exists:
                return
            raise Rejected(f'relation "{name}" already exists')
        self.catalog.add_index_relation(table, name)
        table.indexes.append(
            IndexState(
                name, list(op.parts), op.unique, op.using, op.where, list(op.include), op.name is None, self.loc(op.pos)
            )
        )

    def _DropObjects(self, op: ops.DropObjects) -> None:
        found = []
        for name in op.names:
            kind = self.catalog.relations.get((name.schema, name.name))
            if kind != op.kind:
                if op.if_exists:
                    continue
                raise Rejected(f'{op.kind} "{name.name}" does not exist')
            found.append(name)
        for name in found:
            if op.kind == "table":
                self.drop_table(self.catalog.tables[(name.schema, name.name)], op.cascade)
            elif op.kind == "index":
                self.drop_named_index(name)
            elif op.kind == "view":
                self.drop_view((name.schema, name.name))
            else:
                self.catalog.remove_relation(name.schema, name.name)

    def drop_table(self, table: TableState, cascade: bool) -> None:
        key = (table.schema, table.name)
        for other, fk in self.catalog.foreign_keys_to(key):
            if other is table:
                continue
            if not cascade:
                raise Rejected(f"cannot drop table {table.name} because other objects depend on it")
            self.drop_constraint(other, fk)
        for view in self.views_using(key):
            if not cascade:
                raise Rejected(f"cannot drop table {table.name} because other objects depend on it")
            self.drop_view(view)
        for constraint in list(table.constraints):
            self.drop_constraint(table, constraint)
        for index in list(table.indexes):
            self.drop_index(table, index)
        for column in table.columns:
            if column.sequence:
                self.catalog.remove_relation(table.schema, column.sequence)
        del self.catalog.tables[key]
        self.catalog.remove_relation(*key)

    def drop_named_index(self, name: ops.QualifiedName) -> None:
        owner = self.catalog.index_owner.get((name.schema, name.name))
        table = self.catalog.tables.get(owner) if owner else None
        if table is None:
            return
        if table.constraint(name.name) is not None:
            raise Rejected(
                f"cannot drop index {name.name} because constraint {name.name} on table {table.name} requires it"
            )
        index = next(i for i in table.indexes if i.name == name.name)
        self.drop_index(table, index)

    def _RenameIndex(self, op: ops.RenameIndex) -> None:
        key = (op.old.schema, op.old.name)
        if self.catalog.relations.get(key) != "index":
            if op.if_exists:
                return
            raise Rejected(f'relation "{op.old.name}" does not exist')
        if self.catalog.relation_taken(op.old.schema, op.new):
            raise Rejected(f'relation "{op.new}" already exists')
        table = self.catalog.tables[self.catalog.index_owner[key]]
        self.catalog.remove_relation(*key)
        self.catalog.add_index_relation(table, op.new)
        constraint = table.constraint(op.old.name)
        if constraint is not None:  # renaming a key's index renames the constraint too
            self.catalog.remove_constraint_name(table, constraint.name)
            constraint.name = op.new
            constraint.implicit = False
            self.catalog.add_constraint_name(table, op.new)
        for index in table.indexes:
            if index.name == op.old.name:
                index.name = op.new
                index.implicit = False

    def _CreateRelation(self, op: ops.CreateRelation) -> None:
        key = (op.name.schema, op.name.name)
        if self.catalog.relation_taken(*key):
            if op.if_not_exists:
                return
            if not (op.replace and self.catalog.relations[key] == op.kind == "view"):
                raise Rejected(f'relation "{op.name.name}" already exists')
        for use in op.uses:
            if use[0] in ("table", "star", "column") and self.catalog.table(use[1]) is None:
                raise Rejected(f'relation "{use[1].name}" does not exist')
        self.catalog.relations[key] = op.kind
        if op.kind == "view":
            self.catalog.views[key] = self.view_dependencies(op.uses)

    def view_dependencies(self, uses: tuple) -> tuple[set, set]:
        """What PostgreSQL records for a view: the tables, and the columns (`*` expanded to the
        columns that exist now)."""
        tables: set = set()
        columns: set = set()
        for use in uses:
            if use[0] == "table":
                tables.add((use[1].schema, use[1].name))
            elif use[0] == "star":
                table = self.catalog.table(use[1])
                columns |= {((table.schema, table.name), c.name) for c in table.columns} if table else set()
            elif use[0] == "column":
                columns.add(((use[1].schema, use[1].name), use[2]))
            else:
                having = [t for t in map(self.catalog.table, use[1]) if t is not None and t.column(use[2]) is not None]
                if len(having) == 1:
                    columns.add(((having[0].schema, having[0].name), use[2]))
        return tables, columns

    def views_using(self, key: tuple, column: str | None = None) -> list:
        return [
            view
            for view, (tables, columns) in self.catalog.views.items()
            if (key in tables if column is None else (key, column) in columns)
        ]

    def drop_view(self, view: tuple) -> None:
        self.catalog.views.pop(view, None)
        self.catalog.remove_relation(*view)

    def _Unknown(self, op: ops.Unknown) -> None:
        """One SL002 at the statement; what it may change becomes unknown."""
        table = self.catalog.table(op.table) if op.table is not None else None
        self.mark_unknown(table, op)

    def mark_unknown(self, table: TableState | None, op: ops.Unknown) -> None:
        name = table.name if table is not None else None
        self.diagnostics.append(Diagnostic("unresolved", op.message, self.loc(op.pos), name, op.column))
        if table is None or "exists" in op.parts:
            self.complete = False
        if table is None:
            pass
        elif op.column is not None:
            self.unknown_columns.setdefault((table.schema, table.name, op.column), set()).update(op.parts)
        else:
            self.unknown_tables.setdefault((table.schema, table.name), set()).update(op.parts)

    def _Routine(self, op: ops.Routine) -> None:
        self.routines.add(op.name)

    def _Calls(self, op: ops.Calls) -> None:
        called = [name for name in op.names if name in self.routines]
        if called:
            message = f"{called[0]}() changes tables in ways the reader cannot follow (DDL or EXECUTE in its body): what it creates or changes is not known"
            self.mark_unknown(None, ops.Unknown(message, op.pos))

    def _CreateEnum(self, op: ops.CreateEnum) -> None:
        key = (op.name.schema, op.name.name)
        if key in self.catalog.enums or key in self.catalog.tables:
            raise Rejected(f'type "{op.name.name}" already exists')
        if len(set(op.labels)) != len(op.labels):
            raise Rejected("enum labels must be unique")
        self.catalog.enums[key] = (list(op.labels), self.loc(op.pos))

    def _AlterEnum(self, op: ops.AlterEnum) -> None:
        found = self.catalog.enums.get((op.name.schema, op.name.name))
        if found is None:
            raise Rejected(f'type "{op.name.name}" does not exist')
        labels = found[0]
        if op.action == "rename":
            if op.label not in labels:
                raise Rejected(f'"{op.label}" is not an existing enum label')
            if op.other in labels:
                raise Rejected(f'enum label "{op.other}" already exists')
            labels[labels.index(op.label)] = op.other or ""
            return
        if op.label in labels:
            if op.if_not_exists:
                return
            raise Rejected(f'enum label "{op.label}" already exists')
        if op.other is None:
            labels.append(op.label)
        elif op.other not in labels:
            raise Rejected(f'"{op.other}" is not an existing enum label')
        else:
            labels.insert(labels.index(op.other) + (1 if op.after else 0), op.label)

    def _DropEnum(self, op: ops.DropEnum) -> None:
        keys = [(n.schema, n.name) for n in op.names]
        for name, key in zip(op.names, keys):
            if key not in self.catalog.enums and not op.if_exists:
                raise Rejected(f'type "{name.name}" does not exist')
        for key in keys:
            if key in self.catalog.enums and any(
                c.type == key[1] for t in self.catalog.tables.values() for c in t.columns
            ):
                raise Rejected(f"cannot drop type {key[1]} because other objects depend on it")
        for key in keys:
            self.catalog.enums.pop(key, None)

    def _CreateSchema(self, op: ops.CreateSchema) -> None:
        key = self.session.schema_key(op.name)
        if key in self.session.schemas:
            if op.if_not_exists:
                return
            raise Rejected(f'schema "{op.name}" already exists')
        self.session.schemas.add(key)

    def _DropSchema(self, op: ops.DropSchema) -> None:
        keys = [self.session.schema_key(n) for n in op.names]
        for name, key in zip(op.names, keys):
            if key not in self.session.schemas and not op.if_exists:
                raise Rejected(f'schema "{name}" does not exist')
        keys = [k for k in keys if k in self.session.schemas]
        holding = [k for k in keys if any(schema == k for schema, _ in self.catalog.relations)]
        if holding and not op.cascade:
            raise Rejected(
                f"cannot drop schema {holding[0] or self.session.default_schema} because other objects depend on it"
            )
        for key in keys:
            for table in [t for t in self.catalog.tables.values() if t.schema == key]:
                self.drop_table(table, cascade=True)
            for view in [v for v in self.catalog.views if v[0] == key]:
                self.drop_view(view)
            for relation in [r for r in self.catalog.relations if r[0] == key]:
                self.catalog.remove_relation(*relation)
            self.session.schemas.discard(key)

    def _Comment(self, op: ops.Comment) -> None:
        table = self.catalog.table(op.table)
        if table is None:
            raise Rejected(f'relation "{op.table.name}" does not exist')
        if op.kind == "table":
            table.comment = op.text
            return
        column = table.column(op.column or "")
        if column is None:
            raise Rejected(f'column "{op.column}" of relation "{table.name}" does not exist')
        column.comment = op.text


# ------------------------------------------------------------------ helpers


def _source_order(inline: list[ops.ConstraintSpec], table_level: list[ops.ConstraintSpec]) -> list[ops.ConstraintSpec]:
    return sorted(inline + table_level, key=lambda c: c.pos)


def _renamed_part(part: ops.IndexPart, old: str, new: str) -> ops.IndexPart:
    if part.column == old:
        return ops.IndexPart(new, None, part.desc, part.opclass)
    if part.expression is not None:
        return ops.IndexPart(None, rename_column(part.expression, old, new), part.desc, part.opclass)
    return part


def _expression_name(node) -> str | None:
    """FigureIndexColname(): a function's name, a cast column's name, else `expr`."""
    while node and node[0] == "cast":
        if node[1][0] == "col":
            return node[1][1]
        node = node[1]
    if node and node[0] == "func":
        return node[1].lower()
    if node and node[0] == "case":
        return "case"
    if node and node[0] == "col":
        return node[1]
    return None


def _regclass(schema: str | None, name: str) -> str:
    qualified = quote_identifier(name) if schema is None else f"{quote_identifier(schema)}.{quote_identifier(name)}"
    return "'" + qualified.replace("'", "''") + "'"


# ------------------------------------------------------------------ freezing


def freeze_tables(catalog: Catalog) -> tuple[Table, ...]:
    return tuple(_freeze_table(t) for t in catalog.tables.values())


def _freeze_table(table: TableState) -> Table:
    types = table.column_types()
    resolver = Resolver(types)
    pk = table.primary_key
    return Table(
        name=table.name,
        schema=table.schema,
        columns=tuple(_freeze_column(c, types) for c in table.columns),
        primary_key=None if pk is None else PrimaryKey(tuple(pk.columns), pk.name, pk.implicit, pk.location),
        foreign_keys=tuple(
            ForeignKey(
                columns=tuple(c.columns),
                ref_table=c.ref_table[1] if c.ref_table else "",
                ref_columns=tuple(c.ref_columns),
                on_delete=c.on_delete,
                on_update=c.on_update,
                deferrable=c.deferrable,
                initially_deferred=c.initially_deferred,
                name=c.name,
                implicit=c.implicit,
                ref_schema=c.ref_table[0] if c.ref_table else None,
                location=c.location,
            )
            for c in table.constraints
            if c.kind == "foreign"
        ),
        indexes=tuple(_freeze_index(i, resolver) for i in table.indexes),
        constraints=tuple(
            Constraint(
                name=c.name,
                kind=c.kind,
                columns=tuple(c.columns),
                expression=print_expr(resolver.resolve(c.expression), pretty=True) if c.kind == "check" else None,
                nulls_distinct=c.nulls_distinct if c.kind == "unique" else None,
                implicit=c.implicit,
                location=c.location,
            )
            for c in table.constraints
            if c.kind in ("unique", "check")
        ),
        comment=table.comment,
        location=table.location,
    )


def _freeze_column(column: ColumnState, types: dict[str, str]) -> Column:
    default = column.default_text
    if default is None and column.default is not None and column.generated is None and not column.identity:
        default = render(column.default, types, pretty=False, target=column.type)
    generated = render(column.generated, types, pretty=False) if column.generated is not None else None
    return Column(
        name=column.name,
        type=column.type,
        nullable=column.nullable,
        default=default,
        identity=column.identity,
        generated=generated,
        comment=column.comment,
        location=column.location,
    )


def _freeze_index(index: IndexState, resolver: Resolver) -> Index:
    columns = []
    for part in index.parts:
        if part.column is not None:
            columns.append(part.column)
        else:
            columns.append(print_index_part(resolver.resolve(part.expression)))
    orders = tuple("DESC" if p.desc else "" for p in index.parts)
    opclasses = tuple(p.opclass if p.opclass and p.opclass not in DEFAULT_OPCLASSES else "" for p in index.parts)
    return Index(
        name=index.name,
        columns=tuple(columns),
        unique=index.unique,
        where=print_expr(resolver.resolve(index.where), pretty=True) if index.where is not None else None,
        using=index.using,
        orders=orders if any(orders) else (),
        opclasses=opclasses if any(opclasses) else (),
        include=tuple(index.include),
        implicit=index.implicit,
        origin="index",
        location=index.location,
    )


def link_facts(facts: list[ops.FileFacts]) -> Schema:
    dialect = facts[0].dialect if facts else "postgres"
    applier = Applier(dialect, facts[0].default_schema if facts else "public")
    for file_facts in sorted(facts, key=lambda f: f.path):
        applier.apply_file(file_facts)
    return Schema(
        source="sql",
        tables=tuple(_with_unknowns(t, applier) for t in freeze_tables(applier.catalog)),
        diagnostics=tuple(applier.diagnostics),
        statements=tuple(applier.statements),
        properties=(("dialect", dialect),),
        complete=applier.complete,
        enums=tuple(
            EnumType(name, tuple(labels), schema, location)
            for (schema, name), (labels, location) in sorted(
                applier.catalog.enums.items(), key=lambda item: (item[0][0] or "", item[0][1])
            )
        ),
    )


_TABLE_PARTS: tuple[TablePart, ...] = get_args(TablePart)
_COLUMN_PARTS: tuple[ColumnPart, ...] = get_args(ColumnPart)


def _with_unknowns(table: Table, applier: Applier) -> Table:
    """The parts SL002 statements made unknown (see `Applier.mark_unknown`)."""
    parts = applier.unknown_tables.get((table.schema, table.name), set())
    columns = tuple(
        replace(
            c,
            unknown=tuple(
                sorted(p for p in _COLUMN_PARTS if p in applier.unknown_columns[(table.schema, table.name, c.name)])
            ),
        )
        if (table.schema, table.name, c.name) in applier.unknown_columns
        else c
        for c in table.columns
    )
    if not parts and columns == table.columns:
        return table
    return replace(table, columns=columns, unknown=tuple(sorted(p for p in _TABLE_PARTS if p in parts)))
