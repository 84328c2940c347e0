"""Benchmark ``class_path`` completion with the project's own classes (the language server).

    python benchmarks/class_paths.py              # writes the "class_path completion" section of docs/benchmarks.md
    python benchmarks/class_paths.py --no-write   # print only

The project is ``benchmarks/resolver.py``'s (200 Python files, five of them holding a
LightningModule, a DataModule and callbacks). In one fresh interpreter, as the server holds it:

1. **first listing** of each key (``callbacks``, then ``model``, then ``data``): the
   ``Knowledge.classes`` call that completion makes, which lists Lightning's classes of the key
   and the project's (the first one reads and parses every module of the roots that defines a
   class: :mod:`trainer_lint.server.project_classes`);
2. **later listings** (``callbacks``, 200 times): the list is kept with the project; each call
   only checks that no file the project read and no folder it listed changed;
3. **after a save**: one file of the project rewritten with a new callback class, then a listing
   (the project is rebuilt: the changed file is read again, the others come from the parse cache).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- class_paths: begin -->", "<!-- class_paths: end -->"


def measure(folder: Path, rounds: int) -> dict[str, object]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import resolver as project_bench

    from trainer_lint.options import Options
    from trainer_lint.server.knowledge import knowledge_for

    root = project_bench.build(folder)
    knowledge = knowledge_for(Options(root=str(root)), str(root / "cfg.toml"))
    first: dict[str, tuple[float, int]] = {}
    for slot in ("callbacks", "model", "data"):
        start = time.perf_counter()
        found = [e for e in knowledge.classes(slot) if e.origin == "project"]
        first[slot] = (time.perf_counter() - start, len(found))
    later = []
    for _ in range(rounds):
        start = time.perf_counter()
        knowledge.classes("callbacks")
        later.append(time.perf_counter() - start)
    files = sorted((root / "src").rglob("*.py"))
    target = files[len(files) // 2]
    target.write_text(target.read_text(encoding="utf-8") + "\n\nfrom lightning.pytorch.callbacks import Callback\n\n\nclass SavedLater(Callback):\n    pass\n", encoding="utf-8")
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    start = time.perf_counter()
    after = [e.path for e in knowledge.classes("callbacks") if e.origin == "project"]
    saved = time.perf_counter() - start
    assert any(p.endswith(".SavedLater") for p in after), after
    return {"files": len(files), "first": first, "later": later, "saved": saved, "after": len(after)}


def section(result: dict[str, object], rounds: int) -> str:
    first = result["first"]
    later = sorted(result["later"])  # type: ignore[arg-type]
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    rows = [f"| first listing under `{slot}` | {n} | {ms(t)} |" for slot, (t, n) in first.items()]  # type: ignore[union-attr]
    rows.append(f"| later listings under `callbacks` ({rounds}) | {first['callbacks'][1]} | median {ms(statistics.median(later))}, "  # type: ignore[index]
                f"95th percentile {ms(later[int(len(later) * 0.95) - 1])} |")
    rows.append(f"| after a save that adds a callback class | {result['after']} | {ms(result['saved'])} |")  # type: ignore[arg-type]
    return "\n".join([
        BEGIN,
        "## `class_path` completion with the project's classes",
        "",
        "Written by `python benchmarks/class_paths.py` (the docstring says how it measures), on",
        f"{os.cpu_count()} logical cores, `benchmarks/resolver.py`'s project of {result['files']} Python files. Each",
        "listing is what one completion after `class_path =` asks: Lightning's classes of the key and",
        "the project's.",
        "",
        "| listing | project classes | time |",
        "|---|---|---|",
        *rows,
        END,
    ])


def write(text: str, path: Path = DOC) -> None:
    current = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    updated = pattern.sub(lambda _: text, current) if pattern.search(current) else current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--no-write", dest="write", action="store_false", help="print the figures; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trainer-lint-class-paths-") as folder:
        text = section(measure(Path(folder), args.rounds), args.rounds)
    sys.stdout.write(text + "\n")
    if args.write:
        write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
