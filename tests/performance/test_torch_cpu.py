"""Both sides of every PyTorch claim do the same work (docs/performance/pytorch-cpu.md).

A speedup only means something if the optimized side computes what the baseline does. These
tests run inside the page's run and build each claim at the tiny sizes of ``--fast``; speeds
are never asserted.
"""

import multiprocessing

import numpy as np

from tests.performance.claims import build, claims_shown

PAGE = "docs/performance/pytorch-cpu.md"


def test_every_claim_defined_on_the_page_has_its_section(page):
    assert {c.id for c in page.CLAIMS} == claims_shown(PAGE)


def test_bf16_matmul_is_close_to_fp32_and_counts_2n3_flops(page):
    pair = build(page, "torch_matmul_bf16")
    fp32, bf16 = pair.baseline().numpy(), pair.optimized().float().numpy()
    assert pair.flops == 2 * 64**3 * 2
    assert np.abs(fp32 - bf16).max() < 0.05 * np.abs(fp32).max()  # bfloat16 keeps ~3 digits


def test_no_grad_and_inference_mode_give_the_same_predictions_without_a_graph(page):
    a, b = build(page, "torch_no_grad"), build(page, "torch_inference_mode")
    with_grad, no_grad = a.baseline(), a.optimized()
    assert with_grad.requires_grad and not no_grad.requires_grad
    inference = b.optimized()
    assert inference.is_inference() and not no_grad.is_inference()
    assert page.torch.equal(with_grad.detach(), no_grad) and page.torch.equal(no_grad, inference)


def test_torch_compile_gives_the_eager_result(page):
    pair = build(page, "torch_compile_pointwise")
    page.torch.testing.assert_close(pair.baseline(), pair.optimized())


def test_thread_variants_agree_and_restore_the_setting(page):
    before = page.torch.get_num_threads()
    pair = build(page, "torch_threads")
    page.torch.testing.assert_close(pair.baseline(), pair.optimized())
    assert page.torch.get_num_threads() == before


def test_autocast_runs_the_forward_pass_in_bf16_and_the_loss_in_fp32(page):
    torch = page.torch
    model = page.classifier(8)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert model(torch.ones(2, 64)).dtype == torch.bfloat16
    pair = build(page, "torch_autocast_bf16")
    assert pair.baseline().dtype == pair.optimized().dtype == torch.float32


def test_expensive_dataset_and_the_in_process_loader_give_every_sample(page):
    data = page.Expensive(4, 1)
    x, label = data[3]
    assert x.shape == (64,) and label == 3 and len(data) == 4
    assert build(page, "torch_dataloader_workers").baseline() == 32  # num_workers=0, in this process
    build(page, "torch_persistent_workers")
    # Worker processes start only when a loader is iterated; this threaded process forks none.
    assert not multiprocessing.active_children()
