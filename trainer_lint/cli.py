"""The ``trainer-lint`` command. Thin: it parses options, calls the library, prints what the
formatters make, and returns an exit code.

Exit codes (a public interface):

* 0: no errors (warnings and infos allowed, unless ``--strict``);
* 1: errors found (or warnings with ``--strict``);
* 2: usage error, or a path that cannot be used (missing, unreadable, not a regular file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from trainer_lint import __version__

app = typer.Typer(
    name="trainer-lint",
    help="Lint PyTorch Lightning Trainer configs written in TOML, before anything runs.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _codes(values: Optional[list[str]]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return tuple(out)


def _color(choice: Optional[bool]) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@app.command()
def check(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files or folders to lint (default: .).")] = None,
    output_format: Annotated[str, typer.Option("--format", help="Output format: text or json.")] = "text",
    select: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to run (comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to skip (comma-separated).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="Glob of paths to skip when walking folders.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also say which files were skipped.")] = False,
    color: Annotated[Optional[bool], typer.Option("--color/--no-color", help="Colour the text output (default: on a TTY).")] = None,
) -> None:
    """Lint trainer configs and report every problem with its position."""
    from trainer_lint import formatters
    from trainer_lint.checker import check_paths
    from trainer_lint.engine import Selection

    if output_format not in formatters.FORMATS:
        _usage(f"unknown format {output_format!r}; choose from {', '.join(formatters.FORMATS)}")
    selection = Selection(select=_codes(select) or ("TL",), ignore=_codes(ignore))
    unknown = selection.unknown()
    if unknown:
        _usage(f"unknown rule code(s): {', '.join(unknown)}; `trainer-lint rules` lists them")
    report = check_paths(paths or ["."], selection, tuple(exclude or ()))
    for problem in report.problems:
        typer.echo(f"trainer-lint: {problem.path}: {problem.message}", err=True)
    sys.stdout.write(formatters.render(report, output_format, color=_color(color)))
    if verbose:
        typer.echo(f"{report.files_checked} checked, {report.files_skipped} skipped (no [trainer] table).", err=True)
    raise typer.Exit(report.exit_code(strict))


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option(help="Write the schema here (default: schemas/trainer.schema.json and the packaged copy).")] = None,
    check_only: Annotated[bool, typer.Option("--check", help="Exit 1 if the committed schema is stale; write nothing.")] = False,
) -> None:
    """Generate the JSON Schema of a config file from the model (for editors, via Taplo)."""
    from trainer_lint import schema as schema_module

    text = schema_module.render()
    root = Path.cwd()
    if check_only:
        stale = schema_module.stale_paths(root, text)
        for path in stale:
            typer.echo(f"trainer-lint: {path} is stale; run `trainer-lint schema` to regenerate it", err=True)
        raise typer.Exit(1 if stale else 0)
    if output is not None and str(output) == "-":
        sys.stdout.write(text)
        return
    targets = [output] if output is not None else [root / schema_module.REPO_SCHEMA, schema_module.PACKAGED_SCHEMA]
    schema_module.write(targets, text)
    for path in targets:
        typer.echo(f"wrote {path}", err=True)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"trainer-lint {__version__}")


def _usage(message: str) -> None:
    typer.echo(f"trainer-lint: error: {message}", err=True)
    raise typer.Exit(2)


def main() -> None:
    """Console-script entry point."""
    app()
