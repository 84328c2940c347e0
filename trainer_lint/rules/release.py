"""The Lightning release a config is checked against (TL010-TL019).

Which release applies is decided by :mod:`trainer_lint.lightning.selection`; the release-aware
checks themselves live with the rules they refine (TL106 is reported by the type walk).
"""

from __future__ import annotations

from collections.abc import Iterator

from trainer_lint.diagnostic import Diagnostic, Severity
from trainer_lint.rules.base import Context, Rule


class UnknownRelease(Rule):
    """## What it does
    Says when the Lightning release a config is checked against is not one trainer-lint knows:
    newer than every release in its data (a release that came out after this trainer-lint), older
    than Lightning 2.0, or a version no release has. The config is then checked against the
    nearest release trainer-lint knows, which the message names. Reported once per run.

    ## Why is this bad?
    Each Lightning release takes slightly different Trainer arguments and names. trainer-lint's
    verdicts are exact for the releases it knows; for another one they may miss a problem or, for
    a newer release, report a name that release has since added.

    ## Example
    ```text
    # requirements.txt
    lightning==2.9.0
    ```

    ## Fix
    Upgrade trainer-lint, or check against a known release with `--lightning-version` or
    `lightning-version` in `[tool.trainer-lint]`.

    ## Lightning source
    None: trainer-lint's release data (`trainer_lint/lightning/releases.json`).
    """

    code = "TL010"
    name = "unknown-lightning-release"
    summary = "The project's Lightning release is not one trainer-lint knows"
    severity = Severity.INFO

    def check(self, ctx: Context) -> Iterator[Diagnostic]:
        note = ctx.lightning_choice.note
        if note is not None:
            yield self.report(("trainer",), f"{note} ({ctx.lightning_choice.origin})")


RULES: tuple[type[Rule], ...] = (UnknownRelease,)
