"""``trainer-lint server`` on LightningCLI's YAML configs, end to end through a real LSP client
over stdio (pytest-lsp's): diagnostics equal to ``check`` (block and flow style, YAML-only
rules, cross-field rules, suppression comments, ``.yml``, an unsaved document), silence on YAML
that is not a trainer config (also half-typed), every ``--fix``/``--unsafe-fixes`` fix as a
code action, "suppress on this line" as a YAML comment, "fix all" byte-identical to
``check --fix``, and completion, hover and go-to-definition with YAML spellings."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest.importorskip("pygls", reason="trainer-lint server needs the lsp extra (pip install 'trainer-lint[lsp]')")
pytest.importorskip("pytest_lsp", reason="the server tests need pytest-lsp (the test extra)")
pytest.importorskip("yaml", reason="YAML configs need PyYAML (the yaml extra)")

from lsprotocol import types as T  # noqa: E402

from lsp_client import split_cursor  # noqa: E402
from test_server import CHECKPOINT, apply, as_check, check_json, edits_of, from_check, run, start  # noqa: E402

CONFIG = textwrap.dedent(
    """\
    # yaml-language-server: $schema=../schemas/trainer.yaml.schema.json
    seed_everything: 42
    trainer:
      max_epoch: 3
      barebones: true
      logger: true
      precision: 16       # half precision
      accelerator: cpu
      enable_progress_bar: yes
      devices: [0, 0]
      limit_val_batches: 1.5  # trainer-lint: ignore[TL2]
      callbacks:
        - class_path: lightning.pytorch.callbacks.EarlyStopping
          init_args: {monitor: val_loss, patiense: 3}
    """
)


def test_diagnostics_equal_check_and_other_yaml_stays_silent(tmp_path: Path) -> None:
    """A YAML config (block and flow style, a YAML-only rule, a cross-field rule, a suppression
    comment) gets exactly what `check --format json` says, as `.yaml`, as `.yml` and after an
    edit; an unsaved document with language id `yaml` is read as YAML; CI workflows and compose
    files get nothing, also while they are half-typed."""
    workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: trainer-lint check configs/\n"
    compose = "services:\n  trainer:\n    image: lab/train:latest\n    command: trainer-lint run fit.yaml\n"

    async def session() -> None:
        server = await start(tmp_path)
        try:
            for name in ("train.yaml", "train.yml"):
                uri = server.open(name, CONFIG, language="yaml")
                got = await server.diagnostics(uri, version=1)
                assert as_check(got, CONFIG) == from_check(check_json(tmp_path / name), CONFIG), name
                codes = {d.code for d in got}
                assert {"TL103", "TL200", "TL320", "TL006", "TL502"} <= codes, codes  # TL006: YAML-only
                assert "TL212" not in codes  # silenced by its comment, as in `check`
            edited = CONFIG.replace("max_epoch: 3", "max_epochs: 3").replace("  logger: true\n", "")
            mark = len(server.published)
            version = server.change(uri, edited)
            got = await server.diagnostics(uri, version=version, after=mark)
            (tmp_path / "train.yml").write_text(edited)
            assert as_check(got, edited) == from_check(check_json(tmp_path / "train.yml"), edited)
            assert "TL103" not in {d.code for d in got} and not [d for d in got if "logger" in d.message]

            # an unsaved document: the language id says YAML (as TOML, it would be a syntax error)
            untitled = "untitled:Untitled-1"
            server.versions[untitled] = 1
            server.client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(untitled, "yaml", 1, CONFIG)))
            unsaved = await server.diagnostics(untitled, version=1)
            assert as_check(unsaved, CONFIG) == from_check(check_json(tmp_path / "train.yaml"), CONFIG)

            # not trainer configs: nothing, also half-typed, and no completion either
            for name, text in (("ci.yml", workflow), ("compose.yaml", compose), ("plain.yaml", "a: 1\n")):
                other = server.open(name, text, language="yaml")
                assert await server.diagnostics(other, version=1) == [], name
                for broken in (text + "      - run: [unclosed\n", text.replace(":", "", 1) + "\t- x: {\n"):
                    mark = len(server.published)
                    version = server.change(other, broken)
                    assert await server.diagnostics(other, version=version, after=mark) == [], (name, broken)
                assert await server.completion(other, T.Position(1, 0)) == [], name
        finally:
            await server.stop()

    run(session())


FIXABLE = textwrap.dedent(
    """\
    # a config
    trainer:
      precision: 16   # half
      max_epoch: 3
      gpus: 2
      strategy: 'ddp_spwn'
      callbacks:
        - class_path: lightning.pytorch.callbacks.ModelCheckpoint
          init_args: {monitr: val_loss, mode: min}
      enable_checkpointing: yes
    """
)


def _check_fix(tmp_path: Path, name: str, text: str, *flags: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    subprocess.run([sys.executable, "-m", "trainer_lint", "check", "--fix", *flags, str(path)], capture_output=True, timeout=120,
                   env=__import__("lsp_client").server_env())
    return path.read_text()


def test_code_actions_every_fix_suppress_and_fix_all(tmp_path: Path) -> None:
    """Each fixable diagnostic has its fix as a quick fix; applying them one by one, as an editor
    does (re-linted after each), ends where `check --fix --unsafe-fixes` ends; "fix all" is
    byte-identical to `check --fix`; "suppress" writes a YAML comment that silences the line."""
    unsafe_target = _check_fix(tmp_path, "unsafe.yaml", FIXABLE, "--unsafe-fixes")
    safe_target = _check_fix(tmp_path, "safe.yaml", FIXABLE)
    assert unsafe_target != safe_target != FIXABLE

    async def session() -> None:
        server = await start(tmp_path)
        try:
            uri = server.open("cfg.yaml", FIXABLE, language="yaml")
            text = FIXABLE
            got = await server.diagnostics(uri, version=1)
            fixable = {d.code for d in got if d.data}
            assert {"TL320", "TL104", "TL103", "TL101", "TL502", "TL006"} <= fixable, fixable
            applied: list[str] = []
            for _ in range(12):
                pending = [d for d in got if d.data]
                if not pending:
                    break
                diagnostic = pending[0]
                actions = await server.code_actions(uri, diagnostic.range, [diagnostic])
                fix = next(a for a in actions if a.kind == "quickfix" and a.title.endswith((f"({diagnostic.code})", "[unsafe: may change meaning]")) and not a.title.startswith("Suppress"))
                assert fix.is_preferred == (diagnostic.data["fix"] == "safe"), fix.title
                text = apply(text, edits_of(fix))
                applied.append(diagnostic.code)
                mark = len(server.published)
                version = server.change(uri, text)
                got = await server.diagnostics(uri, version=version, after=mark)
            assert text == unsafe_target, applied
            assert sorted(applied) == sorted(fixable)  # each fix was offered and applied once
            assert got == []

            # suppress on this line: a YAML comment, after the value or beside the line's comment
            server.change(uri, FIXABLE)
            got = await server.diagnostics(uri, version=server.versions[uri])
            for code, line_has in (("TL103", "max_epoch: 3  # trainer-lint: ignore[TL103]"), ("TL320", "# trainer-lint: ignore[TL320]")):
                diagnostic = next(d for d in got if d.code == code)
                actions = await server.code_actions(uri, diagnostic.range, [diagnostic])
                suppress = next(a for a in actions if a.title == f"Suppress {code} on this line")
                suppressed = apply(FIXABLE, edits_of(suppress))
                assert line_has in suppressed
                mark = len(server.published)
                version = server.change(uri, suppressed)
                after = await server.diagnostics(uri, version=version, after=mark)
                assert code not in {d.code for d in after} and "TL901" not in {d.code for d in after}
                assert len(after) == len(got) - 1

            # fix all safe problems: byte for byte what `check --fix` writes
            server.change(uri, FIXABLE)
            everything = T.Range(T.Position(0, 0), T.Position(20, 0))
            actions = await server.code_actions(uri, everything)
            fix_all = next(a for a in actions if a.kind == "source.fixAll.trainer-lint")
            assert apply(FIXABLE, edits_of(fix_all)) == safe_target
        finally:
            await server.stop()

    run(session())


COMPLETIONS = {
    "trainer keys, half-typed": ("trainer:\n  max_ep«»\n", {"max_epochs", "max_steps", "accelerator"}),
    "trainer keys, new line": ("trainer:\n  max_epochs: 3\n  «»\n", {"precision", "strategy", "callbacks"}),
    "strategy names": ("trainer:\n  strategy: «»\n", {"ddp", "fsdp", "deepspeed_stage_2"}),
    "case-insensitive names": ('trainer:\n  strategy: "DDP_sp«»"\n', {'"ddp_spawn"'}),
    "precision": ("trainer:\n  precision: «»\n", {"bf16-mixed", "32", "64"}),
    "precision, flow": ("trainer: {max_epochs: 3, precision: «»}\n", {"bf16-mixed", "32"}),
    "callback paths": ("trainer:\n  callbacks:\n    - class_path: «»\n", {CHECKPOINT, "lightning.pytorch.callbacks.EarlyStopping"}),
    "callback item keys": ("trainer:\n  callbacks:\n    - «»\n", {"class_path", "init_args"}),
    "checkpoint init_args, block": (
        f"trainer:\n  callbacks:\n    - class_path: {CHECKPOINT}\n      init_args:\n        monitor: val_loss\n        «»\n",
        {"save_top_k", "mode", "dirpath", "every_n_epochs"},
    ),
    "checkpoint init_args, flow": (
        f"trainer:\n  callbacks:\n    - class_path: {CHECKPOINT}\n      init_args: {{monitor: val_loss, «»}}\n",
        {"save_top_k", "mode", "dirpath"},
    ),
    "checkpoint init_args, flow list": (
        f"trainer:\n  callbacks: [{{class_path: {CHECKPOINT}, init_args: {{monitor: val_loss, «»}}}}]\n",
        {"save_top_k", "mode"},
    ),
    "init_args before class_path": (
        f"trainer:\n  callbacks:\n    - init_args:\n        mo«»\n      class_path: {CHECKPOINT}\n",
        {"save_top_k", "monitor", "mode"},
    ),
    "init_args value": (f"trainer:\n  callbacks:\n    - class_path: {CHECKPOINT}\n      init_args:\n        save_last: «»\n", {"true", "false", "link"}),
    "logger init_args": ("trainer:\n  logger:\n    class_path: lightning.pytorch.loggers.CSVLogger\n    init_args:\n      «»\n", {"save_dir", "name"}),
    "top level": ("«»", {"trainer", "model", "data", "seed_everything"}),
}

HOVERS = {
    "trainer key": ("trainer:\n  max_e«»pochs: 3\n", ["Stop after this many epochs", "lightning.ai/docs/pytorch"]),
    "init_args key": (
        f"trainer:\n  callbacks:\n    - class_path: {CHECKPOINT}\n      init_args: {{save_«»top_k: 3}}\n",
        ["save_top_k", "ModelCheckpoint", "Default: `1`"],
    ),
    "class path": ("trainer:\n  callbacks:\n    - class_path: lightning.pytorch.callbacks.Model«»Checkpoint\n", ["ModelCheckpoint", "save_top_k", "api/lightning.pytorch.callbacks.ModelCheckpoint.html"]),
    "closed value": ("trainer:\n  precision: bf16-m«»ixed\n", ["bfloat16"]),
}


def test_completion_hover_and_definition(tmp_path: Path) -> None:
    """One session: every completion and hover case, YAML insert texts, and go to definition on a
    `class_path` (Lightning's, and the project's own class read from its source)."""
    (tmp_path / "src" / "mypkg").mkdir(parents=True)
    (tmp_path / "src" / "mypkg" / "__init__.py").write_text("raise SystemExit('imported!')\n")
    (tmp_path / "src" / "mypkg" / "models.py").write_text(
        "from typing import Literal\n\n\nclass Net:\n    \"\"\"A small network.\"\"\"\n\n"
        "    def __init__(self, hidden: int = 8, act: Literal['relu', 'gelu'] = 'relu') -> None:\n        pass\n"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.trainer-lint]\nsource-roots = ["src"]\n')
    inserts = {
        "key": ("trainer:\n  max_ep«»\n", "max_epochs", "trainer:\n  max_epochs: \n"),
        "key before its colon": ("trainer:\n  max_ep«»: 3\n", "max_epochs", "trainer:\n  max_epochs: 3\n"),
        "value": ("trainer:\n  precision: bf«»\n", "bf16-mixed", "trainer:\n  precision: bf16-mixed\n"),
        "value after a bare colon": ("trainer:\n  precision:«»\n", "bf16-mixed", "trainer:\n  precision: bf16-mixed\n"),
        "quoted value": ("trainer:\n  strategy: 'dd«»'\n", "'ddp'", "trainer:\n  strategy: 'ddp'\n"),
        "project value": ("model:\n  class_path: mypkg.models.Net\n  init_args:\n    act: «»\n", "gelu", "model:\n  class_path: mypkg.models.Net\n  init_args:\n    act: gelu\n"),
    }
    definition_text, project_at = split_cursor(f"model:\n  class_path: mypkg.models.N«»et\ntrainer:\n  callbacks:\n    - class_path: {CHECKPOINT}\n")

    async def session() -> tuple[dict[str, list[T.CompletionItem]], dict[str, str], dict[str, str], list[T.Location], list[T.Location]]:
        server = await start(tmp_path)
        try:
            completions, hovers, inserted = {}, {}, {}
            for case, (source, _) in sorted(COMPLETIONS.items()):
                text, position = split_cursor(source)
                uri = server.open(f"c-{case.replace(' ', '-').replace(',', '')}.yaml", text, language="yaml")
                completions[case] = await server.completion(uri, position)
            for case, (source, _) in sorted(HOVERS.items()):
                text, position = split_cursor(source)
                uri = server.open(f"h-{case.replace(' ', '-')}.yaml", text, language="yaml")
                hovers[case] = await server.hover(uri, position)
            for case, (source, label, _) in sorted(inserts.items()):
                text, position = split_cursor(source)
                uri = server.open(f"i-{case.replace(' ', '-')}.yml", text, language="yaml")
                item = next(i for i in await server.completion(uri, position) if i.label == label)
                inserted[case] = apply(text, [item.text_edit])
            uri = server.open("definition.yaml", definition_text, language="yaml")
            mine = await server.definition(uri, project_at)
            theirs = await server.definition(uri, T.Position(4, 24))
            return completions, hovers, inserted, mine, theirs
        finally:
            await server.stop()

    completions, hovers, inserted, mine, theirs = run(session())
    problems = []
    for case, (_, expected) in sorted(COMPLETIONS.items()):
        labels = {i.label for i in completions[case]}
        if not expected <= labels:
            problems.append(f"{case}: missing {sorted(expected - labels)} among {sorted(labels)[:30]}")
        if any("=" in i.text_edit.new_text or i.text_edit.new_text.startswith('"') and not i.label.startswith('"') for i in completions[case]):
            problems.append(f"{case}: a TOML spelling in {[i.text_edit.new_text for i in completions[case]][:5]}")
        if "init_args" in case and "monitor" in labels and "monitor" not in expected:
            problems.append(f"{case}: offers `monitor`, which is already written")
    for case, (_, needles) in sorted(HOVERS.items()):
        problems.extend(f"hover {case}: {needle!r} not in {hovers[case]!r}" for needle in needles if needle not in hovers[case])
    for case, (_, _, want) in sorted(inserts.items()):
        if inserted[case] != want:
            problems.append(f"insert {case}: {inserted[case]!r} != {want!r}")
    assert not problems, "\n".join(problems)
    assert [(Path(found.uri).name, found.range.start.line) for found in mine] == [("models.py", 3)]
    assert len(theirs) == 1 and theirs[0].uri.endswith("lightning/pytorch/callbacks/model_checkpoint.py")


# ----------------------------------------------------------- the table in docs/editors.md


def _yaml_language_server(cases: dict[str, tuple[str, object]], hovers: dict[str, tuple[str, list[str]]]) -> dict[str, str | None] | None:
    """Each completion and hover case put to the YAML language server with the YAML schema linked
    by a modeline: None per case that passes, else what was missing (None overall when the
    server is not installed)."""
    import test_yaml_language_server as yls

    try:
        yls._server()
    except pytest.skip.Exception:
        return None
    asked = [*cases.items(), *hovers.items()]
    found = yls.ask([("completion" if case in cases else "hover", source) for case, (source, _) in asked])
    out: dict[str, str | None] = {}
    for (case, (_, expected)), answer in zip(asked, found):
        if case in cases:
            missing = sorted({e.strip("\"'") for e in expected} - {i["label"].strip("\"'") for i in answer})  # type: ignore[union-attr]
        else:
            missing = [needle for needle in expected if needle not in answer]  # type: ignore[union-attr]
        out[case] = None if not missing else "missing " + ", ".join(f"`{m}`" for m in missing[:3])
    return out


def table() -> str:
    """The YAML completion/hover table of docs/editors.md, measured now: the YAML language server
    with `schemas/trainer.yaml.schema.json`, and `trainer-lint server`, on the cases above (labels
    compared without quotes: the YAML language server does not quote them)."""
    import tempfile

    theirs = _yaml_language_server(COMPLETIONS, HOVERS)

    async def ours(folder: Path) -> dict[str, str | None]:
        server = await start(folder)
        found: dict[str, str | None] = {}
        try:
            for index, (case, (source, expected)) in enumerate([*COMPLETIONS.items(), *HOVERS.items()]):
                text, position = split_cursor(source)
                uri = server.open(f"case-{index}.yaml", text, language="yaml")
                if case in COMPLETIONS:
                    labels = {i.label.strip("\"'") for i in await server.completion(uri, position)}
                    missing = sorted({e.strip("\"'") for e in expected} - labels)  # type: ignore[union-attr]
                else:
                    shown = await server.hover(uri, position)
                    missing = [needle for needle in expected if needle not in shown]  # type: ignore[union-attr]
                found[case] = None if not missing else "missing " + ", ".join(f"`{m}`" for m in missing[:3])
        finally:
            await server.stop()
        return found

    with tempfile.TemporaryDirectory() as folder:
        mine = run(ours(Path(folder)))
    rows = ["| case | YAML language server + schema | trainer-lint server |", "|---|---|---|"]
    for case in [*COMPLETIONS, *HOVERS]:
        kind = "completion" if case in COMPLETIONS else "hover"
        cells = ["not installed" if theirs is None else "✓" if theirs[case] is None else "✗ " + str(theirs[case]),
                 "✓" if mine[case] is None else "✗ " + str(mine[case])]
        rows.append(f"| {kind}: {case} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
