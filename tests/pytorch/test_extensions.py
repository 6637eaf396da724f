"""Checks for the claims made on docs/pytorch/extensions.md, on the objects the page built."""

import shutil

import pytest

PAGE = "docs/pytorch/extensions.md"

needs_compiler = pytest.mark.skipif(
    shutil.which("c++") is None, reason="no C++ compiler (c++) on PATH: cannot build the extension"
)


@needs_compiler
def test_cpp_operator_matches_torch_on_random_inputs(page):
    import torch

    scaled_add = page.scaled_add_op()
    assert page.scaled_add_op() is scaled_add is torch.ops.dle.scaled_add  # built once per process
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(3, 5, generator=gen), torch.randn(3, 5, generator=gen)
    torch.testing.assert_close(scaled_add(a, b, -1.5), a - 1.5 * b)
    torch.testing.assert_close(scaled_add(a.T, b.T, 2.0), a.T + 2.0 * b.T)  # non-contiguous


@needs_compiler
def test_cpp_operator_checks_shapes(page):
    import torch

    with pytest.raises(RuntimeError, match="same shape"):
        page.scaled_add_op()(torch.ones(2), torch.ones(3), 1.0)


@needs_compiler
@pytest.mark.parametrize("dtype", ["float64", "int64", "float16"])
def test_cpp_operator_refuses_other_dtypes_instead_of_converting_them(page, dtype):
    import torch

    other = torch.ones(3, dtype=getattr(torch, dtype))
    with pytest.raises(RuntimeError, match="must be float32"):
        page.scaled_add_op()(other, torch.ones(3), 1.0)
    with pytest.raises(RuntimeError, match="must be float32"):
        page.scaled_add_op()(torch.ones(3), other, 1.0)


def test_without_a_compiler_the_example_says_why(page, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    page.call_scaled_add()
    assert capsys.readouterr().out == "skipped: no C++ compiler (c++) on PATH\n"


def test_numpy_function_gradients_pass_gradcheck_on_other_sizes(page):
    import torch

    gen = torch.Generator().manual_seed(3)
    x = torch.randn(10, dtype=torch.float64, generator=gen, requires_grad=True)
    k = torch.randn(4, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(page.NumpyCorrelate.apply, (x, k))
    conv = torch.nn.functional.conv1d(x.view(1, 1, -1), k.view(1, 1, -1)).flatten()
    torch.testing.assert_close(page.NumpyCorrelate.apply(x, k), conv)


def test_gradcheck_catches_a_wrong_numpy_backward(page):
    import torch

    class Wrong(page.NumpyCorrelate):
        @staticmethod
        def backward(ctx, grad_out):
            grad_x, grad_k = page.NumpyCorrelate.backward(ctx, grad_out)
            return grad_x, grad_k.flip(0)

    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    k = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64, requires_grad=True)
    assert not torch.autograd.gradcheck(Wrong.apply, (x, k), raise_exception=False)


def test_numpy_filter_layer_is_a_moving_average_with_window_sum_gradients(page):
    import torch

    windows = page.signal.unfold(0, 3, 1)  # the length-3 windows of 0..5
    torch.testing.assert_close(page.layer(page.signal).detach(), windows.mean(dim=1))
    # d(sum y)/dk[j] = sum_i x[i + j]: the sum of the signal from j on, over len(y) values.
    expected = torch.stack([page.signal[j : j + windows.shape[0]].sum() for j in range(3)])
    torch.testing.assert_close(page.layer.kernel.grad, expected)


def test_numpy_function_agrees_with_conv1d_in_values_and_gradients(page):
    # The page prints these differences as 1.2e-16-style numbers; the tolerance lives here.
    assert page.output_gap < 1e-12 and page.grad_gap < 1e-12
    assert page.compiled_gap < 1e-6


def test_once_differentiable_refuses_a_second_derivative(page):
    import torch

    gen = torch.Generator().manual_seed(4)
    x = torch.randn(6, dtype=torch.float64, generator=gen, requires_grad=True)
    k = torch.randn(3, dtype=torch.float64, generator=gen, requires_grad=True)

    y = page.NumpyCorrelate.apply(x, k)
    # d/dx sum(y**2) sends 2*y into backward(), which depends on x: differentiable twice
    (grad_x,) = torch.autograd.grad((y**2).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        grad_x.sum().backward()


def test_once_differentiable_silently_zeroes_a_second_order_term(page):
    import torch

    # y.sum() sends a gradient that does not require grad: no error, and no second-order term.
    torch.testing.assert_close(page.penalty_grad(page.NumpyCorrelate.apply), 2 * page.k, rtol=0, atol=0)
    true_second_order = page.penalty_grad(page.conv1d) - 2 * page.k
    assert true_second_order.abs().min().item() > 1.0  # what the page shows is lost


def test_compiled_numpy_layer_gives_eager_gradients(page):
    assert page.compiled_gap < 1e-6 and page.compiled_grad_gap < 1e-6
    assert page.eager_kernel_grad.abs().min().item() > 1.0  # a real gradient was compared


def test_custom_op_keeps_the_second_order_term(page):
    assert page.penalty_gap < 1e-12


def test_numpy_layer_is_captured_in_one_graph(page):
    import torch

    graphs = []

    def count_graphs(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward

    torch.compile(page.layer, backend=count_graphs)(torch.arange(5.0))
    assert len(graphs) == 1


def test_custom_op_is_differentiable_twice_and_agrees_with_conv1d(page):
    import torch

    assert page.op_gap < 1e-12 and page.op_grad_gap < 1e-12
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(9, dtype=torch.float64, generator=gen, requires_grad=True)
    k = torch.randn(4, dtype=torch.float64, generator=gen, requires_grad=True)
    assert torch.autograd.gradcheck(page.correlate, (x, k))
    assert torch.autograd.gradgradcheck(page.correlate, (x, k))
    assert page.correlate is torch.ops.dle.correlate.default or callable(torch.ops.dle.correlate)
    torch.testing.assert_close(torch.ops.dle.correlate(x, k), page.correlate(x, k))


def test_custom_op_compiles_whole_with_its_fake_implementation(page):
    import torch

    def two_filters(x, k):
        return page.correlate(x, k) * 2 + 1

    x, k = torch.randn(7, dtype=torch.float64), torch.randn(3, dtype=torch.float64)
    compiled = torch.compile(two_filters, fullgraph=True, backend="eager")
    torch.testing.assert_close(compiled(x, k), two_filters(x, k))
