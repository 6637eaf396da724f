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
# # Tutorial: a first model
#
# A model is a function with adjustable numbers in it; training adjusts them to make a loss
# smaller.
#
# **What you will learn**
#
# - what a model, its parameters and a loss are;
# - how to get the gradient of the loss from TensorFlow's and PyTorch's autodiff;
# - how to write a training loop that takes plain gradient-descent steps;
# - how to check a fit against the exact least-squares answer, and plot it.
#
# **What you need first**
#
# - [Tensors](../tensors/) and [tensor operations](../tensor-ops/);
# - [Automatic differentiation](../autodiff/): `tf.GradientTape` and `loss.backward()`.
#
# This tutorial trains the smallest model there is, a straight line
# *y = w·x + b*, in TensorFlow and in PyTorch. Each framework computes the gradient of the
# loss for us (automatic differentiation), and we take plain gradient-descent steps by hand.
# At the end both fits are checked against the exact least-squares answer.
#
# ## The data
#
# Two hundred points near the line *y = 3x + 2*, with Gaussian noise. A seeded generator
# makes every run identical.

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
# ## TensorFlow
#
# Parameters are `tf.Variable`s. Inside a `tf.GradientTape` block TensorFlow records the
# operations, and `tape.gradient` walks them backwards to get the derivatives of the loss
# with respect to *w* and *b*. `assign_sub` takes the step in place.

# %%
import tensorflow as tf

learning_rate, steps = 0.1, 300
w_tf, b_tf = tf.Variable(0.0), tf.Variable(0.0)
x_tf, y_tf = tf.constant(x), tf.constant(y)
tf_losses = []
for _ in range(steps):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w_tf * x_tf + b_tf - y_tf) ** 2)
    dw, db = tape.gradient(loss, [w_tf, b_tf])
    w_tf.assign_sub(learning_rate * dw)
    b_tf.assign_sub(learning_rate * db)
    tf_losses.append(float(loss))

w_fit, b_fit = w_tf.numpy(), b_tf.numpy()
print(f"TensorFlow: w = {w_fit:.3f}, b = {b_fit:.3f}, loss {tf_losses[-1]:.4f}")

# %% [markdown]
# ## PyTorch
#
# Parameters are tensors created with `requires_grad=True`. PyTorch records operations as
# they run, `loss.backward()` fills each parameter's `.grad`, and the update happens under
# `torch.no_grad()` so that it is not itself recorded. Gradients accumulate, so they are
# reset after each step.

# %%
import torch

w_pt = torch.zeros((), requires_grad=True)
b_pt = torch.zeros((), requires_grad=True)
x_pt, y_pt = torch.from_numpy(x), torch.from_numpy(y)
pt_losses = []
for _ in range(steps):
    loss = ((w_pt * x_pt + b_pt - y_pt) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w_pt -= learning_rate * w_pt.grad
        b_pt -= learning_rate * b_pt.grad
    w_pt.grad = None
    b_pt.grad = None
    pt_losses.append(loss.item())

w_fit, b_fit = w_pt.item(), b_pt.item()
print(f"PyTorch:    w = {w_fit:.3f}, b = {b_fit:.3f}, loss {pt_losses[-1]:.4f}")

# %% [markdown]
# ## Did it work?
#
# Both runs started from zero and used the same data, step size and number of steps, so
# they should agree with each other and with the exact solution to three decimals. The
# cell prints how far each fit is from it, and its `assert`s stop the notebook if either
# is off by 10⁻³ or more.

# %%
fits = {
    "TensorFlow": (w_tf.numpy(), b_tf.numpy()),
    "PyTorch": (w_pt.item(), b_pt.item()),
}
for name, (w_fit, b_fit) in fits.items():
    error = max(abs(w_fit - w_exact), abs(b_fit - b_exact))
    print(f"{name}: largest difference from least squares {error:.1e}")
    assert error < 1e-3, name

# %% [markdown]
# ## Plots
#
# Left: the data and the fitted lines (they overlap). Right: the loss per step, on a log
# scale; the two frameworks follow the same curve.

# %%
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
ends = np.array([-1.0, 1.0])
left.scatter(x, y, s=8, alpha=0.5, label="data")
for (name, (w_fit, b_fit)), style in zip(fits.items(), "-:", strict=True):
    left.plot(ends, w_fit * ends + b_fit, style, label=f"{name} fit", lw=2)
left.set(xlabel="x", ylabel="y", title="Fitted lines")
left.legend()
right.semilogy(tf_losses, label="TensorFlow", lw=3)
right.semilogy(pt_losses, "--", label="PyTorch", lw=2)
right.set(xlabel="step", ylabel="mean squared error", title="Training loss")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## What next
#
# Here we wrote the update rule ourselves. Every optimizer in `keras.optimizers` and
# `torch.optim` is a more elaborate version of those two update lines, and every model,
# however large, is trained by the same loop: compute a loss, get its gradients, take a step.
