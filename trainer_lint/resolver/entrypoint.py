"""The ``LightningCLI(...)`` call that reads the configs, found in the CLI script with :mod:`ast`.

``--cli-script train.py`` (``cli-script`` in settings) names the file. :func:`read_script` finds
the call (in the script's top level, in ``main()``, or in ``if __name__ == "__main__":``; through a
``LightningCLI`` subclass too) and reads what decides how LightningCLI parses ``[model]`` and
``[data]``:

* ``model_class`` / ``datamodule_class`` (first two positional arguments or keywords): ``None``
  means subclass mode with ``LightningModule`` / ``LightningDataModule`` as the base;
* ``subclass_mode_model`` / ``subclass_mode_data``: whether a ``class_path`` names any subclass of
  the class (subclass mode), or the table holds that class's arguments directly (fixed);
* ``auto_configure_optimizers`` (``optimizer`` and ``lr_scheduler`` keys);
* ``parser_kwargs`` with ``default_config_files``/``default_env`` and a subclass that links or
  sets arguments in ``add_arguments_to_parser``: values may come from elsewhere, so a missing
  argument is not provable;
* the top-level keys a subclass adds in ``add_arguments_to_parser`` (``parser.add_argument(
  "--out_dir")``, ``add_class_arguments``/``add_subclass_arguments``/``add_lightning_class_args``
  with their nested key), which a config may then hold beside ``trainer``, ``model``, ...;
* which Lightning distribution's ``LightningCLI`` the call builds (``lightning`` or
  ``pytorch_lightning``, through a project's subclass in another module too): the distribution
  that reads the configs (:mod:`trainer_lint.distribution`).

Whatever is not a literal (a variable, ``**kwargs``) makes the form unknown, and trainer-lint then
accepts both forms quietly, as without a script. The script is parsed, never run.
"""

from __future__ import annotations

import ast
import os
from typing import Any

from trainer_lint.distribution import package_of
from trainer_lint.formats import LIGHTNINGCLI_KEYS
from trainer_lint.resolver.classes import PyClass, as_class
from trainer_lint.resolver.names import Resolver
from trainer_lint.resolver.refs import FunctionRef, LightningClass, Unresolved, qualified_name
from trainer_lint.resolver.source import ModuleSource, read

CLI_PATHS = frozenset(
    {
        "lightning.pytorch.cli.LightningCLI",
        "pytorch_lightning.cli.LightningCLI",
        "lightning.pytorch.utilities.cli.LightningCLI",
        "pytorch_lightning.utilities.cli.LightningCLI",
        "lightning.LightningCLI",
    }
)
"""Where ``LightningCLI`` is imported from."""


class Slot:
    """How LightningCLI reads one of ``[model]`` / ``[data]``.

    ``mode``: ``subclass`` (a ``class_path`` names the class), ``fixed`` (the table holds the
    arguments of one class) or ``unknown``. ``base``: the class given to LightningCLI (a resolver
    class or :class:`Unresolved`); None: the Lightning base (``LightningModule`` /
    ``LightningDataModule``). ``written``: the argument as written in the script, for messages.
    """

    __slots__ = ("key", "mode", "base", "written")

    def __init__(self, key: str, mode: str, base: Any = None, written: str = "") -> None:
        self.key = key
        self.mode = mode
        self.base = base
        self.written = written


class CliScript:
    """What the CLI script says about the configs it reads.

    ``problem``: why the script could not be used (its forms are then unknown). ``optimizers``:
    whether ``optimizer``/``lr_scheduler`` keys exist (``auto_configure_optimizers``).
    ``values_from_elsewhere``: why an argument missing from a config may still be supplied
    (linked arguments, default config files); None when the config is all LightningCLI reads.
    ``linked``: keys (``model.init_args.num_classes``) that ``link_arguments`` fills.
    """

    def __init__(self, path: str, module: ModuleSource | None, problem: str | None = None, line: int = 0) -> None:
        self.path = path
        self.module = module
        self.problem = problem
        self.package: str | None = None
        """The distribution (``lightning`` or ``pytorch_lightning``) whose ``LightningCLI`` the
        script calls, through subclasses; without a call, the one its imports name (a
        ``LightningCLI`` import first, then a ``Trainer`` import, then any); None when unknown or
        when both are named alike."""
        self.package_from_call = False
        """Whether :attr:`package` comes from the call (else from the imports)."""
        self.model = Slot("model", "unknown")
        self.data = Slot("data", "unknown")
        self.optimizers: bool | None = True
        self.values_from_elsewhere: str | None = None
        self.linked: frozenset[str] = frozenset()
        self.added_keys: frozenset[str] = frozenset()
        """Top-level keys that ``add_arguments_to_parser`` adds (their values are not checked)."""
        self.added_keys_unknown: str | None = None
        """Why the script may add top-level keys that trainer-lint cannot name; None when
        :attr:`added_keys` is all it adds."""
        self.line = line

    @property
    def known(self) -> bool:
        return self.problem is None


def read_script(path: str, resolver: Resolver) -> CliScript:
    """Read the CLI script at ``path`` (never run)."""
    name = os.path.basename(path)
    if not os.path.isfile(path):
        return CliScript(path, None, problem=f"the CLI script {name} does not exist")
    module = read(path, "__main__", False)
    if module.error or module.tree is None:
        return CliScript(path, None, problem=f"the CLI script {name} {module.error}")
    calls: list[tuple[ast.Call, str]] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            cli_path = _cli_path(resolver, module, node.func)
            if cli_path is not None:
                calls.append((node, cli_path))
    if not calls:
        script = CliScript(path, module, problem=f"no `LightningCLI(...)` call was found in {name}")
        script.package = _imported_package(module)
        return script
    scripts = [_read_call(path, module, call, resolver) for call, _ in calls]
    result = scripts[0]
    for other in scripts[1:]:
        if (other.model.mode, other.data.mode, _same(other.model.base, result.model.base), _same(other.data.base, result.data.base)) != (
            result.model.mode,
            result.data.mode,
            True,
            True,
        ):
            result = CliScript(path, module, problem=f"{name} calls LightningCLI in more than one way")
            break
    packages = {package_of(cli_path) for _, cli_path in calls}
    result.package = packages.pop() if len(packages) == 1 else None
    result.package_from_call = True
    return result


def _same(a: Any, b: Any) -> bool:
    return a is b or getattr(a, "path", None) == getattr(b, "path", None) and getattr(a, "path", None) is not None


def _cli_path(resolver: Resolver, module: ModuleSource, func: ast.expr) -> str | None:
    """The import path (one of :data:`CLI_PATHS`) of the ``LightningCLI`` that ``func`` is or
    subclasses, or None when it is neither."""
    qualified = qualified_name(module, func)
    if qualified in CLI_PATHS:
        return qualified
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return None
    target = resolver.expr(module, func)
    return _cli_base(resolver, target, 0) if isinstance(target, PyClass) else None


def _cli_base(resolver: Resolver, cls: PyClass, depth: int) -> str | None:
    """The ``LightningCLI`` (its path in :data:`CLI_PATHS`) that ``cls`` subclasses, or None."""
    if depth > 10:
        return None
    for expr in cls.node.bases:
        qualified = qualified_name(cls.module, expr)
        if qualified in CLI_PATHS:
            return qualified
        target = resolver.expr(cls.module, expr) if isinstance(expr, (ast.Name, ast.Attribute)) else None
        if isinstance(target, PyClass):
            found = _cli_base(resolver, target, depth + 1)
            if found is not None:
                return found
    return None


def _imported_package(module: ModuleSource) -> str | None:
    """The distribution a script without a ``LightningCLI`` call names in its imports: the one it
    imports ``LightningCLI`` from, else ``Trainer``, else anything; None when both are named at
    the first rank that names one."""
    ranked: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for item in module.imports:
        name = item.module.rstrip("?")
        package = package_of(name)
        if package is None:
            continue
        imported = name.rpartition(".")[2] if item.module.endswith("?") else ""
        ranked[0 if imported == "LightningCLI" else 1 if imported == "Trainer" else 2].add(package)
    for packages in ranked:
        if packages:
            return next(iter(packages)) if len(packages) == 1 else None  # both alike: say nothing rather than guess
    return None


def _constant(node: ast.expr | None) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    raise ValueError


def _read_call(path: str, module: ModuleSource, call: ast.Call, resolver: Resolver) -> CliScript:
    name = os.path.basename(path)
    script = CliScript(path, module, line=call.lineno)
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        script.problem = f"the LightningCLI call in {name} passes *args or **kwargs"
        return script
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    model_node = call.args[0] if len(call.args) > 0 else keywords.get("model_class")
    data_node = call.args[1] if len(call.args) > 1 else keywords.get("datamodule_class")
    defaults: dict[str, ast.expr] = {}
    direct = qualified_name(module, call.func) in CLI_PATHS  # LightningCLI itself: nothing to read
    cli_class = resolver.expr(module, call.func) if not direct and isinstance(call.func, (ast.Name, ast.Attribute)) else None
    if isinstance(cli_class, PyClass):
        problem = _cli_subclass(resolver, cli_class, script, defaults)
        if problem:
            script.problem = problem
            return script
        model_node = model_node or defaults.get("model_class")
        data_node = data_node or defaults.get("datamodule_class")
    try:
        model_sub = bool(_constant(keywords["subclass_mode_model"])) if "subclass_mode_model" in keywords else False
        data_sub = bool(_constant(keywords["subclass_mode_data"])) if "subclass_mode_data" in keywords else False
        optimizers = keywords.get("auto_configure_optimizers")
        script.optimizers = bool(_constant(optimizers)) if optimizers is not None else True
    except ValueError:
        script.problem = f"the LightningCLI call in {name} sets a subclass mode from a variable"
        return script
    script.model = _slot("model", model_node, model_sub, module, resolver)
    script.data = _slot("data", data_node, data_sub, module, resolver)
    parser_kwargs = keywords.get("parser_kwargs")
    if parser_kwargs is not None:
        text = ast.unparse(parser_kwargs)
        if "default_config_files" in text or "default_env" in text or not isinstance(parser_kwargs, ast.Dict):
            script.values_from_elsewhere = "the LightningCLI call reads default config files or the environment"
    if "trainer_defaults" in keywords and not isinstance(keywords["trainer_defaults"], ast.Dict):
        script.values_from_elsewhere = script.values_from_elsewhere or "the LightningCLI call sets trainer defaults"
    return script


def _slot(key: str, node: ast.expr | None, subclass_mode: bool, module: ModuleSource, resolver: Resolver) -> Slot:
    if node is None or isinstance(node, ast.Constant) and node.value is None:
        return Slot(key, "subclass", None, "")
    written = ast.unparse(node)
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return Slot(key, "subclass" if subclass_mode else "fixed", Unresolved(f"`{written}` is computed at run time"), written)
    target = resolver.expr(module, node)
    if isinstance(target, FunctionRef):
        base: Any = Unresolved(f"`{written}` is a function that builds the object")
    else:
        base = as_class(target, written)
    return Slot(key, "subclass" if subclass_mode else "fixed", base, written)


def _cli_subclass(resolver: Resolver, cls: PyClass, script: CliScript, defaults: dict[str, ast.expr]) -> str | None:
    """Read a ``LightningCLI`` subclass: its ``add_arguments_to_parser`` links and defaults, and an
    ``__init__`` that passes the model or data class on."""
    linked: set[str] = set()
    added: set[str] = set()
    order = cls.mro()
    classes = [c for c in order if isinstance(c, PyClass)] if not isinstance(order, Unresolved) else [cls]
    for owner in classes:
        if owner is not cls and _cli_base(resolver, owner, 0) is None:
            continue
        init = owner.own("__init__")
        if isinstance(init, Unresolved):
            return f"the LightningCLI subclass `{owner.name}` defines __init__ in a way trainer-lint cannot read"
        if init is not None:
            for node in ast.walk(init):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__":
                    for keyword in node.keywords:
                        if keyword.arg in ("model_class", "datamodule_class"):
                            defaults.setdefault(keyword.arg, keyword.value)
                    if node.args and not isinstance(node.args[0], ast.Starred):
                        defaults.setdefault("model_class", node.args[0])
            if not defaults:
                return f"the LightningCLI subclass `{owner.name}` overrides __init__"
        hooks = owner.own("add_arguments_to_parser")
        if isinstance(hooks, ast.FunctionDef):
            for node in ast.walk(hooks):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                if node.func.attr == "link_arguments":
                    target = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "target"), None)
                    values = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                    for value in values:
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            linked.add(value.value)
                        else:
                            script.values_from_elsewhere = f"`{owner.name}.add_arguments_to_parser` links arguments trainer-lint cannot read"
                elif node.func.attr == "set_defaults":
                    script.values_from_elsewhere = script.values_from_elsewhere or f"`{owner.name}.add_arguments_to_parser` sets defaults"
                elif node.func.attr in ADDING_METHODS:
                    key = _added_key(node)
                    if key is None or key in LIGHTNINGCLI_KEYS:  # an argument added under LightningCLI's own keys may fill them
                        script.added_keys_unknown = f"`{owner.name}.add_arguments_to_parser` adds an argument whose name trainer-lint cannot read"
                        script.values_from_elsewhere = script.values_from_elsewhere or f"`{owner.name}.add_arguments_to_parser` adds arguments"
                    else:
                        added.update({key, key.replace("-", "_")})  # argparse's dest spelling too
    script.linked = frozenset(linked)
    script.added_keys = frozenset(added)
    return None


ADDING_METHODS = {"add_argument": 0, "add_class_arguments": 1, "add_subclass_arguments": 1, "add_lightning_class_args": 1, "add_method_arguments": 2}
"""The parser methods that add keys, and the position of the argument naming the key (jsonargparse's
``nested_key``; ``add_argument``'s first option string)."""


def _added_key(call: ast.Call) -> str | None:
    """The top-level key a ``parser.add_...(...)`` call adds, or None when it cannot be read."""
    method: str = call.func.attr  # type: ignore[attr-defined]
    if method == "add_argument":
        names = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        long = [n for n in names if n.startswith("--")]
        if len(names) != len(call.args) or not long:
            return None
        return long[0][2:].split(".", 1)[0] or None
    position = ADDING_METHODS[method]
    node = call.args[position] if len(call.args) > position else next((k.value for k in call.keywords if k.arg == "nested_key"), None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value.split(".", 1)[0]
    return None


def lightning_base(slot: str) -> str:
    """The Lightning class LightningCLI uses for ``slot`` when the script passes none."""
    return "lightning.pytorch.LightningModule" if slot == "model" else "lightning.pytorch.LightningDataModule"


def base_class(resolver: Resolver, slot: Slot) -> Any:
    """The class a ``class_path`` in ``slot`` must subclass (a resolver class or :class:`Unresolved`)."""
    if slot.base is None:
        found = resolver.lookup(lightning_base(slot.key))
        return found if isinstance(found, LightningClass) else Unresolved("the Lightning base class is not in the snapshot")
    return slot.base
