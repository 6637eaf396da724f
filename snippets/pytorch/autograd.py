"""torch.autograd: the code of docs/pytorch/autograd.md.

Run it as a program with ``python -m snippets.pytorch.autograd``.
"""


# --8<-- [start:dynamic]
import torch


def grow_until(x, w, limit=10.0):
    """Multiply x by w until its norm reaches limit: the data decides when."""
    steps = 0
    while x.norm() < limit:
        x = w * x
        steps += 1
    return x, steps


w = torch.tensor(2.0, requires_grad=True)
for start in (torch.tensor([1.0, 0.0]), torch.tensor([3.0, 4.0])):
    y, steps = grow_until(start, w)
    (grad,) = torch.autograd.grad(y.sum(), w)
    # y = w**steps * start, so dy.sum()/dw = steps * w**(steps - 1) * sum(start)
    expected = steps * 2.0 ** (steps - 1) * start.sum()
    print(f"steps={steps} grad={grad.item():.1f}", end=" ")
    print(f"expected={expected.item():.1f}")
# --8<-- [end:dynamic]


# --8<-- [start:custom_function]
import torch


class Softplus(torch.autograd.Function):
    """softplus(x) = log(1 + exp(x)), with a hand-written backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        # logaddexp(0, x) is log(1 + exp(x)) without overflow for large x
        return torch.logaddexp(torch.zeros_like(x), x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)  # d softplus / dx = sigmoid(x)


gen = torch.Generator().manual_seed(0)
x64 = torch.randn(5, dtype=torch.float64, generator=gen, requires_grad=True)
# gradcheck compares backward() with finite differences; it needs float64.
torch.autograd.gradcheck(Softplus.apply, (x64,))  # raises if they disagree

y = Softplus.apply(x64)
(grad,) = torch.autograd.grad(y.sum(), x64)  # runs our backward()
reference = torch.nn.functional.softplus(x64)
(reference_grad,) = torch.autograd.grad(reference.sum(), x64)  # PyTorch's
value_gap = (y - reference).abs().max().item()
grad_gap = (grad - reference_grad).abs().max().item()
print("softplus(x):", [round(v, 4) for v in y.tolist()])
print("gradient:   ", [round(v, 4) for v in grad.tolist()])
print(f"largest difference from F.softplus: {value_gap:.1e}, "
      f"in the gradient: {grad_gap:.1e}")
# --8<-- [end:custom_function]

# --8<-- [start:hooks_inference]
import torch

param = torch.tensor([1.0, 2.0], requires_grad=True)
seen = []


def halve(grad):
    """A tensor hook: sees the gradient, and may return a replacement."""
    seen.append(grad.tolist())
    return grad / 2  # what flows on towards param


hidden = 3 * param
handle = hidden.register_hook(halve)
(hidden**2).sum().backward()  # d/dhidden = 2 * hidden = [6, 12]
print("gradient the hook saw:", seen[0], "param.grad:", param.grad.tolist())
handle.remove()  # later backward passes run without it

layer = torch.nn.Linear(3, 1)
with torch.inference_mode():  # no recording, and no bookkeeping for it
    features = layer(torch.ones(2, 3))
try:  # an inference tensor cannot enter a recorded computation
    layer_2 = torch.nn.Linear(1, 1)
    layer_2(features).sum().backward()
except RuntimeError as err:
    print("RuntimeError:", str(err).split(".")[0])
# --8<-- [end:hooks_inference]
