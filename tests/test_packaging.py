"""`pip install trainer-lint` brings only what linting needs; torch and lightning are the `run` extra."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("trainer_lint-*.whl")
    return built


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode()
    return [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]


def test_plain_install_needs_no_torch_or_lightning(wheel):
    plain = [r for r in _requirements(wheel) if "extra ==" not in r]
    names = sorted(r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower() for r in plain)
    assert names == ["pydantic", "tomli", "typer"]


def test_run_extra_brings_lightning_and_torch(wheel):
    run = [r for r in _requirements(wheel) if 'extra == "run"' in r]
    assert any(r.startswith("lightning") for r in run)
    assert any(r.startswith("torch") for r in run)


def test_wheel_ships_the_data_the_linter_reads(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "trainer_lint/trainer.schema.json" in names
    assert "trainer_lint/lightning/releases.json" in names
    assert "trainer_lint/target/gpus.json" in names
    assert not any(n.startswith("tests/") for n in names)
