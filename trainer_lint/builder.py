"""Build the objects of a clean config the way LightningCLI builds them: ``Trainer(**trainer)`` with
callbacks, loggers, strategy, profiler and plugins instantiated from ``class_path``/``init_args``
(bare class names resolved among Lightning's classes), ``seed_everything`` applied, ``[model]`` and
``[data]`` instantiated (the bundled :mod:`trainer_lint.demo` when there is no ``[model]``), and
LightningCLI-style ``[optimizer]``/``[lr_scheduler]`` attached. :class:`Builder` also tells a
failure the user caused (one line, :class:`~trainer_lint.prepared.UserError`) from an exception
in the user's own code (a traceback, :class:`UserCodeError`).

torch and Lightning are imported only inside methods.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from typing import Any

from trainer_lint.diagnostic import KeyPath
from trainer_lint.prepared import EXIT_FAILED, Prepared, UserError, env_rank_zero, one_line, say

OBJECT_LISTS = ("callbacks", "plugins", "logger")
"""Trainer arguments that take one object or a list of them."""

NAMED_OBJECTS = ("strategy", "accelerator", "profiler")
"""Trainer arguments that take a registered name or an object. A ``class_path`` table is built in
all three; a string only in ``profiler`` (a class path or class name, as LightningCLI reads it):
in ``strategy`` and ``accelerator`` every string reaches the Trainer as a name, so a dotted path
there fails as it does under LightningCLI (TL344)."""

SPECIAL_CKPT_PATHS = ("last", "best", "hpc")
"""``ckpt_path`` values that Lightning resolves itself (``registry`` and ``registry:...`` too)."""

TRACEBACK_ENV = "TRAINER_LINT_TRACEBACK"
"""Set to 1 to print a traceback for every failure, not just for exceptions in the user's code."""

_OWN_DIR = os.path.dirname(os.path.abspath(__file__))
_DEMO_FILE = os.path.join(_OWN_DIR, "demo.py")


def _parameters(function: Any) -> frozenset[str]:
    """The parameter names of a Lightning function, which differ between releases."""
    import inspect

    try:
        return frozenset(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return frozenset()


class UserCodeError(Exception):
    """An exception raised inside the user's own code while building: shown with its traceback."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


class Builder:
    """Instantiates the objects of a clean config and classifies what goes wrong."""

    def __init__(self, prepared: Prepared) -> None:
        from trainer_lint.distribution import choose

        self.prepared = prepared
        self.data = prepared.data
        self.user_roots: set[str] = {_DEMO_FILE}
        self.package = choose(prepared.options, prepared.path).package
        """``lightning`` or ``pytorch_lightning``: whose Trainer and classes are used."""

    # -- the whole thing

    def build(self) -> tuple[Any, Any, Any, str | None]:
        if self.package == "pytorch_lightning":
            from pytorch_lightning import Trainer, seed_everything
        else:
            from lightning.pytorch import Trainer, seed_everything

        self.check_ckpt_path()
        seed = self.data.get("seed_everything", True)
        if seed is not False:
            seed_kwargs: dict[str, Any] = {"workers": True}
            if "verbose" in _parameters(seed_everything):  # Lightning 2.5 and later
                seed_kwargs["verbose"] = env_rank_zero()
            seed_everything(None if seed is True else seed, **seed_kwargs)
        kwargs = self.trainer_kwargs()
        trainer = self.construct(Trainer, kwargs, ("trainer",), "the Trainer")
        model = self.object_or_demo("model", "DemoModel")
        datamodule = None
        if "data" in self.data:
            datamodule = self.instantiate(self.data["data"], ("data",))
        elif "model" not in self.data:
            datamodule = self.object_or_demo("data", "DemoDataModule")
        self.add_optimizers(model)
        return trainer, model, datamodule, self.data.get("ckpt_path")

    def check_ckpt_path(self) -> None:
        ckpt = self.data.get("ckpt_path")
        if not isinstance(ckpt, str) or ckpt in SPECIAL_CKPT_PATHS or ckpt.startswith("registry") or "://" in ckpt:
            return
        if not os.path.exists(ckpt):
            raise UserError(("ckpt_path",), f"checkpoint not found: {ckpt!r}")

    def trainer_kwargs(self) -> dict[str, Any]:
        from trainer_lint.classes import SLOT_KINDS, registered

        kwargs = dict(self.data["trainer"])
        if kwargs.get("check_val_every_n_epoch") == "none":
            kwargs["check_val_every_n_epoch"] = None
        for name in OBJECT_LISTS:
            value = kwargs.get(name)
            key = ("trainer", name)
            kinds = SLOT_KINDS[name]
            if isinstance(value, list):
                kwargs[name] = [self.instantiate(item, (*key, i), kinds) for i, item in enumerate(value)]
            elif isinstance(value, dict) or isinstance(value, str):
                kwargs[name] = self.instantiate(value, key, kinds)
        for name in NAMED_OBJECTS:
            value = kwargs.get(name)
            is_class = isinstance(value, str) and name == "profiler" and ("." in value or registered("profiler", value) is None)
            if isinstance(value, dict) or is_class:
                kwargs[name] = self.instantiate(value, ("trainer", name), SLOT_KINDS[name])
        return kwargs

    def object_or_demo(self, name: str, demo_class: str) -> Any:
        if name in self.data:
            return self.instantiate(self.data[name], (name,))
        prefix = "PL" if self.package == "pytorch_lightning" else ""  # the demo on the Trainer's own package
        return self.instantiate(f"trainer_lint.demo.{prefix}{demo_class}", (name,))

    def class_path(self, class_path: str, kinds: frozenset[str]) -> str:
        """The import path to load: a bare class name resolved among Lightning's classes of
        ``kinds`` (as LightningCLI resolves it), in the distribution that reads the config."""
        from trainer_lint import classes

        if "." in class_path or not kinds:
            return class_path
        found = classes.resolve_kinds(class_path, kinds)
        return classes.in_family(found.path, self.package) if found is not None else class_path

    # -- objects

    def resolve(self, class_path: str, key: KeyPath) -> Any:
        """Import ``class_path``; a failure to import is the user's (one line)."""
        module_name, _, attr = class_path.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise UserError(key, f"cannot import {class_path!r}: {one_line(error)}") from None
        except Exception as error:  # a bug in the user's module (SyntaxError, ...): traceback
            raise UserCodeError(error) from None
        try:
            obj = getattr(module, attr)
        except AttributeError:
            raise UserError(key, f"cannot import {class_path!r}: module {module_name!r} has no attribute {attr!r}") from None
        if not callable(obj):
            raise UserError(key, f"{class_path!r} is not a class")
        self.note_user_code(module)
        return obj

    def note_user_code(self, module: Any) -> None:
        """Remember where the user's own code lives (its top-level package), to tell its exceptions apart."""
        top = module.__name__.split(".")[0]
        if top in _LIBRARIES:
            return
        root = sys.modules.get(top)
        where = getattr(root, "__file__", None) or getattr(module, "__file__", None)
        if not where:
            return
        if os.path.basename(where) == "__init__.py":
            where = os.path.dirname(where)
        self.user_roots.add(os.path.abspath(where))

    def instantiate(self, spec: Any, key: KeyPath, kinds: frozenset[str] = frozenset()) -> Any:
        """Build an object from a ``class_path`` table or a class path (or class name) string."""
        from trainer_lint import classes

        if isinstance(spec, str):
            class_path, init_args = spec, {}
        else:
            class_path, init_args = spec["class_path"], spec.get("init_args") or {}
        class_path = self.class_path(class_path, kinds)
        cls = self.resolve(class_path, key)
        info = classes.resolve_kinds(class_path, kinds) if "." in class_path else None
        params = info.params if info is not None else {}
        kwargs = {name: self.nested(value, (*key, "init_args", name), params.get(name)) for name, value in init_args.items()}
        return self.construct(cls, kwargs, key, repr(class_path))

    def nested(self, value: Any, key: KeyPath, param: dict[str, Any] | None = None) -> Any:
        """An ``init_args`` value as LightningCLI passes it: ``class_path`` tables built, and, for a
        Lightning class's parameter, strings read by its annotation (a class path or name where it
        takes a Lightning object, a duration where it takes a ``timedelta``, a member name where it
        takes an enum)."""
        node = (param or {}).get("type", {})
        kinds = frozenset(node.get("class", ()))
        if isinstance(value, dict) and "class_path" in value and set(value) <= {"class_path", "init_args"}:
            return self.instantiate(value, key, kinds)
        if isinstance(value, str) and kinds:
            return self.instantiate(value, key, kinds)
        if isinstance(value, str) and node.get("x-python"):
            return self.converted(value, node["x-python"], key)
        if isinstance(value, list):
            return [self.nested(item, (*key, i)) for i, item in enumerate(value)]
        return value

    def converted(self, text: str, python: str, key: KeyPath) -> Any:
        """``text`` as the ``timedelta`` or enum member LightningCLI would pass."""
        if python == "datetime.timedelta":
            from datetime import timedelta

            match = _TIMEDELTA.match(text)
            if match is None:
                raise UserError(key, f'{text!r} is not a duration "h:m:s" or "d days, h:m:s"')
            return timedelta(**{k: float(v) for k, v in match.groupdict().items() if v is not None})
        module_name, _, name = python.rpartition(".")
        try:
            return getattr(importlib.import_module(module_name), name)[text]
        except (ImportError, AttributeError, KeyError):
            return text

    def construct(self, cls: Any, kwargs: dict[str, Any], key: KeyPath, what: str) -> Any:
        from lightning.fabric.utilities.exceptions import MisconfigurationException

        try:
            return cls(**kwargs)
        except (TypeError, ValueError, MisconfigurationException, ImportError) as error:
            if os.environ.get(TRACEBACK_ENV):
                raise UserCodeError(error) from None
            raise UserError(key, f"cannot build {what}: {type(error).__name__}: {one_line(error)}") from None
        except Exception as error:
            if os.environ.get(TRACEBACK_ENV) or self.in_user_code(error) or self.in_own_code(error):
                raise UserCodeError(error) from None
            raise UserError(key, f"cannot build {what}: {type(error).__name__}: {one_line(error)}") from None

    # -- LightningCLI-style [optimizer] and [lr_scheduler]

    def add_optimizers(self, model: Any) -> None:
        optimizer = self.data.get("optimizer")
        if optimizer is None:
            return
        scheduler = self.data.get("lr_scheduler")
        opt_cls, opt_args = self.class_and_args(optimizer, ("optimizer",))
        sched = None if scheduler is None else self.class_and_args(scheduler, ("lr_scheduler",))
        construct = self.construct

        def configure_optimizers() -> Any:
            opt = construct(opt_cls, {"params": model.parameters(), **opt_args}, ("optimizer",), repr(opt_cls.__name__))
            if sched is None:
                return opt
            sched_obj = construct(sched[0], {"optimizer": opt, **sched[1]}, ("lr_scheduler",), repr(sched[0].__name__))
            config: dict[str, Any] = {"scheduler": sched_obj}
            if getattr(sched_obj, "monitor", None):
                config["monitor"] = sched_obj.monitor
            return {"optimizer": opt, "lr_scheduler": config}

        model.configure_optimizers = configure_optimizers

    def class_and_args(self, spec: Any, key: KeyPath) -> tuple[Any, dict[str, Any]]:
        if isinstance(spec, str):
            return self.resolve(spec, key), {}
        args = spec.get("init_args") or {}
        return self.resolve(spec["class_path"], key), {k: self.nested(v, (*key, "init_args", k)) for k, v in args.items()}

    # -- failures

    def frames(self, error: BaseException) -> list[str]:
        return [os.path.abspath(f.filename) for f in traceback.extract_tb(error.__traceback__)]

    def in_user_code(self, error: BaseException) -> bool:
        roots = tuple(self.user_roots)
        return any(f == r or f.startswith(r.rstrip(os.sep) + os.sep) for f in self.frames(error) for r in roots)

    def in_own_code(self, error: BaseException) -> bool:
        """Whether the innermost frame is trainer-lint's own (not the demo): a bug of ours."""
        frames = self.frames(error)
        return bool(frames) and frames[-1].startswith(_OWN_DIR + os.sep) and frames[-1] != _DEMO_FILE

    def fail_with_traceback(self, error: BaseException) -> int:
        traceback.print_exception(type(error), error, error.__traceback__)
        if self.in_own_code(error) and not self.in_user_code(error):
            say("this looks like a bug in trainer-lint itself; please report it with the traceback above")
        return EXIT_FAILED

    def stage_failed(self, stage: str, error: Exception) -> int:
        """An exception out of ``trainer.<stage>``: a traceback if the user's code raised it, else one line."""
        if os.environ.get(TRACEBACK_ENV) or self.in_user_code(error) or self.in_own_code(error):
            return self.fail_with_traceback(error)
        say(f"{self.prepared.path}: {stage} failed: {type(error).__name__}: {one_line(error)}")
        return EXIT_FAILED


_TIMEDELTA = re.compile(r"(?:(?P<days>[-\d]+) day[s]*, )?(?P<hours>\d+):(?P<minutes>\d+):(?P<seconds>\d[\.\d+]*)")
"""jsonargparse's ``timedelta_deserializer``: "h:m:s" or "d days, h:m:s", matched from the start."""

_LIBRARIES = frozenset(
    {"lightning", "pytorch_lightning", "lightning_fabric", "lightning_utilities", "torch", "torchmetrics", "trainer_lint"}
)
"""Top-level packages whose frames are never "the user's code" (the demo module excepted)."""
