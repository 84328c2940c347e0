"""Names that work only where an optional package is installed (TL316)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.hardware.connector import (
    ACCELERATOR_KEY,
    PRECISION_KEY,
    STRATEGY_KEY,
    facts,
    is_deepspeed,
    say_accelerator,
    say_strategy,
)


class OptionalPackage(Rule):
    """## What it does
    Notes settings that need a package Lightning does not install: `deepspeed` for the
    `deepspeed*` strategies, `torch_xla` for `accelerator = "tpu"` and the `xla*` strategies,
    `transformer_engine` for the `transformer-engine*` precisions.

    ## Why is this bad?
    It is not, where the package is installed. Where it is not, `Trainer` raises
    (`MisconfigurationException: To use the DeepSpeedStrategy, you must have DeepSpeed
    installed`, `ModuleNotFoundError: torch_xla>=1.13`), so the environment that runs the config
    needs it.

    ## Example
    ```toml
    [trainer]
    strategy = "deepspeed_stage_2"
    ```

    ## Fix
    Install the package in the training environment (`pip install deepspeed`).

    ## Lightning source
    `DeepSpeedStrategy.__init__` in `lightning/pytorch/strategies/deepspeed.py`;
    `XLAAccelerator.is_available` and `_XLA_AVAILABLE` in `lightning/fabric/accelerators/xla.py`;
    `TransformerEnginePrecision.__init__` in
    `lightning/fabric/plugins/precision/transformer_engine.py`.
    """

    code = "TL316"
    name = "optional-package"
    summary = "A setting that needs a package Lightning does not install"
    triggers = frozenset({"strategy", "accelerator", "precision"})
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if is_deepspeed(f.strategy):
            yield self.report(STRATEGY_KEY, f"{say_strategy(ctx)} needs the `deepspeed` package (`pip install deepspeed`)")
        if f.strategy in ("xla", "xla_debug"):  # single_xla / single_tpu raise anyway (TL314)
            yield self.report(STRATEGY_KEY, f"{say_strategy(ctx)} needs the `torch_xla` package")
        if f.accelerator == "tpu":
            yield self.report(ACCELERATOR_KEY, f"{say_accelerator(f.accelerator_written)} needs the `torch_xla` package")
        if f.precision is not None and f.precision.startswith("transformer-engine"):
            yield self.report(
                PRECISION_KEY,
                f"`precision = {show(ctx.trainer['precision'])}` needs NVIDIA's `transformer_engine` package",
            )


RULES: tuple[type[Rule], ...] = (
    OptionalPackage,
)
