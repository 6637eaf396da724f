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
# spelling current scikit-learn asks for, since its `penalty=None` is deprecated. A very
# small tolerance makes the reference accurate well beyond the tolerances used below.

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
# Same stopping rule as Newton's method.

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


gd_losses = []
for _ in range(5000):
    loss, grad = gradient_step()
    gd_losses.append(float(loss))
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
# gives `fit` one loss value per iteration in its history. Keras computes in
# `float32`, so this fit is less precise than the two above.

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
history = model.fit(
    full_batch, steps_per_epoch=1, epochs=300, shuffle=False, verbose=0
)
keras_losses = history.history["loss"]
kernel, bias = unit.get_weights()
theta_keras = np.concatenate([kernel.ravel(), bias]).astype(np.float64)
print("Keras steps:", len(keras_losses))
print("θ:", np.round(theta_keras, 4))

# %% [markdown]
# ## Did all three find the reference coefficients?
#
# The tolerances are stated here and checked: the build of this site fails if any
# of them stops holding. Newton's method must also need at most ten iterations and
# gradient descent at least a hundred.

# %%
tolerances = {"Newton": 1e-6, "gradient descent": 1e-5, "Keras": 1e-4}
fits = {
    "Newton": theta_newton.numpy(),
    "gradient descent": theta_gd.numpy(),
    "Keras": theta_keras,
}
for name, theta in fits.items():
    error = np.max(np.abs(theta - theta_ref))
    assert error < tolerances[name], (name, error)
    print(f"{name}: within {tolerances[name]:.0e} of the reference")

assert newton_iterations <= 10, newton_iterations
assert gd_iterations >= 100, gd_iterations
print(f"Newton: {newton_iterations} iterations, "
      f"gradient descent: {gd_iterations} iterations")

# %% [markdown]
# ## Plots
#
# Left: the data and the decision boundary *w₁x₁ + w₂x₂ + b = 0* of each fit; the
# four lines coincide. Right: how far each method's loss is above the minimum, per
# iteration, on a log scale. Newton's curve plunges once it is close (quadratic
# convergence: the number of correct digits roughly doubles each step), while
# gradient descent gains a roughly constant factor per step (linear convergence).

# %%
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
for label, marker in ((0, "o"), (1, "s")):
    chosen = labels == label
    left.scatter(*x[chosen].T, marker=marker, s=14, alpha=0.5,
                 label=f"class {label}")
x1 = np.linspace(x[:, 0].min(), x[:, 0].max(), 2)
lines = {"reference": theta_ref, **fits}
for (name, (w1, w2, b)), style in zip(lines.items(), ["-", "--", ":", "-."],
                                      strict=True):
    left.plot(x1, -(w1 * x1 + b) / w2, style, lw=2, label=name)
left.set(xlabel="x1", ylabel="x2", title="Decision boundaries",
         ylim=(x[:, 1].min() - 0.5, x[:, 1].max() + 0.5))
left.legend(fontsize=8)

histories = {"Newton": newton_losses, "gradient descent": gd_losses,
             "Keras (float32)": keras_losses}
for name, losses in histories.items():
    gap = np.maximum(np.array(losses) - best_loss, 1e-16)
    right.semilogy(np.arange(1, len(gap) + 1), gap, marker=".", ms=3,
                   label=name)
right.set(xlabel="iteration", ylabel="loss − minimum loss",
          title="Convergence", xscale="log")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()

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
#   write the loop for us, at the price of the details (here, `float32`).
