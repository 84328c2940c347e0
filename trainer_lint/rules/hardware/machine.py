"""The config on its target machine (TL370–TL379): what Lightning and torch do with it on the
hardware a target names (``--target``, ``target`` and ``per-file-target`` settings, a
``# trainer-lint: target = ...`` comment) or a launch script gives each process. The precision
rules among them (TL372–TL374) are in :mod:`~trainer_lint.rules.hardware.machine_precision`.

Every rule here reports only when the machine is known; without a target they are silent, as
trainer-lint was before targets existed. The machine is read through the connector model
(:func:`~trainer_lint.rules.hardware.connector.facts`), never from the options directly.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Related, Severity
from trainer_lint.rules.base import Context, EngineRule, Rule, trainer_key
from trainer_lint.rules.hardware.connector import (
    ACCELERATOR_KEY,
    STRATEGY_KEY,
    facts,
    is_deepspeed,
    say_accelerator,
    say_strategy,
)
from trainer_lint.rules.hardware.device_counts import TOO_MANY_GPUS, machine_words
from trainer_lint.rules.hardware.devices import _DevicesRule

INVALID_TARGET_COMMENT = "TL379"


class AcceleratorNotOnMachine(Rule):
    """## What it does
    With a target, flags an accelerator the machine does not have: `"gpu"` or `"cuda"` on a
    `cpu` target, `"mps"` on a Linux GPU machine, `"cuda"` on an Apple one, `"tpu"` and `"hpu"`
    on any target.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: CUDAAccelerator can not run on your system since
    the accelerator is not available` (or, for `"gpu"` on a machine without one, "No supported
    gpu backend found!"), after the job has waited in the queue.

    ## Example
    ```toml
    # trainer-lint: target = cpu
    [trainer]
    accelerator = "gpu"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "auto"
    ```

    ## Lightning source
    `_AcceleratorConnector._set_parallel_devices_and_init_accelerator` and
    `_choose_gpu_accelerator_backend` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL370"
    name = "accelerator-not-on-machine"
    summary = "The accelerator is not available on the target machine"
    triggers = frozenset({"accelerator"})

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        problem = facts(ctx).accelerator_problem
        if problem is not None:
            yield self.report(ACCELERATOR_KEY, problem.message, related=gpu_note(ctx))


class TooManyGpus(_DevicesRule):
    """## What it does
    With a target (or a launch script that fixes how many GPUs each process sees), flags
    `devices` that ask for more GPUs, or higher GPU indices, than the machine has: `devices = 4`
    or `[0, 5]` on a `gpu:2xA100` target, `devices = 4` under `#SBATCH --gpus-per-node=2`.
    `devices = -1` and `"auto"` mean every GPU there is.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: You requested gpu: [0, 1, 2, 3] But your machine
    only has: [0, 1]`. Under torchrun, Lightning skips the check where a process sees exactly one
    GPU, and so does this rule.

    ## Example
    ```toml
    # trainer-lint: target = gpu:1xH200
    [trainer]
    accelerator = "gpu"
    devices = 2
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 1
    ```

    ## Lightning source
    `_parse_gpu_ids` and `_sanitize_gpu_ids` in `lightning/fabric/utilities/device_parser.py`,
    called by `CUDAAccelerator.parse_devices` in `lightning/pytorch/accelerators/cuda.py`.
    """

    code = TOO_MANY_GPUS
    name = "too-many-gpus"
    summary = "`devices` asks for GPUs the target machine does not have"

    def related(self, ctx: Context) -> tuple[Related, ...]:
        return gpu_note(ctx)


def gpu_note(ctx: Context) -> tuple[Related, ...]:
    """A note at the launch script's line that decides how many GPUs each process sees."""
    placement = ctx.placement
    visible = placement.rank_zero.visible_gpus if placement is not None and placement.rank_zero is not None else None
    if visible is None or visible.source is None or visible.value is None:
        return ()
    from trainer_lint.rules.hardware.launch import note

    return note(visible.source, f"`{visible.source.text}`: each process sees {visible.value} GPU{'' if visible.value == 1 else 's'}")


class DeepSpeedNeedsCuda(Rule):
    """## What it does
    With a target, flags a `deepspeed*` strategy on a config that runs on the CPU: an explicit
    `accelerator = "cpu"`, or `"auto"` on a target without a GPU.

    ## Why is this bad?
    Lightning's DeepSpeed strategy runs on CUDA GPUs only: when `fit` starts,
    `DeepSpeedStrategy.setup_environment` raises `RuntimeError: The DeepSpeed strategy is only
    supported on CUDA GPUs but CPUAccelerator is used.` (with `deepspeed` installed; without it,
    construction fails first, see TL316).

    ## Example
    ```toml
    # trainer-lint: target = cpu
    [trainer]
    strategy = "deepspeed_stage_2"
    ```

    ## Fix
    Run it on a GPU target, or use `strategy = "ddp"` on the CPU.

    ## Lightning source
    `DeepSpeedStrategy.setup_environment` in `lightning/pytorch/strategies/deepspeed.py`.
    """

    code = "TL375"
    name = "deepspeed-needs-cuda"
    summary = "DeepSpeed runs only on CUDA GPUs"
    triggers = frozenset({"strategy"})

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.machine is None or not is_deepspeed(f.lightning, f.strategy) or f.runs_on != "cpu":
            return
        picked = "" if f.accelerator == "cpu" else f' (`accelerator = "auto"` picks the CPU on {machine_words(f.machine)})'
        yield self.report(
            STRATEGY_KEY,
            f"{say_strategy(ctx)} runs only on CUDA GPUs, but this config runs on the CPU{picked}: when `fit` starts, DeepSpeed "
            'raises "The DeepSpeed strategy is only supported on CUDA GPUs"',
        )


class GpuAvailableUnused(Rule):
    """## What it does
    With a target that has a GPU, notes `accelerator = "cpu"`.

    ## Why is this bad?
    It may be deliberate. Lightning warns "GPU available but not used. You can set it by doing
    `Trainer(accelerator='gpu')`" (a `PossibleUserWarning`), because a config copied from a laptop
    often trains on the CPU of a GPU node.

    ## Example
    ```toml
    # trainer-lint: target = gpu:1xA100
    [trainer]
    accelerator = "cpu"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "auto"
    ```

    ## Lightning source
    `_log_device_info` in `lightning/pytorch/trainer/setup.py`.
    """

    code = "TL376"
    name = "gpu-available-unused"
    summary = "The target has a GPU, but the config trains on the CPU"
    triggers = frozenset({"accelerator"})
    severity = Severity.INFO

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        machine = f.machine
        if machine is None or f.accelerator != "cpu" or not (machine.has("cuda") or machine.has("mps")):
            return
        yield self.report(
            ACCELERATOR_KEY,
            f"{say_accelerator(f.accelerator_written)} on {machine_words(machine)}, which has a GPU: Lightning warns "
            '"GPU available but not used"; use `accelerator = "auto"` to train on it',
        )


class DdpSingleProcess(Rule):
    """## What it does
    With a target, notes a `ddp*` strategy that runs a single process: one device (`devices = 1`,
    or `"auto"` on a machine with one GPU) on one node.

    ## Why is this bad?
    It works, but pays for a process group and gradient all-reduce with nothing to reduce; it
    often means the config was meant for more devices than the target has.

    ## Example
    ```toml
    # trainer-lint: target = gpu:1xL4
    [trainer]
    strategy = "ddp"
    ```

    ## Fix
    Remove `strategy` (Lightning then picks the single-device strategy), or target the machine
    with more GPUs the config was written for.

    ## Lightning source
    `_AcceleratorConnector._choose_strategy` and `_lazy_init_strategy` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL377"
    name = "ddp-single-process"
    summary = "A DDP strategy that runs a single process on the target"
    triggers = frozenset({"strategy"})
    severity = Severity.INFO

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.machine is None or f.strategy is None or not f.strategy.startswith("ddp") or f.runs_on in (None, "mps"):
            return  # (DDP on an Apple GPU raises: TL312)
        if f.device_count == 1 and f.num_nodes == 1 and f.device_problem is None and f.accelerator_problem is None:
            yield self.report(
                STRATEGY_KEY,
                f"{say_strategy(ctx)} runs a single process here (one device on {machine_words(f.machine)}, one node): "
                "remove `strategy` to train without a process group",
            )


class NodesBeyondTarget(Rule):
    """## What it does
    With a target that says how many nodes there are (`gpu:8xH100,nodes=2`), flags `num_nodes`
    greater than that. (With a launch script, TL401 compares `num_nodes` with `--nodes`.)

    ## Why is this bad?
    Rank 0 waits for processes on nodes that never start: the job hangs in
    `init_process_group` until its time limit.

    ## Example
    ```toml
    # trainer-lint: target = gpu:8xH100,nodes=2
    [trainer]
    num_nodes = 4
    ```

    ## Fix
    ```toml
    [trainer]
    num_nodes = 2
    ```

    ## Lightning source
    `DDPStrategy.setup_distributed` and `_init_dist_connection` in
    `lightning/fabric/utilities/distributed.py` (world size `num_nodes * devices`).
    """

    code = "TL378"
    name = "nodes-beyond-target"
    summary = "`num_nodes` is more than the target's nodes"
    triggers = frozenset({"num_nodes"})
    severity = Severity.WARNING

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.machine is None or ctx.placement is not None or ctx.target is None or f.num_nodes <= ctx.target.nodes:
            return
        yield self.report(
            trainer_key("num_nodes"),
            f"`num_nodes = {f.num_nodes}` but {machine_words(ctx.target)} has {ctx.target.nodes} node"
            f"{'' if ctx.target.nodes == 1 else 's'}: rank 0 waits for processes that never start",
        )


class InvalidTargetComment(EngineRule):
    """## What it does
    Flags a `# trainer-lint: target = ...` comment whose target cannot be read.

    ## Why is this bad?
    The file would be checked against no machine (or the run's), silently.

    ## Example
    ```toml
    # trainer-lint: target = gpu:8xA1000
    [trainer]
    accelerator = "gpu"
    ```

    ## Fix
    ```toml
    # trainer-lint: target = gpu:8xA100
    [trainer]
    accelerator = "gpu"
    ```

    ## Lightning source
    None: this is trainer-lint's own comment (see `docs/targets.md`).
    """

    code = INVALID_TARGET_COMMENT
    name = "invalid-target-comment"
    summary = "A `# trainer-lint: target` comment names no machine trainer-lint knows"


RULES: tuple[type[Rule], ...] = (
    AcceleratorNotOnMachine,
    TooManyGpus,
    DeepSpeedNeedsCuda,
    GpuAvailableUnused,
    DdpSingleProcess,
    NodesBeyondTarget,
    InvalidTargetComment,
)
