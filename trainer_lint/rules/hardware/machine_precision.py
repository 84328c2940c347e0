"""Precision on the target's hardware (TL372–TL374): bfloat16 on GPUs older than Ampere, FP8 below
compute capability 8.9, float64 on an Apple GPU. Like the rest of the TL37x rules
(:mod:`~trainer_lint.rules.hardware.machine`), these report only when the machine is known.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, Severity
from trainer_lint.rules.base import Context, Rule, show
from trainer_lint.rules.hardware.connector import PRECISION_KEY, facts, is_deepspeed, is_fsdp
from trainer_lint.rules.hardware.device_counts import machine_words
from trainer_lint.rules.hardware.machine import gpu_note


class Bf16Emulated(Rule):
    """## What it does
    With a target whose GPUs are older than Ampere (compute capability below 8.0: V100, T4,
    P100, RTX 20xx), flags `precision = "bf16-mixed"` and `"bf16-true"`.

    ## Why is this bad?
    These GPUs have no bfloat16 arithmetic. torch does not refuse bf16 there: since
    `torch.cuda.is_bf16_supported()` counts emulation (`including_emulation=True`, it succeeds
    as soon as a bf16 tensor can be created), `torch.autocast("cuda", dtype=torch.bfloat16)` no
    longer raises "Current CUDA Device does not support bfloat16" on them and the run trains, but
    emulated, much slower than `"16-mixed"`, which these GPUs run on their tensor cores.

    ## Example
    ```toml
    # trainer-lint: target = gpu:8xV100
    [trainer]
    precision = "bf16-mixed"
    ```

    ## Fix
    ```toml
    [trainer]
    precision = "16-mixed"
    ```

    ## Lightning source
    `MixedPrecision` in `lightning/pytorch/plugins/precision/amp.py` (autocast on the device);
    `torch.autocast.__init__` in `torch/amp/autocast_mode.py` and `torch.cuda.is_bf16_supported`
    in `torch/cuda/__init__.py` (torch 2.13).
    """

    code = "TL372"
    name = "bf16-emulated"
    summary = "bfloat16 on GPUs older than compute capability 8.0 runs emulated"
    triggers = frozenset({"precision"})
    severity = Severity.WARNING

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.machine is None or f.runs_on != "cuda" or f.final_precision not in ("bf16-mixed", "bf16-true"):
            return
        if not f.machine.capability_below(8, 0):
            return
        fix = None
        if f.final_precision == "bf16-mixed":
            fix = Fix('Replace with "16-mixed"', (Edit(PRECISION_KEY, "value", '"16-mixed"'),), safe=False)
        yield self.report(
            PRECISION_KEY,
            f"`precision = {show(ctx.trainer.get('precision'))}` on {machine_words(f.machine)} ({f.machine.sm}): GPUs below "
            "compute capability 8.0 have no bfloat16 arithmetic, so torch emulates it; the run trains, but slower than "
            '`precision = "16-mixed"`, which these GPUs run natively',
            fix=fix,
            related=gpu_note(ctx),
        )


class Fp8NeedsAda(Rule):
    """## What it does
    With a target, flags the `transformer-engine` precisions (FP8 through NVIDIA's Transformer
    Engine) on a machine whose GPUs are older than compute capability 8.9 (Ada, Hopper,
    Blackwell), or that has no CUDA GPU at all.

    ## Why is this bad?
    `TransformerEnginePrecision` runs every forward pass inside `transformer_engine.pytorch.fp8_autocast`,
    which raises `AssertionError: Device compute capability 8.9 or higher required for FP8
    execution.` on an A100 or a V100, at the first training step. It is a warning, not an error,
    because the test suite cannot build it here (Transformer Engine needs a CUDA machine).

    ## Example
    ```toml
    # trainer-lint: target = gpu:8xA100
    [trainer]
    precision = "transformer-engine"
    ```

    ## Fix
    ```toml
    [trainer]
    precision = "bf16-mixed"
    ```

    ## Lightning source
    `TransformerEnginePrecision.forward_context` in
    `lightning/fabric/plugins/precision/transformer_engine.py`; `check_fp8_support` in
    Transformer Engine's `transformer_engine/pytorch/fp8.py`.
    """

    code = "TL373"
    name = "fp8-needs-ada"
    summary = "FP8 (`transformer-engine`) needs an NVIDIA GPU of compute capability 8.9 or newer"
    triggers = frozenset({"precision"})
    severity = Severity.WARNING

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.machine is None or f.precision is None or not f.precision.startswith("transformer-engine"):
            return
        if is_fsdp(f.lightning, f.strategy) or is_deepspeed(f.lightning, f.strategy):
            return  # refused by the strategy first (TL322)
        written = f"`precision = {show(ctx.trainer.get('precision'))}`"
        if f.runs_on is not None and f.runs_on != "cuda":
            yield self.report(PRECISION_KEY, f"{written} trains in FP8 on NVIDIA GPUs only, but this config runs on {f.runs_on} on {machine_words(f.machine)}")
        elif f.runs_on == "cuda" and f.machine.capability_below(8, 9):
            yield self.report(
                PRECISION_KEY,
                f"{written} trains in FP8, which needs compute capability 8.9 or newer (L4, L40S, RTX 4090, H100, ...); "
                f"{machine_words(f.machine)} has {f.machine.sm}: Transformer Engine raises \"Device compute capability 8.9 or "
                'higher required for FP8 execution\" at the first step. Use `precision = "bf16-mixed"`',
                related=gpu_note(ctx),
            )


class Float64OnMps(Rule):
    """## What it does
    With an `mps` target, flags `precision = "64-true"` (or `64`) on the Apple GPU.

    ## Why is this bad?
    The MPS backend has no float64. `DoublePrecision` converts the model to float64, and moving
    it to the Apple GPU raises `TypeError: Cannot convert a MPS Tensor to float64 dtype as the
    MPS framework doesn't support float64. Please use float32 instead.` when `fit` starts. A
    warning: it is torch's refusal, and this project's test machine has no Apple GPU to show it.

    ## Example
    ```toml
    # trainer-lint: target = mps
    [trainer]
    precision = "64-true"
    ```

    ## Fix
    ```toml
    [trainer]
    precision = "32-true"
    ```

    ## Lightning source
    `DoublePrecision.convert_module` in `lightning/pytorch/plugins/precision/double.py`; the MPS
    backend's dtype check in torch (`aten/src/ATen/mps`).
    """

    code = "TL374"
    name = "float64-on-mps"
    summary = "The Apple GPU (MPS) has no float64"
    triggers = frozenset({"precision"})
    severity = Severity.WARNING

    requires = "machine"

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.machine is not None and f.runs_on == "mps" and f.machine.has("mps") and f.precision == "64-true":
            yield self.report(
                PRECISION_KEY,
                f"`precision = {show(ctx.trainer.get('precision'))}` trains in float64, which the Apple GPU (MPS) does not have: "
                'moving the model there raises TypeError. Use `precision = "32-true"`, or `accelerator = "cpu"` for float64',
            )


RULES: tuple[type[Rule], ...] = (Bf16Emulated, Fp8NeedsAda, Float64OnMps)
