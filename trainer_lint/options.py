"""What a lint run knows beyond one file's text: the project settings that knowledge is computed from.

The engine lints one document at a time, but some verdicts need more than the document: which
Lightning release will read it (``lightning-version``) and which distribution's Trainer
(``lightning-package``), where the user's own classes live
(``source-roots``) and which ``LightningCLI(...)`` call reads it (``cli-script``), the machine it
is meant for (``target``) and the script that launches it (``launcher``). :class:`Options` carries
those settings, unresolved, from the command line, ``[tool.trainer-lint]``, the language server or
a test down to the :class:`~trainer_lint.rules.base.Context`; the knowledge layer turns them into
facts lazily, on a rule's first question, so a file that never asks pays nothing.

Options are frozen and hashable: the same options object is shared by every file of a run (and by
forked workers), and caches may key on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """Run-wide settings for the knowledge layer; ``None`` where nothing was said.

    Paths are absolute (the settings layer makes them so) or relative to the current folder.
    """

    root: str | None = None
    """The project root: the folder of the settings file in use, if any. Defaults and relative
    paths in settings are anchored here."""
    source_roots: tuple[str, ...] | None = None
    """Folders searched for the modules a ``class_path`` names (``--source-root``,
    ``source-roots``); ``None``: the project root, plus its ``src/`` when present."""
    cli_script: str | None = None
    """The Python file holding the ``LightningCLI(...)`` call that reads the configs."""
    lightning_version: str | None = None
    """The Lightning release the configs are checked against (``--lightning-version``,
    ``lightning-version``); ``None``: found from the project, else the newest bundled."""
    lightning_version_origin: str | None = None
    """Where :attr:`lightning_version` came from, in words ("--lightning-version", a settings file)."""
    lightning_package: str | None = None
    """Which distribution's Trainer reads the configs: ``"lightning"`` or ``"pytorch_lightning"``
    (``lightning-package``); ``None``: from the CLI script's imports, else ``"lightning"``
    (:mod:`trainer_lint.distribution`)."""
    lightning_package_origin: str | None = None
    """Where :attr:`lightning_package` came from, in words."""
    target: str | None = None
    """The machine the configs are meant for (``--target``, ``target``); ``None``: any machine."""
    per_file_target: tuple[tuple[str, str], ...] = ()
    """``(glob, target)`` pairs that override :attr:`target` for matching files."""
    launcher: str | None = None
    """A launch script (``#SBATCH`` job, ``torchrun``/``srun`` line) the configs run under."""


DEFAULT = Options()
"""No project knowledge: what ``check`` did before options existed."""
