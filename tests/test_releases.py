"""The release data (``trainer_lint/lightning/releases.json``): fresh for the installed release,
small, consistent with the model the committed schema is built from, and shaped so that checking a
version range at both ends is exact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint.lightning import releases, venvs
from trainer_lint.lightning.generate import STORE, build_store, check_installed, facts_of, render
from trainer_lint.lightning.schema import patch, schema_for
from trainer_lint.schema import load_packaged

ROOT = Path(__file__).resolve().parents[1]


def test_store_is_fresh_for_the_installed_release():
    pytest.importorskip("lightning")
    problems = check_installed()
    assert problems == [], "\n".join(problems)


def test_freshness_does_not_depend_on_which_lightning_package_was_imported_first():
    """``typing`` caches equal unions, so a process that imported ``pytorch_lightning`` before
    ``lightning`` spells some annotations in another order: the check reads the installed release
    in a fresh interpreter, as the generator does."""
    pytest.importorskip("pytorch_lightning")
    probe = "import pytorch_lightning, lightning\nfrom trainer_lint.lightning.generate import check_installed\nprint(check_installed())\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_store_is_stamped_small_and_round_trips():
    text = STORE.read_text(encoding="utf-8")
    assert len(text.encode()) < 150_000, f"releases.json is {len(text.encode())} bytes; the budget is 150 KB"
    store = json.loads(text)
    assert "python -m trainer_lint.lightning.generate" in store["$comment"]
    by_release = {v: facts_of(store, v) for v in store["releases"]}
    assert render(build_store(by_release)) == text  # deterministic, and nothing lost


def test_releases_are_stored_in_release_order():
    from trainer_lint.lightning.versions import parse

    assert list(releases.known()) == sorted(releases.known(), key=parse)


def test_every_minor_from_2_0_to_2_6_is_known():
    minors = {".".join(v.split(".")[:2]) for v in releases.known()}
    assert {"2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6"} <= minors
    assert releases.known()[0] == "2.0.0"


def test_patch_releases_that_differ_have_their_own_data():
    store = releases.store()
    assert len(store["sets"]) > 7  # some patches differ from their minor's first release
    assert store["releases"]["2.5.0"] != store["releases"]["2.5.1"]  # model_registry came in 2.5.1
    assert not releases.get("2.5.0").has("model_registry") and releases.get("2.5.1").has("model_registry")


def test_model_agrees_with_the_newest_release():
    """The committed schema (built from trainer_lint.model) is the newest release's: same
    parameters, same defaults, and patching it with the newest release's data changes nothing."""
    newest = releases.newest()
    schema = load_packaged()
    properties = schema["definitions"]["BaseTrainerConfig"]["properties"]
    assert set(properties) == set(newest.parameters)
    for name, entry in newest.parameters.items():
        assert properties[name].get("default") == entry.get("default"), name
    copy = json.loads(json.dumps(schema))
    assert patch(copy, newest, editor=False) is copy
    assert json.dumps(patch(schema, releases.get("2.6.4"), editor=False), sort_keys=True) == json.dumps(schema, sort_keys=True)


@pytest.mark.parametrize("version", [v for v in releases.store()["sets"]])
def test_schema_of_each_release_has_its_parameters_and_defaults(version):
    release = releases.get(version)
    properties = schema_for(release)["definitions"]["BaseTrainerConfig"]["properties"]
    assert set(properties) == set(release.parameters)
    for name, entry in release.parameters.items():
        assert properties[name].get("default") == entry.get("default"), name


def test_older_schema_differences():
    old = schema_for(releases.get("2.0.9.post0"))["definitions"]["BaseTrainerConfig"]["properties"]
    assert old["precision"]["default"] == "32-true"
    assert "model_registry" not in old and "enable_autolog_hparams" not in old
    strings = next(b for b in old["precision"]["anyOf"] if b.get("type") == "string" and "32-true" in b["enum"])
    assert "16-true" not in strings["enum"]
    assert old["val_check_interval"] == {**{k: v for k, v in old["val_check_interval"].items() if k in ("description", "x-taplo")}, "type": "number"}
    assert "ipu" in next(b for b in old["accelerator"]["anyOf"] if "enum" in b)["enum"]


def test_presence_is_monotone_so_both_ends_of_a_range_decide():
    """Every Trainer argument and every accelerator, strategy, profiler and precision name is
    present in one unbroken run of releases that starts at the oldest or ends at the newest.
    So an argument or name missing at both ends of a range is missing in every release between."""
    sets = [releases.get(v) for v in releases.store()["sets"]]

    def check(what: object, present: list[bool]) -> None:
        where = [i for i, p in enumerate(present) if p]
        if where:
            assert where == list(range(where[0], where[-1] + 1)), (what, present)
            assert where[0] == 0 or where[-1] == len(sets) - 1, (what, present)

    for name in set().union(*(r.parameters for r in sets)):
        check(name, [r.has(name) for r in sets])
    for key in releases.Release.CLOSED_SETS:
        for value in set().union(*(r.choices(key) for r in sets)):
            check((key, value), [value in r.choices(key) for r in sets])


def test_release_answers():
    old = releases.get("2.0.9.post0")
    assert old.since("model_registry") == "2.5.1" and old.since("enable_autolog_hparams") == "2.6"
    assert old.value_since("precision", "bf16-true") == "2.1"
    assert releases.newest().value_until("accelerator", "ipu") == "2.0.9.post0"
    assert old.strategy_tags("fsdp") >= {"fsdp"} and "single_xla" in old.strategy_tags("single_tpu")  # SingleTPUStrategy in 2.0
    assert old.precision_aliases["16"] == "16-mixed"
    assert releases.get("2.4.0").class_elsewhere("lightning.pytorch.callbacks.EMAWeightAveraging", "callbacks") == "needs Lightning >= 2.6"
    assert releases.get("2.4.0").init_arg_elsewhere("lightning.pytorch.callbacks.ModelCheckpoint", "save_on_exception") == "from Lightning 2.5.3 on"


def test_schema_command_for_another_release(tmp_path):
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "schema", "--lightning-version", "2.4"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "schemas" / "trainer-lightning-2.4.0.schema.json"
    data = json.loads(written.read_text())
    trainer = data["properties"]["trainer"]["properties"]  # the editor shape: the trainer table inline
    assert "model_registry" not in trainer and "enable_autolog_hparams" not in trainer
    assert data["title"] == "trainer-lint config (Lightning 2.4.0)"
    assert "lightning.pytorch.callbacks.ModelCheckpoint.init_args" in data["definitions"]
    assert "lightning.pytorch.callbacks.EMAWeightAveraging.init_args" not in data["definitions"]  # 2.6's, not 2.4's
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "schema", "--lightning-version", "2.0", "--for", "yaml",
                           "--output", "-"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    yaml_schema = json.loads(done.stdout)
    assert "model_registry" not in yaml_schema["properties"]["trainer"]["properties"]  # the editor shape, as for TOML
    assert "lightning.pytorch.callbacks.EMAWeightAveraging.init_args" not in yaml_schema["definitions"]
    assert yaml_schema["title"] == "trainer-lint config (Lightning 2.0.9.post0)"
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "schema", "--lightning-version", "2.0", "--output", "-"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # 2.0's own `plugins` type (it takes any string) reshapes too
    assert "plugins" in json.loads(done.stdout)["properties"]["trainer"]["properties"]
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "schema", "--lightning-version", "two"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "not a Lightning release number" in done.stderr and "Traceback" not in done.stderr
    committed = (ROOT / "schemas" / "trainer.schema.json").read_text()
    assert "EMAWeightAveraging" in committed  # the committed schema stays the newest release's


def test_venv_cache_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv(venvs.ENV, str(tmp_path / "cache"))
    assert venvs.cache_dir() == tmp_path / "cache"
    missing = venvs.ensure("2.4.0", create=False)
    assert not missing.usable and missing.reason == "not created"
