"""Lightning classes from the other distribution, and ``init_args`` values the classes' bodies
reject beyond their annotations (TL540–TL544)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from trainer_lint.diagnostic import Diagnostic, Edit, Fix
from trainer_lint.rules.base import Context, Rule, show, toml_string
from trainer_lint.rules.objects.collect import OBJECT_KEYS, Obj, lightning_objects, objects
from trainer_lint.rules.objects.init_args import arg_problems_for, type_problem


class OtherLightningPackage(Rule):
    """## What it does
    Flags a class from the other Lightning distribution: `pytorch_lightning.…` or
    `lightning_fabric.…` where `lightning`'s Trainer reads the config (the default), or
    `lightning.pytorch.…` / `lightning.fabric.…` where `pytorch_lightning`'s does. Which one reads
    the config is `lightning-package` in `[tool.trainer-lint]`, else the package of the
    `LightningCLI` the `cli-script` calls (through a subclass of the project's too), else
    `lightning`.

    ## Why is this bad?
    The two packages have distinct classes even when both are installed. `lightning.Trainer`
    raises `ValueError: You selected an invalid strategy name: strategy=<pytorch_lightning...
    DDPStrategy>` for a strategy, `MisconfigurationException: Found invalid type for plugin` for a
    plugin; LightningCLI rejects any of them ("does not correspond to a subclass of Callback").

    ## Example
    ```toml
    [trainer]
    strategy = { class_path = "pytorch_lightning.strategies.DDPStrategy" }
    ```

    ## Fix
    ```toml
    [trainer]
    strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy" }
    ```

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` in
    `trainer/connectors/accelerator_connector.py` (`isinstance` checks against its own package's
    classes); the annotations of `Trainer.__init__` that LightningCLI validates.
    """

    code = "TL540"
    name = "other-lightning-package"
    summary = "A class from the Lightning distribution that does not read this config"
    triggers = OBJECT_KEYS
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint import classes

        choice = ctx.lightning_package
        for obj in objects(ctx):
            source = classes.family(obj.class_path)
            if source is None or source == choice.package:
                continue
            if obj.info is None:
                continue  # not a class Lightning has: TL500 names the right one first
            right = classes.in_family(obj.class_path, choice.package)
            fix = Fix(f"Replace with {toml_string(right)}", (Edit(obj.class_key, "value", toml_string(right)),), safe=True)
            yield self.report(
                obj.class_key,
                f"`{obj.class_path}` comes from `{obj.class_path.split('.')[0]}`, but `{choice.trainer}` reads this config ({choice.origin}); "
                f"its classes are distinct, so the Trainer rejects this one: use `{right}`",
                fix=fix,
            )


def _good(ctx: Context, obj: Obj, name: str) -> bool:
    """``init_args.name`` is set and fits its annotation (ill-typed values are TL503's)."""
    if name not in obj.args():
        return False
    param = obj.info.params.get(name, {})
    return "type" not in param or type_problem(obj.args()[name], param["type"]) is None


class StrategyInitArg(Rule):
    """## What it does
    Checks the `init_args` combinations a strategy's constructor rejects: `FSDPStrategy` with a
    hybrid `sharding_strategy` (`HYBRID_SHARD`, `_HYBRID_SHARD_ZERO2`) but none of
    `auto_wrap_policy`, `process_group`, `device_mesh`; with both `process_group` and
    `device_mesh`; with both `activation_checkpointing` and `activation_checkpointing_policy`;
    `SingleDeviceStrategy` with `device = "gpu"`, which is not a torch device type.

    ## Why is this bad?
    The strategy raises while the config is built: `RuntimeError: The hybrid sharding strategy
    requires you to pass at least one of the parameters: auto_wrap_policy, process_group tuple, or
    device_mesh`, `ValueError: ... are mutually exclusive`, `RuntimeError: Expected one of cpu,
    cuda, ... device type at start of device string: gpu`.

    ## Example
    ```toml
    [trainer.strategy]
    class_path = "lightning.pytorch.strategies.FSDPStrategy"
    init_args = { sharding_strategy = "HYBRID_SHARD" }
    ```

    ## Fix
    ```toml
    [trainer.strategy]
    class_path = "lightning.pytorch.strategies.FSDPStrategy"
    init_args = { sharding_strategy = "HYBRID_SHARD", device_mesh = [2, 4] }
    ```

    ## Lightning source
    `_init_sharding_strategy` and `_activation_checkpointing_kwargs` in
    `lightning/fabric/strategies/fsdp.py`, called by `FSDPStrategy.__init__` in
    `lightning/pytorch/strategies/fsdp.py`; `SingleDeviceStrategy.__init__` in
    `lightning/pytorch/strategies/single_device.py`.
    """

    code = "TL541"
    name = "strategy-init-arg"
    summary = "Strategy init_args that the strategy's constructor rejects together"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.info.kind != "strategy":
                continue
            a = obj.args()
            if obj.has("fsdp"):
                yield from self._fsdp(ctx, obj)
            if obj.has("single_device") and not obj.has("single_xla") and _good(ctx, obj, "device"):
                device = a["device"]
                if isinstance(device, str) and device.split(":")[0].strip().lower() == "gpu":
                    yield self.report(
                        obj.arg_key("device"),
                        f'`device = {show(device)}` is not a torch device ("gpu" is Lightning\'s accelerator name): write "cuda" or "cuda:0"',
                    )

    def _fsdp(self, ctx: Context, obj: Obj) -> Iterator[Diagnostic]:
        a = obj.args()
        given = lambda name: a.get(name) is not None  # noqa: E731
        if given("process_group") and given("device_mesh"):
            yield self.report(obj.arg_key("device_mesh"), "`process_group` and `device_mesh` are mutually exclusive; `FSDPStrategy` raises: keep one")
        if given("activation_checkpointing") and given("activation_checkpointing_policy"):
            yield self.report(
                obj.arg_key("activation_checkpointing"),
                "`activation_checkpointing` and `activation_checkpointing_policy` are both set; `FSDPStrategy` raises: keep `activation_checkpointing_policy`",
            )
        sharding = a.get("sharding_strategy")
        if isinstance(sharding, str) and "HYBRID" in sharding.upper() and _good(ctx, obj, "sharding_strategy"):
            if not (given("auto_wrap_policy") or given("process_group") or given("device_mesh")):
                yield self.report(
                    obj.arg_key("sharding_strategy"),
                    f"`sharding_strategy = {show(sharding)}` needs one of `auto_wrap_policy`, `process_group` or `device_mesh` "
                    "(e.g. `device_mesh = [2, 4]`: 2 replicas of 4 shards); `FSDPStrategy` raises without",
                )


class InitArgChoice(Rule):
    """## What it does
    Checks string `init_args` against the closed sets a class's constructor compares them with
    (beyond their annotation), read from Lightning into the class snapshot:
    `PyTorchProfiler(sort_by_key=...)`, `ModelPruning(pruning_fn=...)` (any case) and
    `ModelPruning(parameter_names=[...])`.

    ## Why is this bad?
    The class raises `MisconfigurationException` when the config is built ("Found sort_by_key:
    ... Should be within ...", "The provided `pruning_fn` ... isn't available in PyTorch's
    built-in functions").

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelPruning"
    init_args = { pruning_fn = "l1" }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelPruning"
    init_args = { pruning_fn = "l1_unstructured" }
    ```

    ## Lightning source
    `PyTorchProfiler.__init__` (`AVAILABLE_SORT_KEYS`) in `lightning/pytorch/profilers/pytorch.py`;
    `ModelPruning.__init__` (`_PYTORCH_PRUNING_FUNCTIONS`, `PARAMETER_NAMES`) in
    `lightning/pytorch/callbacks/pruning.py`.
    """

    code = "TL542"
    name = "init-arg-choice"
    summary = "An init_args string outside the closed set the class checks it against"
    triggers = OBJECT_KEYS
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint.rules.base import closest

        for obj in lightning_objects(ctx):
            for name, param in obj.info.params.items():
                choices = param.get("choices")
                if choices is None or not _good(ctx, obj, name):
                    continue
                value = obj.args()[name]
                items = [(obj.arg_key(name), v) for v in ([value] if isinstance(value, str) else [])]
                if isinstance(value, list):
                    items = [((*obj.arg_key(name), i), v) for i, v in enumerate(value) if isinstance(v, str)]
                allowed = choices["values"]
                fold = (lambda v: v.lower()) if choices["ignore_case"] else (lambda v: v)
                for key, item in items:
                    if fold(item) in {fold(v) for v in allowed}:
                        continue
                    message = f"`{name}` of `{obj.info.name}` must be one of {', '.join(show(v) for v in allowed)}, found {show(item)}"
                    close = closest(fold(item), tuple(allowed), 0.6)
                    fix = None
                    if close:
                        message += f"; did you mean {show(close[0])}?"
                        fix = Fix(f"Replace with {show(close[0])}", (Edit(key, "value", toml_string(close[0])),), safe=False)
                    yield self.report(key, message, fix=fix)


class PruningInitArg(Rule):
    """## What it does
    Checks the `ModelPruning` arguments its constructor rejects together: a structured
    `pruning_fn` (`ln_structured`, `random_structured`) needs `pruning_dim`, `ln_structured`
    needs `pruning_norm` too, and structured pruning needs `use_global_unstructured = false`
    (it defaults to true); `amount` must be a number.

    ## Why is this bad?
    `ModelPruning` raises `MisconfigurationException` when the config is built ("When requesting
    `structured` pruning, the `pruning_dim` should be provided.", "Only the "unstructured"
    PRUNING_TYPE is supported with `use_global_unstructured=True`.").

    ## Example
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelPruning"
    init_args = { pruning_fn = "ln_structured", pruning_dim = 0 }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelPruning"
    init_args = { pruning_fn = "ln_structured", pruning_dim = 0, pruning_norm = 2, use_global_unstructured = false }
    ```

    ## Lightning source
    `ModelPruning.__init__` in `lightning/pytorch/callbacks/pruning.py`.
    """

    code = "TL543"
    name = "pruning-init-arg"
    summary = "ModelPruning init_args that its constructor rejects together"
    triggers = frozenset({"callbacks"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.info.name != "ModelPruning":
                continue
            a = obj.args()
            if "amount" in a and (isinstance(a["amount"], bool) or not isinstance(a["amount"], (int, float))):
                yield self.report(obj.arg_key("amount"), f"`amount` must be an integer (a count) or a float (a fraction), found {show(a['amount'])}")
            fn = a.get("pruning_fn")
            choices = obj.info.params.get("pruning_fn", {}).get("choices", {}).get("values", [])
            if not isinstance(fn, str) or fn.lower() not in choices:
                continue  # a callable path or an unknown name (TL542)
            fn = fn.lower()
            if fn.endswith("_structured"):
                if a.get("pruning_dim") is None:
                    yield self.report(obj.arg_key("pruning_fn"), f"`pruning_fn = {show(fn)}` is structured pruning and needs `pruning_dim`")
                elif fn == "ln_structured" and a.get("pruning_norm") is None:
                    yield self.report(obj.arg_key("pruning_fn"), '`pruning_fn = "ln_structured"` needs `pruning_norm` (e.g. 2)')
                elif a.get("use_global_unstructured", True) is not False:
                    yield self.report(
                        obj.arg_key("pruning_fn"),
                        f"`pruning_fn = {show(fn)}` is structured pruning, which `use_global_unstructured = true` (the default) "
                        "does not allow: add `use_global_unstructured = false`",
                    )


class LoggerInitArg(Rule):
    """## What it does
    Checks the logger arguments a logger's constructor rejects together: `WandbLogger` with
    `offline = true` and `log_model` on.

    ## Why is this bad?
    `WandbLogger` raises `MisconfigurationException: Providing log_model=True and offline=True is
    an invalid configuration since model checkpoints cannot be uploaded in offline mode.`

    ## Example
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.loggers.WandbLogger"
    init_args = { offline = true, log_model = true }
    ```

    ## Fix
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.loggers.WandbLogger"
    init_args = { offline = true }
    ```

    ## Lightning source
    `WandbLogger.__init__` in `lightning/pytorch/loggers/wandb.py`.
    """

    code = "TL544"
    name = "logger-init-arg"
    summary = "Logger init_args that the logger's constructor rejects together"
    triggers = frozenset({"logger"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            if obj.info.name != "WandbLogger" or arg_problems_for(ctx, obj):
                continue
            a = obj.args()
            if a.get("offline") is True and a.get("log_model") not in (None, False):
                yield self.report(
                    obj.arg_key("log_model"),
                    f"`log_model = {show(a['log_model'])}` uploads checkpoints, which `offline = true` cannot; `WandbLogger` raises: remove one",
                )


class RemovedClass(Rule):
    """## What it does
    Flags a Lightning class that Lightning keeps only to raise when it is built (`NeptuneLogger`
    in Lightning 2.6: "Neptune has been sunset"). The class snapshot records each such class and
    the reason from its source.

    ## Why is this bad?
    Building it raises (`RuntimeError: NeptuneLogger is no longer supported.`), always, whatever the
    arguments or installed packages.

    ## Example
    ```toml
    [trainer.logger]
    class_path = "lightning.pytorch.loggers.neptune.NeptuneLogger"
    ```

    ## Fix
    Use another logger (Lightning suggests `lightning.pytorch.loggers.LitLogger`).

    ## Lightning source
    `NeptuneLogger.__init__` in `lightning/pytorch/loggers/neptune.py`.
    """

    code = "TL545"
    name = "removed-class"
    summary = "A Lightning class that always raises when it is built"
    triggers = OBJECT_KEYS

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in objects(ctx):
            if obj.info is not None and obj.info.removed:
                yield self.report(obj.class_key, f"`{obj.info.name}` always raises when it is built: {obj.info.removed}")


RULES: tuple[type[Rule], ...] = (
    OtherLightningPackage,
    StrategyInitArg,
    InitArgChoice,
    PruningInitArg,
    LoggerInitArg,
    RemovedClass,
)
