"""Plugin and strategy objects against each other and the Trainer's flags (TL515, TL516)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.hardware.connector import facts
from trainer_lint.rules.objects.collect import Obj
from trainer_lint.rules.objects.init_args import arg_problems_for


PRECISION_PLUGIN_CHECK_SINCE = "2.1"
"""From Lightning 2.1 the accelerator connector raises for ``precision`` written beside a
precision plugin ("Received both precision=... and plugins=..."); 2.0 lets the plugin win
silently. Tested against the real releases by ``tests/differential/test_lightning_releases.py``."""


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

        plugins = facts(ctx).plugins
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
        if "precision" in first and ctx.is_set("precision") and ctx.lightning.at_least(PRECISION_PLUGIN_CHECK_SINCE):
            yield self.report(("trainer", "precision"), f"`precision` and the precision plugin `{first['precision'].label}` both set the precision; choose one")


class StrategyObjectConflict(Rule):
    """## What it does
    Checks a strategy object against the Trainer arguments it depends on: an `FSDPStrategy` needs
    `accelerator = "cuda"` or `"gpu"` or a `CUDAAccelerator` (not `"auto"`, not a `CPUAccelerator`), and a `ModelParallelStrategy` supports only
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
        f = facts(ctx)
        obj = f.strategy_obj
        if obj is None or arg_problems_for(ctx, obj):
            return
        if obj.has("fsdp"):
            on = f.runs_on or f.accelerator  # with a target, what "auto" picks there
            if on == "auto":
                message = '`FSDPStrategy` needs a CUDA GPU, and `accelerator = "auto"` raises on machines without one: set `accelerator = "gpu"`'
                yield self.report(obj.class_key, message, severity=Severity.WARNING)
            elif on is not None and on != "cuda":
                yield self.report(obj.class_key, f'`FSDPStrategy` needs `accelerator = "cuda"` or `"gpu"` (or a `CUDAAccelerator`), found {f.describe_accelerator()}')
        if obj.has("model_parallel"):
            precision = f.precision or "32-true"
            if precision not in ("32-true", "bf16-mixed", "bf16-true", "16-true"):
                yield self.report(("trainer", "precision"), f"`ModelParallelStrategy` does not support `precision = {show(precision)}`; use 32-true, bf16-mixed, bf16-true or 16-true")


RULES: tuple[type[Rule], ...] = (
    PluginConflict,
    StrategyObjectConflict,
)
