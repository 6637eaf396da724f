"""Checks for the claims made on docs/tensorflow/multi-backend.md, run inside the page's run.

The torch-backed child runs once, on the page; these tests read what it returned. The
page's outputs pin both backends' names, the classes and the largest difference.
"""

import numpy as np

from tooling.noise import strip_noise

PAGE = "docs/tensorflow/multi-backend.md"


def test_child_wrote_nothing_to_stderr(page):
    assert strip_noise(page.child.stderr).strip() == ""


def test_child_returns_one_probability_row_per_input(page):
    assert page.torch_predictions.shape == page.tf_predictions.shape
    np.testing.assert_allclose(page.torch_predictions.sum(axis=1), 1.0, atol=1e-5)


def test_the_tolerance_would_catch_different_weights(page):
    import keras

    keras.utils.set_random_seed(1)
    other = keras.models.clone_model(page.model)  # same design, new weights
    different = other.predict(page.inputs, verbose=0)
    assert np.max(np.abs(different - page.torch_predictions)) > 1e-3


def test_both_backends_agree_to_six_decimals(page):
    np.testing.assert_array_equal(page.torch_predictions.argmax(1), page.tf_predictions.argmax(1))
    assert page.difference < 1e-6
