"""Which class a ``class_path`` names, and whether its key can take it (TL500, TL501)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trainer_lint.diagnostic import Diagnostic, KeyPath
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
    module outside the source roots) is TL520, not an error. A real Lightning class that the key
    cannot take (Lightning Fabric's `HalfPrecision`, `LitLogger`) is TL501; when the checked
    release lacks a class that other releases have only as such a class, TL500 says both.

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
            if obj.info is not None or "." not in path or classes.foreign(path) is not None:
                continue  # a class of the snapshot, or one of Lightning's that its key cannot take: TL501
            other = ctx.lightning.class_elsewhere(path, obj.slot)  # a class of another Lightning release
            if other is not None:
                yield self.report(obj.class_key, f"`{path}` {other}; this project uses {ctx.lightning_label}")
                continue
            if not classes.in_known_module(path):
                continue
            module = path.rsplit(".", 1)[0]
            message = f"`{module}` has no class `{path.rsplit('.', 1)[1]}`"
            from trainer_lint.lightning.releases import foreign_anywhere

            found = foreign_anywhere(path)  # a class of another release that no release's Trainer takes
            if found is not None:
                why = foreign_message(path, found, obj.key, obj.kinds, classes, ctx.lightning_package.package)
                yield self.report(obj.class_key, f"{message} in Lightning {ctx.lightning_label}; where a release has it, {why}")
                continue
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

    It also flags Lightning's classes that no Trainer key takes: Lightning Fabric's precisions,
    loggers, strategies and accelerators (`lightning.fabric.plugins.HalfPrecision`,
    `lightning.fabric.loggers.CSVLogger`, ...) and classes derived from Fabric's bases
    (`lightning.pytorch.loggers.LitLogger` derives from Fabric's `Logger`, not from
    `lightning.pytorch.loggers.Logger`), naming the Trainer's class of the same name where the
    release has one. The release data lists these classes for every release.

    ## Example
    ```toml
    [trainer]
    plugins = [{ class_path = "lightning.fabric.plugins.HalfPrecision" }]

    [trainer.logger]
    class_path = "lightning.pytorch.callbacks.LearningRateMonitor"
    ```

    ## Fix
    ```toml
    [trainer]
    plugins = [{ class_path = "lightning.pytorch.plugins.HalfPrecision" }]

    [trainer.logger]
    class_path = "lightning.pytorch.loggers.CSVLogger"
    init_args = { save_dir = "logs" }

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.LearningRateMonitor"
    ```

    ## Lightning source
    `_check_config_and_set_final_flags` in `trainer/connectors/accelerator_connector.py`
    ("Found invalid type for plugin", "invalid strategy name"); the annotations of
    `Trainer.__init__` in `trainer/trainer.py`, which LightningCLI enforces ("Import path ... does
    not correspond to a subclass of Logger").
    """

    code = "TL501"
    name = "wrong-object-kind"
    summary = "A class that its key cannot take"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint.classes import KIND_WORDS

        classes = ctx.lightning.classes
        for obj in objects(ctx):
            info = obj.info
            if info is None:
                found = classes.foreign(obj.class_path)
                if found is not None:
                    yield self.report(obj.class_key, foreign_message(obj.class_path, found, obj.key, obj.kinds, classes, ctx.lightning_package.package))
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


def foreign_message(path: str, found: Any, key: KeyPath, kinds: frozenset[str], classes: Any, target: str) -> str:
    """What is wrong with a Lightning class outside the snapshot (``found``, a
    :class:`~trainer_lint.classes.ForeignClass`) written at ``key``, which takes ``kinds``, and the
    fix: the Trainer's class of the same name where the release (``classes``) has one, spelled in
    the project's distribution ``target`` (``lightning`` or ``pytorch_lightning``)."""
    from trainer_lint.classes import KIND_WORDS, in_family

    base = f"Fabric's `{found.base_name}`" if found.base_in_fabric else f"`{found.base}`"
    link = "not from"
    if found.is_base:
        head = f"`{path}` is {base}" if found.base_in_fabric else f"`{path}` derives from no class of the Trainer's"
        link = "not"
    elif found.in_fabric:
        head = f"`{path}` is a Lightning Fabric class derived from {base}"
    else:
        head = f"`{path}` derives from {base}"
    counterpart = classes.named_in(found.base_name, kinds)
    words = " or ".join(sorted({KIND_WORDS[k] for k in kinds})) or "a class of your own"
    if counterpart is None:
        message = f"{head}, and {quote_key(key)} takes {words}: LightningCLI cannot build it there"
    else:
        message = f"{head}, {link} `{in_family(counterpart, target)}`, so LightningCLI cannot build it as {quote_key(key)}"
    same = classes.named_in(found.name, kinds, concrete=True)
    if same is not None:
        return message + f"; use `{in_family(same, target)}`"
    if counterpart is not None:
        return message + f"; use {words} of `{in_family(counterpart.rsplit('.', 1)[0], target)}`"
    return message


RULES: tuple[type[Rule], ...] = (
    UnknownClass,
    WrongObjectKind,
)
