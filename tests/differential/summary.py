"""Agreement lines that the differential tests record; ``tests/conftest.py`` prints them at the
end of every run, so CI logs show the counts even when all tests pass."""

from __future__ import annotations

LINES: list[str] = []


def record(line: str) -> None:
    """Keep ``line`` for the terminal summary."""
    LINES.append(line)
