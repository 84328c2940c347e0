"""Which Lightning release a config is checked against: the five sources in order, ranges, unknown
releases, and how the choice shows in text, JSON and SARIF output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trainer_lint.checker import check_paths
from trainer_lint.diagnostic import Severity
from trainer_lint.lightning import releases, selection
from trainer_lint.lightning.selection import choose, parse_requirement
from trainer_lint.lightning.versions import Specifier, parse
from trainer_lint.options import Options

NEWER = '[trainer]\nmax_epochs = 3\nmodel_registry = "my-model"\n'
"""``model_registry`` is a Trainer argument from Lightning 2.5.1 on."""


@pytest.fixture(autouse=True)
def _fresh():
    selection.clear_caches()
    yield
    selection.clear_caches()


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir()  # the search for project files stops at the repository root
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "cfg.toml"


def _no_installed(monkeypatch):
    monkeypatch.setattr(selection, "installed_version", lambda: None)


def test_flag_beats_everything(tmp_path, monkeypatch):
    cfg = _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "lightning==2.6.6\n"})
    choice = choose(Options(lightning_version="2.4", lightning_version_origin="--lightning-version"), str(cfg))
    assert (choice.source, choice.release.version, choice.requested) == ("flag", "2.4.0", "2.4")
    assert choice.explicit


def test_settings_beat_project_file(tmp_path):
    cfg = _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "lightning==2.6.6\n"})
    choice = choose(Options(lightning_version="2.2.1", lightning_version_origin="lightning-version in pyproject.toml"), str(cfg))
    assert (choice.source, choice.release.version) == ("settings", "2.2.1")


def test_settings_file_end_to_end(tmp_path, monkeypatch):
    from trainer_lint import settings

    cfg = _project(tmp_path, {
        "cfg.toml": NEWER,
        "pyproject.toml": '[tool.trainer-lint]\nlightning-version = "2.4"\n[project]\nname = "x"\ndependencies = ["lightning==2.6.6"]\n',
    })
    resolved = settings.resolve(settings.discover([str(cfg)]))
    report = check_paths([str(cfg)], resolved.selection, options=resolved.options)
    [d] = [d for d in report.diagnostics if d.code == "TL106"]
    assert "needs Lightning >= 2.5.1; this project uses 2.4.0" in d.message
    assert report.lightning[0][0].source == "settings"


def test_project_file_beats_installed(tmp_path):
    cfg = _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "numpy\nlightning==2.4.0  # pinned\n"})
    choice = choose(Options(), str(cfg))
    assert (choice.source, choice.release.version) == ("project", "2.4.0")
    assert choice.origin.startswith("lightning==2.4.0 in ") and choice.origin.endswith("requirements.txt")


def test_pin_of_a_minor_is_its_first_release(tmp_path):
    cfg = _project(tmp_path, {"requirements.txt": "lightning==2.5\n"})
    assert choose(Options(), str(cfg)).release.version == "2.5.0"  # PEP 440: ==2.5 is 2.5.0
    flag = Options(lightning_version="2.5", lightning_version_origin="--lightning-version")
    assert choose(flag, str(cfg)).release.version == "2.5.6"  # the flag's X.Y is that minor's newest


def test_nearest_project_file_wins(tmp_path):
    cfg = _project(tmp_path, {
        "requirements.txt": "lightning==2.6.6\n",
        "sub/pyproject.toml": '[project]\nname = "x"\ndependencies = ["pytorch-lightning>=2.2,<2.3"]\n',
        "sub/configs/cfg.toml": NEWER,
    })
    choice = choose(Options(), str(tmp_path / "sub" / "configs" / "cfg.toml"))
    assert choice.source == "project"
    assert [r.version for r in choice.releases] == ["2.2.0", "2.2.5"]
    assert choice.requested == "pytorch-lightning>=2.2,<2.3"
    assert cfg.parent == tmp_path  # the requirements.txt beside the repository root is farther away


def test_project_file_without_lightning_is_passed_over(tmp_path):
    _project(tmp_path, {"requirements.txt": "lightning==2.3.3\n", "sub/pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy"]\n'})
    choice = choose(Options(), str(tmp_path / "sub" / "cfg.toml"))
    assert choice.release.version == "2.3.3"


def test_extras_do_not_count(tmp_path, monkeypatch):
    _no_installed(monkeypatch)
    cfg = _project(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nrun = ["lightning==2.0.0"]\n'})
    assert choose(Options(), str(cfg)).source == "default"


def test_installed_when_no_project_file(tmp_path, monkeypatch):
    monkeypatch.setattr(selection, "installed_version", lambda: ("lightning", "2.5.3"))
    cfg = _project(tmp_path, {"cfg.toml": NEWER})
    choice = choose(Options(), str(cfg))
    assert (choice.source, choice.release.version, choice.origin) == ("installed", "2.5.3", "installed lightning 2.5.3")


def test_installed_is_read_from_metadata_without_import():
    code = (
        "import sys\nfrom trainer_lint.lightning.selection import installed_version\n"
        "print(installed_version())\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('lightning', 'torch', 'pytorch_lightning')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    from importlib import metadata

    assert out[0] == repr(("lightning", metadata.version("lightning")))  # the same answer as importlib.metadata
    assert out[1] == "[]"


def test_installed_metadata_forms(tmp_path, monkeypatch):
    (tmp_path / "pytorch_lightning-2.3.3.dist-info").mkdir()
    (tmp_path / "Lightning.egg-info").mkdir()
    (tmp_path / "Lightning.egg-info" / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: lightning\nVersion: 2.2.1\n\nbody\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert selection.installed_version() == ("lightning", "2.2.1")
    (tmp_path / "Lightning.egg-info" / "PKG-INFO").unlink()
    selection.clear_caches()
    assert selection.installed_version() == ("pytorch-lightning", "2.3.3")


def test_newest_when_nothing_says(tmp_path, monkeypatch):
    _no_installed(monkeypatch)
    cfg = _project(tmp_path, {"cfg.toml": NEWER})
    choice = choose(Options(), str(cfg))
    assert (choice.source, choice.release) == ("default", releases.newest())


def test_five_sources_in_order(tmp_path, monkeypatch):
    """Each source in turn, removing the one above it."""
    monkeypatch.setattr(selection, "installed_version", lambda: ("lightning", "2.3.0"))
    cfg = _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "lightning==2.2.0\n"})
    flag = Options(lightning_version="2.0", lightning_version_origin="--lightning-version")
    setting = Options(lightning_version="2.1", lightning_version_origin="lightning-version in pyproject.toml")
    seen = [choose(flag, str(cfg)).release.version, choose(setting, str(cfg)).release.version, choose(Options(), str(cfg)).release.version]
    (tmp_path / "requirements.txt").unlink()
    selection.clear_caches()
    seen.append(choose(Options(), str(cfg)).release.version)
    monkeypatch.setattr(selection, "installed_version", lambda: None)
    selection.clear_caches()
    seen.append(choose(Options(), str(cfg)).release.version)
    assert seen == ["2.0.9.post0", "2.1.4", "2.2.0", "2.3.0", releases.known()[-1]]


# -- ranges ---------------------------------------------------------------------------------------


def test_range_is_checked_at_both_ends(tmp_path):
    cfg = _project(tmp_path, {
        "cfg.toml": NEWER + "enable_autolog_hparams = false\n",
        "requirements.txt": "lightning>=2.4,<2.6\n",
    })
    report = check_paths([str(cfg)])
    # model_registry: an error with 2.4.0 (the low end) only -> a warning naming that end
    found = {(d.key[-1], d.severity) for d in report.diagnostics}
    assert ("model_registry", Severity.WARNING) in found
    assert ("enable_autolog_hparams", Severity.ERROR) in found  # 2.6 and later: no release of the range has it
    [warning] = [d for d in report.diagnostics if d.key[-1] == "model_registry"]
    assert "an error with Lightning 2.4.0" in warning.message and "not with 2.5.6" in warning.message
    [error] = [d for d in report.diagnostics if d.key[-1] == "enable_autolog_hparams"]
    assert error.message == "`enable_autolog_hparams` needs Lightning >= 2.6; this project uses lightning>=2.4,<2.6"
    assert report.exit_code() == 1


def test_range_without_known_release(tmp_path):
    cfg = _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "lightning>=3.0\n"})
    report = check_paths([str(cfg)])
    [info] = [d for d in report.diagnostics if d.code == "TL010"]
    assert info.severity is Severity.INFO and "lightning>=3.0" in info.message
    assert report.exit_code() == 0


def test_unknown_newer_release_one_info_per_run(tmp_path):
    _project(tmp_path, {"a.toml": NEWER, "b.toml": NEWER})
    options = Options(lightning_version="2.9.1", lightning_version_origin="--lightning-version")
    report = check_paths([str(tmp_path)], options=options)
    infos = [d for d in report.diagnostics if d.code == "TL010"]
    assert len(infos) == 1 and report.files_checked == 2
    assert "newer than every release" in infos[0].message and releases.known()[-1] in infos[0].message
    assert not [d for d in report.diagnostics if d.severity is Severity.ERROR]


def test_older_than_known(tmp_path):
    cfg = _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "pytorch-lightning==1.9.5\n"})
    report = check_paths([str(cfg)])
    [info] = [d for d in report.diagnostics if d.code == "TL010"]
    assert "older than every release" in info.message and "2.0.0" in info.message


# -- the must-show --------------------------------------------------------------------------------


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainer_lint", "check", *args], cwd=cwd, capture_output=True, text=True)


def test_must_show_pinned_24_vs_26(tmp_path):
    old = tmp_path / "old"
    new = tmp_path / "new"
    for folder, requirement in ((old, "lightning==2.4.0"), (new, "lightning==2.6.6")):
        folder.mkdir()
        (folder / ".git").mkdir()
        (folder / "requirements.txt").write_text(requirement + "\n")
        (folder / "cfg.toml").write_text(NEWER)
    done = _cli(old, "cfg.toml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "cfg.toml:3:1: TL106 error: `model_registry` needs Lightning >= 2.5.1; this project uses 2.4.0" in done.stdout
    assert "Checked against Lightning 2.4.0 (lightning==2.4.0 in requirements.txt)." in done.stdout
    done = _cli(new, "cfg.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("All checks passed (1 file checked).")


def test_explicit_release_is_not_repeated_in_text(tmp_path):
    cfg = _project(tmp_path, {"cfg.toml": NEWER})
    done = _cli(tmp_path, str(cfg), "--lightning-version", "2.6")
    assert done.returncode == 0 and "Checked against" not in done.stdout


def test_json_and_sarif_carry_the_release(tmp_path):
    _project(tmp_path, {"cfg.toml": NEWER, "requirements.txt": "lightning==2.4.0\n"})
    data = json.loads(_cli(tmp_path, "cfg.toml", "--format", "json").stdout)
    assert data["lightning"] == [{
        "version": "2.4.0", "versions": ["2.4.0"], "requested": "2.4.0", "source": "project",
        "origin": "lightning==2.4.0 in requirements.txt", "files": 1,
    }]
    assert {"version", "files_checked", "diagnostics"} <= set(data)
    sarif = json.loads(_cli(tmp_path, "cfg.toml", "--format", "sarif").stdout)
    assert sarif["runs"][0]["properties"]["lightning"] == data["lightning"]


# -- reading requirements and versions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("lightning==2.4.0", ("lightning", "==2.4.0")),
        ("Lightning[extra] >= 2.2, < 2.5 ; python_version > '3.9'", ("lightning", ">=2.2,<2.5")),
        ("pytorch_lightning~=2.3.0", ("pytorch-lightning", "~=2.3.0")),
        ("lightning (>=2.1)", ("lightning", ">=2.1")),
        ("lightning", ("lightning", "")),
        ("lightning-utilities==0.11", None),
        ("lightning @ https://example.com/lightning.whl", None),
        ("lightning==two", None),
    ],
)
def test_parse_requirement(line, expected):
    parsed = parse_requirement(line)
    assert (None if parsed is None else (parsed[0], parsed[1].text)) == expected


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        (">=2.2,<2.5", ["2.2.0", "2.4.0", "2.2.0.post0"], ["2.1.4", "2.5.0", "2.5.0rc1"]),
        ("~=2.3.0", ["2.3.0", "2.3.3"], ["2.4.0", "2.2.5"]),
        ("~=2.3", ["2.3.0", "2.6.6"], ["2.2.5", "3.0.0"]),
        ("==2.4.*", ["2.4.0", "2.4.9"], ["2.5.0"]),
        ("!=2.5.1,>=2.5", ["2.5.0", "2.5.2"], ["2.5.1", "2.4.0"]),
        ("==2.4", ["2.4.0"], ["2.4.1"]),
        (">2.4", ["2.4.1", "2.5.0"], ["2.4.0", "2.4.0.post1"]),
        ("<=2.0.9", ["2.0.9", "2.0.0"], ["2.0.9.post0", "2.1.0"]),
    ],
)
def test_specifiers(spec, inside, outside):
    parsed = Specifier.parse(spec)
    assert all(parsed.contains(v) for v in inside), [v for v in inside if not parsed.contains(v)]
    assert not any(parsed.contains(v) for v in outside), [v for v in outside if parsed.contains(v)]


def test_version_order():
    ordered = ["2.0.0.dev1", "2.0.0a1", "2.0.0rc2", "2.0.0", "2.0.0.post0", "2.0.1", "2.1", "2.10.0"]
    assert sorted(reversed(ordered), key=parse) == ordered


def test_lookup():
    assert releases.lookup("2.4").release.version == "2.4.0"
    assert releases.lookup("2.5").release.version == "2.5.6"
    assert releases.lookup("2.0.9.post0").exact
    assert releases.lookup("2.6.3").release.version == "2.6.1" and not releases.lookup("2.6.3").exact
    assert releases.lookup("9.0").newer_than_known
    with pytest.raises(ValueError):
        releases.lookup("two")
