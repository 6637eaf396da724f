"""Checks for the claims made on docs/pytorch/compile.md."""

import pytest
import torch

from snippets.pytorch import compile as page


def test_compiled_model_matches_eager():
    torch.testing.assert_close(page.fast, page.eager, atol=1e-5, rtol=1e-5)


def test_exported_program_reloads_and_matches_eager():
    ops = {str(n.target) for n in page.program.graph.nodes if n.op == "call_function"}
    assert ops == {"aten.linear.default", "aten.gelu.default"}
    x = torch.randn(7, 8)
    with torch.no_grad():
        torch.testing.assert_close(page.runnable(x), page.model(x), atol=1e-6, rtol=1e-6)


def test_exported_program_checks_its_input_shape():
    with pytest.raises(Exception, match=r"(?i)shape|size|dim|expected"):
        page.runnable(torch.randn(3, 5))  # wrong number of features


def test_torchscript_is_deprecated_but_still_agrees():
    assert page.caught[0].category is DeprecationWarning
    assert "torch.export" in str(page.caught[0].message)
    with torch.no_grad():
        torch.testing.assert_close(page.scripted(page.example), page.eager, atol=1e-6, rtol=1e-6)
