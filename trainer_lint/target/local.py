"""``--target local``: this machine, found without importing torch.

* NVIDIA GPUs: ``nvidia-smi --query-gpu=index,uuid,name,compute_cap,memory.total`` (drivers older
  than ``compute_cap``, from R510, are asked without it and the model is looked up in the GPU
  table). ``CUDA_VISIBLE_DEVICES`` is honoured as the CUDA runtime reads it: indices or ``GPU-``
  UUID prefixes, comma-separated, read up to the first entry that names no device; set but empty,
  no GPU is visible.
* Apple silicon (macOS on an ``arm``/``arm64`` processor, as ``MPSAccelerator.is_available``
  checks): ``mps``.
* Otherwise: ``cpu``.

Detection runs once per process and is cached.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from trainer_lint.target.machine import Machine

QUERY = "index,uuid,name,compute_cap,memory.total"
OLD_QUERY = "index,uuid,name,memory.total"
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SmiGpu:
    """One line of ``nvidia-smi``'s answer."""

    index: int
    uuid: str
    name: str
    capability: Optional[tuple[int, int]]
    memory_gib: Optional[float]


def detect(
    env: Optional[Mapping[str, str]] = None,
    *,
    which: Callable[[str], Optional[str]] = shutil.which,
    run: Callable[..., "subprocess.CompletedProcess[str]"] = subprocess.run,
    system: Optional[str] = None,
    processor: Optional[str] = None,
) -> Machine:
    """This machine as a :class:`Machine` (the keyword arguments exist for tests)."""
    env = os.environ if env is None else env
    system = sys.platform if system is None else system
    if system == "darwin":
        processor = platform.processor() if processor is None else processor
        if processor in ("arm", "arm64"):
            return Machine("local", "mps", detected="Apple silicon")
        return Machine("local", "cpu", detected=f"macOS on {processor or 'an Intel processor'}")
    smi = which("nvidia-smi")
    if smi is None:
        return Machine("local", "cpu", detected="no nvidia-smi on PATH")
    listed = _query(smi, run)
    if listed is None:
        return Machine("local", "cpu", detected="nvidia-smi found no usable GPU")
    visible = visible_gpus(listed, env.get("CUDA_VISIBLE_DEVICES"))
    if not visible:
        why = "CUDA_VISIBLE_DEVICES hides every GPU" if listed else "nvidia-smi lists no GPU"
        return Machine("local", "cpu", detected=why)
    return _machine(visible)


@lru_cache(maxsize=4)
def cached(visible_devices: Optional[str], path: Optional[str]) -> Machine:
    """:func:`detect`, once per value of ``CUDA_VISIBLE_DEVICES`` and ``PATH``."""
    return detect()


def this_machine() -> Machine:
    """The local machine, detected once per process."""
    return cached(os.environ.get("CUDA_VISIBLE_DEVICES"), os.environ.get("PATH"))


def _query(smi: str, run: Callable[..., "subprocess.CompletedProcess[str]"]) -> Optional[list[SmiGpu]]:
    for query in (QUERY, OLD_QUERY):
        try:
            done = run(
                [smi, f"--query-gpu={query}", "--format=csv,noheader,nounits"],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode == 0:
            return parse_smi(done.stdout, with_capability=query == QUERY)
        if "compute_cap" not in (done.stdout + done.stderr):
            return None  # not an old driver: nvidia-smi cannot talk to one
    return None


def parse_smi(text: str, *, with_capability: bool = True) -> list[SmiGpu]:
    """Read ``nvidia-smi --query-gpu=... --format=csv,noheader,nounits`` output."""
    from trainer_lint.target import gpus

    out: list[SmiGpu] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != (5 if with_capability else 4) or not parts[0].isdigit():
            continue
        index, uuid, name = int(parts[0]), parts[1], parts[2]
        capability: Optional[tuple[int, int]] = None
        if with_capability:
            try:
                capability = gpus.parse_capability(parts[3])
            except ValueError:
                capability = None
        row = gpus.lookup(name, exact=False)
        if capability is None and row is not None:
            capability = row.capability
        try:
            memory = round(float(parts[-1]) / 1024, 1)  # MiB
        except ValueError:
            memory = row.memory_gib if row is not None else None
        out.append(SmiGpu(index, uuid, name, capability, memory))
    return out


def visible_gpus(listed: list[SmiGpu], setting: Optional[str]) -> list[SmiGpu]:
    """The GPUs a CUDA process sees under ``CUDA_VISIBLE_DEVICES=setting`` (None: unset, all)."""
    if setting is None:
        return list(listed)
    out: list[SmiGpu] = []
    for entry in (e.strip() for e in setting.split(",")):
        found: Optional[SmiGpu] = None
        if entry.isdigit():
            found = next((g for g in listed if g.index == int(entry)), None)
        elif entry.upper().startswith("GPU-") and len(entry) > 4:
            matches = [g for g in listed if g.uuid.upper().startswith(entry.upper())]
            found = matches[0] if len(matches) == 1 else None
        if found is None or found in out:
            break  # the CUDA runtime stops at the first entry that names no (new) device
        out.append(found)
    return out


def _machine(visible: list[SmiGpu]) -> Machine:
    from trainer_lint.target import gpus

    first = visible[0]
    known = [g.capability for g in visible if g.capability is not None]
    capability = min(known) if len(known) == len(visible) else None
    row = gpus.lookup(first.name, exact=False)
    model = row.name if row is not None else first.name
    memory = min((g.memory_gib for g in visible if g.memory_gib is not None), default=None)
    names = sorted({g.name for g in visible})
    detected = f"nvidia-smi: {len(visible)} × {' / '.join(names)}"
    return Machine("local", "cuda", len(visible), capability, model, memory, detected=detected)
