"""``--format github``: GitHub Actions workflow commands, shown as annotations on a pull request.

One line per diagnostic::

    ::error file=configs/a.toml,line=3,col=14,endLine=3,endColumn=18,title=TL100::`max_epochs` must be ...

``error``, ``warning`` and ``info`` become ``::error``, ``::warning`` and ``::notice``. ``col`` and
``endColumn`` are given only for a span on one line (GitHub ignores columns across lines). Values
are escaped as GitHub's toolkit does: ``%``, CR and LF in the message; also ``:`` and ``,`` in
properties. Nothing else is printed: the exit status tells the job's outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Related, Severity

if TYPE_CHECKING:
    from trainer_lint.checker import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (``escapeData`` in @actions/core)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``escapeProperty`` in @actions/core)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(d: Diagnostic) -> str:
    """One diagnostic as one workflow command."""
    props = [("file", d.path.replace("\\", "/"))]
    span = d.span
    if span is not None:
        props.append(("line", str(span.line)))
        if span.end_line == span.line:
            props += [("col", str(span.column)), ("endLine", str(span.end_line)), ("endColumn", str(span.end_column))]
        else:
            props.append(("endLine", str(span.end_line)))
    props.append(("title", d.code))
    head = ",".join(f"{name}={escape_property(value)}" for name, value in props)
    return f"::{COMMANDS[d.severity]} {head}::{escape_data(d.message)}"


def note(d: Diagnostic, related: "Related") -> str:
    """A related note as a ``::notice`` on the other file (a launch script's line)."""
    props = [("file", related.path.replace("\\", "/"))]
    if related.span is not None:
        props.append(("line", str(related.span.line)))
    props.append(("title", f"{d.code} note"))
    head = ",".join(f"{name}={escape_property(value)}" for name, value in props)
    return f"::notice {head}::{escape_data(related.message)} ({d.path}: {d.code})"


def render(report: "Report", *, color: bool = False) -> str:
    """The whole report as workflow commands (``color`` is ignored); a diagnostic's related notes
    follow it as notices on their own files."""
    return "".join(command(d) + "\n" + "".join(note(d, r) + "\n" for r in d.related) for d in report.diagnostics)
