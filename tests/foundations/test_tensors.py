"""Checks for the claims made on docs/foundations/tensors.md that its outputs do not show.

The printed outputs already pin dtypes, promotion, shapes, indexing results, mutation and
the NumPy bridge; these tests run inside the page's run, one reading path at a time.
"""

import numpy as np
import pytest

PAGE = "docs/foundations/tensors.md"

BROADCAST = np.array([[0], [10], [20]]) + np.array([1, 2, 3, 4])


def test_tf_seeded_generator_repeats_its_numbers(tf_page):
    import tensorflow as tf

    again = tf.random.Generator.from_seed(42).normal([2, 3])
    np.testing.assert_array_equal(again.numpy(), tf_page.noise.numpy())


def test_torch_seeded_generator_repeats_its_numbers(torch_page):
    import torch

    again = torch.randn(2, 3, generator=torch.Generator().manual_seed(42))
    assert torch.equal(again, torch_page.noise_pt)


def test_torch_transpose_is_a_view_of_the_same_memory(torch_page):
    assert torch_page.x_pt.t().data_ptr() == torch_page.x_pt.data_ptr()


def test_tf_broadcasting_gives_numpys_result(tf_page):
    np.testing.assert_array_equal(tf_page.table.numpy(), BROADCAST)


def test_torch_broadcasting_gives_numpys_result_and_expand_copies_nothing(torch_page):
    np.testing.assert_array_equal(torch_page.table_pt.numpy(), BROADCAST)
    assert torch_page.row_pt.expand(2, 4).data_ptr() == torch_page.row_pt.data_ptr()


def test_tf_device_name_prefers_a_gpu(tf_page, monkeypatch):
    import tensorflow as tf

    assert tf_page.tf_device_name() == ("/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0")
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["fake GPU"])
    assert tf_page.tf_device_name() == "/GPU:0"


def test_tf_product_on_the_chosen_device(tf_page):
    np.testing.assert_array_equal(tf_page.product.numpy(), np.full((2, 2), 3.0))


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_torch_device_order_is_cuda_then_mps_then_cpu(torch_page, monkeypatch, cuda, mps, expected):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert torch_page.torch_device().type == expected


# ----------------------------------------------------------------------------- Exercises

TWO_DIGIT = 10 * np.arange(4)[:, None] + np.arange(5)
MARKED = np.array([0.0, 1.0, 0.0, 1.0, 0.0])


def test_tf_exercise_solutions(tf_page):
    np.testing.assert_array_equal(tf_page.flat.numpy(), np.arange(24).reshape(2, 12))
    np.testing.assert_array_equal(tf_page.two_digit.numpy(), TWO_DIGIT)
    np.testing.assert_array_equal(tf_page.base.numpy(), np.zeros(5))
    np.testing.assert_array_equal(tf_page.marked.numpy(), MARKED)


def test_torch_exercise_solutions(torch_page):
    np.testing.assert_array_equal(torch_page.flat_pt.numpy(), np.arange(24).reshape(2, 12))
    np.testing.assert_array_equal(torch_page.two_digit_pt.numpy(), TWO_DIGIT)
    np.testing.assert_array_equal(torch_page.base_pt.numpy(), np.zeros(5))
    np.testing.assert_array_equal(torch_page.marked_pt.numpy(), MARKED)


def test_torch_exercise_without_clone_the_original_changes(torch_page):
    import torch

    base = torch.zeros(5)
    alias = base  # what the solution's clone() avoids
    alias[[1, 3]] = 1.0
    np.testing.assert_array_equal(base.numpy(), MARKED)
