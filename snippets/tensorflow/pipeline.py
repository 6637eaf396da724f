"""The general pipeline and the Keras workflow: the code of docs/tensorflow/pipeline.md.

Run it as a program with ``python -m snippets.tensorflow.pipeline``.
"""

# --8<-- [start:raw]
import keras
import numpy as np
import tensorflow as tf

# 1. Inputs and variables: data in, parameters to learn.
rng = np.random.default_rng(0)
x = rng.normal(size=(200, 3)).astype(np.float32)
true_w = np.array([[2.0], [-1.0], [0.5]], dtype=np.float32)
y = x @ true_w + 0.3
w = tf.Variable(tf.zeros([3, 1]), name="w")
b = tf.Variable(0.0, name="b")


# 2. The computation: a function from inputs and variables to outputs.
def predict(x):
    return x @ w + b


# 3. A loss to minimise and an optimizer that updates the variables.
def loss_fn():
    return tf.reduce_mean((predict(x) - y) ** 2)


optimizer = keras.optimizers.SGD(learning_rate=0.1)


# 4. Execution: repeat the update step, here compiled into a graph.
@tf.function
def step():
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, [w, b])
    optimizer.apply_gradients(zip(grads, [w, b], strict=True))
    return loss


for _ in range(200):
    step()
print(np.round(w.numpy().ravel(), 3), round(float(b.numpy()), 3))
# --8<-- [end:raw]

# --8<-- [start:data]
from snippets.tensorflow.digits import load_digit_split

x_train, x_test, y_train, y_test = load_digit_split()


def build_model():
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(64, activation="relu", name="hidden"),
            keras.layers.Dense(10, name="logits"),
        ],
        name="digits",
    )
# --8<-- [end:data]


# --8<-- [start:compile]
keras.utils.set_random_seed(0)
model = build_model()
# Step 3: the loss, the optimizer, and what to report.
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=5e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)
print(model.optimizer.name, model.loss.name)
print("jit_compile:", model.jit_compile)  # "auto", resolved: XLA or not
# --8<-- [end:compile]

# --8<-- [start:fit]
history = model.fit(
    x_train, y_train,
    validation_split=0.2,  # the last 20 % of the training arrays
    epochs=10, batch_size=64, verbose=0,
)
losses = history.history["loss"]
for name, values in sorted(history.history.items()):
    print(f"{name:<12} epoch 1: {values[0]:.2f}, epoch 10: {values[-1]:.2f}")
# --8<-- [end:fit]

# --8<-- [start:evaluate]
scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print({name: round(value, 2) for name, value in sorted(scores.items())})

logits = model.predict(x_test, verbose=0)
probabilities = keras.activations.softmax(logits)  # rows of ten probabilities
predicted = np.argmax(logits, axis=1)
print(logits.shape, "first predicted classes:", predicted[:8])
print(f"accuracy from predict: {np.mean(predicted == y_test):.4f}, "
      f"from evaluate: {scores['accuracy']:.4f}")
# --8<-- [end:evaluate]

# --8<-- [start:callbacks]
import os
import tempfile


class BatchCounter(keras.callbacks.Callback):
    """A callback of our own: counts the batches of every epoch."""

    def on_epoch_begin(self, epoch, logs=None):
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_end(self, epoch, logs=None):
        self.per_epoch.append(self.batches)

    def on_train_begin(self, logs=None):
        self.per_epoch = []


keras.utils.set_random_seed(0)
watched = build_model()  # the model the callbacks watch
counter = BatchCounter()
watched.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
with tempfile.TemporaryDirectory() as folder:
    best_path = os.path.join(folder, "best.keras")
    callbacks = [
        # Stop when validation loss has not improved for 2 epochs,
        # and put back the weights of the best epoch.
        keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=2, restore_best_weights=True
        ),
        # Keep the best model seen so far on disk.
        keras.callbacks.ModelCheckpoint(
            best_path, monitor="val_loss", save_best_only=True
        ),
        # Write loss curves for `tensorboard --logdir <folder>/logs`.
        keras.callbacks.TensorBoard(log_dir=os.path.join(folder, "logs")),
        counter,
    ]
    history = watched.fit(
        x_train, y_train, validation_split=0.2,
        epochs=100, batch_size=64, callbacks=callbacks, verbose=0,
    )
    saved = keras.saving.load_model(best_path)
    log_files = [name for _, _, names in os.walk(folder) for name in names]

epochs_run = len(history.history["loss"])
best_epoch = int(np.argmin(history.history["val_loss"])) + 1
best_val_loss = min(history.history["val_loss"])
print(
    f"epochs run: {epochs_run} of 100, "
    f"best validation loss at epoch {best_epoch}: {best_val_loss:.4f}"
)
# The validation data: the last 20 % of the training arrays.
split_at = int(len(x_train) * 0.8)
x_val, y_val = x_train[split_at:], y_train[split_at:]
checkpoint_val_loss = saved.evaluate(x_val, y_val, batch_size=64, verbose=0)[0]
print(f"checkpoint {saved.name!r}, validation loss: {checkpoint_val_loss:.4f}")
print(f"difference: {abs(checkpoint_val_loss - best_val_loss):.1e}")
event_files = [
    name for name in log_files if name.startswith("events.out.tfevents")
]
print("TensorBoard event files written:", len(event_files))
print("batches per epoch, counted by BatchCounter:", set(counter.per_epoch),
      "over", len(counter.per_epoch), "epochs")
# --8<-- [end:callbacks]

# --8<-- [start:dataset]
AUTOTUNE = tf.data.AUTOTUNE
# The pixels as scikit-learn stores them, whole numbers 0 to 16.
stored_pixels = np.rint(x_train * 16).astype(np.uint8)


def decode(pixels, label):
    """Per example: whole-number pixels to floats in [0, 1]."""
    return tf.cast(pixels, tf.float32) / 16.0, label


train_ds = (
    tf.data.Dataset.from_tensor_slices((stored_pixels, y_train))
    .map(decode, num_parallel_calls=AUTOTUNE)  # examples decoded in parallel
    .cache()  # decoded once, in the first epoch; then read from memory
    .shuffle(len(x_train), seed=0)  # reshuffled every epoch
    .batch(32)
    .prefetch(AUTOTUNE)  # prepares the next batch while one trains
)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64)
print(train_ds.element_spec)

keras.utils.set_random_seed(0)
model = build_model()
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
# The dataset shuffles itself. fit() ignores `shuffle` for a dataset;
# shuffle=False only avoids the warning that its default, True, triggers.
try:
    model.fit(train_ds, validation_split=0.2, shuffle=False, verbose=0)
except ValueError as error:  # raised before any training
    print("validation_split:", str(error).split(".")[0])
model.fit(train_ds, epochs=20, shuffle=False, verbose=0)
_, test_accuracy = model.evaluate(test_ds, verbose=0)
print("test accuracy:", round(test_accuracy, 2))
# --8<-- [end:dataset]
