"""A target: the machine a config is meant for, spelled ``cpu``, ``mps``, ``gpu:<N>x<GPU>`` or ``local``.

::

    cpu                     a machine without a GPU
    mps                     an Apple-silicon Mac (one MPS device)
    gpu:8xA100              eight NVIDIA A100s (a model from gpus.json)
    gpu:4xsm_70             four GPUs of compute capability 7.0
    gpu:8xH100,nodes=4      four such nodes
    local                   this machine, detected (trainer_lint.target.local)

:class:`Machine` answers what Lightning's accelerator connector asks the machine: which
accelerators are available (``is_available``), what ``accelerator = "auto"`` and ``"gpu"`` pick,
how many devices ``devices = "auto"``/``-1`` mean, and the GPUs' compute capability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

SPELLINGS = "cpu, mps, gpu:<N>x<GPU>[,nodes=N] (e.g. gpu:8xA100, gpu:4xsm_70) or local"


class TargetError(ValueError):
    """A target that cannot be read; the message says what to write instead."""


@dataclass(frozen=True)
class Machine:
    """A machine as Lightning would find it, on every node alike."""

    spelling: str
    """The target as written (``"gpu:8xA100"``, ``"local"``)."""
    accelerator: str
    """``"cpu"``, ``"mps"`` or ``"cuda"``: the machine's best accelerator."""
    gpus: int = 0
    """CUDA devices visible to a process (0 without CUDA)."""
    capability: Optional[tuple[int, int]] = None
    """The CUDA devices' compute capability (the lowest, if they differ); None when unknown."""
    model: Optional[str] = None
    """The GPU model's name (``"A100"``), when known."""
    memory_gib: Optional[float] = None
    nodes: int = 1
    """How many such machines (``,nodes=N``)."""
    detected: Optional[str] = None
    """For ``local``: what detection found, in words."""
    gpus_open: bool = False
    """The launch script leaves how many GPUs a process sees open (e.g. ``--gpus-per-task`` with
    a cluster-dependent binding): ``gpus`` is then the most it may see, not necessarily what it
    sees."""

    # -- what the accelerator connector asks ---------------------------------------------------

    def has(self, accelerator: str) -> bool:
        """``<Accelerator>.is_available()`` here: CPU always, CUDA with a GPU, MPS on a Mac; never TPU
        or HPU (no target spells them)."""
        if accelerator == "cpu":
            return True
        if accelerator == "cuda":
            return self.gpus > 0
        if accelerator == "mps":
            return self.accelerator == "mps"
        return False

    @property
    def auto_accelerator(self) -> str:
        """What ``accelerator = "auto"`` picks (``_select_auto_accelerator``: TPU, MPS, CUDA, CPU)."""
        if self.accelerator == "mps":
            return "mps"
        return "cuda" if self.gpus > 0 else "cpu"

    @property
    def gpu_backend(self) -> Optional[str]:
        """What ``accelerator = "gpu"`` picks (``_choose_gpu_accelerator_backend``: MPS, then CUDA),
        or None where it raises "No supported gpu backend found!"."""
        if self.accelerator == "mps":
            return "mps"
        return "cuda" if self.gpus > 0 else None

    def auto_device_count(self, accelerator: str) -> int:
        """``<Accelerator>.auto_device_count()``: every visible GPU for CUDA, else 1."""
        return self.gpus if accelerator == "cuda" else 1

    # -- hardware facts torch asks about -------------------------------------------------------

    @property
    def sm(self) -> Optional[str]:
        """The compute capability as ``sm_XY`` (``sm_90``), when known."""
        return None if self.capability is None else f"sm_{self.capability[0]}{self.capability[1]}"

    def capability_below(self, major: int, minor: int) -> Optional[bool]:
        """Whether the GPUs' compute capability is below ``major.minor``; None when unknown."""
        if self.capability is None:
            return None
        return self.capability < (major, minor)

    # -- words ---------------------------------------------------------------------------------

    def gpu_words(self) -> str:
        """``"8 × A100, sm_80, 80 GiB"``, for messages."""
        parts = [f"{self.gpus} × {self.model or 'GPU'}", self.sm, f"{self.memory_gib:g} GiB" if self.memory_gib else None]
        return ", ".join(p for p in parts if p)

    def describe(self) -> str:
        """The machine in words, for output headers: ``gpu:8xA100 (8 × A100, sm_80, 80 GiB)``."""
        if self.accelerator == "cuda":
            what = self.gpu_words()
        elif self.accelerator == "mps":
            what = "Apple GPU, MPS"
        else:
            what = "CPU only"
        if self.nodes > 1:
            what += f", {self.nodes} nodes"
        if self.detected and self.spelling.startswith("local"):
            what = f"detected: {what}; {self.detected}"
        return f"{self.spelling} ({what})"

    def as_dict(self) -> dict[str, Any]:
        """The machine for ``--format json`` and SARIF (keys only ever added)."""
        return {
            "spelling": self.spelling,
            "accelerator": self.accelerator,
            "gpus": self.gpus,
            "gpu": self.model,
            "compute_capability": None if self.capability is None else f"{self.capability[0]}.{self.capability[1]}",
            "memory_gib": self.memory_gib,
            "nodes": self.nodes,
            "description": self.describe(),
        }


_GPU = re.compile(r"gpu:(?P<count>\d+)\s*[x×*]\s*(?P<model>.+)", re.I)
_SM = re.compile(r"sm_?(?P<digits>\d{2,3})", re.I)


@lru_cache(maxsize=256)
def parse(text: str) -> Machine:
    """Read a target other than ``local`` (see :func:`trainer_lint.target.resolve` for that);
    raise :class:`TargetError` with the fix for anything else. (Remembered: a run asks once per
    file for the same few spellings.)"""
    if not isinstance(text, str) or not text.strip():
        raise TargetError(f"a target must be a non-empty string: {SPELLINGS}")
    spelling = text.strip()
    base, *options = [part.strip() for part in spelling.split(",")]
    nodes = _nodes(options, spelling)
    word = base.lower()
    if word in ("cpu", "mps"):
        return Machine(spelling, word, nodes=nodes)
    if word == "local":
        raise TargetError("`local` is detected, not parsed: call trainer_lint.target.resolve")
    match = _GPU.fullmatch(base)
    if match is None:
        hint = ""
        if word.startswith(("gpu", "cuda")):
            hint = "; GPU targets name a count and a model, e.g. gpu:1xA100 or gpu:8xsm_90"
        raise TargetError(f"unknown target `{spelling}`{hint}; write {SPELLINGS}")
    count = int(match.group("count"))
    if count < 1:
        raise TargetError(f"target `{spelling}` has no GPU: write `cpu` for a machine without GPUs")
    model = match.group("model").strip()
    sm = _SM.fullmatch(model)
    if sm is not None:
        digits = sm.group("digits")
        capability = (int(digits[:-1]), int(digits[-1]))
        return Machine(spelling, "cuda", count, capability, None, None, nodes)
    from trainer_lint.target import gpus

    gpu = gpus.lookup(model)
    if gpu is None:
        close = gpus.closest(model)
        hint = f" (did you mean `{close}`?)" if close else ""
        raise TargetError(
            f"unknown GPU `{model}` in target `{spelling}`{hint}: name a model such as A100, H100, H200, V100, T4, L4 "
            "or RTX4090 (docs/targets.md lists them all), or a compute capability such as sm_80"
        )
    return Machine(spelling, "cuda", count, gpu.capability, gpu.name, gpu.memory_gib, nodes)


def _nodes(options: list[str], spelling: str) -> int:
    nodes = 1
    for option in options:
        key, sep, value = (p.strip() for p in option.partition("="))
        if key.lower() != "nodes" or not sep:
            raise TargetError(f"unknown option `{option}` in target `{spelling}`; the only option is `,nodes=N`")
        if not value.isdigit() or int(value) < 1:
            raise TargetError(f"`nodes={value}` in target `{spelling}` must be a positive whole number")
        nodes = int(value)
    return nodes
