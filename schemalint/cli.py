"""The `schemalint` command line. Exit codes: 0 clean, 1 findings, 2 usage/config/internal error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from schemalint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> "NoReturn":  # type: ignore[name-defined]
    click.echo(f"schemalint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(c.strip() for c in value.split(",") if c.strip())


def _load(root: Path, config_file: str | None, **overrides):
    from schemalint.config import load_config

    config = load_config(root, Path(config_file).resolve() if config_file else None)
    return config.override(**overrides)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="schemalint")
def main() -> None:
    """Check that SQLAlchemy models and schema.sql mirror your Django models — statically.

    schemalint reads the source files (it never imports your code, needs no settings and no
    database), builds one schema per source and reports where they drift apart, as
    `path:line:col: CODE message`.

    \b
    Start with:   schemalint check            (in your project root)
    Explain:      schemalint rule SL204
    See a source: schemalint dump --source sqlalchemy
    """


@main.command()
@click.argument("root", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "output_format", default="text", show_default=True, help="Output format.",
              type=click.Choice(["text", "json"]))
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
              help="pyproject.toml to read [tool.schemalint] from (default: the root's, or the nearest parent's).")
@click.option("--select", help="Comma-separated codes or prefixes to run (replaces the default set).")
@click.option("--ignore", help="Comma-separated codes or prefixes to skip.")
@click.option("--extend-select", help="Comma-separated codes or prefixes to run in addition.")
@click.option("--no-cache", is_flag=True, help="Read every file afresh; neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache folder (default: ROOT/.schemalint_cache).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
def check(root: Path, output_format: str, config_file, select, ignore, extend_select, no_cache, cache_dir, exit_zero) -> None:
    """Compare each mirror (SQLAlchemy models, schema.sql) with the source of truth (Django).

    ROOT is the project root (default: the current directory). Prints one line per finding,
    sorted by file and line; exits 0 when everything is in sync, 1 when there are findings.
    """
    from schemalint.config import ConfigError
    from schemalint.engine import UsageError, run_check
    from schemalint.report import ReportContext, get_formatter

    if not root.is_dir():
        _fail(f"{root}: not a directory")
    try:
        config = _load(
            root, config_file,
            select=_codes(select), ignore=_codes(ignore), extend_select=_codes(extend_select),
            cache_dir=str(Path(cache_dir).resolve()) if cache_dir else None,
        )
        result = run_check(config, use_cache=not no_cache)
    except (ConfigError, UsageError) as exc:
        _fail(str(exc))

    color = output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    context = ReportContext(root=config.root, rules=tuple(result.rules), color=color, tool_version=__version__)
    click.echo(get_formatter(output_format)(result.findings, context), nl=False)
    for error in result.errors:
        click.echo(f"schemalint: error: {error}", err=True)
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.findings and not exit_zero else EXIT_CLEAN)


@main.command()
@click.option("--source", required=True, type=click.Choice(["django", "sqlalchemy", "sql"]), help="Which reader.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--root", default=".", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Project root: paths in the output are relative to it.")
@click.option("--format", "output_format", default="text", show_default=True, type=click.Choice(["text", "json"]))
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True), help="pyproject.toml to use.")
def dump(source: str, paths: tuple[Path, ...], root: Path, output_format: str, config_file) -> None:
    """Print the schema one reader sees (to see why a finding appears).

    PATHS are files or folders of that source; by default the source's files are discovered
    under --root exactly as `check` discovers them.
    """
    from schemalint.config import ConfigError
    from schemalint.discover import discover
    from schemalint.engine import read_schema
    from schemalint.report.dump import format_dump_json, format_dump_text

    try:
        config = _load(root, config_file)
        root_abs = config.root
        if paths:
            files: list[Path] = []
            for path in paths:
                path = path.resolve()
                if path.is_dir():
                    found = discover(config.override(root=path), (source,)).files[source]
                    files += found
                else:
                    files.append(path)
            for file in files:
                if not file.is_relative_to(root_abs):
                    _fail(f"{file} is outside the root {root_abs}; pass --root")
        else:
            files = discover(config, (source,)).files[source]
        schema = read_schema(source, files, config)
    except ConfigError as exc:
        _fail(str(exc))
    click.echo(format_dump_json(schema) if output_format == "json" else format_dump_text(schema), nl=False)


@main.command("rules")
def list_rules() -> None:
    """List every rule: code, name, default state and summary."""
    from schemalint.registry import PluginError, load_rules

    try:
        rules = load_rules(_plugins_from_cwd())
    except PluginError as exc:
        _fail(str(exc))
    for r in rules:
        state = "" if r.default_enabled else " (off by default)"
        click.echo(f"{r.code}  {r.name:<32} {r.severity:<8} {r.summary}{state}")


@main.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the documentation of one rule (e.g. `schemalint rule SL204`)."""
    from schemalint.registry import PluginError, load_rules

    try:
        rules = {r.code: r for r in load_rules(_plugins_from_cwd())}
    except PluginError as exc:
        _fail(str(exc))
    found = rules.get(code.upper())
    if found is None:
        _fail(f"unknown rule code '{code}' (see `schemalint rules`)")
    click.echo(f"{found.code} {found.name} ({found.severity})\n\n{found.summary}\n\n{found.docs}")


def _plugins_from_cwd() -> tuple[str, ...]:
    from schemalint.config import ConfigError, load_config

    try:
        return load_config(Path.cwd()).plugins
    except ConfigError as exc:
        _fail(str(exc))


def run() -> None:
    """Entry point that turns any unexpected exception into exit code 2 with a clear line."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last resort
        if os.environ.get("SCHEMALINT_DEBUG"):
            raise
        click.echo(f"schemalint: internal error: {type(exc).__name__}: {exc} (set SCHEMALINT_DEBUG=1 for a traceback)", err=True)
        sys.exit(EXIT_ERROR)
