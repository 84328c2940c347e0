"""Failures that wait for ``fit`` (TL6xx): configs the Trainer builds without a word, that then
fail (or silently do something else) once the job has queued, torch has loaded and the data is
read. They are warnings, never errors: the config builds. Each is reproduced by a two-step fit of
a small model in ``tests/test_fit_time.py``.
"""

from __future__ import annotations

from trainer_lint.rules.base import Rule
from trainer_lint.rules.fit import callbacks, loop, strategy

RULES: tuple[type[Rule], ...] = tuple(sorted((*callbacks.RULES, *loop.RULES, *strategy.RULES), key=lambda rule: rule.code))
