"""The demo on a CUDA GPU at every precision. Skipped without CUDA; `scripts/gpu_check.sh` runs it."""

from __future__ import annotations

import math
import signal

import pytest

from trainer_lint import launch

torch = pytest.importorskip("torch")

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]

FAST = """\
seed_everything = 5

[trainer]
accelerator = "gpu"
devices = 1
precision = "{precision}"
max_steps = 8
limit_val_batches = 2
enable_progress_bar = false
enable_model_summary = false
default_root_dir = "out"
"""

PLUGINS = {
    "32-true": "Precision",
    "16-mixed": "MixedPrecision",
    "bf16-mixed": "MixedPrecision",
    "bf16-true": "HalfPrecision",
    "16-true": "HalfPrecision",
}


@pytest.fixture(autouse=True)
def _keep_sigint():
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


@pytest.mark.parametrize("precision", list(PLUGINS))
def test_demo_on_gpu(tmp_path, monkeypatch, capsys, precision):
    if precision.startswith("bf16") and not torch.cuda.is_bf16_supported():
        pytest.skip("this GPU has no bfloat16")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gpu.toml").write_text(FAST.format(precision=precision))
    assert launch.run(str(tmp_path / "gpu.toml"), selection=launch.ALL) == 0
    line = next(ln for ln in capsys.readouterr().err.splitlines() if "fit finished" in ln)
    assert " on cuda:0 with " in line, line
    assert f"with {PLUGINS[precision]}('{precision}')" in line, line
    loss = float(line.split("train_loss=")[1].split()[0].rstrip(";"))
    assert math.isfinite(loss), line
    assert list((tmp_path / "out").rglob("*.ckpt")), "a checkpoint was written"
