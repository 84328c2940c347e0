"""``devices`` as each accelerator's ``parse_devices`` reads it (:func:`parse_devices`): how many
processes per node, or the :class:`DeviceProblem` Lightning raises, on a known machine when there
is one (``_parse_gpu_ids``, ``_parse_cpu_cores``, ``_check_tpu_devices_valid``, the single MPS
device). :mod:`~trainer_lint.rules.hardware.connector` reads it for every accelerator a config may
select; the rules of ``devices.py`` and ``machine.py`` report its problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Union

from trainer_lint.rules.base import show

if TYPE_CHECKING:
    from trainer_lint.target import Machine


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


NOT_ON_MACHINE = "TL370"


TOO_MANY_GPUS = "TL371"


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


def say_devices(devices: Any) -> str:
    return f"`devices = {show(devices)}`"


def parse_devices(accelerator: str, devices: Any, machine: "Optional[Machine]" = None, *, elastic: bool = False) -> Devices:
    """What ``accelerator``'s ``parse_devices`` does with ``devices`` (already well-typed), on
    ``machine`` when it is known (``elastic``: launched by torchrun).

    Strings the schema rejects (TL102) are treated as ``"auto"``: they are reported once, there.
    """
    if _selects_nothing(devices):
        return Devices(0, DeviceProblem(NO_DEVICES, f"{say_devices(devices)} selects no device; use at least `devices = 1`"))
    counted = machine is not None and accelerator == "cuda" and machine.has("cuda")
    if devices == "auto":
        if accelerator in ("cpu", "mps"):
            return Devices(1)
        return Devices(machine.auto_device_count("cuda")) if counted and not machine.gpus_open else _UNKNOWN  # type: ignore[union-attr]
    value = _as_indices(devices)
    if value is None:
        return _UNKNOWN
    if accelerator == "cpu":
        return _cpu_devices(devices, value)
    if accelerator == "tpu":
        return _tpu_devices(devices, value)
    parsed = _gpu_devices(accelerator, devices, value)
    if not counted or parsed.problem is not None:
        return parsed
    return _on_gpus(devices, value, machine, elastic)  # type: ignore[arg-type]


def _on_gpus(devices: Any, value: Union[int, list[int]], machine: "Machine", elastic: bool) -> Devices:
    """``_parse_gpu_ids`` against the machine's GPUs: ``-1`` is all of them, ``N`` is indices
    ``0..N-1``, and an index the machine lacks raises ``_sanitize_gpu_ids``'s "You requested gpu:
    [...] But your machine only has: [...]". Under torchrun, a request for other than one GPU
    where a process sees exactly one is not checked. Where the launch leaves the GPUs a process
    sees open, ``machine.gpus`` is the most it may see: only a request beyond that is a problem."""
    have = machine.gpus
    if value == -1:
        return _UNKNOWN if machine.gpus_open else Devices(have)
    wanted = list(range(value)) if isinstance(value, int) else list(value)
    if elastic and len(wanted) != 1 and have == 1 and not machine.gpus_open:
        return Devices(len(wanted))
    missing = [i for i in wanted if i >= have]
    if not missing:
        return Devices(len(wanted))
    has = "one GPU (index 0)" if have == 1 else f"{'at most ' if machine.gpus_open else ''}{have} GPUs (indices 0-{have - 1})"
    return Devices(
        None,
        DeviceProblem(
            TOO_MANY_GPUS,
            f"{say_devices(devices)} asks for GPU {', '.join(map(str, missing))}, but {machine_words(machine)} has {has}: "
            f"Lightning raises \"You requested gpu: {wanted} But your machine only has: {list(range(have))}\"",
        ),
    )


def machine_words(machine: "Machine") -> str:
    """How messages name the machine: ``the target gpu:1xH200``, ``each task of job.sbatch``."""
    if machine.detected and machine.spelling != "local":
        return f"each process ({machine.spelling})"
    return f"the target `{machine.spelling}`"


def _negative(devices: Any, value: Union[int, list[int]]) -> Optional[DeviceProblem]:
    if isinstance(value, int) and value < -1:
        return DeviceProblem(
            NEGATIVE_DEVICES,
            f"{say_devices(devices)} is negative; use a positive count, or -1 for every device of a GPU accelerator",
        )
    if isinstance(value, list) and any(v < 0 for v in value):
        return DeviceProblem(
            NEGATIVE_DEVICES, f"{say_devices(devices)} lists a negative device index; indices start at 0"
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
            f"{say_devices(devices)} selects device indices, but the CPU accelerator takes a count of processes: "
            f"use `devices = {count}`"
        )
    elif value == -1:
        message = f"{say_devices(devices)} means every GPU, but the CPU accelerator takes a count of processes: use `devices = 1`"
    else:
        message = f"{say_devices(devices)}: the CPU accelerator takes a count of processes written with digits only: use `devices = {value}`"
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
                f"{say_devices(devices)} names device {', '.join(map(str, repeated))} more than once; each index may appear once",
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
                f"{say_devices(devices)} asks for more than the single Apple GPU (MPS device 0): use `devices = 1`",
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
        message = f"{say_devices(devices)} lists several TPU cores; a TPU takes 1, every core (e.g. 8) or one core as `[i]`"
    else:
        message = f"{say_devices(devices)} is not a TPU device count; a TPU takes 1, every core (e.g. 8) or one core as `[i]`"
    return Devices(None, DeviceProblem(TPU_DEVICES, message))
