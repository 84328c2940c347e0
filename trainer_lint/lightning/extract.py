"""Read the facts trainer-lint needs from the Lightning release importable here (development only).

Runs in the process that has the release: the installed one (the freshness test) or a release
environment of :mod:`trainer_lint.lightning.venvs` (the generator). It imports Lightning;
``trainer-lint check`` never imports this module.

:func:`extract` returns plain JSON data:

* ``trainer``: every ``Trainer.__init__`` parameter with its kind, default (or ``default_repr``
  when TOML cannot write it), its annotation as text and, where TOML can write the annotation, its
  type (:func:`trainer_lint.classes.generate.toml_type`, the one annotation translation);
* ``fork_strategies``: the strategy names that fork (``_DDP_FORK_ALIASES``);
* ``precisions``: ``_PRECISION_INPUT``'s values: ``int``, ``str`` and the discouraged ``alias``
  forms, and the ``conversion`` of each alias (``_PRECISION_INPUT_STR_ALIAS_CONVERSION``);
* ``classes``: the class snapshot (:func:`trainer_lint.classes.generate.build`), which also holds
  the registries: the accelerator, strategy and profiler names the Trainer resolves to each class;
* ``foreign``: the public Lightning classes the snapshot leaves out because the Trainer cannot take
  them (Fabric's precisions, loggers, strategies, accelerators): their paths and the Lightning base
  they derive from (:func:`trainer_lint.classes.generate.foreign`).
"""

from __future__ import annotations

import inspect
import re
import sys
import typing
from typing import Any

KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
}


def annotation_text(annotation: Any) -> str:
    """A stable, readable spelling of an annotation (module prefixes dropped)."""
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, type):
        return annotation.__qualname__
    text = repr(annotation)
    text = re.sub(r"<class '([\w.]+)'>", r"\1", text)
    text = re.sub(r"\b(?:[a-z_][\w]*\.)+([A-Za-z_]\w*)", r"\1", text)  # typing.Union -> Union, a.b.C -> C
    text = re.sub(r"\bList\[", "list[", text)
    text = re.sub(r"\bDict\[", "dict[", text)
    return text


def trainer_parameters() -> dict[str, Any]:
    from lightning.pytorch import Trainer

    from trainer_lint.classes.generate import _signature, describe_parameter

    out: dict[str, Any] = {}
    for parameter in list(_signature(Trainer).parameters.values())[1:]:
        if parameter.kind not in KINDS:
            continue
        entry = {"kind": KINDS[parameter.kind], "annotation": annotation_text(parameter.annotation)}
        out[parameter.name] = {**entry, **describe_parameter(parameter)}
    return out


def precisions() -> dict[str, list[Any]]:
    """``_PRECISION_INPUT`` split into its int, string and discouraged-alias literals."""
    from lightning.fabric import connector

    def values(literal: Any) -> list[Any]:
        out: list[Any] = []
        for arg in typing.get_args(literal):
            out.extend(values(arg) if typing.get_args(arg) else [arg])
        return out

    from lightning.fabric.plugins.precision import precision as fabric_precision

    alias = values(getattr(connector, "_PRECISION_INPUT_STR_ALIAS", typing.Literal[()]))  # type: ignore[misc]
    every = values(connector._PRECISION_INPUT)
    conversion = getattr(connector, "_PRECISION_INPUT_STR_ALIAS_CONVERSION", None)
    if conversion is None:
        conversion = fabric_precision._PRECISION_INPUT_STR_ALIAS_CONVERSION
    return {
        "int": [v for v in every if isinstance(v, int) and not isinstance(v, bool)],
        "str": [v for v in every if isinstance(v, str) and v not in alias],
        "alias": alias,
        "conversion": dict(conversion),
    }


def fork_strategies() -> list[str]:
    """The strategy names that fork (``_DDP_FORK_ALIASES``)."""
    from lightning.pytorch.strategies.ddp import _DDP_FORK_ALIASES

    return sorted(_DDP_FORK_ALIASES)


def extract() -> dict[str, Any]:
    """Every fact of the importable release (deterministic: no addresses or local paths)."""
    import warnings

    warnings.filterwarnings("ignore")
    import lightning

    from trainer_lint.classes.generate import build

    snapshot = build()
    return {
        "version": lightning.__version__,
        "trainer": trainer_parameters(),
        "fork_strategies": fork_strategies(),
        "precisions": precisions(),
        "classes": snapshot["classes"],
        "foreign": snapshot["foreign"],
    }


def main() -> int:
    import json

    json.dump(extract(), sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
