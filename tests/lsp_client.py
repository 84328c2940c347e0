"""Drive language servers over stdio with a real LSP client (pytest-lsp's, built on pygls).

Used by the schema tests (Tombi, Taplo), the ``trainer-lint server`` tests and the benchmarks:
start a server command, initialize it on a workspace folder, open documents, ask for completion
and hover, wait for published diagnostics. Documents are written with a cursor marker, ``«»``,
that :func:`split_cursor` turns into an LSP position.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as T
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / ".cache" / "node"
"""Where ``scripts/test.sh`` installs the npm packages the editor tests need (ignored by git)."""
TAPLO_WRAPPER = ROOT / "tests" / "editors" / "taplo_lsp.mjs"
CURSOR = "«»"


def split_cursor(text: str) -> tuple[str, T.Position]:
    """``text`` without its cursor marker, and the marker's position (0-based, UTF-16 columns;
    the test documents are ASCII around the cursor)."""
    at = text.index(CURSOR)
    before = text[:at]
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return before + text[at + len(CURSOR) :], T.Position(line, column)


# ---------------------------------------------------------------------------- commands


def tombi_command() -> list[str] | None:
    """Tombi's language server (``pip install tombi``), or None when it is not installed."""
    found = shutil.which("tombi")
    return [found, "lsp"] if found else None


def taplo_module() -> Path | None:
    """The installed ``@taplo/lsp`` package (``scripts/test.sh`` puts it under ``.cache/node``)."""
    for base in (NODE / "node_modules", *map(Path, filter(None, os.environ.get("NODE_PATH", "").split(os.pathsep)))):
        if (base / "@taplo" / "lsp" / "package.json").is_file():
            return base / "@taplo" / "lsp"
    return None


def taplo_command() -> tuple[list[str], dict[str, str]] | None:
    """Taplo's language server (``@taplo/lsp`` on node, through our stdio wrapper), or None."""
    node = shutil.which("node")
    module = taplo_module()
    if node is None or module is None:
        return None
    return [node, str(TAPLO_WRAPPER)], {**os.environ, "TAPLO_LSP_MODULE": str(module)}


def server_command() -> list[str]:
    """``trainer-lint server`` from this checkout."""
    return [sys.executable, "-m", "trainer_lint", "server"]


def server_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}
    env.update(extra)
    return env


# ------------------------------------------------------------------------------ client


def _client(published: list[T.PublishDiagnosticsParams], arrived: asyncio.Event, folder: Path) -> LanguageClient:
    """pytest-lsp's test client, keeping every diagnostics notification (with its version), and
    answering the requests an editor answers (workspace folders, capability registration)."""
    from pygls.protocol import default_converter

    def publish(client: LanguageClient, params: T.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        published.append(params)
        arrived.set()

    def folders(client: LanguageClient, params: None) -> list[T.WorkspaceFolder]:
        return [T.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)]

    def register(client: LanguageClient, params: T.RegistrationParams) -> None:
        return None

    client = LanguageClient(converter_factory=default_converter)
    features = {
        **DEFAULT_CLIENT_FEATURES,
        T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
        T.WORKSPACE_WORKSPACE_FOLDERS: folders,
        T.CLIENT_REGISTER_CAPABILITY: register,
        T.CLIENT_UNREGISTER_CAPABILITY: register,
    }
    register_lsp_features(client, features)
    return client


@dataclass
class Session:
    """A started, initialized server on a workspace folder."""

    client: LanguageClient
    folder: Path
    published: list[T.PublishDiagnosticsParams]
    arrived: asyncio.Event
    versions: dict[str, int] = field(default_factory=dict)
    initialize_result: T.InitializeResult | None = None

    @classmethod
    async def start(cls, command: Sequence[str], folder: Path, env: dict[str, str] | None = None,
                    capabilities: str | T.ClientCapabilities = "visual-studio-code", options: Any = None) -> "Session":
        published: list[T.PublishDiagnosticsParams] = []
        arrived = asyncio.Event()
        client = _client(published, arrived, folder)
        await client.start_io(*command, env=env, cwd=str(folder))
        session = cls(client, folder, published, arrived)
        session.initialize_result = await asyncio.wait_for(
            client.initialize_session(
                T.InitializeParams(
                    capabilities=client_capabilities(capabilities) if isinstance(capabilities, str) else capabilities,
                    root_uri=folder.as_uri(),
                    workspace_folders=[T.WorkspaceFolder(uri=folder.as_uri(), name=folder.name)],
                    initialization_options=options,
                )
            ),
            60,
        )
        return session

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_session(), 10)
        finally:
            await self.client.stop()

    # documents

    def uri(self, name: str) -> str:
        return (self.folder / name).as_uri()

    def open(self, name: str, text: str, write: bool = True, language: str = "toml") -> str:
        """Open ``name`` (written to disk first, as an editor's saved file) with ``text``."""
        path = self.folder / name
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        self.versions[uri] = 1
        self.client.text_document_did_open(
            T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
        )
        return uri

    def change(self, uri: str, text: str) -> int:
        """Replace the whole text of an open document; return its new version."""
        self.versions[uri] += 1
        version = self.versions[uri]
        self.client.text_document_did_change(
            T.DidChangeTextDocumentParams(
                T.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [T.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return version

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri)))

    # requests

    async def completion(self, uri: str, position: T.Position, timeout: float = 30) -> list[T.CompletionItem]:
        result = await asyncio.wait_for(
            self.client.text_document_completion_async(T.CompletionParams(T.TextDocumentIdentifier(uri), position)), timeout
        )
        if result is None:
            return []
        return list(result.items if isinstance(result, T.CompletionList) else result)

    async def hover(self, uri: str, position: T.Position, timeout: float = 30) -> str:
        result = await asyncio.wait_for(
            self.client.text_document_hover_async(T.HoverParams(T.TextDocumentIdentifier(uri), position)), timeout
        )
        if result is None:
            return ""
        contents = result.contents
        if isinstance(contents, T.MarkupContent):
            return contents.value
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c.value for c in contents)
        return contents if isinstance(contents, str) else contents.value

    async def definition(self, uri: str, position: T.Position, timeout: float = 30) -> list[T.Location]:
        result = await asyncio.wait_for(
            self.client.text_document_definition_async(T.DefinitionParams(T.TextDocumentIdentifier(uri), position)), timeout
        )
        if result is None:
            return []
        items = result if isinstance(result, list) else [result]
        return [T.Location(i.target_uri, i.target_selection_range) if isinstance(i, T.LocationLink) else i for i in items]

    async def code_actions(self, uri: str, range_: T.Range, diagnostics: Sequence[T.Diagnostic] = (), timeout: float = 30) -> list[Any]:
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(
                T.CodeActionParams(T.TextDocumentIdentifier(uri), range_, T.CodeActionContext(diagnostics=list(diagnostics)))
            ),
            timeout,
        )
        return list(result or [])

    def latest(self, uri: str) -> T.PublishDiagnosticsParams | None:
        """The last diagnostics published for ``uri`` so far."""
        return next((p for p in reversed(self.published) if p.uri == uri), None)

    async def diagnostics(self, uri: str, version: int | None = None, after: int = 0, timeout: float = 30) -> list[T.Diagnostic]:
        """The latest diagnostics published for ``uri`` among the notifications from index
        ``after`` on (``len(session.published)`` before the edit that should cause them), once
        one for ``version`` or later has arrived (any version, for servers that do not say)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for params in reversed(self.published[after:]):
                if params.uri == uri and (version is None or params.version is None or params.version >= version):
                    return list(params.diagnostics)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for {uri} (version {version})")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass
