"""Output formats. Each formatter turns a :class:`~trainer_lint.checker.Report` into text; this
is the only place where diagnostics become words on a screen.

A formatter is a module with ``render(report, *, color=False) -> str``. :data:`FORMATS` names them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer_lint.checker import Report

FORMATS: dict[str, str] = {
    "text": "trainer_lint.formatters.text",
    "json": "trainer_lint.formatters.json_format",
    "full": "trainer_lint.formatters.full",
    "github": "trainer_lint.formatters.github",
    "sarif": "trainer_lint.formatters.sarif",
}
"""Format name -> module that renders it (imported only when used)."""


def lightning_entries(report: "Report") -> list[dict[str, object]]:
    """The Lightning release(s) the files were checked against, with how many files each: what
    ``--format json`` writes as ``lightning`` and SARIF as ``runs[0].properties.lightning``."""
    return [{**choice.as_json(), "files": files} for choice, files in getattr(report, "lightning", [])]


def get(name: str) -> Callable[..., str]:
    """The ``render`` function of format ``name`` (a key of :data:`FORMATS`)."""
    return importlib.import_module(FORMATS[name]).render  # type: ignore[no-any-return]


def render(report: "Report", name: str = "text", *, color: bool = False) -> str:
    """Render ``report`` in format ``name``."""
    return get(name)(report, color=color)
