"""Benchmark ``trainer-lint server`` as an editor meets it, and write the "Language server" section
of ``docs/benchmarks.md``.

    python benchmarks/server.py              # the full run (about a minute), writes the section
    python benchmarks/server.py --no-write   # print only
    env -u PYTHONDONTWRITEBYTECODE python benchmarks/server.py   # as users run it (see README)

Targets (issue 15): start to first diagnostics <= 300 ms; from a change notification to the
diagnostics of a 200-line config <= 50 ms at the 95th percentile, debounce included (the lint
itself < 10 ms); completion <= 20 ms. The same rows are measured on a 200-line YAML config
(LightningCLI's format: the TOML config converted by ``trainer-lint convert`` and filled up to 200
lines), held to the same targets.

How it measures, with a minimal client of its own (raw JSON-RPC over pipes, a reader thread
stamping each message as it arrives), so that the client adds next to nothing:

* **start**: a fresh server process per round; the clock starts before the process is spawned
  and stops when the first ``publishDiagnostics`` for the opened config arrives. The client does
  what editors do: ``initialize``, then on its answer ``initialized`` and ``didOpen``.
* **change -> diagnostics**: one server, a 200-line config, a change every 60 ms (a typing pace;
  each change is the whole text, as the server asks), each timed from the moment the change is
  written to the pipe to the moment the diagnostics of that version arrive.
* **lint**: ``engine.lint_text`` on the same 200-line text, in this process.
* **completion**: requests at three kinds of places (Trainer keys, a class's ``init_args``, the
  values of ``strategy``), timed request to answer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- server:begin -->", "<!-- server:end -->"
TARGETS = {"start": 0.300, "change_p95": 0.050, "lint": 0.010, "completion": 0.020}


def config_200() -> str:
    """A realistic config of exactly 200 lines: Trainer arguments, callbacks with init_args (as
    inline tables and as sub-tables), a logger, a model with many arguments, comments."""
    lines = [
        "#:schema ../schemas/trainer.schema.json",
        "# A long config, as big projects have them.",
        "seed_everything = 42",
        'ckpt_path = "last"',
        "",
        "[trainer]",
        'accelerator = "gpu"',
        "devices = 4",
        "num_nodes = 2",
        'strategy = "ddp"',
        'precision = "bf16-mixed"',
        "max_epochs = 100",
        "min_epochs = 5",
        "accumulate_grad_batches = 4",
        "gradient_clip_val = 1.0",
        'gradient_clip_algorithm = "norm"',
        "log_every_n_steps = 25",
        "check_val_every_n_epoch = 1",
        "val_check_interval = 0.5",
        "num_sanity_val_steps = 2",
        "limit_train_batches = 1.0",
        "limit_val_batches = 0.25",
        "deterministic = false",
        "benchmark = true",
        "enable_progress_bar = true",
        "enable_model_summary = true",
        'default_root_dir = "runs/big"',
        "sync_batchnorm = true",
        "",
    ]
    monitors = ["val_loss", "val_acc", "train_loss"]
    i = 0
    while len(lines) < 150:
        monitor = monitors[i % 3]
        lines += [
            "[[trainer.callbacks]]",
            'class_path = "lightning.pytorch.callbacks.ModelCheckpoint"',
            f'init_args = {{ monitor = "{monitor}", mode = "min", save_top_k = {i % 3 + 1}, filename = "ckpt-{i}-{{epoch}}" }}',
            "",
            "[[trainer.callbacks]]",
            'class_path = "lightning.pytorch.callbacks.EarlyStopping"',
            "",
            "[trainer.callbacks.init_args]",
            f'monitor = "{monitor}"',
            f"patience = {i + 3}",
            'mode = "min"',
            "",
        ]
        i += 1
    lines += [
        "[trainer.logger]",
        'class_path = "lightning.pytorch.loggers.CSVLogger"',
        'init_args = { save_dir = "runs/big", name = "experiment" }',
        "",
        "[model]",
        'class_path = "my_project.models.Classifier"',
        "",
        "[model.init_args]",
    ]
    k = 0
    while len(lines) < 200:
        lines.append(f"hidden_{k} = {64 * (k + 1)}  # layer {k}")
        k += 1
    assert len(lines) == 200
    return "\n".join(lines) + "\n"


def config_200_yaml() -> str:
    """The same config as LightningCLI's YAML (``convert``'s output), filled up to exactly 200
    lines with more model arguments."""
    sys.path.insert(0, str(ROOT))
    from trainer_lint.formats.convert import toml_to_yaml

    lines = toml_to_yaml(config_200(), "big.toml").text.rstrip("\n").split("\n")
    last = max(i for i, line in enumerate(lines) if line.lstrip().startswith("hidden_"))
    indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    k = sum(1 for line in lines if line.lstrip().startswith("hidden_"))
    while len(lines) < 200:
        lines.insert(last + 1, f"{indent}hidden_{k}: {64 * (k + 1)}  # layer {k}")
        last += 1
        k += 1
    assert len(lines) == 200, len(lines)
    return "\n".join(lines) + "\n"


FORMATS = {
    "toml": {"name": "big.toml", "text": config_200, "edit": ("max_epochs = 100", "max_epochs = {n}")},
    "yaml": {"name": "big.yaml", "text": config_200_yaml, "edit": ("max_epochs: 100", "max_epochs: {n}")},
}
"""Per format: the file name, the 200-line config, and the keystroke each change makes."""


class Client:
    """A raw LSP client on a server process: writes messages, stamps those that arrive."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: str) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        self.inbox: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            body = stream.read(length or 0)
            self.inbox.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict[str, Any]) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return time.perf_counter()

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, match: Any, timeout: float = 30) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            stamp, message = self.inbox.get(timeout=max(0.001, deadline - time.perf_counter()))
            if match(message):
                return stamp, message

    def initialize(self, folder: Path) -> None:
        ident = self.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": {"general": {"positionEncodings": ["utf-16"]}}})
        self.wait(lambda m: m.get("id") == ident)
        self.send({"method": "initialized", "params": {}})

    def close(self) -> None:
        try:
            ident = self.request("shutdown", None)
            self.wait(lambda m: m.get("id") == ident, 10)
            self.send({"method": "exit", "params": None})
            self.process.wait(10)
        except Exception:
            self.process.kill()


def published(uri: str, version: int | None = None) -> Any:
    def match(message: dict[str, Any]) -> bool:
        params = message.get("params") or {}
        return message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri and (version is None or params.get("version") == version)

    return match


def command() -> list[str]:
    script = Path(sys.executable).with_name("trainer-lint")
    return [str(script), "server"] if script.is_file() else [sys.executable, "-m", "trainer_lint", "server"]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure_start(folder: Path, text: str, rounds: int, syntax: str = "toml") -> list[float]:
    config = folder / FORMATS[syntax]["name"]
    config.write_text(text)
    times = []
    for _ in range(rounds):
        client = Client(command(), env(), str(folder))
        client.initialize(folder)
        uri = config.as_uri()
        client.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": syntax, "version": 1, "text": text}}})
        stamp, _ = client.wait(published(uri))
        times.append(stamp - client.started)
        client.close()
    return times


def opened(folder: Path, text: str, syntax: str = "toml") -> tuple[Client, str]:
    """A started, initialized server with ``text`` open as ``big.toml`` (``big.yaml``), first
    diagnostics in."""
    config = folder / FORMATS[syntax]["name"]
    config.write_text(text)
    client = Client(command(), env(), str(folder))
    client.initialize(folder)
    uri = config.as_uri()
    client.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": syntax, "version": 1, "text": text}}})
    client.wait(published(uri, 1))
    return client, uri


def measure_changes(folder: Path, text: str, changes: int, pace: float, syntax: str = "toml") -> list[float]:
    client, uri = opened(folder, text, syntax)
    old, new = FORMATS[syntax]["edit"]
    assert old in text
    times = []
    for version in range(2, changes + 2):
        edited = text.replace(old, new.format(n=version))  # a keystroke in a value
        sent = client.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]}})
        stamp, _ = client.wait(published(uri, version))
        times.append(stamp - sent)
        time.sleep(pace)
    client.close()
    return times


def places(text: str, syntax: str) -> dict[str, dict[str, int]]:
    """Where completion is asked: a Trainer key, a ModelCheckpoint argument, a strategy name."""
    lines = text.split("\n")
    if syntax == "yaml":
        return {
            "Trainer keys": {"line": lines.index("trainer:") + 1, "character": 2},
            "ModelCheckpoint init_args": {"line": next(i for i, l in enumerate(lines) if "init_args: {monitor" in l), "character": lines[next(i for i, l in enumerate(lines) if "init_args: {monitor" in l)].index("{") + 1},
            "strategy values": {"line": next(i for i, l in enumerate(lines) if l.startswith("  strategy:")), "character": len("  strategy: ")},
        }
    return {
        "Trainer keys": {"line": lines.index("[trainer]") + 1, "character": 0},
        "ModelCheckpoint init_args": {"line": next(i for i, l in enumerate(lines) if l.startswith("init_args = { monitor")), "character": len("init_args = { ")},
        "strategy values": {"line": next(i for i, l in enumerate(lines) if l.startswith("strategy")), "character": len('strategy = "')},
    }


def measure_completion(folder: Path, text: str, rounds: int, syntax: str = "toml") -> dict[str, list[float]]:
    client, uri = opened(folder, text, syntax)
    where = places(text, syntax)
    out: dict[str, list[float]] = {}
    for name, position in where.items():
        times = []
        for _ in range(rounds):
            ident = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": position})
            sent = time.perf_counter()
            stamp, answer = client.wait(lambda m, i=ident: m.get("id") == i)
            assert answer.get("result"), f"no completion for {name}"
            times.append(stamp - sent)
        out[name] = times
    client.close()
    return out


def measure_lint(text: str, rounds: int, syntax: str = "toml") -> list[float]:
    sys.path.insert(0, str(ROOT))
    from trainer_lint.engine import lint_text

    name = FORMATS[syntax]["name"]
    lint_text(text, name)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        lint_text(text, name)
        times.append(time.perf_counter() - start)
    return times


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def report(results: dict[str, dict[str, Any]], argv: list[str]) -> str:
    """The section: one block of rows per format (``results[syntax]``: start, changes, lint,
    completion)."""
    rows = []
    for syntax, found in results.items():
        words = "" if syntax == "toml" else " (YAML)"
        start, changes, lint, completion = found["start"], found["changes"], found["lint"], found["completion"]
        all_completions = [t for times in completion.values() for t in times]
        rows += [
            (f"start to first diagnostics{words}", TARGETS["start"], statistics.median(start), percentile(start, 0.95), max(start), len(start), statistics.median(start)),
            (f"change to diagnostics, 200-line {syntax.upper()} config", TARGETS["change_p95"], statistics.median(changes), percentile(changes, 0.95), max(changes), len(changes), percentile(changes, 0.95)),
            (f"lint of the 200-line {syntax.upper()} config (in process)", TARGETS["lint"], statistics.median(lint), percentile(lint, 0.95), max(lint), len(lint), statistics.median(lint)),
            (f"completion (all places){words}", TARGETS["completion"], statistics.median(all_completions), percentile(all_completions, 0.95), max(all_completions), len(all_completions), percentile(all_completions, 0.95)),
        ]
    out = [
        BEGIN,
        "## Language server",
        "",
        "Written by `benchmarks/server.py` (not by `run.py`, which keeps this section); rerun it to refresh:",
        "",
        "```sh",
        " ".join(["python", "benchmarks/server.py", *argv]),
        "```",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} logical cores, load average {os.getloadavg()[0]:.2f} at the end; server command "
        f"`{' '.join(command()[-2:])}`; `PYTHONDONTWRITEBYTECODE` {'set' if os.environ.get('PYTHONDONTWRITEBYTECODE') else 'unset'}.",
        "How it measures: see the docstring of `benchmarks/server.py`. The YAML config is the TOML one",
        "converted with `trainer-lint convert` and filled up to 200 lines; its first diagnostics include",
        "importing PyYAML, which serving TOML alone never does. The formats run one after the other on a",
        "shared machine: differences of a few tens of milliseconds between them are load, not format",
        "(`--formats yaml,toml` reverses the order).",
        "",
        "| what | target | median | 95th percentile | max | samples | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, target, median, p95, worst, count, judged in rows:
        kind = "p95" if name.startswith(("change", "completion")) else "median"
        out.append(f"| {name} | {kind} <= {ms(target)} | {ms(median)} | {ms(p95)} | {ms(worst)} | {count} | {'yes' if judged <= target else '**no**'} |")
    out += [
        "",
        "The max column includes the first request after start, which waits while pygls loads (the fast",
        "start answers `initialize` and publishes the first diagnostics before loading it, and keeps",
        "linting changes meanwhile; see `trainer_lint/server/start.py`).",
        "",
        "| completion at | format | median | 95th percentile |",
        "|---|---|---|---|",
    ]
    for syntax, found in results.items():
        for name, times in found["completion"].items():
            out.append(f"| {name} | {syntax.upper()} | {ms(statistics.median(times))} | {ms(percentile(times, 0.95))} |")
    out += ["", END]
    return "\n".join(out) + "\n"


def write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.is_file() else "# Benchmarks\n"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END) + "\n?", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--starts", type=int, default=15)
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--pace", type=float, default=0.06, help="seconds between changes")
    parser.add_argument("--completions", type=int, default=100, help="requests per place")
    parser.add_argument("--formats", default="toml,yaml", help="comma-separated: toml, yaml")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    argv = [a for a in sys.argv[1:] if a != "--no-write"]
    results: dict[str, dict[str, Any]] = {}
    for syntax in args.formats.split(","):
        text = FORMATS[syntax]["text"]()
        with tempfile.TemporaryDirectory() as folder:
            where = Path(folder)
            results[syntax] = {
                "start": measure_start(where, text, args.starts, syntax),
                "changes": measure_changes(where, text, args.changes, args.pace, syntax),
                "completion": measure_completion(where, text, args.completions, syntax),
            }
        results[syntax]["lint"] = measure_lint(text, 200, syntax)
    section = report(results, argv)
    sys.stdout.write(section)
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()
