"""Level 3, the Keras Functional API: the code of docs/tensorflow/functional.md.

Run it as a program with ``python -m snippets.tensorflow.functional``.
"""

# --8<-- [start:data]
import keras
import numpy as np

from snippets.tensorflow.digits import load_digit_split

x_train, x_test, y_train, y_test = load_digit_split()
# --8<-- [end:data]

# --8<-- [start:classifier]
keras.utils.set_random_seed(0)

pixels = keras.Input(shape=(64,), name="pixels")
features = keras.layers.Dense(64, activation="relu", name="hidden")(pixels)
logits = keras.layers.Dense(10, name="logits")(features)
model = keras.Model(inputs=pixels, outputs=logits, name="level3")

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
_, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print("test accuracy:", round(test_accuracy, 2))
# --8<-- [end:classifier]

# --8<-- [start:graph]
keras.utils.set_random_seed(0)

top = keras.Input(shape=(32,), name="top_half")  # image rows 0-3
bottom = keras.Input(shape=(32,), name="bottom_half")  # image rows 4-7

# One layer object called twice: both halves go through the same weights.
half_encoder = keras.layers.Dense(32, activation="relu", name="half_encoder")
joined = keras.layers.Concatenate(name="joined")(
    [half_encoder(top), half_encoder(bottom)]
)

# A residual block: the block's output is added back to its input.
hidden = keras.layers.Dense(64, activation="relu", name="block_in")(joined)
update = keras.layers.Dense(64, activation="relu", name="block")(hidden)
hidden = keras.layers.Add(name="residual")([hidden, update])

digit = keras.layers.Dense(10, name="digit")(hidden)
is_even = keras.layers.Dense(1, activation="sigmoid", name="is_even")(hidden)

two_heads = keras.Model(
    inputs={"top_half": top, "bottom_half": bottom},
    outputs={"digit": digit, "is_even": is_even},
    name="two_heads",
)
# Where each column ends, as fractions of the 80 characters: the last column
# gets enough room for the longest connection, "half_encoder[0][0],".
two_heads.summary(line_length=80, positions=[0.31, 0.52, 0.66, 1.0])
# --8<-- [end:graph]

# --8<-- [start:plot]
# Needs pydot (pip install pydot) and Graphviz's `dot` program.
import os
import tempfile

folder = tempfile.TemporaryDirectory()  # removed when Python exits
drawing = os.path.join(folder.name, "two_heads.png")
keras.utils.plot_model(
    two_heads, to_file=drawing, show_shapes=True, show_layer_names=True, dpi=72
)

# plot_model draws the graph that model_to_dot builds; its nodes are named
# after id(layer) and its edges run from a layer to the layers it feeds.
dot = keras.utils.model_to_dot(two_heads, show_shapes=True)
layer_of = {str(id(layer)): layer.name for layer in two_heads.layers}
for edge in dot.get_edges():
    print(layer_of[edge.get_source()], "->", layer_of[edge.get_destination()])
# --8<-- [end:plot]


# --8<-- [start:fit_graph]
def split_halves(x):
    """The two inputs the model expects, as a dict keyed by input name."""
    return {"top_half": x[:, :32], "bottom_half": x[:, 32:]}


def targets(y):
    return {"digit": y, "is_even": (y % 2 == 0).astype(np.float32)}


two_heads.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss={
        "digit": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "is_even": keras.losses.BinaryCrossentropy(),
    },
    loss_weights={"digit": 1.0, "is_even": 0.5},
    metrics={"digit": ["accuracy"], "is_even": ["accuracy"]},
)
two_heads.fit(
    split_halves(x_train), targets(y_train),
    epochs=10, batch_size=32, verbose=0,
)
# 450 test images in batches of 50: every batch weighs the same (see below).
scores = two_heads.evaluate(
    split_halves(x_test), targets(y_test),
    batch_size=50, verbose=0, return_dict=True,
)
for name, value in sorted(scores.items()):
    print(f"{name:<16} {value:.3f}")
weighted_sum = 1.0 * scores["digit_loss"] + 0.5 * scores["is_even_loss"]
print(f"loss - (digit_loss + 0.5 * is_even_loss): "
      f"{scores['loss'] - weighted_sum:.1e}")
# --8<-- [end:fit_graph]

# --8<-- [start:uneven_batches]
# The default batch size, 32: the last of the 15 batches holds 2 images.
uneven = two_heads.evaluate(
    split_halves(x_test), targets(y_test), verbose=0, return_dict=True
)
for name in ("loss", "digit_loss", "is_even_loss"):
    print(f"{name:<13} batch_size=50: {scores[name]:.3f}"
          f"   batch_size=32: {uneven[name]:.3f}")
# --8<-- [end:uneven_batches]

# --8<-- [start:shared]
layer_names = [layer.name for layer in two_heads.layers]
print("half_encoder listed", layer_names.count("half_encoder"), "time(s)")
print("its weights:", [tuple(w.shape) for w in half_encoder.weights])
outputs = two_heads.predict(split_halves(x_test[:6]), verbose=0)
print("predicted digits:", np.argmax(outputs["digit"], axis=1))
print("true labels:     ", y_test[:6])
print("P(even):", np.round(outputs["is_even"][:, 0], 2))
# --8<-- [end:shared]

# --8<-- [start:exercise_1]
keras.utils.set_random_seed(0)

top_encoder = keras.layers.Dense(32, activation="relu", name="top_encoder")
bottom_encoder = keras.layers.Dense(32, activation="relu",
                                    name="bottom_encoder")
unshared = keras.Model(
    inputs={"top_half": top, "bottom_half": bottom},
    outputs=keras.layers.Concatenate()([top_encoder(top),
                                        bottom_encoder(bottom)]),
)
shared = keras.Model(
    inputs={"top_half": top, "bottom_half": bottom},
    outputs=two_heads.get_layer("joined").output,
)
print("one shared encoder:", shared.count_params())
print("two encoders:      ", unshared.count_params())
print("one encoder alone: ", half_encoder.count_params())
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
features = keras.Model(
    inputs={"top_half": top, "bottom_half": bottom},
    outputs=two_heads.get_layer("residual").output,
    name="features",
)
print([layer.name for layer in features.layers])
vectors = features.predict(split_halves(x_test[:3]), verbose=0)
print(vectors.shape)
# The same layer objects: the trained weights come along.
print(features.get_layer("block") is two_heads.get_layer("block"))
# --8<-- [end:exercise_2]
