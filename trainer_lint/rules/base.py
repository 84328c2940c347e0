"""The building blocks of rules: :class:`Rule` and the :class:`Context` a rule reads.

A rule is a small class with a stable ``code`` (``TL…``), a kebab-case ``name``, a one-line
``summary``, a default ``severity`` and a docstring in ruff's shape::

    ## What it does
    ## Why is this bad?
    ## Example
    ## Fix
    ## Lightning source

Its :meth:`Rule.check` reads the parsed config through a :class:`Context` and yields
:class:`~trainer_lint.diagnostic.Diagnostic` objects without path or position; the engine places
them. Rules never import torch or lightning and never import a module a config names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from trainer_lint.diagnostic import Diagnostic, Fix, KeyPath, Related, Severity
from trainer_lint.options import DEFAULT, Options

if TYPE_CHECKING:
    from trainer_lint.launchers import Placement
    from trainer_lint.target import Machine

T = TypeVar("T")

MISSING: Any = object()
"""Returned by :meth:`Context.get` for a key that is not set and has no default."""

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix", "## Lightning source")
"""Headings every rule docstring has, in this order."""


class Context:
    """What rules read: the parsed TOML data plus facts derived from it once and shared.

    ``get`` hides values that failed the type check, so a rule about combinations never
    reasons about a value that is already reported as the wrong type.
    """

    def __init__(
        self,
        data: dict[str, Any],
        schema: dict[str, Any],
        *,
        options: Options = DEFAULT,
        path: str | None = None,
        reader: str = "toml",
        lightning: Any = None,
        choice: Any = None,
    ) -> None:
        self.data = data
        self.schema = schema
        self.options = options
        """The run's settings for the knowledge layer (:mod:`trainer_lint.options`)."""
        self.path = path
        """The file being linted, when there is one (``None`` for data linted in memory)."""
        self.reader = reader
        """Who reads the config: ``"toml"`` (``trainer-lint run``: values as written) or ``"yaml"``
        (LightningCLI, which reads strings again where a parameter is not ``str``; the YAML
        reader has already applied that to Lightning's own arguments and classes)."""
        self._cache: dict[str, Any] = {}
        self._lightning = lightning
        self._choice = choice
        table = data.get("trainer")
        self.trainer: dict[str, Any] = table if isinstance(table, dict) else {}
        """The ``[trainer]`` table, or an empty dict when it is missing or not a table."""
        self._invalid: frozenset[KeyPath] | None = None
        self._well_typed: frozenset[str] | None = None
        self._clean: frozenset[str] | None = None
        self._present: frozenset[str] | None = None

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """Compute a derived fact once per file and share it between rules."""
        cache = self._cache
        if name in cache:
            return cache[name]  # type: ignore[no-any-return]
        value = cache[name] = compute()
        return value

    @property
    def lightning_choice(self) -> Any:
        """The release(s) this file is checked against and why
        (:class:`trainer_lint.lightning.selection.Choice`), chosen on first use."""
        if self._choice is None:
            from trainer_lint.lightning.selection import choose

            self._choice = choose(self.options, self.path)
        return self._choice

    @property
    def lightning(self) -> Any:
        """The Lightning release this pass checks against
        (:class:`trainer_lint.lightning.releases.Release`): its Trainer parameters, registries,
        precision names and class snapshot. For a version range the engine runs the rules once
        per end, each with its own release here."""
        if self._lightning is None:
            self._lightning = self.lightning_choice.release
        return self._lightning

    @property
    def lightning_label(self) -> str:
        """How messages name the project's Lightning: ``2.4.0``, or a range such as ``>=2.2,<2.5``."""
        choice = self.lightning_choice
        return choice.label if len(choice.releases) > 1 else self.lightning.version

    @property
    def target(self) -> "Machine | None":
        """The machine this file is meant for (:mod:`trainer_lint.target`), or None when no target
        is set; ``local`` is detected on first use."""
        return self.cached("target", self._target)

    def _target(self) -> "Machine | None":
        if self.options.target is None and not self.options.per_file_target:
            return None
        from trainer_lint import target

        return target.for_file(self.options, self.path)

    @property
    def placement(self) -> "Placement | None":
        """Where this file is launched: the launch script, its training command and the
        environment rank 0 sees (:mod:`trainer_lint.launchers`); None without a launcher."""
        return self.cached("placement", self._placement)

    def _placement(self) -> "Placement | None":
        if self.options.launcher is None:
            return None
        from trainer_lint import launchers

        return launchers.for_file(self.options, self.path, self.target)

    @property
    def machine(self) -> "Machine | None":
        """The machine as the training process sees it: the target, narrowed by the GPUs the
        launch script gives each process; None when neither says."""
        return self.cached("machine", self._machine)

    def _machine(self) -> "Machine | None":
        if self.options.launcher is None:
            return self.target
        from trainer_lint import target

        return target.as_seen(self.target, self.placement)

    @property
    def present_keys(self) -> frozenset[str]:
        """The keys of the trainer table, plus the top-level keys spelled ``top_level(name)``:
        what :attr:`Rule.triggers` is compared with."""
        if self._present is None:
            self._present = frozenset(self.trainer).union([top_level(k) for k in self.data])
        return self._present

    @property
    def invalid_keys(self) -> frozenset[KeyPath]:
        """Key paths whose value breaks its declared type (reported by the type rules)."""
        if self._invalid is None:
            from trainer_lint.rules.types import type_findings

            self._invalid = self.cached("invalid_keys", lambda: frozenset(d.key for d in type_findings(self)))
        return self._invalid

    def is_set(self, name: str) -> bool:
        """Whether the user wrote ``trainer.<name>`` with a value of the right type."""
        well_typed = self._well_typed
        if well_typed is None:
            if name not in self.trainer:  # no type walk for a question about an unwritten key
                return False
            invalid = self.invalid_keys
            well_typed = self._well_typed = frozenset(n for n in self.trainer if ("trainer", n) not in invalid)
        return name in well_typed

    def is_clean(self, name: str) -> bool:
        """Whether ``trainer.<name>`` is written and no finding of the type rules lies at or under it
        (stricter than :meth:`is_set` for arrays and tables)."""
        clean = self._clean
        if clean is None:
            bad = {key[1] for key in self.invalid_keys if len(key) >= 2 and key[0] == "trainer"}
            clean = self._clean = frozenset(n for n in self.trainer if n not in bad)
        return name in clean

    def get(self, name: str, default: Any = MISSING) -> Any:
        """``trainer.<name>`` as written when it is well-typed, else the Trainer's default.

        The default comes from the schema (itself generated from the model), so it is the
        Trainer's own. Parameters whose Trainer default is None return None.
        """
        if self.is_set(name):
            return self.trainer[name]
        if default is not MISSING:
            return default
        return self.default(name)

    def default(self, name: str) -> Any:
        """The Trainer's default for ``name`` (None when it has none), read from the schema."""
        return _defaults(self.schema).get(name)

    @property
    def lightning_package(self) -> Any:
        """Which distribution's Trainer reads this file (:class:`trainer_lint.distribution.Choice`)."""
        from trainer_lint.distribution import choose

        return self.cached("lightning_package", lambda: choose(self.options, self.path, project=lambda: self.project))

    @property
    def project(self) -> Any:
        """The project this file belongs to (:class:`trainer_lint.resolver.project.Project`): its
        source roots, CLI script and class resolver, shared by every file of the run under the
        same root and release (Lightning's classes are those of :attr:`lightning`). Computed on
        first use, so files that never ask pay nothing."""
        return self.cached("project", self._project)

    def _project(self) -> Any:
        from trainer_lint.resolver.project import project_for

        return project_for(self.options, self.path, self.lightning)

    def resolve(self, class_path: str, slot: str) -> Any:
        """What ``class_path`` written under ``slot`` (``model``, ``data``, ``callbacks``, ...)
        names: a :class:`trainer_lint.resolver.project.Resolution` (a Lightning class from the
        snapshot, a class read from the project's source, or why it cannot be checked)."""
        return self.project.resolve(class_path, slot)

    @property
    def class_findings(self) -> list[Diagnostic]:
        """What the project's source says about the config's objects (user classes, LightningCLI
        forms), computed once per file for the rules of :mod:`trainer_lint.rules.project` and TL50x."""
        return self.cached("class_findings", self._class_findings)

    def _class_findings(self) -> list[Diagnostic]:
        from trainer_lint.resolver import needs_project

        has_script = self.options.cli_script is not None
        index = self.lightning.classes
        if not needs_project(self.data, has_script, index):
            return []  # only Lightning's classes: the snapshot rules judge them; nothing is read
        from trainer_lint.resolver.check import findings

        return findings(self.data, lambda: self.project, has_script, reread=self.reader == "yaml", classes=index)

    @property
    def trainer_properties(self) -> dict[str, Any]:
        """The schema's ``properties`` of the trainer table."""
        return self.schema["definitions"]["BaseTrainerConfig"]["properties"]  # type: ignore[no-any-return]


_DEFAULTS: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}


def _defaults(schema: dict[str, Any]) -> dict[str, Any]:
    """Each Trainer argument's default, worked out once per schema object."""
    hit = _DEFAULTS.get(id(schema))
    if hit is None or hit[0] is not schema:
        properties = schema["definitions"]["BaseTrainerConfig"]["properties"]
        hit = _DEFAULTS[id(schema)] = (schema, {k: v.get("default") for k, v in properties.items() if isinstance(v, dict)})
    return hit[1]


def top_level(name: str) -> str:
    """How a top-level key is spelled in :attr:`Rule.triggers` and :attr:`Context.present_keys`
    (``"/model"``), apart from the trainer table's keys (``"max_epochs"``)."""
    return "/" + name


class Rule:
    """One check with a stable code. Subclasses set the class attributes and implement ``check``."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[bool] = False
    triggers: ClassVar[frozenset[str] | None] = None
    """The keys without which this rule cannot report: the engine skips the rule for a file whose
    trainer table (see :attr:`Context.present_keys`; top-level keys as ``top_level(name)``) has
    none of them. ``None`` means "always run"; an empty set, "never reports from ``check``".
    Sound only if ``check`` yields nothing whenever every trigger is absent, whatever else the
    file holds (``tests/test_rule_gating.py`` checks it); when unsure, leave ``None``."""

    requires: ClassVar[str | None] = None
    """Knowledge without which this rule cannot report: ``"machine"`` (a target or a launch
    script) or ``"launcher"`` (a launch script). The engine skips the rule for runs whose
    options have none; ``check`` must still yield nothing without it."""

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        """Yield the problems this rule finds in ``ctx``."""
        raise NotImplementedError

    def report(
        self,
        key: KeyPath,
        message: str,
        *,
        severity: Severity | None = None,
        fix: Fix | None = None,
        related: tuple[Related, ...] = (),
    ) -> Diagnostic:
        """Make a diagnostic of this rule at ``key``; ``related`` are notes at other places (a
        launch script's line)."""
        return Diagnostic(self.code, severity or self.severity, key, message, fix=fix, related=related)


class EngineRule(Rule):
    """A rule the engine reports itself, outside :meth:`Rule.check` (a ``# trainer-lint:``
    comment it reads before the rules run): it is in the catalogue for its code and docs."""

    triggers = frozenset()  # never from check

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()


@lru_cache(maxsize=4096)
def closest(word: str, candidates: tuple[str, ...], cutoff: float) -> tuple[str, ...]:
    """``difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)``, remembered: the same
    typos recur across a tree, and each costs a few hundred microseconds."""
    import difflib

    return tuple(difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff))


def trainer_key(name: str) -> KeyPath:
    """The key path of a Trainer argument."""
    return ("trainer", name)


def first(items: Iterable[T]) -> Iterator[T]:
    """Yield at most the first item (for rules that report one finding per file)."""
    for item in items:
        yield item
        return


def toml_type(value: Any) -> str:
    """The TOML word for a parsed value's type: string, integer, float, boolean, array, table, date-time
    (and null, which only YAML writes)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return "date-time"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, whole (for fixes; :func:`show` shortens)."""
    import json

    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def found_text(value: Any) -> str:
    """What a message says it found: ``an integer 3``, ``a string "x"``, ``null``."""
    if value is None:
        return "null"
    word = toml_type(value)
    return ("an " if word[0] in "aeiou" else "a ") + f"{word} {show(value)}"


def show(value: Any) -> str:
    """Render a parsed value the way it would be written in TOML (short, for messages; None, which
    only YAML can write, as ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value[:5]) + (", ...]" if len(value) > 5 else "]")
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {show(v)}" for k, v in list(value.items())[:4]) + (", ... }" if len(value) > 4 else " }")
    return str(value)
