"""``precision``: spellings Lightning discourages, and precisions the accelerator or strategy
cannot run (TL320–TL322)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, Severity
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.hardware.connector import (
    PRECISION_KEY,
    facts,
    precision_name,
)


class DiscouragedPrecision(Rule):
    """## What it does
    Flags the short precision forms `16`, `"16"` and `"bf16"` and rewrites them to the names
    they stand for (`"16-mixed"`, `"bf16-mixed"`). `32`, `64` and their strings are still fine.

    ## Why is this bad?
    Lightning warns "`precision=16` is supported for historical reasons but its usage is
    discouraged", and the short form hides that it means mixed precision, not `16-true`.

    ## Example
    ```toml
    [trainer]
    precision = 16
    ```

    ## Fix
    ```toml
    [trainer]
    precision = "16-mixed"
    ```

    ## Lightning source
    `_convert_precision_to_unified_args` in `lightning/fabric/connector.py`.
    """

    code = "TL320"
    name = "discouraged-precision"
    summary = "A short precision form that Lightning discourages"
    triggers = frozenset({"precision"})
    severity = Severity.WARNING
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.is_set("precision"):
            return
        written = ctx.trainer["precision"]
        if str(written) in ("16", "bf16"):
            name = precision_name(ctx, written)
            fix = Fix(f'Replace with "{name}"', (Edit(PRECISION_KEY, "value", f'"{name}"'),), safe=True)
            yield self.report(
                PRECISION_KEY,
                f'`precision = {show(written)}` is discouraged; write `precision = "{name}"`, which it stands for',
                fix=fix,
            )


class Fp16MixedOnCpu(Rule):
    """## What it does
    Flags `precision = "16-mixed"` (or `16`) with `accelerator = "cpu"`, or with `"auto"` on a
    target without a GPU. The CPU has no fp16 AMP; Lightning warns and trains with `"bf16-mixed"`
    instead.

    ## Why is this bad?
    The run does not use the precision the config names, and bf16 numerics differ from fp16.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    precision = "16-mixed"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "cpu"
    precision = "bf16-mixed"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_and_init_precision` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL321"
    name = "fp16-mixed-on-cpu"
    summary = "`16-mixed` on the CPU is silently replaced by `bf16-mixed`"
    triggers = frozenset({"precision"})
    severity = Severity.WARNING
    fixable = True

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.precision != "16-mixed" or f.runs_on != "cpu" or f.accelerator_from != "flag":
            return  # an accelerator *object* gets no fallback: it trains in fp32 (TL608)
        if f.precision_plugin is not None or any(f.strategy_has(t) for t in ("fsdp", "deepspeed", "xla", "single_xla")):
            return  # a precision plugin wins; those strategies build their own (or raise first)
        fix = Fix('Replace with "bf16-mixed"', (Edit(PRECISION_KEY, "value", '"bf16-mixed"'),), safe=True)
        yield self.report(
            PRECISION_KEY,
            f"`precision = {show(ctx.trainer['precision'])}` is not supported on the CPU; Lightning uses "
            '"bf16-mixed" instead: write `precision = "bf16-mixed"`',
            fix=fix,
        )


FSDP_CHECK_SINCE = "2.1"
"""From Lightning 2.1 the connector hands every precision to FSDP's precision plugin, which
rejects the ones it does not take; Lightning 2.0 used ``FSDPMixedPrecisionPlugin`` only for
``16-mixed``/``bf16-mixed`` and the plain plugins otherwise, so ``strategy = "fsdp"`` with
``precision = "64-true"`` builds there. Tested against the real releases by
``tests/differential/test_lightning_releases.py``."""


class PrecisionUnsupportedByStrategy(Rule):
    """## What it does
    Flags precisions a strategy's precision plugin refuses: FSDP and DeepSpeed take `32-true`,
    `16-true`, `bf16-true`, `16-mixed`, `bf16-mixed` (not `64-true` nor `transformer-engine*`);
    XLA (TPUs) takes `32-true`, `16-true`, `bf16-true` only. The names are the release's own (its
    plugins' `precision` argument); Lightning 2.0 does not check FSDP's.

    ## Why is this bad?
    `Trainer` raises `ValueError: precision='64-true' is not supported in FSDP` (and the like).

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"
    precision = "64-true"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"
    precision = "32-true"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_and_init_precision` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`; `FSDPPrecision.__init__`,
    `DeepSpeedPrecision.__init__` and `XLAPrecision.__init__` in
    `lightning/pytorch/plugins/precision/`; their `_PRECISION_INPUT` in
    `lightning/fabric/plugins/precision/`.
    """

    code = "TL322"
    name = "precision-unsupported-by-strategy"
    summary = "A precision that the strategy's precision plugin refuses"
    triggers = frozenset({"precision"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.precision is None or f.precision_plugin is not None:
            return  # with a precision plugin the flag is not used (or conflicts: TL341, TL515)
        written = f"`precision = {show(ctx.trainer['precision'])}`"
        release = ctx.lightning
        if f.strategy_has("fsdp") and release.before(FSDP_CHECK_SINCE):
            return
        if f.strategy_has("fsdp") or f.strategy_has("deepspeed"):
            name = "FSDP" if f.strategy_has("fsdp") else "DeepSpeed"
            takes = release.plugin_precisions(name)  # the `precision` Literal of the release's plugin
            if takes is not None and f.precision not in takes:
                yield self.report(
                    PRECISION_KEY,
                    f"{written} is not supported by {f.describe_strategy()}; {name} takes " + ", ".join(f'"{p}"' for p in takes),
                )
        elif f.strategy_has("xla") or f.strategy_has("single_xla") or (f.accelerator == "tpu" and f.strategy == "auto"):
            takes = release.plugin_precisions("XLA")
            if takes is not None and f.precision not in takes:
                yield self.report(
                    PRECISION_KEY,
                    f"{written} is not supported on TPUs (XLA); use " + ", ".join(f'"{p}"' for p in takes),
                )


RULES: tuple[type[Rule], ...] = (
    DiscouragedPrecision,
    Fp16MixedOnCpu,
    PrecisionUnsupportedByStrategy,
)
