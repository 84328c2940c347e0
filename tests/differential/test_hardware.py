"""Differential tests of the TL3xx rules: trainer-lint against the real ``Trainer`` constructor.

Configs are drawn over accelerator x strategy x devices x num_nodes x precision x deterministic x
benchmark x sync_batchnorm, with valid, boundary and invalid values, and each is built with the
real Trainer under mocked hardware (``harness.build``). Three families, three contracts:

* **exact** (a named accelerator, no optional package): trainer-lint reports an error exactly
  when the Trainer raises, and every config warning Lightning emits has a trainer-lint warning.
  GPU configs run with 16 mocked CUDA devices, more than any drawn ``devices`` asks for, so "not
  enough GPUs on this machine" never decides; MPS configs run with a mocked Apple GPU.
* **auto** (``accelerator = "auto"`` or unset): the config is built on three machines (CPU only,
  16 CUDA GPUs, an Apple GPU). trainer-lint reports an error exactly when the Trainer raises on
  all three; a verdict that differs between machines is a warning at most.
* **optional packages** (``deepspeed*``, ``xla*``, ``tpu``, ``transformer-engine*``, ``hpu`` with a
  strategy): none of them is installed here, so the Trainer raises for all; trainer-lint names the
  package at INFO, and its errors are only the ones that hold with the package installed too.

No narrower patching than ``harness.hardware`` was needed: under the mocks Lightning builds
every strategy and precision plugin on CPU without touching a CUDA tensor.
"""

from __future__ import annotations

import collections
import json
import os
import re
import tempfile

import pytest

from differential.summary import record

from differential.harness import build, describe, lint

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FAST = {"logger": False, "enable_checkpointing": False, "enable_progress_bar": False, "enable_model_summary": False}
"""Kwargs that keep construction cheap and quiet; they do not touch the arguments under test."""

CUDA_DEVICES = 16
"""Mocked CUDA devices for GPU configs: more than any drawn ``devices`` requests (max index 10)."""

ACCELERATORS = ["cpu", "gpu", "cuda", "mps", "auto", "tpu", "hpu"]
STRATEGIES = [
    "auto",
    "ddp",
    "DDP",
    "ddp_spawn",
    "ddp_fork",
    "ddp_notebook",
    "ddp_find_unused_parameters_true",
    "fsdp",
    "FSDP",
    "fsdp_cpu_offload",
    "single_device",
    "single_xla",
    "single_tpu",
    "deepspeed",
    "deepspeed_stage_2",
    "xla",
]
DEVICES = [
    1, 2, 3, -1, -2, 0,
    "0", "1", "2", " 2 ", "-1", " -1", "-2", "auto", "0,1", "1,1", "0,", ",1", " 0", "00", "+1", "1,", ",", "-1,0", "1_0",
    [], [0], [1], [0, 1], [0, 0], [2, 3],
]  # fmt: skip
PRECISIONS = [
    16, 32, 64, "16", "32", "64", "bf16",
    "16-mixed", "bf16-mixed", "16-true", "bf16-true", "32-true", "64-true", "transformer-engine",
]  # fmt: skip

ENVIRONMENTAL = re.compile(
    r"GPU available but not used|MPS available but not used|TPU available but not used|tensorboardX|litlogger"
    r"|Consider installing|is deprecated and will be removed in .*torch|srun|SLURM"
)
"""Warnings about this machine or its installed packages, not about the config."""

KNOWN_WARNINGS = {
    "is supported for historical reasons but its usage is discouraged": "TL320",
    "AMP with fp16 is not supported on CPU": "TL321",
    "You passed `deterministic=True` and `benchmark=True`": "TL330",
    "The 'single_tpu' strategy is deprecated": "TL318",
}
"""Config warnings Lightning emits at construction and the trainer-lint rule that must match each."""

COUNTS: collections.Counter[str] = collections.Counter()
"""Agreement counts across the module, written out by :func:`test_zz_summary`."""


def _maybe(key: str, values: list) -> st.SearchStrategy:
    return st.one_of(st.just(None), st.sampled_from(values)).map(lambda v: (key, v))


@st.composite
def configs(draw, accelerators: list[str]) -> dict:
    """A trainer table: every key may be absent (None here), so defaults get drawn too."""
    items = [
        ("accelerator", draw(st.sampled_from(accelerators))),
        draw(_maybe("strategy", STRATEGIES)),
        draw(_maybe("devices", DEVICES)),
        draw(_maybe("num_nodes", [1, 2])),
        draw(_maybe("precision", PRECISIONS)),
        draw(_maybe("deterministic", [True, False, "warn"])),
        draw(_maybe("benchmark", [True, False])),
        draw(_maybe("sync_batchnorm", [True, False])),
    ]
    table = {k: v for k, v in items if v is not None}
    if table.get("accelerator") == "auto" and draw(st.booleans()):
        del table["accelerator"]  # unset is "auto" too
    return table


def needs_package(table: dict) -> str | None:
    """The optional package a config needs, or None."""
    strategy = str(table.get("strategy", "auto")).lower()
    precision = str(table.get("precision", ""))
    if strategy.startswith("deepspeed"):
        return "deepspeed"
    if strategy in ("xla", "xla_debug") or table.get("accelerator") == "tpu":
        return "torch_xla"
    if precision.startswith("transformer-engine"):
        return "transformer_engine"
    if table.get("accelerator") == "hpu" and strategy != "auto":
        return "lightning-habana"
    return None


def machine(table: dict) -> dict:
    accelerator = table.get("accelerator", "auto")
    if accelerator in ("gpu", "cuda"):
        return {"cuda": CUDA_DEVICES}
    if accelerator == "mps":
        return {"mps": True}
    return {}


def config_warnings(warnings: list[str], environmental: re.Pattern[str] = ENVIRONMENTAL) -> list[str]:
    return [w for w in warnings if not environmental.search(w)]


def assert_warnings_matched(
    table: dict,
    lightning_warnings: list[str],
    lint_warnings: list[str],
    *,
    known: dict[str, str] = KNOWN_WARNINGS,
    environmental: re.Pattern[str] = ENVIRONMENTAL,
    counts: collections.Counter[str] = COUNTS,
) -> None:
    """Every config warning Lightning gave (those ``environmental`` does not match) has the
    trainer-lint finding ``known`` maps it to among ``lint_warnings``."""
    lint_codes = {w.split()[0] for w in lint_warnings}
    for text in config_warnings(lightning_warnings, environmental):
        codes = [code for fragment, code in known.items() if fragment in text]
        assert codes, f"Lightning warned something no rule knows about:\n  {text}\n  config={table!r}"
        assert codes[0] in lint_codes, f"Lightning warned {text!r} but trainer-lint has no {codes[0]}: config={table!r}"
        counts["warnings matched"] += 1


@settings(max_examples=1000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(configs(["cpu", "gpu", "cuda", "mps", "hpu"]).filter(lambda table: not needs_package(table)))
def test_exact_agreement(table):
    """A named accelerator: error iff the Trainer raises; Lightning's config warnings are matched."""
    outcome = build({**FAST, **table}, **machine(table))
    verdict = lint(table)
    assert verdict.has_error == outcome.raised, describe(table, outcome, verdict)
    COUNTS["exact: agree, Trainer raised" if outcome.raised else "exact: agree, Trainer built"] += 1
    assert_warnings_matched(table, outcome.warnings, verdict.warnings)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(configs(["auto"]))
def test_auto_accelerator(table):
    """``accelerator = "auto"``: an error only when every machine raises; otherwise a warning at most."""
    if needs_package(table):
        return
    outcomes = [build({**FAST, **table}, **hw) for hw in ({}, {"cuda": CUDA_DEVICES}, {"mps": True})]
    verdict = lint(table)
    raised = [o.raised for o in outcomes]
    assert verdict.has_error == all(raised), describe(table, outcomes[0], verdict) + f"\n  raised on cpu/cuda/mps: {raised}"
    if all(raised):
        COUNTS["auto: agree, raises everywhere"] += 1
    elif any(raised):
        COUNTS["auto: no error, raises on some machines"] += 1
        if verdict.warnings:
            COUNTS["auto: ... and trainer-lint warns"] += 1
    else:
        COUNTS["auto: agree, builds everywhere"] += 1


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(configs(ACCELERATORS))
def test_optional_packages(table):
    """Optional packages are INFO, naming the package; errors must not come from the missing package."""
    package = needs_package(table)
    if package is None:
        return
    outcome = build({**FAST, **table}, **machine(table))
    verdict = lint(table)
    assert outcome.raised, f"{table!r} built without {package}"
    if package == "lightning-habana":
        assert any("TL310" in i and "lightning-habana" in i for i in verdict.infos), verdict
    else:
        assert any(f"`{package}`" in i for i in verdict.infos), f"{table!r}: no INFO naming {package}: {verdict}"
    # The missing package itself is never an error: the same config without the optional part
    # must get the same verdict from the package-free rules.
    assert not any("needs the" in e for e in verdict.errors), verdict.errors
    COUNTS["optional: INFO names the package"] += 1


@pytest.mark.parametrize(
    ("table", "hw", "code"),
    [
        ({"accelerator": "cpu", "devices": [0]}, {}, "TL301"),
        ({"accelerator": "cpu", "devices": -1}, {}, "TL301"),
        ({"accelerator": "cpu", "devices": "0,1"}, {}, "TL301"),
        ({"accelerator": "gpu", "devices": 0}, {"cuda": 2}, "TL300"),
        ({"accelerator": "gpu", "devices": "0"}, {"cuda": 2}, "TL300"),
        ({"accelerator": "gpu", "devices": []}, {"cuda": 2}, "TL300"),
        ({"accelerator": "gpu", "devices": " 0"}, {"cuda": 2}, "TL300"),
        ({"accelerator": "gpu", "devices": -2}, {"cuda": 2}, "TL302"),
        ({"accelerator": "gpu", "devices": "-1,"}, {"cuda": 2}, "TL302"),
        ({"accelerator": "gpu", "devices": [1, 1]}, {"cuda": 2}, "TL303"),
        ({"accelerator": "mps", "devices": 2}, {"mps": True}, "TL304"),
        ({"accelerator": "cpu", "strategy": "fsdp"}, {}, "TL311"),
        ({"accelerator": "mps", "strategy": "ddp"}, {"mps": True}, "TL312"),
        ({"accelerator": "cpu", "strategy": "single_xla"}, {}, "TL314"),
        ({"accelerator": "hpu"}, {}, "TL310"),
    ],
)
def test_known_errors(table, hw, code):
    """Hand-picked errors from the brief: the Trainer raises and trainer-lint says why, with this code."""
    outcome = build({**FAST, **table}, **hw)
    verdict = lint(table)
    assert outcome.raised, table
    assert any(e.startswith(code) for e in verdict.errors), verdict.errors


@pytest.mark.parametrize(
    ("table", "code"),
    [
        ({"accelerator": "cpu", "precision": "16-mixed"}, "TL321"),
        ({"accelerator": "cpu", "precision": 16}, "TL320"),
        ({"accelerator": "cpu", "precision": "bf16"}, "TL320"),
        ({"accelerator": "cpu", "deterministic": True, "benchmark": True}, "TL330"),
    ],
)
def test_known_warnings(table, code):
    outcome = build({**FAST, **table})
    verdict = lint(table)
    assert not outcome.raised and config_warnings(outcome.warnings), outcome
    assert any(w.startswith(code) for w in verdict.warnings), verdict.warnings
    assert not verdict.errors


def test_zz_summary():
    """Print and record the agreement counts (runs last in this module: pytest keeps file order)."""
    summary = dict(sorted(COUNTS.items()))
    path = os.path.join(tempfile.gettempdir(), "trainer-lint-hardware-differential.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
    print("\nTL3xx differential agreement:", json.dumps(summary, indent=2))
    record("hardware (TL3xx): " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    if COUNTS:  # empty when a -k selection ran this test alone
        assert COUNTS["exact: agree, Trainer raised"] > 50 and COUNTS["exact: agree, Trainer built"] > 50
