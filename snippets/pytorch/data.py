"""torch.utils.data: the code of docs/pytorch/data.md.

Run it as a program with ``python -m snippets.pytorch.data``.
"""

# --8<-- [start:dataset]
import torch
from torch.utils.data import Dataset


class Squares(Dataset):
    """A map-style dataset: a length and random access by index."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        x = torch.tensor([float(index)])
        return x, x**2


squares = Squares(10)
print(len(squares), squares[3])
# --8<-- [end:dataset]

# --8<-- [start:iterable]
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


print(list(CountUp(5)))
# --8<-- [end:iterable]

# --8<-- [start:dataloader]
from torch.utils.data import DataLoader

in_order = DataLoader(squares, batch_size=4)
print([x.flatten().tolist() for x, _ in in_order])  # the last batch is short

shuffled = DataLoader(
    squares,
    batch_size=4,
    shuffle=True,
    drop_last=True,  # drop the short batch
    generator=torch.Generator().manual_seed(0),  # same order on every run
)
print([x.flatten().tolist() for x, _ in shuffled])
print(next(iter(shuffled))[1].shape)  # default collate stacks samples
# --8<-- [end:dataloader]

# --8<-- [start:collate]
from torch.nn.utils.rnn import pad_sequence

sentences = [
    torch.tensor([5, 2, 9]),
    torch.tensor([7]),
    torch.tensor([3, 3, 8, 1, 4]),
    torch.tensor([6, 2]),
]


def pad_batch(batch):
    """Pad variable-length 1-D tensors to the longest one with 0."""
    lengths = torch.tensor([len(seq) for seq in batch])
    return pad_sequence(batch, batch_first=True, padding_value=0), lengths


padding_loader = DataLoader(sentences, batch_size=2, collate_fn=pad_batch)
for padded, lengths in padding_loader:
    print(padded.tolist(), lengths.tolist())
# --8<-- [end:collate]

# --8<-- [start:workers]
import random

import numpy as np


class NoisySquares(Squares):
    """Adds NumPy noise, as a random data augmentation would."""

    def __getitem__(self, index):
        x, y = super().__getitem__(index)
        return x, y + float(np.random.normal(scale=0.1))  # noqa: NPY002


def seed_worker(worker_id):
    # torch gives each worker its own seed (base seed + worker id);
    # pass it on to NumPy and `random`, which do not get one otherwise.
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)  # noqa: NPY002 (the global generator)
    random.seed(seed)


def load_once(seed=0):
    loader = DataLoader(
        NoisySquares(8),
        batch_size=2,
        shuffle=True,
        num_workers=2,
        worker_init_fn=seed_worker,
        generator=torch.Generator().manual_seed(seed),
    )
    return torch.cat([y for _, y in loader]).flatten()


first, second = load_once(), load_once()
print("identical runs:", torch.equal(first, second))
print("other seed differs:", not torch.equal(first, load_once(seed=1)))
print([round(value, 2) for value in first.tolist()])

print(list(DataLoader(CountUp(6), batch_size=None, num_workers=2)))
# --8<-- [end:workers]
