"""torch.optim: the code of docs/pytorch/optim.md.

Run it as a program with ``python -m snippets.pytorch.optim``.
"""

# --8<-- [start:step]
import torch

weight = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
optimizer = torch.optim.SGD([weight], lr=0.1)

loss = (weight**2).sum()  # gradient: 2 * weight
loss.backward()
print("grad:", weight.grad)
optimizer.step()  # weight <- weight - lr * grad
print("after step:", weight.detach())

(weight**2).sum().backward()  # no zero_grad: the new gradient is ADDED
print("accumulated grad:", weight.grad)
optimizer.zero_grad()  # sets .grad to None
print("after zero_grad:", weight.grad)
# --8<-- [end:step]

# --8<-- [start:scheduler]
weight = torch.nn.Parameter(torch.zeros(2))
optimizer = torch.optim.SGD([weight], lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
rates = []
for _epoch in range(6):
    rates.append(optimizer.param_groups[0]["lr"])
    optimizer.step()  # ... one epoch of training would go here
    scheduler.step()  # once per epoch, after the optimizer
print("StepLR:", rates)

optimizer = torch.optim.AdamW([weight], lr=0.1)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=4)
rates = []
for _epoch in range(5):
    rates.append(round(optimizer.param_groups[0]["lr"], 4))
    optimizer.step()
    scheduler.step()
print("CosineAnnealingLR:", rates)
# --8<-- [end:scheduler]

# --8<-- [start:groups_clip]
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
decay = [p for name, p in net.named_parameters() if not name.endswith("bias")]
no_decay = [p for name, p in net.named_parameters() if name.endswith("bias")]
optimizer = torch.optim.AdamW(
    [
        {"params": decay},  # the weight matrices: the default weight_decay
        {"params": no_decay, "weight_decay": 0.0},  # the biases: none
    ],
    lr=1e-3,
    weight_decay=0.01,
)
for group in optimizer.param_groups:
    sizes = [tuple(p.shape) for p in group["params"]]
    print("group:", sizes, "weight_decay:", group["weight_decay"])

inputs = torch.randn(16, 4, generator=torch.Generator().manual_seed(1))
loss = net(inputs).pow(2).mean() * 100  # a loss with large gradients
loss.backward()
norm_before = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
norm_after = nn.utils.get_total_norm([p.grad for p in net.parameters()])
print(f"gradient norm before clipping: {norm_before:.3f}, "
      f"after: {norm_after:.3f}")
optimizer.step()
# --8<-- [end:groups_clip]

# --8<-- [start:data]
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
features = torch.tensor(digits.data / 16.0, dtype=torch.float32)  # 0..1
labels = torch.tensor(digits.target)
x_rest, x_test, y_rest, y_test = train_test_split(
    features, labels, test_size=0.2, random_state=0, stratify=labels
)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest
)
print("train", tuple(x_train.shape), "val", tuple(x_val.shape))
print("test", tuple(x_test.shape), "classes", labels.unique().numel())
# --8<-- [end:data]


# --8<-- [start:loop]
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = (  # a GPU (or another accelerator) if there is one, else the CPU
    torch.accelerator.current_accelerator()
    if torch.accelerator.is_available()
    else torch.device("cpu")
)


def make_model():
    return nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1), nn.Linear(128, 10)
    ).to(device)


def accuracy(model, x, y):
    model.eval()  # dropout off
    with torch.no_grad():  # no graph needed for evaluation
        predictions = model(x.to(device)).argmax(dim=1)
        return (predictions == y.to(device)).float().mean().item()


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()  # dropout on
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()


def fit(model, epochs=15, seed=0):
    torch.manual_seed(seed)  # weights were drawn already; this fixes dropout
    loader = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    for _epoch in range(epochs):
        train_one_epoch(model, loader, optimizer, loss_fn)
        scheduler.step()
        history.append(accuracy(model, x_val, y_val))
    return history


torch.manual_seed(0)
model = make_model()
history = fit(model)
test_accuracy = accuracy(model, x_test, y_test)
print("epochs:", len(history))
print(f"validation accuracy: {history[-1]:.1%}")
print(f"test accuracy: {test_accuracy:.1%}")
# --8<-- [end:loop]

# --8<-- [start:checkpoint]
import tempfile
from pathlib import Path


def make_training(epochs=4):
    """A model, its optimizer and its scheduler, freshly built."""
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    return model, optimizer, scheduler


loader = DataLoader(
    TensorDataset(x_train, y_train), batch_size=32, shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
loss_fn = nn.CrossEntropyLoss()
torch.manual_seed(0)
model, optimizer, scheduler = make_training()
for _epoch in range(2):  # the first half, then the job stops
    train_one_epoch(model, loader, optimizer, loss_fn)
    scheduler.step()

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "checkpoint.pt"
    torch.save({"epoch": 2, "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict()}, path)

    # A new process would start here: build everything afresh, then load.
    model, optimizer, scheduler = make_training()
    checkpoint = torch.load(path, weights_only=True)
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
scheduler.load_state_dict(checkpoint["scheduler"])
first = next(iter(model.parameters()))
print("Adam's step count after loading:", int(optimizer.state[first]["step"]),
      "learning rate:", scheduler.get_last_lr()[0])

for _epoch in range(checkpoint["epoch"], 4):  # the second half
    train_one_epoch(model, loader, optimizer, loss_fn)
    scheduler.step()
print("after resuming: step count", int(optimizer.state[first]["step"]),
      f"validation accuracy {accuracy(model, x_val, y_val):.1%}")
# --8<-- [end:checkpoint]
