"""Calling rules: each rule once per thing of its level, with that level's context, and what
it reports stamped into `Finding`s. Imported by the engine only when rules run (a run served
from the findings cache needs none of it)."""

from __future__ import annotations

from schemalint.compare import Comparison
from schemalint.context import (
    ColumnContext,
    ComparisonContext,
    MigrationsContext,
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


class Dispatch:
    """Calls rules with their contexts; a rule that crashes is reported once (`describe_error`)
    and not called again in this run, and the other rules still run."""

    def __init__(self, errors: list[str], sources: dict[str, str]) -> None:
        self.errors = errors
        """Where a crashed rule is reported (the run's errors)."""
        self.sources = sources
        self.crashed: set[str] = set()
        self.findings: list[Finding] = []

    def call(self, rule: Rule, ctx: RuleContext) -> None:
        if rule.code in self.crashed:
            return
        try:
            found = reported(rule.check, ctx)
        except Exception as exc:  # a crashing rule is reported, other rules still run
            self.crashed.add(rule.code)
            self.errors.append(describe_error(rule, exc))
            return
        self.findings += [to_finding(rule, v, self.sources) for v in found]

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
                self.call(rule, MigrationsContext(comparison))
            return
        for rule in (r for r in rules if r.level == "comparison"):
            self.call(rule, ComparisonContext(comparison))
        table_rules = [r for r in rules if r.level == "table"]
        column_rules = [r for r in rules if r.level == "column"]
        for pair in comparison.pairs:
            if table_rules:
                table = TableContext(comparison, pair)
                for rule in table_rules:
                    self.call(rule, table)
            # One context per column pair, shared by the column rules whose parts it knows.
            for cp in pair.columns if column_rules else ():
                column = ColumnContext(comparison, pair, cp)
                for rule in column_rules:
                    if cp.known(*rule.compares):  # type: ignore[arg-type]
                        self.call(rule, column)


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
