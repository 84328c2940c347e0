"""``init_args`` against the class's ``__init__``: names, types, required arguments and the values
and combinations its body rejects (TL502–TL506)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath
from trainer_lint.rules.base import Context, Rule, closest, found_text, show
from trainer_lint.rules.objects.collect import OBJECT_KEYS, Obj, lightning_objects, project_findings
from trainer_lint.rules.types import accepts, compiled_pattern


class UnknownInitArg(Rule):
    """## What it does
    Flags `init_args` (and `dict_kwargs`) keys that the class's `__init__` does not take, with a
    "did you mean" when a parameter is close. Lightning's classes whose `__init__` takes
    `**kwargs` (`WandbLogger`, `TensorBoardLogger`, `DDPStrategy`, ...) accept any key. For the
    project's own classes (read from source), `**kwargs` forwarded to a parent
    (`super().__init__(**kwargs)`), to another class or read with `kwargs.pop("name", default)`
    add those parameters, as LightningCLI's parser finds them; `**kwargs` used any other way
    accept any key. Also flags keys beside `class_path` in a nested object, and fields a
    dataclass argument does not have.

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
    The `__init__` signature of each class, release by release (`trainer_lint/lightning/releases.json`).
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
                other = ctx.lightning.init_arg_elsewhere(obj.info.path, name)
                if other is not None:
                    message = f"`{obj.info.name}` takes `{name}` {other}; this project uses {ctx.lightning_label}"
                    yield Diagnostic(self.code, self.severity, obj.arg_key(name), message, anchor="key")
                    continue
                message = f"`{obj.info.name}` takes no argument `{name}`"
                close = closest(name, tuple(known), 0.7)
                fix = None
                if close:
                    message += f"; did you mean `{close[0]}`?"
                    fix = Fix(f"Rename `{name}` to `{close[0]}`", (Edit(obj.arg_key(name), "key", close[0]),), safe=False)
                yield Diagnostic(self.code, self.severity, obj.arg_key(name), message, fix=fix, anchor="key")
        yield from project_findings(ctx, self.code)


_WORDS = {"integer": "an integer", "number": "a number", "string": "a string", "boolean": "a boolean", "array": "an array", "object": "a table"}


def param_problem(value: Any, param: dict[str, Any]) -> str | None:
    """:func:`type_problem` for a snapshot parameter: None is right where the annotation is
    ``Optional`` (``nullable``; YAML's ``null``, which TOML cannot write)."""
    if value is None and (param.get("nullable") or "default" in param and param["default"] is None):
        return None
    return type_problem(value, param["type"]) if "type" in param else None


def type_problem(value: Any, node: dict[str, Any]) -> str | None:
    """Why ``value`` does not fit the snapshot type ``node`` ("expects ..."), or None when it fits."""
    if "anyOf" in node:
        problems = [type_problem(value, arm) for arm in node["anyOf"]]
        if any(p is None for p in problems):
            return None
        words = [", ".join(show(v) for v in arm["enum"]) if "enum" in arm else _WORDS.get(arm.get("type", ""), "another value") for arm in node["anyOf"]]
        return "expects " + " or ".join(dict.fromkeys(words))
    if "class" in node:
        # A Lightning object: LightningCLI takes a class_path table, or a class path or name as a string.
        if isinstance(value, str) or isinstance(value, dict) and isinstance(value.get("class_path"), str):
            return None
        from trainer_lint.classes import KIND_WORDS

        return "expects " + " or ".join(sorted(KIND_WORDS[k] for k in node["class"])) + " as a `class_path` table"
    kind = node.get("type")
    if kind is not None and not accepts(kind, value):
        if "pattern" in node:
            return f"expects {node.get('x-pattern-words', 'a string in the expected form')}"
        return f"expects {_WORDS[kind]}"
    if "enum" in node and value not in node["enum"]:
        return "expects one of " + ", ".join(show(v) for v in node["enum"])
    if "pattern" in node and isinstance(value, str) and not compiled_pattern(node["pattern"]).search(value):
        return f"expects {node.get('x-pattern-words', 'a string in the expected form')}"
    if isinstance(value, list) and "items" in node:
        for item in value:
            problem = type_problem(item, node["items"])
            if problem is not None:
                return f"expects an array whose items each {problem.removeprefix('expects ').join(('are ', ''))}"
    return None


class InitArgType(Rule):
    """## What it does
    Checks each `init_args` value against the annotation of the class's parameter: `save_top_k`
    is an integer, `monitor` a string, `save_last` a boolean or `"link"`. For the project's own
    classes, as LightningCLI's parser does: `Optional`, `Union`, `Literal`, lists, tuples (of
    their length), dicts, `Path`, enums (by member name), dataclasses (a table of their fields)
    and injected classes (`nn.Module`: a nested `class_path` table, checked in turn). An integer
    is fine where a float is expected; a float or a boolean is not an integer. Parameters whose
    type has no TOML form (a `timedelta`, a callable) are not checked. One deliberate
    difference: TOML is typed, so a string where a number or a boolean is expected
    (`lr = "0.1"`) is an error although LightningCLI would convert it; the message says so.

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
    The `__init__` annotations of each class, release by release (`trainer_lint/lightning/releases.json`).
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
                problem = param_problem(value, param)
                if problem is not None:
                    yield self.report(
                        obj.arg_key(name),
                        f"`{name}` of `{obj.info.name}` {problem}, found {found_text(value)}",
                    )
        yield from project_findings(ctx, self.code)


def arg_problems(ctx: Context) -> list[tuple[str, KeyPath, str]]:
    """(code, key, message) for the values each class's ``__init__`` rejects (TL505, TL506), once per file."""
    return ctx.cached("init_arg_problems", lambda: list(_arg_problems(ctx)))


def _ok_type(obj: Obj, name: str) -> bool:
    """Whether ``init_args.name`` is set and well-typed (the value rules skip ill-typed ones)."""
    if name not in obj.args():
        return False
    param = obj.info.params.get(name, {})
    return param_problem(obj.args()[name], param) is None


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
    Flags a class whose `__init__` has a parameter without a default that the config does not
    set: `EarlyStopping` needs `monitor`, `CSVLogger` needs `save_dir`,
    `StochasticWeightAveraging` needs `swa_lrs`, and so do the project's own classes (read from
    source), including the fields without defaults of a dataclass argument. An untyped parameter
    is not needed (LightningCLI gives it None), nor is a dataclass whose fields all have defaults.

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
    The `__init__` signature of each class, release by release (`trainer_lint/lightning/releases.json`).
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
        yield from project_findings(ctx, self.code)


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
    return any(param_problem(v, obj.info.params.get(n, {})) for n, v in a.items())


RULES: tuple[type[Rule], ...] = (
    UnknownInitArg,
    InitArgType,
    MissingInitArg,
    InvalidInitArg,
    ConflictingInitArgs,
)
