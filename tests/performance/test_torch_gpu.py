"""Both sides of every GPU claim do the same work (docs/performance/pytorch-gpu.md).

These tests run inside the page's run, on the CPU: ``DEVICE`` is ``"cpu"`` there, and each
claim is built at the tiny sizes of ``--fast``. Speeds are never asserted; what the GPU ran is
checked against the published profile in test_results_pages.py.
"""

import numpy as np

from tests.performance.claims import build, claims_shown

PAGE = "docs/performance/pytorch-gpu.md"


def test_every_claim_defined_on_the_page_has_its_section(page):
    assert {c.id for c in page.CLAIMS} == claims_shown(PAGE)


def test_the_code_runs_on_the_cpu_where_there_is_no_gpu(page):
    chosen = page.DEVICE
    assert chosen == ("cuda" if page.torch.cuda.is_available() else "cpu")


def test_tf32_and_bf16_matmuls_compute_the_float32_product_and_count_2n3_flops(page):
    torch = page.torch
    for cid in ("gpu_matmul_tf32", "gpu_matmul_bf16"):
        pair = build(page, cid)
        full, fast = pair.baseline(), pair.optimized().float()
        assert pair.flops == 2 * 64**3 * 2
        assert (full - fast).abs().max() < 0.05 * full.abs().max(), cid  # ~3 digits or better
    assert torch.backends.cuda.matmul.fp32_precision == "none"  # each side set it back


def test_padding_the_vocabulary_leaves_the_real_words_logits_unchanged(page):
    pair = build(page, "gpu_vocab_padding")
    odd, padded = pair.baseline(), pair.optimized()
    assert odd.shape == (16, 1001) and padded.shape == (16, 1024)  # 1001 rounded up to 64s
    assert page.torch.equal(padded[:, :1001], odd)
    assert not padded[:, 1001:].any()  # the unused words' logits are 0
    assert pair.flops == 2 * 16 * 64 * 1001 * 2  # only the useful work counts


def test_autocast_trains_the_same_network_to_a_close_loss(page):
    pair = build(page, "gpu_autocast_bf16")
    fp32, bf16 = float(pair.baseline()), float(pair.optimized())
    assert np.isfinite(fp32) and abs(fp32 - bf16) < 0.05 * fp32


def test_pinned_and_pageable_copies_arrive_equal(page):
    pair = build(page, "gpu_pinned_copy")
    assert page.torch.equal(pair.baseline(), pair.optimized())


def test_reading_the_loss_once_sums_the_same_losses(page):
    for cid in ("gpu_no_sync_small_step", "gpu_no_sync_big_step"):
        pair = build(page, cid)
        every_step, once = pair.baseline(), pair.optimized()
        assert isinstance(every_step, float) and isinstance(once, float)
        assert abs(every_step - once) < 1e-4 * abs(every_step), cid  # two identical trainings


def test_compiled_and_graphed_models_give_the_eager_output(page):
    torch = page.torch
    compiled, graphed = build(page, "gpu_compile"), build(page, "gpu_cuda_graphs")
    torch.testing.assert_close(compiled.baseline(), compiled.optimized())
    torch.testing.assert_close(compiled.baseline(), graphed.optimized())


def test_channels_last_convolves_a_copy_of_the_same_weights(page):
    torch = page.torch
    pair = build(page, "gpu_channels_last")
    nchw, nhwc = pair.baseline(), pair.optimized()
    assert nhwc.is_contiguous(memory_format=torch.channels_last) and nchw.is_contiguous()
    torch.testing.assert_close(nchw, nhwc, atol=0.05, rtol=0.05)  # bfloat16 sums in another order


def test_the_profile_report_lists_both_sides_of_every_claim(page, capsys, tmp_path):
    out = tmp_path / "profile.txt"
    assert page.main(["--fast", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert capsys.readouterr().out == text
    lines = text.splitlines()
    assert lines[0] == f"device: {page.DEVICE}"
    assert [line for line in lines[1:] if not line.startswith(" ")] == [c.id for c in page.CLAIMS]
    sides = [line for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert len(sides) == 2 * len(page.CLAIMS)
    for line in sides:
        assert line.split(" (")[0].strip() in ("baseline", "optimized")
        assert line.endswith(" launches") and " kernels, " in line


def test_kernel_names_lose_their_cpp_signature_and_are_cut_to_width(page):
    kernel = "void cutlass::Kernel2<gemm_align1>(gemm_align1::Params)"
    assert page.short(kernel) == "cutlass::Kernel2<gemm_align1>"
    assert page.short("Memcpy HtoD (Pageable -> Device)") == "Memcpy HtoD (Pageable -> Device)"
    kernel = "void at::native::(anonymous namespace)::norm<float, (Kind)2>(int, float*)"
    assert page.short(kernel) == "at::native::(anonymous namespace)::norm<float, (Kind)2>"
    assert page.short("k" * 120, width=10) == "k" * 9 + "…"


class Recorder:
    """Stands in for a CUDA call that cannot run on a CPU, and notes when it is called."""

    def __init__(self, log, name):
        self.log, self.name = log, name

    def __call__(self):
        self.log.append(self.name)


def as_if_on_a_gpu(page, monkeypatch, log):
    """Run the page's own functions as on a GPU: DEVICE "cuda", CUDA's waits recorded."""
    torch = page.torch
    monkeypatch.setitem(page.synced.__globals__, "DEVICE", "cuda")  # the page's namespace
    monkeypatch.setattr(torch.cuda, "synchronize", Recorder(log, "wait"))
    monkeypatch.setattr(torch.compiler, "cudagraph_mark_step_begin", Recorder(log, "new step"))


def test_synced_waits_for_the_gpu_once_after_the_last_call(page, monkeypatch):
    log = []
    as_if_on_a_gpu(page, monkeypatch, log)
    assert page.synced(lambda: log.append("call") or len(log), calls=3)() == 3
    assert log == ["call", "call", "call", "wait"]


def test_a_graphed_model_starts_a_new_cuda_graph_step_before_each_call(page, monkeypatch):
    torch, log = page.torch, []
    as_if_on_a_gpu(page, monkeypatch, log)
    model = torch.nn.Linear(4, 4)
    model.register_forward_hook(lambda *_: log.append("call"))
    x = torch.ones(2, 4)
    torch.testing.assert_close(page.infer(model, x, 2, new_step=True)(), model(x).detach())
    log.pop()  # the reference call just above
    assert log == ["new step", "call", "new step", "call", "wait"]
    log.clear()
    page.infer(model, x, 2)()
    assert log == ["call", "call", "wait"]  # no graph, no new step


class Event:
    def __init__(self, key, device_type, count, device_us=0.0, cpu_us=0.0):
        self.key, self.device_type, self.count = key, device_type, count
        self.self_device_time_total, self.self_cpu_time_total = device_us, cpu_us


class Profile:
    def __init__(self, events):
        self.events = events

    def key_averages(self):
        return self.events


def test_on_a_gpu_the_report_lists_the_gpus_records_by_time_and_counts_launches(page, monkeypatch):
    cpu, cuda = page.DeviceType.CPU, page.DeviceType.CUDA
    recorded = Profile([
        Event("aten::mm", cpu, 10, cpu_us=900.0),
        Event("cudaLaunchKernel", cpu, 10, cpu_us=50.0),
        Event("cudaGraphLaunch", cpu, 2, cpu_us=20.0),
        Event("gemm_kernel", cuda, 10, device_us=300.0),
        Event("Memcpy HtoD (Pinned -> Device)", cuda, 1, device_us=700.0),
    ])  # fmt: skip
    monkeypatch.setitem(page.device_work.__globals__, "DEVICE", "cuda")
    assert page.device_work(recorded) == [("Memcpy HtoD (Pinned -> Device)", 1, 700.0), ("gemm_kernel", 10, 300.0)]
    assert page.launches(recorded) == 12
