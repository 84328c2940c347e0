"""A demo model that records what its training steps saw (for the fit-time tests)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "RecordingModel":
        return _define()
    raise AttributeError(name)


def _define() -> Any:
    if "_RecordingModel" in globals():
        return globals()["_RecordingModel"]
    from trainer_lint.demo import DemoModel

    class RecordingModel(DemoModel):
        """:class:`DemoModel` that keeps the dtype of its logits at each training step."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.step_dtypes: list[Any] = []

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            x, _ = batch
            self.step_dtypes.append(self(x).dtype)
            return super().training_step(batch, batch_idx)

    RecordingModel.__module__ = __name__
    RecordingModel.__qualname__ = "RecordingModel"
    globals()["_RecordingModel"] = RecordingModel
    globals()["RecordingModel"] = RecordingModel
    return RecordingModel
