"""A first neural network, by hand and with the built-in tools: code of
docs/foundations/first-network.md.

Run it as a program with ``python -m snippets.foundations.first_network``. The
TensorFlow sections come first and the PyTorch ones after them, each in the page's order:
the two reading paths use the same names (``batch``, ``logits``, ...) for their own tensors.
"""

# --8<-- [start:data]
import numpy as np


def make_rings(n_per_class, rng):
    """Points on three noisy rings around (0, 0): class k has radius k + 1."""
    labels = rng.permutation(np.repeat([0, 1, 2], n_per_class))
    radius = labels + 1.0 + rng.normal(scale=0.2, size=len(labels))
    angle = rng.uniform(0.0, 2 * np.pi, size=len(labels))
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return points.astype(np.float32), labels


rng = np.random.default_rng(seed=0)
x_train, y_train = make_rings(100, rng)  # to train on
x_test, y_test = make_rings(100, rng)  # new points, to check on
print("training points:", x_train.shape, "test points:", x_test.shape)
print("points per class:", np.bincount(y_train))
print("first 4 points:\n", x_train[:4].round(2))
print("their classes:", y_train[:4])
print("their distances from (0, 0):", np.hypot(*x_train[:4].T).round(2))
# --8<-- [end:data]


# --8<-- [start:tf_layer]
import tensorflow as tf

batch = tf.constant(x_train[:4])  # 4 points, 2 numbers each: shape (4, 2)
# A layer with 2 inputs and 3 outputs: one column of weights per output.
weights = tf.constant([[0.5, -1.0, 0.2],
                       [1.0, 0.3, -0.4]])  # shape (2, 3)
bias = tf.constant([0.1, 0.0, -0.2])  # shape (3,), one per output
outputs = batch @ weights + bias  # shape (4, 3): 3 outputs per point
print("layer outputs:\n", outputs.numpy().round(3))

# Output 0 of point 0 is the linear model of the gradient-descent page,
# x·w + b, with w the first column of weights and b the first bias.
by_hand = tf.reduce_sum(batch[0] * weights[:, 0]) + bias[0]
print(f"output 0 of point 0 by hand: {by_hand:.3f}")
# --8<-- [end:tf_layer]


# --8<-- [start:tf_stack]
# A second layer, 3 inputs -> 2 outputs, applied to the first one's outputs.
weights_2 = tf.constant([[1.0, -0.5],
                         [0.5, 0.8],
                         [-1.2, 0.3]])
bias_2 = tf.constant([0.2, -0.1])
two_layers = (batch @ weights + bias) @ weights_2 + bias_2

# The same numbers from ONE layer, with merged weights and bias.
# (TensorFlow's @ wants matrices: bias[tf.newaxis] is the 1 × 3 matrix [bias].)
merged = batch @ (weights @ weights_2) + (bias[tf.newaxis] @ weights_2 + bias_2)
print("two linear layers:\n", two_layers.numpy().round(3))
print(f"one merged layer, max |difference|: "
      f"{tf.reduce_max(tf.abs(two_layers - merged)):.1e}")

# ReLU between the layers: negative outputs of the first layer become 0.
hidden = tf.nn.relu(batch @ weights + bias)
print("after ReLU:\n", hidden.numpy().round(3))
with_relu = hidden @ weights_2 + bias_2
print(f"with ReLU, max |difference| from the merged layer: "
      f"{tf.reduce_max(tf.abs(with_relu - merged)):.1e}")
# --8<-- [end:tf_stack]


# --8<-- [start:tf_network]
def initial_parameters(sizes, seed):
    """Random weights (std √(2 / inputs)) and zero biases, as NumPy arrays."""
    init_rng = np.random.default_rng(seed)
    params = []
    for i in range(len(sizes) - 1):  # layer i: sizes[i] -> sizes[i + 1]
        n_in, n_out = sizes[i], sizes[i + 1]
        w = init_rng.normal(scale=np.sqrt(2 / n_in), size=(n_in, n_out))
        params += [w.astype(np.float32), np.zeros(n_out, np.float32)]
    return params


def tf_network(x, params):
    """2 inputs -> 8 hidden units with ReLU -> 3 outputs (the logits)."""
    w1, b1, w2, b2 = params
    hidden = tf.nn.relu(x @ w1 + b1)
    return hidden @ w2 + b2


tf_params = [tf.Variable(p) for p in initial_parameters([2, 8, 3], seed=1)]
print("parameters:", [tuple(p.shape) for p in tf_params])
print("number of parameters:", sum(int(tf.size(p)) for p in tf_params))
logits = tf_network(batch, tf_params)
print("logits of the first 4 points:\n", logits.numpy().round(3))
# --8<-- [end:tf_network]


# --8<-- [start:draw_network]
import os

from matplotlib.figure import Figure


def draw_network(sizes, names, path):
    """Draw every unit as a circle and every weight as a line, save the
    picture as the PNG file path, and return the file's full path."""
    fig = Figure(figsize=(6, 3.6))
    ax = fig.subplots()
    tops = [(max(sizes) - n) / 2 for n in sizes]  # centre each column
    for col, (n, top) in enumerate(zip(sizes, tops, strict=True)):
        if col + 1 < len(sizes):  # a line to every unit of the next column
            for i in range(n):
                for j in range(sizes[col + 1]):
                    ax.plot([col, col + 1], [top + i, tops[col + 1] + j],
                            color="0.6", linewidth=0.7, zorder=1)
        ax.scatter([col] * n, [top + i for i in range(n)], s=200,
                   color="white", edgecolors="black", zorder=2)
        ax.text(col, -1.0, names[col], ha="center", va="bottom")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(max(sizes) - 0.5, -2.2)  # the first unit at the top
    ax.axis("off")
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return os.path.abspath(path)


names = ["input\n2 numbers", "hidden layer\n8 units, ReLU",
         "output layer\n3 logits"]
diagram_file = draw_network([2, 8, 3], names, "first-network-diagram.png")
# --8<-- [end:draw_network]


# --8<-- [start:tf_softmax]
def tf_softmax(logits):
    """exp of each logit, divided by the sum of the exps of its row."""
    exps = tf.exp(logits)
    return exps / tf.reduce_sum(exps, axis=1, keepdims=True)


probs = tf_softmax(logits)
print("probabilities:\n", probs.numpy().round(3))
print("sum of each row:", tf.reduce_sum(probs, axis=1).numpy().round(4))
print("predicted classes:", tf.argmax(logits, axis=1).numpy())
print(f"tf.nn.softmax, max |difference|: "
      f"{tf.reduce_max(tf.abs(probs - tf.nn.softmax(logits))):.1e}")
# --8<-- [end:tf_softmax]


# --8<-- [start:tf_cross_entropy]
labels = tf.constant(y_train[:4])
# The probability each point gives to its right class.
p_right = tf.gather(probs, labels, axis=1, batch_dims=1)
print("probability of the right class:", p_right.numpy().round(3))
print("minus its log:", (-tf.math.log(p_right)).numpy().round(3))
ce_by_hand = tf.reduce_mean(-tf.math.log(p_right))
print(f"cross-entropy by hand (the mean): {ce_by_hand:.4f}")


def tf_loss(logits, labels):
    """TensorFlow's cross-entropy of each point, from the logits; the mean."""
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits))


ce_tf = tf_loss(logits, labels)
print(f"TensorFlow's loss: {ce_tf:.4f}, "
      f"|difference| {abs(ce_tf - ce_by_hand):.1e}")
print(f"for comparison, log 3 = {np.log(3):.4f}")

# The gradient of the mean loss with respect to the logits.
with tf.GradientTape() as tape:
    tape.watch(logits)  # logits is a tensor, not a variable: watch it
    ce = tf_loss(logits, labels)

grad_logits = tape.gradient(ce, logits)
print("gradient w.r.t. the logits:\n", grad_logits.numpy().round(3))
expected = (probs - tf.one_hot(labels, 3)) / 4  # (p - one-hot) / 4 points
print(f"(p - one-hot) / 4, max |difference|: "
      f"{tf.reduce_max(tf.abs(grad_logits - expected)):.1e}")
# --8<-- [end:tf_cross_entropy]


# --8<-- [start:tf_train]
def tf_accuracy(logits, labels):
    """The fraction of points whose highest logit is their right class."""
    right = tf.argmax(logits, axis=1) == labels
    return float(tf.reduce_mean(tf.cast(right, tf.float32)))


def tf_train_by_hand(network, params, x, y, epochs, batch_size=32,
                     learning_rate=0.2, seed=0):
    """Minibatch gradient descent; returns (loss, accuracy) per epoch."""
    x, y = tf.constant(x), tf.constant(y)
    order_rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = order_rng.permutation(len(x))  # a new order every epoch
        for start in range(0, len(x), batch_size):  # one step per minibatch
            rows = order[start:start + batch_size]
            x_batch, y_batch = tf.gather(x, rows), tf.gather(y, rows)
            with tf.GradientTape() as tape:
                loss = tf_loss(network(x_batch, params), y_batch)
            grads = tape.gradient(loss, params)
            for p, g in zip(params, grads, strict=True):
                p.assign_sub(learning_rate * g)
        # After each epoch: loss and accuracy on the whole training set.
        logits = network(x, params)
        history.append((float(tf_loss(logits, y)), tf_accuracy(logits, y)))
        if epoch == 1 or epoch % 5 == 0:
            print(f"epoch {epoch:2d}: loss {history[-1][0]:.3f}, "
                  f"accuracy {history[-1][1]:.3f}")
    return history


tf_history = tf_train_by_hand(tf_network, tf_params, x_train, y_train,
                              epochs=40)
tf_test_accuracy = tf_accuracy(tf_network(x_test, tf_params), y_test)
print(f"test accuracy: {tf_test_accuracy:.3f}")
loss_rises = int((np.diff([loss for loss, _ in tf_history]) > 0).sum())
accuracy_falls = int((np.diff([acc for _, acc in tf_history]) < 0).sum())
print(f"epochs 2-40: the loss rose at {loss_rises}, "
      f"the accuracy fell at {accuracy_falls}")
# --8<-- [end:tf_train]


# --8<-- [start:tf_keras]
import keras

keras.utils.set_random_seed(0)  # seeds Python, NumPy and the backend
model = keras.Sequential([
    keras.Input(shape=(2,)),  # one example: 2 numbers (no batch axis)
    # x @ kernel + bias, then ReLU:
    keras.layers.Dense(8, activation="relu", name="hidden"),
    keras.layers.Dense(3, name="logits"),
], name="network")
model.summary(line_length=80)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.2),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
fit_history = model.fit(x_train, y_train, batch_size=32, epochs=40,
                        verbose=0)
for epoch in [1, 5, 10, 15, 20, 25, 30, 35, 40]:
    epoch_loss = fit_history.history["loss"][epoch - 1]
    epoch_accuracy = fit_history.history["accuracy"][epoch - 1]
    print(f"epoch {epoch:2d}: loss {epoch_loss:.3f}, "
          f"accuracy {epoch_accuracy:.3f}")

# evaluate returns the loss, then each metric: here [loss, accuracy].
keras_test_loss, keras_test_accuracy = model.evaluate(x_test, y_test,
                                                      verbose=0)
print(f"test accuracy: {keras_test_accuracy:.3f} "
      f"(by hand: {tf_test_accuracy:.3f})")
# --8<-- [end:tf_keras]


# --8<-- [start:draw_regions]
def draw_regions(predict, path):
    """Colour the plane by the class predict() gives each point, add the
    test points, marked by their right class, save the picture as the PNG
    file path, and return the file's full path."""
    ticks = np.linspace(-4.5, 4.5, 181, dtype=np.float32)
    grid = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
    classes = np.asarray(predict(grid)).reshape(len(ticks), len(ticks))
    fig = Figure(figsize=(5, 4.6))
    ax = fig.subplots()
    light = ["#a6cee3", "#fdbf6f", "#b2df8a"]  # region colours, class 0, 1, 2
    dark = ["#1f4e79", "#b35806", "#1b7837"]  # point colours
    ax.contourf(ticks, ticks, classes, levels=[-0.5, 0.5, 1.5, 2.5],
                colors=light)
    for k, marker in enumerate(["o", "s", "^"]):
        ax.scatter(*x_test[y_test == k].T, s=12, color=dark[k],
                   marker=marker, label=f"class {k}")
    ax.set_aspect("equal")
    ax.set_xlabel("first coordinate")
    ax.set_ylabel("second coordinate")
    ax.legend(loc="upper right", framealpha=0.9)
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return os.path.abspath(path)


# Points along a line from the centre outwards: which class does each get?
probes = np.array([[r, 0.5 * r] for r in [0.0, 0.8, 1.6, 2.4, 3.2, 4.0]],
                  dtype=np.float32)
print("distances from (0, 0):", np.hypot(*probes.T).round(2))
# --8<-- [end:draw_regions]


# --8<-- [start:tf_regions]
def keras_classes(points):
    return np.argmax(model(points), axis=1)  # the model called on the points


regions_file = draw_regions(keras_classes, "first-network-regions-tf.png")
print("predicted classes:    ", keras_classes(probes))
# --8<-- [end:tf_regions]


# --8<-- [start:tf_exercise_1]
def tf_linear_network(x, params):
    """The same two layers with no ReLU between them."""
    w1, b1, w2, b2 = params
    return (x @ w1 + b1) @ w2 + b2


tf_linear_params = [tf.Variable(p)
                    for p in initial_parameters([2, 8, 3], seed=1)]
tf_linear_history = tf_train_by_hand(tf_linear_network, tf_linear_params,
                                     x_train, y_train, epochs=20)
# --8<-- [end:tf_exercise_1]


# --8<-- [start:tf_exercise_2]
big = tf.constant([[1000.0, 0.0, -1000.0]])
print("by hand:", tf_softmax(big).numpy())
shifted = tf_softmax(big - tf.reduce_max(big, axis=1, keepdims=True))
print("by hand, largest logit subtracted:", shifted.numpy())
print("tf.nn.softmax:", tf.nn.softmax(big).numpy())
# The loss if the right class were class 1: from probabilities, from logits.
print(f"-log p_1 from the probabilities: {-tf.math.log(shifted[0, 1]):.1f}")
from_logits = tf_loss(big, tf.constant([1]))
print(f"TensorFlow's loss from the logits: {from_logits:.1f}")
# --8<-- [end:tf_exercise_2]


# --8<-- [start:torch_layer]
import torch

batch = torch.from_numpy(x_train[:4])  # 4 points, 2 numbers each: shape (4, 2)
# A layer with 2 inputs and 3 outputs: one column of weights per output.
weights = torch.tensor([[0.5, -1.0, 0.2],
                        [1.0, 0.3, -0.4]])  # shape (2, 3)
bias = torch.tensor([0.1, 0.0, -0.2])  # shape (3,), one per output
outputs = batch @ weights + bias  # shape (4, 3): 3 outputs per point
print("layer outputs:\n", outputs.numpy().round(3))

# Output 0 of point 0 is the linear model of the gradient-descent page,
# x·w + b, with w the first column of weights and b the first bias.
by_hand = (batch[0] * weights[:, 0]).sum() + bias[0]
print(f"output 0 of point 0 by hand: {by_hand:.3f}")
# --8<-- [end:torch_layer]


# --8<-- [start:torch_stack]
# A second layer, 3 inputs -> 2 outputs, applied to the first one's outputs.
weights_2 = torch.tensor([[1.0, -0.5],
                          [0.5, 0.8],
                          [-1.2, 0.3]])
bias_2 = torch.tensor([0.2, -0.1])
two_layers = (batch @ weights + bias) @ weights_2 + bias_2

# The same numbers from ONE layer, with merged weights and bias.
merged = batch @ (weights @ weights_2) + (bias @ weights_2 + bias_2)
print("two linear layers:\n", two_layers.numpy().round(3))
print(f"one merged layer, max |difference|: "
      f"{(two_layers - merged).abs().max():.1e}")

# ReLU between the layers: negative outputs of the first layer become 0.
hidden = torch.relu(batch @ weights + bias)
print("after ReLU:\n", hidden.numpy().round(3))
with_relu = hidden @ weights_2 + bias_2
print(f"with ReLU, max |difference| from the merged layer: "
      f"{(with_relu - merged).abs().max():.1e}")
# --8<-- [end:torch_stack]


# --8<-- [start:torch_network]
def initial_parameters(sizes, seed):
    """Random weights (std √(2 / inputs)) and zero biases, as NumPy arrays."""
    init_rng = np.random.default_rng(seed)
    params = []
    for i in range(len(sizes) - 1):  # layer i: sizes[i] -> sizes[i + 1]
        n_in, n_out = sizes[i], sizes[i + 1]
        w = init_rng.normal(scale=np.sqrt(2 / n_in), size=(n_in, n_out))
        params += [w.astype(np.float32), np.zeros(n_out, np.float32)]
    return params


def torch_network(x, params):
    """2 inputs -> 8 hidden units with ReLU -> 3 outputs (the logits)."""
    w1, b1, w2, b2 = params
    hidden = torch.relu(x @ w1 + b1)
    return hidden @ w2 + b2


pt_params = [torch.tensor(p, requires_grad=True)
             for p in initial_parameters([2, 8, 3], seed=1)]
print("parameters:", [tuple(p.shape) for p in pt_params])
print("number of parameters:", sum(p.numel() for p in pt_params))
logits = torch_network(batch, pt_params)
print("logits of the first 4 points:\n", logits.detach().numpy().round(3))
# --8<-- [end:torch_network]


# --8<-- [start:torch_softmax]
def torch_softmax(logits):
    """exp of each logit, divided by the sum of the exps of its row."""
    exps = torch.exp(logits)
    return exps / exps.sum(dim=1, keepdim=True)


probs = torch_softmax(logits)
print("probabilities:\n", probs.detach().numpy().round(3))
print("sum of each row:", probs.sum(dim=1).detach().numpy().round(4))
print("predicted classes:", logits.argmax(dim=1).numpy())
print(f"torch.softmax, max |difference|: "
      f"{(probs - torch.softmax(logits, dim=1)).abs().max():.1e}")
# --8<-- [end:torch_softmax]


# --8<-- [start:torch_cross_entropy]
import torch.nn.functional as F

labels = torch.from_numpy(y_train[:4])
# The probability each point gives to its right class.
p_right = probs[torch.arange(4), labels]
print("probability of the right class:", p_right.detach().numpy().round(3))
print("minus its log:", (-torch.log(p_right)).detach().numpy().round(3))
ce_by_hand = (-torch.log(p_right)).mean()
print(f"cross-entropy by hand (the mean): {ce_by_hand:.4f}")

ce_torch = F.cross_entropy(logits, labels)
print(f"PyTorch's loss: {ce_torch:.4f}, "
      f"|difference| {abs(ce_torch - ce_by_hand):.1e}")
print(f"for comparison, log 3 = {np.log(3):.4f}")

# The gradient of the mean loss with respect to the logits.
z = logits.detach().requires_grad_()  # the logits, as a leaf of their own
F.cross_entropy(z, labels).backward()
print("gradient w.r.t. the logits:\n", z.grad.numpy().round(3))
expected = (probs - F.one_hot(labels, 3)) / 4  # (p - one-hot) / 4 points
print(f"(p - one-hot) / 4, max |difference|: "
      f"{(z.grad - expected).abs().max():.1e}")
# --8<-- [end:torch_cross_entropy]


# --8<-- [start:torch_train]
def torch_accuracy(logits, labels):
    """The fraction of points whose highest logit is their right class."""
    return (logits.argmax(dim=1) == labels).float().mean().item()


def torch_train_by_hand(network, params, x, y, epochs, batch_size=32,
                        learning_rate=0.2, seed=0):
    """Minibatch gradient descent; returns (loss, accuracy) per epoch."""
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    order_rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        order = order_rng.permutation(len(x))  # a new order every epoch
        for start in range(0, len(x), batch_size):  # one step per minibatch
            rows = torch.from_numpy(order[start:start + batch_size])
            loss = F.cross_entropy(network(x[rows], params), y[rows])
            loss.backward()  # fills p.grad for every parameter
            with torch.no_grad():  # the update itself is not recorded
                for p in params:
                    p -= learning_rate * p.grad
                    p.grad = None  # .grad adds up: clear it for the next step
        # After each epoch: loss and accuracy on the whole training set.
        with torch.no_grad():
            logits = network(x, params)
            history.append((F.cross_entropy(logits, y).item(),
                            torch_accuracy(logits, y)))
        if epoch == 1 or epoch % 5 == 0:
            print(f"epoch {epoch:2d}: loss {history[-1][0]:.3f}, "
                  f"accuracy {history[-1][1]:.3f}")
    return history


pt_history = torch_train_by_hand(torch_network, pt_params, x_train, y_train,
                                 epochs=40)
with torch.no_grad():
    test_logits = torch_network(torch.from_numpy(x_test), pt_params)

pt_test_accuracy = torch_accuracy(test_logits, torch.from_numpy(y_test))
print(f"test accuracy: {pt_test_accuracy:.3f}")
loss_rises = int((np.diff([loss for loss, _ in pt_history]) > 0).sum())
accuracy_falls = int((np.diff([acc for _, acc in pt_history]) < 0).sum())
print(f"epochs 2-40: the loss rose at {loss_rises}, "
      f"the accuracy fell at {accuracy_falls}")
# --8<-- [end:torch_train]


# --8<-- [start:torch_module]
from torch import nn

torch.manual_seed(0)  # the layers draw their initial weights from it
module = nn.Sequential(
    nn.Linear(2, 8),  # x @ weight.T + bias
    nn.ReLU(),
    nn.Linear(8, 3),  # the logits
)
optimizer = torch.optim.SGD(module.parameters(), lr=0.2)
x_all, y_all = torch.from_numpy(x_train), torch.from_numpy(y_train)
shuffle = torch.Generator().manual_seed(0)
module_history = []
for epoch in range(1, 41):
    order = torch.randperm(len(x_all), generator=shuffle)
    for start in range(0, len(x_all), 32):
        rows = order[start:start + 32]
        optimizer.zero_grad()  # clear .grad of every parameter
        loss = F.cross_entropy(module(x_all[rows]), y_all[rows])
        loss.backward()
        optimizer.step()  # p -= lr * p.grad, for every parameter
    with torch.no_grad():
        train_logits = module(x_all)
        module_history.append((F.cross_entropy(train_logits, y_all).item(),
                               torch_accuracy(train_logits, y_all)))
    if epoch == 1 or epoch % 5 == 0:
        print(f"epoch {epoch:2d}: loss {module_history[-1][0]:.3f}, "
              f"accuracy {module_history[-1][1]:.3f}")

with torch.no_grad():
    test_logits = module(torch.from_numpy(x_test))

module_test_accuracy = torch_accuracy(test_logits, torch.from_numpy(y_test))
print(f"test accuracy: {module_test_accuracy:.3f} "
      f"(by hand: {pt_test_accuracy:.3f})")
# --8<-- [end:torch_module]


# --8<-- [start:torch_regions]
def module_classes(points):
    with torch.no_grad():
        return module(torch.from_numpy(points)).argmax(dim=1).numpy()


regions_file = draw_regions(module_classes,
                            "first-network-regions-torch.png")
print("predicted classes:    ", module_classes(probes))
# --8<-- [end:torch_regions]


# --8<-- [start:torch_exercise_1]
def torch_linear_network(x, params):
    """The same two layers with no ReLU between them."""
    w1, b1, w2, b2 = params
    return (x @ w1 + b1) @ w2 + b2


pt_linear_params = [torch.tensor(p, requires_grad=True)
                    for p in initial_parameters([2, 8, 3], seed=1)]
pt_linear_history = torch_train_by_hand(torch_linear_network,
                                        pt_linear_params, x_train, y_train,
                                        epochs=20)
# --8<-- [end:torch_exercise_1]


# --8<-- [start:torch_exercise_2]
big = torch.tensor([[1000.0, 0.0, -1000.0]])
print("by hand:", torch_softmax(big).numpy())
shifted = torch_softmax(big - big.max(dim=1, keepdim=True).values)
print("by hand, largest logit subtracted:", shifted.numpy())
print("torch.softmax:", torch.softmax(big, dim=1).numpy())
# The loss if the right class were class 1: from probabilities, from logits.
print(f"-log p_1 from the probabilities: {-torch.log(shifted[0, 1]):.1f}")
print(f"PyTorch's loss from the logits: "
      f"{F.cross_entropy(big, torch.tensor([1])):.1f}")
# --8<-- [end:torch_exercise_2]
