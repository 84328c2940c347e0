"""``check --fix`` / ``--diff``: what is fixed, that nothing else changes, atomic writes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint import fixer
from trainer_lint.document import parse_document
from trainer_lint.files import PathProblem
from trainer_lint.fixer import FileFix, fix_file, fix_text

ROOT = Path(__file__).resolve().parent.parent


def fixed(text: str, unsafe: bool = False) -> str:
    return fix_text(text, "t.toml", unsafe=unsafe)[0]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--isolated", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


# ----------------------------------------------------------------------------- safe fixes


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("precision = 16", 'precision = "16-mixed"'),
        ('precision = "16"', 'precision = "16-mixed"'),
        ("precision = '16'", "precision = '16-mixed'"),  # quoting style kept
        ('precision = "bf16"', 'precision = "bf16-mixed"'),
        ("precision = 'bf16'  # half", "precision = 'bf16-mixed'  # half"),
        ('precision = "32"', 'precision = "32"'),
        ("precision = 64", "precision = 64"),
    ],
)
def test_precision(before: str, after: str) -> None:
    assert fixed(f"[trainer]\n{before}\n") == f"[trainer]\n{after}\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("gpus = 2", 'accelerator = "gpu"\ndevices = 2'),
        ("gpus = -1", 'accelerator = "gpu"\ndevices = -1'),
        ("gpus = [0, 1]", 'accelerator = "gpu"\ndevices = [0, 1]'),
        ('gpus = "0,1"', 'accelerator = "gpu"\ndevices = "0,1"'),
        ("tpu_cores = 8", 'accelerator = "tpu"\ndevices = 8'),
        ("num_processes = 4", 'accelerator = "cpu"\ndevices = 4'),
        ("replace_sampler_ddp = false", "use_distributed_sampler = false"),
        ('"replace_sampler_ddp" = false', '"use_distributed_sampler" = false'),
        ("checkpoint_callback = true", "enable_checkpointing = true"),
        ("reload_dataloaders_every_epoch = true", "reload_dataloaders_every_n_epochs = 1"),
        ("max_nb_epochs = 3", "max_epochs = 3"),
    ],
)
def test_removed_arguments(before: str, after: str) -> None:
    assert fixed(f"[trainer]\n{before}\n") == f"[trainer]\n{after}\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # TL344: a dotted path in strategy/accelerator is a name to the Trainer; the table builds the class
        ('strategy = "lightning.pytorch.strategies.DDPStrategy"  # mine', 'strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy" }  # mine'),
        ('accelerator = "lightning.pytorch.accelerators.CPUAccelerator"', 'accelerator = { class_path = "lightning.pytorch.accelerators.CPUAccelerator" }'),
        # TL540: the same class in the distribution that reads the config (lightning by default)
        ('strategy = { class_path = "pytorch_lightning.strategies.DDPStrategy" }', 'strategy = { class_path = "lightning.pytorch.strategies.DDPStrategy" }'),
        ('plugins = ["lightning_fabric.plugins.environments.SLURMEnvironment"]', 'plugins = ["lightning.fabric.plugins.environments.SLURMEnvironment"]'),
    ],
)
def test_object_fixes(before: str, after: str) -> None:
    assert fixed(f"[trainer]\n{before}\n") == f"[trainer]\n{after}\n"


@pytest.mark.parametrize(
    "text",
    [
        '[trainer]\ngpus = 2\naccelerator = "cuda"\n',  # accelerator already set
        "[trainer]\ngpus = 2\ndevices = 2\n",  # devices already set
        "[trainer]\ngpus = 0\n",  # 0 GPUs meant the CPU: not one meaning
        "[trainer]\ngpus = 1.5\n",
        "trainer = { gpus = 2 }\n",  # an inline table: no line of its own
        "[trainer]\nreplace_sampler_ddp = false\nuse_distributed_sampler = true\n",  # target set
        "[trainer]\nauto_select_gpus = true\n",  # two possible replacements
    ],
)
def test_no_safe_fix(text: str) -> None:
    assert fixed(text) == text


def test_dotted_keys_and_indentation() -> None:
    text = "trainer.gpus = 2  # two cards\n  trainer.precision = 16\n"
    assert fixed(text) == 'trainer.accelerator = "gpu"\ntrainer.devices = 2  # two cards\n  trainer.precision = "16-mixed"\n'


# ----------------------------------------------------------------------- unsafe fixes


def test_unsafe_fixes_need_the_flag() -> None:
    text = '[trainer]\nmax_epoch = 3\naccelerator = "gpux"\n'
    assert fixed(text) == text
    assert fixed(text, unsafe=True) == '[trainer]\nmax_epochs = 3\naccelerator = "gpu"\n'


def test_unsafe_rename_onto_a_set_key_is_not_applied() -> None:
    text = "[trainer]\nmax_epoch = 3\nmax_epochs = 4\n"
    assert fixed(text, unsafe=True) == text


# --------------------------------------------------------------- byte-for-byte round trips

MESSY = (
    "\ufeff#:schema ../schemas/trainer.schema.json\r\n"
    "# a config with comments, odd spacing and CRLF line endings\r\n"
    "seed_everything = 42\r\n"
    "\r\n"
    "[trainer]   # the Trainer\r\n"
    "  max_epochs=3\r\n"
    "  precision    =   16      # half!\r\n"
    "\tgpus = 2 # two cards\r\n"
    "  'replace_sampler_ddp' = false\r\n"
    "  limit_val_batches = 0.5\r\n"
    "\r\n"
    "[[trainer.callbacks]]\r\n"
    "class_path = 'lightning.pytorch.callbacks.ModelCheckpoint'  # literal string\r\n"
    'init_args = { monitor = "val_loss", mode = "min" }\r\n'
    "# trailing comment, no final newline"
)
MESSY_FIXED = (
    MESSY.replace('precision    =   16      # half!', 'precision    =   "16-mixed"      # half!')
    .replace("\tgpus = 2 # two cards", '\taccelerator = "gpu"\r\n\tdevices = 2 # two cards')
    .replace("'replace_sampler_ddp' = false", "'use_distributed_sampler' = false")
)


def test_file_is_byte_identical_outside_the_edits(tmp_path: Path) -> None:
    path = tmp_path / "messy.toml"
    path.write_bytes(MESSY.encode("utf-8"))  # the BOM is U+FEFF, written as EF BB BF
    outcome = fix_file(str(path))
    assert isinstance(outcome, FileFix) and outcome.fixed == 3
    assert path.read_bytes() == MESSY_FIXED.encode("utf-8")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.read_bytes().count(b"\r\n") == MESSY_FIXED.count("\r\n") and b"\n" not in path.read_bytes().replace(b"\r\n", b"")
    assert outcome.result.diagnostics == []  # linted again: nothing remains


def test_second_fix_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "messy.toml"
    path.write_bytes(MESSY.encode("utf-8"))
    fix_file(str(path))
    once = path.read_bytes()
    again = fix_file(str(path))
    assert isinstance(again, FileFix) and again.fixed == 0 and not again.changed
    assert path.read_bytes() == once


@pytest.mark.parametrize("case", sorted(ROOT.glob("tests/cases/*/*.toml")) + sorted(ROOT.glob("examples/*.toml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case_files_fix_to_a_fixed_point(case: Path, tmp_path: Path) -> None:
    raw = case.read_bytes()
    target = tmp_path / case.name
    target.write_bytes(raw)
    first = fix_file(str(target), unsafe=True)
    assert isinstance(first, FileFix)
    after = target.read_bytes()
    if first.changed:
        parse_document(after.decode("utf-8-sig"))  # still TOML
        assert first.fixed > 0
    second = fix_file(str(target), unsafe=True)
    assert isinstance(second, FileFix) and not second.changed and target.read_bytes() == after


def test_permissions_kept_and_symlink_followed(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("[trainer]\nprecision = 16\n")
    real.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real.name)
    assert isinstance(fix_file(str(link)), FileFix)
    assert link.is_symlink()
    assert real.read_text() == '[trainer]\nprecision = "16-mixed"\n'
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


# ------------------------------------------------------------------- crashes mid-write


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("where", ["os.replace", "os.fsync", "os.chmod"])
def test_crash_mid_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    path = tmp_path / "cfg.toml"
    original = b"[trainer]\r\nprecision = 16 # x\r\n"
    path.write_bytes(original)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(where, boom)
    outcome = fix_file(str(path))
    monkeypatch.undo()
    assert isinstance(outcome, PathProblem)
    assert outcome.message == "could not write the fixed file: no space left on device"
    assert path.read_bytes() == original
    assert _listing(tmp_path) == ["cfg.toml"]  # no temporary file left behind


def test_interrupt_mid_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cfg.toml"
    path.write_bytes(b"[trainer]\nprecision = 16\n")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fix_file(str(path))
    monkeypatch.undo()
    assert path.read_bytes() == b"[trainer]\nprecision = 16\n"
    assert _listing(tmp_path) == ["cfg.toml"]


def test_file_changed_while_fixing_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cfg.toml"
    path.write_text("[trainer]\nprecision = 16\n")
    real = fixer.fix_text

    def edit_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)
        path.write_text("[trainer]\nprecision = 16\nmax_epochs = 1\n")  # the user saved meanwhile
        return out

    monkeypatch.setattr(fixer, "fix_text", edit_meanwhile)
    outcome = fix_file(str(path))
    assert isinstance(outcome, PathProblem) and outcome.message == "changed on disk while being fixed; not written"
    assert path.read_text() == "[trainer]\nprecision = 16\nmax_epochs = 1\n"


# --------------------------------------------------------------------------------- CLI


def test_cli_fix_reports_what_remains(tmp_path: Path) -> None:
    (tmp_path / "cfg.toml").write_text("[trainer]\nprecision = 16\nmax_epoch = 3\n")
    run = cli("--fix", "cfg.toml", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "Fixed 1 problem." in run.stdout
    assert "TL103 error: unknown key `max_epoch`" in run.stdout and "TL320" not in run.stdout
    assert (tmp_path / "cfg.toml").read_text() == '[trainer]\nprecision = "16-mixed"\nmax_epoch = 3\n'
    run = cli("--fix", "--unsafe-fixes", "cfg.toml", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Fixed 1 problem.\nAll checks passed (1 file checked)." in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_cli_diff_writes_nothing(tmp_path: Path) -> None:
    body = "[trainer]\r\ngpus = 2\r\n"
    (tmp_path / "cfg.toml").write_bytes(body.encode())
    run = cli("--diff", "cfg.toml", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.replace("\r\n", "\n") == (
        "--- cfg.toml\n+++ cfg.toml\n@@ -1,2 +1,3 @@\n [trainer]\n-gpus = 2\n+accelerator = \"gpu\"\n+devices = 2\n"
    )
    assert "Would fix 1 problem in 1 file." in run.stderr
    assert (tmp_path / "cfg.toml").read_bytes() == body.encode()
    assert _listing(tmp_path) == ["cfg.toml"]
    clean = cli("--diff", "cfg.toml", "--select", "TL1", "--ignore", "TL104", cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""


def test_text_output_marks_fixable() -> None:
    from trainer_lint.checker import Report
    from trainer_lint.engine import lint_text
    from trainer_lint.formatters import render

    out = render(Report(results=[lint_text("[trainer]\ngpus = 2\nmax_epoch = 1\n", "c.toml")]))
    assert "c.toml:2:1: TL104 [*] error" in out
    assert "c.toml:3:1: TL103 error" in out  # an unsafe fix is not marked
    assert "[*] 1 fixable with `trainer-lint check --fix`." in out


def test_unsafe_fixes_never_rewrite_a_class_path() -> None:
    """Another class is another program: a class path is reported with a did-you-mean, never rewritten."""
    text = (
        '[trainer]\nprofiler = "SimpleProfilr"\n\n'
        '[[trainer.callbacks]]\nclass_path = "lightning.pytorch.callbacks.ModelCheckpoints"\n\n'
        '[[trainer.callbacks]]\nclass_path = "StateDictAwareModelCheckpoint"\n\n'
        '[model]\nclass_path = "my_project.models.Classifer"\n'
    )
    after, count, result = fix_text(text, "t.toml", unsafe=True)
    assert after == text and count == 0
    assert {d.code for d in result.diagnostics} >= {"TL500", "TL520"}
    # a profiler class name is resolved like any other bare class name: unknown, it is TL520 with a
    # did-you-mean (LightningCLI would take a project class of that name), never rewritten
    assert any(d.code == "TL520" and "SimpleProfiler" in d.message for d in result.diagnostics)



def test_fix_text_keeps_a_leading_bom_when_no_fix_applies():
    """An unsafe rename that would duplicate a key is refused: the text comes back as it was given,
    byte for byte, BOM included (found by the fuzz)."""
    from trainer_lint.fixer import fix_text

    text = "\ufeff[trainer]\naccelerator = 16\nccelerator = []\n"
    for unsafe in (False, True):
        after, fixed, _ = fix_text(text, "c.toml", unsafe=unsafe)
        assert (after, fixed) == (text, 0)
