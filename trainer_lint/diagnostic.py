"""Findings as data: :class:`Diagnostic`, :class:`Span` and :class:`Severity`.

Every problem trainer-lint finds is a :class:`Diagnostic`. Rules produce them without a
file path or position; the engine attaches both from the :class:`~trainer_lint.document.Document`.
Text is made only by the formatters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Union

KeyPath = tuple[Union[str, int], ...]
"""A path into the parsed TOML document: ``("trainer", "callbacks", 0, "init_args", "mode")``."""


class Severity(str, Enum):
    """How bad a finding is. Only ``error`` makes ``check`` exit 1 (``--strict`` adds ``warning``)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based region of a file. Columns count characters; ``end_column`` is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of a key (``part="key"``) or of its value (``part="value"``) with ``text``.

    ``text`` is TOML source. An edit with ``part="line"`` replaces the whole ``key = value`` entry
    (used when one argument becomes several, e.g. ``gpus = 2`` -> ``accelerator``/``devices``).
    Rules speak in key paths; the fixer turns them into file offsets."""

    key: KeyPath
    part: str
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed rewrite. ``safe`` fixes have exactly one meaning and apply with ``--fix``."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Related:
    """A note at another place that explains a diagnostic: the line of a launch script that sets
    what the config disagrees with. ``path`` and ``span`` are final (rules place it themselves)."""

    path: str
    span: Span | None
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: which rule, how severe, where (key path and span) and what is wrong."""

    code: str
    severity: Severity
    key: KeyPath
    message: str
    path: str = ""
    span: Span | None = None
    fix: Fix | None = field(default=None, compare=False)
    anchor: str = "value"
    """Which part of ``key`` the span covers: ``"value"`` (default) or ``"key"`` (unknown keys)."""
    related: tuple[Related, ...] = field(default=(), compare=False)
    """Notes at other places (``check --launcher``: the script's line the config disagrees with)."""

    @property
    def dotted_key(self) -> str:
        """The key path as the user would write it: ``trainer.callbacks[0].init_args.mode``."""
        return format_key(self.key)

    def at(self, path: str, span: Span | None) -> "Diagnostic":
        """Return a copy placed in ``path`` at ``span``."""
        return replace(self, path=path, span=span)


def format_key(key: KeyPath) -> str:
    """Render a key path in TOML-ish words, quoting parts that are not bare keys."""
    out: list[str] = []
    for part in key:
        if isinstance(part, int):
            out.append(f"[{part}]")
            continue
        bare = part != "" and all(c.isalnum() or c in "_-" for c in part) and part.isascii()
        text = part if bare else '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(("." if out else "") + text)
    return "".join(out)
