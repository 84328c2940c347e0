"""A real editor: headless Neovim (Debian's ``neovim`` package) starts ``trainer-lint server``
with its built-in LSP client, opens a config, and shows the diagnostics ``check`` reports, at
the same places; then it applies the server's "fix all safe problems" action with its own
workspace-edit code and shows what remains (tests/editors/neovim.lua does the editor side). Once
with a TOML config, once with a YAML one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from lsp_client import ROOT, server_command, server_env  # noqa: E402

pytest.importorskip("pygls", reason="trainer-lint server needs the lsp extra (pip install 'trainer-lint[lsp]')")

SCRIPT = ROOT / "tests" / "editors" / "neovim.lua"

CONFIG = (
    "[trainer]\n"
    "barebones = true   # réglages 😋\n"
    "logger = true\n"
    "precision = 16\n"
    "max_epoch = 3\n"
)

YAML_CONFIG = (
    "trainer:\n"
    "  barebones: true   # réglages 😋\n"
    "  logger: true\n"
    "  precision: 16\n"
    "  max_epoch: 3\n"
)

CASES = {
    "toml": ("train.toml", CONFIG, 'precision = "16-mixed"'),
    "yaml": ("train.yaml", YAML_CONFIG, '  precision: "16-mixed"'),
}
"""Per format: the file, its text, and the line "fix all" writes."""


def _nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("nvim is not installed (apt-get install neovim); scripts/test.sh installs it")
        pytest.skip("nvim is not installed (apt-get install neovim; scripts/test.sh does it)")
    return found


@pytest.mark.parametrize("syntax", sorted(CASES))
def test_neovim_shows_the_servers_diagnostics_and_applies_its_fixes(tmp_path: Path, syntax: str) -> None:
    nvim = _nvim()
    if syntax == "yaml":
        pytest.importorskip("yaml", reason="YAML configs need PyYAML (the yaml extra)")
    name, text, fixed_line = CASES[syntax]
    config = tmp_path / name
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    env = {**server_env(), "TL_FILE": str(config), "TL_ROOT": str(tmp_path), "TL_OUT": str(out), "TL_CMD": json.dumps(server_command())}
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert out.is_file(), f"Neovim wrote nothing (exit {done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result
    assert result["first"], "Neovim showed no diagnostics"

    check = subprocess.run(
        [sys.executable, "-m", "trainer_lint", "check", "--format", "json", str(config)],
        capture_output=True, text=True, env=server_env(), timeout=120,
    )
    expected = json.loads(check.stdout)["diagnostics"]
    lines = text.split("\n")

    def byte(line: int, column: int) -> int:  # Neovim columns are byte offsets into the line
        return len(lines[line - 1][: column - 1].encode("utf-8"))

    want = sorted((d["line"] - 1, byte(d["line"], d["column"]), d["code"], d["message"]) for d in expected)
    got = sorted((d["lnum"], d["col"], d["code"], d["message"]) for d in result["before"])
    assert got == want
    assert any("barebones" in d["message"] and "logger" in d["message"] for d in result["before"])  # cross-field
    assert {d["source"] for d in result["before"]} == {"trainer-lint"}

    # the fix-all action, applied by Neovim: `precision = 16` becomes "16-mixed", as --fix does
    assert result["applied"] and "Fix all safe problems" in result["applied"]
    assert fixed_line in result["lines"]
    assert result["changed"]
    assert "TL320" not in {d["code"] for d in result["after"]}
    assert "TL103" in {d["code"] for d in result["after"]}  # an unsafe fix is not part of "fix all"
