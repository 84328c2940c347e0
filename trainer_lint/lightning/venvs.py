"""Throwaway virtual environments holding one Lightning release each (development and tests only).

The release data generator (:mod:`trainer_lint.lightning.generate`) and the multi-release
differential tests need the real ``lightning.Trainer`` of releases other than the installed one.
Each release gets a virtual environment created with ``--system-site-packages``, so the installed
torch (a CPU build) and Lightning's dependencies are reused, into which ``lightning==X`` alone is
installed with ``--no-deps``. Nothing here is imported by ``trainer-lint check``.

Environments are cached under ``$TRAINER_LINT_VENVS`` (default
``~/.cache/trainer-lint/lightning-venvs/<version>``) and created at most once: a lock serialises
concurrent creators, and a ``probe.json`` written last records whether the release really builds a
``Trainer`` here (a release that cannot is remembered with the reason, so tests skip quickly).

Lightning 2.0's top-level ``lightning/__init__.py`` imports ``lightning.app``, whose dependencies
(pydantic < 2.2, fastapi, ...) are not installed: :data:`BOOTSTRAP` imports ``lightning.pytorch``
without running that file. Every script that runs inside one of these environments starts with it.

Command line::

    python -m trainer_lint.lightning.venvs 2.4.0 2.0.9   # create (or reuse) and print each python
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

ENV = "TRAINER_LINT_VENVS"
"""Environment variable naming the cache folder."""

PROBE_FORMAT = 2
"""Bumped when what is installed or probed changes, so stale environments are rebuilt."""

BOOTSTRAP = """
import importlib.util, sys, warnings
warnings.filterwarnings("ignore")
_spec = importlib.util.find_spec("lightning")
if _spec is not None and "lightning" not in sys.modules:
    # Lightning 2.0's lightning/__init__.py imports lightning.app (pydantic < 2.2, fastapi, ...):
    # make the package importable without running it; lightning.pytorch needs nothing from it.
    _root = importlib.util.module_from_spec(_spec)
    sys.modules["lightning"] = _root
    from lightning.__version__ import version as _version
    _root.__version__ = _version
"""
"""Python run first in every process of a release environment (see the module docs)."""

_PROBE = BOOTSTRAP + """
import json, lightning, torch
from lightning.pytorch import Trainer
Trainer(logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
print(json.dumps({"lightning": lightning.__version__, "torch": torch.__version__}))
"""


def cache_dir() -> Path:
    """Where the environments live."""
    configured = os.environ.get(ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "trainer-lint" / "lightning-venvs"


@dataclass(frozen=True)
class Venv:
    """One release's environment: its interpreter, or why it cannot be used."""

    version: str
    python: Path | None
    reason: str | None = None
    torch: str | None = None

    @property
    def usable(self) -> bool:
        return self.python is not None


def _python(root: Path) -> Path:
    return root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - not POSIX: no concurrent creators expected
            pass
        yield


def _read_probe(root: Path) -> dict[str, Any] | None:
    try:
        probe = json.loads((root / "probe.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if probe.get("format") != PROBE_FORMAT or probe.get("base") != sys.base_prefix:
        return None
    return probe  # type: ignore[no-any-return]


def _from_probe(version: str, root: Path, probe: dict[str, Any]) -> Venv:
    if probe.get("ok"):
        return Venv(version, _python(root), torch=probe.get("torch"))
    return Venv(version, None, reason=probe.get("reason") or "unknown failure")


def ensure(version: str, *, create: bool = True) -> Venv:
    """The environment of Lightning ``version``, created on first use (``create=False``: only look).

    Never raises for a release that cannot be installed or cannot build a Trainer here: the
    returned :class:`Venv` says why (``python`` is None), and the verdict is cached.
    """
    root = cache_dir() / version
    probe = _read_probe(root)
    if probe is not None or not create:
        return _from_probe(version, root, probe) if probe is not None else Venv(version, None, reason="not created")
    with _lock(cache_dir() / f".{version}.lock"):
        probe = _read_probe(root)  # another process may have finished it meanwhile
        if probe is None:
            probe = _create(version, root)
    return _from_probe(version, root, probe)


NEEDS = (("No module named 'pkg_resources'", "setuptools<81"),)
"""(error text, requirement): a dependency some releases import that the base environment may
lack (Lightning < 2.4 imports ``pkg_resources``, gone from setuptools 81 and absent where
setuptools is not installed). Installed, without its own dependencies, only when the probe fails so."""


def _run(command: list[str], timeout: float) -> tuple[int, str, str]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return 1, "", str(error)
    return done.returncode, done.stdout, done.stderr


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip() and "pypi-more" not in line]
    return lines[-1].strip() if lines else "no output"


def _create(version: str, root: Path) -> dict[str, Any]:
    """Build the environment in a temporary folder, probe it, and move it into place."""
    root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root.parent))
    probe: dict[str, Any] = {"format": PROBE_FORMAT, "base": sys.base_prefix, "version": version}
    try:
        code, out, err = _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(work)], 120)
        if code:
            probe.update(ok=False, reason=f"cannot create a virtual environment: {_last_line(out + err)}")
        else:
            probe.update(_install(version, _python(work)))
        (work / "probe.json").write_text(json.dumps(probe, indent=1) + "\n", encoding="utf-8")
        if root.exists():
            shutil.rmtree(root, ignore_errors=True)
        # the interpreter symlinks and pyvenv.cfg do not mention the folder: moving is safe
        os.replace(work, root)
        _fix_paths(root, work)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return probe


def _install(version: str, python: Path) -> dict[str, Any]:
    """Install ``lightning==version`` (and what the probe shows it lacks) and probe it."""
    pip = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", "--no-warn-conflicts"]
    code, out, err = _run([*pip, f"lightning=={version}"], 600)
    if code:
        return {"ok": False, "reason": f"`pip install lightning=={version}` failed: {_last_line(out + err)}"}
    extra: list[str] = []
    while True:
        code, out, err = _run([str(python), "-c", _PROBE], 300)
        if not code:
            return {"ok": True, "extra": extra, **json.loads(out.strip().splitlines()[-1])}
        need = next((req for text, req in NEEDS if text in err and req not in extra), None)
        if need is None:
            return {"ok": False, "reason": f"Lightning {version} cannot build a Trainer here: {_last_line(err)}"}
        code, out, err = _run([*pip, need], 600)
        if code:
            return {"ok": False, "reason": f"`pip install {need}` (Lightning {version} needs it) failed: {_last_line(out + err)}"}
        extra.append(need)


def _fix_paths(root: Path, old: Path) -> None:
    """Point the scripts that ``venv`` wrote at the final folder (they name the temporary one)."""
    for path in (root / "bin").glob("*") if (root / "bin").is_dir() else ():
        if path.is_file() and not path.is_symlink():
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if str(old) in text:
                path.write_text(text.replace(str(old), str(root)), encoding="utf-8")


def run_in(venv: Venv, script: str, payload: Any = None, *, timeout: float = 600, env: dict[str, str] | None = None) -> Any:
    """Run ``script`` (Python source; :data:`BOOTSTRAP` is prepended) in ``venv``, feeding it
    ``payload`` as JSON on stdin; return the JSON it prints last. Raises RuntimeError on failure."""
    if venv.python is None:
        raise RuntimeError(f"Lightning {venv.version} has no usable environment: {venv.reason}")
    env = {**os.environ, **(env or {})}
    repo = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = repo + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONSTARTUP", None)
    done = subprocess.run(
        [str(venv.python), "-c", BOOTSTRAP + script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"Lightning {venv.version}: script failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    versions = sys.argv[1:] if argv is None else argv
    if not versions:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    status = 0
    for version in versions:
        venv = ensure(version)
        if venv.usable:
            print(f"{version}\t{venv.python}\ttorch {venv.torch}")
        else:
            print(f"{version}\tunusable: {venv.reason}")
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
