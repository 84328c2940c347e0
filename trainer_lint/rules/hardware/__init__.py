"""Accelerator, devices, strategy and precision: the checks ``Trainer(...)`` makes while building
its ``_AcceleratorConnector`` (TL3xx).

The module models, in plain Python, what Lightning 2.6 does with these arguments when they are
plain data (names, counts, strings, lists): which accelerator a name selects, how that
accelerator's ``parse_devices`` reads ``devices``, which strategy ``"auto"`` picks and which
precision plugin the strategy builds. The model is computed once per file (:func:`facts`) and
shared by the rules.

Assumptions, as the rules state them to users, when no target is set:

* the hardware a config names exists (``accelerator = "cuda"`` with ``devices = 4`` means the
  machine has at least four GPUs), so "not enough GPUs here" is never reported;
* ``accelerator = "auto"`` may find a CPU, CUDA GPUs, an Apple GPU (MPS) or a TPU: a verdict that
  depends on which is at most a warning, and an error only when every choice raises;
* packages that only some installs have (``deepspeed``, ``torch_xla``, ``transformer_engine``,
  ``lightning-habana``) are reported as information naming the package, never as errors.

With a target (``--target``, :mod:`trainer_lint.target`) or a launch script
(``--launcher``, :mod:`trainer_lint.launchers`) the machine is known and these verdicts become
exact (``machine.py`` and ``machine_precision.py``, TL370–TL379; ``slurm.py``, ``torchrun.py`` and ``launch.py``, TL400–TL429).

The ground truth is ``tests/differential/test_hardware.py``, ``test_targets.py`` and
``test_launchers.py``, which build the real Trainer.
"""

from __future__ import annotations

from trainer_lint.rules.base import Rule
from trainer_lint.rules.hardware import (
    accelerators,
    conflicts,
    determinism,
    devices,
    launch,
    machine,
    machine_precision,
    packages,
    precision,
    slurm,
    strategy,
    torchrun,
)

RULES: tuple[type[Rule], ...] = tuple(
    sorted((*devices.RULES, *accelerators.RULES, *strategy.RULES, *precision.RULES, *packages.RULES, *determinism.RULES, *conflicts.RULES, *machine.RULES, *machine_precision.RULES, *slurm.RULES, *torchrun.RULES, *launch.RULES), key=lambda rule: rule.code)
)
