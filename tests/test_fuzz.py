"""Fuzzing: no input makes trainer-lint raise, and ``--fix`` never breaks a file that parsed.

Three generators, all run in-process through the library (``engine.lint_text``,
``checker.check_file`` on temporary files, every formatter, ``fixer.fix_text``/``fix_file``):

* TOML-shaped text from a grammar: tables, keys from the real Trainer arguments, removed 1.x
  arguments and typos, values of every TOML type, arrays, inline tables, comments, CRLF, BOM;
* raw bytes;
* mutations of the example configs (``examples/*.toml``, ``tests/cases/**/*.toml``): byte
  flips, truncation, insertion, deletion, duplicated lines.

CI runs 5,000 cases (derandomized, so every run is the same). For a longer run::

    TRAINER_LINT_FUZZ_EXAMPLES=200000 python -m pytest tests/test_fuzz.py -q

(the count is split between the generators as below; ``derandomize`` stays on, so set
``TRAINER_LINT_FUZZ_SEED`` to explore other inputs).
"""

from __future__ import annotations

import json
import os
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from trainer_lint import formatters
from trainer_lint.checker import Report, check_file
from trainer_lint.document import DocumentError, parse_document
from trainer_lint.engine import FileResult, lint_text
from trainer_lint.files import PathProblem
from trainer_lint.fixer import FileFix, fix_file, fix_text
from trainer_lint.rules.types import REMOVED_ARGUMENTS
from trainer_lint.schema import load_packaged

ROOT = Path(__file__).resolve().parent.parent
TOTAL = int(os.environ.get("TRAINER_LINT_FUZZ_EXAMPLES", "5000"))
SHARES = {"grammar": 0.4, "bytes": 0.25, "mutations": 0.35}
SEED = int(os.environ.get("TRAINER_LINT_FUZZ_SEED", "0"))


def _settings(share: str) -> settings:
    return settings(
        max_examples=max(1, int(TOTAL * SHARES[share])),
        deadline=None,
        derandomize=SEED == 0,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def _seeded(test):  # type: ignore[no-untyped-def]
    return seed(SEED)(test) if SEED else test


# ------------------------------------------------------------------------ properties

FORMATS = tuple(formatters.FORMATS)


_counter = iter(range(10**12))


def _assert_report_ok(result: FileResult, every_format: bool = True) -> None:
    """The exit code is 0 or 1 for content; every formatter renders; the JSON parses.

    SARIF embeds every rule's documentation (~50 ms a render), so it runs on one case in 16."""
    report = Report(results=[result])
    assert report.exit_code() in (0, 1)
    assert report.exit_code(strict=True) in (0, 1)
    names = [n for n in FORMATS if n != "sarif" or next(_counter) % 16 == 0] if every_format else ["text", "json"]
    for name in names:
        out = formatters.render(report, name)
        assert isinstance(out, str)
        if name in ("json", "sarif"):
            json.loads(out)
    payload = json.loads(formatters.render(report, "json"))
    assert len(payload["diagnostics"]) == len(result.diagnostics)
    for d in result.diagnostics:
        assert d.span is not None and d.span.line >= 1 and d.span.column >= 1, d


def _parses(text: str) -> bool:
    try:
        parse_document(text)
    except DocumentError:
        return False
    return True


def _assert_fix_ok(text: str) -> None:
    """Fixing never raises, never breaks a file that parsed, and is idempotent."""
    parsed = _parses(text)
    for unsafe in (False, True):
        after, fixed, result = fix_text(text, "fuzz.toml", unsafe=unsafe)
        if not fixed:
            assert after == text
        if parsed:
            assert _parses(after), (text, after)
        if not unsafe:  # (the unsafe pass checks validity only, to keep the suite fast)
            again, more, _ = fix_text(after, "fuzz.toml", unsafe=unsafe)
            assert (again, more) == (after, 0), (text, after, again)
        _assert_report_ok(result, every_format=False)


def _check_text(text: str) -> None:
    result = lint_text(text, "fuzz.toml")
    _assert_report_ok(result)
    _assert_fix_ok(text)


@pytest.fixture(scope="module")
def workdir():  # type: ignore[no-untyped-def]
    # fsync makes writes durable, which is not under test here; without it the fuzz is ~3x faster.
    mp = pytest.MonkeyPatch()
    mp.setattr(os, "fsync", lambda fd: None)
    with tempfile.TemporaryDirectory(prefix="trainer-lint-fuzz-") as folder:
        yield Path(folder)
    mp.undo()


def _check_bytes(raw: bytes, folder: Path) -> None:
    path = folder / "case.toml"
    path.write_bytes(raw)
    outcome = check_file(str(path))
    assert not isinstance(outcome, PathProblem), outcome  # content never gives exit code 2
    _assert_report_ok(outcome)
    was_toml = not any(d.code in ("TL001", "TL002", "TL003") for d in outcome.diagnostics)
    fixed = fix_file(str(path), write=True)
    assert isinstance(fixed, FileFix), fixed
    after = path.read_bytes()
    if not fixed.changed:
        assert after == raw
    else:
        assert after.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
        assert was_toml and _parses(after.decode("utf-8"))
    leftovers = [p.name for p in folder.iterdir() if p.name != "case.toml"]
    assert not leftovers, leftovers


# ------------------------------------------------------------------------ grammar

_SCHEMA = load_packaged()
TRAINER_ARGS = sorted(_SCHEMA["definitions"]["BaseTrainerConfig"]["properties"])
REMOVED = sorted(REMOVED_ARGUMENTS)


@st.composite
def _typo(draw) -> str:  # type: ignore[no-untyped-def]
    word = draw(st.sampled_from(TRAINER_ARGS))
    i = draw(st.integers(0, len(word) - 1))
    op = draw(st.sampled_from(["drop", "swap", "add", "case"]))
    if op == "drop":
        return word[:i] + word[i + 1 :] or word
    if op == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "case":
        return word.upper()
    return word[:i] + draw(st.sampled_from("aesx_")) + word[i:]


_bare = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=12)
_name = st.one_of(st.sampled_from(TRAINER_ARGS), st.sampled_from(REMOVED), _typo(), _bare)


def _quote_key(name: str, style: int) -> str:
    if style == 1:
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == 2 and "'" not in name:
        return "'" + name + "'"
    return name


_key = st.builds(_quote_key, _name, st.sampled_from([0, 0, 0, 1, 2]))

INTERESTING = [
    "16", "'16'", '"16"', '"bf16"', "'bf16'", '"16-mixed"', "32", '"64"', '"16-mix"', "64", "8",
    '"gpu"', '"cpu"', '"GPU"', '"gpux"', '"auto"', '"mps"', '"tpu"', '"ddp"', '"fsdp"', '"ddp_spawn"',
    '"deepspeed_stage_2"', "2", "-1", "0", "-2", "[0, 1]", "[0, 0]", '"0,1"', '"auto"', "[]", "[[1]]",
    "true", "false", '"none"', '"00:01:00:00"', '"1:00"', "1.5", "0.5", "nan", "inf", "-inf", "1e400",
    '"simple"', '"advanced"', '"norm"', '"value"', '{ class_path = "lightning.pytorch.callbacks.ModelCheckpoint" }',
    '{ class_path = "a.B", init_args = { x = 1 } }', "{}", '{ init_args = {} }', "1979-05-27T07:32:00Z",
    "1979-05-27", "07:32:00", '"""multi\nline"""', "'''lit\nline'''", '"esc\\u00e9\\n"', "0x10", "0o7", "0b1",
    "+1", "1_000", '"bad \\q escape"', "[1, 2,]", "[1 2]", '"unterminated', "= 1", "{a = 1,}",
]


def _scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(INTERESTING),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.booleans().map(lambda b: "true" if b else "false"),
        st.text(max_size=12).map(lambda s: json.dumps(s, ensure_ascii=False)),
        st.text(alphabet=st.characters(blacklist_characters="'\n\r"), max_size=8).map(lambda s: f"'{s}'"),
    )


def _values() -> st.SearchStrategy[str]:
    return st.recursive(
        _scalar(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(st.tuples(_key, inner), max_size=3).map(
                lambda kvs: "{ " + ", ".join(f"{k} = {v}" for k, v in kvs) + " }"
            ),
        ),
        max_leaves=8,
    )


HOT_KEYS = ["precision", "devices", "accelerator", "strategy", "gpus", "tpu_cores", "num_processes", "max_epochs",
            "replace_sampler_ddp", "num_nodes", "max_time", "callbacks", "logger", "plugins", "profiler"]
_hot = st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(HOT_KEYS), st.one_of(st.sampled_from(INTERESTING), _values()))
_entry = st.one_of(
    st.builds(lambda k, v, c: f"{k} = {v}{c}", _key, _values(), st.sampled_from(["", "", "  # note", "#"])),
    _hot,
)
_header = st.sampled_from(
    ["[trainer]", "[trainer]", "[trainer]", "[[trainer.callbacks]]", "[trainer.logger]", "[trainer.strategy]",
     "[[trainer.logger]]", "[model]", "[data]", "[trainer.profiler]", "[trainer.plugins]", "[[trainer.plugins]]",
     "[tool.trainer-lint]", "[trainer.callbacks]", "[ trainer . init_args ]"]
)
_line = st.one_of(_entry, _entry, _entry, _header, st.sampled_from(["", "# comment", "   ", "trainer.max_epochs = 1"]))


@st.composite
def toml_documents(draw) -> str:  # type: ignore[no-untyped-def]
    lines = draw(st.lists(_line, max_size=14))
    if draw(st.booleans()):
        lines.insert(0, "[trainer]")
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    return ("\ufeff" if draw(st.integers(0, 9)) == 0 else "") + text


@_seeded
@_settings("grammar")
@given(toml_documents())
def test_grammar_text_never_crashes(text: str) -> None:
    _check_text(text)


# ------------------------------------------------------------------------ raw bytes


@_seeded
@_settings("bytes")
@given(raw=st.one_of(st.binary(max_size=300), st.binary(max_size=40).map(lambda b: b"[trainer]\n" + b)))
def test_raw_bytes_never_crash(workdir: Path, raw: bytes) -> None:
    _check_bytes(raw, workdir)


# ------------------------------------------------------------------------ mutations

SEEDS = sorted(
    {p for p in ROOT.glob("examples/*.toml")} | {p for p in ROOT.glob("tests/cases/**/*.toml")} | {ROOT / "docs/demo/mistakes.toml"}
)
SEED_BYTES = [p.read_bytes() for p in SEEDS if p.is_file()]


def _mutate(raw: bytes, ops: list[tuple[int, int, int, bytes]]) -> bytes:
    data = bytearray(raw)
    for kind, a, b, extra in ops:
        n = len(data)
        i = a % (n + 1)
        if kind == 0 and n:  # flip a byte
            data[i % n] ^= 1 << (b % 8)
        elif kind == 1:  # truncate
            del data[i:]
        elif kind == 2:  # insert
            data[i:i] = extra
        elif kind == 3:  # delete a range
            del data[i : i + b % 16]
        elif kind == 4:  # duplicate a line
            lines = bytes(data).split(b"\n")
            j = a % len(lines)
            lines.insert(j, lines[j])
            data = bytearray(b"\n".join(lines))
        elif kind == 5:  # swap two lines
            lines = bytes(data).split(b"\n")
            j, k = a % len(lines), b % len(lines)
            lines[j], lines[k] = lines[k], lines[j]
            data = bytearray(b"\n".join(lines))
        elif kind == 6:  # to CRLF
            data = bytearray(bytes(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return bytes(data)


_tokens = st.sampled_from(
    [b"[", b"]", b"{", b"}", b"=", b'"', b"'", b"\n", b"\r\n", b"#", b".", b",", b"\x00", b"\xff", b"\xef\xbb\xbf",
     b"16", b"gpus = 2\n", b"precision = 16\n", b"[trainer]\n", b'"""', b"\\", b"\xc3", b" "]
)
_ops = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 10**6), st.integers(0, 10**6), st.one_of(_tokens, st.binary(max_size=4))),
    min_size=1,
    max_size=4,
)


@_seeded
@_settings("mutations")
@given(index=st.integers(0, max(0, len(SEED_BYTES) - 1)), ops=_ops)
def test_mutated_examples_never_crash(workdir: Path, index: int, ops: list[tuple[int, int, int, bytes]]) -> None:
    _check_bytes(_mutate(SEED_BYTES[index], ops), workdir)


def test_seed_corpus_is_there() -> None:
    assert len(SEED_BYTES) >= 20
    assert TOTAL >= 5000 or "TRAINER_LINT_FUZZ_EXAMPLES" in os.environ


def test_unmutated_examples_fix_cleanly(workdir: Path) -> None:
    for raw in SEED_BYTES:
        _check_bytes(raw, workdir)
