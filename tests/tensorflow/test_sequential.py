"""Checks for the claims made on docs/tensorflow/sequential.md."""

import contextlib
import io

import numpy as np

with contextlib.redirect_stdout(io.StringIO()):  # the module trains on import
    from snippets.tensorflow import sequential as m


def test_accuracy_floor():
    assert m.test_accuracy >= 0.95
    assert len(m.history.history["loss"]) == 20


def test_parameter_counts_follow_inputs_times_units_plus_units():
    assert m.model.get_layer("hidden").count_params() == 64 * 64 + 64
    assert m.model.get_layer("logits").count_params() == 64 * 10 + 10
    assert m.model.count_params() == 4810


def test_predict_equals_the_layers_computed_by_hand():
    kernel1, bias1 = m.model.get_layer("hidden").get_weights()
    kernel2, bias2 = m.model.get_layer("logits").get_weights()
    hidden = np.maximum(m.x_test[:5] @ kernel1 + bias1, 0.0)
    np.testing.assert_allclose(m.logits, hidden @ kernel2 + bias2, atol=1e-5)


def test_layers_have_the_names_given():
    assert [layer.name for layer in m.model.layers] == ["hidden", "logits"]
