"""Differential suite: trainer-lint against real ``LightningCLI(..., run=False)`` on the project's own classes.

The fixture project (``tests/fixtures/cliproject``) has LightningModules, DataModules, callbacks
and backbones covering every construct the resolver reads, and three CLI scripts, one per form:
subclass mode with the project's base classes, fixed classes, and a bare ``LightningCLI()``.
For each form, generated configs (:mod:`differential.cli_configs`: valid ones, and ones with one
planted mistake each) go through the script's real LightningCLI in a fresh interpreter
(:mod:`differential.lightning_cli`), and through ``lint_data`` with the script and the project's
source root as options. trainer-lint must report an error exactly when LightningCLI rejects the
config, apart from one deliberate difference counted on its own: a string where a number, a
boolean or a list is expected, which LightningCLI converts and trainer-lint rejects (TOML is typed).

The agreement prints in pytest's summary. Run alone: ``python -m pytest tests/differential/test_lightning_cli.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from differential import cli_configs
from differential.summary import record
from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.engine import lint_data
from trainer_lint.options import Options

pytest.importorskip("lightning")
pytest.importorskip("jsonargparse")

from differential.lightning_cli import Verdict, finish, start  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cliproject"
FORMS = ("subclass", "fixed", "bare", "extra")
TYPED = "TOML values are typed"
"""Every message about a string where the type takes none says this (the deliberate difference)."""


def _lint(form: str, config: dict[str, Any]) -> list[Diagnostic]:
    options = Options(root=str(FIXTURE), source_roots=(str(FIXTURE / "src"),), cli_script=str(FIXTURE / f"train_{form}.py"))
    return lint_data(config, options=options, path=str(FIXTURE / "config.toml"))


@pytest.fixture(scope="module")
def verdicts() -> dict[str, list[tuple[str, dict[str, Any], Verdict]]]:
    """Every form's configs judged by LightningCLI, the three judges running side by side."""
    cwd = Path(tempfile.mkdtemp(prefix="trainer-lint-cli-"))
    (cwd / "model.yaml").write_text("class_path: lintproj.models.RegressionTask\n", encoding="utf-8")
    (cwd / "fixed_model.yaml").write_text("num_classes: 3\n", encoding="utf-8")
    generated = {form: getattr(cli_configs, f"{form}_configs")() for form in FORMS}
    processes = {form: start(FIXTURE / f"train_{form}.py", pythonpath=[FIXTURE / "src", FIXTURE], cwd=cwd) for form in FORMS}
    out = {}
    for form in FORMS:
        judged = finish(processes[form], [config for _, config in generated[form]])
        out[form] = [(name, config, verdict) for (name, config), verdict in zip(generated[form], judged)]
    return out


@pytest.mark.slow
def test_agreement_with_lightning_cli(verdicts: dict[str, list[tuple[str, dict[str, Any], Verdict]]]) -> None:
    counts = {"configs": 0, "rejected": 0, "accepted": 0, "typed": 0}
    false_errors: list[str] = []
    misses: list[str] = []
    generator: list[str] = []
    for form, judged in verdicts.items():
        for name, config, verdict in judged:
            counts["configs"] += 1
            errors = [d for d in _lint(form, config) if d.severity is Severity.ERROR]
            shown = [f"{d.code} {d.dotted_key}: {d.message}" for d in errors]
            if name.startswith("ok:") and not verdict.accepted:
                generator.append(f"{form} {name}: LightningCLI rejects a config meant to be valid: {verdict.error[-400:]}")
            if verdict.accepted and not errors:
                counts["accepted"] += 1
            elif not verdict.accepted and errors:
                counts["rejected"] += 1
            elif verdict.accepted and all(d.code == "TL503" and TYPED in d.message for d in errors):
                counts["typed"] += 1
            elif verdict.accepted:
                false_errors.append(f"{form} {name}: LightningCLI accepts it; trainer-lint: {shown}")
            else:
                misses.append(f"{form} {name}: LightningCLI rejects it ({verdict.stage}: {verdict.error[-300:]!r}); trainer-lint reports no error")
    agree = counts["accepted"] + counts["rejected"]
    record(
        f"LightningCLI (user classes, {len(FORMS)} CLI forms): {counts['configs']} configs, agree on {agree} "
        f"({counts['rejected']} rejected, {counts['accepted']} accepted), typed-string differences {counts['typed']}, "
        f"false errors {len(false_errors)}, misses {len(misses)}"
    )
    assert not generator, "\n".join(generator)
    assert not false_errors, "\n".join(false_errors)
    assert not misses, "\n".join(misses)
    assert counts["typed"] > 0 and counts["rejected"] > 100 and counts["accepted"] > 100


def test_every_form_is_exercised(verdicts: dict[str, list[tuple[str, dict[str, Any], Verdict]]]) -> None:
    """Each form has configs LightningCLI accepts and ones it rejects (the suite can fail both ways)."""
    for form, judged in verdicts.items():
        outcomes = {verdict.accepted for _, _, verdict in judged}
        assert outcomes == {True, False}, form
