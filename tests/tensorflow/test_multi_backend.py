"""Checks for the claims made on docs/tensorflow/multi-backend.md, run inside the page's run.

The torch- and JAX-backed children run once, on the page; these tests read what they
returned. The page's outputs pin the backends' names, the classes and the largest differences.
"""

import numpy as np
import pytest

from tooling.noise import strip_noise

PAGE = "docs/tensorflow/multi-backend.md"


def test_each_child_reported_its_own_backend(page):
    assert list(page.predictions) == ["tensorflow", "torch", "jax"]
    assert list(page.children) == ["torch", "jax"]


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_child_wrote_nothing_to_stderr(page, backend):
    assert strip_noise(page.children[backend].stderr).strip() == ""


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_child_returns_one_probability_row_per_input(page, backend):
    predictions = page.predictions[backend]
    assert predictions.shape == page.tf_predictions.shape
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_backends_agree_to_six_decimals(page, backend):
    predictions = page.predictions[backend]
    np.testing.assert_array_equal(predictions.argmax(1), page.tf_predictions.argmax(1))
    assert np.max(np.abs(predictions - page.tf_predictions)) < 1e-6


def test_the_tolerance_would_catch_different_weights(page):
    import keras

    keras.utils.set_random_seed(1)
    other = keras.models.clone_model(page.model)  # same design, new weights
    different = other.predict(page.inputs, verbose=0)
    for backend in ["torch", "jax"]:
        assert np.max(np.abs(different - page.predictions[backend])) > 1e-3


def test_rms_norm_computes_the_formula(page):
    import keras

    layer = page.RMSNorm(epsilon=1e-6)
    x = np.random.default_rng(1).normal(size=(4, 5)).astype(np.float32)
    layer.build(x.shape)
    scale = np.linspace(0.5, 2.0, 5, dtype=np.float32)
    layer.scale.assign(scale)
    expected = x / np.sqrt((x**2).mean(axis=-1, keepdims=True) + 1e-6) * scale
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), expected, rtol=1e-5)


def test_rms_norm_is_saved_under_its_registered_name(page):
    import keras

    layer = page.model.get_layer("rms")
    assert keras.saving.get_registered_name(type(layer)) == "guide>RMSNorm"
    assert type(layer).from_config(layer.get_config()).epsilon == layer.epsilon


def test_run_by_hand_the_script_runs_the_demonstration(page, monkeypatch):
    # The page shows the demonstration's body, not the function; stand one in for it.
    calls = []
    monkeypatch.setitem(page.main.__globals__, "demonstration", lambda: calls.append("demo"))
    page.main([])
    assert calls == ["demo"]


def test_rms_norm_matches_the_keras_layer_the_page_names(page):
    import keras

    x = np.random.default_rng(2).normal(size=(3, 6)).astype(np.float32)
    ours = keras.ops.convert_to_numpy(page.RMSNorm(epsilon=1e-6)(x))
    built_in = keras.ops.convert_to_numpy(keras.layers.RMSNormalization(epsilon=1e-6)(x))
    np.testing.assert_allclose(ours, built_in, rtol=1e-5, atol=1e-6)


def test_the_model_the_children_run_was_trained(page):
    assert page.tf_accuracy >= 0.9  # an untrained model scores about 0.1
    for backend in ["torch", "jax"]:
        assert np.mean(page.predictions[backend].argmax(1) == page.y_test) == page.tf_accuracy
