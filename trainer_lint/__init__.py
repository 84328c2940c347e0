"""trainer-lint: lint PyTorch Lightning Trainer configs written in TOML, before anything runs.

The models are imported lazily: ``import trainer_lint`` stays cheap for ``check``, and
``from trainer_lint import BaseTrainerConfig`` still works.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["BaseTrainerConfig", "TrainerLintConfig", "UnionTrainerConfig", "__version__"]


def __getattr__(name: str) -> Any:
    if name in ("BaseTrainerConfig", "TrainerLintConfig", "UnionTrainerConfig"):
        from trainer_lint import model

        return getattr(model, name)
    raise AttributeError(f"module 'trainer_lint' has no attribute {name!r}")
