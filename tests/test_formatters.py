"""Every output format, golden-tested against ONE hand-built report, and SARIF schema validation.

The report is made from :class:`Diagnostic` objects directly (no rules run), so the goldens change
only when a formatter does. Regenerate them after an intended change with::

    UPDATE_GOLDEN=1 python -m pytest tests/test_formatters.py

and read the diff: the golden files are the assertion.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from trainer_lint import formatters
from trainer_lint.checker import Report, check_paths
from trainer_lint.diagnostic import Diagnostic, Fix, Related, Severity, Span
from trainer_lint.document import parse_document
from trainer_lint.engine import FileResult
from trainer_lint.formatters import github, json_format, sarif
from trainer_lint.lightning.selection import for_version
from trainer_lint.options import Options
from trainer_lint.rules import RULES
from trainer_lint.rules.base import Rule

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SARIF_SCHEMA = HERE / "data" / "sarif-schema-2.1.0.json"
GOLDEN_VERSION = "0.0.0+golden"

TRAIN = (
    "[trainer]\n"
    'max_epochs = "10"\n'
    "max_epoch = 3\n"
    'precision = "16"\n'
    "devices = [\n"
    "  0, 1,\n"
    "]\n"
    "\tlimit_val_batches = 1.5\n"
    'plugins = { "名前" = "x", bad = 1 }\n'
)
ODD = '[trainer]\nmax_time = "00:01:00:00, approx"\n'


ASSUMED = for_version("2.4.0", "project", "lightning==2.4.0 in requirements.txt")
"""The Lightning release the shared report's files were checked against."""


def _placed(path: str, code: str, severity: Severity, key: tuple, message: str, span: Span | None, **kw) -> Diagnostic:
    return Diagnostic(code, severity, key, message, **kw).at(path, span)


def shared_report() -> Report:
    """The one set of diagnostics every format is tested on: every severity, a safe fix, a key
    anchor, a multi-line span, a tab and wide characters before a span, `%`, `:` and `,` in
    messages and in a path, a file with no source text, a diagnostic without a span, and a
    skipped file."""
    a = "configs/train.toml"
    train = FileResult(
        a,
        [
            _placed(a, "TL100", Severity.ERROR, ("trainer", "max_epochs"), '`max_epochs` must be an integer, not the string "10"', Span(2, 14, 2, 18)),
            _placed(
                a, "TL103", Severity.ERROR, ("trainer", "max_epoch"), "unknown key `max_epoch` in table `trainer`; did you mean `max_epochs`?",
                Span(3, 1, 3, 10), anchor="key", fix=Fix("Rename `max_epoch` to `max_epochs`", ()),
            ),
            _placed(a, "TL101", Severity.WARNING, ("trainer", "precision"), '"16" is a short form: write "16-mixed"', Span(4, 13, 4, 17)),
            _placed(a, "TL301", Severity.INFO, ("trainer", "devices"), "devices lists 2 GPUs: run with 2 processes", Span(5, 11, 7, 2)),
            _placed(a, "TL102", Severity.ERROR, ("trainer", "limit_val_batches"), "a fraction must be at most 1.0 (100%), not 1.5", Span(8, 22, 8, 25)),
            _placed(a, "TL103", Severity.ERROR, ("trainer", "plugins", "bad"), "unknown key `bad` in table `trainer.plugins`", Span(9, 25, 9, 28), anchor="key"),
        ],
        document=parse_document(TRAIN, a),
        lightning=ASSUMED,
    )
    b = "configs/odd, name:1.toml"
    odd = FileResult(
        b,
        [_placed(b, "TL102", Severity.ERROR, ("trainer", "max_time"), 'max_time "00:01:00:00, approx" is not DD:HH:MM:SS', Span(2, 12, 2, 34))],
        document=parse_document(ODD, b),
        lightning=ASSUMED,
    )
    c = "configs/broken.toml"
    broken = FileResult(c, [_placed(c, "TL001", Severity.ERROR, (), "TOML syntax error: Expected '=' after a key in a key/value pair", Span(1, 5, 1, 6))])
    d = "configs/huge.toml"
    huge = FileResult(d, [_placed(d, "TL003", Severity.ERROR, (), "file is larger than the 10 MiB limit (10485761 bytes); not linted", None)])
    skipped = FileResult("pyproject.toml", skipped=True, document=parse_document("[project]\nname = 'x'\n", "pyproject.toml"))
    return Report([train, odd, broken, huge, skipped])


LAUNCHED = '# trainer-lint: launcher = ../jobs/train.sbatch\n[trainer]\naccelerator = "gpu"\ndevices = 4\nprecision = "bf16-mixed"\n'


def target_report() -> Report:
    """A run with a target and a launch script: the output names the machine and the script, and a
    finding carries a note at the script's line."""
    path = "configs/launched.toml"
    options = Options(target="gpu:8xV100", launcher="jobs/train.sbatch")
    related = (Related("jobs/train.sbatch", Span(4, 9, 4, 28), "`--ntasks-per-node=1` sets the tasks per node"),)
    result = FileResult(
        path,
        [
            _placed(
                path, "TL400", Severity.ERROR, ("trainer", "devices"),
                "`devices = 4` runs 4 processes per node, but train.sbatch starts 1 task per node", Span(4, 11, 4, 12), related=related,
            ),
            _placed(path, "TL372", Severity.WARNING, ("trainer", "precision"), "bf16 on sm_70 is emulated", Span(5, 13, 5, 25)),
        ],
        document=parse_document(LAUNCHED, path),
        options=options,
    )
    return Report([result])


class _Fake(Rule):
    def check(self, ctx):  # pragma: no cover - never run
        return ()


def _fake(code: str, name: str, summary: str, severity: Severity = Severity.ERROR) -> type[Rule]:
    doc = (
        f"## What it does\nReports {summary.lower()}.\n\n## Why is this bad?\nIt is.\n\n"
        f"## Example\n```toml\n[trainer]\nx = 1\n```\n\n## Fix\nDo not.\n\n## Lightning source\n`trainer.py`.\n"
    )
    return type(name, (_Fake,), {"__doc__": doc, "code": code, "name": name, "summary": summary, "severity": severity})


FAKE_RULES = (
    _fake("TL001", "toml-syntax", "The file is not valid TOML"),
    _fake("TL100", "wrong-type", "A value has the wrong type for its key"),
    _fake("TL101", "invalid-choice", "A value is not one of the choices its key allows"),
    _fake("TL102", "out-of-range", "A value is outside the range its key allows"),
    _fake("TL103", "unknown-key", "A key that its table does not take"),
    _fake("TL301", "devices-processes", "How many processes the devices start", Severity.INFO),
)
"""A fixed catalogue for the SARIF golden (TL003 is left out on purpose: a result without ruleIndex)."""

TARGET_FAKE_RULES = (
    _fake("TL372", "bf16-emulated", "bfloat16 on old GPUs", Severity.WARNING),
    _fake("TL400", "slurm-devices-mismatch", "devices against SLURM's tasks per node"),
)


@pytest.fixture
def pinned_version(monkeypatch):
    monkeypatch.setattr(json_format, "__version__", GOLDEN_VERSION)
    monkeypatch.setattr(sarif, "__version__", GOLDEN_VERSION)


CASES = {
    "report.text": lambda r: formatters.render(r, "text"),
    "report.color.text": lambda r: formatters.render(r, "text", color=True),
    "report.full": lambda r: formatters.render(r, "full"),
    "report.color.full": lambda r: formatters.render(r, "full", color=True),
    "report.json": lambda r: formatters.render(r, "json"),
    "report.github": lambda r: formatters.render(r, "github"),
    "report.sarif": lambda r: sarif.render(r, rules=FAKE_RULES),
}
TARGET_CASES = {name.replace("report.", "target."): render for name, render in CASES.items()}
TARGET_CASES["target.sarif"] = lambda r: sarif.render(r, rules=TARGET_FAKE_RULES)


def test_every_format_has_a_golden():
    tested = {name.split(".")[-1] for name in CASES}
    assert tested == set(formatters.FORMATS)


@pytest.mark.parametrize("name", sorted(CASES) + sorted(TARGET_CASES))
def test_golden(name, pinned_version):
    actual = CASES[name](shared_report()) if name in CASES else TARGET_CASES[name](target_report())
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing; run UPDATE_GOLDEN=1 python -m pytest {__file__}"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_empty_report_in_every_format():
    empty = Report([FileResult("a.toml", [])])
    assert formatters.render(empty, "text") == "All checks passed (1 file checked).\n"
    assert formatters.render(empty, "full") == "All checks passed (1 file checked).\n"
    assert formatters.render(empty, "github") == ""
    assert json.loads(formatters.render(empty, "json"))["diagnostics"] == []
    log = json.loads(formatters.render(empty, "sarif"))
    assert log["runs"][0]["results"] == []
    _validate_sarif(log)


# ------------------------------------------------------------------------------- github


def test_github_escapes_data_and_properties():
    assert github.escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert github.escape_property("odd, name:1%\n") == "odd%2C name%3A1%25%0A"


def test_github_multiline_message_stays_one_command():
    d = _placed("a.toml", "TL100", Severity.WARNING, (), "line one\nline two", Span(1, 1, 2, 3))
    out = github.render(Report([FileResult("a.toml", [d])]))
    assert out == "::warning file=a.toml,line=1,endLine=2,title=TL100::line one%0Aline two\n"


# ------------------------------------------------------------------------------- sarif


def _validate_sarif(log: dict) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_vendored_schema_is_the_official_one():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert SARIF_SCHEMA.stat().st_size == 112768


def test_golden_sarif_is_valid(pinned_version):
    _validate_sarif(json.loads(sarif.render(shared_report(), rules=FAKE_RULES)))
    _validate_sarif(json.loads(sarif.render(target_report(), rules=TARGET_FAKE_RULES)))


def test_schema_rejects_a_broken_log():
    log = json.loads(sarif.render(shared_report(), rules=FAKE_RULES))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        _validate_sarif(log)


def test_sarif_of_a_real_run_is_valid_and_consistent(monkeypatch):
    """Lint every rule case file with the real catalogue: the log validates, rules are the whole
    catalogue, and each result points at its own rule."""
    monkeypatch.chdir(HERE.parent)
    report = check_paths(["tests/cases"])
    assert report.diagnostics, "the case files should produce diagnostics"
    log = json.loads(formatters.render(report, "sarif"))
    _validate_sarif(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["markdown"] for r in rules)
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]
        assert uri["uri"].startswith("tests/cases/") and uri["uriBaseId"] == "%SRCROOT%"
    assert len(run["results"]) == len(report.diagnostics)


def test_sarif_uri_is_relative_to_the_cwd(tmp_path, monkeypatch):
    (tmp_path / "sub dir").mkdir()
    monkeypatch.chdir(tmp_path / "sub dir")
    assert sarif.artifact_uri(str(tmp_path / "sub dir" / "a b.toml")) == ("a%20b.toml", True)
    assert sarif.artifact_uri(os.path.join("x", "y.toml")) == ("x/y.toml", True)


# -------------------------------------------------------------------------- start-up cost


@pytest.mark.parametrize("name", sorted(formatters.FORMATS))
def test_a_format_imports_only_itself(name, tmp_path):
    """`check` stays light: choosing a format imports that formatter and nothing heavy."""
    config = tmp_path / "c.toml"
    config.write_text('[trainer]\nmax_epochs = "10"\n', encoding="utf-8")
    code = (
        "import sys\n"
        "from trainer_lint.cli import app\n"
        f"sys.argv = ['trainer-lint', 'check', {str(config)!r}, '--format', {name!r}, '--isolated']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "mods = set(sys.modules)\n"
        "sys.stderr.write(repr(sorted(m for m in mods if m.split('.')[0] in ('rich', 'jsonschema', 'torch', 'lightning')"
        " or m.startswith('trainer_lint.formatters.'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    loaded = eval(proc.stderr.strip().splitlines()[-1])  # noqa: S307 - our own repr of a list of names
    expected = {formatters.FORMATS[name]}
    if name == "full":
        expected.add(formatters.FORMATS["text"])  # full is text plus the source line
    assert set(loaded) == expected


# --------------------------------------------------------------------------------- full


def test_full_reads_the_line_of_a_syntax_error_from_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("syn.toml").write_text("[trainer]\nmax_epochs = 3 epochs\n", encoding="utf-8")
    Path("latin.toml").write_bytes(b'[trainer]\nx = "\xff"\n')
    out = formatters.render(check_paths(["syn.toml", "latin.toml"]), "full")
    assert "  |\n2 | max_epochs = 3 epochs\n  |                ^ TL001\n  |\n" in out
    assert "latin.toml:2:6: TL002 error: file is not valid UTF-8 text (byte 0xff at offset 15)\n\n" in out
