"""The server under a random sequence of edits, on a TOML and on a YAML config (LightningCLI's):
half-typed keys, tables and mappings, unterminated strings and flow collections, tabs,
pasted binary and odd characters (NUL, form feeds, lone carriage returns, U+2028, lone
surrogates, emoji), line-ending changes, deleting everything, pasting a whole config back.

Every edit goes to the server over stdio as a real client sends it, in bursts (several changes
before the client waits, as when typing fast or pasting). Then:

* the server never crashes or hangs, and answers a request and shuts down cleanly at the end;
* every set of diagnostics it publishes equals what ``check`` says of the same text (the text of
  the version the set is for), position by position, in the client's encoding; the one exception
  is the rule in :mod:`trainer_lint.server.session`: a document whose last text that parsed was
  not a trainer config gets no diagnostics while it does not parse (modelled here, and counted);
* the diagnostics of the last version arrive (a burst is never left unlinted).

``check`` here is :func:`trainer_lint.checker.check_file` on a file holding the same bytes, the
function ``trainer-lint check`` calls; every :data:`CLI_EVERY`-th checked version is also run
through the real command (``--format json``) to tie the two together.

``TRAINER_LINT_SERVER_FUZZ_EDITS`` sets the number of edits per format (default 2,000, the
issue's figure) and ``TRAINER_LINT_SERVER_FUZZ_SEED`` the seed.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("pygls", reason="trainer-lint server needs the lsp extra (pip install 'trainer-lint[lsp]')")
pytest.importorskip("pytest_lsp", reason="the server tests need pytest-lsp (the test extra)")

from lsp_client import Session, server_command, server_env  # noqa: E402
from test_server import as_check, from_check  # noqa: E402

EDITS = int(os.environ.get("TRAINER_LINT_SERVER_FUZZ_EDITS", "2000"))
SEED = int(os.environ.get("TRAINER_LINT_SERVER_FUZZ_SEED", "0"))
CLI_EVERY = 50

CONFIG = """#:schema ../schemas/trainer.schema.json
seed_everything = 42  # a comment with é and 😋

[trainer]
accelerator = "cpu"
devices = 1
max_epochs = 3
strategy = "ddp"
precision = "16-mixed"
barebones = false

[[trainer.callbacks]]
class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
init_args = { monitor = "val_loss", mode = "min", save_top_k = 2 }

[[trainer.callbacks]]
class_path = "lightning.pytorch.callbacks.EarlyStopping"

[trainer.callbacks.init_args]
monitor = "val_loss"
patience = 3
"""

SNIPPETS = [
    "max_ep", "max_epochs = ", "max_epochs = 1", "[trainer.", "[[trainer.callbacks]]\n", "class_path = \"light",
    'strategy = "DDP"', "precision = 16", "logger = true\n", "barebones = true\n", "gpus = 2\n", "init_args = { ",
    "}", "]", "[", "{", "=", ",", ".", '"', "'", '"""', "'''", "\n", "\r\n", "\r", "# trainer-lint: ignore[TL103]",
    "# trainer-lint: ignore[TL999]", "devices = [0, 0]\n", "max_time = { hours = ", "accelerator = \"mps\"\n",
    "😋", "é", "\u2028", "\x0c", "\x00", "\ud800", "\t", "  ", "true", "-1", "1e400", "\"\\u12\"",
]


YAML_CONFIG = """# yaml-language-server: $schema=../schemas/trainer.yaml.schema.json
seed_everything: 42  # a comment with é and 😋

trainer:
  accelerator: cpu
  devices: 1
  max_epochs: 3
  strategy: ddp
  precision: 16-mixed
  barebones: false
  check_val_every_n_epoch: null
  callbacks:
    - class_path: lightning.pytorch.callbacks.ModelCheckpoint
      init_args: {monitor: val_loss, mode: min, save_top_k: 2}
    - class_path: lightning.pytorch.callbacks.EarlyStopping
      init_args:
        monitor: val_loss
        patience: 3
  logger: &log
    class_path: lightning.pytorch.loggers.CSVLogger
    init_args:
      save_dir: runs
"""

YAML_SNIPPETS = [
    "max_ep", "max_epochs: ", "max_epochs: 1", "trainer:\n", "  ", "    - ", "- class_path: light", "class_path: ",
    "strategy: DDP", "precision: 16", "logger: true\n", "barebones: true\n", "gpus: 2\n", "init_args: {", "}", "]",
    "[", "{", ":", ",", "-", "&a ", "*a", "<<: *log\n", "|\n", ">-\n", '"', "'", "\n", "\r\n", "\r", "---\n", "...\n",
    "# trainer-lint: ignore[TL103]", "# trainer-lint: ignore[TL999]", "devices: [0, 0]\n", "max_time: {hours: ", "yes",
    "on", "null", "~", "${oc.env:X}", "!!python/name:os.system", "accelerator: mps\n", "😋", "é", "\u2028", "\x0c",
    "\x00", "\ud800", "\t", "true", "-1", "1e400", '"\\u12"', "%YAML 1.1\n",
]

FORMATS = {
    "toml": ("fuzz.toml", CONFIG, SNIPPETS, ['max_epochs = 10\n', 'strategy = "fsdp"\n', 'class_path = "lightning.pytorch.callbacks.Timer"\n']),
    "yaml": ("fuzz.yaml", YAML_CONFIG, YAML_SNIPPETS, ["  max_epochs: 10\n", "  strategy: fsdp\n", "    - class_path: lightning.pytorch.callbacks.Timer\n"]),
}
"""Per format: the file name, the config the fuzz starts from, snippets to paste, lines to type."""


def _edit(rng: random.Random, text: str, last_good: str, config: str = CONFIG, snippets: list[str] = SNIPPETS, typed: list[str] | None = None) -> str:
    """One random edit of ``text`` (``last_good``: the last text that parsed, for "undo")."""
    if rng.random() < (0.1 if text == last_good else 0.35):
        return last_good  # undo back to the last text that parsed, as users do
    roll = rng.random()
    at = rng.randint(0, len(text))
    if roll < 0.30:
        return text[:at] + rng.choice(snippets) + text[at:]
    if roll < 0.50:
        end = min(len(text), at + rng.randint(1, 40))
        return text[:at] + text[end:]
    if roll < 0.62:
        end = min(len(text), at + rng.randint(0, 30))
        return text[:at] + "".join(rng.choice(snippets) for _ in range(rng.randint(1, 4))) + text[end:]
    if roll < 0.72:  # pasted binary
        blob = bytes(rng.randrange(256) for _ in range(rng.randint(1, 24))).decode("latin-1")
        return text[:at] + blob + text[at:]
    if roll < 0.78:  # a line typed character by character, cut anywhere
        line = rng.choice(typed or FORMATS["toml"][3])
        return text[:at] + line[: rng.randint(1, len(line))] + text[at:]
    if roll < 0.82:
        return text.replace("\n", "\r\n") if rng.random() < 0.5 else text.replace("\r\n", "\n")
    if roll < 0.86:
        return ""
    if roll < 0.90:
        return config
    end = min(len(text), at + rng.randint(1, 5))
    return text[:at] + text[end:]


def _expected(path: Path, text: str) -> list[tuple[int, int, str, str, str]]:
    from trainer_lint.checker import check_file
    from trainer_lint.engine import ALL

    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = check_file(str(path), ALL)
    return from_check([
        {"line": d.span.line, "column": d.span.column, "end_line": d.span.end_line, "end_column": d.span.end_column,
         "code": d.code, "severity": d.severity.value, "message": d.message}
        for d in getattr(result, "diagnostics", [])
    ], text)


def _cli(path: Path, text: str) -> list[tuple[int, int, str, str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--format", "json", str(path)],
        capture_output=True, text=True, env=server_env(), cwd=path.parent, timeout=120,
    )
    return from_check(json.loads(done.stdout)["diagnostics"], text)


@pytest.mark.parametrize("syntax", sorted(FORMATS))
def test_server_survives_random_edits_and_agrees_with_check(tmp_path: Path, syntax: str) -> None:
    if syntax == "yaml":
        pytest.importorskip("yaml", reason="YAML configs need PyYAML (the yaml extra)")
    name, config, snippets, typed = FORMATS[syntax]
    rng = random.Random(SEED)
    probe = random.Random(SEED + 1)
    texts: dict[int, str] = {}
    probes = 0

    async def session() -> tuple[Session, int]:
        nonlocal probes
        server = await Session.start(server_command(), tmp_path, env=server_env())
        uri = server.open(name, config, language=syntax)
        texts[1] = config
        text, version, sent, last_good = config, 1, 0, config
        await server.diagnostics(uri, version=1)
        while sent < EDITS:
            burst = min(EDITS - sent, rng.choice([1, 1, 1, 2, 3, 5, 8]))
            for _ in range(burst):
                text = _edit(rng, text, last_good, config, snippets, typed)
                if len(text) > 20_000:
                    text = config
                if _parses(text, name):
                    last_good = text
                version = server.change(uri, text)
                texts[version] = text
            sent += burst
            await server.diagnostics(uri, version=version, timeout=60)
            if probe.random() < 0.1:  # completion and hover on the broken text answer (never an error)
                from lsprotocol import types as T
                from trainer_lint.server.text import Lines

                position = T.Position(**Lines(text).position(probe.randint(0, len(text))))
                await server.completion(uri, position)
                await server.hover(uri, position)
                probes += 1
        # still alive, still answering
        from lsprotocol import types as T

        await server.hover(uri, T.Position(0, 0))
        process = server.client._server
        await server.stop()
        return server, await asyncio.wait_for(process.wait(), 30)

    server, code = asyncio.run(session())
    assert code == 0, "the server did not exit cleanly"
    published = [p for p in server.published if p.uri.endswith(name)]
    assert published[-1].version == max(texts), "the last version was never linted"
    versions = [p.version for p in published]
    assert versions == sorted(versions), "diagnostics arrived out of order"

    check_path = tmp_path / "check" / name  # the same file name, no settings on the way up
    check_path.parent.mkdir()
    config: bool | None = None
    compared = silenced = parsed_configs = parsed_other = broken = cli_checked = 0
    for index, params in enumerate(published):
        text = texts[params.version]
        want = _expected(check_path, text)
        parses, is_config = _verdict(check_path)
        if parses:
            config = is_config
            parsed_configs += is_config
            parsed_other += not is_config
        elif config is False:
            want = []  # a document whose last parsable text was not a config stays quiet
            silenced += 1
        else:
            broken += 1
        got = as_check(list(params.diagnostics), text)
        assert got == want, f"version {params.version}: server {got[:3]} != check {want[:3]}\ntext: {text[:300]!r}"
        compared += 1
        if index % CLI_EVERY == 0 and (parses or config is not False):
            assert _cli(check_path, text) == want, f"version {params.version}: `check` command differs from check_file"
            cli_checked += 1
    from differential.summary import record

    record(f"server fuzz, {syntax.upper()}: {EDITS} edits (seed {SEED}), {compared} published diagnostic sets equal to `check` "
           f"({parsed_configs} configs, {parsed_other} other {syntax.upper()}, {broken} not parsing; {silenced} quiet by the "
           f"not-a-config rule; {cli_checked} also through the `check` command; {probes} completion and hover probes)")
    assert compared >= EDITS // 10


def _parses(text: str, name: str) -> bool:
    from trainer_lint import formats

    return "\x00" not in text and formats.parses(text, name)


def _verdict(path: Path) -> tuple[bool, bool]:
    """Whether the file parses, and whether it is then a trainer config (the engine's verdict)."""
    from trainer_lint.document import DocumentError
    from trainer_lint.engine import is_trainer_config
    from trainer_lint.formats import read

    try:
        document = read(path)
    except (DocumentError, OSError):
        return False, False
    return True, is_trainer_config(document.data)
