"""Code actions and hover.

* A finding with a fix offers it (`quickfix`): the writer's edits (`schemalint.fix.apply.edits_for`).
* Every finding offers "silence with noqa": the comment `check --add-noqa` writes
  (`schemalint.suppress.with_noqa`), SL010's own findings excepted (as `--add-noqa` does).
* `source.fixAll.schemalint`: the safe fixes of the whole project, as `check --fix` would write
  them (`schemalint.fix.apply.fix_project` without writing), one edit per changed file.
* Hover on a code of a noqa comment: the rule's summary and its "How to fix".
"""

from __future__ import annotations

import logging
import re

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from schemalint.findings import Finding
from schemalint.fix import Edit
from schemalint.fix.apply import applicable, edits_for, fix_project, span_edit
from schemalint.lsp.diagnostics import lines_of, to_diagnostic, to_range, uri_for
from schemalint.lsp.state import ProjectState, Run, rule_docs_section
from schemalint.suppress import scan, with_noqa

FIX_ALL_KIND = "source.fixAll.schemalint"
FIX_ALL_COMMAND = "schemalint.fixAll"
_CODE = re.compile(r"[A-Za-z]+[0-9]+")
log = logging.getLogger("schemalint.lsp")


def _text_edits(edits: list[Edit], run: Run, codec: PositionCodec) -> dict[str, list[types.TextEdit]]:
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in edits:
        # A position past the last line (an append after the final newline) stays as it is:
        # LSP's text "a\n" has an empty second line.
        lines = lines_of(run.text(edit.path))
        rng = to_range(codec, lines, edit.start_line, edit.start_col, edit.end_line, edit.end_col)
        changes.setdefault(uri_for(run.config.root, edit.path), []).append(types.TextEdit(rng, edit.content))
    return changes


def _reads_noqa(run: Run) -> set[str]:
    return {r.code for r in run.result.rules if getattr(r.check, "__schemalint_reads_noqa__", False)}


def noqa_edit(run: Run, finding: Finding) -> Edit | None:
    text = run.text(finding.path)
    if text is None:
        return None
    new = with_noqa(finding.path, text, {finding.line: {finding.code}})
    return None if new == text else span_edit(finding.path, text, new)


def _overlaps(finding: Finding, first: int, last: int) -> bool:
    end = finding.end_line or finding.line
    return finding.line <= last and end >= first


def code_actions(
    state: ProjectState, rel: str, params: types.CodeActionParams, codec: PositionCodec
) -> list[types.CodeAction]:
    run = state.last
    if run is None:
        return []
    only = params.context.only
    wants_quickfix = only is None or any(types.CodeActionKind.QuickFix.value.startswith(k) for k in only)
    wants_fix_all = only is not None and any(FIX_ALL_KIND.startswith(k) for k in only)
    actions: list[types.CodeAction] = []
    lines = _lines(run)
    if wants_quickfix:
        first, last = params.range.start.line + 1, params.range.end.line + 1
        own = _reads_noqa(run)
        for finding in run.findings_in(rel):
            if not _overlaps(finding, first, last):
                continue
            diagnostic = to_diagnostic(finding, codec, run.config.root, lines)
            if finding.fix is not None:
                edits = _fix_edits(finding, run)
                if edits:
                    actions.append(
                        types.CodeAction(
                            title=f"{finding.code}: {finding.fix.description}",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic],
                            edit=types.WorkspaceEdit(changes=_text_edits(edits, run, codec)),
                            is_preferred=finding.fix.applicability == "safe",
                        )
                    )
            silence = noqa_edit(run, finding) if finding.code not in own else None
            if silence is not None:
                actions.append(
                    types.CodeAction(
                        title=f"{finding.code}: silence with noqa",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes=_text_edits([silence], run, codec)),
                    )
                )
    if wants_fix_all:
        edit = fix_all_edit(state, run.overrides, codec)
        if edit is not None:
            actions.append(types.CodeAction(title="schemalint: fix all safe fixes", kind=FIX_ALL_KIND, edit=edit))
    elif only is None and applicable(run.result.findings, unsafe=False):
        actions.append(
            types.CodeAction(
                title="schemalint: fix all safe fixes",
                kind=FIX_ALL_KIND,
                command=types.Command(
                    title="schemalint: fix all", command=FIX_ALL_COMMAND, arguments=[uri_for(run.config.root, rel)]
                ),
            )
        )
    return actions


def _fix_edits(finding: Finding, run: Run) -> list[Edit]:
    """The edits of one finding's fix; none when its writer cannot write it (or fails: an
    editor's menu is no place for a traceback, the log is)."""
    try:
        return edits_for(finding, run.config.root, run.result, run.overrides)
    except Exception:
        log.exception("schemalint: the fix of %s at %s:%s failed", finding.code, finding.path, finding.line)
        return []


def fix_all_edit(state: ProjectState, overrides: dict[str, bytes], codec: PositionCodec) -> types.WorkspaceEdit | None:
    """The safe fixes of the whole project, as one workspace edit (None: nothing to fix)."""
    config = state.refresh_config()
    try:
        outcome = fix_project(config, write=False, overrides=overrides or None)
    except Exception:
        log.exception("schemalint: fix all failed")
        return None
    if not outcome.changed:
        return None
    run = Run(config, outcome.result, {path: text.encode("utf-8") for path, text in outcome.before.items()})
    edits = [span_edit(path, outcome.before[path], outcome.after[path]) for path in outcome.changed]
    return types.WorkspaceEdit(changes=_text_edits(edits, run, codec))


def _lines(run: Run):
    memo: dict[str, list[str]] = {}

    def lines(rel: str) -> list[str]:
        if rel not in memo:
            memo[rel] = lines_of(run.text(rel))
        return memo[rel]

    return lines


# --------------------------------------------------------------------------- hover


def hover(
    state: ProjectState, rel: str, line_text: str, line: int, char: int, codec: PositionCodec
) -> types.Hover | None:
    """`char`: the cursor's column in characters (0-based) on `line_text`, line `line` (0-based)."""
    found = scan(rel, line_text)
    directives = list(found.inline.values()) + found.file_level
    if not directives:
        return None
    start = directives[0].col - 1
    for match in _CODE.finditer(line_text, start):
        if match.start() <= char <= match.end():
            text = _explain(state, match.group(0).upper())
            if text is None:
                return None
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                range=types.Range(
                    types.Position(line, codec.client_num_units(line_text[: match.start()])),
                    types.Position(line, codec.client_num_units(line_text[: match.end()])),
                ),
            )
    return None


def _explain(state: ProjectState, code: str) -> str | None:
    rules = [r for r in state.all_rules() if r.code.startswith(code)]
    if not rules:
        return None
    if len(rules) > 1 or rules[0].code != code:
        listed = "\n".join(f"- **{r.code}** `{r.name}`: {r.summary}" for r in rules)
        return f"**{code}** silences {len(rules)} rules:\n\n{listed}"
    rule = rules[0]
    parts = [f"**{rule.code}** `{rule.name}` ({rule.severity})", rule.summary]
    how = rule_docs_section(rule, "How to fix")
    if how:
        parts.append(f"**How to fix**\n\n{how}")
    return "\n\n".join(parts)
