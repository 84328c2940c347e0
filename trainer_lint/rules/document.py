"""Problems with the file itself: TOML or YAML syntax, encoding, size. The engine reports these
when a file cannot be read; no other rule runs on such a file. (Problems only YAML has are in
:mod:`trainer_lint.rules.yaml`.)"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic
from trainer_lint.rules.base import Context, Rule


class _FileRule(Rule):
    """Reported by the engine from a :class:`~trainer_lint.document.DocumentError`."""

    triggers = frozenset()  # never from check

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()


class SyntaxError_(_FileRule):
    """## What it does
    Reports TOML or YAML that does not parse, at the line and column where the parser stopped.
    For YAML this includes what LightningCLI's loader refuses besides syntax: tags that build
    objects (`!!python/object`), keys that are lists or tables, aliases that contain themselves.

    ## Why is this bad?
    Nothing in the file can be used: LightningCLI, `trainer-lint run` and every other reader
    reject the whole file.

    ## Example
    ```toml
    [trainer]
    max_epochs = 3 epochs
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = 3
    ```

    ## Lightning source
    None: TOML itself (https://toml.io/en/v1.0.0), read with `tomli`; YAML as LightningCLI reads
    it (PyYAML's safe loader with jsonargparse's changes, `jsonargparse/_loaders_dumpers.py`).
    """

    code = "TL001"
    name = "toml-syntax"
    summary = "The file is not valid TOML (or YAML, for .yaml files)"


class NotText(_FileRule):
    """## What it does
    Reports a `.toml` or `.yaml` file that is not UTF-8 text: invalid UTF-8 bytes or NUL bytes
    (a binary file with a config's name).

    ## Why is this bad?
    TOML files must be UTF-8 (and YAML configs are read as UTF-8); no tool can read this one as
    a config.

    ## Example
    A file saved as UTF-16 by an editor, or a checkpoint renamed to `config.toml`.

    ## Fix
    Save the file as UTF-8, or exclude it with `--exclude`.

    ## Lightning source
    None: the TOML 1.0 specification requires UTF-8; LightningCLI reads YAML configs as UTF-8.
    """

    code = "TL002"
    name = "not-text"
    summary = "The file is not UTF-8 text"


class TooLarge(_FileRule):
    """## What it does
    Refuses files above the size limit (10 MiB) instead of reading them into memory, and YAML
    files whose aliases stand for more than 100,000 values (a few lines of anchors can expand to
    billions).

    ## Why is this bad?
    No Trainer config is that large; such a file is almost certainly data with a `.toml` name,
    and reading it would make every commit slow.

    ## Example
    A 50 MB generated file named `results.toml` inside a searched folder.

    ## Fix
    Exclude it (`--exclude`, or `exclude` in `[tool.trainer-lint]`).

    ## Lightning source
    None: a trainer-lint safety limit.
    """

    code = "TL003"
    name = "file-too-large"
    summary = "The file is larger than trainer-lint reads"


RULES: tuple[type[Rule], ...] = (SyntaxError_, NotText, TooLarge)
