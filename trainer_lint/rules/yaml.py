"""Problems only YAML files have (TL004-TL009). The YAML reader finds them while it reads
(:mod:`trainer_lint.formats.yaml_reader`, :mod:`trainer_lint.formats.yaml_values`): they depend
on how the text is written (quoting, repeated keys, tabs, documents), which the parsed data no
longer shows. These classes document them and let ``--select``/``--ignore`` and suppression
comments name them; their ``check`` reports nothing."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule


class _YamlRule(Rule):
    """Reported by the YAML reader, never from ``check``."""

    triggers = frozenset()

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()


class DuplicateKey(_YamlRule):
    """## What it does
    Reports a key written twice in the same YAML mapping, at the occurrence that is dropped.

    ## Why is this bad?
    PyYAML, and so LightningCLI, keeps the last value and drops the earlier one without a word:
    the setting you see first is not the one that trains. (TOML refuses such a file; YAML 1.2
    calls it invalid, but PyYAML reads it.) `<<` merge keys are not duplicates: keys written
    next to a merge override the merged ones on purpose.

    ## Example
    ```yaml
    trainer:
      max_epochs: 10
      devices: 2
      max_epochs: 3
    ```

    ## Fix
    ```yaml
    trainer:
      max_epochs: 3
      devices: 2
    ```

    ## Lightning source
    None: PyYAML's `SafeConstructor.construct_mapping`, which jsonargparse (LightningCLI's parser)
    uses to read config files.
    """

    code = "TL004"
    name = "duplicate-key"
    summary = "A YAML key is written twice in the same mapping; the first value is dropped silently"
    severity = Severity.WARNING


class TabIndentation(_YamlRule):
    """## What it does
    Reports a tab character where YAML expects indentation, instead of the parser's
    "found character that cannot start any token".

    ## Why is this bad?
    YAML indents with spaces only. LightningCLI cannot read the file at all; editors often
    show a tab as the same width as the spaces around it, so the mistake is invisible.

    ## Example
    ```yaml
    trainer:
    	max_epochs: 3
    ```
    (the second line starts with a tab)

    ## Fix
    ```yaml
    trainer:
      max_epochs: 3
    ```

    ## Lightning source
    None: the YAML specification (section 6.1, "tab characters must not be used in
    indentation"), as PyYAML's scanner enforces it.
    """

    code = "TL005"
    name = "tab-indentation"
    summary = "A tab indents a YAML line; YAML indents with spaces only"


class Yaml11Value(_YamlRule):
    """## What it does
    Reports plain (unquoted) values that YAML 1.1, which LightningCLI's PyYAML reads, turns into
    something YAML 1.2 tools and most people do not expect: the booleans `yes`, `no`, `on`,
    `off` (in any of PyYAML's spellings), base-60 numbers such as `1:30` (90), octal numbers
    such as `017` (15) and binary numbers such as `0b11`.

    ## Why is this bad?
    `mode: on` or `name: no` hands the class a boolean where you meant text (LightningCLI then
    fails, or the value silently becomes `True`); `val_check_interval: 1:30` is 90 batches. YAML
    1.2 editors and the YAML language server read the same text as a string, so the config
    means one thing in the editor and another in training.

    ## Example
    ```yaml
    trainer:
      enable_progress_bar: on
      logger:
        class_path: CSVLogger
        init_args: {save_dir: logs, name: no}
    ```

    ## Fix
    ```yaml
    trainer:
      enable_progress_bar: true
      logger:
        class_path: CSVLogger
        init_args: {save_dir: logs, name: "no"}
    ```
    `--fix` writes `true`/`false` for the booleans (what LightningCLI reads already); quote the
    value instead when you meant the text.

    ## Lightning source
    None: PyYAML's YAML 1.1 implicit resolvers (`yaml/resolver.py`), kept by jsonargparse's
    `DefaultLoader` (`jsonargparse/_loaders_dumpers.py`).
    """

    code = "TL006"
    name = "yaml11-implicit-value"
    summary = "A plain YAML value that YAML 1.1 reads as a boolean or number where YAML 1.2 reads text"
    severity = Severity.WARNING
    fixable = True


class Interpolation(_YamlRule):
    """## What it does
    Reports `${...}` in a value: an OmegaConf interpolation.

    ## Why is this bad?
    Plain LightningCLI does not resolve interpolations: it passes the text `${model.lr}` on as
    a string, and a numeric argument then fails to parse (or a path argument gets a folder
    named `${...}`). Only `LightningCLI(..., parser_kwargs={"parser_mode": "omegaconf"})`
    resolves them. trainer-lint cannot know which your script uses, so it skips the other
    checks of such a value. A Hydra / OmegaConf application config (a `defaults` list,
    `_target_` tables, `???` values, or interpolations beside the application's own top-level
    keys) is not LightningCLI's: OmegaConf resolves its interpolations, and this rule stays
    silent there.

    ## Example
    ```yaml
    trainer:
      max_epochs: ${oc.env:EPOCHS}
    ```

    ## Fix
    Write the value, or build the CLI with `parser_kwargs={"parser_mode": "omegaconf"}` and
    silence this warning with `# trainer-lint: ignore[TL007]`.

    ## Lightning source
    `lightning/pytorch/cli.py` (`LightningCLI.__init__`, `parser_kwargs`) and jsonargparse's
    `parser_mode` (`omegaconf` is the mode that resolves interpolations).
    """

    code = "TL007"
    name = "unresolved-interpolation"
    summary = "A `${...}` interpolation, which plain LightningCLI passes on as text"
    severity = Severity.WARNING


class MultipleDocuments(_YamlRule):
    """## What it does
    Reports a trainer config file that holds more than one YAML document (separated by `---`).
    The other problems of the first document with a `trainer` key are reported as well.

    ## Why is this bad?
    LightningCLI loads a config with `yaml.load`, which reads exactly one document and fails on
    a second: "expected a single document in the stream".

    ## Example
    ```yaml
    trainer:
      max_epochs: 3
    ---
    trainer:
      max_epochs: 5
    ```

    ## Fix
    Put each document in a file of its own, and pass several `--config` options to combine them.

    ## Lightning source
    jsonargparse's `yaml_load` (`jsonargparse/_loaders_dumpers.py`), which LightningCLI's parser
    uses for `--config` files.
    """

    code = "TL008"
    name = "multiple-documents"
    summary = "A YAML trainer config with more than one document, which LightningCLI cannot read"


class TomlNoneInYaml(_YamlRule):
    """## What it does
    Reports `check_val_every_n_epoch: none` in a YAML config: `"none"` is how trainer-lint's TOML
    configs write None (TOML has no null), not a YAML spelling.

    ## Why is this bad?
    LightningCLI passes the string `"none"` to a parameter that takes an integer or None, and
    fails.

    ## Example
    ```yaml
    trainer:
      check_val_every_n_epoch: none
    ```

    ## Fix
    ```yaml
    trainer:
      check_val_every_n_epoch: null
    ```

    ## Lightning source
    `Trainer.__init__(check_val_every_n_epoch: Optional[int] = 1)` in
    `lightning/pytorch/trainer/trainer.py`, as jsonargparse validates it.
    """

    code = "TL009"
    name = "toml-none-in-yaml"
    summary = "The TOML spelling \"none\" where a YAML config means null"
    fixable = True


RULES: tuple[type[Rule], ...] = (DuplicateKey, TabIndentation, Yaml11Value, Interpolation, MultipleDocuments, TomlNoneInYaml)
