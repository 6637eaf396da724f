"""Checks for the claims made on docs/pytorch/distributed.md."""

import socket

import pytest
import torch
from torch import nn

from snippets.pytorch import distributed as page


@pytest.fixture(scope="module")
def reference():
    return page.reference_run()


@pytest.fixture(scope="module")
def spawned(reference):
    return page.spawn_demo(reference)


@pytest.fixture(scope="module")
def launched(reference):
    return page.torchrun_demo(reference)


def assert_ranks_equal_reference(ranks, reference):
    assert len(ranks) == 2
    for name, value in ranks[0].items():
        assert torch.equal(value, ranks[1][name])  # identical replicas
        torch.testing.assert_close(value, reference.state_dict()[name], atol=1e-6, rtol=0)
    torch.manual_seed(0)
    initial = nn.Linear(4, 1).state_dict()
    assert not torch.allclose(ranks[0]["weight"], initial["weight"])  # it trained


def test_mp_spawn_ranks_agree_with_one_process(spawned, reference):
    assert_ranks_equal_reference(spawned, reference)


def test_torchrun_ranks_agree_with_one_process(launched, reference):
    assert_ranks_equal_reference(launched, reference)


def test_compare_notices_different_ranks(tmp_path, reference, capsys):
    torch.save(reference.state_dict(), tmp_path / "rank0.pt")
    other = {k: v + 1 for k, v in reference.state_dict().items()}
    torch.save(other, tmp_path / "rank1.pt")
    page.compare(tmp_path, reference)
    out = capsys.readouterr().out
    assert "identical weights: False" in out and "reference: True" in out


def test_one_rank_in_process_equals_the_reference(tmp_path, reference):
    init = (tmp_path / "store").as_uri()
    page.ddp_worker(0, 1, init, tmp_path)
    weights = torch.load(tmp_path / "rank0.pt", weights_only=True)
    for name, value in reference.state_dict().items():
        torch.testing.assert_close(weights[name], value, atol=1e-6, rtol=0)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_main_as_a_torchrun_rank(tmp_path, monkeypatch, reference):
    env = {"LOCAL_RANK": "0", "RANK": "0", "WORLD_SIZE": "1"}
    env.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(free_port()))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    page.main([str(tmp_path)])
    weights = torch.load(tmp_path / "rank0.pt", weights_only=True)
    torch.testing.assert_close(weights["weight"], reference.weight.detach(), atol=1e-6, rtol=0)


def test_spawn_main_in_process(tmp_path, reference):
    page.spawn_main(tmp_path)
    ranks = [torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in range(2)]
    assert_ranks_equal_reference(ranks, reference)


def test_main_with_spawn_argument(monkeypatch):
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    calls = []
    monkeypatch.setattr(page, "spawn_main", lambda out_dir: calls.append(out_dir))
    page.main(["spawn", "somewhere"])
    assert calls == ["somewhere"]


def test_main_by_hand_launches_both(monkeypatch):
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    calls = []
    monkeypatch.setattr(page, "reference_run", lambda: "ref")
    monkeypatch.setattr(page, "spawn_demo", lambda ref: calls.append(("spawn", ref)))
    monkeypatch.setattr(page, "torchrun_demo", lambda ref: calls.append(("torchrun", ref)))
    page.main([])
    assert calls == [("spawn", "ref"), ("torchrun", "ref")]


@pytest.mark.parametrize("launcher", ["spawn_demo", "torchrun_demo"])
def test_launcher_failure_is_reported(monkeypatch, reference, launcher):
    import subprocess

    class Failed:
        returncode = 1
        stderr = "boom"

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: Failed())
    monkeypatch.setattr(page, "compare", lambda out_dir, ref: [])
    with pytest.raises(RuntimeError, match="boom"):
        getattr(page, launcher)(reference)
