"""The ``trainer-lint`` command. Thin: it parses options, calls the library, prints what the
formatters make, and returns an exit code.

Exit codes (a public interface):

* 0: no errors (warnings and infos allowed, unless ``--strict``);
* 1: errors found (or warnings with ``--strict``);
* 2: usage error, or a path that cannot be used (missing, unreadable, not a regular file).

``run`` and ``check --run`` add 130 (interrupted) and use 1 for a run that failed too; see
``docs/running.md``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Optional

from trainer_lint import __version__

if TYPE_CHECKING:
    import typer
else:

    class _LazyTyper:
        """``typer``, imported on first attribute access: start-up must not pay for it (see
        :func:`main`). Annotations are strings (``from __future__ import annotations``), so
        ``typer.Option(...)`` in them runs only when typer itself reads the signatures."""

        def __getattr__(self, name: str) -> Any:
            import typer as module

            globals()["typer"] = module
            return getattr(module, name)

    typer = _LazyTyper()


class _App:
    """The typer app, built on first use. ``@app.command()`` records the command; anything else
    (calling it, ``CliRunner().invoke(app, ...)``, attribute access) builds the real
    ``typer.Typer`` with the same settings and commands and hands over to it."""

    def __init__(self, **settings: Any) -> None:
        self._settings = settings
        self._commands: list[tuple[tuple[Any, ...], dict[str, Any], Callable[..., Any]]] = []
        self._built: Any = None

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self._commands.append((args, kwargs, function))
            if self._built is not None:
                self._built.command(*args, **kwargs)(function)
            return function

        return register

    def typer(self) -> "typer.Typer":
        if self._built is None:
            import typer as module

            globals()["typer"] = module
            built = module.Typer(**self._settings)
            for args, kwargs, function in self._commands:
                built.command(*args, **kwargs)(function)
            self._built = built
        return self._built

    def __getattr__(self, name: str) -> Any:
        return getattr(self.typer(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.typer()(*args, **kwargs)


app: Any = _App(
    name="trainer-lint",
    help="Lint PyTorch Lightning Trainer configs (TOML, or LightningCLI's YAML) before anything runs.",
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
    output_format: Annotated[Optional[str], typer.Option("--format", help="Output format: text, full, json, github or sarif (default: text).")] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to run (comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to skip (comma-separated).")] = None,
    extend_select: Annotated[Optional[list[str]], typer.Option(help="Like --select, but added to the selection from the settings.")] = None,
    extend_ignore: Annotated[Optional[list[str]], typer.Option(help="Like --ignore, but added to the ignores from the settings.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="Glob of paths to skip when walking folders.")] = None,
    strict: Annotated[Optional[bool], typer.Option("--strict/--no-strict", help="Exit 1 on warnings too.")] = None,
    config: Annotated[Optional[str], typer.Option("--config", help="Read [tool.trainer-lint] from this file instead of the nearest pyproject.toml.")] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore every settings file.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also say which files were skipped.")] = False,
    color: Annotated[Optional[bool], typer.Option("--color/--no-color", help="Colour the text output (default: on a TTY).")] = None,
    run_clean: Annotated[bool, typer.Option("--run", help="If nothing fails, then train with each trainer config in turn (see `trainer-lint run`).")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes in place, then report what remains.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the fixes as a unified diff; write nothing (exit 1 if there are any).")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix/--diff, also apply fixes that may change meaning (did-you-mean keys and values).")] = False,
    source_root: Annotated[Optional[list[str]], typer.Option("--source-root", help="A folder searched for the modules a class_path names (repeatable; default: the project root and its src/).")] = None,
    cli_script: Annotated[Optional[str], typer.Option("--cli-script", help="The Python file holding the LightningCLI(...) call that reads these configs.")] = None,
    lightning_version: Annotated[Optional[str], typer.Option("--lightning-version", help="Check against this Lightning release (X.Y or X.Y.Z; default: the project's requirement, else the installed one, else the newest known).")] = None,
    lightning_package: Annotated[Optional[str], typer.Option("--lightning-package", help="Whose Trainer reads the configs: lightning or pytorch_lightning (default: lightning-package in the settings, else the package the --cli-script's LightningCLI comes from, else lightning).")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="The machine the configs are meant for: cpu, mps, gpu:<N>x<GPU>[,nodes=N] or local.")] = None,
    launcher: Annotated[Optional[str], typer.Option("--launcher", help="A launch script (sbatch job, torchrun/srun line) the configs run under.")] = None,
) -> None:
    """Lint trainer configs and report every problem with its position."""
    from trainer_lint import formatters, settings
    from trainer_lint.checker import check_paths

    overrides = settings.Overrides(
        select=_codes(select) if select is not None else None,
        extend_select=_codes(extend_select),
        ignore=_codes(ignore) if ignore is not None else None,
        extend_ignore=_codes(extend_ignore),
        exclude=tuple(exclude) if exclude is not None else None,
        strict=strict,
        format=output_format,
        source_roots=tuple(source_root) if source_root is not None else None,
        cli_script=cli_script,
        lightning_version=lightning_version,
        lightning_package=lightning_package,
        target=target,
        launcher=launcher,
    )
    try:
        resolved = settings.resolve(settings.discover(paths, config=config, isolated=isolated), overrides)
    except settings.SettingsError as error:
        _usage(str(error))
    options = resolved.options
    report = check_paths(paths or ["."], resolved.selection, resolved.exclude, per_file=resolved.selection_for, options=options)
    if fix or diff:
        from trainer_lint import fixer

        fixed = fixer.fix_report(report, resolved.selection_for, unsafe=unsafe_fixes, write=not diff, options=options)
    for problem in report.problems:
        _echo_err(f"trainer-lint: {problem.path}: {problem.message}")
    if diff:
        sys.stdout.write("".join(f.diff() for f in fixed))
        changed = [f for f in fixed if f.changed]
        _echo_err(f"Would fix {report.fixed} problem{'' if report.fixed == 1 else 's'} in {len(changed)} file{'' if len(changed) == 1 else 's'}.")
        raise SystemExit(2 if report.problems else 1 if changed else report.exit_code(resolved.strict))
    sys.stdout.write(formatters.render(report, resolved.format, color=_color(color)))
    if verbose:
        _echo_err(f"{report.files_checked} checked, {report.files_skipped} skipped (no [trainer] table).")
    code = report.exit_code(resolved.strict)
    if run_clean:
        from trainer_lint import launch

        configs = [r.path for r in report.results if not r.skipped]
        forward = _forward(select, ignore, extend_select, extend_ignore, strict) + (
            ["--config", str(resolved.source)] if resolved.source else ["--isolated"]
        )
        forward += _forward_options(options, overrides)
        code = launch.run_checked(code, configs, forward, machine_output=resolved.format != "text")
    raise SystemExit(code)  # as typer.Exit(code) does, without importing typer


def _forward(select, ignore, extend_select, extend_ignore, strict) -> list[str]:  # type: ignore[no-untyped-def]
    """The lint options of ``check`` that ``check --run`` hands on to each ``run``."""
    out: list[str] = []
    for flag, values in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select), ("--extend-ignore", extend_ignore)):
        for value in values or ():
            out += [flag, value]
    if strict is not None:
        out.append("--strict" if strict else "--no-strict")
    return out


def _forward_options(options: Any, overrides: Any) -> list[str]:
    """The knowledge options given on ``check``'s command line, for each ``run`` of ``check --run``
    (those from the settings file reach ``run`` through ``--config``)."""
    out: list[str] = []
    for root in overrides.source_roots or ():
        out += ["--source-root", os.path.abspath(root)]
    if overrides.cli_script is not None:
        out += ["--cli-script", str(options.cli_script)]
    if overrides.lightning_version is not None:
        out += ["--lightning-version", overrides.lightning_version]
    if overrides.lightning_package is not None:
        out += ["--lightning-package", overrides.lightning_package]
    return out


@app.command()
def run(
    config_path: Annotated[str, typer.Argument(metavar="CONFIG", help="The trainer config (TOML) to train with.")],
    stage: Annotated[str, typer.Option(help="Trainer method to call: fit, validate, test or predict.")] = "fit",
    sets: Annotated[Optional[list[str]], typer.Option("--set", metavar="KEY=VALUE", help="Override a value before linting, e.g. trainer.max_epochs=3. VALUE is read as TOML, else as a bare string. Repeatable.")] = None,
    fast_dev_run: Annotated[bool, typer.Option("--fast-dev-run", help="Shorthand for --set trainer.fast_dev_run=true.")] = False,
    print_config: Annotated[bool, typer.Option("--print-config", help="Print the merged, linted config as TOML and exit.")] = False,
    select: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to run (comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="Rule codes or prefixes to skip (comma-separated).")] = None,
    extend_select: Annotated[Optional[list[str]], typer.Option(help="Like --select, but added to the selection from the settings.")] = None,
    extend_ignore: Annotated[Optional[list[str]], typer.Option(help="Like --ignore, but added to the ignores from the settings.")] = None,
    strict: Annotated[Optional[bool], typer.Option("--strict/--no-strict", help="Do not run on lint warnings either.")] = None,
    config: Annotated[Optional[str], typer.Option("--config", help="Read [tool.trainer-lint] from this file instead of the nearest pyproject.toml.")] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore every settings file.")] = False,
    color: Annotated[Optional[bool], typer.Option("--color/--no-color", help="Colour the lint output (default: on a TTY).")] = None,
    source_root: Annotated[Optional[list[str]], typer.Option("--source-root", help="A folder searched for the modules a class_path names (repeatable).")] = None,
    cli_script: Annotated[Optional[str], typer.Option("--cli-script", help="The Python file holding the LightningCLI(...) call that reads this config.")] = None,
    lightning_version: Annotated[Optional[str], typer.Option("--lightning-version", help="Lint against this Lightning release (default: the installed one).")] = None,
    lightning_package: Annotated[Optional[str], typer.Option("--lightning-package", help="Build the Trainer of this package: lightning or pytorch_lightning (default: as for check).")] = None,
) -> None:
    """Lint a trainer config, then build the Lightning Trainer from it and train (or validate, test, predict).

    Exit codes: 0 done; 1 lint errors or a failed run; 2 usage or I/O error; 130 interrupted.
    """
    from trainer_lint import launch, settings

    overrides = settings.Overrides(
        select=_codes(select) if select is not None else None,
        extend_select=_codes(extend_select),
        ignore=_codes(ignore) if ignore is not None else None,
        extend_ignore=_codes(extend_ignore),
        strict=strict,
        source_roots=tuple(source_root) if source_root is not None else None,
        cli_script=cli_script,
        lightning_version=lightning_version,
        lightning_package=lightning_package,
    )
    try:
        resolved = settings.resolve(settings.discover([config_path], config=config, isolated=isolated), overrides)
    except settings.SettingsError as error:
        _usage(str(error))
    code = launch.run(
        config_path,
        stage=stage,
        sets=sets or (),
        fast_dev_run=fast_dev_run,
        print_config=print_config,
        selection=resolved.selection_for(config_path),
        strict=resolved.strict,
        color=_color(color),
        options=resolved.options,
    )
    raise typer.Exit(code)


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option(help="Write one schema here ('-' for stdout): the editor schema, or with --for yaml the YAML one (default: schemas/trainer.schema.json, the packaged copy check reads, and schemas/trainer.yaml.schema.json).")] = None,
    check_only: Annotated[bool, typer.Option("--check", help="Exit 1 if a committed schema is stale; write nothing.")] = False,
    for_format: Annotated[Optional[str], typer.Option("--for", help="toml (Tombi, Taplo) or yaml (the YAML language server: null where the Trainer takes None); default: both.")] = None,
    lightning_version: Annotated[Optional[str], typer.Option("--lightning-version", help="Write the schema of this Lightning release (X.Y or X.Y.Z) instead of the newest one's: schemas/trainer-lightning-<release>.schema.json (or .yaml.schema.json with --for yaml), or --output.")] = None,
) -> None:
    """Generate the JSON Schema of a config file from the model (for editors: Tombi and Taplo for TOML, the YAML language server for YAML)."""
    from trainer_lint import schema as schema_module

    if for_format not in (None, "toml", "yaml"):
        _usage(f"--for must be toml or yaml, not {for_format!r}")
    root = Path.cwd()
    if lightning_version is not None:
        if check_only:
            _usage("--check compares the committed schemas (the newest release's); it takes no --lightning-version")
        from trainer_lint.lightning import releases

        try:
            found = releases.lookup(lightning_version)
        except ValueError:
            _usage(f"--lightning-version: {lightning_version!r} is not a Lightning release number (X.Y or X.Y.Z, e.g. 2.4 or 2.4.0)")
        if not found.exact:
            _echo_err(f"trainer-lint: Lightning {lightning_version} is not a release trainer-lint knows; writing the schema of {found.release.version}")
        text = schema_module.render_release(found.release, for_format or "toml")
        target = output if output is not None else root / schema_module.release_schema_path(found.release.version, for_format or "toml")
        if str(target) == "-":
            sys.stdout.write(text)
            return
        schema_module.write([target], text)
        typer.echo(f"wrote {target}", err=True)
        return
    if for_format not in (None, "toml", "yaml"):
        _usage(f"--for must be toml or yaml, not {for_format!r}")
    root = Path.cwd()
    texts = schema_module.renders(root, for_format)
    if check_only:
        stale = schema_module.stale_paths(root, texts)
        for path in stale:
            typer.echo(f"trainer-lint: {path} is stale; run `trainer-lint schema` to regenerate it", err=True)
        raise typer.Exit(1 if stale else 0)
    if output is not None:
        chosen = texts[root / (schema_module.REPO_YAML_SCHEMA if for_format == "yaml" else schema_module.REPO_SCHEMA)]
        if str(output) == "-":
            sys.stdout.write(chosen)
            return
        schema_module.write([output], chosen)
        typer.echo(f"wrote {output}", err=True)
        return
    for path, text in texts.items():
        schema_module.write([path], text)
        typer.echo(f"wrote {path}", err=True)


@app.command()
def convert(
    source: Annotated[str, typer.Argument(metavar="IN", help="The trainer config to convert: .yaml/.yml (to TOML) or .toml (to YAML).")],
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="OUT", help="Write the result here (default: stdout). Its suffix must be the other format's.")] = None,
    drop_default_nulls: Annotated[bool, typer.Option("--drop-default-nulls", help="YAML to TOML: leave out `key: null` where null is the default (as --print_config writes them) instead of refusing.")] = False,
) -> None:
    """Convert a trainer config between YAML (LightningCLI) and TOML, keeping comments.

    Exit codes: 0 converted; 1 the file cannot be read or holds a value the other format cannot
    say (such as a null other than check_val_every_n_epoch's); 2 usage or I/O error.
    """
    from trainer_lint import formats
    from trainer_lint.checker import _reason
    from trainer_lint.document import DocumentError, decode, read_bytes
    from trainer_lint.formats.convert import ConvertError, convert as convert_text

    source_format = formats.format_of(source)
    target_format = "toml" if source_format == "yaml" else "yaml"
    if output is not None and output != "-":
        if formats.format_of(output) != target_format or (target_format == "toml" and not output.lower().endswith(".toml")):
            _usage(f"{output}: converting {source_format.upper()} writes {target_format.upper()}; name the output *.{'toml' if target_format == 'toml' else 'yaml'}")
        if os.path.exists(output) and os.path.samefile(output, source):
            _usage(f"{output}: the output must not be the input")
    try:
        text = decode(read_bytes(source), source)
    except DocumentError as error:
        _echo_err(f"trainer-lint: {source}: {error.message}")
        raise SystemExit(1)
    except OSError as error:
        _echo_err(f"trainer-lint: {source}: {_reason(error)}")
        raise SystemExit(2)
    try:
        converted = convert_text(text, source_format, source, drop_default_nulls=drop_default_nulls)
    except ConvertError as error:
        where = f":{error.line}" if error.line else ""
        _echo_err(f"trainer-lint: {source}{where}: {error.message}")
        raise SystemExit(1)
    except ImportError:
        _echo_err(f"trainer-lint: {source}: converting YAML needs PyYAML, which is not installed: pip install 'trainer-lint[yaml]'")
        raise SystemExit(2)
    if output is None or output == "-":
        sys.stdout.write(converted.text)
        return
    from trainer_lint.fileio import atomic_write_text

    try:
        atomic_write_text(output, converted.text)
    except OSError as error:
        _echo_err(f"trainer-lint: {output}: {_reason(error)}")
        raise SystemExit(2)
    _echo_err(f"wrote {output}")


@app.command()
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/rules.md (every rule's documentation) instead.")] = False,
) -> None:
    """List every rule: code, name, default severity and summary."""
    from trainer_lint import docs

    sys.stdout.write(docs.markdown() if markdown else docs.table())


@app.command()
def rule(code: Annotated[str, typer.Argument(help="A rule code (TL103) or name (unknown-key).")]) -> None:
    """Explain one rule: what it does, why it is bad, an example, the fix, the Lightning source."""
    from trainer_lint import docs

    found = docs.find(code)
    if found is None:
        _usage(f"unknown rule {code!r}; `trainer-lint rules` lists them")
    sys.stdout.write(docs.explain(found))


@app.command()
def server() -> None:
    """Run the language server for editors (LSP over stdin/stdout): diagnostics from every rule,
    fixes as code actions, completion, hover and go to definition. Needs the `lsp` extra."""
    from trainer_lint.server import main as serve

    raise SystemExit(serve())


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"trainer-lint {__version__}")


def _usage(message: str) -> None:
    _echo_err(f"trainer-lint: error: {message}")
    raise SystemExit(2)


def _echo_err(message: str) -> None:
    """``typer.echo(message, err=True)`` for plain text, without importing typer."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def main() -> None:
    """Console-script entry point: a simple ``check`` takes :mod:`trainer_lint.fastpath`,
    everything else the typer app."""
    from trainer_lint import fastpath

    if fastpath.dispatch(sys.argv[1:], {"check": check, "server": server}):
        return
    app()
