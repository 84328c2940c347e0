"""Keys the schema does not have, and keys a table needs: unknown keys (TL103), Trainer arguments
Lightning removed (TL104, with their safe fixes), keys a table must have (TL105) and arguments of a
newer release than the project's (TL106)."""

from __future__ import annotations

from typing import Any

from trainer_lint.diagnostic import Diagnostic, Edit, Fix, KeyPath, format_key
from trainer_lint.rules.base import Rule, closest
from trainer_lint.rules.types.findings import SchemaRule
from trainer_lint.rules.types.walker import MISSING_KEY, NEWER_ARGUMENT, REMOVED_ARGUMENT, UNKNOWN_KEY, diag

def _removed_arguments() -> dict[str, tuple[str, str | None, str | None]]:
    import json
    from pathlib import Path

    data = json.loads(Path(__file__).parents[2].joinpath("removed_arguments.json").read_text(encoding="utf-8"))
    return {name: (entry["advice"], entry.get("replacement"), entry["removed_in"]) for name, entry in data["arguments"].items()}


REMOVED_ARGUMENTS: dict[str, tuple[str, str | None, str | None]] = _removed_arguments()
"""Trainer arguments that earlier Lightning releases had and 2.x rejects: name -> (what to do instead,
a one-to-one replacement key or None, the release that removed it or None when no release had it).
The facts live in ``trainer_lint/removed_arguments.json``."""

DEVICE_ARGUMENTS = {"gpus": "gpu", "tpu_cores": "tpu", "hpus": "hpu", "num_processes": "cpu"}
"""Removed ``NAME = N`` arguments that mean ``accelerator = "ACC"`` plus ``devices = N`` (the
replacement Lightning 1.7's own deprecation messages name)."""


def removed_fix(key: KeyPath, value: Any, siblings: dict[str, Any]) -> Fix | None:
    """The safe fix for a removed Trainer argument, when it has exactly one meaning and the
    keys it writes are not already set."""
    name = key[-1]
    replacement = REMOVED_ARGUMENTS[name][1]
    if replacement is not None:
        if replacement in siblings:
            return None
        return Fix(f"Rename `{name}` to `{replacement}`", (Edit(key, "key", replacement),), safe=True)
    if name in DEVICE_ARGUMENTS and "accelerator" not in siblings and "devices" not in siblings:
        counts = value if isinstance(value, list) else [value]
        ints = all(isinstance(v, int) and not isinstance(v, bool) for v in counts)
        if ints and value not in (0, []) or isinstance(value, str) and value.strip() not in ("", "0"):
            from trainer_lint.formats.toml_writer import value as toml_value

            text = f'accelerator = "{DEVICE_ARGUMENTS[name]}"\ndevices = {toml_value(value)}'
            return Fix(f"Replace `{name}` with `accelerator` and `devices`", (Edit(key, "line", text),), safe=True)
    if name == "reload_dataloaders_every_epoch" and isinstance(value, bool) and "reload_dataloaders_every_n_epochs" not in siblings:
        text = f"reload_dataloaders_every_n_epochs = {int(value)}"
        return Fix("Replace with `reload_dataloaders_every_n_epochs`", (Edit(key, "line", text),), safe=True)
    return None


def _minor(release: str) -> str:
    """``1.7.0`` -> ``1.7``: releases remove arguments in minor versions."""
    parts = release.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 and parts[2] == "0" else release


def unknown_key(
    table: KeyPath,
    name: str,
    known: list[str],
    siblings: dict[str, Any] | None = None,
    lightning: Any = None,
    label: str = "",
) -> Diagnostic:
    key = (*table, name)
    siblings = siblings if siblings is not None else {}
    if table == ("trainer",) and lightning is not None:
        since = lightning.since(name)
        if since is not None:
            message = f"`{name}` needs Lightning >= {since}; this project uses {label or lightning.version}"
            return diag(NEWER_ARGUMENT, key, message, anchor="key")
        until = lightning.until(name)
        if until is not None:
            message = f"`{name}` was removed from the Trainer after Lightning {until}; this project uses {label or lightning.version}"
            return diag(REMOVED_ARGUMENT, key, message, anchor="key")
    if table == ("trainer",) and name in REMOVED_ARGUMENTS:
        advice, _, release = REMOVED_ARGUMENTS[name]
        if release is None:  # no release had it: an unknown key, with the advice
            return diag(UNKNOWN_KEY, key, f"unknown key `{name}` in table `trainer` (no Lightning release has it): {advice}", anchor="key")
        fix = removed_fix(key, siblings.get(name), siblings)
        message = f"`{name}` was removed from the Trainer in Lightning {_minor(release)}: {advice}"
        return diag(REMOVED_ARGUMENT, key, message, fix, anchor="key")
    where = f"in table `{format_key(table)}`" if table else "at the top level"
    message = f"unknown key `{name}` {where}"
    close = closest(name, tuple(known), 0.75)
    fix = None
    if close:
        message += f"; did you mean `{close[0]}`?"
        fix = Fix(f"Rename `{name}` to `{close[0]}`", (Edit(key, "key", close[0]),), safe=False)
    return diag(UNKNOWN_KEY, key, message, fix, anchor="key")



class UnknownKey(SchemaRule):
    """## What it does
    Flags keys the Trainer (or the table they are in) does not take, at every level, with a
    "did you mean" when a known key is close.

    ## Why is this bad?
    `Trainer(max_epoch=3)` raises `TypeError`; in a LightningCLI config an unknown key aborts the
    run. A typo in a key that has a default is worse: it can be silently ignored.

    ## Example
    ```toml
    [trainer]
    max_epoch = 3
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = 3
    ```

    ## Lightning source
    The signature of `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py`.
    """

    code = UNKNOWN_KEY
    name = "unknown-key"
    summary = "A key that its table does not take"
    fixable = True


class RemovedArgument(SchemaRule):
    """## What it does
    Flags Trainer arguments that a Lightning release removed (`gpus`, `tpu_cores`,
    `auto_select_gpus`, `amp_backend`, `resume_from_checkpoint`, `auto_lr_find` in 2.0;
    `flush_logs_every_n_steps`, `weights_summary`, `progress_bar_refresh_rate` in 1.7; ...),
    names the release that removed each and their replacement.

    ## Why is this bad?
    `Trainer` raises `TypeError: __init__() got an unexpected keyword argument 'gpus'`: configs
    written for Lightning 1.x do not run on 2.x.

    ## Example
    ```toml
    [trainer]
    gpus = 2
    ```

    ## Fix
    ```toml
    [trainer]
    accelerator = "gpu"
    devices = 2
    ```

    ## Lightning source
    Lightning's changelog (`src/lightning/pytorch/CHANGELOG.md`) and the signature of
    `Trainer.__init__` in each release (`trainer_lint/removed_arguments.json` holds the facts).
    """

    code = REMOVED_ARGUMENT
    name = "removed-argument"
    summary = "A Trainer argument that a Lightning release removed"
    fixable = True


class MissingKey(SchemaRule):
    """## What it does
    Flags a table that lacks a key it needs, such as a `class_path` table without `class_path`.

    ## Why is this bad?
    LightningCLI and `trainer-lint run` cannot build an object without knowing its class.

    ## Example
    ```toml
    [[trainer.callbacks]]
    init_args = { monitor = "val_loss" }
    ```

    ## Fix
    ```toml
    [[trainer.callbacks]]
    class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
    init_args = { monitor = "val_loss" }
    ```

    ## Lightning source
    `lightning/pytorch/cli.py` (`instantiate_class` reads `class_path` and `init_args`).
    """

    code = MISSING_KEY
    name = "missing-key"
    summary = "A table lacks a key it needs"


class NewerArgument(SchemaRule):
    """## What it does
    Flags a Trainer argument that a newer Lightning release added, when the project's release
    (see `trainer-lint check --lightning-version` and the project's `lightning` requirement) does
    not have it yet, and names the release that added it.

    ## Why is this bad?
    `Trainer` raises `TypeError: __init__() got an unexpected keyword argument 'model_registry'`:
    the config was written for a newer Lightning than the one that will read it.

    ## Example
    ```toml
    # requirements.txt pins lightning==2.4.0
    [trainer]
    model_registry = "my-model"
    ```

    ## Fix
    Upgrade Lightning to the release named in the message (and the pin with it), or remove the
    argument.

    ## Lightning source
    The signature of `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py`, release by
    release (`trainer_lint/lightning/releases.json`).
    """

    code = NEWER_ARGUMENT
    name = "argument-needs-newer-lightning"
    summary = "A Trainer argument that the project's Lightning release does not have yet"


RULES: tuple[type[Rule], ...] = (UnknownKey, RemovedArgument, MissingKey, NewerArgument)
