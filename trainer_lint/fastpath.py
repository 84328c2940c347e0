"""The fast path of the command line: run a simple ``trainer-lint check`` without typer.

Start-up is the cost users feel most (pre-commit runs ``check`` on every commit), and building
the typer app costs more than linting a file: typer imports click and, for its parameter
conversion, pydantic. So :func:`trainer_lint.cli.main` first offers the arguments to
:func:`dispatch`:

* the options are defined once, in the command's own typer signature; :func:`parser_for` reads
  that signature (the annotation strings, evaluated with a recording stand-in for
  ``typer.Option``/``typer.Argument``), so a new option is parsed by both paths at once;
* the fast path parses only what it can parse exactly as click does (known flags, bool flags
  and ``--x/--no-x`` pairs, ``str`` and repeatable ``list[str]`` options with a value,
  positional paths); anything else (``--help``, ``--``, a value or path starting with ``-``, an
  unknown flag, an option type or setting it does not mirror) goes to typer unchanged;
* both paths then call the same command function, which exits with ``SystemExit`` and writes
  with ``sys.stdout``/``sys.stderr`` rather than typer's helpers.

``tests/test_imports.py`` runs the same argv through both paths and compares output and exit
codes, and checks that a fast ``check`` imports neither typer nor pydantic.
"""

from __future__ import annotations

import sys
from typing import Any, Callable


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


def parser_for(function: Callable[..., Any]) -> tuple[dict[str, tuple[str, str, Any]], str | None, dict[str, Any]] | None:
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


def parse(function: Callable[..., Any], args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments for ``function`` from ``args``, or None unless they are simple: known
    flags, values that do not start with ``-``, positional paths that do not start with ``-``."""
    parser = parser_for(function)
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


def dispatch(argv: list[str], commands: dict[str, Callable[..., Any]]) -> bool:
    """Run ``argv`` without building the typer app when it is a simple call of one of
    ``commands`` (name -> typer command function). Returns False (having done nothing) when
    typer must handle it."""
    if not argv or argv[0] not in commands:
        return False
    function = commands[argv[0]]
    kwargs = parse(function, argv[1:])
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
