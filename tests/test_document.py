"""Tests for :mod:`trainer_lint.document`: reading, decoding, parsing and key positions.

Position cases live in ``tests/positions/``: ``NAME.toml`` next to ``NAME.expected``, whose
lines read ``dotted.key[0].path  part  line:col-end_line:end_col``. Blank lines and ``#``
comments are ignored; a ``# transform: crlf`` or ``# transform: bom`` line makes the test
rewrite the (LF, BOM-less) case file before reading it, so the checkout's line endings do
not matter.
"""

from __future__ import annotations

import codecs
import datetime
import os
import re
import stat
from pathlib import Path

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer_lint import document
from trainer_lint.diagnostic import KeyPath, Span, format_key
from trainer_lint.document import (
    MAX_BYTES,
    Document,
    DocumentError,
    NotARegularFile,
    decode,
    parse_document,
    read_document,
)

CASES = Path(__file__).parent / "positions"
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.toml"))

# ------------------------------------------------------------------------- helpers

_KEY_TOKEN = re.compile(r'\.?(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)")|\[(\d+)\]')
_SPAN = re.compile(r"(\d+):(\d+)-(\d+):(\d+)")


def parse_key(text: str) -> KeyPath:
    """Parse the output of :func:`format_key` back into a key path."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _KEY_TOKEN.match(text, pos)
        assert match is not None, f"bad key {text!r} at {pos}"
        bare, quoted, index = match.groups()
        if index is not None:
            parts.append(int(index))
        elif bare is not None:
            parts.append(bare)
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted))
        pos = match.end()
    assert format_key(tuple(parts)) == text, "expected keys must be written as format_key writes them"
    return tuple(parts)


def parse_span(text: str) -> Span:
    match = _SPAN.fullmatch(text)
    assert match is not None, f"bad span {text!r}"
    return Span(*map(int, match.groups()))


def show(span: Span) -> str:
    return f"{span.line}:{span.column}-{span.end_line}:{span.end_column}"


def offset(text: str, line: int, column: int) -> int:
    """The string offset of a 1-based line and column."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def slice_of(doc: Document, span: Span) -> str:
    return doc.text[offset(doc.text, span.line, span.column) : offset(doc.text, span.end_line, span.end_column)]


def load_case(name: str, folder: Path = CASES, suffix: str = ".toml") -> tuple[bytes, list[tuple[str, KeyPath, str, Span]]]:
    """The (transformed) bytes of a case and its expectations ``(line, key, part, span)`` (YAML
    cases: ``folder`` and ``suffix`` of ``tests/positions_yaml``)."""
    raw = (folder / f"{name}{suffix}").read_bytes().replace(b"\r\n", b"\n")
    expected = []
    for line in (folder / f"{name}.expected").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# transform:"):
            transform = line.split(":", 1)[1].strip()
            if transform == "crlf":
                raw = raw.replace(b"\n", b"\r\n")
            elif transform == "bom":
                raw = codecs.BOM_UTF8 + raw
            else:
                raise AssertionError(f"unknown transform {transform!r}")
        if not line or line.startswith("#"):
            continue
        key, part, span = line.rsplit(maxsplit=2)
        expected.append((line, parse_key(key), part, parse_span(span)))
    return raw, expected


# -------------------------------------------------------------------- position cases


def test_enough_position_cases():
    assert len(CASE_NAMES) >= 10
    for name in CASE_NAMES:
        assert (CASES / f"{name}.expected").is_file(), name


@pytest.mark.parametrize("name", CASE_NAMES)
def test_positions(name, tmp_path):
    raw, expected = load_case(name)
    assert expected, f"{name}.expected has no expectations"
    path = tmp_path / f"{name}.toml"
    path.write_bytes(raw)
    doc = read_document(path)
    assert doc.path == str(path)
    errors = []
    for line, key, part, span in expected:
        got = doc.span_of(key, part=part)
        if got != span:
            errors.append(f"{line}\n    got {show(got)}: {slice_of(doc, got)!r}")
    assert not errors, "\n".join(errors)


def test_crlf_case_really_uses_crlf():
    raw, _ = load_case("crlf")
    assert raw.count(b"\r\n") == raw.count(b"\n") > 5
    doc = parse_document(decode(raw, "crlf.toml"))
    assert doc.line_text(3) == "max_epochs = 3"
    span = doc.span_of(("trainer", "notes"))
    assert slice_of(doc, span) == '"""\r\nline one\r\nline two"""'


def test_bom_case_really_has_bom():
    raw, _ = load_case("bom")
    assert raw.startswith(codecs.BOM_UTF8)
    doc = parse_document(decode(raw, "bom.toml"))
    assert not doc.text.startswith("\ufeff")
    assert doc.span_of(("max_epochs",), part="key") == Span(1, 1, 1, 11)


# ------------------------------------------------------------------------- decoding


def test_decode_strips_bom():
    assert decode(codecs.BOM_UTF8 + b"a = 1\n", "f") == "a = 1\n"
    assert decode("é = 'x'".encode(), "f") == "é = 'x'"


def test_decode_nul_bytes():
    with pytest.raises(DocumentError) as info:
        decode(b"a = 1\nb = \x00\n", "f.toml")
    err = info.value
    assert (err.code, err.message) == ("TL002", "file looks binary (contains NUL bytes)")
    assert err.span == Span(2, 5, 2, 6)
    assert err.path == "f.toml"


def test_decode_invalid_utf8():
    with pytest.raises(DocumentError) as info:
        decode(b"a = 1\nb = '\xc3\xa9\xff'\n", "f.toml")
    err = info.value
    assert err.code == "TL002"
    assert err.message == "file is not valid UTF-8 text (byte 0xff at offset 13)"
    assert err.span == Span(2, 7, 2, 8)  # columns count characters: "é" is one
    assert str(err) == err.message


def test_decode_invalid_utf8_offset_counts_the_bom():
    with pytest.raises(DocumentError) as info:
        decode(codecs.BOM_UTF8 + b"a\xfe", "f")
    assert info.value.message == "file is not valid UTF-8 text (byte 0xfe at offset 4)"
    assert info.value.span == Span(1, 2, 1, 3)


# -------------------------------------------------------------------------- parsing


def test_syntax_error_position():
    with pytest.raises(DocumentError) as info:
        parse_document("[trainer]\nmax epochs = 3\n", "bad.toml")
    err = info.value
    assert err.code == "TL001"
    assert err.message == "TOML syntax error: Expected '=' after a key in a key/value pair"
    assert err.span == Span(2, 5, 2, 6)
    assert "\n" not in err.message


def test_syntax_error_position_with_crlf_and_non_ascii():
    with pytest.raises(DocumentError) as info:
        parse_document('a = "é€😀"\r\nb = "é€😀" x\r\n')
    assert info.value.span == Span(2, 11, 2, 12)


def test_duplicate_key_is_a_syntax_error():
    with pytest.raises(DocumentError) as info:
        parse_document("a = 1\na = 2\n")
    assert info.value.code == "TL001"


@pytest.mark.parametrize("opener", ["[", "{a="])
def test_deep_nesting(opener):
    with pytest.raises(DocumentError) as info:
        parse_document("a = " + opener * 10_000)
    assert info.value.code == "TL001"
    assert info.value.message == "TOML nesting is too deep"


def test_many_header_brackets_is_a_syntax_error():
    with pytest.raises(DocumentError) as info:
        parse_document("[" * 10_000)
    assert info.value.code == "TL001"


def test_nesting_within_the_limit_is_indexed():
    depth = 300
    doc = parse_document("a = " + "[" * depth + "1" + "]" * depth + "\nb = 2\n")
    assert doc.span_of(("a",) + (0,) * depth) == Span(1, 5 + depth, 1, 6 + depth)
    assert doc.span_of(("b",)) == Span(2, 5, 2, 6)


def test_parse_document_strips_a_bom_from_text():
    doc = parse_document("\ufeffa = 1")
    assert doc.text == "a = 1"
    assert doc.data == {"a": 1}


# --------------------------------------------------------------------- reading files


def test_read_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_document(tmp_path / "missing.toml")


def test_read_directory_is_an_os_error(tmp_path):
    with pytest.raises(OSError) as info:
        read_document(tmp_path)
    assert not isinstance(info.value, DocumentError)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_read_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile):
        read_document(fifo)
    assert issubclass(NotARegularFile, OSError)


def test_read_too_large_file(tmp_path):
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: cheap to make
    with pytest.raises(DocumentError) as info:
        read_document(big)
    err = info.value
    assert err.code == "TL003"
    assert err.message == f"file is larger than the 10 MiB limit ({MAX_BYTES + 1} bytes); not linted"


def test_read_stops_at_the_limit_when_the_file_grew(tmp_path, monkeypatch):
    path = tmp_path / "grows.toml"
    path.write_bytes(b"a = 1\n" * 20)
    real_fstat = os.fstat

    def fstat_before_growth(fd):  # the size fstat saw before the file grew
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 3, 0, 0, 0))

    monkeypatch.setattr(document, "MAX_BYTES", 10)
    monkeypatch.setattr(document.os, "fstat", fstat_before_growth)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    monkeypatch.undo()
    assert info.value.code == "TL003"
    assert "(11 bytes)" in info.value.message


def test_read_document_path_and_text(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_bytes(codecs.BOM_UTF8 + b"[trainer]\r\nmax_epochs = 3\r\n")
    doc = read_document(str(path))
    assert doc.path == str(path)
    assert doc.text == "[trainer]\r\nmax_epochs = 3\r\n"
    assert doc.data == {"trainer": {"max_epochs": 3}}
    assert doc.line_text(2) == "max_epochs = 3"
    assert doc.span_of(("trainer", "max_epochs")) == Span(2, 14, 2, 15)
    assert stat.S_ISREG(os.stat(path).st_mode)


# ------------------------------------------------------------------------ span_of API


def test_span_of_is_lazy(monkeypatch):
    calls = []
    real_scan = document._Scanner.scan

    def counting_scan(self):
        calls.append(1)
        return real_scan(self)

    monkeypatch.setattr(document._Scanner, "scan", counting_scan)
    doc = parse_document("[trainer]\nmax_epochs = 3\n")
    assert not doc.index_built
    assert doc.line_text(1) == "[trainer]"
    assert not doc.index_built and not calls
    assert doc.span_of(("trainer", "max_epochs")) == Span(2, 14, 2, 15)
    assert doc.span_of(("trainer",), part="key") == Span(1, 2, 1, 9)
    assert doc.index_built and len(calls) == 1


@pytest.mark.parametrize("key", [(), ("nope",), (3,), ("a", None), (["unhashable"],), None, 7])
def test_span_of_never_raises(key):
    doc = parse_document("a = 1\n")
    assert isinstance(doc.span_of(key), Span)


def test_span_of_missing_key_falls_back():
    doc = parse_document("x = 0\n[trainer]\nlogger = { class_path = 'x' }\n")
    assert doc.span_of(("trainer", "logger", "init_args", "save_dir")) == Span(3, 1, 3, 7)
    assert doc.span_of(("trainer", "max_epochs"), part="key") == Span(2, 2, 2, 9)
    assert doc.span_of(("model", "lr")) == Span(1, 1, 1, 1)
    assert doc.span_of(()) == Span(1, 1, 1, 1)


def test_span_of_rejects_unknown_part():
    with pytest.raises(ValueError):
        parse_document("a = 1").span_of(("a",), part="keys")


def test_columns_count_characters():
    doc = parse_document('x = { a = "é€😀", b = 1 }\n')
    assert doc.span_of(("x", "b"), part="key") == Span(1, 18, 1, 19)
    assert doc.span_of(("x", "b")) == Span(1, 22, 1, 23)


def test_line_text():
    doc = parse_document("a = 1\r\n\r\nb = 'é'\n")
    assert [doc.line_text(n) for n in range(0, 6)] == ["", "a = 1", "", "b = 'é'", "", ""]


def test_scanner_failure_keeps_a_partial_index():
    doc = parse_document("a = 1\nb = 2\n")
    doc.text = "a = 1\nb = @@@ ,"  # text the scanner cannot read: no exception, a partial index
    assert doc.span_of(("a",)) == Span(1, 5, 1, 6)
    assert doc.span_of(("b",), part="key") == Span(2, 1, 2, 2)


# ------------------------------------------------------------------ property: dumper

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _printable(s: str, allowed: str = "\t") -> bool:
    return all(c in allowed or (c >= " " and c != "\x7f") for c in s)


def _escape(s: str, keep: str = "") -> str:
    out = []
    for c in s:
        if c in keep:
            out.append(c)
        elif c in '"\\':
            out.append("\\" + c)
        elif c < " " or c == "\x7f":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


class Dumper:
    """A tiny TOML writer that picks a random layout and remembers every literal it wrote."""

    def __init__(self, rnd, newline: str):
        self.rnd, self.newline = rnd, newline
        self.lines: list[str] = []
        self.values: dict[KeyPath, str] = {}  # leaf path -> its literal text
        self.keys: dict[KeyPath, str] = {}  # path written as `key = ...` -> the last key segment

    def text(self) -> str:
        return self.newline.join(self.lines) + self.newline

    def key(self, k: str) -> str:
        if _BARE.fullmatch(k):
            return k if self.rnd.random() < 0.8 else f'"{k}"'
        if "'" not in k and _printable(k) and self.rnd.random() < 0.4:
            return f"'{k}'"
        return '"' + _escape(k) + '"'

    def string(self, s: str) -> str:
        choice = self.rnd.random()
        if choice < 0.2 and "'" not in s and _printable(s):
            return f"'{s}'"
        if choice < 0.4 and "'''" not in s and not s.endswith("'") and _printable(s, "\t\n"):
            return "'''" + self.newline + s.replace("\n", self.newline) + "'''"
        if choice < 0.6:
            return '"""' + self.newline + _escape(s, keep="\n").replace("\n", self.newline) + '"""'
        return '"' + _escape(s) + '"'

    def value(self, v, path: KeyPath) -> str:
        if isinstance(v, dict):
            items = []
            for k, x in v.items():
                self.keys[path + (k,)] = rendered = self.key(k)
                items.append(f"{rendered} = {self.value(x, path + (k,))}")
            return "{ " + ", ".join(items) + " }" if items else "{}"
        if isinstance(v, list):
            items = [self.value(x, path + (i,)) for i, x in enumerate(v)]
            if self.rnd.random() < 0.5:
                return "[" + ", ".join(items) + "]"
            nl = self.newline
            return "[" + nl + "".join(f"  {item}, # item {i}{nl}" for i, item in enumerate(items)) + "]"
        if isinstance(v, bool):
            text = "true" if v else "false"
        elif isinstance(v, (int, float)):
            text = repr(v)
        elif isinstance(v, (datetime.date, datetime.time)):
            text = str(v) if self.rnd.random() < 0.5 else v.isoformat()
        else:
            text = self.string(v)
        self.values[path] = text
        return text

    def pair(self, prefix: list[str], k: str, v, path: KeyPath) -> None:
        rendered = self.key(k)
        self.keys[path] = rendered
        spaces = self.rnd.choice([" ", "", "\t"])
        comment = self.rnd.choice(["", "", " # = [x]"])
        self.lines.append(".".join(prefix + [rendered]) + f"{spaces}={spaces}{self.value(v, path)}{comment}")

    def dotted(self, prefix: list[str], d: dict, path: KeyPath) -> None:
        for k, v in d.items():
            if isinstance(v, dict) and v and self.rnd.random() < 0.5:
                self.dotted(prefix + [self.key(k)], v, path + (k,))
            else:
                self.pair(prefix, k, v, path + (k,))

    def table(self, d: dict, path: KeyPath, names: tuple[str, ...]) -> None:
        later = []
        for k, v in d.items():
            layout = self.rnd.random()
            if isinstance(v, dict) and layout < 0.4:
                later.append((k, v))
            elif isinstance(v, dict) and v and layout < 0.7:
                self.dotted([self.key(k)], v, path + (k,))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and layout < 0.6:
                later.append((k, v))
            else:
                self.pair([], k, v, path + (k,))
        for k, v in later:
            header = ".".join(self.key(n) for n in names + (k,))
            if isinstance(v, dict):
                self.lines += ["", f"[{header}]"]
                self.table(v, path + (k,), names + (k,))
            else:
                for i, item in enumerate(v):
                    self.lines += ["", f"[[{header}]]"]
                    self.table(item, path + (k, i), names + (k,))


def _all_paths(value, path: KeyPath = ()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path + (k,)
            yield from _all_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield path + (i,)
            yield from _all_paths(v, path + (i,))


_keys = st.text(alphabet="ab_-1 .é\"\\'😀\t\n", max_size=5)
_scalars = (
    st.integers(-(10**9), 10**9)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='a"\'\\#=[]{},\n\té😀 \x01\x7f\u2028', max_size=12)
    | st.dates()
    | st.datetimes()
    | st.times()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(_keys, inner, max_size=3)
    | st.lists(st.dictionaries(_keys, inner, max_size=3), min_size=1, max_size=3),
    max_leaves=15,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(_keys, _values, max_size=5), rnd=st.randoms(use_true_random=False), crlf=st.booleans())
def test_every_path_has_a_span_over_its_literal(data, rnd, crlf):
    dumper = Dumper(rnd, "\r\n" if crlf else "\n")
    dumper.table(data, (), ())
    text = dumper.text()
    assert tomli.loads(text) == data, text  # the dumper itself is right
    doc = parse_document(text)
    assert set(doc._positions()) == set(_all_paths(data)), text
    for path, literal in dumper.values.items():
        assert slice_of(doc, doc.span_of(path)) == literal, (path, text)
    for path, rendered in dumper.keys.items():
        assert slice_of(doc, doc.span_of(path, part="key")) == rendered, (path, text)
