"""Checks for the claims made on docs/tensorflow/subclassing.md, run inside the page's run.

The page's outputs already pin when `Affine` builds its weights and their shapes, the
history's values per epoch, the `training` flag's effect, and what the reloaded model reports.
"""

import numpy as np
import pytest

PAGE = "docs/tensorflow/subclassing.md"


def test_affine_computes_x_w_plus_b(page):
    layer = page.Affine(4, name="probe")
    x = np.random.default_rng(0).normal(size=(3, 7)).astype(np.float32)
    y = layer(x).numpy()
    kernel, bias = layer.get_weights()
    assert kernel.shape == (7, 4) and bias.shape == (4,)
    np.testing.assert_allclose(y, x @ kernel + bias, atol=1e-5)


def test_affine_config_round_trip(page):
    import keras

    layer = page.Affine(5, activation="relu", name="cfg")
    clone = page.Affine.from_config(layer.get_config())
    assert clone.units == 5 and clone.activation is keras.activations.relu


def test_accuracy_floor_and_gradient_norms_recorded(page):
    assert page.scores["accuracy"] >= 0.95
    assert all(value > 0 for value in page.history.history["grad_norm"])


def test_training_loss_is_recorded_and_falls(page):
    losses = page.history.history["loss"]
    assert len(losses) == 10
    assert all(value > 0.01 for value in losses)  # a loss nobody updates reads 0.0
    assert losses[0] > 0.5 and losses[-1] < losses[0] / 3
    accuracies = page.history.history["accuracy"]
    assert accuracies[-1] > accuracies[0]


def test_evaluate_loss_and_accuracy_equal_the_values_by_hand(page):
    logits = page.model.predict(page.x_test, verbose=0).astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    by_hand = -log_probabilities[np.arange(len(page.y_test)), page.y_test].mean()
    assert by_hand > 0.01
    assert abs(page.scores["loss"] - by_hand) < 1e-4 * max(1.0, by_hand)
    accuracy = np.mean(logits.argmax(axis=1) == page.y_test)
    assert abs(page.scores["accuracy"] - accuracy) < 1e-6
    assert sorted(page.scores) == ["accuracy", "loss"]


def test_train_step_records_the_global_gradient_norm(page):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(1)
    model = page.DigitClassifier(dropout=0.0, name="probe")  # no randomness
    model.compile(
        optimizer="sgd",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    x, y = page.x_train[:32], page.y_train[:32]
    model(x)  # build the weights
    with tf.GradientTape() as tape:
        loss = model.compute_loss(x=x, y=y, y_pred=model(x, training=True))
    expected = float(tf.linalg.global_norm(tape.gradient(loss, model.trainable_variables)))
    before = [v.numpy().copy() for v in model.trainable_variables]
    logs = model.train_step((tf.constant(x), tf.constant(y)))
    assert abs(float(logs["grad_norm"]) - expected) < 1e-5 * max(1.0, expected)
    assert abs(float(logs["loss"]) - float(loss)) < 1e-5  # the loss before the update
    changed = [not np.array_equal(b, v.numpy()) for b, v in zip(before, model.trainable_variables, strict=True)]
    assert all(changed)  # and the step did update every weight


def test_test_step_does_not_update_weights(page):
    import tensorflow as tf

    before = [v.numpy().copy() for v in page.model.trainable_variables]
    logs = page.model.test_step((tf.constant(page.x_test[:32]), tf.constant(page.y_test[:32])))
    assert "accuracy" in logs
    for b, v in zip(before, page.model.trainable_variables, strict=True):
        np.testing.assert_array_equal(b, v.numpy())


def test_training_flag_decides_whether_dropout_acts(page):
    np.testing.assert_array_equal(page.first, page.second)
    assert np.max(np.abs(page.first - page.noisy)) > 0.1


def test_reloaded_model_predicts_exactly_the_same(page):
    assert page.reload_difference == 0.0
    x = page.x_test[:10]
    np.testing.assert_array_equal(page.model.predict(x, verbose=0), page.restored.predict(x, verbose=0))
    assert type(page.restored) is page.DigitClassifier
    assert page.blank.get_config()["hidden_units"] == 64


def test_exercise_scale_multiplies_and_round_trips(page):
    x = np.array([[1.0, -2.0], [0.5, 4.0]], dtype=np.float32)
    layer = page.Scale(initial=3.0, name="probe_scale")
    np.testing.assert_allclose(layer(x).numpy(), 3.0 * x)
    assert [w.name for w in layer.trainable_weights] == ["factors"]
    assert page.Scale.from_config(layer.get_config()).initial == 3.0


def test_exercise_scale_learns_the_factors(page):
    np.testing.assert_allclose(page.fitted.factors.numpy(), [0.5, -1.0, 2.0], atol=1e-3)
    assert float(page.scale_loss()) < 1e-6


def test_exercise_skip_classifier_feeds_the_pixels_to_the_logits(page):
    assert page.skip.get_layer("logits").kernel.shape == (128, 10)
    assert page.skip.count_params() == 4160 + 1290


def test_train_step_uses_sample_weights(page):
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(2)
    model = page.DigitClassifier(dropout=0.0, name="weighted")
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = page.x_train[:32], page.y_train[:32]
    weights = np.r_[np.ones(16), np.zeros(16)].astype(np.float32)
    y_pred = model(x)
    expected = float(model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=weights))
    accuracy = np.mean(y_pred.numpy()[:16].argmax(axis=1) == y[:16])
    logs = model.train_step((tf.constant(x), tf.constant(y), tf.constant(weights)))
    assert abs(float(logs["loss"]) - expected) < 1e-5
    assert abs(float(logs["accuracy"]) - accuracy) < 1e-6  # the zero-weighted half does not count
    logs = model.test_step((tf.constant(x), tf.constant(y), tf.constant(weights)))
    assert sorted(logs) == ["accuracy", "loss"]


def test_fit_accepts_class_weight(page):
    import keras

    model = page.DigitClassifier(name="class_weighted")
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(
        page.x_train[:64], page.y_train[:64], epochs=1, batch_size=32, verbose=0,
        class_weight={digit: 1.0 + digit for digit in range(10)},
    )
    assert history.history["loss"][0] > 0.1


def test_branch_on_a_tensor_traces_with_ops_cond_only(page):
    import tensorflow as tf

    layer = page.Normalize()
    small = page.x_test[:4]  # already in [0, 1]: returned unchanged
    np.testing.assert_array_equal(tf.function(layer)(small).numpy(), small)
    np.testing.assert_allclose(tf.function(layer)(page.raw).numpy(), page.raw / page.raw.max())
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        tf.function(page.NormalizeWithIf())(page.raw)


def test_normalize_with_if_leaves_small_inputs_alone_eagerly(page):
    """Eagerly the Python if works (the page shows it failing only when traced)."""
    import numpy as np

    layer = page.NormalizeWithIf()
    small = np.array([[0.25, 0.5]], dtype="float32")
    np.testing.assert_allclose(np.asarray(layer(small)), small)
