"""``devices``: counts, indices and lists each accelerator refuses (TL300–TL305)."""

from __future__ import annotations

import re

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule
from trainer_lint.rules.hardware.connector import DEVICES_KEY, facts
from trainer_lint.rules.hardware.device_counts import (
    CPU_COUNT,
    DUPLICATE_DEVICES,
    MPS_DEVICES,
    NEGATIVE_DEVICES,
    NO_DEVICES,
    TPU_DEVICES,
    say_devices,
)


class _DevicesRule(Rule):
    """Reports the device problem of its code for the configured accelerator.

    With ``accelerator = "auto"`` a problem is an error when CUDA, the likeliest choice for a
    config that names devices, raises too (every such problem also raises on CPU, MPS and TPU),
    and a warning when only the CPU fallback raises (TL301).
    """

    triggers = frozenset({"devices"})

    def related(self, ctx: Context) -> tuple:  # type: ignore[type-arg]
        """Notes for a finding (the launch script's line that sets the GPUs, for TL371)."""
        return ()

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if not ctx.is_clean("devices"):
            return
        if f.runs_on is not None:  # named, or picked on a known machine
            problem = f.device_problem
            if problem is not None and problem.code == self.code:
                yield self.report(DEVICES_KEY, problem.message, related=self.related(ctx))
            return
        if f.accelerator != "auto":
            return
        cuda = f.per_accelerator["cuda"].problem
        if cuda is not None:
            if cuda.code == self.code:
                yield self.report(DEVICES_KEY, cuda.message)
            return
        cpu = f.per_accelerator["cpu"].problem
        if cpu is not None and cpu.code == self.code:
            # a GPU-style `devices` under "auto" is a GPU config first: lead with the accelerator
            cpu_fix = re.search(r"use (`devices = [^`]*`)", cpu.message)
            yield self.report(
                DEVICES_KEY,
                f'{say_devices(f.devices)} is written for GPUs: set `accelerator = "gpu"`. With `accelerator = "auto"` a machine '
                "without a GPU picks the CPU, which raises: the CPU accelerator takes a count of processes"
                + (f" ({cpu_fix.group(1)} to run on the CPU)" if cpu_fix else ""),
                severity=Severity.WARNING,
            )


class NoDevices(_DevicesRule):
    """## What it does
    Flags `devices` values that select no device at all: `0`, `"0"`, `[]`, and strings such as
    `" 0"` or `","` that read as zero devices.

    ## Why is this bad?
    Lightning 1.x read `devices = 0` as "train on the CPU"; Lightning 2 raises
    `MisconfigurationException: Trainer(devices=0) value is not a valid input` for every
    accelerator.

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 0
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 1
    ```

    ## Lightning source
    `_AcceleratorConnector._check_device_config_and_set_final_flags` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`; `_parse_gpu_ids` in
    `lightning/fabric/utilities/device_parser.py`; `_parse_cpu_cores` in
    `lightning/fabric/accelerators/cpu.py`.
    """

    code = NO_DEVICES
    name = "no-devices"
    summary = "`devices` selects no device"


class CpuDevicesNotACount(_DevicesRule):
    """## What it does
    Flags `devices` values the CPU accelerator cannot read: device indices (`[0]`, `"0,1"`),
    `-1` ("every GPU"), or a count not written with digits only (`"+2"`). The CPU accelerator
    takes a positive number of processes. With `accelerator = "auto"` this is a warning: it
    raises only where no GPU is found.

    ## Why is this bad?
    `Trainer` raises `TypeError: devices selected with CPUAccelerator should be an int > 0`.
    Configs copied from a GPU job often keep `devices = [0]` or `devices = -1`.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = [0]
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 1
    ```

    ## Lightning source
    `CPUAccelerator.parse_devices` in `lightning/pytorch/accelerators/cpu.py`, which calls
    `_parse_cpu_cores` in `lightning/fabric/accelerators/cpu.py`.
    """

    code = CPU_COUNT
    name = "cpu-devices-not-a-count"
    summary = "The CPU accelerator takes a positive count of processes, not device indices"


class NegativeDevices(_DevicesRule):
    """## What it does
    Flags negative device counts other than `-1` (`devices = -2`, `"-3"`) and negative indices in
    a `devices` string (`"-1,0"`).

    ## Why is this bad?
    Every accelerator raises: GPUs read `-2` as `range(-2)`, no devices, and raise
    `MisconfigurationException: GPUs requested but none are available`; the CPU raises
    `TypeError`. Only `-1` has a meaning ("every GPU").

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = -2
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = -1
    ```

    ## Lightning source
    `_parse_gpu_ids`, `_normalize_parse_gpu_input_to_list` and `_sanitize_gpu_ids` in
    `lightning/fabric/utilities/device_parser.py`; `_parse_cpu_cores` in
    `lightning/fabric/accelerators/cpu.py`.
    """

    code = NEGATIVE_DEVICES
    name = "negative-devices"
    summary = "`devices` is negative (other than -1) or lists a negative index"


class DuplicateDevices(_DevicesRule):
    """## What it does
    Flags a device index listed twice, in an array (`[0, 0]`) or a string (`"1,1"`).

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException: Device ID's (GPU) must be unique.` (and on the
    CPU or a TPU, a list of indices is refused anyway).

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = [0, 1, 1]
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = [0, 1]
    ```

    ## Lightning source
    `_check_unique` in `lightning/fabric/utilities/device_parser.py`, called by `_parse_gpu_ids`.
    """

    code = DUPLICATE_DEVICES
    name = "duplicate-devices"
    summary = "`devices` lists a device index more than once"


class MpsDevices(_DevicesRule):
    """## What it does
    Flags `devices` that ask the MPS accelerator (an Apple GPU) for more than its one device:
    `devices = 2`, `[1]`, `"0,1"`.

    ## Why is this bad?
    An Apple machine has a single MPS device, index 0; `Trainer` raises
    `MisconfigurationException: You requested gpu: [0, 1] But your machine only has: [0]`.

    ## Example
    ```toml
    [trainer]
    accelerator = "mps"
    devices = 2
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "mps"
    devices = 1
    ```

    ## Lightning source
    `MPSAccelerator.parse_devices` in `lightning/pytorch/accelerators/mps.py`;
    `_get_all_available_mps_gpus` in `lightning/fabric/accelerators/mps.py`; `_sanitize_gpu_ids`
    in `lightning/fabric/utilities/device_parser.py`.
    """

    code = MPS_DEVICES
    name = "mps-devices"
    summary = "The MPS accelerator has exactly one device"


class TpuDevices(_DevicesRule):
    """## What it does
    Flags `devices` a TPU cannot take: `-1`, or a list of more than one core. A TPU takes `1`,
    the number of its cores (e.g. `8`), `"auto"`, or one core as `[i]`.

    ## Why is this bad?
    `Trainer` raises `ValueError: devices can only be 'auto', 1, 8 or [<0-7>] for TPUs`.

    ## Example
    ```toml
    [trainer]
    accelerator = "tpu"
    devices = [0, 1]
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "tpu"
    devices = 8
    ```

    ## Lightning source
    `_parse_tpu_devices` and `_check_tpu_devices_valid` in `lightning/fabric/accelerators/xla.py`.
    """

    code = TPU_DEVICES
    name = "tpu-devices"
    summary = "A TPU takes 1, all its cores, or one core index"


RULES: tuple[type[Rule], ...] = (
    NoDevices,
    CpuDevicesNotACount,
    NegativeDevices,
    DuplicateDevices,
    MpsDevices,
    TpuDevices,
)
