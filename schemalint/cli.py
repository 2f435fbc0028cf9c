"""The `schemalint` command line. Exit codes: 0 clean, 1 findings, 2 usage/config/internal error."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from schemalint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> NoReturn:
    click.echo(f"schemalint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(c.strip() for c in value.split(",") if c.strip())


def infer_root(paths: tuple[Path, ...]) -> Path:
    """The project some files or folders belong to: the folder of the nearest pyproject.toml
    above them all, else their common parent folder."""
    from schemalint.config import find_config_file

    resolved = [p.resolve() for p in paths]
    common = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))
    config = find_config_file(common)
    return config.parent if config else common


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


FORMAT_NAMES = ["text", "full", "json", "sarif", "github", "gitlab"]
SOURCE_NAMES = ["django", "sqlalchemy", "sql", "migrations", "database"]


def database_options(func):
    """--database-url / --database-snapshot: the live database as one more source."""
    func = click.option(
        "--database-snapshot",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="A `dump --source database --format json` file to use as the database.",
    )(func)
    return click.option(
        "--database-url",
        envvar="SCHEMALINT_DATABASE_URL",
        metavar="URL",
        help="PostgreSQL to check as one more mirror (also SCHEMALINT_DATABASE_URL); parts left "
        "out (`postgresql://`) come from libpq's PG* variables and ~/.pgpass. Read only. "
        "Needs pip install 'schemalint[postgres]'.",
    )(func)


def _database(database_url: str | None, database_snapshot: Path | None) -> dict:
    if database_url is not None and database_snapshot is not None:
        _fail("give --database-url or --database-snapshot, not both")
    return {
        "database_url": database_url,
        "database_snapshot": str(database_snapshot.resolve()) if database_snapshot else None,
    }


CHECK_EPILOG = """\b
Examples:
  schemalint check                          check the project in the current directory
  schemalint check path/to/models.py        only that file's findings (its project is checked)
  schemalint check --format full            show the lines of every side of each finding
  schemalint check --select SL2 --ignore SL206
  schemalint check --statistics             count findings per code
  schemalint check --add-noqa               silence every current finding with a noqa comment
  schemalint check --database-url postgresql://ro@db/shop   also check a live database (read only)
  schemalint check --stdin-filename src/database/models.py -  < buffer   (editors)

\b
Exit status: 0 no findings, 1 findings, 2 usage/configuration error or a crashed rule.
"""


@main.command(epilog=CHECK_EPILOG)
@click.argument("paths", nargs=-1, metavar="[ROOT | FILE... | -]")
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    type=click.Choice(FORMAT_NAMES),
    help="text: path:line:col: CODE message (flake8 style); full: with the source lines of every side; "
    "json; sarif (SARIF 2.1.0); github (workflow annotations); gitlab (Code Quality report).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--color",
    "color_mode",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "always", "never"]),
    help="Colour text/full output. auto: only on a terminal, and never when NO_COLOR is set.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True),
    help="pyproject.toml to read [tool.schemalint] from (default: the root's, or the nearest parent's).",
)
@click.option(
    "--select",
    metavar="CODES",
    help="Comma-separated codes or prefixes to run, e.g. SL2,SL301 (replaces the default set; ALL for every rule).",
)
@click.option("--ignore", metavar="CODES", help="Comma-separated codes or prefixes to skip.")
@click.option(
    "--extend-select", metavar="CODES", help="Comma-separated codes or prefixes to run in addition to the selection."
)
@click.option("--statistics", is_flag=True, help="Print how many findings each code has instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and nothing else (no summary line).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Append `# noqa: CODES` (`-- noqa: CODES` in SQL) to every line with a finding, to adopt "
    "schemalint on an existing project; then exit 0.",
)
@click.option(
    "--fix",
    "fix",
    is_flag=True,
    help="Apply every safe fix to the mirrors (never to the source of truth), then report what remains.",
)
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff: also apply unsafe fixes (drops, narrowing).")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print a unified diff of what --fix would write; write nothing (exit 1 when there would be changes).",
)
@click.option("--fix-only", is_flag=True, help="Apply the fixes and print only a summary of what was fixed.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With ROOT `-`: read this file's content from standard input instead of disk and report "
    "findings for this file only (for editors).",
)
@click.option("--no-cache", is_flag=True, help="Read every file afresh; neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache folder (default: ROOT/.schemalint_cache).")
@database_options
def check(
    paths: tuple[str, ...],
    output_format: str,
    output_file: Path | None,
    color_mode: str,
    config_file,
    select,
    ignore,
    extend_select,
    statistics: bool,
    quiet: bool,
    exit_zero: bool,
    add_noqa: bool,
    fix: bool,
    unsafe_fixes: bool,
    show_diff: bool,
    fix_only: bool,
    stdin_filename: str | None,
    no_cache: bool,
    cache_dir,
    database_url: str | None,
    database_snapshot: Path | None,
) -> None:
    """Compare each mirror (SQLAlchemy models, schema.sql) with the source of truth (Django).

    ROOT is the project root (default: the current directory). Given files instead, checks
    the project they belong to (the folder of the nearest pyproject.toml above them, else
    their common folder) and reports only their findings. Prints one line per finding,
    sorted by file and line. Configure it in [tool.schemalint] of pyproject.toml; silence one
    finding with `# noqa: SL204` (`-- noqa: SL204` in SQL) on its line.
    """
    from schemalint.config import ConfigError
    from schemalint.engine import UsageError, run_check

    if statistics and output_format not in ("text", "full", "json"):
        _fail("--statistics prints text or json; drop --format or use --format json")
    root, only = _check_target(paths)
    stdin = _stdin_target(root, stdin_filename, config_file)
    if stdin is not None and add_noqa:
        _fail("--add-noqa edits files on disk; it cannot be combined with --stdin-filename")
    fixing = fix or show_diff or fix_only
    if fixing and (stdin is not None or add_noqa or statistics):
        other = "--stdin-filename" if stdin is not None else "--add-noqa" if add_noqa else "--statistics"
        _fail(f"--fix, --diff and --fix-only cannot be combined with {other}")
    root_path = stdin.root if stdin else Path(root)
    if not root_path.is_dir():
        _fail(f"{root}: not a directory")
    try:
        config = _load(
            root_path,
            config_file,
            select=_codes(select),
            ignore=_codes(ignore),
            extend_select=_codes(extend_select),
            cache_dir=str(Path(cache_dir).resolve()) if cache_dir else None,
            **_database(database_url, database_snapshot),
        )
        overrides = {stdin.rel: stdin.data} if stdin else None
        _make_plugins_importable(config.root)
        if fixing:
            from schemalint.fix.apply import fix_project

            outcome = fix_project(config, unsafe=unsafe_fixes, write=not show_diff, use_cache=not no_cache)
            result = outcome.result
        else:
            # JSON and SARIF carry each fix's edits, written from the schemas.
            schemas = output_format in ("json", "sarif") and not statistics
            result = run_check(config, use_cache=not no_cache, overrides=overrides, schemas=schemas)
    except (ConfigError, UsageError) as exc:
        _fail(str(exc))
    if fixing:
        _report_fixes(outcome, show_diff, fix_only, quiet)
        if show_diff or fix_only:
            for error in result.errors:
                click.echo(f"schemalint: error: {error}", err=True)
            changed = show_diff and bool(outcome.changed)
            sys.exit(EXIT_ERROR if result.errors else EXIT_FINDINGS if changed and not exit_zero else EXIT_CLEAN)
    findings = result.findings
    if stdin is not None:
        findings = [f for f in findings if f.path == stdin.rel]
    if only:
        wanted = {p.relative_to(config.root).as_posix() for p in only}
        findings = [f for f in findings if f.path in wanted]
        read = {rel for schema in result.schemas.values() for rel in schema.files}
        for rel in sorted(wanted - read):
            if not quiet:
                click.echo(f"schemalint: {rel} is not one of the project's sources (see `schemalint dump`)", err=True)

    if add_noqa:
        _add_noqa(findings, result, config.root, quiet)
    else:
        shown = dict(overrides or {})
        if output_format == "full":
            shown.update({label: write().encode() for label, write in result.listings.items()})
        _report(
            findings,
            result,
            config.root,
            output_format,
            output_file,
            color_mode,
            statistics,
            quiet=quiet or stdin is not None,
            overrides=shown,
            unsafe_fixes=unsafe_fixes,
        )
    for error in result.errors:
        click.echo(f"schemalint: error: {error}", err=True)
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if findings and not exit_zero and not add_noqa else EXIT_CLEAN)


def _check_target(paths: tuple[str, ...]) -> tuple[str, tuple[Path, ...]]:
    """`check [ROOT | FILE... | -]`: the root to check, and the files whose findings to report
    (none: all of them)."""
    if not paths:
        return ".", ()
    if len(paths) == 1 and (paths[0] == "-" or not Path(paths[0]).is_file()):
        return paths[0], ()
    files = tuple(Path(p) for p in paths)
    strays = [str(p) for p in files if not p.is_file()]
    if strays:
        _fail(f"{', '.join(strays)}: give one project folder, or files (not both)")
    return str(infer_root(files)), tuple(p.resolve() for p in files)


def _make_plugins_importable(root: Path) -> None:
    """`plugins = ["team_rules"]` names modules by import name; a module kept in the project
    itself must be importable without installing it. The root goes at the *end* of the path
    so a project file can never shadow an installed package."""
    if str(root) not in sys.path:
        sys.path.append(str(root))


class _StdinTarget:
    def __init__(self, root: Path, rel: str, data: bytes):
        self.root, self.rel, self.data = root, rel, data


def _stdin_target(root: str, stdin_filename: str | None, config_file: str | None) -> _StdinTarget | None:
    """`check --stdin-filename PATH -`: the project root is the folder of the pyproject.toml
    (given with --config, or the nearest one above PATH), else the current directory."""
    from schemalint.config import find_config_file

    if root != "-":
        if stdin_filename:
            _fail("--stdin-filename needs `-` in place of ROOT: schemalint check --stdin-filename PATH -")
        return None
    if not stdin_filename:
        _fail("ROOT `-` reads standard input: name the file it stands for with --stdin-filename PATH")
    path = Path(stdin_filename)
    path = path if path.is_absolute() else Path.cwd() / path
    path = Path(os.path.normpath(path))
    config = Path(config_file).resolve() if config_file else find_config_file(path.parent)
    project = config.parent if config else Path.cwd()
    if not path.is_relative_to(project):
        _fail(f"--stdin-filename {stdin_filename} is outside the project root {project}")
    return _StdinTarget(project, path.relative_to(project).as_posix(), sys.stdin.buffer.read())


def _use_color(mode: str, output_file: Path | None) -> bool:
    if mode != "auto":
        return mode == "always"
    return output_file is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _report(
    findings,
    result,
    root: Path,
    output_format: str,
    output_file: Path | None,
    color_mode: str,
    statistics: bool,
    quiet: bool,
    overrides,
    unsafe_fixes: bool = False,
) -> None:
    from schemalint.report import ReportContext, get_formatter

    color = output_format in ("text", "full") and _use_color(color_mode, output_file)
    if statistics:
        from schemalint.report.statistics import format_statistics

        text = format_statistics(findings, as_json=output_format == "json")
    else:
        sources = {rel: source for source, schema in result.schemas.items() for rel in schema.files}
        context = ReportContext(
            root=root,
            rules=tuple(result.rules),
            color=color,
            tool_version=__version__,
            extra={"sources": sources, "overrides": overrides or {}},
            unsafe_fixes=unsafe_fixes,
            edits=_edits_of(root, result, overrides) if output_format in ("json", "sarif") else None,
        )
        text = get_formatter(output_format)(findings, context)
    if output_file is not None:
        try:
            output_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output_file}: {exc.strerror or exc}")
    else:
        # click strips colour codes when stdout is not a terminal unless told otherwise:
        # `--color always` must win (CI logs render them).
        click.echo(text, nl=False, color=color)
    if findings and not quiet and output_format in ("text", "full"):
        # A clean run prints nothing at all, like flake8: pre-commit and editors show silence.
        click.echo(_summary(findings, unsafe_fixes), err=True)


def _summary(findings, unsafe_fixes: bool = False) -> str:
    warnings = sum(1 for f in findings if f.severity == "warning")
    files = len({f.path for f in findings})
    noun = "finding" if len(findings) == 1 else "findings"
    detail = f" ({len(findings) - warnings} errors, {warnings} warnings)" if warnings else ""
    lines = [f"Found {len(findings)} {noun}{detail} in {files} file{'s' if files != 1 else ''}."]
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
    fixable = safe + (unsafe if unsafe_fixes else 0)
    if fixable:
        flags = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
        lines.append(f"[*] {fixable} fixable with `schemalint check {flags}`.")
    if unsafe and not unsafe_fixes:
        lines.append(f"({unsafe} {'more ' if fixable else ''}fixable with `--unsafe-fixes`.)")
    return "\n".join(lines)


def _edits_of(root: Path, result, overrides):
    """How JSON and SARIF get a finding's edits: its fix written alone by the mirror's writer."""

    def edits(finding):
        from schemalint.fix.apply import edits_for

        return edits_for(finding, root, result, overrides)

    return edits


def _report_fixes(outcome, show_diff: bool, fix_only: bool, quiet: bool) -> None:
    """What --fix / --diff / --fix-only say beside the findings: the diff, the fixes that could
    not be applied, and how many were."""
    if show_diff:
        click.echo(outcome.diff(), nl=False)
    for problem in outcome.problems:
        click.echo(f"schemalint: {problem}", err=True)
    if quiet and not fix_only:
        return
    files = len(outcome.changed)
    verb = "Would fix" if show_diff else "Fixed"
    noun = "finding" if outcome.applied == 1 else "findings"
    remaining = len(outcome.result.findings)
    tail = f" ({remaining} remaining)" if fix_only else ""
    if outcome.applied or fix_only:
        click.echo(f"{verb} {outcome.applied} {noun} in {files} file{'s' if files != 1 else ''}{tail}.", err=True)


def _add_noqa(findings, result, root: Path, quiet: bool) -> None:
    from schemalint.suppress import add_noqa

    # A noqa for SL010 (a noqa that silences nothing) would only add noise: fix those by hand.
    own = {r.code for r in result.rules if r.level == "noqa"}
    outcome = add_noqa([f for f in findings if f.code not in own], root)
    for where in outcome.skipped:
        click.echo(
            f"schemalint: {where}: line ends with a backslash continuation; add the noqa comment by hand", err=True
        )
    if not quiet:
        click.echo(
            f"Added {outcome.added} noqa comment{'s' if outcome.added != 1 else ''} "
            f"to {len(outcome.files)} file{'s' if len(outcome.files) != 1 else ''}.",
            err=True,
        )


def _read_one_source(
    source: str, paths: tuple[Path, ...], root: Path | None, config_file, database: dict | None = None
):
    """The schema of one source: the files under PATHS, or those discovered under the root
    (by default the project PATHS belong to, else the current directory); for `database`,
    the database or snapshot given."""
    from schemalint.config import ConfigError
    from schemalint.discover import discover
    from schemalint.engine import read_schema

    if root is None:
        root = infer_root(paths) if paths else Path(".")
    try:
        config = _load(root, config_file, **(database or {}))
        if source == "database":
            return _read_database_source(config, paths)
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
        return read_schema(source, files, config)
    except ConfigError as exc:
        _fail(str(exc))


def _read_database_source(config, paths: tuple[Path, ...]):
    from schemalint.read.database import DatabaseError, read_database

    if paths:
        _fail("--source database reads no files: give --database-url URL or --database-snapshot FILE")
    if not config.uses_database:
        _fail("--source database needs --database-url URL (or SCHEMALINT_DATABASE_URL) or --database-snapshot FILE")
    try:
        return read_database(config).schema
    except DatabaseError as exc:
        _fail(str(exc))


@main.command()
@click.option("--source", required=True, type=click.Choice(SOURCE_NAMES), help="Which reader.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Project root: paths in the output are relative to it (default: the folder of the nearest "
    "pyproject.toml above PATHS, else their common folder; without PATHS the current directory).",
)
@click.option("--format", "output_format", default="text", show_default=True, type=click.Choice(["text", "json"]))
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True), help="pyproject.toml to use.")
@database_options
def dump(
    source: str,
    paths: tuple[Path, ...],
    root: Path | None,
    output_format: str,
    config_file,
    database_url: str | None,
    database_snapshot: Path | None,
) -> None:
    """Print the schema one reader sees (to see why a finding appears).

    PATHS are files or folders of that source; by default the source's files are discovered
    under --root exactly as `check` discovers them.
    """
    from schemalint.report.dump import format_dump_json, format_dump_text

    schema = _read_one_source(source, paths, root, config_file, _database(database_url, database_snapshot))
    click.echo(format_dump_json(schema) if output_format == "json" else format_dump_text(schema), nl=False)


EXPORT_EPILOG = """\b
Examples:
  schemalint export --source django -o scripts/database/schema_django.sql
  schemalint export --source sqlalchemy --idempotent -o scripts/database/schema_sqlalchemy.sql
  schemalint export --source django --check -o scripts/database/schema_django.sql   (pre-commit)

\b
Exit status: 0 written (or, with --check, current), 1 --check found the file stale, 2 error.
"""


@main.command(epilog=EXPORT_EPILOG)
@click.option(
    "--source", required=True, type=click.Choice(SOURCE_NAMES), help="The source whose schema to print as DDL."
)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Project root (default: the project PATHS belong to, else the current directory).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the DDL to this file instead of standard output.",
)
@click.option(
    "--idempotent", is_flag=True, help="CREATE ... IF NOT EXISTS and guarded constraints: the output can run twice."
)
@click.option(
    "--include-contrib",
    is_flag=True,
    help="Also create the django.contrib tables the exported ones refer to (auth_user, ...): the output runs on an empty database.",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 when --output-file is not what export would write.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True),
    help="pyproject.toml to read [tool.schemalint] from (default: the root's, or the nearest parent's).",
)
@database_options
def export(
    source: str,
    paths: tuple[Path, ...],
    root: Path | None,
    output_file: Path | None,
    idempotent: bool,
    include_contrib: bool,
    check_only: bool,
    config_file,
    database_url: str | None,
    database_snapshot: Path | None,
) -> None:
    """Print the PostgreSQL DDL that creates the schema of one source (what `dump` shows).

    Replaces a script that needs Django settings, SQLAlchemy imports and a database to write
    reference DDL files: run it on an empty database with `psql -v ON_ERROR_STOP=1 -f FILE`.
    The output has no timestamp, so regenerating an unchanged project changes nothing.
    """
    from schemalint.report.export import ExportOptions, export_ddl

    if check_only and output_file is None:
        _fail("--check needs --output-file: the file to compare with")
    schema = _read_one_source(source, paths, root, config_file, _database(database_url, database_snapshot))
    command = (
        f"schemalint export --source {source}"
        + (" --idempotent" if idempotent else "")
        + (" --include-contrib" if include_contrib else "")
    )
    text = export_ddl(schema, ExportOptions(idempotent=idempotent, include_contrib=include_contrib, command=command))
    if output_file is None:
        click.echo(text, nl=False)
        return
    current = output_file.read_text(encoding="utf-8") if output_file.is_file() else None
    if check_only:
        if current != text:
            click.echo(f"{output_file}: stale: regenerate it with `{command} -o {output_file}`", err=True)
            sys.exit(EXIT_FINDINGS)
        return
    if current != text:
        output_file.parent.mkdir(parents=True, exist_ok=True)
        output_file.write_text(text, encoding="utf-8")


@main.command("rules")
@click.option(
    "--format", "output_format", default="text", show_default=True, type=click.Choice(["text", "json", "markdown"])
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True),
    help="pyproject.toml whose `plugins` to load (default: the current directory's).",
)
def list_rules(output_format: str, config_file) -> None:
    """List every rule (built-in and plugins): code, name, severity and summary.

    Codes are grouped by family: SL0 the linter itself, SL1 tables, SL2 columns, SL3 indexes
    and constraints, SL4 schema.sql. `schemalint rule CODE` prints one rule's documentation.
    """
    import json

    rules = _all_rules(config_file)
    if output_format == "json":
        click.echo(json.dumps([_rule_dict(r) for r in rules], indent=2))
        return
    if output_format == "markdown":
        from schemalint.report.rules_table import rules_markdown

        click.echo(rules_markdown(rules), nl=False)
        return
    for r in rules:
        state = "" if r.default_enabled else " (off by default)"
        click.echo(f"{r.code}  {r.name:<32} {r.severity:<8} {r.summary}{state}")


@main.command("rule")
@click.argument("code")
@click.option("--format", "output_format", default="text", show_default=True, type=click.Choice(["text", "json"]))
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True),
    help="pyproject.toml whose `plugins` to load (default: the current directory's).",
)
def show_rule(code: str, output_format: str, config_file) -> None:
    """Print the documentation of one rule, by code or name (`schemalint rule SL204`,
    `schemalint rule nullability-mismatch`): what it does, why it matters, an example, how to
    fix it and how to silence it."""
    import json

    rules = _all_rules(config_file)
    found = next((r for r in rules if code.upper() == r.code or code.lower() == r.name), None)
    if found is None:
        _fail(f"unknown rule '{code}' (see `schemalint rules`)")
    if output_format == "json":
        click.echo(json.dumps({**_rule_dict(found), "docs": found.docs}, indent=2))
        return
    click.echo(f"{found.code} {found.name} ({found.severity})\n\n{found.summary}\n\n{found.docs}")


@main.command("server")
@click.option("--no-cache", is_flag=True, help="Keep facts in memory only; neither read nor write the cache folder.")
def language_server(no_cache: bool) -> None:
    """Run the language server over stdio, for editors: diagnostics while you type (an edit
    of a Django model updates its mirrors' diagnostics before anything is saved), quick fixes,
    "silence with noqa", fix all, hover on noqa codes. Needs pip install 'schemalint[lsp]'.
    Setup per editor: README, "Editors (language server)"."""
    from schemalint.lsp import INSTALL_HINT, missing_dependency

    if missing_dependency() is not None:
        _fail(INSTALL_HINT)
    from schemalint.lsp.server import serve

    serve(use_cache=not no_cache)


@main.command("test-rules")
@click.argument("modules", nargs=-1, required=True, metavar="MODULE...")
def run_rule_cases(modules: tuple[str, ...]) -> None:
    """Run the VALID and INVALID cases of the rules in MODULE... (`schemalint test-rules
    my_plugin.rules`), exactly as schemalint runs its own: exit 0 when every case behaves."""
    from schemalint.registry import PluginError
    from schemalint.testing import report_cases, rules_of

    _make_plugins_importable(Path.cwd())
    try:
        rules = rules_of(modules)
    except PluginError as exc:
        _fail(str(exc))
    sys.exit(EXIT_CLEAN if report_cases(rules, click.echo) else EXIT_FINDINGS)


def _rule_dict(r) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "summary": r.summary,
        "severity": r.severity,
        "scope": r.scope,
        "default_enabled": r.default_enabled,
        "origin": r.module,
    }


def _all_rules(config_file: str | None):
    from schemalint.config import ConfigError, load_config
    from schemalint.registry import PluginError, load_rules

    try:
        path = Path(config_file).resolve() if config_file else None
        config = load_config(path.parent if path else Path.cwd(), path)
        _make_plugins_importable(config.root)
        return load_rules(config.plugins)
    except (ConfigError, PluginError) as exc:
        _fail(str(exc))


def run() -> None:
    """Entry point that turns any unexpected exception into exit code 2 with a clear line."""
    try:
        main(standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            _exit_at_once(exc.code or 0)
        raise
    except Exception as exc:  # pragma: no cover - last resort
        if os.environ.get("SCHEMALINT_DEBUG"):
            raise
        click.echo(
            f"schemalint: internal error: {type(exc).__name__}: {exc} (set SCHEMALINT_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(EXIT_ERROR)


def _exit_at_once(code: int) -> None:
    """End the process without tearing the interpreter down, as mypy does: freeing a large
    project's facts, linked schemas and memo object by object costs more than a fifth of a
    check after a one-file edit (N=1000 models: ~0.4 s). Everything a command writes (the
    cache, `--output-file`) is closed by now; the standard streams are flushed here. Not while
    another thread or a worker process could still be working: then the normal exit."""
    import threading

    if threading.active_count() > 1:
        return
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a closed pipe (`| head`): the normal exit reports it
            return
    os._exit(code)
