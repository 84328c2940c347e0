"""The linter's own configuration: ``[tool.trainer-lint]`` in ``pyproject.toml``, and the command line.

::

    [tool.trainer-lint]
    select = ["TL"]                      # codes or prefixes to run (default: every rule)
    ignore = ["TL902"]                   # codes or prefixes to skip
    exclude = ["legacy/", "*.gen.toml"]  # globs of paths not to lint
    strict = false                       # exit 1 on warnings too
    format = "text"                      # text, full, json, github, sarif

    source-roots = ["src", "."]          # where the modules a class_path names are searched
    cli-script = "train.py"              # the file holding the LightningCLI(...) call
    lightning-version = "2.4"            # the Lightning release the configs are checked against
    lightning-package = "lightning"      # whose Trainer reads them: lightning or pytorch_lightning
    target = "gpu:8xA100"                # the machine the configs are meant for (docs/targets.md)

    [tool.trainer-lint.per-file-ignores]
    "experiments/*.toml" = ["TL103"]     # glob -> codes or prefixes skipped in matching files

    [tool.trainer-lint.per-file-target]
    "configs/laptop/*.toml" = "cpu"      # glob -> target for matching files

Where it is read from: the nearest ``pyproject.toml`` that has a ``[tool.trainer-lint]`` table,
searching upward from the first path named on the command line (from the current folder when
none is named), as ruff does. ``--config FILE`` names the file instead; ``--isolated`` ignores
every settings file. Globs in ``exclude`` and ``per-file-ignores`` are relative to the folder of
that ``pyproject.toml``; a glob without ``/`` matches a file or folder name anywhere. Paths in
``source-roots`` and ``cli-script`` are relative to it too; the flags' paths to the current folder.
A source root that is not a folder or a CLI script that is not a file is a usage error (exit 2).
Without ``source-roots``, the roots are the project root (the settings file's folder, else the
nearest folder above a config with a ``pyproject.toml``, ``setup.py``, ``setup.cfg`` or ``.git``)
and its ``src/`` when present; see :mod:`trainer_lint.resolver.project`.

Precedence, lowest first: trainer-lint's defaults, then the settings file, then the command line.
Each command-line flag replaces its setting (``--select``, ``--ignore``, ``--exclude``,
``--strict/--no-strict``, ``--format``); ``--extend-select`` and ``--extend-ignore`` add to the
result. Within a selection the longest matching code or prefix decides (``ignore`` wins a tie);
``per-file-ignores`` always win. An unknown key, a value of the wrong type or a code that names no
rule is a usage error (:class:`SettingsError`, exit status 2).

This module is on the ``check`` path: it imports only ``tomli`` and the engine.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli

from trainer_lint.engine import Selection
from trainer_lint.options import Options

PYPROJECT = "pyproject.toml"
SECTION = "trainer-lint"
KEYS = (
    "select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "strict",
    "format",
    "source-roots",
    "cli-script",
    "lightning-version",
    "lightning-package",
    "target",
    "per-file-target",
)


class SettingsError(Exception):
    """A settings file or command-line option that cannot be used (exit status 2)."""


@dataclass(frozen=True)
class Settings:
    """What one ``[tool.trainer-lint]`` table says; ``None`` where it says nothing."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] | None = None
    strict: bool | None = None
    format: str | None = None
    path: Path | None = None
    """The ``pyproject.toml`` these came from (``None``: defaults only)."""
    source_roots: tuple[str, ...] | None = None
    cli_script: str | None = None
    lightning_version: str | None = None
    target: str | None = None
    per_file_target: tuple[tuple[str, str], ...] = ()
    lightning_package: str | None = None

    @property
    def root(self) -> Path:
        """The folder globs are relative to: the settings file's, or the current one."""
        return self.path.parent if self.path is not None else Path.cwd()


@dataclass(frozen=True)
class Overrides:
    """Command-line options; ``None`` where the flag was not given."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] | None = None
    extend_ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    strict: bool | None = None
    format: str | None = None
    source_roots: tuple[str, ...] | None = None
    cli_script: str | None = None
    lightning_version: str | None = None
    lightning_package: str | None = None
    target: str | None = None
    launcher: str | None = None


@dataclass(frozen=True)
class PerFileSelection(Selection):
    """A :class:`Selection` with a file's ``per-file-ignores`` on top, which always win."""

    file_ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        return super().enabled(code) and not any(code.startswith(p) for p in self.file_ignore)


@dataclass(frozen=True)
class Resolved:
    """The settings a ``check`` run uses: defaults, then the settings file, then the command line."""

    selection: Selection = field(default_factory=Selection)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    strict: bool = False
    format: str = "text"
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None
    options: Options = field(default_factory=Options)
    """What the knowledge layer needs (Lightning release, source roots, CLI script, target)."""

    def selection_for(self, path: str) -> Selection:
        """The selection for one file: the run's, less the ``per-file-ignores`` that match it."""
        if not self.per_file_ignores:
            return self.selection
        extra: list[str] = []
        rel = _relative(path, self.root)
        for pattern, codes in self.per_file_ignores:
            if _glob_matches(rel, pattern):
                extra.extend(codes)
        if not extra:
            return self.selection
        return PerFileSelection(self.selection.select, self.selection.ignore, tuple(extra))


# ----------------------------------------------------------------------------- finding


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.trainer-lint]`` table, upward from ``start``."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / PYPROJECT
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if SECTION in text and _table(_parse(text, path), path) is not None:
            return path
    return None


def load(path: Path) -> Settings:
    """Read ``[tool.trainer-lint]`` from ``path`` (empty settings when the table is missing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"cannot read settings file {path}: {getattr(error, 'strerror', None) or error}") from None
    table = _table(_parse(text, path), path)
    return Settings(path=path) if table is None else from_table(table, path)


def discover(paths: list[str] | None, *, config: str | None = None, isolated: bool = False) -> Settings:
    """The settings for a run over ``paths``: ``--config``, else the nearest pyproject.toml."""
    if isolated:
        return Settings()
    if config is not None:
        return load(Path(config))
    start = Path(paths[0]) if paths else Path.cwd()
    if not start.exists():
        start = Path.cwd()
    found = find_pyproject(start)
    return load(found) if found is not None else Settings()


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise SettingsError(f"{path}: TOML syntax error: {error}") from None


def _table(data: dict[str, Any], path: Path) -> dict[str, Any] | None:
    tool = data.get("tool")
    table = tool.get(SECTION) if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise SettingsError(f"{path}: `tool.{SECTION}` must be a table")
    return table


# ---------------------------------------------------------------------------- validating


def from_table(table: dict[str, Any], path: Path | None = None) -> Settings:
    """Validate a ``[tool.trainer-lint]`` table; raise :class:`SettingsError` on any mistake."""
    where = f"{path}: [tool.{SECTION}]" if path is not None else f"[tool.{SECTION}]"
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(KEYS)}"
            raise SettingsError(f"{where}: unknown key `{key}`{hint}")
    select = _codes(table, "select", where)
    ignore = _codes(table, "ignore", where)
    exclude = _strings(table, "exclude", where)
    strict = table.get("strict")
    if strict is not None and not isinstance(strict, bool):
        raise SettingsError(f"{where}: `strict` must be true or false")
    output_format = table.get("format")
    if output_format is not None:
        from trainer_lint.formatters import FORMATS

        if output_format not in FORMATS:
            raise SettingsError(f"{where}: unknown format {output_format!r}; choose from {', '.join(FORMATS)}")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise SettingsError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
    pairs = tuple((pattern, _codes(per_file, pattern, f"{where} per-file-ignores") or ()) for pattern in per_file)
    check_codes([code for _, codes in pairs for code in codes], f"{where} per-file-ignores")
    check_codes([*(select or ()), *(ignore or ())], where)
    source_roots = _strings(table, "source-roots", where)
    cli_script = _string(table, "cli-script", where)
    lightning_version = _string(table, "lightning-version", where)
    if lightning_version is not None:
        check_version(lightning_version, f"{where} lightning-version")
    lightning_package = _string(table, "lightning-package", where)
    if lightning_package is not None:
        lightning_package = check_package(lightning_package, f"{where}: `lightning-package`")
    target = _string(table, "target", where)
    if target is not None:
        check_target(target, f"{where} target")
    per_file_target = table.get("per-file-target", {})
    if not isinstance(per_file_target, dict) or not all(isinstance(v, str) for v in per_file_target.values()):
        raise SettingsError(f'{where}: `per-file-target` must be a table of glob = "target"')
    for pattern, value in per_file_target.items():
        check_target(value, f"{where} per-file-target {pattern!r}")
    return Settings(
        select,
        ignore,
        pairs,
        exclude,
        strict,
        output_format,
        path,
        source_roots=source_roots,
        cli_script=cli_script,
        lightning_version=lightning_version,
        target=target,
        per_file_target=tuple(per_file_target.items()),
        lightning_package=lightning_package,
    )


def _string(table: dict[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise SettingsError(f"{where}: `{key}` must be a non-empty string")
    return value


def check_version(text: str, where: str) -> None:
    """Raise :class:`SettingsError` unless ``text`` reads as a release number: ``X.Y``, ``X.Y.Z``
    or a full PEP 440 release such as ``2.0.9.post0`` (at least major and minor)."""
    from trainer_lint.lightning.versions import is_version, release

    if not is_version(text) or len(release(text)) < 2:
        raise SettingsError(f"{where}: {text!r} is not a Lightning release number (X.Y or X.Y.Z, e.g. 2.4 or 2.4.0)")


def check_target(text: str, where: str) -> None:
    """Raise :class:`SettingsError` unless ``text`` is a target spelling (``docs/targets.md``)."""
    from trainer_lint.target import TargetError, check

    try:
        check(text)
    except TargetError as error:
        raise SettingsError(f"{where}: {error}") from None


def check_launcher(path: str, where: str) -> None:
    """Raise :class:`SettingsError` unless ``path`` is a readable launch script."""
    from trainer_lint.launchers import LaunchError, load

    try:
        load(path)
    except LaunchError as error:
        raise SettingsError(f"{where}: {error}") from None


def _strings(table: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where}: `{key}` must be an array of strings")
    return tuple(value)


def _codes(table: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    values = _strings(table, key, where)
    if values is None:
        return None
    return tuple(part.strip().upper() for value in values for part in value.split(",") if part.strip())


def check_codes(codes: list[str] | tuple[str, ...], where: str) -> None:
    """Raise :class:`SettingsError` naming every entry that matches no rule code."""
    from trainer_lint.rules import RULES_BY_CODE

    unknown = [c for c in codes if not any(known.startswith(c) for known in RULES_BY_CODE)]
    if unknown:
        raise SettingsError(f"{where}: unknown rule code(s): {', '.join(unknown)}; `trainer-lint rules` lists them")


# ----------------------------------------------------------------------------- merging


def resolve(settings: Settings, overrides: Overrides = Overrides(), *, cwd: Path | None = None) -> Resolved:
    """Merge defaults, ``settings`` and command-line ``overrides`` (each flag replaces its setting)."""
    check_codes([*(overrides.select or ()), *overrides.extend_select], "--select")
    check_codes([*(overrides.ignore or ()), *overrides.extend_ignore], "--ignore")
    if overrides.format is not None:
        from trainer_lint.formatters import FORMATS

        if overrides.format not in FORMATS:
            raise SettingsError(f"unknown format {overrides.format!r}; choose from {', '.join(FORMATS)}")
    select = _first(overrides.select, settings.select, ("TL",)) + overrides.extend_select
    ignore = _first(overrides.ignore, settings.ignore, ()) + overrides.extend_ignore
    cwd = cwd or Path.cwd()
    if overrides.exclude is not None:
        exclude = overrides.exclude
    else:
        exclude = tuple(_rebase(p, settings.root, cwd) for p in settings.exclude or ())
    if overrides.lightning_version is not None:
        check_version(overrides.lightning_version, "--lightning-version")
    if overrides.lightning_package is not None:
        check_package(overrides.lightning_package, "--lightning-package")
    if overrides.target is not None:
        check_target(overrides.target, "--target")
    if overrides.launcher is not None:
        check_launcher(os.path.join(cwd, os.path.expanduser(overrides.launcher)), "--launcher")
    return Resolved(
        selection=Selection(select=select, ignore=ignore),
        per_file_ignores=settings.per_file_ignores,
        exclude=exclude,
        strict=_first(overrides.strict, settings.strict, False),
        format=_first(overrides.format, settings.format, "text"),
        root=settings.root,
        source=settings.path,
        options=_options(settings, overrides, cwd),
    )


def _options(settings: Settings, overrides: Overrides, cwd: Path) -> Options:
    """The knowledge-layer options: each flag replaces its setting; paths made absolute (settings'
    paths against the settings file's folder, the flags' against ``cwd``)."""

    def absolute(base: Path, path: str) -> str:
        return os.path.normpath(os.path.join(base, os.path.expanduser(path)))

    if overrides.source_roots is not None:
        source_roots: tuple[str, ...] | None = tuple(absolute(cwd, p) for p in overrides.source_roots)
    elif settings.source_roots is not None:
        source_roots = tuple(absolute(settings.root, p) for p in settings.source_roots)
    else:
        source_roots = None
    if overrides.cli_script is not None:
        cli_script: str | None = absolute(cwd, overrides.cli_script)
    elif settings.cli_script is not None:
        cli_script = absolute(settings.root, settings.cli_script)
    else:
        cli_script = None
    _check_paths(settings, overrides, source_roots, cli_script)
    if overrides.lightning_version is not None:
        version, origin = overrides.lightning_version.strip(), "--lightning-version"
    elif settings.lightning_version is not None:
        version, origin = settings.lightning_version.strip(), f"lightning-version in {settings.path}"
    else:
        version, origin = None, None
    if overrides.lightning_package is not None:
        package, package_origin = check_package(overrides.lightning_package, "--lightning-package"), "--lightning-package"
    elif settings.lightning_package is not None:
        package, package_origin = settings.lightning_package, f"lightning-package in {settings.path}"
    else:
        package, package_origin = None, None
    return Options(
        root=str(settings.path.parent) if settings.path is not None else None,
        source_roots=source_roots,
        cli_script=cli_script,
        lightning_version=version,
        lightning_version_origin=origin,
        lightning_package=package,
        lightning_package_origin=package_origin,
        target=overrides.target if overrides.target is not None else settings.target,
        per_file_target=tuple((_rebase(glob, settings.root, cwd), target) for glob, target in settings.per_file_target),
        launcher=absolute(cwd, overrides.launcher) if overrides.launcher is not None else None,
    )


def check_package(name: str, where: str) -> str:
    """The distribution ``name`` spells (``lightning`` or ``pytorch_lightning``), else SettingsError."""
    from trainer_lint.distribution import normalize

    known = normalize(name)
    if known is None:
        raise SettingsError(f'{where} must be "lightning" or "pytorch_lightning", not {name!r}')
    return known


def _check_paths(settings: Settings, overrides: Overrides, source_roots: tuple[str, ...] | None, cli_script: str | None) -> None:
    """A source root that is not a folder, or a CLI script that is not a file, is a usage error."""
    where = "--source-root" if overrides.source_roots is not None else f"source-roots in {settings.path}"
    for root in source_roots or ():
        if not os.path.isdir(root):
            raise SettingsError(f"{where}: {root} is not a folder")
    if cli_script is not None and not os.path.isfile(cli_script):
        where = "--cli-script" if overrides.cli_script is not None else f"cli-script in {settings.path}"
        raise SettingsError(f"{where}: {cli_script} is not a file")


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def _rebase(pattern: str, root: Path, cwd: Path) -> str:
    """Make a glob relative to the settings' folder match paths relative to ``cwd``."""
    bare = pattern.rstrip("/")
    if "/" not in bare or pattern.startswith("*"):
        return pattern  # a name anywhere, or a pattern that already matches at any depth
    if Path(root).resolve() == Path(cwd).resolve():
        return pattern
    try:
        rebased = os.path.relpath(os.path.join(root, bare), cwd).replace(os.sep, "/")
    except ValueError:  # another drive
        return pattern
    return rebased + ("/" if pattern.endswith("/") else "")


def _relative(path: str, root: Path) -> str:
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        rel = path
    return rel.replace(os.sep, "/")


def _glob_matches(rel: str, pattern: str) -> bool:
    pattern = pattern.replace(os.sep, "/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if fnmatch.fnmatchcase(rel, pattern) or rel.startswith(pattern.rstrip("/") + "/"):
        return True
    if "/" not in pattern.rstrip("/"):  # a bare name: the file's name or any folder on its path
        return any(fnmatch.fnmatchcase(part, pattern.rstrip("/")) for part in rel.split("/"))
    return False
