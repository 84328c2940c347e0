"""Accelerators that need something the config does not give them (TL310, TL313)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.hardware.connector import (
    ACCELERATOR_KEY,
    STRATEGY_KEY,
    facts,
)


class HpuAccelerator(Rule):
    """## What it does
    Flags `accelerator = "hpu"`. From Lightning 2.1 no `"hpu"` accelerator is registered: Intel
    Gaudi support lives in the `lightning-habana` package, which must be imported (registering the
    name) before the Trainer is built. With `strategy` unset or `"auto"` this is an error, because
    Lightning refuses to pick a strategy for HPUs; with a strategy set it is information.
    Lightning 2.0 has its own HPU accelerator (it needs Gaudi devices): information only.

    ## Why is this bad?
    Without `lightning-habana`, `Trainer` raises `ValueError: You selected an invalid accelerator
    name: accelerator='hpu'`; with it and `strategy = "auto"`, `MisconfigurationException: HPU is
    currently not supported`.

    ## Example
    ```toml
    [trainer]
    accelerator = "hpu"
    ```

    ## Fix
    Use `lightning-habana`'s accelerator and strategy classes:
    ```toml
    [trainer.accelerator]
    class_path = "lightning_habana.HPUAccelerator"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` and `_choose_strategy` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`; `AcceleratorRegistry` in
    `lightning/pytorch/accelerators/__init__.py`.
    """

    code = "TL310"
    name = "hpu-accelerator"
    summary = "The `hpu` accelerator name needs `lightning-habana` and an explicit strategy"
    triggers = frozenset({"accelerator"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.accelerator != "hpu":
            return
        release = ctx.lightning_label
        if "hpu" in ctx.lightning.accelerators:  # the release registers its own HPU accelerator (2.0)
            yield self.report(
                ACCELERATOR_KEY,
                f'`accelerator = "hpu"` needs Intel Gaudi devices and `habana_frameworks` (Lightning {release} '
                "supports HPUs itself)",
                severity=Severity.INFO,
            )
        elif f.strategy == "auto":
            yield self.report(
                ACCELERATOR_KEY,
                f'`accelerator = "hpu"` with `strategy` unset or "auto" raises: Lightning {release} cannot pick a '
                "strategy for HPUs. Use the `lightning-habana` package's `HPUAccelerator` and strategy classes",
            )
        else:
            yield self.report(
                ACCELERATOR_KEY,
                '`accelerator = "hpu"` is a valid name only once the `lightning-habana` package is installed and '
                f"imported; Lightning {release} itself raises for it",
                severity=Severity.INFO,
            )


class TpuNeedsXlaStrategy(Rule):
    """## What it does
    Flags `accelerator = "tpu"` (or an `XLAAccelerator` object) with a strategy that is not an
    XLA one: `ddp*`, `deepspeed*`, `single_device`, or a strategy object of such a class.

    ## Why is this bad?
    `Trainer` raises `ValueError: The XLAAccelerator can only be used with a
    SingleDeviceXLAStrategy or XLAStrategy`.

    ## Example
    ```toml
    [trainer]
    accelerator = "tpu"
    strategy = "ddp"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "tpu"
    strategy = "xla"
    ```

    ## Lightning source
    `_AcceleratorConnector._lazy_init_strategy` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL313"
    name = "tpu-needs-xla-strategy"
    summary = "The TPU accelerator runs only with an XLA strategy"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.accelerator != "tpu" or f.strategy_class is None:
            return  # "auto" picks an XLA strategy; an unknown class is not judged
        if f.strategy_has("xla") or f.strategy_has("single_xla") or f.strategy_has("fsdp"):
            return  # FSDP raises earlier, for wanting CUDA (TL311, TL516)
        yield self.report(
            STRATEGY_KEY,
            f'{f.describe_strategy()} cannot drive {f.describe_accelerator()} (a TPU): use `strategy = "xla"` or remove `strategy`',
        )


RULES: tuple[type[Rule], ...] = (
    HpuAccelerator,
    TpuNeedsXlaStrategy,
)
