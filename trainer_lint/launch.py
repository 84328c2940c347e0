"""Launch the real Trainer from a linted config: ``trainer-lint run`` and ``check --run``.

:func:`run` lints the config (with ``--set`` overrides merged in) exactly as ``check`` does and
stops with exit 1 on errors before torch is imported. A clean config is then built the way
LightningCLI builds one: ``Trainer(**trainer)`` with callbacks, loggers, strategy, profiler and
plugins instantiated from ``class_path``/``init_args``, ``seed_everything`` applied, ``[model]``
and ``[data]`` instantiated (the bundled :mod:`trainer_lint.demo` when there is no ``[model]``),
and the chosen stage called with ``ckpt_path``.

This is the only module that imports torch or lightning, and only inside functions.

Exit codes (see ``docs/running.md``): 0 success; 1 lint errors, a failure the user caused (one
line naming the table and its line) or an exception in the user's own code (with its traceback);
2 usage or I/O problems (a missing file, a malformed ``--set``, torch/lightning not installed);
130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from trainer_lint.diagnostic import KeyPath, format_key
from trainer_lint.formats.toml_writer import key as _key, value as _value
from trainer_lint.engine import ALL, Selection
from trainer_lint.options import DEFAULT, Options

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

STAGES = ("fit", "validate", "test", "predict")
"""The Trainer methods ``run --stage`` can call."""

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


def _say(message: str) -> None:
    """One line for the user, on stderr."""
    sys.stderr.write(f"trainer-lint: {message}\n")
    sys.stderr.flush()


def one_line(text: object) -> str:
    """Collapse an exception message to one line."""
    return " ".join(str(text).split())


def env_rank_zero() -> bool:
    """Whether this process is the first of a distributed job, judged from the environment alone.

    Lightning's relaunched ranks get ``LOCAL_RANK``/``NODE_RANK``, torchrun sets ``RANK``, SLURM sets
    ``SLURM_PROCID``; a process is rank zero unless one of them is set to something other than 0.
    """
    for name in ("RANK", "SLURM_PROCID", "LOCAL_RANK", "NODE_RANK", "JSM_NAMESPACE_RANK"):
        value = os.environ.get(name, "0").strip() or "0"
        if value != "0":
            return False
    return True


class UserError(Exception):
    """A failure the user caused: shown as one line ``location: key: message``, exit 1."""

    def __init__(self, key: KeyPath, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


@dataclass
class Prepared:
    """A config that passed the linter: its document, merged data and overrides."""

    path: str
    data: dict[str, Any]
    document: Any
    overrides: list[Any] = field(default_factory=list)
    options: Options = DEFAULT
    """The run's options: which Lightning distribution's Trainer builds the config, among others."""

    def location(self, key: KeyPath) -> str:
        """``path:line:col`` of ``key`` in the file, or the ``--set`` that wrote it."""
        from trainer_lint.overrides import owner

        source = owner(key, self.overrides)
        if source is not None:
            return source.location
        span = self.document.span_of(key)
        return f"{self.path}:{span.line}:{span.column}"

    def describe(self, error: UserError) -> str:
        """The one line that reports ``error``."""
        key = format_key(error.key)
        return f"{self.location(error.key)}: {key + ': ' if key else ''}{error.message}"


# ----------------------------------------------------------------------------- linting


def prepare(
    path: str,
    sets: Sequence[str] = (),
    *,
    fast_dev_run: bool = False,
    selection: Selection = ALL,
    strict: bool = False,
    color: bool = False,
    out: TextIO | None = None,
    options: Options = DEFAULT,
) -> Prepared | int:
    """Read ``path``, merge the overrides and lint. Return the clean config, or an exit code.

    Diagnostics are printed (on rank zero only) exactly as ``check`` prints them; a clean config
    prints nothing. torch is not imported.
    """
    from trainer_lint import formatters
    from trainer_lint.checker import Report
    from dataclasses import replace

    from trainer_lint.document import DocumentError
    from trainer_lint.formats import read as read_document
    from trainer_lint.engine import FileResult, document_error, lint_document
    from trainer_lint.overrides import Override, OverrideError, apply, attribute, parse_overrides

    out = out or sys.stdout
    try:
        overrides = parse_overrides(sets)
    except OverrideError as error:
        _say(f"error: {error}")
        return EXIT_USAGE
    if fast_dev_run:
        overrides.append(Override(("trainer", "fast_dev_run"), True, "--fast-dev-run"))

    def report(result: FileResult) -> int:
        rep = Report(results=[result])
        if rep.diagnostics and env_rank_zero():
            out.write(formatters.render(rep, "text", color=color))
            out.flush()
        return rep.exit_code(strict)

    try:
        document = read_document(path)
    except DocumentError as error:
        if not report(FileResult(path, document_error(error, path, selection))):
            _say(f"{path}: {error.message}")
        return EXIT_FAILED
    except OSError as error:
        _say(f"{path}: {(error.strerror or str(error)).lower()}")
        return EXIT_USAGE
    try:
        merged = apply(document.data, overrides)
    except OverrideError as error:
        _say(f"error: {error}")
        return EXIT_USAGE
    if "trainer" not in merged:  # `check` also lints model/data-only files; `run` builds a Trainer
        _say(f"{path}: no [trainer] table, so this is not a trainer config (add `[trainer]` to run it)")
        return EXIT_USAGE
    result = lint_document(replace(document, data=merged), selection, options)
    result.diagnostics = sorted(attribute(result.diagnostics, overrides), key=_order)
    code = report(result)
    if code:
        return code
    return Prepared(path, merged, result.document, overrides, options)


def _order(d: Any) -> tuple[int, int, int, str]:
    span = d.span
    return (0 if span is None else 1, span.line if span else 0, span.column if span else 0, d.code)


# ------------------------------------------------------------------------------ running


def run(
    path: str,
    *,
    stage: str = "fit",
    sets: Sequence[str] = (),
    fast_dev_run: bool = False,
    print_config: bool = False,
    selection: Selection = ALL,
    strict: bool = False,
    color: bool = False,
    options: Options = DEFAULT,
) -> int:
    """``trainer-lint run``: lint ``path``, then build the Trainer and call ``stage``. Returns the exit code."""
    if stage not in STAGES:
        _say(f"error: unknown stage {stage!r}; choose from {', '.join(STAGES)}")
        return EXIT_USAGE
    try:
        out = sys.stderr if print_config else sys.stdout  # keep stdout pure TOML for --print-config
        installed = installed_release()
        if options.lightning_version is None and installed is not None:
            from dataclasses import replace

            # the installed release is the one that will build the Trainer: check against it
            options = replace(options, lightning_version=installed[1], lightning_version_origin=f"installed {installed[0]}")
        prepared = prepare(
            path, sets, fast_dev_run=fast_dev_run, selection=selection, strict=strict, color=color, out=out, options=options
        )
        if isinstance(prepared, int):
            return prepared
        if not print_config and installed is not None and installed[1] != options.lightning_version:
            mismatch = check_installed(prepared, installed, selection, strict=strict, color=color, out=out, options=options)
            if mismatch:
                return mismatch
        if print_config:
            sys.stdout.write(to_toml(prepared.data))
            sys.stdout.flush()
            return EXIT_OK
        return launch(prepared, stage)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED


def installed_release() -> tuple[str, str] | None:
    """``(distribution, version)`` of the installed Lightning, from its metadata (nothing is imported)."""
    from trainer_lint.lightning.selection import installed_version

    return installed_version()


def check_installed(
    prepared: Prepared,
    installed: tuple[str, str],
    selection: Selection,
    *,
    strict: bool,
    color: bool,
    out: TextIO,
    options: Options,
) -> int:
    """Lint the config again against the installed release when the user checked it against
    another one (``--lightning-version``): what that release would reject is reported before
    anything is built. Returns 0 when the installed release takes the config, else the exit code."""
    from dataclasses import replace

    from trainer_lint import formatters
    from trainer_lint.checker import Report
    from trainer_lint.document import Document
    from trainer_lint.engine import lint_document
    from trainer_lint.overrides import attribute

    here = replace(options, lightning_version=installed[1], lightning_version_origin=f"installed {installed[0]}")
    result = lint_document(Document(path=prepared.path, text=prepared.document.text, data=prepared.data), selection, here)
    result.diagnostics = sorted(attribute(result.diagnostics, prepared.overrides), key=_order)
    report = Report(results=[result])
    code = report.exit_code(strict)
    if code and env_rank_zero():
        _say(f"the config was checked against Lightning {options.lightning_version}, but {installed[0]} "
             f"{installed[1]} is installed and would reject it:")
        out.write(formatters.render(report, "text", color=color))
        out.flush()
    return code


def launch(prepared: Prepared, stage: str = "fit") -> int:
    """Build everything ``prepared`` describes and call ``trainer.<stage>``. Returns the exit code."""
    try:
        import lightning  # noqa: F401
        import torch  # noqa: F401
    except ImportError as error:
        _say(f"`run` needs torch and lightning ({one_line(error)}); install them with: pip install 'trainer-lint[run]'")
        return EXIT_USAGE
    builder = _Builder(prepared)
    started = time.perf_counter()
    try:
        trainer, model, datamodule, ckpt_path = builder.build()
    except UserError as error:
        if env_rank_zero():
            _say(prepared.describe(error))
        return EXIT_FAILED
    except _UserCodeError as error:
        return builder.fail_with_traceback(error.original)
    try:
        extra = {"weights_only": prepared.data["weights_only"]} if prepared.data.get("weights_only") is not None else {}
        result = getattr(trainer, stage)(model, datamodule=datamodule, ckpt_path=ckpt_path, **extra)
    except SystemExit as exit_:
        if isinstance(exit_.__context__, KeyboardInterrupt) or trainer.interrupted and exit_.code == 1:
            _say("interrupted")
            return EXIT_INTERRUPTED
        raise
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except UserError as error:
        _say(prepared.describe(error))
        return EXIT_FAILED
    except Exception as error:
        return builder.stage_failed(stage, error)
    if trainer.is_global_zero:
        _say(_summary(trainer, stage, result, time.perf_counter() - started))
    return EXIT_OK


def _summary(trainer: Any, stage: str, result: Any, seconds: float) -> str:
    """The closing line of a run: time, device, precision plugin, final metrics, checkpoint."""
    plugin = type(trainer.precision_plugin).__name__
    text = f"{stage} finished in {seconds:.1f}s on {trainer.strategy.root_device} with {plugin}({trainer.precision!r})"
    metrics = []
    for name, value in sorted(trainer.callback_metrics.items()):
        try:
            metrics.append(f"{name}={float(value):.4g}")
        except (TypeError, ValueError, RuntimeError):  # not a scalar
            continue
    if metrics:
        text += "; " + " ".join(metrics)
    if stage == "fit":
        callback = trainer.checkpoint_callback
        path = callback and (callback.best_model_path or callback.last_model_path)
        text += f"; checkpoint: {path}" if path else "; no checkpoint written"
    elif stage == "predict" and isinstance(result, list):
        text += f"; {len(result)} batch(es) of predictions"
    return text


def _parameters(function: Any) -> frozenset[str]:
    """The parameter names of a Lightning function, which differ between releases."""
    import inspect

    try:
        return frozenset(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return frozenset()


class _UserCodeError(Exception):
    """An exception raised inside the user's own code while building: shown with its traceback."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


class _Builder:
    """Instantiates the objects of a clean config and classifies what goes wrong."""

    def __init__(self, prepared: Prepared) -> None:
        from trainer_lint.distribution import choose

        self.prepared = prepared
        self.data = prepared.data
        self.user_roots: set[str] = {_DEMO_FILE}
        self.package = choose(prepared.options).package
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
        return self.instantiate(f"trainer_lint.demo.{demo_class}", (name,))

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
            raise _UserCodeError(error) from None
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
                raise _UserCodeError(error) from None
            raise UserError(key, f"cannot build {what}: {type(error).__name__}: {one_line(error)}") from None
        except Exception as error:
            if os.environ.get(TRACEBACK_ENV) or self.in_user_code(error) or self.in_own_code(error):
                raise _UserCodeError(error) from None
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
            _say("this looks like a bug in trainer-lint itself; please report it with the traceback above")
        return EXIT_FAILED

    def stage_failed(self, stage: str, error: Exception) -> int:
        """An exception out of ``trainer.<stage>``: a traceback if the user's code raised it, else one line."""
        if os.environ.get(TRACEBACK_ENV) or self.in_user_code(error) or self.in_own_code(error):
            return self.fail_with_traceback(error)
        _say(f"{self.prepared.path}: {stage} failed: {type(error).__name__}: {one_line(error)}")
        return EXIT_FAILED


_TIMEDELTA = re.compile(r"(?:(?P<days>[-\d]+) day[s]*, )?(?P<hours>\d+):(?P<minutes>\d+):(?P<seconds>\d[\.\d+]*)")
"""jsonargparse's ``timedelta_deserializer``: "h:m:s" or "d days, h:m:s", matched from the start."""

_LIBRARIES = frozenset(
    {"lightning", "pytorch_lightning", "lightning_fabric", "lightning_utilities", "torch", "torchmetrics", "trainer_lint"}
)
"""Top-level packages whose frames are never "the user's code" (the demo module excepted)."""


# ----------------------------------------------------------------------------- check --run


def run_checked(lint_code: int, paths: Sequence[str], lint_args: Sequence[str] = (), *, machine_output: bool = False) -> int:
    """``check --run``: after linting (exit code ``lint_code``), run each clean config in turn.

    Nothing runs when linting failed. Each config runs as ``python -m trainer_lint run PATH`` in a
    process of its own, so seeds, CUDA state and distributed launches (Lightning re-executes the
    command for the other ranks) never leak from one config into the next. ``lint_args`` are the
    lint options of ``check`` (so ``run`` lints with the same rules). The first failure stops the
    rest and is named. With ``machine_output`` (``--format json`` and the like) the runs write to
    stderr, so stdout stays the report alone.
    """
    if lint_code:
        _say("not running anything: fix the problems above first")
        return lint_code
    if not paths:
        _say("no trainer configs to run")
        return EXIT_OK
    total = len(paths)
    for number, path in enumerate(paths, 1):
        _say(f"running {path} ({number} of {total})")
        command = [sys.executable, "-m", "trainer_lint", "run", path, *lint_args]
        code = _subprocess(command, sys.stderr if machine_output else None)
        if code == EXIT_OK:
            continue
        rest = list(paths[number:])
        skipped = f"; not run: {', '.join(rest)}" if rest else ""
        if code == EXIT_INTERRUPTED:
            _say(f"interrupted while running {path}{skipped}")
            return EXIT_INTERRUPTED
        _say(f"{path} failed (exit {code}){skipped}")
        return code if code in (EXIT_FAILED, EXIT_USAGE) else EXIT_FAILED
    _say(f"ran {total} config{'' if total == 1 else 's'}")
    return EXIT_OK


def _subprocess(command: list[str], stdout: TextIO | None) -> int:
    process = subprocess.Popen(command, stdout=stdout)
    try:
        return process.wait()
    except KeyboardInterrupt:  # the child got the same Ctrl-C; give it time to shut down cleanly
        try:
            process.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        return EXIT_INTERRUPTED


# ----------------------------------------------------------------------------- print-config



def to_toml(data: dict[str, Any]) -> str:
    """Write parsed TOML data back as TOML text: top-level tables as ``[table]``, arrays of tables
    inside them as ``[[table.key]]``, everything deeper as inline tables and arrays."""
    lines: list[str] = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    for key, value in data.items():
        if key not in tables:
            lines.append(f"{_key(key)} = {_value(value)}")
    for name, table in tables.items():
        if lines:
            lines.append("")
        lines.append(f"[{_key(name)}]")
        arrays = {k: v for k, v in table.items() if _is_table_array(v)}
        for key, value in table.items():
            if key not in arrays:
                lines.append(f"{_key(key)} = {_value(value)}")
        for key, items in arrays.items():
            for item in items:
                lines += ["", f"[[{_key(name)}.{_key(key)}]]"]
                lines += [f"{_key(k)} = {_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
