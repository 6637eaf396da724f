"""Checks for the claims made on docs/tensorflow/sequential.md, run inside the page's run.

The page's outputs already pin the layer names, the parameter counts and the number of
epochs; these tests check what the outputs do not show.
"""

import numpy as np

PAGE = "docs/tensorflow/sequential.md"


def test_accuracy_floor(page):
    assert page.test_accuracy >= 0.95


def test_predict_equals_the_layers_computed_by_hand(page):
    kernel1, bias1 = page.model.get_layer("hidden").get_weights()
    kernel2, bias2 = page.model.get_layer("logits").get_weights()
    hidden = np.maximum(page.x_test[:5] @ kernel1 + bias1, 0.0)
    np.testing.assert_allclose(page.logits, hidden @ kernel2 + bias2, atol=1e-5)
