"""Calling rules: each rule once per thing of its level, with that level's context, and what
it reports stamped into `Finding`s. Imported by the engine only when rules run (a run served
from the findings cache needs none of it).

## The table-pair memo: what is served from it, per level

After an edit most tables are as they were. A rule is a function of its context; for `table`
and `column` rules the context is one pair of tables (`ctx.pair`, the column pair) plus a few
things the whole comparison shares and the memo's context key covers (`memo_context`: both
sources and their first files, `on-delete-policy`, `type-equivalences`, `ignore-columns`, the
rules with their code). So what the table and column rules report about a pair is stored per
pair (`schemalint.cache.PairMemo`), keyed by both tables' digests and how they pair, and a
later run whose pair has the same two tables takes it from there without pairing the columns
(`Comparison.pair` is lazy) or calling a rule:

* `table`, `column`: served from the memo, except a rule that, during its call for the pair,
  looked past the pair (`ctx.comparison`, `ctx.truth`, `ctx.mirror`: `context.Reads`). Such a
  rule may read any table (say, the table a foreign key points at); it is called again for
  that pair on every run. Whether a rule looks past the pair is decided by what it read before
  looking, which the key covers, so the same pair makes the same rule look again. A rule that
  crashes is never memoised (its error is reported on every run), and a rule that crashed
  earlier in the run is left out of what the memo serves, as it would not have been called.
* `comparison`, `migrations`: always run. They look at whole schemas (tables missing or extra,
  the models against every migration), which an edit of any table changes. A `migrations`
  rule may keep what it computes about one pair of tables (a model's table and its
  migrations' table) in the memo (`MigrationsContext.per_pair`): keyed like a pair's, with
  the rule in the context; SL501 and SL504 compare each model so, and read the migrations'
  tables by their heads, loading only the ones they compare again.
* `schema`: always run; one source alone, cheap (they walk diagnostics and statements).
* `noqa`: always run, after silencing (`schemalint.engine`).

Findings are built from the memo's violations on every run (`to_finding`: the file -> source
map and fix writers are the run's), so a run with the memo reports exactly what one without it
does (tests/test_pair_memo.py compares both over random edits).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from schemalint.cache import MISSING, PairMemo, memo_context, pair_key
from schemalint.compare import Comparison
from schemalint.context import (
    ColumnContext,
    ComparisonContext,
    MigrationsContext,
    Reads,
    RuleContext,
    SchemaContext,
    TableContext,
    contexts,
    reported,
)
from schemalint.findings import Finding
from schemalint.fix.writers import WRITER_SOURCES
from schemalint.model import Schema
from schemalint.registry import Rule, Violation, describe_error

_Entry = tuple[tuple[tuple[str, Violation], ...], tuple[str, ...]]
"""A memo entry: (rule code, violation) in the order the rules reported them, and the codes
of the rules that looked past the pair (called again on every run)."""


class Dispatch:
    """Calls rules with their contexts; a rule that crashes is reported once (`describe_error`)
    and not called again in this run, and the other rules still run."""

    def __init__(self, errors: list[str], sources: dict[str, str], memo: PairMemo | None = None) -> None:
        self.errors = errors
        """Where a crashed rule is reported (the run's errors)."""
        self.sources = sources
        self.crashed: set[str] = set()
        self.findings: list[Finding] = []
        self.memo = memo
        """The table-pair memo (see the module docstring); None: every rule is called."""
        self._digests: dict[int, tuple[Schema, Sequence[bytes]]] = {}

    def call(self, rule: Rule, ctx: RuleContext) -> list[Violation] | None:
        """Call `rule` and keep its findings; what it reported, or None if it did not run (it
        crashed, now or earlier in this run)."""
        if rule.code in self.crashed:
            return None
        try:
            found = reported(rule.check, ctx)
        except Exception as exc:  # a crashing rule is reported, other rules still run
            self.crashed.add(rule.code)
            self.errors.append(describe_error(rule, exc))
            return None
        self.findings += [to_finding(rule, v, self.sources) for v in found]
        return found

    def schema(self, rules: list[Rule], schema: Schema) -> None:
        level = [r for r in rules if r.level == "schema"]
        if level:
            ctx = SchemaContext(schema)
            for rule in level:
                ctx.claims = rule.claims
                self.call(rule, ctx)

    def comparison(self, rules: list[Rule], comparison: Comparison, migrations: bool) -> None:
        """A mirror's rules: per comparison, per paired table, per paired column. Migrations
        are checked against the models by their own rules (SL5xx), not as a mirror."""
        if migrations:
            for rule in (r for r in rules if r.level == "migrations"):
                per_pair = self._migrations_memo(rule, comparison) if self.memo is not None else None
                self.call(rule, MigrationsContext(comparison, per_pair))
            return
        for rule in (r for r in rules if r.level == "comparison"):
            self.call(rule, ComparisonContext(comparison))
        table_rules = [r for r in rules if r.level == "table"]
        column_rules = [r for r in rules if r.level == "column"]
        if not (table_rules or column_rules):
            return
        if self.memo is None:
            for index in range(len(comparison.paired_at)):
                self._pair(comparison, index, table_rules, column_rules, None)
            return
        memo = self.memo
        context = memo_context(
            [*table_rules, *column_rules],
            comparison.truth.source,
            comparison.mirror.source,
            comparison.truth_file,
            comparison.mirror_file,
            comparison.on_delete_policy,
            repr(comparison.type_equivalences),
            repr(comparison.ignore_columns),
        )
        truth_digests = self._table_digests(comparison.truth)
        mirror_digests = self._table_digests(comparison.mirror)
        by_code = {r.code: r for r in (*table_rules, *column_rules)}
        for index, (truth, mirror, paired_by) in enumerate(comparison.paired_at):
            key = pair_key(context, truth_digests[truth], mirror_digests[mirror], paired_by)
            entry: _Entry = memo.get(key)
            if entry is MISSING:
                reads = Reads()
                recorded = self._pair(comparison, index, table_rules, column_rules, reads)
                if recorded is not None:
                    memo.put(key, recorded)
                continue
            found, wide = entry
            for code, violation in found:
                if code not in self.crashed:
                    self.findings.append(to_finding(by_code[code], violation, self.sources))
            if wide:
                again = set(wide)
                self._pair(
                    comparison,
                    index,
                    [r for r in table_rules if r.code in again],
                    [r for r in column_rules if r.code in again],
                    None,
                )

    def _pair(
        self,
        comparison: Comparison,
        index: int,
        table_rules: list[Rule],
        column_rules: list[Rule],
        reads: Reads | None,
    ) -> _Entry | None:
        """Call the table and column rules for the `index`-th pair of tables. With `reads`,
        also return what to memoise: None when a rule did not run (it crashed)."""
        pair = comparison.pair(index)
        found: list[tuple[str, Violation]] = []
        wide: list[str] = []
        complete = True

        def call(rule: Rule, ctx: TableContext) -> None:
            nonlocal complete
            if reads is None:
                self.call(rule, ctx)
                return
            reads.wide = False
            violations = self.call(rule, ctx)
            if violations is None:
                complete = False
            elif reads.wide:
                if rule.code not in wide:
                    wide.append(rule.code)
            else:
                found.extend((rule.code, v) for v in violations)

        if table_rules:
            table = TableContext(comparison, pair)
            if reads is not None:
                table._reads = reads
            for rule in table_rules:
                call(rule, table)
        # One context per column pair, shared by the column rules whose parts it knows.
        for cp in pair.columns if column_rules else ():
            column = ColumnContext(comparison, pair, cp)
            if reads is not None:
                column._reads = reads
            for rule in column_rules:
                if cp.known(*rule.compares):  # type: ignore[arg-type]
                    call(rule, column)
        if reads is None or not complete:
            return None
        # A rule that looked past the pair for one column is called again for all of them.
        wide_codes = set(wide)
        return tuple((code, v) for code, v in found if code not in wide_codes), tuple(wide)

    def _migrations_memo(self, rule: Rule, comparison: Comparison) -> Callable[[int, int, Callable[[], Any]], Any]:
        """`MigrationsContext.per_pair` for `rule`: what it computed about a pair of tables,
        kept in the table-pair memo under both tables' digests and the rule's context."""
        memo = self.memo
        assert memo is not None
        context = memo_context(
            [rule],
            "migrations",
            comparison.truth.source,
            comparison.mirror.source,
            comparison.truth_file,
            comparison.mirror_file,
        )
        truth_digests = self._table_digests(comparison.truth)
        mirror_digests = self._table_digests(comparison.mirror)

        def per_pair(truth: int, mirror: int, compute: Callable[[], Any]) -> Any:
            key = pair_key(context, truth_digests[truth], mirror_digests[mirror], "per-pair")
            found = memo.get(key)
            if found is MISSING:
                found = compute()
                memo.put(key, found)
            return found

        return per_pair

    def _table_digests(self, schema: Schema) -> Sequence[bytes]:
        """`table_digest` of each table of `schema`, by index (found once a run: stored with
        the tables by the link cache, or from the memo, `PairMemo.digests`)."""
        assert self.memo is not None
        kept = self._digests.get(id(schema))
        if kept is None or kept[0] is not schema:
            kept = self._digests[id(schema)] = (schema, self.memo.digests(schema.tables))
        return kept[1]


def check_target(rule: Rule, target: Comparison | Schema) -> list[Violation]:
    """What one rule reports about a comparison (by its level: once, per table pair, per column
    pair) or a schema; its exceptions propagate. For tests and tools that call rules alone."""
    if isinstance(target, Schema):
        if rule.level != "schema":
            return []
        ctx = SchemaContext(target)
        ctx.claims = rule.claims
        return reported(rule.check, ctx)
    return [v for ctx in contexts(rule.level, rule.compares, target) for v in reported(rule.check, ctx)]


def to_finding(rule: Rule, v: Violation, sources: dict[str, str]) -> Finding:
    return Finding(
        path=v.location.path,
        line=v.location.line,
        col=v.location.col,
        code=rule.code,
        message=v.message,
        severity=rule.severity,
        rule=rule.name,
        table=v.table,
        column=v.column,
        source=sources.get(v.location.path),
        related=tuple(loc for loc in v.related if loc is not None),
        fix=v.fix if v.fix is not None and v.fix.source in WRITER_SOURCES else None,
        end_line=v.location.end_line,
        end_col=v.location.end_col,
    )


__all__ = ["Dispatch", "check_target", "to_finding"]
