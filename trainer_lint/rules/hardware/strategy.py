"""Strategies: what each needs from the accelerator and devices, and names Lightning changed
(TL311, TL312, TL314, TL315, TL317, TL318, TL331)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, trainer_key
from trainer_lint.rules.hardware.connector import (
    DEVICES_KEY,
    STRATEGY_KEY,
    facts,
    is_ddp_family,
    is_fork,
    is_fsdp,
    say_accelerator,
    say_strategy,
)
from trainer_lint.rules.hardware.device_counts import machine_words, say_devices


class FsdpNeedsCuda(Rule):
    """## What it does
    Flags `strategy = "fsdp"` (or `"fsdp_cpu_offload"`) with an accelerator other than `gpu`
    or `cuda`, named or given as an object (`CPUAccelerator`). With `accelerator = "auto"` (or
    unset) it is a warning: it works only on machines where "auto" finds CUDA GPUs; with a target,
    an error where "auto" (or `"gpu"`) picks the CPU or an Apple GPU. (An `FSDPStrategy` object is
    TL516.)

    ## Why is this bad?
    `Trainer` raises `ValueError: The strategy fsdp requires a GPU accelerator`.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    strategy = "fsdp"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_strategy_and_fallback` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL311"
    name = "fsdp-needs-cuda"
    summary = "FSDP needs `accelerator = \"gpu\"` or `\"cuda\"`"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if not is_fsdp(ctx.lightning, f.strategy):
            return
        if f.accelerator in ("cpu", "mps", "tpu", "hpu") or f.runs_on in ("cpu", "mps", "tpu"):
            picked = f" (on {machine_words(f.machine)} it picks {f.runs_on})" if f.machine and f.runs_on != f.accelerator else ""
            yield self.report(
                STRATEGY_KEY,
                f"{say_strategy(ctx)} requires a CUDA GPU, but {f.describe_accelerator()} is set{picked}: "
                'use `accelerator = "gpu"` on a GPU machine, or another strategy',
            )
        elif f.accelerator == "auto" and f.runs_on is None:
            yield self.report(
                STRATEGY_KEY,
                f'{say_strategy(ctx)} requires a CUDA GPU, and `accelerator = "auto"` raises on machines without one: '
                'set `accelerator = "gpu"`',
                severity=Severity.WARNING,
            )


class DdpOnMps(Rule):
    """## What it does
    Flags a DDP-family or DeepSpeed strategy name (`ddp`, `ddp_spawn`, `deepspeed_stage_2`, ...),
    or any multi-process strategy object (`DDPStrategy`, `FSDPStrategy`, ...), with
    `accelerator = "mps"` or an `MPSAccelerator` object, and, with an `mps` target, with
    `accelerator = "auto"` or `"gpu"` too (Lightning checks the accelerator as written whenever an
    Apple GPU is available).

    ## Why is this bad?
    The MPS accelerator supports one device only; `Trainer` raises `ValueError: strategies from
    the DDP family are not supported on the MPS accelerator`.

    ## Example
    ```toml
    [trainer]
    accelerator = "mps"
    strategy = "ddp"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "mps"
    strategy = "auto"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL312"
    name = "ddp-on-mps"
    summary = "DDP-family strategies do not run on the MPS accelerator"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        on_mps = f.runs_on == "mps" and (f.machine is None or f.machine.has("mps"))
        # Names: "ddp" or "deepspeed" in the name; objects: any ParallelStrategy (FSDP too).
        parallel = is_ddp_family(f.strategy) or (f.strategy_obj is not None and f.strategy_has("parallel"))
        if on_mps and parallel:
            on = "" if f.accelerator == "mps" else f" ({say_accelerator(f.accelerator_written)} picks it on {machine_words(f.machine)})" if f.machine else ""
            yield self.report(
                STRATEGY_KEY,
                f"{f.describe_strategy()} is a multi-process strategy, which the Apple GPU (MPS) does not support{on}: "
                'remove `strategy` or use `accelerator = "cpu"`',
            )


class UnbuildableStrategy(Rule):
    """## What it does
    Flags `strategy = "single_xla"` and `"single_tpu"` (deprecated). They are registered names,
    but their class needs a `device` that the name cannot give.

    ## Why is this bad?
    `Trainer` always raises `TypeError: SingleDeviceXLAStrategy.__init__() missing 1 required
    positional argument: 'device'`.

    ## Example
    ```toml
    [trainer]
    accelerator = "tpu"
    strategy = "single_xla"
    devices = 1
    ```

    ## Fix
    Leave `strategy` unset: with one TPU core Lightning picks the single-device XLA strategy.
    ```toml
    [trainer]
    accelerator = "tpu"
    devices = 1
    ```

    ## Lightning source
    `SingleDeviceXLAStrategy.register_strategies` in
    `lightning/pytorch/strategies/single_xla.py`; `_AcceleratorConnector._init_strategy` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL314"
    name = "unbuildable-strategy"
    summary = "A registered strategy name that cannot be built without a device"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.strategy in ("single_xla", "single_tpu"):
            yield self.report(
                STRATEGY_KEY,
                f"{say_strategy(ctx)} always raises: its class needs a device that a name cannot give. "
                'Remove `strategy`; with `accelerator = "tpu"` and `devices = 1` Lightning picks it itself',
            )


class SingleDeviceOverride(Rule):
    """## What it does
    Flags `strategy = "single_device"` where Lightning ignores other settings: the strategy is
    built without a device, so its device is the CPU even with a GPU accelerator, and it uses one
    process whatever `devices` and `num_nodes` say.

    ## Why is this bad?
    With a GPU (or MPS, TPU) accelerator the Trainer builds, then `fit` fails as it starts:
    `MisconfigurationException: Device should be GPU, got cpu instead`. With extra `devices` or
    `num_nodes` the job runs, but in one process instead of the processes the config asks for.

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "single_device"
    devices = 1
    ```

    ## Fix
    Remove `strategy`: with one device Lightning picks a single-device strategy on that device.
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 1
    ```

    ## Lightning source
    `SingleDeviceStrategy.__init__` (default `device="cpu"`) in
    `lightning/pytorch/strategies/single_device.py`; `_AcceleratorConnector._init_strategy` and
    `_lazy_init_strategy` in `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL315"
    name = "single-device-override"
    summary = "`strategy = \"single_device\"` ignores the accelerator's device, `devices` and `num_nodes`"
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.strategy != "single_device":
            return
        if f.runs_on in ("cuda", "mps", "tpu") or f.accelerator == "hpu":
            yield self.report(
                STRATEGY_KEY,
                f"{say_strategy(ctx)} is built on the CPU device, so `fit` fails on {f.describe_accelerator()} "
                '("Device should be GPU, got cpu"): remove `strategy` and Lightning picks a single-device strategy on that device',
            )
        count = f.device_count
        if ctx.is_set("devices") and count is not None and count > 1:
            yield self.report(
                DEVICES_KEY,
                f"{say_devices(f.devices)} is ignored by {say_strategy(ctx)}, which runs one process: "
                'remove `strategy` (Lightning then picks "ddp") or use `devices = 1`',
            )
        if f.num_nodes > 1:
            yield self.report(
                trainer_key("num_nodes"),
                f"`num_nodes = {f.num_nodes}` is ignored by {say_strategy(ctx)}, which runs on one machine",
            )


class ForkStrategy(Rule):
    """## What it does
    Notes the fork-based strategies (`ddp_fork*`, `ddp_notebook*`). They exist for Jupyter
    notebooks, where `ddp` and `ddp_spawn` cannot run; a script (and so a TOML config) is better
    served by `ddp`.

    ## Why is this bad?
    `Trainer` raises `ValueError: process forking is not supported on this platform` on Windows,
    and forked processes fail if CUDA was initialised before `fit` starts.

    ## Example
    ```toml
    [trainer]
    strategy = "ddp_notebook"
    ```

    ## Fix
    ```toml
    [trainer]
    strategy = "ddp"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_strategy_and_fallback` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`; `_MultiProcessingLauncher` in
    `lightning/pytorch/strategies/launchers/multiprocessing.py`.
    """

    code = "TL317"
    name = "fork-strategy"
    summary = "A fork-based strategy meant for notebooks"
    triggers = frozenset({"strategy"})
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if is_fork(ctx.lightning, f.strategy):
            yield self.report(
                STRATEGY_KEY,
                f"{say_strategy(ctx)} forks processes: it is meant for notebooks, raises on Windows, and fails if CUDA is "
                'initialised before `fit`; scripts should use `strategy = "ddp"`',
            )


SINGLE_TPU_DEPRECATED_SINCE = "2.1"
"""Lightning 2.1 moved ``SingleTPUStrategy`` to its graveyard, with the deprecation warning; in
2.0 it is the regular name. Tested against the real releases by
``tests/differential/test_lightning_releases.py``."""


class DeprecatedStrategyName(Rule):
    """## What it does
    Flags `strategy = "single_tpu"`, a name Lightning keeps only to warn that it is deprecated in
    favour of `"single_xla"` (which cannot be built from a name either: see TL314).

    ## Why is this bad?
    Lightning warns "The 'single_tpu' strategy is deprecated. Use 'single_xla' instead." and the
    name will be removed.

    ## Example
    ```toml
    [trainer]
    accelerator = "tpu"
    strategy = "single_tpu"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "tpu"
    devices = 1
    ```

    ## Lightning source
    `SingleTPUStrategy.__init__` in `lightning/pytorch/strategies/single_xla.py`.
    """

    code = "TL318"
    name = "deprecated-strategy-name"
    summary = "A strategy name that Lightning deprecates"
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if facts(ctx).strategy == "single_tpu" and ctx.lightning.at_least(SINGLE_TPU_DEPRECATED_SINCE):
            yield self.report(STRATEGY_KEY, f'{say_strategy(ctx)} is deprecated; Lightning\'s name for it is "single_xla"')


class SyncBatchnormSingleProcess(Rule):
    """## What it does
    Flags `sync_batchnorm = true` where the config runs a single process with the single-device
    strategy (one device, one node, `strategy` unset or `"single_device"`), where Lightning
    drops the setting.

    ## Why is this bad?
    Nothing is synchronised: the single-device strategy has no layer sync, so the flag is
    silently ignored. It usually means the config was meant for several devices.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 1
    sync_batchnorm = true
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 1
    ```

    ## Lightning source
    `_AcceleratorConnector._lazy_init_strategy` (sets `_layer_sync` only on strategies that have
    it) in `lightning/pytorch/trainer/connectors/accelerator_connector.py`;
    `SingleDeviceStrategy` in `lightning/pytorch/strategies/single_device.py`.
    """

    code = "TL331"
    name = "sync-batchnorm-single-process"
    summary = "`sync_batchnorm` has no effect with a single process"
    triggers = frozenset({"sync_batchnorm"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if ctx.get("sync_batchnorm") is not True:
            return
        f = facts(ctx)
        single = f.strategy == "single_device" or (f.strategy_obj is not None and f.strategy_has("single_device")) or (
            f.strategy == "auto" and f.runs_on is not None and f.device_count == 1 and f.num_nodes == 1
        )
        if single:
            yield self.report(
                trainer_key("sync_batchnorm"),
                "`sync_batchnorm = true` has no effect: this config trains in one process with the single-device strategy",
            )


RULES: tuple[type[Rule], ...] = (
    FsdpNeedsCuda,
    DdpOnMps,
    UnbuildableStrategy,
    SingleDeviceOverride,
    ForkStrategy,
    DeprecatedStrategyName,
    SyncBatchnormSingleProcess,
)
