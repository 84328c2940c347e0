"""The resolver's pieces on small generated projects: finding modules without importing them,
reading classes and signatures as LightningCLI's parser does, the CLI script, and hostile sources
(syntax errors, cycles, binary files) that must never raise.

What LightningCLI really does with these constructs is measured in
``tests/differential/test_lightning_cli.py``; this file pins the resolver's own behaviour.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trainer_lint.diagnostic import Severity
from trainer_lint.engine import lint_data
from trainer_lint.options import Options
from trainer_lint.resolver.classes import FunctionRef, LightningClass, PyClass, Resolver, Signature, Unresolved, signature_of
from trainer_lint.resolver.finder import Finder
from trainer_lint.resolver.project import project_for, project_root


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


def resolver(root: Path) -> Resolver:
    return Resolver(Finder((str(root),)), (str(root),))


def params(root: Path, dotted: str) -> Signature | Unresolved:
    return signature_of(resolver(root).lookup(dotted))


# ----------------------------------------------------------------------------- finding


def test_finder_prefers_regular_packages_and_merges_namespace_portions(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write(a, {"ns/one.py": "", "pkg/__init__.py": "", "pkg/mod.py": ""})
    write(b, {"ns/two.py": "", "pkg/__init__.py": "", "pkg/other.py": ""})
    finder = Finder((str(a), str(b)))
    assert finder.find("ns.one").path == str(a / "ns" / "one.py")
    assert finder.find("ns.two").path == str(b / "ns" / "two.py")  # a namespace package spans roots
    assert finder.find("pkg.mod") is not None
    assert finder.find("pkg.other") is None  # the first regular package wins, as in Python
    assert finder.find("nope") is None and finder.find("1bad") is None


def test_finder_reports_compiled_modules_and_reads_editable_installs(tmp_path):
    write(tmp_path, {"fast.cpython-311-x86_64-linux-gnu.so": "", "__editable___proj_0_1_finder.py": f"MAPPING = {{'proj': {str(tmp_path / 'elsewhere' / 'proj')!r}}}\n"})
    write(tmp_path / "elsewhere", {"proj/__init__.py": "", "proj/models.py": "class M: pass\n"})
    finder = Finder((str(tmp_path),))
    assert finder.find("fast").compiled
    assert finder.find("proj.models").path == str(tmp_path / "elsewhere" / "proj" / "models.py")


# ----------------------------------------------------------------------------- classes


def test_names_follow_imports_reexports_aliases_and_stars(tmp_path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from .models import Net\nfrom .all import *\nAlias = Net\n",
            "pkg/models.py": "class Net:\n    def __init__(self, width: int = 1): pass\n",
            "pkg/all.py": "__all__ = ['Public']\nclass Public: pass\nclass Hidden: pass\n",
            "pkg/factory.py": "def make(): pass\nBuilt = make()\n",
        },
    )
    r = resolver(tmp_path)
    assert isinstance(r.lookup("pkg.Net"), PyClass) and r.lookup("pkg.Alias") is r.lookup("pkg.models.Net")
    assert isinstance(r.lookup("pkg.Public"), PyClass)
    assert r.lookup("pkg.Hidden").missing  # not in __all__: `from .all import *` does not bind it
    assert isinstance(r.lookup("pkg.factory.make"), FunctionRef)
    assert "run time" in r.lookup("pkg.factory.Built").reason
    project = project_for(Options(root=str(tmp_path), source_roots=(str(tmp_path),)), str(tmp_path / "c.toml"))
    made = project.resolve("pkg.factory.make", "model")
    assert made.status == "unresolved" and "a function (a factory)" in made.reason


def test_kwargs_are_followed_as_jsonargparse_follows_them(tmp_path):
    write(
        tmp_path,
        {
            "m.py": """
                class Base:
                    def __init__(self, lr: float = 0.1, wd: float = 0.0): pass

                class Helper:
                    def __init__(self, depth: int = 1): pass

                class ToParent(Base):
                    def __init__(self, a: int = 1, **kwargs):
                        super().__init__(wd=0.5, **kwargs)      # wd is given here: not a key

                class Named(Base):
                    def __init__(self, **kwargs):
                        super(Named, self).__init__(**kwargs)

                class Popped:
                    def __init__(self, **kwargs):
                        self.x = kwargs.pop("x", 1)
                        self.h = Helper(**kwargs)

                class ViaMethod(Base):
                    def __init__(self, **kwargs):
                        self.setup(**kwargs)
                    def setup(self, size: int = 3): pass

                class Stored:
                    def __init__(self, **kwargs):
                        self.options = dict(kwargs)             # not followed: any key

                class Unused:
                    def __init__(self, a: int = 1, **kwargs): pass   # jsonargparse takes no extra key

                class Inherited(ToParent):
                    pass
            """
        },
    )

    def keys(name: str) -> tuple[list[str], bool]:
        sig = params(tmp_path, f"m.{name}")
        assert isinstance(sig, Signature), sig
        return sorted(sig.params), sig.open

    assert keys("ToParent") == (["a", "lr"], False)
    assert keys("Named") == (["lr", "wd"], False)
    assert keys("Popped") == (["depth", "x"], False)
    assert keys("ViaMethod") == (["size"], False)
    assert keys("Stored")[1] is True
    assert keys("Unused") == (["a"], False)
    assert keys("Inherited") == (["a", "lr"], False)


def test_lightning_bases_come_from_the_snapshot(tmp_path):
    write(
        tmp_path,
        {
            "cb.py": """
                from lightning.pytorch.callbacks import ModelCheckpoint
                import lightning.pytorch as pl

                class Ckpt(ModelCheckpoint):
                    def __init__(self, keep: bool = True, **kwargs):
                        super().__init__(**kwargs)

                class Model(pl.LightningModule):
                    def __init__(self, a: int = 1, **kwargs):
                        super().__init__(**kwargs)
            """
        },
    )
    r = resolver(tmp_path)
    ckpt = params(tmp_path, "cb.Ckpt")
    assert isinstance(ckpt, Signature) and {"keep", "monitor", "save_top_k"} <= set(ckpt.params) and not ckpt.open
    model = params(tmp_path, "cb.Model")
    assert isinstance(model, Signature) and sorted(model.params) == ["a"] and not model.open  # LightningModule takes nothing
    assert isinstance(r.lookup("lightning.pytorch.callbacks.ModelCheckpoint"), LightningClass)


RELEASE_CALLBACKS = """
    from lightning.pytorch.callbacks import ModelCheckpoint, WeightAveraging

    class Ckpt(ModelCheckpoint):
        def __init__(self, keep: bool = True, **kwargs):
            super().__init__(**kwargs)

    class Averaging(WeightAveraging):
        pass
"""
"""``WeightAveraging`` is new in Lightning 2.6; ``ModelCheckpoint(save_on_exception=...)`` in 2.5."""

RELEASE_LOGGER = """
    from lightning.pytorch.loggers import MLFlowLogger

    class Flow(MLFlowLogger):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
"""
"""``MLFlowLogger(checkpoint_path_prefix=...)`` exists in 2.5.x and not in 2.6."""


def test_lightning_classes_are_the_chosen_releases(tmp_path):
    """The resolver's "is this Lightning's class?" asks the release the config is checked against,
    not the newest: a class another release has is unresolved, saying which release has it."""
    from trainer_lint.lightning.releases import get

    write(tmp_path, {"cb.py": RELEASE_CALLBACKS})

    def at(version: str) -> Resolver:
        return Resolver(Finder((str(tmp_path),)), (str(tmp_path),), get(version))

    assert isinstance(at("2.6.6").lookup("lightning.pytorch.callbacks.WeightAveraging"), LightningClass)
    missing = at("2.4.0").lookup("lightning.pytorch.callbacks.WeightAveraging")
    assert isinstance(missing, Unresolved) and "needs Lightning >= 2.6" in missing.reason and "2.4.0" in missing.reason
    assert isinstance(signature_of(at("2.6.6").lookup("cb.Averaging")), Signature)
    assert "needs Lightning >= 2.6" in signature_of(at("2.4.0").lookup("cb.Averaging")).reason
    assert "save_on_exception" in signature_of(at("2.5.6").lookup("cb.Ckpt")).params
    assert "save_on_exception" not in signature_of(at("2.4.0").lookup("cb.Ckpt")).params


def test_project_checks_follow_the_projects_release(tmp_path):
    """End to end: the same config under 2.6.6 is clean; under 2.4.0 the subclass's forwarded
    `save_on_exception` is an unknown argument (2.4's ModelCheckpoint has none) and the
    WeightAveraging subclass cannot be checked, with the reason."""
    write(tmp_path, {"cb.py": RELEASE_CALLBACKS})
    data = {
        "trainer": {
            "callbacks": [
                {"class_path": "cb.Ckpt", "init_args": {"keep": False, "save_on_exception": True}},
                {"class_path": "cb.Averaging"},
            ]
        }
    }

    def lint(version: str) -> list:
        options = Options(root=str(tmp_path), source_roots=(str(tmp_path),), lightning_version=version, lightning_version_origin="--lightning-version")
        return lint_data(data, options=options, path=str(tmp_path / "c.toml"))

    assert lint("2.6.6") == []
    old = {(d.code, d.key[-1]): d for d in lint("2.4.0")}
    assert set(old) == {("TL502", "save_on_exception"), ("TL520", "class_path")}
    assert old[("TL502", "save_on_exception")].severity is Severity.ERROR
    assert "needs Lightning >= 2.6" in old[("TL520", "class_path")].message


def test_an_argument_an_older_release_takes_is_no_error_there(tmp_path):
    """The false error the newest snapshot gave: under 2.5.6, whose MLFlowLogger takes
    `checkpoint_path_prefix`, a subclass forwarding it is clean; under 2.6.6 it is TL502."""
    write(tmp_path, {"lg.py": RELEASE_LOGGER})
    data = {"trainer": {"logger": {"class_path": "lg.Flow", "init_args": {"checkpoint_path_prefix": "ckpts"}}}}

    def codes(version: str) -> list[str]:
        options = Options(root=str(tmp_path), source_roots=(str(tmp_path),), lightning_version=version, lightning_version_origin="--lightning-version")
        return [d.code for d in lint_data(data, options=options, path=str(tmp_path / "c.toml"))]

    assert codes("2.5.6") == []
    assert codes("2.6.6") == ["TL502"]
    lightning = pytest.importorskip("lightning")
    if lightning.__version__ == "2.6.6":  # the installed release's own signature agrees
        import inspect

        from lightning.pytorch.loggers import MLFlowLogger

        assert "checkpoint_path_prefix" not in inspect.signature(MLFlowLogger).parameters


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("import functools\nclass C:\n    @functools.lru_cache\n    def __init__(self, a: int = 1): pass\n", "decorated"),
        ("import attr\n@attr.s\nclass C:\n    pass\n", "decorated"),
        ("class Meta(type): pass\nclass C(metaclass=Meta):\n    pass\n", "metaclass"),
        ("class C:\n    def __new__(cls, a=1): return object.__new__(cls)\n", "__new__"),
        ("class C:\n    def __init__(self, a, /, b=1): pass\n", "positional-only"),
        ("import numpy\nclass C(numpy.SomethingUnknown): pass\n", ""),
        ("from . import nothing\nclass C(nothing.Base): pass\n", ""),
    ],
)
def test_what_cannot_be_read_is_unresolved_never_guessed(tmp_path, source, reason):
    write(tmp_path, {"m.py": source})
    found = params(tmp_path, "m.C")
    assert isinstance(found, Unresolved), found
    assert reason in found.reason


def test_dataclasses_and_enums(tmp_path):
    write(
        tmp_path,
        {
            "t.py": """
                import enum
                from dataclasses import dataclass, field
                from typing import ClassVar

                class Color(enum.Enum):
                    red = 1
                    green = 2

                class Mixed(str, enum.Enum):
                    a = "a"

                @dataclass
                class Opts:
                    depth: int
                    tags: list[str] = field(default_factory=list)
                    hidden: int = field(default=0, init=False)
                    registry: ClassVar[dict] = {}
            """
        },
    )
    r = resolver(tmp_path)
    assert r.lookup("t.Color").enum_members() == ("red", "green")
    assert r.lookup("t.Mixed").enum_members() is None  # a str mixin: not judged
    sig = r.lookup("t.Opts").signature()
    assert sorted(sig.params) == ["depth", "tags"] and sig.params["depth"].required and not sig.params["tags"].required


# ----------------------------------------------------------------------------- hostile


@pytest.mark.parametrize(
    "files",
    [
        {"m.py": "class C(:\n"},  # a syntax error
        {"m.py": "class A(B): pass\nclass B(A): pass\nclass C(A): pass\n"},  # inheritance cycle
        {"m.py": "from n import C\n", "n.py": "from m import C\n"},  # import cycle
        {"m.py": "from n import *\n", "n.py": "from m import *\n"},  # star-import cycle
        {"m.py": "class C:\n    pass\nclass C:\n    pass\n"},  # bound twice
        {"m.py": "def __getattr__(name): ...\n"},  # attributes computed at run time
        {"m.py": "x = " + "(" * 300 + "1" + ")" * 300 + "\nclass C: pass\n"},  # too deep for the parser
    ],
    ids=["syntax", "class-cycle", "import-cycle", "star-cycle", "twice", "getattr", "deep"],
)
def test_hostile_sources_never_raise(tmp_path, files):
    write(tmp_path, files)
    (tmp_path / "bin.py").write_bytes(b"\x00\xff\xfe binary")
    data = {"trainer": {"callbacks": [{"class_path": "m.C", "init_args": {"x": 1}}, {"class_path": "bin.C"}, "C"]}, "model": {"class_path": "m.A"}}
    found = lint_data(data, options=Options(root=str(tmp_path), source_roots=(str(tmp_path),)), path=str(tmp_path / "c.toml"))
    assert all(d.severity is not Severity.ERROR or d.code in ("TL500", "TL501", "TL502") for d in found)


# ----------------------------------------------------------------------------- project


def test_project_root_defaults(tmp_path):
    write(tmp_path, {"pyproject.toml": "", "src/pkg/__init__.py": "", "configs/deep/c.toml": ""})
    assert project_root(Options(), str(tmp_path / "configs" / "deep" / "c.toml")) == str(tmp_path)
    project = project_for(Options(), str(tmp_path / "configs" / "deep" / "c.toml"))
    assert project.source_roots == (str(tmp_path), str(tmp_path / "src"))
    assert project_root(Options(root=str(tmp_path / "src")), None) == str(tmp_path / "src")


def test_a_changed_file_is_read_again(tmp_path):
    write(tmp_path, {"m.py": "class C:\n    def __init__(self, a: int = 1): pass\n"})
    options = Options(root=str(tmp_path), source_roots=(str(tmp_path),))
    data = {"trainer": {"callbacks": [{"class_path": "m.C", "init_args": {"b": 1}}]}}
    assert [d.code for d in lint_data(data, options=options, path=str(tmp_path / "c.toml"))] == ["TL501"]  # not a Callback
    write(tmp_path, {"m.py": "from lightning.pytorch.callbacks import Callback\nclass C(Callback):\n    def __init__(self, b: int = 1, c: int = 2): pass\n"})
    assert lint_data(data, options=options, path=str(tmp_path / "c.toml")) == []


def test_cli_script_forms(tmp_path):
    write(
        tmp_path,
        {
            "models.py": "import lightning.pytorch as pl\nclass M(pl.LightningModule):\n    def __init__(self, a: int = 1): super().__init__()\n",
            "fixed.py": "from lightning.pytorch.cli import LightningCLI as CLI\nfrom models import M\ndef main():\n    CLI(M, args=None)\n",
            "sub.py": "import lightning.pytorch.cli as cli\nfrom models import M\ncli.LightningCLI(model_class=M, subclass_mode_model=True)\n",
            "dynamic.py": "from lightning.pytorch.cli import LightningCLI\nimport models\nmode = True\nLightningCLI(models.M, subclass_mode_model=mode)\n",
            "subclassed.py": "from lightning.pytorch.cli import LightningCLI\nfrom models import M\nclass MyCLI(LightningCLI):\n    def add_arguments_to_parser(self, parser):\n        parser.link_arguments('data.n', 'model.init_args.a')\nMyCLI(M, subclass_mode_model=True)\n",
        },
    )

    def cli(script: str):  # type: ignore[no-untyped-def]
        options = Options(root=str(tmp_path), source_roots=(str(tmp_path),), cli_script=str(tmp_path / script))
        return project_for(options, str(tmp_path / "c.toml")).cli()

    assert (cli("fixed.py").model.mode, cli("fixed.py").model.base.name) == ("fixed", "M")
    assert cli("fixed.py").data.mode == "subclass" and cli("fixed.py").data.base is None
    assert cli("sub.py").model.mode == "subclass"
    assert not cli("dynamic.py").known and "variable" in cli("dynamic.py").problem
    assert cli("subclassed.py").linked == frozenset({"model.init_args.a"})
    assert "no `LightningCLI(...)` call" in cli("models.py").problem
