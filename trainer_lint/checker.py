"""Lint files on disk: discovery, reading, the engine, and a :class:`Report` for the formatters."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.document import DocumentError
from trainer_lint.formats import read as read_document
from trainer_lint.engine import ALL, FileResult, Selection, document_error, lint_document
from trainer_lint.files import PathProblem, discover
from trainer_lint.options import DEFAULT, Options

if TYPE_CHECKING:
    from trainer_lint.target import Machine


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

    @property
    def lightning(self) -> list[tuple[object, int]]:
        """Each Lightning choice the linted files were checked against, with how many files, in
        order of first use (:class:`trainer_lint.lightning.selection.Choice`)."""
        counts: dict[object, int] = {}
        for result in self.results:
            if result.lightning is not None:
                counts[result.lightning] = counts.get(result.lightning, 0) + 1
        return list(counts.items())

    def count(self, severity: Severity) -> int:
        """How many diagnostics have ``severity``."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    def target_spellings(self) -> dict[str, str]:
        """The target each checked file was linted for, by path (files without one left out)."""
        from trainer_lint import target

        out: dict[str, str] = {}
        for result in self.results:
            if result.skipped or result.options is None:
                continue
            spelling = target.spelling_for(result.options, result.path)
            if spelling is not None:
                out[result.path] = spelling
        return out

    def targets(self) -> "list[tuple[Machine, int]]":
        """The target machines the checked files were linted for, each with its number of files,
        in order of first use (empty when no file had a target)."""
        from trainer_lint import target

        counts: dict[str, int] = {}
        for spelling in self.target_spellings().values():
            counts[spelling] = counts.get(spelling, 0) + 1
        out: "list[tuple[Machine, int]]" = []
        for spelling, count in counts.items():
            try:
                out.append((target.resolve(spelling), count))
            except target.TargetError:
                continue
        return out

    def launchers(self) -> list[str]:
        """The launch scripts the checked files were linted under, in order of first use."""
        seen: dict[str, None] = {}
        for result in self.results:
            if not result.skipped and result.options is not None and result.options.launcher is not None:
                seen.setdefault(result.options.launcher, None)
        return list(seen)

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
        return FileResult(path, document_error(error, path, selection), options=options)
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
    knowledge (:mod:`trainer_lint.options`).

    A launch script named in ``paths`` (``job.sbatch``, a shell script with ``srun``/``torchrun``)
    stands for the configs it trains: each is linted with the script as its launcher."""
    report = Report()
    items, launched = _expand_launch_scripts(list(paths), exclude, options)
    files = [i for i in items if not isinstance(i, PathProblem)]
    outcomes = iter(_check_files(files, selection, per_file, options, launched))
    for item in items:
        if isinstance(item, PathProblem):
            report.problems.append(item)
            continue
        outcome = next(outcomes)
        if isinstance(outcome, PathProblem):
            report.problems.append(outcome)
        else:
            report.results.append(outcome)
    _once_per_run(report)
    return report


ONCE_PER_RUN = frozenset({"TL010"})
"""Codes reported once per run (on the first file) rather than once per file: what they say is
about the project, not the file."""


def _once_per_run(report: Report) -> None:
    seen: set[tuple[str, str]] = set()
    for result in report.results:
        if not any(d.code in ONCE_PER_RUN for d in result.diagnostics):
            continue
        kept = []
        for d in result.diagnostics:
            if d.code in ONCE_PER_RUN:
                if (d.code, d.message) in seen:
                    continue
                seen.add((d.code, d.message))
            kept.append(d)
        result.diagnostics = kept


def _expand_launch_scripts(paths: list[str], exclude: tuple[str, ...], options: Options) -> tuple[list[str | PathProblem], dict[str, Options]]:
    """The files to lint, in order, and the options of those a launch script named (the script as
    their launcher). Without launch scripts among ``paths`` this is :func:`discover`."""
    scripts = [p for p in paths if not p.lower().endswith(".toml") and os.path.isfile(p) and _is_launch_script(p)]
    if not scripts:
        return list(discover(paths, exclude)), {}
    from trainer_lint import launchers

    items: list[str | PathProblem] = []
    launched: dict[str, Options] = {}
    for path in paths:
        if path not in scripts:
            items.extend(item for item in discover([path], exclude) if isinstance(item, PathProblem) or item not in launched)
            continue
        try:
            configs, problem = launchers.configs_of(path)
        except launchers.LaunchError as error:
            items.append(PathProblem(path, str(error)))
            continue
        if problem is not None:
            items.append(PathProblem(path, problem))
            continue
        for config in configs:
            if not os.path.isfile(config):
                items.append(PathProblem(config, f"named by {path}, but no such file (read relative to the script's folder, then the current one)"))
            elif config not in launched:
                launched[config] = replace(options, launcher=os.path.abspath(path))
                items.append(config)
    seen: set[str] = set()
    unique: list[str | PathProblem] = []
    for item in items:
        if isinstance(item, str):
            real = os.path.realpath(item)
            if real in seen:
                continue
            seen.add(real)
        unique.append(item)
    return unique, launched


def _is_launch_script(path: str) -> bool:
    from trainer_lint.launchers import is_launch_script

    return is_launch_script(path)


PARALLEL_MIN_FILES = 1000
"""The fewest files worth a process pool. Measured on the 2-core benchmark machine (whole
``trainer-lint check`` processes, pool against ``TRAINER_LINT_JOBS=1``; rerun with
``benchmarks/run.py --jobs-compare``): two processes lose below about 500 files (forking and
sending results back cost more than they save), break even or win a little near 1,000 and win
from 2,000 on (10,000 files: about 1.6x less wall time)."""
CHUNK_FILES = 200

_WORK: tuple[Selection, Callable[[str], Selection] | None, Options, dict[str, Options]] = (ALL, None, DEFAULT, {})
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
    files: list[str],
    selection: Selection,
    per_file: Callable[[str], Selection] | None,
    options: Options = DEFAULT,
    launched: dict[str, Options] | None = None,
) -> list[FileResult | PathProblem]:
    """Lint ``files``, in order; in forked worker processes for large trees (order is kept).
    ``launched`` gives the options of files a launch script named."""
    launched = launched or {}
    jobs = jobs_for(len(files))
    if jobs <= 1:
        return [check_file(f, per_file(f) if per_file is not None else selection, launched.get(f, options)) for f in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORK
    _WORK = (selection, per_file, options, launched)
    size = max(1, min(CHUNK_FILES, -(-len(files) // (jobs * 4))))  # at least 4 chunks a worker
    chunks = [files[i : i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return [outcome for chunk in pool.map(_check_chunk, chunks) for outcome in chunk]


def _check_chunk(files: list[str]) -> list[FileResult | PathProblem]:
    selection, per_file, options, launched = _WORK
    return [_portable(check_file(f, per_file(f) if per_file is not None else selection, launched.get(f, options))) for f in files]


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
