"""Values of the wrong type (TL100), outside a closed set (TL101) or a range (TL102), and values
only another Lightning release takes (TL107)."""

from __future__ import annotations

from trainer_lint.rules.base import Rule
from trainer_lint.rules.types.findings import SchemaRule
from trainer_lint.rules.types.walker import INVALID_CHOICE, OUT_OF_RANGE, RELEASE_VALUE, WRONG_TYPE


class WrongType(SchemaRule):
    """## What it does
    Checks that every value has the type its key takes: `max_epochs = "10"` is a string, not an
    integer. TOML values are typed, so trainer-lint is strict: `true` is not an integer and `"1"`
    is not a number. An integer is fine where a float is expected.

    ## Why is this bad?
    `Trainer` either raises on the wrong type or, worse, accepts it and misbehaves later
    (`"10" < 5` raises deep inside the fit loop, after the job has queued and loaded torch).

    ## Example
    ```toml
    [trainer]
    max_epochs = "10"
    ```

    ## Fix
    ```toml
    [trainer]
    max_epochs = 10
    ```

    ## Lightning source
    The annotations of `Trainer.__init__` in `lightning/pytorch/trainer/trainer.py`.
    """

    code = WRONG_TYPE
    name = "wrong-type"
    summary = "A value has the wrong type for its key"


class InvalidChoice(SchemaRule):
    """## What it does
    Checks values that must come from a closed set: `precision`, `accelerator`, `strategy`,
    `profiler`, `gradient_clip_algorithm`, `deterministic`. It suggests the closest valid value.

    ## Why is this bad?
    `Trainer` raises `MisconfigurationException` or `ValueError` for an unknown name, but only
    after torch has loaded.

    ## Example
    ```toml
    [trainer]
    precision = "16-mix"
    ```

    ## Fix
    ```toml
    [trainer]
    precision = "16-mixed"
    ```

    ## Lightning source
    `_PRECISION_INPUT` in `lightning/fabric/plugins/precision/precision.py`;
    `_check_config_and_set_final_flags` in `trainer/connectors/accelerator_connector.py`;
    `_init_profiler` in `trainer/setup.py`; `GradClipAlgorithmType` in `utilities/enums.py`.
    """

    code = INVALID_CHOICE
    name = "invalid-choice"
    summary = "A value is not one of the choices its key allows"
    fixable = True


class OutOfRange(SchemaRule):
    """## What it does
    Checks numeric bounds and string forms: `max_epochs >= -1`, `num_nodes >= 1`,
    `limit_*_batches` between 0 and 1 when a float, `max_time` as `"DD:HH:MM:SS"`, a `class_path`
    that is a dotted import path.

    ## Why is this bad?
    `Trainer` raises for these values at construction or at the start of `fit`.

    ## Example
    ```toml
    [trainer]
    limit_val_batches = 1.5
    ```

    ## Fix
    ```toml
    [trainer]
    limit_val_batches = 1.0
    ```

    ## Lightning source
    `_determine_batch_limits` in `trainer/setup.py`; `FitLoop.__init__` in `loops/fit_loop.py`;
    `Timer.__init__` in `callbacks/timer.py`; `_AcceleratorConnector` in
    `trainer/connectors/accelerator_connector.py`.
    """

    code = OUT_OF_RANGE
    name = "out-of-range"
    summary = "A value is outside the range or form its key allows"


class ReleaseValue(SchemaRule):
    """## What it does
    Flags an accelerator, strategy, profiler or precision name that the project's Lightning
    release does not take but another release does, and names that release: `16-true` and
    `bf16-true` need 2.1; `accelerator = "ipu"` was removed after 2.0.

    ## Why is this bad?
    `Trainer` raises `ValueError` for a name its release does not know
    (`Precision '16-true' is invalid`); the config was written for another release.

    ## Example
    ```toml
    # requirements.txt pins lightning==2.0.9
    [trainer]
    precision = "bf16-true"
    ```

    ## Fix
    Use a name of the project's release (`"bf16-mixed"`), or upgrade Lightning to the release the
    message names.

    ## Lightning source
    `_PRECISION_INPUT` in `lightning/fabric/connector.py`; `AcceleratorRegistry` and
    `StrategyRegistry`; `_init_profiler` in `lightning/pytorch/trainer/setup.py`, release by
    release (`trainer_lint/lightning/releases.json`).
    """

    code = RELEASE_VALUE
    name = "value-of-another-lightning-release"
    summary = "A name that another Lightning release takes, but not the project's"


RULES: tuple[type[Rule], ...] = (WrongType, InvalidChoice, OutOfRange, ReleaseValue)
