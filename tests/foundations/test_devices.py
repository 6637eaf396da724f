"""Checks for the claims made on docs/foundations/devices.md."""

import pytest
import tensorflow as tf
import torch

from snippets.foundations import devices as dv


class FakeGPU:
    def __init__(self, name):
        self.name = name


def test_memory_growth_is_a_no_op_without_gpus():
    if not tf.config.list_physical_devices("GPU"):
        assert dv.enable_memory_growth() == []


def test_memory_growth_is_set_on_every_gpu(monkeypatch):
    gpus = [FakeGPU("/physical_device:GPU:0"), FakeGPU("/physical_device:GPU:1")]
    calls = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus)
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", lambda gpu, on: calls.append((gpu, on)))
    assert dv.enable_memory_growth() == [g.name for g in gpus]
    assert calls == [(g, True) for g in gpus]


def test_memory_growth_after_initialisation_is_skipped(monkeypatch):
    def too_late(gpu, on):
        raise RuntimeError("Physical devices cannot be modified after being initialized")

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [FakeGPU("GPU:0")])
    monkeypatch.setattr(tf.config.experimental, "set_memory_growth", too_late)
    assert dv.enable_memory_growth() == []


def test_real_set_memory_growth_refuses_a_cpu():
    # The real function only accepts GPUs: on the CPU device it raises ValueError.
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError):
        tf.config.experimental.set_memory_growth(cpu, True)


def test_chosen_devices_match_what_the_frameworks_report():
    has_gpu = bool(tf.config.list_logical_devices("GPU"))
    assert dv.device_name == ("/GPU:0" if has_gpu else "/CPU:0")
    assert dv.weights.device.endswith(dv.device_name[1:])
    assert dv.result.numpy().tolist() == [[3.0, 3.0]] * 4
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert dv.device.type == expected
    assert all(p.device.type == expected for p in dv.net.parameters())


def test_to_copies_and_module_to_moves_in_place():
    assert dv.batch_pt.device.type == "cpu"
    assert dv.batch_pt.to("cpu") is dv.batch_pt  # already there: the same tensor
    meta = dv.batch_pt.to("meta")
    assert meta.device.type == "meta" and meta is not dv.batch_pt
    net = torch.nn.Linear(2, 2)
    assert net.to("meta") is net and net.weight.device.type == "meta"


def test_mixing_devices_raises():
    with pytest.raises(RuntimeError, match="meta"):
        torch.ones(2) + torch.ones(2, device="meta")


def test_both_training_steps_reduce_the_loss():
    assert dv.losses[-1] < dv.losses[0] / 10
    assert dv.losses_pt[-1] < dv.losses_pt[0] / 10
    # The target is the sum of the inputs: the learned weights approach (1, 1, 1).
    assert torch.allclose(dv.model_pt.weight.detach().cpu(), torch.ones(1, 3), atol=0.1)
    assert abs(dv.model.layers[0].kernel.numpy() - 1.0).max() < 0.1
