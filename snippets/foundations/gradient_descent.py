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

# Gradient descent on the mean squared error converges only for learning
# rates below 2 / λ_max, where λ_max is the largest eigenvalue of the
# loss's (constant) Hessian, 2/n · designᵀ·design.
hessian = 2 / len(design) * design.T @ design
critical_lr = 2 / np.linalg.eigvalsh(hessian).max()
print(f"critical learning rate: {critical_lr:.3f}")
# --8<-- [end:data]


# --8<-- [start:tf_by_hand]
import tensorflow as tf


def tf_fit_by_hand(features, targets, learning_rate, max_steps=100, tol=1e-4):
    """Gradient descent. Returns the parameters and what happened."""
    x, y = tf.constant(features), tf.constant(targets)
    w = tf.Variable(tf.zeros([x.shape[1]]))
    b = tf.Variable(0.0)
    for step in range(1, max_steps + 1):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(x, w) + b - y) ** 2)
        dw, db = tape.gradient(loss, [w, b])
        params = np.append(w.numpy(), b.numpy())
        if max(tf.reduce_max(tf.abs(dw)), tf.abs(db)) < tol:
            return params, f"converged in {step} steps"  # gradient ~ 0
        if loss > 1e3:  # the loss started near 7: it is blowing up
            return params, f"diverged after {step} steps"
        w.assign_sub(learning_rate * dw)
        b.assign_sub(learning_rate * db)
    params = np.append(w.numpy(), b.numpy())
    return params, f"not converged in {max_steps} steps"


tf_params, tf_status = tf_fit_by_hand(features, targets, learning_rate=0.3)
print("TensorFlow:", tf_params.round(3), tf_status)
print("max |difference|:", f"{np.abs(tf_params - exact).max():.0e}")
# --8<-- [end:tf_by_hand]


# --8<-- [start:torch_by_hand]
import torch


def torch_fit_by_hand(features, targets, learning_rate, max_steps=100,
                      tol=1e-4):
    """Gradient descent. Returns the parameters and what happened."""
    x, y = torch.from_numpy(features), torch.from_numpy(targets)
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    for step in range(1, max_steps + 1):
        loss = ((x @ w + b - y) ** 2).mean()
        dw, db = torch.autograd.grad(loss, [w, b])
        params = np.append(w.detach().numpy(), b.item())
        if max(dw.abs().max(), db.abs()) < tol:
            return params, f"converged in {step} steps"  # gradient ~ 0
        if loss > 1e3:  # the loss started near 7: it is blowing up
            return params, f"diverged after {step} steps"
        with torch.no_grad():  # the update itself is not recorded
            w -= learning_rate * dw
            b -= learning_rate * db
    params = np.append(w.detach().numpy(), b.item())
    return params, f"not converged in {max_steps} steps"


pt_params, pt_status = torch_fit_by_hand(features, targets, learning_rate=0.3)
print("PyTorch:", pt_params.round(3), pt_status)
print("max |difference|:", f"{np.abs(pt_params - exact).max():.0e}")
# --8<-- [end:torch_by_hand]

# --8<-- [start:tf_learning_rate]
for lr in [0.01, 0.1, 0.5, 0.9 * critical_lr, 1.1 * critical_lr]:
    params, status = tf_fit_by_hand(features, targets, learning_rate=lr)
    error = np.abs(params - exact).max()
    print(f"lr {lr:.2f}: {status}, max |difference| {error:.0e}")
# --8<-- [end:tf_learning_rate]

# --8<-- [start:torch_learning_rate]
for lr in [0.01, 0.1, 0.5, 0.9 * critical_lr, 1.1 * critical_lr]:
    params, status = torch_fit_by_hand(features, targets, learning_rate=lr)
    error = np.abs(params - exact).max()
    print(f"lr {lr:.2f}: {status}, max |difference| {error:.0e}")
# --8<-- [end:torch_learning_rate]

# --8<-- [start:tf_optimizer]
import keras


def tf_fit(features, targets, optimizer, steps):
    """The same model, with a Keras optimizer doing the update."""
    x, y = tf.constant(features), tf.constant(targets)
    w = tf.Variable(tf.zeros([x.shape[1]]))
    b = tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((tf.linalg.matvec(x, w) + b - y) ** 2)
        grads = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip(grads, [w, b], strict=True))
    return np.append(w.numpy(), b.numpy())


tf_errors = {}
for name, optimizer in [
    ("SGD", keras.optimizers.SGD(learning_rate=0.3)),
    ("SGD momentum", keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)),
    ("Adam", keras.optimizers.Adam(learning_rate=0.05)),
]:
    params = tf_fit(features, targets, optimizer, steps=150)
    tf_errors[name] = np.abs(params - exact).max()
    print(f"{name}: max |difference| {tf_errors[name]:.0e}")
# --8<-- [end:tf_optimizer]


# --8<-- [start:torch_optimizer]
def torch_fit(features, targets, make_optimizer, steps):
    """The same model, with a torch.optim optimizer doing the update."""
    x, y = torch.from_numpy(features), torch.from_numpy(targets)
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    optimizer = make_optimizer([w, b])  # an optimizer owns its parameters
    for _ in range(steps):
        optimizer.zero_grad()  # .grad accumulates: reset it every step
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        optimizer.step()
    return np.append(w.detach().numpy(), b.item())


pt_errors = {}
for name, make_optimizer in [
    ("SGD", lambda p: torch.optim.SGD(p, lr=0.3)),
    ("SGD momentum", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("Adam", lambda p: torch.optim.Adam(p, lr=0.05)),
]:
    params = torch_fit(features, targets, make_optimizer, steps=150)
    pt_errors[name] = np.abs(params - exact).max()
    print(f"{name}: max |difference| {pt_errors[name]:.0e}")
# --8<-- [end:torch_optimizer]
