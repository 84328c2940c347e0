"""Rule case files: ``tests/cases/<CODE>/<name>.toml`` (or ``.yaml``, for YAML-only rules and
YAML-only cases) beside ``<name>.expected``.

The expected file lists every diagnostic the engine reports for the TOML file, one per line, as
``LINE:COL CODE SEVERITY KEY`` (KEY is the dotted key path; ``-`` for the whole file). An empty
expected file means the file is clean. Names starting with ``bad`` must contain the directory's
code; names starting with ``ok`` must not. The expected file is the assertion: write it from
what the rule should say, or review a generated one line by line (positions by eye).
"""

from __future__ import annotations

from pathlib import Path

from trainer_lint.checker import check_file
from trainer_lint.engine import FileResult

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


def actual_lines(path: Path) -> list[str]:
    """Lint a case file and render its diagnostics."""
    outcome = check_file(str(path))
    assert isinstance(outcome, FileResult), outcome
    return render_result(outcome)


def expected_lines(path: Path) -> list[str]:
    """The expected lines of a case (blank lines and ``#`` comments ignored)."""
    expected = path.with_suffix(".expected")
    text = expected.read_text(encoding="utf-8") if expected.exists() else None
    assert text is not None, f"{expected} is missing"
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
