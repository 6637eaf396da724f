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


def make_model():
    return nn.Sequential(
        nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1), nn.Linear(128, 10)
    )


def accuracy(model, x, y):
    model.eval()  # dropout off
    with torch.no_grad():  # no graph needed for evaluation
        return (model(x).argmax(dim=1) == y).float().mean().item()


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
        model.train()  # dropout on
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
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
