"""Both sides of every claim do the same work (docs/performance/*-cpu.md, frameworks.md).

A speedup only means something if the optimized side computes what the baseline does;
these checks build each claim at fast size in this process. Speeds are never asserted.
"""

import numpy as np
import pytest
import tensorflow as tf
import torch

from snippets.performance import frameworks_tf as ftf
from snippets.performance import frameworks_torch as fpt
from snippets.performance import tf_cpu, torch_cpu


def build(module, cid):
    return next(c for c in module.CLAIMS if c.id == cid).build(True)


@pytest.mark.parametrize("cid", ["tf_function", "tf_xla_pointwise"])
def test_tf_graph_and_xla_compute_what_eager_computes(cid):
    pair = build(tf_cpu, cid)
    np.testing.assert_allclose(pair.baseline().numpy(), pair.optimized().numpy(), rtol=1e-5, atol=1e-6)


def test_a_python_float_retraces_on_every_call_and_a_tensor_once():
    x = tf.ones([2, 2])
    with_float, with_tensor = tf.function(tf_cpu.scaled_sum), tf.function(tf_cpu.scaled_sum)
    for i in range(4):
        with_float(x, float(i))
        with_tensor(x, tf.constant(float(i)))
    assert with_float.experimental_get_tracing_count() == 4
    assert with_tensor.experimental_get_tracing_count() == 1
    pair = build(tf_cpu, "tf_retracing")
    # Both sides compute sum(ones(8, 8) * scale); the scales count up across calls.
    assert float(pair.baseline()) == 64 * 2 and float(pair.optimized()) == 64 * 5


def test_plain_switches_off_automatic_prefetch_and_map_parallelization():
    options = tf_cpu.plain(tf.data.Dataset.range(3)).options().experimental_optimization
    assert options.inject_prefetch is False and options.map_parallelization is False


@pytest.mark.parametrize("cid", ["tf_data_prefetch", "tf_data_parallel_map", "tf_data_cache", "tf_data_vectorize"])
def test_tf_data_variants_give_the_same_batches(cid):
    pair = build(tf_cpu, cid)
    assert pair.baseline() == pair.optimized() == 2  # 64 elements in batches of 32
    tf.config.run_functions_eagerly(True)  # the training stand-in, line by line
    try:
        assert pair.baseline() == 2
    finally:
        tf.config.run_functions_eagerly(False)


def test_functions_traced_into_graphs_agree_with_their_eager_selves():
    x = tf.random.stateless_normal([256], [0, 3])
    graph_fns = [tf_cpu.expensive, tf_cpu.standardize, tf_cpu.pointwise_chain, lambda v: tf_cpu.scaled_sum(v, 2.0)]
    for fn in graph_fns:
        np.testing.assert_allclose(fn(x).numpy(), tf.function(fn)(x).numpy(), rtol=1e-5, atol=1e-5)


def test_vectorized_map_gives_the_same_values_as_per_element_map():
    ds = tf_cpu.elements(fast=True)
    per_element = np.concatenate(list(ds.map(tf_cpu.standardize).batch(32).as_numpy_iterator()))
    per_batch = np.concatenate(list(ds.batch(32).map(tf_cpu.standardize).as_numpy_iterator()))
    np.testing.assert_allclose(per_element, per_batch, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cid", ["keras_steps_per_execution", "keras_run_eagerly", "keras_mixed_bfloat16"])
def test_keras_variants_train_the_same_model(cid):
    pair = build(tf_cpu, cid)
    a, b = pair.baseline(), pair.optimized()
    assert a.history.keys() == b.history.keys() == {"loss"}
    assert np.isfinite(a.history["loss"][0]) and np.isfinite(b.history["loss"][0])


def test_keras_mixed_bfloat16_computes_in_bf16_and_keeps_fp32_weights_and_logits():
    model = tf_cpu.mlp("mixed_bfloat16", 8)
    assert model.layers[0].compute_dtype == "bfloat16" and model.layers[0].variable_dtype == "float32"
    assert model.layers[-1].compute_dtype == "float32"


@pytest.mark.parametrize(("module", "cid"), [(tf_cpu, "tf_matmul_bf16"), (torch_cpu, "torch_matmul_bf16")])
def test_bf16_matmul_is_close_to_fp32_and_counts_2n3_flops(module, cid):
    pair = build(module, cid)
    as_fp32 = lambda t: t.float().numpy() if torch.is_tensor(t) else tf.cast(t, tf.float32).numpy()  # noqa: E731
    fp32, bf16 = as_fp32(pair.baseline()), as_fp32(pair.optimized())
    assert pair.flops == 2 * 64**3 * 2
    assert np.abs(fp32 - bf16).max() < 0.05 * np.abs(fp32).max()  # bfloat16 keeps ~3 digits


def test_torch_no_grad_and_inference_mode_give_the_same_predictions_without_a_graph():
    a, b = build(torch_cpu, "torch_no_grad"), build(torch_cpu, "torch_inference_mode")
    with_grad, no_grad = a.baseline(), a.optimized()
    assert with_grad.requires_grad and not no_grad.requires_grad
    inference = b.optimized()
    assert inference.is_inference() and not no_grad.is_inference()
    assert torch.equal(with_grad.detach(), no_grad) and torch.equal(no_grad, inference)


def test_torch_compile_gives_the_eager_result():
    pair = build(torch_cpu, "torch_compile_pointwise")
    torch.testing.assert_close(pair.baseline(), pair.optimized())


def test_thread_variants_agree_and_restore_the_setting():
    before = torch.get_num_threads()
    pair = build(torch_cpu, "torch_threads")
    torch.testing.assert_close(pair.baseline(), pair.optimized())
    assert torch.get_num_threads() == before


def test_autocast_runs_the_forward_pass_in_bf16_and_the_loss_in_fp32():
    model = torch_cpu.classifier(8)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert model(torch.ones(2, 64)).dtype == torch.bfloat16
    pair = build(torch_cpu, "torch_autocast_bf16")
    assert pair.baseline().dtype == pair.optimized().dtype == torch.float32


def test_expensive_dataset_and_both_loaders_give_every_sample():
    data = torch_cpu.Expensive(4, 1)
    x, label = data[3]
    assert x.shape == (64,) and label == 3 and len(data) == 4
    assert build(torch_cpu, "torch_dataloader_workers").baseline() == 32  # num_workers=0, in process
    assert callable(build(torch_cpu, "torch_persistent_workers").optimized)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_both_frameworks_train_the_same_architecture(kind):
    tf_params = ftf.tf_model(kind).count_params()
    torch_params = sum(p.numel() for p in fpt.torch_model(kind).parameters())
    assert tf_params == torch_params


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_one_epoch_lowers_the_loss_in_both_frameworks(kind):
    x, y = ftf.digits(fast=True)
    tf_step = ftf.tf_trainer(kind, compile_step=True)
    first_tf = ftf.tf_epoch(tf_step, tf.constant(x), tf.constant(y))
    xt, yt = fpt.digits(fast=True)
    pt_step = fpt.torch_trainer(kind, compile_model=False)
    first_pt = fpt.torch_epoch(pt_step, xt, yt)
    for _ in range(3):
        last_tf = ftf.tf_epoch(tf_step, tf.constant(x), tf.constant(y))
        last_pt = fpt.torch_epoch(pt_step, xt, yt)
    assert last_tf < first_tf and last_pt < first_pt
    np.testing.assert_array_equal(x[..., 0], xt[:, 0].numpy())  # the same images


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_compare_claims_count_samples(kind):
    for module, cid in ((ftf, f"tf_{kind}_train"), (fpt, f"torch_{kind}_train")):
        pair = build(module, cid)
        assert pair.items == 256
        assert np.isfinite(pair.baseline()) and np.isfinite(pair.optimized())
