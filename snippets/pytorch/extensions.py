"""Extensions: the code of docs/pytorch/extensions.md.

Run it as a program with ``python -m snippets.pytorch.extensions``.
"""

# --8<-- [start:cpp_build]
import functools
import shutil

import torch
from torch.utils.cpp_extension import load_inline

CPP_SOURCE = """
#include <torch/extension.h>

// out = a + alpha * b, for float tensors of the same shape, in one pass
torch::Tensor scaled_add(torch::Tensor a, torch::Tensor b, double alpha) {
  TORCH_CHECK(a.sizes() == b.sizes(), "a and b must have the same shape");
  auto a_ = a.contiguous().to(torch::kFloat);
  auto b_ = b.contiguous().to(torch::kFloat);
  auto out = torch::empty_like(a_);
  const float* pa = a_.data_ptr<float>();
  const float* pb = b_.data_ptr<float>();
  float* po = out.data_ptr<float>();
  const float k = static_cast<float>(alpha);
  for (int64_t i = 0; i < out.numel(); ++i) {
    po[i] = pa[i] + k * pb[i];
  }
  return out;
}
"""


@functools.cache  # build (or load from torch's cache) once per process
def scaled_add_extension():
    return load_inline(
        name="dle_scaled_add",  # a fixed name: later runs reuse the build
        cpp_sources=CPP_SOURCE,
        functions=["scaled_add"],  # generate Python bindings for these
        verbose=False,
    )


def compiler_missing():
    """Why the C++ example cannot run here, or None when it can."""
    return None if shutil.which("c++") else "no C++ compiler (c++) on PATH"
# --8<-- [end:cpp_build]


# --8<-- [start:cpp_call]
def call_scaled_add():
    """Build and call the C++ operator, or say why it cannot run here."""
    reason = compiler_missing()
    if reason:
        print("skipped:", reason)
    else:
        extension = scaled_add_extension()
        a = torch.arange(4.0)
        b = torch.ones(4)
        print(extension.scaled_add(a, b, 0.5))
        print(a + 0.5 * b)  # the same, computed by PyTorch


call_scaled_add()
# --8<-- [end:cpp_call]

# --8<-- [start:numpy_function]
import numpy as np
from torch import nn


class NumpyCorrelate(torch.autograd.Function):
    """y[i] = sum_j x[i + j] * k[j], computed by NumPy both ways."""

    @staticmethod
    def forward(ctx, x, kernel):
        ctx.save_for_backward(x, kernel)
        x_np, k_np = x.detach().numpy(), kernel.detach().numpy()
        return torch.from_numpy(np.correlate(x_np, k_np, mode="valid"))

    @staticmethod
    def backward(ctx, grad_out):
        x, kernel = ctx.saved_tensors
        g = grad_out.detach().numpy()
        grad_x = np.convolve(g, kernel.numpy(), mode="full")
        grad_kernel = np.correlate(x.numpy(), g, mode="valid")
        return torch.from_numpy(grad_x), torch.from_numpy(grad_kernel)


class NumpyFilter(nn.Module):
    """A layer with a learnable 1-D filter, running through NumPy."""

    def __init__(self, width=3):
        super().__init__()
        self.kernel = nn.Parameter(torch.full((width,), 1.0 / width))

    def forward(self, x):
        return NumpyCorrelate.apply(x, self.kernel)


gen = torch.Generator().manual_seed(0)
x = torch.randn(8, dtype=torch.float64, generator=gen, requires_grad=True)
k = torch.randn(3, dtype=torch.float64, generator=gen, requires_grad=True)
torch.autograd.gradcheck(NumpyCorrelate.apply, (x, k))  # raises if wrong

ours = NumpyCorrelate.apply(x, k)
conv = nn.functional.conv1d(x.view(1, 1, -1), k.view(1, 1, -1)).flatten()
output_gap = (ours - conv).abs().max().item()
grads = torch.autograd.grad(ours.sum(), (x, k))  # our backward()
conv_grads = torch.autograd.grad(conv.sum(), (x, k))  # PyTorch's
grad_gap = max(
    (g - c).abs().max().item() for g, c in zip(grads, conv_grads, strict=True)
)
print(f"largest difference from conv1d: {output_gap:.6f}, "
      f"in the gradients: {grad_gap:.6f}")

layer = NumpyFilter()
signal = torch.arange(6.0)
layer(signal).sum().backward()
print(layer(signal).detach(), layer.kernel.grad)
# --8<-- [end:numpy_function]
