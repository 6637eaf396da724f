"""Both sides of every TensorFlow claim do the same work (docs/performance/tensorflow-cpu.md).

A speedup only means something if the optimized side computes what the baseline does. These
tests run inside the page's run and build each claim at the tiny sizes of ``--fast``; speeds
are never asserted.
"""

import numpy as np
import pytest

from tests.performance.claims import build, claims_shown

PAGE = "docs/performance/tensorflow-cpu.md"


def test_every_claim_defined_on_the_page_has_its_section(page):
    assert {c.id for c in page.CLAIMS} == claims_shown(PAGE)


@pytest.mark.parametrize("cid", ["tf_function", "tf_xla_pointwise", "tf_xla_without_sin", "tf_xla_sin"])
def test_tf_graph_and_xla_compute_what_eager_computes(page, cid):
    pair = build(page, cid)
    np.testing.assert_allclose(pair.baseline().numpy(), pair.optimized().numpy(), rtol=1e-5, atol=1e-6)


def test_the_diagnosis_chain_differs_from_the_chain_only_in_its_last_term(page):
    x = page.tf.constant([0.0, 0.5, -2.0])
    difference = page.pointwise_chain(x) - page.chain_without_sin(x)
    np.testing.assert_allclose(difference.numpy(), (page.tf.sin(x) - x).numpy(), atol=1e-6)


def test_a_python_float_retraces_on_every_call_and_a_tensor_once(page):
    tf = page.tf
    x = tf.ones([2, 2])
    with_float, with_tensor = tf.function(page.scaled_sum), tf.function(page.scaled_sum)
    for i in range(4):
        with_float(x, float(i))
        with_tensor(x, tf.constant(float(i)))
    assert with_float.experimental_get_tracing_count() == 4
    assert with_tensor.experimental_get_tracing_count() == 1
    pair = build(page, "tf_retracing")
    # Both sides compute sum(ones(8, 8) * scale); the scales count up across calls.
    assert float(pair.baseline()) == 64 * 2 and float(pair.optimized()) == 64 * 5


def test_plain_switches_off_automatic_prefetch_and_map_parallelization(page):
    options = page.plain(page.tf.data.Dataset.range(3)).options().experimental_optimization
    assert options.inject_prefetch is False and options.map_parallelization is False


@pytest.mark.parametrize("cid", ["tf_data_prefetch", "tf_data_parallel_map", "tf_data_cache", "tf_data_vectorize"])
def test_tf_data_variants_give_the_same_batches(page, cid):
    pair = build(page, cid)
    assert pair.baseline() == pair.optimized() == 2  # 64 elements in batches of 32
    page.tf.config.run_functions_eagerly(True)  # the training stand-in, line by line
    try:
        assert pair.baseline() == 2
    finally:
        page.tf.config.run_functions_eagerly(False)


def test_functions_traced_into_graphs_agree_with_their_eager_selves(page):
    tf = page.tf
    x = tf.random.stateless_normal([256], [0, 3])
    graph_fns = [page.expensive, page.standardize, page.pointwise_chain, lambda v: page.scaled_sum(v, 2.0)]
    for fn in graph_fns:
        np.testing.assert_allclose(fn(x).numpy(), tf.function(fn)(x).numpy(), rtol=1e-5, atol=1e-5)


def test_vectorized_map_gives_the_same_values_as_per_element_map(page):
    ds = page.elements(fast=True)
    per_element = np.concatenate(list(ds.map(page.standardize).batch(32).as_numpy_iterator()))
    per_batch = np.concatenate(list(ds.batch(32).map(page.standardize).as_numpy_iterator()))
    np.testing.assert_allclose(per_element, per_batch, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cid", ["keras_steps_per_execution", "keras_run_eagerly", "keras_mixed_bfloat16"])
def test_keras_variants_train_the_same_model(page, cid):
    pair = build(page, cid)
    a, b = pair.baseline(), pair.optimized()
    assert a.history.keys() == b.history.keys() == {"loss"}
    assert np.isfinite(a.history["loss"][0]) and np.isfinite(b.history["loss"][0])


def test_keras_mixed_bfloat16_computes_in_bf16_and_keeps_fp32_weights_and_logits(page):
    model = page.mlp("mixed_bfloat16", 8)
    assert model.layers[0].compute_dtype == "bfloat16" and model.layers[0].variable_dtype == "float32"
    assert model.layers[-1].compute_dtype == "float32"


def test_bf16_matmul_is_close_to_fp32_and_counts_2n3_flops(page):
    pair = build(page, "tf_matmul_bf16")
    fp32, bf16 = (page.tf.cast(side(), page.tf.float32).numpy() for side in (pair.baseline, pair.optimized))
    assert pair.flops == 2 * 64**3 * 2
    assert np.abs(fp32 - bf16).max() < 0.05 * np.abs(fp32).max()  # bfloat16 keeps ~3 digits
