"""Reading YAML: LightningCLI's loader, positions, the values LightningCLI hands on, and what
cannot be read.

Position cases live in ``tests/positions_yaml/``: ``NAME.yaml`` next to ``NAME.expected``, in the
format of the TOML position cases (``tests/test_document.py``; ``# transform: crlf`` and
``# transform: bom`` work the same). The loader is compared with jsonargparse's own on generated
scalars and documents.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("yaml")

import test_document  # noqa: E402
from test_document import show, slice_of  # noqa: E402
from trainer_lint import formats  # noqa: E402
from trainer_lint.document import DocumentError  # noqa: E402
from trainer_lint.engine import lint_text  # noqa: E402
from trainer_lint.formats.yaml_loader import basic_load, load  # noqa: E402
from trainer_lint.formats.yaml_reader import comments_of, parse_yaml  # noqa: E402
from trainer_lint.formats.yaml_values import lightningcli_view  # noqa: E402

CASES = Path(__file__).parent / "positions_yaml"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.yaml"))
ROOT = Path(__file__).resolve().parent.parent


def load_case(name: str):  # type: ignore[no-untyped-def]
    return test_document.load_case(name, CASES, ".yaml")


def test_enough_yaml_position_cases():
    assert len(CASE_NAMES) >= 8
    for name in CASE_NAMES:
        assert (CASES / f"{name}.expected").is_file(), name


@pytest.mark.parametrize("name", CASE_NAMES)
def test_yaml_positions(name, tmp_path):
    raw, expected = load_case(name)
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(raw)
    doc = formats.read(path)
    assert doc.format == "yaml"
    errors = []
    for line, key, part, span in expected:
        got = doc.span_of(key, part=part)
        if got != span:
            errors.append(f"{line}\n    got {show(got)}: {slice_of(doc, got)!r}")
    assert not errors, "\n".join(errors)
    rebuilt = formats.read(path)
    rebuilt._index = None  # dropped (as after a worker process): rebuilt from the text, the same
    assert all(rebuilt.span_of(key, part=part) == span for _, key, part, span in expected)


def test_crlf_and_bom_cases_really_transform():
    raw, _ = load_case("crlf")
    assert raw.count(b"\r\n") == raw.count(b"\n") >= 5
    raw, _ = load_case("bom")
    assert raw.startswith(codecs.BOM_UTF8)


def test_aliased_values_have_positions_but_no_edit_offsets():
    doc = formats.read(CASES / "anchors.yaml")
    shared = [("trainer", "callbacks", 0, "init_args", "mode"), ("trainer", "callbacks", 1, "init_args", "monitor"),
              ("trainer", "callbacks", 2, "init_args", "monitor"), ("trainer", "max_epochs"), ("trainer", "min_epochs")]
    for key in shared:
        assert doc.span_of(key).line > 1 and doc.offsets_of(key) is None, key
    assert doc.offsets_of(("trainer", "callbacks", 2, "init_args", "mode")) is not None  # written for itself
    assert doc.data["trainer"]["callbacks"][2]["init_args"] == {"monitor": "val_loss", "mode": "max"}


def test_multidoc_lints_the_trainer_document_and_reports_the_second():
    result = lint_text((CASES / "multidoc.yaml").read_text(encoding="utf-8"), "multidoc.yaml")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("TL008", 3)]


# ------------------------------------------------------------------------ what cannot be read


@pytest.mark.parametrize(
    ("text", "code", "line", "words"),
    [
        ("trainer:\n  max_epochs: [1, 2\n", "TL001", 3, "YAML syntax error"),
        ("trainer:\n\tmax_epochs: 3\n", "TL005", 2, "tab"),
        ("trainer:\n  max_epochs: 3\n\tdevices: 2\n", "TL005", 3, "tab"),
        ("trainer: !!python/object:os.system x\n", "TL001", 1, "safe loader"),
        ("trainer: !custom x\n", "TL001", 1, "constructor"),
        ("trainer: &a [*a]\n", "TL001", 1, "contains it"),
        ("trainer:\n  ? [a, b]\n  : 1\n", "TL001", 2, "must be a scalar"),
        ("trainer:" + "\n" + "".join("  " * i + f"- k{i}:\n" for i in range(120)), "TL001", None, "too deep"),
        ("trainer:\n  max_epochs: \ud800\n", "TL001", 2, "lone surrogate"),  # text from the library API
    ],
)
def test_unreadable_yaml(text, code, line, words):
    result = lint_text(text, "cfg.yaml")
    assert [d.code for d in result.diagnostics] == [code]
    assert words in result.diagnostics[0].message
    if line is not None:
        assert result.diagnostics[0].span.line == line


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "trainer:\n  " + "\n  ".join(lines) + "\n"
    result = lint_text(text, "bomb.yaml")
    assert [d.code for d in result.diagnostics] == ["TL003"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- trainer\n- x\n", "trainer\n", "just text with trainer in it\n"])
def test_not_a_trainer_config_is_skipped(text):
    result = lint_text(text, "x.yaml")
    assert result.skipped and not result.diagnostics


def test_trainer_null_is_an_error():
    result = lint_text("trainer:\n", "cfg.yaml")
    assert [d.code for d in result.diagnostics] == ["TL100"]
    assert "null" in result.diagnostics[0].message


def test_without_pyyaml(tmp_path):
    (tmp_path / "cfg.yaml").write_text("trainer:\n  max_epochs: 3\n", encoding="utf-8")
    (tmp_path / "compose.yml").write_text("services:\n  trainer: {image: x}\n", encoding="utf-8")
    (tmp_path / "ok.toml").write_text("[trainer]\nmax_epochs = 3\n", encoding="utf-8")
    code = "import sys; sys.modules['yaml'] = None\nfrom trainer_lint.cli import main\nsys.argv = ['trainer-lint', *sys.argv[1:]]\nmain()\n"
    env = {"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", code, "check", "--isolated", "."], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    assert "cfg.yaml: reading YAML needs PyYAML, which is not installed: pip install 'trainer-lint[yaml]'" in run.stderr
    assert "compose.yml" not in run.stderr + run.stdout, "a YAML file without a top-level trainer key is skipped"
    assert "Traceback" not in run.stderr


# ------------------------------------------------------------------------ LightningCLI's reading


SCALARS = st.one_of(
    st.sampled_from(["1e-3", "1E3", "1.0e+3", "yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "NULL", "2024-01-02",
                     "2024-01-02T10:00:00", "0x10", "0o17", "017", "08", "1_000", "1:30", "-1:30.5", ".inf", "-.Inf", ".nan",
                     "+1", "+1.5", "1.", ".5", "True", "tRue", "0b101", "1e3_0", "12:30:00", "1__0", "", " ", "'x'", "\"1\"",
                     "[1, 2]", "{a: 1}", "a:", "{a, b}", "a: b", "- x", "!!str 1", "!!int '3'", "&x 1", "#c", "1 #c",
                     "-", "--- 1", "3.", "-.5e3", "+.5", "1e", "e3", "0.1.2", "1_0.5"]),
    st.text(alphabet="0123456789.eE+-_:xob ~nulyestrfaNTY", max_size=8),
)


@settings(max_examples=600, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(SCALARS)
def test_loader_reads_scalars_as_jsonargparse(text):
    jsonargparse = pytest.importorskip("jsonargparse._loaders_dumpers")
    import yaml

    assert _outcome(load, text) == _outcome(jsonargparse.yaml_load, text), text
    try:  # where jsonargparse re-reads a string, it keeps the string when it is not valid YAML
        expected = jsonargparse.basic_json_or_yaml_load(text)
    except (yaml.YAMLError, TypeError):  # TypeError: jsonargparse's `a:` rule meets `0:`
        expected = text
    assert _same(basic_load(text), expected), text


def _outcome(function, text):
    try:
        value = function(text)
    except Exception as error:  # noqa: BLE001
        return ("raises", type(error).__name__)
    return ("value", type(value).__name__, "nan" if value != value else repr(value))


def _same(a, b) -> bool:
    return type(a) is type(b) and (a == b or a != a and b != b)


KEYS = st.sampled_from(["trainer", "max_epochs", "devices", "a", "b", "on", "1", "null", "x y", "'q'"])
LEAVES = SCALARS.filter(lambda t: "\n" not in t and "#" not in t and not t.strip().startswith(("-", "!", "&", "{", "[", "'", '"', "?", "%", "@", "`", "|", ">", "*")) and ":" not in t)


@st.composite
def documents(draw, depth=0):
    if depth > 2 or draw(st.integers(0, 2)) == 0:
        return draw(LEAVES.map(lambda t: t if t.strip() else "x"))
    if draw(st.booleans()):
        items = draw(st.lists(documents(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    pairs = draw(st.lists(st.tuples(KEYS, documents(depth + 1)), max_size=4))
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


@settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(documents())
def test_reader_builds_what_jsonargparse_loads(flow):
    jsonargparse = pytest.importorskip("jsonargparse._loaders_dumpers")
    text = f"trainer: {flow}\nother: [1, on, 1e-3]\n"
    try:
        expected = jsonargparse.yaml_load(text)
    except Exception:  # noqa: BLE001 - jsonargparse cannot read it: neither can trainer-lint
        with pytest.raises(DocumentError):
            parse_yaml(text, "x.yaml")
        return
    raw = parse_yaml(text, "x.yaml").raw
    assert raw == _string_keys(expected)


def _key(key):
    if isinstance(key, str):
        return key
    if key is True:
        return "on"  # the only boolean key KEYS writes
    return "null" if key is None else str(key)


def _string_keys(value):
    """jsonargparse's data with keys as trainer-lint keeps them (non-string keys as written)."""
    if isinstance(value, dict):
        return {_key(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


@pytest.mark.parametrize(
    ("trainer", "seen"),
    [
        ({"max_epochs": "10"}, {"max_epochs": 10}),  # int: the string is read again
        ({"devices": "2"}, {"devices": "2"}),  # Union[list[int], str, int]: str comes first
        ({"precision": "16"}, {"precision": 16}),  # the int Literal comes first
        ({"val_check_interval": "0.5"}, {"val_check_interval": 0.5}),
        ({"enable_progress_bar": "no"}, {"enable_progress_bar": False}),
        ({"max_epochs": "null"}, {}),  # Optional with a None default: as if unset
        ({"max_epochs": None}, {}),
        ({"max_steps": None}, {"max_steps": None}),  # not Optional: kept, and reported
        ({"check_val_every_n_epoch": None}, {"check_val_every_n_epoch": "none"}),
        ({"max_time": {"hours": "1"}}, {"max_time": {"hours": 1}}),
        ({"default_root_dir": "123"}, {"default_root_dir": "123"}),
        ({"devices": "[0, 1]"}, {"devices": [0, 1]}),
        ({"callbacks": [{"class_path": "ModelCheckpoint", "init_args": {"save_top_k": "3", "monitor": None, "mode": None}}]},
         {"callbacks": [{"class_path": "ModelCheckpoint", "init_args": {"save_top_k": 3, "mode": None}}]}),
        ({"logger": {"class_path": "lightning.pytorch.loggers.CSVLogger", "init_args": {"save_dir": "x", "name": None}}},
         {"logger": {"class_path": "lightning.pytorch.loggers.CSVLogger", "init_args": {"save_dir": "x", "name": None}}}),
    ],
)
def test_lightningcli_view(trainer, seen):
    data, findings = lightningcli_view({"trainer": trainer})
    assert data == {"trainer": seen} and not findings


def test_view_keeps_seed_everything_null_and_reports_the_toml_spelling():
    data, findings = lightningcli_view({"seed_everything": None, "trainer": {"check_val_every_n_epoch": "none"}})
    assert data["seed_everything"] is None
    assert [f[0] for f in findings] == ["TL009"]


def test_comments_are_found_outside_scalars():
    text = 'a: "x # no"  # yes\nb: |\n  # no\n  text\n# yes too\nc: d#no\ne: [1, # yes\n  2]\n'
    assert [c for _, c in comments_of(text)] == ["# yes", "# yes too", "# yes"]
    assert json.dumps(comments_of("a: [1,\n")) == "[]"
