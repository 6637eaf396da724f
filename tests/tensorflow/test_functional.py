"""Checks for the claims made on docs/tensorflow/functional.md."""

import contextlib
import io

import keras
import numpy as np

with contextlib.redirect_stdout(io.StringIO()):  # the module trains on import
    from snippets.tensorflow import functional as m


def test_accuracy_floors():
    assert m.test_accuracy >= 0.95
    assert m.scores["digit_accuracy"] >= 0.95
    assert m.scores["is_even_accuracy"] >= 0.95


def test_inputs_are_the_two_halves_and_targets_the_two_heads():
    halves = m.split_halves(m.x_test)
    np.testing.assert_array_equal(np.hstack([halves["top_half"], halves["bottom_half"]]), m.x_test)
    targets = m.targets(np.array([0, 1, 2, 7]))
    assert targets["is_even"].tolist() == [1.0, 0.0, 1.0, 0.0]


def probe(names):
    """A model from the same inputs to the named intermediate layers."""
    outputs = [m.two_heads.get_layer(name).output for name in names]
    inputs = {"top_half": m.top, "bottom_half": m.bottom}
    return keras.Model(inputs, outputs)


def test_shared_layer_uses_the_same_weights_for_both_halves():
    kernel, bias = m.half_encoder.get_weights()
    halves = m.split_halves(m.x_test[:8])
    joined = probe(["joined"]).predict(halves, verbose=0)
    top = np.maximum(halves["top_half"] @ kernel + bias, 0.0)
    bottom = np.maximum(halves["bottom_half"] @ kernel + bias, 0.0)
    np.testing.assert_allclose(joined, np.hstack([top, bottom]), atol=1e-5)
    assert m.layer_names.count("half_encoder") == 1
    assert m.two_heads.count_params() == 10091


def test_residual_output_is_block_input_plus_block_output():
    block_in, block, residual = probe(["block_in", "block", "residual"]).predict(
        m.split_halves(m.x_test[:8]), verbose=0
    )
    np.testing.assert_allclose(residual, block_in + block, atol=1e-6)


def test_predict_returns_one_array_per_output():
    assert m.outputs["digit"].shape == (2, 10)
    assert m.outputs["is_even"].shape == (2, 1)
    assert np.all((m.outputs["is_even"] >= 0) & (m.outputs["is_even"] <= 1))
