"""``trainer-lint server`` end to end, through a real LSP client over stdio (pytest-lsp's client):
initialize, open, change, diagnostics (the same as ``check``, cross-field rules included), code
actions applied and re-linted, completion, hover, definition, settings and suppression comments,
shutdown and exit."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("pygls", reason="trainer-lint server needs the lsp extra (pip install 'trainer-lint[lsp]')")
pytest.importorskip("pytest_lsp", reason="the server tests need pytest-lsp (the test extra)")

from lsprotocol import types as T  # noqa: E402

from lsp_client import Session, server_command, server_env, split_cursor  # noqa: E402

CHECKPOINT = "lightning.pytorch.callbacks.ModelCheckpoint"

CONFIG = textwrap.dedent(
    """\
    [trainer]
    max_epoch = 3
    barebones = true
    logger = true
    precision = 16
    accelerator = "cpu"

    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.EarlyStopping"
    init_args = { monitor = "val_loss" }
    """
)


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 120))


async def start(folder: Path, capabilities: str = "visual-studio-code") -> Session:
    return await Session.start(server_command(), folder, env=server_env(), capabilities=capabilities)


def check_json(path: Path) -> list[dict[str, Any]]:
    """What ``trainer-lint check --format json`` says about ``path`` (the real command)."""
    done = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--format", "json", str(path)],
        capture_output=True, text=True, env=server_env(), cwd=path.parent, timeout=120,
    )
    return json.loads(done.stdout)["diagnostics"]


Finding = tuple[int, int, str, str, str]
"""A diagnostic as ``(start offset, end offset, code, severity, message)`` in the text: the
common ground of ``check``'s spans (TOML lines, character columns) and LSP ranges."""


def as_check(diagnostics: list[T.Diagnostic], text: str) -> list[Finding]:
    """LSP diagnostics (UTF-16 positions, LSP line breaks) as offsets into ``text``."""
    from trainer_lint.server.text import Lines

    lines = Lines(text)
    severity = {1: "error", 2: "warning", 3: "info"}
    return sorted(
        (lines.offset(d.range.start), lines.offset(d.range.end), str(d.code), severity[int(d.severity)], d.message)
        for d in diagnostics
    )


def from_check(found: list[dict[str, object]], text: str) -> list[Finding]:
    """``check``'s diagnostics (``--format json`` fields) as offsets into ``text``, clamped to it
    (an LSP range cannot point past the end of the text)."""
    shift = 1 if text.startswith("\ufeff") else 0  # check's spans count from after a BOM
    text = text[shift:]
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(line: int, column: int) -> int:
        index = min(max(line, 1), len(starts)) - 1
        limit = starts[index + 1] if index + 1 < len(starts) else len(text)
        at = min(starts[index] + max(column, 1) - 1, limit)
        if 0 < at < len(text) and text[at - 1] == "\r" and text[at] == "\n":
            at -= 1  # inside a CRLF line break: LSP can only point before it
        return shift + at

    return sorted(
        (offset(d["line"], d["column"]), offset(d["end_line"], d["end_column"]), d["code"], d["severity"], d["message"])  # type: ignore[arg-type]
        for d in found
    )


def apply(text: str, edits: list[T.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions) to ``text``, as an editor does."""
    from trainer_lint.server.text import Lines

    lines = Lines(text)
    spans = sorted(((lines.offset(e.range.start), lines.offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: T.CodeAction) -> list[T.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        return [e for change in action.edit.document_changes for e in change.edits]
    return [e for edits in (action.edit.changes or {}).values() for e in edits]


# ------------------------------------------------------------------------ handshake


def test_initialize_open_change_close_shutdown(tmp_path: Path) -> None:
    """The whole life of a session; the diagnostics equal `check --format json` on the same text
    (a cross-field rule among them), for the first text and for an edited one."""
    config = tmp_path / "train.toml"

    async def session() -> None:
        server = await start(tmp_path)
        capabilities = server.initialize_result.capabilities
        assert capabilities.hover_provider and capabilities.definition_provider
        assert capabilities.code_action_provider and capabilities.completion_provider
        uri = server.open("train.toml", CONFIG)
        got = await server.diagnostics(uri, version=1)
        assert as_check(got, CONFIG) == from_check(check_json(config), CONFIG)
        assert {"TL103", "TL200", "TL320"} <= {d.code for d in got}
        cross = [d for d in got if "barebones" in d.message and "logger" in d.message]
        assert cross, [d.message for d in got]  # barebones with a logger: a cross-field rule
        edited = CONFIG.replace("max_epoch = 3", "max_epochs = 3").replace("logger = true\n", "")
        mark = len(server.published)
        version = server.change(uri, edited)
        got = await server.diagnostics(uri, version=version, after=mark)
        config.write_text(edited)
        assert as_check(got, edited) == from_check(check_json(config), edited)
        assert "TL103" not in {d.code for d in got} and not [d for d in got if "logger" in d.message]
        mark = len(server.published)
        server.close(uri)
        assert await server.diagnostics(uri, after=mark) == []
        process = server.client._server
        await server.stop()
        assert await asyncio.wait_for(process.wait(), 10) == 0

    run(session())


def test_capabilities_of_the_fast_start_are_pygls_own() -> None:
    """The fast start answers `initialize` before pygls loads; its answer must be what pygls
    computes from the registered features, for every position encoding a client may ask for."""
    from pygls.capabilities import ServerCapabilitiesBuilder

    from trainer_lint.server import app, capabilities
    from trainer_lint.server.session import Session as LintSession
    from trainer_lint.server.text import choose_encoding

    server = app.build(LintSession(lambda *args: None))
    features = server.protocol.fm
    for offered in (None, ["utf-8", "utf-16"], ["utf-32"], ["utf-16"], ["latin-1"]):
        client = {"general": {"positionEncodings": offered}} if offered is not None else {}
        structured = server.protocol._converter.structure(client, T.ClientCapabilities)
        encoding = ServerCapabilitiesBuilder.choose_position_encoding(structured)
        assert choose_encoding(client) == encoding
        built = ServerCapabilitiesBuilder(
            structured, set({**features.features, **features.builtin_features}), features.feature_options,
            list(features.commands), server._text_document_sync_kind, None, encoding,
        ).build()
        assert server.protocol._converter.unstructure(built) == capabilities.capabilities(encoding)


def test_utf8_client_positions(tmp_path: Path) -> None:
    """A client that asks for UTF-8 positions gets them; one that asks for nothing gets UTF-16
    (a diagnostic after non-ASCII text on its line: the columns differ)."""
    text = '[trainer]\ndevices = ["é😋", "x"]\n'
    before = 'devices = ["é😋", '
    utf8 = T.ClientCapabilities(general=T.GeneralClientCapabilities(position_encodings=[T.PositionEncodingKind.Utf8]))

    async def session(capabilities: T.ClientCapabilities) -> tuple[str | None, list[T.Diagnostic]]:
        server = await start(tmp_path, capabilities=capabilities)
        try:
            uri = server.open("cfg.toml", text)
            return server.initialize_result.capabilities.position_encoding, await server.diagnostics(uri, version=1)
        finally:
            await server.stop()

    for capabilities, encoding, width in ((utf8, "utf-8", len(before.encode())), (T.ClientCapabilities(), "utf-16", len(before.encode("utf-16-le")) // 2)):
        chosen, got = run(session(capabilities))
        assert chosen == encoding
        starts = sorted((d.range.start.line, d.range.start.character) for d in got)
        assert (1, width) in starts, (encoding, starts)


def test_other_toml_files_get_nothing(tmp_path: Path) -> None:
    """`pyproject.toml` and other TOML files are not trainer configs: no diagnostics, no
    completion; a half-typed one stays quiet too."""

    async def session() -> None:
        server = await start(tmp_path)
        try:
            uri = server.open("pyproject.toml", '[project]\nname = "x"\n')
            assert await server.diagnostics(uri, version=1) == []
            text, position = split_cursor('[project]\nname = "x"\n«»')
            server.change(uri, text)
            assert await server.completion(uri, position) == []
            mark = len(server.published)
            server.change(uri, '[project]\nname = "x\n')  # does not parse: still not a config
            await asyncio.sleep(0.3)
            assert [p.version for p in server.published[mark:] if p.uri == uri and p.diagnostics] == []
        finally:
            await server.stop()

    run(session())


def test_settings_and_suppression_comments(tmp_path: Path) -> None:
    """The nearest [tool.trainer-lint] applies (ignore, per-file-ignores, exclude), and so do
    `# trainer-lint: ignore[...]` comments, as in `check`."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.trainer-lint]\nignore = ["TL216"]\nexclude = ["legacy/"]\n\n[tool.trainer-lint.per-file-ignores]\n"quiet.toml" = ["TL103"]\n'
    )
    text = '[trainer]\nmax_epoch = 3\nprecision = 16  # trainer-lint: ignore[TL3]\nmax_steps = "10"\nmax_epochs = 2\n'
    (tmp_path / "legacy").mkdir()
    for name in ("loud.toml", "quiet.toml", "legacy/old.toml"):
        (tmp_path / name).write_text(text)

    async def session() -> dict[str, list[T.Diagnostic]]:
        server = await start(tmp_path)
        try:
            found = {}
            for name in ("loud.toml", "quiet.toml", "legacy/old.toml"):
                uri = server.open(name, text, write=False)
                found[name] = await server.diagnostics(uri, version=1)
            return found
        finally:
            await server.stop()

    found = run(session())
    for name in ("loud.toml", "quiet.toml"):
        assert as_check(found[name], text) == from_check(check_json(tmp_path / name), text), name
    assert {d.code for d in found["loud.toml"]} == {"TL103", "TL100"}
    assert {d.code for d in found["quiet.toml"]} == {"TL100"}
    assert found["legacy/old.toml"] == []  # excluded, as `check legacy/old.toml` skips it


# -------------------------------------------------------------------------- actions


def test_code_actions_fix_suppress_and_fix_all(tmp_path: Path) -> None:
    text = '[trainer]\nprecision = 16\nmax_epoch = 3\ngpus = 2\n'

    async def session() -> None:
        server = await start(tmp_path)
        try:
            uri = server.open("cfg.toml", text)
            got = await server.diagnostics(uri, version=1)
            by_code = {d.code: d for d in got}
            assert {"TL103", "TL104", "TL320"} <= set(by_code), by_code.keys()

            # the safe fix of `precision = 16`, applied and re-linted
            precision = by_code["TL320"]
            actions = await server.code_actions(uri, precision.range, [precision])
            titles = [a.title for a in actions]
            fix = next(a for a in actions if a.kind == "quickfix" and a.is_preferred)
            assert "16-mixed" in fix.title, titles
            fixed = apply(text, edits_of(fix))
            assert 'precision = "16-mixed"' in fixed
            mark = len(server.published)
            version = server.change(uri, fixed)
            after = await server.diagnostics(uri, version=version, after=mark)
            assert "TL320" not in {d.code for d in after}

            # the unsafe did-you-mean rename of `max_epoch`, offered as unsafe
            typo = next(d for d in after if d.code == "TL103")
            actions = await server.code_actions(uri, typo.range, [typo])
            rename = next(a for a in actions if "max_epochs" in a.title)
            assert "unsafe" in rename.title and not rename.is_preferred
            renamed = apply(fixed, edits_of(rename))
            assert "max_epochs = 3" in renamed

            # suppress on this line, applied and re-linted: the diagnostic is gone, nothing else
            suppress = next(a for a in actions if a.title == "Suppress TL103 on this line")
            suppressed = apply(fixed, edits_of(suppress))
            assert "max_epoch = 3  # trainer-lint: ignore[TL103]" in suppressed
            mark = len(server.published)
            version = server.change(uri, suppressed)
            after = await server.diagnostics(uri, version=version, after=mark)
            assert "TL103" not in {d.code for d in after} and "TL902" not in {d.code for d in after}

            # fix all safe problems: what `check --fix` writes
            server.change(uri, text)
            everything = T.Range(T.Position(0, 0), T.Position(10, 0))
            actions = await server.code_actions(uri, everything)
            fix_all = next(a for a in actions if a.kind == "source.fixAll.trainer-lint")
            all_fixed = apply(text, edits_of(fix_all))
            on_disk = tmp_path / "fix-me.toml"
            on_disk.write_text(text)
            subprocess.run([sys.executable, "-m", "trainer_lint", "check", "--fix", str(on_disk)], env=server_env(), capture_output=True, timeout=120)
            assert all_fixed == on_disk.read_text()
            only = await server.code_actions(uri, everything)
            assert {a.kind for a in only} == {"quickfix", "source.fixAll.trainer-lint"}
        finally:
            await server.stop()

    run(session())


# ---------------------------------------------------------------- completion, hover


COMPLETIONS = {
    "trainer keys": ("[trainer]\n«»\n", {"max_epochs", "accelerator", "strategy", "callbacks"}),
    "strategy names": ("[trainer]\nstrategy = «»\n", {"ddp", "fsdp", "deepspeed_stage_2"}),
    "case-insensitive names": ('[trainer]\nstrategy = "DDP_sp«»"\n', {"ddp_spawn"}),
    "precision": ("[trainer]\nprecision = «»\n", {'16-mixed', "bf16-mixed", "32"}),
    "callback paths": ('[[trainer.callbacks]]\nclass_path = "«»"\n', {CHECKPOINT, "lightning.pytorch.callbacks.EarlyStopping"}),
    "checkpoint init_args, inline": (
        f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ monitor = "val_loss", «» }}\n',
        {"save_top_k", "mode", "dirpath", "every_n_epochs"},
    ),
    "checkpoint init_args, sub-table": (
        f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\n\n[trainer.callbacks.init_args]\nmonitor = "val_loss"\n«»\n',
        {"save_top_k", "mode", "dirpath"},
    ),
    "init_args before class_path": (
        f'[[trainer.callbacks]]\ninit_args = {{ «» }}\nclass_path = "{CHECKPOINT}"\n',
        {"save_top_k", "monitor"},
    ),
    "logger init_args": ('[trainer.logger]\nclass_path = "lightning.pytorch.loggers.CSVLogger"\ninit_args.«»\n', {"save_dir", "name"}),
}


def test_completion(tmp_path: Path) -> None:
    """Each case in one session (a server start is the slow part); every case is checked."""

    async def session() -> dict[str, list[T.CompletionItem]]:
        server = await start(tmp_path)
        try:
            found = {}
            for case, (source, _) in sorted(COMPLETIONS.items()):
                text, position = split_cursor(source)
                uri = server.open(f"{case.replace(' ', '-').replace(',', '')}.toml", text)
                found[case] = await server.completion(uri, position)
            return found
        finally:
            await server.stop()

    found = run(session())
    problems = []
    for case, (_, expected) in sorted(COMPLETIONS.items()):
        labels = {i.label.strip('"') for i in found[case]}
        if not expected <= labels:
            problems.append(f"{case}: missing {sorted(expected - labels)} among {sorted(labels)[:30]}")
        if "init_args" in case:
            if "monitor" in labels and "monitor" not in expected:
                problems.append(f"{case}: offers `monitor`, which is already written")
            if not all(i.documentation for i in found[case]):
                problems.append(f"{case}: an argument without docs")
    assert not problems, "\n".join(problems)


def test_completion_inserts_toml(tmp_path: Path) -> None:
    """A value completion replaces what was typed, quotes included, with the value as TOML."""
    text, position = split_cursor('[trainer]\nstrategy = "dd«»"\n')

    async def session() -> list[T.CompletionItem]:
        server = await start(tmp_path)
        try:
            uri = server.open("cfg.toml", text)
            return await server.completion(uri, position)
        finally:
            await server.stop()

    items = run(session())
    ddp = next(i for i in items if i.label == '"ddp"')
    assert apply(text, [ddp.text_edit]) == '[trainer]\nstrategy = "ddp"\n'


def test_completion_and_hover_follow_the_projects_lightning_release(tmp_path: Path) -> None:
    """Keys, values, class paths, ``init_args`` and hover docs come from the release ``check``
    checks the document against (issue 13's choice): a project pinning ``lightning==2.4.0`` gets
    no ``model_registry`` (2.5), ``EMAWeightAveraging`` (2.6) nor ModelCheckpoint's
    ``save_on_exception`` (2.5.3); a 2.0 project (settings) no ``"16-true"`` (2.1) but its
    ``ipu_strategy``; a 2.6 pin gets them all; TOML and YAML alike."""
    pins = {"p20": ("pyproject.toml", '[tool.trainer-lint]\nlightning-version = "2.0"\n'),
            "p24": ("requirements.txt", "lightning==2.4.0\n"), "p26": ("requirements.txt", "lightning==2.6.6\n")}
    for folder, (name, text) in pins.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    rich = "lightning.pytorch.callbacks.RichProgressBar"
    cases = {
        "keys": ("cfg.toml", "[trainer]\n«»\n"),
        "yaml keys": ("cfg.yaml", "trainer:\n  max_epochs: 3\n  «»\n"),
        "precision": ("cfg.toml", "[trainer]\nprecision = «»\n"),
        "strategy": ("cfg.yaml", "trainer:\n  strategy: «»\n"),
        "callbacks": ("cfg.toml", '[[trainer.callbacks]]\nclass_path = "«»"\n'),
        "checkpoint": ("cfg.toml", f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ «» }}\n'),
        "hover default": ("cfg.toml", f'[[trainer.callbacks]]\nclass_path = "{rich}"\ninit_args = {{ refresh_«»rate = 3 }}\n'),
    }

    async def session() -> dict[tuple[str, str], object]:
        server = await start(tmp_path)
        try:
            found: dict[tuple[str, str], object] = {}
            for folder in pins:
                for case, (name, source) in cases.items():
                    text, position = split_cursor(source)
                    uri = server.open(f"{folder}/{case.replace(' ', '-')}-{name}", text, language=name.rsplit(".", 1)[1])
                    if case.startswith("hover"):
                        found[folder, case] = await server.hover(uri, position)
                    else:
                        found[folder, case] = {i.label.strip('"') for i in await server.completion(uri, position)}
            return found
        finally:
            await server.stop()

    found = run(session())
    has = {
        "keys": "model_registry", "yaml keys": "model_registry", "precision": "16-true", "strategy": "ipu_strategy",
        "callbacks": "lightning.pytorch.callbacks.EMAWeightAveraging", "checkpoint": "enable_version_counter",
        "checkpoint 2.5.3": "save_on_exception",
    }
    offered = {case: {folder: has[case] in found[folder, case.removesuffix(" 2.5.3")] for folder in pins} for case in has}  # type: ignore[operator]
    assert offered == {
        "keys": {"p20": False, "p24": False, "p26": True},
        "yaml keys": {"p20": False, "p24": False, "p26": True},
        "precision": {"p20": False, "p24": True, "p26": True},
        "strategy": {"p20": True, "p24": False, "p26": False},
        "callbacks": {"p20": False, "p24": False, "p26": True},
        "checkpoint": {"p20": False, "p24": True, "p26": True},
        "checkpoint 2.5.3": {"p20": False, "p24": False, "p26": True},
    }, offered
    for folder in pins:  # what every release has is offered everywhere
        assert {"max_epochs", "precision"} <= found[folder, "keys"] and "ddp" in found[folder, "strategy"]  # type: ignore[operator]
        assert "lightning.pytorch.callbacks.ModelCheckpoint" in found[folder, "callbacks"] and "monitor" in found[folder, "checkpoint"]  # type: ignore[operator]
    assert "Default: `1`" in found["p24", "hover default"] and "Default: `100`" in found["p26", "hover default"]  # type: ignore[operator]


HOVERS = {
    "trainer key": ("[trainer]\nmax_e«»pochs = 3\n", ["Stop after this many epochs", "lightning.ai/docs/pytorch"]),
    "init_args key": (
        f'[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\ninit_args = {{ save_«»top_k = 3 }}\n',
        ["save_top_k", "ModelCheckpoint", "Default: `1`"],
    ),
    "class path": ('[[trainer.callbacks]]\nclass_path = "lightning.pytorch.callbacks.Model«»Checkpoint"\n', ["ModelCheckpoint", "save_top_k", "api/lightning.pytorch.callbacks.ModelCheckpoint.html"]),
    "closed value": ('[trainer]\nprecision = "bf16-m«»ixed"\n', ["bfloat16"]),
}


def test_hover(tmp_path: Path) -> None:
    async def session() -> dict[str, str]:
        server = await start(tmp_path)
        try:
            found = {}
            for case, (source, _) in sorted(HOVERS.items()):
                text, position = split_cursor(source)
                uri = server.open(f"{case.replace(' ', '-')}.toml", text)
                found[case] = await server.hover(uri, position)
            return found
        finally:
            await server.stop()

    found = run(session())
    problems = [f"{case}: {needle!r} not in {found[case]!r}" for case, (_, needles) in sorted(HOVERS.items()) for needle in needles if needle not in found[case]]
    assert not problems, "\n".join(problems)


def test_definition_of_lightning_and_project_classes(tmp_path: Path) -> None:
    """A class_path goes to its `class` statement: in the installed Lightning (found on the file
    system) and in the project's sources (under its source roots), without importing either."""
    pytest.importorskip("lightning")
    (tmp_path / "src" / "mypkg").mkdir(parents=True)
    (tmp_path / "src" / "mypkg" / "__init__.py").write_text("from .models import Net\n")
    (tmp_path / "src" / "mypkg" / "models.py").write_text("import sys\n\n\nclass Net:\n    pass\n")
    (tmp_path / "pyproject.toml").write_text('[tool.trainer-lint]\nsource-roots = ["src"]\n')
    text = f'[model]\nclass_path = "mypkg.N«»et"\n\n[trainer]\n[[trainer.callbacks]]\nclass_path = "{CHECKPOINT}"\n'
    text, project = split_cursor(text)
    lightning_position = T.Position(5, 20)

    async def session() -> tuple[list[T.Location], list[T.Location]]:
        server = await start(tmp_path)
        try:
            uri = server.open("cfg.toml", text)
            return await server.definition(uri, project), await server.definition(uri, lightning_position)
        finally:
            await server.stop()

    mine, theirs = run(session())
    from trainer_lint.server.session import uri_to_path

    assert [(Path(uri_to_path(found.uri)).name, found.range.start.line) for found in mine] == [("models.py", 3)]
    assert len(theirs) == 1 and theirs[0].uri.endswith("lightning/pytorch/callbacks/model_checkpoint.py")
    line = Path(uri_to_path(theirs[0].uri)).read_text().splitlines()[theirs[0].range.start.line]
    assert line.startswith("class ModelCheckpoint")


# ---------------------------------------------------------------------------- extras


def test_server_without_the_lsp_extra_says_how_to_install_it() -> None:
    script = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name in ('pygls', 'lsprotocol') else real(name, *a)\n"
        "sys.argv = ['trainer-lint', 'server']\n"
        "from trainer_lint.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=server_env(), timeout=60)
    assert done.returncode == 2
    assert 'pip install "trainer-lint[lsp]"' in done.stderr
    assert "Traceback" not in done.stderr


def test_server_command_does_not_build_the_typer_app() -> None:
    """`trainer-lint server` is what editors start: it takes the fast path (no typer, no click),
    and imports pygls only after it has answered (checked in test_no_import for torch)."""
    script = (
        "import sys, io, json\n"
        "sys.argv = ['trainer-lint', 'server']\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b''))\n"
        "from trainer_lint.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'pygls', 'lsprotocol'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=server_env(), timeout=60)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [], done.stderr


def test_only_toml_documents_are_linted(tmp_path: Path) -> None:
    """A client that sends every document gets nothing for the ones that are not TOML."""

    async def session() -> tuple[list[T.Diagnostic], list[T.Diagnostic]]:
        server = await start(tmp_path)
        try:
            python = server.open("train.py", "[trainer]\nmax_epoch = 3\n", language="python")
            toml = server.open("notes.toml", "[trainer]\nmax_epoch = 3\n", language="plaintext")  # the suffix says TOML
            return await server.diagnostics(python, version=1), await server.diagnostics(toml, version=1)
        finally:
            await server.stop()

    python, toml = run(session())
    assert python == [] and [d.code for d in toml] == ["TL103"]


def test_project_classes_complete_and_hover(tmp_path: Path) -> None:
    """The project's own classes, read by the resolver (never imported): `class_path` completion
    offers those the key takes, their `init_args` complete (closed values too) and their
    parameters have hover docs."""
    (tmp_path / "src" / "mypkg").mkdir(parents=True)
    (tmp_path / "src" / "mypkg" / "__init__.py").write_text("raise SystemExit('imported!')\n")
    (tmp_path / "src" / "mypkg" / "models.py").write_text(
        "from typing import Literal\n\n\nclass Net:\n    \"\"\"A small network.\"\"\"\n\n"
        "    def __init__(self, hidden: int = 8, act: Literal['relu', 'gelu'] = 'relu') -> None:\n        pass\n"
    )
    (tmp_path / "src" / "mypkg" / "lit.py").write_text(
        "from lightning.pytorch import LightningModule\nfrom lightning.pytorch.callbacks import Callback\n\n\n"
        "class Classifier(LightningModule):\n    \"\"\"Classifies.\"\"\"\n\n\nclass Hook(Callback):\n    pass\n"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.trainer-lint]\nsource-roots = ["src"]\n')
    keys, keys_at = split_cursor('[model]\nclass_path = "mypkg.models.Net"\ninit_args = { «» }\n')
    values, values_at = split_cursor('[model]\nclass_path = "mypkg.models.Net"\ninit_args = { act = «» }\n')
    hovered, hover_at = split_cursor('[model]\nclass_path = "mypkg.models.Net"\ninit_args = { hid«»den = 4 }\n')
    models, models_at = split_cursor('[model]\nclass_path = "«»"\n')
    callbacks, callbacks_at = split_cursor('trainer:\n  callbacks:\n    - class_path: «»\n')

    async def session() -> tuple[list[T.CompletionItem], ...]:
        server = await start(tmp_path)
        try:
            first = await server.completion(server.open("a.toml", keys), keys_at)
            second = await server.completion(server.open("b.toml", values), values_at)
            shown = await server.hover(server.open("c.toml", hovered), hover_at)
            model_paths = await server.completion(server.open("d.toml", models), models_at)
            callback_paths = await server.completion(server.open("e.yaml", callbacks, language="yaml"), callbacks_at)
            return first, second, shown, model_paths, callback_paths  # type: ignore[return-value]
        finally:
            await server.stop()

    first, second, shown, model_paths, callback_paths = run(session())
    assert {i.label for i in first} == {"hidden", "act"}
    assert {i.label for i in second} == {'"relu"', '"gelu"'}
    assert "**Net** `hidden`: int" in shown and "Default" not in shown
    assert [i.label for i in model_paths] == ['"mypkg.lit.Classifier"']  # the project's LightningModules; Net is not one
    offered = {i.label for i in callback_paths}
    assert "mypkg.lit.Hook" in offered and "lightning.pytorch.callbacks.ModelCheckpoint" in offered and "mypkg.lit.Classifier" not in offered
    hook = next(i for i in callback_paths if i.label == "mypkg.lit.Hook")
    assert "project" in str(hook.documentation)
