"""Strategy, accelerator and plugin objects against each other and the flags (TL340–TL343): what
``_check_config_and_set_final_flags``, ``_validate_precision_choice`` and the strategies'
``precision_plugin`` / ``checkpoint_io`` setters reject, and the flag a strategy object silently
overrides."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show, toml_string
from trainer_lint.rules.hardware.connector import ACCELERATOR_KEY, PRECISION_KEY, STRATEGY_KEY, Facts, facts
from trainer_lint.rules.objects.collect import Obj, quote_key

_CARRIED = (
    ("accelerator", None, "accelerator"),
    ("precision_plugin", "precision", "precision plugin"),
    ("checkpoint_io", "checkpoint_io", "checkpoint IO plugin"),
    ("cluster_environment", "environment", "cluster environment plugin"),
)
"""What a strategy object may carry that the Trainer also takes on its own: the strategy's
parameter, the kind of plugin in ``plugins`` it clashes with (None: the ``accelerator`` flag), and
the words for it."""


def _carried(f: Facts, name: str) -> bool:
    """Whether the strategy object sets ``init_args.<name>`` to something (an object or a string)."""
    obj = f.strategy_obj
    return obj is not None and bool(obj.args().get(name)) and name in obj.info.params


class SetThroughBoth(Rule):
    """## What it does
    Flags a strategy object that carries an `accelerator`, `precision_plugin`, `checkpoint_io` or
    `cluster_environment` in its `init_args` while the Trainer is given the same thing too: an
    `accelerator` other than `"auto"`, or a plugin of that type in `plugins`.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: accelerator set through both strategy class and
    accelerator flag, choose one` (and the same for the precision plugin, the checkpoint IO and
    the cluster environment).

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"

    [trainer.strategy]
    class_path = "lightning.pytorch.strategies.DDPStrategy"
    init_args = { accelerator = { class_path = "lightning.pytorch.accelerators.CPUAccelerator" } }
    ```

    ## Fix
    Keep one of the two:
    ```toml
    [trainer]
    accelerator = "cpu"
    strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy" }
    ```

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL340"
    name = "set-through-both"
    summary = "A strategy object and the Trainer both set the accelerator, precision plugin, checkpoint IO or cluster environment"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        obj = f.strategy_obj
        if obj is None:
            return
        for param, kind, words in _CARRIED:
            if not _carried(f, param):
                continue
            if kind is None:
                written = ctx.get("accelerator")
                if ctx.is_set("accelerator") and written != "auto":
                    yield self.report(
                        obj.arg_key(param),
                        "the strategy's `accelerator` and `trainer.accelerator` both set the accelerator; the Trainer raises. "
                        'Remove one (or write `accelerator = "auto"`)',
                    )
                continue
            clash = next((p for p in f.plugins if p.info.kind == kind), None)
            if clash is not None:
                yield self.report(
                    obj.arg_key(param),
                    f"the strategy's `{param}` and `{clash.label}` in {quote_key(clash.key)} both set the {words}; the Trainer raises: keep one",
                )


class StrategyPrecisionOverridesFlag(Rule):
    """## What it does
    Warns about `precision` set together with a strategy object whose `init_args` carry a
    `precision_plugin`: the strategy's plugin wins and `precision` is ignored, without a word.

    ## Why is this bad?
    The run trains in the plugin's precision, not the one `precision` names: `precision =
    "bf16-mixed"` with a strategy carrying `DoublePrecision` trains in float64.

    ## Example
    ```toml
    [trainer]
    precision = "bf16-mixed"

    [trainer.strategy]
    class_path = "lightning.pytorch.strategies.DDPStrategy"
    init_args = { precision_plugin = { class_path = "lightning.pytorch.plugins.DoublePrecision" } }
    ```

    ## Fix
    Keep one: remove `precision`, or the strategy's `precision_plugin`.

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` (the strategy's plugin becomes the
    precision plugin) and `_check_and_init_precision` (a plugin is returned before the flag is read)
    in `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL341"
    name = "strategy-precision-overrides-flag"
    summary = "`precision` is ignored because the strategy object carries a precision plugin"
    triggers = frozenset({"precision"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if not ctx.is_set("precision") or not _carried(f, "precision_plugin"):
            return
        if any(p.info.kind == "precision" for p in f.plugins):
            return  # TL340 / TL515: that raises
        plugin = f.child("precision_plugin")
        name = f"`{plugin.label}`" if plugin is not None else "its plugin"
        yield self.report(
            PRECISION_KEY,
            f"`precision = {show(ctx.trainer['precision'])}` is ignored: the strategy's `precision_plugin` ({name}) sets "
            "the precision. Remove one of them",
        )


def _precision_plugins(f: Facts) -> Iterator[Obj]:
    for obj in f.plugins:
        if obj.info.kind == "precision":
            yield obj
    own = f.child("precision_plugin")
    if own is not None:
        yield own


def _checkpoint_ios(f: Facts) -> Iterator[Obj]:
    for obj in f.plugins:
        if obj.info.kind == "checkpoint_io":
            yield obj
    own = f.child("checkpoint_io")
    if own is not None:
        yield own


class StrategyPluginType(Rule):
    """## What it does
    Flags a precision plugin or checkpoint IO a strategy cannot work with, given in `plugins` or
    in the strategy object's `init_args`: FSDP takes only an `FSDPPrecision`; the XLA strategies
    take only an `XLAPrecision` and an `XLACheckpointIO`.

    ## Why is this bad?
    `Trainer` (or the strategy's constructor) raises `TypeError: The FSDP strategy can only work
    with the FSDPPrecision plugin, found <HalfPrecision ...>`.

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"
    plugins = [{ class_path = "lightning.pytorch.plugins.HalfPrecision", init_args = { precision = "bf16-true" } }]
    ```

    ## Fix
    Let the strategy build its plugin from `precision`:
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"
    precision = "bf16-true"
    ```

    ## Lightning source
    `FSDPStrategy.precision_plugin` (setter) in `lightning/pytorch/strategies/fsdp.py`;
    `XLAStrategy` and `SingleDeviceXLAStrategy` `precision_plugin` and `checkpoint_io` setters in
    `lightning/pytorch/strategies/xla.py` and `single_xla.py`; `_lazy_init_strategy` in
    `trainer/connectors/accelerator_connector.py`.
    """

    code = "TL342"
    name = "strategy-plugin-type"
    summary = "A precision plugin or checkpoint IO that the strategy refuses"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.strategy_has("fsdp"):
            for plugin in _precision_plugins(f):
                if not plugin.has("fsdp_precision"):
                    yield self.report(
                        plugin.class_key,
                        f"{f.describe_strategy()} works only with an `FSDPPrecision` plugin, not `{plugin.label}`; the Trainer raises. "
                        "Remove the plugin and set `precision` instead",
                    )
        elif f.strategy_has("xla") or f.strategy_has("single_xla"):
            for plugin in _precision_plugins(f):
                if not plugin.has("xla_precision"):
                    yield self.report(
                        plugin.class_key,
                        f"{f.describe_strategy()} works only with an `XLAPrecision` plugin, not `{plugin.label}`; the Trainer raises",
                    )
            for plugin in _checkpoint_ios(f):
                if not plugin.has("xla_checkpoint_io"):
                    yield self.report(
                        plugin.class_key,
                        f"{f.describe_strategy()} works only with an `XLACheckpointIO`, not `{plugin.label}`; the Trainer raises",
                    )


class BitsandbytesNeedsCuda(Rule):
    """## What it does
    Flags a `BitsandbytesPrecision` plugin with an accelerator other than CUDA (`cpu`, `mps`,
    `tpu`, or such an accelerator object). With `accelerator = "auto"` it is a warning: it works
    only where "auto" finds CUDA GPUs.

    ## Why is this bad?
    `Trainer` raises `RuntimeError: Bitsandbytes is only supported on CUDA GPUs.`

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    plugins = [{ class_path = "lightning.pytorch.plugins.BitsandbytesPrecision", init_args = { mode = "nf4" } }]
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    plugins = [{ class_path = "lightning.pytorch.plugins.BitsandbytesPrecision", init_args = { mode = "nf4" } }]
    ```

    ## Lightning source
    `_AcceleratorConnector._validate_precision_choice` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL343"
    name = "bitsandbytes-needs-cuda"
    summary = "The bitsandbytes precision plugin runs only on CUDA GPUs"
    triggers = frozenset({"plugins", "strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        for plugin in _precision_plugins(f):
            if not plugin.has("bitsandbytes"):
                continue
            on = f.runs_on or f.accelerator  # with a target, what "auto" picks there
            if on == "auto":
                yield self.report(
                    plugin.class_key,
                    f'`{plugin.label}` needs a CUDA GPU, and `accelerator = "auto"` raises on machines without one: set `accelerator = "gpu"`',
                    severity=Severity.WARNING,
                )
            elif on is not None and on != "cuda":
                yield self.report(plugin.class_key, f"`{plugin.label}` runs only on CUDA GPUs, but {f.describe_accelerator()} is set; the Trainer raises")


class DottedName(Rule):
    """## What it does
    Flags `strategy` or `accelerator` written as a dotted import path in a string
    (`strategy = "lightning.pytorch.strategies.DDPStrategy"`). There a string is always a
    registered *name*, also under LightningCLI, whose annotation for these arguments tries `str`
    first; only a `class_path` table builds a class.

    ## Why is this bad?
    `Trainer` raises `ValueError: You selected an invalid strategy name:
    strategy='lightning.pytorch.strategies.ddpstrategy'` (and `invalid accelerator name`).

    ## Example
    ```toml
    [trainer]
    strategy = "lightning.pytorch.strategies.DDPStrategy"
    ```

    ## Fix
    ```toml
    [trainer]
    strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy" }
    ```

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`; the annotations
    `Union[str, Strategy]` and `Union[str, Accelerator]` of `Trainer.__init__`.
    """

    code = "TL344"
    name = "dotted-name"
    summary = "`strategy` or `accelerator` given as an import path string, which the Trainer reads as a name"
    triggers = frozenset({"strategy", "accelerator"})
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint.diagnostic import Edit, Fix

        for name, key in (("strategy", STRATEGY_KEY), ("accelerator", ACCELERATOR_KEY)):
            value = ctx.get(name)
            if not ctx.is_set(name) or not isinstance(value, str) or "." not in value:
                continue
            table = "{ class_path = " + toml_string(value) + " }"
            fix = Fix(f"Write it as a class_path table: {table}", (Edit(key, "value", table),), safe=True)
            yield self.report(
                key,
                f"`{name} = {show(value)}` is read as {'an' if name == 'accelerator' else 'a'} {name} name, and none is registered under it: the Trainer raises. "
                f"To build the class, write `{name} = {table}`",
                fix=fix,
            )


RULES: tuple[type[Rule], ...] = (
    SetThroughBoth,
    StrategyPrecisionOverridesFlag,
    StrategyPluginType,
    BitsandbytesNeedsCuda,
    DottedName,
)
