"""Level 2, the Keras Sequential API: the code of docs/tensorflow/sequential.md.

Run it as a program with ``python -m snippets.tensorflow.sequential``.
"""

# --8<-- [start:data]
import keras
import numpy as np

from snippets.tensorflow.digits import load_digit_split

x_train, x_test, y_train, y_test = load_digit_split()
# --8<-- [end:data]

# --8<-- [start:build]
keras.utils.set_random_seed(0)  # seeds Python, NumPy and the backend

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(64, activation="relu", name="hidden"),
        keras.layers.Dense(10, name="logits"),
    ],
    name="level2",
)
model.summary(line_length=80)
# --8<-- [end:build]

# --8<-- [start:train]
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(
    x_train, y_train, epochs=10, batch_size=32, verbose=0
)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print("loss per epoch:", np.round(history.history["loss"], 2))
print(f"test loss {test_loss:.2f}, test accuracy {test_accuracy:.2f}")
# --8<-- [end:train]

# --8<-- [start:predict]
logits = model.predict(x_test[:5], verbose=0)
print(logits.shape)
print("predicted:", np.argmax(logits, axis=1), "true:", y_test[:5])
# --8<-- [end:predict]

# --8<-- [start:layers]
print([layer.name for layer in model.layers])
hidden = model.get_layer("hidden")
print([tuple(w.shape) for w in hidden.weights])
print("parameters:", model.count_params())
# --8<-- [end:layers]

# --8<-- [start:deferred]
lazy = keras.Sequential(name="lazy")  # no keras.Input: no input shape yet
lazy.add(keras.layers.Dense(64, activation="relu", name="hidden"))
lazy.add(keras.layers.Dense(10, name="logits"))
print("weights before the first call:", len(lazy.weights))
try:
    lazy.count_params()
except ValueError as error:
    print("count_params:", str(error).split(".")[0])
lazy.summary(line_length=80)
print(lazy(x_test[:2]).shape)  # the first call creates the weights
n_weights, n_parameters = len(lazy.weights), lazy.count_params()
print("weights after it:", n_weights, "parameters:", n_parameters)
# --8<-- [end:deferred]

# --8<-- [start:exercise_1]
deeper = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(64, activation="relu", name="hidden"),
        keras.layers.Dense(32, activation="relu", name="hidden2"),
        keras.layers.Dense(10, name="logits"),
    ],
    name="deeper",
)
# By hand: 64*64 + 64 = 4160, 64*32 + 32 = 2080, 32*10 + 10 = 330.
for layer in deeper.layers:
    print(layer.name, layer.count_params())
print("total:", deeper.count_params())
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
# One new input per digit: the average of its training images.
average_images = np.stack(
    [x_train[y_train == digit].mean(axis=0) for digit in range(10)]
)
print(average_images.shape)
average_logits = model.predict(average_images, verbose=0)
print("predicted:", np.argmax(average_logits, axis=1))
# --8<-- [end:exercise_2]

# --8<-- [start:exercise_3]
deeper.get_layer("hidden").trainable = False
deeper.summary(line_length=80)
# --8<-- [end:exercise_3]

# --8<-- [start:exercise_3_recompile]
frozen = deeper.get_layer("hidden")
frozen.trainable = True
deeper.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
deeper.fit(x_train, y_train, epochs=1, verbose=0)  # builds the train step


def frozen_kernel_change():
    """How far one more epoch moves the frozen layer's kernel."""
    before = frozen.kernel.numpy().copy()
    deeper.fit(x_train, y_train, epochs=1, verbose=0)
    return np.max(np.abs(frozen.kernel.numpy() - before))


frozen.trainable = False
print(f"frozen, not recompiled: moved by {frozen_kernel_change():.1e}")
deeper.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
print(f"frozen and recompiled:  moved by {frozen_kernel_change():.1e}")
# --8<-- [end:exercise_3_recompile]
