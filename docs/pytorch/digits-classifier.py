# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tutorial: a digits classifier
#
# This tutorial trains a small neural network to read handwritten digits, from loading
# the data to a confusion matrix, with the pieces described on the PyTorch pages: a
# `DataLoader`, an `nn.Module`, an optimizer with a learning-rate schedule, and the
# train / validate loop. It records the loss and accuracy of every epoch, plots the
# learning curves, and checks the final accuracy on a test set it never trained on.
#
# ## The data
#
# scikit-learn ships 1,797 greyscale images of 8 × 8 pixels, so nothing is downloaded.
# Pixel values run from 0 to 16; dividing by 16 scales them to 0..1. The split is
# seeded and
# [stratified](https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.train_test_split.html):
# each part keeps, as closely as whole images allow, the share of every digit that the
# whole set has. It does not make the digits equally common; in this set they nearly
# are. The share of each digit, 0 to 9, in each part:

# %%
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target)
x_rest, x_test, y_rest, y_test = train_test_split(
    x, y, test_size=0.2, random_state=0, stratify=y
)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest
)
print(f"train {len(x_train)}, validation {len(x_val)}, test {len(x_test)}")
for name, labels in [("all", y), ("train", y_train), ("validation", y_val),
                     ("test", y_test)]:
    shares = torch.bincount(labels, minlength=10) / len(labels)
    print(f"{name:>10}:", " ".join(f"{share:.3f}" for share in shares.tolist()))

# %% [markdown]
# A few of the images, with their labels:

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for ax, image, label in zip(axes, digits.images, digits.target, strict=False):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(str(label))
    ax.axis("off")
plt.show()

# %% [markdown]
# ## The model
#
# A multilayer perceptron: the 64 pixels go through one hidden layer of 128 units with
# ReLU and dropout, then to 10 outputs, one score (logit) per digit. Cross-entropy turns
# the scores into a loss.

# %%
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class DigitsMLP(nn.Module):
    def __init__(self, hidden=128, dropout=0.1):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(64, hidden),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, 10),
        )

    def forward(self, x):
        return self.layers(x)


torch.manual_seed(0)
model = DigitsMLP()
print(sum(p.numel() for p in model.parameters()), "parameters")

# %% [markdown]
# ## Training with validation
#
# Each epoch trains on shuffled batches of 32 (a seeded generator fixes the order), then
# measures loss and accuracy on the validation set with the model in evaluation mode and
# gradients off. Adam with a cosine learning-rate schedule, 15 epochs.

# %%
def evaluate(model, x, y, loss_fn):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss_fn(logits, y).item(), accuracy


epochs = 15
loader = DataLoader(
    TensorDataset(x_train, y_train),
    batch_size=32,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
loss_fn = nn.CrossEntropyLoss()
curves = {"train loss": [], "val loss": [], "train acc": [], "val acc": []}

for _epoch in range(epochs):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    scheduler.step()
    train_loss, train_acc = evaluate(model, x_train, y_train, loss_fn)
    val_loss, val_acc = evaluate(model, x_val, y_val, loss_fn)
    for key, value in zip(curves, (train_loss, val_loss, train_acc, val_acc),
                          strict=True):
        curves[key].append(value)

print(f"after {epochs} epochs: validation accuracy {curves['val acc'][-1]:.3f}")

# %% [markdown]
# ## Learning curves
#
# The training loss keeps falling while the validation loss levels off: beyond that
# point more epochs would mostly fit the training set more closely. The decaying
# learning rate makes the last epochs small refinements.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
epoch_numbers = range(1, epochs + 1)
left.plot(epoch_numbers, curves["train loss"], label="train")
left.plot(epoch_numbers, curves["val loss"], "--", label="validation")
left.set(xlabel="epoch", ylabel="cross-entropy", title="Loss", yscale="log")
left.legend()
right.plot(epoch_numbers, curves["train acc"], label="train")
right.plot(epoch_numbers, curves["val acc"], "--", label="validation")
right.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Test accuracy and the confusion matrix
#
# The test set is used once, now. The confusion matrix counts, for every true digit
# (row), how often each digit was predicted (column); the diagonal holds the correct
# answers and everything off it is a mistake.

# %%
from sklearn.metrics import confusion_matrix

model.eval()
with torch.no_grad():
    predicted = model(x_test).argmax(dim=1)
test_accuracy = (predicted == y_test).float().mean().item()
matrix = confusion_matrix(y_test.numpy(), predicted.numpy(), labels=range(10))
print(f"test accuracy: {test_accuracy:.3f}")

fig, ax = plt.subplots(figsize=(5, 5))
ax.imshow(matrix, cmap="Blues")
for (row, col), count in np.ndenumerate(matrix):
    if count:
        colour = "white" if count > matrix.max() / 2 else "black"
        ax.text(col, row, str(count), ha="center", va="center", color=colour)
ax.set(xlabel="predicted digit", ylabel="true digit", title="Test set",
       xticks=range(10), yticks=range(10))
plt.show()

# %% [markdown]
# ## Did it work?
#
# This cell raises an error if the classifier falls below 95 % on the test set or if the
# confusion matrix does not account for every test image.

# %%
assert test_accuracy >= 0.95, test_accuracy
assert matrix.sum() == len(y_test)
assert np.trace(matrix) == (predicted == y_test).sum().item()

# %% [markdown]
# ## What next
#
# The [torch.optim](../optim/) page explains each line of the loop, and the
# [PyTorch Lightning](../lightning/) page trains the same model without writing it.
