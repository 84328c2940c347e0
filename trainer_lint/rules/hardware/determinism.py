"""Reproducibility flags that contradict each other (TL330)."""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule, show, trainer_key


class DeterministicWithBenchmark(Rule):
    """## What it does
    Flags `deterministic = true` (or `"warn"`) together with `benchmark = true`.

    ## Why is this bad?
    cuDNN's benchmark mode picks the fastest algorithm per run, which defeats determinism:
    PyTorch ignores `torch.backends.cudnn.deterministic` while benchmark is on. Lightning warns.

    ## Example
    ```toml
    [trainer]
    deterministic = true
    benchmark = true
    ```

    ## Fix
    ```toml
    [trainer]
    deterministic = true
    ```

    ## Lightning source
    `_set_torch_flags` in `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL330"
    name = "deterministic-with-benchmark"
    summary = "`benchmark = true` defeats `deterministic`"
    triggers = frozenset({"benchmark"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        deterministic = ctx.get("deterministic")
        if deterministic and ctx.get("benchmark") is True:
            yield self.report(
                trainer_key("benchmark"),
                f"`benchmark = true` with `deterministic = {show(deterministic)}`: PyTorch ignores cuDNN determinism "
                "while benchmark mode is on; remove `benchmark` (deterministic runs turn it off)",
            )


RULES: tuple[type[Rule], ...] = (
    DeterministicWithBenchmark,
)
