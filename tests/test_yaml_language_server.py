"""The YAML schema works in the real YAML language server (the engine of VS Code's YAML extension,
Helix, Zed and others): linked with a ``# yaml-language-server: $schema=`` modeline, it accepts
``null`` exactly where ``lightning.Trainer``'s annotation is ``Optional`` (read from the real
signature) and nowhere else, refuses trainer-lint's TOML spelling ``none``, and flags unknown keys;
and it completes and documents what the TOML servers do with the editor schema (the cases of
``tests/test_schema_servers.py``, in YAML): the Trainer's keys once each with docs, closed values,
strategy and profiler names, each slot's class paths, the ``init_args`` of the class a mapping
names, hover docs.

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


# ------------------------------------------------------------- completion and hover


def ask(cases: list[tuple[str, str]], modeline: str = MODELINE) -> list[Any]:
    """Put each ``(kind, text with a «» cursor)`` to one server session (``kind``: ``completion``
    or ``hover``; the text is opened at ``examples/``, after ``modeline``): the completion items
    (LSP dicts) or the hover's Markdown, in order."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from lsp_client import split_cursor

    client = _Client(_server())
    answers: dict[int, Any] = {}
    settings = {"validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}

    def request(method: str, params: dict[str, Any]) -> Any:
        ident = client.request(method, params)
        deadline = time.monotonic() + 30
        while ident not in answers and time.monotonic() < deadline:
            message = client.inbox.get(timeout=30)
            if "method" in message and "id" in message:  # a question from the server
                items = message.get("params", {}).get("items", [])
                client._send({"id": message["id"], "result": [settings] * len(items) if message["method"] == "workspace/configuration" else None})
            elif "id" in message and "method" not in message:
                answers[message["id"]] = message.get("result")
        return answers.get(ident)

    out: list[Any] = []
    try:
        markdown = {"completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]}}  # as editors declare
        request("initialize", {"processId": os.getpid(), "rootUri": ROOT.as_uri(),
                               "capabilities": {"workspace": {"configuration": True}, "textDocument": markdown}})
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})
        for index, (kind, source) in enumerate(cases):
            text, position = split_cursor(modeline + "\n" + source)
            uri = (ROOT / "examples" / f"yaml-ls-{index}.yaml").as_uri()  # never written: the modeline's ../schemas/ resolves
            client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
            where = {"textDocument": {"uri": uri}, "position": {"line": position.line, "character": position.character}}
            result = request(f"textDocument/{kind}", where)
            if kind == "completion":
                out.append(result.get("items", []) if isinstance(result, dict) else (result or []))
            else:
                contents = (result or {}).get("contents", "") if isinstance(result, dict) else ""
                shown = contents.get("value", "") if isinstance(contents, dict) else str(contents)
                out.append(shown.replace("\\", ""))  # the server escapes Markdown
    finally:
        client.close()
    return out


def _items(found: list[dict[str, Any]]) -> list[Any]:
    """LSP completion items as the objects the TOML servers' checks read (``label``, ``documentation``)."""
    from types import SimpleNamespace

    def doc(item: dict[str, Any]) -> Any:
        value = item.get("documentation")
        return SimpleNamespace(value=value.get("value", "")) if isinstance(value, dict) else value

    return [SimpleNamespace(label=i["label"], documentation=doc(i)) for i in found]


def _cases() -> list[tuple[str, str, str, Any]]:
    """``(id, text, kind, check)``: the cases of tests/test_schema_servers.py that a schema can
    pass (cross-field problems are for ``trainer-lint server``), written in YAML."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    import test_schema_servers as toml

    checkpoint, doc = toml.CHECKPOINT, toml._SNAPSHOT[toml.CHECKPOINT]["params"]["save_top_k"]["doc"][:40]
    return [
        ("trainer-keys", "trainer:\n  «»\n", "completion", toml.keys_once_documented),
        ("precision", "trainer:\n  precision: «»\n", "completion", toml.values([p.strip('"') for p in toml.PRECISIONS], quoted=False)),
        ("accelerator", "trainer:\n  accelerator: «»\n", "completion", toml.values(toml.ACCELERATORS, quoted=False)),
        ("strategy", "trainer:\n  strategy: «»\n", "completion", toml.values(toml.STRATEGIES, quoted=False)),
        ("profiler", "trainer:\n  profiler: «»\n", "completion", toml.values(toml.PROFILERS, quoted=False)),
        ("callback-path", "trainer:\n  callbacks:\n    - class_path: «»\n", "completion",
         toml.class_paths("callback", checkpoint, "lightning.pytorch.loggers.CSVLogger")),
        ("logger-path", "trainer:\n  logger:\n    class_path: «»\n", "completion",
         toml.class_paths("logger", "lightning.pytorch.loggers.CSVLogger", checkpoint)),
        ("checkpoint-args-block", f"trainer:\n  callbacks:\n    - class_path: {checkpoint}\n      init_args:\n        monitor: val_loss\n        «»\n",
         "completion", toml.arguments(toml.CHECKPOINT_ARGS, ("monitor",))),
        ("checkpoint-args-flow", f"trainer:\n  callbacks:\n    - class_path: {checkpoint}\n      init_args: {{monitor: val_loss, «»}}\n",
         "completion", toml.arguments(toml.CHECKPOINT_ARGS, ("monitor",))),
        ("logger-args", "trainer:\n  logger:\n    class_path: lightning.pytorch.loggers.CSVLogger\n    init_args:\n      «»\n",
         "completion", toml.arguments(toml.LOGGER_ARGS)),
        ("hover-init-arg", f"trainer:\n  callbacks:\n    - class_path: {checkpoint}\n      init_args:\n        save_«»top_k: 3\n",
         "hover", toml.hover_has(doc, "ModelCheckpoint", "Default: `1`")),
        ("hover-class-path", f"trainer:\n  callbacks:\n    - class_path: {checkpoint[:-6]}«»{checkpoint[-6:]}\n",
         "hover", toml.hover_has("save_top_k", "api/lightning.pytorch.callbacks.ModelCheckpoint.html")),
        ("hover-trainer-key", "trainer:\n  max_e«»pochs: 3\n", "hover", toml.hover_has("Stop after this many epochs", "lightning.ai/docs/pytorch")),
        ("hover-closed-value", "trainer:\n  precision: bf16-m«»ixed\n", "hover", toml.hover_has("bfloat16")),
    ]


KNOWN_LIMITS = {
    "checkpoint-args-flow": "the YAML language server offers no keys inside a flow mapping (`init_args: {monitor: val_loss, }`), whatever the schema",
}
"""Cases the server fails whatever the schema says (:func:`test_known_limits_are_the_servers`)."""

_RESULTS: dict[str, str | None] = {}


def results() -> dict[str, str | None]:
    """Case id -> None (right) or what is wrong, measured once per run."""
    if not _RESULTS:
        cases = _cases()
        found = ask([(kind, text) for _, text, kind, _ in cases])
        for (case, _, kind, check), answer in zip(cases, found):
            _RESULTS[case] = check(_items(answer) if kind == "completion" else answer)
    return _RESULTS


@pytest.mark.parametrize("case", [c[0] for c in _cases()])
def test_completion_and_hover(case: str) -> None:
    _server()
    problem = results()[case]
    if case in KNOWN_LIMITS:
        if problem is None:
            pytest.fail(f"the YAML language server now passes {case}: drop it from KNOWN_LIMITS")
        pytest.xfail(KNOWN_LIMITS[case])
    assert problem is None, f"{case}: {problem}"


def test_known_limits_are_the_servers(tmp_path: Path) -> None:
    """Each known limit fails with the plainest schema that describes it too (no ``anyOf``,
    ``allOf`` or ``$ref``): it is the server's, not the schema's."""
    import sys

    _server()
    sys.path.insert(0, str(Path(__file__).parent))
    import test_schema_servers as toml

    plain = tmp_path / "plain.schema.json"
    plain.write_text(json.dumps(toml.plain_schema()), encoding="utf-8")
    cases = [c for c in _cases() if c[0] in KNOWN_LIMITS]
    found = ask([(kind, text) for _, text, kind, _ in cases], modeline=f"# yaml-language-server: $schema={plain.as_uri()}")
    passed = [case for (case, _, kind, check), answer in zip(cases, found) if check(_items(answer) if kind == "completion" else answer) is None]
    assert not passed, f"the YAML language server passes {passed} with a plain schema: the limit is ours to fix"
