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
    # The page prints the largest differences rounded; the tolerances live here.
    assert page.compile_gap < 1e-5  # fused kernels may sum in another order
    assert page.export_gap < 1e-6 and page.two_rows_gap < 1e-6
    assert page.script_gap < 1e-6
