"""TensorFlow claims measured on a CPU: the code of docs/performance/tensorflow-cpu.md.

Each claim is a function ``build(fast) -> Pair`` registered in ``CLAIMS``;
``python -m snippets.performance.run`` measures them. Run this file to list
the claims it defines.
"""

# --8<-- [start:setup]
import itertools

import keras
import numpy as np
import tensorflow as tf

from snippets.performance.harness import Pair, claim, repeat

CLAIMS = []  # filled by the @claim decorator below
tf.get_logger().setLevel("ERROR")  # the retracing claim retraces on purpose
# --8<-- [end:setup]


# --8<-- [start:tf_function]
def small_ops(x):
    """Many tiny operations: Python dispatch dominates, not arithmetic."""
    for _ in range(20):
        x = tf.tanh(x) * 0.9 + 0.1
    return tf.reduce_sum(x)


@claim(CLAIMS, "tf_function", "tf.function on small-op code",
       "eager", "tf.function")
def tf_function(fast):
    x = tf.ones([8, 8])
    graph = tf.function(small_ops)
    calls = 5 if fast else 200
    return Pair(repeat(lambda: small_ops(x), calls),
                repeat(lambda: graph(x), calls))
# --8<-- [end:tf_function]


# --8<-- [start:retracing]
def scaled_sum(x, scale):
    return tf.reduce_sum(x * scale)


@claim(CLAIMS, "tf_retracing", "retracing avoided",
       "new Python float each call", "tf.Tensor argument")
def tf_retracing(fast):
    x = tf.ones([8, 8])
    retraces = tf.function(scaled_sum)  # a Python float is part of the key
    traces_once = tf.function(scaled_sum)
    counter = itertools.count()
    calls = 3 if fast else 30

    def with_float():
        return retraces(x, float(next(counter)))

    def with_tensor():
        return traces_once(x, tf.constant(float(next(counter))))

    return Pair(repeat(with_float, calls), repeat(with_tensor, calls))
# --8<-- [end:retracing]


# --8<-- [start:data_setup]
def plain(dataset):
    """Switch off tf.data's automatic prefetch and map parallelization."""
    options = tf.data.Options()
    options.experimental_optimization.inject_prefetch = False
    options.experimental_optimization.map_parallelization = False
    return dataset.with_options(options)


def expensive(x):
    """Per-element work: a few small matrix products."""
    m = tf.reshape(x, [16, 16])
    for _ in range(4):
        m = tf.tanh(tf.matmul(m, m) * 0.01)
    return tf.reshape(m, [-1])


def elements(fast):
    rng = np.random.default_rng(0)
    data = rng.standard_normal((64 if fast else 2048, 256), np.float32)
    return tf.data.Dataset.from_tensor_slices(data)


def consume(dataset, step=lambda batch: batch):
    """One epoch: run ``step`` on every batch, return how many batches."""
    count = 0
    for batch in dataset:
        step(batch)
        count += 1
    return count
# --8<-- [end:data_setup]


# --8<-- [start:prefetch]
@claim(CLAIMS, "tf_data_prefetch", "tf.data prefetch",
       "no prefetch (automatic one off)", "prefetch(AUTOTUNE)")
def tf_data_prefetch(fast):
    weights = tf.random.stateless_normal([256, 256], seed=[1, 2])

    @tf.function
    def train_like(batch):  # stands in for a training step
        h = batch
        for _ in range(8):
            h = tf.tanh(tf.matmul(h, weights) * 0.05)
        return h

    base = plain(elements(fast).map(expensive).batch(32))
    # Only the explicit prefetch differs: map parallelization stays off.
    fast_ds = plain(elements(fast).map(expensive).batch(32))
    fast_ds = fast_ds.prefetch(tf.data.AUTOTUNE)
    return Pair(lambda: consume(base, train_like),
                lambda: consume(fast_ds, train_like))
# --8<-- [end:prefetch]


# --8<-- [start:parallel_map]
@claim(CLAIMS, "tf_data_parallel_map", "tf.data parallel map",
       "map, one element at a time", "map(num_parallel_calls=AUTOTUNE)")
def tf_data_parallel_map(fast):
    base = plain(elements(fast).map(expensive).batch(32))
    par = elements(fast).map(expensive, num_parallel_calls=tf.data.AUTOTUNE)
    return Pair(lambda: consume(base), lambda: consume(plain(par.batch(32))))
# --8<-- [end:parallel_map]


# --8<-- [start:cache]
@claim(CLAIMS, "tf_data_cache", "tf.data cache after an expensive map",
       "map every epoch", "map once, then cache()")
def tf_data_cache(fast):
    base = plain(elements(fast).map(expensive).batch(32))
    cached = plain(elements(fast).map(expensive).cache().batch(32))
    return Pair(lambda: consume(base), lambda: consume(cached))
# --8<-- [end:cache]


# --8<-- [start:vectorize]
def standardize(x):
    """Works on one element or on a batch: statistics over the last axis."""
    mean = tf.reduce_mean(x, axis=-1, keepdims=True)
    std = tf.math.reduce_std(x, axis=-1, keepdims=True)
    return tf.tanh((x - mean) / (std + 1e-6))


@claim(CLAIMS, "tf_data_vectorize", "vectorized map (batch before map)",
       "map, then batch", "batch, then map")
def tf_data_vectorize(fast):
    base = plain(elements(fast).map(standardize).batch(32))
    vectorized = plain(elements(fast).batch(32).map(standardize))
    return Pair(lambda: consume(base), lambda: consume(vectorized))
# --8<-- [end:vectorize]


# --8<-- [start:keras_setup]
def mlp(dtype="float32", width=64):
    """A small classifier; ``dtype`` may be a mixed-precision policy."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(width, activation="relu", dtype=dtype),
        keras.layers.Dense(width, activation="relu", dtype=dtype),
        keras.layers.Dense(10, dtype="float32"),  # keep the logits in fp32
    ])


def fit_one_epoch(model, fast, batch_size=32):
    rng = np.random.default_rng(0)
    n = 256 if fast else 2048
    x = rng.standard_normal((n, 64), np.float32)
    y = rng.integers(0, 10, n)
    return lambda: model.fit(x, y, batch_size=batch_size, epochs=1,
                             verbose=0, shuffle=False)


def compiled(model, **options):
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer="sgd", loss=loss, jit_compile=False, **options)
    return model
# --8<-- [end:keras_setup]


# --8<-- [start:steps_per_execution]
@claim(CLAIMS, "keras_steps_per_execution", "Keras steps_per_execution",
       "steps_per_execution=1", "steps_per_execution=32")
def keras_steps_per_execution(fast):
    one = compiled(mlp(), steps_per_execution=1)
    many = compiled(mlp(), steps_per_execution=32)
    return Pair(fit_one_epoch(one, fast), fit_one_epoch(many, fast))
# --8<-- [end:steps_per_execution]


# --8<-- [start:run_eagerly]
@claim(CLAIMS, "keras_run_eagerly", "the cost of run_eagerly=True",
       "run_eagerly=True", "compiled (default)")
def keras_run_eagerly(fast):
    eager = compiled(mlp(), run_eagerly=True)
    graph = compiled(mlp())
    return Pair(fit_one_epoch(eager, fast), fit_one_epoch(graph, fast))
# --8<-- [end:run_eagerly]


# --8<-- [start:xla]
def pointwise_chain(x):
    """Ten elementwise ops: without fusion, each one is a pass over memory."""
    y = x * 1.5 + 0.5
    y = tf.tanh(y) * tf.sigmoid(x)
    y = y * y - 0.25 * x
    return tf.exp(-tf.abs(y)) + tf.sin(x)


def graph_and_xla(fn, fast):
    """The Pair: ``fn`` as a graph, and compiled by XLA, on the same input."""
    x = tf.random.stateless_normal([1000 if fast else 2_000_000], [0, 1])
    graph = tf.function(fn)
    xla = tf.function(fn, jit_compile=True)
    calls = 2 if fast else 10
    return Pair(repeat(lambda: graph(x), calls), repeat(lambda: xla(x), calls))


@claim(CLAIMS, "tf_xla_pointwise", "XLA jit_compile on a pointwise chain",
       "tf.function", "tf.function(jit_compile=True)")
def tf_xla_pointwise(fast):
    return graph_and_xla(pointwise_chain, fast)
# --8<-- [end:xla]


# --8<-- [start:xla_diagnosis]
def chain_without_sin(x):
    """The same chain with its last term, tf.sin(x), replaced by x."""
    y = x * 1.5 + 0.5
    y = tf.tanh(y) * tf.sigmoid(x)
    y = y * y - 0.25 * x
    return tf.exp(-tf.abs(y)) + x


@claim(CLAIMS, "tf_xla_without_sin", "XLA jit_compile on the chain without sin",
       "tf.function", "tf.function(jit_compile=True)")
def tf_xla_without_sin(fast):
    return graph_and_xla(chain_without_sin, fast)


@claim(CLAIMS, "tf_xla_sin", "XLA jit_compile on tf.sin alone",
       "tf.function", "tf.function(jit_compile=True)")
def tf_xla_sin(fast):
    return graph_and_xla(tf.sin, fast)
# --8<-- [end:xla_diagnosis]


# --8<-- [start:bf16]
@claim(CLAIMS, "keras_mixed_bfloat16", "Keras mixed_bfloat16 training",
       "float32", "mixed_bfloat16", requires="avx512_bf16")
def keras_mixed_bfloat16(fast):
    width = 32 if fast else 1024
    fp32 = compiled(mlp("float32", width))
    bf16 = compiled(mlp("mixed_bfloat16", width))
    return Pair(fit_one_epoch(fp32, fast, 128),
                fit_one_epoch(bf16, fast, 128))
# --8<-- [end:bf16]


# --8<-- [start:matmul]
@claim(CLAIMS, "tf_matmul_bf16", "matmul throughput, bfloat16 vs float32",
       "float32", "bfloat16", requires="avx512_bf16")
def tf_matmul_bf16(fast):
    n = 64 if fast else 1024
    a = tf.random.stateless_normal([n, n], [0, 2])
    a16 = tf.cast(a, tf.bfloat16)
    calls = 2 if fast else 10
    pair = Pair(repeat(lambda: tf.matmul(a, a), calls),
                repeat(lambda: tf.matmul(a16, a16), calls))
    pair.flops = 2 * n**3 * calls  # n*n outputs, n multiply-adds each
    return pair
# --8<-- [end:matmul]


if __name__ == "__main__":
    for c in CLAIMS:
        print(f"{c.id}: {c.baseline} -> {c.optimized}")
