"""Launch the real Trainer from a linted config: ``trainer-lint run`` and ``check --run``.

:func:`run` lints the config (with ``--set`` overrides merged in) exactly as ``check`` does and
stops with exit 1 on errors before torch is imported. A clean config is then built the way
LightningCLI builds one: ``Trainer(**trainer)`` with callbacks, loggers, strategy, profiler and
plugins instantiated from ``class_path``/``init_args``, ``seed_everything`` applied, ``[model]``
and ``[data]`` instantiated (the bundled :mod:`trainer_lint.demo` when there is no ``[model]``),
and the chosen stage called with ``ckpt_path``.

This module is the stage runner; :mod:`trainer_lint.prepared` reads and lints the config and
:mod:`trainer_lint.builder` builds its objects. Only these import torch or lightning, and only
inside functions.

Exit codes (see ``docs/running.md``): 0 success; 1 lint errors, a failure the user caused (one
line naming the table and its line) or an exception in the user's own code (with its traceback);
2 usage or I/O problems (a missing file, a malformed ``--set``, torch/lightning not installed);
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from trainer_lint.builder import Builder, UserCodeError
from trainer_lint.engine import ALL, Selection
from trainer_lint.formats.toml_writer import document as to_toml
from trainer_lint.options import DEFAULT, Options
from trainer_lint.prepared import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Prepared,
    UserError,
    by_position,
    env_rank_zero,
    one_line,
    prepare,
    say,
)

__all__ = [
    "ALL", "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "STAGES", "Prepared", "UserError", "check_installed",
    "env_rank_zero", "installed_release", "launch", "one_line", "prepare", "run", "run_checked", "to_toml",
]

STAGES = ("fit", "validate", "test", "predict")
"""The Trainer methods ``run --stage`` can call."""


def run(
    path: str,
    *,
    stage: str = "fit",
    sets: Sequence[str] = (),
    fast_dev_run: bool = False,
    print_config: bool = False,
    selection: Selection = ALL,
    strict: bool = False,
    color: bool = False,
    options: Options = DEFAULT,
) -> int:
    """``trainer-lint run``: lint ``path``, then build the Trainer and call ``stage``. Returns the exit code."""
    if stage not in STAGES:
        say(f"error: unknown stage {stage!r}; choose from {', '.join(STAGES)}")
        return EXIT_USAGE
    try:
        out = sys.stderr if print_config else sys.stdout  # keep stdout pure TOML for --print-config
        installed = installed_release()
        if options.lightning_version is None and installed is not None:
            from dataclasses import replace

            # the installed release is the one that will build the Trainer: check against it
            options = replace(options, lightning_version=installed[1], lightning_version_origin=f"installed {installed[0]}")
        prepared = prepare(
            path, sets, fast_dev_run=fast_dev_run, selection=selection, strict=strict, color=color, out=out, options=options
        )
        if isinstance(prepared, int):
            return prepared
        if not print_config and installed is not None and installed[1] != options.lightning_version:
            mismatch = check_installed(prepared, installed, selection, strict=strict, color=color, out=out, options=options)
            if mismatch:
                return mismatch
        if print_config:
            sys.stdout.write(to_toml(prepared.data))
            sys.stdout.flush()
            return EXIT_OK
        return launch(prepared, stage)
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED


def installed_release() -> tuple[str, str] | None:
    """``(distribution, version)`` of the installed Lightning, from its metadata (nothing is imported)."""
    from trainer_lint.lightning.selection import installed_version

    return installed_version()


def check_installed(
    prepared: Prepared,
    installed: tuple[str, str],
    selection: Selection,
    *,
    strict: bool,
    color: bool,
    out: TextIO,
    options: Options,
) -> int:
    """Lint the config again against the installed release when the user checked it against
    another one (``--lightning-version``): what that release would reject is reported before
    anything is built. Returns 0 when the installed release takes the config, else the exit code."""
    from dataclasses import replace

    from trainer_lint import formatters
    from trainer_lint.checker import Report
    from trainer_lint.document import Document
    from trainer_lint.engine import lint_document
    from trainer_lint.overrides import attribute

    here = replace(options, lightning_version=installed[1], lightning_version_origin=f"installed {installed[0]}")
    result = lint_document(Document(path=prepared.path, text=prepared.document.text, data=prepared.data), selection, here)
    result.diagnostics = sorted(attribute(result.diagnostics, prepared.overrides), key=by_position)
    report = Report(results=[result])
    code = report.exit_code(strict)
    if code and env_rank_zero():
        say(f"the config was checked against Lightning {options.lightning_version}, but {installed[0]} "
             f"{installed[1]} is installed and would reject it:")
        out.write(formatters.render(report, "text", color=color))
        out.flush()
    return code


def launch(prepared: Prepared, stage: str = "fit") -> int:
    """Build everything ``prepared`` describes and call ``trainer.<stage>``. Returns the exit code."""
    try:
        import lightning  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        say(f"`run` needs torch and lightning ({one_line(error)}); install them with: pip install 'trainer-lint[run]'")
        return EXIT_USAGE
    builder = Builder(prepared)
    started = time.perf_counter()
    try:
        trainer, model, datamodule, ckpt_path = builder.build()
    except UserError as error:
        if env_rank_zero():
            say(prepared.describe(error))
        return EXIT_FAILED
    except UserCodeError as error:
        return builder.fail_with_traceback(error.original)
    try:
        extra = {"weights_only": prepared.data["weights_only"]} if prepared.data.get("weights_only") is not None else {}
        result = getattr(trainer, stage)(model, datamodule=datamodule, ckpt_path=ckpt_path, **extra)
    except SystemExit as exit_:
        if isinstance(exit_.__context__, KeyboardInterrupt) or trainer.interrupted and exit_.code == 1:
            say("interrupted")
            return EXIT_INTERRUPTED
        raise
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except UserError as error:
        say(prepared.describe(error))
        return EXIT_FAILED
    except Exception as error:
        return builder.stage_failed(stage, error)
    if trainer.is_global_zero:
        say(_summary(trainer, stage, result, time.perf_counter() - started))
    return EXIT_OK


def _summary(trainer: Any, stage: str, result: Any, seconds: float) -> str:
    """The closing line of a run: time, device, precision plugin, final metrics, checkpoint."""
    plugin = type(trainer.precision_plugin).__name__
    text = f"{stage} finished in {seconds:.1f}s on {trainer.strategy.root_device} with {plugin}({trainer.precision!r})"
    metrics = []
    for name, value in sorted(trainer.callback_metrics.items()):
        try:
            metrics.append(f"{name}={float(value):.4g}")
        except (TypeError, ValueError, RuntimeError):  # not a scalar
            continue
    if metrics:
        text += "; " + " ".join(metrics)
    if stage == "fit":
        callback = trainer.checkpoint_callback
        path = callback and (callback.best_model_path or callback.last_model_path)
        text += f"; checkpoint: {path}" if path else "; no checkpoint written"
    elif stage == "predict" and isinstance(result, list):
        text += f"; {len(result)} batch(es) of predictions"
    return text


# ----------------------------------------------------------------------------- check --run


def run_checked(lint_code: int, paths: Sequence[str], lint_args: Sequence[str] = (), *, machine_output: bool = False) -> int:
    """``check --run``: after linting (exit code ``lint_code``), run each clean config in turn.

    Nothing runs when linting failed. Each config runs as ``python -m trainer_lint run PATH`` in a
    process of its own, so seeds, CUDA state and distributed launches (Lightning re-executes the
    command for the other ranks) never leak from one config into the next. ``lint_args`` are the
    lint options of ``check`` (so ``run`` lints with the same rules). The first failure stops the
    rest and is named. With ``machine_output`` (``--format json`` and the like) the runs write to
    stderr, so stdout stays the report alone.
    """
    if lint_code:
        say("not running anything: fix the problems above first")
        return lint_code
    if not paths:
        say("no trainer configs to run")
        return EXIT_OK
    total = len(paths)
    for number, path in enumerate(paths, 1):
        say(f"running {path} ({number} of {total})")
        command = [sys.executable, "-m", "trainer_lint", "run", path, *lint_args]
        code = _subprocess(command, sys.stderr if machine_output else None)
        if code == EXIT_OK:
            continue
        rest = list(paths[number:])
        skipped = f"; not run: {', '.join(rest)}" if rest else ""
        if code == EXIT_INTERRUPTED:
            say(f"interrupted while running {path}{skipped}")
            return EXIT_INTERRUPTED
        say(f"{path} failed (exit {code}){skipped}")
        return code if code in (EXIT_FAILED, EXIT_USAGE) else EXIT_FAILED
    say(f"ran {total} config{'' if total == 1 else 's'}")
    return EXIT_OK


def _subprocess(command: list[str], stdout: TextIO | None) -> int:
    process = subprocess.Popen(command, stdout=stdout)
    try:
        return process.wait()
    except KeyboardInterrupt:  # the child got the same Ctrl-C; give it time to shut down cleanly
        try:
            process.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        return EXIT_INTERRUPTED
