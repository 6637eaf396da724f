"""Checks for the claims made on docs/pytorch/optim.md."""

import math

import pytest
import torch

from snippets.pytorch import optim as page


def test_sgd_step_and_gradient_accumulation():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = torch.optim.SGD([w], lr=0.1)
    (w**2).sum().backward()
    opt.step()
    torch.testing.assert_close(w.data, torch.tensor([1.0, -2.0]) * (1 - 2 * 0.1))
    first = w.grad.clone()
    (w**2).sum().backward()
    torch.testing.assert_close(w.grad, first + 2 * w.data)  # added, not replaced
    opt.zero_grad()
    assert w.grad is None


def test_schedulers_follow_their_formulas():
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=0.1)
    step = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    cosine_opt = torch.optim.SGD([w], lr=0.1)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(cosine_opt, T_max=4)
    for epoch in range(5):
        assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** (epoch // 2))
        expected = 0.1 * (1 + math.cos(math.pi * epoch / 4)) / 2
        assert cosine_opt.param_groups[0]["lr"] == pytest.approx(expected, abs=1e-12)
        opt.step()
        step.step()
        cosine_opt.step()
        cosine.step()


def test_splits_are_disjoint_and_stratified():
    assert len(page.x_train) + len(page.x_val) + len(page.x_test) == 1797
    assert page.features.min().item() == 0.0 and page.features.max().item() == 1.0
    assert page.y_test.bincount().min().item() >= 35


def test_trained_model_reaches_95_percent_on_the_test_set():
    assert len(page.history) == 15
    assert page.test_accuracy >= 0.95
    assert page.history[-1] >= 0.95
    assert page.history[-1] > page.history[0]  # it learnt during training


def test_training_is_reproducible():
    torch.manual_seed(0)
    model = page.make_model()
    history = page.fit(model, epochs=2)
    torch.manual_seed(0)
    again = page.make_model()
    assert page.fit(again, epochs=2) == history
    for a, b in zip(model.parameters(), again.parameters(), strict=True):
        assert torch.equal(a, b)


def test_accuracy_uses_eval_mode():
    model = page.make_model()
    model.train()
    page.accuracy(model, page.x_val[:10], page.y_val[:10])
    assert not model.training
