"""PyTorch claims measured on a GPU: the code of docs/performance/pytorch-gpu.md.

``python -m snippets.performance.run --gpu`` measures them on a machine with
a CUDA GPU. Without one, the same code runs on the CPU at the tiny sizes of
``--fast`` (that is how the tests execute it), where the GPU-only switches
do nothing. Run this file to list the claims it defines.
"""

# --8<-- [start:setup]
import torch
from torch import nn

from snippets.performance.harness import Pair, claim

CLAIMS = []  # filled by the @claim decorator below
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def synced(fn, calls=1):
    """``fn`` called ``calls`` times, then a wait until the GPU is done.

    CUDA kernels run asynchronously: a clock read straight after a call
    would time only the launches, not the work.
    """

    def call():
        for _ in range(calls):
            result = fn()
        if DEVICE == "cuda":
            torch.cuda.synchronize()
        return result

    return call


def randn(*shape, dtype=torch.float32):
    g = torch.Generator(DEVICE).manual_seed(0)
    return torch.randn(*shape, generator=g, device=DEVICE, dtype=dtype)
# --8<-- [end:setup]


# --8<-- [start:matmul]
def with_fp32_precision(precision, fn):
    """``fn`` run with float32 matmuls in ``precision``: "ieee" (full
    float32) or "tf32" (Tensor Cores, 10 bits of mantissa)."""
    matmul = torch.backends.cuda.matmul

    def call():
        before = matmul.fp32_precision
        matmul.fp32_precision = precision
        try:
            return fn()
        finally:
            matmul.fp32_precision = before

    return call


def square_matmuls(fast, optimized):
    """A square matrix times itself in full float32, against the product
    that ``optimized(a)`` returns, with the flops of both."""
    n, calls = (64, 2) if fast else (8192, 5)
    a = randn(n, n)
    full = with_fp32_precision("ieee", synced(lambda: a @ a, calls))
    pair = Pair(full, synced(optimized(a), calls))
    pair.flops = 2 * n**3 * calls  # n*n outputs, n multiply-adds each
    return pair


@claim(CLAIMS, "gpu_matmul_tf32", "float32 matmul on Tensor Cores (TF32)",
       'fp32_precision="ieee"', 'fp32_precision="tf32"')
def gpu_matmul_tf32(fast):
    return square_matmuls(
        fast, lambda a: with_fp32_precision("tf32", lambda: a @ a))


@claim(CLAIMS, "gpu_matmul_bf16", "matmul throughput, bfloat16 vs float32",
       "float32", "bfloat16")
def gpu_matmul_bf16(fast):
    def bfloat16_product(a):
        a16 = a.to(torch.bfloat16)
        return lambda: a16 @ a16

    return square_matmuls(fast, bfloat16_product)
# --8<-- [end:matmul]


# --8<-- [start:padding]
@claim(CLAIMS, "gpu_vocab_padding", "output layer, vocabulary padded to 64",
       "50257 words", "50304 words (+0.09 % work)")
def gpu_vocab_padding(fast):
    tokens, width = (16, 64) if fast else (8192, 768)
    words = 1001 if fast else 50257  # GPT-2's vocabulary
    padded_words = -(-words // 64) * 64  # rounded up to a multiple of 64
    h = randn(tokens, width, dtype=torch.float16)
    odd = randn(words, width, dtype=torch.float16)  # one row per word
    unused = torch.zeros(padded_words - words, width, dtype=odd.dtype,
                         device=DEVICE)  # rows no label ever points to
    padded = torch.cat([odd, unused])
    calls = 2 if fast else 10
    pair = Pair(synced(lambda: h @ odd.T, calls),
                synced(lambda: h @ padded.T, calls))
    pair.flops = 2 * tokens * width * words * calls  # the useful work
    return pair
# --8<-- [end:padding]


# --8<-- [start:amp]
from snippets.performance.torch_cpu import train_step  # the CPU page's step


def mlp(width, layers=4, classes=10):
    torch.manual_seed(0)
    blocks = [nn.Sequential(nn.Linear(width, width), nn.GELU())
              for _ in range(layers)]
    return nn.Sequential(*blocks, nn.Linear(width, classes)).to(DEVICE)


@claim(CLAIMS, "gpu_autocast_bf16", "autocast to bfloat16 (training)",
       "float32", "autocast bfloat16")
def gpu_autocast_bf16(fast):
    width, batch = (32, 16) if fast else (4096, 4096)
    x, y = randn(batch, width), torch.arange(batch, device=DEVICE) % 10
    fp32, bf16 = mlp(width), mlp(width)
    sgd32 = torch.optim.SGD(fp32.parameters(), lr=0.01)
    sgd16 = torch.optim.SGD(bf16.parameters(), lr=0.01)
    steps = 2 if fast else 5
    baseline = synced(lambda: train_step(fp32, sgd32, x, y), steps)
    return Pair(
        with_fp32_precision("ieee", baseline),
        synced(lambda: train_step(bf16, sgd16, x, y, torch.bfloat16), steps),
    )
# --8<-- [end:amp]


# --8<-- [start:pinned]
@claim(CLAIMS, "gpu_pinned_copy", "pinned host memory for copies to the GPU",
       "pageable tensor .to(device)", "pinned, non_blocking=True")
def gpu_pinned_copy(fast):
    floats = 1024 if fast else 64 * 2**20  # 256 MiB of float32
    pageable = torch.randn(floats, generator=torch.Generator().manual_seed(0))
    # Page-locked memory exists only where there is a GPU to copy to.
    pinned = pageable.pin_memory() if DEVICE == "cuda" else pageable
    return Pair(
        synced(lambda: pageable.to(DEVICE)),
        synced(lambda: pinned.to(DEVICE, non_blocking=True)),
    )
# --8<-- [end:pinned]


# --8<-- [start:sync]
def epoch_loss(model, optimizer, x, y, steps, read_every_step):
    """Train ``steps`` steps and return the summed loss as a float."""
    if read_every_step:
        total = 0.0
        for _ in range(steps):
            # .item() copies to the host: the CPU waits for the GPU
            total += train_step(model, optimizer, x, y).item()
        return total
    total = torch.zeros((), device=DEVICE)
    for _ in range(steps):
        total += train_step(model, optimizer, x, y).detach()
    return total.item()  # one wait, at the end


def sync_claim(width, batch, fast):
    steps = 2 if fast else 30
    x, y = randn(batch, width), torch.arange(batch, device=DEVICE) % 10
    a, b = mlp(width, layers=2), mlp(width, layers=2)
    sgd_a = torch.optim.SGD(a.parameters(), lr=0.01)
    sgd_b = torch.optim.SGD(b.parameters(), lr=0.01)
    return Pair(synced(lambda: epoch_loss(a, sgd_a, x, y, steps, True)),
                synced(lambda: epoch_loss(b, sgd_b, x, y, steps, False)))


@claim(CLAIMS, "gpu_no_sync_small_step", "no .item() in the loop, tiny steps",
       "loss.item() every step", "sum on the GPU, read once")
def gpu_no_sync_small_step(fast):
    return sync_claim(512, 256, fast)  # microseconds of GPU work per kernel


@claim(CLAIMS, "gpu_no_sync_big_step", "no .item() in the loop, big steps",
       "loss.item() every step", "sum on the GPU, read once")
def gpu_no_sync_big_step(fast):
    return sync_claim(32 if fast else 2048, 16 if fast else 1024, fast)
# --8<-- [end:sync]


# --8<-- [start:compile]
def small_net():
    """Many small kernels: a GPU waits on Python launching them."""
    torch.manual_seed(0)
    blocks = [nn.Sequential(nn.Linear(256, 256), nn.LayerNorm(256), nn.GELU())
              for _ in range(8)]
    return nn.Sequential(*blocks).to(DEVICE).eval()


def infer(model, x, calls, new_step=False):
    def call():
        with torch.no_grad():
            for _ in range(calls):
                if new_step and DEVICE == "cuda":
                    # a CUDA graph reuses its output's memory: a new step
                    torch.compiler.cudagraph_mark_step_begin()
                out = model(x)
        return out.clone()

    return synced(call)


def compiled(net, fast, **options):
    """torch.compile(net, **options); at tiny sizes (the tests) it traces
    only, with the eager backend: no kernels to generate, no graphs."""
    return torch.compile(net, **({"backend": "eager"} if fast else options))


@claim(CLAIMS, "gpu_compile", "torch.compile on small layers (inference)",
       "eager", "torch.compile")
def gpu_compile(fast):
    net, x = small_net(), randn(64, 256)
    calls = 2 if fast else 20
    return Pair(infer(net, x, calls), infer(compiled(net, fast), x, calls))


@claim(CLAIMS, "gpu_cuda_graphs", "CUDA graphs on top of torch.compile",
       "torch.compile", 'mode="reduce-overhead"')
def gpu_cuda_graphs(fast):
    net, x = small_net(), randn(64, 256)
    fused = compiled(net, fast)  # the default mode: fused kernels
    graphed = compiled(net, fast, mode="reduce-overhead")  # + CUDA graphs
    calls = 2 if fast else 20
    return Pair(infer(fused, x, calls), infer(graphed, x, calls, True))
# --8<-- [end:compile]


# --8<-- [start:channels_last]
import copy


@claim(CLAIMS, "gpu_channels_last", "channels_last convolutions (bfloat16)",
       "NCHW (contiguous)", "channels_last")
def gpu_channels_last(fast):
    batch, size, calls = (2, 8, 2) if fast else (64, 56, 10)
    torch.manual_seed(0)
    net = nn.Sequential(*[nn.Sequential(nn.Conv2d(64, 64, 3, padding=1),
                                        nn.ReLU()) for _ in range(3)])
    nchw = net.to(DEVICE, torch.bfloat16).eval()
    x = randn(batch, 64, size, size, dtype=torch.bfloat16)
    # the same weights, copied: Module.to converts a model in place
    nhwc = copy.deepcopy(nchw).to(memory_format=torch.channels_last)
    x_last = x.to(memory_format=torch.channels_last)

    def run(model, inputs):
        with torch.no_grad():
            return model(inputs)

    return Pair(synced(lambda: run(nchw, x), calls),
                synced(lambda: run(nhwc, x_last), calls))
# --8<-- [end:channels_last]


if __name__ == "__main__":
    print("device:", DEVICE)
    for c in CLAIMS:
        print(f"{c.id}: {c.baseline} -> {c.optimized}")
