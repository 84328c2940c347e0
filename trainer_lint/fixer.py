"""``check --fix`` and ``--diff``: apply the :class:`~trainer_lint.diagnostic.Fix` es rules propose.

Rules describe edits as key paths (:class:`~trainer_lint.diagnostic.Edit`); this module turns
them into string offsets with :meth:`Document.offsets_of <trainer_lint.document.Document.offsets_of>`
and splices the new TOML text in, keeping every other character: comments, key order, blank
lines, quoting style, line endings (CRLF stays CRLF) and a UTF-8 BOM. YAML files go through
their own editor (:mod:`trainer_lint.formats.yaml_editor`), under the same contract.

The contract, tested in ``tests/test_fix.py`` and ``tests/test_fuzz.py``:

* only safe fixes unless ``unsafe=True`` (``--unsafe-fixes``);
* edits that overlap, or that would leave a file that no longer parses, are not applied;
* the text is linted again after each pass, until nothing is left to fix (at most
  :data:`MAX_PASSES` passes), so a second ``--fix`` changes nothing;
* files are written atomically (:func:`trainer_lint.fileio.atomic_write_bytes`), and not at
  all if they changed on disk while being fixed.

Imported only when ``--fix`` or ``--diff`` is used.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath
from trainer_lint import formats
from trainer_lint.document import Document, DocumentError, decode, read_bytes
from trainer_lint.engine import ALL, FileResult, Selection, document_error, lint_document
from trainer_lint.options import DEFAULT, Options
from trainer_lint.files import PathProblem

if TYPE_CHECKING:
    from trainer_lint.checker import Report

MAX_PASSES = 4
"""Lint-and-fix passes per file; a fix that enables another fix is applied on the next pass."""

__all__ = ["MAX_PASSES", "FileFix", "fix_report", "fix_file", "fix_text", "text_edits", "unified_diff"]


# ------------------------------------------------------------------------------- text


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str


_DOTTED_PREFIX = re.compile(r"""(?:(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*\.[ \t]*)*\Z""")
_LINE_TAIL = re.compile(r"[ \t]*(?:#[^\n]*)?\Z")
_PLAIN_BASIC = re.compile(r'"[^"\\\'\x00-\x1f\x7f]*"\Z')
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _applies(d: Diagnostic, unsafe: bool) -> bool:
    return d.fix is not None and bool(d.fix.edits) and (d.fix.safe or unsafe)


def _value_at(data: Any, key: KeyPath) -> Any:
    for part in key:
        data = data[part]
    return data


def _newline(text: str, at: int) -> str:
    """The line ending of the line holding offset ``at`` (else the file's first, else LF)."""
    end = text.find("\n", at)
    if end < 0:
        end = text.find("\n")
    return "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"


def _locate(document: Document, edit: Edit) -> _Splice | None:
    """Where ``edit`` goes in ``document.text``, or ``None`` when it cannot be applied safely."""
    if document.format == "yaml":
        from trainer_lint.formats import yaml_editor

        found = yaml_editor.locate(document, edit)
        return _Splice(*found) if found is not None else None
    text, key = document.text, tuple(edit.key)
    try:
        value = _value_at(document.data, key)
    except (KeyError, IndexError, TypeError):
        return None
    if edit.part == "key":
        if not key or isinstance(key[-1], int) or not _BARE_KEY.match(edit.text):
            return None
        where = document.offsets_of(key, part="key")
        if where is None:
            return None
        start, end = where
        quote = text[start]
        new = edit.text
        if quote in "\"'":  # keep the quoting style: "old_name" -> "new_name"
            new = quote + new + quote
        return _Splice(start, end, new)
    where = document.offsets_of(key, part="value")
    if where is None:
        return None
    start, end = where
    if isinstance(value, dict) and text[start] != "{":
        return None  # a [table] header: its "value" is the header's key text
    if isinstance(value, list) and text[start] != "[":
        return None  # an [[array of tables]]
    if edit.part == "value":
        new = edit.text
        old = text[start:end]
        if old.startswith("'") and not old.startswith("'''") and _PLAIN_BASIC.match(new):
            new = "'" + new[1:-1] + "'"  # keep the quoting style: '16' -> '16-mixed'
        return _Splice(start, end, new)
    if edit.part != "line":
        return None
    # The whole `key = value` entry, which must have its line to itself (not in an inline table).
    where = document.offsets_of(key, part="key")
    if where is None or isinstance(key[-1], int):
        return None
    key_start = where[0]
    line_start = text.rfind("\n", 0, key_start) + 1
    head = text[line_start:key_start]
    indent = head[: len(head) - len(head.lstrip(" \t"))]
    prefix = head[len(indent) :]  # `trainer.` in `trainer.gpus = 2`
    line_end = text.find("\n", end)
    tail = text[end : len(text) if line_end < 0 else line_end]
    if not _DOTTED_PREFIX.match(prefix) or not _LINE_TAIL.match(tail.removesuffix("\r")):
        return None
    newline = _newline(text, key_start)
    lines = edit.text.split("\n")
    if not lines or not all(line.strip() for line in lines):
        return None
    new = (newline + indent).join(prefix + line for line in lines)
    return _Splice(line_start + len(indent), end, new)


def _plan(document: Document, fixes: Iterable[Fix]) -> list[list[_Splice]]:
    """The fixes that can be applied together: each as its splices; no two overlap."""
    taken: list[_Splice] = []
    plans: list[list[_Splice]] = []
    for fix in fixes:
        splices = [_locate(document, edit) for edit in fix.edits]
        if any(s is None for s in splices):
            continue
        ready = [s for s in splices if s is not None]
        if any(a.start < b.end and b.start < a.end for i, a in enumerate(ready) for b in (*ready[i + 1 :], *taken)):
            continue
        taken.extend(ready)
        plans.append(ready)
    return plans


def _splice(text: str, splices: Iterable[_Splice]) -> str:
    """Apply non-overlapping splices from the end, so earlier offsets stay valid."""
    for s in sorted(splices, key=lambda s: s.start, reverse=True):
        text = text[: s.start] + s.text + text[s.end :]
    return text


def _apply(document: Document, fixes: list[Fix]) -> tuple[str, int]:
    """Apply what can be applied of ``fixes``; return the new text and how many were applied.

    The result always parses: if the fixes together break the file (two renames to the same
    key), they are tried one by one, and only those that keep it valid are applied."""
    plans = _plan(document, fixes)
    if not plans:
        return document.text, 0

    def parses(text: str) -> bool:
        return formats.parses(text, document.path)

    text = _splice(document.text, [s for plan in plans for s in plan])
    if parses(text):
        return text, len(plans)
    good = [plan for plan in plans if parses(_splice(document.text, plan))]
    if not good:
        return document.text, 0
    text = _splice(document.text, [s for plan in good for s in plan])
    if parses(text):
        return text, len(good)
    return _splice(document.text, good[0]), 1


def text_edits(document: Document, fix: Fix) -> list[tuple[int, int, str]] | None:
    """The edits that apply ``fix`` alone to ``document.text``, as ``(start, end, new text)``
    offsets into the text, or None when it cannot be applied (it overlaps itself, or the result
    would not parse). For editors, which apply one fix at a time."""
    plans = _plan(document, [fix])
    if len(plans) != 1:
        return None
    splices = plans[0]
    if not formats.parses(_splice(document.text, splices), document.path):
        return None
    return [(s.start, s.end, s.text) for s in sorted(splices, key=lambda s: s.start)]


def fix_text(
    text: str, path: str = "<string>", selection: Selection = ALL, *, unsafe: bool = False, options: Options = DEFAULT
) -> tuple[str, int, FileResult]:
    """Fix ``text`` until nothing fixable is left; return the new text, how many fixes were
    applied, and the lint result of the new text (what remains). Never raises for any text."""
    fixed = 0
    for _ in range(MAX_PASSES + 1):
        try:
            document = formats.parse(text, path)
        except DocumentError as error:
            return text, fixed, FileResult(path, document_error(error, path, selection))
        except formats.FormatUnavailable as error:
            return text, fixed, FileResult(path, document_error(DocumentError("TL001", str(error), None, path), path, selection))
        result = lint_document(document, selection, options)
        fixes = [d.fix for d in result.diagnostics if d.fix is not None and _applies(d, unsafe)]
        if not fixes or _ == MAX_PASSES:
            return text, fixed, result
        fixed_text, applied = _apply(document, fixes)
        if not applied:  # the text as given (the parsed document's has lost a leading BOM)
            return text, fixed, result
        text = fixed_text
        fixed += applied
    raise AssertionError("unreachable")  # pragma: no cover


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of ``before`` -> ``after`` (``patch -p0`` applies it)."""
    out: list[str] = []
    for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), path, path):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# ------------------------------------------------------------------------------ files


@dataclass
class FileFix:
    """What fixing one file did: the lint ``result`` after fixing, the number of fixes
    applied, and the text before and after (equal when nothing changed)."""

    path: str
    result: FileResult
    fixed: int = 0
    before: str = ""
    after: str = ""

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """The change as a unified diff ("" when nothing changed)."""
        return unified_diff(self.path, self.before, self.after) if self.changed else ""


def fix_file(
    path: str, selection: Selection = ALL, *, unsafe: bool = False, write: bool = True, options: Options = DEFAULT
) -> FileFix | PathProblem:
    """Fix the file at ``path`` and, with ``write``, replace it atomically. I/O problems become
    a :class:`PathProblem` (the file is then left as it was), never an exception."""
    from trainer_lint.checker import _reason

    try:
        raw = read_bytes(path)
        text = decode(raw, path)
    except DocumentError as error:
        return FileFix(path, FileResult(path, document_error(error, path, selection)))
    except OSError as error:
        return PathProblem(path, _reason(error))
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    after, fixed, result = fix_text(text, path, selection, unsafe=unsafe, options=options)
    outcome = FileFix(path, result, fixed, text, after)
    if write and outcome.changed:
        try:
            if read_bytes(path) != raw:
                return PathProblem(path, "changed on disk while being fixed; not written")
            from trainer_lint.fileio import atomic_write_bytes

            atomic_write_bytes(os.path.realpath(path), bom + after.encode("utf-8"))  # through a symlink
        except DocumentError:
            return PathProblem(path, "changed on disk while being fixed; not written")
        except OSError as error:
            return PathProblem(path, f"could not write the fixed file: {_reason(error)}")
    return outcome


def fix_report(
    report: "Report",
    selection_for: Callable[[str], Selection] | None = None,
    *,
    unsafe: bool = False,
    write: bool = True,
    options: Options = DEFAULT,
) -> list[FileFix]:
    """Fix every file of ``report`` that has an applicable fix, in place: its result becomes
    the lint result after fixing, ``report.fixed`` counts the fixes, and files that could not
    be fixed become problems. Returns what was done per file (for ``--diff``)."""
    done: list[FileFix] = []
    results: list[FileResult] = []
    for result in report.results:
        if not any(_applies(d, unsafe) for d in result.diagnostics):
            results.append(result)
            continue
        selection = selection_for(result.path) if selection_for is not None else ALL
        # the file's own options: a launch script named on the command line is its launcher
        outcome = fix_file(result.path, selection, unsafe=unsafe, write=write, options=result.options or options)
        if isinstance(outcome, PathProblem):
            report.problems.append(outcome)
            results.append(result)
            continue
        done.append(outcome)
        results.append(outcome.result)
        report.fixed += outcome.fixed
    report.results = results
    return done
