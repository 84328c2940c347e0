"""Lint files on disk: discovery, reading, the engine, and a :class:`Report` for the formatters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.document import DocumentError
from trainer_lint.formats import read as read_document
from trainer_lint.engine import ALL, FileResult, Selection, document_error, lint_document
from trainer_lint.files import PathProblem, discover
from trainer_lint.options import DEFAULT, Options


@dataclass
class Report:
    """Everything one ``check`` run found, in a deterministic order."""

    results: list[FileResult] = field(default_factory=list)
    problems: list[PathProblem] = field(default_factory=list)
    fixed: int = 0
    """How many fixes ``--fix`` applied (the diagnostics are then those that remain)."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """All diagnostics, file by file in discovery order, each file's sorted by position."""
        return [d for r in self.results for d in r.diagnostics]

    @property
    def files_checked(self) -> int:
        """Files that were trainer configs (or could not be read), not skipped ones."""
        return sum(1 for r in self.results if not r.skipped)

    @property
    def files_skipped(self) -> int:
        """TOML and YAML files without a ``trainer`` table."""
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


def check_file(path: str, selection: Selection = ALL, options: Options = DEFAULT) -> FileResult | PathProblem:
    """Read and lint one file. I/O failures become a :class:`PathProblem`, never an exception."""
    try:
        document = read_document(path)
    except DocumentError as error:
        return FileResult(path, document_error(error, path, selection))
    except OSError as error:
        return PathProblem(path, _reason(error))
    return lint_document(document, selection, options)


def check_paths(
    paths: Iterable[str],
    selection: Selection = ALL,
    exclude: tuple[str, ...] = (),
    per_file: Callable[[str], Selection] | None = None,
    options: Options = DEFAULT,
) -> Report:
    """Lint every TOML and YAML file under ``paths``; ``per_file(path)``, when given, picks each file's
    selection (``per-file-ignores``) instead of ``selection``; ``options`` is the run's project
    knowledge (:mod:`trainer_lint.options`)."""
    report = Report()
    items = list(discover(paths, exclude))
    files = [i for i in items if not isinstance(i, PathProblem)]
    outcomes = iter(_check_files(files, selection, per_file, options))
    for item in items:
        if isinstance(item, PathProblem):
            report.problems.append(item)
            continue
        outcome = next(outcomes)
        if isinstance(outcome, PathProblem):
            report.problems.append(outcome)
        else:
            report.results.append(outcome)
    return report


PARALLEL_MIN_FILES = 1000
"""The fewest files worth a process pool. Measured on the 2-core benchmark machine (whole
``trainer-lint check`` processes, pool against ``TRAINER_LINT_JOBS=1``; rerun with
``benchmarks/run.py --jobs-compare``): two processes lose below about 500 files (forking and
sending results back cost more than they save), break even or win a little near 1,000 and win
from 2,000 on (10,000 files: about 1.6x less wall time)."""
CHUNK_FILES = 200

_WORK: tuple[Selection, Callable[[str], Selection] | None, Options] = (ALL, None, DEFAULT)
"""What forked workers lint with (inherited, so it is never pickled)."""


def jobs_for(count: int) -> int:
    """How many processes lint ``count`` files: one per usable core (at most 8) from
    :data:`PARALLEL_MIN_FILES` files on, else 1. ``TRAINER_LINT_JOBS=N`` sets the number
    (``TRAINER_LINT_JOBS=1`` turns the pool off). Only where ``fork`` exists."""
    import os

    wanted = os.environ.get("TRAINER_LINT_JOBS", "").strip()
    if count < PARALLEL_MIN_FILES:
        return 1
    if wanted.isdigit():
        jobs = min(int(wanted), 8)
    else:
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = os.cpu_count() or 1
        jobs = min(cores, 8)
    if jobs > 1:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return 1
    return max(jobs, 1)


def _check_files(
    files: list[str], selection: Selection, per_file: Callable[[str], Selection] | None, options: Options = DEFAULT
) -> list[FileResult | PathProblem]:
    """Lint ``files``, in order; in forked worker processes for large trees (order is kept)."""
    jobs = jobs_for(len(files))
    if jobs <= 1:
        return [check_file(f, per_file(f) if per_file is not None else selection, options) for f in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORK
    _WORK = (selection, per_file, options)
    size = max(1, min(CHUNK_FILES, -(-len(files) // (jobs * 4))))  # at least 4 chunks a worker
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return [outcome for chunk in pool.map(_check_chunk, chunks) for outcome in chunk]


def _check_chunk(files: list[str]) -> list[FileResult | PathProblem]:
    selection, per_file, options = _WORK
    return [_portable(check_file(f, per_file(f) if per_file is not None else selection, options)) for f in files]


def _portable(outcome: FileResult | PathProblem) -> FileResult | PathProblem:
    """``outcome`` without its document's position index (a cache, rebuilt on demand), which
    would more than double what a worker sends back."""
    if isinstance(outcome, FileResult) and outcome.document is not None and outcome.document.index_built:
        outcome.document = replace(outcome.document)
    return outcome


def _reason(error: OSError) -> str:
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return (error.strerror or str(error)).lower() if error.strerror else str(error)
