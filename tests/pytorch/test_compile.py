"""Checks for the claims made on docs/pytorch/compile.md, on the objects the page built."""

import pytest

PAGE = "docs/pytorch/compile.md"


def test_compiled_wrapper_shares_the_modules_parameters(page):
    pairs = zip(page.compiled.parameters(), page.model.parameters(), strict=True)
    assert all(compiled is original for compiled, original in pairs)  # the same tensors


def test_exported_program_checks_its_input_shape(page):
    import torch

    with pytest.raises(Exception, match=r"(?i)shape|size|dim|expected"):
        page.runnable(torch.randn(3, 5))  # wrong number of features


def test_compiled_exported_and_scripted_models_agree_with_eager(page):
    # The page prints the largest differences as 1.2e-07-style numbers; the tolerances live here.
    assert page.compile_gap < 1e-5  # fused kernels may sum in another order
    assert page.export_gap < 1e-6 and page.two_rows_gap < 1e-6
    assert page.script_gap < 1e-6


def test_the_first_call_compiles_and_is_much_slower_than_later_ones(page):
    import time

    import torch

    later = []
    with torch.no_grad():
        for _ in range(20):
            start = time.perf_counter()
            page.compiled(page.example)  # same shape and dtype: the compiled code is reused
            later.append(time.perf_counter() - start)
    # Typically seconds against tenths of a millisecond; ten times is a loose floor.
    assert page.first_call_seconds > 10 * min(later)


def test_one_recompile_then_the_batch_size_is_dynamic(page):
    import torch

    assert page.graph_counts == [1, 1, 2, 2]
    assert torch._dynamo.config.automatic_dynamic_shapes  # the default the page relies on
    # Asked for a dynamic batch up front, one graph serves every batch size.
    graphs = []

    def count(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward

    dynamic = torch.compile(page.model, backend=count, dynamic=True)
    with torch.no_grad():
        for rows in (5, 3, 7):
            dynamic(torch.randn(rows, 8))
    assert len(graphs) == 1


def test_a_graph_break_splits_the_function_and_fullgraph_refuses_it(page):
    import torch

    assert page.broken(torch.ones(3)).tolist() == [2.0, 2.0, 2.0]
    assert page.broken(-torch.ones(3)).tolist() == [-2.0, -2.0, -2.0]  # the other branch
    with pytest.raises(torch._dynamo.exc.Unsupported, match="Data-dependent branching"):
        page.strict(-torch.ones(3))


def test_a_backward_through_the_compiled_model_gives_eager_gradients(page):
    assert page.train_grad_gap < 1e-6
    assert max(g.abs().max().item() for g in page.eager_grads) > 1e-3  # real gradients compared


def test_export_defaults_to_non_strict_tracing_and_accepts_dim_hints(page):
    import inspect

    import torch

    assert inspect.signature(torch.export.export).parameters["strict"].default is False
    program = torch.export.export(
        page.model, (page.example,), dynamic_shapes={"input": {0: torch.export.Dim.DYNAMIC}}
    )
    with torch.no_grad():
        torch.testing.assert_close(program.module()(page.example[:3]), page.model(page.example[:3]))


def test_the_branchy_function_does_what_its_source_says_eagerly(page):
    """torch.compile runs a transformed copy of the bytecode: call the original too."""
    import torch

    assert page.double_if_positive(torch.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert page.double_if_positive(torch.tensor([-1.0, -2.0])).tolist() == [-2.0, -3.0]
