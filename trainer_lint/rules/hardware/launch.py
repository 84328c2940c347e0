"""The config under its launch script (TL400–TL429): ``check --launcher job.sbatch CONFIG``, or
``check job.sbatch`` for the config the script names. This module holds what the launch rules
share and the rules about any launcher (TL407–TL409, TL429); ``slurm.py`` and ``torchrun.py``
hold the rest.

The script gives rank 0 an environment (:mod:`trainer_lint.launchers.launch`); Lightning picks a
cluster environment from it (torchelastic first, then SLURM) and, for strategies whose launcher
validates, compares it with `devices` and `num_nodes` when `fit` (or validate/test/predict)
starts, after the job waited in the queue and loaded its data. These rules mirror those checks,
and the mistakes Lightning does not catch (a forgotten `srun`, a job named `interactive`,
torchrun's product-only check). Each finding sits on the config's line with a note at the
script's line. Where the script leaves a value open (`--nodes=1-2`, a variable set elsewhere),
only what holds for every value is reported; the rest is TL409 information.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Optional

from trainer_lint.diagnostic import Diagnostic, KeyPath, Related, Severity
from trainer_lint.rules.base import Context, EngineRule, Rule, trainer_key
from trainer_lint.rules.hardware.connector import DEVICES_KEY, STRATEGY_KEY, Facts, facts, is_fork, is_fsdp
from trainer_lint.rules.hardware.device_counts import say_devices

if TYPE_CHECKING:
    from trainer_lint.launchers import Count, RankZero, Source

NUM_NODES_KEY = trainer_key("num_nodes")
INVALID_LAUNCHER_COMMENT = "TL429"


def note(source: "Optional[Source]", message: str) -> tuple[Related, ...]:
    """A related location at a script's line."""
    if source is None:
        return ()
    from trainer_lint.launchers.values import display_path

    return (Related(display_path(source.path), source.span, message),)


def script_name(ctx: Context) -> str:
    import os

    placement = ctx.placement
    return os.path.basename(placement.launch.path) if placement is not None else "the launch script"


def say_processes(ctx: Context, f: Facts) -> str:
    """`devices = 2`, or `devices` unset ("auto": 4 here), for messages."""
    if ctx.is_set("devices"):
        return say_devices(f.devices)
    return f'`devices` (unset, "auto": {f.device_count} here)'


class LaunchRule(Rule):
    """Runs only for files with a launch script whose training command was found."""

    triggers = None  # `devices` and `num_nodes` may be unset: "auto" and 1 are checked too
    requires = "launcher"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        placement = ctx.placement
        if placement is None or placement.rank_zero is None or environment_plugin(ctx):
            return ()
        return self.launched(ctx, facts(ctx), placement.rank_zero)

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        raise NotImplementedError


def environment_plugin(ctx: Context) -> bool:
    """Whether ``plugins`` may hold a cluster environment (a Lightning one, or a class outside
    Lightning that may subclass one): it replaces the environment Lightning would detect, so the
    launch checks modelled here do not apply."""
    if "plugins" not in ctx.trainer:
        return False
    from trainer_lint.rules.objects.collect import objects

    return any(o.slot == "plugins" and (o.info is None or o.info.kind == "environment") for o in objects(ctx))


def tasks_words(count: "Count") -> str:
    """What the script wrote for a count (``--nodes=2``), else the count in words."""
    return count.source.text if count.source is not None else count.words()


class LaunchUnchecked(LaunchRule):
    """## What it does
    Under SLURM or torchrun, flags strategies whose launcher Lightning does not check against the
    launch: the single-device strategy while the script starts several tasks per node, the
    spawn/fork strategies (`ddp_spawn*`, `ddp_fork*`, `ddp_notebook*`), and FSDP with a task
    count per node other than `devices`.

    ## Why is this bad?
    No error stops the job, but it does not train as the config says: every task trains its own
    copy (single device), every task spawns its own processes (spawn/fork), or FSDP shards over
    a different number of processes than `devices` gives it devices.

    ## Example
    ```bash
    #SBATCH --ntasks-per-node=4
    srun python train.py --config cfg.toml
    ```
    ```toml
    [trainer]
    devices = 1
    ```

    ## Fix
    `devices = 4` (Lightning then picks `ddp` and checks the launch), or `--ntasks-per-node=1`.

    ## Lightning source
    `_AcceleratorConnector._choose_strategy`; `DDPStrategy._configure_launcher` and
    `FSDPStrategy._configure_launcher` (no launcher when the cluster starts the processes) in
    `lightning/pytorch/strategies/`.
    """

    code = "TL407"
    name = "launch-unchecked"
    summary = "The script starts a different number of processes than the strategy expects, unchecked"
    severity = Severity.WARNING

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        chosen = f.chosen_strategy
        if rz.cluster not in ("slurm", "torchelastic") or chosen is None or f.validates_launch is not False:
            return
        per_node = rz.ntasks_per_node if rz.cluster == "slurm" else rz.nproc_per_node
        if per_node is None and rz.cluster == "slurm" and rz.ntasks is not None and rz.nnodes is not None and rz.nnodes.value == 1:
            per_node = rz.ntasks
        if per_node is None or per_node.values is None:
            return
        count = f.device_count
        what = "SLURM tasks" if rz.cluster == "slurm" else "torchrun processes"
        source = note(per_node.source, f"`{tasks_words(per_node)}`: {what} per node")
        if chosen == "single_device":
            if min(per_node.values) > 1:
                yield self.report(
                    DEVICES_KEY,
                    f"{script_name(ctx)} starts {per_node.words()} {what} per node, but this config trains in one process with the "
                    "single-device strategy, which Lightning does not check against the launch: every task trains its own copy. "
                    "Set `devices` to the tasks per node",
                    related=source,
                )
        elif is_fork(f.lightning, chosen) or "spawn" in chosen:
            yield self.report(
                STRATEGY_KEY,
                f'`strategy = "{chosen}"` starts its own processes, which Lightning does not reconcile with the {what} '
                f'{script_name(ctx)} starts ({per_node.words()} per node): use `strategy = "ddp"` under SLURM or torchrun',
                related=source,
            )
        elif is_fsdp(f.lightning, chosen) and count is not None and per_node.never(count):
            yield self.report(
                DEVICES_KEY,
                f"{say_processes(ctx, f)} gives FSDP {count} device(s) per node, but {script_name(ctx)} starts {per_node.words()} "
                f"{what} per node; Lightning does not check this for FSDP. Make them equal",
                related=source,
            )


class LaunchNotRead(Rule):
    """## What it does
    Notes a launch script in which no training command was recognised (`srun`, `torchrun`,
    `python -m torch.distributed.run`, `python SCRIPT`, `python -m MODULE`, `trainer-lint run`),
    so the config was not checked against it.

    ## Why is this bad?
    It is not wrong; it says that the launch checks did not run (a launcher such as `mpirun`,
    `deepspeed` or `accelerate launch` is not modelled).

    ## Example
    ```bash
    #SBATCH --nodes=2
    mpirun -np 8 python train.py --config cfg.toml
    ```

    ## Fix
    Launch with `srun` or `torchrun`, or leave the note.

    ## Lightning source
    `_AcceleratorConnector._choose_and_init_cluster_environment` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py` (the environments modelled).
    """

    code = "TL408"
    name = "launch-not-read"
    summary = "No training command was recognised in the launch script"
    severity = Severity.INFO
    triggers = None
    requires = "launcher"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        placement = ctx.placement
        if placement is None or placement.step is not None:
            return
        yield self.report(
            ("trainer",),
            f"{script_name(ctx)}: no training command recognised (srun, torchrun, python SCRIPT, python -m MODULE, trainer-lint "
            "run), so the config was not checked against the launch",
        )


class LaunchValueOpen(LaunchRule):
    """## What it does
    Notes a launch check that could not be decided because the script leaves a value open: a
    range (`--nodes=1-2`, `--nnodes=1:4`), a variable set outside the script (`--nnodes=$NNODES`),
    `--nproc-per-node=gpu` without a target, or a GPU binding that depends on the cluster.

    ## Why is this bad?
    It is not wrong. Lightning will check it when `fit` starts, with the value the cluster gives;
    trainer-lint reports an error only when every possible value fails.

    ## Example
    ```bash
    #SBATCH --nodes=1-2
    #SBATCH --ntasks-per-node=4
    srun trainer-lint run cfg.toml
    ```

    ## Fix
    Fix the value in the script (`--nodes=2`), or pass `--target` for what the machine decides.

    ## Lightning source
    `SLURMEnvironment.validate_settings` and `TorchElasticEnvironment.validate_settings` in
    `lightning/fabric/plugins/environments/`.
    """

    code = "TL409"
    name = "launch-value-open"
    summary = "A launch check the script leaves open"
    severity = Severity.INFO

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        yield from self._gpus(ctx, f, rz)
        if f.validates_launch is not True:
            return
        tasks = rz.ntasks
        if rz.cluster == "slurm" and rz.ntasks_per_node is None and tasks is not None and tasks.values and min(tasks.values) > 1:
            return  # the Trainer is refused while it is built (TL402): nothing is checked at `fit`
        count = f.device_count
        checks: list[tuple[KeyPath, Optional["Count"], Optional[int], str, str]] = []
        if rz.cluster == "slurm":
            checks.append((DEVICES_KEY, rz.ntasks_per_node, count, "tasks per node", "`devices`"))
            checks.append((NUM_NODES_KEY, rz.nnodes, f.num_nodes, "node count", "`num_nodes`"))
        elif rz.cluster == "torchelastic":
            world = None if count is None else count * f.num_nodes
            checks.append((DEVICES_KEY, rz.world_size, world, "world size", "`devices` x `num_nodes`"))
        for key, value, expected, what, mine in checks:
            if value is None:
                continue
            written = f"`{value.source.text}`" if value.source is not None else f"the {what}"
            if expected is None:
                yield self.report(
                    key,
                    f"{script_name(ctx)} sets the {what} to {value.words()}, but how many processes this config runs depends on "
                    "the machine (`devices` is \"auto\" or -1): pass `--target` to check it",
                    related=note(value.source, f"{written} sets the {what}"),
                )
            elif value.open_about(expected):
                why = f" ({value.why})" if value.why else ""
                may = "is open" if value.values is None else f"may be {value.words()}"
                yield self.report(
                    key,
                    f"the {what} of {script_name(ctx)} {may}{why}: when `fit` starts, Lightning raises unless it equals "
                    f"{mine} ({expected})",
                    related=note(value.source, f"{written} leaves the {what} open"),
                )


    def _gpus(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        """GPUs per process left open (``--gpus-per-task``): note a request that fits only some."""
        visible = rz.visible_gpus
        if f.runs_on != "cuda" or visible is None or visible.value is not None or not ctx.is_set("devices"):
            return
        value = f.devices
        indices = _requested(value)
        if indices is None or visible.values is None:
            return
        need = max(indices) + 1 if indices else 0
        if need > min(visible.values) and need <= max(visible.values):
            yield self.report(
                DEVICES_KEY,
                f"{say_devices(value)} needs {need} GPUs in each process; {script_name(ctx)} gives each task {visible.words()} "
                f"({visible.why or 'open'}): Lightning raises \"You requested gpu\" where a task sees fewer",
                related=note(visible.source, "the GPUs per task"),
            )


def _requested(devices: object) -> Optional[list[int]]:
    """The GPU indices ``devices`` asks for, when it names a count or indices."""
    if isinstance(devices, bool):
        return None
    if isinstance(devices, int):
        return list(range(devices)) if devices > 0 else None
    if isinstance(devices, list) and all(isinstance(i, int) for i in devices):
        return list(devices)
    if isinstance(devices, str) and devices.strip().isdigit():
        return list(range(int(devices)))
    return None


class InvalidLauncherComment(EngineRule):
    """## What it does
    Flags a `# trainer-lint: launcher = PATH` comment whose script cannot be read (missing, not a
    file, binary, not UTF-8).

    ## Why is this bad?
    The config would be checked without its launch script, silently.

    ## Example
    ```toml
    # trainer-lint: launcher = jobs/trian.sbatch
    [trainer]
    devices = 4
    ```

    ## Fix
    ```toml
    # trainer-lint: launcher = jobs/train.sbatch
    [trainer]
    devices = 4
    ```

    ## Lightning source
    None: this is trainer-lint's own comment (see `docs/targets.md`).
    """

    code = INVALID_LAUNCHER_COMMENT
    name = "invalid-launcher-comment"
    summary = "A `# trainer-lint: launcher` comment names a script that cannot be read"


RULES: tuple[type[Rule], ...] = (
    LaunchUnchecked,
    LaunchNotRead,
    LaunchValueOpen,
    InvalidLauncherComment,
)
