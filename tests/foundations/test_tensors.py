"""Checks for the claims made on docs/foundations/tensors.md."""

import numpy as np
import pytest
import tensorflow as tf
import torch

from snippets.foundations import tensors as t


def test_default_dtypes_differ_for_python_ints():
    assert tf.constant([1, 2]).dtype == tf.int32
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert t.matrix.dtype == tf.float32 and t.matrix_pt.dtype == torch.float32


def test_tensorflow_refuses_mixed_dtypes_and_pytorch_promotes():
    with pytest.raises(tf.errors.InvalidArgumentError):
        t.ints + tf.constant([0.5, 0.5, 0.5])
    assert t.mixed.dtype == torch.float32
    np.testing.assert_allclose(t.mixed.numpy(), [1.5, 2.5, 3.5])


def test_seeded_generators_are_reproducible():
    np.testing.assert_array_equal(tf.random.Generator.from_seed(42).normal([2, 3]).numpy(), t.noise.numpy())
    again = torch.randn(2, 3, generator=torch.Generator().manual_seed(42))
    assert torch.equal(again, t.noise_pt)


def test_shapes_match_between_frameworks():
    assert tuple(t.x.shape) == tuple(t.x_pt.shape) == (3, 4)
    assert not t.x_pt.t().is_contiguous()
    assert t.x_pt.t().data_ptr() == t.x_pt.data_ptr()  # a view, not a copy


def test_advanced_indexing_agrees_across_frameworks():
    assert t.rows.numpy().tolist() == t.rows_pt.tolist() == [[8, 9, 10, 11], [0, 1, 2, 3]]
    assert t.cells.numpy().tolist() == t.cells_pt.tolist() == [1, 11]
    assert t.evens.numpy().tolist() == t.evens_pt.tolist() == list(range(0, 12, 2))


def test_broadcasting_follows_numpy():
    expected = np.array([[0], [10], [20]]) + np.array([1, 2, 3, 4])
    np.testing.assert_array_equal(t.table.numpy(), expected)
    np.testing.assert_array_equal(t.table_pt.numpy(), expected)
    assert t.row_pt.expand(2, 4).data_ptr() == t.row_pt.data_ptr()  # expand copies nothing


def test_tf_tensors_are_immutable_and_variables_are_not():
    with pytest.raises(TypeError):
        t.frozen[0] = 1.0
    assert t.frozen.numpy().tolist() == [1.0, 2.0, 3.0]
    assert t.updated.numpy().tolist() == [10.0, 2.0, 3.0]
    assert t.weights.numpy().tolist() == [10.0, 2.5, 3.5]


def test_torch_in_place_updates_are_seen_through_every_name():
    assert t.alias is t.values
    assert t.values.tolist() == [10.5, 2.5, 3.5]
    assert t.fresh.tolist() == [0.0, 0.0, 0.0]


def test_numpy_bridge_sharing():
    # TensorFlow: copies both ways.
    assert t.from_array.numpy()[0] == 0.0 and t.array[0] == 100.0
    assert not np.shares_memory(t.back, t.from_array.numpy())
    # PyTorch: from_numpy and .numpy() share, torch.tensor copies.
    assert np.shares_memory(t.view, t.array_pt)
    assert t.shared[0].item() == 100.0 and t.copied[0].item() == 0.0
    assert t.shared[1].item() == -1.0


def test_tf_device_name_prefers_a_gpu(monkeypatch):
    assert t.tf_device_name() == ("/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0")
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["fake GPU"])
    assert t.tf_device_name() == "/GPU:0"


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_torch_device_order_is_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert t.torch_device().type == expected


def test_device_placement_computes_the_same_product():
    np.testing.assert_array_equal(t.product.numpy(), np.full((2, 2), 3.0))
    np.testing.assert_array_equal(t.product_pt.cpu().numpy(), np.full((2, 2), 3.0))
