"""The pre-commit hook, run by the real pre-commit on a throwaway repository.

The user's repository gets the `.pre-commit-config.yaml` that the docs tell users to write, with
`repo:` pointing at a copy of this checkout and `rev:` at its commit; `pre-commit run --all-files`
then installs the package into a fresh virtualenv (pip, from PyPI) exactly as for a user and runs
the `trainer-lint` hook. The checkout is copied into a temporary git repository and committed
there, because pre-commit reads a hook repository at a commit and files this checkout has not
committed yet must count too.

This is `pre-commit try-repo` without its throwaway store: try-repo builds a new environment on
every call, while here one environment (one pip install) serves both runs, green then red.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
COPY_IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", "*.egg-info", "build", "dist", ".venv", "venv", ".tox", ".nox",
    ".pytest_cache", ".hypothesis", ".benchmarks", ".mypy_cache", ".ruff_cache", "node_modules", ".whl",
)

GOOD = '[trainer]\naccelerator = "cpu"\nmax_epochs = 10\n'
BAD = '[trainer]\nmax_epochs = "10"\nmax_epoch = 3\n'
PYPROJECT = '[project]\nname = "demo"\nversion = "0"\n\n[tool.trainer-lint]\nexclude = ["legacy/"]\n'
CARGO = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n'
GOOD_YAML = "# a LightningCLI config\ntrainer:\n  accelerator: cpu\n  max_epochs: '10'\n"
BAD_YAML = "trainer:\n  max_epoch: 3\n  precision: 16-mix\n"
WORKFLOW = "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: trainer-lint check}]\n"
COMPOSE = "services:\n  trainer:\n    image: python:3.11\n"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=trainer-lint tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false",
         "-c", "init.defaultBranch=main", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    hook = base / "hook-repo"
    shutil.copytree(ROOT, hook, ignore=COPY_IGNORE, symlinks=True)
    assert (hook / ".pre-commit-hooks.yaml").is_file()
    git(hook, "init", "-q")
    git(hook, "add", "-A")
    git(hook, "commit", "-q", "-m", "hook repository snapshot")

    work = base / "work"
    write(work / "configs" / "good.toml", GOOD)
    write(work / "pyproject.toml", PYPROJECT)
    write(work / "Cargo.toml", CARGO)
    write(work / "legacy" / "old.toml", BAD)  # excluded by [tool.trainer-lint]
    write(work / "configs" / "good.yaml", GOOD_YAML)
    write(work / ".github" / "workflows" / "ci.yml", WORKFLOW)  # YAML, not a trainer config
    write(work / "docker-compose.yml", COMPOSE)  # mentions `trainer`, has no top-level trainer key
    write(work / ".pre-commit-config.yaml", hook_config(hook))
    git(work, "init", "-q")
    git(work, "add", "-A")
    return hook, work, base / "pre-commit-home"


def hook_config(hook: Path) -> str:
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook, check=True, capture_output=True, text=True).stdout.strip()
    return f"repos:\n  - repo: {hook.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: trainer-lint\n"


def pre_commit_run(work: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_", "VIRTUAL_ENV"))}
    env.update(PRE_COMMIT_HOME=str(home), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=work, env=env, capture_output=True, text=True, timeout=900,
    )


def test_hook_is_green_then_red(repos):
    hook, work, home = repos

    green = pre_commit_run(work, home)
    out = green.stdout + green.stderr
    assert green.returncode == 0, out
    assert "trainer-lint" in out and "Passed" in out, out
    assert "Installing environment" in out, "the package was installed from the hook repository"

    write(work / "configs" / "bad.toml", BAD)
    write(work / "configs" / "bad.yml", BAD_YAML)
    git(work, "add", "-A")
    red = pre_commit_run(work, home)
    out = red.stdout + red.stderr
    assert red.returncode == 1, out
    assert "Failed" in out and "exit code: 1" in out, out
    assert "configs/bad.toml:2:14: TL100 error:" in out, out
    assert "configs/bad.toml:3:1: TL103 error: unknown key `max_epoch`" in out, out
    assert "legacy/old.toml" not in out, "[tool.trainer-lint] exclude applies to the files pre-commit names"
    assert "pyproject.toml" not in out and "Cargo.toml" not in out, "non-trainer TOML never fails the hook"
    assert "configs/bad.yml:2:3: TL103 error: unknown key `max_epoch`" in out, out
    assert "configs/bad.yml:3:14: TL101 error:" in out, out
    assert "ci.yml" not in out and "docker-compose.yml" not in out, "non-trainer YAML never fails the hook"
    assert "Found 4 errors in 4 files." in out, out  # good/bad .toml and .yaml were checked
