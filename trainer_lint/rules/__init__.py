"""The rule catalogue: every rule trainer-lint has, in code order.

The catalogue is an explicit list. A rule module defines its rules and a ``RULES`` tuple; this
module concatenates them. ``tests/test_catalogue.py`` checks that every rule is documented and
has a failing and a passing case under ``tests/cases/``.
"""

from __future__ import annotations

from trainer_lint.rules import document, fit, hardware, loops, meta, objects, release, trainer, types, yaml
from trainer_lint.rules.base import Context, Rule

RULES: tuple[type[Rule], ...] = (
    *document.RULES,
    *yaml.RULES,
    *release.RULES,
    *types.RULES,
    *trainer.RULES,
    *loops.RULES,
    *hardware.RULES,
    *objects.RULES,
    *fit.RULES,
    *meta.RULES,
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_CODE", "Context", "Rule"]
