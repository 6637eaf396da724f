"""PyTorch Lightning: the code of docs/pytorch/lightning.md.

Run it as a program with ``python -m snippets.pytorch.lightning``.
"""

# --8<-- [start:quiet]
import logging
import warnings

import lightning as L
from lightning.pytorch.utilities.warnings import PossibleUserWarning

# Lightning reports what it does (devices found, ...) through `logging`.
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
# The digits fit in memory: worker processes would only add start-up time.
warnings.filterwarnings(
    "ignore", ".*does not have many workers", category=PossibleUserWarning
)
# Raised inside Lightning, which still uses a torch class (LeafSpec) that
# torch has deprecated; nothing in our code can avoid it.
warnings.filterwarnings(
    "ignore", ".*LeafSpec", category=FutureWarning, module="lightning"
)
# --8<-- [end:quiet]

# --8<-- [start:module]
import torch
from torch import nn


class DigitsClassifier(L.LightningModule):
    def __init__(self, lr=5e-3):
        super().__init__()
        self.lr = lr
        self.net = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1), nn.Linear(128, 10)
        )

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss  # Lightning calls backward() and step() on it

    def validation_step(self, batch, batch_idx):
        x, y = batch  # runs under no_grad, with the model in eval mode
        accuracy = (self(x).argmax(dim=1) == y).float().mean()
        self.log("val_acc", accuracy)

    def configure_optimizers(self):
        optimizer = torch.optim.Adam(self.parameters(), lr=self.lr)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=self.trainer.max_epochs
        )
        return [optimizer], [scheduler]
# --8<-- [end:module]


# --8<-- [start:data]
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

digits = load_digits()
features = torch.tensor(digits.data / 16.0, dtype=torch.float32)
labels = torch.tensor(digits.target)
x_rest, x_test, y_rest, y_test = train_test_split(
    features, labels, test_size=0.2, random_state=0, stratify=labels
)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest
)
train_loader = DataLoader(
    TensorDataset(x_train, y_train),
    batch_size=32,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
val_loader = DataLoader(TensorDataset(x_val, y_val), batch_size=256)
# --8<-- [end:data]

# --8<-- [start:logger]
from lightning.pytorch.loggers import Logger


class MemoryLogger(Logger):
    """Keeps what Lightning hands to a logger in a list: no files."""

    name = "memory"
    version = 0

    def __init__(self):
        super().__init__()
        self.records = []  # (step, {metric name: value})

    def log_hyperparams(self, params):
        """Called only for save_hyperparameters(), unused by this model."""

    def log_metrics(self, metrics, step=None):
        self.records.append((step, dict(metrics)))
# --8<-- [end:logger]


# --8<-- [start:fit]
torch.manual_seed(0)
classifier = DigitsClassifier()
memory = MemoryLogger()
trainer = L.Trainer(
    max_epochs=15,
    accelerator="cpu",
    devices=1,
    logger=memory,  # kept in memory: no log files
    log_every_n_steps=1,  # pass every step's values on (default: every 50th)
    enable_checkpointing=False,  # no checkpoint files
    enable_progress_bar=False,
    enable_model_summary=False,
    deterministic=True,
)
trainer.fit(classifier, train_loader, val_loader)

val_acc = trainer.callback_metrics["val_acc"].item()
classifier.eval()
with torch.no_grad():
    predicted = classifier(x_test).argmax(dim=1)
test_acc = (predicted == y_test).float().mean().item()
print("epochs run:", trainer.current_epoch)
print(f"validation accuracy: {val_acc:.1%}")
print(f"test accuracy: {test_acc:.1%}")
# --8<-- [end:fit]

# --8<-- [start:logged]
for name in ("train_loss", "val_acc"):
    steps = [step for step, metrics in memory.records if name in metrics]
    print(f"{name}: {len(steps)} values, at steps {steps[:3]} ...")
print("batches per epoch:", len(train_loader))
# --8<-- [end:logged]
