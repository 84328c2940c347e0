"""Loops, data limits, validation scheduling and time: ``max_*``/``min_*``, ``limit_*_batches``,
``overfit_batches``, ``val_check_interval``, ``check_val_every_n_epoch``, ``num_sanity_val_steps``
and ``max_time``.

Lightning checks most of these values only when it reads them, and it does not read them all: a
truthy ``fast_dev_run`` replaces the batch limits and ``val_check_interval`` without validating
them, and ``overfit_batches > 0`` replaces ``limit_train_batches`` and ``limit_val_batches``. The
rules here follow that control flow (``_init_debugging_flags`` in ``trainer/setup.py``): a value
that makes ``Trainer(...)`` raise is an error; the same value while it is ignored is a warning.
"""

from __future__ import annotations

from trainer_lint.rules.base import Rule
from trainer_lint.rules.loops import durations, epochs, limits

RULES: tuple[type[Rule], ...] = tuple(
    sorted((*limits.RULES, *durations.RULES, *epochs.RULES), key=lambda rule: rule.code)
)
