"""Extensions: the code of docs/pytorch/extensions.md.

Run it as a program with ``python -m snippets.pytorch.extensions``.
"""

# --8<-- [start:cpp_build]
import functools
import shutil

import torch
from torch.utils.cpp_extension import load_inline

CPP_SOURCE = """
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty_like.h>
#include <torch/library.h>

// out = a + alpha * b, for float tensors of the same shape, in one pass
at::Tensor scaled_add(const at::Tensor& a, const at::Tensor& b,
                      double alpha) {
  TORCH_CHECK(a.sizes() == b.sizes(), "a and b must have the same shape");
  auto a_ = a.contiguous().to(at::kFloat);
  auto b_ = b.contiguous().to(at::kFloat);
  auto out = at::empty_like(a_);
  const float* pa = a_.data_ptr<float>();
  const float* pb = b_.data_ptr<float>();
  float* po = out.data_ptr<float>();
  const float k = static_cast<float>(alpha);
  for (int64_t i = 0; i < out.numel(); ++i) {
    po[i] = pa[i] + k * pb[i];
  }
  return out;
}

// The operator's schema, in the namespace "dle" ...
TORCH_LIBRARY(dle, m) {
  m.def("scaled_add(Tensor a, Tensor b, float alpha) -> Tensor");
}

// ... and its kernel for tensors on the CPU.
TORCH_LIBRARY_IMPL(dle, CPU, m) {
  m.impl("scaled_add", &scaled_add);
}
"""


@functools.cache  # build (or reuse torch's cached build) once per process
def scaled_add_op():
    load_inline(
        name="dle_scaled_add",  # a fixed name: later runs reuse the build
        cpp_sources=CPP_SOURCE,
        is_python_module=False,  # load it as a library of operators
        no_implicit_headers=True,  # only the headers the source includes
        verbose=False,
    )
    return torch.ops.dle.scaled_add


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
        scaled_add = scaled_add_op()
        print(scaled_add.default._schema)  # as PyTorch's dispatcher knows it
        a = torch.arange(4.0)
        b = torch.ones(4)
        print(scaled_add(a, b, 0.5))
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
