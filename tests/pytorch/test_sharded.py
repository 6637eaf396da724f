"""Checks for the claims made on docs/pytorch/sharded.md, on what the page computed.

The page runs two torchrun jobs (two launchers as two nodes, then one launcher whose
worker fails once); these tests look at what they left in the page's namespace, and try
the page's launcher helper on a failure and on a timeout.
"""

import os
import sys
import time

import pytest

from tests.processes import processes

PAGE = "docs/pytorch/sharded.md"


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return file.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # it ended while we looked
        return ""


def running(*markers):
    """Processes (other than this one) whose command line contains every one of ``markers``."""
    me = os.getpid()
    return [p.pid for p in processes() if p.pid != me and all(m in cmdline(p.pid) for m in markers)]


def test_each_rank_holds_half_of_every_parameter(page):
    assert len(page.everyone) == 2
    for name, (full, _, placements) in page.everyone[0].items():
        assert placements == "(Shard(dim=0),)", name
        for rank in page.everyone:
            assert rank[name][1] == (full[0] // 2, *full[1:]), name
    assert page.held == [page.total // 2] * 2


def test_fsdp_trained_like_ddp_within_the_printed_tolerance(page):
    import torch

    assert page.fsdp_weights.keys() == page.ddp_weights.keys()
    for name, value in page.ddp_weights.items():
        torch.testing.assert_close(page.fsdp_weights[name], value, atol=page.tolerance, rtol=0)
    initial = page.make_model().state_dict()
    assert not torch.allclose(page.fsdp_weights["0.weight"], initial["0.weight"])  # it trained


def test_the_checkpoint_has_one_file_per_rank_and_an_index(page):
    assert ".metadata" in page.files
    assert len([name for name in page.files if name.endswith(".distcp")]) == 2


def test_the_job_failed_once_and_resumed_from_its_last_checkpoint(page):
    lines = page.printed.splitlines()
    assert lines[0] == "attempt 0: 2 ranks, from step 0"
    assert "attempt 1: 2 ranks, from step 2" in lines
    assert lines[-1] == f"attempt 1: saved step-{page.STEPS}"
    assert [line for line in page.errors if "fails on purpose at step 3" in line]


def test_the_resumed_run_ends_exactly_where_the_uninterrupted_one_did(page):
    import torch

    for name, value in page.fsdp_weights.items():
        assert torch.equal(page.resumed[name], value), name


def test_latest_checkpoint_skips_one_without_its_index(page, tmp_path):
    assert page.latest_checkpoint(tmp_path) is None
    for step in (2, 4, 10):
        (tmp_path / f"step-{step}").mkdir()
    (tmp_path / "step-2" / ".metadata").touch()
    (tmp_path / "step-10" / ".metadata").touch()
    assert page.latest_checkpoint(tmp_path).name == "step-10"  # by number, not by name
    (tmp_path / "step-10" / ".metadata").unlink()  # as if rank 0 died while saving
    assert page.latest_checkpoint(tmp_path).name == "step-2"


def test_a_failing_launcher_stops_the_others_and_reports_its_errors(page, tmp_path):
    marker = f"{time.time_ns() % 10**6 + 100}.5"  # a sleep no one else runs
    sleeper = ["sleep", marker]
    failing = [sys.executable, "-c", "import sys; sys.exit('no rendezvous')"]
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="no rendezvous"):
        page.run_launchers([sleeper, failing], log_dir=tmp_path)
    assert time.monotonic() - started < 30  # it did not wait for the sleeper
    assert running(f"sleep {marker}") == []


def test_a_launcher_that_ignores_sigterm_is_killed_after_the_grace_period(page, tmp_path):
    ready = tmp_path / "ready"
    stubborn = [sys.executable, "-c", "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "open(sys.argv[1], 'w').close(); time.sleep(600)", str(ready)]  # fmt: skip
    # It fails once the other one ignores SIGTERM, so that stopping it needs the kill.
    failing = [sys.executable, "-c", "import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.05)\n"
               "sys.exit('no rendezvous')", str(ready)]  # fmt: skip
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="no rendezvous"):
        page.run_launchers([stubborn, failing], log_dir=tmp_path, grace=1)
    assert time.monotonic() - started < 30


def test_a_timeout_stops_torchrun_and_its_workers(page, tmp_path):
    import subprocess

    marker = f"{time.time_ns() % 10**6 + 100}.25"
    worker = ["--no-python", "sh", "-c", f"echo started; exec sleep {marker}"]
    command = [*page.TORCHRUN, "--standalone", "--nproc-per-node=1", *worker]
    with pytest.raises(subprocess.TimeoutExpired):
        page.run_launchers([command], log_dir=tmp_path, timeout=15)
    assert (tmp_path / "launcher0.out").read_text() == "started\n"  # the worker ran
    assert running(f"sleep {marker}") == []  # and went with torchrun


def test_no_launched_process_is_left(page):
    # This run's launchers and workers name its work folder; another run's do not.
    assert running("snippets.pytorch.sharded", page.work.name) == []
    me, group = os.getpid(), os.getpgid(0)
    left = [p.pid for p in processes() if p.pid != me and (p.ppid == me or p.pgid == group)]
    assert left == []


def test_run_by_hand_the_script_runs_the_demonstration(page, monkeypatch):
    # The page shows the demonstration's body, not the function; stand one in for it.
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    calls = []
    monkeypatch.setitem(page.main.__globals__, "demonstration", lambda: calls.append("demo"))
    page.main([])
    assert calls == ["demo"]
