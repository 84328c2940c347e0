"""The project a config belongs to: where its classes are found, and how a ``class_path`` resolves.

:func:`project_for` gives the :class:`Project` of a run's options and a config path (one per
project root, shared by every config under it). Its roots, in search order:

1. the source roots: ``--source-root``/``source-roots`` when given; else the project root and its
   ``src/`` folder when there is one. The project root is the folder of the settings file in use
   (``[tool.trainer-lint]`` in a ``pyproject.toml``); without one, the nearest folder above the
   config that holds a ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``, else the
   config's own folder;
2. the CLI script's folder (Python puts it first on ``sys.path`` when the script runs);
3. the import path of the interpreter running trainer-lint (installed packages).

:meth:`Project.resolve` answers for one ``class_path`` written under one key, exactly as far as it
can be known statically: a Lightning class (from the snapshot), a class read from source, or why
it cannot be checked. A bare class name resolves the way LightningCLI resolves it: among the
subclasses of the key's base class that are imported when LightningCLI parses (the modules the
CLI script imports, transitively), or, without a script, among the classes of that name in the
source roots.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

from trainer_lint.options import Options
from trainer_lint.resolver.classes import PyClass, as_class, subclass_of
from trainer_lint.resolver.names import Resolver
from trainer_lint.resolver.refs import LightningClass, Terminal, Unresolved
from trainer_lint.resolver.finder import Finder, interpreter_path, is_stdlib
from trainer_lint.resolver.source import FileCache, current, read_bytes

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
"""Files or folders that mark a project root (when no settings file says where it is)."""

SKIP_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "build", "dist", "venv", "env"})
MAX_SCAN_FILES = 5000
"""At most this many Python files are scanned for a bare class name in the source roots."""

NO_USER_SUBCLASSES = frozenset(
    {"lightning", "pytorch_lightning", "lightning_fabric", "torch", "torchmetrics", "numpy", "jsonargparse", "yaml", "typing_extensions"}
)
"""Packages that define no subclass of a LightningModule, DataModule or of a project's classes
(Lightning's own callbacks, loggers, ... come from the snapshot): a CLI script's imports of them
do not hide a class that a bare name could mean."""

SLOT_BASES = {
    "optimizer": ("torch.optim.Optimizer",),
    "lr_scheduler": ("torch.optim.lr_scheduler.LRScheduler", "torch.optim.lr_scheduler.ReduceLROnPlateau"),
}
"""Where LightningCLI looks up bare optimizer and scheduler names (``add_optimizer_args``,
``add_lr_scheduler_args`` in ``lightning/pytorch/cli.py``). Its scheduler type is the union
``(LRScheduler, lightning.pytorch.cli.ReduceLROnPlateau)`` (``LRSchedulerTypeTuple``):
``ReduceLROnPlateau`` names two subclasses of the first member, so jsonargparse takes the second,
LightningCLI's own subclass (in the class snapshot), which adds a required ``monitor``; a name
that a Lightning class of the slot has is therefore not looked up in torch."""



class Resolution:
    """What a ``class_path`` under a key resolves to.

    ``status``: ``resolved`` (``cls`` is set), ``unresolved`` (cannot be checked: ``reason``),
    ``missing`` (the module is read and provably has no such class), ``not-found`` (a bare name
    that names no class: an error when ``certain``), ``ambiguous`` (a bare name with several
    classes, ``candidates``: an error when ``certain``). ``via_name``: resolved from a bare name.
    """

    __slots__ = ("status", "cls", "reason", "candidates", "certain", "via_name")

    def __init__(
        self, status: str, cls: Any = None, reason: str = "", candidates: tuple[str, ...] = (), certain: bool = False, via_name: bool = False
    ) -> None:
        self.status = status
        self.cls = cls
        self.reason = reason
        self.candidates = candidates
        self.certain = certain
        self.via_name = via_name

    def __repr__(self) -> str:
        return f"Resolution({self.status}, {self.cls!r}, {self.reason!r})"

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"


class Project:
    """Static knowledge of one project, shared by the configs under its root."""

    def __init__(self, options: Options, root: str, release: Any = None) -> None:
        self.options = options
        self.root = root
        if options.source_roots is not None:
            roots = tuple(options.source_roots)
        else:
            roots = (root, *((os.path.join(root, "src"),) if os.path.isdir(os.path.join(root, "src")) else ()))
        self.source_roots = tuple(os.path.normpath(r) for r in roots)
        script = options.cli_script
        self.script_path = os.path.normpath(script) if script else None
        script_dir = (os.path.dirname(self.script_path),) if self.script_path else ()
        self.finder = Finder((*self.source_roots, *script_dir, *interpreter_path()))
        self.resolver = Resolver(self.finder, (*self.source_roots, *script_dir), release)
        """Names to classes; Lightning's classes are those of ``release`` (the newest when None)."""
        self._cli: Any = None
        self._resolutions: dict[tuple[str, str, int], Resolution] = {}
        self._closure: Any = None
        self._names: dict[str, list[tuple[str, str]]] | None = None
        self._walked: dict[str, float] = {}
        """Folders listed for the bare-name scan, with their modification times."""

    def stale(self) -> bool:
        """Whether a file this project read, or a folder it listed, changed since (then a new
        project is built; unchanged files stay parsed, cached by mtime and size)."""
        for module in self.resolver._modules.values():
            path = getattr(module, "path", "")
            if path and not current(path, module.name):
                return True
        if self._cli is not None and self._cli.module is not None and not current(self._cli.path, "__main__"):
            return True
        for folder, mtime in self._walked.items():
            try:
                if os.stat(folder).st_mtime != mtime:
                    return True
            except OSError:
                return True
        if self._names is not None:
            for _, path in self._modules_scanned:
                if not _NAMES.current(path):
                    return True
        return False

    # ----------------------------------------------------------------------- script

    def cli(self) -> Any:
        """The CLI script as read (:class:`~trainer_lint.resolver.entrypoint.CliScript`), or None without one."""
        if self.script_path is None:
            return None
        if self._cli is None:
            from trainer_lint.resolver.entrypoint import read_script

            self._cli = read_script(self.script_path, self.resolver)
        return self._cli

    # ------------------------------------------------------------------------ lookup

    def resolve(self, class_path: str, slot: str, base: Any = None) -> Resolution:
        """Resolve ``class_path`` written under ``slot`` (``model``, ``callbacks``, ...; ``nested``
        with ``base`` the class the annotation names)."""
        key = (class_path, slot, id(base))
        hit = self._resolutions.get(key)
        if hit is None:
            hit = self._resolutions[key] = self._resolve(class_path, slot, base)
        return hit

    def _resolve(self, class_path: str, slot: str, base: Any) -> Resolution:
        if "." in class_path:
            target = self.resolver.lookup(class_path)
            if isinstance(target, Unresolved):
                if target.missing:
                    return Resolution("missing", reason=target.reason)
                return Resolution("unresolved", reason=target.reason)
            cls = as_class(target, class_path)
            if isinstance(cls, Unresolved):
                return Resolution("unresolved", reason=cls.reason)
            if isinstance(cls, Terminal):
                return Resolution("unresolved", reason=f"`{class_path}` is a class of the standard library, which trainer-lint does not read")
            return Resolution("resolved", cls)
        return self._by_name(class_path, slot, base)

    def _by_name(self, name: str, slot: str, base: Any) -> Resolution:
        test = self.base_test(slot, base)
        found: list[tuple[Any, bool]] = []  # (class, certainly imported when LightningCLI parses)
        from trainer_lint import classes

        kinds = classes.SLOT_KINDS.get(slot)
        if kinds:
            index = self.resolver.classes
            for canonical in index.named(name):
                info = index.info(canonical)
                if info.kind in kinds:
                    found.append((LightningClass(info), True))
        if slot in SLOT_BASES and not found:  # LightningCLI's own class of the name wins (see SLOT_BASES)
            for module in SLOT_BASES[slot]:
                package = module.rpartition(".")[0]
                target = self.resolver.attribute(package, name)
                if isinstance(target, PyClass):
                    found.append((target, True))
        cli = self.cli()
        complete = False
        if cli is not None and cli.known:
            closure = self.closure()
            complete = closure.complete
            for cls, certain in self._candidates_in(name, closure.modules):
                found.append((cls, certain))
        else:
            for cls in self._candidates_in_roots(name):
                found.append((cls, False))
        matching: list[tuple[Any, bool]] = []
        unknown: list[tuple[Any, bool]] = []
        unique: dict[str, tuple[Any, bool]] = {}
        for cls, certain in found:  # one class reached twice counts once (certain if either way is)
            before = unique.get(cls.path)
            unique[cls.path] = (cls, certain or (before is not None and before[1]))
        for cls, certain in unique.values():
            verdict = subclass_of(cls, test) if test is not None else None
            if verdict:
                matching.append((cls, certain))
            elif verdict is None:
                unknown.append((cls, certain))
        paths = tuple(c.path for c, _ in matching + unknown)
        if len(matching) + len(unknown) == 0:
            certain = cli is not None and cli.known and complete and slot not in SLOT_BASES and slot != "nested"
            where = f"subclass of `{_label(base, slot)}`"
            return Resolution("not-found", reason=f"no {where} named `{name}`", certain=certain)
        if len(matching) + len(unknown) == 1:
            cls = (matching + unknown)[0][0]
            return Resolution("resolved", cls, via_name=True, candidates=paths)
        sure = [c for c, s in matching if s]
        return Resolution("ambiguous", reason=f"`{name}` names more than one class", candidates=paths, certain=len(sure) > 1 and len(sure) == len(matching) + len(unknown))

    def base_test(self, slot: str, base: Any = None) -> Any:
        """A test a class passes when it can be given under ``slot`` (None: no test known)."""
        from trainer_lint import classes

        if slot in SLOT_BASES:
            return None  # torch's classes and LightningCLI's own: no single base to test
        if slot == "nested" or base is not None:
            if base is None or isinstance(base, Unresolved):
                return None
            return lambda c: c is base or getattr(c, "path", None) == base.path
        kinds = classes.SLOT_KINDS.get(slot)
        if kinds:
            return lambda c: isinstance(c, LightningClass) and c.kind in kinds
        return None

    # ---------------------------------------------------------------- bare names: roots

    def _candidates_in_roots(self, name: str) -> list[Any]:
        """Classes named ``name`` defined anywhere in the source roots."""
        out = []
        for module_name, path in self.name_index().get(name, ()):
            module = self.resolver.module(module_name)
            if isinstance(module, Unresolved) or module.path != path:
                continue
            target = self.resolver.name(module, name)
            if isinstance(target, PyClass) and target.module is module:
                out.append(target)
        return out

    def name_index(self) -> dict[str, list[tuple[str, str]]]:
        """Class name -> [(module, file)] for every class statement in the source roots."""
        if self._names is None:
            index: dict[str, list[tuple[str, str]]] = {}
            self._modules_scanned = self.root_modules()
            for module_name, path in self._modules_scanned:
                for found in _class_names(path):
                    index.setdefault(found, []).append((module_name, path))
            self._names = index
        return self._names

    def root_modules(self) -> list[tuple[str, str]]:
        """(dotted name, file) of every Python module under the source roots (bounded)."""
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for root in self.source_roots:
            for folder, dirs, files in os.walk(root):
                try:
                    self._walked[folder] = os.stat(folder).st_mtime
                except OSError:
                    pass
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_FOLDERS and d.isidentifier()
                                 and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg")))
                rel = os.path.relpath(folder, root)
                parts = [] if rel == "." else rel.split(os.sep)
                for file in sorted(files):
                    if not file.endswith(".py") or not file[:-3].isidentifier():
                        continue
                    path = os.path.join(folder, file)
                    if path in seen:
                        continue
                    seen.add(path)
                    stem = file[:-3]
                    dotted = ".".join(parts if stem == "__init__" else [*parts, stem])
                    if dotted:
                        out.append((dotted, path))
                    if len(out) >= MAX_SCAN_FILES:
                        return out
        return out

    # -------------------------------------------------------------- bare names: script

    def closure(self) -> Any:
        """The modules the CLI script loads, transitively (project modules are followed; installed
        packages are looked into, not followed)."""
        if self._closure is None:
            self._closure = _Closure.build(self)
        return self._closure

    def _candidates_in(self, name: str, modules: dict[str, bool]) -> list[tuple[Any, bool]]:
        out: list[tuple[Any, bool]] = []
        cli = self.cli()
        script_module = cli.module if cli is not None else None
        sources = [("__main__", True, script_module)] if script_module is not None else []
        sources += [(m, certain, None) for m, certain in modules.items()]
        for module_name, certain, source in sources:
            module = source if source is not None else self.resolver.module(module_name)
            if isinstance(module, Unresolved) or module is None:
                continue
            if source is None and name not in _class_names(module.path):
                continue
            binding = module.binding(name)
            if binding is None or binding.kind != "class":
                continue
            target = self.resolver.pyclass(module, binding.node)  # type: ignore[arg-type]
            out.append((target, certain and binding.certain))
        return out


def _label(base: Any, slot: str) -> str:
    if base is not None and not isinstance(base, Unresolved):
        return getattr(base, "name", str(base))
    return {
        "model": "LightningModule",
        "data": "LightningDataModule",
        "callbacks": "Callback",
        "logger": "Logger",
        "strategy": "Strategy",
        "profiler": "Profiler",
        "plugins": "a plugin base class",
        "accelerator": "Accelerator",
        "optimizer": "Optimizer",
        "lr_scheduler": "LRScheduler",
    }.get(slot, "the expected class")


class _Closure:
    """``modules``: module name -> loaded for certain (unconditional imports all the way);
    ``complete``: every module loaded is known (project modules read, the rest standard library
    or packages that define no user-facing subclasses, :data:`NO_USER_SUBCLASSES`)."""

    def __init__(self, modules: dict[str, bool], complete: bool) -> None:
        self.modules = modules
        self.complete = complete

    @classmethod
    def build(cls, project: Project) -> _Closure:
        cli = project.cli()
        modules: dict[str, bool] = {}
        complete = True
        if cli is None or cli.module is None:
            return cls(modules, False)
        queue: list[tuple[Any, bool]] = [(cli.module, True)]
        project_roots = tuple(os.path.join(r, "") for r in (*project.source_roots, os.path.dirname(project.script_path or "")))
        if cli.module.dynamic_imports:
            complete = False
        while queue:
            module, certain = queue.pop()
            for item in module.imports:
                names = _import_chain(item.module)
                optional = item.module.endswith("?")
                for index, name in enumerate(names):
                    is_optional = optional and index == len(names) - 1
                    sure = certain and item.certain
                    if name in modules and (modules[name] or not sure):
                        continue
                    top = name.partition(".")[0]
                    if is_stdlib(name) or top in NO_USER_SUBCLASSES:
                        continue
                    location = project.finder.find(name)
                    if location is None:
                        if not is_optional:
                            complete = False
                        continue
                    modules[name] = sure or modules.get(name, False)
                    if location.path is None:
                        if location.compiled:
                            complete = False
                        continue
                    inside = location.path.startswith(project_roots)
                    if not inside:
                        complete = False  # an installed package: looked into, not followed
                        continue
                    source = project.resolver.module(name)
                    if isinstance(source, Unresolved):
                        complete = False
                        continue
                    if source.dynamic_imports:
                        complete = False
                    queue.append((source, sure))
        return cls(modules, complete)


def _import_chain(name: str) -> list[str]:
    """``a.b.c`` loads ``a``, ``a.b`` and ``a.b.c``; a trailing ``?`` marks a maybe-submodule."""
    optional = name.endswith("?")
    parts = name.rstrip("?").split(".")
    chain = [".".join(parts[: i + 1]) for i in range(len(parts))]
    if optional:
        chain[-1] += "?"
    return [c.rstrip("?") for c in chain] if not optional else [*chain[:-1], chain[-1].rstrip("?")]


_CLASS_RE = re.compile(rb"class[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_NAMES = FileCache()


def _class_names(path: str) -> frozenset[str]:
    """Names of the classes a file defines (a text scan, remembered by mtime and size)."""
    stat, hit = _NAMES.get(path)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    data = (read_bytes(path) or b"") if stat is not None else b""
    found: set[str] = set()
    at = data.find(b"class")
    while at >= 0:  # bytes.find, then a match where a line starts with `class`: ~3x faster than a ^-anchored regex
        line = data.rfind(b"\n", 0, at) + 1
        if not data[line:at].strip(b" \t"):
            match = _CLASS_RE.match(data, at)
            if match:
                found.add(match.group(1).decode("ascii", "replace"))
        at = data.find(b"class", at + 5)
    names = frozenset(found)
    if stat is not None:
        _NAMES.put(path, stat, names)
    return names


_PROJECTS: dict[tuple[Options, str, Any], Project] = {}


def project_root(options: Options, config_path: str | None) -> str:
    """The folder that defaults and relative paths are anchored to for ``config_path``."""
    if options.root is not None:
        return os.path.normpath(os.path.abspath(options.root))
    start = os.path.dirname(os.path.abspath(config_path)) if config_path else os.getcwd()
    return _nearest_root(start)


@lru_cache(maxsize=1024)
def _nearest_root(start: str) -> str:
    """The nearest folder at or above ``start`` with a project marker (remembered per folder: a
    tree of configs shares a few folders)."""
    folder = start
    while True:
        if any(os.path.exists(os.path.join(folder, marker)) for marker in PROJECT_MARKERS):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def project_for(options: Options, config_path: str | None, release: Any = None) -> Project:
    """The :class:`Project` of ``config_path`` under ``options``, whose Lightning classes are those
    of ``release`` (:class:`~trainer_lint.lightning.releases.Release`, the config's
    ``ctx.lightning``; the newest when None): one per project root, options and release."""
    root = project_root(options, config_path)
    if release is None:
        from trainer_lint.lightning.releases import newest

        release = newest()
    key = (options, root, release)
    hit = _PROJECTS.get(key)
    if hit is not None and hit.stale():
        hit = None
    if hit is None:
        if len(_PROJECTS) > 64:
            _PROJECTS.clear()
        hit = _PROJECTS[key] = Project(options, root, release)
    return hit
