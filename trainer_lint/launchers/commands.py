"""Recognising the command of a launch script that starts training: ``srun [options]``,
``torchrun``/``python -m torch.distributed.run``, ``python SCRIPT``, ``python -m MODULE`` and
``trainer-lint run``, behind ``exec``, ``env``, ``uv run``, ``conda run``, ``singularity exec`` and
the like; and the TOML config it names (``trainer-lint run CONFIG``, ``--config CONFIG``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Optional

from trainer_lint.diagnostic import Span
from trainer_lint.launchers.script import Command, Script, Word, expand, options
from trainer_lint.launchers.values import Source

ALIASES = {
    "N": "nodes",
    "n": "ntasks",
    "J": "job-name",
    "G": "gpus",
    "tasks-per-node": "ntasks-per-node",
    "nproc_per_node": "nproc-per-node",
    "node_rank": "node-rank",
}
"""Short and alternative spellings, mapped to one name."""

_PYTHON = re.compile(r"python(\d+(\.\d+)*)?$")
_PYTHON_FLAGS_WITH_VALUE = frozenset({"-X", "-W", "-Q"})
_TORCHRUN_FLAGS = frozenset({"standalone", "module", "no-python", "no_python", "run-path", "run_path", "m"})
_RUN_OPTIONS_WITH_VALUE = frozenset(
    {"--stage", "--set", "--select", "--ignore", "--extend-select", "--extend-ignore", "--config", "--source-root", "--cli-script", "--lightning-version"}
)

Options = dict[str, tuple[Optional[str], Source]]
"""Options of a command, by canonical name: the value (None for a flag) and where it is written."""


@dataclass(frozen=True)
class Step:
    """A command of the script that starts training."""

    command: Command
    source: Source
    """The whole command, for notes."""
    srun: Optional[Options]
    """``srun``'s options, when the command runs under ``srun``."""
    torchrun: Optional[Options]
    """``torchrun``'s (or ``python -m torch.distributed.run``'s) options, when it runs under it."""
    runner: str
    """``"python"`` (a script or module) or ``"trainer-lint"`` (``trainer-lint run``)."""
    config: Optional[Source]
    """The TOML config the command names (``trainer-lint run CFG``, ``--config CFG``), if any."""
    environment: dict[str, str] = field(default_factory=dict)
    """``NAME=value`` words in front of the command."""


def read_steps(path: str, script: Script) -> list[Step]:
    """The commands of ``script`` that start training."""
    return [step for command in script.commands if (step := _step(path, command, script)) is not None]


def _source(path: str, words: tuple[Word, ...] | list[Word], text: Optional[str] = None) -> Source:
    first, last = words[0].span, words[-1].span
    span = Span(first.line, first.column, last.end_line, last.end_column) if first.line == last.end_line else first
    return Source(path, span, text if text is not None else " ".join(w.raw for w in words))


def _step(path: str, command: Command, script: Script) -> Optional[Step]:
    environment = {w.text.partition("=")[0]: w.text.partition("=")[2] for w in command.assignments}

    def lookup(name: str) -> Optional[str]:
        if name in environment:
            return environment[name]
        return script.variables[name][0] if name in script.variables else None

    words = _strip_prefixes(list(command.words), environment)
    srun: Optional[Options] = None
    torchrun: Optional[Options] = None
    if words and os.path.basename(words[0].text) == "srun":
        srun, words = _srun(path, words[1:])
        words = _strip_prefixes(words, environment)
    if not words:
        return None
    name = os.path.basename(words[0].text)
    if name == "torchrun":
        torchrun, words = _torchrun(path, words[1:])
    elif _PYTHON.match(name):
        rest = _skip_python_flags(words[1:])
        if len(rest) >= 2 and rest[0].text == "-m" and rest[1].text in ("torch.distributed.run", "torch.distributed.launch"):
            torchrun, words = _torchrun(path, rest[2:])
    if not words:
        return None
    runner, config = _program(path, words, lookup, python_module=torchrun is not None and "module" in torchrun, no_python=torchrun is not None and "no-python" in torchrun)
    if runner is None:
        return None
    return Step(command, _source(path, command.words), srun, torchrun, runner, config, environment)


def _strip_prefixes(words: list[Word], environment: dict[str, str]) -> list[Word]:
    while words:
        name = os.path.basename(words[0].text)
        if name in ("exec", "nohup", "command", "builtin", "time"):
            words = words[1:]
        elif name == "env":
            words = words[1:]
            while words and (words[0].text.startswith("-") or "=" in words[0].text):
                if "=" in words[0].text and not words[0].text.startswith("-"):
                    key, _, value = words[0].text.partition("=")
                    environment[key] = value
                words = words[1 + (words[0].text in ("-u", "-C", "-S")) :]
        elif name in ("uv", "poetry", "pipenv", "pdm", "hatch", "rye") and len(words) > 1 and words[1].text == "run":
            words = _skip_options(words[2:])
        elif name in ("conda", "mamba", "micromamba") and len(words) > 1 and words[1].text == "run":
            words = _skip_options(words[2:], with_value=("-n", "-p", "--name", "--prefix", "--cwd"))
        elif name in ("singularity", "apptainer") and len(words) > 1 and words[1].text in ("exec", "run"):
            words = _skip_options(words[2:], with_value=("-B", "--bind", "--env", "--pwd", "-W", "--workdir", "--home", "-H", "--overlay", "-o"))[1:]
        else:
            break
    return words


def _skip_options(words: list[Word], with_value: tuple[str, ...] = ()) -> list[Word]:
    while words and words[0].text.startswith("-"):
        words = words[2:] if words[0].text in with_value else words[1:]
    return words


def _srun(path: str, words: list[Word]) -> tuple[Options, list[Word]]:
    found: Options = {}
    program = len(words)
    for name, value, span, written, index in options(words, stop_at_program=True):
        if not name:
            program = index
            break
        found[ALIASES.get(name, name)] = (value, Source(path, span, written))
    else:
        program = len(words)
    return found, words[program:]


def _torchrun(path: str, words: list[Word]) -> tuple[Options, list[Word]]:
    found: Options = {}
    i = 0
    while i < len(words):
        text = words[i].text
        if not text.startswith("-") or text == "-":
            break
        name, eq, value = text.lstrip("-").partition("=")
        source_words = [words[i]]
        if eq:
            found_value: Optional[str] = value
        elif name in _TORCHRUN_FLAGS:
            found_value = None
        else:
            found_value = words[i + 1].text if i + 1 < len(words) else None
            source_words.append(words[i + 1]) if i + 1 < len(words) else None
            i += 1
        found[name.replace("_", "-")] = (found_value, _source(path, source_words))
        if name == "m":
            found["module"] = (None, _source(path, source_words))
        i += 1
    return found, words[i:]


def _skip_python_flags(words: list[Word]) -> list[Word]:
    i = 0
    while i < len(words) and words[i].text.startswith("-") and words[i].text not in ("-m", "-c", "-"):
        i += 2 if words[i].text in _PYTHON_FLAGS_WITH_VALUE else 1
    return words[i:]


def _program(path: str, words: list[Word], lookup, *, python_module: bool = False, no_python: bool = False) -> tuple[Optional[str], Optional[Source]]:  # type: ignore[no-untyped-def]
    """The runner (``"python"``/``"trainer-lint"``) and the config of a program's words."""
    name = os.path.basename(_which(words[0].text))
    if python_module:  # torchrun -m MODULE ...: as `python -m MODULE ...`
        return _module(path, words[0].text, words[1:], lookup)
    if name in ("trainer-lint", "trainer_lint"):
        return _trainer_lint(path, words[1:], lookup)
    if _PYTHON.match(name) and not no_python:
        rest = _skip_python_flags(words[1:])
        if not rest or rest[0].text in ("-c", "-"):
            return None, None
        if rest[0].text == "-m":
            if len(rest) < 2:
                return None, None
            return _module(path, rest[1].text, rest[2:], lookup)
        return "python", _config_option(path, rest[1:], lookup)
    if no_python or name.endswith(".py"):
        return "python", _config_option(path, words[1:], lookup)
    return None, None


def _which(text: str) -> str:
    """``$(which trainer-lint)`` or `` `command -v python` `` -> the program it names."""
    match = re.fullmatch(r"\$\(\s*(?:which|command -v)\s+(\S+)\s*\)|`\s*(?:which|command -v)\s+(\S+)\s*`", text.strip())
    return (match.group(1) or match.group(2)) if match else text


def _module(path: str, module: str, args: list[Word], lookup) -> tuple[Optional[str], Optional[Source]]:  # type: ignore[no-untyped-def]
    if module in ("trainer_lint", "trainer_lint.cli"):
        return _trainer_lint(path, args, lookup)
    return "python", _config_option(path, args, lookup)


def _expanded(path: str, word: Word, text: str, lookup) -> Optional[Source]:  # type: ignore[no-untyped-def]
    value = expand(text, lookup) if word.expandable else text
    return None if value is None else _source(path, [word], value)


def _trainer_lint(path: str, args: list[Word], lookup) -> tuple[Optional[str], Optional[Source]]:  # type: ignore[no-untyped-def]
    if not args or args[0].text != "run":
        return None, None
    i = 1
    while i < len(args):
        text = args[i].text
        if text in _RUN_OPTIONS_WITH_VALUE:
            i += 2
            continue
        if text.startswith("-"):
            i += 1
            continue
        return "trainer-lint", _expanded(path, args[i], text, lookup)
    return "trainer-lint", None


def _config_option(path: str, args: list[Word], lookup) -> Optional[Source]:  # type: ignore[no-untyped-def]
    """``--config CFG``/``--config=CFG``/``-c CFG`` naming a TOML file."""
    for i, word in enumerate(args):
        text = word.text
        found: Optional[Source] = None
        if text in ("--config", "-c") and i + 1 < len(args):
            found = _expanded(path, args[i + 1], args[i + 1].text, lookup)
        elif text.startswith("--config="):
            found = _expanded(path, word, text.partition("=")[2], lookup)
        if found is not None and found.text.lower().endswith(".toml"):
            return found
    return None
