"""One test per row of the table in docs/robustness.md, through the real CLI.

Every run is ``python -m trainer_lint check ...`` in a subprocess; the test asserts the exit
code, the one-line message, and that no traceback is printed. Three rows need a fault that a
file system cannot produce on demand (an unreadable file when the tests run as root, a file that
vanishes or grows between the check and the read, a full disk): for those the subprocess runs
the same CLI entry point after a small patch of ``os`` (``INJECT`` below), which is said in the
test's name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEAN = "[trainer]\nmax_epochs = 1\n"


def cli(*args: str, cwd: Path, inject: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    if inject:
        code = textwrap.dedent(inject) + "\nimport sys\nfrom trainer_lint.cli import main\nsys.argv = ['trainer-lint', *sys.argv[1:]]\nmain()\n"
        command = [sys.executable, "-c", code, "check", "--isolated", *args]
    else:
        command = [sys.executable, "-m", "trainer_lint", "check", "--isolated", *args]
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in run.stdout + run.stderr, run.stdout + run.stderr
    return run


def one_line(text: str, needle: str) -> str:
    lines = [line for line in text.splitlines() if needle in line]
    assert len(lines) == 1, text
    return lines[0]


# --------------------------------------------------------------------------- content (exit 0/1)


def test_non_utf8_bytes(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_bytes(b"[trainer]\nname = \"caf\xe9\"\n")
    run = cli("x.toml", cwd=tmp_path)
    assert run.returncode == 1
    assert one_line(run.stdout, "TL002") == "x.toml:2:12: TL002 error: file is not valid UTF-8 text (byte 0xe9 at offset 21)"


def test_utf8_bom(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_bytes(b"\xef\xbb\xbf" + CLEAN.encode())
    run = cli("x.toml", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("All checks passed (1 file checked).\n")


@pytest.mark.parametrize("raw", [b"[trainer]\nmax_epochs = 1\x00\n", bytes(range(256)) * 4], ids=["nul", "binary"])
def test_nul_bytes_and_binary(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "x.toml").write_bytes(raw)
    run = cli("x.toml", cwd=tmp_path)
    assert run.returncode == 1
    assert one_line(run.stdout, "TL002").endswith("TL002 error: file looks binary (contains NUL bytes)")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_bytes(b"")
    run = cli("x.toml", "-v", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stdout.startswith("All checks passed (0 files checked).\n")
    assert "0 checked, 1 skipped (no [trainer] table)." in run.stderr


def test_50_mb_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    with open(path, "wb") as handle:  # sparse: 50 MB of size, nothing to read if it is not read
        handle.truncate(50 * 1024 * 1024)
    inject = """
        import os, resource, atexit, sys
        read = os.read
        total = [0]
        def counting(fd, n):
            data = read(fd, n)
            if os.fstat(fd).st_size == 50 * 1024 * 1024:  # only reads of the 50 MB file count
                total[0] += len(data)
            return data
        os.read = counting
        def peak():  # VmHWM: this process's own peak (ru_maxrss keeps the parent's from before exec)
            try:
                return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
            except (OSError, IndexError):
                return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        atexit.register(lambda: sys.stderr.write(f"read {total[0]} bytes, maxrss {peak()} KiB\\n"))
    """
    run = cli("x.toml", cwd=tmp_path, inject=inject)
    assert run.returncode == 1
    assert one_line(run.stdout, "TL003") == "x.toml:1:1: TL003 error: file is larger than the 10 MiB limit (52428800 bytes); not linted"
    assert "read 0 bytes" in run.stderr, run.stderr
    assert int(run.stderr.split("maxrss ")[1].split()[0]) < 200_000  # KiB: far from 50 MB of text


@pytest.mark.parametrize(
    "text",
    [
        "[trainer]\na = " + "[" * 10_000 + "]" * 10_000,
        "[trainer]\nlogger = " + "{ a = " * 10_000 + "1" + " }" * 10_000,
        "[trainer]\nplugins = " + "[" * 150 + "]" * 150,  # parses, but deeper than MAX_DEPTH
    ],
    ids=["arrays", "inline-tables", "150-deep"],
)
def test_10000_deep_nesting(tmp_path: Path, text: str) -> None:
    (tmp_path / "x.toml").write_text(text + "\n")
    run = cli("x.toml", cwd=tmp_path)
    assert run.returncode == 1
    assert one_line(run.stdout, "TL001").endswith(": TL001 error: TOML nesting is too deep")


def test_million_element_array(tmp_path: Path) -> None:
    body = "[[trainer.callbacks]]\nclass_path = 'my.Callback'\ninit_args.xs = [" + "1, " * 1_000_000 + "]\n"
    (tmp_path / "x.toml").write_text(CLEAN + body)
    # the class is read from source (never imported) and each element checked against list[int]
    (tmp_path / "my.py").write_text(
        "from lightning.pytorch.callbacks import Callback as Base\n\n\n"
        "class Callback(Base):\n    def __init__(self, xs: list[int] = []):\n        pass\n"
    )
    run = cli("x.toml", cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stdout
    assert run.stdout.startswith("All checks passed (1 file checked).\n")


def test_million_bad_elements_are_capped(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("[trainer]\nplugins = [" + "1, " * 1_000_000 + "]\n")
    run = cli("x.toml", "--format", "json", cwd=tmp_path, timeout=180)
    assert run.returncode == 1
    assert run.stdout.count('"code": "TL100"') == 100  # the first 100 findings of the array


def test_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("[trainer\n")
    run = cli("x.toml", cwd=tmp_path)
    assert run.returncode == 1
    assert one_line(run.stdout, "TL001").startswith("x.toml:1:9: TL001 error: TOML syntax error:")


# --------------------------------------------------------------------------- paths


def test_directory_is_walked(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "a.toml").write_text(CLEAN)
    run = cli("configs", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("All checks passed (1 file checked).\n")


def test_directory_named_like_a_toml_file(tmp_path: Path) -> None:
    (tmp_path / "tree" / "x.toml").mkdir(parents=True)
    (tmp_path / "tree" / "x.toml" / "inner.toml").write_text("[trainer]\nmax_epoch = 1\n")
    for target in ("tree", "tree/x.toml"):
        run = cli(target, cwd=tmp_path)
        assert run.returncode == 1
        assert one_line(run.stdout, "TL103").startswith("tree/x.toml/inner.toml:2:1: TL103 error")


def test_missing_path(tmp_path: Path) -> None:
    run = cli("nope.toml", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: nope.toml: no such file or directory"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(CLEAN)
    path.chmod(0)
    inject = ""
    if os.geteuid() == 0:  # root reads anything: make open() fail as it would for a user
        inject = """
            import os, errno
            real_open = os.open
            def denied(path, *args, **kwargs):
                if os.fsdecode(path).endswith("x.toml"):
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
                return real_open(path, *args, **kwargs)
            os.open = denied
        """
    try:
        run = cli("x.toml", cwd=tmp_path, inject=inject)
    finally:
        path.chmod(0o644)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: x.toml: permission denied"


def test_symlink_loop_while_walking(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.toml").write_text(CLEAN)
    (tree / "sub" / "loop").symlink_to("..")
    (tree / "self").symlink_to(".")
    (tree / "knot.toml").symlink_to("knot.toml")  # a file symlink that points at itself
    run = cli("tree", cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("All checks passed (1 file checked).\n")


def test_dangling_symlink(tmp_path: Path) -> None:
    (tmp_path / "gone.toml").symlink_to("nowhere.toml")
    run = cli("gone.toml", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: gone.toml: no such file or directory"
    walked = cli(".", cwd=tmp_path)  # found while walking: nothing to lint, skipped
    assert walked.returncode == 0 and walked.stderr == ""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.toml")  # nobody ever writes to it: reading would block forever
    run = cli("x.toml", cwd=tmp_path, timeout=30)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: x.toml: not a regular file"
    walked = cli(".", cwd=tmp_path, timeout=30)  # in a walked folder: skipped, no hang
    assert walked.returncode == 0


def test_file_vanishes_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text(CLEAN)
    inject = """
        import os
        import trainer_lint.checker as checker
        real = checker.read_document
        def vanish(path):
            os.unlink(path)  # deleted after discovery found it, before it is opened
            return real(path)
        checker.read_document = vanish
    """
    run = cli(".", cwd=tmp_path, inject=inject)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: x.toml: no such file or directory"


def test_file_grows_while_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text(CLEAN)
    inject = """
        import os
        real_fstat = os.fstat
        def grow(fd):
            st = real_fstat(fd)  # the size is checked on this small file ...
            with open("x.toml", "ab") as handle:  # ... which then grows past the limit
                handle.write(b"#" * (11 * 1024 * 1024))
            return st
        os.fstat = grow
    """
    run = cli("x.toml", cwd=tmp_path, inject=inject)
    assert run.returncode == 1
    assert one_line(run.stdout, "TL003").endswith("TL003 error: file is larger than the 10 MiB limit (10485761 bytes); not linted")


def test_file_changes_while_fixed(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("[trainer]\nprecision = 16\n")
    inject = """
        import trainer_lint.fixer as fixer
        real = fixer.fix_text
        def meanwhile(*args, **kwargs):
            out = real(*args, **kwargs)
            with open("x.toml", "a") as handle:
                handle.write("max_epochs = 1\\n")
            return out
        fixer.fix_text = meanwhile
    """
    run = cli("--fix", "x.toml", cwd=tmp_path, inject=inject)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: x.toml: changed on disk while being fixed; not written"
    assert (tmp_path / "x.toml").read_text() == "[trainer]\nprecision = 16\nmax_epochs = 1\n"


def test_disk_full_while_fixing(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text("[trainer]\nprecision = 16\n")
    inject = """
        import os, errno
        def full(*args):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync = full
    """
    run = cli("--fix", "x.toml", cwd=tmp_path, inject=inject)
    assert run.returncode == 2
    assert run.stderr.strip() == "trainer-lint: x.toml: could not write the fixed file: no space left on device"
    assert (tmp_path / "x.toml").read_text() == "[trainer]\nprecision = 16\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.toml"]
