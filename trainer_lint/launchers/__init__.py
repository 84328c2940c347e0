"""Launch scripts: a SLURM batch job (``#SBATCH`` directives) or a shell script with an ``srun``,
``torchrun`` or ``python`` line, read to find what Lightning's cluster environment will see on
rank 0 (:mod:`trainer_lint.launchers.launch`).

``check --launcher job.sbatch CONFIG`` checks CONFIG as launched by the script; ``check job.sbatch``
finds the config the script names (``trainer-lint run CONFIG``, ``python ... --config CONFIG``).
Scripts are read, never run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from trainer_lint.launchers.launch import Launch, RankZero, Step
from trainer_lint.launchers.values import Count, Source

if TYPE_CHECKING:
    from trainer_lint.options import Options
    from trainer_lint.target import Machine

__all__ = ["Count", "Launch", "LaunchError", "Placement", "RankZero", "Source", "Step", "for_file", "is_launch_script", "load"]

MAX_BYTES = 1 << 20
"""Launch scripts are small; a bigger file is not one."""

SUFFIXES = (".sbatch", ".slurm", ".sh", ".bash", ".job")
"""File names that are launch scripts when named on ``check``'s command line."""


class LaunchError(ValueError):
    """A launch script that cannot be read; the message says why."""


@dataclass(frozen=True)
class Placement:
    """A config placed in a launch script: the script, the command that trains the config and
    the environment its rank 0 sees (None when the script has no training command)."""

    launch: Launch
    step: Optional[Step]
    rank_zero: Optional[RankZero]


def for_file(options: "Options", path: Optional[str], machine: "Optional[Machine]" = None) -> Optional[Placement]:
    """Where the file at ``path`` is launched under ``options`` (``--launcher``, an in-file
    ``# trainer-lint: launcher = ...`` comment, or ``check job.sbatch``); None without a launcher.
    ``machine`` (the target) answers ``--nproc-per-node=gpu`` when the script does not."""
    if options.launcher is None:
        return None
    try:
        launch = load(options.launcher)
    except LaunchError:
        return None  # reported where the launcher was named (usage error, or TL429)
    step = launch.step_for(path)
    if step is None:
        return Placement(launch, None, None)
    gpus = machine.gpus if machine is not None and machine.accelerator == "cuda" else None
    return Placement(launch, step, launch.rank_zero(step, gpus_hint=gpus))


def load(path: str) -> Launch:
    """Read the launch script at ``path`` (cached while the file is unchanged)."""
    try:
        status = os.stat(path)
    except OSError as error:
        raise LaunchError(f"cannot read launch script {path}: {(error.strerror or str(error)).lower()}") from None
    if not os.path.isfile(path):
        raise LaunchError(f"launch script {path} is not a regular file")
    return _load(os.path.abspath(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=64)
def _load(path: str, mtime_ns: int, size: int) -> Launch:
    from trainer_lint.launchers.launch import read_steps
    from trainer_lint.launchers.script import read

    if size > MAX_BYTES:
        raise LaunchError(f"launch script {path} is {size} bytes; a launch script is under {MAX_BYTES} bytes")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise LaunchError(f"cannot read launch script {path}: {(error.strerror or str(error)).lower()}") from None
    if b"\x00" in raw:
        raise LaunchError(f"launch script {path} is a binary file, not a shell script")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LaunchError(f"launch script {path} is not UTF-8 text (byte {error.start})") from None
    script = read(path, text)
    return Launch(path, script, read_steps(path, script))


def is_launch_script(path: str) -> bool:
    """Whether a file named on the command line is a launch script rather than a config: a
    shell-script suffix, or a ``#!`` first line naming a shell."""
    lowered = path.lower()
    if lowered.endswith(".toml"):
        return False
    if lowered.endswith(SUFFIXES):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(128)
    except OSError:
        return False
    first = head.split(b"\n", 1)[0]
    return first.startswith(b"#!") and any(shell in first for shell in (b"sh", b"bash", b"zsh"))


def configs_of(path: str) -> tuple[list[str], Optional[str]]:
    """The config files the launch script at ``path`` trains, resolved to paths, and a problem
    (in words) when it names none."""
    launch = load(path)
    named = launch.configs()
    if not named:
        if not launch.steps:
            return [], "no training command found (srun, torchrun, python or trainer-lint run)"
        return [], "its training command names no TOML config (`trainer-lint run CONFIG` or `--config CONFIG`); pass it: `check --launcher SCRIPT CONFIG`"
    from trainer_lint.launchers.values import display_path

    return [display_path(launch.config_path(source)) for source in named], None
