"""Whether an optional package is installed here, found without importing it.

``importlib.util.find_spec`` on a *top-level* name only asks the import system's finders where the
package would load from; it runs no code of the package (a dotted name would import its parents,
so this module never looks one up). Answers are cached for the process.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def available(name: str) -> bool:
    """Whether the top-level module ``name`` can be found on this interpreter's path."""
    if not name or "." in name:
        raise ValueError(f"only top-level module names are looked up, not {name!r}")
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a half-initialised module in sys.modules
        return False


def missing(groups: list[list[str]]) -> list[list[str]]:
    """The groups (any one of its modules will do) with no module installed here."""
    return [group for group in groups if not any(available(name) for name in group)]
