"""Inline suppression: `# trainer-lint: ignore[...]` on a line, `# trainer-lint: file-ignore[...]`
anywhere, and the diagnostics about bad (TL901) or unused (TL902) suppressions."""

from __future__ import annotations

import pytest

from trainer_lint.engine import Selection, lint_text
from trainer_lint.settings import PerFileSelection
from trainer_lint.suppression import comments, parse


def lint(text: str, selection: Selection = Selection()) -> list[str]:
    """``LINE:COL CODE`` of every diagnostic of ``text``."""
    return [f"{d.span.line}:{d.span.column} {d.code}" for d in lint_text(text, "cfg.toml", selection).diagnostics]


BASE = '[trainer]\nmax_epochs = "10"{c2}\nmax_epoch = 3{c3}\n'


def base(c2: str = "", c3: str = "", head: str = "") -> str:
    return head + BASE.format(c2=c2, c3=c3)


def test_without_comments_both_are_reported():
    assert lint(base()) == ["2:14 TL100", "3:1 TL103"]


@pytest.mark.parametrize(
    "comment",
    [
        "  # trainer-lint: ignore[TL100]",
        "  # trainer-lint: ignore[TL1]",  # a prefix
        "  # trainer-lint: ignore[tl100]",  # any case
        "  # trainer-lint: ignore",  # bare: every code
        "#trainer-lint:ignore[TL100] because the launcher casts it",  # spacing, trailing words
        "  # trainer-lint: ignore[TL103, TL100]".replace("TL103, ", ""),
    ],
)
def test_line_ignore_suppresses_its_line_only(comment):
    assert lint(base(c2=comment)) == ["3:1 TL103"]


def test_several_codes_in_one_comment():
    text = '[trainer]\nmax_epochs = "10"  # trainer-lint: ignore[TL100,TL0]\nmax_epoch = 3  # trainer-lint: ignore[TL1, TL103]\n'
    assert lint(text) == ["2:49 TL902"], "TL100 is suppressed; TL0 suppresses nothing on line 2; both entries are used on line 3"


def test_ignore_names_the_line_where_the_span_starts():
    text = '[trainer]\nmax_epoch = 3\n# trainer-lint: ignore[TL103]\n'
    assert lint(text) == ["2:1 TL103", "3:24 TL902"]


def test_file_ignore_anywhere():
    assert lint(base(head="# trainer-lint: file-ignore[TL103]\n")) == ["3:14 TL100"]
    tail = base() + "# trainer-lint: file-ignore[TL100, TL103]\n"
    assert lint(tail) == []
    assert lint(base() + "# trainer-lint: file-ignore\n") == []


def test_text_inside_strings_is_not_a_comment():
    text = '[trainer]\nmax_epochs = "10"\ndefault_root_dir = "# trainer-lint: file-ignore"\n'
    assert lint(text) == ["2:14 TL100"]
    multiline = '[trainer]\nmax_epochs = "10"\ndefault_root_dir = """\n# trainer-lint: file-ignore\n"""\n'
    assert lint(multiline) == ["2:14 TL100"]
    literal = "[trainer]\nmax_epochs = '10' # trainer-lint: ignore[TL100]\ndefault_root_dir = '''x # trainer-lint: ignore'''\n"
    assert lint(literal) == []


def test_comments_lexer():
    text = 'a = "#x" # one\nb = \'\'\'#\n#\'\'\' #two\nc = """ "" \\""" # """ # three\n'
    assert [c for _, c in comments(text)] == ["# one", "#two", "# three"]


# ------------------------------------------------------------------------- TL901 / TL902


def test_unknown_code_is_reported_and_suppresses_nothing():
    out = lint(base(c2="  # trainer-lint: ignore[TL1OO]"))
    assert out == ["2:14 TL100", "2:43 TL901", "3:1 TL103"]
    d = [d for d in lint_text(base(c2="  # trainer-lint: ignore[TL1OO]"), "cfg.toml").diagnostics if d.code == "TL901"][0]
    assert d.message == "unknown rule code `TL1OO` in suppression comment; `trainer-lint rules` lists them"


def test_unknown_code_next_to_a_known_one():
    out = lint(base(c2="  # trainer-lint: ignore[TL100, BOGUS]"))
    assert out == ["2:50 TL901", "3:1 TL103"]


@pytest.mark.parametrize("comment", ["# trainer-lint: ignroe[TL100]", "# trainer-lint: ignore[]", "# trainer-lint:"])
def test_malformed_comments_are_reported(comment):
    out = lint(base(c2="  " + comment))
    assert "2:14 TL100" in out and "2:20 TL901" in out


def test_unused_suppressions_are_reported():
    text = '[trainer]\nmax_epochs = 10  # trainer-lint: ignore[TL100]\ndevices = 1  # trainer-lint: ignore\n'
    diagnostics = lint_text(text, "cfg.toml").diagnostics
    assert [(d.span.line, d.span.column, d.code, d.message) for d in diagnostics] == [
        (2, 41, "TL902", "unused suppression: no `TL100` diagnostic on this line"),
        (3, 14, "TL902", "unused suppression: no diagnostic on this line"),
    ]
    unused_file = lint('[trainer]\nmax_epochs = 10\n# trainer-lint: file-ignore[TL103]\n')
    assert unused_file == ["3:29 TL902"]


def test_suppressions_of_rules_that_do_not_run_are_not_unused():
    text = '[trainer]\nmax_epochs = 10  # trainer-lint: ignore[TL100]\n'
    assert lint(text, Selection(ignore=("TL100",))) == []
    assert lint(text, Selection(select=("TL9",))) == []
    assert lint(text, PerFileSelection(file_ignore=("TL1",))) == []
    assert lint(text, Selection(ignore=("TL902",))) == []


def test_meta_rules_answer_to_file_ignore_and_selection():
    text = '[trainer]\nmax_epochs = "10"  # trainer-lint: ignore[NOPE]\n'
    assert lint(text) == ["2:14 TL100", "2:43 TL901"]
    assert lint(text, Selection(ignore=("TL901",))) == ["2:14 TL100"]
    assert lint(text + "# trainer-lint: file-ignore[TL901]\n") == ["2:14 TL100"]


def test_parse_keeps_positions():
    parsed = parse('x = 1 # trainer-lint: ignore[TL100, TL2]\n# trainer-lint: file-ignore\n')
    assert [(d.kind, d.line, [(e.code, e.span.column, e.span.end_column) for e in d.entries]) for d in parsed.directives] == [
        ("ignore", 1, [("TL100", 30, 35), ("TL2", 37, 40)]),
        ("file-ignore", 2, [(None, 1, 28)]),
    ]
    assert parsed.invalid == []


def test_files_without_the_marker_skip_the_module(monkeypatch):
    import trainer_lint.suppression as suppression

    def boom(*args, **kwargs):
        raise AssertionError("suppression.parse ran on a file without comments")

    monkeypatch.setattr(suppression, "parse", boom)
    assert lint(base()) == ["2:14 TL100", "3:1 TL103"]
