"""torch.distributed: the code of docs/pytorch/distributed.md.

Run it as a program with ``python -m snippets.pytorch.distributed``: it trains
the same model with two processes, started once by ``mp.spawn`` and once by
``torchrun``, which runs this same file in each process it starts.
"""

# --8<-- [start:worker]
import os
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


def combined_batch():
    """All the data of one training step; each rank gets an equal slice."""
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(16, 4, generator=gen)
    return x, x.sum(dim=1, keepdim=True)


def train(model, x, y, steps=5, lr=0.1):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()


def ddp_worker(rank, world_size, init_method, out_dir):
    """One rank: join the group, train on its slice, save its weights."""
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")  # loopback only
    dist.init_process_group(
        "gloo", init_method=init_method, rank=rank, world_size=world_size
    )
    torch.manual_seed(0)  # every rank builds the same initial weights
    model = DistributedDataParallel(nn.Linear(4, 1))
    x, y = combined_batch()
    train(model, x.chunk(world_size)[rank], y.chunk(world_size)[rank])
    weights = model.module.state_dict()
    torch.save(weights, Path(out_dir) / f"rank{rank}.pt")
    dist.destroy_process_group()
# --8<-- [end:worker]


def reference_run():
    """The same training in one process, for comparison."""
    # --8<-- [start:reference]
    torch.manual_seed(0)
    reference = nn.Linear(4, 1)
    train(reference, *combined_batch())  # one process, all 16 rows per step
    print("reference weight:", reference.weight.detach().round(decimals=4))
    # --8<-- [end:reference]
    return reference


# --8<-- [start:compare]
def compare(out_dir, reference, world_size=2):
    """Load each rank's weights; compare them with each other and reference."""
    ranks = [
        torch.load(Path(out_dir) / f"rank{r}.pt", weights_only=True)
        for r in range(world_size)
    ]
    agree = all(
        torch.equal(ranks[0][name], other[name])
        for other in ranks[1:]
        for name in ranks[0]
    )
    expected = reference.state_dict()
    as_reference = all(
        torch.allclose(ranks[0][name], expected[name], atol=1e-6)
        for name in expected
    )
    print("all ranks hold identical weights:", agree)
    print("equal to the one-process reference:", as_reference)
    return ranks
# --8<-- [end:compare]


# --8<-- [start:entry]
import torch.multiprocessing as mp


def spawn_main(out_dir, world_size=2):
    """Start the ranks with mp.spawn, which waits for all of them."""
    # The ranks meet through a file: no port to choose, nothing to clash.
    init_method = Path(out_dir, "rendezvous").as_uri()
    args = (world_size, init_method, out_dir)
    mp.spawn(ddp_worker, args=args, nprocs=world_size)


def main(argv):
    if "LOCAL_RANK" in os.environ:  # started by torchrun: be one rank
        rank, world_size = (int(os.environ[k]) for k in ("RANK", "WORLD_SIZE"))
        ddp_worker(rank, world_size, "env://", out_dir=argv[0])
    elif argv[:1] == ["spawn"]:  # arguments: spawn OUT_DIR
        spawn_main(out_dir=argv[1])
    else:  # started by hand: run the whole demonstration
        reference = reference_run()
        spawn_demo(reference)
        torchrun_demo(reference)
# --8<-- [end:entry]


def spawn_demo(reference):
    """Two ranks started by mp.spawn, in a script run as a subprocess."""
    # --8<-- [start:spawn]
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as out_dir:
        script = "snippets.pytorch.distributed"
        command = [sys.executable, "-m", script, "spawn", out_dir]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120
        )
        print("exit code:", done.returncode)
        spawned = compare(out_dir, reference)
    # --8<-- [end:spawn]
    if done.returncode:
        raise RuntimeError(done.stderr)
    return spawned


def torchrun_demo(reference):
    """Two ranks started by torchrun, each running this file."""
    # --8<-- [start:torchrun]
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as out_dir:
        command = [
            sys.executable, "-m", "torch.distributed.run",  # = torchrun
            "--standalone",  # one machine; rendezvous on localhost
            "--nproc-per-node", "2",
            "-m", "snippets.pytorch.distributed", out_dir,
        ]
        env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo")
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120
        )
        print("torchrun exit code:", done.returncode)
        launched = compare(out_dir, reference)
    # --8<-- [end:torchrun]
    if done.returncode:
        raise RuntimeError(done.stderr)
    return launched


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
