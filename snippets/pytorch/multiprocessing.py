"""torch.multiprocessing: the code of docs/pytorch/multiprocessing.md.

Run it as a program with ``python -m snippets.pytorch.multiprocessing``. The
children are started with the spawn start method: each is a fresh interpreter
that imports the function it runs from this module, so the module defines
functions only and the demonstrations run under ``if __name__ == "__main__"``.
"""

# --8<-- [start:worker]
import time
from multiprocessing.connection import wait

import numpy as np
import torch
import torch.multiprocessing as mp


def add_in_place(items, value):
    """Runs in a child process: adds `value` to each tensor or array."""
    for data in items:
        data += value  # in place, for a tensor and for a NumPy array


def join_all(processes, timeout=120):
    """Wait for all; once one fails or `timeout` s pass, kill the rest."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        codes = [process.exitcode for process in processes]  # None: running
        if None not in codes or any(codes):  # all finished, or one failed
            break
        running = [p.sentinel for p in processes if p.exitcode is None]
        wait(running, timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():  # stuck, or its partner failed: stop it
            process.kill()
        process.join()
    exit_codes = [process.exitcode for process in processes]
    if any(exit_codes):
        raise RuntimeError(f"a child process failed: exit codes {exit_codes}")
    return exit_codes
# --8<-- [end:worker]


def share_demo():
    """Send a shared tensor, an ordinary one and an array to a child."""
    # --8<-- [start:share]
    # A spawned child imports its function by module and name: take it
    # from the module file (a child cannot import the prompt's __main__).
    from snippets.pytorch.multiprocessing import add_in_place

    shared = torch.zeros(4)
    shared.share_memory_()  # move the storage into shared memory, once
    address = shared.data_ptr()
    plain = torch.zeros(2)  # an ordinary tensor
    array = np.zeros(2)  # a NumPy array, pickled like any Python object
    print("is_shared before:", shared.is_shared(), plain.is_shared())

    ctx = mp.get_context("spawn")  # the child is a fresh interpreter
    items = (shared, plain, array)
    child = ctx.Process(target=add_in_place, args=(items, 1.0))
    child.start()  # pickles the arguments and sends them to the child
    print("exit codes:", join_all([child]))

    same_memory = shared.data_ptr() == address
    print("shared tensor:", shared.tolist(), "same memory:", same_memory)
    print("ordinary tensor:", plain.tolist(), "is_shared:", plain.is_shared())
    print("NumPy array:", array.tolist())
    # --8<-- [end:share]


# --8<-- [start:hogwild_worker]
from torch import nn


def regression_data(seed, n=256):
    """Noise-free data for y = x @ true_weights."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=gen)
    true_weights = torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    return x, x @ true_weights


def hogwild_train(
    model, rank, start_line, progress, overlap, steps=500, lr=0.05
):
    """Runs in each process: SGD on its own data, on the shared weights.

    progress[rank] counts this process's steps; overlap[rank] counts the
    steps it took while the other process was part-way through training.
    """
    torch.set_num_threads(1)  # the processes are the parallelism
    x, y = regression_data(seed=rank + 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    start_line.wait(timeout=120)  # both processes start training together
    for _ in range(steps):
        if 0 < progress[1 - rank] < steps:  # the other one is training too
            overlap[rank] += 1
        optimizer.zero_grad()  # gradients are private to each process
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()  # writes into shared memory, without a lock
        progress[rank] += 1
# --8<-- [end:hogwild_worker]


def hogwild_demo():
    """Train one shared model from two processes."""
    # --8<-- [start:hogwild]
    from snippets.pytorch.multiprocessing import hogwild_train

    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    model.share_memory()  # parameters now live in shared memory
    x_test, y_test = regression_data(seed=99)
    with torch.no_grad():
        loss_before = nn.functional.mse_loss(model(x_test), y_test).item()

    ctx = mp.get_context("spawn")
    start_line = ctx.Barrier(2)  # released when both processes reach it
    progress = torch.zeros(2, dtype=torch.int64).share_memory_()
    overlap = torch.zeros(2, dtype=torch.int64).share_memory_()
    workers = [
        ctx.Process(
            target=hogwild_train,
            args=(model, rank, start_line, progress, overlap),
        )
        for rank in (0, 1)
    ]
    for worker in workers:
        worker.start()
    print("exit codes:", join_all(workers))
    print("steps taken by each process:", progress.tolist())

    with torch.no_grad():
        loss_after = nn.functional.mse_loss(model(x_test), y_test).item()
    print(f"test loss before: {loss_before:.2f}")
    print(f"test loss after: {loss_after:.3f}")  # about 1e-12, varies
    print("weights:", model.weight.detach().flatten().round(decimals=2))
    # --8<-- [end:hogwild]


if __name__ == "__main__":
    share_demo()
    hogwild_demo()
