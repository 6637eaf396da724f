"""PyTorch claims measured on a CPU: the code of docs/performance/pytorch-cpu.md.

Each claim is a function ``build(fast) -> Pair`` registered in ``CLAIMS``;
``python -m snippets.performance.run`` measures them. Run this file to list
the claims it defines.
"""

# --8<-- [start:setup]
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from snippets.performance.harness import Pair, claim, repeat

CLAIMS = []  # filled by the @claim decorator below
# --8<-- [end:setup]


# --8<-- [start:dataset]
class Expensive(Dataset):
    """A dataset whose __getitem__ does real work (decoding, augmenting)."""

    def __init__(self, size, work):
        self.size, self.work = size, work

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        g = torch.Generator().manual_seed(index)
        x = torch.randn(64, 64, generator=g)
        for _ in range(self.work):
            x = torch.tanh(x @ x * 0.01)
        return x.mean(dim=0), index % 10


def epoch(loader):
    """Iterate once over ``loader``; return how many samples it gave."""
    return sum(len(labels) for _, labels in loader)
# --8<-- [end:dataset]


# --8<-- [start:workers]
@claim(CLAIMS, "torch_dataloader_workers", "DataLoader worker processes",
       "num_workers=0", "num_workers=2")
def torch_dataloader_workers(fast):
    data = Expensive(32 if fast else 64, 2 if fast else 10)
    main = DataLoader(data, batch_size=16)
    workers = DataLoader(data, batch_size=16, num_workers=2)
    return Pair(lambda: epoch(main), lambda: epoch(workers))
# --8<-- [end:workers]


# --8<-- [start:persistent]
@claim(CLAIMS, "torch_persistent_workers", "DataLoader persistent_workers",
       "workers restarted every epoch", "persistent_workers=True")
def torch_persistent_workers(fast):
    data = Expensive(32 if fast else 128, 1)  # a short epoch
    fresh = DataLoader(data, batch_size=16, num_workers=2)
    kept = DataLoader(data, batch_size=16, num_workers=2,
                      persistent_workers=True)
    return Pair(lambda: epoch(fresh), lambda: epoch(kept))
# --8<-- [end:persistent]


# --8<-- [start:compile]
def pointwise_chain(x):
    """Ten elementwise ops: without fusion, each one is a pass over memory."""
    y = x * 1.5 + 0.5
    y = torch.tanh(y) * torch.sigmoid(x)
    y = y * y - 0.25 * x
    return torch.exp(-torch.abs(y)) + torch.sin(x)


@claim(CLAIMS, "torch_compile_pointwise", "torch.compile on a pointwise chain",
       "eager", "torch.compile")
def torch_compile_pointwise(fast):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1000 if fast else 2_000_000, generator=g)
    # Fast mode (the tests) traces with dynamo but skips C++ code generation.
    backend = "eager" if fast else "inductor"
    fused = torch.compile(pointwise_chain, backend=backend)
    calls = 2 if fast else 10
    return Pair(repeat(lambda: pointwise_chain(x), calls),
                repeat(lambda: fused(x), calls))
# --8<-- [end:compile]


# --8<-- [start:inference]
def classifier(width=256):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(64, width), nn.ReLU(),
                         nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, 10))


def predict(model, x, context):
    with context():
        return model(x)


@claim(CLAIMS, "torch_no_grad", "torch.no_grad for inference",
       "autograd recording", "torch.no_grad()")
def torch_no_grad(fast):
    model, x = classifier(), torch.ones(64 if fast else 512, 64)
    calls = 2 if fast else 50
    return Pair(repeat(lambda: predict(model, x, torch.enable_grad), calls),
                repeat(lambda: predict(model, x, torch.no_grad), calls))


@claim(CLAIMS, "torch_inference_mode", "torch.inference_mode vs no_grad",
       "torch.no_grad()", "torch.inference_mode()")
def torch_inference_mode(fast):
    model, x = classifier(), torch.ones(64 if fast else 512, 64)
    calls = 2 if fast else 50
    return Pair(repeat(lambda: predict(model, x, torch.no_grad), calls),
                repeat(lambda: predict(model, x, torch.inference_mode), calls))
# --8<-- [end:inference]


# --8<-- [start:threads]
def with_threads(threads, fn):
    """``fn`` run with ``threads`` intra-op threads, then the old setting."""

    def call():
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return fn()
        finally:
            torch.set_num_threads(before)

    return call


@claim(CLAIMS, "torch_threads", "intra-op threads for matmul",
       "1 thread", "all cores")
def torch_threads(fast):
    n = 64 if fast else 768
    a = torch.randn(n, n, generator=torch.Generator().manual_seed(0))
    product = repeat(lambda: a @ a, 2 if fast else 10)
    cores = torch.get_num_threads()  # fixed by the runner: one per core
    return Pair(with_threads(1, product), with_threads(cores, product))
# --8<-- [end:threads]


# --8<-- [start:autocast]
def train_step(model, optimizer, x, y, dtype=None):
    """One SGD step; with ``dtype``, the forward pass runs under autocast."""
    optimizer.zero_grad()
    # autocast for the device the batch is on: "cpu" here, "cuda" on a GPU
    with torch.autocast(x.device.type, dtype=dtype, enabled=dtype is not None):
        logits = model(x)
    # The loss is computed in float32 whatever the forward pass used.
    loss = nn.functional.cross_entropy(logits.float(), y)
    loss.backward()
    optimizer.step()
    return loss


@claim(CLAIMS, "torch_autocast_bf16", "autocast to bfloat16 (training)",
       "float32", "autocast bfloat16", requires="avx512_bf16")
def torch_autocast_bf16(fast):
    width = 32 if fast else 512
    x = torch.randn(128, 64, generator=torch.Generator().manual_seed(0))
    y = torch.arange(128) % 10
    fp32, bf16 = classifier(width), classifier(width)
    sgd32 = torch.optim.SGD(fp32.parameters(), lr=0.01)
    sgd16 = torch.optim.SGD(bf16.parameters(), lr=0.01)
    steps = 2 if fast else 10
    return Pair(
        repeat(lambda: train_step(fp32, sgd32, x, y), steps),
        repeat(lambda: train_step(bf16, sgd16, x, y, torch.bfloat16), steps),
    )
# --8<-- [end:autocast]


# --8<-- [start:matmul]
@claim(CLAIMS, "torch_matmul_bf16", "matmul throughput, bfloat16 vs float32",
       "float32", "bfloat16", requires="avx512_bf16")
def torch_matmul_bf16(fast):
    n = 64 if fast else 1024
    a = torch.randn(n, n, generator=torch.Generator().manual_seed(0))
    a16 = a.to(torch.bfloat16)
    calls = 2 if fast else 10
    pair = Pair(repeat(lambda: a @ a, calls), repeat(lambda: a16 @ a16, calls))
    pair.flops = 2 * n**3 * calls  # n*n outputs, n multiply-adds each
    return pair
# --8<-- [end:matmul]


if __name__ == "__main__":
    for c in CLAIMS:
        print(f"{c.id}: {c.baseline} -> {c.optimized}")
