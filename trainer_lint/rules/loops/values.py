"""How Lightning reads the loop, limit and time arguments, shared by the loop rules: each value as
the Trainer will see it, what ``fast_dev_run`` and ``overfit_batches`` replace, batch limits, and
``val_check_interval``/``max_time`` durations.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

from trainer_lint.rules.base import Context

LIMITS = ("limit_train_batches", "limit_val_batches", "limit_test_batches", "limit_predict_batches")
"""The ``limit_*_batches`` arguments, in the order Lightning reads them."""


BATCH_ARGUMENTS = frozenset({"overfit_batches", *LIMITS, "val_check_interval"})
"""The arguments that take a fraction of an epoch or a number of batches (rule triggers)."""


_TIMER_PATTERN = re.compile(r"(\d+):(\d\d):(\d\d):(\d\d)")

TIMER_REGEX_SINCE = "2.3"
r"""From Lightning 2.3 ``Timer`` reads a ``max_time`` string with ``re.fullmatch(r"(\d+):(\d\d):(\d\d):(\d\d)")``;
before, with ``[int(i) for i in duration.strip().split(":")]`` and the first four numbers
(``"-1:00:00:00"`` and ``"1:2:3:4"`` are durations there). Tested against the real releases by
``tests/differential/test_lightning_releases.py``."""

_INT_TEXT = r"\s*[+-]?\d+(?:_\d+)*\s*"
LOOSE_TIME_PATTERN = rf"^{_INT_TEXT}(?::{_INT_TEXT}){{3,}}$"
"""What ``int()`` of each of at least four ``:``-separated parts reads: the ``max_time`` strings
that releases before :data:`TIMER_REGEX_SINCE` take."""


def value(ctx: Context, name: str) -> Any:
    """``trainer.<name>`` when it and everything inside it is well-typed, else the Trainer default.

    ``check_val_every_n_epoch = "none"`` comes back as None.
    """
    out = ctx.trainer[name] if ctx.is_clean(name) else ctx.default(name)
    if name == "check_val_every_n_epoch" and out == "none":
        return None
    return out


def is_set(ctx: Context, name: str) -> bool:
    """Whether the user wrote ``trainer.<name>`` and it is well-typed throughout."""
    return ctx.is_clean(name)


def _default(ctx: Context, name: str) -> Any:
    return ctx.default(name)


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def fast_dev_run(ctx: Context) -> int:
    """The number of batches a fast dev run uses; 0 when it is off."""
    fdr = value(ctx, "fast_dev_run")
    if fdr is True:
        return 1
    return fdr if is_int(fdr) and fdr > 0 else 0


def overfit_on(ctx: Context) -> bool:
    """Whether ``overfit_batches`` is a valid positive value (Lightning then replaces train/val limits)."""
    ob = value(ctx, "overfit_batches")
    return is_number(ob) and batch_limit_problem(ob) is None and ob > 0


def batch_limit_problem(batches: Any) -> str | None:
    """Why ``_determine_batch_limits`` raises for ``batches``, or None when it accepts it."""
    if not is_number(batches):
        return None
    if 0 <= batches <= 1:
        return None
    if batches > 1 and batches % 1.0 == 0:
        return None
    if isinstance(batches, float) and math.isnan(batches):
        return "is not a number"
    if batches < 0:
        return "is negative"
    if math.isinf(batches):
        return "is infinite"
    return "is a fraction above 1.0"


def effective_batches(batches: Any) -> Any:
    """What ``_determine_batch_limits`` turns a valid value into (whole floats above 1 become ints)."""
    if batches is None:
        return 1.0
    if isinstance(batches, float) and batches > 1 and batches % 1.0 == 0:
        return int(batches)
    return batches


def parse_interval(raw: Any) -> tuple[float | None, str | None, str]:
    """Parse a ``val_check_interval`` duration as ``_parse_time_interval_seconds`` does.

    Returns ``(seconds, problem, code)``: ``problem`` is None when Lightning accepts the value;
    ``code`` is the rule that reports the problem.
    """
    if isinstance(raw, dict):
        try:
            return timedelta(**raw).total_seconds(), None, ""
        except TypeError:  # unknown key: the schema rules report it
            return None, None, ""
        except (OverflowError, ValueError) as error:
            return None, _overflow_words(error), TIME_RANGE
    parts = raw.split(":")
    if len(parts) != 4:
        return None, f"has {len(parts)} part{'s' if len(parts) != 1 else ''}, not the 4 of \"DD:HH:MM:SS\"", TIME_FORMAT
    try:
        days, hours, minutes, seconds = (int(p) for p in parts)
    except ValueError:
        return None, 'has a part that is not an integer; write "DD:HH:MM:SS"', TIME_FORMAT
    try:
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds(), None, ""
    except OverflowError as error:
        return None, _overflow_words(error), TIME_RANGE


def parse_max_time(raw: Any, ctx: Context | None = None) -> tuple[float | None, str | None]:
    """Parse ``max_time`` as ``Timer.__init__`` of the file's release does (the string form is
    checked by the schema)."""
    try:
        if isinstance(raw, dict):
            return timedelta(**raw).total_seconds(), None
        if ctx is not None and ctx.lightning.before(TIMER_REGEX_SINCE):
            if re.fullmatch(LOOSE_TIME_PATTERN, raw) is None:  # the schema reports the form
                return None, None
            d, h, m, s = (int(part) for part in raw.strip().split(":")[:4])
            return timedelta(days=d, hours=h, minutes=m, seconds=s).total_seconds(), None
        match = _TIMER_PATTERN.fullmatch(raw.strip())
        if match is None:  # the schema reports the form
            return None, None
        d, h, m, s = (int(g) for g in match.groups())
        return timedelta(days=d, hours=h, minutes=m, seconds=s).total_seconds(), None
    except TypeError:
        return None, None
    except (OverflowError, ValueError) as error:
        return None, _overflow_words(error)


def _overflow_words(error: Exception) -> str:
    text = str(error)
    if "NaN" in text:
        return "contains nan, which is not a duration"
    return "is longer than Python's `timedelta` allows (999999999 days)"


def say_duration(seconds: float) -> str:
    return f"{seconds:g} seconds"


INVALID_BATCH_LIMIT = "TL210"


AMBIGUOUS_BATCH_LIMIT = "TL211"


FLOAT_INTERVAL_WITHOUT_EPOCH = "TL212"


TIME_FORMAT = "TL213"


TIME_RANGE = "TL214"


NON_POSITIVE_DURATION = "TL215"
