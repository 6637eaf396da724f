"""torch.utils.data: the code of docs/pytorch/data.md.

Run it as a program with ``python -m snippets.pytorch.data``. DataLoader
workers are started with spawn: each imports the dataset classes and
``seed_worker`` from this module, so the module defines them at the top level
and nothing else; the demonstrations are functions, called under
``if __name__ == "__main__"``.
"""

# --8<-- [start:dataset_class]
import torch
from torch.utils.data import DataLoader, Dataset


class Squares(Dataset):
    """A map-style dataset: a length and random access by index."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        if not 0 <= index < self.n:  # IndexError also ends a plain for loop
            raise IndexError(index)
        x = torch.tensor([float(index)])
        return x, x**2
# --8<-- [end:dataset_class]


def dataset_demo():
    # --8<-- [start:dataset]
    squares = Squares(10)
    print(len(squares), squares[3])
    # --8<-- [end:dataset]


# --8<-- [start:iterable_class]
from torch.utils.data import IterableDataset, get_worker_info


class CountUp(IterableDataset):
    """A stream: no length, no indexing, just iteration."""

    def __init__(self, stop):
        self.stop = stop

    def __iter__(self):
        info = get_worker_info()  # None in the main process
        first, step = (0, 1) if info is None else (info.id, info.num_workers)
        # Each worker takes every num_workers-th item, so none is repeated.
        return iter(range(first, self.stop, step))
# --8<-- [end:iterable_class]


def iterable_demo():
    # --8<-- [start:iterable]
    print(list(CountUp(5)))
    # --8<-- [end:iterable]


def dataloader_demo(squares):
    # --8<-- [start:dataloader]
    in_order = DataLoader(squares, batch_size=4)
    print([x.flatten().tolist() for x, _ in in_order])  # last batch is short

    shuffled = DataLoader(
        squares,
        batch_size=4,
        shuffle=True,
        drop_last=True,  # drop the short batch
        generator=torch.Generator().manual_seed(0),  # same order on every run
    )
    print([x.flatten().tolist() for x, _ in shuffled])
    x, y = next(iter(shuffled))  # a new pass: a new order; 4 samples stacked
    print(x.flatten().tolist(), "->", y.flatten().tolist(), tuple(y.shape))
    # --8<-- [end:dataloader]


# --8<-- [start:collate_fn]
from torch.nn.utils.rnn import pad_sequence


def pad_batch(batch):
    """Pad variable-length 1-D tensors to the longest one with 0."""
    lengths = torch.tensor([len(seq) for seq in batch])
    return pad_sequence(batch, batch_first=True, padding_value=0), lengths
# --8<-- [end:collate_fn]


def collate_demo():
    # --8<-- [start:collate]
    sentences = [
        torch.tensor([5, 2, 9]),
        torch.tensor([7]),
        torch.tensor([3, 3, 8, 1, 4]),
        torch.tensor([6, 2]),
    ]
    padding_loader = DataLoader(sentences, batch_size=2, collate_fn=pad_batch)
    for padded, lengths in padding_loader:
        print(padded.tolist(), lengths.tolist())
    # --8<-- [end:collate]


# --8<-- [start:worker_side]
import numpy as np


class NoisySquares(Squares):
    """Adds noise from its own NumPy generator, as an augmentation would."""

    def __init__(self, n, seed=0):
        super().__init__(n)
        self.rng = np.random.default_rng(seed)

    def __getitem__(self, index):
        x, y = super().__getitem__(index)
        return x, y + float(self.rng.normal(scale=0.1))


def seed_worker(worker_id):
    # Each worker holds its own copy of the dataset, generator state and
    # all; give that copy a generator seeded with this worker's torch seed
    # (the loader's base seed + worker_id).
    dataset = get_worker_info().dataset
    dataset.rng = np.random.default_rng(torch.initial_seed())
# --8<-- [end:worker_side]


def workers_demo():
    # --8<-- [start:workers]
    # Spawned workers import these by module and name: take them from the
    # module file, not from this session's __main__.
    from snippets.pytorch.data import CountUp, NoisySquares, seed_worker

    def noise_of_one_epoch(worker_init_fn):
        """One epoch in two spawned workers; the noise added to each example."""
        loader = DataLoader(
            NoisySquares(8),
            batch_size=2,
            shuffle=True,
            num_workers=2,
            multiprocessing_context="spawn",  # fresh interpreters, no fork
            worker_init_fn=worker_init_fn,
            generator=torch.Generator().manual_seed(0),  # same seeds every run
        )
        noise = torch.cat([y - x**2 for x, y in loader]).flatten()
        return [round(v, 3) for v in noise.tolist()]

    print("no worker_init_fn:", noise_of_one_epoch(None))
    print("with seed_worker: ", noise_of_one_epoch(seed_worker))

    stream = DataLoader(
        CountUp(6), batch_size=None, num_workers=2, multiprocessing_context="spawn"
    )
    print(list(stream))
    # --8<-- [end:workers]


if __name__ == "__main__":
    dataset_demo()
    iterable_demo()
    dataloader_demo(Squares(10))
    collate_demo()
    workers_demo()
