"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning (``github/codeql-action/upload-sarif``).

One run whose ``tool.driver.rules`` is the whole rule catalogue (id, name, descriptions, help in
Markdown, default level), and one result per diagnostic with its rule, level, message and
location. Locations are URIs relative to the current folder (run trainer-lint from the repository
root), with forward slashes and ``uriBaseId`` ``%SRCROOT%``; regions are 1-based with an exclusive
``endColumn``, counted in Unicode code points (``columnKind``). ``error``, ``warning`` and ``info``
become the levels ``error``, ``warning`` and ``note``. A diagnostic's notes at other places (a
launch script's line) are its ``relatedLocations``; the target machine is in the run's
``properties.target`` (and ``properties.targets``) and each result's ``properties.target``. The
run's ``properties.lightning`` says which Lightning release(s) the files were checked against (as
``--format json``'s ``lightning``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trainer_lint import __version__
from trainer_lint.diagnostic import Diagnostic, Severity, Span

if TYPE_CHECKING:
    from trainer_lint.checker import Report
    from trainer_lint.rules.base import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/trainer-lint/trainer-lint"
RULES_DOC_URI = INFORMATION_URI + "/blob/main/docs/rules.md"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"


def rule_descriptor(rule: "type[Rule]") -> dict[str, Any]:
    """A rule as a SARIF ``reportingDescriptor``."""
    from trainer_lint import docs

    what = docs.section(rule, "What it does") or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(what.split())},
        "help": {"text": docs.doc(rule), "markdown": docs.doc(rule)},
        "helpUri": f"{RULES_DOC_URI}#{docs.anchor(rule)}",
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def artifact_uri(path: str) -> tuple[str, bool]:
    """``(uri, relative)``: ``path`` relative to the current folder when possible, URI-escaped."""
    try:
        rel = os.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive
        rel = None
    if rel is None or os.path.isabs(rel):
        from pathlib import Path

        return Path(os.path.abspath(path)).as_uri(), False
    return quote(rel.replace(os.sep, "/"), safe="/"), True


def physical_location(path: str, span: "Span | None") -> dict[str, Any]:
    """A SARIF ``physicalLocation`` for ``path`` at ``span``."""
    uri, relative = artifact_uri(path)
    location: dict[str, Any] = {"uri": uri}
    if relative:
        location["uriBaseId"] = SRCROOT
    physical: dict[str, Any] = {"artifactLocation": location}
    if span is not None:
        physical["region"] = {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
    return physical


def result(d: Diagnostic, index: dict[str, int], target: str | None = None) -> dict[str, Any]:
    """A diagnostic as a SARIF ``result``."""
    out: dict[str, Any] = {"ruleId": d.code}
    if d.code in index:
        out["ruleIndex"] = index[d.code]
    out["level"] = LEVELS[d.severity]
    out["message"] = {"text": d.message}
    out["locations"] = [{"physicalLocation": physical_location(d.path, d.span)}]
    if d.related:
        out["relatedLocations"] = [
            {"id": i, "physicalLocation": physical_location(r.path, r.span), "message": {"text": r.message}}
            for i, r in enumerate(d.related)
        ]
    properties: dict[str, Any] = {}
    if d.dotted_key:
        properties["key"] = d.dotted_key
    if target is not None:
        properties["target"] = target
    if properties:
        out["properties"] = properties
    return out


def log(report: "Report", rules: "Sequence[type[Rule]] | None" = None) -> dict[str, Any]:
    """The SARIF log object; ``rules`` defaults to the whole catalogue."""
    if rules is None:
        from trainer_lint.rules import RULES as rules
    index = {rule.code: i for i, rule in enumerate(rules)}
    targets = report.targets() if hasattr(report, "targets") else []
    spellings = report.target_spellings() if targets else {}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "trainer-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule) for rule in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [result(d, index, spellings.get(d.path)) for d in report.diagnostics],
    }
    if targets:
        run["properties"] = {"targets": [{**machine.as_dict(), "files": count} for machine, count in targets]}
        if len(targets) == 1 and targets[0][1] == report.files_checked:
            run["properties"]["target"] = targets[0][0].as_dict()
    from trainer_lint.formatters import lightning_entries

    used = lightning_entries(report)
    if used:
        run.setdefault("properties", {})["lightning"] = used
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: "Report", *, color: bool = False, rules: "Sequence[type[Rule]] | None" = None) -> str:
    """The whole report as one SARIF document (``color`` is ignored)."""
    return json.dumps(log(report, rules), indent=2, ensure_ascii=False) + "\n"
