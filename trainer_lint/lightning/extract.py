"""Read the facts trainer-lint needs from the Lightning release importable here (development only).

Runs in the process that has the release: the installed one (the freshness test) or a release
environment of :mod:`trainer_lint.lightning.venvs` (the generator). It imports Lightning;
``trainer-lint check`` never imports this module.

:func:`extract` returns plain JSON data:

* ``trainer``: every ``Trainer.__init__`` parameter with its kind, default (or ``default_repr``
  when TOML cannot write it), its annotation as text and, where TOML can write the annotation, its
  type (:func:`trainer_lint.classes.generate.toml_type`, the one annotation translation);
* ``accelerators``, ``strategies``: the names in ``AcceleratorRegistry`` and ``StrategyRegistry``;
  ``strategy_classes``: the snapshot class each strategy name builds; ``fork_strategies``: the
  names that fork (``_DDP_FORK_ALIASES``);
* ``profilers``: the names ``Trainer(profiler="...")`` resolves (``_init_profiler``);
* ``precisions``: ``_PRECISION_INPUT``'s values: ``int``, ``str`` and the discouraged ``alias``
  forms, and the ``conversion`` of each alias (``_PRECISION_INPUT_STR_ALIAS_CONVERSION``);
* ``classes``: the class snapshot (:func:`trainer_lint.classes.generate.build`).
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
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


def profilers() -> list[str]:
    """The keys of the ``PROFILERS`` mapping in ``_init_profiler`` (read from its source)."""
    from lightning.pytorch.trainer import setup

    tree = ast.parse(textwrap.dedent(inspect.getsource(setup._init_profiler)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            if any(isinstance(t, ast.Name) and t.id == "PROFILERS" for t in node.targets):
                return [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
    raise SystemExit("`_init_profiler` no longer has a PROFILERS mapping; update trainer_lint/lightning/extract.py")


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


def registries() -> dict[str, Any]:
    from lightning.pytorch.accelerators import AcceleratorRegistry
    from lightning.pytorch.strategies import StrategyRegistry
    from lightning.pytorch.strategies.ddp import _DDP_FORK_ALIASES

    return {
        "accelerators": sorted(AcceleratorRegistry.available_accelerators()),
        "strategies": sorted(StrategyRegistry.available_strategies()),
        "fork_strategies": sorted(_DDP_FORK_ALIASES),
    }


def strategy_classes(classes: dict[str, Any]) -> dict[str, str]:
    """Each registered strategy name -> the snapshot path of the class it builds."""
    from lightning.pytorch.strategies import StrategyRegistry

    import importlib

    def load(path: str) -> Any:
        module, _, attr = path.rpartition(".")
        return getattr(importlib.import_module(module), attr)

    by_class = {load(canonical): canonical for canonical in classes}
    return {name: by_class[StrategyRegistry[name]["strategy"]] for name in StrategyRegistry.available_strategies()}


def extract() -> dict[str, Any]:
    """Every fact of the importable release (deterministic: no addresses or local paths)."""
    import warnings

    warnings.filterwarnings("ignore")
    import lightning

    from trainer_lint.classes.generate import build

    classes = build()["classes"]
    return {
        "version": lightning.__version__,
        "trainer": trainer_parameters(),
        **registries(),
        "strategy_classes": strategy_classes(classes),
        "profilers": profilers(),
        "precisions": precisions(),
        "classes": classes,
    }


def main() -> int:
    import json

    json.dump(extract(), sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
