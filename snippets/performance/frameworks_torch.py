"""PyTorch side of docs/performance/frameworks.md: an MLP and a small CNN.

The same models, data and optimizer as frameworks_tf.py; one call of each
side trains one epoch, eagerly or with torch.compile. Run this file to train
both models for one epoch.
"""

# --8<-- [start:torch_models]
import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

from snippets.performance.harness import Pair, claim

CLAIMS = []


def digits(fast):
    """8x8 digit images scaled to [0, 1], as NCHW float32, and labels."""
    x, y = load_digits(return_X_y=True)
    n = 256 if fast else 1792  # whole batches of 64: one shape to compile
    images = torch.tensor(x[:n] / 16, dtype=torch.float32).reshape(-1, 1, 8, 8)
    return images, torch.tensor(y[:n])


def torch_model(kind):
    torch.manual_seed(0)
    if kind == "mlp":
        body = [nn.Flatten(), nn.Linear(64, 128), nn.ReLU(),
                nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)]
    else:
        body = [nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Flatten(),
                nn.Linear(32 * 4 * 4, 10)]
    return nn.Sequential(*body)
# --8<-- [end:torch_models]


# --8<-- [start:torch_train]
def torch_trainer(kind, compile_model, backend="inductor"):
    model = torch_model(kind)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    forward = torch.compile(model, backend=backend) if compile_model else model

    def step(x, y):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(forward(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


def torch_epoch(step, x, y, batch_size=64):
    """Train one epoch; return the mean loss."""
    losses = [step(x[i:i + batch_size], y[i:i + batch_size])
              for i in range(0, len(x), batch_size)]
    return float(np.mean([loss.item() for loss in losses]))


def register_torch(kind):
    @claim(CLAIMS, f"torch_{kind}_train", f"PyTorch {kind.upper()} training",
           "eager", "torch.compile(model)")
    def build(fast):
        x, y = digits(fast)
        eager = torch_trainer(kind, compile_model=False)
        # Fast mode (the tests) skips C++ code generation.
        backend = "eager" if fast else "inductor"
        compiled = torch_trainer(kind, compile_model=True, backend=backend)
        return Pair(lambda: torch_epoch(eager, x, y),
                    lambda: torch_epoch(compiled, x, y), items=len(x))


register_torch("mlp")
register_torch("cnn")
# --8<-- [end:torch_train]


# --8<-- [start:torch_capture_only]
@claim(CLAIMS, "torch_mlp_train_capture", "PyTorch MLP training, capture only",
       "eager", 'torch.compile(model, backend="aot_eager")')
def torch_mlp_train_capture(fast):
    """The graph captured as for Inductor, run with PyTorch's own kernels."""
    x, y = digits(fast)
    eager = torch_trainer("mlp", compile_model=False)
    captured = torch_trainer("mlp", compile_model=True, backend="aot_eager")
    return Pair(lambda: torch_epoch(eager, x, y),
                lambda: torch_epoch(captured, x, y), items=len(x))
# --8<-- [end:torch_capture_only]


if __name__ == "__main__":
    x, y = digits(fast=True)
    for kind in ("mlp", "cnn"):
        loss = torch_epoch(torch_trainer(kind, False), x, y)
        print(kind, "loss after one epoch:", round(loss, 1))
