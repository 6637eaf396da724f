"""Checks for the claims made on docs/tensorflow/low-level.md, run inside the page's run.

The page's outputs already pin the data's shapes and range, the variables' values, the
variables a module collects, the gradients' shapes and the trace count.
"""

import numpy as np
import pytest

PAGE = "docs/tensorflow/low-level.md"


def test_digit_split_is_fixed_and_stratified(page):
    again = page.load_digit_split()
    np.testing.assert_array_equal(again[0], page.x_train)
    np.testing.assert_array_equal(again[3], page.y_test)
    train_share = np.bincount(page.y_train) / len(page.y_train)
    test_share = np.bincount(page.y_test) / len(page.y_test)
    np.testing.assert_allclose(train_share, test_share, atol=0.01)


def test_untrained_loss_is_near_a_uniform_guess_and_gradients_are_not_zero(page):
    # The page prints the loss next to ln(10), the loss of a uniform guess.
    assert abs(float(page.loss) - np.log(10)) < 0.5
    by_hand = np.sqrt(sum(float(np.sum(g.numpy() ** 2)) for g in page.grads))
    assert by_hand > 0.1


def test_tape_gradient_of_output_bias_matches_closed_form(page):
    import tensorflow as tf

    # d(mean cross-entropy)/d(bias) = mean over the batch of softmax - onehot.
    model = page.MLP(name="check")
    x, y = page.x_train[:32], page.y_train[:32]
    with tf.GradientTape() as tape:
        loss = page.loss_fn(model, x, y)
    grad = tape.gradient(loss, model.out.b)
    probs = tf.nn.softmax(model(x)).numpy()
    expected = (probs - np.eye(10)[y]).mean(axis=0)
    np.testing.assert_allclose(grad.numpy(), expected, atol=1e-6)


def test_tape_gradient_matches_finite_difference(page):
    import tensorflow as tf

    # The output layer: the loss is smooth in its weights (no ReLU kink).
    model = page.MLP(name="fd")
    x, y = page.x_train[:64], page.y_train[:64]
    with tf.GradientTape() as tape:
        loss = page.loss_fn(model, x, y)
    grad = tape.gradient(loss, model.out.w).numpy()[3, 5]
    eps = 1e-2
    original = model.out.w.numpy()
    values = []
    for sign in (1, -1):
        shifted = original.copy()
        shifted[3, 5] += sign * eps
        model.out.w.assign(shifted)
        values.append(float(page.loss_fn(model, x, y)))
    model.out.w.assign(original)
    assert (values[0] - values[1]) / (2 * eps) == pytest.approx(grad, abs=1e-4)


def test_compiled_step_makes_the_same_update_as_the_eager_step(page):
    import tensorflow as tf

    eager, graph = page.MLP(name="a"), page.MLP(name="b")  # same seeds: same init
    for va, vb in zip(eager.trainable_variables, graph.trainable_variables, strict=True):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())
    x, y = page.x_train[:32], page.y_train[:32]
    page.sgd_step(eager, x, y)
    tf.function(page.sgd_step)(graph, tf.constant(x), tf.constant(y))
    for va, vb in zip(eager.trainable_variables, graph.trainable_variables, strict=True):
        np.testing.assert_allclose(va.numpy(), vb.numpy(), atol=1e-6)


def test_accuracy_floors(page):
    assert page.accuracy(page.eager_model, page.x_test, page.y_test) > 0.5
    assert page.test_accuracy >= 0.95


def test_compiled_step_body_is_the_eager_sgd_step(page):
    """AutoGraph runs a converted copy, so coverage never sees the original body.

    Run the original Python function eagerly on the page's model and put its weights back.
    """
    saved = [v.numpy() for v in page.level1.trainable_variables]
    x, y = page.x_train[:32], page.y_train[:32]
    try:
        loss = page.compiled_step.python_function(x, y)
        after = [v.numpy() for v in page.level1.trainable_variables]
    finally:
        for variable, value in zip(page.level1.trainable_variables, saved, strict=True):
            variable.assign(value)
    assert np.isfinite(float(loss))
    assert any(not np.array_equal(a, s) for a, s in zip(after, saved, strict=True))


def test_exercise_line_is_recovered(page):
    assert float(page.slope) == pytest.approx(3.0, abs=1e-3)
    assert float(page.intercept) == pytest.approx(2.0, abs=1e-3)
    assert float(page.line_loss()) < 1e-6


def test_exercise_softmax_regression_learns(page):
    assert page.accuracy(page.linear, page.x_test, page.y_test) > 0.5
    assert [tuple(v.shape) for v in page.linear.trainable_variables] == [(10,), (64, 10)]


def test_variable_names_say_which_layer(page):
    assert [v.name for v in page.model.trainable_variables] == [
        "mlp/hidden/b:0", "mlp/hidden/w:0", "mlp/out/b:0", "mlp/out/w:0"
    ]


def test_one_compiled_epoch_equals_one_eager_epoch(page):
    assert page.eager_vs_graph < 1e-5
    assert page.compiled_step.experimental_get_tracing_count() == 1


def test_python_scalars_retrace_and_side_effects_run_per_trace(page):
    assert page.traced_with[:3] == [1.0, 2.0, 3.0]
    assert len(page.traced_with) == 4  # the tensor trace added a symbolic tensor
    assert page.scale.experimental_get_tracing_count() == 4


def test_checkpoint_and_saved_model_give_the_trained_weights_back(page):
    import tensorflow as tf

    assert int(page.restored_step) == 20
    assert page.checkpoint_difference == 0.0
    assert page.served_difference < 1e-6
    probabilities = page.loaded.signatures["serving_default"](x=tf.constant(page.x_test[:5]))
    (values,) = probabilities.values()
    np.testing.assert_allclose(values.numpy(), tf.nn.softmax(page.level1(page.x_test[:5])).numpy(), atol=1e-6)



def test_the_traced_functions_compute_what_their_source_says(page):
    """tf.function bodies run as AutoGraph's converted copy: call the originals too."""
    import numpy as np
    import tensorflow as tf

    assert page.scale.python_function(tf.constant([1.0, 2.0]), 3.0).numpy().tolist() == [3.0, 6.0]
    batch = tf.constant(page.x_test[:2], dtype=tf.float32)
    original = page.Exported.probabilities.python_function(page.exported, batch).numpy()
    np.testing.assert_allclose(original, page.exported.probabilities(batch).numpy(), atol=1e-6)
    np.testing.assert_allclose(original.sum(axis=1), 1.0, atol=1e-6)
