"""Differential suites per Lightning release: trainer-lint with ``--lightning-version X`` against
the real ``Trainer`` of release X.

For each bundled minor (its newest patch), the same generated trainer tables as
``test_agreement.py`` (hardware arguments mixed with the Trainer, loop, limit and timing ones,
plus ``model_registry`` and ``enable_autolog_hparams``) are built by that release's own Trainer,
installed in a cached throwaway environment (:mod:`trainer_lint.lightning.venvs`, created on first
use by the session fixture below; the release is skipped, with the reason, where it cannot be
installed or cannot build a Trainer here). All tables of a release go to one subprocess as JSON;
the verdicts come back the same way. The installed release is built in this process.

Contract, per release: trainer-lint reports an error exactly when that release's Trainer raises
or a value breaks that release's annotation (:func:`annotations_for`: the oracle of
``test_trainer_args.py``, adjusted only from what the release itself reports: its parameters and
its precision names); no false error at all (an error the Trainer does not raise and no
annotation explains), and at least 99.5 % agreement. Lightning's config warnings are counted and
must each be matched by a trainer-lint warning of the right code.

The default suite runs the newest release and one old release (:data:`CI_RELEASES`); the others
run on demand::

    python -m pytest -m all_versions tests/differential/test_lightning_releases.py

Each release's agreement line is printed in pytest's summary and recorded in ``docs/versions.md``.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from hypothesis import strategies as st

from differential import summary
from differential.harness import Outcome, build, lint
from differential.test_agreement import _machine, _needs_package, full_tables
from differential.test_objects import _TMP, _obj, _strip, _truth
from differential.test_objects import trainer_tables as object_tables
from differential.test_trainer_args import ANNOTATIONS, QUIET, _bool, _num, config_warnings, unmatched_warnings

from trainer_lint.lightning import releases, venvs
from trainer_lint.lightning.versions import minor

CONFIGS = 1500
"""Trainer tables per release (the issue's measurement used 1,500)."""
OBJECT_CONFIGS = 500
"""Tables with ``class_path`` objects per release: half from ``test_objects.py``, half written
around what changed between releases (:data:`drift_tables`)."""

RELEASE_CONFIGS = 300
"""Trainer tables written around what changed between releases (:data:`release_tables`)."""

release_tables = st.fixed_dictionaries(
    {**{k: st.just(v) for k, v in QUIET.items()}, "accelerator": st.sampled_from(["cpu", "gpu", "cuda", "hpu"])},
    optional={
        "num_nodes": st.sampled_from([0, -1, 1, 2]),
        "devices": st.sampled_from([1, 2, "auto"]),
        "precision": st.sampled_from([16, 32, 64, "16", "bf16", "16-mixed", "bf16-mixed", "16-true", "bf16-true",
                                      "32-true", "64-true"]),
        "strategy": st.sampled_from(["auto", "ddp", "fsdp", "single_xla", "hpu_single", "ddp_fork", "single_device"]),
        "max_time": st.sampled_from(["00:01:00:00", "-1:00:00:00", "1:2:3:4", "+1:00:00:00", "1:00:00:00:00",
                                     "00:00:00", " 1_0:00:00:00", "999999999:23:59:59", "1000000000:0:0:0"]),
        "val_check_interval": st.sampled_from([0.5, 10, "00:00:30:00", {"minutes": 5}]),
        "model_registry": st.just("my-model"),
        "enable_autolog_hparams": st.booleans(),
    },
)
"""Arguments, names and checks that differ between 2.0 and 2.6: ``num_nodes`` below 1 (2.0 does
not check it), the ``-true`` precisions (2.1), the old registries' strategy names, ``max_time``
strings (read with a regular expression from 2.3), time-based ``val_check_interval`` (2.6)."""

drift_callback = st.one_of(
    _obj("callbacks", "ModelCheckpoint", {"dirpath": st.just(_TMP), "save_on_exception": st.booleans(),
                                          "enable_version_counter": st.booleans()}, "model_checkpoint"),
    _obj("callbacks", "TQDMProgressBar", {"leave": st.booleans(), "refresh_rate": st.sampled_from([1, 5])}),
    _obj("callbacks", "RichProgressBar", {"leave": st.booleans(), "refresh_rate": st.sampled_from([0, 1, 2])}),
    _obj("callbacks", "LearningRateMonitor", {"log_weight_decay": st.booleans(), "log_momentum": st.booleans()}),
    st.sampled_from(["lightning.pytorch.callbacks.EMAWeightAveraging", "lightning.pytorch.callbacks.SpikeDetection",
                     "lightning.pytorch.callbacks.weight_averaging.EMAWeightAveraging"]),
)
drift_plugin = st.sampled_from([
    "lightning.pytorch.plugins.DoublePrecisionPlugin", "lightning.pytorch.plugins.DoublePrecision",
    "lightning.pytorch.plugins.precision.DoublePrecisionPlugin", "lightning.pytorch.plugins.HalfPrecision",
    "lightning.pytorch.plugins.PrecisionPlugin",
])  # fmt: skip
drift_tables = st.fixed_dictionaries(
    {"accelerator": st.just("cpu"), **{k: st.just(v) for k, v in QUIET.items() if k != "enable_checkpointing"}},
    optional={"callbacks": st.lists(drift_callback, min_size=1, max_size=2), "plugins": st.lists(drift_plugin, max_size=1)},
)
"""Callbacks and plugins whose signatures or names changed between 2.0 and 2.6: new arguments
(``ModelCheckpoint(save_on_exception=...)``, ``TQDMProgressBar(leave=...)``), new classes (the
2.6 weight-averaging callbacks), renamed precision plugins."""

TESTS = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).with_name("release_runner.py")


def _newest_of_each_minor() -> list[str]:
    newest: dict[str, str] = {}
    for version in releases.known():
        newest[minor(version)] = version
    return list(newest.values())


CI_RELEASES = (releases.known()[-1], "2.0.9.post0")
"""Run by the default suite: the newest release, and the oldest minor's newest patch (2.0 differs
most from the newest: precision names, checks, defaults)."""

RELEASES = _newest_of_each_minor()


ENVIRONMENTAL_ERRORS = ("Install s3fs",)
"""Errors about this machine's packages, not the config (``default_root_dir = "s3://..."`` needs
``s3fs``): such tables are left out of the agreement, and counted, as are those that need devices
this machine lacks (:func:`_needs_devices`)."""


def _param(version: str) -> Any:
    marks = () if version in CI_RELEASES else (pytest.mark.all_versions,)
    return pytest.param(version, marks=marks, id=version)


# -- the annotation oracle, per release ---------------------------------------------------------


def annotations_for(parameters: dict[str, str], precisions: list[Any]) -> dict[str, Any]:
    """``test_trainer_args.ANNOTATIONS`` (Lightning 2.6's annotations, written by hand from its
    signature) for another release, from that release's own answers: only its parameters; its
    ``_PRECISION_INPUT`` values; ``val_check_interval`` without strings or tables where its
    annotation has no ``str`` (before 2.6)."""
    table = {name: check for name, check in ANNOTATIONS.items() if name in parameters}
    allowed = set(precisions)
    table["precision"] = lambda v: not _bool(v) and v in allowed
    if "val_check_interval" in parameters and "str" not in parameters["val_check_interval"]:
        table["val_check_interval"] = _num
    return table


def breaks(table: dict[str, Any], annotations: dict[str, Any]) -> list[str]:
    """Keys of ``table`` whose value breaks the release's annotation (unknown keys raise anyway)."""
    return [k for k, v in table.items() if k in annotations and not annotations[k](v)]


# -- building with a release --------------------------------------------------------------------


def _jobs(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"table": t, "objects": True} if _has_objects(t) else {"table": t, **_machine(t)} for t in tables]


OBJECT_KEYS = ("callbacks", "logger", "strategy", "profiler", "plugins")


def _has_objects(table: dict[str, Any]) -> bool:
    """Whether a table holds ``class_path`` objects or class path strings (built by
    ``test_objects._truth``, as LightningCLI would), rather than plain Trainer values."""
    for key in OBJECT_KEYS:
        value = table.get(key)
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, dict) or isinstance(item, str) and (key in ("callbacks", "plugins") or "." in item)
               for item in items):
            return True
    return False


def build_with(version: str, tables: list[dict[str, Any]]) -> tuple[list[Outcome], dict[str, str], list[Any]]:
    """Build every table with release ``version``: in this process when it is the installed
    release, else in its environment (one subprocess for all tables)."""
    import lightning

    if lightning.__version__ == version:
        import inspect
        import typing

        from lightning.fabric import connector
        from lightning.pytorch import Trainer

        outcomes = []
        for job in _jobs(tables):
            if job.get("objects"):
                outcome, broken = _truth(job["table"])
                outcomes.append(_broken(outcome) if broken else outcome)
            else:
                outcomes.append(build(job["table"], cuda=job.get("cuda", 0), mps=job.get("mps", False)))
        params = {n: repr(p.annotation) for n, p in list(inspect.signature(Trainer.__init__).parameters.items())[1:]}

        def values(literal: Any) -> list[Any]:
            return [v for a in typing.get_args(literal) for v in (values(a) if typing.get_args(a) else [a])]

        return outcomes, params, values(connector._PRECISION_INPUT)
    venv = venvs.ensure(version)
    if not venv.usable:
        pytest.skip(f"Lightning {version} cannot be used here: {venv.reason}")
    result = venvs.run_in(venv, RUNNER.read_text(encoding="utf-8"), {"tests": str(TESTS), "jobs": _jobs(tables)}, timeout=1800)
    assert result["version"] == version, result["version"]
    outcomes = []
    for o in result["outcomes"]:
        outcome = Outcome(_Raised(o["error"]) if o["error"] else None, o["warnings"])
        outcomes.append(_broken(outcome) if o.get("broken") else outcome)
    return outcomes, result["parameters"], result["precisions"]


class _Raised(Exception):
    """What the release's Trainer raised, as text from the subprocess."""


class BrokenOutcome(Outcome):
    """An object table whose ``init_args`` broke an annotation that Python let through: an error
    whatever the Trainer did (``test_objects.py``'s contract)."""


def _broken(outcome: Outcome) -> Outcome:
    return BrokenOutcome(outcome.error, outcome.warnings)


def generated_tables(strategy: Any, count: int, draws: float = 3) -> list[dict[str, Any]]:
    """Up to ``count`` distinct tables from ``draws * count`` draws of ``strategy`` (deterministic),
    leaving out those that need an optional package."""
    seen: dict[str, dict[str, Any]] = {}

    @settings(max_examples=int(count * draws), deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(table: dict[str, Any]) -> None:
        if len(seen) < count and not _needs_package(table):
            seen.setdefault(json.dumps(table, sort_keys=True, default=str), table)

    collect()
    return list(seen.values())


DEVICE_NAMES = frozenset({"ipu", "hpu", "hpu_single", "hpu_parallel", "ipu_strategy"})
"""Lightning 2.0's own HPU and IPU accelerator and strategy names: they need the devices, so
whether a config builds depends on the machine (trainer-lint says so at INFO, TL316/TL310)."""


def _needs_devices(table: dict[str, Any], version: str) -> bool:
    return version.startswith("2.0.") and bool({str(table.get("accelerator")), str(table.get("strategy"))} & DEVICE_NAMES)


_TABLES: list[dict[str, Any]] = []


def tables() -> list[dict[str, Any]]:
    """The tables every release judges: Trainer tables, then tables with objects."""
    if not _TABLES:
        _TABLES.extend(generated_tables(full_tables(), CONFIGS, draws=1.4))  # few repeats: fewer draws, half the time
        _TABLES.extend(generated_tables(release_tables, RELEASE_CONFIGS))
        _TABLES.extend(generated_tables(object_tables, OBJECT_CONFIGS // 2))
        _TABLES.extend(generated_tables(drift_tables, OBJECT_CONFIGS - OBJECT_CONFIGS // 2))
    return _TABLES


@pytest.mark.slow
@pytest.mark.parametrize("version", [_param(v) for v in RELEASES])
def test_release_agreement(version: str) -> None:
    generated = tables()
    outcomes, parameters, precisions = build_with(version, generated)
    annotations = annotations_for(parameters, precisions)
    counts = {"configs": 0, "raised": 0, "lint_errors": 0, "agree": 0, "false_errors": 0, "misses": 0,
              "warnings": 0, "matched": 0, "environmental": 0}
    problems: list[str] = []
    for table, outcome in zip(generated, outcomes):
        if outcome.raised and any(text in str(outcome.error) for text in ENVIRONMENTAL_ERRORS) or _needs_devices(table, version):
            counts["environmental"] += 1
            continue
        objects = _has_objects(table)
        verdict = lint({k: _strip(v) for k, v in table.items()} if objects else table, release=version)
        expected = outcome.raised or isinstance(outcome, BrokenOutcome) or (not objects and bool(breaks(table, annotations)))
        counts["configs"] += 1
        counts["raised"] += outcome.raised
        counts["lint_errors"] += verdict.has_error
        if expected == verdict.has_error:
            counts["agree"] += 1
        else:
            kind = "false error" if verdict.has_error else "miss"
            counts["false_errors" if verdict.has_error else "misses"] += 1
            raised = f"{outcome.error}" if outcome.raised else "nothing"
            problems.append(f"{kind}: config={table!r}\n  Trainer raised: {raised}\n  trainer-lint errors: {verdict.errors}")
        if not outcome.raised and not objects:
            missing = unmatched_warnings(outcome, verdict)
            counts["warnings"] += len(config_warnings(outcome))
            counts["matched"] += len(config_warnings(outcome)) - len(missing)
            problems.extend(f"unmatched warning: config={table!r}\n  {m}" for m in missing)
    share = counts["agree"] / counts["configs"]
    line = (
        f"Lightning {version}: {counts['configs']} configs, Trainer raised {counts['raised']}, trainer-lint errors "
        f"{counts['lint_errors']}, agreement {counts['agree']}/{counts['configs']} ({math.floor(share * 1000) / 10:.1f} %), "
        f"false errors {counts['false_errors']}, misses {counts['misses']}, Lightning config warnings "
        f"{counts['warnings']} matched {counts['matched']}; left out (a package or device this machine lacks) {counts['environmental']}"
    )
    print(line, file=sys.stderr)
    summary.record(line)
    assert counts["configs"] >= (CONFIGS + RELEASE_CONFIGS) * 0.95, line
    assert counts["false_errors"] == 0 and share >= 0.995 and counts["matched"] == counts["warnings"], (
        line + "\n" + "\n".join(problems[:15])
    )


# -- the version ranges written next to the rules -----------------------------------------------


def _ranges() -> list[tuple[str, str, dict[str, Any], str, str]]:
    """(what, since, table, code, how): a check that a release makes from ``since`` on, a table
    that only that check decides, the rule that reports it, and how the Trainer shows it
    (``raises`` or ``warns``)."""
    from trainer_lint.model import NUM_NODES_CHECK_SINCE
    from trainer_lint.rules.hardware.precision import FSDP_CHECK_SINCE
    from trainer_lint.rules.hardware.strategy import SINGLE_TPU_DEPRECATED_SINCE
    from trainer_lint.rules.loops.values import TIMER_REGEX_SINCE
    from trainer_lint.rules.objects.connector import PRECISION_PLUGIN_CHECK_SINCE

    return [
        ("num_nodes below 1", NUM_NODES_CHECK_SINCE, {"accelerator": "cpu", "num_nodes": 0}, "TL102", "raises"),
        ("FSDP's precision", FSDP_CHECK_SINCE, {"accelerator": "gpu", "strategy": "fsdp", "precision": "64-true"}, "TL322", "raises"),
        ("max_time's form", TIMER_REGEX_SINCE, {"accelerator": "cpu", "max_time": "-1:00:00:00"}, "TL102", "raises"),
        ("single_tpu deprecated", SINGLE_TPU_DEPRECATED_SINCE, {"accelerator": "cpu", "strategy": "single_tpu"}, "TL318", "warns"),
        ("precision beside a precision plugin", PRECISION_PLUGIN_CHECK_SINCE,
         {"accelerator": "cpu", "precision": "64-true", "plugins": ["lightning.pytorch.plugins.precision.DoublePrecisionPlugin"]},
         "TL515", "raises"),
    ]


@pytest.mark.parametrize("version", [_param(v) for v in RELEASES])
def test_version_ranges_hold_for_the_real_release(version: str) -> None:
    """Each range declared next to a rule agrees with the real release: the release makes the
    check exactly when it is at least the range's start, and trainer-lint reports it exactly then.
    (Run for every minor with ``-m all_versions``, both sides of each boundary are built.)"""
    ranges = _ranges()
    tables_ = [{**QUIET, **table} for _, _, table, _, _ in ranges]
    outcomes, _, _ = build_with(version, tables_)  # tables with a class path string are built as LightningCLI builds them
    release = releases.get(version)
    for (what, since, table, code, how), outcome in zip(ranges, outcomes):
        if how == "raises":
            real = outcome.raised
        else:
            real = any("deprecated" in w for w in outcome.warnings)
        verdict = lint({**QUIET, **table}, release=version)
        codes = {line.split()[0] for line in verdict.errors + verdict.warnings}
        expected = release.at_least(since)
        assert real == expected, f"{what}: Lightning {version} {'does' if real else 'does not'} check it; the range says from {since}"
        assert (code in codes) == expected, f"{what}: trainer-lint {'reports' if code in codes else 'does not report'} {code} for {version}"
