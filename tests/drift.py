"""Compare a config model with ``lightning.Trainer.__init__``: the drift check."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any


def trainer_parameters(trainer_cls: Any) -> dict[str, Any]:
    """Name -> default of every keyword parameter of ``trainer_cls.__init__``."""
    sig = inspect.signature(trainer_cls.__init__)
    return {n: p.default for n, p in sig.parameters.items() if n != "self" and p.kind is not p.VAR_KEYWORD}


def model_defaults(model_cls: Any) -> dict[str, Any]:
    """Name -> default of every field of a (pydantic) dataclass."""
    out = {}
    for f in dataclasses.fields(model_cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
            # pydantic stores Field(...) objects as the dataclass default
            default = getattr(default, "default", default)
        else:
            default = dataclasses.MISSING
        out[f.name] = default
    return out


def drift(model_cls: Any, trainer_cls: Any) -> list[str]:
    """Human-readable differences: parameters missing from the model, extra fields, other defaults."""
    params = trainer_parameters(trainer_cls)
    fields = model_defaults(model_cls)
    problems = [f"missing from the model: `{n}` (Trainer default {params[n]!r})" for n in params if n not in fields]
    problems += [f"extra in the model (not a Trainer parameter): `{n}`" for n in fields if n not in params]
    problems += [
        f"different default for `{n}`: model {fields[n]!r}, Trainer {params[n]!r}"
        for n in params
        if n in fields and fields[n] != params[n]
    ]
    return problems
