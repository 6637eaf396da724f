"""Checks for the claims made on docs/pytorch/optim.md, on the objects the page built."""

import math

import pytest

PAGE = "docs/pytorch/optim.md"


def test_cosine_annealing_follows_half_a_cosine(page):
    # page.rates: the CosineAnnealingLR rates the page printed (rounded to 4 decimals).
    assert page.scheduler.T_max == 4
    for epoch, rate in enumerate(page.rates):
        assert rate == pytest.approx(0.1 * (1 + math.cos(math.pi * epoch / 4)) / 2, abs=5e-5)


def test_features_are_scaled_and_the_test_split_is_stratified(page):
    assert page.features.min().item() == 0.0 and page.features.max().item() == 1.0
    assert page.y_test.bincount().min().item() >= 35  # every digit about 36 times in 360


def test_accuracy_floors(page):
    assert page.history[-1] >= 0.95  # validation
    assert page.test_accuracy >= 0.95


def test_the_model_learnt_during_training(page):
    assert page.history[-1] > page.history[0]


def test_accuracy_uses_eval_mode(page):
    model = page.make_model()
    model.train()
    page.accuracy(model, page.x_val[:10], page.y_val[:10])
    assert not model.training
