"""The config under ``torchrun`` (TL405–TL406): ``TorchElasticEnvironment.validate_settings``
and the split it does not check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.hardware.connector import DEVICES_KEY, Facts
from trainer_lint.rules.hardware.launch import LaunchRule, note, say_processes

if TYPE_CHECKING:
    from trainer_lint.launchers import RankZero


class TorchrunWorldSize(LaunchRule):
    """## What it does
    Under `torchrun` (or `python -m torch.distributed.run`), flags `devices * num_nodes` that
    differs from torchrun's world size (`--nnodes * --nproc-per-node`), for strategies whose
    launcher checks it (as TL400).

    ## Why is this bad?
    When `fit` starts, Lightning raises `ValueError: You set devices=2 and num_nodes=1 in
    Lightning, but the product (2 * 1) does not match the world size (8).`

    ## Example
    ```bash
    torchrun --nproc-per-node=8 train.py --config cfg.toml
    ```
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 2
    strategy = "ddp"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 8
    strategy = "ddp"
    ```

    ## Lightning source
    `TorchElasticEnvironment.validate_settings` in
    `lightning/fabric/plugins/environments/torchelastic.py`.
    """

    code = "TL405"
    name = "torchrun-world-size"
    summary = "`devices * num_nodes` differs from torchrun's world size"

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        count, world = f.device_count, rz.world_size
        if rz.cluster != "torchelastic" or count is None or world is None or f.validates_launch is not True:
            return
        product = count * f.num_nodes
        if world.never(product):
            yield self.report(
                DEVICES_KEY,
                f"{say_processes(ctx, f)} with `num_nodes = {f.num_nodes}` makes {product} processes, but torchrun starts "
                f"{world.words()} (`--nnodes` x `--nproc-per-node`): when `fit` starts, Lightning raises \"You set `devices={count}` "
                f"and `num_nodes={f.num_nodes}` in Lightning, but the product ({count} * {f.num_nodes}) does not match the world size\"",
                related=note(rz.nproc_per_node.source if rz.nproc_per_node else None, "torchrun's processes per node"),
            )


class TorchrunSplit(LaunchRule):
    """## What it does
    Under `torchrun`, flags `devices` and `num_nodes` whose product matches torchrun's world size
    but whose split does not: `devices = 8, num_nodes = 1` under `--nnodes=2 --nproc-per-node=4`.

    ## Why is this bad?
    Lightning compares only the product (TL405), so nothing stops the job, but each node runs
    `--nproc-per-node` processes while Lightning places them as if it ran `devices`: ranks land
    on the wrong GPUs, or index past the devices list.

    ## Example
    ```bash
    torchrun --nnodes=2 --nproc-per-node=4 train.py --config cfg.toml
    ```
    ```toml
    [trainer]
    devices = 8
    ```

    ## Fix
    ```toml
    [trainer]
    devices = 4
    num_nodes = 2
    ```

    ## Lightning source
    `TorchElasticEnvironment.validate_settings` in
    `lightning/fabric/plugins/environments/torchelastic.py` (the product only).
    """

    code = "TL406"
    name = "torchrun-split"
    summary = "`devices`/`num_nodes` split differently from torchrun's nodes and processes"
    severity = Severity.WARNING

    def launched(self, ctx: Context, f: Facts, rz: "RankZero") -> Iterable[Diagnostic]:
        count, world, nproc = f.device_count, rz.world_size, rz.nproc_per_node
        if rz.cluster != "torchelastic" or count is None or world is None or world.value is None or nproc is None:
            return
        if world.value != count * f.num_nodes or f.validates_launch is not True:
            return
        if nproc.never(count):
            yield self.report(
                DEVICES_KEY,
                f"{say_processes(ctx, f)} with `num_nodes = {f.num_nodes}` matches torchrun's world size of {world.value} only as a "
                f"product: torchrun starts {nproc.words()} processes per node. Lightning checks only the product; set `devices` "
                "to `--nproc-per-node` and `num_nodes` to `--nnodes`",
                related=note(nproc.source, "torchrun's processes per node"),
            )


RULES: tuple[type[Rule], ...] = (
    TorchrunWorldSize,
    TorchrunSplit,
)
