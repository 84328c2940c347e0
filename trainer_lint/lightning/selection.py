"""Which Lightning release a config is checked against. First match wins:

1. ``--lightning-version X.Y[.Z]``;
2. ``lightning-version`` in ``[tool.trainer-lint]``;
3. the ``lightning`` (or ``pytorch-lightning``) requirement of the nearest project file, upward
   from the config's folder: ``pyproject.toml`` (``[project]`` ``dependencies``; extras do not
   count: a project that runs with Lightning depends on it) or ``requirements*.txt``. An exact pin (``==2.4.0``) is that release; a range
   (``>=2.2,<2.5``) is checked against both ends, its oldest and newest known release, and an
   error stands only when both ends have it (see :func:`trainer_lint.engine.lint_data`);
4. the installed distribution, read from its metadata on ``sys.path`` (never imported);
5. otherwise the newest known release.

A release newer than every known one is checked with the newest data and one INFO (TL010) says
so; one older than every known one (1.x), with the oldest data and the same INFO.

Reading project files is I/O on the ``check`` path: answers are cached per folder, so a tree of
configs reads each project file once.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from trainer_lint.lightning import releases
from trainer_lint.lightning.versions import Specifier

if TYPE_CHECKING:
    from trainer_lint.lightning.releases import Release
    from trainer_lint.options import Options

DISTRIBUTIONS = ("lightning", "pytorch-lightning")
"""Distribution names whose version is Lightning's (``pytorch-lightning`` 2.x mirrors ``lightning``)."""

PROJECT_FILES = ("pyproject.toml",)
REQUIREMENTS = r"^requirements.*\.(txt|in)$"

# where a choice came from (``Choice.source``; the JSON output's ``lightning[].source``)
FLAG, SETTINGS, PROJECT, INSTALLED, DEFAULT = "flag", "settings", "project", "installed", "default"


class Choice:
    """The release(s) one config is checked against, and why. Equal choices compare and hash
    equal (a report counts files per choice)."""

    __slots__ = ("releases", "requested", "source", "origin", "note")

    def __init__(self, releases: tuple[Release, ...], requested: str, source: str, origin: str, note: str | None = None) -> None:
        self.releases = releases
        """One release, or the two ends of a range (oldest first)."""
        self.requested = requested
        """What was asked for: ``2.4``, ``2.4.0``, ``lightning>=2.2,<2.5``, or the newest release's number."""
        self.source = source
        """``flag``, ``settings``, ``project``, ``installed`` or ``default``."""
        self.origin = origin
        """Where it came from, in words: ``--lightning-version``, ``lightning==2.4.0 in requirements.txt``."""
        self.note = note
        """Why the data may not fit (an unknown release): the text of the TL010 INFO."""

    def _key(self) -> tuple[object, ...]:
        return (tuple(r.version for r in self.releases), self.requested, self.source, self.origin, self.note)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Choice) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Choice({self.describe()!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return Choice, (self.releases, self.requested, self.source, self.origin, self.note)

    @property
    def release(self) -> Release:
        """The release messages name (the newest end of a range)."""
        return self.releases[-1]

    @property
    def label(self) -> str:
        """How messages name the project's Lightning: ``2.4.0``, or the range (``>=2.2,<2.5``)."""
        if len(self.releases) == 1:
            return self.releases[0].version if self.note is None else self.requested
        return self.requested

    @property
    def explicit(self) -> bool:
        """Whether the user named the release for trainer-lint (flag or settings)."""
        return self.source in (FLAG, SETTINGS)

    def describe(self) -> str:
        """One line for the text output: ``Lightning 2.4.0 (from lightning==2.4.0 in requirements.txt)``."""
        if len(self.releases) > 1:
            ends = " and ".join(r.version for r in self.releases)
            return f"Lightning {ends}, both ends of {self.requested} ({self.origin})"
        return f"Lightning {self.releases[0].version} ({self.origin})"

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.release.version,
            "versions": [r.version for r in self.releases],
            "requested": self.requested,
            "source": self.source,
            "origin": self.origin,
            **({"note": self.note} if self.note else {}),
        }


def choose(options: Options | None, path: str | None) -> Choice:
    """The release a config at ``path`` is checked against (see the module docs)."""
    if options is not None and options.lightning_version is not None:
        origin = options.lightning_version_origin or "--lightning-version"
        source = FLAG if origin.startswith("--") else INSTALLED if origin.startswith("installed ") else SETTINGS
        return _cached_version(options.lightning_version, source, origin)
    folder = os.path.dirname(os.path.abspath(path)) if path else os.path.abspath(options.root if options and options.root else ".")
    found = _project(folder)
    if found is not None:
        return found
    return _installed_or_newest()


@lru_cache(maxsize=64)
def _cached_version(text: str, source: str, origin: str) -> Choice:
    return for_version(text, source, origin)


def for_version(text: str, source: str, origin: str) -> Choice:
    """The choice for a release number (``2.4``, ``2.4.0``, ``2.7.1``)."""
    found = releases.lookup(text)
    note = None
    if found.newer_than_known:
        note = (f"Lightning {text} is newer than every release trainer-lint knows; checking against "
                f"{found.release.version}, the newest it knows (upgrade trainer-lint for exact results)")
    elif not found.exact:
        oldest = releases.known()[0]
        if found.older_than_known:
            note = f"Lightning {text} is older than every release trainer-lint knows; checking against {oldest}"
        else:
            note = f"Lightning {text} is not a release trainer-lint knows; checking against {found.release.version}"
    return Choice((found.release,), text, source, origin, note)


def for_requirement(spec: Specifier, name: str, origin: str) -> Choice | None:
    """The choice for a requirement's specifier; None when it says nothing about the version."""
    if not spec.clauses:
        return None
    pinned = spec.pinned
    allowed = releases.in_range(spec)
    if pinned is not None:  # `==2.5` is 2.5.0 (PEP 440), not 2.5's newest patch as `--lightning-version 2.5` is
        return for_version(allowed[0] if len(allowed) == 1 else pinned, PROJECT, origin)
    text = f"{name}{spec.text}"
    if not allowed:
        newest = releases.newest()
        return Choice((newest,), text, PROJECT, origin,
                      f"no release trainer-lint knows satisfies {text}; checking against {newest.version}, the newest it knows")
    ends = (releases.get(allowed[0]),) if allowed[0] == allowed[-1] else (releases.get(allowed[0]), releases.get(allowed[-1]))
    return Choice(ends, text, PROJECT, origin)


# ------------------------------------------------------------------------- project files


@lru_cache(maxsize=1024)
def _project(folder: str) -> Choice | None:
    """The requirement of the nearest project file at or above ``folder`` that names Lightning;
    the search stops after a folder holding ``.git`` (the repository root)."""
    found = _in_folder(folder)
    if found is not None:
        return found
    parent = os.path.dirname(folder)
    if parent == folder or os.path.exists(os.path.join(folder, ".git")):
        return None
    return _project(parent)


def _in_folder(folder: str) -> Choice | None:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    candidates = [n for n in PROJECT_FILES if n in names]
    candidates += sorted((n for n in names if re.match(REQUIREMENTS, n)), key=lambda n: (n != "requirements.txt", n))
    for name in candidates:
        path = os.path.join(folder, name)
        for requirement in _requirements(path):
            parsed = parse_requirement(requirement)
            if parsed is None:
                continue
            dist, spec = parsed
            choice = for_requirement(spec, dist, f"{dist}{spec.text} in {_display(path)}")
            if choice is not None:
                return choice
    return None


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


def _requirements(path: str) -> list[str]:
    """The requirement strings a project file lists (empty when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(1 << 20)
    except OSError:
        return []
    text = raw.decode("utf-8", errors="replace")
    if path.endswith(".toml"):
        import tomli

        try:
            data = tomli.loads(text)
        except tomli.TOMLDecodeError:
            return []
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        dependencies = project.get("dependencies")
        return [r for r in dependencies if isinstance(r, str)] if isinstance(dependencies, list) else []
    lines = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines


_NAME = r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$"


def parse_requirement(text: str) -> tuple[str, Specifier] | None:
    """``(name, specifier)`` for a ``lightning``/``pytorch-lightning`` requirement line, else None
    (another package, a URL requirement, or a specifier that does not parse)."""
    text = text.split(";", 1)[0].strip()
    match = re.match(_NAME, text)
    if not match:
        return None
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    if name not in DISTRIBUTIONS:
        return None
    rest = match.group(3).strip()
    if rest.startswith("@"):
        return None
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    try:
        return name, Specifier.parse(rest)
    except ValueError:
        return None


# ------------------------------------------------------------------------------ installed


@lru_cache(maxsize=1)
def _installed_or_newest() -> Choice:
    installed = installed_version()
    if installed is not None:
        dist, version = installed
        return for_version(version, INSTALLED, f"installed {dist} {version}")
    newest = releases.newest()
    return Choice((newest,), newest.version, DEFAULT, "the newest release trainer-lint knows")


def installed_version() -> tuple[str, str] | None:
    """``(distribution, version)`` of the installed Lightning, read from its metadata, never by
    importing it: the first ``lightning-X.dist-info`` (or ``.egg-info``) folder on ``sys.path``,
    the way :mod:`importlib.metadata` finds distributions. Scanning the folder names directly
    costs about a millisecond; importing :mod:`importlib.metadata` (``email``, ``zipfile``, ...)
    costs tens, on every ``check``. ``tests/test_lightning_selection.py`` checks that both agree."""
    import sys

    wanted = {name.replace("-", "_"): name for name in DISTRIBUTIONS}
    for dist in DISTRIBUTIONS:
        for entry in sys.path:
            found = _dist_in(entry or ".", dist.replace("-", "_"))
            if found is not None:
                try:
                    releases.lookup(found)
                except ValueError:
                    continue
                return wanted[dist.replace("-", "_")], found
    return None


@lru_cache(maxsize=256)
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()


def _dist_in(folder: str, name: str) -> str | None:
    """The version of distribution ``name`` (normalised with ``_``) installed in ``folder``."""
    for entry in _listing(folder):
        stem, dot, kind = entry.rpartition(".")
        if kind not in ("dist-info", "egg-info") or not dot:
            continue
        dist, _, version = stem.partition("-")
        if re.sub(r"[-_.]+", "_", dist).lower() != name:
            continue
        if kind == "dist-info" and version:
            return version.split("-")[0]
        return _metadata_version(os.path.join(folder, entry))
    return None


def _metadata_version(path: str) -> str | None:
    """``Version:`` from an ``.egg-info`` (a folder with ``PKG-INFO``, or the file itself)."""
    target = os.path.join(path, "PKG-INFO") if os.path.isdir(path) else path
    try:
        with open(target, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip() or None
                if not line.strip():
                    break
    except OSError:
        return None
    return None


def clear_caches() -> None:
    """Forget cached answers (tests that change project files or the environment call this)."""
    _project.cache_clear()
    _installed_or_newest.cache_clear()
    _listing.cache_clear()
    _cached_version.cache_clear()
