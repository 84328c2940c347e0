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
    )
    try:
        resolved = settings.resolve(settings.discover(paths, config=config, isolated=isolated), overrides)
    except settings.SettingsError as error:
        _usage(str(error))
    report = check_paths(paths or ["."], resolved.selection, resolved.exclude, per_file=resolved.selection_for)
    if fix or diff:
        from trainer_lint import fixer

        fixed = fixer.fix_report(report, resolved.selection_for, unsafe=unsafe_fixes, write=not diff)
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
    )
    raise typer.Exit(code)


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


# ----------------------------------------------------------------------------- the fast path

_FAST_COMMANDS = ("check",)
_FAST_KWARGS = frozenset({"help", "metavar", "show_default"})


class _Decl:
    """What ``typer.Option(...)``/``typer.Argument(...)`` say, recorded without typer."""

    def __init__(self, kind: str, decls: tuple[str, ...], kwargs: dict[str, Any]) -> None:
        self.kind, self.decls, self.kwargs = kind, decls, kwargs


class _RecordingTyper:
    @staticmethod
    def Option(*decls: str, **kwargs: Any) -> _Decl:  # noqa: N802 - typer's name
        return _Decl("option", decls, kwargs)

    @staticmethod
    def Argument(*decls: str, **kwargs: Any) -> _Decl:  # noqa: N802
        return _Decl("argument", decls, kwargs)


def _shape(hint: Any) -> str | None:
    """``"bool"``, ``"str"`` or ``"list"`` for the types the fast path parses; None otherwise."""
    args = [a for a in getattr(hint, "__args__", ()) if a is not type(None)]
    if getattr(hint, "__origin__", None) is not list and len(args) == 1 and type(None) in hint.__args__:
        hint = args[0]  # Optional[X]
    if hint is bool or hint is str:
        return hint.__name__
    if getattr(hint, "__origin__", None) is list and getattr(hint, "__args__", None) == (str,):
        return "list"
    return None


def _fast_parser(function: Callable[..., Any]) -> tuple[dict[str, tuple[str, str, Any]], str | None, dict[str, Any]] | None:
    """Derive a parser from the command's own signature: ``{token: (parameter, action, value)}``,
    the parameter that takes positional arguments, and the defaults. None when a parameter uses
    something the fast path does not parse exactly as typer does (then typer always runs)."""
    code = function.__code__
    names = code.co_varnames[: code.co_argcount]
    defaults = dict(zip(names[len(names) - len(function.__defaults__ or ()) :], function.__defaults__ or ()))
    namespace = dict(function.__globals__, typer=_RecordingTyper)
    flags: dict[str, tuple[str, str, Any]] = {}
    positional = None
    for name in names:
        hint = eval(function.__annotations__[name], namespace)  # noqa: S307 - our own source
        metadata = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, _Decl)]
        if len(metadata) != 1 or set(metadata[0].kwargs) - _FAST_KWARGS or name not in defaults:
            return None
        decl, shape = metadata[0], _shape(hint.__origin__)
        if decl.kind == "argument":
            if shape != "list" or positional is not None or decl.decls:
                return None
            positional = name
            continue
        decls = decl.decls or ("--" + name.replace("_", "-"),)
        if shape == "bool":
            if not decl.decls:
                return None  # typer makes --x/--no-x here; not worth mirroring
            for item in decls:
                on, _, off = item.partition("/")
                flags[on.strip()] = (name, "store", True)
                if off:
                    flags[off.strip()] = (name, "store", False)
        elif shape in ("str", "list"):
            if any("/" in item for item in decls):
                return None
            for item in decls:
                flags[item] = (name, "append" if shape == "list" else "value", None)
        else:
            return None
    return flags, positional, defaults


def _fast_parse(function: Callable[..., Any], args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments for ``function`` from ``args``, or None unless they are simple: known
    flags, values that do not start with ``-``, positional paths that do not start with ``-``."""
    parser = _fast_parser(function)
    if parser is None:
        return None
    flags, positional, defaults = parser
    kwargs = dict(defaults)
    given: dict[str, list[str]] = {}
    index = 0
    while index < len(args):
        token = args[index]
        index += 1
        if not token.startswith("-") and token:
            if positional is None:
                return None
            given.setdefault(positional, []).append(token)
            continue
        name_value = token.split("=", 1) if token.startswith("--") and "=" in token else [token]
        entry = flags.get(name_value[0])
        if entry is None:
            return None  # --help, --, unknown or combined flags: typer decides
        name, action, value = entry
        if action == "store":
            if len(name_value) == 2:
                return None
            kwargs[name] = value
            continue
        if len(name_value) == 2:
            value = name_value[1]
        elif index < len(args) and not args[index].startswith("-"):
            value, index = args[index], index + 1
        else:
            return None
        if action == "append":
            given.setdefault(name, []).append(value)
        else:
            kwargs[name] = value
    kwargs.update(given)
    return kwargs


def _fast(argv: list[str]) -> bool:
    """Run ``argv`` without building the typer app when it is a simple call of a fast command.
    Returns False (having done nothing) when typer must handle it."""
    if not argv or argv[0] not in _FAST_COMMANDS:
        return False
    function = globals()[argv[0]]
    kwargs = _fast_parse(function, argv[1:])
    if kwargs is None:
        return False
    try:
        function(**kwargs)
    except KeyboardInterrupt:  # what click's standalone mode does
        sys.stderr.write("\nAborted!\n")
        raise SystemExit(1) from None
    except Exception as error:
        exit_type = getattr(sys.modules.get("typer"), "Exit", None)
        if exit_type is not None and isinstance(error, exit_type):
            raise SystemExit(error.exit_code) from None
        raise
    raise SystemExit(0)


def main() -> None:
    """Console-script entry point.

    Start-up is the cost users feel most (pre-commit runs ``check`` on every commit), and
    building the typer app costs more than linting a file: typer imports click and, for its
    parameter conversion, pydantic. So a simple ``check`` call takes a fast path:

    * the options are defined once, in ``check``'s own typer signature; :func:`_fast_parser`
      reads that signature (the annotation strings, evaluated with a recording stand-in for
      ``typer.Option``/``typer.Argument``), so a new option is parsed by both paths at once;
    * the fast path parses only what it can parse exactly as click does (known flags, bool
      flags and ``--x/--no-x`` pairs, ``str`` and repeatable ``list[str]`` options with a value,
      positional paths); anything else (``--help``, ``--``, a value or path starting with ``-``,
      an unknown flag, an option type or setting it does not mirror) goes to typer unchanged;
    * both paths then call the same ``check`` function, which exits with ``SystemExit`` and
      writes with ``sys.stdout``/``sys.stderr`` rather than typer's helpers.

    ``tests/test_imports.py`` runs the same argv through both paths and compares output and
    exit codes, and checks that a fast ``check`` imports neither typer nor pydantic.
    """
    if _fast(sys.argv[1:]):
        return
    app()
