"""The static-Python layer under the Django and SQLAlchemy readers.

Python knowledge that is not ORM knowledge lives here once:

* `Unresolved` (this module): the one convention for "cannot be known statically". It is an
  exception: an evaluator raises it with the source text it could not resolve, and the
  reader turns it into ONE SL002 diagnostic at the construct that needed the value.
* `modules.py`: THE module resolver. A dotted module name -> the file Python would import:
  the project's own modules, then installed packages in the project's virtualenv (`.venv`,
  `venv`, `$VIRTUAL_ENV` or the `python-path` config key), read, never imported. `django.*`
  always means installed Django, never a folder of the project.
* `evaluate.py`: an evaluator over `ast` for module-level values: literals, names across
  modules (`from .base import *` included), arithmetic, comparisons, `str.format`,
  `getattr(obj, "X", default)`, a function or method whose body is one `return`, objects
  whose attributes come from a `@property` or a defaults dict. Objects it cannot see into
  (Django's `settings`, `django.db.connection`) and functions whose effect lies outside their
  body (swapper's) are given to it by the reader (`objects`, `intrinsics`).
* `lines.py`: a line finder for declarations (`class Name`, `name =`) by scanning text.
* `syntax_diagnostic` (syntax.py): SL001 for a file that does not parse, placed where Python
  itself places the error.
"""

from __future__ import annotations


class Unresolved(Exception):
    """`text` (as written in the source) cannot be resolved statically; `what` optionally
    names the part of the fact that stays unknown (`max_length`, `field type`)."""

    def __init__(self, text: str, what: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.what = what
