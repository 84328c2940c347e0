"""A YAML config as the engine sees it: :class:`YamlDocument`.

It keeps the :class:`~trainer_lint.document.Document` interface (``data``, ``text``, ``path``,
``span_of``, ``offsets_of``, ``line_text``, ``index_built``), so rules, suppression, formatters
and positions work unchanged, and adds what only YAML has:

* ``data`` is what LightningCLI hands the Trainer, in trainer-lint's words (see
  :mod:`trainer_lint.formats.yaml_values`): strings LightningCLI re-reads are read, ``null``
  where the Trainer's default is None is left out, ``check_val_every_n_epoch: null`` is
  ``"none"``; ``raw`` is the YAML as loaded (with its nulls), for ``convert``;
* ``findings``: the YAML-only diagnostics found while reading (TL004-TL009), already placed;
* ``unresolved``: key paths holding ``${...}`` interpolations, whose other findings are dropped;
* values written once but used twice (anchors and aliases, ``<<`` merges) have positions (the
  anchored text) but no edit offsets (their index entry is flagged like TOML's implicit tables),
  so a fix never changes two values.

This module does not import PyYAML: the position index, when it was dropped (documents sent
back from worker processes), is rebuilt by reading the text again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from trainer_lint.diagnostic import Diagnostic, KeyPath
from trainer_lint.document import Document


@dataclass
class YamlDocument(Document):
    """A parsed YAML file (see the module docstring)."""

    format: ClassVar[str] = "yaml"

    raw: Any = None
    findings: tuple[Diagnostic, ...] = ()
    unresolved: frozenset[KeyPath] = frozenset()
    index: dict[KeyPath, list[Any]] | None = field(default=None, repr=False, compare=False)
    comment_offsets: tuple[tuple[int, str], ...] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.index is not None:
            self._index = self.index
            self.index = None  # kept once, in _index (dropped by dataclasses.replace)

    def _positions(self) -> dict[KeyPath, list[Any]]:
        if self._index is None:
            from trainer_lint.formats.yaml_reader import index_of

            self._index = index_of(self.text, self.path)
        return self._index

    def entry(self, key: KeyPath) -> list[Any] | None:
        """The raw index entry of ``key``: ``[key_start, key_end, value_start, value_end, shared,
        style]`` (``style``: ``"block"``, ``"flow"``, ``"item"``, ``"plain"``, ``"'"``, ``'"'``,
        ``"|"``, ``">"``), or None."""
        try:
            return self._positions().get(tuple(key))
        except TypeError:
            return None

    def comments(self) -> Iterator[tuple[int, str]]:
        """``(offset, text)`` of every comment (for suppression and ``convert``)."""
        if self.comment_offsets is None:
            from trainer_lint.formats.yaml_reader import comments_of

            self.comment_offsets = tuple(comments_of(self.text))
        return iter(self.comment_offsets)
