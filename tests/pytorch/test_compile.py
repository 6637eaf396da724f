"""Checks for the claims made on docs/pytorch/compile.md, on the objects the page built."""

import pytest
import torch

PAGE = "docs/pytorch/compile.md"


def test_compiled_wrapper_shares_the_modules_parameters(page):
    pairs = zip(page.compiled.parameters(), page.model.parameters(), strict=True)
    assert all(compiled is original for compiled, original in pairs)  # the same tensors


def test_exported_program_checks_its_input_shape(page):
    with pytest.raises(Exception, match=r"(?i)shape|size|dim|expected"):
        page.runnable(torch.randn(3, 5))  # wrong number of features
