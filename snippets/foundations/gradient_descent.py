"""Linear regression by gradient descent: code of docs/foundations/gradient-descent.md.

Run it as a program with ``python -m snippets.foundations.gradient_descent``.
"""

# --8<-- [start:data]
import numpy as np

rng = np.random.default_rng(seed=1)
features = rng.normal(size=(256, 3)).astype(np.float32)
true_w, true_b = np.array([1.5, -2.0, 0.5]), 0.7
noise = rng.normal(scale=0.1, size=256)
targets = (features @ true_w + true_b + noise).astype(np.float32)

# The exact least-squares answer: append a column of ones for the bias.
design = np.hstack([features, np.ones((256, 1), np.float32)])
exact, *_ = np.linalg.lstsq(design, targets, rcond=None)
print("least squares:", exact.round(3))
# --8<-- [end:data]


# --8<-- [start:gradient_check]
def numpy_loss(params):
    """The mean squared error of x·w + b, for params = (w1, w2, w3, b)."""
    return np.mean((design.astype(np.float64) @ params - targets) ** 2)


start = np.zeros(4)  # every fit below starts from w = 0, b = 0
# 1. A formula derived by hand: the gradient of the mean squared error.
by_formula = 2 / len(targets) * design.T @ (design @ start - targets)
# 2. Finite differences: nudge one parameter at a time by ±h.
h = 1e-4
by_differences = np.array(
    [(numpy_loss(start + h * e) - numpy_loss(start - h * e)) / (2 * h)
     for e in np.eye(4)]
)
print("formula:           ", by_formula.round(4))
print("finite differences:", by_differences.round(4))
# --8<-- [end:gradient_check]


# --8<-- [start:tf_gradient]
import tensorflow as tf

# 3. Autodiff: the way to get gradients; the two above only check it.
w = tf.Variable(tf.zeros([3]))
b = tf.Variable(0.0)
with tf.GradientTape() as tape:
    loss = tf.reduce_mean((tf.linalg.matvec(features, w) + b - targets) ** 2)
dw, db = tape.gradient(loss, [w, b])
tf_gradient = np.append(dw.numpy(), db.numpy())
print("autodiff:          ", tf_gradient.round(4))
print(f"max |difference| from the formula: "
      f"{np.abs(tf_gradient - by_formula).max():.1e}, "
      f"from finite differences: "
      f"{np.abs(tf_gradient - by_differences).max():.1e}")
# --8<-- [end:tf_gradient]


# --8<-- [start:torch_gradient]
import torch

# 3. Autodiff: the way to get gradients; the two above only check it.
x, y = torch.from_numpy(features), torch.from_numpy(targets)
w = torch.zeros(3, requires_grad=True)
b = torch.zeros((), requires_grad=True)
loss = ((x @ w + b - y) ** 2).mean()
# torch.autograd.grad returns the gradients...
# (retain_graph keeps the record for the backward() call below.)
dw, db = torch.autograd.grad(loss, [w, b], retain_graph=True)
pt_gradient = np.append(dw.numpy(), db.item())
print("autodiff:          ", pt_gradient.round(4))
print(f"max |difference| from the formula: "
      f"{np.abs(pt_gradient - by_formula).max():.1e}, "
      f"from finite differences: "
      f"{np.abs(pt_gradient - by_differences).max():.1e}")
# ...loss.backward() computes the same and stores it in .grad instead.
loss.backward()
print("the same in .grad: ", np.append(w.grad.numpy(), b.grad.item()).round(4))
# --8<-- [end:torch_gradient]


# --8<-- [start:tf_by_hand]
def tf_fit_by_hand(features, targets, learning_rate, max_steps=100, tol=1e-4):
    """Gradient descent. Returns the parameters, what happened, and the
    loss at every step."""
    x, y = tf.constant(features), tf.constant(targets)
    w = tf.Variable(tf.zeros([x.shape[1]]))
    b = tf.Variable(0.0)
    losses = []
    for step in range(1, max_steps + 1):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(x, w) + b - y) ** 2)
        losses.append(float(loss))
        dw, db = tape.gradient(loss, [w, b])
        params = np.append(w.numpy(), b.numpy())
        if max(tf.reduce_max(tf.abs(dw)), tf.abs(db)) < tol:
            return params, f"converged in {step} steps", losses  # gradient ~ 0
        if loss > 1e3:  # the loss started near 6: it is blowing up
            return params, f"diverged after {step} steps", losses
        w.assign_sub(learning_rate * dw)
        b.assign_sub(learning_rate * db)
    params = np.append(w.numpy(), b.numpy())
    return params, f"not converged in {max_steps} steps", losses


tf_params, tf_status, tf_losses = tf_fit_by_hand(features, targets,
                                                 learning_rate=0.3)
print("TensorFlow:", tf_params.round(3), tf_status)
print("max |difference|:", f"{np.abs(tf_params - exact).max():.1e}")
print(f"loss: {tf_losses[0]:.4f} at the start, {tf_losses[-1]:.4f} at the end")
# --8<-- [end:tf_by_hand]


# --8<-- [start:torch_by_hand]
def torch_fit_by_hand(features, targets, learning_rate, max_steps=100,
                      tol=1e-4):
    """Gradient descent. Returns the parameters, what happened, and the
    loss at every step."""
    x, y = torch.from_numpy(features), torch.from_numpy(targets)
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for step in range(1, max_steps + 1):
        loss = ((x @ w + b - y) ** 2).mean()
        losses.append(loss.item())
        dw, db = torch.autograd.grad(loss, [w, b])
        params = np.append(w.detach().numpy(), b.item())
        if max(dw.abs().max(), db.abs()) < tol:
            return params, f"converged in {step} steps", losses  # gradient ~ 0
        if loss > 1e3:  # the loss started near 6: it is blowing up
            return params, f"diverged after {step} steps", losses
        with torch.no_grad():  # the update itself is not recorded
            w -= learning_rate * dw
            b -= learning_rate * db
    params = np.append(w.detach().numpy(), b.item())
    return params, f"not converged in {max_steps} steps", losses


pt_params, pt_status, pt_losses = torch_fit_by_hand(features, targets,
                                                    learning_rate=0.3)
print("PyTorch:", pt_params.round(3), pt_status)
print("max |difference|:", f"{np.abs(pt_params - exact).max():.1e}")
print(f"loss: {pt_losses[0]:.4f} at the start, {pt_losses[-1]:.4f} at the end")
# --8<-- [end:torch_by_hand]


# --8<-- [start:curvature]
# The loss is a quadratic, so its Hessian is the same everywhere:
# 2/n · designᵀ·design. Gradient descent converges only for learning
# rates below 2 / λ_max, where λ_max is its largest eigenvalue.
def hessian_eigenvalues(x):
    """Eigenvalues, ascending, of the loss's Hessian for the inputs x."""
    with_ones = np.hstack([x, np.ones((len(x), 1), np.float32)])
    return np.linalg.eigvalsh(2 / len(x) * with_ones.T @ with_ones)


eigenvalues = hessian_eigenvalues(features)
critical_lr = 2 / eigenvalues.max()
print("Hessian eigenvalues:", eigenvalues.round(3))
print(f"critical learning rate: {critical_lr:.3f}")
# --8<-- [end:curvature]

# --8<-- [start:tf_learning_rate]
loss_curves = {}  # for each learning rate, the loss at every step
for lr in [0.01, 0.1, 0.5, 0.9 * critical_lr, 1.1 * critical_lr]:
    params, status, loss_curves[lr] = tf_fit_by_hand(
        features, targets, learning_rate=lr
    )
    error = np.abs(params - exact).max()
    # Each step multiplies the error along the Hessian's eigenvectors by
    # 1 − lr·λ: here along the smallest and the largest eigenvalue.
    factors = 1 - lr * eigenvalues[[0, -1]]
    print(f"lr {lr:.2f}: factors {factors[0]:+.2f}, {factors[1]:+.2f}; "
          f"{status}, max |difference| {error:.1e}")
# --8<-- [end:tf_learning_rate]

# --8<-- [start:torch_learning_rate]
loss_curves = {}  # for each learning rate, the loss at every step
for lr in [0.01, 0.1, 0.5, 0.9 * critical_lr, 1.1 * critical_lr]:
    params, status, loss_curves[lr] = torch_fit_by_hand(
        features, targets, learning_rate=lr
    )
    error = np.abs(params - exact).max()
    # Each step multiplies the error along the Hessian's eigenvectors by
    # 1 − lr·λ: here along the smallest and the largest eigenvalue.
    factors = 1 - lr * eigenvalues[[0, -1]]
    print(f"lr {lr:.2f}: factors {factors[0]:+.2f}, {factors[1]:+.2f}; "
          f"{status}, max |difference| {error:.1e}")
# --8<-- [end:torch_learning_rate]

# --8<-- [start:draw_learning_rates]
import os

from matplotlib.figure import Figure


def draw_loss_curves(curves, lowest, path):
    """Draw the loss at every step, one curve per learning rate, on a log
    scale, with the lowest possible loss as a dashed line; save the picture
    as the PNG file path and return the file's full path."""
    fig = Figure(figsize=(6.4, 4))
    ax = fig.subplots()
    markers = "ovs^D"  # a marker per curve: told apart without colour
    for (lr, losses), marker in zip(curves.items(), markers, strict=True):
        steps = range(1, len(losses) + 1)
        ax.plot(steps, losses, marker=marker, markersize=4,
                label=f"lr {lr:.2f}")
    ax.axhline(lowest, color="black", linestyle="--", linewidth=1,
               label="least squares")
    ax.set_yscale("log")  # 0.01 and 1000 on the same axis
    ax.set_xlabel("step")
    ax.set_ylabel("loss (mean squared error)")
    ax.set_title("The same fit with five learning rates")
    ax.legend(loc="upper right")
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return os.path.abspath(path)


curves_file = draw_loss_curves(loss_curves, numpy_loss(exact),
                               "gradient-descent-learning-rates.png")
# --8<-- [end:draw_learning_rates]

# --8<-- [start:tf_optimizer]
import keras


def tf_fit(features, targets, optimizer, steps):
    """The same model, with a Keras optimizer doing the update.

    Returns the parameters after every step, one row per step."""
    x, y = tf.constant(features), tf.constant(targets)
    w = tf.Variable(tf.zeros([x.shape[1]]))
    b = tf.Variable(0.0)
    path = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(x, w) + b - y) ** 2)
        grads = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip(grads, [w, b], strict=True))
        path.append(np.append(w.numpy(), b.numpy()))
    return np.array(path)


report_at = [10, 30, 50, 100, 150]
print("max |difference| after", ", ".join(map(str, report_at)), "steps")
tf_errors = {}
for name, optimizer in [
    ("SGD", keras.optimizers.SGD(learning_rate=0.3)),
    ("SGD momentum", keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)),
    ("Adam", keras.optimizers.Adam(learning_rate=0.05)),
]:
    path = tf_fit(features, targets, optimizer, steps=150)
    tf_errors[name] = np.abs(path - exact).max(axis=1)  # one per step
    shown = [f"{tf_errors[name][k - 1]:.1e}" for k in report_at]
    print(f"{name:>12}:", "  ".join(shown))
# --8<-- [end:tf_optimizer]

# --8<-- [start:tf_scaled]
# The first feature in other units: 100 times larger.
stretched = features * np.array([100.0, 1.0, 1.0], dtype=np.float32)
stretched_lr = 2 / hessian_eigenvalues(stretched).max()
print(f"critical learning rate: {stretched_lr:.1e}, "
      f"{critical_lr / stretched_lr:,.0f} times smaller")
# The same least-squares fit, its first weight in the new units:
stretched_exact = exact / np.array([100.0, 1.0, 1.0, 1.0])


def stretched_result(params):
    """The loss on the stretched data and the distance from least squares."""
    if not np.isfinite(params).all():
        return "diverged"
    errors = stretched @ params[:3].astype(np.float64) + params[3] - targets
    gap = np.abs(params - stretched_exact).max()
    return f"loss {np.mean(errors**2):.4f}, max |difference| {gap:.1e}"


# Stable learning rates: 90 % of 2 / λ_max for SGD, and of 2(1 + β) / λ_max
# for momentum β = 0.9.
sgd_lr = float(0.9 * stretched_lr)
momentum_lr = float(0.9 * (1 + 0.9) * stretched_lr)
tf_scaled = {}  # the parameters each optimizer ends with
for name, optimizer in [
    ("SGD, lr 0.3", keras.optimizers.SGD(learning_rate=0.3)),
    (f"SGD, lr {sgd_lr:.1e}", keras.optimizers.SGD(learning_rate=sgd_lr)),
    (f"momentum, lr {momentum_lr:.1e}",
     keras.optimizers.SGD(learning_rate=momentum_lr, momentum=0.9)),
    ("Adam, lr 0.05", keras.optimizers.Adam(learning_rate=0.05)),
]:
    tf_scaled[name] = tf_fit(stretched, targets, optimizer, steps=150)[-1]
    print(f"{name}: {stretched_result(tf_scaled[name])}")
print(f"least squares: loss {np.mean((design @ exact - targets) ** 2):.4f}")
# --8<-- [end:tf_scaled]


# --8<-- [start:torch_optimizer]
def torch_fit(features, targets, make_optimizer, steps):
    """The same model, with a torch.optim optimizer doing the update.

    Returns the parameters after every step, one row per step."""
    x, y = torch.from_numpy(features), torch.from_numpy(targets)
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    optimizer = make_optimizer([w, b])  # an optimizer owns its parameters
    path = []
    for _ in range(steps):
        optimizer.zero_grad()  # .grad accumulates: reset it every step
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        path.append(np.append(w.detach().numpy(), b.item()))
    return np.array(path)


report_at = [10, 30, 50, 100, 150]
print("max |difference| after", ", ".join(map(str, report_at)), "steps")
pt_errors = {}
for name, make_optimizer in [
    ("SGD", lambda p: torch.optim.SGD(p, lr=0.3)),
    ("SGD momentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("Adam", lambda p: torch.optim.Adam(p, lr=0.05)),
]:
    path = torch_fit(features, targets, make_optimizer, steps=150)
    pt_errors[name] = np.abs(path - exact).max(axis=1)  # one per step
    shown = [f"{pt_errors[name][k - 1]:.1e}" for k in report_at]
    print(f"{name:>12}:", "  ".join(shown))
# --8<-- [end:torch_optimizer]

# --8<-- [start:torch_scaled]
# The first feature in other units: 100 times larger.
stretched = features * np.array([100.0, 1.0, 1.0], dtype=np.float32)
stretched_lr = 2 / hessian_eigenvalues(stretched).max()
print(f"critical learning rate: {stretched_lr:.1e}, "
      f"{critical_lr / stretched_lr:,.0f} times smaller")
# The same least-squares fit, its first weight in the new units:
stretched_exact = exact / np.array([100.0, 1.0, 1.0, 1.0])


def stretched_result(params):
    """The loss on the stretched data and the distance from least squares."""
    if not np.isfinite(params).all():
        return "diverged"
    errors = stretched @ params[:3].astype(np.float64) + params[3] - targets
    gap = np.abs(params - stretched_exact).max()
    return f"loss {np.mean(errors**2):.4f}, max |difference| {gap:.1e}"


# Stable learning rates: 90 % of 2 / λ_max for SGD, and of 2(1 + β) / λ_max
# for momentum β = 0.9.
sgd_lr = float(0.9 * stretched_lr)
momentum_lr = float(0.9 * (1 + 0.9) * stretched_lr)
pt_scaled = {}  # the parameters each optimizer ends with
for name, make_optimizer in [
    ("SGD, lr 0.3", lambda p: torch.optim.SGD(p, lr=0.3)),
    (f"SGD, lr {sgd_lr:.1e}", lambda p: torch.optim.SGD(p, lr=sgd_lr)),
    (f"momentum, lr {momentum_lr:.1e}",
     lambda p: torch.optim.SGD(p, lr=momentum_lr, momentum=0.9)),
    ("Adam, lr 0.05", lambda p: torch.optim.Adam(p, lr=0.05)),
]:
    pt_scaled[name] = torch_fit(stretched, targets, make_optimizer, 150)[-1]
    print(f"{name}: {stretched_result(pt_scaled[name])}")
print(f"least squares: loss {np.mean((design @ exact - targets) ** 2):.4f}")
# --8<-- [end:torch_scaled]


# --8<-- [start:tf_exercise_1]
def tf_descend(learning_rate, steps):
    """Hand-written steps on f(w) = (w − 3)² from w = 0; w after each."""
    w = tf.Variable(0.0)
    path = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = (w - 3.0) ** 2
        w.assign_sub(learning_rate * tape.gradient(loss, w))
        path.append(float(w.numpy()))
    return path


tf_path = tf_descend(0.1, steps=20)
for k in (5, 10, 15, 20):
    predicted = 3 - 3 * 0.8**k  # each step multiplies w − 3 by 0.8
    print(f"step {k}: w = {tf_path[k - 1]:.4f}, predicted {predicted:.4f}")
# --8<-- [end:tf_exercise_1]


# --8<-- [start:torch_exercise_1]
def torch_descend(learning_rate, steps):
    """Hand-written steps on f(w) = (w − 3)² from w = 0; w after each."""
    w = torch.zeros((), requires_grad=True)
    path = []
    for _ in range(steps):
        loss = (w - 3.0) ** 2
        (grad,) = torch.autograd.grad(loss, w)
        with torch.no_grad():
            w -= learning_rate * grad
        path.append(w.item())
    return path


pt_path = torch_descend(0.1, steps=20)
for k in (5, 10, 15, 20):
    predicted = 3 - 3 * 0.8**k  # each step multiplies w − 3 by 0.8
    print(f"step {k}: w = {pt_path[k - 1]:.4f}, predicted {predicted:.4f}")
# --8<-- [end:torch_exercise_1]

# --8<-- [start:tf_exercise_2]
# f''(w) = 2, so the critical learning rate is 2 / 2 = 1.
tf_paths = {lr: tf_descend(lr, steps=6) for lr in (0.9, 1.0, 1.1)}
for lr, path in tf_paths.items():
    print(f"lr {lr}:", np.round(path, 2))
# --8<-- [end:tf_exercise_2]

# --8<-- [start:torch_exercise_2]
# f''(w) = 2, so the critical learning rate is 2 / 2 = 1.
pt_paths = {lr: torch_descend(lr, steps=6) for lr in (0.9, 1.0, 1.1)}
for lr, path in pt_paths.items():
    print(f"lr {lr}:", np.round(path, 2))
# --8<-- [end:torch_exercise_2]


# --8<-- [start:tf_exercise_3]
def tf_descend_with(optimizer, steps):
    """The same steps on f(w) = (w − 3)², by a Keras optimizer; w after each."""
    w = tf.Variable(0.0)
    path = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = (w - 3.0) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        path.append(float(w.numpy()))
    return path


tf_plain = tf_descend_with(keras.optimizers.SGD(learning_rate=0.1), 20)
tf_heavy = tf_descend_with(
    keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), 20
)
print(f"SGD: w = {tf_plain[-1]:.4f} (by hand: {tf_path[-1]:.4f})")
print(f"SGD with momentum 0.9: w = {tf_heavy[-1]:.4f}")
# Where the momentum run went, step by step (the minimum is at 3):
print("steps 1-10: ", np.round(tf_heavy[:10], 2))
print("steps 11-20:", np.round(tf_heavy[10:], 2))
# --8<-- [end:tf_exercise_3]


# --8<-- [start:torch_exercise_3]
def torch_descend_with(make_optimizer, steps):
    """The same steps on f(w) = (w − 3)², by a torch.optim optimizer.

    Returns w after each step.
    """
    w = torch.zeros((), requires_grad=True)
    optimizer = make_optimizer([w])
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        ((w - 3.0) ** 2).backward()
        optimizer.step()
        path.append(w.item())
    return path


pt_plain = torch_descend_with(lambda p: torch.optim.SGD(p, lr=0.1), 20)
pt_heavy = torch_descend_with(
    lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 20
)
print(f"SGD: w = {pt_plain[-1]:.4f} (by hand: {pt_path[-1]:.4f})")
print(f"SGD with momentum 0.9: w = {pt_heavy[-1]:.4f}")
# Where the momentum run went, step by step (the minimum is at 3):
print("steps 1-10: ", np.round(pt_heavy[:10], 2))
print("steps 11-20:", np.round(pt_heavy[10:], 2))
# --8<-- [end:torch_exercise_3]
