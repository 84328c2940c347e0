"""Differential suite: Lightning's classes that the Trainer's keys cannot take, against the real thing.

The release data lists, besides the class snapshot, the public Lightning classes the snapshot leaves
out because the Trainer cannot take them (Lightning Fabric's precisions, loggers, strategies and
accelerators, ``LitLogger`` derived from Fabric's ``Logger``). For each such class of the installed
release (read from the data, not listed here), a config puts it under the Trainer key whose base
class has the name of the class's Lightning base (Fabric's ``Logger`` -> ``trainer.logger``), and a
few under a key of another kind (``callbacks``, ``profiler``, ``model``, ``data``). The real ``LightningCLI`` (the fixture
project's bare ``LightningCLI()``, in a fresh interpreter) must reject each, and trainer-lint must
report TL501 at that key and no TL500. The controls (the Trainer's class of the same name, where
it needs no argument and no optional package) must be accepted by LightningCLI wherever
trainer-lint reports no error, so the suite proves the key takes the Trainer's class.

The real ``Trainer`` (no CLI) rejects each Fabric precision that builds without arguments in
``plugins`` ("Found invalid type for plugin"), and trainer-lint says TL501 for it.

Run alone: ``python -m pytest tests/differential/test_foreign_classes.py``.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import pytest

from differential.cli_configs import TRAINER
from differential.summary import record
from trainer_lint.classes import SLOT_KINDS
from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.engine import lint_data
from trainer_lint.options import Options

pytest.importorskip("lightning")
pytest.importorskip("jsonargparse")

from differential.lightning_cli import Verdict, judge  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cliproject"
SCRIPT = FIXTURE / "train_bare.py"
MODEL = {"class_path": "lintproj.models.RegressionTask"}
TRAINER_SLOTS = ("logger", "plugins", "strategy", "accelerator", "profiler", "callbacks")
LIST_SLOTS = frozenset({"plugins", "callbacks"})


def _release() -> Any:
    import lightning

    from trainer_lint.lightning.releases import get

    return get(lightning.__version__)


def _foreign() -> dict[str, Any]:
    """The installed release's classes outside the snapshot: ``{canonical: ForeignClass}``."""
    return _release().classes.foreign_classes()


def _natural_slot(found: Any) -> str | None:
    """The Trainer key whose base class has the name of ``found``'s Lightning base."""
    classes = _release().classes
    return next((s for s in TRAINER_SLOTS if classes.named_in(found.base_name, SLOT_KINDS[s]) is not None), None)


def _config(slot: str, path: str) -> dict[str, Any]:
    trainer = copy.deepcopy(TRAINER)
    obj = {"class_path": path}
    if slot == "model":
        return {"trainer": trainer, "model": obj}
    if slot == "data":
        return {"trainer": trainer, "model": dict(MODEL), "data": obj}
    if slot == "accelerator":
        trainer.pop("accelerator")
    trainer[slot] = [obj] if slot in LIST_SLOTS else obj
    return {"trainer": trainer, "model": dict(MODEL)}


def _cases() -> tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """(bad cases ``(slot, path, config)``, controls ``(path, config)``)."""
    classes = _release().classes
    bad: list[tuple[str, str, dict[str, Any]]] = []
    controls: list[tuple[str, dict[str, Any]]] = []
    for path, found in sorted(_foreign().items()):
        slot = _natural_slot(found)
        if slot is None:
            continue
        bad.append((slot, path, _config(slot, path)))
        same = classes.named_in(found.name, SLOT_KINDS[slot], concrete=True)
        if same is not None:
            info = classes.info(same)
            if not info.requires and not any(p.get("required") for p in info.params.values()):
                controls.append((same, _config(slot, same)))
    # under keys of another kind: a Fabric logger as a callback and as the profiler, a Fabric
    # precision as the model, a Fabric strategy as the data module
    for slots, base in ((("callbacks", "profiler"), "Logger"), (("model",), "Precision"), (("data",), "Strategy")):
        path = next((p for p, f in sorted(_foreign().items()) if f.base_name == base and not f.is_base), None)
        for slot in slots if path is not None else ():
            bad.append((slot, path, _config(slot, path)))
    return bad, controls


def _lint(config: dict[str, Any]) -> list[Diagnostic]:
    options = Options(root=str(FIXTURE), source_roots=(str(FIXTURE / "src"),), cli_script=str(SCRIPT))
    return lint_data(config, options=options, path=str(FIXTURE / "config.toml"))


@pytest.fixture(scope="module")
def judged() -> tuple[list[tuple[str, str, dict[str, Any], Verdict]], list[tuple[str, dict[str, Any], Verdict]]]:
    bad, controls = _cases()
    cwd = Path(tempfile.mkdtemp(prefix="trainer-lint-foreign-"))
    verdicts = judge(SCRIPT, [c for *_, c in bad] + [c for _, c in controls], pythonpath=[FIXTURE / "src", FIXTURE], cwd=cwd)
    return (
        [(slot, path, config, v) for (slot, path, config), v in zip(bad, verdicts[: len(bad)])],
        [(path, config, v) for (path, config), v in zip(controls, verdicts[len(bad) :])],
    )


@pytest.mark.slow
def test_lightning_cli_rejects_what_tl501_reports(judged: Any) -> None:
    bad, controls = judged
    assert len(bad) >= 10, "the release data lists too few classes outside the snapshot"
    problems: list[str] = []
    for slot, path, config, verdict in bad:
        errors = [d for d in _lint(config) if d.severity is Severity.ERROR]
        codes = {d.code for d in errors}
        where = slot if slot in ("model", "data") else f"trainer.{slot}" + ("[0]" if slot in LIST_SLOTS else "")
        if verdict.accepted:
            problems.append(f"{slot} {path}: LightningCLI accepts it: {[str(d.message) for d in errors]}")
        if "TL500" in codes or not any(d.code == "TL501" and d.dotted_key.startswith(where) for d in errors):
            problems.append(f"{slot} {path}: expected TL501 at {where}, got {[(d.code, d.dotted_key, d.message) for d in errors]}")
    accepted = 0
    for path, config, verdict in controls:
        errors = [d for d in _lint(config) if d.severity is Severity.ERROR]
        if verdict.accepted:
            accepted += 1
            if errors:
                problems.append(f"control {path}: LightningCLI accepts it, trainer-lint says {[d.message for d in errors]}")
    assert accepted >= 3, f"only {accepted} of {len(controls)} controls accepted by LightningCLI: {[v.error[-300:] for *_, v in controls]}"
    record(f"classes the Trainer cannot take (TL501): LightningCLI rejects {sum(not v.accepted for *_, v in bad)}/{len(bad)}, "
           f"trainer-lint TL501 on each; controls accepted by both {accepted}/{len(controls)}")
    assert not problems, "\n".join(problems)


def test_lightning_cli_message_for_litlogger(judged: Any) -> None:
    """LightningCLI's own words for ``LitLogger`` as ``trainer.logger`` (a parse error, before any build)."""
    bad, _ = judged
    litlogger = [v for slot, path, _, v in bad if path.endswith(".LitLogger") and slot == "logger"]
    if not litlogger:
        pytest.skip("the installed Lightning has no LitLogger")
    assert litlogger[0].stage == "parse"
    assert "does not correspond to a subclass of Logger" in litlogger[0].error


def test_trainer_rejects_fabric_precisions_in_plugins() -> None:
    import importlib

    from lightning.pytorch import Trainer

    built = 0
    for path, found in sorted(_foreign().items()):
        if found.base_name != "Precision" or not found.in_fabric:
            continue
        module, _, name = path.rpartition(".")
        try:
            plugin = getattr(importlib.import_module(module), name)()
        except Exception:  # noqa: BLE001, S112 - needs arguments or an optional package: not built here
            continue
        built += 1
        with pytest.raises(Exception, match="Found invalid type for plugin"):
            Trainer(plugins=[plugin], logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
        found_codes = [(d.code, d.dotted_key) for d in lint_data({"trainer": {"plugins": [{"class_path": path}]}}) if d.severity is Severity.ERROR]
        assert found_codes == [("TL501", "trainer.plugins[0].class_path")], (path, found_codes)
    assert built >= 2, "fewer than two Fabric precisions build without arguments"
