"""Checks for the claims made on docs/pytorch/nn.md, on the objects the page built."""

import pytest

PAGE = "docs/pytorch/nn.md"


def test_skip_connection_adds_the_input_before_the_head(page):
    import torch

    torch.manual_seed(3)
    net = page.TwoBranchNet()
    x = torch.randn(5, 8)
    with torch.no_grad():
        both = torch.cat([net.relu_branch(x), net.tanh_branch(x)], dim=1)
        expected = net.head(x + net.merge(both))
        torch.testing.assert_close(net(x), expected)
        # Without the skip term the output is different.
        assert not torch.allclose(net(x), net.head(net.merge(both)))


def test_buffers_are_saved_but_not_trained(page):
    import torch

    assert not page.net.input_mean.requires_grad
    optimizer = torch.optim.SGD(page.net.parameters(), lr=0.1)
    assert all(p is not page.net.input_mean for g in optimizer.param_groups for p in g["params"])


def test_loading_the_state_dict_restores_buffers_and_replaces_fresh_weights(page):
    import torch

    assert torch.equal(page.restored.input_mean, torch.full((8,), 0.5))
    # A freshly built model computes something else: the loaded weights made the difference.
    assert not torch.equal(page.TwoBranchNet()(page.probe), page.net(page.probe))


def test_dropout_zeroes_about_p_and_scales_the_rest(page):
    import torch
    from torch import nn

    out = nn.Dropout(p=page.dropout.p).train()(torch.ones(10_000))
    assert set(out.unique().tolist()) <= {0.0, 2.0}  # zeroed or scaled by 1/(1-p)
    assert 0.45 < (out == 0).float().mean().item() < 0.55


def test_batch_norm_train_versus_eval(page):
    import torch
    from torch import nn

    data, eps = page.data, page.batch_norm.eps
    # Training mode: this batch's mean and (biased) variance.
    fresh = nn.BatchNorm1d(1).train()
    mean, var = data.mean(), data.var(unbiased=False)
    torch.testing.assert_close(fresh(data).detach(), (data - mean) / torch.sqrt(var + eps))
    # The running variance moved a tenth of the way from 1 towards the unbiased batch variance.
    running_var = 0.9 + 0.1 * data.var(unbiased=True)
    torch.testing.assert_close(page.batch_norm.running_var, running_var.reshape(1))
    # Evaluation mode normalises with the running estimates, and does not update them.
    assert not page.batch_norm.training
    evaluated = page.batch_norm(data).detach()
    torch.testing.assert_close(evaluated, (data - 0.25) / torch.sqrt(running_var + eps))
    assert page.batch_norm.running_mean.item() == 0.25
    assert page.batch_norm.num_batches_tracked.item() == 1
    # In eval mode a sample's output does not depend on the rest of the batch.
    torch.testing.assert_close(page.batch_norm(data[:1]).detach(), evaluated[:1])


def test_loaded_model_computes_exactly_what_the_saved_one_did(page):
    assert page.gap == 0.0


def test_a_non_persistent_buffer_is_held_but_neither_saved_nor_loaded(page):
    import torch

    assert torch.equal(page.holder.scratch, torch.tensor(2.0))
    assert list(page.holder.state_dict()) == ["kept"]
    other = torch.nn.Module()
    other.register_buffer("kept", torch.tensor(0.0))
    other.register_buffer("scratch", torch.tensor(0.0), persistent=False)
    other.load_state_dict(page.holder.state_dict())  # strict: "scratch" is not expected
    assert other.kept.item() == 1.0 and other.scratch.item() == 0.0


def test_weights_only_load_refuses_a_pickled_module_but_takes_a_state_dict(page, tmp_path):
    import pickle

    import torch

    torch.save(page.mlp, tmp_path / "whole.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
        torch.load(tmp_path / "whole.pt")  # weights_only=True is the default
    torch.save(page.net.state_dict(), tmp_path / "state.pt")
    assert set(torch.load(tmp_path / "state.pt")) == set(page.net.state_dict())


def test_a_plain_list_hides_its_layers_and_a_module_list_registers_them(page):
    import torch

    hidden, registered = page.Stack(False), page.Stack(True)
    assert list(hidden.parameters()) == [] and len(hidden.state_dict()) == 0
    assert sum(p.numel() for p in registered.parameters()) == 3 * (4 * 4 + 4)
    # Both compute with their layers: the plain list's are only invisible, not unused.
    x = torch.ones(2, 4)
    registered.load_state_dict({
        f"layers.{i}.{name}": getattr(layer, name)
        for i, layer in enumerate(hidden.layers)
        for name in ("weight", "bias")
    })
    with torch.no_grad():
        torch.testing.assert_close(hidden(x), registered(x))


def test_strict_false_loads_what_matches_and_reports_the_rest(page):
    import torch

    assert page.result.missing_keys == ["3.weight", "3.bias"]
    assert page.result.unexpected_keys == ["2.weight", "2.bias"]
    assert torch.equal(page.shifted[0].weight, page.mlp[0].weight)  # the match was loaded
    assert not torch.equal(page.shifted[3].weight, page.mlp[2].weight)  # the shifted one not


def test_batch_norm_left_in_training_mode_learns_from_evaluation_data(page):
    import torch
    from torch import nn

    norm = nn.BatchNorm1d(1)  # training mode, as after construction
    with torch.no_grad():
        norm(page.data)  # an "evaluation" pass that forgot eval()
    assert norm.running_mean.item() != 0.0 and norm.num_batches_tracked.item() == 1
