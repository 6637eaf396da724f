"""Checks for the claims made on docs/pytorch/data.md.

The tests that take ``page`` run inside the page's own interpreter, after its
blocks, on the objects the page made. What the page prints is checked by its
output files; these tests check what the output does not show.
"""

from types import SimpleNamespace

import pytest

PAGE = "docs/pytorch/data.md"


def test_shuffling_covers_every_example_once_per_epoch(page):
    import torch
    from torch.utils.data import DataLoader

    loader = DataLoader(page.squares, batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(5))
    epochs = [torch.cat([x for x, _ in loader]).flatten().tolist() for _ in range(2)]
    for seen in epochs:
        assert sorted(seen) == [float(i) for i in range(10)]
        assert seen != sorted(seen)
    assert epochs[0] != epochs[1]  # a new order each epoch


@pytest.mark.parametrize("num_workers", [2, 3, 4])
def test_count_up_gives_each_item_to_exactly_one_worker(page, monkeypatch, num_workers):
    # What each worker of a DataLoader would yield, computed in this process.
    where = page.CountUp.__iter__.__globals__  # the names __iter__ looks up
    yielded = []
    for worker_id in range(num_workers):
        info = SimpleNamespace(id=worker_id, num_workers=num_workers)
        monkeypatch.setitem(where, "get_worker_info", lambda info=info: info)
        yielded += list(page.CountUp(10))
    assert sorted(yielded) == list(range(10))


def test_seed_worker_gives_each_worker_its_own_noise_and_repeats_it_for_a_seed(page, monkeypatch):
    import torch

    # What seed_worker does in each worker, computed in this process: PyTorch has set the
    # worker's torch seed to base seed + worker id before worker_init_fn runs.
    where = page.seed_worker.__globals__
    def first_noise(base_seed, worker_id):
        dataset = page.NoisySquares(4)  # the copy a worker would receive
        monkeypatch.setitem(where, "get_worker_info", lambda: SimpleNamespace(dataset=dataset))
        torch.manual_seed(base_seed + worker_id)
        page.seed_worker(worker_id)
        return dataset[0][1].item()
    assert first_noise(7, 0) != first_noise(7, 1)  # the workers differ
    assert first_noise(7, 1) == first_noise(7, 1)  # a seed gives the same noise again
