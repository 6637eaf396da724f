"""Keras preprocessing and augmentation layers: the code of
docs/pretrained/domain-libraries.md.

Run it as a program with ``python -m snippets.pretrained.domain_libraries``;
it writes the picture the page shows, domain-libraries-augmentation.png, to the
current folder.
"""

# --8<-- [start:images]
import os
import tempfile

import keras
import numpy as np
import tensorflow as tf


def letter_f(size=16):
    """A light F (pixel value 204) on a dark background (51), on the 0 to
    255 scale of image files; shape (size, size, 1). Any flip or turn of
    an F shows, which makes it a good test picture."""
    image = np.full((size, size, 1), 51.0, np.float32)
    s = size // 8  # the letter is drawn on an 8 x 8 grid, s pixels a cell
    image[1 * s:7 * s, 2 * s:3 * s] = 204.0  # the stem
    image[1 * s:2 * s, 3 * s:6 * s] = 204.0  # the top bar
    image[3 * s:4 * s, 3 * s:5 * s] = 204.0  # the middle bar
    return image


raw = np.stack([letter_f()] * 4)  # a batch of 4 identical 16 x 16 images
standardize = keras.layers.Pipeline([
    keras.layers.Resizing(8, 8),  # bilinear interpolation by default
    keras.layers.Rescaling(1.0 / 255),  # multiplies every value by 1/255
])
images = standardize(raw)
print("raw:", raw.shape, f"values {raw.min():.0f} to {raw.max():.0f}")
print("standardized:", tuple(images.shape),
      f"values {float(np.min(images)):.1f} to {float(np.max(images)):.1f}")
# --8<-- [end:images]

# --8<-- [start:augment]
def show(pictures, titles):
    """Print images side by side, a pixel as one character: '.' for a
    value of exactly 0, else the digit round(9 * value), from 0 (below
    1/18, nearly black) to 9 (white)."""
    pictures = [keras.ops.convert_to_numpy(p)[..., 0] for p in pictures]
    print("  ".join(title.ljust(pictures[0].shape[1]) for title in titles))
    for row in range(pictures[0].shape[0]):
        cells = []
        for image in pictures:
            values = image[row]
            levels = np.clip(np.rint(values * 9), 0, 9).astype(int)
            cells.append("".join(
                "." if value == 0 else str(level)
                for value, level in zip(values, levels, strict=True)
            ))
        print("  ".join(cells))


def make_augment(seed):
    """Random contrast, flip, turn and shift, each drawn per image."""
    return keras.layers.Pipeline([
        keras.layers.RandomContrast(0.8, value_range=(0, 1), seed=seed),
        keras.layers.RandomFlip("horizontal", seed=seed + 1),
        keras.layers.RandomRotation(  # up to 0.05 of a turn: 18 degrees
            0.05, fill_mode="constant", interpolation="nearest",
            seed=seed + 2),
        keras.layers.RandomTranslation(  # up to 1/8 of the size: 1 pixel
            0.125, 0.125, fill_mode="constant", interpolation="nearest",
            seed=seed + 3),
    ], name="augment")


augment = make_augment(seed=9)
augmented = augment(images)  # called on its own: the layers are active
titles = ["the F", "copy 1", "copy 2", "copy 3", "copy 4"]
show([images[0], *augmented], titles)
unchanged = augment(images, training=False)
print("training=False, largest change:",
      f"{float(np.max(np.abs(unchanged - images))):.1e}")
# --8<-- [end:augment]

# --8<-- [start:draw_augmented]
from matplotlib.figure import Figure


def draw_images(pictures, titles, path):
    """Draw images in a row, grey levels from black (0) to white (1), save
    the picture as the PNG file path, and return the file's full path."""
    fig = Figure(figsize=(1.4 * len(pictures), 1.7))
    for ax, image, title in zip(fig.subplots(1, len(pictures)), pictures,
                                titles, strict=True):
        ax.imshow(keras.ops.convert_to_numpy(image)[..., 0], cmap="gray",
                  vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return os.path.abspath(path)


augmented_file = draw_images([images[0], *augmented], titles,
                             "domain-libraries-augmentation.png")
# --8<-- [end:draw_augmented]

# --8<-- [start:seeds]
again = make_augment(seed=9)(images)  # new layers, the same seeds
second = augment(images)  # the same layers, called a second time
print("same seeds, new layers:",
      f"{float(np.max(np.abs(again - augmented))):.1e}")
print("same layers, next call:",
      f"{float(np.max(np.abs(second - augmented))):.1e}")

# New layers with the same seeds draw the same numbers, so they can show
# what the first call drew, such as the angle of each copy's turn.
rotation = make_augment(seed=9).layers[2]  # RandomRotation, seed 11
drawn = rotation.get_random_transformation(images, training=True)
angles = keras.ops.convert_to_numpy(drawn["angle"])  # in degrees
print("turns of copies 1 to 4, degrees:",
      ", ".join(f"{angle:.1f}" for angle in angles))
# --8<-- [end:seeds]

# --8<-- [start:in_model]
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(None, None, 1)),  # raw pixels, 0 to 255, any size
    keras.layers.Resizing(8, 8),
    keras.layers.Rescaling(1.0 / 255),
    make_augment(seed=10),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
], name="letters")
predicted = model.predict(raw, verbose=0)  # inference: no augmentation
calls = {
    "model(raw, training=False)": model(raw, training=False),
    "model(raw, training=True)": model(raw, training=True),
    "model(raw)": model(raw),  # no training argument
}
for call, outputs in calls.items():
    difference = np.max(np.abs(keras.ops.convert_to_numpy(outputs)
                               - predicted))
    print(f"{call:27} differs from predict by {difference:.1e}")
# --8<-- [end:in_model]

# --8<-- [start:context]
normalize = keras.layers.BatchNormalization()  # moving mean starts at 0
flip_then_normalize = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    keras.layers.RandomFlip("horizontal", seed=0),  # default training=True
    normalize,  # default training=None: takes the value from the context
])
means = {}
flip_then_normalize(images, training=False)
means["moving mean after training=False:"] = normalize.moving_mean[0]
flip_then_normalize(images)  # no training argument
means["moving mean after no argument:"] = normalize.moving_mean[0]
means["mean of the batch:"] = np.mean(images)
for name, mean in means.items():
    print(f"{name:34} {float(mean):.4f}")
# --8<-- [end:context]

# --8<-- [start:saved]
with tempfile.TemporaryDirectory() as folder:  # removed after the block
    path = os.path.join(folder, "letters.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
print([type(layer).__name__ for layer in reloaded.layers])
reloaded_difference = np.max(np.abs(reloaded.predict(raw, verbose=0)
                                    - predicted))
print(f"reloaded, predict on raw pixels, difference: "
      f"{reloaded_difference:.1e}")
# --8<-- [end:saved]

# --8<-- [start:tf_data]
augment_in_pipeline = make_augment(seed=20)
labels = np.zeros(4, np.int64)  # class 0: the letter F
dataset = (
    tf.data.Dataset.from_tensor_slices((raw, labels))
    .batch(4)
    .map(lambda x, y: (augment_in_pipeline(standardize(x)), y),
         num_parallel_calls=tf.data.AUTOTUNE)  # several batches at once
    .prefetch(tf.data.AUTOTUNE)  # prepare the next batch in the background
)
first_epoch = [x.numpy() for x, _ in dataset]  # a single batch here
second_epoch = [x.numpy() for x, _ in dataset]
print("epoch 1 vs the standardized images:",
      f"{np.max(np.abs(first_epoch[0] - images)):.1e}")
print("epoch 2 vs epoch 1:",
      f"{np.max(np.abs(second_epoch[0] - first_epoch[0])):.1e}")
# --8<-- [end:tf_data]

# --8<-- [start:export]
serving = keras.Sequential([
    keras.Input(shape=(None, None, 1)),  # raw pixels, 0 to 255, any size
    standardize,  # Resizing and Rescaling, as in training
    *model.layers[3:],  # the trained Flatten and Dense; no augmentation
], name="letters_serving")
with tempfile.TemporaryDirectory() as folder:
    serving.export(folder, verbose=False)  # a SavedModel
    served = tf.saved_model.load(folder)
    for size in (16, 32):
        pixels = np.stack([letter_f(size)] * 4)  # the F at another size
        served_difference = np.max(np.abs(served.serve(pixels).numpy()
                                          - predicted))
        print(f"served, {size} x {size} pixels: differs from predict by "
              f"{served_difference:.1e}")
# --8<-- [end:export]

# --8<-- [start:exercise_1]
flip = keras.layers.RandomFlip("horizontal", seed=0)
many = np.repeat(keras.ops.convert_to_numpy(images[:1]), 1000, axis=0)
flipped = keras.ops.convert_to_numpy(flip(many))
mirrored = np.all(flipped == many[:, :, ::-1], axis=(1, 2, 3))
kept = np.all(flipped == many, axis=(1, 2, 3))
print(f"mirrored: {mirrored.sum()}, unchanged: {kept.sum()}, of {len(many)}")
# --8<-- [end:exercise_1]
