"""torch.distributed: the code of docs/pytorch/distributed.md.

Run it as a program with ``python -m snippets.pytorch.distributed``: it trains
the same model with two processes, started once by ``mp.spawn`` and once by
``torchrun``, which runs this same file in each process it starts.
"""

# --8<-- [start:worker]
import gc
import os
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
import torch.distributed.nn  # before any group exists: see below
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def dataset():
    """16 rows and their targets: the whole training set."""
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(16, 4, generator=gen)
    return TensorDataset(x, x.sum(dim=1, keepdim=True))


def train(model, loader, epochs=5, lr=0.1):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        if isinstance(loader.sampler, DistributedSampler):
            loader.sampler.set_epoch(epoch)  # a new shuffle every epoch
        for x, y in loader:
            optimizer.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()


def train_ddp(rank, world_size):
    """This rank's share of the training; returns the final weights."""
    torch.manual_seed(0)  # every rank builds the same initial weights
    model = DistributedDataParallel(nn.Linear(4, 1))
    data = dataset()
    sampler = DistributedSampler(data, world_size, rank, shuffle=True, seed=0)
    # 16 rows, 2 ranks: each rank gets 8 rows of every epoch, one batch
    batch_size = len(data) // world_size
    loader = DataLoader(data, batch_size=batch_size, sampler=sampler)
    train(model, loader)
    return {k: v.detach().clone() for k, v in model.module.state_dict().items()}


def ddp_worker(rank, world_size, init_method, out_dir):
    """One rank: join the group, train, save, leave the group."""
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")  # loopback only
    dist.init_process_group(
        "gloo",
        init_method=init_method,
        rank=rank,
        world_size=world_size,
        timeout=timedelta(seconds=60),  # give up waiting for a lost rank
    )
    weights = train_ddp(rank, world_size)
    gc.collect()  # the DDP model is in a reference cycle: free it now
    torch.save(weights, Path(out_dir) / f"rank{rank}.pt")
    dist.barrier()  # every rank has saved before any leaves
    dist.destroy_process_group()  # no model holds the group: its threads stop
# --8<-- [end:worker]


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
    else:  # started by hand: the demonstration that follows
        demonstration()
# --8<-- [end:entry]


def demonstration():
    """One process as the reference, then two ranks by mp.spawn and by torchrun."""
    # --8<-- [start:reference]
    torch.manual_seed(0)
    reference = nn.Linear(4, 1)
    everything = DataLoader(dataset(), batch_size=16)  # all 16 rows per step
    train(reference, everything)
    print("reference weight:", reference.weight.detach().round(decimals=4))
    # --8<-- [end:reference]

    # --8<-- [start:compare]
    def compare(out_dir, reference, world_size=2):
        """Load each rank's weights; compare them with each other and reference."""
        ranks = [
            torch.load(Path(out_dir) / f"rank{r}.pt", weights_only=True)
            for r in range(world_size)
        ]
        between_ranks = max(
            (other[name] - ranks[0][name]).abs().max().item()
            for other in ranks[1:]
            for name in ranks[0]
        )
        expected = reference.state_dict()
        from_reference = max(
            (ranks[0][name] - expected[name]).abs().max().item()
            for name in expected
        )
        print(f"largest difference between ranks: {between_ranks:.1e}")
        print(f"largest difference from the reference: {from_reference:.1e}")
        return ranks
    # --8<-- [end:compare]

    # --8<-- [start:spawn]
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as out_dir:
        script = "snippets.pytorch.distributed"
        command = [sys.executable, "-m", script, "spawn", out_dir]
        # check: raise if it fails; timeout: kill it if it hangs
        subprocess.run(command, check=True, timeout=120)
        spawned = compare(out_dir, reference)
    # --8<-- [end:spawn]

    # --8<-- [start:torchrun]
    with tempfile.TemporaryDirectory() as out_dir:
        command = [
            sys.executable, "-m", "torch.distributed.run",  # = torchrun
            "--standalone",  # one machine; rendezvous on localhost
            "--nproc-per-node", "2",
            "-m", "snippets.pytorch.distributed", out_dir,
        ]
        env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo")
        subprocess.run(command, env=env, check=True, timeout=120)
        launched = compare(out_dir, reference)
    launchers_gap = max(
        (launched[0][k] - spawned[0][k]).abs().max().item() for k in launched[0]
    )
    print(f"largest difference from the mp.spawn run: {launchers_gap:.1e}")
    # --8<-- [end:torchrun]


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
