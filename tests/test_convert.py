"""``trainer-lint convert``: YAML <-> TOML.

* YAML -> TOML -> YAML keeps every value as LightningCLI reads it, on every YAML fixture of the
  repository (rule cases, position cases, the LightningCLI demo configs) and on every TOML rule
  case converted to YAML first; comments come through both ways.
* A folder of LightningCLI YAML configs and the folder of their TOML conversions lint the same:
  the same codes on the same keys, YAML-only rules (TL004-TL009) aside.
* A value the target cannot say is refused with exit 1 and a message naming the key and line;
  usage and I/O problems exit 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("yaml")

from case_files import case_files  # noqa: E402
from trainer_lint.checker import check_paths  # noqa: E402
from trainer_lint.formats import parse  # noqa: E402
from trainer_lint.formats.convert import ConvertError, convert, toml_to_yaml, yaml_to_toml  # noqa: E402
from trainer_lint.formats.yaml_values import lightningcli_view  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "docs" / "demo" / "lightningcli"
YAML_ONLY = {"TL004", "TL005", "TL006", "TL007", "TL008", "TL009"}


def _yaml_fixtures() -> list[Path]:
    found = [*(ROOT / "tests" / "cases").glob("*/*.yaml"), *(ROOT / "tests" / "positions_yaml").glob("*.yaml"), *DEMO.glob("*.yaml")]
    return sorted(found)


def _reading(text: str, name: str) -> dict:
    """What LightningCLI reads from YAML ``text`` (nulls kept)."""
    document = parse(text, name)
    return lightningcli_view(document.raw, keep_nulls=True)[0]


def _round_trip(text: str, name: str) -> tuple[str, str]:
    toml = yaml_to_toml(text, name, drop_default_nulls=False).text
    back = toml_to_yaml(toml, name.replace(".yaml", ".toml")).text
    return toml, back


def _comments(text: str) -> list[str]:
    """Full-line comments, but the schema line (translated: see test_schema_comment_is_translated)."""
    lines = [line.split("#", 1)[1].strip() for line in text.splitlines() if line.lstrip().startswith("#")]
    return [c for c in lines if not c.startswith((":schema", "yaml-language-server"))]


@pytest.mark.parametrize("path", _yaml_fixtures(), ids=lambda p: str(p.relative_to(ROOT)))
def test_yaml_round_trip_keeps_every_value(path):
    text = path.read_text(encoding="utf-8")
    try:
        document = parse(text, path.name)
    except Exception:  # noqa: BLE001 - unreadable fixtures (tabs): convert refuses them too
        with pytest.raises(ConvertError):
            yaml_to_toml(text, path.name)
        return
    if not document.raw or any(d.code == "TL008" for d in document.findings):
        if any(d.code == "TL008" for d in document.findings):
            with pytest.raises(ConvertError, match="more than one YAML document"):
                yaml_to_toml(text, path.name)
        return
    try:
        toml, back = _round_trip(text, path.name)
    except ConvertError as error:
        assert "null" in error.message and error.line, error.message  # the only values TOML lacks here
        toml, back = (yaml_to_toml(text, path.name, drop_default_nulls=True).text, None)
        back = toml_to_yaml(toml, "x.toml").text
        want = lightningcli_view(document.raw)[0]
        assert lightningcli_view(parse(back, "x.yaml").raw)[0] == want
        return
    assert _reading(back, "back.yaml") == _reading(text, path.name), back
    for comment in _comments(text):
        assert comment in toml and comment in back, comment


@pytest.mark.parametrize("path", [p for p in case_files() if p.suffix == ".toml"], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_toml_cases_round_trip_through_yaml(path):
    try:
        text = path.read_bytes().decode("utf-8")
        yaml_text = toml_to_yaml(text, path.name).text
    except (UnicodeDecodeError, ConvertError):
        return  # not convertible: tests/test_yaml_cases.py lists these
    toml, back = _round_trip(yaml_text, path.stem + ".yaml")
    assert _reading(back, "back.yaml") == _reading(yaml_text, "x.yaml")
    for comment in _comments(text):
        assert comment in yaml_text and comment in toml and comment in back, comment


def test_demo_converts_to_examples_demo_yaml():
    """``examples/demo.yaml`` is ``trainer-lint convert examples/demo.toml`` (kept in step)."""
    converted = toml_to_yaml((ROOT / "examples" / "demo.toml").read_text(encoding="utf-8"), "demo.toml").text
    assert (ROOT / "examples" / "demo.yaml").read_text(encoding="utf-8") == converted


def test_yaml_folder_lints_like_its_toml_conversions(tmp_path):
    """The must-show: ``check`` on a folder of LightningCLI YAML configs and on their TOML
    conversions reports the same problems (codes on keys; YAML-only rules aside)."""
    (tmp_path / "yaml").mkdir()
    (tmp_path / "toml").mkdir()
    compared = 0
    for path in sorted(DEMO.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        (tmp_path / "yaml" / path.name).write_text(text, encoding="utf-8")
        converted = yaml_to_toml(text, path.name, drop_default_nulls=True).text
        (tmp_path / "toml" / path.with_suffix(".toml").name).write_text(converted, encoding="utf-8")
        compared += 1
    yaml_report = check_paths([str(tmp_path / "yaml")])
    toml_report = check_paths([str(tmp_path / "toml")])
    assert yaml_report.files_checked == toml_report.files_checked == compared >= 3

    def found(report) -> dict[str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
        out: dict[str, list[tuple[str, str]]] = {}
        for result in report.results:
            out[Path(result.path).stem] = sorted((d.code, d.dotted_key) for d in result.diagnostics if d.code not in YAML_ONLY)
        return out

    assert found(yaml_report) == found(toml_report)
    assert sum(len(v) for v in found(yaml_report).values()) >= 8, "the demo configs hold problems to compare"


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        ("trainer:\n  max_epochs: null\n", "`trainer.max_epochs`: it is null, which TOML cannot write (it is the default", 2),
        ("trainer:\n  max_steps: ~\n", "`trainer.max_steps`: it is null, which TOML cannot write", 2),
        ("trainer:\n  callbacks:\n  - class_path: X.Y\n    init_args: {a: !!binary aGk=}\n", "a bytes", 4),
        ("trainer: {max_epochs: 3}\n---\ntrainer: {}\n", "more than one YAML document", 2),
        ("trainer:\n  max_epochs: [1\n", "cannot read the YAML", 3),
    ],
)
def test_yaml_values_toml_cannot_say(text, needle, line):
    with pytest.raises(ConvertError) as caught:
        yaml_to_toml(text, "x.yaml")
    assert needle in caught.value.message
    assert caught.value.line == line


def test_null_conversions_both_ways():
    toml = yaml_to_toml("trainer:\n  check_val_every_n_epoch: null  # step-based\n  val_check_interval: 1000\n", "x.yaml").text
    assert 'check_val_every_n_epoch = "none"  # step-based' in toml
    back = toml_to_yaml(toml, "x.toml").text
    assert "check_val_every_n_epoch: null  # step-based" in back
    assert toml_to_yaml('[trainer]\ndefault_root_dir = "none"\n', "x.toml").text == "trainer:\n  default_root_dir: none\n"


def test_toml_date_time_is_refused_for_yaml():
    with pytest.raises(ConvertError, match="date-time"):
        toml_to_yaml("[trainer]\ndefault_root_dir = 2024-01-02\n", "x.toml")


def test_strings_yaml_would_misread_are_quoted():
    toml = '[trainer]\ndefault_root_dir = "on"\nmodel_registry = "1e-3"\nprofiler = "null"\nstrategy = "2024-01-02"\n'
    back = toml_to_yaml(toml, "x.toml").text
    assert parse(back, "x.yaml").raw == {"trainer": {"default_root_dir": "on", "model_registry": "1e-3", "profiler": "null", "strategy": "2024-01-02"}}


def test_schema_comment_is_translated():
    yaml_text = toml_to_yaml("#:schema ../schemas/trainer.schema.json\n[trainer]\nmax_epochs = 1\n", "x.toml").text
    assert yaml_text.startswith("# yaml-language-server: $schema=../schemas/trainer.yaml.schema.json\n")
    assert yaml_to_toml(yaml_text, "x.yaml").text.startswith("#:schema ../schemas/trainer.schema.json\n")


def test_lines_map_each_key():
    converted = convert("[trainer]\nmax_epochs = 3\n\n[[trainer.callbacks]]\nclass_path = \"a.B\"\n", "toml")
    lines = converted.text.splitlines()
    assert lines[converted.line_of(("trainer", "max_epochs")) - 1] == "  max_epochs: 3"
    assert lines[converted.line_of(("trainer", "callbacks", 0, "class_path")) - 1].strip() == "- class_path: a.B"
    assert converted.line_of(("trainer", "callbacks", 0, "init_args", "x")) == converted.line_of(("trainer", "callbacks", 0))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "trainer_lint", "convert", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_convert_command(tmp_path):
    (tmp_path / "cfg.yaml").write_text("trainer:\n  max_epochs: '3'  # three\n", encoding="utf-8")
    (tmp_path / "nulls.yaml").write_text("trainer:\n  max_epochs: null\n", encoding="utf-8")
    out = _cli("cfg.yaml", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == "[trainer]\nmax_epochs = 3  # three\n"
    assert _cli("cfg.yaml", "-o", "cfg.toml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "cfg.toml").read_text(encoding="utf-8") == out.stdout
    back = _cli("cfg.toml", "-o", "back.yml", cwd=tmp_path)
    assert back.returncode == 0 and (tmp_path / "back.yml").read_text(encoding="utf-8") == "trainer:\n  max_epochs: 3  # three\n"
    refused = _cli("nulls.yaml", cwd=tmp_path)
    assert refused.returncode == 1 and "nulls.yaml:2: cannot convert `trainer.max_epochs`" in refused.stderr and not refused.stdout
    assert _cli("nulls.yaml", "--drop-default-nulls", cwd=tmp_path).stdout == "[trainer]\n"
    assert _cli("missing.yaml", cwd=tmp_path).returncode == 2
    assert _cli("cfg.yaml", "-o", "x.yaml", cwd=tmp_path).returncode == 2  # YAML converts to TOML
    assert _cli("cfg.toml", "-o", "cfg.toml", cwd=tmp_path).returncode == 2
    for run in (out, back, refused):
        assert "Traceback" not in run.stderr
    assert json.dumps(out.stderr) == '""'
