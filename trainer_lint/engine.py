"""Run the rule catalogue over parsed documents. No I/O: callers hand in text or a Document.

:func:`lint_text` is the library's front door; the format follows from the path (``.yaml`` and
``.yml`` are read as LightningCLI reads YAML, anything else as TOML)::

    from trainer_lint.engine import lint_text
    result = lint_text(open("cfg.yaml").read(), "cfg.yaml")
    for diagnostic in result.diagnostics: ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Severity, Span
from trainer_lint.document import Document, DocumentError, nesting_error
from trainer_lint.options import DEFAULT, Options
from trainer_lint.rules import RULES, RULES_BY_CODE
from trainer_lint.rules.base import Context, Rule


@dataclass(frozen=True)
class Selection:
    """Which rule codes run. Entries are codes or prefixes (``TL1`` means every ``TL1xx``), as in
    ruff: the longest matching entry decides, and ``ignore`` wins a tie."""

    select: tuple[str, ...] = ("TL",)
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        """Whether the rule ``code`` runs under this selection."""
        best_select = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        best_ignore = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def unknown(self) -> list[str]:
        """Entries that match no rule code (reported to the user as mistakes)."""
        codes = RULES_BY_CODE.keys()
        return [p for p in (*self.select, *self.ignore) if not any(c.startswith(p) for c in codes)]


ALL = Selection()


@dataclass
class FileResult:
    """The outcome of linting one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: bool = False
    """True when the file parsed but has no ``trainer`` table: it is not a trainer config."""
    document: Document | None = None
    lightning: Any = None
    """The Lightning release(s) the file was checked against and why
    (:class:`trainer_lint.lightning.selection.Choice`); None for files not linted."""
    options: Options | None = None
    """The options the file was linted with (the run's, or changed by its own comments)."""


def lint_text(text: str, path: str = "<string>", selection: Selection = ALL, options: Options = DEFAULT) -> FileResult:
    """Parse ``text`` in the format ``path`` names (:mod:`trainer_lint.formats`) and lint it.
    Syntax errors become a TL001 diagnostic, never an exception; so does a YAML trainer config
    when PyYAML is not installed."""
    from trainer_lint import formats

    try:
        document = formats.parse(text, path)
    except DocumentError as error:
        return FileResult(path, document_error(error, path, selection))
    except formats.FormatUnavailable as error:
        return FileResult(path, document_error(DocumentError("TL001", str(error), None, path), path, selection))
    return lint_document(document, selection, options)


def document_error(error: DocumentError, path: str, selection: Selection = ALL) -> list[Diagnostic]:
    """The diagnostic for a file that cannot be read as TOML or YAML text."""
    if not selection.enabled(error.code):
        return []
    span = error.span or Span(1, 1, 1, 1)
    return [Diagnostic(error.code, Severity.ERROR, (), error.message, path=path, span=span)]


CLASS_TABLES = ("model", "data")
"""Top-level keys whose ``class_path`` table marks a LightningCLI config without a ``trainer`` key."""


def is_trainer_config(data: dict[str, Any]) -> bool:
    """A file is a trainer config (a LightningCLI config) when it has a ``trainer`` key at the top
    level, or a ``model`` or ``data`` table naming its class with ``class_path``: LightningCLI
    projects often split one run over several ``--config`` files (``trainer.yaml``,
    ``model.yaml``, ...), and the model's and data module's arguments are what users get wrong."""
    if "trainer" in data:
        return True
    return any(isinstance(data.get(key), dict) and "class_path" in data[key] for key in CLASS_TABLES)


def lint_document(document: Document, selection: Selection = ALL, options: Options = DEFAULT) -> FileResult:
    """Lint a parsed document; positions are computed only for files that have findings."""
    if not is_trainer_config(document.data):
        return FileResult(document.path, skipped=True, document=document)
    too_deep = nesting_error(document)  # rules recurse: refuse what could exhaust the stack
    if too_deep is not None:
        return FileResult(document.path, document_error(too_deep, document.path, selection), document=document)
    comments = None
    from_comments: list[Diagnostic] = []
    if "trainer-lint" in document.text.lower():  # `# trainer-lint: ...` comments
        from trainer_lint import suppression

        comments = suppression.parse(document.text, document.path, document.comments())
        if comments.settings:
            options, from_comments = comment_options(comments.settings, options, document.path, selection)
    found = lint_data(document.data, selection, options=options, path=document.path, reader=document.format)
    if document.unresolved:  # values a YAML interpolation fills in: unknown, not wrong
        found = [d for d in found if not _within(d.key, document.unresolved)]
    placed = [d.at(document.path, document.span_of(d.key, part=d.anchor)) for d in found]
    if document.format == "yaml" and placed:  # rules speak TOML (`key = value`): say it in YAML
        from dataclasses import replace

        from trainer_lint.formats.yaml_writer import words

        placed = [replace(d, message=words(d.message)) for d in placed]
    placed += from_comments
    if document.findings:  # what the reader found (YAML-only problems), already placed
        placed.extend(d for d in document.findings if selection.enabled(d.code))
    if comments is not None:
        placed = suppression.apply(placed, document, selection, comments)
    placed.sort(key=_order)
    from trainer_lint.lightning.selection import choose

    return FileResult(document.path, placed, document=document, options=options, lightning=choose(options, document.path))


def comment_options(settings: list[Any], options: Options, path: str, selection: Selection) -> tuple[Options, list[Diagnostic]]:
    """Apply ``# trainer-lint: target = ...`` / ``launcher = ...`` comments to ``options`` (they
    win over ``--target``, ``target`` and ``per-file-target``); a comment that cannot be used is
    a diagnostic (TL379, TL429) and changes nothing."""
    import os
    from dataclasses import replace

    problems: list[Diagnostic] = []
    for setting in settings:
        if setting.name == "target":
            from trainer_lint.target import TargetError, check

            try:
                check(setting.value)
            except TargetError as error:
                if selection.enabled("TL379"):
                    problems.append(Diagnostic("TL379", Severity.ERROR, (), f"`# trainer-lint: target`: {error}", path=path, span=setting.span))
                continue
            options = replace(options, target=setting.value, per_file_target=())
        else:
            from trainer_lint.launchers import LaunchError, load

            script = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), os.path.expanduser(setting.value)))
            try:
                load(script)
            except LaunchError as error:
                if selection.enabled("TL429"):
                    problems.append(Diagnostic("TL429", Severity.ERROR, (), f"`# trainer-lint: launcher`: {error}", path=path, span=setting.span))
                continue
            options = replace(options, launcher=script)
    return options, problems


def lint_data(
    data: dict[str, Any],
    selection: Selection = ALL,
    *,
    gated: bool = True,
    options: Options = DEFAULT,
    path: str | None = None,
    reader: str = "toml",
) -> list[Diagnostic]:
    """Run every selected rule over parsed TOML data. Diagnostics carry key paths, no positions.

    ``options`` is what the run knows beyond the file (see :mod:`trainer_lint.options`); ``path``
    is the file the data came from, when there is one (knowledge such as the nearest project file
    is looked up from it); ``reader`` is who reads the config (``"yaml"``: LightningCLI, see
    :attr:`Context.reader <trainer_lint.rules.base.Context.reader>`).

    A rule whose :attr:`~trainer_lint.rules.base.Rule.triggers` are all absent from the file is
    skipped (it could not report); ``gated=False`` runs it anyway (the gating test compares both).
    """
    from trainer_lint.lightning.selection import choose

    choice = choose(options, path)
    runs = [_lint_release(data, selection, gated, options, path, reader, choice, release) for release in choice.releases]
    return runs[0] if len(runs) == 1 else _merge_range(runs, choice)


def _lint_release(
    data: dict[str, Any],
    selection: Selection,
    gated: bool,
    options: Options,
    path: str | None,
    reader: str,
    choice: Any,
    release: Any,
) -> list[Diagnostic]:
    """One pass of the rules with ``release`` as the Lightning the file is checked against."""
    ctx = Context(data, release.schema, options=options, path=path, reader=reader, lightning=release, choice=choice)
    rules = _with_knowledge(_enabled_rules(selection), options)
    if gated:
        always, by_key = _gates(rules)
        picked = set(always)
        for name in ctx.present_keys:
            hit = by_key.get(name)
            if hit is not None:
                picked.update(hit)
        rules = tuple(rules[i] for i in sorted(picked))  # catalogue order, as ungated
    found: list[Diagnostic] = []
    seen: set[tuple[str, Any, str]] = set()
    for rule in rules:
        for diagnostic in rule.check(ctx):
            ident = (diagnostic.code, diagnostic.key, diagnostic.message)
            if ident not in seen:
                seen.add(ident)
                found.append(diagnostic)
    return found


def _merge_range(runs: list[list[Diagnostic]], choice: Any) -> list[Diagnostic]:
    """Combine the passes over both ends of a version range: an error stands only where every
    end has it (the newest end's wording); an error of one end only becomes a warning that names
    that end. Warnings and infos of either end are kept once."""
    from dataclasses import replace

    error_keys = [{(d.code, d.key) for d in run if d.severity is Severity.ERROR} for run in runs]
    everywhere = set.intersection(*error_keys)
    out: list[Diagnostic] = []
    seen: set[tuple[str, Any, str]] = set()
    newest = len(runs) - 1
    for index in [newest, *range(newest)]:
        for d in runs[index]:
            if d.severity is Severity.ERROR:
                if (d.code, d.key) in everywhere:
                    if index != newest:
                        continue
                else:
                    d = replace(
                        d,
                        severity=Severity.WARNING,
                        message=f"{d.message} (an error with Lightning {choice.releases[index].version}, "
                        f"which {choice.requested} allows; not with {_others(choice, index)})",
                    )
            ident = (d.code, d.key, d.message)
            if ident not in seen:
                seen.add(ident)
                out.append(d)
    return out


def _others(choice: Any, index: int) -> str:
    return " or ".join(r.version for i, r in enumerate(choice.releases) if i != index)


_ENABLED: dict[Selection, tuple[Rule, ...]] = {}


def _enabled_rules(selection: Selection) -> tuple[Rule, ...]:
    """The rules ``selection`` enables, in catalogue order, one instance each (rules keep no
    state): worked out once per selection, not once per file (selections are frozen, so equal
    ones share the answer)."""
    try:
        return _ENABLED[selection]
    except KeyError:
        pass
    except TypeError:  # an unhashable selection-like object
        return tuple(rule() for rule in RULES if selection.enabled(rule.code))
    if len(_ENABLED) > 256:
        _ENABLED.clear()
    enabled = _ENABLED[selection] = tuple(rule() for rule in RULES if selection.enabled(rule.code))
    return enabled


_KNOWN: dict[tuple[int, bool, bool], tuple[tuple[Rule, ...], tuple[Rule, ...]]] = {}


def _with_knowledge(rules: tuple[Rule, ...], options: Options) -> tuple[Rule, ...]:
    """``rules`` less those whose :attr:`~trainer_lint.rules.base.Rule.requires` the options
    cannot give (the target and launch rules of a run without a target or launch script)."""
    launcher = options.launcher is not None
    machine = launcher or options.target is not None or bool(options.per_file_target)
    if launcher and machine:
        return rules
    key = (id(rules), launcher, machine)
    hit = _KNOWN.get(key)
    if hit is None or hit[0] is not rules:
        kept = tuple(r for r in rules if r.requires is None or (r.requires == "machine" and machine))
        if len(_KNOWN) > 256:
            _KNOWN.clear()
        hit = _KNOWN[key] = (rules, kept)
    return hit[1]


_GATES: dict[int, tuple[tuple[Rule, ...], tuple[int, ...], dict[str, tuple[int, ...]]]] = {}


def _gates(rules: tuple[Rule, ...]) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """For a rule tuple: the positions of the rules that always run, and for each trigger key
    the positions of the rules it wakes (worked out once per tuple)."""
    hit = _GATES.get(id(rules))
    if hit is None or hit[0] is not rules:
        by_key: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            for name in rule.triggers or ():
                by_key.setdefault(name, []).append(i)
        always = tuple(i for i, rule in enumerate(rules) if rule.triggers is None)
        if len(_GATES) > 256:
            _GATES.clear()
        hit = _GATES[id(rules)] = (rules, always, {k: tuple(v) for k, v in by_key.items()})
    return hit[1], hit[2]


def _within(key: Any, paths: frozenset[Any]) -> bool:
    key = tuple(key)
    return any(key[: len(p)] == p for p in paths)


def _order(d: Diagnostic) -> tuple[int, int, str]:
    span = d.span or Span(0, 0, 0, 0)
    return (span.line, span.column, d.code)
