"""The value types a config's keys take, as pydantic annotations for :mod:`trainer_lint.model`:
``class_path`` objects (tables, strings, class names, includes), durations, seeds, batch limits.

The JSON Schema that ``check`` walks is generated from them (:mod:`trainer_lint.schema`); the
``x-…`` keys are the walker's extensions (:mod:`trainer_lint.rules.types.walker`). Imports
pydantic, never torch or lightning; ``check`` never imports this module.
"""

from __future__ import annotations

from typing import Annotated, Any, Optional, Union

from pydantic import ConfigDict, Field, WithJsonSchema
from typing_extensions import NotRequired, TypedDict

from trainer_lint.rules.loops.values import LOOSE_TIME_PATTERN, TIMER_REGEX_SINCE

CLASS_PATH_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$"
"""A dotted Python import path such as ``lightning.pytorch.callbacks.ModelCheckpoint``."""

CLASS_PATH_OR_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
"""A dotted import path, or a bare class name (``ModelCheckpoint``), which LightningCLI resolves
for Lightning's callbacks and loggers; the TL5xx rules say where a bare name cannot work."""


class TimeDict(TypedDict, total=False):
    """A duration as ``datetime.timedelta`` keyword arguments, e.g. ``{ hours = 12 }``."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]

    days: Annotated[int, Field(description="Days.")]
    hours: Annotated[int, Field(description="Hours.")]
    minutes: Annotated[int, Field(description="Minutes.")]
    seconds: Annotated[int, Field(description="Seconds.")]
    milliseconds: Annotated[int, Field(description="Milliseconds.")]
    microseconds: Annotated[int, Field(description="Microseconds.")]
    weeks: Annotated[int, Field(description="Weeks.")]


class ClassPathConfig(TypedDict):
    """An object written the way LightningCLI writes it: an import path and its keyword arguments."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]

    class_path: Annotated[
        str,
        Field(
            pattern=CLASS_PATH_OR_NAME_PATTERN,
            json_schema_extra={"x-pattern-words": "a dotted import path or a class name"},
            description="Dotted import path of the class, e.g. `lightning.pytorch.callbacks.ModelCheckpoint`.",
        ),
    ]
    init_args: NotRequired[
        Annotated[dict[str, Any], Field(description="Keyword arguments passed to the class when it is built.")]
    ]
    dict_kwargs: NotRequired[
        Annotated[
            dict[str, Any],
            Field(description="Keyword arguments passed to the class's `**kwargs` as they are, without type checks."),
        ]
    ]


ClassPathString = Annotated[
    str, Field(pattern=CLASS_PATH_PATTERN, json_schema_extra={"x-pattern-words": "a dotted import path"})
]
"""A bare class path string, which LightningCLI accepts in place of a table without arguments."""

ClassNameString = Annotated[
    str,
    Field(pattern=CLASS_PATH_OR_NAME_PATTERN, json_schema_extra={"x-pattern-words": "a dotted import path or a class name"}),
]
"""A class path or a bare class name, where LightningCLI resolves names (keys typed with a class
first: callbacks, loggers, plugins, the profiler (after its registered names), the model, data,
optimizer and scheduler)."""

ProfilerClassString = Annotated[
    str,
    Field(
        pattern=r"^([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+|[A-Z][A-Za-z0-9_]*)$",
        json_schema_extra={"x-pattern-words": "a profiler name, a dotted import path or a class name"},
    ),
]
"""``profiler`` as a string that is not a registered name: a class path, or a class name, which
LightningCLI resolves among the ``Profiler`` subclasses. A lower-case word is read as a mistyped
name (``"simpel"``), not as a class: Lightning's class names, and PEP 8's, are CapWords."""

INCLUDE_PATTERN = r"^([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*|.*[/\\].*|.*\.(ya?ml|json|jsonnet))$"
"""A class path, a class name, or a config file to include (a path or a ``.yaml``/``.json`` name)."""

ObjectConfig = Union[ClassPathConfig, ClassPathString]
"""An object where a string is a registered name (``strategy``, ``accelerator``): the schema lets a
dotted string through, and TL344 reports it, since the Trainer reads it as a name."""

NamedObjectConfig = Union[ClassPathConfig, ClassNameString]
"""An object where LightningCLI turns a class name given as a string into the object."""

ArgumentsTable = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "not": {"required": ["class_path"]},
            "x-not-words": "a table of arguments cannot have `class_path`",
            "description": "The class's arguments directly, without `class_path`: LightningCLI reads this "
            "when its script gives a fixed model or data class, or (in subclass mode) for the base class itself.",
        }
    ),
]

TopObjectConfig = Union[
    ClassPathConfig,
    Annotated[str, Field(pattern=INCLUDE_PATTERN, json_schema_extra={"x-pattern-words": "a class path, a class name or a config file"})],
    ArgumentsTable,
]
"""``[model]``/``[data]``: an object, a class name, a config file to include, or a table of arguments."""

SEED_MAX = 2**32 - 1
"""``max_seed_value`` in ``lightning/fabric/utilities/seed.py`` (numpy's 32-bit seeds): ``seed_everything``
raises ``ValueError`` outside ``[0, SEED_MAX]``."""

NonNegativeInt = Annotated[int, Field(ge=0)]
TimeString = Annotated[
    str,
    Field(
        pattern=r"^\s*\d+:\d\d:\d\d:\d\d\s*$",
        json_schema_extra={
            "x-pattern-words": 'a time in the form "DD:HH:MM:SS" (two digits for hours, minutes, seconds)',
            "x-before": {
                TIMER_REGEX_SINCE: {
                    "pattern": LOOSE_TIME_PATTERN,
                    "x-pattern-words": 'a time in the form "DD:HH:MM:SS" (four ":"-separated integers)',
                }
            },
        },
    ),
]
r"""``max_time`` as a string: ``Timer`` matches ``(\d+):(\d\d):(\d\d):(\d\d)`` on the stripped value
(from 2.3; before, ``int()`` of each part: ``x-before`` says so, :mod:`trainer_lint.lightning.schema`
applies it)."""
LimitBatches = Optional[Union[int, float]]
"""``limit_*_batches``: Lightning checks the range (``[0.0, 1.0]`` or a whole number) only when it
reads the value, which it does not under ``fast_dev_run`` or ``overfit_batches``; the TL2xx rules
check it, not the schema."""


class IntervalDict(TypedDict, total=False):
    """A ``val_check_interval`` duration as ``datetime.timedelta`` keyword arguments (ints or floats)."""

    __pydantic_config__ = ConfigDict(extra="forbid", strict=True)  # type: ignore[misc]

    days: Annotated[Union[int, float], Field(description="Days.")]
    hours: Annotated[Union[int, float], Field(description="Hours.")]
    minutes: Annotated[Union[int, float], Field(description="Minutes.")]
    seconds: Annotated[Union[int, float], Field(description="Seconds.")]
    milliseconds: Annotated[Union[int, float], Field(description="Milliseconds.")]
    microseconds: Annotated[Union[int, float], Field(description="Microseconds.")]
    weeks: Annotated[Union[int, float], Field(description="Weeks.")]
