"""Accelerator, devices, strategy and precision: the checks ``Trainer(...)`` makes while building
its ``_AcceleratorConnector`` (TL3xx).

The module models, in plain Python, what Lightning 2.6 does with these arguments when they are
plain data (names, counts, strings, lists): which accelerator a name selects, how that
accelerator's ``parse_devices`` reads ``devices``, which strategy ``"auto"`` picks and which
precision plugin the strategy builds. The model is computed once per file (:func:`facts`) and
shared by the rules.

Assumptions, as the rules state them to users:

* the hardware a config names exists (``accelerator = "cuda"`` with ``devices = 4`` means the
  machine has at least four GPUs), so "not enough GPUs here" is never reported;
* ``accelerator = "auto"`` may find a CPU, CUDA GPUs, an Apple GPU (MPS) or a TPU: a verdict that
  depends on which is at most a warning, and an error only when every choice raises;
* packages that only some installs have (``deepspeed``, ``torch_xla``, ``transformer_engine``,
  ``lightning-habana``) are reported as information naming the package, never as errors.

The ground truth is ``tests/differential/test_hardware.py``, which builds the real Trainer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Optional, Union

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, Severity
from trainer_lint.rules.base import Context, Rule, show, trainer_key

ACCELERATOR_KEY = trainer_key("accelerator")
DEVICES_KEY = trainer_key("devices")
STRATEGY_KEY = trainer_key("strategy")
PRECISION_KEY = trainer_key("precision")

CONCRETE = ("cpu", "cuda", "mps", "tpu")
"""What ``accelerator = "auto"`` can resolve to (``_select_auto_accelerator``)."""

PRECISION_ALIASES = {"64": "64-true", "32": "32-true", "16": "16-mixed", "bf16": "bf16-mixed"}
"""``_PRECISION_INPUT_STR_ALIAS_CONVERSION`` in ``lightning/fabric/plugins/precision/precision.py``."""

SHARDED_PRECISIONS = ("32-true", "16-true", "bf16-true", "16-mixed", "bf16-mixed")
"""``_PRECISION_INPUT`` of ``FSDPPrecision`` and ``DeepSpeedPrecision``."""

XLA_PRECISIONS = ("32-true", "16-true", "bf16-true")
"""``_PRECISION_INPUT`` of ``XLAPrecision``."""

XLA_STRATEGIES = ("xla", "xla_debug", "single_xla", "single_tpu")
FORK_STRATEGIES = (
    "ddp_fork",
    "ddp_fork_find_unused_parameters_false",
    "ddp_fork_find_unused_parameters_true",
    "ddp_notebook",
    "ddp_notebook_find_unused_parameters_false",
    "ddp_notebook_find_unused_parameters_true",
)
"""``_DDP_FORK_ALIASES`` in ``lightning/pytorch/strategies/ddp.py``."""


def is_fsdp(strategy: Optional[str]) -> bool:
    return strategy in ("fsdp", "fsdp_cpu_offload")


def is_deepspeed(strategy: Optional[str]) -> bool:
    return strategy is not None and strategy.startswith("deepspeed")


def is_xla(strategy: Optional[str]) -> bool:
    return strategy in XLA_STRATEGIES


def is_ddp_family(strategy: Optional[str]) -> bool:
    """The MPS check in ``_check_config_and_set_final_flags``: "ddp" or "deepspeed" in the name."""
    return strategy is not None and ("ddp" in strategy or "deepspeed" in strategy)


# --------------------------------------------------------------------------------------------
# devices, as each accelerator's parse_devices reads them


@dataclass(frozen=True)
class DeviceProblem:
    """Why an accelerator's ``parse_devices`` (or the connector before it) raises for ``devices``."""

    code: str
    message: str


@dataclass(frozen=True)
class Devices:
    """``devices`` as an accelerator reads it: how many processes per node, when known."""

    count: Optional[int]
    """Processes per node; None when it depends on the machine (``"auto"``, ``-1`` on GPUs)."""
    problem: Optional[DeviceProblem] = None


_UNKNOWN = Devices(None)
NO_DEVICES = "TL300"
CPU_COUNT = "TL301"
NEGATIVE_DEVICES = "TL302"
DUPLICATE_DEVICES = "TL303"
MPS_DEVICES = "TL304"
TPU_DEVICES = "TL305"


def _read_string(text: str) -> Union[int, list[int], None]:
    """``_normalize_parse_gpu_string_input``: an int, a list of ints, or None when unreadable."""
    try:
        if text == "-1":
            return -1
        if "," in text:
            return [int(x.strip()) for x in text.split(",") if len(x) > 0]
        return int(text.strip())
    except ValueError:
        return None


def _selects_nothing(devices: Any) -> bool:
    """``devices`` that select no device for every accelerator: 0, "0", [] and their spellings."""
    if devices in ([], 0, "0"):
        return True
    if isinstance(devices, str) and devices != "auto":
        read = _read_string(devices)
        return read == 0 or read == []
    return False


def _as_indices(devices: Any) -> Union[int, list[int], None]:
    """``devices`` as an int or a list of indices; None for "auto" or an unreadable string."""
    if isinstance(devices, str):
        return None if devices == "auto" else _read_string(devices)
    return devices  # type: ignore[no-any-return]


def _say(devices: Any) -> str:
    return f"`devices = {show(devices)}`"


def parse_devices(accelerator: str, devices: Any) -> Devices:
    """What ``accelerator``'s ``parse_devices`` does with ``devices`` (already well-typed).

    Strings the schema rejects (TL102) are treated as ``"auto"``: they are reported once, there.
    """
    if _selects_nothing(devices):
        return Devices(0, DeviceProblem(NO_DEVICES, f"{_say(devices)} selects no device; use at least `devices = 1`"))
    if devices == "auto":
        return Devices(1) if accelerator in ("cpu", "mps") else _UNKNOWN
    value = _as_indices(devices)
    if value is None:
        return _UNKNOWN
    if accelerator == "cpu":
        return _cpu_devices(devices, value)
    if accelerator == "tpu":
        return _tpu_devices(devices, value)
    return _gpu_devices(accelerator, devices, value)


def _negative(devices: Any, value: Union[int, list[int]]) -> Optional[DeviceProblem]:
    if isinstance(value, int) and value < -1:
        return DeviceProblem(
            NEGATIVE_DEVICES,
            f"{_say(devices)} is negative; use a positive count, or -1 for every device of a GPU accelerator",
        )
    if isinstance(value, list) and any(v < 0 for v in value):
        return DeviceProblem(
            NEGATIVE_DEVICES, f"{_say(devices)} lists a negative device index; indices start at 0"
        )
    return None


def _cpu_devices(devices: Any, value: Union[int, list[int]]) -> Devices:
    # _parse_cpu_cores: a str of digits becomes an int; anything but an int > 0 raises.
    if isinstance(devices, str) and devices.strip().isdigit():
        return Devices(int(devices))
    if isinstance(devices, int) and devices > 0:
        return Devices(devices)
    problem = _negative(devices, value)
    if problem is not None:
        return Devices(None, problem)
    count = len(value) if isinstance(value, list) else 1
    if isinstance(devices, list) or (isinstance(devices, str) and "," in devices):
        message = (
            f"{_say(devices)} selects device indices, but the CPU accelerator takes a count of processes: "
            f"use `devices = {count}`"
        )
    elif value == -1:
        message = f"{_say(devices)} means every GPU, but the CPU accelerator takes a count of processes: use `devices = 1`"
    else:
        message = f"{_say(devices)}: the CPU accelerator takes a count of processes written with digits only: use `devices = {value}`"
    return Devices(None, DeviceProblem(CPU_COUNT, message))


def _gpu_devices(accelerator: str, devices: Any, value: Union[int, list[int]]) -> Devices:
    # _parse_gpu_ids: -1 is every device, N > 0 is range(N), a list is indices that must be unique.
    problem = _negative(devices, value)
    if problem is not None:
        return Devices(None, problem)
    if isinstance(value, list) and len(value) != len(set(value)):
        seen: set[int] = set()
        repeated = sorted({v for v in value if v in seen or seen.add(v)})
        return Devices(
            None,
            DeviceProblem(
                DUPLICATE_DEVICES,
                f"{_say(devices)} names device {', '.join(map(str, repeated))} more than once; each index may appear once",
            ),
        )
    if accelerator == "mps":
        # An Apple GPU is one device: _get_all_available_mps_gpus() returns [0].
        if value == -1 or value == 1 or value == [0]:
            return Devices(1)
        return Devices(
            None,
            DeviceProblem(
                MPS_DEVICES,
                f"{_say(devices)} asks for more than the single Apple GPU (MPS device 0): use `devices = 1`",
            ),
        )
    if value == -1:
        return _UNKNOWN
    return Devices(len(value) if isinstance(value, list) else value)


def _tpu_devices(devices: Any, value: Union[int, list[int]]) -> Devices:
    # _check_tpu_devices_valid: 1, the number of TPU cores, or [i] for one core.
    if isinstance(value, int) and value > 0:
        return Devices(value)
    if isinstance(value, list) and len(value) == 1 and value[0] >= 0:
        return Devices(1)
    if isinstance(value, list) and value and all(v >= 0 for v in value):
        message = f"{_say(devices)} lists several TPU cores; a TPU takes 1, every core (e.g. 8) or one core as `[i]`"
    else:
        message = f"{_say(devices)} is not a TPU device count; a TPU takes 1, every core (e.g. 8) or one core as `[i]`"
    return Devices(None, DeviceProblem(TPU_DEVICES, message))


# --------------------------------------------------------------------------------------------
# what the config selects


@dataclass(frozen=True)
class Facts:
    """The config's hardware settings, as the connector would read them."""

    accelerator: Optional[str]
    """"cpu", "cuda", "mps", "tpu", "hpu" or "auto" ("gpu" reads as "cuda"); None for a class."""
    accelerator_written: Any
    strategy: Optional[str]
    """The strategy name lower-cased, "auto" when unset; None for a class."""
    devices: Any
    num_nodes: int
    precision: Optional[str]
    """The unified precision string ("16" -> "16-mixed"), None when unset."""
    per_accelerator: dict[str, Devices]
    """``devices`` read by each concrete accelerator the config may end up on."""

    @property
    def explicit(self) -> bool:
        """An accelerator chosen by name, not by "auto" nor a class."""
        return self.accelerator in CONCRETE

    @property
    def device_count(self) -> Optional[int]:
        if self.explicit:
            return self.per_accelerator[self.accelerator].count  # type: ignore[index]
        return None


def facts(ctx: Context) -> Facts:
    """The :class:`Facts` of the file, computed once."""
    return ctx.cached("hardware_facts", lambda: _facts(ctx))


def _facts(ctx: Context) -> Facts:
    written = ctx.get("accelerator")
    accelerator: Optional[str] = None
    if isinstance(written, str) and "." not in written:
        accelerator = "cuda" if written == "gpu" else written
    strategy = ctx.get("strategy")
    strategy = strategy.lower() if isinstance(strategy, str) and "." not in strategy else None
    # A devices array with a mistyped element is reported by TL100 and reads as unset here.
    devices = ctx.get("devices") if ctx.is_clean("devices") else "auto"  # "auto" is the default
    precision = ctx.get("precision")
    if precision is not None:
        precision = PRECISION_ALIASES.get(str(precision), str(precision))
    if accelerator in CONCRETE:
        per = {accelerator: parse_devices(accelerator, devices)}  # type: ignore[dict-item]
    else:
        per = {name: parse_devices(name, devices) for name in CONCRETE}
    num_nodes = ctx.get("num_nodes")
    return Facts(accelerator, written, strategy, devices, num_nodes if isinstance(num_nodes, int) else 1, precision, per)


def _accel(value: Any) -> str:
    return f"`accelerator = {show(value)}`"


def _strat(ctx: Context) -> str:
    return f"`strategy = {show(ctx.trainer.get('strategy'))}`"


# --------------------------------------------------------------------------------------------
# devices rules


class _DevicesRule(Rule):
    """Reports the device problem of its code for the configured accelerator.

    With ``accelerator = "auto"`` a problem is an error when CUDA, the likeliest choice for a
    config that names devices, raises too (every such problem also raises on CPU, MPS and TPU),
    and a warning when only the CPU fallback raises (TL301).
    """

    triggers = frozenset({"devices"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if not ctx.is_clean("devices"):
            return
        if f.explicit:
            problem = f.per_accelerator[f.accelerator].problem  # type: ignore[index]
            if problem is not None and problem.code == self.code:
                yield self.report(DEVICES_KEY, problem.message)
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
            yield self.report(
                DEVICES_KEY,
                f'{cpu.message}. `accelerator = "auto"` picks the CPU on a machine without a GPU, where this raises; '
                'set `accelerator = "gpu"` if the config is meant for GPUs',
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


# --------------------------------------------------------------------------------------------
# accelerator and strategy rules


class HpuAccelerator(Rule):
    """## What it does
    Flags `accelerator = "hpu"`. Lightning 2.6 registers no `"hpu"` accelerator: Intel Gaudi
    support lives in the `lightning-habana` package, which must be imported (registering the
    name) before the Trainer is built. With `strategy` unset or `"auto"` this is an error, because
    Lightning refuses to pick a strategy for HPUs; with a strategy set it is information.

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
        if f.strategy == "auto":
            yield self.report(
                ACCELERATOR_KEY,
                '`accelerator = "hpu"` with `strategy` unset or "auto" raises: Lightning 2.6 cannot pick a strategy '
                'for HPUs. Use the `lightning-habana` package\'s `HPUAccelerator` and strategy classes',
            )
        else:
            yield self.report(
                ACCELERATOR_KEY,
                '`accelerator = "hpu"` is a valid name only once the `lightning-habana` package is installed and '
                "imported; Lightning 2.6 itself raises for it",
                severity=Severity.INFO,
            )


class FsdpNeedsCuda(Rule):
    """## What it does
    Flags `strategy = "fsdp"` (or `"fsdp_cpu_offload"`) with an accelerator other than `gpu`
    or `cuda`. With `accelerator = "auto"` (or unset) it is a warning: it works only on machines
    where "auto" finds CUDA GPUs.

    ## Why is this bad?
    `Trainer` raises `ValueError: The strategy fsdp requires a GPU accelerator`.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    strategy = "fsdp"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "fsdp"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_strategy_and_fallback` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL311"
    name = "fsdp-needs-cuda"
    summary = "FSDP needs `accelerator = \"gpu\"` or `\"cuda\"`"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if not is_fsdp(f.strategy):
            return
        if f.accelerator in ("cpu", "mps", "tpu", "hpu"):
            yield self.report(
                STRATEGY_KEY,
                f"{_strat(ctx)} requires a CUDA GPU, but {_accel(f.accelerator_written)} is set: "
                'use `accelerator = "gpu"` or another strategy',
            )
        elif f.accelerator == "auto":
            yield self.report(
                STRATEGY_KEY,
                f'{_strat(ctx)} requires a CUDA GPU, and `accelerator = "auto"` raises on machines without one: '
                'set `accelerator = "gpu"`',
                severity=Severity.WARNING,
            )


class DdpOnMps(Rule):
    """## What it does
    Flags a DDP-family or DeepSpeed strategy (`ddp`, `ddp_spawn`, `deepspeed_stage_2`, ...) with
    `accelerator = "mps"`.

    ## Why is this bad?
    The MPS accelerator supports one device only; `Trainer` raises `ValueError: strategies from
    the DDP family are not supported on the MPS accelerator`.

    ## Example
    ```toml
    [trainer]
    accelerator = "mps"
    strategy = "ddp"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "mps"
    strategy = "auto"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_config_and_set_final_flags` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL312"
    name = "ddp-on-mps"
    summary = "DDP-family strategies do not run on the MPS accelerator"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.accelerator == "mps" and is_ddp_family(f.strategy):
            yield self.report(
                STRATEGY_KEY,
                f'{_strat(ctx)} is a multi-process strategy, which `accelerator = "mps"` does not support: '
                'remove `strategy` or use `accelerator = "cpu"`',
            )


class TpuNeedsXlaStrategy(Rule):
    """## What it does
    Flags `accelerator = "tpu"` with a strategy that is not an XLA one: `ddp*`, `deepspeed*`,
    `single_device`.

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
        if f.accelerator != "tpu" or f.strategy in (None, "auto") or is_xla(f.strategy) or is_fsdp(f.strategy):
            return
        yield self.report(
            STRATEGY_KEY,
            f'{_strat(ctx)} cannot drive `accelerator = "tpu"`: use `strategy = "xla"` or remove `strategy`',
        )


class UnbuildableStrategy(Rule):
    """## What it does
    Flags `strategy = "single_xla"` and `"single_tpu"` (deprecated). They are registered names,
    but their class needs a `device` that the name cannot give.

    ## Why is this bad?
    `Trainer` always raises `TypeError: SingleDeviceXLAStrategy.__init__() missing 1 required
    positional argument: 'device'`.

    ## Example
    ```toml
    [trainer]
    accelerator = "tpu"
    strategy = "single_xla"
    devices = 1
    ```

    ## Fix
    Leave `strategy` unset: with one TPU core Lightning picks the single-device XLA strategy.
    ```toml
    [trainer]
    accelerator = "tpu"
    devices = 1
    ```

    ## Lightning source
    `SingleDeviceXLAStrategy.register_strategies` in
    `lightning/pytorch/strategies/single_xla.py`; `_AcceleratorConnector._init_strategy` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL314"
    name = "unbuildable-strategy"
    summary = "A registered strategy name that cannot be built without a device"
    triggers = frozenset({"strategy"})

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.strategy in ("single_xla", "single_tpu"):
            yield self.report(
                STRATEGY_KEY,
                f"{_strat(ctx)} always raises: its class needs a device that a name cannot give. "
                'Remove `strategy`; with `accelerator = "tpu"` and `devices = 1` Lightning picks it itself',
            )


class SingleDeviceOverride(Rule):
    """## What it does
    Flags `strategy = "single_device"` where Lightning silently ignores other settings: the
    strategy is built without a device, so it places the model on the CPU even with a GPU
    accelerator, and it uses one process whatever `devices` and `num_nodes` say.

    ## Why is this bad?
    The job runs, but not where or how the config says: on one CPU process instead of the GPUs.

    ## Example
    ```toml
    [trainer]
    accelerator = "gpu"
    strategy = "single_device"
    devices = 1
    ```

    ## Fix
    Remove `strategy`: with one device Lightning picks a single-device strategy on that device.
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 1
    ```

    ## Lightning source
    `SingleDeviceStrategy.__init__` (default `device="cpu"`) in
    `lightning/pytorch/strategies/single_device.py`; `_AcceleratorConnector._init_strategy` and
    `_lazy_init_strategy` in `lightning/pytorch/trainer/connectors/accelerator_connector.py`.
    """

    code = "TL315"
    name = "single-device-override"
    summary = "`strategy = \"single_device\"` ignores the accelerator's device, `devices` and `num_nodes`"
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.strategy != "single_device":
            return
        if f.accelerator in ("cuda", "mps", "tpu", "hpu"):
            yield self.report(
                STRATEGY_KEY,
                f"{_strat(ctx)} places the model on the CPU, not on the device of {_accel(f.accelerator_written)}: "
                "remove `strategy` and Lightning picks a single-device strategy on that device",
            )
        count = f.device_count
        if ctx.is_set("devices") and count is not None and count > 1:
            yield self.report(
                DEVICES_KEY,
                f"{_say(f.devices)} is ignored by {_strat(ctx)}, which runs one process: "
                'remove `strategy` (Lightning then picks "ddp") or use `devices = 1`',
            )
        if f.num_nodes > 1:
            yield self.report(
                trainer_key("num_nodes"),
                f"`num_nodes = {f.num_nodes}` is ignored by {_strat(ctx)}, which runs on one machine",
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
            yield self.report(STRATEGY_KEY, f"{_strat(ctx)} needs the `deepspeed` package (`pip install deepspeed`)")
        if f.strategy in ("xla", "xla_debug"):  # single_xla / single_tpu raise anyway (TL314)
            yield self.report(STRATEGY_KEY, f"{_strat(ctx)} needs the `torch_xla` package")
        if f.accelerator == "tpu":
            yield self.report(ACCELERATOR_KEY, f"{_accel(f.accelerator_written)} needs the `torch_xla` package")
        if f.precision is not None and f.precision.startswith("transformer-engine"):
            yield self.report(
                PRECISION_KEY,
                f"`precision = {show(ctx.trainer['precision'])}` needs NVIDIA's `transformer_engine` package",
            )


class ForkStrategy(Rule):
    """## What it does
    Notes the fork-based strategies (`ddp_fork*`, `ddp_notebook*`). They exist for Jupyter
    notebooks, where `ddp` and `ddp_spawn` cannot run; a script (and so a TOML config) is better
    served by `ddp`.

    ## Why is this bad?
    `Trainer` raises `ValueError: process forking is not supported on this platform` on Windows,
    and forked processes fail if CUDA was initialised before `fit` starts.

    ## Example
    ```toml
    [trainer]
    strategy = "ddp_notebook"
    ```

    ## Fix
    ```toml
    [trainer]
    strategy = "ddp"
    ```

    ## Lightning source
    `_AcceleratorConnector._check_strategy_and_fallback` in
    `lightning/pytorch/trainer/connectors/accelerator_connector.py`; `_MultiProcessingLauncher` in
    `lightning/pytorch/strategies/launchers/multiprocessing.py`.
    """

    code = "TL317"
    name = "fork-strategy"
    summary = "A fork-based strategy meant for notebooks"
    triggers = frozenset({"strategy"})
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        f = facts(ctx)
        if f.strategy in FORK_STRATEGIES:
            yield self.report(
                STRATEGY_KEY,
                f"{_strat(ctx)} forks processes: it is meant for notebooks, raises on Windows, and fails if CUDA is "
                'initialised before `fit`; scripts should use `strategy = "ddp"`',
            )


class DeprecatedStrategyName(Rule):
    """## What it does
    Flags `strategy = "single_tpu"`, a name Lightning keeps only to warn that it is deprecated in
    favour of `"single_xla"` (which cannot be built from a name either: see TL314).

    ## Why is this bad?
    Lightning warns "The 'single_tpu' strategy is deprecated. Use 'single_xla' instead." and the
    name will be removed.

    ## Example
    ```toml
    [trainer]
    accelerator = "tpu"
    strategy = "single_tpu"
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "tpu"
    devices = 1
    ```

    ## Lightning source
    `SingleTPUStrategy.__init__` in `lightning/pytorch/strategies/single_xla.py`.
    """

    code = "TL318"
    name = "deprecated-strategy-name"
    summary = "A strategy name that Lightning deprecates"
    triggers = frozenset({"strategy"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if facts(ctx).strategy == "single_tpu":
            yield self.report(STRATEGY_KEY, f'{_strat(ctx)} is deprecated; Lightning\'s name for it is "single_xla"')


# --------------------------------------------------------------------------------------------
# precision rules


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
            name = PRECISION_ALIASES[str(written)]
            fix = Fix(f'Replace with "{name}"', (Edit(PRECISION_KEY, "value", f'"{name}"'),), safe=True)
            yield self.report(
                PRECISION_KEY,
                f'`precision = {show(written)}` is discouraged; write `precision = "{name}"`, which it stands for',
                fix=fix,
            )


class Fp16MixedOnCpu(Rule):
    """## What it does
    Flags `precision = "16-mixed"` (or `16`) with `accelerator = "cpu"`. The CPU has no fp16
    AMP; Lightning warns and trains with `"bf16-mixed"` instead.

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
        if f.precision != "16-mixed" or f.accelerator != "cpu":
            return
        if is_fsdp(f.strategy) or is_deepspeed(f.strategy) or is_xla(f.strategy):
            return  # those strategies build their own precision plugin (or raise first)
        fix = Fix('Replace with "bf16-mixed"', (Edit(PRECISION_KEY, "value", '"bf16-mixed"'),), safe=True)
        yield self.report(
            PRECISION_KEY,
            f"`precision = {show(ctx.trainer['precision'])}` is not supported on the CPU; Lightning uses "
            '"bf16-mixed" instead: write `precision = "bf16-mixed"`',
            fix=fix,
        )


class PrecisionUnsupportedByStrategy(Rule):
    """## What it does
    Flags precisions a strategy's precision plugin refuses: FSDP and DeepSpeed take `32-true`,
    `16-true`, `bf16-true`, `16-mixed`, `bf16-mixed` (not `64-true` nor `transformer-engine*`);
    XLA (TPUs) takes `32-true`, `16-true`, `bf16-true` only.

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
        if f.precision is None:
            return
        written = f"`precision = {show(ctx.trainer['precision'])}`"
        if is_fsdp(f.strategy) or is_deepspeed(f.strategy):
            if f.precision not in SHARDED_PRECISIONS:
                name = "FSDP" if is_fsdp(f.strategy) else "DeepSpeed"
                yield self.report(
                    PRECISION_KEY,
                    f"{written} is not supported by {_strat(ctx)}; {name} takes "
                    + ", ".join(f'"{p}"' for p in SHARDED_PRECISIONS),
                )
        elif f.strategy in ("xla", "xla_debug") or (f.accelerator == "tpu" and f.strategy == "auto"):
            if f.precision not in XLA_PRECISIONS:
                yield self.report(
                    PRECISION_KEY,
                    f"{written} is not supported on TPUs (XLA); use "
                    + ", ".join(f'"{p}"' for p in XLA_PRECISIONS),
                )


# --------------------------------------------------------------------------------------------
# other flags


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


class SyncBatchnormSingleProcess(Rule):
    """## What it does
    Flags `sync_batchnorm = true` where the config runs a single process with the single-device
    strategy (one device, one node, `strategy` unset or `"single_device"`), where Lightning
    drops the setting.

    ## Why is this bad?
    Nothing is synchronised: the single-device strategy has no layer sync, so the flag is
    silently ignored. It usually means the config was meant for several devices.

    ## Example
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 1
    sync_batchnorm = true
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "cpu"
    devices = 1
    ```

    ## Lightning source
    `_AcceleratorConnector._lazy_init_strategy` (sets `_layer_sync` only on strategies that have
    it) in `lightning/pytorch/trainer/connectors/accelerator_connector.py`;
    `SingleDeviceStrategy` in `lightning/pytorch/strategies/single_device.py`.
    """

    code = "TL331"
    name = "sync-batchnorm-single-process"
    summary = "`sync_batchnorm` has no effect with a single process"
    triggers = frozenset({"sync_batchnorm"})
    severity = Severity.WARNING

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if ctx.get("sync_batchnorm") is not True:
            return
        f = facts(ctx)
        single = f.strategy == "single_device" or (
            f.strategy == "auto" and f.explicit and f.device_count == 1 and f.num_nodes == 1
        )
        if single:
            yield self.report(
                trainer_key("sync_batchnorm"),
                "`sync_batchnorm = true` has no effect: this config trains in one process with the single-device strategy",
            )


RULES: tuple[type[Rule], ...] = (
    NoDevices,
    CpuDevicesNotACount,
    NegativeDevices,
    DuplicateDevices,
    MpsDevices,
    TpuDevices,
    HpuAccelerator,
    FsdpNeedsCuda,
    DdpOnMps,
    TpuNeedsXlaStrategy,
    UnbuildableStrategy,
    SingleDeviceOverride,
    OptionalPackage,
    ForkStrategy,
    DeprecatedStrategyName,
    DiscouragedPrecision,
    Fp16MixedOnCpu,
    PrecisionUnsupportedByStrategy,
    DeterministicWithBenchmark,
    SyncBatchnormSingleProcess,
)
