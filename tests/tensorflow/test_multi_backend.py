"""Checks for the claims made on docs/tensorflow/multi-backend.md, run inside the page's run.

The torch-backed child runs once, on the page; these tests read what it returned. The
page's outputs already pin both backends' names, that the classes agree and that the
probabilities differ by less than 1e-6.
"""

import keras
import numpy as np

from tooling.noise import strip_noise

PAGE = "docs/tensorflow/multi-backend.md"


def test_child_wrote_nothing_to_stderr(page):
    assert strip_noise(page.child.stderr).strip() == ""


def test_child_returns_one_probability_row_per_input(page):
    assert page.torch_predictions.shape == page.tf_predictions.shape
    np.testing.assert_allclose(page.torch_predictions.sum(axis=1), 1.0, atol=1e-5)


def test_the_tolerance_would_catch_different_weights(page):
    keras.utils.set_random_seed(1)
    other = keras.models.clone_model(page.model)  # same design, new weights
    different = other.predict(page.inputs, verbose=0)
    assert np.max(np.abs(different - page.torch_predictions)) > 1e-3
