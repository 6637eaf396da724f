"""torch.nn: the code of docs/pytorch/nn.md.

Run it as a program with ``python -m snippets.pytorch.nn``.
"""

# --8<-- [start:sequential]
import torch
from torch import nn

torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
print(mlp)
print("parameters:", sum(p.numel() for p in mlp.parameters()))
batch = torch.randn(2, 8, generator=torch.Generator().manual_seed(1))
with torch.no_grad():  # two samples in, three outputs each
    print(mlp(batch).round(decimals=3))
# --8<-- [end:sequential]


# --8<-- [start:module]
class TwoBranchNet(nn.Module):
    """Two branches side by side, merged, plus a skip connection."""

    def __init__(self, features=8, hidden=16, classes=3):
        super().__init__()
        self.relu_branch = nn.Sequential(nn.Linear(features, hidden), nn.ReLU())
        self.tanh_branch = nn.Sequential(nn.Linear(features, hidden), nn.Tanh())
        self.merge = nn.Linear(2 * hidden, features)
        self.head = nn.Linear(features, classes)
        # A buffer: state that is saved with the model but not trained.
        self.register_buffer("input_mean", torch.zeros(features))

    def forward(self, x):
        x = x - self.input_mean
        both = torch.cat([self.relu_branch(x), self.tanh_branch(x)], dim=1)
        return self.head(x + self.merge(both))  # x + ...: the skip connection


torch.manual_seed(0)
net = TwoBranchNet()
with torch.no_grad():
    print(net(batch).round(decimals=3))
# --8<-- [end:module]

# --8<-- [start:containers]
class Stack(nn.Module):
    """Three layers in a row, kept in a plain list or in an nn.ModuleList."""

    def __init__(self, registered):
        super().__init__()
        layers = [nn.Linear(4, 4) for _ in range(3)]
        self.layers = nn.ModuleList(layers) if registered else layers

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


for registered in (False, True):
    stack = Stack(registered)
    count = sum(p.numel() for p in stack.parameters())
    kind = "nn.ModuleList" if registered else "plain list   "
    entries = len(stack.state_dict())
    print(f"{kind}: {count} parameters, {entries} state_dict entries")
# --8<-- [end:containers]

# --8<-- [start:params_buffers]
for name, param in net.named_parameters():
    print("parameter", name, tuple(param.shape))
for name, buffer in net.named_buffers():
    print("buffer   ", name, tuple(buffer.shape))

norm = nn.BatchNorm1d(3)
print("BatchNorm1d parameters:", [n for n, _ in norm.named_parameters()])
print("BatchNorm1d buffers:", {n: b.tolist() for n, b in norm.named_buffers()})

holder = nn.Module()
holder.register_buffer("kept", torch.tensor(1.0))
holder.register_buffer("scratch", torch.tensor(2.0), persistent=False)
print("buffers:   ", dict(holder.named_buffers()))
print("state_dict:", dict(holder.state_dict()))  # no "scratch"
# --8<-- [end:params_buffers]

# --8<-- [start:state_dict]
import pickle
import re
import tempfile
from pathlib import Path

net.input_mean.fill_(0.5)  # change a buffer: it travels with the weights
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "two_branch.pt"
    torch.save(net.state_dict(), path)
    restored = TwoBranchNet()  # fresh random weights
    restored.load_state_dict(torch.load(path, weights_only=True))

    whole = Path(folder) / "whole_module.pt"
    torch.save(mlp, whole)  # the module object itself: a pickled class
    try:
        torch.load(whole, weights_only=True)
    except pickle.UnpicklingError as err:
        refused = re.search(r"GLOBAL (\S+)", str(err)).group(1)
        print("weights_only=True refused:", refused)

print("restored input_mean:", restored.input_mean.tolist())
probe = torch.randn(4, 8, generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    gap = (net(probe) - restored(probe)).abs().max().item()
print(f"largest output difference after loading: {gap:.1e}")

# An inserted layer shifts the Sequential's indices: strict=False loads what
# matches and returns the names that did not.
shifted = nn.Sequential(
    nn.Linear(8, 16), nn.ReLU(), nn.Identity(), nn.Linear(16, 3)
)
result = shifted.load_state_dict(mlp.state_dict(), strict=False)
print("missing:", result.missing_keys, "unexpected:", result.unexpected_keys)
# --8<-- [end:state_dict]

# --8<-- [start:train_eval]
torch.manual_seed(0)
dropout = nn.Dropout(p=0.5)
ones = torch.ones(8)
dropout.train()  # modules start in training mode
print("train:", dropout(ones))  # about half zeroed, the rest scaled by 2
dropout.eval()
print("eval: ", dropout(ones))  # the identity

batch_norm = nn.BatchNorm1d(1)
data = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
batch_norm.train()  # normalises with this batch's mean and variance
print("train:", batch_norm(data).detach().flatten().round(decimals=3))
print("running mean after one batch:", batch_norm.running_mean.item())
batch_norm.eval()  # uses the running estimates, and stops updating them
print("eval: ", batch_norm(data).detach().flatten().round(decimals=3))
# --8<-- [end:train_eval]
