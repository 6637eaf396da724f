"""Checks for docs/performance/mixed-precision.md: types, underflow, loss scaling, NaN hunting.

The tests run inside the page's run, on each framework's reading path.
"""

import numpy as np

PAGE = "docs/performance/mixed-precision.md"

FLOAT16_SMALLEST_SUBNORMAL = 2.0**-24


def test_the_mixed_layer_keeps_float32_weights_and_computes_in_float16(tf_page):
    dense = tf_page.dense  # the last Dense layer of the page: the scaler's
    assert dense.kernel.dtype == "float32" and dense.compute_dtype == "float16"
    fresh = tf_page.keras.layers.Dense(2, dtype=tf_page.policy)
    assert fresh(tf_page.x).dtype == tf_page.tf.float16


def test_autocast_lists_on_the_cpu(torch_page):
    torch, results = torch_page.torch, torch_page.results
    lower = {"linear(x)", "x @ x.T", "logits.softmax(-1)", "logits.sum()", "logits.exp()"}
    assert {name for name, r in results.items() if r.dtype == torch.bfloat16} == lower
    # Outside autocast the same operations give float32 again.
    assert torch_page.layer(torch_page.x).dtype == torch.float32


def numpy_gradient(x, weight, bias, factor=1e-8):
    """d(factor * mean(out**2)) / d weight for out = x @ weight.T + bias, in float64."""
    out = x @ weight.T + bias
    return (factor * 2 * out / len(x)).T @ x


def test_torch_scaled_gradients_match_float32_and_unscaled_ones_vanish(torch_page):
    torch, nn = torch_page.torch, torch_page.nn
    torch.manual_seed(0)
    model = nn.Linear(4, 1)  # the same initial weights as in first_gradient
    x = torch_page.inputs.double().numpy()
    weight, bias = model.weight.detach().double().numpy(), model.bias.detach().double().numpy()
    expected = numpy_gradient(x, weight, bias).ravel()
    # The gradient reaching the float16 output is far below float16's smallest value.
    upstream = 1e-8 * 2 * (x @ weight.T + bias) / len(x)
    assert 1e-10 < np.abs(upstream).max() < FLOAT16_SMALLEST_SUBNORMAL / 10  # about 1e-9
    unscaled = torch_page.first_gradient(torch.amp.GradScaler("cpu", enabled=False))
    scaled = torch_page.first_gradient(torch.amp.GradScaler("cpu"))
    assert list(unscaled) == [0.0] * 4
    np.testing.assert_allclose(scaled, expected, rtol=2e-2)


def test_keras_scaled_gradients_match_float32_and_unscaled_ones_vanish(tf_page):
    keras = tf_page.keras
    keras.utils.set_random_seed(0)
    dense = keras.layers.Dense(1)  # float32, with the initial weights of first_gradient
    dense.build((None, 4))
    x = tf_page.features.astype("float64")
    weight = dense.kernel.numpy().astype("float64").T
    bias = dense.bias.numpy().astype("float64")
    expected = numpy_gradient(x, weight, bias).ravel()
    plain = tf_page.first_gradient(keras.optimizers.SGD(0.1))
    scaled = tf_page.first_gradient(keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1)))
    assert list(plain) == [0.0] * 4
    np.testing.assert_allclose(scaled, expected, rtol=2e-2)


def test_float16_limits_are_the_ones_the_prose_gives(tf_page):
    half = tf_page.half
    assert float(half.max) == 65504.0
    assert float(half.smallest_subnormal) == FLOAT16_SMALLEST_SUBNORMAL
    assert np.exp(np.float16(-20.0)) == 0  # the softmax example's e^-20


def test_torch_scaler_skipped_only_the_outlier_step_and_kept_finite_weights(torch_page):
    torch = torch_page.torch
    assert torch_page.scaler.get_scale() == 2048.0
    assert torch.isfinite(torch_page.model.weight).all()
    assert torch_page.defaults.get_scale() == 2.0**16


def test_keras_scaler_skipped_only_the_outlier_step_and_kept_finite_weights(tf_page):
    optimizer = tf_page.optimizer
    assert float(optimizer.dynamic_scale.numpy()) == 2048.0
    assert int(optimizer.iterations.numpy()) == 4  # five steps, one skipped
    assert np.isfinite(tf_page.dense.kernel.numpy()).all()
    assert tf_page.defaults.initial_scale == 2.0**15


def test_check_numerics_is_off_again_after_the_page(tf_page):
    tf = tf_page.tf
    assert np.isnan(float(tf.math.log(tf.constant(0.0)) * 0.0))  # no error raised


def test_the_fixed_losses_are_finite_and_tiny(tf_page):
    assert np.isfinite(tf_page.fixed.numpy()).all()
    assert abs(float(tf_page.fixed.numpy()[0])) < 1e-6


def test_anomaly_mode_names_log_and_points_at_the_forward_line(torch_page):
    messages = [str(w.message) for w in torch_page.caught]
    assert len(messages) == 2
    assert messages[1].startswith("Error detected in LogBackward0")
    assert "probs.log()" in messages[1]
    assert torch_page.torch.isfinite(torch_page.fixed)
    assert not torch_page.torch.is_anomaly_enabled()


def test_tf_softmax_in_float16_gives_exactly_zero_and_a_nan_loss(tf_page):
    tf = tf_page.tf
    probs = tf.nn.softmax(tf_page.logits)
    assert probs.dtype == tf.float16 and float(probs[0, 0]) == 0.0
    assert np.isnan(float(-tf.reduce_sum(tf_page.labels * tf.math.log(probs))))


def test_torch_softmax_in_float16_gives_exactly_zero_and_a_nan_loss(torch_page):
    probs = torch_page.logits.detach().softmax(-1)
    assert probs.dtype == torch_page.torch.float16 and float(probs[0, 0]) == 0.0
    assert torch_page.torch.isnan(-(torch_page.labels * probs.log()).sum())
