"""The whole rule case suite, again in YAML: every ``tests/cases/*/*.toml`` converted with
``trainer-lint convert``, linted as YAML, gives the same codes on the same keys, each on the line
where the converter wrote that key.

Where LightningCLI reads the YAML differently from how trainer-lint reads the TOML, the YAML
result differs, and :data:`DEVIATIONS` says how and why (each reading is shown by building the
real LightningCLI in ``tests/differential/test_yaml_lightningcli.py``). Files that cannot be
converted (TOML syntax errors, bytes that are not UTF-8) are listed in :data:`NOT_CONVERTIBLE`.
The agreement count goes to pytest's summary.
"""

from __future__ import annotations

import pytest

from case_files import case_files
from differential import summary
from trainer_lint.checker import check_file
from trainer_lint.engine import FileResult, lint_text

pytest.importorskip("yaml")

from trainer_lint.formats.convert import ConvertError, toml_to_yaml  # noqa: E402

TOML_CASES = [p for p in case_files() if p.suffix == ".toml"]

NOT_CONVERTIBLE = {
    "TL001/bad_syntax": "a TOML syntax error: there is nothing to convert",
    "TL002/bad_latin1": "not UTF-8 text",
    "TL002/bad_nul": "NUL bytes: not text (a TOML syntax error for the converter)",
}

_QUOTED = 'LightningCLI reads a quoted number again as YAML ("10" is 10), so it is no type error in YAML'
DEVIATIONS: dict[str, tuple[set[tuple[str, str]], set[tuple[str, str]], str]] = {
    # case: (diagnostics only the TOML file has, diagnostics only the YAML file has, why)
    "TL100/bad_string_for_int": ({("TL100", "trainer.max_epochs")}, set(), _QUOTED),
    "TL901/bad_unknown_code": ({("TL100", "trainer.max_epochs")}, set(), _QUOTED),
    "TL901/ok_valid": (set(), {("TL902", "-")}, _QUOTED + "; the ignore[TL100] comment then suppresses nothing"),
    "TL902/ok_used": (set(), {("TL902", "-")}, _QUOTED + "; the ignore[TL1] comment then suppresses nothing"),
    "TL503/bad_types": (
        {("TL503", "trainer.callbacks[0].init_args.save_top_k"), ("TL503", "trainer.callbacks[0].init_args.save_last")},
        {("TL506", "trainer.callbacks[0].init_args.save_top_k")},
        'LightningCLI reads save_top_k: "3" as 3 and save_last: "yes" as true; ModelCheckpoint then refuses '
        "save_top_k=3 without a monitor (TL506)",
    ),
    "TL103/bad_top_level": (
        {("TL103", "sede")},
        {("TL524", "sede")},
        "a LightningCLI subclass may add top-level keys, so without its script an unknown one that is "
        "close to no known key is an info in YAML; TOML is trainer-lint's own format",
    ),
}

RESULTS: dict[str, bool] = {}


def _name(path) -> str:  # type: ignore[no-untyped-def]
    return f"{path.parent.name}/{path.stem}"


def _lines(result: FileResult, line_of) -> list[tuple[str, str, int | None]]:  # type: ignore[no-untyped-def]
    return sorted((d.code, d.dotted_key or "-", line_of(d) if d.key else None) for d in result.diagnostics)


@pytest.mark.parametrize("path", TOML_CASES, ids=_name)
def test_case_in_yaml(path):
    name = _name(path)
    if name in NOT_CONVERTIBLE:
        with pytest.raises((ConvertError, UnicodeDecodeError)):
            toml_to_yaml(path.read_bytes().decode("utf-8"), str(path))
        return
    converted = toml_to_yaml(path.read_text(encoding="utf-8"), str(path))
    toml = check_file(str(path))
    assert isinstance(toml, FileResult)
    yaml_result = lint_text(converted.text, str(path.with_suffix(".yaml")))
    expected = _lines(toml, lambda d: converted.line_of(d.key))
    actual = _lines(yaml_result, lambda d: d.span.line)
    only_toml, only_yaml, _ = DEVIATIONS.get(name, (set(), set(), ""))
    expected = [e for e in expected if e[:2] not in only_toml]
    actual_kept = [a for a in actual if a[:2] not in only_yaml]
    RESULTS[name] = actual_kept == expected
    assert actual_kept == expected, converted.text
    assert {a[:2] for a in actual} >= only_yaml, "a listed deviation no longer happens: update DEVIATIONS"
    assert not ({e[:2] for e in _lines(toml, lambda d: 0)} & {a[:2] for a in actual} & only_toml), "listed deviation gone"


def test_zz_yaml_case_summary():
    if not RESULTS:
        pytest.skip("the case tests did not run")
    line = (
        f"YAML case suite: {len(RESULTS)} TOML case files converted to YAML, {sum(RESULTS.values())} lint the same "
        f"(codes, keys, mapped lines) apart from {len(DEVIATIONS)} listed differences that LightningCLI's reading causes, "
        f"{len(NOT_CONVERTIBLE)} not convertible"
    )
    summary.record(line)
    assert all(RESULTS.values()), line
