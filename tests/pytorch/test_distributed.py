"""Checks for the claims made on docs/pytorch/distributed.md, on what the page computed.

The page starts each launcher once (mp.spawn in a subprocess, then torchrun); these tests
look at the weights those runs left in ``page.spawned`` and ``page.launched``.
"""

import contextlib
import os

import pytest

from tests.processes import processes

PAGE = "docs/pytorch/distributed.md"


def assert_trained_like_the_reference(ranks, reference):
    import torch
    from torch import nn

    for name, value in reference.state_dict().items():
        # The page prints this difference; the tolerance lives here.
        torch.testing.assert_close(ranks[0][name], value, atol=1e-6, rtol=0)
    torch.manual_seed(0)
    initial = nn.Linear(4, 1).state_dict()
    assert not torch.allclose(ranks[0]["weight"], initial["weight"])  # it trained


def test_mp_spawn_ranks_trained_like_one_process(page):
    assert_trained_like_the_reference(page.spawned, page.reference)


def test_torchrun_ranks_trained_like_one_process(page):
    assert_trained_like_the_reference(page.launched, page.reference)


def test_compare_notices_different_ranks(page, tmp_path, capsys):
    import torch

    torch.save(page.reference.state_dict(), tmp_path / "rank0.pt")
    other = {k: v + 1 for k, v in page.reference.state_dict().items()}
    torch.save(other, tmp_path / "rank1.pt")
    page.compare(tmp_path, page.reference)
    out = capsys.readouterr().out
    assert "between ranks: 1.0e+00" in out and "from the reference: 0.0e+00" in out


def test_ranks_and_launchers_agree_exactly(page):
    import torch

    for ranks in (page.spawned, page.launched):
        for name, value in ranks[0].items():
            assert torch.equal(ranks[1][name], value)
            assert torch.equal(page.launched[0][name], page.spawned[0][name])


def test_run_by_hand_the_script_runs_the_demonstration(page, monkeypatch):
    # The page shows the demonstration's body, not the function; stand one in for it.
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    calls = []
    monkeypatch.setitem(page.main.__globals__, "demonstration", lambda: calls.append("demo"))
    page.main([])
    assert calls == ["demo"]


def test_no_launched_process_is_left(page):
    """The launchers were waited for, and nothing they started still runs in this group."""
    me, group = os.getpid(), os.getpgid(0)
    left = [f"{p.pid} ({p.state})" for p in processes() if p.pid != me and (p.ppid == me or p.pgid == group)]
    assert left == []


def _rank_then_count_threads(rank, world_size, init_method, out_dir):
    """Run one rank as the page does, then record how many threads this process has left."""
    import gc
    from pathlib import Path

    from snippets.pytorch.distributed import ddp_worker

    gc.disable()  # no automatic collection: only the worker's own gc.collect() frees the model
    ddp_worker(rank, world_size, init_method, out_dir)
    Path(out_dir, f"threads{rank}").write_text(str(len(os.listdir("/proc/self/task"))))


@pytest.mark.program("snippets.pytorch.distributed")
def test_a_rank_ends_with_its_group_gone(tmp_path):
    """destroy_process_group really frees the group: gloo's threads are joined before exit.

    A group that outlives it (something still holds it) keeps gloo's threads alive into the
    interpreter's shutdown, where one of them can abort the process (see the page).
    """
    import subprocess
    import sys
    from pathlib import Path

    spawn_ranks = (
        "import sys, torch.multiprocessing as mp\n"
        "from tests.pytorch.test_distributed import _rank_then_count_threads as rank\n"
        "mp.spawn(rank, args=(2, sys.argv[1], sys.argv[2]), nprocs=2)\n"
    )
    init_method = (tmp_path / "rendezvous").as_uri()
    env = dict(os.environ, OMP_NUM_THREADS="1")  # no OpenMP pool to count
    root = Path(__file__).parents[2]
    command = [sys.executable, "-c", spawn_ranks, init_method, str(tmp_path)]
    proc = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
    try:
        assert proc.wait(timeout=120) == 0
    finally:
        # mp.spawn's resource tracker may outlive its parent for a moment, still writing its
        # coverage data: wait for the whole session to end, then kill what is left.
        import signal
        import time

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            p.sid == proc.pid and p.state != "Z" for p in processes()
        ):
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert [(tmp_path / f"threads{r}").read_text() for r in range(2)] == ["1", "1"]
