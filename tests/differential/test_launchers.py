"""Differential tests of launch scripts (``--launcher``): SLURM and torchrun against the real
Trainer started far enough for its launcher to validate.

Each scenario is a launch script and, written by hand from the ``sbatch``/``srun``/``torchrun``
documentation, the environment its rank 0 gets (not derived by trainer-lint's own code: a unit
test compares the two). For every config of a grid the real ``Trainer`` is built under that
environment, with CUDA mocked to the GPUs each process sees, and ``fit`` is started with the
training itself stubbed (``Trainer._fit_impl``), so that the strategy's launcher runs its checks
(``ClusterEnvironment.validate_settings``); child processes are never started. trainer-lint,
given the script with ``--launcher``, must report an error exactly when the Trainer raises, at
construction or when ``fit`` starts. Where the script leaves a value open (``--nodes=1-2``,
GPU binding), the Trainer is started once per possible value and trainer-lint may report an
error only when every one raises.

The mistakes Lightning does not catch (a forgotten ``srun``, a job named ``interactive``) are
shown too: the Trainer starts without complaint, and trainer-lint warns.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from unittest import mock

import pytest

from differential.harness import hardware
from differential.summary import record
from trainer_lint.options import Options

lightning = pytest.importorskip("lightning")

FAST_KWARGS = {"logger": False, "enable_checkpointing": False, "enable_progress_bar": False, "enable_model_summary": False}

COMMON_SLURM = {"SLURM_JOB_ID": "1234", "SLURM_PROCID": "0", "SLURM_LOCALID": "0", "SLURM_NODEID": "0", "SLURM_NODELIST": "node[1-9]"}
COMMON_ELASTIC = {"TORCHELASTIC_RUN_ID": "none", "RANK": "0", "LOCAL_RANK": "0", "GROUP_RANK": "0", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}


@dataclass
class Scenario:
    """A launch script, the environments its rank 0 may get, and the GPUs each process sees."""

    name: str
    script: str
    environments: list[dict[str, str]]
    """One environment per value the script leaves open (usually one)."""
    gpus: list[int] = field(default_factory=lambda: [4])
    """CUDA devices a process sees, per possible value."""
    target: str = "gpu:4xA100"


def slurm(**values: str) -> dict[str, str]:
    return {**COMMON_SLURM, **values}


def elastic(**values: str) -> dict[str, str]:
    return {**COMMON_ELASTIC, **values}


SCENARIOS = [
    Scenario(
        "one-task-per-node",
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=1\n#SBATCH --gres=gpu:4\n"
        "srun trainer-lint run cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="1", SLURM_NTASKS_PER_NODE="1", SLURM_NNODES="1")],
    ),
    Scenario(
        "four-tasks-per-node",
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=4\n#SBATCH --gres=gpu:4\n"
        "srun python train.py fit --config cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="4", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="1")],
    ),
    Scenario(
        "two-nodes",
        "#!/bin/bash\n#SBATCH -J train\n#SBATCH -N 2\n#SBATCH --ntasks-per-node=4\n#SBATCH --gpus-per-node=4\n"
        "srun --cpu-bind=none trainer-lint run cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="8", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="2")],
    ),
    Scenario(
        "ntasks-without-per-node",
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=1\n#SBATCH --ntasks=4\n#SBATCH --gres=gpu:4\nsrun trainer-lint run cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="4", SLURM_NNODES="1")],
    ),
    Scenario(
        "nodes-without-tasks",  # srun's default: one task per node
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=2\n#SBATCH --gres=gpu:4\nsrun trainer-lint run cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="2", SLURM_NNODES="2")],
    ),
    Scenario(
        "srun-forgotten",
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=4\n#SBATCH --gres=gpu:4\n"
        "python train.py --config cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="4", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="1")],
    ),
    Scenario(
        "interactive-job-name",
        "#!/bin/bash\n#SBATCH --job-name=interactive\n#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=4\n#SBATCH --gres=gpu:4\n"
        "srun trainer-lint run cfg.toml\n",
        [slurm(SLURM_JOB_NAME="interactive", SLURM_NTASKS="4", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="1")],
    ),
    Scenario(
        "nodes-range",
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=1-2\n#SBATCH --ntasks-per-node=4\n#SBATCH --gres=gpu:4\n"
        "srun trainer-lint run cfg.toml\n",
        [
            slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="4", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="1"),
            slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="8", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="2"),
        ],
        gpus=[4, 4],
    ),
    Scenario(
        "gpus-per-task",  # each task sees its own GPU, or all four: the cluster's binding decides
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=1\n#SBATCH --ntasks-per-node=4\n#SBATCH --gpus-per-task=1\n"
        "srun trainer-lint run cfg.toml\n",
        [slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="4", SLURM_NTASKS_PER_NODE="4", SLURM_NNODES="1")] * 2,
        gpus=[1, 4],
    ),
    Scenario(
        "torchrun",
        "#!/bin/bash\ntorchrun --standalone --nproc-per-node=4 train.py --config cfg.toml\n",
        [elastic(WORLD_SIZE="4", LOCAL_WORLD_SIZE="4")],
    ),
    Scenario(
        "torchrun-two-nodes",
        "#!/bin/bash\nNNODES=2\ntorchrun --nnodes=$NNODES --nproc_per_node 4 --rdzv-backend=c10d --rdzv-endpoint=host:29400 -m trainer_lint run cfg.toml\n",
        [elastic(WORLD_SIZE="8", LOCAL_WORLD_SIZE="4")],
    ),
    Scenario(
        "srun-torchrun",  # SLURM's variables are there too; Lightning picks torchelastic first
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=1\n#SBATCH --gpus-per-node=4\n"
        "srun torchrun --nnodes=$SLURM_NNODES --nproc-per-node=gpu train.py --config cfg.toml\n",
        [{**slurm(SLURM_JOB_NAME="train", SLURM_NTASKS="2", SLURM_NTASKS_PER_NODE="1", SLURM_NNODES="2"), **elastic(WORLD_SIZE="8", LOCAL_WORLD_SIZE="4")}],
    ),
    Scenario(
        "plain-python",
        "#!/bin/bash\nexport CUDA_VISIBLE_DEVICES=0,1\npython train.py --config cfg.toml\n",
        [{}],
        gpus=[2],
    ),
]

CONFIGS = [
    {k: v for k, v in zip(("accelerator", "devices", "num_nodes", "strategy"), values) if v is not None}
    for values in itertools.product(["gpu", "cpu", None], [1, 2, 4, 8, "auto", -1], [None, 2], ["ddp", "fsdp", "ddp_spawn", None])
]

COUNTS: collections.Counter[str] = collections.Counter()

_VARIABLES = ("SLURM_", "TORCHELASTIC_", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "RANK", "LOCAL_RANK", "GROUP_RANK", "MASTER_", "NODE_RANK")


@contextlib.contextmanager
def environment(values: dict[str, str]):
    """Exactly ``values`` as the launch variables (others of their kind removed), restored after."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_VARIABLES)}
    with mock.patch.dict(os.environ, {**clean, **values}, clear=True):
        yield


@contextlib.contextmanager
def fit_stubbed():
    """``fit`` runs up to and including the launcher (and its checks); no training, no child
    processes, no change to torch's thread count."""
    from lightning.pytorch import Trainer

    patches = [
        mock.patch.object(Trainer, "_fit_impl", lambda self, *a, **k: None),
        mock.patch("lightning.pytorch.strategies.launchers.subprocess_script._SubprocessScriptLauncher._call_children_scripts", lambda self: None),
        mock.patch("lightning.pytorch.strategies.launchers.subprocess_script._launch_process_observer", lambda procs: None),
        mock.patch("lightning.pytorch.strategies.launchers.subprocess_script._set_num_threads_if_needed", lambda **k: None),
        mock.patch("lightning.pytorch.strategies.launchers.multiprocessing._MultiProcessingLauncher.launch", lambda self, function, *a, **k: None),
    ]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


def start(config: dict, env: dict[str, str], gpus: int) -> tuple[BaseException | None, object]:
    """Build the Trainer under ``env`` with ``gpus`` CUDA devices and start ``fit``; the first
    exception (construction or launch), and the trainer (None if construction failed)."""
    from lightning.pytorch import Trainer
    from lightning.pytorch.demos.boring_classes import BoringModel

    with environment(env), hardware(cuda=gpus), fit_stubbed(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            trainer = Trainer(**FAST_KWARGS, **config, default_root_dir=tempfile.gettempdir())
        except Exception as error:  # noqa: BLE001 - the Trainer's verdict
            return error, None
        try:
            trainer.fit(BoringModel())
        except Exception as error:  # noqa: BLE001
            return error, trainer
        return None, trainer


def script_path(tmp_path_factory: pytest.TempPathFactory, scenario: Scenario) -> str:
    folder = tmp_path_factory.mktemp(scenario.name)
    path = folder / "job.sbatch"
    path.write_text(scenario.script, encoding="utf-8")
    (folder / "cfg.toml").write_text("[trainer]\n", encoding="utf-8")
    return str(path)


def needs_package(config: dict) -> bool:
    return str(config.get("strategy", "")).startswith("deepspeed")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_launch_agreement(scenario, tmp_path_factory):
    """An error exactly when the Trainer raises (building it, or when ``fit`` starts) under every
    environment the script may give; open values raise an error only when all raise."""
    path = script_path(tmp_path_factory, scenario)
    options = Options(target=scenario.target, launcher=path)
    cfg = os.path.join(os.path.dirname(path), "cfg.toml")
    for config in CONFIGS:
        outcomes = [start(config, env, gpus)[0] for env, gpus in zip(scenario.environments, scenario.gpus)]
        raised = [error is not None for error in outcomes]
        verdict = lint_at(config, options, cfg)
        message = f"{scenario.name}: config={config!r}\n  Trainer: {[repr(e) for e in outcomes]}\n  trainer-lint errors: {verdict.errors}"
        if all(raised) or not any(raised):
            assert verdict.has_error == all(raised), message
            COUNTS["agree, Trainer raised" if all(raised) else "agree, Trainer started"] += 1
        else:
            assert not verdict.has_error, message
            assert verdict.infos, f"open value without an INFO: {message}"
            COUNTS["open: raises for some values, INFO"] += 1


def lint_at(config: dict, options: Options, path: str):
    """Lint ``config`` as the file at ``path`` (the config the script names)."""
    from trainer_lint.diagnostic import Severity
    from trainer_lint.engine import lint_data

    from differential.harness import Verdict

    found = lint_data({"trainer": config}, options=options, path=path)
    by = {s: [f"{d.code} {d.dotted_key}: {d.message}" for d in found if d.severity is s] for s in Severity}
    return Verdict(by[Severity.ERROR], by[Severity.WARNING], by[Severity.INFO])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_derived_environment_matches_the_documented_one(scenario, tmp_path_factory):
    """trainer-lint's own derivation of rank 0's environment gives the variables written by hand
    above, for each value the script fixes."""
    from trainer_lint.launchers import load

    launch = load(script_path(tmp_path_factory, scenario))
    step = launch.step_for(None)
    assert step is not None and step.config is not None and step.config.text == "cfg.toml", scenario.name
    derived = launch.rank_zero(step, gpus_hint=4).environ()
    for name in ("SLURM_NTASKS", "SLURM_NTASKS_PER_NODE", "SLURM_NNODES", "SLURM_JOB_NAME", "WORLD_SIZE", "TORCHELASTIC_RUN_ID"):
        values = {env.get(name) for env in scenario.environments}
        if len(values) == 1:
            assert derived.get(name) == values.pop(), f"{scenario.name}: {name}"
        else:
            assert name not in derived, f"{scenario.name}: {name} is open"


def test_forgotten_srun_starts_and_would_hang(tmp_path_factory):
    """What Lightning does not check: without ``srun``, rank 0 sees SLURM_NTASKS=4, believes SLURM
    started the other processes (none are started), passes every check and would wait for them.
    trainer-lint warns (TL403)."""
    scenario = next(s for s in SCENARIOS if s.name == "srun-forgotten")
    config = {"accelerator": "gpu", "devices": 4, "strategy": "ddp"}
    error, trainer = start(config, scenario.environments[0], 4)
    assert error is None
    with environment(scenario.environments[0]):  # the world size is read from SLURM_NTASKS
        assert trainer.world_size == 4 and trainer.strategy.cluster_environment.creates_processes_externally
    path = script_path(tmp_path_factory, scenario)
    verdict = lint_at(config, Options(target=scenario.target, launcher=path), os.path.join(os.path.dirname(path), "cfg.toml"))
    assert not verdict.errors and any(w.startswith("TL403") for w in verdict.warnings), verdict


def test_interactive_job_name_skips_every_slurm_check(tmp_path_factory):
    """What Lightning does not check: a job named ``interactive`` is not SLURM to Lightning, so a
    mismatch that raises under any other name passes (TL404 warns, TL400 stays silent)."""
    scenario = next(s for s in SCENARIOS if s.name == "interactive-job-name")
    config = {"accelerator": "gpu", "devices": 2, "strategy": "ddp"}
    named = {**scenario.environments[0], "SLURM_JOB_NAME": "train"}
    assert start(config, named, 4)[0] is not None  # tasks per node 4 != devices 2: raises
    error, trainer = start(config, scenario.environments[0], 4)
    assert error is None and type(trainer.strategy.cluster_environment).__name__ == "LightningEnvironment"
    path = script_path(tmp_path_factory, scenario)
    verdict = lint_at(config, Options(target=scenario.target, launcher=path), os.path.join(os.path.dirname(path), "cfg.toml"))
    assert not verdict.errors and any(w.startswith("TL404") for w in verdict.warnings), verdict


def test_torchrun_checks_only_the_product(tmp_path_factory):
    """What Lightning does not check: under ``--nnodes=2 --nproc-per-node=4``, ``devices=8`` on one
    node has the right product and passes; TL406 warns."""
    scenario = next(s for s in SCENARIOS if s.name == "torchrun-two-nodes")
    config = {"accelerator": "gpu", "devices": 8, "strategy": "ddp"}
    assert start(config, scenario.environments[0], 8)[0] is None
    path = script_path(tmp_path_factory, scenario)
    verdict = lint_at(config, Options(target="gpu:8xA100", launcher=path), os.path.join(os.path.dirname(path), "cfg.toml"))
    assert not verdict.errors and any(w.startswith("TL406") for w in verdict.warnings), verdict


def test_zz_summary():
    summary = dict(sorted(COUNTS.items()))
    print("\nlaunch differential agreement:", json.dumps(summary, indent=2))
    if summary:
        record(f"launch scripts (TL40x, {len(SCENARIOS)} SLURM/torchrun scenarios x {len(CONFIGS)} configs): " + ", ".join(f"{k} {v}" for k, v in summary.items()))
        assert COUNTS["agree, Trainer raised"] > 50 and COUNTS["agree, Trainer started"] > 50


def test_a_cluster_environment_plugin_replaces_the_detected_one(tmp_path_factory):
    """``plugins`` with a cluster environment: Lightning uses it instead of SLURM's, so the SLURM
    mismatch that raises without it passes, and trainer-lint says nothing about the launch."""
    from lightning.pytorch.plugins.environments import LightningEnvironment

    scenario = next(s for s in SCENARIOS if s.name == "one-task-per-node")
    config = {"accelerator": "gpu", "devices": 4, "strategy": "ddp"}
    assert start(config, scenario.environments[0], 4)[0] is not None
    assert start({**config, "plugins": [LightningEnvironment()]}, scenario.environments[0], 4)[0] is None
    path = script_path(tmp_path_factory, scenario)
    written = {**config, "plugins": [{"class_path": "lightning.pytorch.plugins.environments.LightningEnvironment"}]}
    verdict = lint_at(written, Options(target=scenario.target, launcher=path), os.path.join(os.path.dirname(path), "cfg.toml"))
    assert not verdict.errors and not any(w.startswith("TL4") for w in verdict.warnings), verdict
    assert lint_at(config, Options(target=scenario.target, launcher=path), os.path.join(os.path.dirname(path), "cfg.toml")).errors
