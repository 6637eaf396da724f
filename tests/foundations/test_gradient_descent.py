"""Checks for the claims made on docs/foundations/gradient-descent.md.

Stated tolerance: the hand-written fit and each optimizer are within 1e-3 of
np.linalg.lstsq in every parameter. The printed outputs pin the step counts and which
learning rates converge or diverge; the loss curves behind the picture of the learning
rates are checked number by number against the prose under it. The picture the page shows
is the one its code drew (fewer than 2 % of its pixels differ).
"""

from pathlib import Path

import numpy as np
import pytest

from tests import pictures

PAGE = "docs/foundations/gradient-descent.md"

IMG = Path(__file__).resolve().parents[2] / "docs" / "foundations" / "img"

TOL = 1e-3


def test_exact_solution_is_the_least_squares_minimum(tf_page):
    # Normal equations: designᵀ (design · p - y) = 0 at the minimum.
    residual = tf_page.design.T @ (tf_page.design @ tf_page.exact - tf_page.targets)
    assert np.abs(residual).max() < 1e-3
    np.testing.assert_allclose(tf_page.exact, [*tf_page.true_w, tf_page.true_b], atol=0.05)


def test_critical_learning_rate_from_a_finite_difference_hessian(tf_page):
    def loss(p):
        return np.mean((tf_page.design.astype(np.float64) @ p - tf_page.targets) ** 2)

    h, n = 1e-3, 4
    hessian = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            hessian[i, j] = (loss(ei + ej) - loss(ei - ej) - loss(-ei + ej) + loss(-ei - ej)) / (4 * h * h)
    assert 2 / np.linalg.eigvalsh(hessian).max() == pytest.approx(tf_page.critical_lr, rel=1e-4)


def test_tf_fits_reach_least_squares(tf_page):
    assert np.abs(tf_page.tf_params - tf_page.exact).max() < TOL
    assert len(tf_page.tf_errors) == 3 and max(e[-1] for e in tf_page.tf_errors.values()) < TOL


def test_torch_fits_reach_least_squares(torch_page):
    assert np.abs(torch_page.pt_params - torch_page.exact).max() < TOL
    assert len(torch_page.pt_errors) == 3 and max(e[-1] for e in torch_page.pt_errors.values()) < TOL


def check_three_ways_agree(autodiff, page):
    """Autodiff, the hand-derived formula and finite differences give one gradient."""
    np.testing.assert_allclose(page.by_differences, page.by_formula, atol=1e-6)
    np.testing.assert_allclose(autodiff, page.by_formula, atol=1e-5)
    # The formula is the gradient at the start, not just any vector: one step along it
    # lowers the loss, and it vanishes at the least-squares answer.
    assert page.numpy_loss(page.start - 0.1 * page.by_formula) < page.numpy_loss(page.start)
    at_exact = 2 / 256 * page.design.T.astype(np.float64) @ (page.design @ page.exact - page.targets)
    assert np.abs(at_exact).max() < 1e-5


def test_tf_gradient_by_autodiff_matches_the_checks(tf_page):
    check_three_ways_agree(tf_page.tf_gradient, tf_page)


def test_torch_gradient_by_autodiff_matches_the_checks_and_grad(torch_page):
    check_three_ways_agree(torch_page.pt_gradient, torch_page)
    np.testing.assert_array_equal(torch_page.w.grad.numpy(), torch_page.pt_gradient[:3])
    assert torch_page.b.grad.item() == torch_page.pt_gradient[3]


MOMENTUM_LR, BETA = 0.05, 0.9


def check_why_momentum_ends_further(errors, eigenvalues):
    """The page's explanation of the momentum row, number by number."""
    sgd, momentum = errors["SGD"], errors["SGD momentum"]
    assert len(sgd) == len(momentum) == 150
    # Momentum ends further from the least-squares answer than plain SGD.
    assert momentum[-1] > 1000 * sgd[-1]
    # Plain SGD at lr 0.3: factors between 0.25 and 0.54, all positive: no overshoot.
    factors = 1 - 0.3 * eigenvalues
    assert factors.min() == pytest.approx(0.25, abs=0.005) and factors.max() == pytest.approx(0.54, abs=0.005)
    # By step 30 it sits at float32's rounding of the answer and stays there.
    assert sgd[29] < 1e-7 and np.all(sgd[29:] == sgd[29])
    # Every direction is underdamped at lr 0.05, β = 0.9: (1 + β − lr·λ)² < 4β.
    assert np.all((1 + BETA - MOMENTUM_LR * eigenvalues) ** 2 < 4 * BETA)
    # ...so the error shrinks by about √β ≈ 0.95 per step, whatever λ is.
    per_step = (momentum[149] / momentum[49]) ** (1 / 100)
    assert per_step == pytest.approx(np.sqrt(BETA), abs=0.01)
    # "20 steps divide it by about 3": from step 10 to 30 and from 30 to 50.
    assert 2.5 < momentum[9] / momentum[29] < 3.5 and 2.5 < momentum[29] / momentum[49] < 3.5


def test_tf_why_momentum_ends_further_from_the_minimum(tf_page):
    check_why_momentum_ends_further(tf_page.tf_errors, tf_page.eigenvalues)


def test_torch_why_momentum_ends_further_from_the_minimum(torch_page):
    check_why_momentum_ends_further(torch_page.pt_errors, torch_page.eigenvalues)


def test_keras_sgd_takes_the_hand_written_steps(tf_page):
    import keras

    # Same learning rate, same number of steps: same parameters.
    page = tf_page
    hand, _, _ = page.tf_fit_by_hand(page.features, page.targets, 0.3, max_steps=10, tol=0.0)
    builtin = page.tf_fit(page.features, page.targets, keras.optimizers.SGD(learning_rate=0.3), steps=10)[-1]
    np.testing.assert_allclose(hand, builtin, rtol=1e-5)


def test_torch_sgd_takes_the_hand_written_steps(torch_page):
    import torch

    page = torch_page
    hand, _, _ = page.torch_fit_by_hand(page.features, page.targets, 0.3, max_steps=10, tol=0.0)
    builtin = page.torch_fit(page.features, page.targets, lambda p: torch.optim.SGD(p, lr=0.3), steps=10)[-1]
    np.testing.assert_allclose(hand, builtin, rtol=1e-5)


# Exercises: f(w) = (w - 3)², whose gradient 2(w - 3) makes every step computable in NumPy.


def descend_numpy(learning_rate, steps, momentum=0.0):
    """Heavy-ball steps from w = 0: v ← momentum·v + f'(w), w ← w - lr·v; w after each."""
    w, velocity, path = 0.0, 0.0, []
    for _ in range(steps):
        velocity = momentum * velocity + 2 * (w - 3.0)
        w -= learning_rate * velocity
        path.append(w)
    return np.array(path)


def exercise_checks(path, paths, plain, heavy):
    np.testing.assert_allclose(path, descend_numpy(0.1, 20), rtol=1e-5)
    np.testing.assert_allclose(path, 3 - 3 * 0.8 ** np.arange(1, 21), rtol=1e-5)
    for lr, lr_path in paths.items():
        np.testing.assert_allclose(lr_path, descend_numpy(lr, 6), rtol=1e-5)
    assert abs(paths[0.9][-1] - 3) < abs(paths[0.9][0] - 3)  # converges, oscillating
    assert abs(paths[1.1][-1] - 3) > abs(paths[1.1][0] - 3)  # diverges
    np.testing.assert_allclose(plain, path, rtol=1e-6)
    np.testing.assert_allclose(heavy, descend_numpy(0.1, 20, momentum=0.9), rtol=1e-5)
    heavy = np.array(heavy)
    assert abs(heavy[-1] - 3) > abs(plain[-1] - 3)  # momentum does not help here
    # The explanation: past 3 at step 4, highest at step 6, lowest at step 13, past 3 by 17.
    assert heavy[2] < 3 < heavy[3]
    assert heavy.argmax() == 5 and heavy[5] == pytest.approx(5.13, abs=0.005)
    assert heavy[6:].argmin() + 6 == 12 and heavy[12] == pytest.approx(1.50, abs=0.005)
    assert heavy[15] < 3 < heavy[16]
    assert np.all(np.diff(plain) > 0) and plain[-1] < 3  # plain SGD never overshoots
    # Underdamped, (1 + 0.9 − 0.1·2)² = 2.89 < 3.6: the swings shrink by √0.9 per step.
    assert (1 + 0.9 - 0.1 * 2) ** 2 < 4 * 0.9
    swing = abs(heavy[12] - 3) / abs(heavy[5] - 3)  # seven steps apart
    assert swing == pytest.approx(np.sqrt(0.9) ** 7, rel=0.05)


def test_tf_exercise_solutions(tf_page):
    exercise_checks(tf_page.tf_path, tf_page.tf_paths, tf_page.tf_plain, tf_page.tf_heavy)


def test_torch_exercise_solutions(torch_page):
    exercise_checks(torch_page.pt_path, torch_page.pt_paths, torch_page.pt_plain, torch_page.pt_heavy)


def largest_eigenvalue(design):
    return np.linalg.eigvalsh(2 / len(design) * design.T @ design).max()


def check_stretched_curvature(page):
    stretched_design = np.hstack([page.stretched, np.ones((256, 1))])
    ratio = largest_eigenvalue(stretched_design) / largest_eigenvalue(page.design)
    assert 7000 < ratio < 7600  # the page says "about 7,300-fold"
    assert 2 / largest_eigenvalue(stretched_design) == pytest.approx(page.stretched_lr, rel=1e-4)
    assert 0.9e-4 < page.stretched_lr < 1.2e-4  # "about 0.0001"
    assert page.critical_lr / page.stretched_lr == pytest.approx(ratio, rel=1e-4)
    # "the other three eigenvalues stay between 1.5 and 2.5"
    others = np.linalg.eigvalsh(2 / 256 * stretched_design.T.astype(np.float64) @ stretched_design)[:3]
    assert others.min() > 1.5 and others.max() < 2.5


def test_tf_stretching_one_feature_raises_the_curvature_thousands_of_times(tf_page):
    check_stretched_curvature(tf_page)


def test_torch_stretching_one_feature_raises_the_curvature_thousands_of_times(torch_page):
    check_stretched_curvature(torch_page)


def test_step_factors_along_the_extreme_eigenvalues(tf_page):
    # 1 − lr·λ_max: −0.25 at lr 0.5 and −0.8 at 0.9 × critical (both oscillate), below −1 beyond it.
    eigenvalues = np.linalg.eigvalsh(2 / 256 * tf_page.design.T.astype(np.float64) @ tf_page.design)
    np.testing.assert_allclose(tf_page.eigenvalues, eigenvalues, rtol=1e-4)
    assert 1 - 0.5 * eigenvalues[-1] == pytest.approx(-0.25, abs=0.01)
    assert 1 - 0.5 * eigenvalues[0] == pytest.approx(0.24, abs=0.01)
    assert 1 - 0.9 * tf_page.critical_lr * eigenvalues[-1] == pytest.approx(-0.8, abs=1e-4)
    assert 1 - 1.1 * tf_page.critical_lr * eigenvalues[-1] < -1


def check_stretched_optimizers(page, results):
    diverged, sgd, momentum, adam = results.values()
    assert not np.isfinite(diverged).all()
    # Both stable rates are below their limits: 2 / λ_max and 2(1 + β) / λ_max.
    largest = largest_eigenvalue(np.hstack([page.stretched, np.ones((256, 1))]).astype(np.float64))
    assert page.sgd_lr * largest < 2 and page.momentum_lr * largest < 2 * 1.9

    def loss(params):
        return np.mean((page.stretched @ params[:3].astype(np.float64) + params[3] - page.targets) ** 2)

    least = np.mean((page.design @ page.exact - page.targets) ** 2)
    # Momentum ends at less than half of plain SGD's loss, both far above the minimum; Adam reaches it.
    assert loss(momentum) < 0.5 * loss(sgd) and loss(momentum) > 100 * least
    assert loss(adam) == pytest.approx(least, rel=1e-3)
    # The least-squares parameters in the new units give the least-squares loss.
    assert loss(page.stretched_exact) == pytest.approx(least, rel=1e-5)
    assert np.abs(adam - page.stretched_exact).max() < 1e-3


def test_tf_momentum_and_adam_on_the_stretched_problem(tf_page):
    check_stretched_optimizers(tf_page, tf_page.tf_scaled)


def test_torch_momentum_and_adam_on_the_stretched_problem(torch_page):
    check_stretched_optimizers(torch_page, torch_page.pt_scaled)


def same_picture(drawn, shown):
    pictures.same_picture(drawn, shown, "snippets.foundations.gradient_descent")


def check_loss_curves(page, by_hand_losses):
    """The prose around the picture of the five learning rates, number by number. Steps
    are numbered from 1: the loss at step k is the one the loop computes at its step k."""
    lowest = page.numpy_loss(page.exact)
    # The fit at lr 0.3 starts near 6 ("the loss started near 6") and ends at the minimum.
    assert 5.5 < by_hand_losses[0] < 6.5
    assert by_hand_losses[-1] == pytest.approx(lowest, rel=1e-3)
    rates = list(page.loss_curves)
    np.testing.assert_allclose(rates, [0.01, 0.1, 0.5, 0.9 * page.critical_lr, 1.1 * page.critical_lr])
    slow, good, best, near, over = (np.array(page.loss_curves[lr]) for lr in rates)
    # Each curve ends at the step its printed line names.
    assert [len(c) for c in (slow, good, best, near, over)] == [100, 54, 8, 36, 32]
    for curve in (slow, good, best, near, over):
        assert curve[0] == pytest.approx(by_hand_losses[0], rel=1e-6)  # all start at w = 0, b = 0
    assert by_hand_losses[0] == pytest.approx(6.35, abs=0.005)  # the alt text
    # The log axis is needed: the losses span more than five powers of ten.
    assert over.max() / lowest > 1e5
    # No curve goes below the least-squares loss (float32 rounding aside); the three that
    # converge end on it.
    for curve in (slow, good, best, near, over):
        assert curve.min() > lowest * (1 - 1e-5)
    for curve in (good, best, near):
        assert curve[-1] == pytest.approx(lowest, rel=1e-4)

    def first_step_within_1_percent(curve):
        return int(np.argmax(curve < 1.01 * lowest)) + 1

    # "within 1 % of the least-squares loss by step 4, at lr 0.72 by step 13, at 0.10 by 29"
    assert first_step_within_1_percent(best) == 4
    assert first_step_within_1_percent(near) == 13
    assert first_step_within_1_percent(good) == 29
    # lr 0.01 falls at every step, and is still 0.18, about 17 times the minimum, at step 100.
    assert np.all(np.diff(slow) < 0)
    assert slow[-1] == pytest.approx(0.18, abs=0.005) and 16.5 < slow[-1] / lowest < 17.5
    # lr 0.88 falls to 0.16 at step 6, then rises at every step, by a growing factor that
    # settles at about 1.44 = 1.2² (the square of the factor printed for λ_max), and passes
    # 1,000 at step 32, its last.
    assert over.argmin() + 1 == 6 and over.min() == pytest.approx(0.16, abs=0.005)
    assert np.all(np.diff(over[:6]) < 0) and np.all(np.diff(over[5:]) > 0)
    ratios = over[6:] / over[5:-1]
    assert np.all(np.diff(ratios) > -1e-3)
    assert np.all(np.abs(ratios[-15:] - 1.44) < 0.01)
    assert (1 - 1.1 * page.critical_lr * page.eigenvalues[-1]) ** 2 == pytest.approx(1.44, abs=0.01)
    # "the one part of the error that grows": only λ_max's factor is below -1 at lr 0.88.
    assert np.sum(np.abs(1 - 1.1 * page.critical_lr * page.eigenvalues) > 1) == 1
    assert over[-2] < 1e3 < over[-1] and over[-1] == pytest.approx(1360, rel=0.01)  # the alt text


def test_tf_loss_curves_and_their_picture(tf_page):
    check_loss_curves(tf_page, tf_page.tf_losses)
    same_picture(tf_page.curves_file, IMG / "gradient-descent-learning-rates.png")


def test_torch_loss_curves_and_their_picture(torch_page):
    check_loss_curves(torch_page, torch_page.pt_losses)
    same_picture(torch_page.curves_file, IMG / "gradient-descent-learning-rates.png")
