"""The removed-argument facts (``trainer_lint/removed_arguments.json``) against the installed
Lightning, and the messages that name the release."""

from __future__ import annotations

import inspect
import re

import pytest

from trainer_lint.engine import lint_data
from trainer_lint.rules.types import REMOVED_ARGUMENTS


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def test_every_removed_argument_is_absent_from_the_installed_trainer():
    lightning = pytest.importorskip("lightning")
    from lightning.pytorch import Trainer

    params = set(inspect.signature(Trainer.__init__).parameters)
    installed = _version(re.match(r"\d+\.\d+\.\d+", lightning.__version__).group())  # type: ignore[union-attr]
    for name, (advice, replacement, release) in REMOVED_ARGUMENTS.items():
        assert name not in params, name
        assert advice, name
        if release is not None:
            assert re.fullmatch(r"\d+\.\d+\.\d+", release), name
            assert _version(release) <= installed, name
        if replacement is not None:
            assert replacement in params, (name, replacement)


@pytest.mark.parametrize(
    ("key", "code", "release"),
    [("flush_logs_every_n_steps", "TL104", "1.7"), ("weights_save_path", "TL104", "1.8"), ("gpus", "TL104", "2.0"), ("max_nb_epochs", "TL104", "0.8")],
)
def test_message_names_the_release_that_removed_it(key, code, release):
    (found,) = [d for d in lint_data({"trainer": {key: 1}}) if d.key == ("trainer", key)]
    assert found.code == code
    assert f"removed from the Trainer in Lightning {release}:" in found.message


def test_an_argument_no_release_had_is_an_unknown_key_with_advice():
    (found,) = [d for d in lint_data({"trainer": {"hpus": 8}}) if d.key == ("trainer", "hpus")]
    assert found.code == "TL103"
    assert "no Lightning release has it" in found.message and "accelerator" in found.message
