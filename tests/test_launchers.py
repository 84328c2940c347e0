"""Launch scripts: reading ``#SBATCH`` directives and launch lines, finding the config a script
trains, ``check job.sbatch``, ``--launcher`` and the in-file ``launcher`` comment, and scripts
that cannot be used. (Agreement with Lightning under the derived environments:
``tests/differential/test_launchers.py``.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint.launchers import LaunchError, is_launch_script, load
from trainer_lint.launchers.script import read

ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--isolated", *args],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


# ----------------------------------------------------------------------------- reading


def test_directives_in_every_spelling():
    script = read(
        "job.sbatch",
        "#!/bin/bash\n#SBATCH --nodes 2\n#SBATCH -N3\n#SBATCH --ntasks-per-node=4   # one per GPU\n#SBATCH -J my job\n"
        "#SBATCH --gres=gpu:a100:4\n\necho start\n#SBATCH --nodes=9\n",
    )
    assert [(d.name, d.value, d.text) for d in script.directives] == [
        ("nodes", "2", "--nodes 2"),
        ("N", "3", "-N3"),
        ("ntasks-per-node", "4", "--ntasks-per-node=4"),
        ("J", "my", "-J my"),
        ("gres", "gpu:a100:4", "--gres=gpu:a100:4"),
    ]  # sbatch stops reading directives at the first command
    assert script.directives[2].span.line == 4 and script.directives[2].span.column == 9


def test_continuations_quotes_variables_and_heredocs():
    launch_text = (
        "#!/bin/bash\n"
        "CFG='configs/a b.toml'\n"
        "python - <<'EOF'\nimport torch\nprint('srun python train.py --config x.toml')\nEOF\n"
        "srun --ntasks-per-node=4 \\\n"
        "     --cpu-bind=none \\\n"
        "  python -u train.py fit --config \"$CFG\" --trainer.max_epochs=3\n"
    )
    path = Path("/tmp/does-not-matter.sbatch")
    from trainer_lint.launchers.launch import read_steps

    script = read(str(path), launch_text)
    steps = read_steps(str(path), script)
    assert len(steps) == 1
    step = steps[0]
    assert step.config is not None and step.config.text == "configs/a b.toml"
    assert step.config.span.line == 9
    assert step.srun is not None and step.srun["ntasks-per-node"][0] == "4"
    assert step.source.span.line == 7


@pytest.mark.parametrize(
    ("line", "runner", "config", "srun", "torchrun"),
    [
        ("trainer-lint run cfg.toml", "trainer-lint", "cfg.toml", False, False),
        ("trainer-lint run --stage test --set trainer.devices=2 cfg.toml", "trainer-lint", "cfg.toml", False, False),
        ("python -m trainer_lint run cfg.toml", "trainer-lint", "cfg.toml", False, False),
        ("srun python train.py --config=cfg.toml", "python", "cfg.toml", True, False),
        ("srun -N 2 --ntasks-per-node 4 python3.11 -u -m mypkg.train fit -c cfg.toml", "python", "cfg.toml", True, False),
        ("exec srun uv run python train.py --config cfg.toml", "python", "cfg.toml", True, False),
        ("srun singularity exec --nv -B /data:/data img.sif python train.py --config cfg.toml", "python", "cfg.toml", True, False),
        ("env OMP_NUM_THREADS=4 torchrun --nproc-per-node=8 train.py --config cfg.toml", "python", "cfg.toml", False, True),
        ("python -m torch.distributed.run --nproc_per_node 2 train.py --config cfg.toml", "python", "cfg.toml", False, True),
        ("srun torchrun --nnodes=2 --nproc-per-node=gpu -m trainer_lint run cfg.toml", "trainer-lint", "cfg.toml", True, True),
        ("torchrun --no-python trainer-lint run cfg.toml", "trainer-lint", "cfg.toml", False, True),
        ("torchrun --nproc-per-node=4 --nnodes=2 --node-rank=$NODE_RANK $(which trainer-lint) run cfg.toml", "trainer-lint", "cfg.toml", False, True),
        ("python train.py --config cfg.yaml", "python", None, False, False),
    ],
)
def test_launch_lines(line, runner, config, srun, torchrun):
    from trainer_lint.launchers.launch import read_steps

    steps = read_steps("job.sh", read("job.sh", "#!/bin/bash\n" + line + "\n"))
    assert len(steps) == 1, line
    step = steps[0]
    assert step.runner == runner
    assert (step.config.text if step.config else None) == config
    assert (step.srun is not None, step.torchrun is not None) == (srun, torchrun)


@pytest.mark.parametrize("line", ["python -c 'import torch'", "nvidia-smi", "mpirun -np 8 ./train", "echo python train.py"])
def test_commands_that_do_not_train(line):
    from trainer_lint.launchers.launch import read_steps

    assert read_steps("job.sh", read("job.sh", "#!/bin/bash\n" + line + "\n")) == []


def test_launch_script_detection(tmp_path):
    assert is_launch_script(str(write(tmp_path / "job.sbatch", "#SBATCH -N 1\n")))
    assert is_launch_script(str(write(tmp_path / "run", "#!/usr/bin/env bash\nsrun x\n")))
    assert not is_launch_script(str(write(tmp_path / "cfg.toml", "[trainer]\n")))
    assert not is_launch_script(str(write(tmp_path / "notes.txt", "hello\n")))


def test_exported_cuda_visible_devices_and_open_values(tmp_path):
    launch = load(str(write(tmp_path / "job.sbatch", "#!/bin/bash\n#SBATCH --nodes=1-2\n#SBATCH --ntasks-per-node=$N\nexport CUDA_VISIBLE_DEVICES=0,1,2\nsrun trainer-lint run cfg.toml\n")))
    rank_zero = launch.rank_zero(launch.step_for(None))
    assert rank_zero.visible_gpus.value == 3
    assert rank_zero.nnodes.values == frozenset({1, 2}) and rank_zero.nnodes.words() == "1 or 2"
    assert rank_zero.ntasks_per_node.values is None and "variable" in rank_zero.ntasks_per_node.why


# ----------------------------------------------------------------------------- check


def test_check_a_script_finds_its_config(tmp_path):
    write(tmp_path / "configs" / "big.toml", '[trainer]\naccelerator = "gpu"\ndevices = 4\nstrategy = "ddp"\n')
    write(
        tmp_path / "jobs" / "train.sbatch",
        "#!/bin/bash\n#SBATCH --job-name=train\n#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=1\n#SBATCH --gpus-per-node=4\n"
        "srun trainer-lint run ../configs/big.toml\n",
    )
    done = cli("jobs/train.sbatch", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("configs/big.toml:1:2: TL401 error:")
    assert lines[1] == "  note: jobs/train.sbatch:3:9: `--nodes=2` sets the nodes"
    assert lines[2].startswith("configs/big.toml:3:11: TL400 error:")
    assert lines[3] == "  note: jobs/train.sbatch:4:9: `--ntasks-per-node=1` sets the tasks per node"
    summary = next(i for i, line in enumerate(lines) if line.startswith("Found "))
    assert lines[summary - 1] == "Launch script: jobs/train.sbatch."  # then which Lightning release, if assumed
    same = cli("--launcher", "jobs/train.sbatch", "configs/big.toml", cwd=tmp_path)
    assert same.returncode == 1 and same.stdout == done.stdout


def test_check_a_script_and_its_config_lints_once(tmp_path):
    write(tmp_path / "cfg.toml", "[trainer]\ndevices = 2\n")
    write(tmp_path / "job.sbatch", "#!/bin/bash\n#SBATCH --ntasks-per-node=2\nsrun trainer-lint run cfg.toml\n")
    done = cli("--format", "json", "job.sbatch", "cfg.toml", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["files_checked"] == 1 and report["launchers"] == ["job.sbatch"]


@pytest.mark.parametrize(
    ("script", "needle"),
    [
        ("#!/bin/bash\n#SBATCH -N 1\nsrun hostname\n", "no training command found"),
        ("#!/bin/bash\n#SBATCH -N 1\nsrun python train.py\n", "names no TOML config"),
        ("#!/bin/bash\nsrun trainer-lint run missing.toml\n", "named by job.sbatch, but no such file"),
    ],
)
def test_scripts_that_name_no_usable_config_are_path_problems(tmp_path, script, needle):
    write(tmp_path / "job.sbatch", script)
    done = cli("job.sbatch", cwd=tmp_path)
    assert done.returncode == 2 and needle in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [(None, "no such file"), (b"\x00\x01\x02", "binary file"), (b"#SBATCH -N 1\n\xff\xfe\n", "not UTF-8 text")],
)
def test_unusable_launcher_flag_is_a_usage_error(tmp_path, content, needle):
    write(tmp_path / "cfg.toml", "[trainer]\n")
    if content is not None:
        (tmp_path / "job.sbatch").write_bytes(content)
    done = cli("--launcher", "job.sbatch", "cfg.toml", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "" and needle in done.stderr and "--launcher" in done.stderr, done.stderr


def test_launcher_comment(tmp_path):
    write(tmp_path / "jobs" / "t.sh", "#!/bin/bash\ntorchrun --nproc-per-node=8 train.py --config ../cfg.toml\n")
    write(tmp_path / "cfg.toml", '# trainer-lint: launcher = jobs/t.sh\n[trainer]\naccelerator = "cpu"\ndevices = 2\nstrategy = "ddp"\n')
    done = cli("cfg.toml", cwd=tmp_path)
    assert done.returncode == 1 and "TL405" in done.stdout and "note: jobs/t.sh:2:10:" in done.stdout, done.stdout
    write(tmp_path / "bad.toml", "# trainer-lint: launcher = jobs/nope.sh\n[trainer]\n")
    bad = cli("bad.toml", cwd=tmp_path)
    assert bad.returncode == 1 and "bad.toml:1:28: TL429 error: `# trainer-lint: launcher`: cannot read launch script" in bad.stdout


def test_script_errors_from_load():
    with pytest.raises(LaunchError, match="no such file"):
        load("/nonexistent/job.sbatch")


# ----------------------------------------------------------------------------- robustness

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = st.sampled_from(
    ["#SBATCH", "--nodes=2", "-N", "1-2", "--ntasks-per-node=$X", "--gres=gpu:4", "srun", "torchrun", "--nproc-per-node=gpu",
     "python", "-m", "trainer_lint", "run", "cfg.toml", "--config", "'a b.toml'", '"$CFG"', "\\\n", "<<EOF", "EOF", "$(", ")",
     "&&", ";", "|", "#", "=", "X=3", "export", "env", "exec", "\n", " ", "'", '"', "${X:-1}", "-J", "interactive"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=40).map(" ".join)))
def test_any_text_reads_without_raising(text):
    from trainer_lint.launchers.launch import Launch, read_steps

    script = read("job.sbatch", text)
    launch = Launch("job.sbatch", script, read_steps("job.sbatch", script))
    for step in launch.steps:
        launch.rank_zero(step, gpus_hint=4).environ()
    launch.configs()
