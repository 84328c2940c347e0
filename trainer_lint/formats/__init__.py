"""Config file formats: each turns text into a :class:`~trainer_lint.document.Document`.

TOML is read by :mod:`trainer_lint.document`; YAML (LightningCLI's own format) by
:mod:`trainer_lint.formats.yaml_reader`, which reads values exactly as LightningCLI does. The
format follows from the file name: ``.yaml`` and ``.yml`` are YAML, everything else is TOML.
Rules never know which format a file was; fixes go through a per-format editor.

The YAML modules import PyYAML (the ``yaml`` extra) only when a YAML file is read, so linting
TOML alone never imports it.
"""

from __future__ import annotations

import os
import re

from trainer_lint.document import Document, DocumentError, decode, parse_document, read_bytes

YAML_SUFFIXES = (".yaml", ".yml")
"""File name endings read as YAML (case-insensitive)."""

SUFFIXES = (".toml", *YAML_SUFFIXES)
"""The endings a folder walk collects."""

LIGHTNINGCLI_KEYS = frozenset({"trainer", "model", "data", "optimizer", "lr_scheduler", "seed_everything", "ckpt_path", "config", "print_config"})
"""The top-level keys LightningCLI itself declares (``fit``'s parser; a subclass may add more)."""

_TOP_LEVEL_TRAINER = re.compile(r"^(?:trainer|\"trainer\"|'trainer')[ \t]*:", re.M)

__all__ = [
    "LIGHTNINGCLI_KEYS",
    "SUFFIXES",
    "YAML_SUFFIXES",
    "FormatUnavailable",
    "format_of",
    "is_yaml",
    "might_be_trainer_yaml",
    "parse",
    "read",
]


class FormatUnavailable(OSError):
    """The file's format needs a package that is not installed (PyYAML for YAML)."""


def is_yaml(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a YAML file (by its suffix)."""
    return os.fsdecode(os.fspath(path)).lower().endswith(YAML_SUFFIXES)


def format_of(path: str | os.PathLike[str]) -> str:
    """``"yaml"`` or ``"toml"``: how a file named ``path`` is read."""
    return "yaml" if is_yaml(path) else "toml"


def might_be_trainer_yaml(text: str) -> bool:
    """A cheap test that YAML ``text`` can be a trainer config (a top-level ``trainer`` key, or a
    ``model``/``data`` table with a ``class_path``: :func:`trainer_lint.engine.is_trainer_config`):
    a file with neither word is never parsed (folder walks meet many YAML files that are not
    trainer configs)."""
    return "trainer" in text or "class_path" in text


def yaml_available() -> bool:
    """Whether PyYAML can be imported (without importing it twice)."""
    try:
        import yaml  # noqa: F401
    except ImportError:
        return False
    return True


def parse(text: str, path: str = "<string>") -> Document:
    """Parse ``text`` as the format ``path`` names. Raises :class:`DocumentError` for text that
    cannot be linted and :class:`FormatUnavailable` for a YAML trainer config without PyYAML."""
    if not is_yaml(path):
        return parse_document(text, path)
    from trainer_lint.formats.yaml_document import YamlDocument

    if text.startswith("\ufeff"):
        text = text[1:]
    if not might_be_trainer_yaml(text):
        return YamlDocument(path=path, text=text, data={}, raw={})  # not a trainer config: skipped quietly
    try:
        from trainer_lint.formats.yaml_reader import parse_yaml
    except ImportError:
        if _TOP_LEVEL_TRAINER.search(text):
            raise FormatUnavailable(
                "reading YAML needs PyYAML, which is not installed: pip install 'trainer-lint[yaml]'"
            ) from None
        return YamlDocument(path=path, text=text, data={}, raw={})
    return parse_yaml(text, path)


def read(path: str | os.PathLike[str]) -> Document:
    """Read, decode and parse the file at ``path`` (:func:`parse` by its suffix). Raises
    :class:`OSError` for I/O problems and :class:`DocumentError` as :func:`parse` does."""
    name = os.fsdecode(os.fspath(path))
    return parse(decode(read_bytes(path), name), name)


def parses(text: str, path: str = "<string>") -> bool:
    """Whether ``text`` parses as the format ``path`` names (for fixers: an edit must keep it so)."""
    try:
        parse(text, path)
    except (DocumentError, FormatUnavailable):
        return False
    return True
