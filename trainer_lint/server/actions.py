"""Code actions: every fix ``check --fix`` and ``--unsafe-fixes`` would apply, one at a time;
"suppress TLxxx on this line"; and "fix all safe problems in this file".

Each action is a plain LSP ``CodeAction`` with its workspace edit computed up front from the
lint result of the exact text the client has (the edits are the fixer's own,
:func:`trainer_lint.fixer.text_edits` and :func:`~trainer_lint.fixer.fix_text`, so they keep
comments and layout as ``--fix`` does, in TOML and YAML alike). A suppression is offered only
when adding the comment really silences the diagnostic (the new text is linted to check); the
line's existing comment is found by the document's own reader (TOML's or YAML's).
"""

from __future__ import annotations

from typing import Any

from trainer_lint.diagnostic import Diagnostic
from trainer_lint.server.diagnostics import to_lsp
from trainer_lint.server.session import Linted

QUICKFIX = "quickfix"
FIX_ALL = "source.fixAll.trainer-lint"


def code_actions(uri: str, linted: Linted, request_range: Any, only: list[str] | None = None) -> list[dict[str, Any]]:
    """The actions for ``request_range`` (an LSP range, dict or object) of a linted document."""
    if linted.silent or not linted.result.diagnostics:
        return []
    start, end = _offsets(linted, request_range)
    out: list[dict[str, Any]] = []
    wanted = lambda kind: not only or any(kind == o or kind.startswith(o + ".") for o in only)  # noqa: E731
    if wanted(QUICKFIX):
        for diagnostic in linted.result.diagnostics:
            if not _touches(linted, diagnostic, start, end):
                continue
            fix = _fix_action(uri, linted, diagnostic)
            if fix is not None:
                out.append(fix)
            suppress = _suppress_action(uri, linted, diagnostic)
            if suppress is not None:
                out.append(suppress)
    if wanted(FIX_ALL):
        fix_all = _fix_all_action(uri, linted)
        if fix_all is not None:
            out.append(fix_all)
    return out


def _offsets(linted: Linted, request_range: Any) -> tuple[int, int]:
    get = (lambda r, k: r[k]) if isinstance(request_range, dict) else getattr
    return linted.lines.offset(get(request_range, "start")), linted.lines.offset(get(request_range, "end"))


def _touches(linted: Linted, diagnostic: Diagnostic, start: int, end: int) -> bool:
    where = linted.lines.span_range(diagnostic.span)
    first, last = linted.lines.offset(where["start"]), linted.lines.offset(where["end"])
    return first <= end and start <= last


def _edit(uri: str, linted: Linted, edits: list[tuple[int, int, str]]) -> dict[str, Any]:
    """A workspace edit of the document (offsets into the linted text), for its version."""
    text_edits = [{"range": linted.lines.linted_range(s, e), "newText": new} for s, e, new in edits]
    return {"documentChanges": [{"textDocument": {"uri": uri, "version": linted.version}, "edits": text_edits}]}


def _fix_action(uri: str, linted: Linted, diagnostic: Diagnostic) -> dict[str, Any] | None:
    from trainer_lint.fixer import text_edits

    fix = diagnostic.fix
    document = linted.result.document
    if fix is None or not fix.edits or document is None:
        return None
    edits = text_edits(document, fix)
    if edits is None:
        return None
    title = f"{fix.description} ({diagnostic.code})" + ("" if fix.safe else " [unsafe: may change meaning]")
    return {
        "title": title,
        "kind": QUICKFIX,
        "diagnostics": [to_lsp(diagnostic, linted.lines)],
        "isPreferred": fix.safe,
        "edit": _edit(uri, linted, edits),
    }


def _suppress_action(uri: str, linted: Linted, diagnostic: Diagnostic) -> dict[str, Any] | None:
    """``# trainer-lint: ignore[CODE]`` on the diagnostic's first line, if that silences it."""
    from trainer_lint import suppression
    from trainer_lint.engine import lint_text

    document = linted.result.document
    if document is None or diagnostic.span is None or diagnostic.code == suppression.UNUSED_SUPPRESSION:
        return None
    text = document.text
    line = diagnostic.span.line
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    if line > len(starts):
        return None
    line_start = starts[line - 1]
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:line_end].endswith("\r"):
        line_end -= 1
    comment = next(((at, body) for at, body in document.comments() if line_start <= at < line_end), None)
    code = diagnostic.code
    if comment is None:
        edit = (line_end, line_end, f"  # trainer-lint: ignore[{code}]")
    else:
        at, body = comment
        head = suppression._HEAD.match(body)
        directive = suppression._DIRECTIVE.match(body, head.end()) if head else None
        if directive is not None and directive.group("kind").lower() == "ignore" and directive.group("codes") is not None:
            close = at + directive.end("codes")
            edit = (close, close, f", {code}")
        elif directive is not None:
            return None  # a bare `ignore`, or a `file-ignore`: the code is already silenced
        else:
            edit = (at, at, f"# trainer-lint: ignore[{code}] ")
    new_text = text[: edit[0]] + edit[2] + text[edit[1] :]
    after = lint_text(new_text, document.path, linted.selection, linted.options)
    if after.document is None or any(d.code == code and d.span is not None and d.span.line == line for d in after.diagnostics):
        return None
    if any(d.code == suppression.INVALID_SUPPRESSION for d in after.diagnostics if d.span is not None and d.span.line == line):
        return None
    return {
        "title": f"Suppress {code} on this line",
        "kind": QUICKFIX,
        "diagnostics": [to_lsp(diagnostic, linted.lines)],
        "edit": _edit(uri, linted, [edit]),
    }


def _fix_all_action(uri: str, linted: Linted) -> dict[str, Any] | None:
    """Every safe fix at once, as ``check --fix`` applies them (passes until nothing is left)."""
    from trainer_lint.fixer import fix_text

    document = linted.result.document
    if document is None or not any(d.fix is not None and d.fix.safe and d.fix.edits for d in linted.result.diagnostics):
        return None
    fixed, count, _ = fix_text(document.text, document.path, linted.selection, options=linted.options)
    if not count or fixed == document.text:
        return None
    before = document.text
    prefix = 0
    limit = min(len(before), len(fixed))
    while prefix < limit and before[prefix] == fixed[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[len(before) - 1 - suffix] == fixed[len(fixed) - 1 - suffix]:
        suffix += 1
    edit = (prefix, len(before) - suffix, fixed[prefix : len(fixed) - suffix])
    return {
        "title": f"Fix all safe problems in this file ({count} fix{'es' if count != 1 else ''}, as `trainer-lint check --fix`)",
        "kind": FIX_ALL,
        "edit": _edit(uri, linted, [edit]),
    }
