"""Checks for the claims made on docs/foundations/gpus.md that its outputs do not show.

The page is built on a CPU-only machine, where TensorFlow's memory steps run on the CPU and
PyTorch's CUDA steps print that they were skipped. These tests run the GPU branches with fake
GPUs and a fake caching allocator that follows the documented rules, so that every line runs
and the steps happen in the order described.
"""

import weakref

import pytest

PAGE = "docs/foundations/gpus.md"
MiB = 2**20


class FakeGPU:
    def __init__(self, name):
        self.name = name


def test_memory_limit_is_set_on_every_gpu(tf_page, monkeypatch):
    import tensorflow as tf

    gpus = [FakeGPU("/physical_device:GPU:0"), FakeGPU("/physical_device:GPU:1")]
    calls = []
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: gpus)
    monkeypatch.setattr(
        tf.config, "set_logical_device_configuration", lambda gpu, configs: calls.append((gpu, configs))
    )
    assert tf_page.limit_gpu_memory(512) == [g.name for g in gpus]
    assert [gpu for gpu, _ in calls] == gpus
    assert all([c.memory_limit for c in configs] == [512] for _, configs in calls)


def test_real_memory_limit_refuses_a_cpu(tf_page):
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    config = tf.config.LogicalDeviceConfiguration(memory_limit=1024)
    with pytest.raises(ValueError, match="memory limit on CPU"):
        tf.config.set_logical_device_configuration(cpu, [config])


def test_tf_memory_steps_reset_then_read_after_each_step(tf_page, monkeypatch):
    import tensorflow as tf

    calls = []
    readings = iter([{"current": 256 * MiB, "peak": 256 * MiB}, {"current": 0, "peak": 256 * MiB}])

    def get_memory_info(device):
        calls.append(("read", device))
        return next(readings)

    monkeypatch.setattr(tf.config.experimental, "get_memory_info", get_memory_info)
    monkeypatch.setattr(tf.config.experimental, "reset_memory_stats", lambda device: calls.append(("reset", device)))
    steps = tf_page.tf_memory_steps("CPU:0")
    assert calls == [("reset", "CPU:0"), ("read", "CPU:0"), ("read", "CPU:0")]
    assert steps == {
        "with a 256 MiB tensor": "current 256 MiB, peak 256 MiB",
        "after del": "current 0 MiB, peak 256 MiB",
    }


def test_tf_memory_device_is_the_gpu_when_there_is_one(tf_page, monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_logical_devices", lambda kind=None: [])
    assert tf_page.tf_memory_device() == "CPU:0"
    monkeypatch.setattr(tf.config, "list_logical_devices", lambda kind=None: ["GPU:0"])
    assert tf_page.tf_memory_device() == "GPU:0"


def test_tf_cpu_memory_figures_follow_the_tensors(tf_page):
    """On the CPU, TensorFlow 2.21 reports figures although its docstring says it raises."""
    import tensorflow as tf

    if tf.config.list_logical_devices("GPU"):
        pytest.skip("the page measured a GPU")
    steps = tf_page.tf_memory_steps("CPU:0")
    assert steps["with a 256 MiB tensor"] == "current 256 MiB, peak 256 MiB"
    assert steps["after del"] == "current 0 MiB, peak 256 MiB"


def test_torch_cuda_memory_without_cuda_is_zero_not_an_error(torch_page):
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is there")
    assert torch.cuda.memory_allocated() == 0 == torch.cuda.max_memory_allocated()


class FakeCachingAllocator:
    """The documented rules: freed blocks stay reserved until empty_cache()."""

    def __init__(self):
        self.allocated = self.reserved = self.peak = 0

    def empty(self, size, dtype, device):
        import torch

        assert device == "cuda" and dtype == torch.uint8
        tensor = torch.empty(size, dtype=dtype, device="meta")  # no memory behind it
        self.allocated += size
        self.reserved = max(self.reserved, self.allocated)
        self.peak = max(self.peak, self.allocated)
        weakref.finalize(tensor, self.free, size)  # runs when the tensor is deleted
        return tensor

    def free(self, size):
        self.allocated -= size

    def empty_cache(self):
        self.reserved = self.allocated

    def reset_peak(self):
        self.peak = self.allocated


def test_cuda_memory_steps_follow_the_caching_allocator(torch_page, monkeypatch):
    import torch

    fake = FakeCachingAllocator()
    fake.peak = 999 * MiB  # from earlier work: reset_peak_memory_stats forgets it
    real_empty = torch.empty

    def empty(*size, dtype=None, device=None):
        if device == "cuda":
            return fake.empty(*size, dtype=dtype, device=device)
        return real_empty(*size, dtype=dtype, device=device)

    monkeypatch.setattr(torch, "empty", empty)
    monkeypatch.setattr(torch.cuda, "memory_allocated", lambda: fake.allocated)
    monkeypatch.setattr(torch.cuda, "memory_reserved", lambda: fake.reserved)
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda: fake.peak)
    monkeypatch.setattr(torch.cuda, "reset_peak_memory_stats", fake.reset_peak)
    monkeypatch.setattr(torch.cuda, "empty_cache", fake.empty_cache)
    assert torch_page.cuda_memory_steps() == {
        "with a 256 MiB tensor": "allocated 256 MiB, reserved 256 MiB, peak 256 MiB",
        "after del": "allocated 0 MiB, reserved 256 MiB, peak 256 MiB",
        "after empty_cache": "allocated 0 MiB, reserved 0 MiB, peak 256 MiB",
    }


def test_torch_on_gpu_runs_the_measure_when_there_is_a_gpu(torch_page, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert torch_page.torch_on_gpu(lambda: {"ran": "yes"}) == {"<lambda>()": "skipped, no CUDA GPU here"}
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert torch_page.torch_on_gpu(lambda: {"ran": "yes"}) == {"ran": "yes"}


def test_exercise_tf_diagnosis_for_each_kind_of_build(tf_page, monkeypatch):
    import tensorflow as tf

    build = {"is_cuda_build": False, "is_rocm_build": False}
    monkeypatch.setattr(tf.sysconfig, "get_build_info", lambda: build)
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    assert "supports neither CUDA nor ROCm" in tf_page.tf_gpu_diagnosis()
    build["is_rocm_build"] = True
    assert tf_page.tf_gpu_diagnosis().startswith("built for ROCm, but no GPU found")
    build["is_cuda_build"] = True
    assert "[and-cuda]" in tf_page.tf_gpu_diagnosis()
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [FakeGPU("GPU:0")] * 2)
    assert tf_page.tf_gpu_diagnosis() == "2 GPU(s) ready"


def test_exercise_torch_diagnosis_for_each_kind_of_build(torch_page, monkeypatch):
    import torch

    monkeypatch.setattr(torch.accelerator, "current_accelerator", lambda: torch.device("cuda"))
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: False)
    assert torch_page.torch_gpu_diagnosis() == "built for cuda, but no device found: check the driver"
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    monkeypatch.setattr(torch.accelerator, "device_count", lambda: 4)
    assert torch_page.torch_gpu_diagnosis() == "4 cuda device(s) ready"


def test_exercise_estimates_match_real_tensors(tf_page):
    import tensorflow as tf

    small = tf.zeros([2, 3, 5], dtype=tf.float16)
    assert tf_page.tf_bytes([2, 3, 5], tf.float16) == small.numpy().nbytes == 60
    assert tf_page.tf_bytes(tf_page.batch_shape, tf.float32) == 24 * MiB


def test_exercise_tf_batch_memory_resets_then_reads(tf_page, monkeypatch):
    import tensorflow as tf

    calls = []

    def get_memory_info(device):
        calls.append(("read", device))
        return {"current": 24 * MiB, "peak": 24 * MiB}

    monkeypatch.setattr(tf.config.experimental, "get_memory_info", get_memory_info)
    monkeypatch.setattr(tf.config.experimental, "reset_memory_stats", lambda device: calls.append(("reset", device)))
    assert tf_page.tf_batch_memory("CPU:0") == {"estimate": "24 MiB", "measured": "current 24 MiB, peak 24 MiB"}
    assert calls == [("reset", "CPU:0"), ("read", "CPU:0")]


def test_exercise_cuda_batch_memory_resets_then_reads(torch_page, monkeypatch):
    import torch

    calls = []
    real_empty = torch.empty

    def empty(*size, dtype=None, device=None):
        calls.append(("empty", device))
        return real_empty(*size, dtype=dtype, device="meta" if device == "cuda" else device)

    monkeypatch.setattr(torch, "empty", empty)
    monkeypatch.setattr(torch.cuda, "reset_peak_memory_stats", lambda: calls.append(("reset", None)))
    monkeypatch.setattr(torch.cuda, "memory_allocated", lambda: 24 * MiB)
    monkeypatch.setattr(torch.cuda, "memory_reserved", lambda: 26 * MiB)
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda: 24 * MiB)
    assert torch_page.cuda_batch_memory() == {
        "estimate": "24 MiB",
        "measured": "allocated 24 MiB, reserved 26 MiB, peak 24 MiB",
    }
    assert calls == [("reset", None), ("empty", "cuda")]
