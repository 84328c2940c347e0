"""Rule documentation from the catalogue: ``trainer-lint rules``, ``trainer-lint rule CODE``,
``docs/rules.md`` and the rule descriptions in SARIF output.

Each rule's docstring is the source (sections ``## What it does``, ``## Why is this bad?``,
``## Example``, ``## Fix``, ``## Lightning source``). Regenerate the committed page with::

    python -m trainer_lint.docs > docs/rules.md

(or ``trainer-lint rules --markdown > docs/rules.md``); ``tests/test_rule_docs.py`` fails when
it is stale.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Sequence

from trainer_lint.rules.base import Rule

FAMILIES = (
    ("TL0", "The file itself"),
    ("TL1", "Types and keys"),
    ("TL2", "Trainer, loop and data-limit arguments"),
    ("TL3", "Accelerator, devices, strategy, precision (TL37x: on the target machine)"),
    ("TL4", "Launch scripts: SLURM and torchrun"),
    ("TL5", "`class_path` objects: callbacks, loggers, strategies, profilers, plugins"),
    ("TL6", "Failures that wait for `fit`"),
    ("TL9", "trainer-lint's own configuration"),
)
"""Code prefix -> heading in ``docs/rules.md`` (from the code ranges in docs/CONTRIBUTING.md)."""


def catalogue() -> tuple[type[Rule], ...]:
    """Every rule, in code order."""
    from trainer_lint.rules import RULES

    return RULES


def find(query: str, rules: Sequence[type[Rule]] | None = None) -> type[Rule] | None:
    """The rule whose code (any case) or name is ``query``."""
    wanted = query.strip()
    for rule in rules if rules is not None else catalogue():
        if rule.code == wanted.upper() or rule.name == wanted.lower():
            return rule
    return None


def doc(rule: type[Rule]) -> str:
    """The rule's docstring, dedented (Markdown with ``##`` section headings)."""
    return inspect.cleandoc(rule.__doc__ or "")


def section(rule: type[Rule], heading: str) -> str:
    """The text of one ``## heading`` section of the rule's docs ("" when it has none)."""
    lines = doc(rule).splitlines()
    out: list[str] = []
    inside = fenced = False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == heading
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def _severity(rule: type[Rule]) -> str:
    return str(rule.severity.value)


def table(rules: Sequence[type[Rule]] | None = None) -> str:
    """``trainer-lint rules``: one aligned line per rule (code, name, severity, summary)."""
    rules = tuple(rules if rules is not None else catalogue())
    if not rules:
        return ""
    name_width = max(len(r.name) for r in rules)
    severity_width = max(len(_severity(r)) for r in rules)
    lines = []
    for rule in rules:
        fixable = " [*]" if rule.fixable else ""
        lines.append(f"{rule.code}  {rule.name:<{name_width}}  {_severity(rule):<{severity_width}}  {rule.summary}{fixable}".rstrip())
    return "\n".join(lines) + "\n"


def explain(rule: type[Rule]) -> str:
    """``trainer-lint rule CODE``: the header and the rule's whole documentation."""
    head = f"# {rule.code} {rule.name}"
    facts = f"Severity: {_severity(rule)}. Fixable: {'yes, with `trainer-lint check --fix`' if rule.fixable else 'no'}."
    return f"{head}\n\n{rule.summary}.\n\n{facts}\n\n{doc(rule)}\n"


def _demote(text: str) -> str:
    """Turn a docstring's ``## `` headings into ``#### `` (outside code fences)."""
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("###" + line[1:] if not fenced and line.startswith("## ") else line)
    return "\n".join(out)


def anchor(rule: type[Rule]) -> str:
    """The Markdown anchor of a rule's heading in ``docs/rules.md``."""
    return f"{rule.code.lower()}-{rule.name}"


def markdown(rules: Sequence[type[Rule]] | None = None) -> str:
    """``docs/rules.md``: an index table and every rule's documentation, grouped by family."""
    rules = tuple(rules if rules is not None else catalogue())
    out = [
        "# Rules",
        "",
        "<!-- Generated from the rule catalogue by `python -m trainer_lint.docs > docs/rules.md`; do not edit. -->",
        "",
        "Every rule trainer-lint has. `trainer-lint rules` lists them and `trainer-lint rule CODE` prints one",
        "rule's documentation in the terminal. Select or ignore rules by code or prefix with `--select`/`--ignore`",
        "or `[tool.trainer-lint]`, and silence one line with `# trainer-lint: ignore[CODE]`",
        "(see [integrations.md](integrations.md)). Fixable rules are marked with [*].",
        "",
    ]
    for prefix, title in FAMILIES:
        family = [r for r in rules if r.code.startswith(prefix)]
        if not family:
            continue
        out += [f"## {title} ({prefix}xx)", "", "| code | name | severity | summary |", "|---|---|---|---|"]
        for rule in family:
            fixable = " [*]" if rule.fixable else ""
            summary = rule.summary.replace("|", "\\|")
            out.append(f"| [{rule.code}](#{anchor(rule)}) | `{rule.name}` | {_severity(rule)} | {summary}{fixable} |")
        out.append("")
        for rule in family:
            out += [f"### {rule.code} {rule.name}", "", f"{rule.summary}. Severity: {_severity(rule)}.", "", _demote(doc(rule)), ""]
    others = [r for r in rules if not any(r.code.startswith(p) for p, _ in FAMILIES)]
    for rule in others:
        out += [f"### {rule.code} {rule.name}", "", f"{rule.summary}. Severity: {_severity(rule)}.", "", _demote(doc(rule)), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def main() -> None:
    """``python -m trainer_lint.docs``: print ``docs/rules.md``."""
    sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
