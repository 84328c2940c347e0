"""The linter's own configuration inside a config file: ``# trainer-lint:`` suppression comments.

These rules find nothing in the parsed data; :mod:`trainer_lint.suppression` reports them while it
applies the comments (the engine calls it for every file that mentions ``trainer-lint``). They
are in the catalogue so that ``--select``, ``--ignore``, ``rules`` and the docs know them.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule


class _SuppressionRule(Rule):
    """Reported by :func:`trainer_lint.suppression.apply`."""

    triggers = frozenset()  # never from check

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()


class InvalidSuppression(_SuppressionRule):
    """## What it does
    Reports a `# trainer-lint:` comment that names a rule code that does not exist, or that is
    neither `# trainer-lint: ignore[...]` nor `# trainer-lint: file-ignore[...]`.

    ## Why is this bad?
    The comment was written to silence a diagnostic and silences nothing: a typo in a code
    (`TL10` for `TL100`, `TL1O3` for `TL103`) or in the directive (`ignroe`) leaves the finding in
    place, or hides that the rule it meant was renamed.

    ## Example
    ```toml
    [trainer]
    max_epochs = "10"  # trainer-lint: ignore[TL1OO]
    ```

    ## Fix
    Name a rule from `trainer-lint rules` (a code like `TL100`, or a prefix like `TL1`):
    ```toml
    [trainer]
    max_epochs = "10"  # trainer-lint: ignore[TL100]
    ```

    ## Lightning source
    None: trainer-lint's own suppression comments.
    """

    code = "TL901"
    name = "invalid-suppression"
    summary = "A suppression comment names an unknown rule code or is malformed"


class UnusedSuppression(_SuppressionRule):
    """## What it does
    Reports a `# trainer-lint: ignore[...]` comment whose line has no diagnostic of the codes it
    names, and a `# trainer-lint: file-ignore[...]` code that matches nothing in the file. Codes
    of rules that do not run on the file (deselected with `--select`, `--ignore` or
    `per-file-ignores`) are never reported.

    ## Why is this bad?
    Stale suppressions pile up: the value was fixed, or the comment sits on a different line from
    the diagnostic (an `ignore` comment covers the line where the reported key or value *starts*),
    and a later real problem on that line would be hidden.

    ## Example
    ```toml
    [trainer]
    max_epochs = 10  # trainer-lint: ignore[TL100]
    ```

    ## Fix
    Delete the comment, or move it to the line where the diagnostic starts:
    ```toml
    [trainer]
    max_epochs = 10
    ```

    ## Lightning source
    None: trainer-lint's own suppression comments.
    """

    code = "TL902"
    name = "unused-suppression"
    summary = "A suppression comment suppresses nothing"
    severity = Severity.WARNING


RULES: tuple[type[Rule], ...] = (InvalidSuppression, UnusedSuppression)
