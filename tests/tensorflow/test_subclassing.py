"""Checks for the claims made on docs/tensorflow/subclassing.md."""

import contextlib
import io

import keras
import numpy as np
import tensorflow as tf

with contextlib.redirect_stdout(io.StringIO()):  # the module trains on import
    from snippets.tensorflow import subclassing as m


def test_affine_creates_weights_on_first_call_and_computes_x_w_plus_b():
    layer = m.Affine(4, name="probe")
    assert not layer.built and not layer.weights
    x = np.random.default_rng(0).normal(size=(3, 7)).astype(np.float32)
    y = layer(x).numpy()
    kernel, bias = layer.get_weights()
    assert kernel.shape == (7, 4) and bias.shape == (4,)
    np.testing.assert_allclose(y, x @ kernel + bias, atol=1e-5)


def test_affine_config_round_trip():
    layer = m.Affine(5, activation="relu", name="cfg")
    clone = m.Affine.from_config(layer.get_config())
    assert clone.units == 5 and clone.activation is keras.activations.relu


def test_accuracy_floor_and_extra_metric_in_history():
    assert m.scores["accuracy"] >= 0.95
    assert sorted(m.history.history) == ["accuracy", "grad_norm", "loss"]
    assert all(value > 0 for value in m.history.history["grad_norm"])


def test_train_step_records_the_global_gradient_norm():
    keras.utils.set_random_seed(1)
    model = m.DigitClassifier(dropout=0.0, name="probe")  # no randomness
    model.compile(
        optimizer="sgd",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    x, y = m.x_train[:32], m.y_train[:32]
    model(x)  # build the weights
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))
    expected = float(tf.linalg.global_norm(tape.gradient(loss, model.trainable_variables)))
    before = [v.numpy().copy() for v in model.trainable_variables]
    logs = model.train_step((tf.constant(x), tf.constant(y)))
    assert abs(float(logs["grad_norm"]) - expected) < 1e-5 * max(1.0, expected)
    changed = [not np.array_equal(b, v.numpy()) for b, v in zip(before, model.trainable_variables, strict=True)]
    assert all(changed)  # and the step did update every weight


def test_test_step_does_not_update_weights():
    before = [v.numpy().copy() for v in m.model.trainable_variables]
    logs = m.model.test_step((tf.constant(m.x_test[:32]), tf.constant(m.y_test[:32])))
    assert "accuracy" in logs
    for b, v in zip(before, m.model.trainable_variables, strict=True):
        np.testing.assert_array_equal(b, v.numpy())


def test_training_flag_switches_dropout():
    np.testing.assert_array_equal(m.first, m.second)
    assert not np.allclose(m.first, m.noisy)


def test_save_and_reload_round_trip():
    assert type(m.restored) is m.DigitClassifier
    assert (m.restored.hidden_units, m.restored.dropout_rate) == (64, 0.2)
    assert m.same
    x = m.x_test[:10]
    np.testing.assert_array_equal(m.model.predict(x, verbose=0), m.restored.predict(x, verbose=0))
    assert not m.blank.built and m.blank.get_config()["hidden_units"] == 64
