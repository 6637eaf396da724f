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

// out = a + alpha * b, for float32 tensors of the same shape, in one pass
at::Tensor scaled_add(const at::Tensor& a, const at::Tensor& b,
                      double alpha) {
  TORCH_CHECK(a.sizes() == b.sizes(), "a and b must have the same shape");
  TORCH_CHECK(a.dtype() == at::kFloat && b.dtype() == at::kFloat,
              "a and b must be float32, got ", a.dtype(), " and ", b.dtype());
  auto a_ = a.contiguous();
  auto b_ = b.contiguous();
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
        try:
            scaled_add(a.double(), b.double(), 0.5)  # float64: refused
        except RuntimeError as err:
            print("RuntimeError:", str(err).splitlines()[0])


call_scaled_add()
# --8<-- [end:cpp_call]

# --8<-- [start:numpy_function]
import numpy as np
from torch import nn
from torch.autograd.function import once_differentiable


class NumpyCorrelate(torch.autograd.Function):
    """y[i] = sum_j x[i + j] * k[j], computed by NumPy both ways."""

    @staticmethod
    def forward(ctx, x, kernel):
        ctx.save_for_backward(x, kernel)
        x_np, k_np = x.detach().numpy(), kernel.detach().numpy()
        return torch.from_numpy(np.correlate(x_np, k_np, mode="valid"))

    @staticmethod
    @once_differentiable  # NumPy leaves the graph: no second derivative
    def backward(ctx, grad_out):
        x, kernel = ctx.saved_tensors
        g = grad_out.numpy()
        grad_x = np.convolve(g, kernel.detach().numpy(), mode="full")
        grad_kernel = np.correlate(x.detach().numpy(), g, mode="valid")
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



def conv1d(x, kernel):
    """PyTorch's own correlation, to compare with."""
    signal, weight = x.view(1, 1, -1), kernel.view(1, 1, -1)
    return nn.functional.conv1d(signal, weight).flatten()


ours = NumpyCorrelate.apply(x, k)
conv = conv1d(x, k)
output_gap = (ours - conv).abs().max().item()
grads = torch.autograd.grad(ours.sum(), (x, k))  # our backward()
conv_grads = torch.autograd.grad(conv.sum(), (x, k))  # PyTorch's
grad_gap = max(
    (g - c).abs().max().item() for g, c in zip(grads, conv_grads, strict=True)
)
print(f"largest difference from conv1d: {output_gap:.1e}, "
      f"in the gradients: {grad_gap:.1e}")



def penalty_grad(correlate_fn):
    """Gradient for k of |d(sum y)/dx|² + |k|²: needs a second derivative."""
    y = correlate_fn(x, k)
    (grad_x,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    penalty = grad_x.pow(2).sum() + k.pow(2).sum()
    return torch.autograd.grad(penalty, k)[0]


# What is left after the 2k that |k|² contributes: the second-order term.
for name, fn in (("NumpyCorrelate", NumpyCorrelate.apply), ("conv1d", conv1d)):
    second_order = (penalty_grad(fn) - 2 * k).tolist()
    print(f"second-order term, {name}:", [round(v, 2) for v in second_order])

y = NumpyCorrelate.apply(x, k)
(grad_x,) = torch.autograd.grad(y.pow(2).sum(), x, create_graph=True)
try:  # the gradient sent into backward(), 2y, requires grad: refused
    grad_x.sum().backward()
except RuntimeError as err:
    print("RuntimeError:", err)

layer = NumpyFilter()
signal = torch.arange(6.0)
layer(signal).sum().backward()
print(layer(signal).detach(), layer.kernel.grad)

# fullgraph=True: one graph or an error; "eager" runs it without codegen
captured = torch.compile(layer, fullgraph=True, backend="eager")
compiled_gap = (captured(signal) - layer(signal)).abs().max().item()
eager_loss = layer(signal).pow(2).sum()
(eager_kernel_grad,) = torch.autograd.grad(eager_loss, layer.kernel)
(compiled_kernel_grad,) = torch.autograd.grad(
    captured(signal).pow(2).sum(), layer.kernel  # backward through the capture
)
compiled_grad_gap = compiled_kernel_grad - eager_kernel_grad
compiled_grad_gap = compiled_grad_gap.abs().max().item()
print(f"compiled in one graph, largest difference: {compiled_gap:.1e}, "
      f"in the kernel's gradient: {compiled_grad_gap:.1e}")
# --8<-- [end:numpy_function]

# --8<-- [start:custom_op]
@torch.library.custom_op("dle::correlate", mutates_args=())
def correlate(x: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """y[i] = sum_j x[i + j] * k[j], computed by NumPy (1-D CPU tensors)."""
    out = np.correlate(x.detach().numpy(), kernel.detach().numpy(), "valid")
    return torch.from_numpy(out)


@correlate.register_fake
def _(x, kernel):  # the output's shape and dtype, without computing it
    return x.new_empty(x.shape[0] - kernel.shape[0] + 1)


def correlate_setup_context(ctx, inputs, output):
    ctx.save_for_backward(*inputs)


def correlate_backward(ctx, grad_out):
    # Both gradients are correlations again: the operator computes them.
    x, kernel = ctx.saved_tensors
    width = kernel.shape[0]
    padded = nn.functional.pad(grad_out, (width - 1, width - 1))
    return correlate(padded, kernel.flip(0)), correlate(x, grad_out)


correlate.register_autograd(
    correlate_backward, setup_context=correlate_setup_context
)

print(torch.library.opcheck(correlate, (x, k)))  # raises if a check fails
torch.autograd.gradcheck(correlate, (x, k))  # and the gradients' values
op_out = correlate(x, k)
op_grads = torch.autograd.grad(op_out.sum(), (x, k))
op_gap = (op_out - conv).abs().max().item()
op_grad_gap = max(
    (g - c).abs().max().item()
    for g, c in zip(op_grads, conv_grads, strict=True)
)
print(f"largest difference from conv1d: {op_gap:.1e}, "
      f"in the gradients: {op_grad_gap:.1e}")

# Second derivatives: gradgradcheck raises if they are wrong.
torch.autograd.gradgradcheck(correlate, (x, k))
penalty_gap = penalty_grad(correlate) - penalty_grad(conv1d)
penalty_gap = penalty_gap.abs().max().item()
print(f"gradient penalty's gradient, difference from conv1d: {penalty_gap:.1e}")
# --8<-- [end:custom_op]
