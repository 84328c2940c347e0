"""`trainer-lint run` with an older Lightning installed: the config is checked against the installed
release before anything is built (a clear message and exit 1, never a traceback), and a clean
config trains (``seed_everything`` without ``verbose`` before 2.4).

The old release lives in a cached throwaway environment (:mod:`trainer_lint.lightning.venvs`,
created on first use; skipped with the reason where it cannot be). Lightning 2.0's
``lightning/__init__.py`` imports ``lightning.app``, whose dependencies the environment does not
have: the runs below start with :data:`~trainer_lint.lightning.venvs.BOOTSTRAP`, as if they were
installed (``run`` uses ``lightning.pytorch`` only).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from trainer_lint.lightning import venvs

OLD = "2.0.9.post0"
"""The old release CI runs (the same as the differential suite's)."""

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def old_python() -> Path:
    venv = venvs.ensure(OLD)
    if not venv.usable:
        pytest.skip(f"Lightning {OLD} cannot be used here: {venv.reason}")
    assert venv.python is not None
    return venv.python


def _run(python: Path, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    code = venvs.BOOTSTRAP + (
        "import sys\n"
        f"sys.argv = ['trainer-lint', 'run', *{list(args)!r}]\n"
        "from trainer_lint.cli import main\n"
        "main()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_argument_the_installed_release_lacks(old_python, tmp_path):
    (tmp_path / "cfg.toml").write_text('[trainer]\nmax_epochs = 1\nmodel_registry = "my-model"\n')
    done = _run(old_python, tmp_path, "cfg.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"TL106 error: `model_registry` needs Lightning >= 2.5.1; this project uses {OLD}" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_checked_against_another_release_than_installed(old_python, tmp_path):
    (tmp_path / "cfg.toml").write_text('[trainer]\nmax_epochs = 1\nprecision = "bf16-true"\n')
    done = _run(old_python, tmp_path, "cfg.toml", "--lightning-version", "2.6")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"checked against Lightning 2.6, but lightning {OLD} is installed and would reject it" in done.stderr
    assert "TL107 error: `precision = \"bf16-true\"` needs Lightning >= 2.1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_demo_trains_on_the_old_release(old_python, tmp_path):
    done = _run(
        old_python, tmp_path, str(ROOT / "examples" / "demo.toml"),
        "--set", "trainer.max_epochs=1", "--set", f'trainer.default_root_dir="{tmp_path / "runs"}"',
        "--set", f'trainer.callbacks[0].init_args.dirpath="{tmp_path / "ckpt"}"',
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "fit finished" in done.stderr and "Traceback" not in done.stderr
