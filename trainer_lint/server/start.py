"""``trainer-lint server``: start fast, then hand the connection to pygls.

Importing pygls costs about a third of a second (its ``lsprotocol.types`` defines a thousand
classes), which alone would spend the budget for "start to first diagnostics" (300 ms). So the
process starts with a small JSON-RPC reader of its own: it answers ``initialize`` (with
:func:`~trainer_lint.server.capabilities.capabilities`, the same capabilities pygls computes),
lints the first document the client opens and publishes its diagnostics, and only then imports
pygls, in a background thread, while it goes on linting the documents the client opens and
changes. At the first request (or once pygls is loaded), pygls is given the whole conversation from its first byte, so its state (client
capabilities, workspace, open documents) is exactly as if it had read it itself; the one answer
it would send twice (to ``initialize``) is dropped, and the session does not publish the same
diagnostics twice. Anything the fast start does not know (a request before the first document)
hands over at once.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any, BinaryIO

from trainer_lint.server.capabilities import capabilities
from trainer_lint.server.session import Session, uri_to_path
from trainer_lint.server.text import choose_encoding


def read_message(stream: BinaryIO) -> tuple[bytes, dict[str, Any] | None]:
    """One LSP message from ``stream``: its raw bytes (headers included) and its JSON (None at
    the end of the stream, or for a body that is not a JSON object)."""
    raw = bytearray()
    length = None
    while True:
        line = stream.readline()
        if not line:
            return bytes(raw), None
        raw += line
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                length = None
    if length is None:
        return bytes(raw), None
    body = stream.read(length)
    raw += body
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return bytes(raw), None
    return bytes(raw), message if isinstance(message, dict) else None


def write_message(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


class Replay:
    """A binary stream that yields ``prefix`` first, then reads on from ``stream``."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self.prefix = prefix
        self.stream = stream
        self.lock = threading.Lock()

    def readline(self, limit: int = -1) -> bytes:
        with self.lock:
            if self.prefix:
                end = self.prefix.find(b"\n")
                end = len(self.prefix) if end < 0 else end + 1
                line, self.prefix = self.prefix[:end], self.prefix[end:]
                if line.endswith(b"\n"):
                    return line
                return line + self.stream.readline()
        return self.stream.readline()

    def read(self, size: int = -1) -> bytes:
        with self.lock:
            if self.prefix:
                if size < 0:
                    data, self.prefix = self.prefix, b""
                    return data + self.stream.read()
                data, self.prefix = self.prefix[:size], self.prefix[size:]
                if len(data) < size:
                    data += self.stream.read(size - len(data))
                return data
        return self.stream.read(size)


class DropAnswer:
    """A binary stream that drops the one message answering request ``drop`` (pygls's second
    answer to ``initialize``) and writes everything else to ``stream`` unchanged."""

    def __init__(self, stream: BinaryIO, drop: Any) -> None:
        self.stream = stream
        self.drop = drop
        self.buffer = b""

    def write(self, data: bytes) -> int:
        if self.drop is None:
            return self.stream.write(data)
        self.buffer += data
        while self.drop is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            length = _content_length(self.buffer[:end])
            if length is None:
                self.drop = None  # not a message this understands: stop filtering
                break
            total = end + 4 + length
            if len(self.buffer) < total:
                break
            message, self.buffer = self.buffer[:total], self.buffer[total:]
            if _answers(message[end + 4 :], self.drop):
                self.drop = None
            else:
                self.stream.write(message)
        if self.drop is None and self.buffer:
            self.stream.write(self.buffer)
            self.buffer = b""
        return len(data)

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self.stream.close()


def _content_length(header: bytes) -> int | None:
    for line in header.decode("ascii", "replace").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            try:
                return int(value.strip())
            except ValueError:
                return None
    return None


def _answers(body: bytes, request_id: Any) -> bool:
    try:
        message = json.loads(body)
    except ValueError:
        return False
    return isinstance(message, dict) and "method" not in message and message.get("id") == request_id


def main(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Serve LSP over stdio until the client says ``exit`` (or closes the connection)."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    consumed = bytearray()
    answered = None
    session: Session | None = None
    loader: threading.Thread | None = None
    while loader is None or loader.is_alive():
        raw, message = read_message(stdin)
        consumed += raw
        if message is None:
            if not raw and loader is None:
                return 0  # the client went away before anything happened
            break
        method = message.get("method")
        if method == "initialize" and answered is None and "id" in message:
            params = message.get("params") or {}
            encoding = choose_encoding(params.get("capabilities"))
            session = Session(lambda uri, version, diagnostics: _publish(stdout, uri, version, diagnostics), encoding)
            folders = params.get("workspaceFolders") or []
            root = uri_to_path(folders[0]["uri"]) if folders else uri_to_path(params["rootUri"]) if params.get("rootUri") else None
            session.root = root
            answered = message["id"]
            from trainer_lint import __version__

            write_message(stdout, {"jsonrpc": "2.0", "id": answered, "result": {"capabilities": capabilities(encoding), "serverInfo": {"name": "trainer-lint", "version": __version__}}})
            continue
        try:
            handled = session is not None and _handle(session, method, message.get("params") or {})
        except Exception:  # pygls reads the message again, and its handlers report errors
            handled = False
        if not handled:
            break  # a request, or something only pygls knows: hand over now
        if method == "textDocument/didOpen" and loader is None:
            # first diagnostics are out: load pygls in a thread while documents keep being linted
            # here (the two share the CPU; a lint takes milliseconds)
            loader = threading.Thread(target=_load, name="load-pygls", daemon=True)
            loader.start()
    if loader is not None:
        loader.join()
    return _hand_over(session, Replay(bytes(consumed), stdin), DropAnswer(stdout, answered))


def _handle(session: Session, method: Any, params: dict[str, Any]) -> bool:
    """Handle a notification the fast start knows (documents opened, changed, closed); False
    for anything else."""
    document = params.get("textDocument") or {}
    uri = document.get("uri")
    if method == "initialized":
        return True
    if method == "textDocument/didOpen" and isinstance(uri, str) and isinstance(document.get("text"), str):
        session.open(uri, document["text"], document.get("version"), document.get("languageId"))
        session.refresh(uri)
        return True
    if method == "textDocument/didChange" and isinstance(uri, str):
        changes = params.get("contentChanges") or []
        if not changes or any("range" in change or not isinstance(change.get("text"), str) for change in changes):
            return False  # not a whole-text change: leave it to pygls
        session.change(uri, changes[-1]["text"], document.get("version"))
        session.refresh(uri)
        return True
    if method == "textDocument/didClose" and isinstance(uri, str):
        session.close(uri)
        return True
    return False


def _load() -> None:
    import trainer_lint.server.app  # noqa: F401


def _publish(stdout: BinaryIO, uri: str, version: int | None, diagnostics: list[dict[str, Any]]) -> None:
    params: dict[str, Any] = {"uri": uri, "diagnostics": diagnostics}
    if version is not None:
        params["version"] = version
    write_message(stdout, {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})


def _hand_over(session: Session | None, stdin: Any, stdout: Any) -> int:
    from trainer_lint.server.app import build

    server = build(session or Session(lambda *args: None))
    server.start_io(stdin, stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
