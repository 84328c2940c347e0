"""Which Lightning distribution's ``Trainer`` reads a config: ``lightning`` or ``pytorch_lightning``.

Both are on PyPI and can be installed side by side, but their classes are distinct: a
``lightning.Trainer`` rejects a ``pytorch_lightning.strategies.DDPStrategy`` ("invalid strategy
name") and LightningCLI rejects a ``pytorch_lightning`` callback as not a ``Callback``. So the
linter must know which one reads the file. In order:

1. ``lightning-package`` in ``[tool.trainer-lint]`` (:attr:`Options.lightning_package`);
2. the ``LightningCLI`` script (``cli-script``), by the package it imports ``LightningCLI`` from
   (:func:`from_cli_script`, read with :mod:`ast`, never imported);
3. ``lightning``, the distribution Lightning's docs install.

Only the standard library is used: this is on the ``check`` path.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

from trainer_lint.options import Options

PACKAGES = ("lightning", "pytorch_lightning")
"""The distributions, by their import names."""

SPELLINGS = {"lightning": "lightning", "pytorch_lightning": "pytorch_lightning", "pytorch-lightning": "pytorch_lightning"}
"""What the ``lightning-package`` setting accepts (the import name or the PyPI name)."""


@dataclass(frozen=True)
class Choice:
    """The distribution that reads the configs, and why (for messages)."""

    package: str
    origin: str

    @property
    def trainer(self) -> str:
        """The import path of its Trainer."""
        return "lightning.pytorch.Trainer" if self.package == "lightning" else "pytorch_lightning.Trainer"


DEFAULT = Choice("lightning", "the default")


def normalize(text: str) -> str | None:
    """The import name for a ``lightning-package`` value, or None when it names neither."""
    return SPELLINGS.get(text.strip().lower())


def choose(options: Options) -> Choice:
    """The distribution whose Trainer reads the configs of a run with ``options``."""
    if options.lightning_package is not None:
        return Choice(options.lightning_package, options.lightning_package_origin or "lightning-package")
    if options.cli_script is not None:
        found = from_cli_script(options.cli_script)
        if found is not None:
            return found
    return DEFAULT


@lru_cache(maxsize=16)
def from_cli_script(path: str) -> Choice | None:
    """The distribution a ``LightningCLI`` script imports ``LightningCLI`` (else its Trainer, else
    anything) from, read with :mod:`ast`; None when the file cannot be read or says nothing.

    This is the hook the ``--cli-script`` reader builds on: it answers only "which package".
    """
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None
    ranked: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            package = _package(node.module)
            if package is None:
                continue
            names = {alias.name for alias in node.names}
            rank = 0 if "LightningCLI" in names else 1 if "Trainer" in names else 2
            ranked[rank].add(package)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                package = _package(alias.name)
                if package is not None:
                    ranked[2].add(package)
    for rank in (0, 1, 2):
        if len(ranked[rank]) == 1:
            return Choice(next(iter(ranked[rank])), f"the imports of {path}")
        if ranked[rank]:
            return None  # both at the same rank: say nothing rather than guess
    return None


def _package(module: str) -> str | None:
    top = module.split(".")[0]
    if top in ("pytorch_lightning", "lightning_fabric"):
        return "pytorch_lightning"
    if top == "lightning":
        return "lightning"
    return None
