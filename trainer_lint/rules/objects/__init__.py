"""``class_path`` objects: callbacks, loggers, strategies, profilers, plugins, ``model`` and ``data``.

Lightning's own classes are checked against the committed signature snapshot
(:mod:`trainer_lint.classes`): the class exists, fits the key it is under, takes the
``init_args`` given with the right types, and the values pass the checks its ``__init__`` makes.
Then the Trainer-level conflicts that ``trainer/connectors/callback_connector.py``,
``trainer/connectors/accelerator_connector.py`` and ``Trainer.__init__`` raise for.

A class path outside Lightning is never imported: the project's classes are read from source with
``ast`` (:mod:`trainer_lint.resolver`), and checked the way LightningCLI's parser checks them
(``project.py``, and the TL50x rules for their arguments).
"""

from __future__ import annotations

from trainer_lint.rules.base import Rule
from trainer_lint.rules.objects import callbacks, class_paths, connector, init_args, project, values

RULES: tuple[type[Rule], ...] = tuple(
    sorted((*class_paths.RULES, *init_args.RULES, *callbacks.RULES, *connector.RULES, *project.RULES, *values.RULES), key=lambda rule: rule.code)
)
