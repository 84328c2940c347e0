"""The process pool for large trees gives exactly the single-process report, in the same order."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from trainer_lint import checker, formatters

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("tree")
    corpus.generate(dest / "a", 150, seed=3)
    corpus.generate(dest / "b", 90, seed=4)
    (dest / "b" / "not_text.toml").write_bytes(b"\xff\xfe\x00")
    (dest / "notes.toml").write_text('title = "no trainer table"\n', encoding="utf-8")
    return dest


def test_jobs_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_LINT_JOBS", "1")
    assert checker.jobs_for(10**6) == 1
    monkeypatch.setenv("TRAINER_LINT_JOBS", "3")
    assert checker.jobs_for(checker.PARALLEL_MIN_FILES - 1) == 1
    assert checker.jobs_for(checker.PARALLEL_MIN_FILES) in (1, 3)  # 1 where fork does not exist
    monkeypatch.delenv("TRAINER_LINT_JOBS")
    assert checker.jobs_for(checker.PARALLEL_MIN_FILES - 1) == 1


def test_pool_report_is_the_single_process_report(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_LINT_JOBS", "1")
    single = checker.check_paths([str(tree)])
    monkeypatch.setenv("TRAINER_LINT_JOBS", "2")
    monkeypatch.setattr(checker, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(checker, "CHUNK_FILES", 7)
    if checker.jobs_for(1000) == 1:
        pytest.skip("no fork on this platform")
    pooled = checker.check_paths([str(tree)])
    assert [r.path for r in pooled.results] == [r.path for r in single.results]
    assert pooled.diagnostics == single.diagnostics
    assert pooled.problems == single.problems
    for name in ("text", "full", "json", "github", "sarif"):
        assert formatters.render(pooled, name, color=False) == formatters.render(single, name, color=False), name
    random.seed(0)
    for result in random.sample(pooled.results, 20):  # documents come back whole (positions rebuilt on demand)
        twin = next(r for r in single.results if r.path == result.path)
        if twin.document is not None:
            assert result.document is not None and result.document.text == twin.document.text
            assert result.document.data == twin.document.data
