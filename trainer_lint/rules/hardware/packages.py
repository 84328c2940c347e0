"""Names that work only where an optional package is installed (TL316)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from trainer_lint.diagnostic import Diagnostic, KeyPath, Severity
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.hardware.connector import (
    ACCELERATOR_KEY,
    PRECISION_KEY,
    STRATEGY_KEY,
    facts,
    say_accelerator,
    say_strategy,
)


class OptionalPackage(Rule):
    """## What it does
    Names each optional package the config needs that is not installed where `check` runs: the
    `deepspeed*` strategies need `deepspeed`; `accelerator = "tpu"`, the `xla*` strategies,
    `profiler = "xla"` and the XLA plugins need `torch_xla`; the `transformer-engine*` precisions
    need `transformer_engine`; `BitsandbytesPrecision` needs `bitsandbytes`; `TensorBoardLogger`
    needs `tensorboard` (or `tensorboardX`), `MLFlowLogger` `mlflow`, `WandbLogger` `wandb`,
    `CometLogger` `comet_ml`; the rich progress bar and summary need `rich`; `DeviceStatsMonitor`
    needs `psutil` to log CPU stats. Classes may be named directly, nested in another's `init_args`,
    or reached through a registered name. A package is looked up without importing it.

    ## Why is this bad?
    It is not, where the package is installed. Where it is not, the Trainer or the class raises
    (`ModuleNotFoundError`, `MisconfigurationException: To use the DeepSpeedStrategy, you must
    have DeepSpeed installed`), so the environment that runs the config needs it.

    ## Example
    ```toml
    [trainer]
    strategy = "deepspeed_stage_2"
    ```

    ## Fix
    Install the package in the training environment (`pip install deepspeed`).

    ## Lightning source
    The `__init__` of each class (`DeepSpeedStrategy`, `XLAAccelerator`, `XLAProfiler`,
    `TransformerEnginePrecision`, `BitsandbytesPrecision`, the loggers, ...); which package each
    needs is recorded in the class snapshot (`REQUIRES` in `trainer_lint/classes/generate.py`,
    checked against Lightning's source).
    """

    code = "TL316"
    name = "optional-package"
    summary = "A setting that needs a package Lightning does not install"
    triggers = frozenset({"strategy", "accelerator", "precision", "profiler", "plugins", "logger", "callbacks"})
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        from trainer_lint.installed import missing

        needs: dict[tuple[str, ...], list[tuple[KeyPath, str]]] = {}
        for key, what, groups in _needs(ctx):
            for group in missing(groups):
                needs.setdefault(tuple(group), []).append((key, what))
        for group, places in needs.items():
            package = " or ".join(f"`{name}`" for name in group)
            whats = list(dict.fromkeys(what for _, what in places))
            listed = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
            yield self.report(
                places[0][0],
                f"{listed} need{'s' if len(whats) == 1 else ''} the {package} package, which is not installed here; "
                "install it where the config runs",
            )
        for key, message in _devices(ctx):
            yield self.report(key, message)


def _needs(ctx: Context) -> Iterator[tuple[KeyPath, str, list[list[str]]]]:
    """(where, what, package groups) for everything in the config that needs an optional package."""
    from trainer_lint.rules.objects.collect import lightning_objects

    registered = ctx.lightning.classes.registered  # the release's registries
    f = facts(ctx)
    if f.strategy is not None and f.strategy_class is not None and f.strategy_class.requires and _buildable(f.strategy_class, f.strategy):
        yield STRATEGY_KEY, say_strategy(ctx), f.strategy_class.requires
    if f.accelerator_from == "flag" and f.accelerator is not None:
        cls = registered("accelerator", f.accelerator)
        if cls is not None and cls.requires:
            yield ACCELERATOR_KEY, say_accelerator(f.accelerator_written), cls.requires
    if f.precision is not None and f.precision.startswith("transformer-engine") and f.precision_plugin is None:
        cls = ctx.lightning.classes.resolve_kinds("TransformerEnginePrecision", frozenset({"precision"}))
        if cls is not None:
            yield PRECISION_KEY, f"`precision = {show(ctx.trainer['precision'])}`", cls.requires
    if f.profiler is not None:
        cls = registered("profiler", f.profiler)
        if cls is not None and cls.requires:
            yield ("trainer", "profiler"), f"`profiler = {show(ctx.trainer['profiler'])}`", cls.requires
    for obj in lightning_objects(ctx):
        if obj.info.requires:
            yield obj.class_key, f"`{obj.label}`", obj.info.requires
        if obj.info.name == "DeviceStatsMonitor":
            cpu_stats = obj.args().get("cpu_stats")
            if cpu_stats is True or (cpu_stats is None and f.accelerator == "cpu"):
                yield obj.class_key, f"`{obj.label}` (CPU stats)", [["psutil"]]


def _buildable(cls: Any, name: str) -> bool:
    """Whether the registry can build ``cls`` from ``name`` (``single_xla``, ``single_tpu`` cannot: TL314)."""
    if cls.has("single_xla"):
        return False
    given = cls.registered.get(name, {})
    return not any(p.get("required") and n not in given for n, p in cls.params.items())


def _devices(ctx: Context) -> Iterator[tuple[KeyPath, str]]:
    """Lightning 2.0's own HPU and IPU support: the names need the devices (and their packages),
    which no machine without them has; the class a name builds says which."""
    f = facts(ctx)
    if f.accelerator == "ipu":  # registered in Lightning 2.0 only (TL107 elsewhere)
        yield ACCELERATOR_KEY, f"{say_accelerator(f.accelerator_written)} needs Graphcore IPUs and `poptorch`"
    name = f.strategy_class.name if f.strategy is not None and f.strategy_class is not None else ""
    if "HPU" in name:
        yield STRATEGY_KEY, f"{say_strategy(ctx)} needs Intel Gaudi devices and `habana_frameworks`"
    elif "IPU" in name:
        yield STRATEGY_KEY, f"{say_strategy(ctx)} needs Graphcore IPUs and `poptorch`"


RULES: tuple[type[Rule], ...] = (
    OptionalPackage,
)
