"""torch.multiprocessing: the code of docs/pytorch/multiprocessing.md.

Run it as a program with ``python -m snippets.pytorch.multiprocessing``. The
children are started with the fork start method (Linux and macOS).
"""

# --8<-- [start:worker]
import torch
import torch.multiprocessing as mp


def add_in_place(tensor, value):
    """Runs in a child process: writes into the tensor it was given."""
    tensor.add_(value)
# --8<-- [end:worker]


def share_demo():
    """Send tensors to a child process; return what the parent sees after."""
    # --8<-- [start:share]
    shared = torch.zeros(4)
    shared.share_memory_()  # move the storage into shared memory, once
    address = shared.data_ptr()
    plain = torch.zeros(2)  # an ordinary tensor, for comparison
    print("before:", shared.is_shared(), plain.is_shared())

    ctx = mp.get_context("fork")  # children start as copies of this process
    children = [
        ctx.Process(target=add_in_place, args=(shared, 1.0)),
        ctx.Process(target=add_in_place, args=(plain, 5.0)),
    ]
    for child in children:
        child.start()
        child.join()

    print("exit codes:", [child.exitcode for child in children])
    print("parent sees the writes:", shared.tolist(), plain.tolist())
    print("same memory as before:", shared.data_ptr() == address)
    print("after:", shared.is_shared(), plain.is_shared())
    # --8<-- [end:share]
    return shared, plain, address


# --8<-- [start:hogwild_worker]
from torch import nn


def regression_data(seed, n=256):
    """Noise-free data for y = x @ true_weights."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 4, generator=gen)
    true_weights = torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    return x, x @ true_weights


def hogwild_train(model, seed, steps=40, lr=0.05):
    """Runs in each process: SGD on its own data, on the shared weights."""
    x, y = regression_data(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()  # gradients are private to each process
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()  # writes into shared memory, without a lock
# --8<-- [end:hogwild_worker]


def hogwild_demo():
    """Train one shared model from two processes; return it and the losses."""
    # --8<-- [start:hogwild]
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    model.share_memory()  # parameters now live in shared memory
    x_test, y_test = regression_data(seed=99)
    with torch.no_grad():
        loss_before = nn.functional.mse_loss(model(x_test), y_test).item()

    ctx = mp.get_context("fork")
    workers = [
        ctx.Process(target=hogwild_train, args=(model, seed)) for seed in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    with torch.no_grad():
        loss_after = nn.functional.mse_loss(model(x_test), y_test).item()
    print("exit codes:", [worker.exitcode for worker in workers])
    print(f"test loss before: {loss_before:.2f}")
    print("test loss after < 0.01:", loss_after < 0.01)
    print("weights:", model.weight.detach().flatten().round(decimals=2))
    # --8<-- [end:hogwild]
    return model, loss_before, loss_after


def main():
    share_demo()
    hogwild_demo()


if __name__ == "__main__":
    main()
