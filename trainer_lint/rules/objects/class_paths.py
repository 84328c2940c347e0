"""Which class a ``class_path`` names, and whether its key can take it (TL500, TL501)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.objects.collect import OBJECT_KEYS, objects, project_findings, quote_key


class UnknownClass(Rule):
    """## What it does
    Flags a `class_path` that names no class: a path into one of Lightning's modules
    (`lightning.pytorch.callbacks`, `pytorch_lightning.loggers`, ...) that names no class there, a
    module of the project that defines no such class, and, when the CLI script is known
    (`--cli-script`), a bare class name that is not the name of any subclass of the key's base
    class that the script imports. It suggests the closest Lightning class only when no class of
    the written name exists anywhere in the source roots. A class that cannot be found at all (a
    module outside the source roots) is TL520, not an error.

    ## Why is this bad?
    Building the config fails with `ImportError`, `AttributeError` or LightningCLI's "Import
    path ... does not exist", after torch has loaded.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoints"
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    ```

    ## Lightning source
    `lightning/pytorch/callbacks/__init__.py`, `loggers/__init__.py`, `strategies/__init__.py`,
    `profilers/__init__.py`, `plugins/__init__.py` (what each package exports);
    `resolve_class_path_by_name` in jsonargparse's `_typehints.py` (how LightningCLI resolves
    bare names: among the imported subclasses of the key's type).
    """

    code = "TL500"
    name = "unknown-class"
    summary = "A class path that names no class"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        classes = ctx.lightning.classes
        for obj in objects(ctx):
            path = obj.class_path
            if obj.info is not None or "." not in path:
                continue
            other = ctx.lightning.class_elsewhere(path, obj.slot)  # a class of another Lightning release
            if other is not None:
                yield self.report(obj.class_key, f"`{path}` {other}; this project uses {ctx.lightning_label}")
                continue
            if not classes.in_known_module(path):
                continue
            module = path.rsplit(".", 1)[0]
            message = f"`{module}` has no class `{path.rsplit('.', 1)[1]}`"
            close = classes.suggest(path, kinds=obj.kinds)
            if close:
                message += f"; did you mean `{close}`?"  # never a fix: another class is another program
            yield self.report(obj.class_key, message)
        yield from project_findings(ctx, self.code)


class WrongObjectKind(Rule):
    """## What it does
    Flags a Lightning class under a key that takes another kind of object (a callback as the
    `logger`, a logger in `callbacks`, a strategy in `plugins`, any Lightning callback as the
    `model`), abstract base classes (`Logger`, `Strategy`, `Profiler`, `CheckpointIO`, ...)
    that cannot be built at all, and a class of the project that is provably not a subclass of
    what its key takes (a DataModule as the `model`, an `nn.Module` in `callbacks`, a class
    outside the base class the CLI script gives in subclass mode).

    ## Why is this bad?
    The Trainer raises (`ValueError` for a strategy, `MisconfigurationException` for a plugin),
    fails later when it calls a method the object lacks, or Python refuses to instantiate an
    abstract class. LightningCLI rejects the type outright.

    ## Example
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.callbacks.LearningRateMonitor"
    ```

    ## Fix
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.loggers.CSVLogger"
    init_args = { save_dir = "logs" }

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.LearningRateMonitor"
    ```

    ## Lightning source
    `_check_config_and_set_final_flags` in `trainer/connectors/accelerator_connector.py`
    ("Found invalid type for plugin", "invalid strategy name"); the annotations of
    `Trainer.__init__` in `trainer/trainer.py`.
    """

    code = "TL501"
    name = "wrong-object-kind"
    summary = "A class that its key cannot take"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint.classes import KIND_WORDS

        for obj in objects(ctx):
            info = obj.info
            if info is None:
                continue
            kinds = obj.kinds
            if info.kind not in kinds:
                wanted = " or ".join(sorted({KIND_WORDS[k] for k in kinds})) or "your own class"
                yield self.report(
                    obj.class_key,
                    f"`{info.name}` is {KIND_WORDS[info.kind]}, but {quote_key(obj.key)} takes {wanted}",
                )
            elif info.abstract:
                yield self.report(obj.class_key, f"`{info.name}` is an abstract base class and cannot be built; use a subclass")
        yield from project_findings(ctx, self.code)


RULES: tuple[type[Rule], ...] = (
    UnknownClass,
    WrongObjectKind,
)
