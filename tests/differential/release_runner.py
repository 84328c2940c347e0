"""Runs inside one Lightning release's environment (see ``test_releases.py``): builds the real
``Trainer`` of that release for each trainer table it is sent, under the same mocked hardware as
:mod:`differential.harness`, and prints what happened as JSON.

Input on stdin: ``{"tests": <tests folder>, "jobs": [{"table": {...}, "cuda": N, "mps": bool,
"objects": bool}]}``; a job with ``objects`` has ``class_path`` objects, which are instantiated
first (``test_objects._truth``). Output (last line of stdout): ``{"version", "parameters": {name:
annotation}, "precisions": [...], "outcomes": [{"error": "Type: message" | null, "warnings": [...],
"broken": bool}]}`` (``broken``: an object's annotation was broken without Python noticing). The parameters and
precision names are read from the release itself: they feed the annotation oracle, which must
not come from trainer-lint's own data.
"""

import json
import sys
import typing


def _literal_values(literal: typing.Any) -> list[typing.Any]:
    out: list[typing.Any] = []
    for arg in typing.get_args(literal):
        out.extend(_literal_values(arg) if typing.get_args(arg) else [arg])
    return out


def main() -> None:
    payload = json.load(sys.stdin)
    sys.path.insert(0, payload["tests"])
    import inspect

    import lightning
    from lightning.fabric import connector
    from lightning.pytorch import Trainer

    from differential.harness import build
    from differential.test_objects import _truth

    signature = inspect.signature(Trainer.__init__)
    outcomes = []
    for job in payload["jobs"]:
        broken = False
        if job.get("objects"):  # class_path objects: instantiated as LightningCLI would
            outcome, broken = _truth(job["table"])
        else:
            outcome = build(job["table"], cuda=job.get("cuda", 0), mps=job.get("mps", False))
        error = f"{type(outcome.error).__name__}: {outcome.error}" if outcome.error is not None else None
        outcomes.append({"error": error, "warnings": outcome.warnings, "broken": broken})
    result = {
        "version": lightning.__version__,
        "parameters": {name: repr(p.annotation) for name, p in list(signature.parameters.items())[1:]},
        "precisions": _literal_values(connector._PRECISION_INPUT),
        "outcomes": outcomes,
    }
    sys.stdout.write("\n" + json.dumps(result) + "\n")


main()
