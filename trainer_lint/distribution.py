"""Which Lightning distribution's ``Trainer`` reads a config: ``lightning`` or ``pytorch_lightning``.

Both are on PyPI and can be installed side by side, but their classes are distinct: a
``lightning.Trainer`` rejects a ``pytorch_lightning.strategies.DDPStrategy`` ("invalid strategy
name") and LightningCLI rejects a ``pytorch_lightning`` callback as not a ``Callback``. So the
linter must know which one reads the file. In order:

1. ``lightning-package`` in ``[tool.trainer-lint]`` (:attr:`Options.lightning_package`);
2. the ``LightningCLI`` script (``cli-script``), as the resolver reads it
   (:mod:`trainer_lint.resolver.entrypoint`, with :mod:`ast`, never imported): the distribution of
   the ``LightningCLI`` its call builds, through a project's subclass in another module too;
   without a call, the one its imports name;
3. ``lightning``, the distribution Lightning's docs install.

Without a CLI script nothing is read (this is on the ``check`` path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


def choose(options: Options, config_path: str | None = None, *, project: Callable[[], Any] | None = None) -> Choice:
    """The distribution whose Trainer reads the configs of a run with ``options``. With a CLI script,
    the script is read by the project of ``config_path`` (``project``, when given, returns it: a
    :class:`~trainer_lint.resolver.project.Project` the caller already has); without one, nothing is."""
    if options.lightning_package is not None:
        return Choice(options.lightning_package, options.lightning_package_origin or "lightning-package")
    if options.cli_script is None:
        return DEFAULT
    if project is None:
        from trainer_lint.resolver.project import project_for

        script = project_for(options, config_path).cli()
    else:
        script = project().cli()
    return from_script(script) or DEFAULT


def from_script(script: Any) -> Choice | None:
    """The distribution a CLI script as read (:class:`~trainer_lint.resolver.entrypoint.CliScript`)
    says, or None when it says nothing."""
    if script is None or script.package is None:
        return None
    how = "the LightningCLI that {} calls" if script.package_from_call else "the imports of {}"
    return Choice(script.package, how.format(script.path))


def from_cli_script(path: str) -> Choice | None:
    """The distribution the CLI script at ``path`` says (:func:`from_script` of its reading, with
    the project root found from the script's folder); None when the file cannot be read or says nothing."""
    from trainer_lint.resolver.project import project_for

    return from_script(project_for(Options(cli_script=path), path).cli())


def package_of(module: str) -> str | None:
    """The distribution a module of Lightning belongs to (``lightning.pytorch.cli`` -> ``lightning``,
    ``lightning_fabric.x`` -> ``pytorch_lightning``), or None for a module outside Lightning."""
    top = module.split(".")[0]
    if top in ("pytorch_lightning", "lightning_fabric"):
        return "pytorch_lightning"
    if top == "lightning":
        return "lightning"
    return None
