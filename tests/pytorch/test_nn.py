"""Checks for the claims made on docs/pytorch/nn.md."""

import torch
from torch import nn

from snippets.pytorch import nn as page


def test_sequential_parameter_count():
    assert sum(p.numel() for p in page.mlp.parameters()) == (8 * 16 + 16) + (16 * 3 + 3)


def test_skip_connection_adds_the_input_before_the_head():
    torch.manual_seed(3)
    net = page.TwoBranchNet()
    x = torch.randn(5, 8)
    with torch.no_grad():
        both = torch.cat([net.relu_branch(x), net.tanh_branch(x)], dim=1)
        expected = net.head(x + net.merge(both))
        torch.testing.assert_close(net(x), expected)
        # Without the skip term the output is different.
        assert not torch.allclose(net(x), net.head(net.merge(both)))


def test_buffers_are_saved_but_not_trained():
    names = {n for n, _ in page.net.named_parameters()}
    assert "input_mean" not in names
    assert "input_mean" in page.net.state_dict()
    assert not page.net.input_mean.requires_grad
    optimizer = torch.optim.SGD(page.net.parameters(), lr=0.1)
    assert all(p is not page.net.input_mean for g in optimizer.param_groups for p in g["params"])
    assert {n for n, _ in page.norm.named_buffers()} == {"running_mean", "running_var", "num_batches_tracked"}


def test_loading_the_state_dict_restores_outputs_and_buffers():
    assert torch.equal(page.restored.input_mean, torch.full((8,), 0.5))
    assert torch.equal(page.net(page.probe), page.restored(page.probe))
    assert not torch.equal(page.TwoBranchNet()(page.probe), page.net(page.probe))


def test_dropout_train_versus_eval():
    drop = nn.Dropout(p=0.5).train()
    out = drop(torch.ones(10_000))
    assert set(out.unique().tolist()) <= {0.0, 2.0}  # zeroed or scaled by 1/(1-p)
    assert 0.45 < (out == 0).float().mean().item() < 0.55
    assert torch.equal(drop.eval()(torch.ones(10)), torch.ones(10))


def test_batch_norm_train_versus_eval():
    bn = nn.BatchNorm1d(1)
    data = page.data
    out = bn.train()(data).detach()
    mean, var = data.mean(), data.var(unbiased=False)
    torch.testing.assert_close(out, (data - mean) / torch.sqrt(var + bn.eps))
    assert bn.running_mean.item() == 0.1 * 2.5  # momentum 0.1 towards the batch mean
    running_var = 0.9 + 0.1 * data.var(unbiased=True)
    torch.testing.assert_close(bn.running_var, running_var.reshape(1))
    evaluated = bn.eval()(data).detach()
    torch.testing.assert_close(evaluated, (data - 0.25) / torch.sqrt(running_var + bn.eps))
    assert bn.running_mean.item() == 0.25  # eval does not update the estimates
    # In eval mode a sample's output does not depend on the rest of the batch.
    torch.testing.assert_close(bn(data[:1]).detach(), evaluated[:1])
