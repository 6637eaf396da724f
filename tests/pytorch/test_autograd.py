"""Checks for the claims made on docs/pytorch/autograd.md."""

import pytest

PAGE = "docs/pytorch/autograd.md"


@pytest.mark.parametrize(
    ("start", "w", "steps"),
    [([1.0, 0.0], 2.0, 4), ([3.0, 4.0], 2.0, 1), ([0.5, 0.5], 3.0, 3), ([20.0], 2.0, 0)],
)
def test_loop_length_follows_the_data_and_gradient_matches_closed_form(page, start, w, steps):
    import torch

    x = torch.tensor(start)
    weight = torch.tensor(w, requires_grad=True)
    y, n = page.grow_until(x, weight)
    assert n == steps
    if n == 0:
        assert y.grad_fn is None  # nothing involving w was recorded
        return
    (grad,) = torch.autograd.grad(y.sum(), weight)
    assert grad.item() == pytest.approx(n * w ** (n - 1) * sum(start))


def test_custom_softplus_gradient_passes_gradcheck_and_matches_torch(page):
    import torch

    x = torch.linspace(-30, 30, 13, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(page.Softplus.apply, (x,))
    torch.testing.assert_close(page.Softplus.apply(x), torch.nn.functional.softplus(x))
    (grad,) = torch.autograd.grad(page.Softplus.apply(x).sum(), x)
    (reference,) = torch.autograd.grad(torch.nn.functional.softplus(x).sum(), x)
    torch.testing.assert_close(grad, reference)
    torch.testing.assert_close(grad, torch.sigmoid(x))


def test_custom_softplus_agrees_with_torch_in_values_and_gradient(page):
    # The page prints the largest differences as 1.2e-16-style numbers; the tolerance is here.
    assert page.value_gap < 1e-12 and page.grad_gap < 1e-12


def test_gradcheck_would_catch_a_wrong_backward(page):
    import torch

    class Wrong(page.Softplus):
        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * torch.sigmoid(x) * 1.01

    x = torch.randn(4, dtype=torch.float64, requires_grad=True)
    assert not torch.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)


def test_the_hook_halved_the_gradient_and_a_removed_hook_is_not_called(page):
    import torch

    assert page.seen[0] == [6.0, 12.0]
    assert page.param.grad.tolist() == [9.0, 18.0]  # half of the [18, 36] without the hook
    param = torch.tensor([1.0, 2.0], requires_grad=True)
    hidden = 3 * param
    (hidden**2).sum().backward()  # no hook on this new tensor: the full gradient
    assert param.grad.tolist() == [18.0, 36.0]
    hooked = 3 * torch.tensor([1.0, 2.0], requires_grad=True)
    hooked.register_hook(page.halve).remove()
    calls = len(page.seen)
    (hooked**2).sum().backward()  # a removed hook is not called
    assert len(page.seen) == calls


def test_inference_mode_tensors_cannot_be_recorded_but_no_grad_ones_can(page):
    import torch

    assert page.features.is_inference() and not page.features.requires_grad
    with torch.no_grad():
        plain = page.layer(torch.ones(2, 3))
    page.layer_2(plain).sum().backward()  # fine: no_grad output is an ordinary tensor
