"""``--fix`` on YAML: the same fixes as TOML, written as YAML, keeping comments, key order,
quoting, indentation, line endings and a BOM; refused where an edit would change more than it
says (aliases, merges, block scalars, keys without a line of their own); idempotent; atomic."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

pytest.importorskip("yaml")

from case_files import case_files  # noqa: E402
from trainer_lint import formats  # noqa: E402
from trainer_lint.engine import lint_text  # noqa: E402
from trainer_lint.fixer import FileFix, fix_file, fix_text  # noqa: E402
from trainer_lint.formats.convert import ConvertError, toml_to_yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def fixed(text: str, unsafe: bool = False) -> str:
    return fix_text(text, "cfg.yaml", unsafe=unsafe)[0]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("precision: 16", 'precision: "16-mixed"'),
        ("precision: '16'", "precision: '16-mixed'"),  # quoting style kept
        ('precision: "bf16"  # half', 'precision: "bf16-mixed"  # half'),
        ("precision: bf16", "precision: bf16-mixed"),
        ("enable_progress_bar: on", "enable_progress_bar: true"),
        ("enable_progress_bar: NO  # off", "enable_progress_bar: false  # off"),
        ("check_val_every_n_epoch: none", "check_val_every_n_epoch: null"),
        ("gpus: 2", "accelerator: gpu\n  devices: 2"),
        ("gpus: [0, 1]  # two", "accelerator: gpu\n  devices: [0, 1]  # two"),
        ("gpus: '0,1'", 'accelerator: gpu\n  devices: "0,1"'),
        ("replace_sampler_ddp: false", "use_distributed_sampler: false"),
        ('"replace_sampler_ddp": false', '"use_distributed_sampler": false'),
        ("reload_dataloaders_every_epoch: true", "reload_dataloaders_every_n_epochs: 1"),
    ],
)
def test_safe_fixes(before: str, after: str) -> None:
    assert fixed(f"trainer:\n  {before}\n") == f"trainer:\n  {after}\n"


@pytest.mark.parametrize(
    "text",
    [
        "trainer: {gpus: 2}\n",  # a flow mapping: the key has no line of its own
        "trainer:\n  gpus: 2\n  devices: 2\n",  # devices already set
        "trainer:\n  callbacks:\n    - class_path: ModelCheckpoint\n      init_args: &a {mode: MIN}\n"
        "    - class_path: ModelCheckpoint\n      init_args: *a\n",  # written once, used twice
        "trainer:\n  max_epochs: &n 3\n  precision: &p 16\n  min_epochs: *n\n  x: *p\n",
        "trainer:\n  precision: |\n    16\n",  # a block scalar
    ],
)
def test_no_fix(text: str) -> None:
    assert fixed(text, unsafe=True) == text


def test_unsafe_fixes_rename_keys_and_values() -> None:
    text = "trainer:\n  max_epoch: 3   # three\n  accelerator: 'gpux'\n"
    assert fixed(text) == text
    assert fixed(text, unsafe=True) == "trainer:\n  max_epochs: 3   # three\n  accelerator: 'gpu'\n"


def test_sequence_item_and_indentation_kept() -> None:
    text = ("trainer:\n    accelerator: gpu\n    callbacks:\n      - class_path: ModelCheckpoint\n        init_args:\n"
            "          verbose: yes   # talk\n    precision: 16\n")
    assert fixed(text) == text.replace("precision: 16", 'precision: "16-mixed"').replace("yes   #", "true   #")


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "cfg.yaml"
    path.write_bytes(codecs.BOM_UTF8 + b"# x\r\ntrainer:\r\n  gpus: 2  # two\r\n  enable_progress_bar: off\r\n")
    outcome = fix_file(str(path))
    assert isinstance(outcome, FileFix) and outcome.fixed == 2
    assert path.read_bytes() == codecs.BOM_UTF8 + b"# x\r\ntrainer:\r\n  accelerator: gpu\r\n  devices: 2  # two\r\n  enable_progress_bar: false\r\n"


def test_fix_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cfg.yaml"
    original = b"trainer:\n  precision: 16\n"
    path.write_bytes(original)

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    outcome = fix_file(str(path))
    assert not isinstance(outcome, FileFix) and "could not write" in outcome.message
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cfg.yaml"], "no temporary file left behind"


def _yaml_fixtures() -> list[tuple[str, str]]:
    out = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("tests/cases/*/*.yaml"))]
    out += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob("docs/demo/lightningcli/*.yaml"))]
    for path in case_files():
        if path.suffix == ".toml":
            try:
                out.append((f"{path.relative_to(ROOT)} as YAML", toml_to_yaml(path.read_bytes().decode("utf-8"), path.name).text))
            except (UnicodeDecodeError, ConvertError):
                continue
    return out


@pytest.mark.parametrize(("name", "text"), _yaml_fixtures(), ids=[n for n, _ in _yaml_fixtures()])
def test_fixes_reach_a_fixed_point(name: str, text: str, tmp_path: Path) -> None:
    path = tmp_path / "cfg.yaml"
    path.write_text(text, encoding="utf-8")
    first = fix_file(str(path), unsafe=True)
    assert isinstance(first, FileFix)
    after = path.read_text(encoding="utf-8")
    if first.changed:
        formats.parse(after, "cfg.yaml")  # still YAML
        assert first.fixed > 0
        kept = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        assert all(line in after.splitlines() for line in kept), "full-line comments are kept"
        remaining = {d.code for d in lint_text(after, "cfg.yaml").diagnostics if d.fix is not None}
        assert remaining <= {d.code for d in first.result.diagnostics}
    second = fix_file(str(path), unsafe=True)
    assert isinstance(second, FileFix) and not second.changed and path.read_text(encoding="utf-8") == after
