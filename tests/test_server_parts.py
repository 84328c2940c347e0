"""The language server's parts that need no protocol: where the cursor is in half-typed TOML,
position conversions, what the config takes at a key path, and finding sources without
importing (fast, in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer_lint.diagnostic import Span
from trainer_lint.server import cursor, shape
from trainer_lint.server.knowledge import knowledge_for
from trainer_lint.options import DEFAULT
from trainer_lint.server.text import Lines, choose_encoding

CHECKPOINT = "lightning.pytorch.callbacks.ModelCheckpoint"


def at(source: str) -> cursor.Scan:
    offset = source.index("|")
    return cursor.scan(source[:offset] + source[offset + 1 :], offset)


@pytest.mark.parametrize(
    "source, kind, path, prefix",
    [
        ("[trainer]\nmax_ep|", "key", ("trainer",), "max_ep"),
        ("[trainer]\n|", "key", ("trainer",), ""),
        ("|", "key", (), ""),
        ("[trainer]\nstrategy = |\n", "value", ("trainer", "strategy"), ""),
        ('[trainer]\nstrategy = "DD|"\n', "value", ("trainer", "strategy"), "DD"),
        ('[trainer]\nprecision = "bf16|', "value", ("trainer", "precision"), "bf16"),
        ('[[trainer.callbacks]]\nclass_path = "x"\n[[trainer.callbacks]]\nclass_path = "|"\n', "value", ("trainer", "callbacks", 1, "class_path"), ""),
        ('[[trainer.callbacks]]\nclass_path = "x"\ninit_args = { monitor = "a", | }\n', "key", ("trainer", "callbacks", 0, "init_args"), ""),
        ('[[trainer.callbacks]]\nclass_path = "x"\n[trainer.callbacks.init_args]\nmon|\n', "key", ("trainer", "callbacks", 0, "init_args"), "mon"),
        ("[[trainer.callbacks]]\ninit_args.|\n", "key", ("trainer", "callbacks", 0, "init_args"), ""),
        ('[trainer]\ncallbacks = [{ class_path = "a.B" }, { class_path = "|" }]\n', "value", ("trainer", "callbacks", 1, "class_path"), ""),
        ("[trainer.|", "header", ("trainer",), ""),
        ("[[trainer.callb|]]", "header", ("trainer",), "callb"),
        ("x = 1 |\ny = 2", "none", (), ""),
        ("x = 1 # co|mment\n", "none", (), ""),
        ("[trainer]\ndevices = [0, |]\n", "value", ("trainer", "devices", 1), ""),
        ("trainer.max_epochs = |", "value", ("trainer", "max_epochs"), ""),
        ('[trainer]\nstrategy = "ddp\nmax_epochs = |\n', "value", ("trainer", "max_epochs"), ""),  # an unterminated string above
        ("[trainer\nmax_epochs = |\n", "value", ("trainer", "max_epochs"), ""),  # an unclosed header above
    ],
)
def test_cursor(source: str, kind: str, path: tuple, prefix: str) -> None:
    found = at(source).cursor
    assert (found.kind, found.path, found.prefix) == (kind, path, prefix)


def test_cursor_finds_the_class_path_beside_it_before_or_after() -> None:
    found = at('[[trainer.callbacks]]\ninit_args = { | }\nclass_path = "a.B"\n[[trainer.callbacks]]\nclass_path = "x.Y"\n')
    assert found.scalars[("trainer", "callbacks", 0, "class_path")] == "a.B"
    assert ("trainer", "callbacks", 1, "class_path") not in found.scalars  # the scan stops: another entry


def test_cursor_never_raises_on_garbage() -> None:
    import random

    rng = random.Random(0)
    alphabet = '[]{}=.,"\'#\n\r\t ab1\x00😋\\'
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        cursor.scan(text, rng.randint(0, len(text)))


def test_positions_in_each_encoding() -> None:
    text = "a = 1\r\nb = \"é😋\" # x\rc = 2\n"
    for encoding, column in (("utf-16", 9), ("utf-8", 12), ("utf-32", 8)):
        lines = Lines(text, encoding)
        offset = text.index(" # x")
        assert lines.position(offset) == {"line": 1, "character": column}
        assert lines.offset({"line": 1, "character": column}) == offset
    lines = Lines(text)
    assert lines.position(text.index("c = 2")) == {"line": 2, "character": 0}  # a lone CR breaks the line for LSP
    assert lines.position(text.index("\n")) == lines.position(text.index("\r"))  # nothing points into a CRLF
    # spans count TOML lines (only after LF) and characters; a span may cover the line break
    assert lines.span_range(Span(2, 5, 2, 12))["start"] == {"line": 1, "character": 4}


def test_byte_order_mark_shifts_the_first_line() -> None:
    lines = Lines("\ufeffx = 1\ny = 2\n")
    assert lines.span_range(Span(1, 1, 1, 2))["start"] == {"line": 0, "character": 1}
    assert lines.span_range(Span(2, 1, 2, 2))["start"] == {"line": 1, "character": 0}


def test_encoding_choice_follows_the_client() -> None:
    assert choose_encoding(None) == "utf-16"
    assert choose_encoding({"general": {"positionEncodings": ["utf-8", "utf-16"]}}) == "utf-8"
    assert choose_encoding({"general": {"positionEncodings": ["latin-1"]}}) == "utf-16"


def test_shape_of_the_config() -> None:
    knowledge = knowledge_for(DEFAULT, None)
    trainer = {k.name for k in shape.keys_at(("trainer",), knowledge, None)}
    assert len(trainer) == 41 and "max_epochs" in trainer
    assert {k.name for k in shape.keys_at(("trainer", "callbacks", 0), knowledge, None)} == {"class_path", "init_args", "dict_kwargs"}
    args = {k.name for k in shape.keys_at(("trainer", "callbacks", 0, "init_args"), knowledge, CHECKPOINT)}
    assert {"monitor", "save_top_k", "dirpath"} <= args
    assert shape.keys_at(("trainer", "callbacks", 0, "init_args"), knowledge, "my.Unknown") == []
    strategies = [v.label for v in shape.values_at(("trainer", "strategy"), knowledge)]
    assert '"ddp_spawn"' in strategies and '"auto"' in strategies
    precision = [v.toml for v in shape.values_at(("trainer", "precision"), knowledge)]
    assert "16" in precision and '"16"' in precision and '"bf16-mixed"' in precision
    loggers = [v.label for v in shape.values_at(("trainer", "logger", "class_path"), knowledge)]
    assert '"lightning.pytorch.loggers.CSVLogger"' in loggers and f'"{CHECKPOINT}"' not in loggers
    save_last = [v.toml for v in shape.values_at(("trainer", "callbacks", 0, "init_args", "save_last"), knowledge, CHECKPOINT)]
    assert {"true", "false", '"link"'} <= set(save_last)


def test_sources_and_project_classes_without_importing(tmp_path) -> None:
    """Sources (re-exports followed) and a project class's parameters come from the resolver,
    which reads files: the planted package would exit the interpreter if it were imported."""
    from trainer_lint.options import Options

    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("raise SystemExit('imported!')\nfrom .sub import Thing\n")
    (package / "sub" / "__init__.py").write_text("from .impl import Thing as Thing\n")
    (package / "sub" / "impl.py").write_text(
        "import os\nfrom typing import Literal\n\nclass Thing:\n    \"\"\"A thing.\"\"\"\n\n"
        "    def __init__(self, size: int = 3, mode: Literal['a', 'b'] = 'a'):\n        pass\n"
    )
    knowledge = knowledge_for(Options(source_roots=(str(tmp_path),)), str(tmp_path / "cfg.toml"))
    assert knowledge.source("pkg.Thing", "model") == (str(package / "sub" / "impl.py"), 4, 0)
    entry = knowledge.lookup("pkg.Thing", "model")
    assert entry is not None and entry.origin == "project" and entry.doc == "A thing."
    assert [(p.name, p.annotation) for p in entry.parameters] == [("size", "int"), ("mode", "Literal['a', 'b']")]
    modes = [v.toml for v in shape.values_at(("model", "init_args", "mode"), knowledge, "pkg.Thing")]
    assert modes == ['"a"', '"b"']
    assert knowledge.source("pkg.Nothing", "model") is None
    found = knowledge.source(CHECKPOINT, "callbacks")
    assert found is not None and found[0].endswith("model_checkpoint.py")


FIXTURE = Path(__file__).parent / "fixtures" / "cliproject"


def _project_paths(script: str | None, slot: str) -> list[str]:
    from trainer_lint.options import Options

    options = Options(root=str(FIXTURE), source_roots=(str(FIXTURE / "src"),), cli_script=str(FIXTURE / script) if script else None)
    knowledge = knowledge_for(options, str(FIXTURE / "cfg.toml"))
    return [e.path for e in knowledge.classes(slot) if e.origin == "project"]


def test_project_class_paths_by_key() -> None:
    """``class_path`` completion offers the project's classes that the key takes (read by the
    resolver, never imported): LightningModules under ``model``, data modules under ``data``,
    callbacks under ``callbacks``; with a CLI script, the subclasses of its base class, and none
    where it fixes the class (a ``class_path`` there is an error)."""
    models = _project_paths(None, "model")
    assert "lintproj.models.ClassificationTask" in models and "lintproj.zoo.vision.Classifier" in models
    assert not {p for p in models if ".callbacks." in p or ".data." in p or ".nets." in p}
    assert _project_paths(None, "data") == ["lintproj.data.BaseData", "lintproj.data.FolderData",
                                            "lintproj.data.GenericNonGeoPixelwiseRegressionDataModule"]
    assert _project_paths(None, "callbacks") == ["lintproj.callbacks.PatientEarlyStopping", "lintproj.callbacks.PrintEvery",
                                                 "lintproj.callbacks.StateDictAwareModelCheckpoint"]
    assert _project_paths(None, "logger") == [] and _project_paths(None, "optimizer") == []
    assert _project_paths("train_subclass.py", "model") == models  # every model derives from the script's BaseTask
    assert _project_paths("train_fixed.py", "model") == [] and _project_paths("train_fixed.py", "data") == []


def test_project_class_paths_are_cached_and_follow_file_changes(tmp_path) -> None:
    """The list is made once per project (a completion never rescans) and made again when a file
    changes or a new one appears; a planted package that exits when imported is only read."""
    import os

    from trainer_lint.options import Options
    from trainer_lint.server.knowledge import ProjectClasses

    def later(path: Path) -> None:  # a later save, even on a file system with a coarse clock
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    package = tmp_path / "src" / "mypkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise SystemExit('imported!')\n")
    (package / "hooks.py").write_text("from lightning.pytorch.callbacks import Callback\n\n\nclass Hook(Callback):\n    pass\n")
    options = Options(root=str(tmp_path), source_roots=(str(tmp_path / "src"),))
    provider = ProjectClasses(options, str(tmp_path / "cfg.toml"))
    first = provider.classes("callbacks")
    assert [e.path for e in first] == ["mypkg.hooks.Hook"]
    from trainer_lint.server.project_classes import classes_of

    assert classes_of(provider.project, "callbacks") is classes_of(provider.project, "callbacks")  # cached, not listed again
    (package / "more.py").write_text("from mypkg.hooks import Hook\n\n\nclass Later(Hook):\n    pass\n")
    later(package)
    assert [e.path for e in provider.classes("callbacks")] == ["mypkg.hooks.Hook", "mypkg.more.Later"]
    hooks = package / "hooks.py"
    hooks.write_text(hooks.read_text() + "\n\nclass Extra(Hook):\n    pass\n")
    later(hooks)
    assert [e.path for e in provider.classes("callbacks")] == ["mypkg.hooks.Extra", "mypkg.hooks.Hook", "mypkg.more.Later"]


# ------------------------------------------------------------------------ YAML cursor


def at_yaml(source: str) -> cursor.Scan:
    """The YAML scan of ``source`` with the cursor at ``§`` (``|`` is a YAML block scalar)."""
    offset = source.index("§")
    return cursor.scan(source[:offset] + source[offset + 1 :], offset, "yaml")


CALLBACK = "trainer:\n  callbacks:\n    - class_path: " + CHECKPOINT + "\n"


@pytest.mark.parametrize(
    "source, kind, path, prefix",
    [
        ("trainer:\n  max_ep§", "key", ("trainer",), "max_ep"),  # half-typed, no colon yet
        ("trainer:\n  §\n", "key", ("trainer",), ""),
        ("trainer:\n  max_epochs: 3\n  §\n  precision: 16\n", "key", ("trainer",), ""),
        ("trainer:\n  max_epochs: 3\n§", "key", (), ""),
        ("§", "key", (), ""),
        ("trainer:\n  precision: §\n", "value", ("trainer", "precision"), ""),
        ("trainer:\n  precision:§\n", "value", ("trainer", "precision"), ""),
        ("trainer:\n  precision: bf16-m§ixed\n", "value", ("trainer", "precision"), "bf16-m"),
        ('trainer:\n  strategy: "DD§"\n', "value", ("trainer", "strategy"), "DD"),
        ("trainer:\n  strategy: 'dd§\n", "value", ("trainer", "strategy"), "dd"),  # unclosed quote
        ("trainer:\n  callbacks:\n    - class_path: §\n", "value", ("trainer", "callbacks", 0, "class_path"), ""),
        ("trainer:\n  callbacks:\n  - class_path: a.B\n  - class_path: §\n", "value", ("trainer", "callbacks", 1, "class_path"), ""),
        (CALLBACK + "      init_args:\n        monitor: val_loss\n        §\n", "key", ("trainer", "callbacks", 0, "init_args"), ""),
        (CALLBACK + "      init_args:\n        mon§\n", "key", ("trainer", "callbacks", 0, "init_args"), "mon"),
        (CALLBACK + "      init_args: {monitor: x, §}\n", "key", ("trainer", "callbacks", 0, "init_args"), ""),
        (CALLBACK + "      init_args: {monitor: x,\n        mo§\n", "key", ("trainer", "callbacks", 0, "init_args"), "mo"),
        (CALLBACK + "      init_args:\n        save_last: §\n", "value", ("trainer", "callbacks", 0, "init_args", "save_last"), ""),
        ("trainer:\n  callbacks:\n    - init_args:\n        §\n      class_path: a.B\n", "key", ("trainer", "callbacks", 0, "init_args"), ""),
        ("trainer:\n  callbacks:\n    - cla§\n", "key", ("trainer", "callbacks", 0), "cla"),
        ("trainer: {max_epochs: 3, precision: bf1§}", "value", ("trainer", "precision"), "bf1"),
        ("trainer:\n  callbacks: [{class_path: a.B}, {class_path: §}]\n", "value", ("trainer", "callbacks", 1, "class_path"), ""),
        ("{trainer: {callbacks: [{class_path: a.B, init_args: {§}}]}}", "key", ("trainer", "callbacks", 0, "init_args"), ""),
        ("trainer:\n  devices: [0, §]\n", "value", ("trainer", "devices", 1), ""),
        ("trainer:\n  logger:\n    class_path: x\n    init_args:\n      name: §\n", "value", ("trainer", "logger", "init_args", "name"), ""),
        ("trainer:\n  max_epochs: 3 # co§mment\n", "none", (), ""),
        ("trainer:\n  callbacks:\n    - class_path: a.B\n    §\n", "none", (), ""),  # where the next `-` goes
        ("run: |\n  trainer: §\n", "none", (), ""),  # inside a block scalar
        ("a: |\n  text\ntrainer:\n  max_ep§\n", "key", ("trainer",), "max_ep"),
        ("\ufefftrainer:\r\n  max_epochs: 3\r\n  §\r\n", "key", ("trainer",), ""),  # BOM, CRLF
        ("trainer:\n\tmax_ep§\n", "key", ("trainer",), "max_ep"),  # a tab (TL005), still followed
        ("trainer: &base\n  §\n", "key", ("trainer",), ""),
        ("x: 1\n---\ntrainer:\n  §\n", "key", ("trainer",), ""),
        ("trainer:\n  callbacks: [\n    {class_path: a.B,\n     init_args: {mon§\n  max_epochs: 3\n", "key", ("trainer", "callbacks", 0, "init_args"), "mon"),
    ],
)
def test_yaml_cursor(source: str, kind: str, path: tuple, prefix: str) -> None:
    found = at_yaml(source).cursor
    assert (found.kind, found.path, found.prefix) == (kind, path, prefix)


def test_yaml_cursor_finds_the_class_path_beside_it_before_or_after() -> None:
    found = at_yaml("trainer:\n  callbacks:\n    - init_args:\n        §\n      class_path: a.B\n    - class_path: c.D\n  max_epochs: 3\n")
    assert found.scalars[("trainer", "callbacks", 0, "class_path")] == "a.B"
    assert found.scalars[("trainer", "callbacks", 1, "class_path")] == "c.D"
    assert found.scalars[("trainer", "max_epochs")] == "3"
    flow = at_yaml("trainer:\n  callbacks: [{init_args: {§}, class_path: 'a.B'}]\n")
    assert flow.scalars[("trainer", "callbacks", 0, "class_path")] == "a.B"


def test_yaml_cursor_never_raises_on_garbage() -> None:
    """The scanner itself (not the guard around it) follows any text to its end."""
    import random

    from trainer_lint.server.yaml_cursor import _Scanner

    rng = random.Random(0)
    alphabet = "[]{}:,-|>&*!?#'\"\n\r\t  ab1\x00😋\\\ufeff"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        _Scanner(text, rng.randint(0, len(text))).run()


def test_yaml_cursor_needs_no_yaml_parser() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\nfrom trainer_lint.server import cursor\n"
        "found = cursor.scan('trainer:\\n  max_ep', 17, 'yaml').cursor\n"
        "print(found.kind, found.path, 'yaml' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["key", "('trainer',)", "False"]


def test_yaml_values_are_spelled_as_yaml() -> None:
    from trainer_lint.server.completion import yaml_text

    assert yaml_text("bf16-mixed") == "bf16-mixed"
    assert yaml_text("ddp", '"') == '"ddp"' and yaml_text("ddp", "'") == "'ddp'"
    assert yaml_text("on") == '"on"'  # plain `on` is a boolean to LightningCLI
    assert yaml_text(16) == "16" and yaml_text(True) == "true"
