"""Which rules run: `select`, `extend-select`, `ignore` and `per-file-ignores`, with flake8/ruff
semantics (the longest matching prefix decides, ignore wins a tie)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

from schemalint.config import Config, ConfigError
from schemalint.findings import Finding
from schemalint.registry import Rule


def prefix_len(code: str, prefixes: Iterable[str]) -> int:
    """The length of the longest of `prefixes` that `code` starts with (0 for `ALL`), -1 if none."""
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def check_codes(rules: list[Rule], config: Config) -> None:
    """Every code or prefix named in the config must name at least one rule."""
    codes = [r.code for r in rules]
    named = [("select", c) for c in config.select] + [("extend-select", c) for c in config.extend_select]
    named += [("ignore", c) for c in config.ignore]
    named += [("per-file-ignores", c) for _, cs in config.per_file_ignores for c in cs]
    for key, code in named:
        if code != "ALL" and not any(c.startswith(code) for c in codes):
            raise ConfigError(f"'{key}' names unknown rule code '{code}' (see `schemalint rules`)")


def selected_rules(rules: list[Rule], config: Config) -> list[Rule]:
    """flake8/ruff semantics: the longest matching prefix decides, ignore wins a tie. Rules that
    are off by default (SL210) stay off in the default set and run once a `select` or
    `extend-select` entry covers them, a prefix (`SL2`, `ALL`) included."""
    chosen = []
    for rule in rules:
        if config.select:
            on = prefix_len(rule.code, config.select)
        else:
            on = 0 if rule.default_enabled else -1
        on = max(on, prefix_len(rule.code, config.extend_select))
        off = prefix_len(rule.code, config.ignore)
        if on >= 0 and on > off:
            chosen.append(rule)
    return chosen


def ignored_per_file(finding: Finding, config: Config) -> bool:
    """Whether a `per-file-ignores` entry covers the finding's file and code."""
    for pattern, codes in config.per_file_ignores:
        if fnmatch.fnmatch(finding.path, pattern) and prefix_len(finding.code, codes) >= 0:
            return True
    return False


__all__ = ["check_codes", "ignored_per_file", "prefix_len", "selected_rules"]
