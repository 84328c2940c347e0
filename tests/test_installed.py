"""Optional packages are looked up without importing them (TL316), and only by top-level name."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from trainer_lint import installed
from trainer_lint.engine import lint_data

ROOT = Path(__file__).resolve().parents[1]


def test_dotted_names_are_never_looked_up():
    with pytest.raises(ValueError):
        installed.available("torch.distributed")


def test_a_missing_package_is_named_once_for_everything_that_needs_it(monkeypatch):
    monkeypatch.setattr(installed, "available", lambda name: False)
    data = {"trainer": {"accelerator": "tpu", "strategy": "xla", "profiler": "xla"}}
    infos = [d for d in lint_data(data) if d.code == "TL316"]
    assert len(infos) == 1
    message = infos[0].message
    assert "`torch_xla`" in message and '`strategy = "xla"`' in message and '`profiler = "xla"`' in message and '`accelerator = "tpu"`' in message


@pytest.mark.parametrize(
    ("trainer", "package"),
    [
        ({"profiler": "xla"}, "torch_xla"),
        ({"plugins": [{"class_path": "lightning.pytorch.plugins.XLAPrecision", "init_args": {"precision": "bf16-true"}}]}, "torch_xla"),
        ({"plugins": [{"class_path": "BitsandbytesPrecision", "init_args": {"mode": "nf4"}}], "accelerator": "gpu"}, "bitsandbytes"),
        ({"logger": {"class_path": "TensorBoardLogger", "init_args": {"save_dir": "x"}}}, "tensorboard"),
        ({"logger": {"class_path": "lightning.pytorch.loggers.MLFlowLogger"}}, "mlflow"),
        ({"logger": [{"class_path": "WandbLogger"}]}, "wandb"),
        ({"logger": {"class_path": "CometLogger"}}, "comet_ml"),
        ({"strategy": "deepspeed_stage_3", "accelerator": "gpu"}, "deepspeed"),
        ({"precision": "transformer-engine", "accelerator": "gpu"}, "transformer_engine"),
        ({"strategy": {"class_path": "DDPStrategy", "init_args": {"cluster_environment": "MPIEnvironment"}}}, "mpi4py"),
        ({"accelerator": "cpu", "callbacks": ["DeviceStatsMonitor"]}, "psutil"),
    ],
)
def test_every_class_and_name_that_needs_a_package(monkeypatch, trainer, package):
    monkeypatch.setattr(installed, "available", lambda name: False)
    infos = [d.message for d in lint_data({"trainer": trainer}) if d.code == "TL316"]
    assert any(f"`{package}`" in m for m in infos), infos
    monkeypatch.setattr(installed, "available", lambda name: True)
    assert not [d for d in lint_data({"trainer": trainer}) if d.code == "TL316"]


def test_a_planted_package_is_found_without_being_imported(tmp_path):
    """A `deepspeed` whose import writes a marker: `check` sees it is installed (no TL316) and never
    runs it."""
    marker = tmp_path / "imported"
    site = tmp_path / "site"
    (site / "deepspeed").mkdir(parents=True)
    (site / "deepspeed" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    config = tmp_path / "cfg.toml"
    config.write_text('[trainer]\naccelerator = "gpu"\nstrategy = "deepspeed_stage_2"\n')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    script = textwrap.dedent(
        f"""
        import sys
        from trainer_lint.checker import check_paths
        report = check_paths([{str(config)!r}])
        print(sorted(d.code for d in report.diagnostics))
        print("deepspeed" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    codes, loaded = done.stdout.strip().splitlines()[-2:]
    assert "TL316" not in codes and loaded == "False"
    assert not marker.exists()
    bare = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], env=bare, capture_output=True, text=True, check=True)
    assert "TL316" in done.stdout
