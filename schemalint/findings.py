"""What the engine hands to the report stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemalint.fix import Fix
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
    fix: Fix | None = field(default=None, compare=False)
    end_line: int = field(default=0, compare=False)
    end_col: int = field(default=0, compare=False)
    """Where the construct ends (exclusive), when the reader knows it; 0 when it does not."""

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.col, self.end_line, self.end_col)

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
