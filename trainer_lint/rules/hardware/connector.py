"""What the config selects, modelled on Lightning's ``_AcceleratorConnector``: accelerator,
strategy and precision given as names or as objects (and the objects a strategy object carries),
``devices`` as each accelerator's ``parse_devices`` reads it, and the :class:`Facts` of a file
that every Trainer-level rule reads, TL3xx, TL4xx, TL5xx and TL6xx alike (computed once per file by
:func:`facts`).

With a machine (``--target``, or the GPUs a launch script gives each process:
:attr:`Context.machine <trainer_lint.rules.base.Context.machine>`), the model asks it what the
connector asks the real one: which accelerators are available, what ``"auto"`` and ``"gpu"``
pick, how many devices ``"auto"`` and ``-1`` mean, and which GPU indices exist. Without one, the
accelerator a config names is assumed to exist with as many devices as it asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Union

from trainer_lint.rules.base import Context, show, trainer_key

if TYPE_CHECKING:
    from trainer_lint.launchers import RankZero
    from trainer_lint.lightning.releases import Release
    from trainer_lint.rules.objects.collect import Obj
    from trainer_lint.target import Machine

ACCELERATOR_KEY = trainer_key("accelerator")


DEVICES_KEY = trainer_key("devices")


STRATEGY_KEY = trainer_key("strategy")


PRECISION_KEY = trainer_key("precision")


CONCRETE = ("cpu", "cuda", "mps", "tpu")
"""What ``accelerator = "auto"`` can resolve to (``_select_auto_accelerator``)."""


def precision_name(ctx: Context, value: Any) -> str:
    """A precision as Lightning unifies it: a short form becomes the name it stands for in the
    file's release (``16`` -> ``"16-mixed"``: ``_PRECISION_INPUT_STR_ALIAS_CONVERSION``)."""
    return ctx.lightning.precision_aliases.get(str(value), str(value))


def strategy_tags(release: "Release", strategy: Optional[str]) -> frozenset[str]:
    """The snapshot tags (``fsdp``, ``deepspeed``, ``xla``, ``single_xla``, ``parallel``...) of the
    class a registered strategy name builds in ``release`` (the file's: ``ctx.lightning``); empty
    for ``auto``, a class or an unknown name."""
    if strategy is None:
        return frozenset()
    found = release.classes.registered("strategy", strategy)
    return frozenset(found.data.get("tags", ())) if found is not None else frozenset()


def is_fsdp(release: "Release", strategy: Optional[str]) -> bool:
    return "fsdp" in strategy_tags(release, strategy)


def is_deepspeed(release: "Release", strategy: Optional[str]) -> bool:
    return "deepspeed" in strategy_tags(release, strategy)


def is_xla(release: "Release", strategy: Optional[str]) -> bool:
    return not {"xla", "single_xla"}.isdisjoint(strategy_tags(release, strategy))


def is_fork(release: "Release", strategy: Optional[str]) -> bool:
    """A name in the release's ``_DDP_FORK_ALIASES`` (in ``lightning/pytorch/strategies/ddp.py``)."""
    return strategy in release.fork_strategies


def is_ddp_family(strategy: Optional[str]) -> bool:
    """The MPS check in ``_check_config_and_set_final_flags``: "ddp" or "deepspeed" in the name."""
    return strategy is not None and ("ddp" in strategy or "deepspeed" in strategy)


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


@dataclass(frozen=True)
class Facts:
    """The config's hardware settings as the connector reads them (on :attr:`machine`, when one is
    known): names and objects alike.

    An accelerator object counts as the name its class is registered under (``CPUAccelerator`` is
    "cpu"), so the device checks hold for both; where Lightning treats the object differently from
    the name (``16-mixed`` on the CPU), :attr:`accelerator_from` tells them apart.
    """

    accelerator: Optional[str]
    """"cpu", "cuda", "mps", "tpu", "hpu" or "auto" ("gpu" reads as "cuda"), for a name or a
    Lightning accelerator object; None when unknown (a user's class, an invalid string)."""
    accelerator_written: Any
    strategy: Optional[str]
    """The strategy name lower-cased, "auto" when unset; None for an object."""
    devices: Any
    num_nodes: int
    precision: Optional[str]
    """The unified precision string ("16" -> "16-mixed"), None when unset."""
    per_accelerator: dict[str, Devices]
    """``devices`` read by each concrete accelerator the config may end up on."""
    machine: "Optional[Machine]" = None
    """The machine the config runs on, when known (a target or a launch script's GPUs)."""
    rank_zero: "Optional[RankZero]" = None
    """The launch environment of rank 0, when a launch script is known."""
    runs_on: Optional[str] = None
    """The accelerator the connector ends up with: the one named, or what ``"auto"``/``"gpu"``
    pick on :attr:`machine`; None when that is open (no machine) or raises."""
    accelerator_problem: Optional[DeviceProblem] = None
    """Why the named accelerator cannot run on :attr:`machine` (TL370)."""
    accelerator_from: Optional[str] = None
    """"flag" (a name in ``trainer.accelerator``), "object" (a class there) or "strategy" (the
    strategy object's own ``accelerator``, used when the flag is "auto")."""
    accelerator_obj: Optional[Obj] = None
    strategy_obj: Optional[Obj] = None
    """The strategy object (a Lightning class), when ``strategy`` is one."""
    strategy_class: Any = None
    """The Lightning class the strategy name or object builds (``ClassInfo``); None for "auto"."""
    plugins: tuple[Obj, ...] = ()
    """The Lightning plugin objects of ``trainer.plugins``."""
    precision_plugin: Optional[Obj] = None
    """The precision plugin the connector keeps: from ``plugins``, else the strategy object's."""
    profiler: Optional[str] = None
    """A registered profiler name, lower-cased ("simple", "xla"); None for none or an object."""
    profiler_obj: Optional[Obj] = None
    callbacks: tuple[Obj, ...] = ()
    """The Lightning callback objects of ``trainer.callbacks``."""

    @property
    def explicit(self) -> bool:
        """An accelerator chosen by name or object, not by "auto"."""
        return self.accelerator in CONCRETE

    @property
    def device_count(self) -> Optional[int]:
        """Processes per node (devices the accelerator reads), when known."""
        if self.runs_on is not None and self.runs_on in self.per_accelerator:
            return self.per_accelerator[self.runs_on].count
        return None

    @property
    def device_problem(self) -> Optional[DeviceProblem]:
        """Why the accelerator it runs on rejects ``devices``, when known."""
        if self.runs_on is not None and self.runs_on in self.per_accelerator:
            return self.per_accelerator[self.runs_on].problem
        return None

    @property
    def chosen_strategy(self) -> Optional[str]:
        """The strategy name after ``"auto"`` is resolved (``_choose_strategy``): the one written,
        else ``"ddp"`` for several nodes or devices, ``"single_device"`` for one; None when open
        or a class."""
        if self.strategy != "auto":
            return self.strategy
        if self.runs_on is None:
            return None
        if self.runs_on == "tpu":
            count = self.device_count
            return None if count is None else ("xla" if count > 1 else "single_xla")
        if self.num_nodes > 1:
            return "ddp"
        count = self.device_count
        if count is None:
            return None
        return "single_device" if count <= 1 else "ddp"

    @property
    def validates_launch(self) -> Optional[bool]:
        """Whether the strategy's launcher calls the cluster environment's ``validate_settings``
        when ``fit`` (or validate/test/predict) starts: the subprocess-script launcher of the DDP
        strategies started with ``popen`` (``ddp``, ``ddp_find_unused_parameters_*``) and of
        DeepSpeed. Not single-device, ``ddp_spawn*``/``ddp_fork*``/``ddp_notebook*`` (their own
        launcher), nor FSDP (no launcher when SLURM or torchrun start the processes). None when
        the strategy is open."""
        chosen = self.chosen_strategy
        if chosen is None:
            return None
        if is_deepspeed(self.lightning, chosen):
            return True
        return chosen.startswith("ddp") and "spawn" not in chosen and not is_fork(self.lightning, chosen)

    @property
    def final_precision(self) -> Optional[str]:
        """The precision the plugin trains with: ``"16-mixed"`` on the CPU becomes ``"bf16-mixed"``
        (``_check_and_init_precision``); None when unset (``"32-true"``)."""
        if (
            self.precision == "16-mixed"
            and self.runs_on == "cpu"
            and self.accelerator_from == "flag"  # an accelerator object gets no fallback (TL608)
            and self.precision_plugin is None
            and not any(self.strategy_has(t) for t in ("fsdp", "deepspeed", "xla", "single_xla"))
        ):
            return "bf16-mixed"
        return self.precision

    def strategy_has(self, tag: str) -> bool:
        """Whether the strategy's class (from its name or object) has the snapshot tag ``tag``."""
        return self.strategy_class is not None and self.strategy_class.has(tag)

    def child(self, name: str) -> Optional[Obj]:
        """The strategy object's ``init_args.<name>`` when it is a Lightning object."""
        return _child(self._objects, self.strategy_obj, name)

    _objects: tuple[Obj, ...] = ()
    lightning: "Release" = None  # type: ignore[assignment]
    """The Lightning release the file is checked against (``ctx.lightning``)."""

    def describe_accelerator(self) -> str:
        """The accelerator as the user wrote it, for messages."""
        if self.accelerator_from == "object" and self.accelerator_obj is not None:
            return f"the accelerator `{self.accelerator_obj.label}`"
        if self.accelerator_from == "strategy" and self.accelerator_obj is not None:
            return f"the strategy's accelerator `{self.accelerator_obj.label}`"
        return say_accelerator(self.accelerator_written)

    def describe_strategy(self) -> str:
        if self.strategy_obj is not None:
            return f"the strategy `{self.strategy_obj.label}`"
        return f"`strategy = {show(self.strategy)}`"


def _child(objs: tuple[Obj, ...], parent: Optional[Obj], name: str) -> Optional[Obj]:
    if parent is None:
        return None
    return next((o for o in objs if o.parent is parent and o.param == name and o.is_lightning), None)


def facts(ctx: Context) -> Facts:
    """The :class:`Facts` of the file, computed once."""
    found = ctx._cache.get("hardware_facts")  # every TL3xx rule asks: skip the closure once known
    if found is None:
        found = ctx.cached("hardware_facts", lambda: _facts(ctx))
    return found  # type: ignore[no-any-return]



def accelerator_name(obj: Obj) -> Optional[str]:
    """The registered name of a Lightning accelerator object's class ("cpu" for ``CPUAccelerator``)."""
    names = list(obj.info.registered) if obj.info is not None else []
    if not names and obj.info is not None and obj.info.name == "TPUAccelerator":
        return "tpu"  # the legacy alias of XLAAccelerator
    return names[0] if names else None


def _facts(ctx: Context) -> Facts:
    from trainer_lint.rules.objects.collect import objects, trainer_objects

    objs = tuple(objects(ctx))  # empty at once where no object can be written
    written = ctx.get("accelerator")
    accelerator: Optional[str] = None
    accelerator_from: Optional[str] = None
    accelerator_obj: Optional[Obj] = None
    if isinstance(written, str) and "." not in written:
        accelerator, accelerator_from = ("cuda" if written == "gpu" else written), "flag"
    else:
        given = trainer_objects(ctx, "accelerator") if objs else []
        if given:
            accelerator_obj, accelerator_from = given[0], "object"
            accelerator = accelerator_name(given[0])
    written_strategy = ctx.get("strategy")
    strategy: Optional[str] = None
    strategy_obj: Optional[Obj] = None
    strategy_class = None
    if isinstance(written_strategy, str) and "." not in written_strategy:
        strategy = written_strategy.lower()
        strategy_class = ctx.lightning.classes.registered("strategy", strategy) if strategy != "auto" else None
    else:
        given = trainer_objects(ctx, "strategy") if objs else []
        if given:
            strategy_obj, strategy_class = given[0], given[0].info
    own = _child(objs, strategy_obj, "accelerator")
    if own is not None and accelerator == "auto":
        # _check_config_and_set_final_flags: the strategy's accelerator stands in for "auto".
        accelerator, accelerator_from, accelerator_obj = accelerator_name(own), "strategy", own
    # A devices array with a mistyped element is reported by TL100 and reads as unset here.
    devices = ctx.get("devices") if ctx.is_clean("devices") else "auto"  # "auto" is the default
    precision = ctx.get("precision")
    if precision is not None:
        precision = precision_name(ctx, precision)
    num_nodes = ctx.get("num_nodes")
    num_nodes = num_nodes if isinstance(num_nodes, int) else 1
    machine = ctx.machine
    placement = ctx.placement
    rank_zero = placement.rank_zero if placement is not None else None
    runs_on, problem = _runs_on(accelerator, written, machine)
    if runs_on is not None and machine is not None:
        elastic = rank_zero is not None and rank_zero.cluster == "torchelastic"
        per = {runs_on: parse_devices(runs_on, devices, machine, elastic=elastic)}
    elif accelerator in CONCRETE:
        per = {accelerator: parse_devices(accelerator, devices)}  # type: ignore[dict-item]
    else:
        per = {name: parse_devices(name, devices) for name in CONCRETE}
    plugins = tuple(trainer_objects(ctx, "plugins")) if objs else ()
    precision_plugin = next((o for o in plugins if o.info.kind == "precision"), None) or _child(objs, strategy_obj, "precision_plugin")
    written_profiler = ctx.get("profiler")
    profiler = written_profiler.lower() if isinstance(written_profiler, str) and ctx.lightning.classes.registered("profiler", written_profiler) else None
    profilers = trainer_objects(ctx, "profiler") if objs else []
    return Facts(
        accelerator,
        written,
        strategy,
        devices,
        num_nodes,
        precision,
        per,
        machine,
        rank_zero,
        runs_on,
        problem,
        accelerator_from=accelerator_from,
        accelerator_obj=accelerator_obj,
        strategy_obj=strategy_obj,
        strategy_class=strategy_class,
        plugins=plugins,
        precision_plugin=precision_plugin,
        profiler=profiler,
        profiler_obj=profilers[0] if profilers else None,
        callbacks=tuple(trainer_objects(ctx, "callbacks")) if objs else (),
        _objects=objs,
        lightning=ctx.lightning,
    )


def _runs_on(accelerator: Optional[str], written: Any, machine: "Optional[Machine]") -> tuple[Optional[str], Optional[DeviceProblem]]:
    """The accelerator the connector ends up with, and why it cannot run on ``machine``."""
    if machine is None:
        return (accelerator if accelerator in CONCRETE else None), None
    if accelerator is None:
        return None, None  # an accelerator class: its availability is not modelled
    if accelerator == "auto":
        return machine.auto_accelerator, None
    if written == "gpu":
        backend = machine.gpu_backend
        if backend is None:
            return None, DeviceProblem(
                NOT_ON_MACHINE,
                f'`accelerator = "gpu"` on {machine_words(machine)}, which has no GPU: Lightning raises "No supported gpu '
                'backend found!"; use `accelerator = "cpu"` or "auto"',
            )
        return backend, None
    if machine.has(accelerator):
        return accelerator, None
    names = {"cuda": "a CUDA GPU", "mps": "an Apple GPU (MPS)", "tpu": "a TPU", "hpu": "an Intel Gaudi HPU"}
    available = "cpu" + (", cuda, gpu" if machine.has("cuda") else "") + (", mps, gpu" if machine.has("mps") else "")
    problem = DeviceProblem(
        NOT_ON_MACHINE,
        f"{say_accelerator(written)} needs {names.get(accelerator, accelerator)}, which {machine_words(machine)} does not have: "
        f'Lightning raises "can not run on your system since the accelerator is not available"; this machine takes '
        f'`accelerator = "auto"` or one of: {available}',
    )
    return (accelerator if accelerator in CONCRETE else None), problem


def say_accelerator(value: Any) -> str:
    return f"`accelerator = {show(value)}`"


def say_strategy(ctx: Context) -> str:
    return f"`strategy = {show(ctx.trainer.get('strategy'))}`"
