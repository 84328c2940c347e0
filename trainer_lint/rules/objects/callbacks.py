"""Callbacks against the Trainer's flags and each other (TL510–TL512, TL514, TL517)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.objects.collect import (
    Obj,
    barebones_on,
    callbacks,
    is_false,
    quote_key,
)
from trainer_lint.rules.objects.init_args import arg_problems_for


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
        if is_false(ctx, "enable_checkpointing"):
            why = "`enable_checkpointing = false`"
        elif barebones_on(ctx):
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
        if is_false(ctx, "enable_progress_bar"):
            why = "`enable_progress_bar = false`"
        elif barebones_on(ctx):
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
                yield self.report(obj.class_key, f"this `{obj.label}` has the same state key as the one at {quote_key(seen[key].key)}; the Trainer raises")
            else:
                seen[key] = obj


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
        if not (is_false(ctx, "enable_model_summary") or barebones_on(ctx)):
            return
        flag = "enable_model_summary = false" if is_false(ctx, "enable_model_summary") else "barebones = true"
        for obj in callbacks(ctx):
            if obj.has("model_summary"):
                yield self.report(obj.class_key, f"`{obj.label}` still prints a summary although `{flag}`")


RULES: tuple[type[Rule], ...] = (
    CheckpointWhenDisabled,
    ProgressBarWhenDisabled,
    MultipleProgressBars,
    DuplicateStatefulCallback,
    IgnoredSummaryCallback,
)
