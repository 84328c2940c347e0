"""Where a config will run: the target machine (and, in :mod:`trainer_lint.launchers`, the script
that launches it).

The one place that models the machine. Rules never read a target directly: the hardware rules'
connector model (:mod:`trainer_lint.rules.hardware.connector`) asks :attr:`Context.machine
<trainer_lint.rules.base.Context.machine>` what Lightning would find there.

Where a file's target comes from, most specific first:

1. a ``# trainer-lint: target = gpu:1xV100`` comment in the file;
2. the first ``per-file-target`` glob (``[tool.trainer-lint.per-file-target]``) that matches it;
3. ``--target`` on the command line, else ``target`` in ``[tool.trainer-lint]``;
4. none: every machine-dependent verdict stays open, as before targets existed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from trainer_lint.target.machine import SPELLINGS, Machine, TargetError, parse

if TYPE_CHECKING:
    from trainer_lint.launchers import Placement
    from trainer_lint.options import Options

__all__ = ["SPELLINGS", "Machine", "TargetError", "as_seen", "check", "for_file", "parse", "resolve"]


def _split_local(text: str) -> Optional[str]:
    """The options after ``local`` (``"nodes=2"``), ``""`` for a bare ``local``, or None when
    ``text`` is not a ``local`` target."""
    base, _, rest = text.strip().partition(",")
    return rest if base.strip().lower() == "local" else None


def check(text: str) -> None:
    """Raise :class:`TargetError` unless ``text`` is a target spelling (``local`` is not detected)."""
    rest = _split_local(text) if isinstance(text, str) else None
    if rest is None:
        parse(text)
    elif rest:
        parse("cpu," + rest)  # the options after `local`


def resolve(text: str) -> Machine:
    """The machine ``text`` names; ``local`` is detected (once per process)."""
    rest = _split_local(text)
    if rest is None:
        return parse(text)
    from dataclasses import replace

    from trainer_lint.target.local import this_machine

    nodes = parse("cpu," + rest).nodes if rest else 1
    machine = this_machine()
    return replace(machine, spelling=text.strip(), nodes=nodes)


def spelling_for(options: "Options", path: Optional[str]) -> Optional[str]:
    """The target spelling that applies to ``path`` (before in-file comments, which the engine
    applies by rewriting the options)."""
    if path is not None and options.per_file_target:
        from pathlib import Path

        from trainer_lint.settings import _glob_matches, _relative

        rel = _relative(path, Path(os.getcwd()))
        for pattern, text in options.per_file_target:
            if _glob_matches(rel, pattern):
                return text
    return options.target


def for_file(options: "Options", path: Optional[str]) -> Optional[Machine]:
    """The target machine of the file at ``path`` under ``options``; None when none is set.

    Spellings were checked when the options were made (settings, flags, comments); one that
    still fails here is treated as no target rather than raised from inside a rule."""
    text = spelling_for(options, path)
    if text is None:
        return None
    try:
        return resolve(text)
    except TargetError:
        return None


def as_seen(machine: Optional[Machine], placement: "Optional[Placement]") -> Optional[Machine]:
    """The machine as rank 0 of a launched job sees it: the target, with the GPUs the launch
    script makes visible to each process (``--gres=gpu:N``, ``CUDA_VISIBLE_DEVICES``, ...).

    Without a target, a script that fixes the GPU count still tells how many CUDA devices there
    are (not their model); a script that leaves it open keeps the target's count, marked open."""
    from dataclasses import replace

    visible = placement.rank_zero.visible_gpus if placement is not None and placement.rank_zero is not None else None
    if visible is None:
        return machine
    count = visible.value
    where = f"{visible.source.text} in {os.path.basename(visible.source.path)}" if visible.source else "the launch script"
    if count is None:
        if visible.values is None or 0 in visible.values:
            return None if machine is None else replace(machine, gpus_open=True)
        most = max(visible.values)  # the most GPUs a process may see
        if machine is None:
            return Machine(where, "cuda", most, detected=where, gpus_open=True)
        return replace(machine, accelerator="cuda", gpus=most, gpus_open=True)
    if machine is None:
        return Machine(where, "cuda" if count else "cpu", count, detected=where)
    if count == 0:
        return replace(machine, accelerator="cpu" if machine.accelerator == "cuda" else machine.accelerator, gpus=0)
    return replace(machine, accelerator="cuda", gpus=count)
