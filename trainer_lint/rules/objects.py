"""``class_path`` objects: callbacks, loggers, strategies, profilers, plugins, ``model`` and ``data``.

Lightning's own classes are checked against the committed signature snapshot
(:mod:`trainer_lint.classes`): the class exists, fits the key it is under, takes the
``init_args`` given with the right types, and the values pass the checks its ``__init__`` makes.
Then the Trainer-level conflicts that ``trainer/connectors/callback_connector.py``,
``trainer/connectors/accelerator_connector.py`` and ``Trainer.__init__`` raise for.

A class path outside Lightning is never imported: only its shape (a dotted path string,
``init_args`` a table) is checked, by the schema rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath, Severity, format_key
from trainer_lint.rules.base import Context, Rule, closest, show, toml_type, top_level
from trainer_lint.rules.types import accepts

TRAINER_SLOTS = ("callbacks", "logger", "strategy", "profiler", "plugins", "accelerator")
TOP_SLOTS = ("model", "data")
OBJECT_KEYS = frozenset({*TRAINER_SLOTS, *(top_level(slot) for slot in TOP_SLOTS)})
"""Every key :func:`objects` reads (rule triggers)."""
LIST_SLOTS = frozenset({"callbacks", "logger", "plugins"})
NAMED_SLOTS = frozenset({"strategy", "profiler", "accelerator", "plugins"})
"""Keys where a bare string is a registered name, so only a dotted string is a class path."""


@dataclass(frozen=True)
class Obj:
    """One ``class_path`` object as written: a table, or a class path string."""

    slot: str
    key: KeyPath
    class_path: str
    init_args: dict[str, Any] | None
    is_table: bool
    info: Any  # trainer_lint.classes.ClassInfo | None

    @property
    def class_key(self) -> KeyPath:
        return (*self.key, "class_path") if self.is_table else self.key

    def arg_key(self, name: str) -> KeyPath:
        return (*self.key, "init_args", name)

    def args(self) -> dict[str, Any]:
        return self.init_args or {}

    def has(self, tag: str) -> bool:
        return self.info is not None and self.info.has(tag)

    @property
    def label(self) -> str:
        return self.info.name if self.info is not None else self.class_path.rsplit(".", 1)[-1]


def objects(ctx: Context) -> list[Obj]:
    """Every well-formed object in the file (computed once per file)."""
    return ctx.cached("objects", lambda: list(_collect(ctx)))


def _collect(ctx: Context) -> Iterator[Obj]:
    bad = ctx.invalid_keys
    places: list[tuple[str, KeyPath, Any]] = []
    for slot in TRAINER_SLOTS:
        if slot in ctx.trainer:
            places.append((slot, ("trainer", slot), ctx.trainer[slot]))
    for slot in TOP_SLOTS:
        if slot in ctx.data:
            places.append((slot, (slot,), ctx.data[slot]))
    for slot, key, value in places:
        if key in bad:
            continue
        items = list(enumerate(value)) if isinstance(value, list) and slot in LIST_SLOTS else [(None, value)]
        for index, item in items:
            item_key = key if index is None else (*key, index)
            obj = _object(slot, item_key, item, bad)
            if obj is not None:
                yield obj


def _object(slot: str, key: KeyPath, value: Any, bad: frozenset[KeyPath]) -> Obj | None:
    from trainer_lint import classes

    if key in bad:
        return None
    if isinstance(value, dict):
        path = value.get("class_path")
        if not isinstance(path, str) or (*key, "class_path") in bad:
            return None
        init_args = value.get("init_args")
        if not isinstance(init_args, dict) or (*key, "init_args") in bad:
            init_args = None if "init_args" in value else {}
        return Obj(slot, key, path, init_args, True, classes.resolve(path, slot))
    if isinstance(value, str) and (slot not in NAMED_SLOTS or "." in value):
        return Obj(slot, key, value, {}, False, classes.resolve(value, slot))
    return None


def lightning_objects(ctx: Context) -> list[Obj]:
    """The objects that name a Lightning class of the right kind for their key."""
    return ctx.cached("lightning_objects", lambda: _lightning_objects(ctx))


def _lightning_objects(ctx: Context) -> list[Obj]:
    from trainer_lint.classes import SLOT_KINDS

    return [o for o in objects(ctx) if o.info is not None and o.info.kind in SLOT_KINDS[o.slot] and not o.info.abstract]


def callbacks(ctx: Context) -> list[Obj]:
    return ctx.cached("callbacks", lambda: [o for o in lightning_objects(ctx) if o.slot == "callbacks"])


def _is_false(ctx: Context, name: str) -> bool:
    return ctx.is_set(name) and ctx.trainer[name] is False


def _barebones(ctx: Context) -> bool:
    return ctx.is_set("barebones") and ctx.trainer["barebones"] is True


def _quote(key: KeyPath) -> str:
    return f"`{format_key(key)}`"


# ---------------------------------------------------------------------------------- TL50x


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
            if "." not in path and obj.slot in classes.SHORT_NAME_SLOTS:
                message = f"`{path}` is not the name of a Lightning {obj.slot.rstrip('s')} class"
            elif "." not in path:
                message = f"`{path}` is not an import path; {_quote(obj.key)} needs the full dotted path of the class"
            else:
                module = path.rsplit(".", 1)[0]
                message = f"`{module}` has no class `{path.rsplit('.', 1)[1]}`"
            close = classes.suggest(path, obj.slot)
            fix = None
            if close:
                message += f"; did you mean `{close}`?"
                fix = Fix(f"Replace with {show(close)}", (Edit(obj.class_key, "value", show(close)),), safe=False)
            yield self.report(obj.class_key, message, fix=fix)


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
        from trainer_lint.classes import KIND_WORDS, SLOT_KINDS

        for obj in objects(ctx):
            info = obj.info
            if info is None:
                continue
            kinds = SLOT_KINDS[obj.slot]
            if info.kind not in kinds:
                wanted = " or ".join(sorted({KIND_WORDS[k] for k in kinds})) or "your own class"
                yield self.report(
                    obj.class_key,
                    f"`{info.name}` is {KIND_WORDS[info.kind]}, but {_quote(obj.key)} takes {wanted}",
                )
            elif info.abstract:
                yield self.report(obj.class_key, f"`{info.name}` is an abstract base class and cannot be built; use a subclass")


class UnknownInitArg(Rule):
    """## What it does
    Flags `init_args` keys that the class's `__init__` does not take, with a "did you mean" when
    a parameter is close. Classes whose `__init__` takes `**kwargs` (`WandbLogger`,
    `TensorBoardLogger`, `DDPStrategy`, ...) accept any key.

    ## Why is this bad?
    `TypeError: __init__() got an unexpected keyword argument`, raised when the config is built.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.EarlyStopping"
    init_args = { monitor = "val_loss", patiense = 5 }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.EarlyStopping"
    init_args = { monitor = "val_loss", patience = 5 }
    ```

    ## Lightning source
    The `__init__` signature of each class (snapshot in `trainer_lint/classes/snapshot.json`).
    """

    code = "TL502"
    name = "unknown-init-arg"
    summary = "An init_args key that the class does not take"
    triggers = OBJECT_KEYS
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.info.takes_kwargs:
                continue
            known = list(obj.info.params)
            for name in obj.args():
                if name in obj.info.params:
                    continue
                message = f"`{obj.info.name}` takes no argument `{name}`"
                close = closest(name, tuple(known), 0.7)
                fix = None
                if close:
                    message += f"; did you mean `{close[0]}`?"
                    fix = Fix(f"Rename `{name}` to `{close[0]}`", (Edit(obj.arg_key(name), "key", close[0]),), safe=False)
                yield Diagnostic(self.code, self.severity, obj.arg_key(name), message, fix=fix, anchor="key")


_WORDS = {"integer": "an integer", "number": "a number", "string": "a string", "boolean": "a boolean", "array": "an array", "object": "a table"}


def type_problem(value: Any, node: dict[str, Any]) -> str | None:
    """Why ``value`` does not fit the snapshot type ``node`` ("expects ..."), or None when it fits."""
    if "anyOf" in node:
        problems = [type_problem(value, arm) for arm in node["anyOf"]]
        if any(p is None for p in problems):
            return None
        words = [", ".join(show(v) for v in arm["enum"]) if "enum" in arm else _WORDS.get(arm.get("type", ""), "another value") for arm in node["anyOf"]]
        return "expects " + " or ".join(dict.fromkeys(words))
    kind = node.get("type")
    if kind is not None and not accepts(kind, value):
        return f"expects {_WORDS[kind]}"
    if "enum" in node and value not in node["enum"]:
        return "expects one of " + ", ".join(show(v) for v in node["enum"])
    if isinstance(value, list) and "items" in node:
        for item in value:
            problem = type_problem(item, node["items"])
            if problem is not None:
                return f"expects an array whose items each {problem.removeprefix('expects ').join(('are ', ''))}"
    return None


class InitArgType(Rule):
    """## What it does
    Checks each `init_args` value against the annotation of the class's parameter: `save_top_k`
    is an integer, `monitor` a string, `save_last` a boolean or `"link"`. An integer is fine
    where a float is expected. Parameters whose type has no TOML form (a `timedelta`, a callable)
    are not checked.

    ## Why is this bad?
    LightningCLI rejects the value; a plain `Class(**init_args)` either raises (`"3" < -1`) or
    keeps a value of the wrong type that misbehaves later.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { save_top_k = "3" }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { save_top_k = 3 }
    ```

    ## Lightning source
    The `__init__` annotations of each class (snapshot in `trainer_lint/classes/snapshot.json`).
    """

    code = "TL503"
    name = "init-arg-type"
    summary = "An init_args value has the wrong type for the class's parameter"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            for name, value in obj.args().items():
                param = obj.info.params.get(name)
                if param is None or "type" not in param:
                    continue
                problem = type_problem(value, param["type"])
                if problem is not None:
                    article = "an" if toml_type(value)[0] in "aeiou" else "a"
                    yield self.report(
                        obj.arg_key(name),
                        f"`{name}` of `{obj.info.name}` {problem}, found {article} {toml_type(value)} {show(value)}",
                    )


def arg_problems(ctx: Context) -> list[tuple[str, KeyPath, str]]:
    """(code, key, message) for the values each class's ``__init__`` rejects (TL505, TL506), once per file."""
    return ctx.cached("init_arg_problems", lambda: list(_arg_problems(ctx)))


def _ok_type(obj: Obj, name: str) -> bool:
    """Whether ``init_args.name`` is set and well-typed (the value rules skip ill-typed ones)."""
    if name not in obj.args():
        return False
    param = obj.info.params.get(name, {})
    return "type" not in param or type_problem(obj.args()[name], param["type"]) is None


_TIMER = re.compile(r"(\d+):(\d\d):(\d\d):(\d\d)")
_TIMEDELTA_KEYS = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")


def _arg_problems(ctx: Context) -> Iterator[tuple[str, KeyPath, str]]:
    invalid, conflict = InvalidInitArg.code, ConflictingInitArgs.code
    for obj in lightning_objects(ctx):
        a = obj.args()
        name = obj.info.name

        def has(arg: str) -> bool:
            return _ok_type(obj, arg)

        def choice(arg: str, allowed: tuple[str, ...]) -> Iterator[tuple[str, KeyPath, str]]:
            if has(arg) and a[arg] not in allowed:
                listed = ", ".join(show(v) for v in allowed)
                yield invalid, obj.arg_key(arg), f"`{arg}` of `{name}` must be one of {listed}, found {show(a[arg])}"

        if name == "ModelCheckpoint":
            yield from choice("mode", ("min", "max"))
            if has("save_top_k") and a["save_top_k"] < -1:
                yield invalid, obj.arg_key("save_top_k"), f"`save_top_k` must be at least -1 (-1 keeps every checkpoint), found {a['save_top_k']}"
            for arg in ("every_n_train_steps", "every_n_epochs"):
                if has(arg) and a[arg] < 0:
                    yield invalid, obj.arg_key(arg), f"`{arg}` must be at least 0, found {a[arg]}"
            triggers = [arg for arg in ("every_n_train_steps", "every_n_epochs") if has(arg) and a[arg] >= 1]
            if "train_time_interval" in a:
                triggers.append("train_time_interval")
            triggers.sort(key=list(a).index)
            if len(triggers) > 1:
                listed = " and ".join(f"`{t}`" for t in triggers)
                yield conflict, obj.arg_key(triggers[-1]), f"`ModelCheckpoint` takes one of `every_n_train_steps`, `every_n_epochs` and `train_time_interval`; {listed} are both set"
            top_k = a.get("save_top_k", 1) if has("save_top_k") or "save_top_k" not in a else None
            if top_k is not None and top_k >= -1 and top_k not in (-1, 0, 1) and "monitor" not in a:
                yield conflict, obj.arg_key("save_top_k"), f"`save_top_k = {top_k}` needs a `monitor`: without one there is no quantity to rank checkpoints by"
        elif name == "EarlyStopping":
            yield from choice("mode", ("min", "max"))
        elif name == "LearningRateMonitor":
            yield from choice("logging_interval", ("step", "epoch"))
        elif name == "BatchSizeFinder":
            yield from choice("mode", ("power", "binsearch"))
        elif name == "LearningRateFinder":
            yield from choice("mode", ("linear", "exponential"))
        elif name == "ModelPruning":
            if has("verbose") and a["verbose"] not in (0, 1, 2):
                yield invalid, obj.arg_key("verbose"), f"`verbose` must be 0, 1 or 2, found {show(a['verbose'])}"
        elif name == "OnExceptionCheckpoint":
            if has("filename") and a["filename"] == "":
                yield invalid, obj.arg_key("filename"), "`filename` cannot be empty"
        elif name == "Timer":
            yield from choice("interval", ("step", "epoch"))
            duration = a.get("duration")
            if isinstance(duration, str) and not _TIMER.fullmatch(duration.strip()):
                yield invalid, obj.arg_key("duration"), f"`duration` {show(duration)} is not a time in the form \"DD:HH:MM:SS\" (two digits for hours, minutes, seconds)"
            elif isinstance(duration, dict):
                for key, value in duration.items():
                    if key not in _TIMEDELTA_KEYS:
                        yield invalid, (*obj.arg_key("duration"), key), f"`{key}` is not a unit of `duration`; use {', '.join(_TIMEDELTA_KEYS)}"
                    elif isinstance(value, bool) or not isinstance(value, (int, float)):
                        yield invalid, (*obj.arg_key("duration"), key), f"`duration.{key}` must be a number, found {show(value)}"
            elif duration is not None and not isinstance(duration, (str, dict)):
                yield invalid, obj.arg_key("duration"), f"`duration` must be a string \"DD:HH:MM:SS\" or a table such as {{ hours = 1 }}, found {show(duration)}"
        elif name == "StochasticWeightAveraging":
            start = a.get("swa_epoch_start")
            if has("swa_epoch_start") and (isinstance(start, int) and start < 1 or isinstance(start, float) and not 0 <= start <= 1):
                yield invalid, obj.arg_key("swa_epoch_start"), f"`swa_epoch_start` must be an integer of at least 1 or a float between 0 and 1, found {show(start)}"
            lrs = a.get("swa_lrs")
            if has("swa_lrs"):
                values = lrs if isinstance(lrs, list) else [lrs]
                if not all(isinstance(v, float) and v > 0 for v in values):
                    yield invalid, obj.arg_key("swa_lrs"), f"`swa_lrs` must be a positive float or an array of positive floats (write `1.0`, not `1`), found {show(lrs)}"
        elif name == "GradientAccumulationScheduler":
            scheduling = a.get("scheduling")
            if isinstance(scheduling, dict):
                if not scheduling:
                    yield invalid, obj.arg_key("scheduling"), "`scheduling` cannot be empty"
                for key, value in scheduling.items():
                    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                        yield invalid, (*obj.arg_key("scheduling"), key), f"accumulation factors must be integers of at least 1, found {show(value)}"


class MissingInitArg(Rule):
    """## What it does
    Flags a Lightning class whose `__init__` has a parameter without a default that the config
    does not set: `EarlyStopping` needs `monitor`, `CSVLogger` needs `save_dir`,
    `StochasticWeightAveraging` needs `swa_lrs`.

    ## Why is this bad?
    `TypeError: __init__() missing 1 required positional argument`, when the config is built.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.EarlyStopping"
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.EarlyStopping"
    init_args = { monitor = "val_loss" }
    ```

    ## Lightning source
    The `__init__` signature of each class (snapshot in `trainer_lint/classes/snapshot.json`).
    """

    code = "TL504"
    name = "missing-init-arg"
    summary = "A class parameter without a default is not set in init_args"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.init_args is None:
                continue
            missing = [n for n, p in obj.info.params.items() if p.get("required") and n not in obj.args()]
            if missing:
                listed = ", ".join(f"`{n}`" for n in missing)
                yield self.report(obj.class_key, f"`{obj.info.name}` needs {listed} in `init_args`")


class InvalidInitArg(Rule):
    """## What it does
    Checks the values that a class's `__init__` rejects on plain data: `ModelCheckpoint` `mode`
    (min or max), `save_top_k >= -1`, `every_n_*` `>= 0`; `EarlyStopping` `mode`;
    `LearningRateMonitor` `logging_interval`; `Timer` `duration` and `interval`;
    `StochasticWeightAveraging` `swa_lrs` and `swa_epoch_start`; `BatchSizeFinder` and
    `LearningRateFinder` `mode`; `OnExceptionCheckpoint` `filename`; `ModelPruning` `verbose`;
    `GradientAccumulationScheduler` `scheduling`.

    ## Why is this bad?
    The class raises `MisconfigurationException` or `ValueError` when the config is built.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { monitor = "val_acc", mode = "maximize" }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { monitor = "val_acc", mode = "max" }
    ```

    ## Lightning source
    `ModelCheckpoint.__init_monitor_mode` and `__validate_init_configuration` in
    `callbacks/model_checkpoint.py`; `EarlyStopping.__init__` in `callbacks/early_stopping.py`;
    `LearningRateMonitor.__init__` in `callbacks/lr_monitor.py`; `Timer.__init__` in
    `callbacks/timer.py`; `StochasticWeightAveraging.__init__` in `callbacks/stochastic_weight_avg.py`;
    `BatchSizeFinder.__init__`, `LearningRateFinder.__init__`, `OnExceptionCheckpoint.__init__`,
    `ModelPruning.__init__`, `GradientAccumulationScheduler.__init__`.
    """

    code = "TL505"
    name = "invalid-init-arg"
    summary = "An init_args value that the class's constructor rejects"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for code, key, message in arg_problems(ctx):
            if code == self.code:
                yield self.report(key, message)


class ConflictingInitArgs(Rule):
    """## What it does
    Flags `init_args` that are valid alone but rejected together: `ModelCheckpoint` takes only one
    of `every_n_train_steps`, `every_n_epochs` and `train_time_interval`, and needs a `monitor`
    for a `save_top_k` other than -1, 0 or 1.

    ## Why is this bad?
    `ModelCheckpoint` raises `MisconfigurationException` when it is built.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { every_n_epochs = 1, every_n_train_steps = 500 }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { every_n_train_steps = 500 }
    ```

    ## Lightning source
    `ModelCheckpoint.__validate_init_configuration` in `callbacks/model_checkpoint.py`.
    """

    code = "TL506"
    name = "conflicting-init-args"
    summary = "init_args that the class rejects in combination"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for code, key, message in arg_problems(ctx):
            if code == self.code:
                yield self.report(key, message)


# ---------------------------------------------------------------------------------- TL51x


class CheckpointWhenDisabled(Rule):
    """## What it does
    Flags a checkpoint callback (`ModelCheckpoint`, `OnExceptionCheckpoint`) in `callbacks` when
    checkpointing is off: `enable_checkpointing = false`, or `barebones = true`, which turns it off.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: Trainer was configured with
    enable_checkpointing=False but found ModelCheckpoint in callbacks list`.

    ## Example
    ```toml
    [trainer]
    enable_checkpointing = false

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    ```

    ## Fix
    Remove the callback, or remove `enable_checkpointing = false`.

    ## Lightning source
    `_CallbackConnector._configure_checkpoint_callbacks` in `trainer/connectors/callback_connector.py`;
    the barebones opt-outs in `Trainer.__init__` (`trainer/trainer.py`).
    """

    code = "TL510"
    name = "checkpoint-callback-when-disabled"
    summary = "A checkpoint callback while checkpointing is turned off"
    triggers = frozenset({"callbacks"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if _is_false(ctx, "enable_checkpointing"):
            why = "`enable_checkpointing = false`"
        elif _barebones(ctx):
            why = "`barebones = true` (which turns checkpointing off)"
        else:
            return
        for obj in callbacks(ctx):
            if obj.has("checkpoint"):
                yield self.report(obj.class_key, f"`{obj.label}` is a checkpoint callback, but {why}; the Trainer raises")


class ProgressBarWhenDisabled(Rule):
    """## What it does
    Flags a progress bar callback (`TQDMProgressBar`, `RichProgressBar`) when the progress bar is
    off: `enable_progress_bar = false`, or `barebones = true`.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: Trainer was configured with
    enable_progress_bar=False but found TQDMProgressBar in callbacks list`.

    ## Example
    ```toml
    [trainer]
    enable_progress_bar = false
    callbacks = ["lightning.pytorch.callbacks.TQDMProgressBar"]
    ```

    ## Fix
    Remove the callback, or remove `enable_progress_bar = false`.

    ## Lightning source
    `_CallbackConnector._configure_progress_bar` in `trainer/connectors/callback_connector.py`.
    """

    code = "TL511"
    name = "progress-bar-when-disabled"
    summary = "A progress bar callback while the progress bar is turned off"
    triggers = frozenset({"callbacks"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if _is_false(ctx, "enable_progress_bar"):
            why = "`enable_progress_bar = false`"
        elif _barebones(ctx):
            why = "`barebones = true` (which turns the progress bar off)"
        else:
            return
        bars = [o for o in callbacks(ctx) if o.has("progress_bar")]
        if len(bars) == 1:
            yield self.report(bars[0].class_key, f"`{bars[0].label}` is a progress bar, but {why}; the Trainer raises")


class MultipleProgressBars(Rule):
    """## What it does
    Flags more than one progress bar callback.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: You added multiple progress bar callbacks to the
    Trainer, but currently only one progress bar is supported`.

    ## Example
    ```toml
    [trainer]
    callbacks = ["lightning.pytorch.callbacks.TQDMProgressBar", "lightning.pytorch.callbacks.RichProgressBar"]
    ```

    ## Fix
    Keep one of them.

    ## Lightning source
    `_CallbackConnector._configure_progress_bar` in `trainer/connectors/callback_connector.py`.
    """

    code = "TL512"
    name = "multiple-progress-bars"
    summary = "More than one progress bar callback"
    triggers = frozenset({"callbacks"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        bars = [o for o in callbacks(ctx) if o.has("progress_bar")]
        for obj in bars[1:]:
            yield self.report(obj.class_key, f"`{obj.label}` is a second progress bar (after `{bars[0].label}`); the Trainer takes one")


class DuplicateStatefulCallback(Rule):
    """## What it does
    Flags two callbacks with the same state key: two `ModelCheckpoint`s with the same `monitor`,
    `mode` and trigger, two `EarlyStopping`s with the same `monitor` and `mode`, two `Timer`s,
    two `StochasticWeightAveraging`s.

    ## Why is this bad?
    `Trainer` raises `RuntimeError: Found more than one stateful callback of type ModelCheckpoint`:
    their states would overwrite each other in the checkpoint.

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { monitor = "val_loss" }

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { monitor = "val_loss", save_top_k = 3 }
    ```

    ## Fix
    Make them differ in a state-key argument (`monitor`, `mode`, the trigger), or merge them.

    ## Lightning source
    `_validate_callbacks_list` in `trainer/connectors/callback_connector.py`; `state_key` of
    `ModelCheckpoint` and `EarlyStopping`.
    """

    code = "TL514"
    name = "duplicate-stateful-callback"
    summary = "Two callbacks that would save their state under the same key"
    triggers = frozenset({"callbacks"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: dict[Any, Obj] = {}
        for obj in callbacks(ctx):
            if not obj.info.data.get("stateful") or arg_problems_for(ctx, obj):
                continue
            key = _state_key(obj)
            if key in seen:
                yield self.report(obj.class_key, f"this `{obj.label}` has the same state key as the one at {_quote(seen[key].key)}; the Trainer raises")
            else:
                seen[key] = obj


def arg_problems_for(ctx: Context, obj: Obj) -> bool:
    """Whether the object already fails to build (so later rules do not pile on)."""
    prefix = obj.key
    bad = {k for _, k, _ in arg_problems(ctx)}
    if any(k[: len(prefix)] == prefix for k in bad):
        return True
    a = obj.args()
    if obj.init_args is None:
        return True
    if not obj.info.takes_kwargs and any(n not in obj.info.params for n in a):
        return True
    if any(p.get("required") and n not in a for n, p in obj.info.params.items()):
        return True
    return any("type" in obj.info.params.get(n, {}) and type_problem(v, obj.info.params[n]["type"]) for n, v in a.items())


def _state_key(obj: Obj) -> Any:
    names = obj.info.data.get("state_key")
    if not names:
        return (obj.info.path,)
    a = obj.args()
    values = {n: obj.info.params.get(n, {}).get("default") for n in names}
    values.update({n: _freeze(a[n]) for n in names if n in a})
    if obj.info.name == "ModelCheckpoint":  # __init_triggers resolves the defaults first
        if values["every_n_train_steps"] is None and values["every_n_epochs"] is None and values["train_time_interval"] is None:
            values["every_n_epochs"], values["every_n_train_steps"] = 1, 0
        else:
            values["every_n_epochs"] = values["every_n_epochs"] or 0
            values["every_n_train_steps"] = values["every_n_train_steps"] or 0
    return (obj.info.path, tuple(sorted(values.items())))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


_PRECISION = {"64": "64-true", "32": "32-true", "16": "16-mixed", "bf16": "bf16-mixed"}


def _precision(ctx: Context) -> str | None:
    if not ctx.is_set("precision"):
        return None
    value = str(ctx.trainer["precision"])
    return _PRECISION.get(value, value)


class PluginConflict(Rule):
    """## What it does
    Checks `plugins`: at most one plugin of each type (precision, checkpoint IO, cluster
    environment, layer sync); no precision plugin together with `precision`; no layer sync other
    than `TorchSyncBatchNorm` with `sync_batchnorm = true`.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException` ("Received multiple values for ... flags in
    plugins", "Choose one or the other") or `ValueError` ("Received both precision=... and
    plugins=...").

    ## Example
    ```toml
    [trainer]
    precision = "bf16-mixed"
    plugins = [{ class_path = "lightning.pytorch.plugins.DoublePrecision" }]
    ```

    ## Fix
    Keep either `precision` or the precision plugin.

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` in
    `trainer/connectors/accelerator_connector.py`.
    """

    code = "TL515"
    name = "plugin-conflict"
    summary = "Plugins that conflict with each other or with a Trainer argument"
    triggers = frozenset({"plugins"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint.classes import KIND_WORDS

        plugins = [o for o in lightning_objects(ctx) if o.slot == "plugins"]
        group = {"precision": "precision", "checkpoint_io": "checkpoint_io", "environment": "environment", "layer_sync": "layer_sync"}
        first: dict[str, Obj] = {}
        sync = ctx.is_set("sync_batchnorm") and ctx.trainer["sync_batchnorm"] is True
        for obj in plugins:
            kind = group[obj.info.kind]
            if kind == "layer_sync" and sync and not obj.has("torch_sync_batchnorm"):
                yield self.report(obj.class_key, f"`sync_batchnorm = true` and the layer sync plugin `{obj.label}` both set the layer sync; choose one")
            elif kind in first:
                yield self.report(obj.class_key, f"a second {KIND_WORDS[obj.info.kind].removeprefix('a ')} (`{obj.label}` after `{first[kind].label}`); the Trainer takes one of each type")
            else:
                first[kind] = obj
        if "precision" in first and _precision(ctx) is not None:
            yield self.report(("trainer", "precision"), f"`precision` and the precision plugin `{first['precision'].label}` both set the precision; choose one")


class StrategyObjectConflict(Rule):
    """## What it does
    Checks a strategy object against the Trainer arguments it depends on: an `FSDPStrategy` needs
    `accelerator = "cuda"` or `"gpu"` (not `"auto"`), and a `ModelParallelStrategy` supports only
    the precisions `32-true`, `bf16-mixed`, `bf16-true` and `16-true`.

    ## Why is this bad?
    `Trainer` raises `ValueError` ("The strategy fsdp requires a GPU accelerator", "The
    ModelParallelStrategy does not support precision=...").

    ## Example
    ```toml
    [trainer]
    strategy = { class_path = "lightning.pytorch.strategies.FSDPStrategy" }
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = { class_path = "lightning.pytorch.strategies.FSDPStrategy" }
    ```

    ## Lightning source
    `_check_strategy_and_fallback` and `_validate_precision_choice` in
    `trainer/connectors/accelerator_connector.py`.
    """

    code = "TL516"
    name = "strategy-object-conflict"
    summary = "A strategy object that its Trainer arguments rule out"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.slot != "strategy" or arg_problems_for(ctx, obj):
                continue
            if obj.has("fsdp"):
                accelerator = ctx.trainer["accelerator"] if ctx.is_set("accelerator") else "auto"
                if accelerator == "auto":
                    message = '`FSDPStrategy` needs a CUDA GPU, and `accelerator = "auto"` raises on machines without one: set `accelerator = "gpu"`'
                    yield self.report(obj.class_key, message, severity=Severity.WARNING)
                elif accelerator not in ("cuda", "gpu"):
                    yield self.report(obj.class_key, f"`FSDPStrategy` needs `accelerator = \"cuda\"` or `\"gpu\"`, found {show(accelerator)}")
            if obj.has("model_parallel"):
                precision = _precision(ctx) or "32-true"
                if precision not in ("32-true", "bf16-mixed", "bf16-true", "16-true"):
                    yield self.report(("trainer", "precision"), f"`ModelParallelStrategy` does not support `precision = {show(precision)}`; use 32-true, bf16-mixed, bf16-true or 16-true")


class IgnoredSummaryCallback(Rule):
    """## What it does
    Warns about a model summary callback (`ModelSummary`, `RichModelSummary`) together with
    `enable_model_summary = false` or `barebones = true`.

    ## Why is this bad?
    The flag only stops the Trainer from adding its default summary; a summary callback you list
    still runs, so the config says two opposite things.

    ## Example
    ```toml
    [trainer]
    enable_model_summary = false
    callbacks = ["lightning.pytorch.callbacks.ModelSummary"]
    ```

    ## Fix
    Remove the callback, or remove `enable_model_summary = false`.

    ## Lightning source
    `_CallbackConnector._configure_model_summary_callback` in `trainer/connectors/callback_connector.py`.
    """

    code = "TL517"
    name = "summary-callback-when-disabled"
    summary = "A model summary callback while the model summary is turned off"
    triggers = frozenset({"callbacks"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if not (_is_false(ctx, "enable_model_summary") or _barebones(ctx)):
            return
        flag = "enable_model_summary = false" if _is_false(ctx, "enable_model_summary") else "barebones = true"
        for obj in callbacks(ctx):
            if obj.has("model_summary"):
                yield self.report(obj.class_key, f"`{obj.label}` still prints a summary although `{flag}`")


RULES: tuple[type[Rule], ...] = (
    UnknownClass,
    WrongObjectKind,
    UnknownInitArg,
    InitArgType,
    MissingInitArg,
    InvalidInitArg,
    ConflictingInitArgs,
    CheckpointWhenDisabled,
    ProgressBarWhenDisabled,
    MultipleProgressBars,
    DuplicateStatefulCallback,
    PluginConflict,
    StrategyObjectConflict,
    IgnoredSummaryCallback,
)
