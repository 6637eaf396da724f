"""TensorFlow side of docs/performance/frameworks.md: an MLP and a small CNN.

The same models, data and optimizer as frameworks_torch.py; one call of each
side trains one epoch, eagerly or as a compiled graph. Run this file to train
both models for one epoch.
"""

# --8<-- [start:tf_models]
import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

from snippets.performance.harness import Pair, claim

CLAIMS = []


def digits(fast):
    """8x8 digit images scaled to [0, 1], as NHWC float32, and labels."""
    x, y = load_digits(return_X_y=True)
    n = 256 if fast else 1792  # whole batches of 64: one shape to trace
    return (x[:n] / 16).astype(np.float32).reshape(-1, 8, 8, 1), y[:n]


def tf_model(kind):
    keras.utils.set_random_seed(0)
    if kind == "mlp":
        body = [keras.layers.Flatten(),
                keras.layers.Dense(128, activation="relu"),
                keras.layers.Dense(128, activation="relu")]
    else:
        body = [keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                keras.layers.MaxPooling2D(),
                keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
                keras.layers.Flatten()]
    return keras.Sequential([keras.Input((8, 8, 1)), *body,
                             keras.layers.Dense(10)])
# --8<-- [end:tf_models]


# --8<-- [start:tf_train]
def tf_trainer(kind, compile_model):
    model = tf_model(kind)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    # Only the model becomes a graph, as torch.compile(model) does in the
    # PyTorch tab; the tape, the loss and the optimizer stay eager.
    forward = tf.function(model) if compile_model else model

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, forward(x, training=True))
        weights = model.trainable_variables
        grads = tape.gradient(loss, weights)
        optimizer.apply_gradients(zip(grads, weights, strict=True))
        return loss

    return step


def tf_epoch(step, x, y, batch_size=64):
    """Train one epoch; return the mean loss."""
    losses = [step(x[i:i + batch_size], y[i:i + batch_size])
              for i in range(0, len(x), batch_size)]
    return float(np.mean(losses))


def register_tf(kind):
    @claim(CLAIMS, f"tf_{kind}_train", f"TensorFlow {kind.upper()} training",
           "eager", "tf.function(model)")
    def build(fast):
        x, y = digits(fast)
        x, y = tf.constant(x), tf.constant(y)
        eager = tf_trainer(kind, compile_model=False)
        graph = tf_trainer(kind, compile_model=True)
        return Pair(lambda: tf_epoch(eager, x, y),
                    lambda: tf_epoch(graph, x, y), items=len(x))


register_tf("mlp")
register_tf("cnn")
# --8<-- [end:tf_train]


if __name__ == "__main__":
    x, y = digits(fast=True)
    for kind in ("mlp", "cnn"):
        loss = tf_epoch(tf_trainer(kind, True), tf.constant(x), tf.constant(y))
        print(kind, "loss after one epoch:", round(loss, 1))
