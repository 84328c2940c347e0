"""Which class a ``class_path`` names, and whether its key can take it (TL500, TL501)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Edit, Fix
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.objects.collect import OBJECT_KEYS, objects, quote_key


class UnknownClass(Rule):
    """## What it does
    Flags a `class_path` that points into one of Lightning's modules (`lightning.pytorch.callbacks`,
    `pytorch_lightning.loggers`, ...) but names no class there, and a bare class name that
    LightningCLI cannot resolve. It suggests the closest class. Class paths outside Lightning are
    not checked: trainer-lint never imports them.

    ## Why is this bad?
    Building the config fails with `ImportError` or `AttributeError`, after torch has loaded.

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
    `lightning/pytorch/cli.py` (LightningCLI resolves bare names of callbacks and loggers).
    """

    code = "TL500"
    name = "unknown-class"
    summary = "A class path that names no class in Lightning"
    triggers = OBJECT_KEYS
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint import classes

        for obj in objects(ctx):
            if obj.info is not None:
                continue
            path = obj.class_path
            if "." in path and not classes.in_known_module(path):
                continue
            if "." not in path and obj.kinds:
                message = f"`{path}` is not the name of {_kind_words(obj.kinds)} class in Lightning"
                if obj.slot == "profiler" and obj.parent is None:
                    from trainer_lint.classes import registered_names

                    names = ", ".join(registered_names("profiler"))
                    message = f"`{path}` is neither a profiler name ({names}) nor the name of a Lightning profiler class"
            elif "." not in path:
                message = f"`{path}` is not an import path; {quote_key(obj.key)} needs the full dotted path of the class"
            else:
                module = path.rsplit(".", 1)[0]
                message = f"`{module}` has no class `{path.rsplit('.', 1)[1]}`"
            close = classes.suggest(path, kinds=obj.kinds)
            named = next((c for k in sorted(obj.kinds) if "." not in path and (c := classes.registered(k, path)) is not None), None)
            if named is not None and obj.parent is not None:
                close = named.name  # `accelerator = "cpu"` inside init_args: the class behind the name
            if obj.slot == "profiler" and obj.parent is None and "." not in path:
                close = _profiler_suggestion(path) or close
            fix = None
            if close and close != path:
                message += f"; did you mean `{close}`?"
                fix = Fix(f"Replace with {show(close)}", (Edit(obj.class_key, "value", show(close)),), safe=False)
            yield self.report(obj.class_key, message, fix=fix)


def _kind_words(kinds: frozenset[str]) -> str:
    from trainer_lint.classes import KIND_WORDS, SLOT_KINDS

    if len(kinds) > 1 and kinds == SLOT_KINDS["plugins"]:
        return "a plugin"
    return " or ".join(sorted(KIND_WORDS[k] for k in kinds))


def _profiler_suggestion(text: str) -> str | None:
    from trainer_lint.classes import registered_names
    from trainer_lint.rules.base import closest

    close = closest(text.lower(), registered_names("profiler"), 0.6)
    return close[0] if close else None


class WrongObjectKind(Rule):
    """## What it does
    Flags a Lightning class under a key that takes another kind of object (a callback as the
    `logger`, a logger in `callbacks`, a strategy in `plugins`, any Lightning callback as the
    `model`), and abstract base classes (`Logger`, `Strategy`, `Profiler`, `CheckpointIO`, ...)
    that cannot be built at all.

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
    summary = "A Lightning class that its key cannot take"
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


RULES: tuple[type[Rule], ...] = (
    UnknownClass,
    WrongObjectKind,
)
