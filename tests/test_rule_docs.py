"""Rule documentation: `docs/rules.md` is fresh, and `rules`/`rule CODE` show the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer_lint import docs
from trainer_lint.rules import RULES
from trainer_lint.rules.base import DOC_SECTIONS

ROOT = Path(__file__).resolve().parent.parent
RULES_MD = ROOT / "docs" / "rules.md"
REGENERATE = "python -m trainer_lint.docs > docs/rules.md"


def test_rules_md_is_fresh():
    assert RULES_MD.is_file(), f"docs/rules.md is missing; run `{REGENERATE}`"
    assert RULES_MD.read_text(encoding="utf-8") == docs.markdown(), f"docs/rules.md is stale; run `{REGENERATE}`"


def test_rules_md_has_every_rule_once():
    text = docs.markdown()
    for rule in RULES:
        assert text.count(f"\n### {rule.code} {rule.name}\n") == 1
        assert f"(#{docs.anchor(rule)})" in text
    assert "\n## What it does" not in text, "rule sections are demoted below the rule heading"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_section_can_be_read(rule):
    for heading in DOC_SECTIONS:
        assert docs.section(rule, heading[3:]), f"{rule.code}: empty {heading}"


def test_section_ignores_headings_inside_code():
    class Fake:
        __doc__ = "## What it does\nA.\n```toml\n## Fix\n```\n## Fix\nB.\n"

    assert docs.section(Fake, "What it does") == "A.\n```toml\n## Fix\n```"
    assert docs.section(Fake, "Fix") == "B."


def test_find_by_code_or_name():
    first = RULES[0]
    assert docs.find(first.code.lower()) is first
    assert docs.find(first.name) is first
    assert docs.find("TL999999") is None


def test_table_has_one_aligned_line_per_rule():
    lines = docs.table().splitlines()
    assert [line.split()[0] for line in lines] == [r.code for r in RULES]
    width = max(len(r.name) for r in RULES)
    for rule, line in zip(RULES, lines):
        assert line.startswith(f"{rule.code}  {rule.name:<{width}}  {rule.severity.value}")
        assert rule.summary in line


def test_explain_has_every_section():
    rule = RULES[-1]
    text = docs.explain(rule)
    assert text.startswith(f"# {rule.code} {rule.name}\n\n{rule.summary}.\n\nSeverity: {rule.severity.value}.")
    positions = [text.find(heading) for heading in DOC_SECTIONS]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
