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
# # Tutorial: a first model (PyTorch)
#
# A model is a function with adjustable numbers in it; training adjusts them to make a loss
# smaller.
#
# This is the PyTorch version. The same tutorial in TensorFlow is
# [Tutorial: a first model (TensorFlow)](../first-model-tensorflow/); each one runs on its own.
#
# **What you will learn**
#
# - what a model, its parameters and a loss are;
# - how to get the gradient of the loss from PyTorch's autodiff, `loss.backward()`;
# - how to write a training loop that takes plain
#   [gradient-descent](../../glossary/#gradient-descent) steps;
# - how to check a fit against the exact least-squares answer, and plot it.
#
# **What you need first**
#
# - [Tensors](../tensors/) and [tensor operations](../tensor-ops/);
# - [Automatic differentiation](../autodiff/): `loss.backward()`;
# - PyTorch, NumPy and Matplotlib installed (see [Installation](../../installation/)).
#
# The model here is the smallest there is, a straight line *y = w·x + b*. PyTorch
# computes the gradient of the loss for us (automatic differentiation), and we take plain
# gradient-descent steps by hand: each step moves every parameter against its derivative
# of the loss, by that derivative times a small fixed number, the
# [learning rate](../../glossary/#learning-rate). At the end the fit is checked against
# the exact least-squares answer.
#
# ## The data
#
# Two hundred points near the line *y = 3x + 2*, with Gaussian noise. A seeded generator
# makes every run identical.
#
# The cell also computes the answer that training should find. Least squares gives the
# best *w* and *b* directly: NumPy's
# [`np.linalg.lstsq`](https://numpy.org/doc/stable/reference/generated/numpy.linalg.lstsq.html)
# finds the vector *p* for which `design @ p` is closest to *y* (the smallest sum of
# squared differences). Each row of `design` is (*x*, 1), so `design @ (w, b)` is
# *w·x + b* for every point: the column of ones is what multiplies *b*. `lstsq` returns
# four things: the solution, unpacked here into `(w_exact, b_exact)`, then the sum of
# squared residuals, the rank and the singular values of `design`, which `*_` collects
# and we do not use. `rcond=None` asks for NumPy's default cut-off for tiny singular
# values (NumPy before 2.0 warned when it was left out).

# %%
import numpy as np

rng = np.random.default_rng(seed=0)
x = rng.uniform(-1.0, 1.0, size=200).astype(np.float32)
noise = rng.normal(0.0, 0.3, size=200)
y = (3.0 * x + 2.0 + noise).astype(np.float32)

# The exact least-squares line, for reference.
design = np.stack([x, np.ones_like(x)], axis=1)
(w_exact, b_exact), *_ = np.linalg.lstsq(design, y, rcond=None)
print(f"least squares: w = {w_exact:.3f}, b = {b_exact:.3f}")

# %% [markdown]
# ## Training
#
# The loss is the mean squared error between the line's predictions and *y*. The two
# parameters are created by `torch.zeros((), requires_grad=True)`: the empty shape `()`
# makes a 0-d tensor, a single number, here zero, and `requires_grad=True` asks PyTorch
# to record the operations on it as they run. Then
# [`loss.backward()`](https://docs.pytorch.org/docs/stable/generated/torch.Tensor.backward.html)
# walks them backwards and stores the derivative of the loss in each parameter's `.grad`.
# Each step moves a parameter against its derivative, scaled by the learning rate. The
# update happens under `torch.no_grad()` so that it is not itself recorded. `backward`
# adds to whatever `.grad` already holds (see
# [Automatic differentiation](../autodiff/#what-gets-recorded-and-how-often)), so the
# gradients are reset after each step. A learning rate of 0.1 and 300 steps are enough here.

# %%
import torch

learning_rate, steps = 0.1, 300
w = torch.zeros((), requires_grad=True)
b = torch.zeros((), requires_grad=True)
x_pt, y_pt = torch.from_numpy(x), torch.from_numpy(y)
losses = []
for _ in range(steps):
    loss = ((w * x_pt + b - y_pt) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
        b -= learning_rate * b.grad
    w.grad = None
    b.grad = None
    losses.append(loss.item())

w_fit, b_fit = w.item(), b.item()
print(f"PyTorch: w = {w_fit:.3f}, b = {b_fit:.3f}, loss {losses[-1]:.4f}")

# %% [markdown]
# ## Did it work?
#
# Gradient descent on this loss heads for the same line that least squares computes
# directly, so after 300 steps the two should agree to three decimals. The cell prints how
# far the fit is from the exact answer, and its `assert` stops the notebook if it is off
# by 10⁻³ or more.

# %%
error = max(abs(w_fit - w_exact), abs(b_fit - b_exact))
print(f"largest difference from least squares {error:.1e}")
assert error < 1e-3, error

# %% [markdown]
# ## Plots
#
# Left: the data, the fitted line and the least-squares line (they overlap). Right: the
# loss per step, on a log scale. It falls quickly for about 50 steps and then levels off:
# the noise in the data keeps even the best line's error above zero.

# %%
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
ends = np.array([-1.0, 1.0])
left.scatter(x, y, s=8, alpha=0.5, label="data")
left.plot(ends, w_fit * ends + b_fit, label="PyTorch fit", color="C1", lw=3)
left.plot(ends, w_exact * ends + b_exact, "k:", label="least squares", lw=2)
left.set(xlabel="x", ylabel="y", title="Fitted line")
left.legend()
right.semilogy(losses, lw=2)
right.set(xlabel="step", ylabel="mean squared error", title="Training loss")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What next
#
# Here we wrote the update rule ourselves. [Gradient descent by hand](../gradient-descent/)
# takes the same idea further: a model with several inputs, a convergence check, the
# effect of the learning rate, and `torch.optim.SGD`, which, given the same learning rate
# and its other settings left at their defaults, takes exactly the step our two update
# lines took. Larger models are trained by the same loop: compute a loss, get its
# gradients, take a step.
