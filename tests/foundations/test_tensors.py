"""Checks for the claims made on docs/foundations/tensors.md that its outputs do not show.

The printed outputs already pin dtypes, promotion, shapes, indexing results, mutation and
the NumPy bridge; these tests run inside the page's run, one reading path at a time.
"""

from pathlib import Path

import numpy as np
import pytest

from tests import pictures

PAGE = "docs/foundations/tensors.md"
IMG = Path(__file__).resolve().parents[2] / "docs" / "foundations" / "img"

BROADCAST = np.array([[0], [10], [20]]) + np.array([1, 2, 3, 4])


def test_tf_seeded_generator_repeats_its_numbers(tf_page):
    np.testing.assert_array_equal(tf_page.again.numpy(), tf_page.noise.numpy())
    # Not the same numbers as a generator with another seed.
    other = tf_page.tf.random.Generator.from_seed(43).normal([2, 3])
    assert not np.array_equal(other.numpy(), tf_page.noise.numpy())


def test_torch_seeded_generator_repeats_its_numbers(torch_page):
    import torch

    assert torch.equal(torch_page.again_pt, torch_page.noise_pt)
    other = torch.randn(2, 3, generator=torch.Generator().manual_seed(43))
    assert not torch.equal(other, torch_page.noise_pt)


def test_torch_transpose_is_a_view_of_the_same_memory(torch_page):
    assert torch_page.x_pt.t().data_ptr() == torch_page.x_pt.data_ptr()


def test_torch_reshape_copies_a_transposed_tensor_and_view_refuses_it(torch_page):
    x = torch_page.x_pt
    assert x.view(12).data_ptr() == x.data_ptr()  # contiguous: view and reshape share memory
    flat = x.t().reshape(12)
    assert flat.data_ptr() != x.data_ptr() and flat.tolist() == x.t().flatten().tolist()
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.t().view(12)


def test_tf_broadcasting_gives_numpys_result(tf_page):
    np.testing.assert_array_equal(tf_page.table.numpy(), BROADCAST)


def test_torch_broadcasting_gives_numpys_result_and_expand_copies_nothing(torch_page):
    np.testing.assert_array_equal(torch_page.table_pt.numpy(), BROADCAST)
    assert torch_page.row_pt.expand(2, 4).data_ptr() == torch_page.row_pt.data_ptr()


def same_picture(drawn, shown):
    pictures.same_picture(drawn, shown, "snippets.foundations.tensors")


def test_tf_broadcasting_picture_shown_is_the_one_drawn(tf_page):
    same_picture(tf_page.broadcast_file, IMG / "tensors-broadcasting.png")


def test_torch_broadcasting_picture_shown_is_the_one_drawn(torch_page):
    same_picture(torch_page.broadcast_file, IMG / "tensors-broadcasting.png")


def test_tf_device_name_prefers_a_gpu(tf_page, monkeypatch):
    import tensorflow as tf

    assert tf_page.tf_device_name() == ("/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0")
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["fake GPU"])
    assert tf_page.tf_device_name() == "/GPU:0"


def test_tf_product_on_the_chosen_device(tf_page):
    np.testing.assert_array_equal(tf_page.product.numpy(), np.full((2, 2), 3.0))


@pytest.mark.parametrize("accelerator", ["cuda", "mps", "xpu"])
def test_torch_device_is_the_available_accelerator(torch_page, monkeypatch, accelerator):
    import torch

    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "current_accelerator", lambda: torch.device(accelerator))
    assert torch_page.torch_device().type == accelerator


def test_torch_device_without_an_accelerator_is_the_cpu(torch_page, monkeypatch):
    import torch

    monkeypatch.setattr(torch.accelerator, "is_available", lambda: False)
    assert torch_page.torch_device() == torch.device("cpu")


def test_tf_constant_copies_even_a_buffer_it_could_share(tf_page):
    """tf.constant copies on purpose: even a 64-byte-aligned array is not shared."""
    buffer = np.zeros(64 + 16, dtype=np.float32)
    start = (-buffer.ctypes.data % 64) // 4
    aligned = buffer[start : start + 16]
    assert aligned.ctypes.data % 64 == 0
    for convert in [tf_page.tf.constant, tf_page.tf.convert_to_tensor]:
        tensor = convert(aligned)
        aligned[0] = 1.0
        assert tensor.numpy()[0] == 0.0
        aligned[0] = 0.0


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


def test_tf_keeps_numpys_float64_and_refuses_to_mix_it_with_float32(tf_page):
    import tensorflow as tf

    from_numpy = tf.constant(tf_page.floats_np)
    assert from_numpy.dtype == tf.float64
    with pytest.raises(tf.errors.InvalidArgumentError):
        from_numpy + tf.constant([1.0, 1.0])


def test_torch_keeps_numpys_float64_and_promotes_float32_to_it(torch_page):
    import torch

    assert torch.tensor(torch_page.floats_np).dtype == torch.float64
    assert torch.from_numpy(torch_page.floats_np).dtype == torch.float64
    assert (torch.tensor(torch_page.floats_np) + torch.ones(2)).dtype == torch.float64
