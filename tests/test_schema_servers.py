"""The committed schema in the two TOML language servers editors run, driven over stdio by a real
LSP client: Tombi (``pip install tombi``) and Taplo (``@taplo/lsp``, the WebAssembly server
Even Better TOML runs, installed from npm by ``scripts/test.sh``); and the same expectations of
``trainer-lint server``, which reads the config rather than a schema (and adds what a schema
cannot say: cross-field problems).

Each case is a config with a cursor (``«»``) and what a user should get there: completion of the
Trainer's keys (each once, documented), of closed values, of case-insensitive names, of the
class paths a slot takes, of the ``init_args`` of the class a table names, and hover docs. The
same cases make the table in ``docs/editors.md``; print it with
``python tests/test_schema_servers.py``.

What a server cannot do whatever the schema says is an ``xfail`` with the reason, so that it is
reported, not hidden (Taplo never completes inside an ``[[array of tables]]`` entry's inline
tables or sub-tables, and panics on an empty line under such a sub-table's header);
:func:`test_known_limits_are_the_servers` shows each such limit with a plain schema too.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from trainer_lint import classes

sys.path.insert(0, str(Path(__file__).parent))

from lsp_client import ROOT, Session, server_command, server_env, split_cursor, taplo_command, tombi_command  # noqa: E402

SCHEMA = ROOT / "schemas" / "trainer.schema.json"
_EDITOR = json.loads(SCHEMA.read_text(encoding="utf-8"))
TRAINER_KEYS = sorted(_EDITOR["properties"]["trainer"]["properties"])
_SNAPSHOT = classes.load()["classes"]  # the newest release's class snapshot (trainer_lint/lightning/releases.json)
CHECKPOINT = "lightning.pytorch.callbacks.ModelCheckpoint"
CHECKPOINT_ARGS = sorted(_SNAPSHOT[CHECKPOINT]["params"])
LOGGER_ARGS = sorted(_SNAPSHOT["lightning.pytorch.loggers.CSVLogger"]["params"])


def _model_values(name: str) -> list[str]:
    from trainer_lint import model

    return list(getattr(model, name))


STRATEGIES = _model_values("STRATEGIES")
ACCELERATORS = _model_values("ACCELERATORS")
PROFILERS = _model_values("PROFILERS")
PRECISIONS = [str(v) for v in _model_values("PRECISION_INTS")] + [f'"{v}"' for v in _model_values("PRECISION_STRINGS") + _model_values("PRECISION_ALIASES")]


@dataclass(frozen=True)
class Case:
    id: str
    row: str
    """The expectation, as the issue's table words it."""
    text: str
    kind: str
    """``completion`` or ``hover``."""
    check: Callable[[object], str | None]
    """Returns None when the result is right, else what is wrong."""


def _labels(items) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.label for i in items]


def _strings(items) -> list[str]:  # type: ignore[no-untyped-def]
    return [label.strip("\"'") for label in _labels(items)]


def _docs(item) -> str:  # type: ignore[no-untyped-def]
    doc = item.documentation
    return doc if isinstance(doc, str) else getattr(doc, "value", "") or ""


def keys_once_documented(items) -> str | None:  # type: ignore[no-untyped-def]
    labels = _labels(items)
    counts = {k: labels.count(k) for k in TRAINER_KEYS}
    missing = [k for k, n in counts.items() if n == 0]
    repeated = [k for k, n in counts.items() if n > 1]
    undocumented = sorted({i.label for i in items if i.label in TRAINER_KEYS and not _docs(i).strip()})
    unknown = sorted({label for label in labels if label.split(".")[0] not in TRAINER_KEYS})
    problems = []
    if missing:
        problems.append(f"missing {missing}")
    if repeated:
        problems.append(f"listed more than once: {repeated}")
    if undocumented:
        problems.append(f"no docs: {undocumented}")
    if unknown:
        problems.append(f"not Trainer keys: {unknown}")
    return "; ".join(problems) or None


def values(expected: list[str], *, quoted: bool = True) -> Callable[[object], str | None]:
    def check(items) -> str | None:  # type: ignore[no-untyped-def]
        got = _labels(items)
        want = [f'"{v}"' for v in expected] if quoted else expected
        missing = [v for v in want if v not in got]
        empty = got.count("{ }") + got.count("{}")
        repeated = sorted({label for label in got if got.count(label) > 1})
        problems = []
        if missing:
            problems.append(f"missing {missing}")
        if empty > 1:
            problems.append(f"{empty} empty table items")
        if repeated:
            problems.append(f"repeated {repeated}")
        return "; ".join(problems) or None

    return check


def class_paths(kind: str, must: str, must_not: str) -> Callable[[object], str | None]:
    def check(items) -> str | None:  # type: ignore[no-untyped-def]
        got = _strings(items)
        problems = []
        if must not in got:
            problems.append(f"{must} not offered ({len(got)} items)")
        if must_not in got:
            problems.append(f"{must_not} offered in a {kind} slot")
        return "; ".join(problems) or None

    return check


def arguments(expected: list[str], present: tuple[str, ...] = ()) -> Callable[[object], str | None]:
    def check(items) -> str | None:  # type: ignore[no-untyped-def]
        got = {label.split(" ")[0].split("=")[0].strip() for label in _labels(items)}
        missing = [a for a in expected if a not in got and a not in present]
        return f"missing {missing} ({len(got)} items)" if missing else None

    return check


def hover_has(*needles: str) -> Callable[[object], str | None]:
    def check(text) -> str | None:  # type: ignore[no-untyped-def]
        missing = [n for n in needles if n not in str(text)]
        return f"hover lacks {missing}: {str(text)[:200]!r}" if missing else None

    return check


CASES = [
    Case("trainer-keys", "the 41 Trainer keys in `[trainer]`, each once, with its docs", "[trainer]\n«»\n", "completion", keys_once_documented),
    Case("precision", "values after `precision =`", "[trainer]\nprecision = «»\n", "completion", values(PRECISIONS, quoted=False)),
    Case("accelerator", "values after `accelerator =`", "[trainer]\naccelerator = «»\n", "completion", values(ACCELERATORS)),
    Case("strategy", "values after `strategy =`", "[trainer]\nstrategy = «»\n", "completion", values(STRATEGIES)),
    Case("profiler", "values after `profiler =`", "[trainer]\nprofiler = «»\n", "completion", values(PROFILERS)),
    Case(
        "callback-path",
        "Lightning callback paths after `class_path =`",
        '[[trainer.callbacks]]\nclass_path = "«»"\n',
        "completion",
        class_paths("callback", CHECKPOINT, "lightning.pytorch.loggers.CSVLogger"),
    ),
    Case(
        "logger-path",
        "Lightning logger paths after `class_path =`",
        '[trainer.logger]\nclass_path = "«»"\n',
        "completion",
        class_paths("logger", "lightning.pytorch.loggers.CSVLogger", CHECKPOINT),
    ),
    Case(
        "checkpoint-args-table",
        "ModelCheckpoint's arguments inside its `init_args` (`[trainer.callbacks]` table)",
        f'[trainer.callbacks]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ «» }}\n',
        "completion",
        arguments(CHECKPOINT_ARGS),
    ),
    Case(
        "checkpoint-args-inline",
        "ModelCheckpoint's arguments inside its `init_args` (`[[trainer.callbacks]]`, inline table)",
        f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ monitor = "val_loss", «» }}\n',
        "completion",
        arguments(CHECKPOINT_ARGS, ("monitor",)),
    ),
    Case(
        "checkpoint-args-subtable",
        "ModelCheckpoint's arguments inside its `init_args` (`[trainer.callbacks.init_args]` sub-table)",
        f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\n\n[trainer.callbacks.init_args]\nmonitor = "val_loss"\n«»\n',
        "completion",
        arguments(CHECKPOINT_ARGS, ("monitor",)),
    ),
    Case(
        "logger-args",
        "CSVLogger's arguments inside its `init_args`",
        '[trainer.logger]\nclass_path = "lightning.pytorch.loggers.CSVLogger"\ninit_args = { «» }\n',
        "completion",
        arguments(LOGGER_ARGS),
    ),
    Case(
        "hover-init-arg",
        "hover on an `init_args` key",
        f'[trainer.callbacks]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ save_«»top_k = 3 }}\n',
        "hover",
        hover_has(_SNAPSHOT[CHECKPOINT]["params"]["save_top_k"]["doc"][:40]),
    ),
    Case(
        "hover-init-arg-array",
        "hover on an `init_args` key (`[[trainer.callbacks]]`)",
        f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ save_«»top_k = 3 }}\n',
        "hover",
        hover_has(_SNAPSHOT[CHECKPOINT]["params"]["save_top_k"]["doc"][:40]),
    ),
    Case(
        "cross-field",
        "cross-field problems (`barebones` with `logger`)",
        "[trainer]\nbarebones = true\nlogger = true«»\n",
        "diagnostics",
        lambda found: None if any("barebones" in d.message and "logger" in d.message for d in found) else f"not reported: {[d.message for d in found]}",
    ),
    Case(
        "hover-trainer-key",
        "hover on a Trainer key, with the Lightning docs link",
        "[trainer]\nmax_e«»pochs = 3\n",
        "hover",
        hover_has("Stop after this many epochs", "lightning.ai/docs/pytorch"),
    ),
]

KNOWN_LIMITS = {
    ("tombi", "cross-field"): "a schema cannot say that two keys conflict",
    ("taplo", "cross-field"): "a schema cannot say that two keys conflict",
    ("taplo", "checkpoint-args-inline"): "Taplo offers nothing inside the inline tables of an `[[array of tables]]` entry, whatever the schema",
    ("taplo", "checkpoint-args-subtable"): "Taplo panics (`Query::parent_table_or_array_table` unwraps a missing node) on an empty line under a sub-table of an `[[array of tables]]` entry, whatever the schema",
    ("taplo", "hover-init-arg-array"): "Taplo offers no hover inside an `[[array of tables]]` entry's inline table, whatever the schema",
}
"""Cases a server fails whatever the schema says (checked with plain schemas; see the module docs)."""


def plain_schema() -> dict[str, object]:
    """The simplest schema that describes ModelCheckpoint's arguments in ``[[trainer.callbacks]]``:
    no ``anyOf``, ``allOf`` or ``$ref``. A known limit must fail with it too."""
    args = {name: {"description": param.get("doc") or name} for name, param in _SNAPSHOT[CHECKPOINT]["params"].items()}
    item = {"type": "object", "properties": {"class_path": {"type": "string"}, "init_args": {"type": "object", "properties": args}}}
    trainer = {"type": "object", "properties": {"callbacks": {"type": "array", "items": item}}}
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {"trainer": trainer}}


def trainer_lint_command() -> tuple[list[str], dict[str, str]] | None:
    try:
        import pygls  # noqa: F401
    except ImportError:
        return None
    return server_command(), server_env()


SERVERS = {"tombi": tombi_command, "taplo": taplo_command, "trainer-lint": trainer_lint_command}


def _command(name: str):  # type: ignore[no-untyped-def]
    found = SERVERS[name]()
    if found is None:
        return None
    return found if isinstance(found, tuple) else (found, None)


async def run_cases(name: str, folder: Path, cases: list[Case], schema: Path = SCHEMA) -> dict[str, str | None]:
    """Run ``cases`` in one session of server ``name``; case id -> None (right) or the problem."""
    command, env = _command(name)
    (folder / "tombi.toml").write_text("[schema]\ncatalog = { paths = [] }\n", encoding="utf-8")  # offline: no catalog
    session = await Session.start(command, folder, env=env)
    results: dict[str, str | None] = {}
    try:
        for case in cases:
            text, position = split_cursor(f"#:schema {schema.as_uri()}\n{case.text}")
            uri = session.open(f"{case.id}.toml", text)
            await asyncio.sleep(0.3 if name == "tombi" else 0.6)  # let the server load the document and schema
            try:
                if case.kind == "completion":
                    outcome = await session.completion(uri, position, timeout=20)
                elif case.kind == "diagnostics":
                    try:
                        outcome = await session.diagnostics(uri, timeout=10)
                    except TimeoutError:
                        outcome = []
                else:
                    outcome = await session.hover(uri, position, timeout=20)
            except Exception as error:  # the server died or hung: that case fails, the rest go on
                results[case.id] = f"{type(error).__name__}: {error}"
                if session.client._server is not None and session.client._server.returncode is not None:
                    await session.client.stop()
                    session = await Session.start(command, folder, env=env)
                continue
            results[case.id] = case.check(outcome)
            session.close(uri)
    finally:
        try:
            await session.stop()
        except Exception:
            pass
    return results


_RESULTS: dict[str, dict[str, str | None]] = {}


def _results(name: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    if name not in _RESULTS:
        if _command(name) is None:
            how = {"tombi": "pip install tombi", "taplo": "node and `npm install --prefix .cache/node @taplo/lsp` (scripts/test.sh does it)"}.get(name, "pip install 'trainer-lint[lsp]'")
            pytest.skip(f"{name}'s language server is not installed ({how})")
        folder = tmp_path_factory.mktemp(f"{name}-workspace")
        _RESULTS[name] = asyncio.run(run_cases(name, folder, CASES))
    return _RESULTS[name]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("server", sorted(SERVERS))
def test_schema_in_server(server: str, case: Case, tmp_path_factory: pytest.TempPathFactory) -> None:
    problem = _results(server, tmp_path_factory)[case.id]
    limit = KNOWN_LIMITS.get((server, case.id))
    if limit is not None:
        if problem is None:
            pytest.fail(f"{server} now passes {case.id}: drop it from KNOWN_LIMITS")
        pytest.xfail(limit)
    assert problem is None, f"{server}: {case.row}: {problem}"


def test_known_limits_are_the_servers(tmp_path: Path) -> None:
    """Each known limit also fails with :func:`plain_schema`: it is the server's, not the schema's."""
    for server in sorted({s for s, c in KNOWN_LIMITS if c != "cross-field"}):
        if _command(server) is None:
            pytest.skip(f"{server}'s language server is not installed")
        plain = tmp_path / "plain.schema.json"
        plain.write_text(json.dumps(plain_schema()), encoding="utf-8")
        cases = [c for c in CASES if (server, c.id) in KNOWN_LIMITS and c.id != "cross-field"]
        folder = tmp_path / server
        folder.mkdir()
        results = asyncio.run(run_cases(server, folder, cases, schema=plain))
        passed = [case_id for case_id, problem in results.items() if problem is None]
        assert not passed, f"{server} passes {passed} with a plain schema: the limit is ours to fix"


def table() -> str:
    """The completion/hover table, measured now with the installed servers."""
    import tempfile

    rows = []
    results = {}
    for name in sorted(SERVERS):
        if _command(name) is None:
            results[name] = None
            continue
        with tempfile.TemporaryDirectory() as folder:
            results[name] = asyncio.run(run_cases(name, Path(folder), CASES))
    header = "| expectation | " + " | ".join(sorted(SERVERS)) + " |\n|---|" + "---|" * len(SERVERS)
    for case in CASES:
        cells = []
        for name in sorted(SERVERS):
            got = results[name]
            if got is None:
                cells.append("not installed")
            elif got[case.id] is None:
                cells.append("✓")
            else:
                cells.append("✗ " + (KNOWN_LIMITS.get((name, case.id)) or got[case.id] or ""))
        rows.append(f"| {case.row} | " + " | ".join(cells) + " |")
    return header + "\n" + "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
