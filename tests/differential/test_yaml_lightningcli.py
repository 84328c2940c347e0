"""YAML configs through the real LightningCLI: trainer-lint errors exactly when LightningCLI fails.

Each generated config is a YAML file that ``LightningCLI(BoringModel, run=False, args=["--config",
path])`` parses (jsonargparse, with its YAML loader and its type checks) and then builds the real
``Trainer`` from, under the mocked CUDA/MPS of ``harness.hardware``. The Trainer-level truth is the
one of the TOML suites: an error is expected when LightningCLI raises or exits, or when a value it
hands the Trainer breaks the parameter's annotation (``test_trainer_args.ANNOTATIONS``; None breaks
it exactly where the real signature is not ``Optional``); otherwise no error is allowed.

The tables are those of the TOML suites (``test_trainer_args.tables``, the hardware strategies of
``test_hardware``), written as YAML with what YAML adds: numbers and booleans quoted (LightningCLI
reads ``"10"`` as 10), ``null``/``~`` for any key, YAML 1.1 booleans (``on``, ``no``), exponents
without a dot (``1e-3``), trainer-lint's TOML spelling ``none``, Lightning callbacks and a logger
whose ``init_args`` carry quoted numbers and nulls. One line of counts is recorded for pytest's
summary; the suite fails on any disagreement.

LightningCLI's verdict comes from the harness the user-classes suite uses
(:func:`differential.lightning_cli.run_cli`), run here in-process: with ``--config FILE`` (the YAML
loader is what this suite tests), CUDA/MPS mocked per config, warnings recorded, and the Trainer
arguments LightningCLI hands on read back.
"""

from __future__ import annotations

import inspect
import os
import sys
import tempfile
import typing
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("lightning")
pytest.importorskip("jsonargparse")
pytest.importorskip("yaml")

from differential import summary  # noqa: E402
from differential.harness import _ROOT, Outcome, _torch_flags, hardware  # noqa: E402
from differential.lightning_cli import run_cli  # noqa: E402
from differential.test_trainer_args import ANNOTATIONS, QUIET, TRAINER_ARGS, config_warnings, tables, unmatched_warnings  # noqa: E402
from trainer_lint.diagnostic import Severity  # noqa: E402
from trainer_lint.engine import lint_text  # noqa: E402
from trainer_lint.formats import yaml_writer  # noqa: E402

try:
    from differential.test_hardware import configs as _hardware_configs
    from differential.test_hardware import machine as _machine
    from differential.test_hardware import needs_package as _needs_package

    HARDWARE: st.SearchStrategy[dict[str, Any]] = _hardware_configs(["cpu", "gpu", "cuda"])
except ImportError:  # pragma: no cover - only while test_hardware.py is missing
    HARDWARE = st.just({"accelerator": "cpu"})

    def _machine(table: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _needs_package(table: dict[str, Any]) -> str | None:
        return None


CONFIGS = 600
"""Configs judged (each builds a LightningCLI: about 50 ms)."""

_OPTIONAL: dict[str, bool] = {}


def _optional(name: str) -> bool:
    """Whether ``Trainer.__init__``'s annotation of ``name`` takes None (from the real signature)."""
    if not _OPTIONAL:
        from lightning.pytorch import Trainer

        hints = typing.get_type_hints(Trainer.__init__)
        for param in inspect.signature(Trainer.__init__).parameters:
            if param != "self":
                _OPTIONAL[param] = type(None) in typing.get_args(hints[param])
    return _OPTIONAL.get(name, False)


OBJECT_KEYS = frozenset({"callbacks", "logger", "plugins", "strategy", "profiler", "accelerator"})


def annotation_breaks(passed: dict[str, Any], written: set[str]) -> list[str]:
    """Keys the YAML wrote whose value, as LightningCLI passed it, breaks the Trainer's annotation."""
    out = []
    for key in sorted(written):
        if key not in passed:
            continue
        value = passed[key]
        if value is None:
            if not _optional(key):
                out.append(key)
            continue
        if key in OBJECT_KEYS and (isinstance(value, dict) or isinstance(value, list) and any(isinstance(v, dict) for v in value)):
            out += [f"{key}.{name}" for name in _null_breaks(value)]  # class_path objects: their nulls
            continue
        check = ANNOTATIONS.get(key)
        if check is not None and not check(value):
            out.append(key)
    return out


def _null_breaks(value: Any) -> list[str]:
    """``init_args`` that LightningCLI passed as None to a parameter whose annotation does not take
    None and whose default is not None (jsonargparse never type-checks a None)."""
    import importlib

    out = []
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict) or not isinstance(item.get("init_args"), dict):
            continue
        module, _, name = item["class_path"].rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        hints = typing.get_type_hints(cls.__init__)
        params = inspect.signature(cls.__init__).parameters
        for arg, passed in item["init_args"].items():
            if passed is None and arg in params and params[arg].default is not None:
                if type(None) not in typing.get_args(hints.get(arg, object)):
                    out.append(arg)
    return out


# -- YAML text ----------------------------------------------------------------------------------

_BOOL_WORDS = {True: ("on", "yes", "True", "ON", "Yes"), False: ("off", "no", "False", "OFF", "No")}


@st.composite
def yaml_scalar(draw: st.DrawFn, value: Any) -> str:
    """``value`` as YAML text, often in a spelling that only YAML has."""
    choice = draw(st.integers(0, 14))
    if choice == 0:
        return draw(st.sampled_from(["null", "~", ""]))
    if isinstance(value, bool) and choice in (1, 2):
        return draw(st.sampled_from(_BOOL_WORDS[value]))
    if isinstance(value, (bool, int, float)) and choice in (3, 4):
        return "'" + yaml_writer.scalar(value) + "'"  # a quoted number: LightningCLI reads it again
    if isinstance(value, float) and choice == 5 and value == value and abs(value) not in (0.0, float("inf")):
        mantissa, exponent = f"{value:e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"  # 5e-1: a float for jsonargparse
    if isinstance(value, str) and choice == 6 and value == "none":
        return "null"
    return yaml_writer.scalar(value)


CALLBACK_ARGS: dict[str, dict[str, list[str]]] = {
    "lightning.pytorch.callbacks.ModelCheckpoint": {
        "monitor": ["val_loss", "val_loss", "null", "~", "on"],
        "save_top_k": ["1", "'3'", "null", "-1", "2.5", "'-1'", "0"],
        "mode": ["min", "max", "min", "null", "MAX"],
        "every_n_epochs": ["1", "'2'", "null", "2"],
        "save_last": ["true", "'yes'", "link", "null", "no", "false"],
        "filename": ["'{epoch}'", "null", "1e-3", "best"],
    },
    "EarlyStopping": {
        "monitor": ["val_loss", "null", "'val_acc'"],
        "patience": ["3", "'3'", "2.5", "null"],
        "mode": ["min", "max", "null"],
        "min_delta": ["0.0", "1e-3", "'1e-3'", "null", "-1"],
    },
    "lightning.pytorch.callbacks.LearningRateMonitor": {
        "logging_interval": ["step", "epoch", "null", "'1'"],
        "log_momentum": ["true", "off", "'false'", "null"],
    },
}
LOGGER_ARGS = {
    "save_dir": ["LOGS", "null"],
    "name": ["run", "null", "'1'", "no"],
    "version": ["0", "'3'", "null", "v1"],
}


@st.composite
def objects_yaml(draw: st.DrawFn, table: dict[str, Any]) -> list[str]:
    """YAML lines for a few callbacks and a CSV logger, with YAML-only spellings in ``init_args``."""
    lines: list[str] = []
    if draw(st.integers(0, 4)) == 0:
        lines.append("  callbacks:")
        for class_path in draw(st.lists(st.sampled_from(sorted(CALLBACK_ARGS)), min_size=1, max_size=2)):
            args = CALLBACK_ARGS[class_path]
            chosen = draw(st.lists(st.sampled_from(sorted(args)), max_size=3, unique=True))
            lines.append(f"    - class_path: {class_path}")
            if chosen:
                lines.append("      init_args:")
                lines += [f"        {name}: {draw(st.sampled_from(args[name]))}" for name in chosen]
        table.pop("callbacks", None)
        table["enable_checkpointing"] = True  # a ModelCheckpoint needs it
    if draw(st.integers(0, 5)) == 0:
        lines.append("  logger:")
        lines.append("    class_path: lightning.pytorch.loggers.CSVLogger")
        lines.append("    init_args:")
        chosen = draw(st.lists(st.sampled_from(sorted(LOGGER_ARGS)), min_size=1, max_size=3, unique=True))
        if "save_dir" not in chosen:
            chosen.insert(0, "save_dir")
        for name in chosen:
            value = draw(st.sampled_from(LOGGER_ARGS[name])) if name != "save_dir" else "LOGS"
            lines.append(f"      {name}: {value}".replace("LOGS", yaml_writer.quoted(os.path.join(_ROOT, 'logs'))))
        table.pop("logger", None)
    return lines


@st.composite
def yaml_configs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A YAML config text, and the trainer table it was drawn from."""
    table = {**QUIET, **draw(HARDWARE), **draw(tables(TRAINER_ARGS, max_keys=6))}
    object_lines = draw(objects_yaml(table))
    lines = ["trainer:", f"  default_root_dir: {yaml_writer.quoted(_ROOT)}"]
    for key, value in table.items():
        lines.append(f"  {key}: {draw(yaml_scalar(value))}")
    lines += object_lines
    seed = draw(st.sampled_from([None, None, None, "42", "'7'", "true", "false", "null", "~", "on", "1.5"]))
    if seed is not None:
        lines.insert(0, f"seed_everything: {seed}")
    return "\n".join(lines) + "\n", table


# -- the real thing -----------------------------------------------------------------------------


def build(text: str, *, cuda: int = 0) -> tuple[Outcome, dict[str, Any]]:
    """Run ``LightningCLI(BoringModel, run=False)`` on the YAML ``text``: what it did, and the
    trainer arguments it handed on (empty when it failed)."""
    from lightning.pytorch.cli import LightningCLI
    from lightning.pytorch.demos.boring_classes import BoringModel

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=_ROOT, delete=False, encoding="utf-8") as handle:
        handle.write(text)
    try:
        with warnings.catch_warnings(record=True) as caught, hardware(cuda), _torch_flags():
            warnings.simplefilter("always")
            verdict, cli = run_cli(lambda: LightningCLI(BoringModel, run=False, args=["--config", handle.name], save_config_callback=None))
        if verdict.stage == "parse":  # jsonargparse refused the config
            return Outcome(ValueError(verdict.error.strip().rsplit("error:", 1)[-1][:300]), []), {}
        if verdict.stage == "build":  # any raise is LightningCLI's verdict
            return Outcome(verdict.exception, [str(w.message) for w in caught]), {}
        return Outcome(None, [str(w.message) for w in caught]), cli.config.as_dict().get("trainer", {})
    finally:
        os.unlink(handle.name)


def written_keys(text: str) -> set[str]:
    import yaml

    data = yaml.safe_load(text)
    trainer = data.get("trainer") if isinstance(data, dict) else None
    return set(trainer) if isinstance(trainer, dict) else set()


LIGHTNINGCLI_NOISE = ("LightningCLI's args parameter", "is intended to run from within Python")


RESULTS: list[tuple[bool, bool, bool, int, str | None]] = []


def judge(text: str, cuda: int) -> tuple[bool, bool, bool, int, str | None]:
    """(LightningCLI failed, annotation broken, trainer-lint error, Lightning config warnings
    matched by a trainer-lint warning, disagreement)."""
    outcome, passed = build(text, cuda=cuda)
    breaks = annotation_breaks(passed, written_keys(text)) if not outcome.raised else []
    result = lint_text(text, "config.yaml")
    errors = [f"{d.code} {d.dotted_key}: {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR]
    expected = outcome.raised or bool(breaks)
    disagreement = None
    if expected != bool(errors):
        raised = f"{type(outcome.error).__name__}: {outcome.error}" if outcome.error else "nothing"
        disagreement = f"{text}\n  LightningCLI raised: {raised}\n  annotation breaks: {breaks}\n  trainer-lint errors: {errors}"
    matched = 0
    if not outcome.raised and disagreement is None:
        from differential.harness import Verdict

        verdict = Verdict(errors, [f"{d.code} {d.dotted_key}: {d.message}" for d in result.diagnostics if d.severity is Severity.WARNING], [])
        outcome.warnings = [w for w in outcome.warnings if not any(n in w for n in LIGHTNINGCLI_NOISE)]
        missing = unmatched_warnings(outcome, verdict)
        matched = len(config_warnings(outcome)) - len(missing)
        if missing:
            disagreement = f"{text}\n  unmatched Lightning warnings: {missing}\n  trainer-lint warnings: {verdict.warnings}"
    return outcome.raised, bool(breaks), bool(errors), matched, disagreement


def test_yaml_configs_agree_with_lightningcli():
    RESULTS.clear()
    failures: list[str] = []

    @settings(max_examples=CONFIGS, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(yaml_configs())
    def run(drawn: tuple[str, dict[str, Any]]) -> None:
        text, table = drawn
        assume(not _needs_package(table))
        result = judge(text, _machine(table).get("cuda", 0))
        RESULTS.append(result)
        if result[4] is not None:
            failures.append(result[4])

    run()
    failed = sum(r[0] for r in RESULTS)
    broken = sum(r[1] and not r[0] for r in RESULTS)
    errors = sum(r[2] for r in RESULTS)
    false_errors = sum(r[2] and not (r[0] or r[1]) for r in RESULTS)
    misses = sum((r[0] or r[1]) and not r[2] for r in RESULTS)
    line = (
        f"YAML differential: {len(RESULTS)} configs through LightningCLI(run=False), LightningCLI failed {failed}, "
        f"annotation breaks it passed {broken}, trainer-lint errors {errors}, false errors {false_errors}, "
        f"misses {misses}, Lightning config warnings matched {sum(r[3] for r in RESULTS)} (unmatched fail the test)"
    )
    print(line, file=sys.stderr)
    summary.record(line)
    assert len(RESULTS) >= CONFIGS * 0.9, line
    assert not failures, line + "\n\n" + "\n\n".join(failures[:8])


# -- what LightningCLI does with YAML's own spellings, one by one -------------------------------

SPELLINGS = [
    # (trainer lines, LightningCLI accepts it) - the reading rules trainer-lint copies
    ("max_epochs: '10'", True),  # a quoted number is read again: 10
    ("max_epochs: 1e1", False),  # 10.0: a float for jsonargparse (plain PyYAML reads a string)
    ("gradient_clip_val: 1e-3", True),
    ("enable_progress_bar: 'no'", True),
    ("enable_progress_bar: on", True),
    ("devices: '1'", True),
    ("precision: '16'", True),
    ("val_check_interval: '0.5'", True),
    ("check_val_every_n_epoch: null", True),
    ("check_val_every_n_epoch: none", False),  # the TOML spelling: TL009
    ("max_epochs: ~", True),
    ("max_steps: null", False),  # not Optional: the Trainer compares None with ints
    ("accelerator: null", False),
    ("default_root_dir: 2024-01-02", True),  # no timestamps: a string
    ("max_epochs: 3\n  max_epochs: 4", True),  # duplicates: the last wins (TL004 warns)
    ("max_time: 1:00:00:00", False),  # base 60: the integer 216000, no time for max_time
]


@pytest.mark.parametrize(("lines", "accepted"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_yaml_spellings(lines: str, accepted: bool) -> None:
    text = f"trainer:\n  default_root_dir: {yaml_writer.quoted(_ROOT)}\n  logger: false\n  enable_checkpointing: false\n  {lines}\n"
    if "default_root_dir: 2024" in lines:
        text = text.replace(f"  default_root_dir: {yaml_writer.quoted(_ROOT)}\n", "")
    outcome, passed = build(text)
    breaks = annotation_breaks(passed, written_keys(text)) if not outcome.raised else []
    assert (not outcome.raised and not breaks) == accepted, (outcome.error, breaks)
    errors = [d for d in lint_text(text, "config.yaml").diagnostics if d.severity is Severity.ERROR]
    assert (not errors) == accepted, errors
