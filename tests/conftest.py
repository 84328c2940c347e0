import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_terminal_summary(terminalreporter):
    """Print what the differential suites measured (their agreement counts)."""
    summary = sys.modules.get("differential.summary")
    if summary is not None and summary.LINES:
        terminalreporter.section("differential agreement with lightning.Trainer")
        for line in summary.LINES:
            terminalreporter.write_line(line)
