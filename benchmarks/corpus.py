"""Seeded corpora of realistic trainer configs for the benchmark, with the verdict each tool owes.

Every file belongs to one *category*; the category says what a correct tool must answer:

=================  ===========  ================  =====  =========================================
category           trainer-lint check-jsonschema  taplo  what is in the file
=================  ===========  ================  =====  =========================================
``valid``          pass         pass              pass   a clean config (some with callbacks)
``typo``           fail         fail              fail   an unknown key close to a real one
``wrong_type``     fail         fail              fail   ``max_epochs = "10"``, ``devices = 1.5``...
``bad_choice``     fail         fail              fail   ``precision = "16-mix"``...
``out_of_range``   fail         fail              fail   ``limit_val_batches = 1.5``...
``removed``        fail         fail              fail   a Lightning 1.x argument (``gpus = 2``)
``no_class_path``  fail         fail              fail   a callback table without ``class_path``
``syntax``         fail         fail              fail   a TOML syntax error
``conflict``       fail         pass              pass   well-typed values the Trainer refuses together
=================  ===========  ================  =====  =========================================

``conflict`` files are schema-valid: only a linter that knows Lightning's cross-field rules
catches them (``strategy = "fsdp"`` on the CPU, ``barebones`` with checkpointing on, ...).

Usage: ``python benchmarks/corpus.py DEST N [--seed S]`` writes ``DEST/cfg_00000.toml``... and
``DEST/manifest.tsv`` (``path<TAB>category``). The same seed and N always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

CATEGORIES = ("valid", "typo", "wrong_type", "bad_choice", "out_of_range", "removed", "no_class_path", "syntax", "conflict")
WEIGHTS = (50, 9, 8, 7, 6, 6, 4, 4, 6)
"""About half the files are clean, as in a real tree; the rest spread over the mistakes."""

SCHEMA_INVALID = frozenset({"typo", "wrong_type", "bad_choice", "out_of_range", "removed", "no_class_path", "syntax"})

# Valid values per Trainer argument (TOML source text).
VALID: dict[str, list[str]] = {
    "accelerator": ['"cpu"', '"auto"', '"gpu"', '"cuda"'],
    "devices": ["1", "2", "4", '"auto"', "[0, 1]", "-1"],
    "precision": ['"32-true"', '"bf16-mixed"', '"16-mixed"', '"64-true"', "32"],
    "max_epochs": ["1", "3", "10", "50", "100", "-1"],
    "max_steps": ["-1", "1000", "20000"],
    "min_epochs": ["1", "2"],
    "limit_train_batches": ["1.0", "0.5", "100", "0.25"],
    "limit_val_batches": ["1.0", "0.1", "50", "0"],
    "limit_test_batches": ["1.0", "10"],
    "val_check_interval": ["1.0", "0.5", "200"],
    "check_val_every_n_epoch": ["1", "2", "5"],
    "log_every_n_steps": ["10", "50", "1"],
    "accumulate_grad_batches": ["1", "2", "8"],
    "gradient_clip_val": ["0.5", "1.0", "1"],
    "gradient_clip_algorithm": ['"norm"', '"value"'],
    "num_sanity_val_steps": ["2", "0", "-1"],
    "deterministic": ["true", "false", '"warn"'],
    "benchmark": ["false"],
    "enable_progress_bar": ["true", "false"],
    "enable_model_summary": ["true", "false"],
    "enable_checkpointing": ["true"],  # false + a ModelCheckpoint callback is a conflict
    "default_root_dir": ['"runs/exp"', '"/tmp/lightning"', '"outputs/baseline"'],
    "num_nodes": ["1", "2"],
    "sync_batchnorm": ["false", "true"],
    "strategy": ['"auto"', '"ddp"', '"ddp_find_unused_parameters_true"'],
    "profiler": ['"simple"', '"advanced"'],
    "reload_dataloaders_every_n_epochs": ["0", "1"],
    "max_time": ['"00:12:00:00"', '"01:00:00:00"'],
    "detect_anomaly": ["false"],
    "inference_mode": ["true"],
}

TYPOS = {
    "max_epochs": ["max_epoch", "max_epocs", "maxepochs"],
    "accelerator": ["accelarator", "acelerator"],
    "devices": ["device", "devies"],
    "precision": ["precison", "percision"],
    "limit_val_batches": ["limit_valid_batches", "limit_val_batch"],
    "log_every_n_steps": ["log_every_n_step", "log_every_steps"],
    "gradient_clip_val": ["gradient_clipping_val", "grad_clip_val"],
    "check_val_every_n_epoch": ["check_val_every_n_epochs"],
    "enable_progress_bar": ["enable_progressbar"],
    "accumulate_grad_batches": ["accumulate_grad_batch"],
}

WRONG_TYPES = [
    ("max_epochs", ['"10"', "true", "2.5"]),
    ("devices", ["1.5", "true"]),
    ("enable_progress_bar", ["1", '"yes"']),
    ("log_every_n_steps", ['"50"', "[5]"]),  # not 5.0: JSON Schema counts 5.0 as an integer
    ("accumulate_grad_batches", ['"4"']),
    ("default_root_dir", ["42"]),
    ("num_nodes", ['"2"']),
    ("gradient_clip_val", ['"1.0"']),
]

BAD_CHOICES = [
    ("precision", ['"16-mix"', '"bf16-mix"', '"fp16"', '"32-full"']),
    ("accelerator", ['"gpuu"', '"tpuu"', '"cpus"']),
    ("strategy", ['"dpp"', '"fsdp2x"']),
    ("gradient_clip_algorithm", ['"clip"', '"norms"']),
    ("profiler", ['"simpel"']),
]

OUT_OF_RANGE = [
    ("limit_val_batches", ["1.5", "-1", "-0.25"]),  # not 2.0: an integer to JSON Schema and Lightning
    ("limit_train_batches", ["-0.5", "1.01"]),
    ("max_epochs", ["-2", "-10"]),
    ("num_nodes", ["0"]),
    ("max_time", ['"12:00:00"', '"1 day"']),
]

REMOVED = [
    ("gpus", ["1", "2", "[0, 1]"]),
    ("tpu_cores", ["8"]),
    ("auto_select_gpus", ["true"]),
    ("amp_backend", ['"native"']),
    ("resume_from_checkpoint", ['"last.ckpt"']),
    ("auto_lr_find", ["true"]),
    ("progress_bar_refresh_rate", ["20"]),
    ("weights_summary", ['"top"']),
]

CONFLICTS = [
    # Each raises in Lightning 2.6.6's Trainer(...) although every value is well-typed.
    {"strategy": '"fsdp"', "accelerator": '"cpu"'},
    {"barebones": "true", "enable_checkpointing": "true"},
    {"barebones": "true", "enable_progress_bar": "true"},
    {"accelerator": '"cpu"', "devices": "[0, 1]"},
    {"accelerator": '"cpu"', "devices": "0"},
]

CALLBACKS = [
    # (class path, init_args always written, init_args sometimes written)
    ("lightning.pytorch.callbacks.ModelCheckpoint", ['monitor = "val_loss"'], ['mode = "min"', "save_top_k = 3"]),
    ("lightning.pytorch.callbacks.EarlyStopping", ['monitor = "val_loss"'], ["patience = 5", 'mode = "min"']),
    ("lightning.pytorch.callbacks.LearningRateMonitor", [], ['logging_interval = "step"']),
    ("lightning.pytorch.callbacks.RichModelSummary", [], ["max_depth = 2"]),
]

SYNTAX_ERRORS = [
    "max_epochs = 10\nmax_epochs == 3\n",
    'precision = "16-mixed\n',
    "devices = [0, 1\n",
    "max_epochs = \n",
    "[trainer\naccelerator = 'cpu'\n",
]


def _callbacks(rng: random.Random, missing_class_path: bool = False) -> str:
    out = []
    chosen = rng.sample(CALLBACKS, rng.randint(1, 3))
    broken = rng.randrange(len(chosen)) if missing_class_path else -1
    for i, (path, required, optional) in enumerate(chosen):
        out.append("\n[[trainer.callbacks]]\n")
        if i != broken:
            out.append(f'class_path = "{path}"\n')
        picked = required + rng.sample(optional, rng.randint(0, len(optional)))
        if i == broken and not picked:
            picked = optional[:1]
        if picked:
            out.append("init_args = { " + ", ".join(picked) + " }\n")
    return "".join(out)


def _trainer_lines(rng: random.Random, avoid: set[str]) -> dict[str, str]:
    keys = [k for k in VALID if k not in avoid]
    chosen = rng.sample(keys, min(len(keys), rng.randint(4, 12)))
    lines = {k: rng.choice(VALID[k]) for k in chosen}
    # Keep "valid" files valid for every checker: no pairs the Trainer refuses.
    if lines.get("accelerator") == '"cpu"':
        lines.pop("devices", None)
    if "min_epochs" in lines and lines.get("max_epochs") in ("1",):
        lines["max_epochs"] = "10"
    if lines.get("strategy", '"auto"') != '"auto"' or lines.get("sync_batchnorm") == "true":
        lines["accelerator"] = '"gpu"'
    if lines.get("accelerator") == '"auto"':
        lines["accelerator"] = '"gpu"'
    if "max_epochs" in lines and "max_steps" in lines:
        del lines["max_steps"]  # both: a warning in trainer-lint, not a failure; keep it simple
    if "deterministic" in lines and "benchmark" in lines:
        del lines["benchmark"]
    if '"16-mixed"' == lines.get("precision") and lines.get("accelerator") in (None, '"cpu"'):
        lines["precision"] = '"bf16-mixed"'
    if lines.get("precision") == "32":
        lines["precision"] = '"32-true"'  # 32 is a discouraged (warning) form in trainer-lint
    return lines


def make_file(rng: random.Random, category: str, cpu_only: bool = False) -> str:
    """One config of ``category`` as TOML text (``cpu_only``: one the real Trainer builds here)."""
    head = []
    if rng.random() < 0.5:
        head.append(f"seed_everything = {rng.randint(0, 9999)}\n")
    if rng.random() < 0.2:
        head.append(f'ckpt_path = "{rng.choice(["last", "best"])}"\n')
    head.append(f"# experiment {rng.randint(1, 999)}\n")
    avoid: set[str] = set()
    extra: dict[str, str] = {}
    if category == "typo":
        name = rng.choice(sorted(TYPOS))
        extra[rng.choice(TYPOS[name])] = rng.choice(VALID[name])
        avoid.add(name)
    elif category in ("wrong_type", "bad_choice", "out_of_range", "removed"):
        pool = {"wrong_type": WRONG_TYPES, "bad_choice": BAD_CHOICES, "out_of_range": OUT_OF_RANGE, "removed": REMOVED}[category]
        name, values = rng.choice(pool)
        extra[name] = rng.choice(values)
        avoid.add(name)
    elif category == "conflict":
        extra.update(rng.choice(CONFLICTS))
        avoid.update(extra)
        avoid.update({"accelerator", "devices", "strategy", "precision", "sync_batchnorm", "enable_checkpointing",
                      "enable_progress_bar", "enable_model_summary", "profiler", "num_sanity_val_steps",
                      "val_check_interval", "check_val_every_n_epoch", "log_every_n_steps", "max_steps",
                      "limit_train_batches", "limit_val_batches", "limit_test_batches", "deterministic", "benchmark"})
    if cpu_only:
        avoid.update({"accelerator", "devices", "strategy", "sync_batchnorm", "num_nodes", "precision", "profiler"})
    lines = _trainer_lines(rng, avoid)
    if cpu_only:
        lines = {"accelerator": '"cpu"', "devices": "1", **lines}
    if category == "conflict":
        lines.pop("min_epochs", None)
    items = list(lines.items())
    for name, value in extra.items():
        items.insert(rng.randint(0, len(items)), (name, value))
    body = "".join(f"{k} = {v}\n" for k, v in items)
    if category == "syntax":
        body = body + rng.choice(SYNTAX_ERRORS)
    text = "".join(head) + "\n[trainer]\n" + body
    if category == "no_class_path":
        text += _callbacks(rng, missing_class_path=True)
    elif category not in ("conflict",) and rng.random() < 0.3:
        text += _callbacks(rng)
    if rng.random() < 0.25 and category != "syntax":
        text += '\n[model]\nclass_path = "my_project.models.LitClassifier"\ninit_args = { lr = 0.001, hidden = 128 }\n'
    return text


REREAD = frozenset(
    f"{name} = {value}" for name, values in WRONG_TYPES for value in values if value.startswith('"')
    and value.strip('"').replace(".", "", 1).isdigit() or value == '"yes"'
)
"""Wrong TOML types that are right in YAML: LightningCLI reads the string ``"10"`` again as the
integer 10 (and ``"yes"`` as true), so the YAML twin of such a file passes."""

YAML_SYNTAX_ERRORS = ["  max_epochs: [3\n", "  devices: {a: 1\n", "\tmax_epochs: 3\n", "  - x\n  y: 1\n"]


def yaml_twins(rows: list[tuple[str, str]]) -> set[str]:
    """Write beside each TOML config its YAML twin (``trainer-lint convert``; a YAML syntax error
    for ``syntax`` files, which do not convert). Return the TOML paths whose twin must *pass*
    (a value only TOML gets wrong, see :data:`REREAD`)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from trainer_lint.formats.convert import ConvertError, toml_to_yaml

    passing: set[str] = set()
    for number, (path, category) in enumerate(rows):
        text = Path(path).read_text(encoding="utf-8")
        broken = f"# experiment {number}\ntrainer:\n  accelerator: cpu\n" + YAML_SYNTAX_ERRORS[number % len(YAML_SYNTAX_ERRORS)]
        if category == "syntax":
            twin = broken
        else:
            try:
                twin = toml_to_yaml(text, path).text
            except ConvertError:  # a TOML file that does not parse (a repeated key): fails either way
                twin = broken
            if category == "wrong_type" and any(line.strip() in REREAD for line in text.splitlines()):
                passing.add(path)
        Path(path).with_suffix(".yaml").write_text(twin, encoding="utf-8")
    return passing


def generate(dest: Path, n: int, seed: int = 0) -> list[tuple[str, str]]:
    """Write ``n`` configs under ``dest`` (deterministic for a seed); return ``(path, category)``.

    With ``n == 1`` the single file is a clean config with callbacks: the common pre-commit case.
    """
    rng = random.Random(f"{seed}:{n}")
    dest.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str]] = []
    width = max(5, len(str(n - 1)))
    for i in range(n):
        category = "valid" if n == 1 else rng.choices(CATEGORIES, WEIGHTS)[0]
        if n > 1 and i < len(CATEGORIES):
            category = CATEGORIES[i]  # every corpus holds every category at least once
        text = make_file(rng, category, cpu_only=n == 1)
        if n == 1 and "[[trainer.callbacks]]" not in text:
            text += _callbacks(rng)
        path = dest / f"cfg_{i:0{width}d}.toml"
        path.write_text(text, encoding="utf-8")
        rows.append((str(path), category))
    (dest / "manifest.tsv").write_text("".join(f"{p}\t{c}\n" for p, c in rows), encoding="utf-8")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = generate(args.dest, args.n, args.seed)
    print(f"wrote {len(rows)} files under {args.dest}")


if __name__ == "__main__":
    main()
