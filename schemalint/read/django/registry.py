"""Django's app registry as model modules consult it while they are imported.

django-oscar defines each of its concrete models under a guard,

    if not is_model_registered("catalogue", "Product"):
        class Product(AbstractProduct): ...

where `is_model_registered` asks the registry (`apps.get_registered_model(label, name)`,
LookupError when absent): a project that forks the app defines its own `catalogue.Product`
first, and Oscar's class is then never created. Statically, "registered before" means: a
model of that app label and (case-insensitive) name that the project defines unconditionally
elsewhere. Django refuses two models of one label and name (`RuntimeError: Conflicting ...`),
so in a project that runs, such a model is the one registered first and the guard is false;
when there is none, nothing registered it and the guard is true. When the only other
definitions are themselves conditional, which one runs first is not static: the class stays
"defined under if/try" (SL002).
"""

from __future__ import annotations

import ast

from schemalint.read.python.evaluate import MISSING, Function

GUARD = tuple[str, str]
"""(app label, model name in lower case) a guard asks the registry about."""


def registry_check(function: Function) -> tuple[int, int] | None:
    """The positions of the (app label, model name) parameters when `function` answers "is
    a model of this label and name registered?" the way the registry does:

        def is_model_registered(app_label, model_name):
            try:
                apps.get_registered_model(app_label, model_name)
            except LookupError:
                return False
            else:                      # or `return True` at the end of the `try` body
                return True

    None for any other function."""
    node = function.node
    if function.bound is not MISSING:
        return None
    params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Try):
        return None
    attempt = body[0]
    if attempt.finalbody or len(attempt.handlers) != 1:
        return None
    handler = attempt.handlers[0]
    if not (isinstance(handler.type, ast.Name) and handler.type.id == "LookupError" and _returns(handler.body, False)):
        return None
    steps = list(attempt.body)
    if attempt.orelse:
        if not _returns(attempt.orelse, True):
            return None
    elif steps and _returns(steps[-1:], True):
        steps = steps[:-1]
    else:
        return None
    if len(steps) != 1 or not isinstance(steps[0], ast.Expr) or not isinstance(steps[0].value, ast.Call):
        return None
    call = steps[0].value
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "get_registered_model"):
        return None
    if call.keywords or len(call.args) != 2 or not all(isinstance(a, ast.Name) for a in call.args):
        return None
    names = [a.id for a in call.args if isinstance(a, ast.Name)]
    if not all(name in params for name in names):
        return None
    return params.index(names[0]), params.index(names[1])


def _returns(body: list[ast.stmt], value: bool) -> bool:
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Constant)
        and body[0].value.value is value
    )
