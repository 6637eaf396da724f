"""The GPU-guidance code runs on a CPU with every GPU-only switch off (docs/performance/gpu.md)."""

PAGE = "docs/performance/gpu.md"


def test_mixed_precision_turns_itself_off_without_a_gpu(torch_page):
    torch = torch_page.torch
    assert torch_page.use_fp16 == torch.cuda.is_available()
    assert torch_page.scaler.is_enabled() == torch_page.use_fp16


def test_keras_keeps_the_logits_layer_computing_in_fp32(tf_page):
    assert tf_page.net.layers[1].compute_dtype == "float32"


def test_pad_to_multiple_rounds_up_to_the_nearest_multiple(torch_page):
    for n in range(1, 200):
        padded = torch_page.pad_to_multiple(n)
        assert padded % 8 == 0 and n <= padded < n + 8


def test_metrics_accumulate_on_the_device(torch_page):
    assert torch_page.total.device.type == torch_page.device


def test_the_page_turns_on_cudnn_benchmark(torch_page):
    assert torch_page.torch.backends.cudnn.benchmark is True
