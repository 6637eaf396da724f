"""Checks for the claims made on docs/foundations/devices.md that its outputs do not show.

The outputs pin what this (CPU-only) machine reports, the placement and the device-mismatch
error; these tests add the GPU branches with fake GPUs, and the training results.
"""

import pytest

PAGE = "docs/foundations/devices.md"


class FakeGPU:
    def __init__(self, name):
        self.name = name


def test_memory_growth_is_set_on_every_gpu(tf_page, monkeypatch):
    import tensorflow as tf

    gpus = [FakeGPU("/physical_device:GPU:0"), FakeGPU("/physical_device:GPU:1")]
    calls = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus)
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", lambda gpu, on: calls.append((gpu, on)))
    assert tf_page.enable_memory_growth() == [g.name for g in gpus]
    assert calls == [(g, True) for g in gpus]


def test_memory_growth_after_initialisation_is_skipped(tf_page, monkeypatch):
    import tensorflow as tf

    def too_late(gpu, on):
        raise RuntimeError("Physical devices cannot be modified after being initialized")

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [FakeGPU("GPU:0")])
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", too_late)
    assert tf_page.enable_memory_growth() == []


def test_real_set_memory_growth_refuses_a_cpu(tf_page):
    import tensorflow as tf

    # The real function only accepts GPUs: on the CPU device it raises ValueError.
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError):
        tf.config.experimental.set_memory_growth(cpu, True)


def test_tf_product_on_the_chosen_device(tf_page):
    assert tf_page.result.numpy().tolist() == [[3.0, 3.0]] * 4


def test_torch_to_copies_and_module_to_moves_in_place(torch_page):
    import torch

    batch = torch_page.batch_pt
    assert batch.to("cpu") is batch  # already there: the same tensor
    meta = batch.to("meta")
    assert meta.device.type == "meta" and meta is not batch
    net = torch.nn.Linear(2, 2)
    assert net.to("meta") is net and net.weight.device.type == "meta"


def test_tf_training_step_learns_the_sum(tf_page):
    assert tf_page.losses[-1] < tf_page.losses[0] / 10
    # The target is the sum of the inputs: the learned weights approach (1, 1, 1).
    assert abs(tf_page.model.layers[0].kernel.numpy() - 1.0).max() < 0.1


def test_torch_training_step_learns_the_sum(torch_page):
    import torch

    assert torch_page.losses_pt[-1] < torch_page.losses_pt[0] / 10
    assert torch.allclose(torch_page.model_pt.weight.detach().cpu(), torch.ones(1, 3), atol=0.1)


def test_exercise_tf_weights_are_listed_on_the_device_that_holds_them(tf_page):
    devices = {v.value.device for v in tf_page.model.trainable_variables}
    assert devices == {tf_page.result.device}


def test_exercise_tf_predictions_are_the_row_sums(tf_page):
    import numpy as np

    predictions = tf_page.tf_predict(tf_page.model, tf_page.new_rows)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (2, 1)
    assert np.allclose(predictions[:, 0], tf_page.new_rows.numpy().sum(axis=1), atol=0.1)


def test_exercise_torch_predictions_are_the_row_sums_in_eval_mode(torch_page):
    import numpy as np

    predictions = torch_page.torch_predict(torch_page.model_pt, torch_page.new_rows_pt, torch_page.device)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (2, 1)
    assert np.allclose(predictions[:, 0], torch_page.new_rows_pt.sum(dim=1).numpy(), atol=0.1)
    assert not torch_page.model_pt.training  # eval() switched it to inference


def test_torch_only_a_zero_dim_cpu_tensor_joins_another_device(torch_page):
    import torch

    meta = torch_page.meta
    assert (torch.tensor(2.0) * meta).device.type == "meta"
    with pytest.raises(RuntimeError, match="not on the expected device"):
        torch.tensor([2.0]) * meta  # one element, but one dimension


def test_torch_list_chooses_the_available_accelerator_else_the_cpu(torch_page):
    import torch

    expected = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")
    assert torch_page.device == expected
