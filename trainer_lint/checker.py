"""Lint files on disk: discovery, reading, the engine, and a :class:`Report` for the formatters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.document import DocumentError, read_document
from trainer_lint.engine import ALL, FileResult, Selection, document_error, lint_document
from trainer_lint.files import PathProblem, discover


@dataclass
class Report:
    """Everything one ``check`` run found, in a deterministic order."""

    results: list[FileResult] = field(default_factory=list)
    problems: list[PathProblem] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """All diagnostics, file by file in discovery order, each file's sorted by position."""
        return [d for r in self.results for d in r.diagnostics]

    @property
    def files_checked(self) -> int:
        """Files that were trainer configs (or could not be read as TOML), not skipped ones."""
        return sum(1 for r in self.results if not r.skipped)

    @property
    def files_skipped(self) -> int:
        """TOML files without a ``trainer`` table."""
        return sum(1 for r in self.results if r.skipped)

    def count(self, severity: Severity) -> int:
        """How many diagnostics have ``severity``."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def exit_code(self, strict: bool = False) -> int:
        """2 for unusable paths, 1 for errors (or warnings with ``strict``), else 0."""
        if self.problems:
            return 2
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return 1 if any(d.severity in failing for d in self.diagnostics) else 0


def check_file(path: str, selection: Selection = ALL) -> FileResult | PathProblem:
    """Read and lint one file. I/O failures become a :class:`PathProblem`, never an exception."""
    try:
        document = read_document(path)
    except DocumentError as error:
        return FileResult(path, document_error(error, path, selection))
    except OSError as error:
        return PathProblem(path, _reason(error))
    return lint_document(document, selection)


def check_paths(paths: Iterable[str], selection: Selection = ALL, exclude: tuple[str, ...] = ()) -> Report:
    """Lint every TOML file under ``paths``."""
    report = Report()
    for item in discover(paths, exclude):
        if isinstance(item, PathProblem):
            report.problems.append(item)
            continue
        outcome = check_file(item, selection)
        if isinstance(outcome, PathProblem):
            report.problems.append(outcome)
        else:
            report.results.append(outcome)
    return report


def _reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return (error.strerror or str(error)).lower() if error.strerror else str(error)
