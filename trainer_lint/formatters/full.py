"""``--format full``: the text format plus the source line with the offending span underlined.

Like ruff's full output::

    cfg.toml:3:14: TL100 error: `max_epochs` must be an integer, not a string
      |
    3 | max_epochs = "10"
      |              ^^^^ TL100
      |
      = help: write the number without quotes

Tabs are shown as four spaces and wide (East Asian) characters count two columns, so the carets
line up under the span in a terminal. A span over several lines is underlined to the end of its
first line. A file that is not valid TOML has no parsed document: its line is read from disk;
diagnostics of files that cannot be read as text get the header line only.
"""

from __future__ import annotations

import os
import unicodedata
from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.formatters.text import assumed, context, line, summary

if TYPE_CHECKING:
    from trainer_lint.checker import Report
    from trainer_lint.document import Document

TAB = "    "
_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _width(char: str) -> int:
    if char == "\t":
        return len(TAB)
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _display(text: str) -> str:
    return text.replace("\t", TAB)


def _line_from_disk(path: str, line: int) -> str | None:
    """Line ``line`` of a file that has no parsed document (a TOML syntax error), if it is text."""
    from trainer_lint.document import MAX_BYTES

    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not 1 <= line <= len(lines) or "\x00" in lines[line - 1]:
        return None
    return lines[line - 1].removesuffix("\r")


def snippet(d: Diagnostic, document: "Document | None", *, color: bool = False) -> list[str]:
    """The gutter lines under a diagnostic's header: source line, carets, help."""
    if d.span is None:
        return []
    if document is not None:
        source = document.line_text(d.span.line)
    else:
        found = _line_from_disk(d.path, d.span.line)
        if found is None:
            return []
        source = found
    number = str(d.span.line)
    pad = " " * len(number)
    start = min(max(d.span.column, 1), len(source) + 1) - 1
    end = d.span.end_column - 1 if d.span.end_line == d.span.line else len(source)
    end = min(max(end, start), len(source))
    indent = sum(_width(c) for c in source[:start])
    carets = "^" * max(sum(_width(c) for c in source[start:end]), 1)
    mark = f"{carets} {d.code}"
    if color:
        mark = f"{_BOLD}{_COLORS[d.severity]}{mark}{_RESET}"
    lines = [f"{pad} |", f"{number} | {_display(source)}".rstrip(), f"{pad} | {' ' * indent}{mark}", f"{pad} |"]
    if d.fix is not None:
        lines.append(f"{pad} = help: {d.fix.description}")
    for related in d.related:
        where = related.path if related.span is None else f"{related.path}:{related.span.line}:{related.span.column}"
        lines.append(f"{pad} = note: {where}: {related.message}")
    return lines


def render(report: "Report", *, color: bool = False) -> str:
    """The whole report in the full format: one block per diagnostic, then the summary."""
    blocks: list[str] = []
    for result in report.results:
        for d in result.diagnostics:
            blocks.append("\n".join([line(d, color=color), *snippet(d, result.document, color=color)]))
    about = context(report)
    closing = summary(report) if about is None else f"{about}\n{summary(report)}"
    blocks.append("\n".join([closing, *assumed(report)]))
    return "\n\n".join(blocks) + "\n"
