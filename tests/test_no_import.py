"""`check` never imports a module a config names, nor torch or Lightning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _plant(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    marker = tmp_path / "imported.txt"
    pkg = tmp_path / "site"
    (pkg / "planted").mkdir(parents=True)
    code = f"open({str(marker)!r}, 'w').write('imported')\nclass Net: pass\nclass Cb: pass\n"
    (pkg / "planted" / "__init__.py").write_text(code)
    (pkg / "planted" / "models.py").write_text(code)
    config = tmp_path / "cfg.toml"
    config.write_text(
        textwrap.dedent(
            """
            model = { class_path = "planted.models.Net", init_args = { hidden = 8 } }
            data = "planted.Data"

            [trainer]
            max_epochs = 1
            plugins = ["planted.Plug"]
            strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy", init_args = { cluster_environment = "planted.Env" } }

            [[trainer.callbacks]]
            class_path = "planted.Cb"
            init_args = { x = 1 }

            [[trainer.callbacks]]
            class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
            init_args = { monitor = "val_loss", mode = "min" }
            """
        )
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(pkg), str(ROOT)]))
    return marker, config, env


def test_planted_module_is_never_imported(tmp_path):
    marker, config, env = _plant(tmp_path)
    # the planted module works: importing it writes the marker (checked in a throwaway process)
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "check", str(config)], env=env, cwd=probe, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists()
    subprocess.run([sys.executable, "-c", "import planted.models"], env=env, check=True)
    assert marker.exists(), "the planted module should write its marker when really imported"


def test_check_loads_no_torch_or_lightning(tmp_path):
    marker, config, env = _plant(tmp_path)
    script = textwrap.dedent(
        f"""
        import json, sys
        from trainer_lint.checker import check_paths
        report = check_paths([{str(config)!r}])
        print(json.dumps(sorted(sys.modules)))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [m for m in modules if m.split(".")[0] in {"torch", "lightning", "pytorch_lightning", "lightning_fabric", "planted"}]
    assert heavy == []
    assert "trainer_lint.classes" in modules  # the snapshot was consulted
    assert not marker.exists()
