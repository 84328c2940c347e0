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
import re
from dataclasses import dataclass, field
from typing import Optional

from trainer_lint.diagnostic import Span
from trainer_lint.launchers.script import Command, Script, Word, expand, options
from trainer_lint.launchers.values import Count, Source, read_count

ALIASES = {
    "N": "nodes",
    "n": "ntasks",
    "J": "job-name",
    "G": "gpus",
    "tasks-per-node": "ntasks-per-node",
    "nproc_per_node": "nproc-per-node",
    "node_rank": "node-rank",
}
"""Short and alternative spellings, mapped to one name."""

INTERACTIVE_JOB_NAMES = ("bash", "interactive")
"""``_is_slurm_interactive_mode`` in ``lightning/fabric/plugins/environments/slurm.py``."""

_PYTHON = re.compile(r"python(\d+(\.\d+)*)?$")
_PYTHON_FLAGS_WITH_VALUE = frozenset({"-X", "-W", "-Q"})
_TORCHRUN_FLAGS = frozenset({"standalone", "module", "no-python", "no_python", "run-path", "run_path", "m"})
_RUN_OPTIONS_WITH_VALUE = frozenset(
    {"--stage", "--set", "--select", "--ignore", "--extend-select", "--extend-ignore", "--config", "--source-root", "--cli-script", "--lightning-version"}
)

Options = dict[str, tuple[Optional[str], Source]]
"""Options of a command, by canonical name: the value (None for a flag) and where it is written."""


@dataclass(frozen=True)
class Step:
    """A command of the script that starts training."""

    command: Command
    source: Source
    """The whole command, for notes."""
    srun: Optional[Options]
    """``srun``'s options, when the command runs under ``srun``."""
    torchrun: Optional[Options]
    """``torchrun``'s (or ``python -m torch.distributed.run``'s) options, when it runs under it."""
    runner: str
    """``"python"`` (a script or module) or ``"trainer-lint"`` (``trainer-lint run``)."""
    config: Optional[Source]
    """The TOML config the command names (``trainer-lint run CFG``, ``--config CFG``), if any."""
    environment: dict[str, str] = field(default_factory=dict)
    """``NAME=value`` words in front of the command."""


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


# ----------------------------------------------------------------------------- recognising


def read_steps(path: str, script: Script) -> list[Step]:
    """The commands of ``script`` that start training."""
    return [step for command in script.commands if (step := _step(path, command, script)) is not None]


def _source(path: str, words: tuple[Word, ...] | list[Word], text: Optional[str] = None) -> Source:
    first, last = words[0].span, words[-1].span
    span = Span(first.line, first.column, last.end_line, last.end_column) if first.line == last.end_line else first
    return Source(path, span, text if text is not None else " ".join(w.raw for w in words))


def _step(path: str, command: Command, script: Script) -> Optional[Step]:
    environment = {w.text.partition("=")[0]: w.text.partition("=")[2] for w in command.assignments}

    def lookup(name: str) -> Optional[str]:
        if name in environment:
            return environment[name]
        return script.variables[name][0] if name in script.variables else None

    words = _strip_prefixes(list(command.words), environment)
    srun: Optional[Options] = None
    torchrun: Optional[Options] = None
    if words and os.path.basename(words[0].text) == "srun":
        srun, words = _srun(path, words[1:])
        words = _strip_prefixes(words, environment)
    if not words:
        return None
    name = os.path.basename(words[0].text)
    if name == "torchrun":
        torchrun, words = _torchrun(path, words[1:])
    elif _PYTHON.match(name):
        rest = _skip_python_flags(words[1:])
        if len(rest) >= 2 and rest[0].text == "-m" and rest[1].text in ("torch.distributed.run", "torch.distributed.launch"):
            torchrun, words = _torchrun(path, rest[2:])
    if not words:
        return None
    runner, config = _program(path, words, lookup, python_module=torchrun is not None and "module" in torchrun, no_python=torchrun is not None and "no-python" in torchrun)
    if runner is None:
        return None
    return Step(command, _source(path, command.words), srun, torchrun, runner, config, environment)


def _strip_prefixes(words: list[Word], environment: dict[str, str]) -> list[Word]:
    while words:
        name = os.path.basename(words[0].text)
        if name in ("exec", "nohup", "command", "builtin", "time"):
            words = words[1:]
        elif name == "env":
            words = words[1:]
            while words and (words[0].text.startswith("-") or "=" in words[0].text):
                if "=" in words[0].text and not words[0].text.startswith("-"):
                    key, _, value = words[0].text.partition("=")
                    environment[key] = value
                words = words[1 + (words[0].text in ("-u", "-C", "-S")) :]
        elif name in ("uv", "poetry", "pipenv", "pdm", "hatch", "rye") and len(words) > 1 and words[1].text == "run":
            words = _skip_options(words[2:])
        elif name in ("conda", "mamba", "micromamba") and len(words) > 1 and words[1].text == "run":
            words = _skip_options(words[2:], with_value=("-n", "-p", "--name", "--prefix", "--cwd"))
        elif name in ("singularity", "apptainer") and len(words) > 1 and words[1].text in ("exec", "run"):
            words = _skip_options(words[2:], with_value=("-B", "--bind", "--env", "--pwd", "-W", "--workdir", "--home", "-H", "--overlay", "-o"))[1:]
        else:
            break
    return words


def _skip_options(words: list[Word], with_value: tuple[str, ...] = ()) -> list[Word]:
    while words and words[0].text.startswith("-"):
        words = words[2:] if words[0].text in with_value else words[1:]
    return words


def _srun(path: str, words: list[Word]) -> tuple[Options, list[Word]]:
    found: Options = {}
    program = len(words)
    for name, value, span, written, index in options(words, stop_at_program=True):
        if not name:
            program = index
            break
        found[ALIASES.get(name, name)] = (value, Source(path, span, written))
    else:
        program = len(words)
    return found, words[program:]


def _torchrun(path: str, words: list[Word]) -> tuple[Options, list[Word]]:
    found: Options = {}
    i = 0
    while i < len(words):
        text = words[i].text
        if not text.startswith("-") or text == "-":
            break
        name, eq, value = text.lstrip("-").partition("=")
        source_words = [words[i]]
        if eq:
            found_value: Optional[str] = value
        elif name in _TORCHRUN_FLAGS:
            found_value = None
        else:
            found_value = words[i + 1].text if i + 1 < len(words) else None
            source_words.append(words[i + 1]) if i + 1 < len(words) else None
            i += 1
        found[name.replace("_", "-")] = (found_value, _source(path, source_words))
        if name == "m":
            found["module"] = (None, _source(path, source_words))
        i += 1
    return found, words[i:]


def _skip_python_flags(words: list[Word]) -> list[Word]:
    i = 0
    while i < len(words) and words[i].text.startswith("-") and words[i].text not in ("-m", "-c", "-"):
        i += 2 if words[i].text in _PYTHON_FLAGS_WITH_VALUE else 1
    return words[i:]


def _program(path: str, words: list[Word], lookup, *, python_module: bool = False, no_python: bool = False) -> tuple[Optional[str], Optional[Source]]:  # type: ignore[no-untyped-def]
    """The runner (``"python"``/``"trainer-lint"``) and the config of a program's words."""
    name = os.path.basename(_which(words[0].text))
    if python_module:  # torchrun -m MODULE ...: as `python -m MODULE ...`
        return _module(path, words[0].text, words[1:], lookup)
    if name in ("trainer-lint", "trainer_lint"):
        return _trainer_lint(path, words[1:], lookup)
    if _PYTHON.match(name) and not no_python:
        rest = _skip_python_flags(words[1:])
        if not rest or rest[0].text in ("-c", "-"):
            return None, None
        if rest[0].text == "-m":
            if len(rest) < 2:
                return None, None
            return _module(path, rest[1].text, rest[2:], lookup)
        return "python", _config_option(path, rest[1:], lookup)
    if no_python or name.endswith(".py"):
        return "python", _config_option(path, words[1:], lookup)
    return None, None


def _which(text: str) -> str:
    """``$(which trainer-lint)`` or `` `command -v python` `` -> the program it names."""
    match = re.fullmatch(r"\$\(\s*(?:which|command -v)\s+(\S+)\s*\)|`\s*(?:which|command -v)\s+(\S+)\s*`", text.strip())
    return (match.group(1) or match.group(2)) if match else text


def _module(path: str, module: str, args: list[Word], lookup) -> tuple[Optional[str], Optional[Source]]:  # type: ignore[no-untyped-def]
    if module in ("trainer_lint", "trainer_lint.cli"):
        return _trainer_lint(path, args, lookup)
    return "python", _config_option(path, args, lookup)


def _expanded(path: str, word: Word, text: str, lookup) -> Optional[Source]:  # type: ignore[no-untyped-def]
    value = expand(text, lookup) if word.expandable else text
    return None if value is None else _source(path, [word], value)


def _trainer_lint(path: str, args: list[Word], lookup) -> tuple[Optional[str], Optional[Source]]:  # type: ignore[no-untyped-def]
    if not args or args[0].text != "run":
        return None, None
    i = 1
    while i < len(args):
        text = args[i].text
        if text in _RUN_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if text.startswith("-"):
            i += 1
            continue
        return "trainer-lint", _expanded(path, args[i], text, lookup)
    return "trainer-lint", None


def _config_option(path: str, args: list[Word], lookup) -> Optional[Source]:  # type: ignore[no-untyped-def]
    """``--config CFG``/``--config=CFG``/``-c CFG`` naming a TOML file."""
    for i, word in enumerate(args):
        text = word.text
        found: Optional[Source] = None
        if text in ("--config", "-c") and i + 1 < len(args):
            found = _expanded(path, args[i + 1], args[i + 1].text, lookup)
        elif text.startswith("--config="):
            found = _expanded(path, word, text.partition("=")[2], lookup)
        if found is not None and found.text.lower().endswith(".toml"):
            return found
    return None
