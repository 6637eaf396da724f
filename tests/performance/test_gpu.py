"""The GPU-guidance code runs on a CPU with every GPU-only switch off (docs/performance/gpu.md)."""

import contextlib
import importlib
import io

import torch

from snippets.performance import gpu


def test_mixed_precision_code_paths_run_and_turn_themselves_off_without_a_gpu():
    assert gpu.use_fp16 == torch.cuda.is_available()
    assert gpu.scaler.is_enabled() == gpu.use_fp16
    assert gpu.loss.dtype == torch.float32  # the loss is kept in float32
    assert torch.isfinite(gpu.norm) and float(gpu.norm) >= 0


def test_keras_mixed_float16_computes_in_fp16_with_fp32_weights_logits_and_loss_scaling():
    assert gpu.hidden.compute_dtype == "float16" and gpu.hidden.variable_dtype == "float32"
    assert gpu.net.layers[1].compute_dtype == "float32"
    assert type(gpu.net.optimizer).__name__ == "LossScaleOptimizer"


def test_pad_to_multiple_rounds_up_to_the_nearest_multiple():
    for n in range(1, 200):
        padded = gpu.pad_to_multiple(n)
        assert padded % 8 == 0 and n <= padded < n + 8
    assert gpu.pad_to_multiple(50257, 64) == 50304


def test_channels_last_and_accumulation_on_the_device():
    assert gpu.out.is_contiguous(memory_format=torch.channels_last)
    assert gpu.total.device.type == gpu.device


def test_the_page_turns_on_cudnn_benchmark():
    # Other code in this process (Lightning's Trainer, for one) resets the flag,
    # so run the page's module again rather than trusting global state.
    torch.backends.cudnn.benchmark = False
    with contextlib.redirect_stdout(io.StringIO()):
        importlib.reload(gpu)
    assert torch.backends.cudnn.benchmark is True
