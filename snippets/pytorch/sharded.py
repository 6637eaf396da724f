"""Sharded and fault-tolerant training: the code of docs/pytorch/sharded.md.

Started by torchrun, this file is one rank of a training job (``main`` reads
its arguments). Run by hand, ``python -m snippets.pytorch.sharded`` runs the
demonstration that the page shows: two launchers as two nodes, a sharded
checkpoint read back in one process, and a job that survives a failure.
"""

# --8<-- [start:model]
import os
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

STEPS = 6  # optimizer steps of every training run
EVERY = 2  # save a checkpoint after every second step


def make_model():
    torch.manual_seed(0)  # the same initial weights in every process
    return nn.Sequential(
        nn.Linear(8, 16),
        nn.ReLU(),
        nn.Linear(16, 16),
        nn.ReLU(),
        nn.Linear(16, 4),
    )


def make_optimizer(model):
    return torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def batch(step, rank, world_size):
    """This rank's rows of the 16 of step ``step``: the same in every run."""
    gen = torch.Generator().manual_seed(step)
    x = torch.randn(16, 8, generator=gen)
    y = x[:, :4] * x[:, 4:]  # something for the model to learn
    return x.chunk(world_size)[rank], y.chunk(world_size)[rank]


def train_step(model, optimizer, x, y):
    optimizer.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    optimizer.step()


# --8<-- [end:model]


# --8<-- [start:shard]
from torch.distributed.checkpoint.state_dict import (
    StateDictOptions,
    set_model_state_dict,
)
from torch.distributed.fsdp import fully_shard


def shard(model):
    """FSDP2: each parameter becomes a DTensor split across the ranks."""
    for layer in model:
        if isinstance(layer, nn.Linear):
            fully_shard(layer)  # gathered in full only while it computes
    fully_shard(model)  # the root last: fully_shard goes bottom-up
    return model


def sharded_model():
    """The model built without memory for its weights, sharded, filled in."""
    with torch.device("meta"):  # parameters with shapes but no data
        model = make_model()
    shard(model)
    model.to_empty(device="cpu")  # each rank allocates its own pieces only
    # Rank 0 has the initial weights in full (here it makes them; a real job
    # would read them from a checkpoint) and sends each rank its pieces.
    full = make_model().state_dict() if dist.get_rank() == 0 else {}
    options = StateDictOptions(full_state_dict=True, broadcast_from_rank0=True)
    set_model_state_dict(model, full, options=options)
    return model


def pieces(model):
    """Each parameter's full shape, this rank's piece of it, and the split."""
    shapes = {}
    for name, p in model.named_parameters():
        local = p.to_local()  # this rank's piece: an ordinary tensor
        shapes[name] = (tuple(p.shape), tuple(local.shape), str(p.placements))
    return shapes


# --8<-- [end:shard]


# --8<-- [start:checkpoint]
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import (
    get_state_dict,
    set_state_dict,
)


def save_checkpoint(model, optimizer, folder, step):
    """Every rank writes its own shards; rank 0 adds the index, .metadata."""
    model_state, optim_state = get_state_dict(model, optimizer)
    state = {"model": model_state, "optim": optim_state}
    dcp.save(state, checkpoint_id=Path(folder, f"step-{step}"))


def step_of(checkpoint):
    return int(Path(checkpoint).name.removeprefix("step-"))


def latest_checkpoint(folder):
    """The newest complete checkpoint: .metadata is the last file written."""
    complete = [p.parent for p in Path(folder).glob("step-*/.metadata")]
    return max(complete, key=step_of, default=None)


def resume(model, optimizer, folder):
    """Load the newest checkpoint, if any; return the step to go on from."""
    latest = latest_checkpoint(folder)
    if latest is None:
        return 0
    model_state, optim_state = get_state_dict(model, optimizer)
    state = {"model": model_state, "optim": optim_state}
    dcp.load(state, checkpoint_id=latest)  # each rank reads what it holds
    set_state_dict(
        model,
        optimizer,
        model_state_dict=state["model"],
        optim_state_dict=state["optim"],
    )
    return step_of(latest)


# --8<-- [end:checkpoint]


# --8<-- [start:worker]
import gc

from torch.nn.parallel import DistributedDataParallel


def train(out_dir, attempt, ddp, fail_at):
    """Train, checkpointing as it goes; the models live only in here."""
    rank, world_size = dist.get_rank(), dist.get_world_size()
    model = sharded_model()
    optimizer = make_optimizer(model)
    folder = Path(out_dir, "checkpoints")
    start = resume(model, optimizer, folder)
    if rank == 0:
        print(f"attempt {attempt}: {world_size} ranks, from step {start}")
    for step in range(start, STEPS):
        if step == fail_at and attempt == 0 and rank == 0:
            raise RuntimeError(f"rank 0 fails on purpose at step {step}")
        train_step(model, optimizer, *batch(step, rank, world_size))
        if (step + 1) % EVERY == 0:
            save_checkpoint(model, optimizer, folder, step + 1)
            if rank == 0:
                print(f"attempt {attempt}: saved step-{step + 1}")
    everyone = [None] * world_size
    dist.all_gather_object(everyone, pieces(model))  # every rank's pieces
    if rank == 0:
        torch.save(everyone, Path(out_dir, "pieces.pt"))
    if ddp:  # the same training again, with DistributedDataParallel
        twin = DistributedDataParallel(make_model())
        twin_optimizer = make_optimizer(twin)
        for step in range(STEPS):
            train_step(twin, twin_optimizer, *batch(step, rank, world_size))
        if rank == 0:
            torch.save(twin.module.state_dict(), Path(out_dir, "ddp.pt"))


def worker(out_dir, ddp=False, fail_at=None):
    """One rank: join the group, train, then leave it together."""
    attempt = int(os.environ["TORCHELASTIC_RESTART_COUNT"])  # from torchrun
    # torchrun put RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT in the
    # environment, which init_process_group reads (init_method "env://").
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    train(out_dir, attempt, ddp, fail_at)
    gc.collect()  # the models are in reference cycles: free them now
    dist.barrier()  # every rank has finished and saved before any leaves
    dist.destroy_process_group()


# --8<-- [end:worker]


# --8<-- [start:entry]
import argparse


def main(argv):
    parser = argparse.ArgumentParser(description="One rank of the job.")
    parser.add_argument("out_dir", help="checkpoints and results go here")
    parser.add_argument("--ddp", action="store_true", help="train DDP too")
    parser.add_argument("--fail-at", type=int, help="fail once at this step")
    if "LOCAL_RANK" in os.environ:  # started by torchrun: be one rank
        args = parser.parse_args(argv)
        worker(args.out_dir, ddp=args.ddp, fail_at=args.fail_at)
    else:  # started by hand: the demonstration that follows
        demonstration()


# --8<-- [end:entry]


def demonstration():
    """Two launchers as two nodes, a checkpoint read back, a failure survived."""
    # --8<-- [start:launch]
    import socket
    import subprocess
    import sys
    import time

    TORCHRUN = [sys.executable, "-m", "torch.distributed.run"]  # = torchrun
    WORKER = ["-m", "snippets.pytorch.sharded"]  # this file, as a module

    def free_port():
        """A port that nothing uses on 127.0.0.1 now: the system picks it."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def start(command, log, env):
        """Start one launcher; what it prints goes to two files."""
        with open(f"{log}.out", "w") as out, open(f"{log}.err", "w") as err:
            return subprocess.Popen(command, env=env, stdout=out, stderr=err)

    def run_launchers(commands, log_dir, timeout=120, grace=60):
        """Start launchers together; wait for all; if one fails, stop all."""
        env = dict(
            os.environ,
            OMP_NUM_THREADS="1",
            GLOO_SOCKET_IFNAME="lo",
            # A new store for the workers at every restart (see the page).
            TORCH_DISABLE_SHARE_RDZV_TCP_STORE="1",
        )
        logs = [Path(log_dir, f"launcher{i}") for i in range(len(commands))]
        launchers = []
        try:
            for command, log in zip(commands, logs, strict=True):
                launchers.append(start(command, log, env))
            deadline = time.monotonic() + timeout
            while True:
                codes = [launcher.poll() for launcher in launchers]
                if None not in codes or any(codes):
                    break  # all ended, or one failed: stop the others below
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(commands, timeout)
                time.sleep(0.1)
        finally:  # after a failure, a timeout or Ctrl+C, stop what still runs
            stopped = [each for each in launchers if each.poll() is None]
            for launcher in stopped:
                launcher.terminate()  # torchrun stops its workers, then exits
            for launcher in stopped:
                try:
                    launcher.wait(timeout=grace)  # then it is killed
                except subprocess.TimeoutExpired:
                    launcher.kill()
                    launcher.wait()
        for launcher, log in zip(launchers, logs, strict=True):
            if launcher.returncode and launcher not in stopped:
                errors = Path(f"{log}.err").read_text()
                raise RuntimeError(f"{launcher.args} failed:\n{errors}")
        return [Path(f"{log}.out").read_text() for log in logs]

    # --8<-- [end:launch]

    # --8<-- [start:two_nodes]
    import tempfile

    def node(endpoint, job):
        """torchrun's options for one of two nodes that meet at ``endpoint``."""
        return [
            "--nnodes=2",  # two launchers, one per node
            "--nproc-per-node=1",  # each starts one worker (rank)
            "--rdzv-backend=c10d",
            f"--rdzv-endpoint={endpoint}",  # host:port where they meet
            f"--rdzv-id={job}",  # the same for every node of the job
        ]

    work = tempfile.TemporaryDirectory(prefix="sharded-")
    first = Path(work.name, "first")
    first.mkdir()
    options = [*node(f"127.0.0.1:{free_port()}", "first"), "--local-addr=127.0.0.1"]
    command = [*TORCHRUN, *options, *WORKER, str(first), "--ddp"]
    printed = run_launchers([command, command], log_dir=first)
    print("".join(printed), end="")
    # --8<-- [end:two_nodes]

    # --8<-- [start:pieces]
    import math

    everyone = torch.load(first / "pieces.pt")  # one dict per rank
    for name, (full, _, placements) in everyone[0].items():
        held = [rank[name][1] for rank in everyone]
        print(f"{name}: full {full}, ranks hold {held}, {placements}")
    total = sum(math.prod(full) for full, _, _ in everyone[0].values())
    held = [sum(math.prod(piece) for _, piece, _ in r.values()) for r in everyone]
    print(f"numbers held by each rank: {held} of {total}")
    # --8<-- [end:pieces]

    # --8<-- [start:one_process]
    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save

    def load_weights(checkpoint):
        """Read a sharded checkpoint whole, in this one process."""
        single_file = Path(checkpoint).with_suffix(".pt")
        dcp_to_torch_save(checkpoint, single_file)  # model and optimizer
        model = make_model()
        model.load_state_dict(torch.load(single_file)["model"])
        return model.state_dict()

    def largest_difference(weights, others):
        return max((weights[k] - others[k]).abs().max().item() for k in weights)

    checkpoint = first / "checkpoints" / f"step-{STEPS}"
    files = sorted(p.name for p in checkpoint.iterdir())
    print(files)
    fsdp_weights = load_weights(checkpoint)
    print([tuple(value.shape) for value in fsdp_weights.values()])  # in full
    ddp_weights = torch.load(first / "ddp.pt")
    gap = largest_difference(fsdp_weights, ddp_weights)
    tolerance = 1e-6
    print(f"largest difference from DDP: {gap:.1e} (tolerance {tolerance:.0e})")
    # --8<-- [end:one_process]

    # --8<-- [start:real_hosts]
    import shlex

    options = node("node0.example.com:29400", "job42")
    script = shlex.join([*WORKER, "/shared/job42"])
    launcher = "TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1 torchrun"
    print(" \\\n    ".join([launcher, *options, script]))
    # --8<-- [end:real_hosts]

    # --8<-- [start:elastic]
    second = Path(work.name, "second")
    second.mkdir()
    options = [
        "--standalone",  # one node; the rendezvous takes a free local port
        "--nproc-per-node=2",
        "--max-restarts=1",  # start the workers again, once
        "--local-addr=127.0.0.1",
    ]
    command = [*TORCHRUN, *options, *WORKER, str(second), "--fail-at=3"]
    [printed] = run_launchers([command], log_dir=second)
    print(printed, end="")
    errors = (second / "launcher0.err").read_text().splitlines()
    print(*[line for line in errors if line.startswith("[rank0]: Runtime")])
    # --8<-- [end:elastic]

    # --8<-- [start:resumed]
    resumed = load_weights(second / "checkpoints" / f"step-{STEPS}")
    gap = largest_difference(resumed, fsdp_weights)
    print(f"largest difference from the uninterrupted run: {gap:.1e}")
    work.cleanup()
    # --8<-- [end:resumed]


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
