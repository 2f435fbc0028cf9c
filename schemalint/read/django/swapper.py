"""django-swapper (`swapper`), computed as the library does rather than by running its code.

Wagtail names its page model `swapper.get_model_name("wagtailcore", "Page")`. swapper's
functions read and write module state and settings at run time (`set_app_prefix` fills a
dict, `swappable_setting` sets a default setting), so their bodies cannot be evaluated; their
meaning is small and fixed (swapper/__init__.py, 1.4):

* `swappable_setting(app_label, model)`: the setting's name, `<PREFIX>_<MODEL>_MODEL`
  upper-cased, where PREFIX is the app label or the prefix a module-level
  `swapper.set_app_prefix(app_label, prefix)` gave it;
* `is_swapped(app_label, model)`: that setting's value when the project sets it to another
  model than `"app_label.model"`, else False;
* `get_model_name(app_label, model)`: the setting's value when the project swaps the
  model, else `"app_label.model"`.

The project's settings module answers (read/django/project.py); a setting it sets in a way
that cannot be read is `Unresolved`, as every other setting.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from schemalint.read.python import Unresolved
from schemalint.read.python.evaluate import MISSING, Evaluator, Function, Intrinsic

MODULE = "swapper"


class Swapper:
    def __init__(self, evaluator: Evaluator, setting: Callable[[str], Any], model_files: list[str]) -> None:
        self.evaluator = evaluator
        self.setting = setting
        self.model_files = model_files
        self._prefixes: dict[str, str | None] | None = None

    def intrinsics(self) -> dict[str, Intrinsic]:
        return {
            f"{MODULE}.swappable_setting": self._swappable_setting,
            f"{MODULE}.is_swapped": self._is_swapped,
            f"{MODULE}.get_model_name": self._get_model_name,
        }

    # ------------------------------------------------------------------ the functions

    def _swappable_setting(self, args: list[Any], kwargs: dict[str, Any], text: str) -> str:
        app_label, model = _labels(args, kwargs, text)
        prefix = self.prefixes().get(app_label, app_label)
        if prefix is None:
            raise Unresolved(f"{text} (swapper.set_app_prefix({app_label!r}, ...) is called with different prefixes)")
        return f"{prefix.upper()}_{model.upper()}_MODEL"

    def _is_swapped(self, args: list[Any], kwargs: dict[str, Any], text: str) -> str | bool:
        app_label, model = _labels(args, kwargs, text)
        default = f"{app_label}.{model}"
        name = self._swappable_setting(args, kwargs, text)
        try:
            value = self.setting(name)
        except Unresolved as exc:
            raise Unresolved(f"settings.{name} ({exc.text})") from None
        if value is MISSING or value == default:
            return False
        if not isinstance(value, str):
            raise Unresolved(f"settings.{name} = {value!r}")
        return value

    def _get_model_name(self, args: list[Any], kwargs: dict[str, Any], text: str) -> str:
        app_label, model = _labels(args, kwargs, text)
        swapped = self._is_swapped(args, kwargs, text)
        return swapped if isinstance(swapped, str) else f"{app_label}.{model}"

    # ------------------------------------------------------------------ set_app_prefix

    def prefixes(self) -> dict[str, str | None]:
        """app label -> the prefix the model modules give it with a module-level
        `swapper.set_app_prefix(label, prefix)` (None: two different prefixes)."""
        if self._prefixes is None:
            self._prefixes = {}
            for rel in self.model_files:
                text = self.evaluator.modules.project.read_text(rel) or ""
                if "set_app_prefix" not in text:
                    continue
                dotted = rel[:-3].replace("/", ".")
                module = self.evaluator.module_at(rel, dotted, dotted.rpartition(".")[0])
                for statement in module.tree.body if module is not None else ():
                    found = self._prefix_call(module, statement)
                    if found is not None:
                        label, prefix = found
                        known = self._prefixes.setdefault(label, prefix)
                        if known != prefix:
                            self._prefixes[label] = None
        return self._prefixes

    def _prefix_call(self, module, statement: ast.stmt) -> tuple[str, str] | None:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            return None
        call = statement.value
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
        if name != "set_app_prefix" or call.keywords or len(call.args) != 2:
            return None
        try:
            function = self.evaluator.expression(module, call.func, {})
            label, prefix = (self.evaluator.expression(module, a, {}) for a in call.args)
        except Unresolved:
            return None
        if not (isinstance(function, Function) and function.module.name == MODULE):
            return None
        return (label, prefix) if isinstance(label, str) and isinstance(prefix, str) else None


def _labels(args: list[Any], kwargs: dict[str, Any], text: str) -> tuple[str, str]:
    values = dict(zip(("app_label", "model"), args)) | kwargs
    app_label, model = values.get("app_label"), values.get("model")
    if len(args) + len(kwargs) != 2 or not isinstance(app_label, str) or not isinstance(model, str):
        raise Unresolved(text)
    return app_label, model
