"""The YAML schema works in the real YAML language server (the engine of VS Code's YAML extension,
Helix, Zed and others): linked with a ``# yaml-language-server: $schema=`` modeline, it accepts
``null`` exactly where ``lightning.Trainer``'s annotation is ``Optional`` (read from the real
signature) and nowhere else, refuses trainer-lint's TOML spelling ``none``, and flags unknown keys.

The server is driven over its stdio protocol (LSP) from here. It is an npm package:
``scripts/test.sh`` installs it into ``.cache/node`` when npm is there; without it these tests
are skipped (``TRAINER_LINT_YAML_LS`` may name the server's ``bin/yaml-language-server`` instead).
"""

from __future__ import annotations

import inspect
import json
import os
import queue
import shutil
import subprocess
import threading
import time
import typing
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = "1.19.2"


def _server() -> str:
    candidates = [os.environ.get("TRAINER_LINT_YAML_LS", ""),
                  str(ROOT / ".cache" / "node" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server")]
    found = next((c for c in candidates if c and Path(c).is_file()), None)
    if found is None or shutil.which("node") is None:
        pytest.skip("the YAML language server is not installed (scripts/test.sh installs it with npm when npm is available)")
    return found


class _Client:
    """Just enough of an LSP client: requests, notifications, and answers to the server's questions."""

    def __init__(self, server: str) -> None:
        self.proc = subprocess.Popen(["node", server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.ids = 0
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, value = line.decode().split(":", 1)
                headers[name.lower()] = value.strip()
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def request(self, method: str, params: dict[str, Any]) -> int:
        self.ids += 1
        self._send({"id": self.ids, "method": method, "params": params})
        return self.ids

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def pump(self, until, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not until():
            try:
                message = self.inbox.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                raise TimeoutError("the YAML language server did not answer") from None
            if "method" in message and "id" in message:  # a question from the server
                items = message.get("params", {}).get("items", [])
                result = [{"validate": True, "schemaStore": {"enable": False}}] * len(items) if message["method"] == "workspace/configuration" else None
                self._send({"id": message["id"], "result": result})
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            elif "id" in message:
                self.diagnostics.setdefault(f"response:{message['id']}", [])

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


def _diagnose(documents: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Open each ``name -> text`` (a document at ``examples/<name>``) and return its diagnostics."""
    client = _Client(_server())
    try:
        first = client.request("initialize", {"processId": os.getpid(), "rootUri": ROOT.as_uri(),
                                              "capabilities": {"workspace": {"configuration": True}}})
        client.pump(lambda: f"response:{first}" in client.diagnostics)
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": {"yaml": {"validate": True, "schemaStore": {"enable": False}}}})
        uris = {name: (ROOT / "examples" / name).as_uri() for name in documents}
        for name, text in documents.items():
            client.notify("textDocument/didOpen", {"textDocument": {"uri": uris[name], "languageId": "yaml", "version": 1, "text": text}})
        marker = (ROOT / "examples" / "zz_marker.yaml").as_uri()  # validated last: all others are done then
        client.notify("textDocument/didOpen", {"textDocument": {"uri": marker, "languageId": "yaml", "version": 1,
                                                                "text": f"{MODELINE}\ntrainer: {{max_epochs: x}}\n"}})
        client.pump(lambda: bool(client.diagnostics.get(marker)) and all(u in client.diagnostics for u in uris.values()))
        return {name: client.diagnostics[uris[name]] for name in documents}
    finally:
        client.close()


MODELINE = "# yaml-language-server: $schema=../schemas/trainer.yaml.schema.json"


def _optional() -> dict[str, bool]:
    pytest.importorskip("lightning")
    from lightning.pytorch import Trainer

    hints = typing.get_type_hints(Trainer.__init__)
    names = [p for p in inspect.signature(Trainer.__init__).parameters if p != "self"]
    return {name: type(None) in typing.get_args(hints[name]) for name in names}


def test_null_exactly_where_the_trainer_takes_none():
    optional = _optional()
    documents = {f"null_{name}.yaml": f"{MODELINE}\ntrainer:\n  {name}: null\n" for name in optional}
    documents["none_spelling.yaml"] = f"{MODELINE}\ntrainer:\n  check_val_every_n_epoch: none\n"
    documents["typo.yaml"] = f"{MODELINE}\ntrainer:\n  max_epoch: 3\n"
    found = _diagnose(documents)
    wrong = [name for name, takes_none in optional.items() if bool(found[f"null_{name}.yaml"]) == takes_none]
    assert not wrong, f"null accepted/refused against the Trainer's annotation: {wrong}"
    assert sum(optional.values()) >= 20 and sum(not v for v in optional.values()) >= 10
    assert found["none_spelling.yaml"] and found["none_spelling.yaml"][0]["range"]["start"]["line"] == 2
    assert any("max_epoch" in d["message"] for d in found["typo.yaml"])


def test_examples_validate_and_demo_mistakes_do_not():
    demo = (ROOT / "examples" / "demo.yaml").read_text(encoding="utf-8")
    mistakes = (ROOT / "docs" / "demo" / "lightningcli" / "mistakes.yaml").read_text(encoding="utf-8")
    mistakes = mistakes.replace("../../../schemas/", "../schemas/")  # opened as if it sat in examples/
    found = _diagnose({"demo_copy.yaml": demo, "mistakes_copy.yaml": mistakes})
    assert found["demo_copy.yaml"] == []
    lines = {d["range"]["start"]["line"] + 1 for d in found["mistakes_copy.yaml"]}
    assert {8, 9, 10} <= lines, found["mistakes_copy.yaml"]  # max_epoch, gpus, check_val_every_n_epoch: none
