"""Judge configs with the real ``LightningCLI(..., run=False)``: the ground truth for ``[model]``,
``[data]``, ``optimizer``, ``lr_scheduler`` and the Trainer's object keys.

A CLI script (``tests/fixtures/cliproject/train_*.py``) defines ``cli_main(args=None, run=True)``
returning its ``LightningCLI(...)``. :func:`judge` runs each config through it in a fresh
interpreter that imports only that script, so a bare class name resolves among exactly the
classes the script's imports bring in, as it does when the script runs (the test process has
imported much more). The configs travel as JSON lines: TOML's parsed data is what LightningCLI
receives (``args=<dict>``, which it parses with ``parser.parse_object``), less the keys that are
trainer-lint's own (:func:`cli_args`).

Reusable: give it any script with a ``cli_main`` and any parsed configs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRAINER_LINT_ONLY = ("ckpt_path",)
"""Top-level keys of a trainer-lint config that LightningCLI's parser (with ``run=False``) has no
argument for: ``ckpt_path`` belongs to the ``fit`` subcommand."""

DRIVER = r"""
import contextlib, copy, importlib, io, json, logging, os, sys, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
script = sys.argv[1]
sys.path.insert(0, os.path.dirname(script))
module = importlib.import_module(os.path.splitext(os.path.basename(script))[0])
for line in sys.stdin:
    config = json.loads(line)
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        try:
            module.cli_main(args=copy.deepcopy(config), run=False)
            result = {"accepted": True}
        except SystemExit as error:
            result = {"accepted": False, "stage": "parse", "error": captured.getvalue()[-3000:]}
        except Exception as error:  # a class raised while being built
            result = {"accepted": False, "stage": "build", "error": (type(error).__name__ + ": " + str(error))[:3000]}
    sys.__stdout__.write(json.dumps(result) + "\n")
    sys.__stdout__.flush()
"""


@dataclass
class Verdict:
    """What LightningCLI did with one config."""

    accepted: bool
    stage: str = ""
    """``parse`` (jsonargparse rejected it: exit 2) or ``build`` (a constructor raised)."""
    error: str = ""


def cli_args(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed trainer-lint config as the ``args`` dict LightningCLI receives."""
    return {k: v for k, v in data.items() if k not in TRAINER_LINT_ONLY}


def start(script: Path, *, pythonpath: list[Path], cwd: Path) -> subprocess.Popen[str]:
    """Start a judge process for ``script`` (feed it with :func:`send`)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(p) for p in pythonpath), PYTHONWARNINGS="ignore")
    env.pop("CUDA_VISIBLE_DEVICES", None)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(script)],
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
