"""Checks for the claims made on docs/foundations/autodiff.md.

Every gradient the page shows is compared with central finite differences,
(f(x + h) - f(x - h)) / 2h, evaluated in float64 with h = 1e-6. The page's results are
float32, so they are compared with a relative tolerance of 1e-4 (absolute 1e-5).
"""

import math
import warnings

import numpy as np
import pytest
import tensorflow as tf
import torch

from snippets.foundations import autodiff as ad

H = 1e-6
RTOL, ATOL = 1e-4, 1e-5


def central_diff(fn, point):
    """Finite-difference gradient (or Jacobian, for vector outputs) of fn at point."""
    point = np.asarray(point, dtype=np.float64)
    columns = []
    for i in range(point.size):
        step = np.zeros_like(point)
        step.flat[i] = H
        up, down = np.asarray(fn(point + step)), np.asarray(fn(point - step))
        columns.append((up - down) / (2 * H))
    return np.stack(columns, axis=-1)


def f_numpy(p):
    x, y = p
    return (x * y + math.sin(x)) ** 2


def tf64(fn):
    return lambda p: fn(tf.constant(p, tf.float64)).numpy()


def torch64(fn):
    return lambda p: fn(torch.tensor(p, dtype=torch.float64)).numpy()


def test_hand_reverse_mode_matches_finite_differences():
    expected = central_diff(f_numpy, [0.5, 2.0])
    np.testing.assert_allclose([ad.x_bar, ad.y_bar], expected, rtol=1e-7)


def test_framework_gradients_match_finite_differences_and_the_hand_sweep():
    # The framework functions themselves, evaluated in float64, agree with f_numpy...
    assert ad.f_tf(tf.constant(0.5, tf.float64), tf.constant(2.0, tf.float64)).numpy() == pytest.approx(
        f_numpy([0.5, 2.0]), rel=1e-12
    )
    assert ad.f_torch(torch.tensor(0.5, dtype=torch.float64), 2.0).item() == pytest.approx(
        f_numpy([0.5, 2.0]), rel=1e-12
    )
    # ...and the float32 gradients shown agree with finite differences.
    expected = central_diff(f_numpy, [0.5, 2.0])
    np.testing.assert_allclose([ad.df_dx.numpy(), ad.df_dy.numpy()], expected, rtol=RTOL, atol=ATOL)
    with torch.no_grad():
        x_pt = torch.tensor(0.5, requires_grad=True)
        y_pt = torch.tensor(2.0, requires_grad=True)
    with torch.enable_grad():
        ad.f_torch(x_pt, y_pt).backward()
    np.testing.assert_allclose([x_pt.grad.item(), y_pt.grad.item()], expected, rtol=RTOL, atol=ATOL)


def test_tape_watch_persistent_and_torch_accumulation():
    const = tf.constant(3.0)
    with tf.GradientTape() as tape:
        square = const**2
    assert tape.gradient(square, const) is None
    with tf.GradientTape() as tape:
        tape.watch(const)
        cube = const**3
    tape.gradient(cube, const)
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(cube, const)
    # d(w³)/dw at 3 is 27, accumulated twice; the first (w²) gradient was reset.
    assert ad.w.grad.item() == pytest.approx(2 * central_diff(lambda p: p[0] ** 3, [3.0])[0], rel=1e-6)
    assert not ad.const_pt.requires_grad


def test_stop_gradient_and_detach_treat_the_value_as_a_constant():
    # d/dx (x · c) with c = 2 held constant is 2; the full d(x²)/dx would be 4.
    constant_factor = central_diff(lambda p: p[0] * 2.0, [2.0])[0]
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        product = x * tf.stop_gradient(x)
    assert tape.gradient(product, x).numpy() == pytest.approx(constant_factor)
    x_pt = torch.tensor(2.0, requires_grad=True)
    (x_pt * x_pt.detach()).backward()
    assert x_pt.grad.item() == pytest.approx(constant_factor)


def test_in_place_change_of_a_saved_value_is_refused():
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    s = torch.sigmoid(t)
    s.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()
    # The out-of-place form works and matches finite differences of 2·sigmoid.
    t2 = torch.tensor([1.0, 2.0], requires_grad=True)
    (torch.sigmoid(t2) * 2).sum().backward()
    expected = central_diff(lambda p: np.sum(2 / (1 + np.exp(-p))), [1.0, 2.0])
    np.testing.assert_allclose(t2.grad.numpy(), expected, rtol=RTOL)


def test_second_derivatives_match_finite_differences():
    first = central_diff(tf64(ad.cube_tf), [1.5])[0]
    second = central_diff(lambda p: central_diff(tf64(ad.cube_tf), p)[0], [1.5])[0]
    assert first == pytest.approx(4.75, rel=1e-6)
    # Nested finite differences lose precision: 1e-3 relative.
    assert second == pytest.approx(9.0, rel=1e-3)
    for dy, d2y in [(ad.dy.numpy(), ad.d2y.numpy()), (ad.dy_pt.detach().item(), ad.d2y_pt.item())]:
        assert float(dy) == pytest.approx(first, rel=RTOL)
        assert float(d2y) == pytest.approx(9.0, rel=RTOL)
    assert central_diff(torch64(ad.cube_torch), [1.5])[0] == pytest.approx(first, rel=1e-9)


def test_jacobians_match_finite_differences():
    expected = central_diff(tf64(ad.g_tf), [1.0, 2.0])
    np.testing.assert_allclose(central_diff(torch64(ad.g_torch), [1.0, 2.0]), expected, rtol=1e-9)
    np.testing.assert_allclose(ad.jac.numpy(), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ad.jac_pt.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_hessians_match_finite_differences_of_the_gradient():
    def gradient64(p):
        v = tf.Variable(p, dtype=tf.float64)
        with tf.GradientTape() as tape:
            value = ad.h_tf(v)
        return tape.gradient(value, v).numpy()

    expected = central_diff(gradient64, [1.0, 2.0])
    np.testing.assert_allclose(expected, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-6)
    np.testing.assert_allclose(ad.hess.numpy(), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ad.hess_pt.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_torch_func_hessian_gives_the_same_matrix():
    # Shown in prose only: in torch 2.13 its first use warns from inside PyTorch.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = torch.func.hessian(ad.h_torch)(ad.v_pt)
    torch.testing.assert_close(result, ad.hess_pt)


def test_flat_and_discrete_operations_have_no_useful_gradient():
    x = np.array([0.4, 1.6, 2.5])
    # Finite differences confirm: rounding is flat (away from its jumps; 2.5 sits on one).
    np.testing.assert_array_equal(central_diff(lambda p: np.sum(np.round(p)), [0.4, 1.6, 2.4]), 0.0)
    x_tf = tf.Variable(x, dtype=tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        results = [tf.round(x_tf), tf.argmax(x_tf), tf.cast(x_tf, tf.int32)]
    assert all(tape.gradient(r, x_tf) is None for r in results)
    x_pt = torch.tensor(x, requires_grad=True)
    torch.round(x_pt).sum().backward()
    assert torch.count_nonzero(x_pt.grad) == 0
    assert not torch.argmax(x_pt).requires_grad and not x_pt.long().requires_grad


def test_straight_through_estimator_values_and_gradients():
    expected_forward = [0.0, 2.0, 2.0]
    expected_grad = [1.0, 2.0, 3.0]  # the weights: d/dx sum(w * x) with round skipped
    assert ad.q.numpy().tolist() == expected_forward
    assert ad.q_pt.detach().tolist() == expected_forward
    assert ad.x_pt.grad.tolist() == expected_grad
    x = tf.Variable([0.4, 1.6, 2.5])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(ad.weights * ad.round_ste_tf(x))
    assert tape.gradient(loss, x).numpy().tolist() == expected_grad
    # Without the estimator, the true gradient is zero (2.4: away from the jump at 2.5).
    true_grad = central_diff(lambda p: np.sum(np.array(expected_grad) * np.round(p)), [0.4, 1.6, 2.4])
    assert true_grad.tolist() == [0, 0, 0]


@pytest.mark.parametrize("framework", ["tf", "torch"])
def test_reparameterization_gradients(framework):
    if framework == "tf":
        eps = ad.eps.numpy().astype(np.float64)
        d_mu, d_sigma = ad.d_mu.numpy(), ad.d_sigma.numpy()
    else:
        eps = ad.eps_pt.numpy().astype(np.float64)
        d_mu, d_sigma = ad.mu_pt.grad.item(), ad.sigma_pt.grad.item()

    def loss(p):
        return np.mean((p[0] + p[1] * eps) ** 2)

    z = 0.5 + 2.0 * eps
    expected = central_diff(loss, [0.5, 2.0])
    np.testing.assert_allclose(expected, [2 * z.mean(), 2 * (z * eps).mean()], rtol=1e-6)
    np.testing.assert_allclose([d_mu, d_sigma], expected, rtol=RTOL, atol=ATOL)
    # A Monte Carlo estimate of the exact gradients of E[z²] = mu² + sigma²: (1, 4).
    assert abs(d_mu - 1.0) < 0.2 and abs(d_sigma - 4.0) < 0.4


def test_rsample_is_differentiable_and_sample_is_not():
    mu = torch.tensor(0.5, requires_grad=True)
    normal = torch.distributions.Normal(mu, 2.0)
    assert normal.rsample().requires_grad and not normal.sample().requires_grad
    # rsample uses the same formula: mu + sigma * eps with eps from the global generator.
    torch.manual_seed(1)
    drawn = normal.rsample()
    torch.manual_seed(1)
    eps = torch.randn(())
    assert drawn.item() == pytest.approx((0.5 + 2.0 * eps).item())
