"""trainer-lint's findings as LSP diagnostics (plain dicts, usable before pygls is loaded).

Same codes, severities, messages and positions as ``check``: a diagnostic's range is its
:class:`~trainer_lint.diagnostic.Span` in the client's position encoding. Each carries a link
to the rule's documentation, and ``data`` saying whether ``--fix`` (or ``--unsafe-fixes``)
would fix it, which code actions read back.
"""

from __future__ import annotations

from typing import Any

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.server.text import Lines

SOURCE = "trainer-lint"

SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}
"""LSP ``DiagnosticSeverity``: Error 1, Warning 2, Information 3."""


def to_lsp(diagnostic: Diagnostic, lines: Lines) -> dict[str, Any]:
    """One finding as an LSP ``Diagnostic``."""
    out: dict[str, Any] = {
        "range": lines.span_range(diagnostic.span),
        "severity": SEVERITY[diagnostic.severity],
        "code": diagnostic.code,
        "source": SOURCE,
        "message": diagnostic.message,
    }
    href = rule_link(diagnostic.code)
    if href:
        out["codeDescription"] = {"href": href}
    if diagnostic.fix is not None and diagnostic.fix.edits:
        out["data"] = {"fix": "safe" if diagnostic.fix.safe else "unsafe"}
    return out


def rule_link(code: str) -> str | None:
    """The rule's section in ``docs/rules.md`` on GitHub (as SARIF's ``helpUri``)."""
    from trainer_lint import docs
    from trainer_lint.formatters.sarif import RULES_DOC_URI
    from trainer_lint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code)
    return f"{RULES_DOC_URI}#{docs.anchor(rule)}" if rule is not None else None


def same(lsp: dict[str, Any] | Any, diagnostic: Diagnostic, lines: Lines) -> bool:
    """Whether the LSP diagnostic ``lsp`` (as the client sends it back, a dict or an lsprotocol
    object) is ``diagnostic``: same code, message and range."""
    get = (lambda k: lsp.get(k)) if isinstance(lsp, dict) else (lambda k: getattr(lsp, k, None))
    if get("code") != diagnostic.code or get("message") != diagnostic.message:
        return False
    got = get("range")
    want = lines.span_range(diagnostic.span)
    return _plain_range(got) == want


def _plain_range(value: Any) -> dict[str, dict[str, int]] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: {"line": value[k]["line"], "character": value[k]["character"]} for k in ("start", "end")}
    return {
        "start": {"line": value.start.line, "character": value.start.character},
        "end": {"line": value.end.line, "character": value.end.character},
    }
