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


def test_squares_refuses_indices_outside_its_range_so_iteration_ends(page):
    squares = page.Squares(3)
    for index in (3, -1):
        with pytest.raises(IndexError):
            squares[index]
    assert [x.item() for x, _ in squares] == [0.0, 1.0, 2.0]  # a plain for loop stops


def test_without_worker_init_fn_each_epochs_copy_repeats_the_noise(page):
    import pickle

    # Each epoch's workers (without persistent_workers) unpickle a new copy of the main
    # process's dataset, whose generator the main process never advanced.
    dataset = page.NoisySquares(4)
    epochs = [pickle.loads(pickle.dumps(dataset)) for _ in range(2)]
    draws = [[copy[i][1].item() for i in range(4)] for copy in epochs]
    assert draws[0] == draws[1]


def test_other_loader_options_behave_as_the_page_says(page):
    import torch
    from torch.utils.data import DataLoader, Subset, WeightedRandomSampler, random_split

    train, val = random_split(page.squares, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
    assert isinstance(train, Subset) and sorted(train.indices + val.indices) == list(range(10))
    sampler = WeightedRandomSampler([0.0, 1.0], num_samples=5)  # with replacement by default
    assert list(sampler) == [1] * 5
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(page.squares, sampler=sampler, shuffle=True)
    assert DataLoader(page.squares, num_workers=2).prefetch_factor == 2
