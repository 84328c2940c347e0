"""A config made ready to run: read, ``--set`` overrides merged in, and linted exactly as ``check``
lints it (:func:`prepare` -> :class:`Prepared`, or an exit code). Nothing here imports torch.

Also what every step of ``run`` shares: the exit codes (see ``docs/running.md``), the one-line
messages on stderr (:func:`say`) and :class:`UserError`, a failure the user caused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from trainer_lint.diagnostic import KeyPath, format_key
from trainer_lint.engine import ALL, Selection
from trainer_lint.options import DEFAULT, Options

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def say(message: str) -> None:
    """One line for the user, on stderr."""
    sys.stderr.write(f"trainer-lint: {message}\n")
    sys.stderr.flush()


def one_line(text: object) -> str:
    """Collapse an exception message to one line."""
    return " ".join(str(text).split())


def env_rank_zero() -> bool:
    """Whether this process is the first of a distributed job, judged from the environment alone.

    Lightning's relaunched ranks get ``LOCAL_RANK``/``NODE_RANK``, torchrun sets ``RANK``, SLURM sets
    ``SLURM_PROCID``; a process is rank zero unless one of them is set to something other than 0.
    """
    for name in ("RANK", "SLURM_PROCID", "LOCAL_RANK", "NODE_RANK", "JSM_NAMESPACE_RANK"):
        value = os.environ.get(name, "0").strip() or "0"
        if value != "0":
            return False
    return True


class UserError(Exception):
    """A failure the user caused: shown as one line ``location: key: message``, exit 1."""

    def __init__(self, key: KeyPath, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass
class Prepared:
    """A config that passed the linter: its document, merged data and overrides."""

    path: str
    data: dict[str, Any]
    document: Any
    overrides: list[Any] = field(default_factory=list)
    options: Options = DEFAULT
    """The run's options: which Lightning distribution's Trainer builds the config, among others."""

    def location(self, key: KeyPath) -> str:
        """``path:line:col`` of ``key`` in the file, or the ``--set`` that wrote it."""
        from trainer_lint.overrides import owner

        source = owner(key, self.overrides)
        if source is not None:
            return source.location
        span = self.document.span_of(key)
        return f"{self.path}:{span.line}:{span.column}"

    def describe(self, error: UserError) -> str:
        """The one line that reports ``error``."""
        key = format_key(error.key)
        return f"{self.location(error.key)}: {key + ': ' if key else ''}{error.message}"


def prepare(
    path: str,
    sets: Sequence[str] = (),
    *,
    fast_dev_run: bool = False,
    selection: Selection = ALL,
    strict: bool = False,
    color: bool = False,
    out: TextIO | None = None,
    options: Options = DEFAULT,
) -> Prepared | int:
    """Read ``path``, merge the overrides and lint. Return the clean config, or an exit code.

    Diagnostics are printed (on rank zero only) exactly as ``check`` prints them; a clean config
    prints nothing. torch is not imported.
    """
    from trainer_lint import formatters
    from trainer_lint.checker import Report
    from dataclasses import replace

    from trainer_lint.document import DocumentError
    from trainer_lint.formats import read as read_document
    from trainer_lint.engine import FileResult, document_error, lint_document
    from trainer_lint.overrides import Override, OverrideError, apply, attribute, parse_overrides

    out = out or sys.stdout
    try:
        overrides = parse_overrides(sets)
    except OverrideError as error:
        say(f"error: {error}")
        return EXIT_USAGE
    if fast_dev_run:
        overrides.append(Override(("trainer", "fast_dev_run"), True, "--fast-dev-run"))

    def report(result: FileResult) -> int:
        rep = Report(results=[result])
        if rep.diagnostics and env_rank_zero():
            out.write(formatters.render(rep, "text", color=color))
            out.flush()
        return rep.exit_code(strict)

    try:
        document = read_document(path)
    except DocumentError as error:
        if not report(FileResult(path, document_error(error, path, selection))):
            say(f"{path}: {error.message}")
        return EXIT_FAILED
    except OSError as error:
        say(f"{path}: {(error.strerror or str(error)).lower()}")
        return EXIT_USAGE
    try:
        merged = apply(document.data, overrides)
    except OverrideError as error:
        say(f"error: {error}")
        return EXIT_USAGE
    if "trainer" not in merged:  # `check` also lints model/data-only files; `run` builds a Trainer
        say(f"{path}: no [trainer] table, so this is not a trainer config (add `[trainer]` to run it)")
        return EXIT_USAGE
    result = lint_document(replace(document, data=merged), selection, options)
    result.diagnostics = sorted(attribute(result.diagnostics, overrides), key=by_position)
    code = report(result)
    if code:
        return code
    return Prepared(path, merged, result.document, overrides, options)


def by_position(d: Any) -> tuple[int, int, int, str]:
    span = d.span
    return (0 if span is None else 1, span.line if span else 0, span.column if span else 0, d.code)
