"""Checks for the claims made on docs/pytorch/optim.md, on the objects the page built."""

import math

import pytest

PAGE = "docs/pytorch/optim.md"


def test_cosine_annealing_follows_half_a_cosine(page):
    # page.rates: the CosineAnnealingLR rates the page printed (rounded to 4 decimals), T_max=4.
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



def test_biases_are_exempt_from_weight_decay(page):
    import torch

    names = {id(p): name for name, p in page.net.named_parameters()}
    assert sorted(names[id(p)] for p in page.no_decay) == ["0.bias", "2.bias"]
    assert sorted(names[id(p)] for p in page.decay) == ["0.weight", "2.weight"]
    # AdamW with weight_decay=0 leaves a parameter with a zero gradient alone; 0.01 shrinks it.
    kept, shrunk = torch.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    optimizer = torch.optim.AdamW(
        [{"params": [shrunk]}, {"params": [kept], "weight_decay": 0.0}], lr=0.1, weight_decay=0.01
    )
    kept.grad, shrunk.grad = torch.zeros(3), torch.zeros(3)
    optimizer.step()
    assert kept.tolist() == [1.0, 1.0, 1.0] and shrunk[0].item() < 1.0


def test_clipping_returned_the_norm_before_and_scaled_to_max_norm(page):
    assert page.norm_before.item() > 10.0  # clipping had something to do
    assert abs(page.norm_after.item() - 1.0) < 1e-5


def test_the_resumed_optimizer_and_scheduler_continued_where_they_stopped(page):
    first = next(iter(page.model.parameters()))
    assert page.checkpoint["epoch"] == 2
    assert int(page.optimizer.state[first]["step"]) == 144  # 72 more, not 72 from zero
    assert page.scheduler.last_epoch == 4 and page.scheduler.get_last_lr()[0] < 1e-12
    assert page.accuracy(page.model, page.x_val, page.y_val) >= 0.9
