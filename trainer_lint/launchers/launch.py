"""What a launch script starts: the training command (``srun``, ``torchrun``, ``python``,
``trainer-lint run``), the config it names, and the environment rank 0 of that command sees.

The environment is derived as ``sbatch``, ``srun`` and ``torchrun`` document it (it is not read
from a cluster):

* ``sbatch`` sets ``SLURM_JOB_NAME`` (``--job-name``, else the script's file name),
  ``SLURM_NNODES`` (``--nodes``), ``SLURM_NTASKS`` only when ``--ntasks`` or
  ``--ntasks-per-node`` is given, and ``SLURM_NTASKS_PER_NODE`` only for ``--ntasks-per-node``;
* ``srun`` inherits those, lets its own options override them, and always sets ``SLURM_NTASKS``
  (by default one task per node);
* ``torchrun`` sets ``WORLD_SIZE = nnodes * nproc_per_node`` and ``TORCHELASTIC_RUN_ID``, which
  makes Lightning pick its torchelastic environment before SLURM's;
* GPUs: ``--gres=gpu:N``/``--gpus-per-node=N`` make N visible to each task (SLURM sets
  ``CUDA_VISIBLE_DEVICES``); ``--gpus-per-task=G`` G or all of the node's, depending on the
  cluster's GPU binding; ``CUDA_VISIBLE_DEVICES`` exported by the script wins.

Assumes the script is submitted as ``sbatch job.sbatch`` (or run as ``bash job.sh``) without
options on that command line or ``SBATCH_*`` variables overriding its directives.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

from trainer_lint.launchers.commands import ALIASES, Options, Step, read_steps
from trainer_lint.launchers.script import Script, expand
from trainer_lint.launchers.values import Count, Source, read_count

INTERACTIVE_JOB_NAMES = ("bash", "interactive")
"""``_is_slurm_interactive_mode`` in ``lightning/fabric/plugins/environments/slurm.py``."""




@dataclass(frozen=True)
class RankZero:
    """The environment rank 0 of a step sees, as far as Lightning reads it."""

    cluster: str
    """The cluster environment Lightning picks: ``"torchelastic"``, ``"slurm"`` or ``"lightning"``."""
    batch: bool
    """The script is a SLURM batch job (it has ``#SBATCH`` directives)."""
    srun: bool
    """The step runs under ``srun``."""
    ntasks: Optional[Count] = None
    """``SLURM_NTASKS``; None when unset."""
    ntasks_per_node: Optional[Count] = None
    """``SLURM_NTASKS_PER_NODE``; None when unset."""
    nnodes: Optional[Count] = None
    """``SLURM_NNODES``; None outside SLURM."""
    job_name: Optional[str] = None
    job_name_source: Optional[Source] = None
    world_size: Optional[Count] = None
    """torchrun's ``WORLD_SIZE``."""
    nproc_per_node: Optional[Count] = None
    torch_nnodes: Optional[Count] = None
    visible_gpus: Optional[Count] = None
    """CUDA devices each process sees; None when the script does not decide it."""

    @property
    def interactive(self) -> bool:
        """A SLURM job named ``bash`` or ``interactive``: Lightning ignores SLURM for it."""
        return self.job_name in INTERACTIVE_JOB_NAMES

    def environ(self) -> dict[str, str]:
        """The variables Lightning reads, for the values the script fixes (tests and docs)."""
        out: dict[str, str] = {}
        if self.nnodes is not None or self.ntasks is not None:
            out["SLURM_JOB_ID"] = "1234"
            out["SLURM_PROCID"] = out["SLURM_LOCALID"] = out["SLURM_NODEID"] = "0"
            out["SLURM_NODELIST"] = "node[1-9]"
            if self.job_name is not None:
                out["SLURM_JOB_NAME"] = self.job_name
        for name, count in (("SLURM_NTASKS", self.ntasks), ("SLURM_NTASKS_PER_NODE", self.ntasks_per_node), ("SLURM_NNODES", self.nnodes)):
            if count is not None and count.value is not None:
                out[name] = str(count.value)
        if self.cluster == "torchelastic":
            out.update({"TORCHELASTIC_RUN_ID": "none", "RANK": "0", "LOCAL_RANK": "0", "GROUP_RANK": "0"})
            if self.world_size is not None and self.world_size.value is not None:
                out["WORLD_SIZE"] = str(self.world_size.value)
            if self.nproc_per_node is not None and self.nproc_per_node.value is not None:
                out["LOCAL_WORLD_SIZE"] = str(self.nproc_per_node.value)
        return out


@dataclass
class Launch:
    """A launch script, read."""

    path: str
    script: Script
    steps: list[Step]

    @property
    def batch(self) -> bool:
        return bool(self.script.directives)

    def configs(self) -> list[Source]:
        """The configs the script's training commands name, in order, without repeats."""
        seen: dict[str, Source] = {}
        for step in self.steps:
            if step.config is not None:
                seen.setdefault(step.config.text, step.config)
        return list(seen.values())

    def config_path(self, config: Source) -> str:
        """Where a named config lives: relative to the script's folder (where ``sbatch`` is
        usually run from), else to the current folder."""
        text = os.path.expanduser(config.text)
        if os.path.isabs(text):
            return text
        beside = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(self.path)), text))
        return beside if os.path.exists(beside) or not os.path.exists(text) else text

    def step_for(self, config_path: Optional[str]) -> Optional[Step]:
        """The step that trains ``config_path``: the one naming it, else the first under ``srun``
        or ``torchrun``, else the last training command."""
        if not self.steps:
            return None
        if config_path is not None:
            wanted = os.path.realpath(config_path)
            for step in self.steps:
                if step.config is not None and os.path.realpath(self.config_path(step.config)) == wanted:
                    return step
        launched = [s for s in self.steps if s.srun is not None or s.torchrun is not None]
        return launched[0] if launched else self.steps[-1]

    # -- the environment --------------------------------------------------------------------------

    def job(self) -> Options:
        """The ``#SBATCH`` options by canonical name (a later directive wins)."""
        out: Options = {}
        for d in self.script.directives:
            out[ALIASES.get(d.name, d.name)] = (d.value, Source(self.path, d.span, d.text))
        return out

    def rank_zero(self, step: Step, *, gpus_hint: Optional[int] = None) -> RankZero:
        """The environment rank 0 of ``step`` sees (see the module docstring). ``gpus_hint``:
        the target's GPUs per node, for what the script leaves to the machine
        (``--nproc-per-node=gpu``)."""
        job = self.job()
        batch = bool(self.script.directives)
        lookup = self._lookup(step, {})
        cluster_slurm = batch or step.srun is not None
        nodes = ntasks = per_node = None
        job_name: Optional[str] = None
        job_name_source: Optional[Source] = None
        if cluster_slurm:
            nodes, ntasks, per_node = self._slurm_counts(job, step, lookup)
            job_name, job_name_source = self._job_name(job, step)
        visible = self._visible_gpus(job, step, per_node, lookup)
        slurm_lookup = {"SLURM_NNODES": nodes, "SLURM_JOB_NUM_NODES": nodes, "SLURM_NTASKS": ntasks, "SLURM_NTASKS_PER_NODE": per_node, "SLURM_GPUS_ON_NODE": visible}
        if step.torchrun is not None:
            lookup = self._lookup(step, slurm_lookup)
            nproc = self._nproc(step.torchrun, visible if visible is not None or gpus_hint is None else Count.exact(gpus_hint), lookup)
            torch_nodes = self._count(step.torchrun.get("nnodes"), lookup, default=1, what="--nnodes")
            world = torch_nodes.times(nproc)
            return RankZero("torchelastic", batch, step.srun is not None, ntasks, per_node, nodes, job_name, job_name_source, world, nproc, torch_nodes, visible)
        slurm = ntasks is not None and job_name not in INTERACTIVE_JOB_NAMES
        return RankZero("slurm" if slurm else "lightning", batch, step.srun is not None, ntasks, per_node, nodes, job_name, job_name_source, None, None, None, visible)

    def _lookup(self, step: Step, derived: dict[str, Optional[Count]]):  # type: ignore[no-untyped-def]
        script = self.script

        def lookup(name: str) -> Optional[str]:
            if name in step.environment:
                return step.environment[name]
            if name in script.variables:
                return script.variables[name][0]
            count = derived.get(name)
            if count is not None and count.value is not None:
                return str(count.value)
            return None

        return lookup

    def _count(self, option: Optional[tuple[Optional[str], Source]], lookup, *, default: Optional[int], what: str) -> Count:  # type: ignore[no-untyped-def]
        if option is None:
            return Count.exact(default) if default is not None else Count.unknown(f"{what} is not set")
        value, source = option
        text = expand(value or "", lookup)
        if text is None:
            return Count.unknown(f"`{source.text}` depends on a variable the script does not set", source)
        count = read_count(text, source, what=what)
        assert count is not None
        return count

    def _slurm_counts(self, job: Options, step: Step, lookup) -> tuple[Count, Optional[Count], Optional[Count]]:  # type: ignore[no-untyped-def]
        """``SLURM_NNODES``, ``SLURM_NTASKS`` (None: unset) and ``SLURM_NTASKS_PER_NODE`` (None: unset)."""
        srun = step.srun or {}
        job_tasks = self._count(job["ntasks"], lookup, default=None, what="--ntasks") if "ntasks" in job else None
        job_per_node = self._count(job["ntasks-per-node"], lookup, default=None, what="--ntasks-per-node") if "ntasks-per-node" in job else None
        if "nodes" in job:
            job_nodes = self._count(job["nodes"], lookup, default=None, what="--nodes")
        elif job_tasks is not None and job_per_node is None:
            # SLURM places the tasks on as many nodes as it needs.
            high = max(job_tasks.values) if job_tasks.values else None
            job_nodes = Count.between(1, high, job_tasks.source) if high else Count.unknown("the node count is left to SLURM", job_tasks.source)
        else:
            job_nodes = Count.exact(1)
        if job_tasks is None and job_per_node is not None:
            job_tasks = job_nodes.times(job_per_node, job_per_node.source)
        if step.srun is None:
            return job_nodes, job_tasks, job_per_node
        nodes = self._count(srun["nodes"], lookup, default=None, what="--nodes") if "nodes" in srun else job_nodes
        per_node = self._count(srun["ntasks-per-node"], lookup, default=None, what="--ntasks-per-node") if "ntasks-per-node" in srun else job_per_node
        if "ntasks" in srun:
            tasks = self._count(srun["ntasks"], lookup, default=None, what="--ntasks")
        elif "ntasks-per-node" in srun and per_node is not None:
            tasks = nodes.times(per_node, per_node.source)
        elif job_tasks is not None:
            tasks = job_tasks
        else:
            tasks = Count(nodes.values, step.source, "one task per node")  # srun's default
        return nodes, tasks, per_node

    def _job_name(self, job: Options, step: Step) -> tuple[Optional[str], Optional[Source]]:
        for options_ in (step.srun or {}, job):
            if "job-name" in options_:
                value, source = options_["job-name"]
                return value or "", source
        if self.script.directives:
            return os.path.basename(self.path), None  # sbatch's default: the script's file name
        return None, None  # srun outside a batch job names the job after its command

    def _visible_gpus(self, job: Options, step: Step, per_node: Optional[Count], lookup) -> Optional[Count]:  # type: ignore[no-untyped-def]
        setting = lookup("CUDA_VISIBLE_DEVICES")
        if setting is not None:
            entries = [e.strip() for e in setting.split(",")] if setting.strip() else []
            count = 0
            for entry in entries:
                if not (entry.isdigit() or entry.upper().startswith(("GPU-", "MIG-"))):
                    break
                count += 1
            source = self.script.variables.get("CUDA_VISIBLE_DEVICES")
            where = Source(self.path, source[1], f"CUDA_VISIBLE_DEVICES={setting}") if source else step.source
            return Count.exact(count, where)
        srun = step.srun or {}
        merged = {**job, **srun}
        if "gpus-per-task" in merged:
            value, source = merged["gpus-per-task"]
            per_task = _gpu_number(value)
            if per_task is None:
                return Count.unknown(f"`{source.text}` is not a GPU count", source)
            bind = merged.get("gpu-bind", (None, None))[0]
            if bind is not None and bind.strip().lower().startswith("none"):
                if per_node is not None and per_node.values is not None:
                    return Count(frozenset(per_task * n for n in per_node.values), source)
                return Count.unknown("GPUs per node depend on the task count", source)
            if per_node is not None and per_node.value is not None:
                return Count(frozenset({per_task, per_task * per_node.value}), source, "depends on the cluster's GPU binding")
            return Count.unknown("depends on the cluster's GPU binding", source)
        for name in ("gpus-per-node", "gres"):
            if name in merged:
                value, source = merged[name]
                number = _gpu_number(value) if name == "gpus-per-node" else _gres_gpus(value)
                if number is None:
                    return Count.unknown(f"`{source.text}` does not fix a GPU count", source) if name == "gpus-per-node" else None
                return Count.exact(number, source)
        if "gpus" in merged:
            value, source = merged["gpus"]
            number = _gpu_number(value)
            nodes = self._count(merged.get("nodes"), lookup, default=1, what="--nodes")
            if number is not None and nodes.value == 1:
                return Count.exact(number, source)
            return Count.unknown("`--gpus` counts GPUs across nodes", source)
        return None

    def _nproc(self, torchrun: Options, visible: Optional[Count], lookup) -> Count:  # type: ignore[no-untyped-def]
        option = torchrun.get("nproc-per-node")
        if option is None:
            return Count.exact(1)
        value, source = option
        text = expand(value or "", lookup)
        if text is None:
            return Count.unknown(f"`{source.text}` depends on a variable the script does not set", source)
        if text.strip().lower() in ("gpu", "cuda", "auto"):
            if visible is not None and visible.values is not None and 0 not in visible.values:
                return Count(visible.values, source)
            return Count.unknown(f"`{source.text}` is the number of GPUs each node has", source)
        if text.strip().lower() in ("cpu", "xpu"):
            return Count.unknown(f"`{source.text}` depends on the machine", source)
        count = read_count(text, source, what="--nproc-per-node")
        assert count is not None
        return count


def _gpu_number(value: Optional[str]) -> Optional[int]:
    """``"4"`` or ``"a100:4"`` -> 4."""
    if value is None:
        return None
    last = value.strip().rsplit(":", 1)[-1]
    return int(last) if last.isdigit() else None


def _gres_gpus(value: Optional[str]) -> Optional[int]:
    """GPUs per node in a ``--gres`` value: ``gpu:4``, ``gpu:a100:4``, ``gpu`` (1), among others."""
    if value is None:
        return None
    for item in value.split(","):
        parts = item.strip().split(":")
        if parts[0] != "gpu":
            continue
        if len(parts) == 1:
            return 1
        last = parts[-1].split("(")[0]
        return int(last) if last.isdigit() else (1 if len(parts) == 2 else None)
    return None


__all__ = ["Launch", "RankZero", "Step", "read_steps"]
