"""Checks for the claims made on docs/tensorflow/low-level.md."""

import contextlib
import io

import numpy as np
import pytest
import tensorflow as tf

with contextlib.redirect_stdout(io.StringIO()):  # the module trains on import
    from snippets.tensorflow import low_level as m


def test_digit_split_is_fixed_scaled_and_stratified():
    assert m.x_train.shape == (1347, 64) and m.x_test.shape == (450, 64)
    assert m.x_train.min() == 0.0 and m.x_train.max() == 1.0
    again = m.load_digit_split()
    np.testing.assert_array_equal(again[0], m.x_train)
    np.testing.assert_array_equal(again[3], m.y_test)
    train_share = np.bincount(m.y_train) / len(m.y_train)
    test_share = np.bincount(m.y_test) / len(m.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)


def test_variables_update_in_place_and_counter_is_not_trainable():
    assert m.v.numpy().tolist() == [1.5, 2.5]
    assert m.counter.numpy() == 1 and not m.counter.trainable


def test_module_collects_the_variables_of_nested_modules():
    shapes = sorted(tuple(v.shape) for v in m.model.trainable_variables)
    assert shapes == [(10,), (64,), (64, 10), (64, 64)]


def test_tape_gradient_of_output_bias_matches_closed_form():
    # d(mean cross-entropy)/d(bias) = mean over the batch of softmax - onehot.
    model = m.MLP(name="check")
    x, y = m.x_train[:32], m.y_train[:32]
    with tf.GradientTape() as tape:
        loss = m.loss_fn(model, x, y)
    grad = tape.gradient(loss, model.out.b)
    probs = tf.nn.softmax(model(x)).numpy()
    expected = (probs - np.eye(10)[y]).mean(axis=0)
    np.testing.assert_allclose(grad.numpy(), expected, atol=1e-6)


def test_tape_gradient_matches_finite_difference():
    # The output layer: the loss is smooth in its weights (no ReLU kink).
    model = m.MLP(name="fd")
    x, y = m.x_train[:64], m.y_train[:64]
    with tf.GradientTape() as tape:
        loss = m.loss_fn(model, x, y)
    grad = tape.gradient(loss, model.out.w).numpy()[3, 5]
    eps = 1e-2
    original = model.out.w.numpy()
    values = []
    for sign in (1, -1):
        shifted = original.copy()
        shifted[3, 5] += sign * eps
        model.out.w.assign(shifted)
        values.append(float(m.loss_fn(model, x, y)))
    model.out.w.assign(original)
    assert (values[0] - values[1]) / (2 * eps) == pytest.approx(grad, abs=1e-4)


def test_compiled_step_makes_the_same_update_as_the_eager_step():
    eager, graph = m.MLP(name="a"), m.MLP(name="b")  # same seeds: same init
    for va, vb in zip(eager.trainable_variables, graph.trainable_variables, strict=True):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    x, y = m.x_train[:32], m.y_train[:32]
    m.sgd_step(eager, x, y)
    tf.function(m.sgd_step)(graph, tf.constant(x), tf.constant(y))
    for va, vb in zip(eager.trainable_variables, graph.trainable_variables, strict=True):
        np.testing.assert_allclose(va.numpy(), vb.numpy(), atol=1e-6)


def test_step_is_traced_once_for_all_batch_sizes():
    assert m.compiled_step.experimental_get_tracing_count() == 1


def test_accuracies():
    assert m.accuracy(m.eager_model, m.x_test, m.y_test) > 0.5
    assert m.test_accuracy >= 0.95


def test_compiled_step_body_is_the_eager_sgd_step():
    """AutoGraph runs a converted copy, so coverage never sees the original body.

    Run the original Python function eagerly on a copy of the weights and compare.
    """
    saved = [v.numpy() for v in m.level1.trainable_variables]
    x, y = m.x_train[:32], m.y_train[:32]
    try:
        loss = m.compiled_step.python_function(x, y)
        after = [v.numpy() for v in m.level1.trainable_variables]
    finally:
        for variable, value in zip(m.level1.trainable_variables, saved, strict=True):
            variable.assign(value)
    assert np.isfinite(float(loss))
    assert any(not np.array_equal(a, s) for a, s in zip(after, saved, strict=True))
