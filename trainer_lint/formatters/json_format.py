"""``--format json``: the public, versioned machine interface.

``{"version": str, "files_checked": int, "diagnostics": [{"path", "line", "column", "end_line",
"end_column", "code", "severity", "key", "message"}], "lightning": [{"version", "versions",
"requested", "source", "origin", "files", "note"?}]}``. Keys are only ever added, never renamed.

``lightning`` lists the Lightning release(s) the files were checked against: ``version`` (the
release messages name), ``versions`` (both ends of a range), what was ``requested``, its
``source`` (``flag``, ``settings``, ``project``, ``installed``, ``default``), ``origin`` in words
and how many ``files``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from trainer_lint import __version__
from trainer_lint.diagnostic import Diagnostic, Span
from trainer_lint.formatters import lightning_entries

if TYPE_CHECKING:
    from trainer_lint.checker import Report


def as_dict(d: Diagnostic) -> dict[str, Any]:
    """One diagnostic as the JSON object of the public format."""
    span = d.span or Span(1, 1, 1, 1)
    return {
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


def render(report: "Report", *, color: bool = False) -> str:
    """The whole report as one JSON document."""
    payload = {
        "version": __version__,
        "files_checked": report.files_checked,
        "diagnostics": [as_dict(d) for d in report.diagnostics],
        "lightning": lightning_entries(report),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
