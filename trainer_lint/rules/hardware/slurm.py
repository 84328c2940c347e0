"""The config under a SLURM batch script (TL400–TL404): the checks of Lightning's
``SLURMEnvironment`` (``validate_settings``, ``_validate_srun_variables``) and the mistakes it
does not catch (a forgotten ``srun``, a job named ``interactive``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.hardware.connector import DEVICES_KEY, Facts
from trainer_lint.rules.hardware.launch import NUM_NODES_KEY, LaunchRule, note, say_processes, script_name, tasks_words

if TYPE_CHECKING:
    from trainer_lint.launchers import RankZero


class SlurmDevicesMismatch(LaunchRule):
    """## What it does
    Under a SLURM launch script, flags `devices` that differ from the tasks per node
    (`--ntasks-per-node`), for strategies whose launcher checks it: `ddp` (also when "auto"
    picks it), `ddp_find_unused_parameters_*` and `deepspeed*`.

    ## Why is this bad?
    When `fit` starts, after the job has waited in the queue and loaded its data, Lightning raises
    `ValueError: You set devices=4 in Lightning, but the number of tasks per node configured in
    SLURM --ntasks-per-node=1 does not match. HINT: Set devices=1.` SLURM starts one process per
    task; Lightning expects one per device.

    ## Example
    ```toml
    # job.sbatch: #SBATCH --ntasks-per-node=1
    [trainer]
    accelerator = "gpu"
    devices = 4
    strategy = "ddp"
    ```

    ## Fix
    Make them equal: `#SBATCH --ntasks-per-node=4` (with 4 GPUs per node), or `devices = 1`.

    ## Lightning source
    `SLURMEnvironment.validate_settings` in `lightning/fabric/plugins/environments/slurm.py`,
    called by `_SubprocessScriptLauncher.launch` in
    `lightning/pytorch/strategies/launchers/subprocess_script.py`.
    """

    code = "TL400"
    name = "slurm-devices-mismatch"
    summary = "`devices` differs from SLURM's tasks per node"

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        count = f.device_count
        per_node = rz.ntasks_per_node
        if rz.cluster != "slurm" or per_node is None or count is None or f.validates_launch is not True:
            return
        if per_node.never(count):
            yield self.report(
                DEVICES_KEY,
                f"{say_processes(ctx, f)} runs {count} process{'' if count == 1 else 'es'} per node, but {script_name(ctx)} "
                f"starts {per_node.words()} task{'' if per_node.value == 1 else 's'} per node: when `fit` starts, Lightning raises "
                f'"You set `devices={count}` in Lightning, but the number of tasks per node configured in SLURM does not match". '
                f"Make `devices` and `--ntasks-per-node` equal",
                related=note(per_node.source, f"`{tasks_words(per_node)}` sets the tasks per node"),
            )


class SlurmNodesMismatch(LaunchRule):
    """## What it does
    Under a SLURM launch script, flags `num_nodes` that differs from the job's nodes (`--nodes`),
    for strategies whose launcher checks it (as TL400).

    ## Why is this bad?
    When `fit` starts, Lightning raises `ValueError: You set num_nodes=1 in Lightning, but the
    number of nodes configured in SLURM --nodes=2 does not match. HINT: Set num_nodes=2.`

    ## Example
    ```toml
    # job.sbatch: #SBATCH --nodes=2
    [trainer]
    accelerator = "gpu"
    devices = 4
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 4
    num_nodes = 2
    ```

    ## Lightning source
    `SLURMEnvironment.validate_settings` in `lightning/fabric/plugins/environments/slurm.py`.
    """

    code = "TL401"
    name = "slurm-nodes-mismatch"
    summary = "`num_nodes` differs from SLURM's node count"

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        nodes = rz.nnodes
        if rz.cluster != "slurm" or nodes is None or f.validates_launch is not True:
            return
        if nodes.never(f.num_nodes):
            written = "`num_nodes`" + (f" = {f.num_nodes}" if ctx.is_set("num_nodes") else " (unset: 1)")
            yield self.report(
                NUM_NODES_KEY,
                f"{written} differs from the {nodes.words()} node{'' if nodes.value == 1 else 's'} of {script_name(ctx)}: when `fit` "
                f'starts, Lightning raises "You set `num_nodes={f.num_nodes}` in Lightning, but the number of nodes configured in '
                f'SLURM does not match". Set `num_nodes = {nodes.value if nodes.value is not None else nodes.words()}`',
                related=note(nodes.source, f"`{tasks_words(nodes)}` sets the nodes"),
            )


class SlurmNtasksWithoutPerNode(LaunchRule):
    """## What it does
    Under a SLURM launch script, flags a job step of more than one task without
    `--ntasks-per-node`: `--ntasks=8` alone, or `--nodes=2` with `srun`'s default of one task per
    node.

    ## Why is this bad?
    Lightning refuses it while building the Trainer, for every strategy: `RuntimeError: You set
    --ntasks=8 in your SLURM bash script, but this variable is not supported. HINT: Use
    --ntasks-per-node=8 instead.` (SLURM sets `SLURM_NTASKS_PER_NODE` only when the script asks
    for a count per node.)

    ## Example
    ```bash
    #SBATCH --ntasks=8
    srun trainer-lint run cfg.toml
    ```

    ## Fix
    ```bash
    #SBATCH --nodes=2
    #SBATCH --ntasks-per-node=4
    srun trainer-lint run cfg.toml
    ```

    ## Lightning source
    `SLURMEnvironment._validate_srun_variables` in
    `lightning/fabric/plugins/environments/slurm.py`, called by `SLURMEnvironment.__init__`.
    """

    code = "TL402"
    name = "slurm-ntasks-without-per-node"
    summary = "Several SLURM tasks without `--ntasks-per-node`"

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        tasks = rz.ntasks
        if rz.cluster != "slurm" or rz.ntasks_per_node is not None or tasks is None or tasks.values is None:
            return
        if min(tasks.values) > 1:
            where = tasks.source.text if tasks.source is not None else "the job"
            yield self.report(
                ("trainer",),
                f"{script_name(ctx)} runs {tasks.words()} SLURM tasks without `--ntasks-per-node` ({where}): Lightning raises "
                f'"You set `--ntasks={tasks.words()}` in your SLURM bash script, but this variable is not supported" while building '
                "the Trainer. Use `--nodes=N` with `--ntasks-per-node=devices` instead",
                related=note(tasks.source, "the task count is set here, with no count per node"),
            )


class SrunMissing(LaunchRule):
    """## What it does
    Under a SLURM batch script, flags a training command started without `srun` where the job has
    several tasks or nodes.

    ## Why is this bad?
    The batch script runs once, on the first node. With `--ntasks`/`--ntasks-per-node` set,
    Lightning sees `SLURM_NTASKS` and believes `srun` started every task: it starts no processes
    of its own and waits for the others, forever (the job hangs until its time limit; Lightning's
    own "srun is available but not used" warning is not given, because `SLURM_NTASKS` is set).
    Without them, the other nodes of a multi-node job never run anything.

    ## Example
    ```bash
    #SBATCH --nodes=1
    #SBATCH --ntasks-per-node=4
    python train.py --config cfg.toml
    ```

    ## Fix
    ```bash
    srun python train.py --config cfg.toml
    ```

    ## Lightning source
    `SLURMEnvironment.detect`, `_is_srun_used` and `_validate_srun_used` in
    `lightning/fabric/plugins/environments/slurm.py`.
    """

    code = "TL403"
    name = "srun-missing"
    summary = "A multi-task SLURM job that starts training without `srun`"
    severity = Severity.WARNING

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        if not rz.batch or rz.srun or rz.cluster == "torchelastic":
            return
        placement = ctx.placement
        line = placement.step.source if placement is not None and placement.step is not None else None
        tasks, nodes = rz.ntasks, rz.nnodes
        if rz.cluster == "slurm" and tasks is not None and tasks.values is not None and min(tasks.values) > 1:
            if f.chosen_strategy in (None, "single_device"):
                return
            yield self.report(
                ("trainer",),
                f"{script_name(ctx)} asks SLURM for {tasks.words()} tasks but starts training without `srun`: Lightning reads "
                "SLURM_NTASKS, starts no processes of its own and waits for the others, which never start (the job hangs). "
                "Put `srun` in front of the command",
                related=note(line, "this command runs once, without srun"),
            )
        elif nodes is not None and nodes.values is not None and (min(nodes.values) > 1 or f.num_nodes > 1):
            yield self.report(
                NUM_NODES_KEY,
                f"{script_name(ctx)} starts training without `srun` on a job of {nodes.words()} node(s) with `num_nodes = {f.num_nodes}`: "
                "only the first node runs the command"
                + (", and rank 0 waits for the others (the job hangs)" if f.num_nodes > 1 else "")
                + ". Put `srun` in front of the command, with `--ntasks-per-node` equal to `devices`",
                related=note(line, "this command runs once, on the first node"),
            )


class InteractiveJobName(LaunchRule):
    """## What it does
    Flags a SLURM job named `bash` or `interactive` (`salloc`'s default name, or `--job-name`)
    whose `srun` starts several tasks.

    ## Why is this bad?
    Lightning skips SLURM for jobs with these names, on purpose, so that processes can be started
    by hand inside an allocation. Every task `srun` starts then believes it is alone: each trains
    its own copy, or, with `devices` > 1, starts its own processes on the same GPUs and port.
    None of Lightning's SLURM checks (TL400–TL402) run.

    ## Example
    ```bash
    #SBATCH --job-name=interactive
    #SBATCH --ntasks-per-node=4
    srun trainer-lint run cfg.toml
    ```

    ## Fix
    Give the job another name: `#SBATCH --job-name=train`.

    ## Lightning source
    `_is_slurm_interactive_mode` and `SLURMEnvironment.detect` in
    `lightning/fabric/plugins/environments/slurm.py`.
    """

    code = "TL404"
    name = "interactive-job-name"
    summary = "A SLURM job named `bash` or `interactive`, for which Lightning ignores SLURM"
    severity = Severity.WARNING

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        if not rz.interactive or not rz.srun or rz.cluster == "torchelastic":
            return
        tasks = rz.ntasks
        if tasks is None or tasks.values is None or min(tasks.values) <= 1:
            return
        yield self.report(
            ("trainer",),
            f"the SLURM job is named `{rz.job_name}`, for which Lightning ignores SLURM: each of the {tasks.words()} tasks `srun` "
            "starts trains on its own (none of Lightning's SLURM checks run). Name the job otherwise",
            related=note(rz.job_name_source, f"`{rz.job_name_source.text}`") if rz.job_name_source else note(
                ctx.placement.step.source if ctx.placement and ctx.placement.step else None, f"the job is named `{rz.job_name}` after the script's file"
            ),
        )


RULES: tuple[type[Rule], ...] = (
    SlurmDevicesMismatch,
    SlurmNodesMismatch,
    SlurmNtasksWithoutPerNode,
    SrunMissing,
    InteractiveJobName,
)
