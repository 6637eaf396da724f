"""Checks for the claims made on docs/tensorflow/functional.md, run inside the page's run.

The page's outputs already pin the summary (parameter counts, connections), the keys of
the scores, that the shared layer is listed once, and the shapes `predict` returns.
"""

import numpy as np

PAGE = "docs/tensorflow/functional.md"


def test_accuracy_floors(page):
    assert page.test_accuracy >= 0.95
    assert page.scores["digit_accuracy"] >= 0.95
    assert page.scores["is_even_accuracy"] >= 0.95


def test_inputs_are_the_two_halves_and_targets_the_two_heads(page):
    halves = page.split_halves(page.x_test)
    np.testing.assert_array_equal(np.hstack([halves["top_half"], halves["bottom_half"]]), page.x_test)
    targets = page.targets(np.array([0, 1, 2, 7]))
    assert targets["is_even"].tolist() == [1.0, 0.0, 1.0, 0.0]


def probe(page, names):
    """A model from the same inputs to the named intermediate layers."""
    import keras

    outputs = [page.two_heads.get_layer(name).output for name in names]
    inputs = {"top_half": page.top, "bottom_half": page.bottom}
    return keras.Model(inputs, outputs)


def test_shared_layer_uses_the_same_weights_for_both_halves(page):
    kernel, bias = page.half_encoder.get_weights()
    halves = page.split_halves(page.x_test[:8])
    joined = probe(page, ["joined"]).predict(halves, verbose=0)
    top = np.maximum(halves["top_half"] @ kernel + bias, 0.0)
    bottom = np.maximum(halves["bottom_half"] @ kernel + bias, 0.0)
    np.testing.assert_allclose(joined, np.hstack([top, bottom]), atol=1e-5)


def test_residual_output_is_block_input_plus_block_output(page):
    block_in, block, residual = probe(page, ["block_in", "block", "residual"]).predict(
        page.split_halves(page.x_test[:8]), verbose=0
    )
    np.testing.assert_allclose(residual, block_in + block, atol=1e-6)


def test_is_even_head_outputs_probabilities(page):
    assert np.all((page.outputs["is_even"] >= 0) & (page.outputs["is_even"] <= 1))
