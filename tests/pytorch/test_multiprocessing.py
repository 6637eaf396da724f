"""Checks for the claims made on docs/pytorch/multiprocessing.md."""

import pytest
import torch
from torch import nn

from snippets.pytorch import multiprocessing as page


@pytest.fixture(scope="module")
def shared_run():
    return page.share_demo()


@pytest.fixture(scope="module")
def hogwild_run():
    return page.hogwild_demo()


def test_child_writes_are_seen_in_the_same_memory(shared_run):
    shared, _, address = shared_run
    assert shared.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert shared.data_ptr() == address  # not replaced by a copy
    assert shared.is_shared()


def test_an_ordinary_tensor_is_copied_on_write_by_fork(shared_run):
    _, plain, _ = shared_run
    assert not plain.is_shared()
    assert plain.tolist() == [0.0, 0.0]


def test_pickling_for_another_process_moves_a_tensor_to_shared_memory():
    from multiprocessing.reduction import ForkingPickler

    import torch.multiprocessing  # registers the tensor reducers

    tensor = torch.zeros(3)
    assert not tensor.is_shared()
    ForkingPickler.dumps(tensor)
    assert tensor.is_shared()


def test_add_in_place_writes_into_its_argument():
    t = torch.zeros(3)
    view = t[1:]
    page.add_in_place(view, 2.0)
    assert t.tolist() == [0.0, 2.0, 2.0]


def test_hogwild_training_lowers_the_loss_and_finds_the_weights(hogwild_run):
    model, before, after = hogwild_run
    assert before > 1.0
    assert after < 0.01
    torch.testing.assert_close(
        model.weight.detach(), torch.tensor([[1.0, -2.0, 0.5, 3.0]]), atol=0.02, rtol=0
    )


def test_hogwild_worker_trains_in_process():
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    x, y = page.regression_data(seed=99)
    before = nn.functional.mse_loss(model(x), y).item()
    page.hogwild_train(model, seed=1, steps=20)
    assert nn.functional.mse_loss(model(x), y).item() < before / 10


def test_main_runs_both_demonstrations(monkeypatch):
    calls = []
    monkeypatch.setattr(page, "share_demo", lambda: calls.append("share"))
    monkeypatch.setattr(page, "hogwild_demo", lambda: calls.append("hogwild"))
    page.main()
    assert calls == ["share", "hogwild"]
