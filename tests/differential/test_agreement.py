"""The combined differential suite: trainer-lint against the real ``lightning.Trainer`` over every
Trainer parameter at once.

At least 2,000 generated trainer tables mix the hardware arguments (accelerator ``cpu``, ``gpu`` or
``cuda`` with mocked CUDA devices, devices, strategy, num_nodes, precision, deterministic,
benchmark, sync_batchnorm: the strategies of ``test_hardware.py`` when it is there) with the
Trainer, loop, limit and timing arguments of ``test_trainer_args.py``. For each table:

* the verdict must agree: trainer-lint reports an error exactly when ``Trainer(**table)`` raises,
  or when a value breaks its parameter's type annotation. For annotation breaks (a string for an
  int, a bool for an int, a float where an int is required, a plain value in ``callbacks``) the
  expected verdict is "error" whether or not the Trainer raises: the Trainer accepts some of them
  by accident (``isinstance(True, int)``), and trainer-lint rejects them all
  (``test_trainer_args.annotation_breaks`` is the oracle, written from ``Trainer.__init__``'s
  signature);
* every config warning Lightning emits while building must be matched by a trainer-lint warning
  of the corresponding code.

Tables that need an optional package (deepspeed, torch_xla, transformer_engine, ...) are left out:
whether they build depends on the machine, and ``test_hardware.py`` covers them. The suite prints
one line such as ``differential: 2000 configs, Trainer raised 713, trainer-lint errors 713,
disagreements 0, Lightning config warnings 412 matched 412`` to stderr and repeats it in the
assertion message.
"""

from __future__ import annotations

import sys
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from differential import summary
from differential.test_trainer_args import QUIET, TRAINER_ARGS, annotation_breaks, judge, summarize, tables

try:  # the hardware engineer's strategies, when their module exists
    from differential.test_hardware import configs as _hardware_configs
    from differential.test_hardware import machine as _machine
    from differential.test_hardware import needs_package as _needs_package

    HARDWARE: st.SearchStrategy[dict[str, Any]] = _hardware_configs(["cpu", "gpu", "cuda"])
except ImportError:  # pragma: no cover - only while test_hardware.py is missing
    _CUDA = 8

    def _maybe(values: list[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(st.none(), st.sampled_from(values))

    @st.composite
    def _fallback(draw: st.DrawFn) -> dict[str, Any]:
        items = {
            "accelerator": draw(st.sampled_from(["cpu", "gpu", "cuda"])),
            "strategy": draw(_maybe(["auto", "ddp", "ddp_spawn", "DDP"])),
            "devices": draw(_maybe([1, 2, -1, 0, "auto", "1", "0,1", [0], [0, 1], [0, 0]])),
            "num_nodes": draw(_maybe([1, 2, 0])),
            "precision": draw(_maybe([16, 32, 64, "16", "bf16", "16-mixed", "bf16-mixed", "32-true", "64-true"])),
            "deterministic": draw(_maybe([True, False, "warn"])),
            "benchmark": draw(_maybe([True, False])),
            "sync_batchnorm": draw(_maybe([True, False])),
        }
        return {k: v for k, v in items.items() if v is not None}

    HARDWARE = _fallback()

    def _machine(table: dict[str, Any]) -> dict[str, Any]:
        return {"cuda": _CUDA} if table.get("accelerator") in ("gpu", "cuda") else {}

    def _needs_package(table: dict[str, Any]) -> str | None:
        return None


CONFIGS = 2000
"""How many tables the suite judges at least."""

RESULTS: list[Any] = []


@st.composite
def full_tables(draw: st.DrawFn) -> dict[str, Any]:
    """Hardware arguments plus a few Trainer/loop/limit/time arguments (quiet defaults otherwise)."""
    hardware = draw(HARDWARE)
    rest = draw(tables(TRAINER_ARGS, max_keys=6))
    table = {**QUIET, **hardware, **rest}
    if draw(st.integers(0, 9)) == 0:
        table["default_root_dir"] = draw(st.sampled_from(["runs", "s3://bucket/runs", 7]))
    if draw(st.integers(0, 9)) == 0:
        table["enable_autolog_hparams"] = draw(st.sampled_from([True, False, "no"]))
    return table


def test_agreement_with_lightning():
    RESULTS.clear()
    failures: list[str] = []

    annotation_only = 0

    @settings(max_examples=CONFIGS + 50, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(full_tables())
    def run(table: dict[str, Any]) -> None:
        nonlocal annotation_only
        assume(not _needs_package(table))
        result = judge(table, cuda=_machine(table).get("cuda", 0))
        RESULTS.append(result)
        annotation_only += bool(not result[0].raised and annotation_breaks(table))
        if result[2] is not None:
            failures.append(result[2])

    run()
    c = summarize(RESULTS)
    line = (
        f"differential: {c['configs']} configs, Trainer raised {c['raised']}, trainer-lint errors {c['lint_errors']} "
        f"({annotation_only} of them annotation breaks the Trainer let through), "
        f"disagreements {c['disagreements']}, Lightning config warnings {c['warnings']} matched {c['matched']}"
    )
    print(line, file=sys.stderr)
    summary.record(line)
    assert c["configs"] >= CONFIGS, line
    assert not failures and c["matched"] == c["warnings"], line + "\n" + "\n".join(failures[:10])
