"""Read a shell script the way ``sbatch`` and ``bash`` would, far enough to find what launches
training: ``#SBATCH`` directives, variable assignments and simple commands, each word with its
position (for notes that point at the script's line).

Not a shell: it knows words, quotes, ``\\`` line continuations, comments, ``;``/``&&``/``||``/``|``/``&``
separators, here-documents (skipped) and ``$NAME``/``${NAME}``/``${NAME:-default}`` expansion.
Control flow is read straight through: a command inside ``if``, ``for`` or a function counts as a
command of the script. ``sbatch`` reads ``#SBATCH`` lines only up to the first command, and so
does this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from trainer_lint.diagnostic import Span

_SEPARATORS = ("&&", "||", ";;", ";", "|", "&")
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in", "{", "}", "!", "function", "select", "time"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-=?+])?(?P<default>[^}]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Word:
    """One shell word: its text after quote removal (variables not yet expanded) and where it is."""

    text: str
    span: Span
    raw: str
    """The word as written (quotes kept), for deciding whether ``$`` was quoted away."""

    @property
    def expandable(self) -> bool:
        """Whether the word holds a ``$`` expansion that is not inside single quotes."""
        return "$" in self.raw and not (self.raw.startswith("'") and self.raw.endswith("'"))


@dataclass(frozen=True)
class Command:
    """A simple command: leading ``NAME=value`` words, then the command words."""

    assignments: tuple[Word, ...]
    words: tuple[Word, ...]
    line: int


@dataclass(frozen=True)
class Directive:
    """An ``#SBATCH`` option: ``--nodes=2`` -> (``"nodes"``, ``"2"``); ``-N 2`` -> (``"N"``, ``"2"``)."""

    name: str
    value: Optional[str]
    span: Span
    text: str
    """The option as written (``--nodes=2``)."""


@dataclass
class Script:
    """What a launch script says."""

    path: str
    text: str
    directives: list[Directive] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    variables: dict[str, tuple[str, Span]] = field(default_factory=dict)
    """``NAME=value`` and ``export NAME=value`` assignments, the last one of each name."""
    unset: set[str] = field(default_factory=set)
    """Variables whose value the script computes (``$(...)``, arithmetic): open."""
    lines: list[str] = field(default_factory=list)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""


def read(path: str, text: str) -> Script:
    """Parse ``text`` (the script at ``path``)."""
    script = Script(path, text, lines=text.splitlines())
    in_preamble = True
    heredoc: Optional[str] = None
    for first_line, logical, offsets in _logical_lines(text):
        if heredoc is not None:
            if logical.strip() == heredoc:
                heredoc = None
            continue
        stripped = logical.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if in_preamble and re.match(r"#SBATCH\b", stripped):
                start = logical.index("#SBATCH") + len("#SBATCH")
                script.directives.extend(_directives(logical, start, offsets))
            continue
        in_preamble = False
        here = _HEREDOC.search(logical)
        if here is not None:
            heredoc = here.group(2)
            logical = logical[: here.start()]
        for words in _split_commands(logical, offsets):
            command = _command(words, first_line)
            if command is None:
                continue
            _record(script, command)
            if command.words:
                script.commands.append(command)
    return script


def _logical_lines(text: str) -> list[tuple[int, str, list[tuple[int, int]]]]:
    """Join ``\\``-continued lines. For each logical line: its first line number, its text and,
    per character, the (line, column) it came from."""
    out: list[tuple[int, str, list[tuple[int, int]]]] = []
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    first = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if not chars:
            first = number
        line = line.rstrip("\r")
        continued = line.endswith("\\") and not line.endswith("\\\\") and not line.lstrip().startswith("#")
        body = line[:-1] if continued else line
        chars.extend(body)
        where.extend((number, column) for column in range(1, len(body) + 1))
        if continued:
            continue
        out.append((first, "".join(chars), where + [(number, len(body) + 1)]))
        chars, where = [], []
    if chars:
        out.append((first, "".join(chars), where + [where[-1]]))
    return out


def _span(offsets: list[tuple[int, int]], start: int, end: int) -> Span:
    line, column = offsets[min(start, len(offsets) - 1)]
    end_line, end_column = offsets[min(max(end - 1, start), len(offsets) - 1)]
    return Span(line, column, end_line, end_column + 1)


def _words(text: str, offsets: list[tuple[int, int]], start: int = 0, *, stop_at_comment: bool = True) -> list[tuple[str, str, Span] | str]:
    """Tokenize ``text[start:]``: words as ``(text, raw, span)``, separators as plain strings."""
    out: list[tuple[str, str, Span] | str] = []
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == "#" and stop_at_comment:
            break
        separator = next((s for s in _SEPARATORS if text.startswith(s, i)), None)
        if separator is not None:
            out.append(separator)
            i += len(separator)
            continue
        begin, value = i, []
        while i < n and text[i] not in " \t;&|":
            c = text[i]
            if c == "'":
                close = text.find("'", i + 1)
                close = n if close < 0 else close
                value.append(text[i + 1 : close])
                i = close + 1
            elif c == '"':
                i += 1
                while i < n and text[i] != '"':
                    if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\$`':
                        i += 1
                    value.append(text[i])
                    i += 1
                i += 1
            elif c == "\\" and i + 1 < n:
                value.append(text[i + 1])
                i += 2
            elif c == "$" and text.startswith("$(", i):
                depth, j = 0, i
                while j < n:
                    if text[j] == "(":
                        depth += 1
                    elif text[j] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                value.append(text[i : j + 1])
                i = j + 1
            else:
                value.append(c)
                i += 1
        out.append(("".join(value), text[begin:i], _span(offsets, begin, i)))
    return out


def _directives(text: str, start: int, offsets: list[tuple[int, int]]) -> list[Directive]:
    words = [Word(w[0], w[2], w[1]) for w in _words(text, offsets, start) if not isinstance(w, str)]
    return [Directive(name, value, span, written) for name, value, span, written, _ in options(words)]


def options(words: list[Word] | tuple[Word, ...], *, value_options: frozenset[str] | None = None, short_value_options: frozenset[str] | None = None, stop_at_program: bool = False) -> list[tuple[str, Optional[str], Span, str, int]]:
    """Read ``sbatch``/``srun``-style options from ``words``: ``(name, value, span, as written,
    index of the next word)`` each. ``--x=v``, ``--x v`` (for options that take a value), ``-N2``,
    ``-N 2``. With ``stop_at_program``, reading stops at the first word that is not an option
    (the program ``srun`` runs)."""
    value_options = VALUE_OPTIONS if value_options is None else value_options
    short_value_options = SHORT_VALUE_OPTIONS if short_value_options is None else short_value_options
    out: list[tuple[str, Optional[str], Span, str, int]] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        text, span, written = word.text, word.span, word.raw
        name: Optional[str] = None
        value: Optional[str] = None
        if text == "--":
            break
        if text.startswith("--") and len(text) > 2:
            name, eq, rest = text[2:].partition("=")
            value = rest if eq else None
            if not eq and name in value_options and i < len(words):
                value, span, written = words[i].text, _join(span, words[i].span), f"{written} {words[i].raw}"
                i += 1
        elif text.startswith("-") and len(text) >= 2 and text[1] != "-":
            name, value = text[1], text[2:] or None
            if value is not None and value.startswith("="):
                value = value[1:]
            if value is None and name in short_value_options and i < len(words):
                value, span, written = words[i].text, _join(span, words[i].span), f"{written} {words[i].raw}"
                i += 1
        elif stop_at_program:
            return out + [("", None, span, written, i - 1)]
        if name:
            out.append((name, value, span, written, i))
    return out


def _join(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


def _split_commands(text: str, offsets: list[tuple[int, int]]) -> list[list[tuple[str, str, Span]]]:
    commands: list[list[tuple[str, str, Span]]] = [[]]
    for token in _words(text, offsets):
        if isinstance(token, str):
            commands.append([])
        else:
            commands[-1].append(token)
    return [c for c in commands if c]


def _command(words: list[tuple[str, str, Span]], line: int) -> Optional[Command]:
    items = [Word(text, span, raw) for text, raw, span in words]
    while items and items[0].text in _KEYWORDS:
        items = items[1:]
    assignments: list[Word] = []
    while items and _ASSIGNMENT.match(items[0].raw):
        assignments.append(items[0])
        items = items[1:]
    if not items and not assignments:
        return None
    return Command(tuple(assignments), tuple(items), items[0].span.line if items else line)


def _record(script: Script, command: Command) -> None:
    """Remember assignments: bare ``NAME=value`` words and ``export``/``declare``/``local`` ones."""
    assigned = list(command.assignments) if not command.words else []
    if command.words and command.words[0].text in ("export", "declare", "local", "readonly", "typeset"):
        assigned = [w for w in command.words[1:] if _ASSIGNMENT.match(w.raw)]
    for word in assigned:
        name, _, value = word.text.partition("=")
        if "$(" in value or "$((" in value or "`" in word.raw:
            script.unset.add(name)
            script.variables.pop(name, None)
            continue
        script.unset.discard(name)
        script.variables[name] = (value, word.span)


def expand(text: str, lookup) -> Optional[str]:  # type: ignore[no-untyped-def]
    """``text`` with ``$NAME``/``${NAME}``/``${NAME:-default}`` replaced through ``lookup(name)``
    (None: unknown); None when a variable stays unknown or a command substitution remains."""
    if "$(" in text or "`" in text:
        return None
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group("braced") or match.group("bare")
        value = lookup(name)
        op = match.group("op")
        if op in (":-", "-", ":=", "="):
            if value is None or (op.startswith(":") and value == ""):
                value = match.group("default")
        elif op is not None:
            missing = True
            return ""
        if value is None:
            missing = True
            return ""
        return value

    out = _VARIABLE.sub(replace, text)
    return None if missing else out


VALUE_OPTIONS = frozenset(
    {
        "nodes", "ntasks", "ntasks-per-node", "tasks-per-node", "ntasks-per-gpu", "cpus-per-task", "cpus-per-gpu",
        "gpus", "gpus-per-node", "gpus-per-task", "gres", "job-name", "partition", "time", "account", "mem",
        "mem-per-cpu", "mem-per-gpu", "output", "error", "input", "chdir", "distribution", "constraint", "nodelist",
        "exclude", "export", "cpu-bind", "gpu-bind", "mpi", "qos", "reservation", "signal", "array", "dependency",
        "mail-type", "mail-user", "begin", "comment", "container", "container-image", "container-mounts",
        "container-workdir", "container-name", "environment", "hint", "licenses", "network", "nice", "open-mode",
        "priority", "profile", "propagate", "switches", "time-min", "tmp", "wckey", "cluster", "clusters", "mem-bind",
        "threads-per-core", "cores-per-socket", "sockets-per-node", "ntasks-per-core", "ntasks-per-socket",
        "gpu-freq", "cpu-freq", "het-group", "task-epilog", "task-prolog", "epilog", "prolog", "uid", "gid",
        "jobid", "wait", "relative", "resv-ports", "slurmd-debug", "accel-bind", "bcast", "compress", "tres-per-task",
    }
)  # fmt: skip
"""Long ``sbatch``/``srun`` options that take a value (``--nodes 2`` as well as ``--nodes=2``)."""

SHORT_VALUE_OPTIONS = frozenset("ABCDFGJLMNSTabcdeimnopqrtwx")
"""Short ``sbatch``/``srun`` options that take a value."""
