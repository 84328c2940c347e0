"""Targets: spellings, the GPU table, ``local`` detection, where a file's target comes from, and
how the output names it. (What rules say on a target: ``tests/differential/test_targets.py``
and the TL37x case files.)"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint import target
from trainer_lint.engine import lint_text
from trainer_lint.options import Options
from trainer_lint.target import gpus, local

ROOT = Path(__file__).resolve().parents[1]

# ----------------------------------------------------------------------------- spellings


@pytest.mark.parametrize(
    ("text", "accelerator", "count", "capability", "model", "nodes"),
    [
        ("cpu", "cpu", 0, None, None, 1),
        ("mps", "mps", 0, None, None, 1),
        ("gpu:8xA100", "cuda", 8, (8, 0), "A100", 1),
        ("gpu:1xH200", "cuda", 1, (9, 0), "H200", 1),
        ("gpu:4xsm_70", "cuda", 4, (7, 0), None, 1),
        ("gpu:2xsm_120", "cuda", 2, (12, 0), None, 1),
        ("gpu:8xH100,nodes=4", "cuda", 8, (9, 0), "H100", 4),
        ("GPU:2x rtx 4090", "cuda", 2, (8, 9), "RTX4090", 1),
        ("gpu:1xV100-16GB", "cuda", 1, (7, 0), "V100-16GB", 1),
        ("cpu,nodes=2", "cpu", 0, None, None, 2),
    ],
)
def test_spellings(text, accelerator, count, capability, model, nodes):
    machine = target.resolve(text)
    assert (machine.accelerator, machine.gpus, machine.capability, machine.model, machine.nodes) == (
        accelerator, count, capability, model, nodes,
    )  # fmt: skip
    assert machine.spelling == text


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("tpu", "unknown target `tpu`"),
        ("gpu:A100", "GPU targets name a count and a model"),
        ("gpu:8xA1000", "did you mean `A100`"),
        ("gpu:8xZ100", "unknown GPU `Z100`"),
        ("gpu:0xA100", "has no GPU"),
        ("gpu:8xA100,node=2", "the only option is `,nodes=N`"),
        ("cpu,nodes=0", "positive whole number"),
        ("", "non-empty"),
        ("local,nodes=x", "positive whole number"),
    ],
)
def test_bad_spellings_say_what_to_write(text, needle):
    with pytest.raises(target.TargetError, match=needle.replace("(", r"\(").replace("[", r"\[")):
        target.check(text)


def test_local_is_checked_without_detection(monkeypatch):
    monkeypatch.setattr(local, "detect", lambda *a, **k: pytest.fail("detected while only checking a spelling"))
    target.check("local")
    target.check("local,nodes=2")


# ----------------------------------------------------------------------------- the GPU table


def test_gpu_table_is_well_formed():
    data = json.loads(gpus.TABLE.read_text(encoding="utf-8"))
    seen: set[str] = set()
    for name, row in data["gpus"].items():
        assert set(row) <= {"capability", "memory_gib", "aliases"}, name
        assert gpus.parse_capability(row["capability"]) >= (3, 0), name
        assert row["memory_gib"] > 0, name
        for spelling in (name, *row.get("aliases", ())):
            key = gpus.normalize(spelling)
            assert key not in seen, f"{spelling} is listed twice"
            seen.add(key)
    assert {"A100", "H100", "H200", "V100", "T4", "L4", "RTX4090"} <= set(gpus.names())


@pytest.mark.parametrize(
    ("reported", "name"),
    [
        ("NVIDIA A100-SXM4-80GB", "A100"),
        ("NVIDIA A100-SXM4-40GB", "A100-40GB"),
        ("NVIDIA H100 80GB HBM3", "H100"),
        ("NVIDIA H200", "H200"),
        ("NVIDIA H20", "H20"),
        ("Tesla V100-SXM2-16GB", "V100-16GB"),
        ("Tesla T4", "T4"),
        ("NVIDIA GeForce RTX 4090", "RTX4090"),
        ("NVIDIA RTX A6000", "RTXA6000"),
        ("NVIDIA L40S", "L40S"),
        ("NVIDIA A10G", "A10G"),
    ],
)
def test_nvidia_smi_names_find_their_row(reported, name):
    found = gpus.lookup(reported, exact=False)
    assert found is not None and found.name == name


def test_user_names_must_match_a_whole_name():
    assert gpus.lookup("A1000") is None  # not "A100" plus a typo


# ----------------------------------------------------------------------------- local


SMI = """#!/bin/sh
case "$*" in
  *compute_cap*) [ -n "$OLD_DRIVER" ] && { echo 'Field "compute_cap" is not a valid field to query.'; exit 2; }
                 printf '0, GPU-aaaa-1111, NVIDIA H200, 9.0, 143771\\n1, GPU-bbbb-2222, NVIDIA H200, 9.0, 143771\\n' ;;
  *) printf '0, GPU-aaaa-1111, Tesla V100-SXM2-32GB, 32768\\n1, GPU-bbbb-2222, Tesla V100-SXM2-32GB, 32768\\n' ;;
esac
"""


@pytest.fixture()
def fake_smi(tmp_path, monkeypatch):
    """An ``nvidia-smi`` on PATH that reports two GPUs."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "nvidia-smi"
    script.write_text(SMI, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.delenv("OLD_DRIVER", raising=False)
    local.cached.cache_clear()
    yield folder
    local.cached.cache_clear()


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for nvidia-smi")
def test_fake_nvidia_smi_is_detected(fake_smi, monkeypatch):
    machine = target.resolve("local")
    assert (machine.accelerator, machine.gpus, machine.capability, machine.model) == ("cuda", 2, (9, 0), "H200")
    assert "nvidia-smi: 2 × NVIDIA H200" in machine.describe()
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert target.resolve("local").gpus == 1
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-bbbb")
    assert target.resolve("local").gpus == 1
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert target.resolve("local").accelerator == "cpu"
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,7,1")  # CUDA stops at the first device that is not there
    assert target.resolve("local").gpus == 1
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    monkeypatch.setenv("OLD_DRIVER", "1")
    local.cached.cache_clear()
    old = target.resolve("local,nodes=2")
    assert (old.gpus, old.capability, old.model, old.nodes) == (2, (7, 0), "V100", 2)


def _check_local(config: Path) -> subprocess.CompletedProcess[str]:
    """``trainer-lint check --isolated --target local CONFIG`` in a fresh process (``local`` is detected there)."""
    return subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--isolated", "--target", "local", str(config)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for nvidia-smi")
def test_check_with_target_local_uses_the_fake_gpus(fake_smi, tmp_path):
    config = tmp_path / "cfg.toml"
    config.write_text('[trainer]\naccelerator = "gpu"\ndevices = 4\n', encoding="utf-8")
    done = _check_local(config)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "TL371" in done.stdout and "has 2 GPUs" in done.stdout
    assert "Target: local (detected: 2 × H200, sm_90, 140.4 GiB; nvidia-smi: 2 × NVIDIA H200)." in done.stdout


def test_local_on_this_machine(tmp_path):
    """Without nvidia-smi (this project's test machine), ``local`` is the CPU."""
    if shutil.which("nvidia-smi") is not None:
        pytest.skip("this machine has nvidia-smi")
    local.cached.cache_clear()
    machine = target.resolve("local")
    assert machine.accelerator == "cpu" and machine.detected == "no nvidia-smi on PATH"
    config = tmp_path / "cfg.toml"
    config.write_text('[trainer]\nprecision = "16-mixed"\n', encoding="utf-8")
    done = _check_local(config)
    assert "TL321" in done.stdout and "Target: local (detected: CPU only; no nvidia-smi on PATH)." in done.stdout, done.stdout


def test_apple_silicon_and_intel_macs():
    assert local.detect(system="darwin", processor="arm").accelerator == "mps"
    assert local.detect(system="darwin", processor="i386").accelerator == "cpu"


def test_nvidia_smi_that_fails_means_no_gpu():
    def run(*args, **kwargs):
        return subprocess.CompletedProcess(args, 9, "", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver")

    machine = local.detect({}, which=lambda name: "/usr/bin/nvidia-smi", run=run, system="linux")
    assert machine.accelerator == "cpu" and "found no usable GPU" in (machine.detected or "")


# ----------------------------------------------------------------------------- where a target comes from


def test_comment_wins_over_per_file_target_and_the_flag(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '# trainer-lint: target = gpu:1xA100\n[trainer]\naccelerator = "gpu"\ndevices = 2\n'
    options = Options(target="gpu:8xA100", per_file_target=(("*.toml", "gpu:8xA100"),))
    assert [d.code for d in lint_text(text, "cfg.toml", options=options).diagnostics] == ["TL371"]
    assert [d.code for d in lint_text(text.split("\n", 1)[1], "cfg.toml", options=options).diagnostics] == []


def test_per_file_target_matches_globs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "laptop").mkdir()
    (tmp_path / "cluster").mkdir()
    body = '[trainer]\naccelerator = "gpu"\ndevices = 2\n'
    (tmp_path / "laptop" / "a.toml").write_text(body)
    (tmp_path / "cluster" / "b.toml").write_text(body)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.trainer-lint]\ntarget = "gpu:8xH100"\n[tool.trainer-lint.per-file-target]\n"laptop/*.toml" = "cpu"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--format", "json", "."],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    report = json.loads(done.stdout)
    found = {(Path(d["path"]).parent.name, d["code"], d["target"]) for d in report["diagnostics"]}
    assert found == {("laptop", "TL370", "cpu")}
    assert "target" not in report  # two machines: listed in "targets"
    assert {(t["spelling"], t["files"]) for t in report["targets"]} == {("cpu", 1), ("gpu:8xH100", 1)}


@pytest.mark.parametrize(
    ("args", "settings", "needle"),
    [
        (["--target", "gpu:8xZ100"], "", "--target: unknown GPU `Z100`"),
        ([], 'target = "tpu"\n', "target: unknown target `tpu`"),
        ([], '[tool.trainer-lint.per-file-target]\n"a/*.toml" = "gpu:A100"\n', "per-file-target 'a/*.toml'"),
    ],
)
def test_bad_targets_are_usage_errors(tmp_path, args, settings, needle):
    (tmp_path / "cfg.toml").write_text("[trainer]\n")
    (tmp_path / "pyproject.toml").write_text("[tool.trainer-lint]\n" + settings)
    done = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", *args, "cfg.toml"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert needle in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_no_target_means_no_target_output(tmp_path):
    (tmp_path / "cfg.toml").write_text('[trainer]\naccelerator = "gpu"\n')
    done = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--isolated", "--format", "json", "cfg.toml"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert set(report) == {"version", "files_checked", "diagnostics", "lightning"}  # no target keys


def test_sarif_carries_the_target(tmp_path):
    (tmp_path / "cfg.toml").write_text('[trainer]\nprecision = "bf16-mixed"\n')
    done = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--isolated", "--target", "gpu:8xV100", "--format", "sarif", "cfg.toml"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    run = json.loads(done.stdout)["runs"][0]
    assert run["properties"]["target"]["compute_capability"] == "7.0"
    assert run["results"][0]["ruleId"] == "TL372" and run["results"][0]["properties"]["target"] == "gpu:8xV100"


def test_gpu_table_in_the_docs_is_fresh():
    text = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")
    begin, end = "<!-- gpus:begin -->\n", "<!-- gpus:end -->"
    assert text[text.index(begin) + len(begin) : text.index(end)] == gpus.markdown(), (
        "docs/targets.md's GPU table is stale: paste the output of `python -m trainer_lint.target.gpus`"
    )
