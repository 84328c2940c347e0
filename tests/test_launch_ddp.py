"""DDP across two CPU processes: Lightning re-executes the command line for rank 1.

``trainer-lint run`` must survive that re-execution, both as the console script (Lightning runs
``python /path/to/trainer-lint run ...``) and as ``python -m trainer_lint`` (Lightning runs
``python -m trainer_lint.__main__ run ...``). The demo has 8 training batches an epoch; split
between two ranks by the distributed sampler, one epoch is 4 steps, so the checkpoint's name
proves that both ranks trained.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("lightning")

ROOT = Path(__file__).resolve().parent.parent

DDP = """\
seed_everything = 7

[trainer]
accelerator = "cpu"
strategy = "ddp"
devices = 2
max_epochs = 1
enable_progress_bar = false
enable_model_summary = false
default_root_dir = "out"
"""

CONSOLE_SCRIPT = """\
# -*- coding: utf-8 -*-
import re
import sys
from trainer_lint.cli import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""
"""What pip writes for the ``trainer-lint`` console script (used when it is not installed)."""


def _console_script(tmp_path: Path) -> list[str]:
    script = tmp_path / "trainer-lint"
    script.write_text(CONSOLE_SCRIPT)
    return [sys.executable, str(script)]


@pytest.mark.slow
@pytest.mark.parametrize("entry", ["console-script", "python -m"])
def test_ddp_on_two_cpu_processes(tmp_path, entry):
    config = tmp_path / "ddp.toml"
    config.write_text(textwrap.dedent(DDP))
    command = _console_script(tmp_path) if entry == "console-script" else [sys.executable, "-m", "trainer_lint"]
    # A warning-only override: the lint summary must be printed once, by rank 0 alone.
    command += ["run", str(config), "--isolated", "--set", 'trainer.gradient_clip_algorithm="value"']
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    for name in ("RANK", "LOCAL_RANK", "NODE_RANK", "WORLD_SIZE", "SLURM_PROCID", "SLURM_NTASKS", "MASTER_PORT"):
        env.pop(name, None)
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=480)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "MEMBER: 1/2" in log and "MEMBER: 2/2" in log, log
    checkpoints = sorted(p.name for p in (tmp_path / "out").rglob("*.ckpt"))
    assert checkpoints == ["epoch=0-step=4.ckpt"], log
    assert log.count("Found 1 warning in 1 file.") == 1, log
    assert log.count("trainer-lint: fit finished") == 1, log
