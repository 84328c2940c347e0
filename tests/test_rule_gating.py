"""Rule gating is sound: a rule with ``triggers`` reports only when one of them is present.

The engine skips a rule whose :attr:`~trainer_lint.rules.base.Rule.triggers` are all absent from
a file (:attr:`~trainer_lint.rules.base.Context.present_keys`). That is a speed-up only if it
never changes the output, so every rule runs *ungated* here over every case file, every example,
a slice of the benchmark corpus and a few thousand generated configs, and:

* whenever a gated rule reports, at least one of its triggers is present in the file;
* the gated and the ungated engine give identical diagnostics.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer_lint.document import DocumentError, parse_document
from trainer_lint.engine import lint_data
from trainer_lint.options import DEFAULT, Options
from trainer_lint.rules import RULES, RULES_BY_CODE
from trainer_lint.rules.base import Context, top_level
from trainer_lint.schema import load_packaged

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
from case_files import case_options  # noqa: E402



def _parsed(path: Path) -> dict[str, Any] | None:
    try:
        return parse_document(path.read_text(encoding="utf-8"), str(path)).data
    except (DocumentError, UnicodeDecodeError):
        return None


FILES = sorted(ROOT.glob("tests/cases/**/*.toml")) + sorted(ROOT.glob("examples/*.toml"))
CASES = [(d, case_options(p), str(p)) for p, d in ((p, _parsed(p)) for p in FILES) if d is not None]
"""(data, project options, path) of every case file and example: the project-aware rules fire
only with the options a case names."""
DATA = [d for d, _, _ in CASES]


TARGETS = [Options(target=t) for t in ("cpu", "mps", "gpu:1xA100", "gpu:8xV100", "gpu:8xH100,nodes=2")]
"""Machines the target rules (TL37x) need to say anything; the launch rules (TL4xx) always run."""


def assert_sound(data: dict[str, Any], options: Options = DEFAULT, path: str | None = None) -> None:
    """Ungated diagnostics respect the triggers, and gating changes nothing."""
    ungated = lint_data(data, gated=False, options=options, path=path)
    present = Context(data, load_packaged()).present_keys
    for diagnostic in ungated:
        triggers = RULES_BY_CODE[diagnostic.code].triggers
        if triggers is not None:
            assert not triggers.isdisjoint(present), (
                f"{diagnostic.code} reported {diagnostic.message!r} although none of its triggers "
                f"{sorted(triggers)} is present in {data!r}"
            )
    assert lint_data(data, options=options, path=path) == ungated, data


def test_triggers_are_declared_well() -> None:
    for rule in RULES:
        triggers = rule.triggers
        assert triggers is None or isinstance(triggers, frozenset), rule.code
        assert triggers is None or all(isinstance(t, str) and t for t in triggers), rule.code
    gated = [rule.code for rule in RULES if rule.triggers is not None]
    assert len(gated) > len(RULES) // 2  # most rules gate: the point of the exercise


def test_case_files_and_examples() -> None:
    assert len(CASES) > 100
    for data, options, path in CASES:
        assert_sound(data, options, path)


def test_case_files_and_examples_on_targets() -> None:
    for options in TARGETS:
        for data in DATA:
            assert_sound(data, options)


def test_each_gated_rule_fires_somewhere() -> None:
    """A gated rule that never fires here would prove nothing about its triggers."""
    fired = {d.code for data, options, path in CASES for d in lint_data(data, gated=False, options=options, path=path)}
    fired |= {d.code for options in TARGETS for data in DATA for d in lint_data(data, gated=False, options=options)}
    silent = [r.code for r in RULES if r.triggers and r.code not in fired]
    assert not silent


def test_benchmark_corpus() -> None:
    rng = random.Random("gating")
    for index in range(1500):
        category = corpus.CATEGORIES[index % len(corpus.CATEGORIES)]
        if category == "syntax":
            continue
        data = _data_of(corpus.make_file(rng, category, cpu_only=index % 7 == 0))
        if data is not None:
            assert_sound(data)


def _data_of(text: str) -> dict[str, Any] | None:
    try:
        return parse_document(text).data
    except DocumentError:
        return None


# ----------------------------------------------------------------------------- generated configs


def _harvest() -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Every value each trainer key and each top-level key takes in the case files and examples."""
    trainer: dict[str, list[Any]] = {}
    top: dict[str, list[Any]] = {}
    for data in DATA:
        for name, value in data.items():
            if name != "trainer":
                top.setdefault(name, []).append(value)
        table = data.get("trainer")
        if isinstance(table, dict):
            for name, value in table.items():
                trainer.setdefault(name, []).append(value)
    return trainer, top


TRAINER_VALUES, TOP_VALUES = _harvest()
PROPERTIES = sorted(load_packaged()["definitions"]["BaseTrainerConfig"]["properties"])
KEYS = sorted(set(PROPERTIES) | set(TRAINER_VALUES) | {"gpus", "max_epoch", "devicez"})
GENERIC: list[Any] = [
    True, False, 0, 1, 2, -1, -2, 8, 0.0, 0.5, 1.0, 1.5, -0.5, float("nan"), float("inf"),
    "", "auto", "none", "cpu", "gpu", "cuda", "mps", "tpu", "hpu", "16", "bf16", "16-mixed",
    "32-true", "transformer-engine", "ddp", "fsdp", "deepspeed", "ddp_fork", "xla", "single_xla",
    "single_tpu", "single_device", "0", "0,1", "-1", "00:00:00:00", "00:01:00:00", "1:2:3",
    [], [0], [0, 0], [0, 1], [-1], {}, {"hours": 1}, {"minutes": 0}, {"days": -1},
    {"class_path": "lightning.pytorch.callbacks.Timer"},
    [{"class_path": "lightning.pytorch.callbacks.ModelCheckpoint"}, {"class_path": "TQDMProgressBar"}],
    "lightning.pytorch.strategies.FSDPStrategy",
]
OBJECTS: list[Any] = [
    "lightning.pytorch.callbacks.ModelCheckpoint", "lightning.pytorch.callbacks.ModelChekpoint",
    "lightning.pytorch.strategies.Strategy", "my_project.models.Net", "EarlyStopping",
    {"class_path": "lightning.pytorch.callbacks.EarlyStopping"},
    {"class_path": "lightning.pytorch.loggers.CSVLogger", "init_args": {"save_dir": 1}},
    {"class_path": "lightning.pytorch.callbacks.Nope"}, {"init_args": {}},
]


ANY_VALUE = st.sampled_from(GENERIC + OBJECTS)
TRAINER_VALUE = {key: st.one_of(st.sampled_from(TRAINER_VALUES[key]), ANY_VALUE) if key in TRAINER_VALUES else ANY_VALUE for key in KEYS}
TOP_VALUE = {name: st.sampled_from(TOP_VALUES.get(name, []) + GENERIC[:4] + OBJECTS) for name in sorted({*TOP_VALUES, "model", "data"})}


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=12))
    table = {key: draw(TRAINER_VALUE[key]) for key in keys}
    data: dict[str, Any] = {"trainer": table}
    if draw(st.integers(0, 19)) == 0:
        data["trainer"] = draw(st.sampled_from([1, "x", [table]]))
    for name in draw(st.lists(st.sampled_from(sorted(TOP_VALUE)), unique=True, max_size=2)):
        data[name] = draw(TOP_VALUE[name])
    return data


@settings(max_examples=2000, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(configs())
def test_generated_configs(data: dict[str, Any]) -> None:
    assert_sound(data)


@pytest.mark.parametrize("code", sorted(code for code, rule in RULES_BY_CODE.items() if rule.triggers is not None))
def test_triggers_name_real_keys(code: str) -> None:
    """A trigger that names no Trainer argument (or top-level key) could never match: a typo."""
    top = set(load_packaged()["properties"])
    for trigger in RULES_BY_CODE[code].triggers or ():
        assert trigger in PROPERTIES or trigger in {top_level(name) for name in top}, (code, trigger)
