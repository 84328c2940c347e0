"""What the config selects, modelled on Lightning's ``_AcceleratorConnector``: accelerator,
strategy and precision given as names or as objects (and the objects a strategy object carries),
``devices`` as each accelerator's ``parse_devices`` reads it
(:mod:`~trainer_lint.rules.hardware.device_counts`), and the :class:`Facts` of a file
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
from typing import TYPE_CHECKING, Any, Optional

from trainer_lint.rules.base import Context, show, trainer_key
from trainer_lint.rules.hardware.device_counts import NOT_ON_MACHINE, DeviceProblem, Devices, machine_words, parse_devices

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
