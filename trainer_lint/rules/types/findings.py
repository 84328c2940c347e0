"""The schema findings of a file, computed once (:func:`type_findings`), and the base of the rules
that report them by code (:class:`SchemaRule`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import islice

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, closest, show
from trainer_lint.rules.types.walker import INVALID_CHOICE, MAX_FINDINGS, RELEASE_VALUE, UNKNOWN_KEY, Walker, diag


def type_findings(ctx: Context) -> list[Diagnostic]:
    """All schema findings for the file, computed once and shared by the TL1xx rules."""
    def walk() -> list[Diagnostic]:
        walker = Walker(ctx.schema, ctx.lightning, ctx.lightning_label)
        found = _objects_accepted(ctx, list(islice(walker.walk(ctx.data, ctx.schema, ()), MAX_FINDINGS)))
        found = [_release_value(ctx, d) if d.code == INVALID_CHOICE else d for d in found]
        return [t for t in (_top_level(ctx, d) if d.code == UNKNOWN_KEY and len(d.key) == 1 else d for d in found) if t is not None]

    return ctx.cached("type_findings", walk)


def _release_value(ctx: Context, d: Diagnostic) -> Diagnostic:
    """An invalid choice that another known release takes names that release (TL107)."""
    if len(d.key) != 2 or d.key[0] != "trainer" or d.key[1] not in ctx.trainer:
        return d
    name, value = d.key[1], ctx.trainer[d.key[1]]
    release = ctx.lightning
    since = release.value_since(name, value)
    if since is not None:
        message = f"`{name} = {show(value)}` needs Lightning >= {since}; this project uses {ctx.lightning_label}"
        return diag(RELEASE_VALUE, d.key, message)
    until = release.value_until(name, value)
    if until is not None:
        message = f"`{name} = {show(value)}` was removed after Lightning {until}; this project uses {ctx.lightning_label}"
        return diag(RELEASE_VALUE, d.key, message)
    return d


UNDECLARED_TOP_LEVEL = "TL524"


def _top_level(ctx: Context, d: Diagnostic) -> Diagnostic | None:
    """An unknown top-level key, judged by what the project's LightningCLI adds: None when the CLI
    script adds it; an info (TL524) when it cannot be known whether it does; else ``d``.

    Without a CLI script, a YAML (LightningCLI) config's unknown top-level key is an info unless
    it is close to a known key; in TOML, trainer-lint's own format, it stays an error."""
    name = d.key[0]
    cli = ctx.project.cli() if ctx.options.cli_script is not None else None
    if cli is not None and cli.known:
        if name in cli.added_keys:
            return None
        if cli.added_keys_unknown is None:  # the script's parser declares every key it adds, and not this one
            close = closest(name, tuple(sorted(cli.added_keys)), 0.75) if d.fix is None else None
            return replace(d, message=f"{d.message}; did you mean `{close[0]}` (added by the CLI script)?") if close else d
        why = cli.added_keys_unknown
    elif d.fix is not None or ctx.reader != "yaml":
        return d
    else:
        why = "a LightningCLI subclass may add it in `add_arguments_to_parser`"
    message = (
        f"`{name}` at the top level is not a key plain LightningCLI reads, and {why}; "
        + ("pass the CLI script (`--cli-script`) to check it" if cli is None or not cli.known else "it was not checked")
    )
    return Diagnostic(UNDECLARED_TOP_LEVEL, Severity.INFO, d.key, message, anchor="key")


def _objects_accepted(ctx: Context, found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` less what LightningCLI accepts beyond the schema: ``profiler = "SimpleProfiler"``,
    a class name given as a string where the profiler's type tries the class before ``str``."""
    for index, d in enumerate(found):
        if d.code == INVALID_CHOICE and d.key == ("trainer", "profiler"):
            value = ctx.trainer.get("profiler")
            if isinstance(value, str) and _names_profiler_class(ctx, value):
                return found[:index] + found[index + 1 :]
            if isinstance(value, str) and value != value.lower():  # reads as a class name: never rewritten to another
                return [*found[:index], replace(d, fix=None), *found[index + 1 :]]
    return found


def _names_profiler_class(ctx: Context, name: str) -> bool:
    if ctx.lightning.classes.resolve(name, "profiler") is not None:
        return True
    return ctx.resolve(name, "profiler").resolved


def _findings_by_code(ctx: Context) -> dict[str, list[Diagnostic]]:
    """:func:`type_findings` grouped by code, in order (one pass shared by the rules below)."""
    by_code: dict[str, list[Diagnostic]] = {}
    for d in type_findings(ctx):
        by_code.setdefault(d.code, []).append(d)
    return by_code



class SchemaRule(Rule):
    """Report the schema walk's findings that carry this rule's code."""

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ctx.cached("type_findings_by_code", lambda: _findings_by_code(ctx)).get(self.code, ())

