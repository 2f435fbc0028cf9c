"""What the engine hands to the report stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemalint.model import Location


@dataclass(frozen=True, order=True)
class Finding:
    # Field order is the sort order of the output: by file, then position, then code.
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = field(default="error", compare=False)
    rule: str = field(default="", compare=False)
    """The rule's kebab-case name."""
    table: str | None = field(default=None, compare=False)
    column: str | None = field(default=None, compare=False)
    source: str | None = field(default=None, compare=False)
    """The source whose file the finding points into (django, sqlalchemy, sql)."""
    related: tuple[Location, ...] = field(default=(), compare=False)

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.col)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "filename": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "rule": self.rule,
            "table": self.table,
            "column": self.column,
            "source": self.source,
            "related": [{"filename": r.path, "line": r.line, "col": r.col} for r in self.related],
        }
