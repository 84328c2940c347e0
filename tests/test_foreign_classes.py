"""The release data's list of Lightning classes that no Trainer key takes (``foreign``), and how
``check`` reports them: TL501 with what the class is, never TL500; read only when a path is not in
the snapshot. The real LightningCLI and Trainer verdicts are in
``tests/differential/test_foreign_classes.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint.diagnostic import Severity
from trainer_lint.engine import lint_data
from trainer_lint.lightning import releases
from trainer_lint.options import Options

ROOT = Path(__file__).resolve().parents[1]


def _errors(data: dict, version: str | None = None) -> list[tuple[str, str, str]]:
    options = Options(lightning_version=version, lightning_version_origin="--lightning-version") if version else None
    found = lint_data(data, options=options) if options else lint_data(data)
    return [(d.code, d.dotted_key, d.message) for d in found if d.severity is Severity.ERROR]


@pytest.mark.parametrize("version", releases.store()["sets"])
def test_each_release_lists_fabric_classes_outside_its_snapshot(version):
    classes = releases.get(version).classes
    foreign = classes.foreign_classes()
    assert "lightning.fabric.plugins.DoublePrecision" in foreign  # Fabric has had it since 2.0
    for path, found in foreign.items():
        assert path.rsplit(".", 1)[1] == found.name and found.base.startswith("lightning."), (path, found.data)
        for alias in found.data["aliases"]:
            assert classes.resolve(alias) is None, f"{alias} is both in the snapshot and outside it"


def test_tl501_not_tl500_for_fabric_classes_and_litlogger():
    data = {
        "trainer": {
            "plugins": [{"class_path": "lightning.fabric.plugins.HalfPrecision"}],
            "logger": {"class_path": "lightning.pytorch.loggers.LitLogger"},
        }
    }
    errors = _errors(data, "2.6.6")
    assert [(c, k) for c, k, _ in errors] == [("TL501", "trainer.logger.class_path"), ("TL501", "trainer.plugins[0].class_path")]
    messages = {k: m for _, k, m in errors}
    assert messages["trainer.plugins[0].class_path"] == (
        "`lightning.fabric.plugins.HalfPrecision` is a Lightning Fabric class derived from Fabric's `Precision`, not from "
        "`lightning.pytorch.plugins.Precision`, so LightningCLI cannot build it as `trainer.plugins[0]`; use `lightning.pytorch.plugins.HalfPrecision`"
    )
    assert messages["trainer.logger.class_path"] == (
        "`lightning.pytorch.loggers.LitLogger` derives from Fabric's `Logger`, not from `lightning.pytorch.loggers.Logger`, "
        "so LightningCLI cannot build it as `trainer.logger`; use a logger of `lightning.pytorch.loggers`"
    )


def test_standalone_spellings_and_the_suggestion_follow_the_project_distribution():
    errors = _errors({"trainer": {"plugins": ["lightning_fabric.plugins.precision.half.HalfPrecision"]}}, "2.6.6")
    assert [(c, k) for c, k, _ in errors] == [("TL501", "trainer.plugins[0]")]
    assert errors[0][2].endswith("use `lightning.pytorch.plugins.HalfPrecision`")  # the installed distribution is `lightning`


def test_a_release_without_the_class_says_so_and_what_it_is_elsewhere():
    """A path only newer (or older) releases have, and there only as a class no key takes: TL500
    (this release has no such class), without a did-you-mean that points at another class."""
    newest = releases.newest()
    lacking = None
    for path in sorted(newest.classes.foreign_classes()):
        older = [v for v in releases.store()["sets"] if releases.get(v).classes.foreign(path) is None]
        if older and releases.get(older[0]).classes.in_known_module(path):
            lacking = (path, older[0])
            break
    if lacking is None:
        pytest.skip("every release has every class outside its snapshot")
    path, version = lacking
    errors = _errors({"trainer": {"plugins": [{"class_path": path}], "logger": {"class_path": path}}}, version)
    assert errors and all(c == "TL500" and "where a release has it" in m and "did you mean" not in m for c, _, m in errors), errors


def test_the_list_is_read_only_when_a_path_is_not_in_the_snapshot():
    probe = (
        "from trainer_lint.engine import lint_data\n"
        "from trainer_lint.lightning.releases import newest\n"
        "classes = newest().classes\n"
        "lint_data({'trainer': {'callbacks': [{'class_path': 'lightning.pytorch.callbacks.ModelCheckpoint'}],"
        " 'plugins': ['lightning.pytorch.plugins.HalfPrecision'], 'logger': {'class_path': 'lightning.pytorch.loggers.CSVLogger', 'init_args': {'save_dir': 'x'}}}})\n"
        "before = classes._foreign is None\n"
        "lint_data({'trainer': {'plugins': ['lightning.fabric.plugins.HalfPrecision']}})\n"
        "import json; print(json.dumps([before, classes._foreign is None]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [True, False]
