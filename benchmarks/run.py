"""Benchmark ``trainer-lint check`` against the tools people would use instead, and write
``docs/benchmarks.md``.

    python benchmarks/run.py                 # the full run (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick         # a smoke run: sizes 1 and 1,000, few rounds
    python benchmarks/run.py --sizes 1 --rounds-one 40 --no-write
    python benchmarks/run.py --yaml          # also time trainer-lint on the YAML twin of every file

What it does, in order:

1. Generates seeded corpora (``benchmarks/corpus.py``) of 1, 1,000 and 10,000 configs: about
   half clean, the rest with typos, wrong types, bad choices, out-of-range values, removed
   arguments, callbacks without ``class_path``, syntax errors and cross-field conflicts.
2. Checks every tool's verdicts on every corpus (which files fail, and the exit code) against
   what each category owes (see ``corpus.py``). Timings of a tool that gets the answers wrong
   would mean nothing, so a mismatch stops the run (``--ignore-verdicts`` to go on).
3. Times whole processes, as users run them, on the same files, in interleaved rounds: each
   round runs every tool once, in an order that rotates from round to round, so that noise from
   the machine (other jobs, frequency changes) falls on all tools alike. Each process is started
   with ``posix_spawn`` and reaped with ``wait4``, which gives its wall time, its CPU time
   (user + system); peak resident memory comes from one extra, untimed run under GNU time.
4. Reports medians, the spread (interquartile range and min-max), the ratio of medians and the
   median of the per-round (paired) ratios, and writes it all to ``docs/benchmarks.md`` with the
   machine, the versions and the exact command.

The tools:

* ``trainer-lint``: the console script that ``pip install -e .`` installs, started directly (its
  shebang names the interpreter; the pyenv *shim* of the same name is a bash script that adds
  tens of milliseconds and is not what a virtualenv user runs);
* ``check-jsonschema --schemafile schemas/trainer.schema.json``, with its default (ECMAScript)
  regex dialect: the committed schema's patterns need no inline flags;
* ``taplo check --no-auto-config --schema file://.../schemas/trainer.schema.json``: the native
  binary from ``pip install taplo``;
* "try it": ``python benchmarks/tryit.py FILE``, tomli + ``lightning.Trainer(**cfg["trainer"])``
  in a fresh process per file (one-file corpus only: it takes seconds per file).

trainer-lint lints large trees (1,000 files or more) in one forked process per usable core;
``TRAINER_LINT_JOBS=1`` turns that off, and ``--jobs-compare`` times it against the default.

``--yaml`` writes the YAML twin of every config (``trainer-lint convert``; ``syntax`` files get a
YAML syntax error instead) and times ``trainer-lint (YAML)`` on the twins in the same rounds, so
the ratio to ``trainer-lint`` on the TOML files is what YAML costs. Its verdicts are checked too:
every twin fails whose TOML file fails, except the few whose mistake LightningCLI reads as right
(``max_epochs: "10"`` is 10 for LightningCLI: ``corpus.REREAD``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

SCHEMA = ROOT / "schemas" / "trainer.schema.json"
DOC = ROOT / "docs" / "benchmarks.md"


# ----------------------------------------------------------------------------- tools


def find_tool(name: str) -> str | None:
    """The real executable: next to this interpreter first (a pyenv shim is a bash script)."""
    beside = Path(sys.executable).resolve().parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which(name)
    if found and "/shims/" in found:
        try:
            real = subprocess.run(["pyenv", "which", name], capture_output=True, text=True, check=True).stdout.strip()
            return real or found
        except (OSError, subprocess.CalledProcessError):
            return found
    return found


def shebang(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            first = handle.readline().decode("utf-8", "replace").strip()
    except OSError:
        return "?"
    return first if first.startswith("#!") else "(native binary)"


@dataclass
class Tool:
    name: str
    argv: list[str]  # files are appended
    env: dict[str, str] | None = None
    per_file: bool = False  # one process per file (the "try it" baseline)
    suffix: str | None = None  # lint the twin of each file with this suffix (".yaml")

    def commands(self, files: list[str]) -> list[list[str]]:
        if self.suffix is not None:
            files = [str(Path(f).with_suffix(self.suffix)) for f in files]
        if self.per_file:
            return [[*self.argv, f] for f in files]
        return [[*self.argv, *files]]

    def shown(self) -> str:
        prefix = " ".join(f"{k}={v}" for k, v in (self.env or {}).items())
        return (prefix + " " if prefix else "") + " ".join(shlex.quote(a) for a in self.argv) + (" FILE" if self.per_file else " FILES")


def make_tools(args: argparse.Namespace) -> dict[str, Tool]:
    tools: dict[str, Tool] = {}
    tl = find_tool("trainer-lint")
    if tl is None:
        sys.exit("trainer-lint is not installed: run `pip install -e .` first")
    tools["trainer-lint"] = Tool("trainer-lint", [tl, "check"])
    cj = find_tool("check-jsonschema")
    if cj and "check-jsonschema" in args.tools:
        tools["check-jsonschema"] = Tool("check-jsonschema", [cj, "--schemafile", str(SCHEMA)])
    tp = find_tool("taplo")
    if tp and "taplo" in args.tools:
        tools["taplo"] = Tool("taplo", [tp, "check", "--no-auto-config", "--colors", "never", "--schema", SCHEMA.as_uri()])
    if "try-it" in args.tools:
        tools["try-it"] = Tool("try-it", [str(Path(sys.executable).resolve()), str(HERE / "tryit.py")], per_file=True)
    return tools


# ----------------------------------------------------------------------------- running


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, all processes of the sample
    rss_kb: int  # peak resident set size of the largest process
    codes: list[int] = field(default_factory=list)


def run_once(tool: Tool, files: list[str], stdout: int | None = None, stderr: int | None = None) -> Sample:
    """Run ``tool`` over ``files`` (one process, or one per file) and measure it with wait4."""
    env = dict(os.environ, **(tool.env or {}))
    env.setdefault("NO_COLOR", "1")
    devnull = os.open(os.devnull, os.O_WRONLY)
    out = devnull if stdout is None else stdout
    err = devnull if stderr is None else stderr
    actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
    wall = cpu = 0.0
    rss = 0
    codes = []
    try:
        for argv in tool.commands(files):
            start = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
            wall += time.perf_counter() - start
            cpu += usage.ru_utime + usage.ru_stime
            rss = max(rss, usage.ru_maxrss)
            codes.append(os.waitstatus_to_exitcode(status))
    finally:
        os.close(devnull)
    return Sample(wall, cpu, rss, codes)


TIME = "/usr/bin/time"


def peak_rss_kb(tool: Tool, files: list[str]) -> int | None:
    """Peak RSS of the largest process of one untimed run, measured by GNU time (``%M``).

    Not ``ru_maxrss`` from ``wait4``: a spawned child's ``ru_maxrss`` includes the pages it
    shared with this (large) harness process before ``exec``, so every tool would show the
    harness's own size. None when GNU time is not installed."""
    if not os.path.exists(TIME):
        return None
    env = dict(os.environ, NO_COLOR="1", **(tool.env or {}))
    peak = 0
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        for argv in tool.commands(files):
            subprocess.run([TIME, "-f", "%M", "-o", report.name, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            report.seek(0)
            peak = max(peak, int(report.read().split()[-1]))
    return peak


def capture(tool: Tool, files: list[str], extra: list[str] | None = None) -> tuple[list[int], str, str]:
    """Run once with output captured (for the verdict check)."""
    codes, outs, errs = [], [], []
    for argv in tool.commands(files):
        if extra:
            argv = [*argv[: len(tool.argv)], *extra, *argv[len(tool.argv):]]
        proc = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1", **(tool.env or {})))
        codes.append(proc.returncode)
        outs.append(proc.stdout)
        errs.append(proc.stderr)
    return codes, "".join(outs), "".join(errs)


# ----------------------------------------------------------------------------- verdicts

_TAPLO_INVALID = re.compile(r'invalid file error=.*? path="([^"]+)"')


def failing_files(name: str, tool: Tool, files: list[str]) -> tuple[set[str], list[int]]:
    """Which files ``tool`` says fail, and its exit codes."""
    if name == "trainer-lint":
        codes, out, _ = capture(tool, files, ["--format", "json"])
        data = json.loads(out)
        return {d["path"] for d in data["diagnostics"] if d["severity"] == "error"}, codes
    if name == "check-jsonschema":
        codes, out, _ = capture(tool, files, ["-o", "json"])
        data = json.loads(out)
        bad = {e["filename"] for e in data.get("errors", [])} | {e["filename"] for e in data.get("parse_errors", [])}
        return bad, codes
    if name == "taplo":
        codes, out, err = capture(tool, files)
        return set(_TAPLO_INVALID.findall(out + err)), codes
    if name == "try-it":
        codes, _, _ = capture(tool, files)
        return {f for f, c in zip(files, codes) if c != 0}, codes
    raise ValueError(name)


def schema_reference(rows: list[tuple[str, str]]) -> set[str]:
    """Files that break the committed schema, by python-jsonschema in this process (draft 7, Python
    regexes): what check-jsonschema and Taplo owe. The schema changes as rules move between the
    schema and the rule code, so the schema tools' expectation is computed, not hard-coded."""
    import jsonschema
    import tomli

    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    bad = set()
    for path, _ in rows:
        try:
            data = tomli.loads(Path(path).read_text(encoding="utf-8"))
        except tomli.TOMLDecodeError:
            bad.add(path)
            continue
        if next(validator.iter_errors(data), None) is not None:
            bad.add(path)
    return bad


STABLE_SCHEMA_FAILURES = frozenset({"typo", "wrong_type", "bad_choice", "removed", "no_class_path", "syntax"})
"""Categories every schema-based tool must reject whatever else moves into rules."""


def expected_fail(name: str, category: str, path: str, reference: set[str]) -> bool:
    if name in ("trainer-lint", "try-it"):
        return category != "valid"
    return path in reference


def check_verdicts(tools: dict[str, Tool], rows: list[tuple[str, str]]) -> tuple[list[str], dict[str, str]]:
    """Compare every tool's verdict per file with what the category owes; return problems and a summary."""
    problems: list[str] = []
    summary: dict[str, str] = {}
    files = [p for p, _ in rows]
    reference = schema_reference(rows)
    for path, category in rows:  # the corpus itself: schema-invalid where it must be, valid where it must be
        if category in STABLE_SCHEMA_FAILURES and path not in reference:
            problems.append(f"corpus: {path} ({category}) does not break the schema")
        if category in ("valid", "conflict") and path in reference:
            problems.append(f"corpus: {path} ({category}) breaks the schema")
    for name, tool in tools.items():
        if tool.per_file and len(files) > 10:
            continue
        bad, codes = failing_files(name, tool, files)
        wrong = [(p, c) for p, c in rows if (p in bad) != expected_fail(name, c, p, reference)]
        want_code = 1 if any(expected_fail(name, c, p, reference) for p, c in rows) else 0
        got_code = max(codes) if not tool.per_file else (1 if any(codes) else 0)
        if got_code != want_code:
            problems.append(f"{name}: exit code {got_code}, expected {want_code}")
        for path, category in wrong[:10]:
            verdict = "fails" if path in bad else "passes"
            problems.append(f"{name}: {path} ({category}) {verdict}")
        if len(wrong) > 10:
            problems.append(f"{name}: ... {len(wrong) - 10} more")
        summary[name] = f"{len(bad)} of {len(files)} fail, exit {got_code}" + ("" if not wrong else f", {len(wrong)} WRONG")
        if len(files) > 1:
            per = {c: (sum(1 for p, k in rows if k == c and p in bad), sum(1 for _, k in rows if k == c)) for c in corpus.CATEGORIES}
            summary[name] += " (" + ", ".join(f"{c} {f}/{n}" for c, (f, n) in per.items() if n) + ")"
    return problems, summary


def check_yaml_verdicts(tool: Tool, rows: list[tuple[str, str]], passing: set[str]) -> tuple[list[str], str]:
    """trainer-lint on the YAML twins: a twin fails exactly when its TOML file's category is a
    mistake, apart from ``passing`` (mistakes only in TOML)."""
    files = [p for p, _ in rows]
    codes, out, _ = capture(tool, files, ["--format", "json"])
    bad = {str(Path(d["path"]).with_suffix(".toml")) for d in json.loads(out)["diagnostics"] if d["severity"] == "error"}
    wrong = [(p, c) for p, c in rows if (p in bad) != (c != "valid" and p not in passing)]
    problems = [f"{YAML_TOOL}: {p} ({c}) {'fails' if p in bad else 'passes'}" for p, c in wrong[:10]]
    summary = f"{len(bad)} of {len(files)} fail ({len(passing)} twins right in YAML only), exit {max(codes)}"
    return problems, summary + ("" if not wrong else f", {len(wrong)} WRONG")


# ----------------------------------------------------------------------------- statistics


def quantiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Result:
    size: int
    rounds: int
    samples: dict[str, list[Sample]]
    verdicts: dict[str, str]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def bench(tools: dict[str, Tool], files: list[str], rounds: int, label: str, per_file_rounds: int | None = None) -> dict[str, list[Sample]]:
    names = list(tools)
    samples: dict[str, list[Sample]] = {n: [] for n in names}
    for name in names:  # one warm-up run each: page cache, pyc files
        run_once(tools[name], files[:1] if tools[name].per_file else files)
    for r in range(rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            if tools[name].per_file and per_file_rounds is not None and r >= per_file_rounds:
                continue  # "try it" takes seconds a run: paired with the first rounds only
            samples[name].append(run_once(tools[name], files))
        line = "  ".join(f"{n}={fmt_time(samples[n][-1].wall)}" for n in names if samples[n])
        print(f"  [{label}] round {r + 1}/{rounds}: {line}", flush=True)
    for name in names:  # memory: one more, untimed run each under GNU time
        peak = peak_rss_kb(tools[name], files)
        if peak is not None:
            for sample in samples[name]:
                sample.rss_kb = peak
    return samples


def table(result: Result, baseline: str = "trainer-lint") -> list[str]:
    lines = [
        "| tool | median wall | IQR | min - max | median CPU (user+sys) | peak RSS | ratio of medians (trainer-lint / tool) | paired ratios: median (min - max) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    base = result.samples[baseline]
    base_median = statistics.median(s.wall for s in base)
    for name, samples in result.samples.items():
        walls = [s.wall for s in samples]
        q1, med, q3 = quantiles(walls)
        cpu = statistics.median(s.cpu for s in samples)
        rss = max(s.rss_kb for s in samples) / 1024
        if name == baseline:
            ratio = paired = "1"
        else:
            ratio = f"{base_median / med:.3f}"
            pr = [b.wall / s.wall for b, s in zip(base, samples)]
            paired = f"{statistics.median(pr):.3f} ({min(pr):.3f} - {max(pr):.3f})"
        lines.append(
            f"| {name} | {fmt_time(med)} | {fmt_time(q1)} - {fmt_time(q3)} | {fmt_time(min(walls))} - {fmt_time(max(walls))} "
            f"| {fmt_time(cpu)} | {rss:.0f} MiB | {ratio} | {paired} |"
        )
    return lines


def ratio(result: Result, other: str, baseline: str = "trainer-lint") -> float | None:
    if other not in result.samples:
        return None
    return statistics.median(s.wall for s in result.samples[baseline]) / statistics.median(s.wall for s in result.samples[other])


# ----------------------------------------------------------------------------- report


def versions(tools: dict[str, Tool]) -> list[tuple[str, str]]:
    from importlib import metadata

    out = [("Python", f"{platform.python_implementation()} {platform.python_version()} ({Path(sys.executable).resolve()})")]
    for dist in ("trainer-lint", "typer", "click", "tomli", "check-jsonschema", "jsonschema", "lightning", "torch", "taplo"):
        try:
            out.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            out.append((dist, "not installed"))
    if "taplo" in tools:
        text = subprocess.run([tools["taplo"].argv[0], "--version"], capture_output=True, text=True).stdout.strip()
        out.append(("taplo binary", text))
    return out


def machine() -> list[tuple[str, str]]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return [
        ("CPU", model),
        ("cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("memory", mem),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
    ]


YAML_TOOL = "trainer-lint (YAML)"

TARGETS = [
    # (size, other tool, maximum ratio trainer-lint / other, label); a negative maximum bounds
    # the inverse ratio (other / trainer-lint): YAML may cost at most twice TOML
    (1, "check-jsonschema", 0.35, "one file, cold: <= 0.35x check-jsonschema"),
    (1, "try-it", 1 / 40, "one file, cold: <= 1/40 of \"try it\""),
    (10000, "taplo", 0.7, "10,000 files: <= 0.7x native Taplo"),
    (10000, "check-jsonschema", 0.25, "10,000 files: <= 0.25x check-jsonschema"),
    (10000, YAML_TOOL, -2.0, "10,000 YAML files: <= 2x trainer-lint on the same configs in TOML (YAML / TOML)"),
]


def write_doc(results: list[Result], tools: dict[str, Tool], command: str, started: str, notes: list[str], path: Path) -> str:
    out = [
        "# Benchmarks",
        "",
        "Written by `benchmarks/run.py`; do not edit by hand. Rerun it to refresh this page:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Run started {started}. Whole processes, as users run them, on the same seeded files, in interleaved",
        "rounds (every tool once per round, in a rotating order). Wall time and CPU time are per process",
        "(`wait4`); peak RSS is GNU time's `%M` for the largest process, from one extra untimed run. *Paired ratios* divide trainer-lint's",
        "time by the other tool's time in the same round.",
        "",
        "## Targets",
        "",
        "| target | measured (ratio of medians) | met |",
        "|---|---|---|",
    ]
    by_size = {r.size: r for r in results}
    for size, other, limit, label in TARGETS:
        r = by_size.get(size)
        value = ratio(r, other) if r else None
        if value is not None and limit < 0:
            value, limit = 1 / value, -limit
        if value is None:
            out.append(f"| {label} | not measured | - |")
        else:
            out.append(f"| {label} | {value:.3f} | {'yes' if value <= limit else '**no**'} |")
    out += ["", "## Results", ""]
    for r in results:
        noun = "file" if r.size == 1 else "files"
        out += [
            f"### {r.size:,} {noun} ({r.rounds} rounds)",
            "",
            *table(r),
            "",
            "Verdicts checked before timing: " + "; ".join(f"{k}: {v}" for k, v in r.verdicts.items()) + ".",
            f"Load average before / after: {r.load_before[0]:.2f} / {r.load_after[0]:.2f}.",
            "",
        ]
    out += ["## Commands", "", "| tool | command | executable |", "|---|---|---|"]
    for name, tool in tools.items():
        out.append(f"| {name} | `{tool.shown()}` | `{shebang(tool.argv[0])}` |")
    out += ["", "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine()]
    out += ["", "## Versions", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in versions(tools)]
    if notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    text = "\n".join(out) + "\n"
    text += _kept_sections(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def _kept_sections(path: Path) -> str:
    """Sections other benchmarks write into the same page, carried over unchanged: each between
    ``<!-- NAME: begin -->`` and ``<!-- NAME: end -->`` (``benchmarks/resolver.py``'s,
    ``benchmarks/server.py``'s)."""
    try:
        old = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    blocks = [m.group(0) for m in re.finditer(r"<!-- (\w+): ?begin -->.*?<!-- \1: ?end -->", old, re.S)]
    return "".join(f"\n{block}\n" for block in blocks)


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark trainer-lint check; writes docs/benchmarks.md.")
    parser.add_argument("--sizes", default="1,1000,10000", help="corpus sizes, comma-separated (default: 1,1000,10000)")
    parser.add_argument("--rounds-one", type=int, default=20, help="rounds for the one-file corpus (default: 20)")
    parser.add_argument("--rounds-many", type=int, default=7, help="rounds for larger corpora (default: 7)")
    parser.add_argument("--tryit-rounds", type=int, default=None, help="cap on rounds that include \"try it\" (default: all)")
    parser.add_argument("--quick", action="store_true", help="sizes 1,1000; 8 and 3 rounds; no file written unless --output")
    parser.add_argument("--tools", default="check-jsonschema,taplo,try-it", help="tools to compare with (default: all)")
    parser.add_argument("--jobs-compare", action="store_true", help="also time trainer-lint with TRAINER_LINT_JOBS=1 (no process pool)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None, help="where the corpora go (default: a temporary folder)")
    parser.add_argument("--output", type=Path, default=None, help=f"report path (default: {DOC.relative_to(ROOT)})")
    parser.add_argument("--no-write", action="store_true", help="print the tables, write nothing")
    parser.add_argument("--ignore-verdicts", action="store_true", help="time the tools even if a verdict is wrong")
    parser.add_argument("--yaml", action="store_true", help="also time trainer-lint on the YAML twin of every config")
    args = parser.parse_args(argv)
    if args.quick:
        if args.sizes == parser.get_default("sizes"):
            args.sizes = "1,1000"
        args.rounds_one = min(args.rounds_one, 8)
        args.rounds_many = min(args.rounds_many, 3)
        if args.output is None:
            args.no_write = True
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    sizes = [int(s) for s in args.sizes.split(",")]
    command = "python benchmarks/run.py" + ("" if not argv and len(sys.argv) <= 1 else " " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])))
    started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    tools = make_tools(args)
    print("tools:", *(f"\n  {n}: {t.shown()}" for n, t in tools.items()))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="trainer-lint-bench-"))
    results: list[Result] = []
    notes: list[str] = []
    for size in sizes:
        dest = workdir / f"corpus_{size}"
        if dest.exists():
            shutil.rmtree(dest)
        rows = corpus.generate(dest, size, args.seed)
        files = [p for p, _ in rows]
        active = {n: t for n, t in tools.items() if not t.per_file or size == 1}
        if args.jobs_compare and size >= 1000:
            label = "trainer-lint (TRAINER_LINT_JOBS=1)"
            active[label] = Tool(label, tools["trainer-lint"].argv, env={"TRAINER_LINT_JOBS": "1"})
        print(f"\n== {size:,} files under {dest}")
        if args.yaml:
            passing = corpus.yaml_twins(rows)
            active[YAML_TOOL] = Tool(YAML_TOOL, tools["trainer-lint"].argv, suffix=".yaml")
        problems, summary = check_verdicts({n: t for n, t in active.items() if "(" not in n}, rows)
        if args.yaml:
            yaml_problems, summary[YAML_TOOL] = check_yaml_verdicts(active[YAML_TOOL], rows, passing)
            problems += yaml_problems
        for k, v in summary.items():
            print(f"  verdicts {k}: {v}")
        if problems:
            print("  VERDICT MISMATCHES:\n    " + "\n    ".join(problems))
            if not args.ignore_verdicts:
                return 1
            notes.append(f"{size} files: verdict mismatches ignored: " + "; ".join(problems))
        rounds = args.rounds_one if size == 1 else args.rounds_many
        load_before = os.getloadavg()
        samples = bench(active, files, rounds, f"{size}", args.tryit_rounds)
        results.append(Result(size, rounds, samples, summary, load_before, os.getloadavg()))
        print("\n".join(table(results[-1])))
        if not args.no_write:  # after every size: a long run that is stopped still leaves a report
            text = write_doc(results, tools, command, started, notes + [NOTE], args.output or DOC)
            print(f"\nwrote {args.output or DOC} ({len(text)} bytes)")
    return 0


NOTE = (
    "trainer-lint is started through its console script, whose shebang runs the interpreter directly; "
    "`python -m trainer_lint` behaves the same. A pyenv shim or `python3` wrapper in front adds its own start-up."
)


if __name__ == "__main__":
    sys.exit(main())
