"""Inline suppression comments: ``# trainer-lint: ignore[...]`` and ``# trainer-lint: file-ignore[...]``.

Two forms, written as comments (TOML or YAML)::

    max_epochs = "10"   # trainer-lint: ignore[TL100]
    devices = 0         # trainer-lint: ignore[TL100, TL3]   codes or prefixes, comma-separated
    gpus = 2            # trainer-lint: ignore               every code on this line
    # trainer-lint: file-ignore[TL104]                       anywhere: the whole file

``ignore`` suppresses the diagnostics whose span *starts* on the comment's line (for a multi-line
array or inline table, the line where the value starts). ``file-ignore`` suppresses them in the
whole file; a bare ``file-ignore`` turns every rule off for the file. Codes are case-insensitive
and may be prefixes, as in ``--select``.

Mistakes in these comments are reported, so a suppression never fails silently:

* ``TL901`` (error): a code that names no rule, or a ``# trainer-lint:`` comment that is not one
  of the two forms;
* ``TL902`` (warning): a suppression that suppressed nothing (only for codes that are enabled
  for the file, so ``--select``/``--ignore``/``per-file-ignores`` never make one look unused).

Two more comments say where the file runs (``docs/targets.md``); the engine reads them before
the rules run (:func:`settings`)::

    # trainer-lint: target = gpu:1xV100          the machine this file is meant for
    # trainer-lint: launcher = jobs/train.sbatch  the script that launches it (relative to the file)

Only real comments count: the text ``# trainer-lint: ...`` inside a string is a value. This module
runs only for files whose text contains ``trainer-lint`` (:func:`apply`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trainer_lint.diagnostic import Diagnostic, Severity, Span

if TYPE_CHECKING:
    from trainer_lint.document import Document
    from trainer_lint.engine import Selection

INVALID_SUPPRESSION = "TL901"
UNUSED_SUPPRESSION = "TL902"
MARKER = "trainer-lint"
"""Files whose text lacks this string cannot hold a directive and skip this module entirely."""

# Strings first, so that a `#` inside a string is consumed with it; then comments.
_TOKEN = re.compile(
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"""(?:"{0,2})'
    r"|'''(?:[^']++|'(?!''))*+'''(?:'{0,2})"
    r'|"(?:[^"\\\n]|\\.)*+"'
    r"|'[^'\n]*+'"
    r"|#[^\n]*+",
    re.S,
)
_HEAD = re.compile(r"#\s*trainer-lint\s*:\s*", re.I)
_DIRECTIVE = re.compile(r"(?P<kind>file-ignore|ignore)(?=[\[\s]|$)(?:\[(?P<codes>[^\]]*)\])?", re.I)
_SETTING = re.compile(r"(?P<name>target|launcher)\s*=\s*(?P<value>\S.*?)\s*$", re.I)
_CODE = re.compile(r"[^\s,]+")


@dataclass
class Entry:
    """One code (or prefix) of a directive, or ``None`` for a bare directive, with where it is."""

    code: str | None
    span: Span
    used: bool = False


@dataclass
class Directive:
    """A parsed ``# trainer-lint:`` comment."""

    kind: str
    """``"ignore"`` (its line) or ``"file-ignore"`` (the whole file)."""
    line: int
    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Setting:
    """A ``# trainer-lint: target = ...`` or ``launcher = ...`` comment: the name, the value
    (quotes removed) and where the value is written."""

    name: str
    value: str
    span: Span


@dataclass
class Parsed:
    """The directives of a file, and the diagnostics about malformed ones (``TL901``)."""

    directives: list[Directive] = field(default_factory=list)
    invalid: list[Diagnostic] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    """``target``/``launcher`` comments, in file order."""


def comments(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, text)`` of every TOML comment in ``text`` (valid TOML, already parsed)."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.startswith("#"):
            yield match.start(), token.rstrip("\r")


def parse(text: str, path: str = "", found: Iterable[tuple[int, str]] | None = None) -> Parsed:
    """Find and parse every ``# trainer-lint:`` comment of ``text`` (TOML, unless ``found`` gives
    the comments: ``(offset, text)``, as :meth:`Document.comments` does for every format)."""
    from trainer_lint.rules import RULES_BY_CODE

    out = Parsed()
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def span(start: int, end: int) -> Span:
        line = bisect.bisect_right(starts, start)
        column = start - starts[line - 1] + 1
        return Span(line, column, line, column + (end - start))

    def invalid(start: int, end: int, message: str) -> None:
        out.invalid.append(Diagnostic(INVALID_SUPPRESSION, Severity.ERROR, (), message, path=path, span=span(start, end)))

    for offset, comment in comments(text) if found is None else found:
        if MARKER not in comment.lower():
            continue
        head = _HEAD.match(comment)
        if head is None:
            continue
        setting = _SETTING.match(comment, head.end())
        if setting is not None:
            value = setting.group("value")
            start = offset + setting.start("value")
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            out.settings.append(Setting(setting.group("name").lower(), value.strip(), span(start, offset + setting.end("value"))))
            continue
        match = _DIRECTIVE.match(comment, head.end())
        if match is None:
            invalid(
                offset,
                offset + len(comment),
                "malformed trainer-lint comment: write `# trainer-lint: ignore[CODE]`, `# trainer-lint: file-ignore[CODE]`, "
                "`# trainer-lint: target = MACHINE` or `# trainer-lint: launcher = SCRIPT`",
            )
            continue
        kind = match.group("kind").lower()
        line = span(offset, offset).line
        directive = Directive(kind, line)
        codes = match.group("codes")
        if codes is None:
            directive.entries.append(Entry(None, span(offset, offset + match.end())))
        else:
            base = offset + match.start("codes")
            found = list(_CODE.finditer(codes))
            if not found:
                invalid(offset, offset + match.end(), f"`{kind}[]` names no code; write `{kind}[CODE]`, or `{kind}` alone for every code")
                continue
            for item in found:
                code = item.group().upper()
                where = span(base + item.start(), base + item.end())
                if not any(known.startswith(code) for known in RULES_BY_CODE):
                    invalid(base + item.start(), base + item.end(), f"unknown rule code `{item.group()}` in suppression comment; `trainer-lint rules` lists them")
                    continue
                directive.entries.append(Entry(code, where))
        if directive.entries:
            out.directives.append(directive)
    return out


def _matches(entry: Entry, code: str) -> bool:
    return entry.code is None or code.startswith(entry.code)


def _suppress(diagnostic: Diagnostic, directives: list[Directive], *, line_level: bool = True) -> bool:
    """Whether a directive suppresses ``diagnostic``; marks every matching entry used."""
    suppressed = False
    line = diagnostic.span.line if diagnostic.span is not None else 0
    for directive in directives:
        if directive.kind == "ignore" and (not line_level or directive.line != line):
            continue
        for entry in directive.entries:
            if _matches(entry, diagnostic.code):
                entry.used = True
                suppressed = True
    return suppressed


def apply(diagnostics: list[Diagnostic], document: "Document", selection: "Selection", parsed: Parsed | None = None) -> list[Diagnostic]:
    """Drop suppressed diagnostics and add ``TL901``/``TL902`` for bad or unused suppressions
    (``parsed``: the file's comments, when the caller has read them already)."""
    if MARKER not in document.text.lower():
        return diagnostics
    if parsed is None:
        parsed = parse(document.text, document.path, document.comments())
    kept = [d for d in diagnostics if not _suppress(d, parsed.directives)]

    from trainer_lint.rules import RULES_BY_CODE

    # Diagnostics about suppressions answer to file-level directives only.
    files = [d for d in parsed.directives if d.kind == "file-ignore"]
    if selection.enabled(INVALID_SUPPRESSION):
        kept.extend(d for d in parsed.invalid if not _suppress(d, files, line_level=False))
    if not selection.enabled(UNUSED_SUPPRESSION):
        return kept
    unused: list[Diagnostic] = []
    for directive in parsed.directives:
        for entry in directive.entries:
            if entry.used:
                continue
            if entry.code is not None and not any(
                c.startswith(entry.code) and selection.enabled(c) for c in RULES_BY_CODE if c != UNUSED_SUPPRESSION
            ):
                continue  # the rules it names do not run on this file: nothing to suppress
            what = f" `{entry.code}`" if entry.code is not None else ""
            where = "this line" if directive.kind == "ignore" else "this file"
            message = f"unused suppression: no{what} diagnostic on {where}"
            unused.append(Diagnostic(UNUSED_SUPPRESSION, Severity.WARNING, (), message, path=document.path, span=entry.span))
    kept.extend(d for d in unused if not _suppress(d, files, line_level=False))
    return kept
