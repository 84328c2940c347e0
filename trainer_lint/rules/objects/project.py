"""The project's own classes and LightningCLI's conventions (TL520–TL524): what can be checked, the
CLI script, fixed-class tables and bare names. The findings come from :mod:`trainer_lint.resolver.check`,
which reads the project's source with ``ast`` and the CLI script's ``LightningCLI(...)`` call."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint import resolver as codes
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.objects.collect import OBJECT_KEYS, project_findings
from trainer_lint.rules.types.findings import UNDECLARED_TOP_LEVEL, SchemaRule


class _ProjectRule(Rule):
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return project_findings(ctx, self.code)


class UncheckedClass(_ProjectRule):
    """## What it does
    Says, once per class, that a `class_path` was not checked and how to make it checkable: the
    module is not in the source roots or on the import path, the name is bound at run time (a
    factory function, an assignment), the class has a decorator or metaclass that may change its
    signature, it is a compiled extension, or a bare class name was not found (without a CLI
    script, a bare name is looked up among the classes of the source roots).

    ## Why is this bad?
    It is not: an unresolvable class is never an error. But its `init_args` were not checked, so
    a typo there is found only when LightningCLI builds the config.

    ## Example
    ```toml
    [model]
    class_path = "my_project.models.Classifier"   # my_project is not in the source roots
    ```

    ## Fix
    Point trainer-lint at the project's source (`--source-root src`, or `source-roots` in
    `[tool.trainer-lint]`), write the full import path of a class given by a bare name, or pass
    the CLI script (`--cli-script train.py`) so bare names resolve as LightningCLI resolves them.

    ## Lightning source
    `LightningCLI` in `lightning/pytorch/cli.py` imports the class named by `class_path`
    (through jsonargparse); trainer-lint reads it with `ast` instead and never imports it.
    """

    code = codes.UNCHECKED
    name = "unchecked-class"
    summary = "A class that cannot be read statically, so its arguments were not checked"
    severity = Severity.INFO


class UnusableCliScript(_ProjectRule):
    """## What it does
    Warns when the CLI script given with `--cli-script` (or `cli-script` in settings) cannot be
    used: it does not exist, is not valid Python, holds no `LightningCLI(...)` call, or calls it
    with arguments that are not literals (a subclass mode from a variable, `**kwargs`). The
    configs are then checked as without a script.

    ## Why is this bad?
    Without the script, a fixed-class `[model]` table and bare class names cannot be judged, so
    mistakes in them go unreported.

    ## Example
    ```toml
    [tool.trainer-lint]
    cli-script = "scripts/train.py"   # the call is in scripts/cli.py
    ```

    ## Fix
    Name the file that calls `LightningCLI(...)`, with the model and data classes and the
    subclass modes written as literals.

    ## Lightning source
    `LightningCLI.__init__` in `lightning/pytorch/cli.py` (`model_class`, `datamodule_class`,
    `subclass_mode_model`, `subclass_mode_data`).
    """

    code = codes.SCRIPT_UNUSABLE
    name = "unusable-cli-script"
    summary = "The CLI script cannot be read, so LightningCLI's forms are not checked"
    severity = Severity.WARNING


class ClassPathWithFixedClass(_ProjectRule):
    """## What it does
    Flags `class_path`, `init_args` or `dict_kwargs` in `[model]` or `[data]` when the CLI script
    gives LightningCLI a fixed class (`LightningCLI(MyModel, MyData)` without subclass mode):
    then the table holds the class's arguments directly.

    ## Why is this bad?
    LightningCLI rejects the config: "Group 'model' does not accept option 'init_args.lr'".

    ## Example
    ```toml
    [model]
    class_path = "my_project.models.MyModel"
    init_args = { lr = 0.1 }
    ```

    ## Fix
    ```toml
    [model]
    lr = 0.1
    ```

    ## Lightning source
    `LightningCLI.add_core_arguments_to_parser` and `LightningArgumentParser.add_lightning_class_args`
    in `lightning/pytorch/cli.py` (`add_class_arguments` unless `subclass_mode`).
    """

    code = codes.FIXED_CLASS
    name = "class-path-with-fixed-class"
    summary = "A class_path where the CLI script fixes the class"


class AmbiguousClassName(_ProjectRule):
    """## What it does
    Flags a bare class name (`class_path = "Classifier"`) that names more than one subclass of
    the key's base class among the modules the CLI script imports, and names them.

    ## Why is this bad?
    LightningCLI raises "Multiple subclasses with name Classifier. Give the full class path to
    avoid ambiguity".

    ## Example
    ```toml
    [model]
    class_path = "Classifier"   # defined in both my_project.vision and my_project.text
    ```

    ## Fix
    ```toml
    [model]
    class_path = "my_project.vision.Classifier"
    ```

    ## Lightning source
    `resolve_class_path_by_name` in jsonargparse's `_typehints.py`, which LightningCLI uses to
    resolve bare class names.
    """

    code = codes.AMBIGUOUS
    name = "ambiguous-class-name"
    summary = "A bare class name that names more than one class"


class UndeclaredTopLevelKey(SchemaRule):
    """## What it does
    Says that a key at the top level of a YAML config is not one that plain LightningCLI reads
    (`trainer`, `model`, `data`, `optimizer`, `lr_scheduler`, `seed_everything`, `ckpt_path`, ...)
    when trainer-lint cannot tell whether the project's LightningCLI adds it: no CLI script was
    given, or the script's `add_arguments_to_parser` adds arguments whose names cannot be read
    statically. A key that is close to a known one (`trainr`, `seed_everyting`) is still TL103,
    and so is any unknown key once the CLI script shows all the keys it adds; a key the script
    adds (`parser.add_argument("--out_dir")`, `add_class_arguments(Cls, "extra")`,
    `add_lightning_class_args(EarlyStopping, "early_stopping")`) is accepted, its value
    unchecked.

    ## Why is this bad?
    It is not, by itself: a LightningCLI subclass may add top-level arguments, and LightningCLI
    then reads them. If the project's CLI does not add this one, LightningCLI rejects the whole
    config before anything runs.

    ## Example
    ```yaml
    trainer:
      max_epochs: 10
    predict_output_dir: out/   # added by the project's LightningCLI subclass?
    ```

    ## Fix
    Pass the CLI script (`--cli-script train.py`, or `cli-script` in `[tool.trainer-lint]`) so
    that trainer-lint reads which keys it adds; or remove the key if nothing adds it.

    ## Lightning source
    `LightningCLI.add_arguments_to_parser` in `lightning/pytorch/cli.py` (the hook subclasses
    override to add arguments); jsonargparse's parser rejects keys no argument declares.
    """

    code = UNDECLARED_TOP_LEVEL
    name = "undeclared-top-level-key"
    summary = "A top-level key that only the project's LightningCLI could add"
    severity = Severity.INFO


RULES: tuple[type[Rule], ...] = (UncheckedClass, UnusableCliScript, ClassPathWithFixedClass, AmbiguousClassName, UndeclaredTopLevelKey)
