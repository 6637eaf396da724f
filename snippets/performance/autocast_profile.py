"""Where autocast's time goes: the diagnosis on docs/performance/pytorch-cpu.md.

The autocast claim times whole training steps. Here torch.profiler lists the
operators of one step each way, so that the matmuls that bfloat16 speeds up and
the casts that autocast adds can be counted.
"""

# --8<-- [start:autocast_profile]
import os

import torch
from torch.profiler import ProfilerActivity, profile

from snippets.performance.torch_cpu import classifier, train_step

# Keeps the profiler's "profiler_start/stop" log lines off stderr (see
# "Finding the bottleneck"); read when the first profile starts.
os.environ["KINETO_LOG_LEVEL"] = "6"

CASTS = {"aten::_to_copy"}  # the copy a dtype-changing .to() makes
MATMULS = {"aten::mm", "aten::addmm"}


def profile_step(dtype):
    """The profile of one training step (after a first, warm-up step)."""
    model = classifier(512)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(128, 64, generator=torch.Generator().manual_seed(0))
    y = torch.arange(128) % 10
    train_step(model, optimizer, x, y, dtype)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        train_step(model, optimizer, x, y, dtype)
    return prof


for name, dtype in [("float32", None), ("autocast bfloat16", torch.bfloat16)]:
    prof = profile_step(dtype)
    ops = {e.key: e.count for e in prof.key_averages()}
    matmuls = sum(ops.get(k, 0) for k in MATMULS)
    casts = sum(ops.get(k, 0) for k in CASTS)
    print(f"{name}: {sum(ops.values())} operators, "
          f"{matmuls} matmuls, {casts} casts")

# The casts of the autocast step, by the shape of the tensor cast:
by_shape = prof.key_averages(group_by_input_shape=True)
cast_events = [e for e in by_shape if e.key in CASTS]
for e in sorted(cast_events, key=lambda e: e.input_shapes[0]):
    print(f"  {e.count} x {e.input_shapes[0]}")
# --8<-- [end:autocast_profile]
