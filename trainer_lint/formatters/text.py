"""The default format, ruff-like: ``path:line:col: CODE severity: message`` and a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Severity

if TYPE_CHECKING:
    from trainer_lint.checker import Report

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def location(d: Diagnostic) -> str:
    """``path:line:col`` of a diagnostic."""
    if d.span is None:
        return d.path
    return f"{d.path}:{d.span.line}:{d.span.column}"


def line(d: Diagnostic, *, color: bool = False) -> str:
    """One diagnostic as one line."""
    fixable = " [*]" if d.fix is not None and d.fix.safe else ""
    if not color:
        return f"{location(d)}: {d.code}{fixable} {d.severity.value}: {d.message}"
    tint = _COLORS[d.severity]
    return f"{_BOLD}{location(d)}{_RESET}: {tint}{d.code}{_RESET}{fixable} {tint}{d.severity.value}{_RESET}: {d.message}"


def notes(d: Diagnostic, *, color: bool = False) -> list[str]:
    """A diagnostic's related notes, one indented line each: ``  note: job.sbatch:4:9: ...``."""
    out = []
    for related in d.related:
        where = related.path if related.span is None else f"{related.path}:{related.span.line}:{related.span.column}"
        head = f"{_BOLD}note{_RESET}" if color else "note"
        out.append(f"  {head}: {where}: {related.message}")
    return out


def context(report: "Report") -> str | None:
    """What the files were checked for, when a target or launch script was set:
    ``Target: gpu:8xA100 (8 × A100, sm_80, 80 GiB). Launch script: job.sbatch.``"""
    targets = report.targets() if hasattr(report, "targets") else []
    launchers = report.launchers() if hasattr(report, "launchers") else []
    parts = []
    if len(targets) == 1:
        parts.append(f"Target: {targets[0][0].describe()}.")
    elif targets:
        parts.append("Targets: " + "; ".join(f"{m.describe()} ({n} file{'' if n == 1 else 's'})" for m, n in targets) + ".")
    if launchers:
        from trainer_lint.launchers.values import display_path

        names = ", ".join(display_path(p) for p in launchers)
        parts.append(f"Launch script{'' if len(launchers) == 1 else 's'}: {names}.")
    return " ".join(parts) if parts else None


def summary(report: "Report") -> str:
    """The closing line: counts by severity and files, or that all checks passed."""
    errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    files = report.files_checked
    noun = "file" if files == 1 else "files"
    fixed = getattr(report, "fixed", 0)
    done = f"Fixed {fixed} problem{'' if fixed == 1 else 's'}.\n" if fixed else ""
    unusable = len(report.problems)
    tail = f" {unusable} path{'' if unusable == 1 else 's'} could not be linted (see above)." if unusable else ""
    if not (errors or warnings or infos):
        head = "No problems found" if unusable else "All checks passed"
        return f"{done}{head} ({files} {noun} checked).{tail}"
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((errors, "error"), (warnings, "warning"), (infos, "info")) if n]
    fixable = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.safe)
    text = f"{done}Found {', '.join(parts)} in {files} {noun}.{tail}"
    if fixable:
        text += f"\n[*] {fixable} fixable with `trainer-lint check --fix`."
    return text


def assumed(report: "Report") -> list[str]:
    """Which Lightning release the files were checked against, where the user did not say
    (``--lightning-version`` or ``lightning-version``): one line per release in use."""
    used = getattr(report, "lightning", [])
    if not used or all(choice.explicit for choice, _ in used):
        return []
    out = []
    for choice, files in used:
        if choice.explicit:
            continue
        scope = f" for {files} file{'' if files == 1 else 's'}" if len(used) > 1 else ""
        out.append(f"Checked against {choice.describe()}{scope}.")
    return out


def render(report: "Report", *, color: bool = False) -> str:
    """The whole report in the text format."""
    lines = []
    for d in report.diagnostics:
        lines.append(line(d, color=color))
        lines.extend(notes(d, color=color))
    about = context(report)
    if about is not None:
        lines.append(about)
    lines.append(summary(report))
    lines.extend(assumed(report))
    return "\n".join(lines) + "\n"
