"""Checks for the claims made on docs/foundations/gradient-descent.md.

Stated tolerance: every fit is within 1e-3 of np.linalg.lstsq in every parameter.
"""

import keras
import numpy as np
import pytest
import torch

from snippets.foundations import gradient_descent as gd

TOL = 1e-3


def test_exact_solution_is_the_least_squares_minimum():
    # Normal equations: designᵀ (design · p - y) = 0 at the minimum.
    residual = gd.design.T @ (gd.design @ gd.exact - gd.targets)
    assert np.abs(residual).max() < 1e-3
    np.testing.assert_allclose(gd.exact, [*gd.true_w, gd.true_b], atol=0.05)


def test_critical_learning_rate_from_a_finite_difference_hessian():
    def loss(p):
        return np.mean((gd.design.astype(np.float64) @ p - gd.targets) ** 2)

    h, n = 1e-3, 4
    hessian = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            hessian[i, j] = (loss(ei + ej) - loss(ei - ej) - loss(-ei + ej) + loss(-ei - ej)) / (4 * h * h)
    assert 2 / np.linalg.eigvalsh(hessian).max() == pytest.approx(gd.critical_lr, rel=1e-4)


def test_hand_written_updates_reach_least_squares():
    for params, status in [(gd.tf_params, gd.tf_status), (gd.pt_params, gd.pt_status)]:
        assert status.startswith("converged")
        assert np.abs(params - gd.exact).max() < TOL
    np.testing.assert_allclose(gd.tf_params, gd.pt_params, atol=1e-5)


@pytest.mark.parametrize("fit", [gd.tf_fit_by_hand, gd.torch_fit_by_hand])
def test_learning_rate_regimes(fit):
    params, status = fit(gd.features, gd.targets, learning_rate=0.9 * gd.critical_lr)
    assert status.startswith("converged") and np.abs(params - gd.exact).max() < TOL
    _, status = fit(gd.features, gd.targets, learning_rate=1.1 * gd.critical_lr)
    assert status.startswith("diverged")
    params, status = fit(gd.features, gd.targets, learning_rate=0.01, max_steps=50)
    assert status == "not converged in 50 steps" and np.abs(params - gd.exact).max() > TOL


def test_keras_optimizers_work_on_tf_variables_and_reach_least_squares():
    for optimizer in [
        keras.optimizers.SGD(learning_rate=0.3),
        keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        keras.optimizers.Adam(learning_rate=0.05),
    ]:
        params = gd.tf_fit(gd.features, gd.targets, optimizer, steps=150)
        assert np.abs(params - gd.exact).max() < TOL, optimizer.name


def test_torch_optimizers_reach_least_squares():
    for make in [
        lambda p: torch.optim.SGD(p, lr=0.3),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
        lambda p: torch.optim.Adam(p, lr=0.05),
    ]:
        params = gd.torch_fit(gd.features, gd.targets, make, steps=150)
        assert np.abs(params - gd.exact).max() < TOL


def test_builtin_sgd_matches_the_hand_written_rule():
    # Same learning rate, same number of steps: same parameters.
    hand, _ = gd.torch_fit_by_hand(gd.features, gd.targets, 0.3, max_steps=10, tol=0.0)
    builtin = gd.torch_fit(gd.features, gd.targets, lambda p: torch.optim.SGD(p, lr=0.3), steps=10)
    np.testing.assert_allclose(hand, builtin, rtol=1e-5)
    tf_builtin = gd.tf_fit(gd.features, gd.targets, keras.optimizers.SGD(learning_rate=0.3), steps=10)
    np.testing.assert_allclose(tf_builtin, builtin, rtol=1e-5)
