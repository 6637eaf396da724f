"""Checks for the claims made on docs/pytorch/distributed.md, on what the page computed.

The page starts each launcher once (mp.spawn in a subprocess, then torchrun); these tests
look at the weights those runs left in ``page.spawned`` and ``page.launched``.
"""

import os

from tests.processes import processes

PAGE = "docs/pytorch/distributed.md"


def assert_trained_like_the_reference(ranks, reference):
    import torch
    from torch import nn

    for name, value in reference.state_dict().items():
        # The page prints this difference to six decimals; the tolerance lives here.
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
    assert "between ranks: 1.0e+00" in out and "from the reference: 0.000000" in out


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
