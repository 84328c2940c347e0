"""The pygls language server: protocol in, the session and the feature modules out.

Thin on purpose: each handler reads the document's text from pygls's workspace, hands it to :class:`~trainer_lint.server.session.Session` or to a feature
module (plain dicts in, plain dicts out), and turns the answer into lsprotocol objects. Linting
after a change is debounced: a burst of keystrokes is linted once, :data:`DEBOUNCE_S` after the
last one, and the diagnostics carry the version of the text they are for.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer

from trainer_lint import __version__
from trainer_lint.server import actions, completion, definition, hover
from trainer_lint.server.capabilities import CODE_ACTION_KINDS, TRIGGER_CHARACTERS
from trainer_lint.server.knowledge import Knowledge, knowledge_for
from trainer_lint.server.session import Session, uri_to_path

DEBOUNCE_S = 0.01
"""Quiet time after a change before linting. A lint of a 200-line config takes a few
milliseconds, so this only merges keystrokes that arrive together (pasting, a client sending
several changes at once); see docs/benchmarks.md for change-to-diagnostics times."""



class TrainerLintServer(LanguageServer):
    def __init__(self, session: Session) -> None:
        # Full sync: pygls applies incremental changes by `str.splitlines`, which also breaks lines
        # at form feeds, U+2028 and other characters LSP does not count as line breaks, and then
        # edits the wrong place of a document that holds one (pasted binary does); a config is a
        # few kilobytes, so the whole text per change costs nothing.
        super().__init__("trainer-lint", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Full)
        self.session = session
        self.pending: dict[str, asyncio.TimerHandle] = {}

    def structure(self, value: Any, kind: Any) -> Any:
        return self.protocol._converter.structure(value, kind)

    def publish(self, uri: str, version: int | None, diagnostics: list[dict[str, Any]]) -> None:
        params = self.structure({"uri": uri, "version": version, "diagnostics": diagnostics}, T.PublishDiagnosticsParams)
        self.text_document_publish_diagnostics(params)

    def schedule(self, uri: str, delay: float = DEBOUNCE_S) -> None:
        """Lint ``uri`` after ``delay`` seconds, replacing a lint already scheduled for it."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(delay, self._lint_now, uri)

    def _lint_now(self, uri: str) -> None:
        self.pending.pop(uri, None)
        try:
            self.session.refresh(uri)
        except Exception as error:  # never let one bad document stop the server
            self.window_log_message(T.LogMessageParams(T.MessageType.Error, f"trainer-lint: linting {uri} failed: {error!r}"))

    def text(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    def current(self, uri: str) -> Any:
        """The session's lint result for the client's current text of ``uri`` (None for a
        document the client has not opened)."""
        if uri not in self.session.documents:
            return None
        document = self.workspace.get_text_document(uri)
        self.session.change(uri, document.source, document.version)
        return self.session.lint(uri)

    def knowledge(self, uri: str, linted: Any) -> Knowledge:
        return _knowledge(linted.options, uri_to_path(uri))


@lru_cache(maxsize=32)
def _knowledge(options: Any, path: str | None) -> Knowledge:
    return knowledge_for(options, path)


def build(session: Session) -> TrainerLintServer:
    """The server, with every feature registered, on ``session``."""
    server = TrainerLintServer(session)
    session.publish = server.publish
    session.warn = lambda message: server.window_show_message(T.ShowMessageParams(T.MessageType.Warning, message))

    @server.feature(T.INITIALIZE)
    def initialize(ls: TrainerLintServer, params: T.InitializeParams) -> None:
        ls.session.encoding = str(ls.workspace.position_encoding or "utf-16")
        folders = params.workspace_folders or []
        root = uri_to_path(folders[0].uri) if folders else uri_to_path(params.root_uri) if params.root_uri else None
        if root:
            ls.session.root = root

    @server.feature(T.INITIALIZED)
    def initialized(ls: TrainerLintServer, params: T.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watch and watch.dynamic_registration:
            options = T.DidChangeWatchedFilesRegistrationOptions(watchers=[T.FileSystemWatcher(glob_pattern="**/pyproject.toml")])
            registration = T.Registration(id="trainer-lint-settings", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
            ls.client_register_capability(T.RegistrationParams(registrations=[registration]))

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: TrainerLintServer, params: T.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.session.open(item.uri, item.text, item.version, item.language_id)
        ls.session.refresh(item.uri)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: TrainerLintServer, params: T.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.session.change(uri, ls.text(uri), params.text_document.version)
        ls.schedule(uri)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: TrainerLintServer, params: T.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith("pyproject.toml"):
            ls.session.settings_changed()

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: TrainerLintServer, params: T.DidCloseTextDocumentParams) -> None:
        handle = ls.pending.pop(params.text_document.uri, None)
        if handle is not None:
            handle.cancel()
        ls.session.close(params.text_document.uri)

    @server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: TrainerLintServer, params: T.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            ls.session.settings_changed()

    @server.feature(T.TEXT_DOCUMENT_COMPLETION, T.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS))
    def complete(ls: TrainerLintServer, params: T.CompletionParams) -> list[dict[str, Any]]:
        # plain dicts: the result type is a union, which pygls's converter passes through as is
        # (structuring a few dozen items would cost more than computing them)
        uri = params.text_document.uri
        linted = ls.current(uri)
        return [] if linted is None or not linted.engaged else completion.complete(ls.text(uri), linted.lines, params.position, ls.knowledge(uri, linted), linted.syntax)

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: TrainerLintServer, params: T.HoverParams) -> T.Hover | None:
        uri = params.text_document.uri
        linted = ls.current(uri)
        if linted is None or not linted.engaged:
            return None
        found = hover.hover(ls.text(uri), linted.lines, params.position, ls.knowledge(uri, linted), linted.syntax)
        return ls.structure(found, T.Hover) if found is not None else None

    @server.feature(T.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: TrainerLintServer, params: T.DefinitionParams) -> list[dict[str, Any]]:
        uri = params.text_document.uri
        linted = ls.current(uri)
        if linted is None or not linted.engaged:
            return []
        return definition.definition(ls.text(uri), linted.lines, params.position, ls.knowledge(uri, linted), ls.session.encoding, linted.syntax)

    @server.feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(code_action_kinds=CODE_ACTION_KINDS))
    def on_code_action(ls: TrainerLintServer, params: T.CodeActionParams) -> list[dict[str, Any]]:
        uri = params.text_document.uri
        linted = ls.current(uri)
        if linted is None:
            return []
        return actions.code_actions(uri, linted, params.range, params.context.only)

    return server
