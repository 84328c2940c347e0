"""The Lightning releases trainer-lint knows, read from ``releases.json`` (no Lightning import).

``releases.json`` (written by :mod:`trainer_lint.lightning.generate` from the real releases)
describes every Lightning 2.x release: its ``Trainer.__init__`` parameters, the accelerator,
strategy and profiler names it resolves, its precision names and its class snapshot. A
:class:`Release` answers questions about one release; :func:`lookup` maps what a user wrote
(``2.4``, ``2.4.0``, ``2.7.1``) to the release whose facts apply.

Rules never read the file: they ask ``ctx.lightning`` (the release the file is checked against).
"""

from __future__ import annotations

import json
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer_lint.lightning.versions import is_final, minor, parse, release

if TYPE_CHECKING:
    from trainer_lint.classes import ClassIndex, ForeignClass

STORE = Path(__file__).with_name("releases.json")

LISTS = ("fork_strategies", "precisions")
"""The facts stored whole, one value per data set (see :mod:`trainer_lint.lightning.generate`)."""


@lru_cache(maxsize=1)
def store() -> dict[str, Any]:
    """The parsed store (read once per process)."""
    return json.loads(STORE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def known() -> tuple[str, ...]:
    """Every release the store describes, oldest first (the generator writes them in order)."""
    return tuple(store()["releases"])


def newest() -> Release:
    """The newest release the store describes."""
    return get(known()[-1])


def oldest() -> Release:
    return get(known()[0])


@lru_cache(maxsize=None)
def get(version: str) -> Release:
    """The :class:`Release` of a release the store describes (KeyError otherwise)."""
    return Release(version, store()["releases"][version])


def value_at(line: list[list[Any]], index: int) -> int | None:
    """The pool reference a fact's timeline ``[[set, ref], ...]`` holds at data set ``index``
    (None: the fact is absent there)."""
    ref = None
    for start, value in line:
        if start > index:
            break
        ref = value
    return ref


def grouped(data: dict[str, Any]) -> dict[str, Any]:
    """A store's timelines by kind: ``{"trainer": {name: line}, "classes": {path: line},
    "params": {path: {name: line}}, "strategies": line, ...}``."""
    out: dict[str, Any] = {"trainer": {}, "classes": {}, "params": {}, "foreign": {}}
    for path, line in data["facts"].items():
        kind, _, rest = path.partition("/")
        if kind == "params":
            name, _, param = rest.rpartition("/")
            out["params"].setdefault(name, {})[param] = line
        elif rest:
            out[kind][rest] = line
        else:
            out[kind] = line
    return out


@lru_cache(maxsize=1)
def _grouped() -> dict[str, Any]:
    return grouped(store())


@lru_cache(maxsize=1)
def class_spellings() -> frozenset[str]:
    """Every import path (``lightning.*`` spelling) of every class any known release has: a cheap
    first answer to "does some release have this class?" (without building each release's index)."""
    pool = store()["pool"]
    return frozenset(alias for line in _grouped()["classes"].values() for _, ref in line if ref is not None for alias in pool[ref]["aliases"])


@lru_cache(maxsize=1)
def _foreign_spellings() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every import path of every Lightning class that some known release has but the Trainer
    cannot take -> (its canonical path, its entry in the newest release that has it)."""
    pool = store()["pool"]
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for canonical, line in _grouped()["foreign"].items():
        for _, ref in reversed(line):
            if ref is not None:
                for alias in pool[ref]["aliases"]:
                    out.setdefault(alias, (canonical, pool[ref]))
    return out


def foreign_anywhere(path: str) -> ForeignClass | None:
    """The Lightning class that ``path`` names in some known release although the Trainer cannot
    take it (for a release that lacks the class: what it would be if it had it), else None."""
    from trainer_lint.classes import ForeignClass, normalize

    found = _foreign_spellings().get(normalize(path))
    return ForeignClass(*found) if found is not None else None


def set_facts(data: dict[str, Any], index: int, groups: dict[str, Any] | None = None, *, foreign: bool = True) -> dict[str, Any]:
    """Every fact of data set ``index`` of a store: ``{"trainer", "fork_strategies", "precisions",
    "classes", "foreign"}`` as :mod:`trainer_lint.lightning.extract` wrote them (without
    ``foreign`` when ``foreign`` is false)."""
    groups = groups or grouped(data)
    pool = data["pool"]

    def table(lines: dict[str, Any]) -> dict[str, Any]:
        refs = {name: value_at(line, index) for name, line in lines.items()}
        return {name: pool[ref] for name, ref in refs.items() if ref is not None}

    classes = table(groups["classes"])
    for name in classes:
        classes[name] = {**classes[name], "params": table(groups["params"].get(name, {}))}
    out: dict[str, Any] = {"trainer": table(groups["trainer"]), "classes": classes}
    if foreign:
        out["foreign"] = table(groups["foreign"])
    for kind in LISTS:
        out[kind] = pool[value_at(groups[kind], index)]
    return out


class Lookup:
    """What a requested release number maps to."""

    __slots__ = ("release", "requested", "exact")

    def __init__(self, release: Release, requested: str, exact: bool) -> None:
        self.release = release
        self.requested = requested
        self.exact = exact
        """Whether ``requested`` is a release the store describes (``2.4`` counts: its newest patch)."""

    def __repr__(self) -> str:
        return f"Lookup({self.release!r}, {self.requested!r}, exact={self.exact})"

    @property
    def newer_than_known(self) -> bool:
        return parse(self.requested) > parse(known()[-1])

    @property
    def older_than_known(self) -> bool:
        return parse(self.requested) < parse(known()[0]) and not self.exact


def lookup(requested: str) -> Lookup:
    """The release whose facts apply to ``requested`` (``X.Y``: its newest known patch; an
    unknown ``X.Y.Z``: the newest known release before it, else the oldest known).
    Raises ValueError for text that is not a release number."""
    text = requested.strip()
    if text in store()["releases"]:
        return Lookup(get(text), text, True)
    parse(text)  # ValueError for nonsense
    numbers = release(text)
    if len(numbers) == 2:
        same = [v for v in known() if release(v)[:2] == numbers]
        if same:
            return Lookup(get(same[-1]), text, True)
    for version in known():
        if parse(version) == parse(text):
            return Lookup(get(version), text, True)
    before = [v for v in known() if parse(v) <= parse(text)]
    return Lookup(get(before[-1] if before else known()[0]), text, False)


def in_range(spec: Any) -> list[str]:
    """The known final releases that a :class:`~trainer_lint.lightning.versions.Specifier` allows."""
    return [v for v in known() if is_final(v) and spec.contains(v)]


def _display(version: str) -> str:
    """How messages name the first release of a change: ``2.1`` for ``2.1.0``, else in full."""
    return minor(version) if release(version)[2:3] in ((0,), ()) else version


class Release:
    """One Lightning release's facts. Equal releases share one instance (:func:`get`)."""

    def __init__(self, version: str, index: int) -> None:
        self.version = version
        """The release number, as Lightning spells it (``2.0.9.post0``)."""
        self.index = index
        """The position of its data set (releases whose facts do not differ share one)."""
        self.data_set = store()["sets"][index]
        """The first release with the same facts."""

    def __repr__(self) -> str:
        return f"Release({self.version!r})"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return get, (self.version,)  # pickled (to forked workers and back) as its number alone

    # ---------------------------------------------------------------- raw facts

    def _lines(self, kind: str) -> Any:
        return _grouped()[kind]

    def _fact(self, kind: str) -> Any:
        return store()["pool"][value_at(self._lines(kind), self.index)]

    @cached_property
    def parameters(self) -> dict[str, dict[str, Any]]:
        """``Trainer.__init__``'s parameters: ``{name: {kind, annotation, type?, default | default_repr}}``."""
        pool = store()["pool"]
        refs = {name: value_at(line, self.index) for name, line in self._lines("trainer").items()}
        return {name: pool[ref] for name, ref in refs.items() if ref is not None}

    def has(self, name: str) -> bool:
        """Whether ``Trainer.__init__`` takes ``name`` in this release."""
        return name in self.parameters

    @cached_property
    def accelerators(self) -> tuple[str, ...]:
        """The names in ``AcceleratorRegistry`` (without ``auto``/``gpu``, which the accelerator
        connector accepts besides), from the class snapshot's registrations."""
        return tuple(sorted(self.classes.registered_names("accelerator")))

    @cached_property
    def strategies(self) -> tuple[str, ...]:
        """The names in ``StrategyRegistry`` (without ``auto``)."""
        return tuple(sorted(self.classes.registered_names("strategy")))

    @cached_property
    def profilers(self) -> tuple[str, ...]:
        """The names ``Trainer(profiler=...)`` resolves (lower-cased by Lightning first)."""
        return tuple(sorted(self.classes.registered_names("profiler")))

    @cached_property
    def precisions(self) -> dict[str, tuple[Any, ...]]:
        """``_PRECISION_INPUT``: ``{"int": (64, 32, 16), "str": (...), "alias": ("64", "32", "16", "bf16")}``."""
        return {k: tuple(v) for k, v in self._fact("precisions").items()}

    @cached_property
    def precision_values(self) -> frozenset[Any]:
        """Every value ``precision`` takes in this release."""
        return frozenset(v for values in self.precisions.values() for v in values)

    @cached_property
    def precision_aliases(self) -> dict[str, str]:
        """Each short form and the name it stands for (``"16"`` -> ``"16-mixed"``):
        ``_PRECISION_INPUT_STR_ALIAS_CONVERSION``."""
        return dict(self._fact("precisions")["conversion"])

    @cached_property
    def fork_strategies(self) -> frozenset[str]:
        """The strategy names that fork processes (``_DDP_FORK_ALIASES``)."""
        return frozenset(self._fact("fork_strategies"))

    def strategy_class(self, name: str) -> str | None:
        """The snapshot path of the class the registered strategy ``name`` builds (None: not registered)."""
        found = self.classes.registered("strategy", name)
        return found.path if found is not None else None

    def strategy_tags(self, name: str) -> frozenset[str]:
        """The snapshot tags (``fsdp``, ``deepspeed``, ``xla``, ``parallel``, ...) of the class the
        registered strategy ``name`` builds; empty for a name the release does not register."""
        found = self.classes.registered("strategy", name)
        return frozenset(found.data.get("tags", ())) if found is not None else frozenset()

    PLUGINS = {
        # what the connector builds for a strategy family, newest name first
        "FSDP": ("FSDPPrecision", "FSDPPrecisionPlugin", "FSDPMixedPrecisionPlugin"),
        "DeepSpeed": ("DeepSpeedPrecision", "DeepSpeedPrecisionPlugin"),
        "XLA": ("XLAPrecision", "XLAPrecisionPlugin", "TPUPrecisionPlugin"),
    }

    def plugin_precisions(self, family: str) -> tuple[str, ...] | None:
        """The precision names the precision plugin of a strategy family (``FSDP``, ``DeepSpeed``,
        ``XLA``) takes in this release: the ``Literal`` of its ``precision`` argument. None when
        the release's plugin does not say (no such argument, or an open type)."""
        for name in self.PLUGINS[family]:
            for info in self.classes.classes.values():
                if info["name"] == name and info["kind"] == "precision" and not info.get("deprecated"):
                    enum = info["params"].get("precision", {}).get("type", {}).get("enum")
                    return tuple(enum) if enum else None
        return None

    @cached_property
    def classes(self) -> ClassIndex:
        """This release's class snapshot (callbacks, loggers, strategies, ... and their ``__init__``)."""
        from trainer_lint.classes import ClassIndex

        return ClassIndex(set_facts(store(), self.index, _grouped(), foreign=False)["classes"], foreign=self._foreign)

    def _foreign(self) -> dict[str, Any]:
        """The public Lightning classes of this release that the Trainer cannot take (read only when
        a path is not in the snapshot): ``{canonical path: {"aliases", "base"}}``."""
        pool = store()["pool"]
        refs = {name: value_at(line, self.index) for name, line in _grouped()["foreign"].items()}
        return {name: pool[ref] for name, ref in refs.items() if ref is not None}

    CLOSED_SETS = ("accelerator", "strategy", "profiler", "precision")
    """Trainer arguments whose string (or int) values come from a closed set that varies by release."""

    def choices(self, name: str) -> frozenset[Any] | None:
        """The values Trainer argument ``name`` takes in this release, when they form a closed set
        (strategy and profiler names lower-cased, as Lightning compares them); else None."""
        from trainer_lint.lightning import schema

        if name == "accelerator":
            return frozenset(schema.accelerator_choices(self))
        if name == "strategy":
            return frozenset(schema.strategy_choices(self))
        if name == "profiler":
            return frozenset(schema.profiler_choices(self))
        if name == "precision":
            return self.precision_values
        return None

    def _takes(self, name: str, value: Any) -> bool | None:
        """Whether ``value`` is in the closed set of ``name`` (None: not a closed-set value)."""
        values = self.choices(name)
        if values is None or isinstance(value, bool) or not isinstance(value, (str, int)):
            return None
        if name in ("strategy", "profiler") and isinstance(value, str):
            value = value.lower()
        return value in values

    def value_since(self, name: str, value: Any) -> str | None:
        """The first known release whose ``name`` takes ``value``, when this release does not and a
        newer one does (``precision = "16-true"`` needs 2.1); else None."""
        if self._takes(name, value) is not False:
            return None
        for version in known():
            if parse(version) > self.key and get(version)._takes(name, value):
                return _display(version)
        return None

    def value_until(self, name: str, value: Any) -> str | None:
        """The last known release whose ``name`` took ``value``, when this release does not and an
        older one did (``accelerator = "ipu"`` until 2.0.9.post0); else None."""
        if self._takes(name, value) is not False:
            return None
        last = None
        for version in known():
            if parse(version) >= self.key:
                break
            if get(version)._takes(name, value):
                last = version
        return last

    def class_elsewhere(self, path: str, slot: str | None = None) -> str | None:
        """For a class path this release's snapshot does not have: ``"needs Lightning >= 2.6"``
        when a newer release has it, ``"was removed after Lightning 2.0.9.post0"`` when only an
        older one did; else None."""
        if self.classes.resolve(path, slot) is not None:
            return None
        if "." in path:
            from trainer_lint.classes import normalize

            if normalize(path) not in class_spellings():
                return None  # no release has it
        for version in known():
            if parse(version) > self.key and get(version).classes.resolve(path, slot) is not None:
                return f"needs Lightning >= {_display(version)}"
        last = None
        for version in known():
            if parse(version) >= self.key:
                break
            if get(version).classes.resolve(path, slot) is not None:
                last = version
        return f"was removed after Lightning {last}" if last else None

    def init_arg_elsewhere(self, canonical: str, name: str) -> str | None:
        """For an ``__init__`` argument this release's class lacks: ``"from Lightning 2.6 on"``
        when a newer release's class takes it, ``"only up to Lightning 2.4.0"`` when an older one
        did; else None."""
        def takes(release: Release) -> bool:
            info = release.classes.classes.get(canonical)
            return info is not None and name in info["params"]

        for version in known():
            if parse(version) > self.key and takes(get(version)):
                return f"from Lightning {_display(version)} on"
        last = None
        for version in known():
            if parse(version) >= self.key:
                break
            if takes(get(version)):
                last = version
        return f"only up to Lightning {last}" if last else None

    # -------------------------------------------------------------- comparisons

    @cached_property
    def key(self) -> Any:
        return parse(self.version)

    def at_least(self, version: str) -> bool:
        """Whether this release is ``version`` or newer (``"2.1"`` means ``2.1.0``)."""
        return self.key >= parse(version)

    def before(self, version: str) -> bool:
        return not self.at_least(version)

    @property
    def minor(self) -> str:
        """``2.4``."""
        return minor(self.version)

    @property
    def is_newest(self) -> bool:
        return self.version == known()[-1]

    def since(self, name: str) -> str | None:
        """The first known release whose Trainer takes ``name`` (spelled ``2.5`` when that was a
        ``.0`` release), when this release lacks it and a newer one has it; else None."""
        if self.has(name):
            return None
        for version in known():
            if parse(version) > self.key and get(version).has(name):
                return _display(version)
        return None

    def until(self, name: str) -> str | None:
        """The last known release whose Trainer takes ``name``, when this release lacks it and an
        older one had it (a parameter a later release removed); else None."""
        if self.has(name):
            return None
        last = None
        for version in known():
            if parse(version) >= self.key:
                break
            if get(version).has(name):
                last = version
        return last

    # ------------------------------------------------------------------- schema

    @property
    def schema(self) -> dict[str, Any]:
        """The JSON Schema ``check`` validates against for this release (cached per data set)."""
        from trainer_lint.lightning.schema import schema_for

        return schema_for(self)
