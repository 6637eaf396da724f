"""GPU habits that can be written so they also run on a CPU: docs/performance/gpu.md.

On a machine without a GPU every switch below turns itself off, so the code
runs everywhere; run it with ``python -m snippets.performance.gpu``.
"""

# --8<-- [start:torch_amp]
import torch
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
use_fp16 = device == "cuda"  # float16 with loss scaling: a GPU technique

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
model = model.to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scaler = torch.amp.GradScaler(device, enabled=use_fp16)
x = torch.randn(64, 16).to(device)
y = (torch.arange(64) % 4).to(device)

for _ in range(3):
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device, dtype=torch.float16, enabled=use_fp16):
        logits = model(x)
    # Keep the loss in float32: a float16 loss can round to zero.
    loss = nn.functional.cross_entropy(logits.float(), y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)  # true gradients BEFORE clipping them
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    scaler.step(optimizer)  # skipped if the gradients overflowed
    scaler.update()
print(loss.dtype, round(norm.item(), 3))  # the norm before clipping
# --8<-- [end:torch_amp]

# --8<-- [start:tf_amp]
import keras
import numpy as np

policy = "mixed_float16"  # on a CPU, "mixed_bfloat16" is the one to try

keras.utils.set_random_seed(0)
net = keras.Sequential([
    keras.Input((16,)),
    keras.layers.Dense(32, activation="relu", dtype=policy),
    keras.layers.Dense(4, dtype="float32"),  # logits and loss in float32
])
# Loss scaling keeps small float16 gradients from flushing to zero.
scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.01))
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
net.compile(optimizer=scaled, loss=loss_fn)
features = np.random.default_rng(0).standard_normal((64, 16), np.float32)
net.fit(features, np.arange(64) % 4, epochs=1, verbose=0)
hidden = net.layers[0]
print(hidden.compute_dtype, hidden.variable_dtype, net.layers[1].dtype)
print(type(net.optimizer).__name__)
# --8<-- [end:tf_amp]

# --8<-- [start:shapes]
def pad_to_multiple(n, multiple=8):
    """Round ``n`` up: Tensor Cores want dimensions in multiples of 8."""
    return -(-n // multiple) * multiple


for vocabulary in (30522, 50257, 32000):
    print(vocabulary, "->", pad_to_multiple(vocabulary, 64))
print("sequence length 50 ->", pad_to_multiple(50))
# --8<-- [end:shapes]

# --8<-- [start:torch_input]
from torch.utils.data import DataLoader, TensorDataset

torch.backends.cudnn.benchmark = True  # pick the fastest conv per shape
images = torch.randn(32, 3, 16, 16)
labels = torch.arange(32) % 4
loader = DataLoader(TensorDataset(images, labels), batch_size=8,
                    pin_memory=torch.cuda.is_available())
conv = nn.Conv2d(3, 8, 3).to(device, memory_format=torch.channels_last)

total = torch.zeros((), device=device)
for batch, _labels in loader:
    # non_blocking: the copy from pinned memory overlaps with compute.
    batch = batch.to(device, non_blocking=True)
    batch = batch.contiguous(memory_format=torch.channels_last)
    out = conv(batch)
    total += out.mean().detach()  # no .item() here: it would synchronise
print(out.shape, out.stride())  # channels_last: the channel stride is 1
print(round(total.item(), 3))  # one synchronisation, after the loop
# --8<-- [end:torch_input]
