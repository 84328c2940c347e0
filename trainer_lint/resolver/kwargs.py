"""``**kwargs`` followed as jsonargparse follows them: the parameters of a function or
``__init__``, plus what its ``**kwargs`` reach (``super().__init__(**kwargs)``,
``Other(**kwargs)``, ``self.helper(**kwargs)``) and the names it reads (``kwargs.pop("name",
default)``, ``kwargs.get("name", default)``), minus the names it passes itself. ``**kwargs`` used
any other way leave the signature *open*.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from trainer_lint.resolver.hints import ANY
from trainer_lint.resolver.refs import MAX_DEPTH, FunctionRef, LightningClass, Unresolved, unparse
from trainer_lint.resolver.signature import Param, Signature
from trainer_lint.resolver.source import ModuleSource

if TYPE_CHECKING:
    from trainer_lint.resolver.classes import PyClass
    from trainer_lint.resolver.names import Resolver


def forwards_through_super(cls: PyClass) -> bool:
    init = cls.own("__init__")
    if not isinstance(init, (ast.FunctionDef, ast.AsyncFunctionDef)) or init.args.kwarg is None:
        return False
    name = init.args.kwarg.arg
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and is_super_call(node) and any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == name for k in node.keywords):
            return True
    return False


def is_super_call(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"



def function_signature(
    resolver: Resolver,
    module: ModuleSource,
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    *,
    owner: PyClass | None,
    label: str,
    depth: int = 0,
) -> Signature | Unresolved:
    """The parameters of a function (a method when ``owner`` is its class: ``self`` is skipped),
    with ``**kwargs`` followed as jsonargparse follows them."""
    if depth > MAX_DEPTH:
        return Unresolved(f"`{label}` forwards **kwargs too deeply")
    for decorator in func.decorator_list:
        text = unparse(decorator)
        if not text.endswith(("override", "no_type_check")):
            return Unresolved(f"`{label}.__init__` is decorated with @{text}, which may replace its signature" if owner else f"`{label}` is decorated with @{text}")
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    if owner is not None:
        if not positional:
            return Unresolved(f"`{label}.__init__` takes no `self`")
        positional = positional[1:]
    if len(args.posonlyargs) > (1 if owner is not None else 0):
        return Unresolved(f"`{label}` has positional-only parameters")
    params: dict[str, Param] = {}
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    # an untyped parameter without a default is not required: LightningCLI adds class arguments
    # with `fail_untyped=False`, which gives it the default None
    for arg, default in zip(positional, defaults):
        params[arg.arg] = Param(arg.arg, None, default is None and arg.annotation is not None, label, resolver.lazy_annotation(module, arg.annotation), _is_none(default))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params[arg.arg] = Param(arg.arg, None, default is None and arg.annotation is not None, label, resolver.lazy_annotation(module, arg.annotation), _is_none(default))
    signature = Signature(params)
    if args.kwarg is not None:
        _follow_kwargs(resolver, module, func, owner, label, signature, depth)
    return signature


def _follow_kwargs(
    resolver: Resolver,
    module: ModuleSource,
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: PyClass | None,
    label: str,
    signature: Signature,
    depth: int,
) -> None:
    """Add what ``**kwargs`` reaches to ``signature`` (or mark it open)."""
    assert func.args.kwarg is not None
    name = func.args.kwarg.arg
    self_name = (func.args.posonlyargs + func.args.args)[0].arg if owner is not None and (func.args.posonlyargs + func.args.args) else None
    uses = _kwargs_uses(func, name)
    removed: set[str] = set()
    popped: set[str] = set()
    found: list[dict[str, Param]] = []
    for use, node in uses:
        if use == "pop":
            assert isinstance(node, ast.Call)
            key = node.args[0].value  # type: ignore[attr-defined]
            popped.add(key)
            found.append({key: Param(key, ANY, False, label)})
            continue
        if use != "call":
            signature.open = True
            signature.open_reason = f"`{label}` uses **{name} in a way trainer-lint does not follow"
            continue
        assert isinstance(node, ast.Call)
        target = _call_target(resolver, module, node, owner, self_name)
        if isinstance(target, Unresolved):
            signature.open = True
            signature.open_reason = f"`{label}` forwards **{name} to something trainer-lint cannot read ({target.reason})"
            continue
        inner, skip_first = target
        if isinstance(inner, Unresolved):
            signature.open = True
            signature.open_reason = f"`{label}` forwards **{name} to something trainer-lint cannot read ({inner.reason})"
            continue
        if inner.open:
            signature.open = True
            signature.open_reason = inner.open_reason
        names = list(inner.params)
        given_positions = len([a for a in node.args if not isinstance(a, ast.Starred)])
        given_names = {k.arg for k in node.keywords if k.arg}
        kept = {}
        for index, param_name in enumerate(names):
            if index < given_positions or param_name in given_names:
                removed.add(param_name)
                continue
            kept[param_name] = inner.params[param_name]
        found.append(kept)
    merged: dict[str, Param] = {}
    for part in found:
        for key, param in part.items():
            if key in merged:  # reached twice: jsonargparse makes a union of the types; accept any value
                merged[key] = Param(key, ANY, merged[key].required and param.required, merged[key].owner)
            else:
                merged[key] = param
    if len(found) > 1:  # a name some calls take and others do not: jsonargparse's defaults are conditional
        counts: dict[str, int] = {}
        for part in found:
            for key in part:
                counts[key] = counts.get(key, 0) + 1
        for key, param in list(merged.items()):
            if counts[key] < len(found):
                merged[key] = param.with_required(False)
    for key, param in merged.items():
        if key in removed and key not in popped:
            continue
        signature.params.setdefault(key, param)


def _kwargs_uses(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[tuple[str, ast.AST]]:
    """How ``name`` (the ``**kwargs`` parameter) is used in the body: ``("call", Call)`` for
    ``f(**name)``, ``("pop", Call)`` for ``name.pop("k", d)``/``name.get("k", d)``, ``("other", node)``."""
    uses: list[tuple[str, ast.AST]] = []
    handled: set[int] = set()
    for node in ast.walk(func):
        if node is func:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            for inner in ast.walk(node):  # a closure that captures kwargs: not followed
                if isinstance(inner, ast.Name) and inner.id == name:
                    uses.append(("other", inner))
                    handled.add(id(inner))
            continue
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == name:
                    uses.append(("call", node))
                    handled.add(id(keyword.value))
            func_node = node.func
            if (
                isinstance(func_node, ast.Attribute)
                and isinstance(func_node.value, ast.Name)
                and func_node.value.id == name
                and func_node.attr in ("pop", "get")
                and len(node.args) == 2
                and not node.keywords
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                uses.append(("pop", node))
                handled.add(id(func_node.value))
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id == name and id(node) not in handled and not isinstance(node.ctx, ast.Store):
            if any(u is node for _, u in uses):
                continue
            uses.append(("other", node))
        elif isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            uses.append(("other", node))
    return uses


def _call_target(
    resolver: Resolver, module: ModuleSource, node: ast.Call, owner: PyClass | None, self_name: str | None
) -> tuple[Signature | Unresolved, bool] | Unresolved:
    """The signature of what a call that forwards ``**kwargs`` calls."""
    from trainer_lint.resolver.classes import PyClass, signature_of  # classes imports this module

    func = node.func
    if is_super_call(node) and owner is not None:
        assert isinstance(func, ast.Attribute)
        if func.attr != "__init__":
            return Unresolved(f"**kwargs go to `super().{func.attr}`")
        super_args = func.value.args  # type: ignore[attr-defined]
        start = None
        if super_args:
            if len(super_args) != 2 or not isinstance(super_args[0], ast.Name):
                return Unresolved("super() is called with unusual arguments")
            start_target = resolver.expr(module, super_args[0])
            if start_target is not owner:
                order = owner.mro()
                if isinstance(order, Unresolved):
                    return order
                start = next((c for c in order if c is start_target), None)
                if start is None:
                    return Unresolved(f"super({unparse(super_args[0])}, ...) names a class trainer-lint cannot place")
        provider = owner.next_with_init(0, start)
        if isinstance(provider, Unresolved):
            return provider
        return signature_of(provider), False
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == self_name and owner is not None:
        order = owner.mro()
        if isinstance(order, Unresolved):
            return order
        for cls in order:
            if isinstance(cls, PyClass):
                method = cls.own(func.attr)
                if isinstance(method, Unresolved):
                    return method
                if method is not None:
                    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod", "property") for d in method.decorator_list):
                        return Unresolved(f"**kwargs go to `{func.attr}`, a static or class method")
                    return function_signature(resolver, cls.module, method, owner=cls, label=f"{cls.name}.{func.attr}"), True
            else:
                break
        return Unresolved(f"**kwargs go to `self.{func.attr}`, which trainer-lint cannot find")
    if isinstance(func, (ast.Name, ast.Attribute)):
        target = resolver.expr(module, func)
        if isinstance(target, (PyClass, LightningClass)):
            return target.signature(), False
        if isinstance(target, FunctionRef):
            return function_signature(resolver, target.module, target.node, owner=None, label=target.path.rpartition(".")[2]), False
        if isinstance(target, Unresolved):
            return target
        return Unresolved(f"**kwargs go to `{unparse(func)}`")
    return Unresolved(f"**kwargs go to `{unparse(func)}`")



def _is_none(default: Any) -> bool:
    """Whether an AST default is the literal ``None``."""
    return isinstance(default, ast.Constant) and default.value is None
