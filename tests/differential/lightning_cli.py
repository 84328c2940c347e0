"""Judge configs with the real ``LightningCLI(..., run=False)``: the ground truth for ``[model]``,
``[data]``, ``optimizer``, ``lr_scheduler`` and the Trainer's object keys. Both LightningCLI
suites use it: the user classes' (``test_lightning_cli.py``) and the YAML one
(``test_yaml_lightningcli.py``).

:func:`run_cli` is the verdict itself: it builds a LightningCLI with its output captured and says
whether jsonargparse rejected the config (``parse``: it exits), a constructor raised (``build``),
or it was accepted (with the built CLI).

:func:`judge` runs configs through a CLI script (``tests/fixtures/cliproject/train_*.py``, which
defines ``cli_main(args=None, run=True)`` returning its ``LightningCLI(...)``) in a fresh
interpreter that imports only that script (and this module), so a bare class name resolves among
exactly the classes the script's imports bring in, as it does when the script runs (the test
process has imported much more). The configs travel as JSON lines: TOML's parsed data is what
LightningCLI receives (``args=<dict>``, which it parses with ``parser.parse_object``), less the
keys that are trainer-lint's own (:func:`cli_args`). The YAML suite calls :func:`run_cli` in its
own process instead, with ``--config FILE`` (LightningCLI's YAML loader is what it tests) and
CUDA/MPS mocked per config (:func:`differential.harness.hardware`).

Reusable: give it any script with a ``cli_main`` and any parsed configs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]

TRAINER_LINT_ONLY = ("ckpt_path",)
"""Top-level keys of a trainer-lint config that LightningCLI's parser (with ``run=False``) has no
argument for: ``ckpt_path`` belongs to the ``fit`` subcommand."""

DRIVER = r"""
import copy, importlib, json, logging, os, sys, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
script, tests = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(script))
sys.path.insert(1, tests)
from differential.lightning_cli import run_cli
module = importlib.import_module(os.path.splitext(os.path.basename(script))[0])
for line in sys.stdin:
    config = json.loads(line)
    verdict, _ = run_cli(lambda: module.cli_main(args=copy.deepcopy(config), run=False))
    sys.__stdout__.write(json.dumps(verdict.as_json()) + "\n")
    sys.__stdout__.flush()
"""


@dataclass
class Verdict:
    """What LightningCLI did with one config."""

    accepted: bool
    stage: str = ""
    """``parse`` (jsonargparse rejected it: exit 2) or ``build`` (a constructor raised)."""
    error: str = ""
    """jsonargparse's message (its output, last 3,000 characters), or the exception raised."""
    exception: BaseException | None = field(default=None, compare=False, repr=False)
    """What a constructor raised (``build``; in this process only, never sent as JSON)."""

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "exception"}


def run_cli(make: Callable[[], Any]) -> tuple[Verdict, Any]:
    """Call ``make`` (it builds a ``LightningCLI(..., run=False)``) with its output captured: the
    verdict, and the CLI when it was accepted (else None). jsonargparse rejects a config by
    exiting (``parse``); any other raise is a class's constructor or the Trainer (``build``)."""
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        try:
            cli = make()
        except SystemExit:
            return Verdict(False, "parse", captured.getvalue()[-3000:]), None
        except Exception as error:  # noqa: BLE001 - a class raised while being built
            return Verdict(False, "build", (type(error).__name__ + ": " + str(error))[:3000], error), None
    return Verdict(True), cli


def cli_args(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed trainer-lint config as the ``args`` dict LightningCLI receives."""
    return {k: v for k, v in data.items() if k not in TRAINER_LINT_ONLY}


def start(script: Path, *, pythonpath: list[Path], cwd: Path) -> subprocess.Popen[str]:
    """Start a judge process for ``script`` (feed it with :func:`send`)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(p) for p in pythonpath), PYTHONWARNINGS="ignore")
    env.pop("CUDA_VISIBLE_DEVICES", None)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(script), str(TESTS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
    )


def finish(process: subprocess.Popen[str], configs: list[dict[str, Any]], timeout: float = 900) -> list[Verdict]:
    """Send every config to a judge process and read its verdicts, in order."""
    payload = "".join(json.dumps(cli_args(c)) + "\n" for c in configs)
    out, err = process.communicate(payload, timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if len(lines) != len(configs):
        raise RuntimeError(f"the LightningCLI judge answered {len(lines)} of {len(configs)} configs:\n{err[-3000:]}")
    return [Verdict(**json.loads(line)) for line in lines]


def judge(script: Path, configs: list[dict[str, Any]], *, pythonpath: list[Path], cwd: Path) -> list[Verdict]:
    """LightningCLI's verdict on each config, through ``script``'s ``cli_main``."""
    return finish(start(script, pythonpath=pythonpath, cwd=cwd), configs)
