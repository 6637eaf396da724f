"""Checks for the claims made on docs/foundations/autodiff.md.

The page's results are compared with central finite differences,
(f(x + h) - f(x - h)) / 2h, evaluated in float64 with h = 1e-6. The page's results are
float32, so they are compared with a relative tolerance of 1e-4 (absolute 1e-5). The
printed outputs pin the rest: which gradients are None, what the tapes refuse, the
straight-through values.
"""

import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests import pictures

PAGE = "docs/foundations/autodiff.md"
ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "foundations" / "img"
GRAPH_NODES = ["x", "y", "a", "b", "c", "f"]

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
    import tensorflow as tf

    return lambda p: fn(tf.constant(p, tf.float64)).numpy()


def torch64(fn):
    import torch

    return lambda p: fn(torch.tensor(p, dtype=torch.float64)).numpy()


def test_hand_reverse_mode_matches_finite_differences(tf_page):
    expected = central_diff(f_numpy, [0.5, 2.0])
    np.testing.assert_allclose([tf_page.x_bar, tf_page.y_bar], expected, rtol=1e-7)


def same_picture(drawn, shown):
    # Stricter than the default: one changed digit of the numbers changes about 40 of the
    # picture's 90,000 pixels.
    pictures.same_picture(drawn, shown, "snippets.foundations.autodiff", tolerance=1e-4)


def check_graph_picture(page, values, grads, df_dx, df_dy):
    """The picture drawn in this run is the committed one, and the forward values and
    gradients it shows for every node are the framework's: the page's own df/dx and
    df/dy, and values and gradients recomputed step by step (intermediate nodes included)."""
    same_picture(page.graph_file, IMG / "autodiff-graph.png")
    assert set(page.nodes) == set(GRAPH_NODES)
    shown_values = [page.nodes[name][2] for name in GRAPH_NODES]
    shown_grads = [page.nodes[name][3] for name in GRAPH_NODES]
    np.testing.assert_allclose(shown_values, values, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(shown_grads, grads, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(shown_grads[:2], [df_dx, df_dy], rtol=RTOL, atol=ATOL)
    edges = {(start, end) for start, end in page.arrows}
    assert edges == {("x", "a"), ("y", "a"), ("x", "b"), ("a", "c"), ("b", "c"), ("c", "f")}


def test_tf_graph_picture_shows_the_tapes_values(tf_page):
    import tensorflow as tf

    x, y = tf.Variable(0.5), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        a = x * y
        b = tf.sin(x)
        c = a + b
        f = c**2
    steps = [x, y, a, b, c, f]
    grads = tape.gradient(f, steps)  # of f with respect to f itself: 1
    check_graph_picture(
        tf_page,
        [float(v) for v in steps],
        [float(g) for g in grads],
        float(tf_page.df_dx),
        float(tf_page.df_dy),
    )


def test_torch_graph_picture_shows_autograds_values(torch_page):
    import torch

    x = torch.tensor(0.5, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    a = x * y
    b = torch.sin(x)
    c = a + b
    f = c**2
    steps = [x, y, a, b, c, f]
    grads = torch.autograd.grad(f, steps, retain_graph=True)
    # The page's x_pt.grad accumulates in later sections: f_torch on fresh leaves instead.
    x_pt = torch.tensor(0.5, requires_grad=True)
    y_pt = torch.tensor(2.0, requires_grad=True)
    torch_page.f_torch(x_pt, y_pt).backward()
    check_graph_picture(
        torch_page,
        [v.item() for v in steps],
        [g.item() for g in grads],
        x_pt.grad.item(),
        y_pt.grad.item(),
    )


def test_the_text_about_the_picture_writes_its_numbers(tf_page):
    """Every number in the picture's alt text and in the paragraph after it is one the
    picture shows (to its 4 decimals, trailing zeros dropped) or one of the two
    contributions to df/dx, and every number the picture shows is in the alt text."""
    text = (ROOT / PAGE).read_text(encoding="utf-8")
    alt = re.search(r"!\[([^\]]*)\]\(img/autodiff-graph\.png\)", text, re.S).group(1)
    after = text[text.index("(img/autodiff-graph.png)") :]
    paragraph = after[: after.index("??? example")]

    def shown(value):
        return f"{value:.4f}".rstrip("0").rstrip(".")

    pictured = {shown(v) for _, _, value, grad in tf_page.nodes.values() for v in (value, grad)}
    nodes = tf_page.nodes
    through_a = nodes["a"][3] * nodes["y"][2]
    through_b = nodes["b"][3] * math.cos(nodes["x"][2])
    assert shown(through_a + through_b) == shown(nodes["x"][3])
    number = r"\d+(?:\.\d+)?"
    assert set(re.findall(number, alt)) == pictured
    assert set(re.findall(number, paragraph)) <= pictured | {shown(through_a), shown(through_b)}
    assert {shown(through_a), shown(through_b), shown(nodes["x"][3])} <= set(re.findall(number, paragraph))


def test_tf_tape_gradients_match_finite_differences(tf_page):
    import tensorflow as tf

    # The function itself, evaluated in float64, agrees with f_numpy...
    value = tf_page.f_tf(tf.constant(0.5, tf.float64), tf.constant(2.0, tf.float64)).numpy()
    assert value == pytest.approx(f_numpy([0.5, 2.0]), rel=1e-12)
    # ...and the float32 gradients shown agree with finite differences.
    expected = central_diff(f_numpy, [0.5, 2.0])
    np.testing.assert_allclose([tf_page.df_dx.numpy(), tf_page.df_dy.numpy()], expected, rtol=RTOL, atol=ATOL)


def test_torch_backward_gradients_match_finite_differences(torch_page):
    import torch

    value = torch_page.f_torch(torch.tensor(0.5, dtype=torch.float64), 2.0).item()
    assert value == pytest.approx(f_numpy([0.5, 2.0]), rel=1e-12)
    # The page reuses x_pt for later sections: take the gradients again on fresh leaves.
    x_pt = torch.tensor(0.5, requires_grad=True)
    y_pt = torch.tensor(2.0, requires_grad=True)
    torch_page.f_torch(x_pt, y_pt).backward()
    expected = central_diff(f_numpy, [0.5, 2.0])
    np.testing.assert_allclose([x_pt.grad.item(), y_pt.grad.item()], expected, rtol=RTOL, atol=ATOL)


def test_torch_accumulated_gradient_is_two_derivatives(torch_page):
    # d(w³)/dw at 3 is 27, accumulated twice; the first (w²) gradients were reset.
    derivative = central_diff(lambda p: p[0] ** 3, [3.0])[0]
    assert torch_page.w.grad.item() == pytest.approx(2 * derivative, rel=1e-6)


def test_tf_stop_gradient_treats_the_value_as_a_constant(tf_page):
    import tensorflow as tf

    # d/dx (x · c) with c = 2 held constant is 2; the full d(x²)/dx would be 4.
    constant_factor = central_diff(lambda p: p[0] * 2.0, [2.0])[0]
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        product = x * tf.stop_gradient(x)
    assert tape.gradient(product, x).numpy() == pytest.approx(constant_factor)


def test_torch_detach_treats_the_value_as_a_constant(torch_page):
    import torch

    constant_factor = central_diff(lambda p: p[0] * 2.0, [2.0])[0]
    x_pt = torch.tensor(2.0, requires_grad=True)
    (x_pt * x_pt.detach()).backward()
    assert x_pt.grad.item() == pytest.approx(constant_factor)


def test_torch_out_of_place_fix_gives_the_right_gradient(torch_page):
    import torch

    t = torch.tensor([1.0, 2.0], requires_grad=True)
    (torch.sigmoid(t) * 2).sum().backward()
    expected = central_diff(lambda p: np.sum(2 / (1 + np.exp(-p))), [1.0, 2.0])
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=RTOL)


def second_derivative_checks(fn64, dy, d2y):
    first = central_diff(fn64, [1.5])[0]
    second = central_diff(lambda p: central_diff(fn64, p)[0], [1.5])[0]
    assert first == pytest.approx(4.75, rel=1e-6)
    # Nested finite differences lose precision: 1e-3 relative.
    assert second == pytest.approx(9.0, rel=1e-3)
    assert dy == pytest.approx(first, rel=RTOL)
    assert d2y == pytest.approx(9.0, rel=RTOL)


def test_tf_second_derivatives_match_finite_differences(tf_page):
    second_derivative_checks(tf64(tf_page.cube_tf), float(tf_page.dy), float(tf_page.d2y))


def test_torch_second_derivatives_match_finite_differences(torch_page):
    dy, d2y = torch_page.dy_pt.detach().item(), torch_page.d2y_pt.item()
    second_derivative_checks(torch64(torch_page.cube_torch), dy, d2y)


def test_tf_jacobian_matches_finite_differences(tf_page):
    expected = central_diff(tf64(tf_page.g_tf), [1.0, 2.0])
    np.testing.assert_allclose(tf_page.jac.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_torch_jacobian_matches_finite_differences(torch_page):
    expected = central_diff(torch64(torch_page.g_torch), [1.0, 2.0])
    np.testing.assert_allclose(torch_page.jac_pt.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_tf_hessian_matches_finite_differences_of_the_gradient(tf_page):
    import tensorflow as tf

    def gradient64(p):
        v = tf.Variable(p, dtype=tf.float64)
        with tf.GradientTape() as tape:
            value = tf_page.h_tf(v)
        return tape.gradient(value, v).numpy()

    expected = central_diff(gradient64, [1.0, 2.0])
    np.testing.assert_allclose(expected, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-6)
    np.testing.assert_allclose(tf_page.hess.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_torch_hessian_matches_finite_differences_of_the_gradient(torch_page):
    import torch

    def gradient64(p):
        v = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(torch_page.h_torch(v), v)
        return grad.numpy()

    expected = central_diff(gradient64, [1.0, 2.0])
    np.testing.assert_allclose(expected, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-6)
    np.testing.assert_allclose(torch_page.hess_pt.numpy(), expected, rtol=RTOL, atol=ATOL)


def test_torch_func_hessian_gives_the_same_matrix(torch_page):
    import torch

    # Shown in prose only: in torch 2.13 its first use warns from inside PyTorch.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = torch.func.hessian(torch_page.h_torch)(torch_page.v_pt)
    torch.testing.assert_close(result, torch_page.hess_pt)


def test_true_gradient_of_the_rounded_sum_is_zero():
    # Rounding is flat away from its jumps (2.5 sits on one, so 2.4 is used): the true
    # gradient of sum(w * round(x)) is zero, where the straight-through estimator gives w.
    weights = np.array([1.0, 2.0, 3.0])
    true_grad = central_diff(lambda p: np.sum(weights * np.round(p)), [0.4, 1.6, 2.4])
    assert true_grad.tolist() == [0, 0, 0]


def reparameterization_checks(eps, d_mu, d_sigma):
    def loss(p):
        return np.mean((p[0] + p[1] * eps) ** 2)

    z = 0.5 + 2.0 * eps
    expected = central_diff(loss, [0.5, 2.0])
    np.testing.assert_allclose(expected, [2 * z.mean(), 2 * (z * eps).mean()], rtol=1e-6)
    np.testing.assert_allclose([d_mu, d_sigma], expected, rtol=RTOL, atol=ATOL)
    # A Monte Carlo estimate of the exact gradients of E[z²] = mu² + sigma²: (1, 4).
    assert abs(d_mu - 1.0) < 0.2 and abs(d_sigma - 4.0) < 0.4


def test_tf_reparameterization_gradients(tf_page):
    eps = tf_page.eps.numpy().astype(np.float64)
    reparameterization_checks(eps, float(tf_page.d_mu), float(tf_page.d_sigma))


def test_torch_reparameterization_gradients(torch_page):
    eps = torch_page.eps_pt.numpy().astype(np.float64)
    reparameterization_checks(eps, torch_page.mu_pt.grad.item(), torch_page.sigma_pt.grad.item())


def test_rsample_is_mu_plus_sigma_times_noise(torch_page):
    import torch

    # rsample uses the same formula: mu + sigma * eps with eps from the global generator.
    normal = torch_page.Normal(torch.tensor(0.5, requires_grad=True), 2.0)
    torch.manual_seed(1)
    drawn = normal.rsample()
    torch.manual_seed(1)
    eps = torch.randn(())
    assert drawn.item() == pytest.approx((0.5 + 2.0 * eps).item())


def test_tf_forward_mode_equals_the_reverse_mode_directional_derivative(tf_page):
    expected = central_diff(f_numpy, [0.5, 2.0]).sum()
    assert float(tf_page.jvp_tf) == pytest.approx(expected, rel=RTOL)
    assert float(tf_page.jvp_tf) == pytest.approx(float(tf_page.df_dx + tf_page.df_dy), rel=1e-6)


def test_torch_forward_mode_equals_the_reverse_mode_directional_derivative(torch_page):
    expected = central_diff(f_numpy, [0.5, 2.0]).sum()
    assert torch_page.jvp_pt.item() == pytest.approx(expected, rel=RTOL)
    assert torch_page.f_fw_pt.item() == pytest.approx(f_numpy([0.5, 2.0]), rel=1e-6)


def test_tf_builtin_normal_sampler_is_reparameterized(tf_page):
    z = tf_page.z_builtin.numpy().astype(np.float64)
    eps = (z - 0.5) / 2.0
    np.testing.assert_allclose(
        [float(tf_page.d_mu_builtin), float(tf_page.d_sigma_builtin)],
        [2 * z.mean(), 2 * (z * eps).mean()],
        rtol=RTOL,
    )


# Discrete sampling: estimates from 10,000 draws against the exact gradient p_j (f_j - E[f]).
SAMPLING_TOL = 0.03  # a few standard errors of the score-function estimate


def exact_categorical_gradient():
    theta, values = np.array([0.5, 0.0, -0.5]), np.array([1.0, 2.0, 4.0])
    p = np.exp(theta) / np.exp(theta).sum()
    return p, p * (values - p @ values)


def discrete_checks(exact, score, st_cold, st_warm, frequencies):
    p, expected = exact_categorical_gradient()
    np.testing.assert_allclose(exact, expected, rtol=1e-5)
    assert np.abs(score - expected).max() < SAMPLING_TOL  # unbiased: within noise
    assert np.abs(st_cold - expected).max() < SAMPLING_TOL  # small bias at tau = 0.1
    assert np.abs(st_warm - expected).max() > 0.1  # visible bias at tau = 1
    assert np.abs(frequencies - p).max() < 0.02  # the one-hot values are true samples


def test_tf_discrete_gradient_estimators(tf_page):
    discrete_checks(
        tf_page.exact.numpy(),
        tf_page.score_grad.numpy(),
        tf_page.st_grads[0.1].numpy(),
        tf_page.st_grads[1.0].numpy(),
        tf_page.frequencies.numpy(),
    )


def test_torch_discrete_gradient_estimators(torch_page):
    discrete_checks(
        torch_page.exact_pt.numpy(),
        torch_page.score_grad_pt.numpy(),
        torch_page.st_grads_pt[0.1].numpy(),
        torch_page.st_grads_pt[1.0].numpy(),
        torch_page.frequencies_pt.numpy(),
    )


# Exercises: the gradients against finite differences, Newton's steps against NumPy.

EXERCISE_X, EXERCISE_Y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 5.0, 8.0])


def exercise_checks(dl_dw, dl_db, accumulated, full, newton_x):
    expected = central_diff(lambda p: (p[0] * 2.0 + p[1] - 1.0) ** 2, [1.0, 0.5])
    np.testing.assert_allclose([dl_dw, dl_db], expected, rtol=RTOL, atol=ATOL)

    def batch_grad(xs, ys):
        return central_diff(lambda p: np.sum((p[0] * xs - ys) ** 2), [1.0])[0]

    halves = batch_grad(EXERCISE_X[:2], EXERCISE_Y[:2]) + batch_grad(EXERCISE_X[2:], EXERCISE_Y[2:])
    assert accumulated == pytest.approx(halves, rel=RTOL)
    assert full == pytest.approx(batch_grad(EXERCISE_X, EXERCISE_Y), rel=RTOL)
    x = 2.0
    for _ in range(4):
        x -= (x**3 - 1) / (3 * x**2)
    assert newton_x == pytest.approx(x, rel=1e-6)
    assert newton_x == pytest.approx(1.0, abs=1e-3)


def test_tf_exercise_solutions(tf_page):
    page = tf_page
    exercise_checks(
        float(page.dl_dw),
        float(page.dl_db),
        float(page.total),
        float(page.batch_gradient(page.inputs, page.labels)),
        float(page.point.numpy()),
    )


def test_torch_exercise_solutions(torch_page):
    import torch

    page = torch_page
    slope = torch.tensor(1.0, requires_grad=True)
    for batch in (slice(0, 2), slice(2, 4)):
        ((slope * page.inputs_pt[batch] - page.labels_pt[batch]) ** 2).sum().backward()
    exercise_checks(
        page.weight_pt.grad.item(),
        page.bias_pt.grad.item(),
        slope.grad.item(),
        page.slope_pt.grad.item(),
        page.point_pt.item(),
    )


# ----------------------------------------------------------- Non-scalar targets, custom gradients


def test_tf_non_scalar_target_is_summed_or_weighted(tf_page):
    v = np.array([1.0, 2.0, 3.0])
    with_weights = central_diff(lambda p: np.sum(np.array([1.0, 0.0, -1.0]) * p**2), v)
    np.testing.assert_allclose(central_diff(lambda p: np.sum(p**2), v), 2 * v, rtol=RTOL)
    with tf_page.tf.GradientTape(persistent=True) as tape_tf:
        out = tf_page.v_in**2
    summed = tape_tf.gradient(out, tf_page.v_in).numpy()
    weighted = tape_tf.gradient(out, tf_page.v_in, output_gradients=tf_page.mix).numpy()
    np.testing.assert_allclose(summed, 2 * v, rtol=RTOL)
    np.testing.assert_allclose(weighted, with_weights, rtol=RTOL, atol=ATOL)


def test_torch_non_scalar_target_needs_gradient_and_is_weighted_by_it(torch_page):
    with_weights = central_diff(lambda p: np.sum(np.array([1.0, 0.0, -1.0]) * p**2), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(torch_page.v_in_pt.grad.numpy(), with_weights, rtol=RTOL, atol=ATOL)


def test_tf_custom_gradient_passes_the_gradient_through(tf_page):
    np.testing.assert_array_equal(tf_page.q.numpy(), [0.0, 2.0, 2.0])
    with tf_page.tf.GradientTape() as tape_tf:
        loss = tf_page.tf.reduce_sum(tf_page.weights * tf_page.round_passing_gradient(tf_page.x))
    np.testing.assert_array_equal(tape_tf.gradient(loss, tf_page.x).numpy(), tf_page.weights.numpy())


def test_torch_custom_function_passes_the_gradient_through(torch_page):
    import torch

    np.testing.assert_array_equal(torch_page.q_pt.detach().numpy(), [0.0, 2.0, 2.0])
    np.testing.assert_array_equal(torch_page.x_pt.grad.numpy(), torch_page.weights_pt.numpy())
    # torch.round alone has a zero gradient: the hand-written backward is what passes it on.
    x = torch.tensor([0.4, 1.6, 2.5], requires_grad=True)
    torch.round(x).sum().backward()
    assert x.grad.abs().max().item() == 0.0


def test_torch_max_over_a_dim_gives_the_whole_gradient_to_the_returned_index(torch_page):
    import torch

    tie = torch.tensor([1.0, 1.0, 0.0], requires_grad=True)
    tie.amax(dim=0).backward()  # amax splits evenly, as max() does
    np.testing.assert_array_equal(tie.grad.numpy(), [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(torch_page.tie_pt.grad.numpy(), [1.0, 0.0, 0.0])
    assert torch_page.index_pt.item() == 0


def test_torch_backward_frees_the_saved_intermediate_values(torch_page):
    # The page's wording comes from this error message.
    import torch

    x = torch.tensor(2.0, requires_grad=True)
    y = torch.sin(x * x)
    y.backward()
    with pytest.raises(RuntimeError, match="Saved intermediate values of the graph are freed"):
        y.backward()


# ----------------------------------------------------------- Standard errors of the estimates


def standard_error_checks(per_sample, estimate, shown_se, exact, within):
    per_sample = np.asarray(per_sample, dtype=np.float64)
    np.testing.assert_allclose(per_sample.mean(axis=0), estimate, rtol=1e-4, atol=1e-6)
    se = per_sample.std(axis=0, ddof=1) / np.sqrt(len(per_sample))
    np.testing.assert_allclose(shown_se, se, rtol=1e-3)
    assert np.all(np.abs(np.asarray(estimate) - exact) < within * se)


def test_tf_estimates_lie_within_their_standard_errors(tf_page):
    z, eps = tf_page.z.numpy(), tf_page.eps.numpy()
    # tf.math.reduce_std divides by n, the ddof=1 figure differs by 0.05 % at n = 1000.
    standard_error_checks(2 * z, float(tf_page.d_mu), float(tf_page.se_mu), 1.0, 2)
    standard_error_checks(2 * z * eps, float(tf_page.d_sigma), float(tf_page.se_sigma), 4.0, 2)
    _, exact = exact_categorical_gradient()
    standard_error_checks(tf_page.per_draw.numpy(), tf_page.score_grad.numpy(), tf_page.score_se.numpy(), exact, 2.5)


def test_torch_estimates_lie_within_their_standard_errors(torch_page):
    z, eps = torch_page.z_values.numpy(), torch_page.eps_pt.numpy()
    standard_error_checks(2 * z, torch_page.mu_pt.grad.item(), torch_page.se_mu_pt.item(), 1.0, 2)
    standard_error_checks(2 * z * eps, torch_page.sigma_pt.grad.item(), torch_page.se_sigma_pt.item(), 4.0, 2)
    _, exact = exact_categorical_gradient()
    standard_error_checks(
        torch_page.per_draw_pt.numpy(), torch_page.score_grad_pt.numpy(), torch_page.score_se_pt.numpy(), exact, 2.5
    )


def test_tf_tape_does_not_watch_a_variable_that_is_not_trainable(tf_page):
    import tensorflow as tf

    assert not tf_page.frozen.trainable
    with tf.GradientTape() as tape:
        square = tf_page.frozen**2
    assert tape.gradient(square, tf_page.frozen) is None
