"""Checks for the claims made on docs/pytorch/data.md."""

import torch
from torch.utils.data import DataLoader

from snippets.pytorch import data as page


def test_map_style_dataset():
    assert len(page.squares) == 10
    x, y = page.squares[7]
    assert x.item() == 7.0 and y.item() == 49.0


def test_shuffling_covers_every_example_once_per_epoch():
    loader = DataLoader(page.squares, batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(5))
    seen = torch.cat([x for x, _ in loader]).flatten().tolist()
    assert sorted(seen) == [float(i) for i in range(10)]
    assert seen != sorted(seen)
    again = torch.cat([x for x, _ in loader]).flatten().tolist()
    assert sorted(again) == sorted(seen) and again != seen  # a new order each epoch
    dropped = [x.shape[0] for x, _ in page.shuffled]
    assert dropped == [4, 4]


def test_padding_collate_keeps_every_sequence_intact():
    padded, lengths = page.pad_batch(page.sentences)
    assert padded.shape == (4, 5)
    for row, length, original in zip(padded, lengths, page.sentences, strict=True):
        assert torch.equal(row[:length], original)
        assert torch.all(row[length:] == 0)


def test_iterable_dataset_split_between_workers_yields_each_item_once():
    assert list(page.CountUp(7)) == list(range(7))
    items = list(DataLoader(page.CountUp(9), batch_size=None, num_workers=2))
    assert sorted(items) == list(range(9))


def test_seeded_workers_are_reproducible_and_seed_dependent():
    assert torch.equal(page.first, page.second)
    assert not torch.equal(page.first, page.load_once(seed=1))
    # The noise comes from NumPy, seeded per worker: it is small and not zero.
    clean = torch.tensor([float(i) ** 2 for i in range(8)])
    noise = page.first.sort().values - clean
    assert noise.abs().max().item() < 0.5
    assert noise.abs().min().item() > 0


def test_seed_worker_sets_numpy_and_random(monkeypatch):
    import random

    import numpy as np

    monkeypatch.setattr(torch, "initial_seed", lambda: 2**32 + 7)
    page.seed_worker(0)
    a = (np.random.random(), random.random())  # noqa: NPY002
    np.random.seed(7)  # noqa: NPY002
    random.seed(7)
    assert a == (np.random.random(), random.random())  # noqa: NPY002


def test_noisy_squares_adds_small_noise_in_process():
    x, y = page.NoisySquares(5)[3]
    assert x.item() == 3.0
    assert y.item() != 9.0 and abs(y.item() - 9.0) < 1.0
