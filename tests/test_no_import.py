"""`check` never imports a module a config names, nor torch or Lightning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


HEADER = """
open({marker!r}, "a").write("{name} ")
import lightning.pytorch as pl
from lightning.pytorch.callbacks import Callback
{extra}
"""

PLANTED = HEADER + """
class Net(pl.LightningModule):
    def __init__(self, hidden: int = 4, **kwargs):
        super().__init__(**kwargs)

class Data(pl.LightningDataModule):
    def __init__(self, batch_size: int = 2):
        super().__init__()

class Cb(Callback):
    def __init__(self, x: int = 1):
        pass
"""


def _plant(tmp_path: Path, fmt: str = "toml") -> tuple[Path, Path, dict[str, str]]:
    """A package whose every module (and the CLI script) writes ``imported.txt`` when imported or
    run, and a config naming it (``fmt="yaml"``: the same config as LightningCLI's YAML)."""
    marker = tmp_path / "imported.txt"
    pkg = tmp_path / "site"
    (pkg / "planted").mkdir(parents=True)
    (pkg / "planted" / "__init__.py").write_text(HEADER.format(marker=str(marker), name="planted", extra="from planted.base import Base\nfrom planted.models import Data"))
    (pkg / "planted" / "models.py").write_text(PLANTED.format(marker=str(marker), name="models", extra="from planted import base"))
    (pkg / "planted" / "base.py").write_text(HEADER.format(marker=str(marker), name="base", extra="Base = pl.LightningModule"))
    script = tmp_path / "train.py"
    script.write_text(
        f"open({str(marker)!r}, 'a').write('script ')\n"
        "from lightning.pytorch.cli import LightningCLI\nimport planted.models\n"
        "LightningCLI(subclass_mode_model=True)\n"
    )
    config = tmp_path / "cfg.toml"
    config.write_text(
        textwrap.dedent(
            """
            model = { class_path = "planted.models.Net", init_args = { hidden = 8 } }
            data = "planted.Data"

            [trainer]
            max_epochs = 1

            [[trainer.callbacks]]
            class_path = "Cb"
            init_args = { x = 1 }

            [[trainer.callbacks]]
            class_path = "lightning.pytorch.callbacks.ModelCheckpoint"
            init_args = { monitor = "val_loss", mode = "min" }
            """
        )
    )
    if fmt == "yaml":
        config = _as_yaml(config)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(pkg), str(ROOT)]))
    return marker, config, env


def _as_yaml(config: Path) -> Path:
    from trainer_lint.formats.convert import toml_to_yaml

    target = config.with_suffix(".yaml")
    target.write_text(toml_to_yaml(config.read_text(), config.name).text)
    return target


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_planted_module_is_never_imported(tmp_path, fmt):
    marker, config, env = _plant(tmp_path, fmt)
    probe = tmp_path / "probe"
    probe.mkdir()
    script = str(tmp_path / "train.py")
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "check", "--cli-script", script, str(config)], env=env, cwd=probe, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "TL520" not in done.stdout, done.stdout  # every planted class was resolved (read, not imported)
    assert not marker.exists()
    # the same classes with planted mistakes: found, read and judged, still never imported
    broken = tmp_path / "broken.toml"
    broken.write_text(config.with_suffix(".toml").read_text().replace("hidden = 8", "hiden = 8").replace("x = 1", 'x = "one"'))
    if fmt == "yaml":
        broken = _as_yaml(broken)
    done = subprocess.run([sys.executable, "-m", "trainer_lint", "check", "--cli-script", script, str(broken)], env=env, cwd=probe, capture_output=True, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "`Net` takes no argument `hiden`; did you mean `hidden`?" in done.stdout
    assert "`x` of `Cb` expects an integer" in done.stdout
    assert not marker.exists()
    # the planted modules work: importing them writes the marker (checked in a throwaway process)
    subprocess.run([sys.executable, "-c", "import planted.models"], env=env, check=True)
    assert sorted(marker.read_text().split()) == ["base", "models", "planted"], "the planted modules should write their marker when really imported"


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_check_loads_no_torch_or_lightning(tmp_path, fmt):
    marker, config, env = _plant(tmp_path, fmt)
    script = textwrap.dedent(
        f"""
        import json, sys
        from trainer_lint.checker import check_paths
        report = check_paths([{str(config)!r}])
        print(json.dumps(sorted(sys.modules)))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [m for m in modules if m.split(".")[0] in {"torch", "lightning", "pytorch_lightning", "lightning_fabric", "planted"}]
    assert heavy == []
    assert "trainer_lint.classes" in modules  # the snapshot was consulted
    assert not marker.exists()


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
def test_server_never_imports_what_a_config_names(tmp_path, fmt):
    """`trainer-lint server` lints, completes, hovers and goes to definition on a config naming a
    planted module (found on the file system, read with ast), and never imports it, nor torch or
    Lightning: the modules the server process loaded are dumped when it exits. Serving TOML
    alone does not import PyYAML either."""
    import asyncio

    pytest = __import__("pytest")
    pytest.importorskip("pygls")
    pytest.importorskip("pytest_lsp")
    sys.path.insert(0, str(Path(__file__).parent))
    from lsprotocol import types as T

    from lsp_client import Session, split_cursor

    marker, config, env = _plant(tmp_path, fmt)
    dump = tmp_path / "modules.json"
    wrapper = (
        "import atexit, json, sys\n"
        f"atexit.register(lambda: open({str(dump)!r}, 'w').write(json.dumps(sorted(sys.modules))))\n"
        "from trainer_lint.server import main\n"
        "sys.exit(main())\n"
    )
    text = config.read_text().replace("planted.models.Net", "planted.models.N«»et", 1)
    text, position = split_cursor(text)

    async def session():
        server = await Session.start([sys.executable, "-c", wrapper], tmp_path, env=env)
        try:
            uri = server.open(config.name, text, language=fmt)
            diagnostics = await server.diagnostics(uri, version=1)
            hover = await server.hover(uri, position)
            found = await server.definition(uri, position)
            items = await server.completion(uri, T.Position(position.line + 1, 13))
            return diagnostics, hover, found, items
        finally:
            await server.stop()

    diagnostics, _, found, _ = asyncio.run(session())
    assert [Path(f.uri).name for f in found] == ["models.py"]  # found by reading files
    assert dump.is_file(), "the server did not exit normally"
    modules = json.loads(dump.read_text())
    heavy = [m for m in modules if m.split(".")[0] in {"torch", "lightning", "pytorch_lightning", "lightning_fabric", "planted"}]
    assert heavy == []
    assert "pygls" in {m.split(".")[0] for m in modules}  # it really served through pygls
    assert ("yaml" in modules) == (fmt == "yaml")  # PyYAML for YAML documents only
    assert not marker.exists()


def test_release_selection_imports_nothing_it_names(tmp_path):
    """Choosing the release (a range in a project file, the installed distribution, an older
    release's snapshot) reads files only: no torch, no Lightning, no importlib.metadata."""
    marker, config, env = _plant(tmp_path)
    (tmp_path / "requirements.txt").write_text("lightning>=2.0,<2.5\n")
    (tmp_path / ".git").mkdir()
    script = textwrap.dedent(
        f"""
        import json, sys
        from trainer_lint.checker import check_paths
        report = check_paths([{str(config)!r}])
        choice, files = report.lightning[0]
        print(json.dumps([[r.version for r in choice.releases], sorted(sys.modules)]))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    versions, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert versions == ["2.0.0", "2.4.0"]
    heavy = [m for m in modules if m.split(".")[0] in {"torch", "lightning", "pytorch_lightning", "lightning_fabric", "planted"}]
    assert heavy == [] and "importlib.metadata" not in modules
    assert not marker.exists()
