"""Two-step fits of a small model, built the way ``trainer-lint run`` builds a config.

The ground truth for the fit-time rules (TL6xx): a config is built by
:class:`trainer_lint.builder.Builder` (objects from ``class_path``/``init_args`` as LightningCLI
builds them) and trained for two steps on the bundled demo model and data, on the CPU. CUDA and MPS
can be mocked as ``tests/differential/harness.py`` does, for the checks a CPU cannot run (those call
the one Lightning method that fails instead of fitting).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Any

for _name in ("lightning", "lightning.pytorch", "lightning.fabric", "pytorch_lightning", "lightning_fabric"):
    logging.getLogger(_name).setLevel(logging.ERROR)

ROOT = tempfile.mkdtemp(prefix="trainer-lint-fit-")

BASE = {
    "max_steps": 2,
    "limit_train_batches": 2,
    "limit_val_batches": 2,
    "num_sanity_val_steps": 0,
    "enable_progress_bar": False,
    "enable_model_summary": False,
    "default_root_dir": ROOT,
}
"""Two training steps (one epoch of two batches) and two validation batches."""

DATA = {"class_path": "trainer_lint.demo.DemoDataModule", "init_args": {"num_samples": 64, "batch_size": 8}}
MODEL = {"class_path": "fit_models.RecordingModel"}


@dataclass
class Fit:
    """What building and fitting a config did."""

    built: bool
    error: BaseException | None
    warnings: list[str] = field(default_factory=list)
    trainer: Any = None
    model: Any = None
    misfits: list[str] = field(default_factory=list)
    """Objects built for a place whose annotation they break (a ``pytorch_lightning`` plugin as a
    ``lightning`` strategy's ``precision_plugin``): the Trainer may accept them, LightningCLI's
    type check does not."""

    @property
    def failed(self) -> bool:
        return self.error is not None

    def says(self, text: str) -> bool:
        return self.error is not None and text in f"{type(self.error).__name__}: {self.error}"


def config(trainer: dict[str, Any], top: dict[str, Any] | None = None, *, base: bool = True) -> dict[str, Any]:
    """A whole config: the trainer table (over :data:`BASE`), the recording model, the demo data."""
    return {"trainer": {**(BASE if base else {}), **trainer}, "model": dict(MODEL), "data": dict(DATA), **(top or {})}


def fit(data: dict[str, Any], *, cuda: int = 0, mps: bool = False, stage: str = "fit") -> Fit:
    """Build ``data`` as ``trainer-lint run`` does and run ``stage``; never raises."""
    from differential.harness import hardware

    from trainer_lint.builder import Builder
    from trainer_lint.prepared import Prepared

    builder = Builder(Prepared("<test>", data, document=None))
    with warnings.catch_warnings(record=True) as caught, hardware(cuda, mps), _quiet():
        warnings.simplefilter("always")
        try:
            trainer, model, datamodule, ckpt_path = builder.build()
        except Exception as error:  # noqa: BLE001 - the build's own verdict
            return Fit(False, error, [str(w.message) for w in caught])
        try:
            getattr(trainer, stage)(model, datamodule=datamodule, ckpt_path=ckpt_path)
        except Exception as error:  # noqa: BLE001 - what fit raised
            return Fit(True, error, [str(w.message) for w in caught], trainer, model)
    return Fit(True, None, [str(w.message) for w in caught], trainer, model)


def build(data: dict[str, Any], *, cuda: int = 0, mps: bool = False) -> Fit:
    """Build the Trainer and objects only (for checks that call one method instead of fitting)."""
    from differential.harness import hardware

    from trainer_lint.prepared import Prepared

    builder = _Recording(Prepared("<test>", data, document=None))
    with warnings.catch_warnings(record=True) as caught, hardware(cuda, mps), _quiet():
        warnings.simplefilter("always")
        try:
            trainer, model, _, _ = builder.build()
        except Exception as error:  # noqa: BLE001
            return Fit(False, error, [str(w.message) for w in caught], misfits=builder.misfits)
    return Fit(True, None, [str(w.message) for w in caught], trainer, model, misfits=builder.misfits)


@functools.lru_cache(maxsize=1)
def _bases() -> dict[str, type]:
    """Each kind's ``lightning`` base class, as the class snapshot's generator classifies them."""
    from trainer_lint.classes.generate import _kinds

    return _kinds()


def _recording_builder() -> type:
    from trainer_lint.builder import Builder

    class Recording(Builder):
        """The builder of ``run``, noting each object that breaks its place's annotation (the
        ``lightning`` base classes of the kinds the place takes, as LightningCLI checks them)."""

        def __init__(self, prepared: Any) -> None:
            super().__init__(prepared)
            self.misfits: list[str] = []

        def instantiate(self, spec: Any, key: Any, kinds: frozenset[str] = frozenset()) -> Any:
            built = super().instantiate(spec, key, kinds)
            bases = tuple(_bases()[k] for k in kinds)
            if bases and not isinstance(built, bases):
                self.misfits.append(f"{key}: {type(built).__module__}.{type(built).__name__} is not a {', '.join(sorted(kinds))}")
            return built

    return Recording


def _Recording(prepared: Any) -> Any:  # noqa: N802 - a class made on first use (imports Lightning)
    return _recording_builder()(prepared)


@contextlib.contextmanager
def _quiet():
    """Lightning's banners off stdout; the environment variables a DDP fit sets (``MASTER_PORT``,
    ``WORLD_SIZE``, ...) and its process group undone afterwards, so fits do not leak into each other."""
    import os

    environ = dict(os.environ)
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            yield
    finally:
        import torch.distributed

        if torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()
        os.environ.clear()
        os.environ.update(environ)


def lint_codes(data: dict[str, Any]) -> dict[str, set[str]]:
    """trainer-lint's codes for ``data`` by severity ("error", "warning", "info")."""
    from trainer_lint.engine import lint_data

    out: dict[str, set[str]] = {"error": set(), "warning": set(), "info": set()}
    for d in lint_data(data):
        out[d.severity.value].add(d.code)
    return out
