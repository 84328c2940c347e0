"""Fuzzing YAML input: no input makes trainer-lint raise, and ``--fix`` never breaks a YAML file.

The properties of ``tests/test_fuzz.py`` (every formatter renders, the exit code is 0 or 1 for
content, fixing never raises, keeps a readable file readable and reaches a fixed point at once),
on three generators of ``.yaml`` input:

* YAML-shaped text from a grammar: block and flow mappings and sequences, the real Trainer
  argument names and typos, YAML 1.1 words, nulls, quoted numbers, anchors, aliases, merges,
  tags, block scalars, interpolations, duplicate keys, tabs, comments and suppression comments,
  ``---`` documents, CRLF, BOM, broken indentation;
* raw bytes;
* mutations of the YAML fixtures (``tests/cases/*/*.yaml``, ``tests/positions_yaml``, the
  LightningCLI demo configs).

3,000 cases by default (derandomized); ``TRAINER_LINT_FUZZ_EXAMPLES`` scales it as for TOML.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("yaml")

from test_fuzz import TRAINER_ARGS, _assert_report_ok, _seeded, _settings, _typo, workdir  # noqa: E402, F401
from trainer_lint import formats  # noqa: E402
from trainer_lint.checker import check_file  # noqa: E402
from trainer_lint.engine import lint_text  # noqa: E402
from trainer_lint.files import PathProblem  # noqa: E402
from trainer_lint.fixer import FileFix, fix_file, fix_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCALE = int(os.environ.get("TRAINER_LINT_FUZZ_EXAMPLES", "5000")) / 5000


def _yaml_settings(count: int):  # type: ignore[no-untyped-def]
    base = _settings("grammar")
    return base.__class__(base, max_examples=max(1, int(count * SCALE)))


def _readable(text: str) -> bool:
    try:
        formats.parse(text, "fuzz.yaml")
    except Exception:  # noqa: BLE001 - DocumentError
        return False
    return True


def _check_text(text: str) -> None:
    result = lint_text(text, "fuzz.yaml")
    _assert_report_ok(result)
    readable = _readable(text)
    for unsafe in (False, True):
        after, fixed, again_result = fix_text(text, "fuzz.yaml", unsafe=unsafe)
        if not fixed:
            assert after == text
        if readable:
            assert _readable(after), (text, after)
        if not unsafe:
            again, more, _ = fix_text(after, "fuzz.yaml")
            assert (again, more) == (after, 0), (text, after, again)
        _assert_report_ok(again_result, every_format=False)


# ------------------------------------------------------------------------ grammar

_NAMES = st.one_of(st.sampled_from(TRAINER_ARGS), _typo(), st.sampled_from(["gpus", "class_path", "init_args", "<<", "on", "1", "~"]))
_SCALARS = st.sampled_from([
    "3", "-1", "0", "'3'", '"10"', "1e-3", "1E3", "1.5", ".inf", ".nan", "1:30", "017", "0b11", "0x1f", "1_000",
    "yes", "No", "ON", "off", "y", "true", "False", "null", "~", "", "none", "'none'", "auto", "gpu", "cpu", "GPU",
    "16", "'16'", "bf16", "16-mixed", "ddp", "fsdp", "[0, 1]", "[0,\t1]", "{}", "[]", "{hours: 1}", "{a: 1, a: 2}",
    "2024-01-02", "'00:01:00:00'", "00:01:00:00", "${oc.env:X}", "'${a.b}'", "|\n    text", ">-\n    folded",
    "!!str 3", "!!int '4'", "!!float 1", "!!binary aGk=", "!custom x", "!!python/object:os.system x", "&a 1", "*a",
    "*missing", "&b [*b]", "\"esc\\u00e9\\n\"", "'it''s'", "\"unterminated", "[1, 2", "{a: }", "- x", ": x",
    "ModelCheckpoint", "lightning.pytorch.callbacks.EarlyStopping", "# trainer-lint: ignore[TL100]", "@x", "`x`",
])


@st.composite
def _value(draw, depth=0):  # type: ignore[no-untyped-def]
    kind = draw(st.integers(0, 6 if depth < 2 else 1))
    if kind <= 3:
        return draw(_SCALARS)
    if kind == 4:
        items = draw(st.lists(_value(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    if kind == 5:
        pairs = draw(st.lists(st.tuples(_NAMES, _value(depth + 1)), max_size=3))
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
    indent = "  " * (depth + 2)
    lines = []
    for name, value in draw(st.lists(st.tuples(_NAMES, _value(depth + 1)), min_size=1, max_size=3)):
        prefix = draw(st.sampled_from(["", "- "]))
        lines.append(f"{indent}{prefix}{name}: {value}")
    return "\n" + "\n".join(lines)


_COMMENTS = st.sampled_from(["", "", "  # note", "  # trainer-lint: ignore[TL1]", "  # trainer-lint: ignore[XX]", "#x"])
_INDENTS = st.sampled_from(["  ", "  ", "  ", "   ", "\t", " \t", "    ", ""])


@st.composite
def yaml_documents(draw) -> str:  # type: ignore[no-untyped-def]
    lines = [draw(st.sampled_from(["trainer:", "trainer:", "trainer: &t", "trainer: !!map", "'trainer':", "trainer: {"]))]
    for _ in range(draw(st.integers(0, 10))):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            lines.append(draw(st.sampled_from(["---", "...", "%YAML 1.1", "# trainer-lint: file-ignore[TL006]", "", "seed_everything: 1", "model:", "<<: *t"])))
        elif choice == 1:
            lines.append(f"{draw(_INDENTS)}callbacks:\n    - class_path: {draw(_SCALARS)}\n      init_args: {draw(_value(2))}")
        else:
            lines.append(f"{draw(_INDENTS)}{draw(_NAMES)}: {draw(_value())}{draw(_COMMENTS)}")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join("\n".join(lines).split("\n")) + draw(st.sampled_from([newline, ""]))
    return ("\ufeff" if draw(st.integers(0, 9)) == 0 else "") + text


@_seeded
@_yaml_settings(1500)
@given(yaml_documents())
def test_yaml_grammar_never_crashes(text: str) -> None:
    _check_text(text)


# ------------------------------------------------------------------------ raw bytes


@_seeded
@_yaml_settings(500)
@given(raw=st.one_of(st.binary(max_size=200), st.binary(max_size=40).map(lambda b: b"trainer:\n  " + b)))
def test_yaml_raw_bytes_never_crash(workdir: Path, raw: bytes) -> None:  # noqa: F811 - the fixture
    path = workdir / "case.yaml"
    path.write_bytes(raw)
    outcome = check_file(str(path))
    assert not isinstance(outcome, PathProblem), outcome
    _assert_report_ok(outcome)
    fixed = fix_file(str(path))
    assert isinstance(fixed, FileFix), fixed
    if not fixed.changed:
        assert path.read_bytes() == raw
    assert [p.name for p in workdir.iterdir()] == ["case.yaml"]


# ------------------------------------------------------------------------ mutations

FIXTURES = [p.read_text(encoding="utf-8") for p in sorted([*ROOT.glob("tests/cases/*/*.yaml"), *ROOT.glob("tests/positions_yaml/*.yaml"), *ROOT.glob("docs/demo/lightningcli/*.yaml")])]


@st.composite
def mutated(draw) -> str:  # type: ignore[no-untyped-def]
    text = draw(st.sampled_from(FIXTURES))
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.integers(0, 4))
        at = draw(st.integers(0, len(text)))
        if op == 0:
            text = text[:at]
        elif op == 1:
            text = text[:at] + draw(st.sampled_from([":", "-", " ", "\t", "\n", "'", '"', "{", "[", "&a", "*a", "#", "!"])) + text[at:]
        elif op == 2:
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif op == 3:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = "  " + lines[i] if draw(st.booleans()) else lines[i].lstrip()
            text = "\n".join(lines)
    return text


@_seeded
@_yaml_settings(1000)
@given(mutated())
def test_yaml_mutations_never_crash(text: str) -> None:
    _check_text(text)
