"""`[tool.trainer-lint]` in pyproject.toml, and its precedence against the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trainer_lint.cli import app
from trainer_lint.settings import (
    Overrides,
    PerFileSelection,
    Settings,
    SettingsError,
    discover,
    find_pyproject,
    from_table,
    load,
    resolve,
)

BAD = '[trainer]\nmax_epochs = "10"\nmax_epoch = 3\n'
"""One TL100 (error, line 2) and one TL103 (error, line 3)."""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, ["check", "--no-color", *args])


def codes(output: str) -> list[str]:
    """The codes of the text-format lines of ``output``."""
    return [line.split(": ", 1)[1].split()[0] for line in output.splitlines() if line.startswith(("cfg", "sub", "a/", "b/", "legacy"))]


# ------------------------------------------------------------------------------- finding


def test_nearest_pyproject_with_the_table_wins(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.trainer-lint]\nignore = ['TL100']\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")  # no table: skipped
    inner = write(tmp_path / "pkg" / "deep" / "pyproject.toml", "[tool.trainer-lint]\nstrict = true\n")
    assert find_pyproject(tmp_path / "pkg") == tmp_path / "pyproject.toml"
    assert find_pyproject(tmp_path / "pkg" / "deep") == inner
    assert find_pyproject(tmp_path / "pkg" / "deep" / "cfg.toml") == inner  # a file: from its folder


def test_no_settings_file_means_defaults(tmp_path):
    found = find_pyproject(tmp_path)
    assert found is None or tmp_path not in found.parents  # nothing here (a folder above may have one)
    resolved = resolve(Settings())
    assert resolved.selection.select == ("TL",) and resolved.selection.ignore == ()
    assert (resolved.strict, resolved.format, resolved.exclude) == (False, "text", ())


def test_discover_starts_at_the_first_path(tmp_path, monkeypatch):
    project = write(tmp_path / "project" / "pyproject.toml", "[tool.trainer-lint]\nformat = 'github'\n")
    write(tmp_path / "project" / "configs" / "a.toml", BAD)
    monkeypatch.chdir(tmp_path)
    assert discover(["project/configs/a.toml"]).path.resolve() == project.resolve()
    assert discover(["project/configs/a.toml"], isolated=True) == Settings()
    other = write(tmp_path / "other.toml", "[tool.trainer-lint]\nformat = 'json'\n")
    assert discover(["project"], config=str(other)).format == "json"


def test_all_keys_are_read(tmp_path):
    path = write(
        tmp_path / "pyproject.toml",
        "[tool.trainer-lint]\n"
        "select = ['tl1', 'TL9']\nignore = ['TL105, TL902']\nexclude = ['legacy/']\nstrict = true\nformat = 'sarif'\n"
        "[tool.trainer-lint.per-file-ignores]\n'experiments/*.toml' = ['TL103']\n",
    )
    settings = load(path)
    assert settings.select == ("TL1", "TL9")
    assert settings.ignore == ("TL105", "TL902")
    assert settings.exclude == ("legacy/",)
    assert settings.strict is True and settings.format == "sarif"
    assert settings.per_file_ignores == (("experiments/*.toml", ("TL103",)),)
    assert settings.root == tmp_path


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"selct": ["TL1"]}, "unknown key `selct`; did you mean `select`?"),
        ({"select": ["TL1", "TL777"]}, "unknown rule code(s): TL777"),
        ({"ignore": ["XYZ"]}, "unknown rule code(s): XYZ"),
        ({"per-file-ignores": {"*.toml": ["TL1000"]}}, "per-file-ignores: unknown rule code(s): TL1000"),
        ({"per-file-ignores": ["TL100"]}, "`per-file-ignores` must be a table"),
        ({"select": [1]}, "`select` must be an array of strings"),
        ({"strict": "yes"}, "`strict` must be true or false"),
        ({"format": "xml"}, "unknown format 'xml'"),
    ],
)
def test_mistakes_in_settings_are_errors(table, message):
    with pytest.raises(SettingsError) as error:
        from_table(table, Path("pyproject.toml"))
    assert message in str(error.value)


def test_unparseable_pyproject_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.trainer-lint\nselect = 1\n")
    with pytest.raises(SettingsError, match="TOML syntax error"):
        find_pyproject(tmp_path)


# ------------------------------------------------------------------------------ merging


def test_each_flag_replaces_its_setting():
    settings = Settings(select=("TL1",), ignore=("TL103",), exclude=("a/",), strict=True, format="json")
    assert resolve(settings).selection.select == ("TL1",)
    resolved = resolve(settings, Overrides(select=("TL0",), ignore=("TL001",), exclude=("b/",), strict=False, format="github"))
    assert resolved.selection.select == ("TL0",) and resolved.selection.ignore == ("TL001",)
    assert (resolved.exclude, resolved.strict, resolved.format) == (("b/",), False, "github")
    # A flag not given keeps the setting.
    kept = resolve(settings, Overrides(select=("TL0",)))
    assert kept.selection.ignore == ("TL103",) and kept.strict is True and kept.format == "json"


def test_extend_flags_add_to_the_settings():
    settings = Settings(select=("TL1",), ignore=("TL103",))
    resolved = resolve(settings, Overrides(extend_select=("TL0",), extend_ignore=("TL105",)))
    assert resolved.selection.select == ("TL1", "TL0")
    assert resolved.selection.ignore == ("TL103", "TL105")
    replaced = resolve(settings, Overrides(ignore=("TL100",), extend_ignore=("TL105",)))
    assert replaced.selection.ignore == ("TL100", "TL105")


def test_unknown_codes_on_the_command_line_are_errors():
    with pytest.raises(SettingsError, match="--select: unknown rule code"):
        resolve(Settings(), Overrides(select=("TL77",)))
    with pytest.raises(SettingsError, match="--ignore: unknown rule code"):
        resolve(Settings(), Overrides(extend_ignore=("NOPE",)))
    with pytest.raises(SettingsError, match="unknown format"):
        resolve(Settings(), Overrides(format="xml"))


def test_per_file_ignores_match_relative_to_the_settings_folder_and_always_win(tmp_path):
    settings = Settings(per_file_ignores=(("experiments/*.toml", ("TL1",)), ("scratch.toml", ("TL100",))), path=tmp_path / "pyproject.toml")
    resolved = resolve(settings, Overrides(select=("TL103",)), cwd=tmp_path)
    inside = resolved.selection_for(str(tmp_path / "experiments" / "a.toml"))
    assert isinstance(inside, PerFileSelection)
    assert not inside.enabled("TL103"), "per-file-ignores beat a longer --select"
    assert resolved.selection_for(str(tmp_path / "configs" / "a.toml")).enabled("TL103")
    nested = resolved.selection_for(str(tmp_path / "deep" / "er" / "scratch.toml"))  # a bare name matches anywhere
    assert not nested.enabled("TL100") and nested.enabled("TL103")


def test_settings_exclude_is_relative_to_the_settings_folder(tmp_path):
    (tmp_path / "sub").mkdir()
    settings = Settings(exclude=("sub/legacy/", "*.gen.toml", "old"), path=tmp_path / "pyproject.toml")
    assert resolve(settings, cwd=tmp_path).exclude == ("sub/legacy/", "*.gen.toml", "old")
    assert resolve(settings, cwd=tmp_path / "sub").exclude == ("legacy/", "*.gen.toml", "old")


# ---------------------------------------------------------------------- through the CLI


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "cfg.toml", BAD)
    return tmp_path


def test_cli_defaults_without_settings(project, monkeypatch):
    result = run(project, "cfg.toml", "--isolated", monkeypatch=monkeypatch)
    assert result.exit_code == 1 and codes(result.stdout) == ["TL100", "TL103"]


def test_cli_reads_the_settings(project, monkeypatch):
    write(project / "pyproject.toml", "[tool.trainer-lint]\nignore = ['TL103']\n")
    result = run(project, "cfg.toml", monkeypatch=monkeypatch)
    assert codes(result.stdout) == ["TL100"]


def test_cli_ignore_replaces_and_extend_ignore_adds(project, monkeypatch):
    write(project / "pyproject.toml", "[tool.trainer-lint]\nignore = ['TL103']\n")
    assert codes(run(project, "cfg.toml", "--ignore", "TL100", monkeypatch=monkeypatch).stdout) == ["TL103"]
    result = run(project, "cfg.toml", "--extend-ignore", "TL100", monkeypatch=monkeypatch)
    assert codes(result.stdout) == [] and result.exit_code == 0


def test_cli_select_replaces_the_settings_select(project, monkeypatch):
    write(project / "pyproject.toml", "[tool.trainer-lint]\nselect = ['TL103']\n")
    assert codes(run(project, "cfg.toml", monkeypatch=monkeypatch).stdout) == ["TL103"]
    assert codes(run(project, "cfg.toml", "--select", "TL100", monkeypatch=monkeypatch).stdout) == ["TL100"]
    assert codes(run(project, "cfg.toml", "--extend-select", "TL100", monkeypatch=monkeypatch).stdout) == ["TL100", "TL103"]


def test_cli_strict_and_format_precedence(project, monkeypatch):
    write(project / "cfg.toml", "[trainer]\nmax_epochs = 1  # trainer-lint: ignore[TL100]\n")  # one TL902 warning
    assert run(project, "cfg.toml", "--isolated", monkeypatch=monkeypatch).exit_code == 0
    write(project / "pyproject.toml", "[tool.trainer-lint]\nstrict = true\nformat = 'github'\n")
    result = run(project, "cfg.toml", monkeypatch=monkeypatch)
    assert result.exit_code == 1 and result.stdout.startswith("::warning file=cfg.toml,line=2,")
    result = run(project, "cfg.toml", "--no-strict", "--format", "text", monkeypatch=monkeypatch)
    assert result.exit_code == 0 and result.stdout.startswith("cfg.toml:2:")


def test_cli_per_file_ignores_and_exclude(project, monkeypatch):
    write(project / "a" / "x.toml", BAD)
    write(project / "legacy" / "y.toml", BAD)
    write(
        project / "pyproject.toml",
        "[tool.trainer-lint]\nexclude = ['legacy/']\n[tool.trainer-lint.per-file-ignores]\n'a/*.toml' = ['TL100']\n",
    )
    result = run(project, ".", monkeypatch=monkeypatch)
    assert "legacy" not in result.stdout
    lines = [line for line in result.stdout.splitlines() if line.startswith(("a/", "cfg"))]
    assert sorted(line.split(":")[0] + " " + line.split()[1] for line in lines) == ["a/x.toml TL103", "cfg.toml TL100", "cfg.toml TL103"]
    # Named directly, as pre-commit does: still excluded.
    result = run(project, "legacy/y.toml", monkeypatch=monkeypatch)
    assert result.exit_code == 0 and "0 files checked" in result.stdout
    # --exclude replaces the setting.
    assert "legacy/y.toml" in run(project, ".", "--exclude", "nothing", monkeypatch=monkeypatch).stdout


def test_cli_settings_found_from_the_first_path(project, monkeypatch):
    write(project / "sub" / "pyproject.toml", "[tool.trainer-lint]\nignore = ['TL100']\n")
    write(project / "sub" / "cfg.toml", BAD)
    assert codes(run(project, "sub/cfg.toml", monkeypatch=monkeypatch).stdout) == ["TL103"]
    assert codes(run(project / "sub", "cfg.toml", monkeypatch=monkeypatch).stdout) == ["TL103"]


def test_cli_config_option(project, monkeypatch):
    write(project / "pyproject.toml", "[tool.trainer-lint]\nignore = ['TL103']\n")
    other = write(project / "ci" / "lint.toml", "[tool.trainer-lint]\nignore = ['TL100']\n")
    assert codes(run(project, "cfg.toml", "--config", str(other), monkeypatch=monkeypatch).stdout) == ["TL103"]
    result = run(project, "cfg.toml", "--config", "missing.toml", monkeypatch=monkeypatch)
    assert result.exit_code == 2 and "cannot read settings file" in result.stderr


@pytest.mark.parametrize(
    ("settings", "args", "message"),
    [
        ("[tool.trainer-lint]\nignore = ['TL999']\n", (), "unknown rule code(s): TL999"),
        ("[tool.trainer-lint]\nformat = 'xml'\n", (), "unknown format 'xml'"),
        ("[tool.trainer-lint]\nselct = ['TL1']\n", (), "did you mean `select`?"),
        ("", ("--select", "TL0,ZZ1"), "--select: unknown rule code(s): ZZ1"),
        ("", ("--format", "xml"), "unknown format 'xml'"),
    ],
)
def test_cli_usage_errors_exit_2(project, monkeypatch, settings, args, message):
    if settings:
        write(project / "pyproject.toml", settings)
    result = run(project, "cfg.toml", *args, monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("trainer-lint: error: ") and message in result.stderr


def test_paths_outside_the_tree_do_not_break_matching(tmp_path):
    resolved = resolve(Settings(per_file_ignores=(("*.toml", ("TL100",)),), path=tmp_path / "pyproject.toml"), cwd=tmp_path)
    assert not resolved.selection_for(os.path.join(os.sep, "elsewhere", "x.toml")).enabled("TL100")


# -- knowledge options (source roots, CLI script, Lightning release, target) ------------------


def test_options_from_settings_are_anchored_at_the_settings_file(tmp_path):
    project = tmp_path / "proj"
    pyproject = write(
        project / "pyproject.toml",
        '[tool.trainer-lint]\nsource-roots = ["src", "."]\ncli-script = "train.py"\n'
        'lightning-version = "2.4"\ntarget = "cpu"\n[tool.trainer-lint.per-file-target]\n"gpu/*.toml" = "gpu:1xH200"\n',
    )
    (project / "src").mkdir()
    write(project / "train.py", "")
    options = resolve(load(pyproject), cwd=project).options
    assert options.root == str(project)
    assert options.source_roots == (str(project / "src"), str(project))
    assert options.cli_script == str(project / "train.py")
    assert (options.lightning_version, options.lightning_version_origin) == ("2.4", f"lightning-version in {pyproject}")
    assert options.target == "cpu"
    assert options.per_file_target == (("gpu/*.toml", "gpu:1xH200"),)


def test_option_flags_replace_settings_and_are_relative_to_the_current_folder(tmp_path):
    pyproject = write(tmp_path / "proj" / "pyproject.toml", '[tool.trainer-lint]\nsource-roots = ["src"]\nlightning-version = "2.4"\n')
    write(tmp_path / "job.sbatch", "#!/bin/bash\n#SBATCH --nodes=1\nsrun trainer-lint run cfg.toml\n")
    overrides = Overrides(source_roots=("lib",), cli_script="cli.py", lightning_version="2.6.6", target="mps", launcher="job.sbatch")
    (tmp_path / "lib").mkdir()
    write(tmp_path / "cli.py", "")
    options = resolve(load(pyproject), overrides, cwd=tmp_path).options
    assert options.source_roots == (str(tmp_path / "lib"),)
    assert options.cli_script == str(tmp_path / "cli.py")
    assert (options.lightning_version, options.lightning_version_origin) == ("2.6.6", "--lightning-version")
    assert (options.target, options.launcher) == ("mps", str(tmp_path / "job.sbatch"))


def test_no_settings_means_no_options():
    options = resolve(Settings(), cwd=Path.cwd()).options
    assert options.source_roots is None and options.cli_script is None and options.lightning_version is None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('lightning-version = "2.x"', "not a Lightning release number"),
        ("lightning-version = 2.4", "must be a non-empty string"),
        ('cli-script = ""', "must be a non-empty string"),
        ('source-roots = "src"', None),  # a single string is accepted as one root
        ("source-roots = [1]", "array of strings"),
        ('per-file-target = { "a/*.toml" = 1 }', "per-file-target"),
    ],
)
def test_option_settings_are_validated(text, needle):
    if needle is None:
        assert from_table(__import__("tomli").loads(text)).source_roots == ("src",)
        return
    with pytest.raises(SettingsError, match=needle):
        from_table(__import__("tomli").loads(text))


@pytest.mark.parametrize(
    ("table", "overrides", "message"),
    [
        ('source-roots = ["missing"]', Overrides(), "source-roots in"),
        ('cli-script = "nope.py"', Overrides(), "cli-script in"),
        ("", Overrides(source_roots=("missing",)), "--source-root: "),
        ("", Overrides(cli_script="nope.py"), "--cli-script: "),
    ],
)
def test_missing_source_roots_and_cli_script_are_usage_errors(tmp_path, table, overrides, message):
    pyproject = write(tmp_path / "pyproject.toml", f"[tool.trainer-lint]\n{table}\n")
    with pytest.raises(SettingsError, match=message):
        resolve(load(pyproject), overrides, cwd=tmp_path)


def test_missing_cli_script_flag_exits_2(tmp_path, monkeypatch):
    write(tmp_path / "c.toml", "[trainer]\n")
    result = run(tmp_path, "--cli-script", "nope.py", "c.toml", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "--cli-script" in result.stderr and "is not a file" in result.stderr


def test_bad_lightning_version_flag_is_a_usage_error(tmp_path, monkeypatch):
    write(tmp_path / "c.toml", "[trainer]\n")
    result = run(tmp_path, "--isolated", "--lightning-version", "two", "c.toml", monkeypatch=monkeypatch)
    assert result.exit_code == 2
    assert "not a Lightning release number" in result.output


@pytest.mark.parametrize("version", ["2.0.9.post0", "2.4", "2.4.0", "v2.5.1"])
def test_lightning_version_flag_takes_every_release_spelling(tmp_path, monkeypatch, version):
    """Full PEP 440 releases too: `2.0.9.post0` is a release trainer-lint has data for."""
    write(tmp_path / "c.toml", "[trainer]\nmax_epochs = 1\n")
    result = run(tmp_path, "--isolated", "--lightning-version", version, "c.toml", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert "TL010" not in result.output
