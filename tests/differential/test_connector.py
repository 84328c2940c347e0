"""Differential test of objects against flags: strategy, accelerator, precision and plugin objects
(and the objects a strategy carries in its ``init_args``) combined with the Trainer's flags.

The pools come from the class snapshot: every concrete Lightning strategy, accelerator, precision
plugin, checkpoint IO and layer sync that needs no optional package, with required arguments
filled from their snapshot types; registered strategy names from the snapshot's registries. Left
out, and why: classes needing an optional package (their construction fails for want of it, which
TL316 notes, never as an error); cluster environments other than ``LightningEnvironment`` (they
read their cluster's environment variables, so the verdict depends on the machine).

Each config is built the way ``trainer-lint run`` builds it (``tests/fit_harness.py``), with CUDA
or an Apple GPU mocked when the config names one; ``accelerator = "auto"`` is built on all three
machines. Contracts:

* **errors agree exactly**: trainer-lint reports an error iff building raises (on every machine,
  for "auto"; a verdict that differs between machines is a warning at most);
* **every fit-time failure has a warning**: configs that build on the CPU in one process are
  trained for two steps; when the fit fails, trainer-lint must have warned with a fit-time rule.

By default 700 configs are built and a representative subset is fitted (``FIT_DEFAULT``, 80, or
``TRAINER_LINT_FIT_SAMPLE``); ``pytest -m fit_full tests/differential/test_connector.py`` builds
3,000 and fits every one that builds on the CPU.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import pytest

from differential.summary import record

hypothesis = pytest.importorskip("hypothesis")
pytest.importorskip("lightning")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fit_harness import ROOT, build, config, fit  # noqa: E402
from trainer_lint import classes  # noqa: E402
from trainer_lint.diagnostic import Severity  # noqa: E402
from trainer_lint.engine import lint_data  # noqa: E402

CUDA_DEVICES = 16

FIT_DEFAULT = int(os.environ.get("TRAINER_LINT_FIT_SAMPLE", "80"))
"""How many configs that build on the CPU are fitted in the default run."""

FIT_FAILURES = {
    "callback with `Trainer` that has no logger": "TL600",
    "callback with `Trainer(logger=False)`": "TL600",
    "SWA with `swa_epoch_start` as a float is not supported": "TL611",
    "Device should be": "TL607",
    "got an unexpected keyword argument": "TL609",
    "doesn't have NCCL built in": "TL606",
}
"""How a fit failure reads, and the rule that must have warned about it."""

SAMPLE_VALUES: dict[str, list[Any]] = {
    "device": ["cpu", "cuda:0", "mps"],
    "process_group_backend": ["gloo", "nccl"],
}
"""Values for string parameters whose snapshot type has no closed set."""

COUNTS: collections.Counter[str] = collections.Counter()


# ------------------------------------------------------------------------------- pools


def _concrete(kind: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path, data in classes.load()["classes"].items():
        if data["kind"] != kind or data["abstract"] or data.get("deprecated") or data.get("requires"):
            continue
        if kind == "environment" and data["name"] != "LightningEnvironment":
            continue  # the others read their cluster's environment (see the module docstring)
        out.append((path, data))
    return out


def _required(data: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid values for the class's required parameters, from their snapshot types."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, param in data["params"].items():
        if not param.get("required"):
            continue
        node = param.get("type", {})
        if "enum" in node:
            fields[name] = st.sampled_from(node["enum"])
        elif name in SAMPLE_VALUES:
            fields[name] = st.sampled_from(SAMPLE_VALUES[name])
        else:
            raise AssertionError(f"no sample value for required {data['name']}.{name}: add one to SAMPLE_VALUES")
    return st.fixed_dictionaries(fields)


def _spell(path: str, name: str) -> st.SearchStrategy[str]:
    """A class path as users write it: full, bare, or (rarely) from the other distribution."""
    other = classes.in_family(path, "pytorch_lightning")
    return st.sampled_from([path, path, name, other])


def _object(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    choices = [
        st.builds(lambda p, args: {"class_path": p, "init_args": args} if args else {"class_path": p}, _spell(path, data["name"]), _required(data))
        for path, data in _concrete(kind)
    ]
    return st.one_of(choices)


def plugin() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(_object("precision"), _object("checkpoint_io"), _object("environment"), _object("layer_sync"))


@st.composite
def strategy_object(draw) -> dict[str, Any]:
    path, data = draw(st.sampled_from(_concrete("strategy")))
    args: dict[str, Any] = draw(_required(data))
    params = data["params"]
    carried = {"accelerator": "accelerator", "precision_plugin": "precision", "checkpoint_io": "checkpoint_io", "cluster_environment": "environment"}
    for name, kind in carried.items():
        if name in params and draw(st.integers(0, 3)) == 0:
            args[name] = draw(_object(kind))
    for name in ("device", "process_group_backend"):
        if name in params and draw(st.booleans()):
            args[name] = draw(st.sampled_from(SAMPLE_VALUES[name]))
    if "start_method" in params and draw(st.booleans()):
        args["start_method"] = draw(st.sampled_from(params["start_method"]["type"]["enum"]))
    spelled = draw(_spell(path, data["name"]))
    return {"class_path": spelled, "init_args": args} if args else {"class_path": spelled}


STRATEGY_NAMES = sorted(
    name
    for data in classes.load()["classes"].values()
    if data["kind"] == "strategy" and not data.get("requires")
    for name in data.get("registered", {})
)
PRECISIONS = ["32-true", "64-true", "16-true", "bf16-true", "16-mixed", "bf16-mixed", "bf16"]
ACCELERATOR_NAMES = ["cpu", "gpu", "cuda", "mps", "auto"]
CALLBACKS = [
    {"class_path": "lightning.pytorch.callbacks.LearningRateMonitor"},
    {"class_path": "lightning.pytorch.callbacks.StochasticWeightAveraging", "init_args": {"swa_lrs": 0.01}},
]


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), value)


@st.composite
def tables(draw) -> dict[str, Any]:
    items = {
        "accelerator": draw(_maybe(st.one_of(st.sampled_from(ACCELERATOR_NAMES), _object("accelerator")))),
        "strategy": draw(_maybe(st.one_of(st.sampled_from(STRATEGY_NAMES), strategy_object()))),
        "precision": draw(_maybe(st.sampled_from(PRECISIONS))),
        "plugins": draw(_maybe(st.lists(plugin(), min_size=1, max_size=2))),
        "devices": draw(_maybe(st.sampled_from([1, 2, [0]]))),
        "sync_batchnorm": draw(_maybe(st.booleans())),
        "callbacks": draw(_maybe(st.lists(st.sampled_from(CALLBACKS), min_size=1, max_size=1))),
    }
    table = {k: v for k, v in items.items() if v is not None}
    if "callbacks" in table and draw(st.booleans()):
        table["logger"] = {"class_path": "lightning.pytorch.loggers.CSVLogger", "init_args": {"save_dir": ROOT}}
    return table


# ------------------------------------------------------------------------------ machines


def _names(value: Any) -> list[str]:
    """Accelerator words a config uses anywhere (names and accelerator class names)."""
    if isinstance(value, dict):
        return [w for v in value.values() for w in _names(v)]
    if isinstance(value, list):
        return [w for v in value for w in _names(v)]
    return [value] if isinstance(value, str) else []


def machines(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The machines a config is built on: the hardware it names exists (CUDA or an Apple GPU is
    mocked); with no hardware named anywhere, all three."""
    words = _names(table.get("accelerator")) + _names(table.get("strategy"))
    if any(w in ("gpu", "cuda") or w.endswith("CUDAAccelerator") for w in words):
        return [{"cuda": CUDA_DEVICES}]
    if any(w == "mps" or w.endswith("MPSAccelerator") for w in words):
        return [{"mps": True}]
    if any(w == "cpu" or w.endswith("CPUAccelerator") for w in words):
        return [{}]
    return [{}, {"cuda": CUDA_DEVICES}, {"mps": True}]


def single_process(table: dict[str, Any], built: Any) -> bool:
    """Whether a built Trainer trains in this process (no launcher starts others)."""
    strategy = built.trainer.strategy
    launcher = getattr(strategy, "launcher", None)
    if launcher is not None and type(launcher).__name__ != "_SubprocessScriptLauncher":
        return False  # spawn / fork
    return getattr(strategy, "num_processes", 1) == 1 and getattr(strategy, "num_nodes", 1) == 1 and type(strategy).__name__ != "ModelParallelStrategy"


def _verdict(data: dict[str, Any]) -> dict[Severity, list[str]]:
    found = lint_data(data)
    return {s: [f"{d.code} {d.dotted_key}: {d.message}" for d in found if d.severity is s] for s in Severity}


def _describe(table: dict[str, Any], raised: list[Any], verdict: dict[Severity, list[str]]) -> str:
    said = [f"{type(e).__name__}: {e}" if e else "built" for e in raised]
    return f"config={table!r}\n  Lightning: {said}\n  trainer-lint errors: {verdict[Severity.ERROR]}\n  warnings: {verdict[Severity.WARNING]}"


@settings(max_examples=700, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(tables())
def test_objects_and_flags_agree_with_lightning(table):
    check(table, fit_all=False)


@pytest.mark.fit_full
@settings(max_examples=3000, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(tables())
def test_objects_and_flags_agree_with_lightning_full(table):
    """On demand (``-m fit_full``): more configs, and every one that builds on the CPU is fitted."""
    check(table, fit_all=True)


def check(table: dict[str, Any], *, fit_all: bool) -> None:
    """Build ``table`` on its machines, compare the verdicts, and fit it when it builds on the CPU."""
    data = config({**table, "logger": table.get("logger", False), "enable_checkpointing": False})
    verdict = _verdict(data)
    hws = machines(table)
    outcomes = [build(data, **hw) for hw in hws]
    raised = [None if o.built and not o.misfits else (o.error or TypeError("LightningCLI rejects: " + "; ".join(o.misfits))) for o in outcomes]
    every = all(e is not None for e in raised)
    has_error = bool(verdict[Severity.ERROR])
    if has_error != every:
        COUNTS["false error" if has_error else "missed error"] += 1
    assert has_error == every, _describe(table, raised, verdict)
    COUNTS["configs"] += 1
    if every:
        COUNTS["agree: Lightning raised"] += 1
        return
    if any(e is not None for e in raised):
        COUNTS["no error: raises on some machines only"] += 1
        return
    COUNTS["agree: Lightning built"] += 1
    if hws[0] != {} or not single_process(table, outcomes[0]):
        return
    if not fit_all and COUNTS["fitted"] >= FIT_DEFAULT:
        return
    outcome = fit(data)
    COUNTS["fitted"] += 1
    if not outcome.failed:
        return
    codes = {w.split()[0] for w in verdict[Severity.WARNING]}
    text = f"{type(outcome.error).__name__}: {outcome.error}"
    expected = [code for fragment, code in FIT_FAILURES.items() if fragment in text]
    if not expected or expected[0] not in codes:
        COUNTS["fit failed without a warning"] += 1
    assert expected, "fit failed in a way no rule knows:\n" + _describe(table, [outcome.error], verdict)
    assert expected[0] in codes, f"fit failed without {expected[0]}:\n" + _describe(table, [outcome.error], verdict)
    COUNTS[f"fit failed and trainer-lint warned ({expected[0]})"] += 1


@pytest.mark.parametrize(
    ("table", "hw", "code"),
    [
        ({"accelerator": "cpu", "strategy": {"class_path": "DDPStrategy", "init_args": {"precision_plugin": "DoublePrecision"}}, "plugins": ["DoublePrecision"]}, {}, "TL340"),
        ({"accelerator": "cpu", "strategy": {"class_path": "DDPStrategy", "init_args": {"accelerator": "CPUAccelerator"}}}, {}, "TL340"),
        ({"accelerator": "cpu", "strategy": {"class_path": "DDPStrategy", "init_args": {"checkpoint_io": "TorchCheckpointIO"}}, "plugins": ["TorchCheckpointIO"]}, {}, "TL340"),
        ({"accelerator": "cpu", "strategy": {"class_path": "DDPStrategy", "init_args": {"cluster_environment": "LightningEnvironment"}}, "plugins": ["LightningEnvironment"]}, {}, "TL340"),
        ({"accelerator": "gpu", "strategy": "fsdp", "plugins": [{"class_path": "HalfPrecision"}]}, {"cuda": 2}, "TL342"),
        ({"accelerator": "gpu", "strategy": {"class_path": "FSDPStrategy", "init_args": {"precision_plugin": "HalfPrecision"}}}, {"cuda": 2}, "TL342"),
        ({"accelerator": {"class_path": "CPUAccelerator"}, "strategy": "fsdp"}, {}, "TL311"),
        ({"accelerator": {"class_path": "CPUAccelerator"}, "devices": [0]}, {}, "TL301"),
        ({"accelerator": {"class_path": "MPSAccelerator"}, "strategy": "ddp"}, {"mps": True}, "TL312"),
        ({"accelerator": "mps", "strategy": {"class_path": "DDPStrategy"}}, {"mps": True}, "TL312"),
        ({"accelerator": "cpu", "strategy": "lightning.pytorch.strategies.DDPStrategy"}, {}, "TL344"),
        ({"accelerator": "lightning.pytorch.accelerators.CPUAccelerator"}, {}, "TL344"),
        ({"accelerator": "cpu", "strategy": {"class_path": "pytorch_lightning.strategies.DDPStrategy"}}, {}, "TL540"),
        ({"accelerator": "cpu", "plugins": ["pytorch_lightning.plugins.DoublePrecision"]}, {}, "TL540"),
        ({"accelerator": "gpu", "strategy": {"class_path": "FSDPStrategy", "init_args": {"sharding_strategy": "HYBRID_SHARD"}}}, {"cuda": 2}, "TL541"),
        ({"callbacks": [{"class_path": "ModelPruning", "init_args": {"pruning_fn": "l1"}}]}, {}, "TL542"),
    ],
)
def test_issue_examples(table, hw, code):
    """The misses the issue lists: the Trainer (or the class) raises and trainer-lint says why."""
    data = config({**table, "logger": False})
    outcome = build(data, **hw)
    assert not outcome.built, table
    errors = _verdict(data)[Severity.ERROR]
    assert any(e.startswith(code) for e in errors), errors


@pytest.fixture(scope="module", autouse=True)
def _record_summary():
    """Record the agreement line once the module's tests are done (also for ``-m fit_full``)."""
    yield
    if COUNTS:
        summary = dict(sorted(COUNTS.items()))
        for key in ("false error", "missed error", "fit failed without a warning"):
            summary.setdefault(key, 0)
        record("objects x flags (TL34x/TL54x/TL6xx): " + ", ".join(f"{k} {v}" for k, v in sorted(summary.items())))


def test_zz_summary():
    """Enough of each outcome was drawn (runs last in this module: pytest keeps file order)."""
    if COUNTS:
        assert COUNTS["agree: Lightning raised"] > 50 and COUNTS["agree: Lightning built"] > 50
        assert COUNTS["fitted"] >= min(FIT_DEFAULT, 20)


