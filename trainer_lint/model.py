"""The pydantic models of a trainer-lint config file.

:class:`BaseTrainerConfig` mirrors every argument of ``lightning.Trainer.__init__`` of the newest
Lightning release trainer-lint knows, with the Trainer's own defaults (``tests/test_releases.py``
checks it against that release's data; the closed sets are read from it). :class:`TrainerLintConfig` models a whole config file in the
shape LightningCLI uses (``trainer``, ``model``, ``data``, ``seed_everything``, ``ckpt_path``).

The value types of the fields (``class_path`` objects, durations, seeds, batch limits) are in
:mod:`trainer_lint.value_types`. This module imports pydantic, never torch or lightning. Building these models costs tens of
milliseconds, so ``check`` does not import it: it validates against the JSON Schema that
:mod:`trainer_lint.schema` generates from these models.

TOML has no null. One Trainer argument needs it: ``check_val_every_n_epoch = None`` selects
step-based validation across epochs while its default is ``1``. trainer-lint spells that None as
the string ``"none"`` (:data:`NONE_SPELLING`), and accepts that spelling for that key alone.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, Strict
from pydantic.dataclasses import dataclass

from trainer_lint.lightning.releases import newest as newest_release
from trainer_lint.lightning.schema import accelerator_choices, choices_pattern, profiler_choices, strategy_choices
from trainer_lint.value_types import (  # the value types of the fields below
    SEED_MAX,
    ClassPathConfig,
    IntervalDict,
    LimitBatches,
    NamedObjectConfig,
    NonNegativeInt,
    ObjectConfig,
    ProfilerClassString,
    TimeDict,
    TimeString,
    TopObjectConfig,
)

DOCS = "https://lightning.ai/docs/pytorch/stable/common/trainer.html"
"""Lightning's Trainer reference; each field links to its own anchor there."""

NONE_SPELLING = "none"
"""How a config says ``None`` where the Trainer's default is not None (``check_val_every_n_epoch``)."""

_NEWEST = newest_release()
"""The newest Lightning release trainer-lint knows: the closed sets below are its own
(``trainer_lint/lightning/releases.json``); other releases patch the schema built from them
(:mod:`trainer_lint.lightning.schema`)."""

NUM_NODES_CHECK_SINCE = "2.1"
"""From Lightning 2.1 the accelerator connector raises for ``num_nodes < 1``; 2.0 builds the
Trainer (``x-before`` drops the schema's minimum for it). Tested against the real releases by
``tests/differential/test_lightning_releases.py``."""

ACCELERATORS = accelerator_choices(_NEWEST)
"""Accelerator names that ``Trainer`` accepts. Lightning compares them case-sensitively."""

STRATEGIES = strategy_choices(_NEWEST)
"""Strategy names registered in the newest release's ``StrategyRegistry`` plus ``auto``.
Lightning lower-cases a strategy name before looking it up."""

PRECISION_INTS = tuple(_NEWEST.precisions["int"])
PRECISION_STRINGS = tuple(_NEWEST.precisions["str"])
PRECISION_ALIASES = tuple(_NEWEST.precisions["alias"])
"""The short forms Lightning still accepts; ``16``, ``"16"`` and ``"bf16"`` are discouraged."""

PROFILERS = profiler_choices(_NEWEST)
"""Profiler names that ``Trainer(profiler=...)`` resolves; Lightning lower-cases them first."""

GRADIENT_CLIP_ALGORITHMS = ("norm", "value")
"""``gradient_clip_algorithm`` values; Lightning lower-cases them first."""

def _choices(values: tuple[str, ...]) -> Any:
    """A string that must be one of ``values``, compared case-insensitively as Lightning does."""
    return Annotated[str, Field(pattern=choices_pattern(values), json_schema_extra={"x-choices": list(values)})]


def _link(anchor: str) -> str:
    return f"{DOCS}#{anchor.replace('_', '-')}"


def _describe(text: str, anchor: str) -> str:
    return f"{text}\n\nLightning docs: {_link(anchor)}"


def _none_spelling(value: Any) -> Any:
    return None if value == NONE_SPELLING else value


NoneSpelling = Annotated[Literal["none"], Field(json_schema_extra={"x-none-spelling": True})]
"""The string :data:`NONE_SPELLING`, marked in the schema so that YAML readers know it stands for
None (YAML writes ``null`` instead, and rejects ``none``)."""


@dataclass(config=ConfigDict(extra="allow", strict=True))
class BaseTrainerConfig:
    """Every argument of ``lightning.Trainer.__init__`` (Lightning 2.6), with the Trainer's defaults.

    ``extra="allow"`` keeps arguments this model does not know (a newer Lightning, say) instead of
    dropping them; ``trainer-lint check`` still reports them as unknown keys.
    """

    # Hardware and distribution
    accelerator: Union[Literal[ACCELERATORS], ObjectConfig] = Field(  # type: ignore[valid-type]
        default="auto",
        description=_describe(
            "Which hardware to train on: `cpu`, `gpu` (an alias of `cuda`), `cuda`, `mps`, `tpu`, "
            "`hpu`, or `auto` to pick what is available. Names are case-sensitive.",
            "accelerator",
        ),
    )
    strategy: Union[_choices(STRATEGIES), ObjectConfig] = Field(  # type: ignore[valid-type]
        default="auto",
        description=_describe(
            "How training is spread over devices: a registered name such as `ddp`, `fsdp`, "
            "`deepspeed_stage_2` or `auto`, or a strategy class. Names are not case-sensitive.",
            "strategy",
        ),
    )
    devices: Union[
        list[NonNegativeInt],
        Annotated[
            str,
            # What `_parse_gpu_ids` / `_parse_tpu_devices_str` can read: "auto", one int() or a
            # comma-separated list of int()s (empty items skipped). Anything else raises for every
            # accelerator; which readable strings an accelerator accepts is for the TL3xx rules.
            Field(
                pattern=r"^(auto|\s*[+-]?\d+(_\d+)*\s*|(\s*[+-]?\d+(_\d+)*\s*)?(,(\s*[+-]?\d+(_\d+)*\s*)?)+)$",
                json_schema_extra={"x-pattern-words": 'a device count, a comma-separated list of device indices or "auto"'},
            ),
        ],
        int,
    ] = Field(
        default="auto",
        description=_describe(
            "Which or how many devices: a positive count, a list of device indices, a string such as "
            '`"0,1"`, `-1` for all devices, or `"auto"`.',
            "devices",
        ),
    )
    num_nodes: Annotated[int, Field(ge=1, json_schema_extra={"x-before": {NUM_NODES_CHECK_SINCE: {"minimum": None}}})] = Field(
        default=1,
        description=_describe("Number of machines (nodes) taking part in distributed training.", "num_nodes"),
    )
    precision: Optional[
        Union[
            Literal[PRECISION_INTS],  # type: ignore[valid-type]
            Literal[PRECISION_STRINGS],  # type: ignore[valid-type]
            Literal[PRECISION_ALIASES],  # type: ignore[valid-type]
        ]
    ] = Field(
        default=None,
        description=_describe(
            "Numeric precision: `32-true` (the default when unset), `16-mixed`, `bf16-mixed`, "
            "`16-true`, `bf16-true`, `64-true`, or `transformer-engine`. The short forms `16`, "
            '`"16"` and `"bf16"` still work but are discouraged.',
            "precision",
        ),
    )

    # Logging, callbacks and progress
    logger: Optional[Union[bool, NamedObjectConfig, list[NamedObjectConfig]]] = Field(
        default=None,
        description=_describe(
            "Experiment logger(s): `true` (the default when unset) uses TensorBoard if installed, "
            "else CSV; `false` disables logging; or one or more logger classes.",
            "logger",
        ),
    )
    callbacks: Optional[Union[NamedObjectConfig, list[NamedObjectConfig]]] = Field(
        default=None,
        description=_describe("Callback object(s) to add to the Trainer's default callbacks.", "callbacks"),
    )
    enable_checkpointing: Optional[bool] = Field(
        default=None,
        description=_describe(
            "Save a checkpoint after each epoch with a default `ModelCheckpoint` (on when unset).",
            "enable-checkpointing",
        ),
    )
    enable_progress_bar: Optional[bool] = Field(
        default=None,
        description=_describe("Show a progress bar (on when unset).", "enable-progress-bar"),
    )
    enable_model_summary: Optional[bool] = Field(
        default=None,
        description=_describe("Print a model summary before fitting (on when unset).", "enable-model-summary"),
    )
    log_every_n_steps: Optional[int] = Field(
        default=None,
        description=_describe("How often, in training steps, to log metrics (50 when unset).", "log-every-n-steps"),
    )
    enable_autolog_hparams: bool = Field(
        default=True,
        description=_describe(
            "Log the hyperparameters of the model and datamodule to the logger automatically.",
            "enable-autolog-hparams",
        ),
    )
    default_root_dir: Optional[str] = Field(
        default=None,
        description=_describe(
            "Where logs and checkpoints go when no logger or callback says otherwise (the working "
            "directory when unset). May be a remote URL such as `s3://bucket/path`.",
            "default-root-dir",
        ),
    )

    # How long to train
    fast_dev_run: Union[bool, NonNegativeInt] = Field(
        default=False,
        description=_describe(
            "Debug run: `true` runs 1 batch of train, val and test (an int runs that many) and "
            "disables loggers, checkpoints and epoch/step limits.",
            "fast-dev-run",
        ),
    )
    max_epochs: Optional[Annotated[int, Field(ge=-1)]] = Field(
        default=None,
        description=_describe(
            "Stop after this many epochs. Unset means 1000 when `max_steps` is unset too; -1 trains forever.",
            "max-epochs",
        ),
    )
    min_epochs: Optional[int] = Field(
        default=None,
        description=_describe("Train at least this many epochs, even if early stopping asks to stop.", "min-epochs"),
    )
    max_steps: Annotated[int, Field(ge=-1)] = Field(
        default=-1,
        description=_describe("Stop after this many optimizer steps; -1 means no step limit.", "max-steps"),
    )
    min_steps: Optional[int] = Field(
        default=None,
        description=_describe("Train at least this many optimizer steps.", "min-steps"),
    )
    max_time: Optional[Union[TimeString, TimeDict]] = Field(
        default=None,
        description=_describe(
            'Stop after this much wall-clock time: `"DD:HH:MM:SS"` or a table such as '
            "`{ hours = 12 }`.",
            "max-time",
        ),
    )

    # How much data
    limit_train_batches: LimitBatches = Field(
        default=None,
        description=_describe(
            "Use this fraction (float) or number (int) of training batches per epoch (all when unset).",
            "limit-train-batches",
        ),
    )
    limit_val_batches: LimitBatches = Field(
        default=None,
        description=_describe(
            "Use this fraction (float) or number (int) of validation batches (all when unset).",
            "limit-val-batches",
        ),
    )
    limit_test_batches: LimitBatches = Field(
        default=None,
        description=_describe(
            "Use this fraction (float) or number (int) of test batches (all when unset).", "limit-test-batches"
        ),
    )
    limit_predict_batches: LimitBatches = Field(
        default=None,
        description=_describe(
            "Use this fraction (float) or number (int) of prediction batches (all when unset).",
            "limit-predict-batches",
        ),
    )
    overfit_batches: Union[int, float] = Field(
        default=0.0,
        description=_describe(
            "Train (and validate) on this fraction or number of training batches, to check the "
            "model can overfit. 0 disables it.",
            "overfit-batches",
        ),
    )

    # Validation
    val_check_interval: Optional[Union[int, float, str, IntervalDict]] = Field(
        default=None,
        description=_describe(
            "How often to validate within an epoch: a fraction of the epoch (float), every N "
            'training batches (int), or a wall-clock interval (`"DD:HH:MM:SS"` or a table such '
            "as `{ minutes = 30 }`). Once per epoch when unset.",
            "val-check-interval",
        ),
    )
    check_val_every_n_epoch: Annotated[
        Optional[Union[int, NoneSpelling]], AfterValidator(_none_spelling)
    ] = (
        Field(
            default=1,
            description=_describe(
                'Validate every N epochs. Set to `"none"` (trainer-lint\'s spelling of None) to '
                "validate every `val_check_interval` steps across epoch boundaries.",
                "check-val-every-n-epoch",
            ),
        )
    )
    num_sanity_val_steps: Optional[int] = Field(
        default=None,
        description=_describe(
            "Validation batches to run before training starts (2 when unset); -1 runs them all, 0 none.",
            "num-sanity-val-steps",
        ),
    )

    # Optimisation
    accumulate_grad_batches: int = Field(
        default=1,
        description=_describe("Accumulate gradients over this many batches per optimizer step.", "accumulate-grad-batches"),
    )
    gradient_clip_val: Optional[Union[int, float]] = Field(
        default=None,
        description=_describe("Clip gradients at this value; unset or 0 disables clipping.", "gradient-clip-val"),
    )
    gradient_clip_algorithm: Optional[_choices(GRADIENT_CLIP_ALGORITHMS)] = Field(  # type: ignore[valid-type]
        default=None,
        description=_describe(
            'How to clip: `"norm"` (the default when unset) or `"value"`. Not case-sensitive.',
            "gradient-clip-algorithm",
        ),
    )

    # Reproducibility and debugging
    deterministic: Optional[Union[bool, Literal["warn"]]] = Field(
        default=None,
        description=_describe(
            'Use only deterministic algorithms: `true`, `false`, or `"warn"` to warn on '
            "nondeterministic ones instead of failing.",
            "deterministic",
        ),
    )
    benchmark: Optional[bool] = Field(
        default=None,
        description=_describe(
            "Set `torch.backends.cudnn.benchmark`. Unset leaves it as is, unless `deterministic` is "
            "true, which turns it off.",
            "benchmark",
        ),
    )
    inference_mode: bool = Field(
        default=True,
        description=_describe(
            "Evaluate under `torch.inference_mode` (true) or `torch.no_grad` (false).", "inference-mode"
        ),
    )
    use_distributed_sampler: bool = Field(
        default=True,
        description=_describe(
            "Wrap dataloaders in a `DistributedSampler` automatically when training on several devices.",
            "use-distributed-sampler",
        ),
    )
    profiler: Optional[Union[_choices(PROFILERS), ClassPathConfig, ProfilerClassString]] = Field(  # type: ignore[valid-type]
        default=None,
        description=_describe(
            "Profile the run: `simple`, `advanced`, `pytorch`, `xla`, or a profiler class.",
            "profiler",
        ),
    )
    detect_anomaly: bool = Field(
        default=False,
        description=_describe("Turn on autograd's anomaly detection (slow; for debugging NaNs).", "detect-anomaly"),
    )
    barebones: bool = Field(
        default=False,
        description=_describe(
            "Turn off every feature that may cost speed (logging, checkpoints, progress bar, "
            "summaries, ...) to measure raw training speed.",
            "barebones",
        ),
    )
    plugins: Optional[Union[NamedObjectConfig, list[NamedObjectConfig]]] = Field(
        default=None,
        description=_describe(
            "Plugin object(s): a precision plugin, a cluster environment, a checkpoint IO or a layer sync.",
            "plugins",
        ),
    )
    sync_batchnorm: bool = Field(
        default=False,
        description=_describe("Synchronise batch norm statistics across processes.", "sync-batchnorm"),
    )
    reload_dataloaders_every_n_epochs: NonNegativeInt = Field(
        default=0,
        description=_describe(
            "Rebuild the dataloaders every N epochs; 0 builds them once.", "reload-dataloaders-every-n-epochs"
        ),
    )
    model_registry: Optional[str] = Field(
        default=None,
        description=_describe("Name of a model in Lightning's model registry to save checkpoints to.", "model-registry"),
    )


UnionTrainerConfig = Union[BaseTrainerConfig, dict]
"""What APIs that take Trainer settings accept: the model, or a plain dict of its fields."""


def _trainer_from_table(value: Any) -> Any:
    """Build the (strict) trainer dataclass from a TOML table."""
    return BaseTrainerConfig(**value) if isinstance(value, dict) else value


@dataclass(config=ConfigDict(extra="forbid"))
class TrainerLintConfig:
    """A whole config file, shaped like LightningCLI's: ``trainer``, ``model``, ``data`` and run settings."""

    trainer: Annotated[BaseTrainerConfig, BeforeValidator(_trainer_from_table)] = Field(
        default_factory=BaseTrainerConfig,
        description="Arguments of `lightning.Trainer`.",
    )
    model: Optional[TopObjectConfig] = Field(
        default=None,
        description=(
            "The LightningModule to train, as `class_path` and `init_args`. Without it, "
            "`trainer-lint run` trains a small bundled demo model."
        ),
    )
    data: Optional[TopObjectConfig] = Field(
        default=None,
        description="The LightningDataModule, as `class_path` and `init_args`.",
    )
    optimizer: Optional[NamedObjectConfig] = Field(
        default=None,
        description="An optimizer class for LightningCLI-style configs, as `class_path` and `init_args`.",
    )
    lr_scheduler: Optional[NamedObjectConfig] = Field(
        default=None,
        description="A learning-rate scheduler class for LightningCLI-style configs.",
    )
    seed_everything: Optional[Union[Annotated[bool, Strict()], Annotated[int, Strict(), Field(ge=0, le=SEED_MAX)]]] = Field(
        default=True,
        description=(
            "Seed for `lightning.seed_everything` before building anything: an int, `true` (or, in "
            "YAML, `null`: LightningCLI passes None to `seed_everything`, which picks one) for a "
            "random seed that is logged, or `false` to skip seeding."
        ),
    )
    ckpt_path: Optional[Annotated[str, Strict()]] = Field(
        default=None,
        description='Checkpoint to resume from or evaluate: a path, or `"last"`, `"best"`, `"hpc"`, `"registry"`.',
    )
    weights_only: Optional[Annotated[bool, Strict()]] = Field(
        default=None,
        description=(
            "Passed with `ckpt_path` to the stage (`Trainer.fit(..., weights_only=...)`): load the checkpoint "
            "with `torch.load(weights_only=...)`. LightningCLI's `--print_config` writes it."
        ),
    )
