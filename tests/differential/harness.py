"""Build the real ``lightning.Trainer`` from a trainer table and compare with trainer-lint.

This is the ground truth of the suite: trainer-lint must report an error exactly when the Trainer
raises (or a value breaks the parameter's annotation), and must warn where Lightning warns about
the config. CUDA and MPS are mocked the way Lightning's own tests do it
(``tests_pytorch/conftest.py``: ``mock_cuda_count`` / ``mock_mps_count``), so GPU configs are
judged on a CPU machine.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest

from trainer_lint.diagnostic import Severity
from trainer_lint.engine import lint_data

lightning = pytest.importorskip("lightning")

logging.getLogger("lightning").setLevel(logging.ERROR)
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
logging.getLogger("lightning.fabric").setLevel(logging.ERROR)

_ROOT = tempfile.mkdtemp(prefix="trainer-lint-diff-")


@dataclass
class Outcome:
    """What the real Trainer did with a config."""

    error: BaseException | None
    warnings: list[str] = field(default_factory=list)

    @property
    def raised(self) -> bool:
        return self.error is not None


@contextlib.contextmanager
def hardware(cuda: int = 0, mps: bool = False, capability: tuple[int, int] = (9, 0)):
    """Pretend this machine has ``cuda`` CUDA devices of compute ``capability`` (and an MPS
    device), as Lightning's tests do. ``is_bf16_supported`` answers as torch 2.13 does on such a
    device: natively from 8.0, else through emulation (``including_emulation=True``)."""
    import lightning.fabric.accelerators.cuda as fabric_cuda
    import lightning.fabric.accelerators.mps as fabric_mps
    import lightning.pytorch.accelerators.cuda as pl_cuda

    from lightning.pytorch.trainer.connectors import callback_connector

    patches = [
        mock.patch.object(fabric_cuda, "num_cuda_devices", lambda: cuda),
        mock.patch.object(pl_cuda, "num_cuda_devices", lambda: cuda),
        mock.patch.object(fabric_mps.MPSAccelerator, "is_available", staticmethod(lambda: mps)),
        mock.patch("torch.cuda.is_available", lambda: cuda > 0),
        mock.patch("torch.cuda.device_count", lambda: cuda),
    ]
    if hasattr(callback_connector, "_load_external_callbacks"):  # Lightning 2.5 and later
        # Entry-point discovery costs ~35 ms a Trainer and finds nothing here; skip it.
        patches.append(mock.patch.object(callback_connector, "_load_external_callbacks", lambda group: []))
    if cuda:
        patches.append(mock.patch("torch.cuda.get_device_capability", lambda *a, **k: capability))
        patches.append(
            mock.patch(
                "torch.cuda.is_bf16_supported",
                lambda including_emulation=True: capability >= (8, 0) or including_emulation,
            )
        )
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


def _no_entry_points():
    """Only skip entry-point discovery (as :func:`hardware` does), mocking no hardware."""
    return mock.patch("lightning.pytorch.trainer.connectors.callback_connector._load_external_callbacks", lambda group: [])


@contextlib.contextmanager
def _torch_flags():
    """Restore the global torch flags that ``deterministic`` / ``benchmark`` set while building."""
    import torch

    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    benchmark = torch.backends.cudnn.benchmark
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
        torch.backends.cudnn.benchmark = benchmark


def build(
    trainer: dict[str, Any], *, cuda: int = 0, mps: bool = False, capability: tuple[int, int] = (9, 0), real: bool = False
) -> Outcome:
    """Construct ``Trainer(**trainer)`` under mocked hardware (``real``: on this machine as it is,
    without mocks); record whether it raised and what it warned."""
    from lightning.pytorch import Trainer

    import copy

    # a copy all the way down: the Trainer appends its default callbacks to a `callbacks` list in
    # place, and generated tables share their lists with the strategies that drew them
    kwargs = copy.deepcopy(trainer)
    kwargs.setdefault("default_root_dir", _ROOT)
    if kwargs.get("check_val_every_n_epoch") == "none":
        kwargs["check_val_every_n_epoch"] = None
    machine = _no_entry_points() if real else hardware(cuda, mps, capability)
    with warnings.catch_warnings(record=True) as caught, machine, _torch_flags():
        warnings.simplefilter("always")
        try:
            Trainer(**kwargs)
        except Exception as error:  # noqa: BLE001 - any raise is the Trainer's verdict
            return Outcome(error, [str(w.message) for w in caught])
    return Outcome(None, [str(w.message) for w in caught])


@dataclass
class Verdict:
    """What trainer-lint said about the same config."""

    errors: list[str]
    warnings: list[str]
    infos: list[str]

    @property
    def has_error(self) -> bool:
        return bool(self.errors)


def lint(
    trainer: dict[str, Any], extra: dict[str, Any] | None = None, options: Any = None, *, release: str | None = None
) -> Verdict:
    """Lint ``{"trainer": trainer, **extra}`` (with ``options``: a target, a launcher; against
    Lightning ``release``, as ``--lightning-version`` does, default: the installed one) and sort
    the codes by severity."""
    from dataclasses import replace

    from trainer_lint.options import DEFAULT

    version = release or lightning.__version__
    options = replace(options or DEFAULT, lightning_version=version, lightning_version_origin="--lightning-version")
    found = lint_data({"trainer": trainer, **(extra or {})}, options=options)
    by = {s: [f"{d.code} {d.dotted_key}: {d.message}" for d in found if d.severity is s] for s in Severity}
    return Verdict(by[Severity.ERROR], by[Severity.WARNING], by[Severity.INFO])


def describe(trainer: dict[str, Any], outcome: Outcome, verdict: Verdict) -> str:
    """A disagreement, readable in a failure message."""
    raised = f"{type(outcome.error).__name__}: {outcome.error}" if outcome.error else "nothing"
    return f"config={trainer!r}\n  Trainer raised: {raised}\n  trainer-lint errors: {verdict.errors}"
