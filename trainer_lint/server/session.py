"""The server's state: open documents, the project settings each one is linted with, and the
latest lint result of each. No protocol here (the pygls adapter and the fast start call it).

Each document is linted exactly as ``check`` would lint a file with the same text at the same
path: the nearest ``[tool.trainer-lint]`` settings upward from the document (``select``,
``ignore``, ``per-file-ignores``, ``exclude``, ``source-roots``, ...), suppression comments,
and the same engine call (:func:`trainer_lint.engine.lint_text`), after the same byte-level
checks ``check`` makes when it reads a file (size limit, UTF-8, NUL bytes).

Which documents get diagnostics is the engine's decision too: a document whose text parses but
is not a trainer config (:attr:`FileResult.skipped <trainer_lint.engine.FileResult.skipped>`,
e.g. ``Cargo.toml``, a CI workflow, a compose file) gets none, and so does a file the settings
``exclude``. A document that does not parse cannot say what it is: it gets ``check``'s syntax
error unless its last text that did parse was not a trainer config (half-typed
``pyproject.toml`` or ``.github/workflows/ci.yml`` stays quiet). TOML and YAML documents are
served alike; the file name says which is which, as for ``check``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from trainer_lint.engine import FileResult, Selection
from trainer_lint.options import Options
from trainer_lint.server.diagnostics import to_lsp
from trainer_lint.server.text import Lines

LANGUAGES = ("toml", "yaml")
"""The documents the server lints: those whose file name ends as a format the engine reads
(:data:`trainer_lint.formats.SUFFIXES`: ``.toml``, ``.yaml``, ``.yml``), or, for a name that
does not say (an unsaved document), whose LSP language id is one of these. Which format a file
is, is the engine's business (:func:`trainer_lint.engine.lint_text` reads the path)."""

Publish = Callable[[str, "int | None", "list[dict[str, Any]]"], None]
"""``publish(uri, version, diagnostics)``: send ``textDocument/publishDiagnostics``."""


def uri_to_path(uri: str) -> str | None:
    """The file-system path of a ``file:`` URI; None for other schemes (``untitled:``)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    if parsed.netloc:
        path = f"//{parsed.netloc}{path}"
    return os.path.normpath(path)


def _older(version: int | None, than: int | None) -> bool:
    """Whether document version ``version`` comes before ``than`` (LSP versions only increase)."""
    return version is not None and than is not None and version < than


@dataclass
class Linted:
    """The lint result of one version of a document, and what the client was sent for it."""

    version: int | None
    text: str
    result: FileResult
    lines: Lines
    selection: Selection
    options: Options
    silent: bool
    """True when the document gets no diagnostics (not a trainer config, or excluded)."""
    excluded: bool = False
    diagnostics: list[dict[str, Any]] = field(default_factory=list)
    syntax: str = "toml"
    """The document's format (``"toml"`` or ``"yaml"``), for the cursor scan of completion,
    hover and definition."""

    @property
    def engaged(self) -> bool:
        """Whether completion and hover serve this document: a trainer config, one being started
        (only keys a config has, or none yet), or text that does not parse (unless its last
        text that parsed was not a config); not another TOML or YAML file (``pyproject.toml``,
        a CI workflow), nor an excluded one."""
        if self.excluded:
            return False
        document = self.result.document
        if document is None:
            return not self.silent
        if not self.result.skipped:
            return True
        keys = set(document.data)
        if not keys and self.syntax == "yaml":
            # YAML without the words `trainer` or `class_path` is not even parsed: its keys, as written
            from trainer_lint.server.yaml_cursor import top_keys

            keys = top_keys(document.text)
        from trainer_lint.schema import load_packaged

        return keys <= set(load_packaged()["properties"])


@dataclass
class OpenDocument:
    uri: str
    path: str
    """The file-system path (for settings and the engine); the URI itself when there is none."""
    on_disk: bool
    text: str
    version: int | None
    config: bool | None = None
    """Whether its last text that parsed was a trainer config (None: none parsed yet)."""
    linted: Linted | None = None
    sent: tuple[int | None, list[dict[str, Any]]] | None = None
    """The version and diagnostics last published."""
    language: str | None = None

    @property
    def syntax(self) -> str | None:
        """The format the document is linted as: its file name's when that ends as a format the
        engine reads, else its language id's (see :data:`LANGUAGES`); None for other documents."""
        from trainer_lint import formats

        if self.path.lower().endswith(formats.SUFFIXES):
            return formats.format_of(self.path)
        return self.language if self.language in LANGUAGES else None

    @property
    def served(self) -> bool:
        """Whether this is a document the server lints (see :data:`LANGUAGES`)."""
        return self.syntax is not None

    @property
    def lint_path(self) -> str:
        """The path the engine is given: the document's, with the suffix of its format added when
        the name does not say it (an unsaved YAML document would otherwise be read as TOML)."""
        from trainer_lint import formats

        if self.syntax == "yaml" and not formats.is_yaml(self.path):
            return self.path + ".yaml"
        return self.path


class Session:
    """Open documents and their lint results."""

    def __init__(self, publish: Publish, encoding: str = "utf-16", warn: Callable[[str], None] | None = None) -> None:
        self.publish = publish
        self.encoding = encoding
        self.warn = warn or (lambda message: None)
        self.documents: dict[str, OpenDocument] = {}
        self._settings: dict[str, Any] = {}
        self._warned: set[str] = set()
        self.root: str | None = None
        """The workspace folder, for documents that are not files (their settings come from it)."""

    # ------------------------------------------------------------------ documents

    def open(self, uri: str, text: str, version: int | None, language: str | None = None) -> OpenDocument:
        known = self.documents.get(uri)
        if known is not None and (known.text == text and known.version == version or _older(version, known.version)):
            # the fast start's messages, replayed to pygls: this document is already further on
            return known
        path = uri_to_path(uri)
        document = OpenDocument(uri, path or uri, path is not None, text, version, language=language)
        self.documents[uri] = document
        return document

    def change(self, uri: str, text: str, version: int | None) -> OpenDocument | None:
        document = self.documents.get(uri)
        if document is None:
            return self.open(uri, text, version)
        if _older(version, document.version):
            return document  # a replayed change the document has already had
        document.text = text
        document.version = version
        return document

    def close(self, uri: str) -> None:
        """Forget a document and clear its diagnostics."""
        if self.documents.pop(uri, None) is not None:
            self.publish(uri, None, [])

    # ------------------------------------------------------------------- linting

    def lint(self, uri: str) -> Linted | None:
        """The lint result of the document's current text (computed once per text)."""
        document = self.documents.get(uri)
        if document is None:
            return None
        linted = document.linted
        if linted is not None and linted.text == document.text and linted.version == document.version:
            return linted
        linted = self._lint(document)
        document.linted = linted
        return linted

    def refresh(self, uri: str) -> Linted | None:
        """Lint the document's current text and publish the diagnostics, unless exactly these
        were already published for this version."""
        document = self.documents.get(uri)
        linted = self.lint(uri)
        if document is None or linted is None:
            return None
        sent = (document.version, linted.diagnostics)
        if document.sent != sent:
            document.sent = sent
            self.publish(uri, document.version, linted.diagnostics)
        return linted

    def refresh_all(self) -> None:
        """Relint every open document (after the settings changed)."""
        for uri, document in list(self.documents.items()):
            document.linted = None
            self.refresh(uri)

    def _lint(self, document: OpenDocument) -> Linted:
        from trainer_lint.document import DocumentError, decode_limited
        from trainer_lint.engine import document_error, lint_text

        resolved, excluded = self.settings_for(document)
        excluded = excluded or not document.served
        selection = resolved.selection_for(document.path)
        options = resolved.options
        lines = Lines(document.text, self.encoding)
        path = document.lint_path
        try:
            # What `check` does with a file's bytes: the size limit, UTF-8, NUL bytes, a BOM.
            text = decode_limited(document.text.encode("utf-8", "surrogatepass"), path)
        except DocumentError as error:
            result = FileResult(path, document_error(error, path, selection))
        else:
            result = lint_text(text, path, selection, options)
        if result.skipped:
            document.config = False
        elif result.document is not None:
            document.config = True
        silent = excluded or result.skipped or (result.document is None and document.config is False)
        linted = Linted(document.version, document.text, result, lines, selection, options, silent, excluded, syntax=document.syntax or "toml")
        if not silent:
            linted.diagnostics = [to_lsp(d, lines) for d in result.diagnostics]
        return linted

    # ------------------------------------------------------------------ settings

    def settings_for(self, document: OpenDocument) -> tuple[Any, bool]:
        """The resolved settings for a document, and whether they exclude it."""
        from trainer_lint import settings
        from trainer_lint.files import _excluded

        folder = os.path.dirname(document.path) if document.on_disk else (self.root or os.getcwd())
        resolved = self._settings.get(folder)
        if resolved is None:
            try:
                found = settings.discover([folder])
                resolved = settings.resolve(found, settings.Overrides(), cwd=found.root)
            except settings.SettingsError as error:
                message = f"trainer-lint: {error}; linting with the default settings"
                if message not in self._warned:
                    self._warned.add(message)
                    self.warn(message)
                resolved = settings.resolve(settings.Settings(), settings.Overrides(), cwd=Path(folder))
            self._settings[folder] = resolved
        if not document.on_disk or not resolved.exclude:
            return resolved, False
        try:
            relative = os.path.relpath(document.path, resolved.root).replace(os.sep, "/")
        except ValueError:
            return resolved, False
        return resolved, _excluded(relative, resolved.exclude)

    def settings_changed(self) -> None:
        """Forget the cached settings (a ``pyproject.toml`` changed) and relint."""
        self._settings.clear()
        self._warned.clear()
        self.refresh_all()
