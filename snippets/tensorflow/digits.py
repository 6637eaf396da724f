"""The digits split every TensorFlow page trains on; shown on docs/tensorflow/low-level.md.

Run it as a program with ``python -m snippets.tensorflow.digits``.
"""

# --8<-- [start:load]
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


def load_digit_split(seed=0):
    """8x8 digit images as 64 floats in [0, 1], a fixed 75/25 split."""
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixel values are 0..16
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.25, random_state=seed, stratify=y)
# --8<-- [end:load]


if __name__ == "__main__":
    x_train, x_test, y_train, y_test = load_digit_split()
    print(x_train.shape, x_test.shape)
