"""A whole PyTorch training program: the quickstart on docs/pytorch/index.md.

Run it as a program with ``python -m snippets.pytorch.quickstart``.
"""

# --8<-- [start:data]
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)  # the same initial weights and batch order on every run
# A GPU (or another accelerator) if this machine has one, else the CPU:
device = torch.accelerator.current_accelerator(check_available=True)
device = device or torch.device("cpu")  # None when there is no accelerator

digits = load_digits()  # 1,797 images of 8x8 pixels, labels 0-9
x = torch.tensor(digits.data / 16.0, dtype=torch.float32)  # pixels in 0..1
y = torch.tensor(digits.target)
# Stratified splits keep the ten digits in the same proportions in every part.
x_rest, x_test, y_rest, y_test = train_test_split(
    x, y, test_size=0.2, random_state=0, stratify=y
)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=0.2, random_state=0, stratify=y_rest
)
train_loader = DataLoader(
    TensorDataset(x_train, y_train), batch_size=32, shuffle=True
)
sizes = len(x_train), len(x_val), len(x_test)
print("images for training, validation and test:", sizes)
# --8<-- [end:data]


# --8<-- [start:model]
model = nn.Sequential(
    nn.Linear(64, 64),  # 64 pixels in, 64 hidden units
    nn.ReLU(),
    nn.Linear(64, 10),  # one score (logit) per digit
).to(device)
loss_fn = nn.CrossEntropyLoss()  # softmax and cross-entropy in one
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
print(sum(p.numel() for p in model.parameters()), "parameters")
# --8<-- [end:model]


# --8<-- [start:train]
def accuracy(model, x, y):
    model.eval()  # evaluation mode (matters for dropout, batch norm)
    with torch.no_grad():  # no graph: nothing will be differentiated
        predicted = model(x.to(device)).argmax(dim=1)
    return (predicted == y.to(device)).float().mean().item()


for epoch in range(1, 11):
    model.train()  # training mode
    total = 0.0
    for images, labels in train_loader:  # one minibatch at a time
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()  # forget the last step's gradients
        loss = loss_fn(model(images), labels)  # forward pass
        loss.backward()  # gradients of the loss for every parameter
        optimizer.step()  # update the parameters
        total += loss.item() * len(images)
    if epoch % 2 == 0:
        mean_loss = total / len(x_train)
        val = accuracy(model, x_val, y_val)
        print(f"epoch {epoch:2}: loss {mean_loss:.3f}, "
              f"validation accuracy {val:.3f}")
# --8<-- [end:train]


# --8<-- [start:save]
import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder, "digits.pt")
    torch.save(model.state_dict(), path)  # the weights, by name
    restored = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    restored.load_state_dict(torch.load(path, map_location="cpu"))
restored.to(device)  # a module moves its parameters in place
print(f"test accuracy, once, at the end: {accuracy(model, x_test, y_test):.3f}")
print(f"the restored model's: {accuracy(restored, x_test, y_test):.3f}")
# --8<-- [end:save]
