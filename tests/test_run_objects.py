"""`run` builds objects as LightningCLI would: bare class names, strings read by the parameter's
annotation (durations, enum members, Lightning objects), never a class from a dotted
`strategy`/`accelerator` string."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest

pytest.importorskip("lightning")

from fit_harness import build, config  # noqa: E402


def test_init_args_strings_are_read_by_annotation():
    strategy = {
        "class_path": "DDPStrategy",
        "init_args": {
            "timeout": "1 day, 0:30:00",
            "precision_plugin": "DoublePrecision",
            "checkpoint_io": {"class_path": "TorchCheckpointIO"},
            "cluster_environment": "lightning.fabric.plugins.environments.LightningEnvironment",
        },
    }
    built = build(config({"accelerator": "cpu", "logger": False, "strategy": strategy}))
    assert built.built, built.error
    s = built.trainer.strategy
    assert s._timeout == timedelta(days=1, minutes=30)
    assert type(s.precision_plugin).__name__ == "DoublePrecision"
    assert type(s.checkpoint_io).__name__ == "TorchCheckpointIO"
    assert type(s.cluster_environment).__name__ == "LightningEnvironment"


def test_enum_members_by_name():
    plugin = {"class_path": "SLURMEnvironment", "init_args": {"requeue_signal": "SIGUSR1"}}
    built = build(config({"accelerator": "cpu", "logger": False, "plugins": [plugin]}))
    assert built.built, built.error
    assert built.trainer._accelerator_connector.cluster_environment.requeue_signal is signal.Signals.SIGUSR1


def test_bare_class_names_in_every_slot():
    trainer = {
        "accelerator": {"class_path": "CPUAccelerator"},
        "strategy": {"class_path": "SingleDeviceStrategy", "init_args": {"device": "cpu"}},
        "profiler": "SimpleProfiler",
        "plugins": ["DoublePrecision"],
        "callbacks": ["LearningRateMonitor"],
        "logger": False,
    }
    built = build(config(trainer))
    assert built.built, built.error
    t = built.trainer
    assert (type(t.accelerator).__name__, type(t.strategy).__name__, type(t.profiler).__name__) == ("CPUAccelerator", "SingleDeviceStrategy", "SimpleProfiler")
    assert type(t.precision_plugin).__name__ == "DoublePrecision"


@pytest.mark.parametrize("name", ["strategy", "accelerator"])
def test_a_dotted_string_reaches_the_trainer_as_a_name(name):
    value = {"strategy": "lightning.pytorch.strategies.DDPStrategy", "accelerator": "lightning.pytorch.accelerators.CPUAccelerator"}[name]
    built = build(config({"logger": False, name: value}))
    assert not built.built
    assert f"invalid {name} name" in str(built.error)
