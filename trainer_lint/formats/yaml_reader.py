"""Read a YAML config: values as LightningCLI reads them, and where every key and value is.

:func:`parse_yaml` composes the text with :class:`~trainer_lint.formats.yaml_loader.Loader`
(LightningCLI's loader) and walks the node tree once, building

* the data, value for value what the loader would construct (``tests/test_yaml_loader.py``
  compares them on generated documents), with keys that are not strings (``1:``, ``on:``) kept
  as the text they are written as;
* the position index, ``index[path] = [key_start, key_end, value_start, value_end, shared, style]``
  in string offsets (the node marks of PyYAML count characters, as the TOML index does);
* the YAML-only findings (duplicate keys, YAML 1.1 booleans and numbers, ``${...}``), placed.

Then :mod:`trainer_lint.formats.yaml_values` turns the data into what LightningCLI hands the
Trainer. Files that cannot be read raise :class:`~trainer_lint.document.DocumentError`:
``TL001`` (syntax, unknown tags, recursive aliases, nesting too deep, non-scalar keys), ``TL005``
(a tab where YAML wants indentation), ``TL003`` (aliases that expand to too many values).

Multi-document files: LightningCLI reads one document per file and fails on a second one, so a
second document is ``TL008`` when any document is a trainer config; the first document holding a
``trainer`` key (else the first) is linted, so its other problems are reported in the same run.

This module imports PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath, Severity, Span
from trainer_lint.document import MAX_DEPTH, DocumentError, line_starts, offsets_span
from trainer_lint.formats import yaml_loader as Y
from trainer_lint.formats.yaml_document import YamlDocument

MAX_REUSE = 100_000
"""Values reached a second time through aliases or merges, at most (``TL003`` beyond): a few
lines of anchors can otherwise stand for billions of values."""

DUPLICATE_KEY = "TL004"
TAB = "TL005"
YAML11 = "TL006"
INTERPOLATION = "TL007"
SECOND_DOCUMENT = "TL008"

YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off"})
"""Words YAML 1.1 (PyYAML, LightningCLI) reads as booleans and YAML 1.2 reads as strings
(lower-cased; PyYAML takes ``yes``, ``Yes`` and ``YES``, and so on)."""

_OCTAL = re.compile(r"[-+]?0[0-7_]+\Z")
_BINARY = re.compile(r"[-+]?0b[01_]+\Z")
_PREFIX = re.compile(r"(?:[&!][^\s]*\s+)+")  # anchors and tags before a value
_INTERPOLATION = re.compile(r"\$\{[^}]*\}?")


def parse_yaml(text: str, path: str = "<string>") -> YamlDocument:
    """Parse YAML ``text`` (BOM already removed) into a :class:`YamlDocument`."""
    reader = _Reader(text, path)
    raw, index = reader.read()
    from trainer_lint.formats.yaml_values import lightningcli_view

    data, view_findings = lightningcli_view(raw)
    found = reader.findings + view_findings
    unresolved = reader.unresolved
    if _is_hydra(reader, raw, text):  # the application passes `trainer` to the Trainer; OmegaConf resolves `${...}`
        from trainer_lint.formats.hydra import hydra_view

        data, unknown = hydra_view(data)
        unresolved = unresolved | unknown
        _add_aliases(index, raw)
        found = [f for f in found if f[0] in (DUPLICATE_KEY, TAB, SECOND_DOCUMENT) or f[0] != INTERPOLATION and f[2][:1] == ("trainer",)]
    findings = reader.place(found)
    return YamlDocument(
        path=path,
        text=text,
        data=data,
        raw=raw,
        findings=tuple(findings),
        unresolved=frozenset(unresolved),
        index=index,
    )


def index_of(text: str, path: str = "<string>") -> dict[KeyPath, list[Any]]:
    """The position index of ``text`` (which parsed before; empty if it no longer does)."""
    try:
        reader = _Reader(text, path)
        raw, index = reader.read()
    except DocumentError:
        return {}
    if _is_hydra(reader, raw, text):
        _add_aliases(index, raw)
    return index


def _is_hydra(reader: _Reader, raw: Any, text: str) -> bool:
    """Whether the document just read is a Hydra / OmegaConf config (:mod:`trainer_lint.formats.hydra`)."""
    from trainer_lint.formats.hydra import is_hydra

    return is_hydra(raw, interpolated=any(f[0] == INTERPOLATION for f in reader.findings), text=text)


def _add_aliases(index: dict[KeyPath, list[Any]], raw: Any) -> None:
    """Index the keys of a Hydra config's view (``class_path`` for ``_target_``, ...) at the
    text they come from."""
    from trainer_lint.formats.hydra import aliases

    for key, written in aliases(raw).items():
        if written in index and key not in index:
            index[key] = index[written]


# ----------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.index: dict[KeyPath, list[Any]] = {}
        self.findings: list[tuple[str, Severity, KeyPath, str, int, int, Fix | None]] = []
        self.unresolved: set[KeyPath] = set()
        self.first_path: dict[int, KeyPath] = {}
        self.shared_roots: set[KeyPath] = set()
        self.flattened: set[int] = set()
        self.reused = 0
        self._starts: list[int] | None = None

    # -- entry point

    def read(self) -> tuple[Any, dict[KeyPath, list[Any]]]:
        try:
            loader = Y.Loader(self.text)
        except Y.YAMLError as error:  # a character YAML does not allow (a ReaderError)
            raise self.syntax_error(error) from None
        except UnicodeEncodeError as error:  # a lone surrogate (text from the library API; files are decoded)
            position = min(max(int(error.start), 0), len(self.text))
            raise DocumentError(
                "TL001", f"the character U+{ord(self.text[position]):04X} is not allowed in YAML (a lone surrogate)",
                self.span(position, min(position + 1, len(self.text))), self.path,
            ) from None
        try:
            try:
                documents = []
                while loader.check_node():
                    documents.append(loader.get_node())
            except Y.YAMLError as error:
                raise self.syntax_error(error) from None
            except (RecursionError, MemoryError):
                raise DocumentError("TL001", "YAML nesting is too deep", None, self.path) from None
            documents = [d for d in documents if d is not None]
            if not documents:
                return {}, {}
            chosen = documents[0]
            if len(documents) > 1:
                trainer_docs = [d for d in documents if _has_trainer(d)]
                if trainer_docs:
                    chosen = trainer_docs[0]
                    second = documents[1]
                    start = _document_start(self.text, second.start_mark.index)
                    self.findings.append((
                        SECOND_DOCUMENT, Severity.ERROR, (),
                        f"this file holds {len(documents)} YAML documents; LightningCLI reads exactly one "
                        "(\"expected a single document in the stream\"): split them into one file each",
                        start, start + 3 if self.text.startswith("---", start) else start + 1, None,
                    ))
            try:
                value = self.node(loader, chosen, (), 0, set())
            except Y.YAMLError as error:
                raise self.syntax_error(error) from None
            except RecursionError:
                raise DocumentError("TL001", "YAML nesting is too deep", None, self.path) from None
        finally:
            loader.dispose()
        if self.shared_roots:
            self.mark_shared()
        return (value if isinstance(value, dict) else {}), self.index

    def syntax_error(self, error: Any) -> DocumentError:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or getattr(error, "context", None)
        span = None
        if isinstance(error, Y.yaml.reader.ReaderError):  # a character YAML does not allow
            position = min(max(int(error.position), 0), len(self.text))
            char = error.character
            code = char if isinstance(char, int) else ord(char) if isinstance(char, str) and len(char) == 1 else None
            what = f"U+{code:04X}" if code is not None else repr(char)
            problem = f"the character {what} is not allowed in YAML ({error.reason})"
            span = self.span(position, min(position + 1, len(self.text)))
        problem = " ".join(str(problem or error).split())
        if mark is not None:
            span = Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)
            offset = mark.index
            if 0 <= offset < len(self.text) and (self.text[offset] == "\t" or "tab" in problem):
                tab = self.text.rfind("\t", self.text.rfind("\n", 0, offset) + 1, offset + 1)
                if tab >= 0:
                    span = self.span(tab, tab + 1)
                return DocumentError(
                    TAB,
                    "a tab character indents this line: YAML indents with spaces only (LightningCLI cannot read the file)",
                    span,
                    self.path,
                )
        if isinstance(error, Y.yaml.constructor.ConstructorError) and "constructor for the tag" in problem:
            problem += " (LightningCLI reads YAML with a safe loader, which builds no objects from tags)"
        return DocumentError("TL001", f"YAML syntax error: {problem}", span, self.path)

    # -- the walk

    def node(self, loader: Any, node: Any, path: KeyPath, depth: int, active: set[int]) -> Any:
        ident = id(node)
        if ident in active:
            raise DocumentError(
                "TL001", "YAML alias refers to a value that contains it (a recursive structure LightningCLI cannot use)",
                self.span(node.start_mark.index, node.start_mark.index + 1), self.path,
            )
        if depth > MAX_DEPTH:
            raise DocumentError("TL001", "YAML nesting is too deep", None, self.path)
        first = self.first_path.setdefault(ident, path)
        if first != path:
            self.shared_roots.add(first)
            self.shared_roots.add(path)
            self.reused += 1
            if self.reused > MAX_REUSE:
                raise DocumentError(
                    "TL003", f"aliases make this file stand for more than {MAX_REUSE:,} values; not linted", None, self.path
                )
        tag = node.tag
        if isinstance(node, Y.ScalarNode):
            try:
                return self.scalar(loader, node, path)
            except (ValueError, TypeError, OverflowError) as error:  # `!!float 1#x`, `!!int abc`
                start, end = self.scalar_span(node)
                raise DocumentError(
                    "TL001",
                    f"YAML syntax error: `{tag.rpartition(':')[2]}` value `{node.value}` cannot be read "
                    f"({' '.join(str(error).split())}); LightningCLI cannot load this file",
                    self.span(start, end),
                    self.path,
                ) from None
        if isinstance(node, Y.MappingNode) and tag == Y.MAP:
            active.add(ident)
            try:
                return self.mapping(loader, node, path, depth, active)
            finally:
                active.discard(ident)
        if isinstance(node, Y.SequenceNode) and tag == Y.SEQ:
            active.add(ident)
            try:
                out = []
                for number, item in enumerate(node.value):
                    item_path = (*path, number)
                    vs, ve, style = self.value_span(item, None)
                    self.index[item_path] = [vs, ve, vs, ve, False, style]
                    out.append(self.node(loader, item, item_path, depth + 1, active))
                return out
            finally:
                active.discard(ident)
        return loader.construct_object(node, deep=True)  # !!set, !!omap, !!binary, ... (or an error)

    def scalar(self, loader: Any, node: Any, path: KeyPath) -> Any:
        tag, text = node.tag, node.value
        if tag == Y.STR:
            if "${" in text and _INTERPOLATION.search(text):
                self.unresolved.add(path)
                start, end = self.scalar_span(node)
                self.findings.append((
                    INTERPOLATION, Severity.WARNING, path,
                    f"`{_INTERPOLATION.search(text).group()}` is an interpolation: plain LightningCLI passes this text "  # type: ignore[union-attr]
                    "to the Trainer as it is; only `LightningCLI(parser_kwargs={\"parser_mode\": \"omegaconf\"})` "
                    "resolves it (checks of this value are skipped)",
                    start, end, None,
                ))
            return text
        if tag == Y.NULL:
            return None
        if tag == Y.BOOL:
            value = loader.construct_yaml_bool(node)
            if not node.style and text.lower() in YAML11_BOOLEANS:
                start, end = self.scalar_span(node)
                word = "true" if value else "false"
                fix = Fix(f"write `{word}`", (Edit(path, "value", word),)) if path else None
                self.findings.append((
                    YAML11, Severity.WARNING, path,
                    f"`{text}` is the boolean {word} for LightningCLI (YAML 1.1) but the string \"{text}\" for "
                    f"YAML 1.2 tools and editors: write `{word}`, or quote it (\"{text}\") if you meant the text",
                    start, end, fix,
                ))
            return value
        if tag == Y.INT:
            value = loader.construct_yaml_int(node)
            self.number(node, path, value)
            return value
        if tag == Y.FLOAT_TAG:
            value = loader.construct_yaml_float(node)
            self.number(node, path, value)
            return value
        return loader.construct_object(node, deep=True)

    def number(self, node: Any, path: KeyPath, value: Any) -> None:
        if node.style:  # quoted: a string, never a number
            return
        text = node.value
        how = None
        if ":" in text:
            how = "in base 60"
        elif _OCTAL.match(text) and text.lstrip("+-") not in ("0", "00"):
            how = "as an octal number"
        elif _BINARY.match(text):
            how = "as a binary number"
        if how is None:
            return
        start, end = self.scalar_span(node)
        self.findings.append((
            YAML11, Severity.WARNING, path,
            f"`{text}` is the number {value!r} for LightningCLI: YAML 1.1 reads it {how}; write {value!r} "
            f"if you meant the number, or quote it (\"{text}\") if you meant the text",
            start, end, None,
        ))

    def mapping(self, loader: Any, node: Any, path: KeyPath, depth: int, active: set[int]) -> dict[Any, Any]:
        if id(node) not in self.flattened:
            self.flattened.add(id(node))
            self.duplicates(loader, node, path)
            loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        # A key written twice (or merged, then written) keeps its first place and spelling and
        # the last value, as PyYAML's dict does (``on`` and ``1`` are the same key there, too).
        winners: dict[Any, int] = {}
        names: dict[Any, Any] = {}
        pairs = node.value
        identities = []
        for number, (key_node, _) in enumerate(pairs):
            if not isinstance(key_node, Y.ScalarNode):
                raise DocumentError(
                    "TL001",
                    "YAML syntax error: a key must be a scalar (text, a number or a boolean), not a collection",
                    self.span(key_node.start_mark.index, key_node.start_mark.index + 1), self.path,
                )
            identity = key_node.value if key_node.tag == Y.STR else self.scalar(loader, key_node, ())
            try:
                winners[identity] = number
            except TypeError:  # an unhashable key (a tagged collection)
                raise DocumentError("TL001", "YAML syntax error: found an unhashable key", None, self.path) from None
            names.setdefault(identity, self.key(loader, key_node))
            identities.append(identity)
        for number, (key_node, value_node) in enumerate(pairs):
            identity = identities[number]
            key = names[identity]
            if winners[identity] != number:
                out.setdefault(key, None)  # keeps the first place in the order, as PyYAML does
                continue
            key_path = (*path, key)
            ks, ke = self.scalar_span(key_node)
            vs, ve, style = self.value_span(value_node, (ks, ke))
            self.index[key_path] = [ks, ke, vs, ve, False, style]
            out[key] = self.node(loader, value_node, key_path, depth + 1, active)
        return out

    def key(self, loader: Any, key_node: Any) -> Any:
        if key_node.tag == Y.STR:
            return key_node.value
        value = self.scalar(loader, key_node, ())
        return value if isinstance(value, str) else key_node.value  # `1:` and `on:` keep their text

    def duplicates(self, loader: Any, node: Any, path: KeyPath) -> None:
        """``TL004`` for each key written again later in the same mapping (merge keys aside)."""
        last: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == Y.MERGE or not isinstance(key_node, Y.ScalarNode):
                continue
            name = key_node.value if key_node.tag == Y.STR else (key_node.tag, key_node.value)
            last[name] = key_node
        for key_node, _ in node.value:
            if key_node.tag == Y.MERGE or not isinstance(key_node, Y.ScalarNode):
                continue
            name = key_node.value if key_node.tag == Y.STR else (key_node.tag, key_node.value)
            kept = last[name]
            if kept is key_node:
                continue
            start, end = self.scalar_span(key_node)
            where = "the top level" if not path else f"`{_dotted(path)}`"
            self.findings.append((
                DUPLICATE_KEY, Severity.WARNING, (*path, key_node.value),
                f"key `{key_node.value}` is written again in {where} (line {kept.start_mark.line + 1}); YAML "
                "readers keep the last value and drop this one silently: delete one of them",
                start, end, None,
            ))

    # -- positions

    def scalar_span(self, node: Any) -> tuple[int, int]:
        start, end = node.start_mark.index, node.end_mark.index
        text = self.text
        if start < end and text[start] in "&!":
            match = _PREFIX.match(text, start, end)
            if match is not None:
                start = match.end()
        if getattr(node, "style", None) in ("|", ">"):
            while end > start and text[end - 1] in " \t\r\n":
                end -= 1
        return start, end

    def value_span(self, node: Any, key: tuple[int, int] | None) -> tuple[int, int, str]:
        """The span a diagnostic on this value points at, and the value's style."""
        if isinstance(node, Y.ScalarNode):
            start, end = self.scalar_span(node)
            return start, end, node.style or "plain"
        if getattr(node, "flow_style", False):
            start, end = self.scalar_span(node)
            return start, end, "flow"
        if key is not None:
            return key[0], key[1], "block"  # like a TOML [header]: the key names the table
        start, _ = self.scalar_span(node)
        line_end = self.text.find("\n", start)
        end = len(self.text) if line_end < 0 else line_end
        segment = self.text[start:end]
        comment = re.search(r"[ \t]#", segment)
        if comment is not None:
            segment = segment[: comment.start()]
        return start, start + len(segment.rstrip(" \t\r")), "item"

    def mark_shared(self) -> None:
        roots = self.shared_roots
        for key_path, entry in self.index.items():
            for size in range(len(key_path), 0, -1):
                if key_path[:size] in roots:
                    entry[4] = True
                    break

    def span(self, start: int, end: int) -> Span:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return offsets_span(self._starts, start, end)

    def place(self, found: list[tuple[str, Severity, KeyPath, str, int, int, Fix | None]]) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        seen: set[tuple[str, int, int]] = set()
        for code, severity, key, message, start, end, fix in found:
            if start < 0:  # a finding of the values layer: place it at its key's value
                entry = self.index.get(key)
                if entry is None:
                    continue
                start, end = entry[2], entry[3]
                if entry[4]:
                    fix = None
            elif fix is not None and key in self.index and self.index[key][4]:
                fix = None  # a value used at two places: no edit
            if (code, start, end) in seen:
                continue  # the same text reached twice through an alias
            seen.add((code, start, end))
            out.append(Diagnostic(code, severity, key, message, path=self.path, span=self.span(start, end), fix=fix))
        return out


def _has_trainer(node: Any) -> bool:
    return isinstance(node, Y.MappingNode) and any(
        isinstance(k, Y.ScalarNode) and k.value == "trainer" for k, _ in node.value
    )


def _document_start(text: str, offset: int) -> int:
    """The ``---`` that starts the document whose first node is at ``offset`` (else ``offset``)."""
    marker = text.rfind("---", 0, offset + 1)
    return marker if marker >= 0 else offset


def _dotted(path: KeyPath) -> str:
    from trainer_lint.diagnostic import format_key

    return format_key(path)


# ----------------------------------------------------------------------------- comments


def comments_of(text: str) -> list[tuple[int, str]]:
    """``(offset, text)`` of every comment of YAML ``text``: a ``#`` at the start of a line or after
    a space or tab, outside every scalar, anchor, alias and tag (from PyYAML's token scan). Text
    that does not scan yields the comments found before the error."""
    spans: list[tuple[int, int]] = []
    stop = len(text)
    try:
        loader = Y.Loader(text)
    except Y.YAMLError:
        return []
    try:
        while True:
            try:
                token = loader.get_token()
            except (Y.YAMLError, RecursionError):
                stop = max((e for _, e in spans), default=0)
                break
            if token is None:
                break
            start, end = token.start_mark.index, token.end_mark.index
            if end > start:
                spans.append((start, end))
    finally:
        loader.dispose()
    out: list[tuple[int, str]] = []
    spans.sort()
    cursor = 0
    for start, end in [*(s for s in spans if s[1] <= stop), (stop, stop)]:
        while cursor < start:
            hash_at = text.find("#", cursor, start)
            if hash_at < 0:
                break
            if hash_at == 0 or text[hash_at - 1] in " \t\r\n":
                line_end = text.find("\n", hash_at)
                line_end = len(text) if line_end < 0 else line_end
                out.append((hash_at, text[hash_at:line_end].rstrip("\r")))
                cursor = line_end
            else:
                cursor = hash_at + 1
        cursor = max(cursor, end)
    return out
