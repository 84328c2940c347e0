"""The bundled demo: a tiny MLP and a synthetic datamodule that ``trainer-lint run`` trains when a
config has no ``[model]`` table.

The data are made in memory from a fixed seed (no download): points around ``num_classes``
random centres in ``num_features`` dimensions, labelled by their centre. The model is a
two-layer MLP that learns them in a few steps on a CPU, logs ``train_loss``, ``val_loss`` and
``val_acc``, and is checkpointed by Lightning's default ``ModelCheckpoint``.

Both classes can be named in a config like any other::

    [model]
    class_path = "trainer_lint.demo.DemoModel"
    init_args = { hidden = 64, lr = 0.05 }

    [data]
    class_path = "trainer_lint.demo.DemoDataModule"
    init_args = { batch_size = 16 }

torch and lightning are imported only when a class is first asked for (this module's
``__getattr__``), so ``import trainer_lint.demo`` stays as cheap as the linter. The classes are
then ordinary module attributes: importable by path, picklable, and loadable from a checkpoint.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DemoDataModule", "DemoModel", "PLDemoDataModule", "PLDemoModel"]
"""``PL...``: the same classes built on the standalone ``pytorch_lightning`` package, for configs
that its Trainer reads (``lightning-package = "pytorch_lightning"``)."""

PACKAGES = {"": "lightning.pytorch", "PL": "pytorch_lightning"}
"""The name prefix of the demo classes built on each package."""

NUM_FEATURES = 8
NUM_CLASSES = 4


def __getattr__(name: str) -> Any:
    if name in __all__:
        _define("PL" if name.startswith("PL") else "")
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _define(prefix: str) -> None:
    """Import torch and the package of ``prefix`` and define its demo classes in this module's namespace."""
    if f"{prefix}DemoModel" in globals():
        return
    import importlib
    import warnings

    import torch
    from torch import nn
    from torch.nn import functional as F
    from torch.utils.data import DataLoader, TensorDataset

    # The demo loads from memory in the main process on purpose; Lightning's advice to add
    # dataloader workers is noise here.
    warnings.filterwarnings("ignore", message=r".*does not have many workers.*")
    package = importlib.import_module(PACKAGES[prefix])
    LightningDataModule, LightningModule = package.LightningDataModule, package.LightningModule  # noqa: N806

    class DemoDataModule(LightningDataModule):
        """Synthetic classification data made in memory from ``seed``: no files, no download."""

        def __init__(
            self,
            num_samples: int = 256,
            num_features: int = NUM_FEATURES,
            num_classes: int = NUM_CLASSES,
            batch_size: int = 32,
            seed: int = 1234,
        ) -> None:
            super().__init__()
            if num_samples < 1 or batch_size < 1:
                raise ValueError("num_samples and batch_size must be positive")
            self.save_hyperparameters()
            self.datasets: dict[str, TensorDataset] = {}

        def _make(self, count: int, offset: int) -> TensorDataset:
            hp = self.hparams
            generator = torch.Generator().manual_seed(hp.seed)
            centres = torch.randn(hp.num_classes, hp.num_features, generator=generator) * 3.0
            generator.manual_seed(hp.seed + offset)
            labels = torch.randint(0, hp.num_classes, (count,), generator=generator)
            points = centres[labels] + torch.randn(count, hp.num_features, generator=generator)
            return TensorDataset(points, labels)

        def setup(self, stage: str) -> None:
            if self.datasets:
                return
            count = self.hparams.num_samples
            small = max(count // 4, self.hparams.batch_size)
            self.datasets = {
                "train": self._make(count, 1),
                "val": self._make(small, 2),
                "test": self._make(small, 3),
                "predict": self._make(small, 4),
            }

        def _loader(self, split: str, shuffle: bool = False) -> DataLoader:
            return DataLoader(self.datasets[split], batch_size=self.hparams.batch_size, shuffle=shuffle)

        def train_dataloader(self) -> DataLoader:
            return self._loader("train", shuffle=True)

        def val_dataloader(self) -> DataLoader:
            return self._loader("val")

        def test_dataloader(self) -> DataLoader:
            return self._loader("test")

        def predict_dataloader(self) -> DataLoader:
            return self._loader("predict")

    class DemoModel(LightningModule):
        """A two-layer MLP classifier for :class:`DemoDataModule`."""

        def __init__(
            self,
            num_features: int = NUM_FEATURES,
            num_classes: int = NUM_CLASSES,
            hidden: int = 32,
            lr: float = 0.05,
        ) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = nn.Sequential(nn.Linear(num_features, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.net(x)

        def _step(self, batch: Any, split: str) -> torch.Tensor:
            x, y = batch
            logits = self(x)
            loss = F.cross_entropy(logits, y)
            on_step = split == "train"
            self.log(f"{split}_loss", loss, prog_bar=True, on_step=on_step, on_epoch=not on_step, sync_dist=not on_step)
            if split != "train":
                acc = (logits.argmax(dim=1) == y).float().mean()
                self.log(f"{split}_acc", acc, prog_bar=True, sync_dist=True)
            return loss

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "train")

        def validation_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "val")

        def test_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return self._step(batch, "test")

        def predict_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            x, _ = batch
            return self(x).argmax(dim=1)

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)

    for cls in (DemoDataModule, DemoModel):
        cls.__name__ = prefix + cls.__name__
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
        globals()[cls.__name__] = cls
