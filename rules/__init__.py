"""schemalint's built-in rules, one module per code (installed as `schemalint.rules`).

Each module declares its rule with `@rule(...)`, documents it in its docstring and carries its
`VALID` and `INVALID` cases. Nothing else needs editing to add a rule: the registry finds every
module of this package through the `schemalint.rules` entry point.
"""
