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
# # Tutorial: logistic regression three ways
#
# Logistic regression models the probability of class 1 as
# *p = σ(w₁x₁ + w₂x₂ + b)*, where *σ(z) = 1 / (1 + e⁻ᶻ)*. Fitting it means
# minimising the mean negative log-likelihood (the binary cross-entropy) over the
# three numbers *θ = (w₁, w₂, b)*. The loss is convex and smooth, so every sensible
# method finds the same minimum; what differs is how many steps it takes.
#
# This tutorial fits the same model with three of TensorFlow's levels of API:
#
# 1. **Newton-Raphson**, with the gradient *and the Hessian* computed by nested
#    `tf.GradientTape`s: each step solves *H·Δ = g* and moves by *−Δ*.
# 2. **Gradient descent** with a Keras optimizer (`keras.optimizers.SGD`) updating a
#    `tf.Variable`: each step moves by *−η·g*.
# 3. **A one-unit Keras model**, `Dense(1, activation="sigmoid")`, trained with
#    `compile` and `fit`.
#
# All three are checked against an independent reference fit from scikit-learn.
#
# ## The data
#
# Two hundred points from two overlapping Gaussian clouds. Because the classes
# overlap, the maximum-likelihood coefficients are finite (with separable classes
# they would run off to infinity).

# %%
import numpy as np

rng = np.random.default_rng(seed=0)
n = 200
labels = rng.integers(0, 2, size=n)
centres = np.array([[-1.0, -0.5], [1.0, 0.5]])
x = centres[labels] + rng.normal(scale=1.0, size=(n, 2))
y = labels.astype(np.float64)
print(x.shape, "class 1 share:", round(y.mean(), 2))

# %% [markdown]
# ## The reference fit
#
# scikit-learn's `LogisticRegression` adds an L2 penalty unless told otherwise. An
# infinite `C` (the inverse of the penalty strength) switches it off; this is the
# spelling scikit-learn 1.9 asks for, since its `penalty` parameter is deprecated
# ([documentation](https://scikit-learn.org/1.9/modules/generated/sklearn.linear_model.LogisticRegression.html)).
# A very small tolerance makes the reference accurate well beyond the tolerances used
# below.

# %%
from sklearn.linear_model import LogisticRegression

reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=1000).fit(x, y)
theta_ref = np.concatenate([reference.coef_.ravel(), reference.intercept_])
print("reference θ = (w1, w2, b):", np.round(theta_ref, 4))

# %% [markdown]
# ## The loss in TensorFlow
#
# A column of ones appended to the inputs turns the bias into a third weight, so
# that *θ* is a single vector. Everything runs in `float64`, which lets Newton's
# method reach the minimum to many digits.
# `tf.nn.sigmoid_cross_entropy_with_logits` computes the loss from the logits in a
# numerically stable way.

# %%
import tensorflow as tf

features = tf.constant(np.hstack([x, np.ones((n, 1))]))  # (200, 3), float64
targets = tf.constant(y)


def mean_nll(theta):
    logits = tf.linalg.matvec(features, theta)
    losses = tf.nn.sigmoid_cross_entropy_with_logits(
        labels=targets, logits=logits
    )
    return tf.reduce_mean(losses)


best_loss = float(mean_nll(tf.constant(theta_ref)))
print("loss at the reference θ:", round(best_loss, 4))

# %% [markdown]
# ## 1. Newton-Raphson with a Hessian from `GradientTape`
#
# The inner tape gives the gradient *g* (3 numbers). The outer tape watches that
# computation, and `outer.jacobian(g, θ)` differentiates each component of *g* again:
# the 3×3 Hessian *H*. For this loss *H = Xᵀ·diag(p(1−p))·X / n*, positive definite,
# so `tf.linalg.solve` finds the Newton step. Wrapping the step in `tf.function`
# traces it once; the Jacobian is then part of one compiled graph.
#
# We stop when every component of the gradient is below 10⁻⁸.

# %%
GRAD_TOL = 1e-8
theta_newton = tf.Variable(tf.zeros(3, tf.float64), name="theta")


@tf.function
def newton_step():
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = mean_nll(theta_newton)
        grad = inner.gradient(loss, theta_newton)
    hessian = outer.jacobian(grad, theta_newton)
    theta_newton.assign_sub(tf.linalg.solve(hessian, grad[:, None])[:, 0])
    return loss, grad


newton_losses = []
for _ in range(50):
    loss, grad = newton_step()
    newton_losses.append(float(loss))
    if np.max(np.abs(grad.numpy())) < GRAD_TOL:
        break
newton_iterations = len(newton_losses)
print("Newton iterations:", newton_iterations)
print("θ:", np.round(theta_newton.numpy(), 4))

# %% [markdown]
# ## 2. Gradient descent with a Keras optimizer
#
# The same loss and variable type, but each step only follows the gradient:
# *θ ← θ − η·g*, with a learning rate *η* = 1. `keras.optimizers.SGD` applies the
# update to the `tf.Variable`; `apply_gradients` takes (gradient, variable) pairs.
# Same stopping rule as Newton's method. We also keep *θ* after 300 steps, to
# compare with the Keras model below, which takes exactly 300.

# %%
import keras

theta_gd = tf.Variable(tf.zeros(3, tf.float64), name="theta")
sgd = keras.optimizers.SGD(learning_rate=1.0)


@tf.function
def gradient_step():
    with tf.GradientTape() as tape:
        loss = mean_nll(theta_gd)
    grad = tape.gradient(loss, theta_gd)
    sgd.apply_gradients([(grad, theta_gd)])
    return loss, grad


KERAS_STEPS = 300
gd_losses = []
for _ in range(5000):
    loss, grad = gradient_step()
    gd_losses.append(float(loss))
    if len(gd_losses) == KERAS_STEPS:  # θ has now taken 300 steps
        theta_gd_300 = theta_gd.numpy()
    if np.max(np.abs(grad.numpy())) < GRAD_TOL:
        break
gd_iterations = len(gd_losses)
print("gradient descent iterations:", gd_iterations)
print("θ:", np.round(theta_gd.numpy(), 4))

# %% [markdown]
# ## 3. A one-unit Keras model
#
# A `Dense` layer with one unit and a sigmoid activation *is* logistic regression:
# its kernel holds *w₁, w₂* and its bias *b*. We start it from zeros like the other
# two, and train it with plain SGD on the full data set at every step. A
# `tf.data.Dataset` that repeats the whole batch forever, with one step per epoch,
# gives `fit` one loss value per iteration in its history. Keras does not shuffle a
# dataset (it takes the data in the order the dataset yields it); `fit`'s default
# `shuffle=True` would only make it warn that the argument is ignored, so we pass
# `shuffle=False`
# ([Keras source](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/trainers/data_adapters/__init__.py#L61-L79)).
# A callback keeps the weights after every step, so that the plot below can measure
# the loss at each of them in `float64`. Two things set this fit apart from the
# two above: it stops after a fixed 300 steps, and Keras computes in `float32`,
# which keeps about seven significant digits where `float64` keeps about sixteen.
# The comparison below shows which of the two limits it.

# %%
keras.utils.set_random_seed(0)
unit = keras.layers.Dense(
    1, activation="sigmoid", kernel_initializer="zeros", name="unit"
)
model = keras.Sequential([keras.Input(shape=(2,)), unit], name="logistic")
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=1.0),
    loss="binary_crossentropy",
)
full_batch = tf.data.Dataset.from_tensors(
    (x.astype(np.float32), y.astype(np.float32))
).repeat()
keras_thetas = []  # θ after each step, recorded by the callback


def record_theta(epoch, logs):
    kernel, bias = unit.get_weights()
    theta = np.concatenate([kernel.ravel(), bias])
    keras_thetas.append(theta.astype(np.float64))


record = keras.callbacks.LambdaCallback(on_epoch_end=record_theta)
history = model.fit(
    full_batch, steps_per_epoch=1, epochs=KERAS_STEPS, shuffle=False,
    verbose=0, callbacks=[record],
)
theta_keras = keras_thetas[-1]
print("Keras steps:", len(history.history["loss"]))
print("θ:", np.round(theta_keras, 4))

# %% [markdown]
# ## Did all three find the reference coefficients?
#
# The largest difference of each fit from the reference, and the number of steps.
# The tolerances are stated here and checked with `assert`, which stops the notebook
# if any of them fails to hold. Newton's method must also need at most ten iterations
# and gradient descent at least a hundred.
#
# The last line compares like with like: the `float64` gradient descent after the
# same 300 steps Keras took. The two are about as far from the reference, so what
# keeps the Keras fit near 10⁻⁵ is the number of steps, not `float32`. (Gradient
# descent went on past 300 steps, to its stopping rule.)

# %%
tolerances = {"Newton": 1e-6, "gradient descent": 1e-5, "Keras": 2e-5}
fits = {
    "Newton": theta_newton.numpy(),
    "gradient descent": theta_gd.numpy(),
    "Keras": theta_keras,
}
for name, theta in fits.items():
    error = np.max(np.abs(theta - theta_ref))
    assert error < tolerances[name], (name, error)
    print(f"{name}: largest difference from the reference {error:.1e}")

assert newton_iterations <= 10, newton_iterations
assert gd_iterations >= 100, gd_iterations
print(f"Newton: {newton_iterations} iterations, "
      f"gradient descent: {gd_iterations} iterations")

error_gd_300 = np.max(np.abs(theta_gd_300 - theta_ref))
error_keras = np.max(np.abs(theta_keras - theta_ref))
assert 0.5 < error_keras / error_gd_300 < 2, (error_keras, error_gd_300)
print(f"after {KERAS_STEPS} steps: gradient descent (float64) "
      f"{error_gd_300:.1e}, Keras (float32) {error_keras:.1e}")

# %% [markdown]
# ## Plots
#
# Top left: the data and the decision boundary *w₁x₁ + w₂x₂ + b = 0* of each fit; the
# four lines coincide. The other three panels show, for each method separately, how
# far the loss is above the minimum, on a log scale, against the number of steps
# taken (each panel has its own range). Every loss is computed in `float64` by
# `mean_nll`, the Keras one at the weights the callback recorded, so the three are
# measured the same way. They are also counted the same way: Newton's method and
# gradient descent record the loss at the start of each step, that is after 0, 1,
# 2, ... steps, while the callback records the weights at the end of each step, after
# 1, 2, 3, ... steps; so the Keras series starts with the loss at the zeros it was
# initialised with, and the value after *k* steps sits at *k* in all three. Gaps at or below zero (a fit as good as the
# reference, to `float64` precision) cannot be drawn on a log scale and are left out.
#
# On such a plot, **linear convergence** (the gap shrinks by a roughly constant
# factor per step) is a straight line sloping down: that is gradient descent, in
# panels 2 and 3. **Quadratic convergence** (the number of correct digits roughly
# doubles per step) is a curve that bends down ever more steeply: that is Newton's
# method in panel 1, which falls from about 10⁻³ to below 10⁻¹⁴ in three steps. Keras runs the
# same gradient descent as panel 2, with the same learning rate, in `float32`: its
# line has the same slope, and after its 300 steps it is about as close to the
# minimum as the `float64` run was after 300 steps.

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
boundary_ax, newton_ax, gd_ax, keras_ax = axes.ravel()
for label, marker in ((0, "o"), (1, "s")):
    chosen = labels == label
    boundary_ax.scatter(*x[chosen].T, marker=marker, s=14, alpha=0.5,
                        label=f"class {label}")
x1 = np.linspace(x[:, 0].min(), x[:, 0].max(), 2)
lines = {"reference": theta_ref, **fits}
for (name, (w1, w2, b)), style in zip(lines.items(), ["-", "--", ":", "-."],
                                      strict=True):
    boundary_ax.plot(x1, -(w1 * x1 + b) / w2, style, lw=2, label=name)
boundary_ax.set(xlabel="x1", ylabel="x2", title="Decision boundaries",
                ylim=(x[:, 1].min() - 0.5, x[:, 1].max() + 0.5))
boundary_ax.legend(fontsize=8)

# θ after 0, 1, ..., 300 steps: the zeros Keras started from, then the
# callback's.
keras_path = [np.zeros(3), *keras_thetas]
keras_losses = [float(mean_nll(tf.constant(theta))) for theta in keras_path]
panels = [
    (newton_ax, "1. Newton (float64): quadratic", newton_losses, "C1"),
    (gd_ax, "2. Gradient descent (float64): linear", gd_losses, "C2"),
    (keras_ax, "3. Keras SGD (float32)", keras_losses, "C3"),
]
for ax, title, losses, colour in panels:
    gap = np.array(losses) - best_loss
    steps = np.arange(len(gap))  # losses[k]: after k steps
    kept = gap > 0  # a log scale cannot draw zero or below
    ax.semilogy(steps[kept], gap[kept], ".-", color=colour, ms=4, lw=1)
    ax.set(xlabel="steps taken", ylabel="loss − minimum loss", title=title)
    ax.grid(True, which="major", alpha=0.3)
fig.tight_layout()
plt.show()

# What the text above says about the curves, checked:
newton_gaps = np.array(newton_losses) - best_loss
first_below = int(np.argmax(newton_gaps < 1e-2))  # first gap under 10⁻²
assert newton_gaps[first_below + 3] < 1e-14, newton_gaps
# Both series hold the loss after k steps at index k.
start = [keras_losses[0], gd_losses[0], newton_losses[0]]  # all at θ = 0
assert np.ptp(start) < 1e-12 and abs(start[0] - np.log(2)) < 1e-12, start
ratio = (keras_losses[300] - best_loss) / (gd_losses[300] - best_loss)
assert 0.3 < ratio < 3, ratio

# %% [markdown]
# ## What to take away
#
# - Newton's method needs second derivatives, which `GradientTape` provides by
#   nesting tapes; with three parameters the 3×3 Hessian is cheap and the method
#   converges in a handful of steps. With millions of parameters the Hessian is far
#   too large to build or invert, which is why deep learning uses first-order methods.
# - Gradient descent is one line of update per step, but on this problem it takes
#   hundreds of steps to match what Newton reaches in a few.
# - A Keras `Dense(1, activation="sigmoid")` is the same model; `compile`/`fit`
#   write the loop for us. Its 300 steps leave it about 10⁻⁵ from the reference,
#   as far as the `float64` gradient descent after 300 steps: on this problem the
#   step count, not `float32`, decides its precision.
