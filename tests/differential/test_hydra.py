"""Differential suite: Hydra / OmegaConf configs against the Trainer that such an application builds.

A Hydra application composes its config, OmegaConf resolves ``${...}`` and the launch fills
``???``; then it builds the Trainer from the ``trainer`` mapping, either
``hydra.utils.instantiate(cfg.trainer)`` when that mapping names the Trainer in ``_target_``
(lightning-hydra-template) or ``Trainer(**instantiate(cfg.trainer))`` (NeMo's way; nested
``_target_`` objects such as a strategy or callbacks are built by ``instantiate``). Each generated
config (an application config with OmegaConf syntax everywhere, valid or with one planted mistake
in ``trainer``) goes through exactly that, with real OmegaConf, Hydra and Lightning, and through
``trainer-lint`` as YAML text: trainer-lint must report an error exactly when building the Trainer
fails, and never on the application's own keys, interpolations or ``???`` values.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest

from differential.summary import record
from trainer_lint.diagnostic import Severity
from trainer_lint.engine import lint_text

pytest.importorskip("lightning")
omegaconf = pytest.importorskip("omegaconf")
hydra_utils = pytest.importorskip("hydra.utils")
yaml = pytest.importorskip("yaml")

BASE: dict[str, Any] = {
    "defaults": ["_self_"],
    "name": "demo",
    "model": {"lr": 0.01, "epochs": 2, "data_dir": "???", "_target_": "collections.OrderedDict"},
    "exp_manager": {"exp_dir": "${name}/runs", "create_checkpoint_callback": True},
    "trainer": {
        "accelerator": "cpu",
        "devices": 1,
        "max_epochs": "${model.epochs}",
        "logger": False,
        "enable_checkpointing": False,
        "enable_progress_bar": False,
        "enable_model_summary": False,
        "default_root_dir": "${exp_manager.exp_dir}",
    },
}
OVERRIDES: dict[str, Any] = {"model": {"data_dir": "/data"}}
"""What the launch command line gives for the ``???`` values (``model.data_dir=/data``)."""

DDP = "lightning.pytorch.strategies.DDPStrategy"
FSDP = "lightning.pytorch.strategies.FSDPStrategy"
EARLY = "lightning.pytorch.callbacks.EarlyStopping"


def _variants() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, changes to ``trainer``, extra launch overrides of ``trainer``)."""
    return [
        ("ok:base", {}, {}),
        ("ok:missing-given-at-launch", {"max_steps": "???"}, {"max_steps": 5}),
        ("ok:interpolated-precision", {"precision": "${oc.env:TRAINER_LINT_NO_SUCH_VAR,32-true}"}, {}),
        ("ok:strategy-target", {"strategy": {"_target_": DDP, "find_unused_parameters": False}}, {}),
        ("ok:callback-targets", {"callbacks": [{"_target_": EARLY, "monitor": "val_loss", "patience": 3}]}, {}),
        ("ok:trainer-target", {"_target_": "lightning.pytorch.Trainer"}, {}),
        ("ok:trainer-target-with-strategy", {"_target_": "lightning.pytorch.Trainer", "strategy": {"_target_": DDP}}, {}),
        ("ok:gradient-clip", {"gradient_clip_val": 0.5, "gradient_clip_algorithm": "value"}, {}),
        ("ok:val-check-interpolated", {"val_check_interval": "${model.lr}"}, {}),
        ("bad:typo", {"max_epoch": 3}, {}),
        ("bad:typo-with-trainer-target", {"_target_": "lightning.pytorch.Trainer", "max_epoch": 3}, {}),
        ("bad:removed-amp-backend", {"amp_backend": "native"}, {}),
        ("bad:removed-gpus", {"gpus": 1}, {}),
        ("bad:precision", {"precision": 15}, {}),
        ("bad:accelerator-name", {"accelerator": "cpuu"}, {}),
        ("bad:devices-zero", {"devices": 0}, {}),
        ("bad:clip-algorithm", {"gradient_clip_algorithm": "l3"}, {}),
        ("bad:fsdp-on-cpu", {"strategy": {"_target_": FSDP}}, {}),
        ("bad:strategy-name", {"strategy": "ddp_spawnn"}, {}),
        ("bad:fast-dev-run", {"fast_dev_run": -1}, {}),
        ("bad:num-nodes", {"num_nodes": 0}, {}),
    ]


def _configs() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for name, changes, launch in _variants():
        config = copy.deepcopy(BASE)
        config["trainer"].update(copy.deepcopy(changes))
        overrides = copy.deepcopy(OVERRIDES)
        if launch:
            overrides["trainer"] = launch
        out.append((name, config, overrides))
    return out


def _builds(config: dict[str, Any], overrides: dict[str, Any]) -> tuple[bool, str]:
    """Whether the application builds its Trainer from ``config`` (launched with ``overrides``)."""
    from omegaconf import OmegaConf

    cfg = OmegaConf.merge(OmegaConf.create(config), OmegaConf.create(overrides))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if "_target_" in cfg.trainer:
                hydra_utils.instantiate(cfg.trainer)
            else:
                from lightning.pytorch import Trainer

                Trainer(**hydra_utils.instantiate(cfg.trainer, _convert_="all"))
    except Exception as error:  # noqa: BLE001 - any failure to build is the verdict
        return False, f"{type(error).__name__}: {error}"[-300:]
    return True, ""


@pytest.mark.slow
def test_agreement_with_the_trainer_a_hydra_app_builds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    counts = {"configs": 0, "agree": 0, "rejected": 0, "accepted": 0}
    disagreements: list[str] = []
    generator: list[str] = []
    for name, config, overrides in _configs():
        counts["configs"] += 1
        built, why = _builds(config, overrides)
        text = yaml.safe_dump(config, sort_keys=False)
        result = lint_text(text, str(tmp_path / "app.yaml"))
        errors = [f"{d.code} {d.dotted_key}: {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR]
        noise = [f"{d.code} {d.dotted_key}" for d in result.diagnostics if d.dotted_key and not d.dotted_key.startswith("trainer")]
        if name.startswith("ok:") and not built:
            generator.append(f"{name}: meant to be valid, but the application fails: {why}")
        if built != (not errors):
            disagreements.append(f"{name}: builds={built} ({why}); trainer-lint errors: {errors}")
        else:
            counts["agree"] += 1
            counts["rejected" if errors else "accepted"] += 1
        if noise:
            disagreements.append(f"{name}: findings outside `trainer`, the application's own keys: {noise}")
    record(
        f"Hydra / OmegaConf configs (Trainer built as a Hydra app does): {counts['configs']} configs, agree on "
        f"{counts['agree']} ({counts['rejected']} rejected, {counts['accepted']} accepted)"
    )
    assert not generator, "\n".join(generator)
    assert not disagreements, "\n".join(disagreements)
    assert counts["rejected"] >= 8 and counts["accepted"] >= 8


def test_hydra_syntax_is_no_lightningcli_problem():
    """The same application config read as LightningCLI would be full of alarms; in the Hydra
    dialect nothing outside `trainer` is reported and interpolations are not TL007."""
    text = yaml.safe_dump(copy.deepcopy(BASE), sort_keys=False)
    result = lint_text(text, "app.yaml")
    assert [d.code for d in result.diagnostics] == []


@pytest.mark.parametrize(
    ("text", "hydra"),
    [
        ("defaults:\n  - _self_\ntrainer:\n  max_epochs: 1\n", True),
        ("hydra:\n  run: {dir: x}\ntrainer:\n  max_epochs: 1\n", True),
        ("trainer:\n  max_epochs: ???\n", True),
        ("trainer:\n  max_epochs: 1\nmodel:\n  net: {_target_: a.B}\n", True),
        ("name: x\ntrainer:\n  max_epochs: ${epochs}\n", True),
        # LightningCLI configs: interpolations alone (parser_mode="omegaconf") stay LightningCLI's
        ("trainer:\n  max_epochs: ${model.init_args.epochs}\nmodel:\n  class_path: a.B\n", False),
        ("trainer:\n  max_epochs: 1\nmodel:\n  class_path: a.B\n", False),
    ],
)
def test_which_files_are_read_as_hydra(text, hydra):
    from trainer_lint.formats.hydra import is_hydra

    raw = yaml.safe_load(text)
    assert is_hydra(raw, interpolated="${" in text) is hydra
