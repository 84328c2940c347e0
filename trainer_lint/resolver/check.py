"""The objects of a config that the project's source can judge, and what is wrong with them.

:func:`findings` walks a config as LightningCLI reads it: ``[model]`` and ``[data]`` (a
``class_path`` table, a bare class name, a config file to include, or, with a fixed class, the
class's arguments directly), ``optimizer``, ``lr_scheduler``, the Trainer's object keys
(``callbacks``, ``logger``, ``strategy``, ``profiler``, ``plugins``, ``accelerator``) and the
``class_path`` objects nested in ``init_args`` (an injected ``nn.Module``). For each object whose
class is read from source (:mod:`trainer_lint.resolver.classes`), it checks what LightningCLI
checks: the class is a subclass of what the key takes, every ``init_args``/``dict_kwargs`` key is
a parameter, every parameter without a default is given, and each value fits its annotation
(:mod:`trainer_lint.resolver.values`). A class that cannot be read is one INFO saying why and how to
make it checkable. Lightning's own classes are left to the rules that read the snapshot.

The findings are diagnostics with the codes of the rules that report them (``TL500``-``TL504``,
``TL520``-``TL524``); each rule picks its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath, Severity, format_key
from trainer_lint.resolver.classes import LightningClass, PyClass, Unresolved, subclass_of
from trainer_lint.resolver.project import Project, Resolution
from trainer_lint.resolver.values import PATHLIKE, TYPED_NOTE, Nested, all_defaults, check, lightningcli_reading

from trainer_lint.resolver import (  # noqa: E402 - the codes live in the light package module
    AMBIGUOUS,
    ARG_TYPE,
    FIXED_CLASS,
    MISSING_ARG,
    SCRIPT_UNUSABLE,
    TRAINER_SLOTS,
    UNCHECKED,
    UNKNOWN_ARG,
    UNKNOWN_CLASS,
    WRONG_KIND,
)

OBJECT_KEYS = ("class_path", "init_args", "dict_kwargs")
"""The keys of a ``class_path`` table; LightningCLI rejects any other beside ``class_path``."""

LIST_SLOTS = frozenset({"callbacks", "logger", "plugins"})
STRING_OBJECT_SLOTS = frozenset({"callbacks", "logger", "plugins", "profiler"})
"""Trainer keys where LightningCLI turns a class name or path given as a string into an object: their
type tries a Lightning base class before ``str`` (``strategy`` and ``accelerator`` try ``str``
first, so a string there is a registered name)."""
RESOLVER_SLOTS = ("optimizer", "lr_scheduler")
"""Top-level keys the snapshot rules do not walk: this module judges every class named there,
Lightning's (LightningCLI's ``ReduceLROnPlateau``) included."""

SKIPPED_PARAMS = {"optimizer": frozenset({"params"}), "lr_scheduler": frozenset({"optimizer"})}
"""Parameters LightningCLI fills itself (``add_optimizer_args``/``add_lr_scheduler_args``: ``skip``)."""

MAX_OBJECTS = 500
"""At most this many objects per file are resolved (a hostile file cannot make a run slow)."""


class Obj:
    """One object as written: where (``key``), under which key (``slot``), its class path and
    arguments. ``base`` is, for nested objects, the class the annotation names; ``implicit``, for
    a table without ``class_path``, the class LightningCLI builds (the fixed class, or in subclass
    mode the base class itself); ``paths`` where each argument is written when not under
    ``init_args``."""

    __slots__ = ("slot", "key", "class_path", "init_args", "dict_kwargs", "is_table", "base", "implicit", "paths", "fixed")

    def __init__(
        self,
        slot: str,
        key: KeyPath,
        class_path: str | None,
        init_args: dict[str, Any] | None,
        dict_kwargs: dict[str, Any] | None,
        is_table: bool,
        base: Any = None,
        implicit: Any = None,
        paths: dict[str, KeyPath] | None = None,
        fixed: bool = False,
    ) -> None:
        self.slot = slot
        self.key = key
        self.class_path = class_path
        self.init_args = init_args
        self.dict_kwargs = dict_kwargs
        self.is_table = is_table
        self.base = base
        self.implicit = implicit
        self.paths = paths
        self.fixed = fixed

    @property
    def class_key(self) -> KeyPath:
        return (*self.key, "class_path") if self.is_table and self.class_path else self.key

    def arg_key(self, name: str) -> KeyPath:
        if self.paths is not None and name in self.paths:
            return self.paths[name]
        return (*self.key, "init_args", name)


def findings(
    data: dict[str, Any], project: Callable[[], Project], has_script: bool, *, reread: bool = False, classes: Any = None
) -> list[Diagnostic]:
    """Every finding of the project-aware checks for one parsed config. ``project`` is called only
    when a class outside Lightning's snapshot (or the CLI script, ``has_script``) needs it: a config
    that names only Lightning's classes reads no file and builds no project. ``classes``: the
    release's class snapshot (:class:`~trainer_lint.classes.ClassIndex`, the newest release's when
    None), which says what Lightning's classes are. ``reread``: the config is YAML, which
    LightningCLI reads (strings are read again for typed parameters, see
    :func:`~trainer_lint.resolver.values.lightningcli_reading`)."""
    if classes is None:
        from trainer_lint.classes import newest

        classes = newest()
    return list(_Walk(data, project, has_script, reread, classes).run())


class _Walk:
    def __init__(self, data: dict[str, Any], project: Callable[[], Project], has_script: bool, reread: bool, classes: Any) -> None:
        self.reread = reread
        self.classes = classes
        self.data = data
        self._project_fn = project
        self._project: Project | None = None
        self.has_script = has_script
        self.count = 0
        self.unchecked_seen: set[str] = set()

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = self._project_fn()
        return self._project

    @property
    def cli(self) -> Any:
        return self.project.cli() if self.has_script else None

    def run(self) -> Iterator[Diagnostic]:
        cli = self.cli
        if cli is not None and not cli.known and ("model" in self.data or "data" in self.data):
            yield Diagnostic(SCRIPT_UNUSABLE, Severity.WARNING, (), f"{cli.problem}; `[model]` and `[data]` are checked as if no CLI script were given", anchor="key")
        for item in self.objects():
            if isinstance(item, Diagnostic):
                yield item
            else:
                yield from self.object(item)

    # ------------------------------------------------------------------- collecting

    def objects(self) -> Iterator[Obj]:
        trainer = self.data.get("trainer")
        if isinstance(trainer, dict):
            for slot in TRAINER_SLOTS:
                if slot not in trainer:
                    continue
                value = trainer[slot]
                items = list(enumerate(value)) if isinstance(value, list) and slot in LIST_SLOTS else [(None, value)]
                for index, item in items:
                    key: KeyPath = ("trainer", slot) if index is None else ("trainer", slot, index)
                    obj = self.trainer_object(slot, key, item)
                    if obj is not None:
                        yield obj
        for slot in ("model", "data"):
            if slot in self.data:
                obj = yield from self.top_object(slot, self.data[slot])
                if obj is not None:
                    yield obj
        for slot in ("optimizer", "lr_scheduler"):
            if slot in self.data:
                obj = _as_object(slot, (slot,), self.data[slot])
                if obj is not None and not (isinstance(self.data[slot], str) and PATHLIKE.search(self.data[slot])):
                    yield obj

    def trainer_object(self, slot: str, key: KeyPath, value: Any) -> Obj | None:
        if isinstance(value, dict):
            return _as_object(slot, key, value)
        if isinstance(value, str) and slot in STRING_OBJECT_SLOTS:
            if slot == "profiler" and value.lower() in _profiler_names():
                return None
            return _as_object(slot, key, value)
        return None

    def top_object(self, slot: str, value: Any) -> Iterator[Diagnostic]:
        """``[model]``/``[data]``: an object, or a table of one class's arguments (the fixed class,
        or in subclass mode the base class itself); yields the findings about the form."""
        cli = self.cli if self.cli is not None and self.cli.known else None
        form = getattr(cli, slot) if cli is not None else None
        mode = form.mode if form is not None else "unknown"
        if isinstance(value, str):
            if PATHLIKE.search(value) or mode == "fixed":
                return None  # a config file LightningCLI includes
            return _as_object(slot, (slot,), value)
        if not isinstance(value, dict):
            return None
        if "class_path" in value:
            if mode == "fixed":
                what = form.written or "a fixed class"
                yield Diagnostic(
                    FIXED_CLASS,
                    Severity.ERROR,
                    (slot, "class_path"),
                    f"the CLI script gives LightningCLI the class `{what}` for `[{slot}]`, so `[{slot}]` takes its arguments directly; "
                    f"LightningCLI rejects `class_path` here (move the `init_args` up into `[{slot}]`, or pass `subclass_mode_{slot}=True`)",
                    anchor="key",
                )
                return None
            return _as_object(slot, (slot,), value)
        if mode == "unknown":
            return None  # no script: a table of arguments is accepted quietly
        from trainer_lint.resolver.entrypoint import base_class

        implicit = base_class(self.project.resolver, form)
        args: dict[str, Any] = {}
        paths: dict[str, KeyPath] = {}
        dict_kwargs = None
        for name, item in value.items():
            if name in ("init_args", "dict_kwargs") and mode == "fixed":
                yield Diagnostic(
                    FIXED_CLASS,
                    Severity.ERROR,
                    (slot, name),
                    f"with the fixed class `{form.written}`, `[{slot}]` holds its arguments directly; LightningCLI rejects `{name}` here",
                    anchor="key",
                )
            elif name == "init_args" and isinstance(item, dict):
                for inner, inner_value in item.items():
                    args[inner] = inner_value
                    paths[inner] = (slot, "init_args", inner)
            elif name == "dict_kwargs" and isinstance(item, dict):
                dict_kwargs = item
            else:
                args[name] = item
                paths[name] = (slot, name)
        return Obj(slot, (slot,), None, args, dict_kwargs, True, implicit=implicit, paths=paths, fixed=mode == "fixed")

    # ------------------------------------------------------------------- checking

    def object(self, obj: Obj) -> Iterator[Diagnostic]:
        self.count += 1
        if self.count > MAX_OBJECTS:
            return
        if obj.implicit is not None:
            cls = obj.implicit
            if isinstance(cls, Unresolved):
                yield from self.unchecked(obj, cls.reason)
                return
            resolution = Resolution("resolved", cls)
        else:
            assert obj.class_path is not None
            if _lightning(obj, self.classes) and not (self.has_script and "." not in obj.class_path):
                return  # one of Lightning's classes: the snapshot rules judge it (no project needed)
            resolution = self.project.resolve(obj.class_path, obj.slot, obj.base if obj.slot == "nested" else self.slot_base(obj.slot))
        yield from self.resolved(obj, resolution)

    def slot_base(self, slot: str) -> Any:
        cli = self.cli if self.cli is not None and self.cli.known else None
        if cli is not None and slot in ("model", "data"):
            form = getattr(cli, slot)
            if form.mode == "subclass" and form.base is not None:
                return form.base
        return None

    def resolved(self, obj: Obj, resolution: Resolution) -> Iterator[Diagnostic]:
        status = resolution.status
        if status == "missing":
            module, _, name = (obj.class_path or "").rpartition(".")
            close = _close_class(self.project, module, name)
            hint = f"; did you mean `{module}.{close}`?" if close else ""
            yield Diagnostic(UNKNOWN_CLASS, Severity.ERROR, obj.class_key, f"{resolution.reason}: `{obj.class_path}` cannot be imported{hint}")
            return
        if status == "not-found":
            if obj.slot == "nested":
                return  # a bare name inside init_args: resolved among classes trainer-lint does not list
            if resolution.certain:
                script = self.cli.path.replace("\\", "/").rsplit("/", 1)[-1] if self.cli is not None else "the CLI script"
                yield Diagnostic(
                    UNKNOWN_CLASS,
                    Severity.ERROR,
                    obj.class_key,
                    f"`{obj.class_path}` is not the name of a {resolution.reason.removeprefix('no ').split(' named ')[0]} that {script} imports "
                    f"(LightningCLI resolves bare names among those){_suggestion(obj, self.project)}",
                )
            else:
                yield from self.unchecked(obj, f"no class named `{obj.class_path}` was found in the source roots", bare=True, hint=_suggestion(obj, self.project))
            return
        if status == "ambiguous":
            listed = ", ".join(f"`{c}`" for c in resolution.candidates)
            if resolution.certain:
                yield Diagnostic(AMBIGUOUS, Severity.ERROR, obj.class_key, f"`{obj.class_path}` names more than one class that LightningCLI sees ({listed}); LightningCLI raises: write the full import path")
            else:
                yield from self.unchecked(obj, f"`{obj.class_path}` may name any of {listed}", bare=True)
            return
        if status == "unresolved":
            if obj.slot == "nested" and "." not in (obj.class_path or ""):
                return
            if _in_lightning_module(obj.class_path or "", self.classes):
                return  # a typo in one of Lightning's modules: TL500 says so
            yield from self.unchecked(obj, resolution.reason)
            return
        cls = resolution.cls
        if isinstance(cls, LightningClass) and obj.implicit is None and obj.slot not in RESOLVER_SLOTS:
            return  # Lightning's classes: the snapshot rules judge them
        if not isinstance(cls, (PyClass, LightningClass)):
            return
        yield from self.user_class(obj, cls)

    def user_class(self, obj: Obj, cls: Any) -> Iterator[Diagnostic]:
        test = self.project.base_test(obj.slot, obj.base if obj.slot == "nested" else self.slot_base(obj.slot))
        if test is not None and obj.implicit is None:
            verdict = subclass_of(cls, test)
            if verdict is False:
                wanted = _wanted(obj, self.slot_base(obj.slot))
                yield Diagnostic(WRONG_KIND, Severity.ERROR, obj.class_key, f"`{cls.name}` is not a subclass of {wanted}, which {_quote(obj.key)} takes; LightningCLI rejects it")
                return
        signature = cls.signature()
        if isinstance(signature, Unresolved):
            yield from self.unchecked(obj, signature.reason)
            return
        skipped = SKIPPED_PARAMS.get(obj.slot, frozenset())
        params = {n: p for n, p in signature.params.items() if n not in skipped}
        args = obj.init_args or {}
        for name, value in args.items():
            param = params.get(name)
            if param is None:
                if name in skipped:
                    yield Diagnostic(UNKNOWN_ARG, Severity.ERROR, obj.arg_key(name), f"LightningCLI passes `{name}` to `{cls.name}` itself; it cannot be set in the config", anchor="key")
                elif not signature.open:
                    yield _unknown(obj.arg_key(name), cls.name, name, list(params))
                continue
            if value is None and param.none_default:
                continue  # YAML's null where the default is None: the default
            if self.reread:
                value = lightningcli_reading(value, param.type)
            problems, nested = check(value, param.type, name, cls.name)
            for problem in problems:
                code = {"type": ARG_TYPE, "unknown": UNKNOWN_ARG, "missing": MISSING_ARG}[problem.kind]
                where = (*obj.arg_key(name), *problem.key)
                message = TYPED_NOTE.sub("", problem.message) if self.reread else problem.message
                yield Diagnostic(code, Severity.ERROR, where, message, anchor="key" if problem.kind == "unknown" else "value")
            for inner in nested:
                yield from self.nested(obj, name, inner)
        for name, value in (obj.dict_kwargs or {}).items():
            if name not in params and not signature.open:
                yield _unknown((*obj.key, "dict_kwargs", name), cls.name, name, list(params), where="dict_kwargs")
        if obj.init_args is not None and not self._values_elsewhere():
            given = set(args) | set(obj.dict_kwargs or {})
            linked = self.cli.linked if self.cli is not None else frozenset()
            missing = [
                n
                for n, p in params.items()
                if p.required and n not in given and not all_defaults(p.type) and f"{obj.slot}.init_args.{n}" not in linked and f"{obj.slot}.{n}" not in linked
            ]
            if missing:
                listed = ", ".join(f"`{n}`" for n in missing)
                where = f"`[{obj.slot}]`" if obj.implicit is not None else "`init_args`"
                yield Diagnostic(MISSING_ARG, Severity.ERROR, obj.class_key, f"`{cls.name}` needs {listed} in {where}", anchor="key" if obj.implicit is not None else "value")

    def nested(self, parent: Obj, name: str, inner: Nested) -> Iterator[Diagnostic]:
        key = (*parent.arg_key(name), *inner.key)
        value = inner.value
        if isinstance(value, dict) and "class_path" not in value:
            obj = _implicit("nested", key, value, inner.base)
        elif isinstance(value, dict):
            extra = [k for k in value if k not in OBJECT_KEYS]
            for k in extra:
                yield Diagnostic(UNKNOWN_ARG, Severity.ERROR, (*key, k), f"`{k}` beside `class_path` is not accepted; put it in `init_args`", anchor="key")
            obj = _as_object("nested", key, value)
        else:
            obj = _as_object("nested", key, value)
        if obj is None:
            return
        obj.base = inner.base
        yield from self.object(obj)

    def _values_elsewhere(self) -> bool:
        return self.cli is not None and self.cli.known and self.cli.values_from_elsewhere is not None

    def unchecked(self, obj: Obj, reason: str, *, bare: bool = False, hint: str = "") -> Iterator[Diagnostic]:
        """One INFO per class and file: the first place it is named says it was not checked."""
        what = obj.class_path or f"[{obj.slot}]"
        if what in self.unchecked_seen:
            return
        self.unchecked_seen.add(what)
        yield self._unchecked(obj, reason, bare=bare, hint=hint)

    def _unchecked(self, obj: Obj, reason: str, *, bare: bool = False, hint: str = "") -> Diagnostic:
        what = f"`{obj.class_path}`" if obj.class_path else f"the class of `[{obj.slot}]`"
        if bare:
            how = "write its full import path, or give `--cli-script` so the name resolves as LightningCLI resolves it"
        elif "no module" in reason:
            how = "add the folder that holds it with `--source-root` (`source-roots` in `[tool.trainer-lint]`)"
        else:
            how = "trainer-lint reads classes with `ast` and does not follow this; `trainer-lint run` builds it for real"
        return Diagnostic(UNCHECKED, Severity.INFO, obj.class_key if obj.class_path else obj.key, f"{what} was not checked: {reason}; {how}{hint}", anchor="value" if obj.class_path else "key")


def _as_object(slot: str, key: KeyPath, value: Any) -> Obj | None:
    if isinstance(value, dict):
        path = value.get("class_path")
        if not isinstance(path, str) or not path.strip():
            return None
        init_args = value.get("init_args")
        if "init_args" in value and not isinstance(init_args, dict):
            return None
        dict_kwargs = value.get("dict_kwargs")
        return Obj(slot, key, path.strip(), init_args if isinstance(init_args, dict) else {}, dict_kwargs if isinstance(dict_kwargs, dict) else None, True)
    if isinstance(value, str) and value.strip() and all(part.isidentifier() for part in value.strip().split(".")):
        return Obj(slot, key, value.strip(), {}, None, False)
    return None


def _implicit(slot: str, key: KeyPath, value: dict[str, Any], cls: Any) -> Obj | None:
    """A table without ``class_path`` where a class is expected: the arguments of ``cls`` itself,
    flat or under ``init_args``."""
    if cls is None or isinstance(cls, Unresolved):
        return None
    args: dict[str, Any] = {}
    paths: dict[str, KeyPath] = {}
    dict_kwargs = None
    for name, item in value.items():
        if name == "init_args" and isinstance(item, dict):
            for inner, inner_value in item.items():
                args[inner] = inner_value
                paths[inner] = (*key, "init_args", inner)
        elif name == "dict_kwargs" and isinstance(item, dict):
            dict_kwargs = item
        else:
            args[name] = item
            paths[name] = (*key, name)
    return Obj(slot, key, None, args, dict_kwargs, True, base=cls, implicit=cls, paths=paths)


def _lightning(obj: Obj, classes: Any) -> bool:
    """Whether the object names a class of the release's snapshot ``classes`` (by path, or by name in
    its key), or one of Lightning's classes that the Trainer cannot take (TL501 says so)."""
    if obj.slot == "nested" or obj.slot in RESOLVER_SLOTS:
        return False
    path = obj.class_path or ""
    return classes.resolve(path, obj.slot) is not None or _in_lightning_module(path, classes) or classes.foreign(path) is not None


def _in_lightning_module(path: str, classes: Any) -> bool:
    return "." in path and classes.in_known_module(path)


def _profiler_names() -> frozenset[str]:
    from trainer_lint.schema import choices

    return choices("profiler")


def _unknown(key: KeyPath, owner: str, name: str, known: list[str], where: str = "init_args") -> Diagnostic:
    from trainer_lint.rules.base import closest

    message = f"`{owner}` takes no argument `{name}`"
    if where == "dict_kwargs":
        message += " (`dict_kwargs` are passed to its `__init__`, which raises)"
    close = closest(name, tuple(known), 0.7)
    fix = None
    if close:
        message += f"; did you mean `{close[0]}`?"
        fix = Fix(f"Rename `{name}` to `{close[0]}`", (Edit(key, "key", close[0]),), safe=False)
    return Diagnostic(UNKNOWN_ARG, Severity.ERROR, key, message, fix=fix, anchor="key")


def _close_class(project: Project, module_name: str, name: str) -> str | None:
    """The class of ``module_name`` whose name is closest to ``name`` (a typo in a project path)."""
    from trainer_lint.resolver.classes import Unresolved as _Unresolved
    from trainer_lint.rules.base import closest

    module = project.resolver.module(module_name)
    if isinstance(module, _Unresolved):
        return None
    names = tuple(n for n, found in module.bindings.items() if any(b.kind in ("class", "from", "alias") for b in found))
    close = closest(name, names, 0.7)
    return close[0] if close else None


def _suggestion(obj: Obj, project: Project) -> str:
    """A did-you-mean among Lightning's names, only when no class of the written name exists in the roots."""
    from trainer_lint import classes

    name = obj.class_path or ""
    if "." in name or project.name_index().get(name):
        return ""
    close = project.resolver.classes.suggest(name, obj.slot) if obj.slot in classes.SLOT_KINDS else None
    return f"; did you mean `{close}`?" if close and close != name else ""


def _wanted(obj: Obj, base: Any) -> str:
    from trainer_lint.resolver.project import _label

    label = _label(base, obj.slot if obj.slot != "nested" else "nested")
    if obj.slot == "nested" and obj.base is not None:
        label = getattr(obj.base, "name", label)
    return f"`{label}`"


def _quote(key: KeyPath) -> str:
    return f"`{format_key(key)}`"
