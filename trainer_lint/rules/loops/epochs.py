"""Epochs, steps and validation scheduling: ``max_*``/``min_*``, ``check_val_every_n_epoch``,
``num_sanity_val_steps`` (TL216, TL217, TL219, TL220)."""

from __future__ import annotations

from collections.abc import Iterator

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, trainer_key
from trainer_lint.rules.loops.values import is_int, is_set, value


class MaxEpochsAndMaxSteps(Rule):
    """## What it does
    Flags a config that sets both a finite `max_epochs` and a finite `max_steps`.

    ## Why is this bad?
    Training stops at whichever limit comes first; the other is silently ignored. The Trainer
    does not warn. Configs that set `max_steps` for a learning-rate schedule often stop early on
    a forgotten `max_epochs`.

    ## Example
    ```toml
    [trainer]
    max_epochs = 10
    max_steps = 100000
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = -1      # no epoch limit: max_steps decides
    max_steps = 100000
    ```

    ## Lightning source
    `_FitLoop.done` in `lightning/pytorch/loops/fit_loop.py`; `_TrainingEpochLoop.done` in
    `lightning/pytorch/loops/training_epoch_loop.py`.
    """

    code = "TL216"
    name = "max-epochs-and-max-steps"
    summary = "Both max_epochs and max_steps are set; whichever comes first stops training"
    triggers = frozenset({"max_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        me, ms = value(ctx, "max_epochs"), value(ctx, "max_steps")
        if is_int(me) and me >= 0 and is_int(ms) and ms >= 0 and is_set(ctx, "max_epochs") and is_set(ctx, "max_steps"):
            yield self.report(
                trainer_key("max_steps"),
                f"both `max_epochs = {me}` and `max_steps = {ms}` are set: training stops at whichever comes "
                "first; set `max_epochs = -1` to stop on steps alone, or drop `max_steps`",
            )


class MinExceedsMax(Rule):
    """## What it does
    Flags `min_epochs` above `max_epochs` and `min_steps` above `max_steps`.

    ## Why is this bad?
    The maximum wins: the fit loop stops at `max_epochs` or `max_steps` without looking at the
    minimum, which only holds back early stopping. The Trainer accepts the pair without a word.

    ## Example
    ```toml
    [trainer]
    min_epochs = 20
    max_epochs = 10
    ```

    ## Fix
    ```toml
    [trainer]
    min_epochs = 10
    max_epochs = 20
    ```

    ## Lightning source
    `_FitLoop.done` in `lightning/pytorch/loops/fit_loop.py`; `_parse_loop_limits` in
    `lightning/pytorch/loops/utilities.py`.
    """

    code = "TL217"
    name = "min-exceeds-max"
    summary = "min_epochs or min_steps is larger than its maximum"
    triggers = frozenset({"min_epochs", "min_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        for unit in ("epochs", "steps"):
            lo, hi = value(ctx, f"min_{unit}"), value(ctx, f"max_{unit}")
            if is_int(lo) and is_int(hi) and hi >= 0 and lo > hi and is_set(ctx, f"max_{unit}"):
                yield self.report(
                    trainer_key(f"min_{unit}"),
                    f"`min_{unit} = {lo}` is larger than `max_{unit} = {hi}`: training stops at `max_{unit}` "
                    f"and `min_{unit}` has no effect",
                )


class CheckValBelowOne(Rule):
    """## What it does
    Flags `check_val_every_n_epoch` below 1.

    ## Why is this bad?
    The Trainer accepts it, but `0` divides by zero when the first training epoch decides whether
    to validate, and a negative `-n` validates every `n` epochs as if it were positive.

    ## Example
    ```toml
    [trainer]
    check_val_every_n_epoch = 0
    ```

    ## Fix
    ```toml
    [trainer]
    limit_val_batches = 0   # to turn validation off
    ```

    ## Lightning source
    `_TrainingEpochLoop._should_check_val_epoch` in `lightning/pytorch/loops/training_epoch_loop.py`.
    """

    code = "TL219"
    name = "check-val-below-one"
    summary = "check_val_every_n_epoch is zero or negative"
    triggers = frozenset({"check_val_every_n_epoch"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = value(ctx, "check_val_every_n_epoch")
        if is_set(ctx, "check_val_every_n_epoch") and is_int(n) and n < 1:
            what = (
                "fails with ZeroDivisionError in the first training epoch"
                if n == 0
                else f"validates every {-n} epochs, as if it were {-n}"
            )
            yield self.report(
                trainer_key("check_val_every_n_epoch"),
                f"`check_val_every_n_epoch = {n}` {what}; use a positive integer, or `limit_val_batches = 0` to skip validation",
            )


class NegativeSanitySteps(Rule):
    """## What it does
    Flags `num_sanity_val_steps` below -1.

    ## Why is this bad?
    Only `-1` means "all batches". The Trainer accepts any other negative value and quietly
    runs no sanity check at all.

    ## Example
    ```toml
    [trainer]
    num_sanity_val_steps = -2
    ```

    ## Fix
    ```toml
    [trainer]
    num_sanity_val_steps = -1   # all validation batches; 0 for none
    ```

    ## Lightning source
    `_init_debugging_flags` in `lightning/pytorch/trainer/setup.py`;
    `Trainer._run_sanity_check` in `lightning/pytorch/trainer/trainer.py`.
    """

    code = "TL220"
    name = "negative-sanity-steps"
    summary = "num_sanity_val_steps is below -1 and turns the sanity check off"
    triggers = frozenset({"num_sanity_val_steps"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        n = value(ctx, "num_sanity_val_steps")
        if is_set(ctx, "num_sanity_val_steps") and is_int(n) and n < -1:
            yield self.report(
                trainer_key("num_sanity_val_steps"),
                f"`num_sanity_val_steps = {n}` runs no sanity check; use -1 for all batches or 0 for none",
            )


RULES: tuple[type[Rule], ...] = (
    MaxEpochsAndMaxSteps,
    MinExceedsMax,
    CheckValBelowOne,
    NegativeSanitySteps,
)
