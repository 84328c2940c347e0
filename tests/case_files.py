"""Rule case files: ``tests/cases/<CODE>/<name>.toml`` (or ``.yaml``, for YAML-only rules and
YAML-only cases) beside ``<name>.expected``.

The expected file lists every diagnostic the engine reports for the TOML file, one per line, as
``LINE:COL CODE SEVERITY KEY`` (KEY is the dotted key path; ``-`` for the whole file). An empty
expected file means the file is clean. Names starting with ``bad`` must contain the directory's
code; names starting with ``ok`` must not. The expected file is the assertion: write it from
what the rule should say, or review a generated one line by line (positions by eye).

A case that needs project knowledge starts with a comment naming it, in TOML inline-table syntax,
with paths relative to the case file::

    # case-options: { source-roots = ["../../fixtures/cliproject/src"], cli-script = "../../fixtures/cliproject/train_fixed.py" }
"""

from __future__ import annotations

from pathlib import Path

import os

import tomli

from trainer_lint.checker import check_file
from trainer_lint.engine import FileResult
from trainer_lint.options import DEFAULT, Options

OPTIONS_MARK = "# case-options:"

CASES = Path(__file__).parent / "cases"


def case_files() -> list[Path]:
    """Every case file (TOML and YAML), sorted."""
    return sorted([*CASES.glob("*/*.toml"), *CASES.glob("*/*.yaml")])


def render_result(result: FileResult) -> list[str]:
    """The diagnostics of a result in the expected-file format."""
    lines = []
    for d in result.diagnostics:
        span = d.span
        where = f"{span.line}:{span.column}" if span else "0:0"
        lines.append(f"{where} {d.code} {d.severity.value} {d.dotted_key or '-'}")
    return lines


def case_options(path: Path) -> Options:
    """The project knowledge a case names in its ``# case-options:`` comment (none: the defaults)."""
    first = path.read_bytes().decode("utf-8", "replace").splitlines()[:1]
    if not first or not first[0].startswith(OPTIONS_MARK):
        return DEFAULT
    table = tomli.loads("options = " + first[0][len(OPTIONS_MARK) :].strip())["options"]
    folder = path.parent

    def absolute(p: str) -> str:
        return os.path.normpath(os.path.join(folder, p))

    roots = table.get("source-roots")
    script = table.get("cli-script")
    return Options(
        root=str(folder),
        source_roots=tuple(absolute(r) for r in roots) if roots is not None else None,
        cli_script=absolute(script) if script is not None else None,
    )


def actual_lines(path: Path) -> list[str]:
    """Lint a case file and render its diagnostics."""
    outcome = check_file(str(path), options=case_options(path))
    assert isinstance(outcome, FileResult), outcome
    return render_result(outcome)


def expected_lines(path: Path) -> list[str]:
    """The expected lines of a case (blank lines and ``#`` comments ignored)."""
    expected = path.with_suffix(".expected")
    text = expected.read_text(encoding="utf-8") if expected.exists() else None
    assert text is not None, f"{expected} is missing"
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
