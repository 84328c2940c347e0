"""Differential tests of targets (``--target``): trainer-lint on a known machine against the real
``Trainer`` built on that machine.

With a target, the machine-dependent verdicts become exact: trainer-lint reports an error exactly
when the Trainer raises on that machine, and every config warning Lightning gives there has a
trainer-lint finding (``GPU available but not used`` is TL376, an info). The machine is this one
for ``cpu`` (no mocks at all in the grid), or CUDA mocked to the target's device count and
compute capability the way Lightning's own tests mock it (``harness.hardware``).

* ``test_target_agreement``: configs drawn as in ``test_hardware.py`` on five targets;
* ``test_grid``: the 2,240-cell grid (14 precisions x 5 accelerators x 8 strategies x 4 devices)
  with ``--target cpu`` on this machine and ``--target gpu:1xH200`` under one mocked sm_90 GPU,
  cell by cell; cells that need a package that is not installed (``deepspeed``, ``torch_xla``,
  ``transformer_engine``) must have an INFO naming it and are counted apart;
* torch's own behaviour the target rules cite: bf16 autocast on a GPU below compute capability
  8.0 (emulated, not refused) and DeepSpeed on the CPU (refused when ``fit`` starts).

A real GPU is not available to this project's test machine; ``scripts/gpu_targets.py`` runs the
grid on a real CUDA GPU with ``--target local`` and prints the figures for ``docs/targets.md``.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import re
import tempfile
from unittest import mock

import pytest

from differential.harness import build, describe, lint
from differential.summary import record
from differential.test_hardware import FAST, KNOWN_WARNINGS, assert_warnings_matched, configs, needs_package
from trainer_lint.options import Options

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TARGETS = {
    "cpu": {},
    "mps": {"mps": True},
    "gpu:1xA100": {"cuda": 1, "capability": (8, 0)},
    "gpu:8xsm_70": {"cuda": 8, "capability": (7, 0)},
    "gpu:8xsm_90": {"cuda": 8, "capability": (9, 0)},
}
"""Each target and the mocked hardware that is that machine."""

ENVIRONMENTAL = re.compile(r"tensorboardX|litlogger|Consider installing|srun|SLURM|TPU available but not used")
"""Warnings about installed packages, not about the config (with a target, "GPU available but
not used" is about the config on that machine: TL376)."""

TARGET_WARNINGS = {**KNOWN_WARNINGS, "GPU available but not used": "TL376"}

COUNTS: collections.Counter[str] = collections.Counter()


def warnings_matched(table: dict, lightning_warnings: list[str], found: list[str], counts: collections.Counter[str]) -> None:
    assert_warnings_matched(table, lightning_warnings, found, known=TARGET_WARNINGS, environmental=ENVIRONMENTAL, counts=counts)


@settings(max_examples=800, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TARGETS)), configs(["cpu", "gpu", "cuda", "mps", "auto", "tpu", "hpu"]))
def test_target_agreement(target, table):
    """On a target: an error exactly when the Trainer raises on that machine; warnings matched."""
    if needs_package(table) and table.get("accelerator") not in ("tpu", "hpu"):
        COUNTS["skipped: needs an optional package"] += 1
        return  # without the package the Trainer raises for another reason; see test_grid
    outcome = build({**FAST, **table}, **TARGETS[target])
    verdict = lint(table, options=Options(target=target))
    assert verdict.has_error == outcome.raised, f"target {target}\n" + describe(table, outcome, verdict)
    COUNTS[f"{target}: agree, Trainer {'raised' if outcome.raised else 'built'}"] += 1
    if not outcome.raised:
        warnings_matched({"target": target, **table}, outcome.warnings, verdict.warnings + verdict.infos, COUNTS)


# ----------------------------------------------------------------------------- the grid

GRID_PRECISIONS = [
    16, 32, 64, "16", "32", "64", "bf16",
    "16-mixed", "bf16-mixed", "16-true", "bf16-true", "32-true", "64-true", "transformer-engine",
]  # fmt: skip
GRID_ACCELERATORS = ["cpu", "gpu", "cuda", "mps", "auto"]
GRID_STRATEGIES = ["auto", "ddp", "ddp_spawn", "ddp_notebook", "fsdp", "single_device", "deepspeed_stage_2", "xla"]
GRID_DEVICES = [1, 2, -1, "auto"]

GRID = [
    {"precision": p, "accelerator": a, "strategy": s, "devices": d}
    for p, a, s, d in itertools.product(GRID_PRECISIONS, GRID_ACCELERATORS, GRID_STRATEGIES, GRID_DEVICES)
]
assert len(GRID) == 2240


def grid_package(cell: dict) -> str | None:
    """The package a grid cell needs that this machine does not have installed."""
    import importlib.util

    package = needs_package(cell)
    if package is None:
        return None
    name = {"lightning-habana": "lightning_habana"}.get(package, package)
    return package if importlib.util.find_spec(name) is None else None


def run_grid(target: str, hardware: dict) -> collections.Counter[str]:
    """Build every grid cell on ``hardware`` and lint it with ``--target target``; return the
    counts, failing on the first disagreement."""
    counts: collections.Counter[str] = collections.Counter()
    options = Options(target=target)
    for cell in GRID:
        verdict = lint(cell, options=options)
        package = grid_package(cell)
        if package is not None:
            assert any(f"`{package}`" in info for info in verdict.infos), f"{target}: {cell!r} has no INFO naming {package}: {verdict}"
            counts["INFO: needs an uninstalled package"] += 1
            continue
        outcome = build({**FAST, **cell}, **hardware)
        assert verdict.has_error == outcome.raised, f"target {target}\n" + describe(cell, outcome, verdict)
        counts["agree, Trainer raised" if outcome.raised else "agree, Trainer built"] += 1
        if not outcome.raised:
            warnings_matched({"target": target, **cell}, outcome.warnings, verdict.warnings + verdict.infos, counts)
        if lint(cell).has_error == outcome.raised:
            counts["(without a target: error iff raised)"] += 1
    return counts


def test_grid_on_this_machine_with_target_cpu():
    """``--target cpu`` against the real Trainer on this (CPU-only) machine, no mocks."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: the CPU grid needs a machine without one")
    counts = run_grid("cpu", {"real": True})
    _record("cpu (this machine)", counts)
    assert counts["agree, Trainer raised"] + counts["agree, Trainer built"] + counts["INFO: needs an uninstalled package"] == len(GRID)


def test_grid_with_target_one_h200():
    """``--target gpu:1xH200`` against the Trainer with CUDA mocked as one sm_90 device."""
    counts = run_grid("gpu:1xH200", {"cuda": 1, "capability": (9, 0)})
    _record("gpu:1xH200 (CUDA mocked: 1 x sm_90)", counts)
    assert counts["agree, Trainer raised"] + counts["agree, Trainer built"] + counts["INFO: needs an uninstalled package"] == len(GRID)


@pytest.mark.gpu
def test_grid_on_a_real_gpu_with_target_local():
    """``--target local`` (nvidia-smi) against the real Trainer on a real CUDA machine, no mocks.
    Skipped without CUDA; ``scripts/gpu_targets.sh`` runs it and prints the figures."""
    import torch

    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA device")
    from trainer_lint.target import resolve

    machine = resolve("local")
    assert machine.accelerator == "cuda" and machine.gpus == torch.cuda.device_count(), machine
    assert machine.capability == torch.cuda.get_device_capability(0), machine
    counts = run_grid("local", {"real": True})
    _record(f"local ({machine.describe()})", counts)
    assert counts["agree, Trainer raised"] + counts["agree, Trainer built"] + counts["INFO: needs an uninstalled package"] == len(GRID)


def _record(name: str, counts: collections.Counter[str]) -> None:
    summary = dict(sorted(counts.items()))
    path = os.path.join(tempfile.gettempdir(), f"trainer-lint-grid-{name.split()[0].replace(':', '_')}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
    record(f"grid --target {name}: " + ", ".join(f"{k} {v}" for k, v in summary.items()) + f" (of {len(GRID)})")


# ----------------------------------------------------------------------------- torch and DeepSpeed


def _cuda_device(major: int, tensor_ok: bool):
    """Mocks for ``torch.cuda.is_bf16_supported`` as written in torch 2.13 to run as on one GPU of
    compute capability ``major``.x, whose bf16 tensors can (``tensor_ok``) or cannot be created."""
    import torch

    props = mock.Mock(major=major, minor=0)
    return [
        mock.patch("torch.cuda.is_available", lambda: True),
        mock.patch("torch.cuda.current_device", lambda: 0),
        mock.patch("torch.cuda.get_device_properties", lambda *a, **k: props),
        mock.patch("torch.cuda._check_bf16_tensor_supported", lambda device: tensor_ok),
        mock.patch("torch.cuda.amp.common.amp_definitely_not_available", lambda: False),
        mock.patch.object(torch.version, "hip", None),
    ]


@pytest.mark.parametrize(("major", "tensor_ok", "raises"), [(9, True, False), (8, True, False), (7, True, False), (7, False, True)])
def test_bf16_autocast_below_sm80_is_emulated_not_refused(major, tensor_ok, raises):
    """What TL372 says torch does: ``torch.autocast("cuda", dtype=torch.bfloat16)`` (what
    Lightning's ``MixedPrecision("bf16-mixed", "cuda")`` enters) raises "Current CUDA Device
    does not support bfloat16" only where a bf16 tensor cannot even be created; on a V100 (7.0)
    it goes ahead, emulated."""
    import contextlib

    import torch

    with contextlib.ExitStack() as stack:
        for patch in _cuda_device(major, tensor_ok):
            stack.enter_context(patch)
        if raises:
            with pytest.raises(RuntimeError, match="does not support bfloat16"):
                torch.autocast("cuda", dtype=torch.bfloat16)
        else:
            assert torch.cuda.is_bf16_supported() is True
            assert torch.cuda.is_bf16_supported(including_emulation=False) is (major >= 8)
            torch.autocast("cuda", dtype=torch.bfloat16)
    table = {"accelerator": "gpu", "devices": 1, "precision": "bf16-mixed"}
    warned = [w for w in lint(table, options=Options(target=f"gpu:1xsm_{major}0")).warnings if w.startswith("TL372")]
    assert bool(warned) is (major < 8)


@pytest.mark.parametrize(("target", "hw", "raises"), [("cpu", {}, True), ("gpu:1xA100", {"cuda": 1, "capability": (8, 0)}, False)])
def test_deepspeed_on_cpu_is_refused_when_fit_starts(target, hw, raises):
    """TL375 against Lightning with DeepSpeed made available: ``DeepSpeedStrategy.setup_environment``
    (the first thing ``fit`` does on the strategy) raises on the CPU accelerator. ``deepspeed``
    is not installed here: Lightning's availability flags are set and a stand-in module gives the
    one attribute the strategy's constructor touches (its logger); the check under test is
    Lightning's own code."""
    import logging
    import sys
    import types

    import lightning.pytorch.strategies.deepspeed as deepspeed_module

    stand_in = types.ModuleType("deepspeed")
    stand_in.utils = types.SimpleNamespace(logging=types.SimpleNamespace(logger=logging.getLogger("deepspeed-stand-in")))
    table = {"strategy": "deepspeed_stage_2", "devices": 1}
    available = mock.patch.multiple(deepspeed_module, _DEEPSPEED_AVAILABLE=True, _DEEPSPEED_GREATER_EQUAL_0_16=True)
    with available, mock.patch.dict(sys.modules, {"deepspeed": stand_in}):
        from differential.harness import hardware

        with hardware(**hw):
            from lightning.pytorch import Trainer

            trainer = Trainer(**FAST, **table, default_root_dir=tempfile.mkdtemp())
            with mock.patch("lightning.pytorch.strategies.ddp.DDPStrategy.setup_environment", lambda self: None):
                if raises:
                    with pytest.raises(RuntimeError, match="only supported on CUDA GPUs"):
                        trainer.strategy.setup_environment()
                else:
                    trainer.strategy.setup_environment()
    errors = [e for e in lint(table, options=Options(target=target)).errors if e.startswith("TL375")]
    assert bool(errors) is raises


def test_zz_summary():
    summary = dict(sorted(COUNTS.items()))
    print("\ntarget differential agreement:", json.dumps(summary, indent=2))
    if summary:
        record("targets (TL37x on cpu, mps, gpu:1xA100, gpu:8xsm_70, gpu:8xsm_90): " + ", ".join(f"{k} {v}" for k, v in summary.items()))
        assert sum(v for k, v in COUNTS.items() if k.endswith("raised")) > 50
