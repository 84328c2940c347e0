"""``--format json``: the public, versioned machine interface.

``{"version": str, "files_checked": int, "diagnostics": [{"path", "line", "column", "end_line",
"end_column", "code", "severity", "key", "message"}], "lightning": [{"version", "versions",
"requested", "source", "origin", "files", "note"?}]}``. Keys are only ever added, never renamed.

``lightning`` lists the Lightning release(s) the files were checked against: ``version`` (the
release messages name), ``versions`` (both ends of a range), what was ``requested``, its
``source`` (``flag``, ``settings``, ``project``, ``installed``, ``default``), ``origin`` in words
and how many ``files``.

Added with targets and launch scripts, present only when set: top-level ``"target"`` (the
machine, when every checked file had the same one), ``"targets"`` (each machine with its
``"files"`` count) and ``"launchers"`` (script paths); per diagnostic ``"target"`` (the spelling
the file was checked for) and ``"related"`` (notes at other places: ``{"path", "line", "column",
"end_line", "end_column", "message"}``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from trainer_lint import __version__
from trainer_lint.diagnostic import Diagnostic, Related, Span
from trainer_lint.formatters import lightning_entries

if TYPE_CHECKING:
    from trainer_lint.checker import Report


def as_dict(d: Diagnostic, target: str | None = None) -> dict[str, Any]:
    """One diagnostic as the JSON object of the public format (``target``: the spelling of the
    machine its file was checked for)."""
    span = d.span or Span(1, 1, 1, 1)
    out = {
        "path": d.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "code": d.code,
        "severity": d.severity.value,
        "key": d.dotted_key,
        "message": d.message,
    }
    if target is not None:
        out["target"] = target
    if d.related:
        out["related"] = [_related(r) for r in d.related]
    return out


def _related(related: Related) -> dict[str, Any]:
    span = related.span or Span(1, 1, 1, 1)
    return {
        "path": related.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": related.message,
    }


def render(report: "Report", *, color: bool = False) -> str:
    """The whole report as one JSON document."""
    targets = report.targets()
    spellings = report.target_spellings() if targets else {}
    payload: dict[str, Any] = {
        "version": __version__,
        "files_checked": report.files_checked,
        "diagnostics": [as_dict(d, spellings.get(d.path)) for d in report.diagnostics],
        "lightning": lightning_entries(report),
    }
    if targets:
        if len(targets) == 1 and targets[0][1] == report.files_checked:
            payload["target"] = targets[0][0].as_dict()
        payload["targets"] = [{**machine.as_dict(), "files": count} for machine, count in targets]
    launchers = report.launchers()
    if launchers:
        from trainer_lint.launchers.values import display_path

        payload["launchers"] = [display_path(p) for p in launchers]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
