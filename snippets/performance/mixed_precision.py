"""Mixed precision, closely: the code of docs/performance/mixed-precision.md.

Everything here runs on a CPU, where the dtypes, the underflow and the
loss-scaling logic are those of a GPU. Run it with
``python -m snippets.performance.mixed_precision``.
"""

# --8<-- [start:tf_policy]
import keras
import numpy as np
import tensorflow as tf

policy = keras.mixed_precision.Policy("mixed_float16")
print("compute:", policy.compute_dtype, "| variables:", policy.variable_dtype)

x = np.random.default_rng(0).standard_normal((16, 8)).astype("float32")
dense = keras.layers.Dense(4, dtype=policy)
logits = dense(x)  # casts x to float16, and reads the kernel as float16
print("input:", x.dtype, "-> output:", logits.dtype.name)
print("kernel stored as:", dense.kernel.dtype)

for dtype in [policy, "float32"]:
    softmax = keras.layers.Softmax(dtype=dtype)
    result = softmax(logits)
    print(f"Softmax layer ({softmax.dtype_policy.name}):", result.dtype.name)
# --8<-- [end:tf_policy]

# --8<-- [start:torch_autocast]
import torch
from torch import nn

torch.manual_seed(0)
layer = nn.Linear(8, 4)
x = torch.randn(16, 8)
labels = torch.arange(16) % 4

with torch.autocast("cpu", dtype=torch.bfloat16):
    logits = layer(x)
    results = {
        "linear(x)": logits,
        "x @ x.T": x @ x.T,
        "logits.softmax(-1)": logits.softmax(-1),
        "x.softmax(-1)": x.softmax(-1),
        "logits.sum()": logits.sum(),
        "logits.exp()": logits.exp(),
        "mse_loss(logits, 0)": nn.functional.mse_loss(logits, 0 * logits),
        "cross_entropy": nn.functional.cross_entropy(logits, labels),
        "cat([logits, x[:, :4]])": torch.cat([logits, x[:, :4]]),
        "logits + x[:, :4]": logits + x[:, :4],
    }
for name, result in results.items():
    print(f"{name:24} {result.dtype}")

results["cross_entropy"].backward()  # outside autocast, as recommended
print("weight:", layer.weight.dtype, "| its gradient:", layer.weight.grad.dtype)
# --8<-- [end:torch_autocast]

# --8<-- [start:fp16_range]
import numpy as np

half = np.finfo(np.float16)
print("largest float16:", half.max)
print("smallest normal:", half.smallest_normal)
print("smallest subnormal:", half.smallest_subnormal)
print("1e-8 in float16:", np.float16(1e-8))
print("1e-8 * 2**16 in float16:", np.float16(1e-8 * 2**16))
# --8<-- [end:fp16_range]

# --8<-- [start:tf_underflow]
features = np.random.default_rng(1).standard_normal((8, 4)).astype("float32")


def first_gradient(optimizer):
    """The kernel's gradient after one float16 forward pass, unscaled."""
    keras.utils.set_random_seed(0)
    dense = keras.layers.Dense(1, dtype="mixed_float16")
    with tf.GradientTape() as tape:
        out = tf.cast(dense(features), "float32")
        loss = 1e-8 * tf.reduce_mean(tf.square(out))  # tiny gradients
        scaled = optimizer.scale_loss(loss)  # loss * scale, or loss
    grad = tape.gradient(scaled, dense.kernel)
    scale = float(scaled / loss)  # what apply() divides the gradients by
    return (grad / scale).numpy().ravel()


def rounded(values):
    return [f"{value:.2g}" for value in values]


plain = keras.optimizers.SGD(0.1)
scaling = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1))
print("no scaling:  ", rounded(first_gradient(plain)))
print("scale 2**15: ", rounded(first_gradient(scaling)))
# --8<-- [end:tf_underflow]

# --8<-- [start:torch_underflow]
inputs = torch.randn(8, 4, generator=torch.Generator().manual_seed(1))


def first_gradient(scaler):
    """The weight's gradient after one float16 forward pass, unscaled."""
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with torch.autocast("cpu", dtype=torch.float16):
        out = model(inputs)
    loss = 1e-8 * out.float().square().mean()  # tiny gradients
    scaler.scale(loss).backward()  # backward of loss * scale
    scaler.unscale_(optimizer)  # divides the gradients by the scale
    return model.weight.grad.flatten().tolist()


def rounded(values):
    return [f"{value:.2g}" for value in values]


no_scaling = torch.amp.GradScaler("cpu", enabled=False)
print("no scaling:  ", rounded(first_gradient(no_scaling)))
print("scale 2**16: ", rounded(first_gradient(torch.amp.GradScaler("cpu"))))
# --8<-- [end:torch_underflow]

# --8<-- [start:tf_scaler]
defaults = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.01))
print("initial scale:", defaults.initial_scale)
print("doubles after", defaults.dynamic_growth_steps, "finite steps")

keras.utils.set_random_seed(0)
dense = keras.layers.Dense(1, dtype="mixed_float16")
dense.build((None, 4))
optimizer = keras.optimizers.LossScaleOptimizer(
    keras.optimizers.SGD(0.01), initial_scale=1024.0, dynamic_growth_steps=2
)
optimizer.build(dense.trainable_variables)
for step, size in enumerate([1, 1, 1e6, 1, 1]):  # step 2: an outlier batch
    with tf.GradientTape() as tape:
        out = tf.cast(dense(features * size), "float32")
        loss = tf.reduce_mean(tf.square(out))
        scaled = optimizer.scale_loss(loss)
    grads = tape.gradient(scaled, dense.trainable_variables)
    before = dense.kernel.numpy()
    optimizer.apply(grads, dense.trainable_variables)  # checks, then steps
    applied = not np.array_equal(before, dense.kernel.numpy())
    scale = float(optimizer.dynamic_scale.numpy())
    print(step, "applied" if applied else "skipped", "-> scale", scale)
# --8<-- [end:tf_scaler]

# --8<-- [start:torch_scaler]
defaults = torch.amp.GradScaler("cpu")
print("initial scale:", defaults.get_scale())
growth = defaults.get_growth_factor(), defaults.get_growth_interval()
print("growth factor: {} after {} finite steps".format(*growth))
print("backoff factor:", defaults.get_backoff_factor())

torch.manual_seed(0)
model = nn.Linear(4, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
for step, size in enumerate([1, 1, 1e6, 1, 1]):  # step 2: an outlier batch
    optimizer.zero_grad()
    with torch.autocast("cpu", dtype=torch.float16):
        out = model(inputs * size)
    loss = out.float().square().mean()
    before = model.weight.detach().clone()
    scaler.scale(loss).backward()
    scaler.step(optimizer)  # skipped if a gradient is inf or NaN
    scaler.update()  # halves the scale after a skip, grows it after 2 steps
    applied = not torch.equal(before, model.weight)
    scale = scaler.get_scale()
    print(step, "applied" if applied else "skipped", "-> scale", scale)
# --8<-- [end:torch_scaler]

# --8<-- [start:tf_check_numerics]
logits = tf.constant([[0.0, 20.0]], tf.float16)  # a confident prediction
labels = tf.constant([[0.0, 1.0]], tf.float16)
probs = tf.nn.softmax(logits)  # exp(-20) is below float16's smallest value
loss = -tf.reduce_sum(labels * tf.math.log(probs))  # 0 * log(0) = 0 * -inf
print("probabilities:", probs.numpy().tolist(), "loss:", loss.numpy())

tf.debugging.enable_check_numerics()  # every op checks its outputs
try:
    probs = tf.nn.softmax(logits)
    loss = -tf.reduce_sum(labels * tf.math.log(probs))
except tf.errors.InvalidArgumentError as err:
    print(next(line for line in err.message.splitlines() if "!!!" in line))
finally:
    tf.debugging.disable_check_numerics()

# The fix: a loss computed from the logits (no log of 0), in float32.
labels32, logits32 = tf.cast(labels, "float32"), tf.cast(logits, "float32")
fixed = tf.nn.softmax_cross_entropy_with_logits(labels32, logits32)
print("from the logits:", f"{fixed.numpy()[0]:.3g}")
# --8<-- [end:tf_check_numerics]

# --8<-- [start:torch_anomaly]
import warnings

logits = torch.tensor([[0.0, 20.0]], dtype=torch.float16, requires_grad=True)
labels = torch.tensor([[0.0, 1.0]], dtype=torch.float16)
probs = logits.softmax(-1)  # exp(-20) is below float16's smallest value
loss = -(labels * probs.log()).sum()  # 0 * log(0) = 0 * -inf
print("probabilities:", probs.tolist(), "loss:", loss.item())

with warnings.catch_warnings(record=True) as caught:  # anomaly mode warns
    warnings.simplefilter("always")
    try:
        with torch.autograd.detect_anomaly():  # checks backward's outputs
            probs = logits.softmax(-1)
            loss = -(labels * probs.log()).sum()
            loss.backward()
    except RuntimeError as err:
        print("RuntimeError:", str(err).splitlines()[0])
for warning in caught:
    print("warning:", str(warning.message).splitlines()[0])

# The fix: a loss computed from the logits (no log of 0), in float32.
fixed = nn.functional.cross_entropy(logits.float(), labels.argmax(-1))
print("from the logits:", f"{fixed.item():.3g}")
# --8<-- [end:torch_anomaly]
