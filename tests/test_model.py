"""The model is faithful to the installed Lightning (drift) and behaves as documented."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError
from pydantic.dataclasses import dataclass as pydantic_dataclass

from drift import drift, model_defaults
from trainer_lint import BaseTrainerConfig, UnionTrainerConfig
from trainer_lint.model import TrainerLintConfig


def test_public_names():
    import trainer_lint

    assert trainer_lint.BaseTrainerConfig is BaseTrainerConfig
    assert UnionTrainerConfig.__args__ == (BaseTrainerConfig, dict)


def test_every_field_is_described_with_a_link():
    for field in dataclasses.fields(BaseTrainerConfig):
        description = field.default.description
        assert description and "Lightning docs: https://lightning.ai/docs/pytorch/" in description, field.name


def test_drift_against_installed_lightning():
    lightning = pytest.importorskip("lightning")
    assert lightning.__version__.startswith("2.6"), lightning.__version__
    from lightning.pytorch import Trainer

    problems = drift(BaseTrainerConfig, Trainer)
    assert not problems, "\n".join(problems)
    assert len(model_defaults(BaseTrainerConfig)) == 41


def test_drift_names_a_removed_parameter():
    pytest.importorskip("lightning")
    from lightning.pytorch import Trainer

    kept = [
        (f.name, f.type, f.default) for f in dataclasses.fields(BaseTrainerConfig) if f.name != "max_epochs"
    ]
    reduced = pydantic_dataclass(dataclasses.make_dataclass("Reduced", kept))
    problems = drift(reduced, Trainer)
    assert problems == ["missing from the model: `max_epochs` (Trainer default None)"]


def test_drift_names_a_changed_default():
    pytest.importorskip("lightning")
    from lightning.pytorch import Trainer

    changed = [
        (f.name, f.type, 7 if f.name == "num_nodes" else f.default) for f in dataclasses.fields(BaseTrainerConfig)
    ]
    problems = drift(pydantic_dataclass(dataclasses.make_dataclass("Changed", changed)), Trainer)
    assert problems == ["different default for `num_nodes`: model 7, Trainer 1"]


def test_strict_types():
    for bad in ({"max_epochs": "10"}, {"max_epochs": True}, {"devices": 1.5}, {"barebones": 1}):
        with pytest.raises(ValidationError):
            BaseTrainerConfig(**bad)
    assert BaseTrainerConfig(gradient_clip_val=1).gradient_clip_val == 1


def test_none_spelling_only_for_check_val_every_n_epoch():
    assert BaseTrainerConfig(check_val_every_n_epoch="none").check_val_every_n_epoch is None
    assert BaseTrainerConfig().check_val_every_n_epoch == 1
    with pytest.raises(ValidationError):
        BaseTrainerConfig(max_epochs="none")


def test_extra_allowed_on_trainer_forbidden_at_top():
    assert BaseTrainerConfig(future_argument=1).future_argument == 1  # extra="allow"
    with pytest.raises(ValidationError):
        TrainerLintConfig(trainer={}, unknown=1)


def test_whole_file_model():
    config = TrainerLintConfig(
        trainer={"max_epochs": 3, "callbacks": [{"class_path": "a.B", "init_args": {"x": 1}}]},
        model={"class_path": "pkg.Model"},
        seed_everything=7,
        ckpt_path="last",
    )
    assert config.trainer.max_epochs == 3
    assert config.model == {"class_path": "pkg.Model"}
