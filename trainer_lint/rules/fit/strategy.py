"""Strategy and accelerator objects that build but fail, or silently change the run, once ``fit``
starts (TL606–TL609)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, Severity
from trainer_lint.rules.base import Context, Rule, closest, show
from trainer_lint.rules.hardware.connector import PRECISION_KEY, facts
from trainer_lint.rules.objects.collect import lightning_objects


class NcclWithoutCuda(Rule):
    """## What it does
    Warns about a strategy object with `process_group_backend = "nccl"` on the CPU or an Apple
    GPU (`accelerator = "cpu"`, `"mps"`, or such an accelerator object).

    ## Why is this bad?
    NCCL connects CUDA devices only. The Trainer builds, then `fit` fails as the process group
    starts: `RuntimeError: Distributed package doesn't have NCCL built in` with a CPU build of
    torch (even for one process); with a CUDA build, NCCL refuses the CPU tensors it is given.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 2
    strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy", init_args = { process_group_backend = "nccl" } }
    ```

    ## Fix
    Leave `process_group_backend` unset (Lightning picks `gloo` off CUDA), or write `"gloo"`.

    ## Lightning source
    `DDPStrategy.setup_distributed` and `_get_process_group_backend` in
    `lightning/pytorch/strategies/ddp.py`; `_init_dist_connection` in
    `lightning/fabric/utilities/distributed.py`.
    """

    code = "TL606"
    name = "nccl-without-cuda"
    summary = 'process_group_backend = "nccl" off CUDA fails as the process group starts'
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        obj = f.strategy_obj
        if obj is None or f.runs_on not in ("cpu", "mps"):
            return
        backend = obj.args().get("process_group_backend")
        if isinstance(backend, str) and backend.lower() == "nccl":
            yield self.report(
                obj.arg_key("process_group_backend"),
                f'`process_group_backend = "nccl"` connects CUDA devices only, and {f.describe_accelerator()} is set: '
                '`fit` fails as the process group starts. Remove it (Lightning picks "gloo") or write "gloo"',
            )


_DEVICE_TYPES = {"cpu": "cpu", "cuda": "cuda", "mps": "mps", "tpu": "xla"}
"""The torch device type each accelerator's ``setup_device`` insists on."""


class StrategyDeviceMismatch(Rule):
    """## What it does
    Warns about a `SingleDeviceStrategy` object whose `device` (default `"cpu"`) is not of the
    accelerator's type: `device = "cuda:0"` with the CPU accelerator, `device` unset with a GPU.

    ## Why is this bad?
    The Trainer builds, then `fit` raises as it moves the model: `MisconfigurationException:
    Device should be CPU, got cuda:0 instead` (or "Device should be GPU, got cpu").

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    strategy = { class_path = "lightning.pytorch.strategies.SingleDeviceStrategy", init_args = { device = "cuda:0" } }
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = { class_path = "lightning.pytorch.strategies.SingleDeviceStrategy", init_args = { device = "cuda:0" } }
    ```

    ## Lightning source
    `CPUAccelerator.setup_device`, `CUDAAccelerator.setup_device` and `MPSAccelerator.setup_device`
    in `lightning/pytorch/accelerators/`, called by `Strategy.setup_environment`.
    """

    code = "TL607"
    name = "strategy-device-mismatch"
    summary = "A SingleDeviceStrategy device that is not the accelerator's type fails in fit"
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        obj = f.strategy_obj
        if obj is None or not obj.has("single_device") or obj.has("single_xla") or f.runs_on not in _DEVICE_TYPES:
            return
        device = obj.args().get("device", "cpu")
        if not isinstance(device, str):
            return
        kind = device.split(":")[0].strip().lower()
        wanted = _DEVICE_TYPES[f.runs_on]  # type: ignore[index]
        if kind == wanted or kind == "gpu":  # "gpu" raises when built (TL541)
            return
        key = obj.arg_key("device") if "device" in obj.args() else obj.class_key
        written = f"`device = {show(device)}`" + ("" if "device" in obj.args() else " (the default)")
        yield self.report(
            key,
            f"{written} is not a {wanted} device, but {f.describe_accelerator()} is set: `fit` fails as it moves the model. "
            f"Use a {wanted} device, or remove `strategy` and let Lightning pick it",
        )


class MixedPrecisionWithoutAutocast(Rule):
    """## What it does
    Warns about `precision = "16-mixed"` or `"bf16-mixed"` with an accelerator given as an object
    (`CPUAccelerator`, `MPSAccelerator`, directly or through the strategy). The Trainer picks the
    autocast device from the accelerator *name* only, so an object gets CUDA autocast, which is
    off on a machine that trains on the CPU or an Apple GPU. Also a `MixedPrecision` plugin whose
    `device` is not the accelerator's.

    ## Why is this bad?
    The run silently trains in float32: torch warns "CUDA is not available ... Disabling
    autocast" at each step, and the speed and memory the config asks for are not there. (With
    `accelerator = "cpu"`, Lightning turns `16-mixed` into `bf16-mixed` instead: TL321.)

    ## Example
    ```toml
    [trainer]
    accelerator = { class_path = "lightning.pytorch.accelerators.CPUAccelerator" }
    precision = "bf16-mixed"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "cpu"
    precision = "bf16-mixed"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_and_init_precision` (`device = ... if self._accelerator_flag in
    ("cpu", "mps") else "cuda"`) in `trainer/connectors/accelerator_connector.py`;
    `MixedPrecision.autocast_context_manager` in `plugins/precision/amp.py`.
    """

    code = "TL608"
    name = "mixed-precision-without-autocast"
    summary = "Mixed precision that autocasts on another device than the accelerator's silently trains in float32"
    triggers = frozenset({"precision", "plugins", "strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        plugin = f.precision_plugin
        if plugin is not None and plugin.info.name == "MixedPrecision" and f.runs_on in _DEVICE_TYPES:
            device = plugin.args().get("device")
            wanted = "cpu" if f.runs_on == "cpu" else "mps" if f.runs_on == "mps" else "cuda"
            if isinstance(device, str) and device.split(":")[0].lower() != wanted and f.runs_on != "tpu":
                yield self.report(
                    plugin.arg_key("device"),
                    f"`device = {show(device)}` makes `MixedPrecision` autocast on {device}, but {f.describe_accelerator()} "
                    f'trains on {wanted}: the run silently trains in float32. Write `device = "{wanted}"`',
                )
            return
        if f.precision not in ("16-mixed", "bf16-mixed") or f.accelerator_from not in ("object", "strategy"):
            return
        if f.accelerator in (None, "cuda") or f.precision_plugin is not None:
            return
        if any(f.strategy_has(t) for t in ("fsdp", "deepspeed", "xla", "single_xla")):
            return  # those build their own precision plugin
        name = f.accelerator
        yield self.report(
            PRECISION_KEY,
            f"`precision = {show(ctx.trainer['precision'])}` with {f.describe_accelerator()} trains in float32: the Trainer "
            f'uses CUDA autocast for accelerator objects, which is off here. Write `accelerator = "{name}"` instead',
        )


class ForwardedKwargUnknown(Rule):
    """## What it does
    Warns about an `init_args` key of `DDPStrategy` or `FSDPStrategy` that neither the strategy
    nor the torch wrapper it passes extra keys to (`DistributedDataParallel`,
    `FullyShardedDataParallel`) takes, or one the strategy already passes itself (`device_ids`).
    It suggests the closest name.

    ## Why is this bad?
    The strategy keeps unknown keys without a word and hands them to the wrapper when `fit` starts,
    which raises `TypeError: DistributedDataParallel.__init__() got an unexpected keyword argument
    'find_unused_parameter'`. (LightningCLI rejects such a key when it parses the config.)

    ## Example
    ```toml
    [trainer.strategy]
    class_path = "lightning.pytorch.strategies.DDPStrategy"
    init_args = { find_unused_parameter = true }
    ```

    ## Fix
    ```toml
    [trainer.strategy]
    class_path = "lightning.pytorch.strategies.DDPStrategy"
    init_args = { find_unused_parameters = true }
    ```

    ## Lightning source
    `DDPStrategy._setup_model` (`DistributedDataParallel(module=..., device_ids=..., **kwargs)`) in
    `strategies/ddp.py`; `FSDPStrategy._setup_model` in `strategies/fsdp.py`. The wrappers'
    parameters are read from the installed torch into the class snapshot.
    """

    code = "TL609"
    name = "forwarded-kwarg-unknown"
    summary = "A strategy init_args key that the torch wrapper rejects when fit starts"
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for obj in lightning_objects(ctx):
            forwards = obj.info.forwards
            if forwards is None:
                continue
            wrapper = forwards["to"].rsplit(".", 1)[-1]
            accepted = set(forwards["params"])
            for name in obj.args():
                if name in obj.info.params or name in accepted:
                    continue
                message = f"`{obj.info.name}` passes `{name}` on to `{wrapper}`, which does not take it: `fit` fails as it wraps the model"
                fix = None
                if name in ("module", "device_ids", "device_id", "sharding_strategy", "cpu_offload", "mixed_precision"):
                    message = f"`{obj.info.name}` sets `{name}` of `{wrapper}` itself; passing it too makes `fit` fail as it wraps the model"
                else:
                    close = closest(name, tuple(sorted({*obj.info.params, *accepted})), 0.7)
                    if close:
                        message += f"; did you mean `{close[0]}`?"
                        fix = Fix(f"Rename `{name}` to `{close[0]}`", (Edit(obj.arg_key(name), "key", close[0]),), safe=False)
                yield Diagnostic(self.code, self.severity, obj.arg_key(name), message, fix=fix, anchor="key")


RULES: tuple[type[Rule], ...] = (
    NcclWithoutCuda,
    StrategyDeviceMismatch,
    MixedPrecisionWithoutAutocast,
    ForwardedKwargUnknown,
)
