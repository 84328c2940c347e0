"""Differential tests of the Trainer, loop, data-limit and timing arguments (rules TL200-TL299).

Each generated trainer table is built with the real ``lightning.Trainer`` (see
:mod:`differential.harness`) and linted. Two contracts:

* **Error verdict.** trainer-lint reports an error exactly when ``Trainer(**table)`` raises, except
  for values that break the parameter's type annotation (a string for an int, a bool for an int,
  a float where an int is required): those are errors whether or not the Trainer raises, because
  the Trainer accepts some of them by accident (``isinstance(True, int)``). :func:`annotation_breaks`
  is the annotation oracle, written from the signature of ``Trainer.__init__`` (Lightning 2.6), not
  from trainer-lint's model. One documented extension: a ``max_time`` or ``val_check_interval``
  table is typed as ``datetime.timedelta`` keyword arguments (Lightning's docstring: "dict kwargs
  for timedelta"), so an unknown key or a boolean in such a table is an annotation break even
  under ``fast_dev_run``, where the Trainer never reads ``val_check_interval``.
* **Warnings.** Every config warning Lightning emits while building a Trainer that builds is
  matched by a trainer-lint warning of the code it corresponds to (:data:`LIGHTNING_WARNINGS`);
  environmental warnings (no TensorBoard, a GPU left unused) are filtered (:data:`ENVIRONMENTAL`).
  When the Trainer raises, the error is the verdict and the warnings it emitted on the way (such
  as the ``single_tpu`` deprecation before the missing-XLA error) are not compared.

Strategies here are reused by ``test_agreement.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential.harness import Outcome, Verdict, build, describe, lint

NAN = float("nan")
INF = float("inf")

QUIET = {"logger": False, "enable_checkpointing": False, "enable_progress_bar": False, "enable_model_summary": False}
"""Defaults for a generated table unless it sets these keys: fast builds, no files written."""

# -- the annotation oracle ----------------------------------------------------------------------

TIMEDELTA_KEYS = frozenset({"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"})


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _td(v: Any, values) -> bool:
    return isinstance(v, dict) and all(k in TIMEDELTA_KEYS and values(x) for k, x in v.items())


PRECISIONS = {64, 32, 16, "transformer-engine", "transformer-engine-float16", "16-true", "16-mixed",
              "bf16-true", "bf16-mixed", "32-true", "64-true", "64", "32", "16", "bf16"}

ANNOTATIONS = {
    # Trainer.__init__(...) parameter -> predicate for a plain-data value (None is never generated)
    "accelerator": _str,
    "strategy": _str,
    "devices": lambda v: _int(v) or _str(v) or (isinstance(v, list) and all(_int(x) for x in v)),
    "num_nodes": _int,
    "precision": lambda v: not _bool(v) and v in PRECISIONS,  # _PRECISION_INPUT is a Literal
    # a plain value inside these arrays is no Logger / Callback / plugin object
    "logger": lambda v: _bool(v) or v == [],
    "callbacks": lambda v: v == [],
    "fast_dev_run": lambda v: _int(v) or _bool(v),
    "max_epochs": _int,
    "min_epochs": _int,
    "max_steps": _int,
    "min_steps": _int,
    "max_time": lambda v: _str(v) or _td(v, _int),
    "limit_train_batches": _num,
    "limit_val_batches": _num,
    "limit_test_batches": _num,
    "limit_predict_batches": _num,
    "overfit_batches": _num,
    "val_check_interval": lambda v: _num(v) or _str(v) or _td(v, _num),
    "check_val_every_n_epoch": lambda v: _int(v) or v == "none",
    "num_sanity_val_steps": _int,
    "log_every_n_steps": _int,
    "enable_checkpointing": _bool,
    "enable_progress_bar": _bool,
    "enable_model_summary": _bool,
    "accumulate_grad_batches": _int,
    "gradient_clip_val": _num,
    "gradient_clip_algorithm": _str,
    "deterministic": lambda v: _bool(v) or v == "warn",
    "benchmark": _bool,
    "inference_mode": _bool,
    "use_distributed_sampler": _bool,
    "profiler": _str,
    "detect_anomaly": _bool,
    "barebones": _bool,
    "plugins": lambda v: v == [],
    "sync_batchnorm": _bool,
    "reload_dataloaders_every_n_epochs": _int,
    "default_root_dir": _str,
    "enable_autolog_hparams": _bool,
    "model_registry": _str,
}


def annotation_breaks(table: dict[str, Any]) -> list[str]:
    """Keys of ``table`` whose value breaks the type annotation of its Trainer parameter."""
    return [k for k, v in table.items() if k not in ANNOTATIONS or not ANNOTATIONS[k](v)]


# -- Lightning's warnings -----------------------------------------------------------------------

ENVIRONMENTAL = (
    re.compile(r"tensorboardX` has been removed as a dependency"),
    re.compile(r"GPU available but not used"),
    re.compile(r"TPU available but not used"),
    re.compile(r"litlogger|litmodels|LitLogger", re.I),
    re.compile(r"MPS available but not used|Consider installing|srun|SLURM"),
    # Lightning < 2.4 builds its GradScaler with an API this torch deprecates: about the installed
    # torch, not the config (the release suites of test_lightning_releases.py meet it)
    re.compile(r"torch\.cuda\.amp\.GradScaler\(args\.\.\.\)` is deprecated"),
)
"""Warnings about this machine's installed packages or hardware, not about the config."""

LIGHTNING_WARNINGS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    # pattern of a Lightning warning at Trainer(...) -> trainer-lint codes that match it
    # 2.6: "`precision=16` is supported for historical reasons ..."; 2.0: "16 is supported ..."
    (re.compile(r"is supported for historical reasons but its usage is discouraged"), frozenset({"TL320"})),
    (re.compile(r"AMP with fp16 is not supported on CPU"), frozenset({"TL321"})),
    (re.compile(r"deterministic=True` and `benchmark=True`"), frozenset({"TL330"})),
)
"""Every config warning Lightning 2.6 emits while building a Trainer from plain data. The
arguments of TL2xx emit none at construction (``_init_debugging_flags`` and the loops only log
``rank_zero_info``); the hardware ones are matched by the TL3xx rules."""


def config_warnings(outcome: Outcome) -> list[str]:
    """Lightning's warnings minus the environmental ones."""
    return [w for w in outcome.warnings if not any(p.search(w) for p in ENVIRONMENTAL)]


def unmatched_warnings(outcome: Outcome, verdict: Verdict) -> list[str]:
    """Config warnings of Lightning that no trainer-lint warning (of the right code) matches."""
    codes = {w.split()[0] for w in verdict.warnings}
    missing = []
    for message in config_warnings(outcome):
        wanted = next((c for p, c in LIGHTNING_WARNINGS if p.search(message)), None)
        if wanted is None or not (wanted & codes):
            missing.append(message if wanted is not None else f"(unclassified) {message}")
    return missing


# -- judging one table --------------------------------------------------------------------------


def judge(table: dict[str, Any], *, cuda: int = 0) -> tuple[Outcome, Verdict, str | None]:
    """Build and lint ``table``; return a disagreement description, or None when they agree."""
    outcome = build(table, cuda=cuda)
    verdict = lint(table)
    expected_error = outcome.raised or bool(annotation_breaks(table))
    if expected_error != verdict.has_error:
        why = f"annotation breaks: {annotation_breaks(table)}" if annotation_breaks(table) else ""
        return outcome, verdict, describe(table, outcome, verdict) + (f"\n  {why}" if why else "")
    missing = [] if outcome.raised else unmatched_warnings(outcome, verdict)
    if missing:
        return outcome, verdict, f"config={table!r}\n  unmatched Lightning warnings: {missing}\n  trainer-lint warnings: {verdict.warnings}"
    return outcome, verdict, None


# -- strategies ---------------------------------------------------------------------------------

WRONG_FOR_INT = ("3", True, 2.0, 1.5)


def pick(*values: Any) -> st.SearchStrategy[Any]:
    """One of ``values``, a fresh copy each time: the Trainer appends its default callbacks to the
    ``callbacks`` list it is given, so a shared list would carry them into later examples."""
    import copy

    return st.sampled_from(values).map(copy.deepcopy)


def ints(lo: int, hi: int, *extra: Any) -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(lo, hi), st.sampled_from(extra)) if extra else st.integers(lo, hi)


LIMIT_VALUES = pick(0, 1, 2, 5, 10, 100, 0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 1.5, 0.999, 1.0001, -1, -0.5, -3.0, NAN, INF, -INF,
                    "0.5", True)

TIME_STRINGS = ("00:12:00:00", "1:00:00:00", "0:01:00:00", "00:00:00:30", " 00:00:30:00 ", "00:00:00:00",
                "0:1:00:00", "00:12:00", "12 hours", "01:02:03:04:05", "00:99:99:99", "999999999:23:59:59",
                "999999999:99:00:00", "1000000000:00:00:00", "-1:00:00:00", "")
INTERVAL_STRINGS = ("00:00:30:00", "0:0:0:30", " 1:00:00:00 ", "+1:0_0:00:00", "-1:00:00:00", "00:00:00:00",
                    "00:30:00", "a:b:c:d", "1:2:3:4.5", "1::2:3", "999999999:0:0:0", "0:0:0:99999999999999",
                    "12 hours", "")

TRAINER_ARGS: dict[str, st.SearchStrategy[Any]] = {
    "fast_dev_run": pick(False, True, 0, 1, 2, 5, -1, -3, 1.0, "true"),
    "max_epochs": ints(-3, 12, 1000, 2.0, "5", True),
    "min_epochs": ints(-2, 30, 2000, 1.5, "1"),
    "max_steps": ints(-3, 200, 10_000, 100.0, "10", False),
    "min_steps": ints(-2, 500, 20_000, 5.0),
    "max_time": st.one_of(
        st.sampled_from(TIME_STRINGS),
        st.sampled_from([{"hours": 1}, {"days": 10**9}, {"weeks": 200_000_000}, {}, {"minutes": -5}, {"seconds": 30},
                         {"weeks": 2, "days": 1}, {"hours": 1.5}, {"hourz": 1}, {"hours": True}, {"hours": "1"}]),
        pick(3600, True),
    ),
    "limit_train_batches": LIMIT_VALUES,
    "limit_val_batches": LIMIT_VALUES,
    "limit_test_batches": LIMIT_VALUES,
    "limit_predict_batches": LIMIT_VALUES,
    "overfit_batches": pick(0, 0.0, 1, 3, 10, 0.25, 1.0, 2.0, 1.5, -1, -0.5, NAN, INF, True, "0.1"),
    "val_check_interval": st.one_of(
        pick(0, 1, 5, 50, 100, 1000, 0.0, 0.25, 1.0, 1.5, 2.0, 50.0, -1, -0.5, NAN, INF),
        st.sampled_from(INTERVAL_STRINGS),
        st.sampled_from([{"minutes": 30}, {"hours": 1.5}, {"hours": NAN}, {"days": 10**9}, {"minutes": -1}, {},
                         {"seconds": INF}, {"weeks": 1, "seconds": 5}, {"hourz": 1}, {"hours": True}]),
        pick(True, [1]),
    ),
    "check_val_every_n_epoch": pick(1, 2, 5, 0, -1, "none", 1.0, True, "1"),
    "num_sanity_val_steps": pick(-5, -2, -1, 0, 2, 10, "2", 2.0),
    "log_every_n_steps": pick(-5, -1, 0, 1, 50, 1.0, "50"),
    "enable_checkpointing": pick(True, False, 1),
    "enable_progress_bar": pick(True, False, 0),
    "enable_model_summary": pick(True, False, "yes"),
    "logger": pick(True, False, [], 0),
    "accumulate_grad_batches": pick(-1, 0, 1, 4, 2.0, "4"),
    "gradient_clip_val": pick(-1.0, 0, 0.0, 0.5, 1, 5, NAN, "1.0", True),
    "gradient_clip_algorithm": pick("norm", "value", "Value", "NORM", "bogus", "", 1),
    "detect_anomaly": pick(True, False, "yes"),
    "barebones": pick(True, True, False, 1),
    "profiler": pick("simple", "Simple", "advanced", "ADVANCED", "pytorch", "bogus", 1),
    "reload_dataloaders_every_n_epochs": pick(-1, 0, 1, 3, True, 1.5),
    "inference_mode": pick(True, False, 1),
    "use_distributed_sampler": pick(True, False, "no"),
    "enable_autolog_hparams": pick(True, False),
    "callbacks": pick([], [], [1]),
    "plugins": pick([],),
    "model_registry": pick("my-model", "my-model:v2"),
}
"""Values for every TL2xx argument: valid, boundary, invalid, and annotation-breaking ones."""

INTERACTING = (
    # groups that rules relate; tables mixing them are drawn more often
    ("barebones", "logger", "enable_checkpointing", "enable_progress_bar", "log_every_n_steps",
     "enable_model_summary", "num_sanity_val_steps", "fast_dev_run", "detect_anomaly", "profiler"),
    ("fast_dev_run", "overfit_batches", "limit_train_batches", "limit_val_batches", "limit_test_batches",
     "val_check_interval", "check_val_every_n_epoch", "max_epochs", "max_steps"),
    ("max_epochs", "max_steps", "min_epochs", "min_steps", "max_time"),
    ("val_check_interval", "check_val_every_n_epoch", "limit_train_batches", "overfit_batches", "fast_dev_run"),
    ("gradient_clip_val", "gradient_clip_algorithm", "accumulate_grad_batches"),
)


@st.composite
def tables(draw: st.DrawFn, args: dict[str, st.SearchStrategy[Any]] = TRAINER_ARGS, max_keys: int = 5) -> dict[str, Any]:
    """A trainer table of a few keys, often drawn from one interacting group."""
    names = sorted(args)
    if draw(st.booleans()):
        group = [n for n in draw(st.sampled_from(INTERACTING)) if n in args]
        keys = draw(st.lists(st.sampled_from(group), min_size=1, max_size=max_keys, unique=True))
    else:
        keys = draw(st.lists(st.sampled_from(names), min_size=0, max_size=max_keys, unique=True))
    table = dict(QUIET)
    for key in keys:
        table[key] = draw(args[key])
    return table


# -- tests --------------------------------------------------------------------------------------


@settings(max_examples=600, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tables())
def test_trainer_args_agree_with_lightning(table):
    _, _, disagreement = judge(table)
    assert disagreement is None, disagreement


BAREBONES_CONFLICTS = {
    # argument -> (a value barebones rejects, a value barebones accepts)
    "enable_checkpointing": (True, False),
    "logger": ([], False),
    "enable_progress_bar": (True, False),
    "log_every_n_steps": (-1, 0),
    "enable_model_summary": (True, False),
    "num_sanity_val_steps": (-1, 0),
    "fast_dev_run": (1, 0),
    "detect_anomaly": (True, False),
    "profiler": ("simple", None),
}


@pytest.mark.parametrize("name", sorted(BAREBONES_CONFLICTS))
def test_each_barebones_conflict(name):
    bad, good = BAREBONES_CONFLICTS[name]
    table = {**QUIET, "barebones": True, name: bad}
    outcome, verdict, disagreement = judge(table)
    assert outcome.raised and disagreement is None, disagreement
    assert any(e.startswith(f"TL200 trainer.{name}:") for e in verdict.errors)
    if good is not None:
        table[name] = good
        outcome, verdict, disagreement = judge(table)
        assert not outcome.raised and disagreement is None, disagreement


@pytest.mark.parametrize(
    "table, code",
    [
        ({"max_epochs": 5, "max_steps": 100}, "TL216"),
        ({"min_epochs": 10, "max_epochs": 5}, "TL217"),
        ({"min_steps": 100, "max_steps": 10}, "TL217"),
        ({"fast_dev_run": True, "max_epochs": 10}, "TL203"),
        ({"fast_dev_run": 2, "limit_val_batches": 0.5}, "TL203"),
        ({"fast_dev_run": True, "val_check_interval": "00:00:30:00"}, "TL203"),
        ({"fast_dev_run": True, "logger": True}, "TL203"),
        ({"overfit_batches": 10, "limit_train_batches": 100}, "TL218"),
        ({"fast_dev_run": True, "limit_val_batches": -5}, "TL210"),
        ({"overfit_batches": 0.1, "limit_train_batches": 1.5}, "TL210"),
        ({"limit_train_batches": 2.0}, "TL211"),
        ({"max_time": "00:00:00:00"}, "TL215"),
        ({"val_check_interval": {"minutes": -1}}, "TL215"),
        ({"limit_train_batches": 5, "val_check_interval": 10}, "TL221"),
    ],
)
def test_silent_overrides_warn(table, code):
    table = {**QUIET, **table}
    outcome, verdict, disagreement = judge(table)
    assert disagreement is None, disagreement
    assert not outcome.raised
    assert any(w.startswith(code + " ") for w in verdict.warnings), verdict


def test_annotation_oracle_is_independent_of_the_model():
    # the oracle accepts what Lightning's annotations accept, even where trainer-lint's rules object
    assert annotation_breaks({"limit_val_batches": -5, "check_val_every_n_epoch": 0, "accumulate_grad_batches": 0}) == []
    assert annotation_breaks({"max_epochs": True, "max_steps": 1.0, "min_epochs": "1"}) == ["max_epochs", "max_steps", "min_epochs"]
    assert annotation_breaks({"val_check_interval": {"hours": 1.5}, "max_time": {"hours": 1.5}}) == ["max_time"]
    assert math.isnan(NAN)


def summarize(results: Iterable[tuple[Outcome, Verdict, str | None]]) -> dict[str, int]:
    """Counts for the agreement line."""
    out = {"configs": 0, "raised": 0, "lint_errors": 0, "disagreements": 0, "warnings": 0, "matched": 0}
    for outcome, verdict, disagreement in results:
        out["configs"] += 1
        out["raised"] += outcome.raised
        out["lint_errors"] += verdict.has_error
        out["disagreements"] += disagreement is not None
        if outcome.raised:
            continue
        ws = config_warnings(outcome)
        out["warnings"] += len(ws)
        out["matched"] += len(ws) - len(unmatched_warnings(outcome, verdict))
    return out
