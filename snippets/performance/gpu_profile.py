"""What one call of each side of the GPU claims makes the device do.

    python -m snippets.performance.gpu_profile --out FILE   # on a CUDA GPU
    python -m snippets.performance.gpu_profile --fast       # tiny, on a CPU

For every claim of torch_gpu.py, torch.profiler records one call of each
side after two warm-up calls: how many records the GPU's timeline holds
(kernels, copies, memsets, annotated ranges), how long they took against
the wall time of the call, how many launches the CPU made, and the four
records that took most of the time. On a CPU the records are the aten
operators. docs/performance/pytorch-gpu.md shows the output.
"""

# --8<-- [start:profile]
import time

from torch.autograd import DeviceType
from torch.profiler import profile

from snippets.performance.torch_gpu import CLAIMS, DEVICE


def device_work(prof):
    """(name, calls, self time in µs) of what ran on the device: every
    record of the GPU's timeline, or on a CPU the aten operators."""
    rows = []
    for e in prof.key_averages():
        if DEVICE == "cuda" and e.device_type == DeviceType.CUDA:
            rows.append((e.key, e.count, e.self_device_time_total))
        elif DEVICE == "cpu" and e.key.startswith("aten::"):
            rows.append((e.key, e.count, e.self_cpu_time_total))
    return sorted(rows, key=lambda row: -row[2])


def launches(prof):
    """Kernel and CUDA-graph launches the CPU made (none on a CPU)."""
    return sum(e.count for e in prof.key_averages()
               if e.key.startswith("cu") and "Launch" in e.key)


def profile_call(fn):
    for _ in range(2):  # warm-up: compilation, cuBLAS/cuDNN choices
        fn()
    # By default the profiler records the CPU, and the GPU where there is one.
    with profile() as prof:
        start = time.perf_counter()
        fn()
        wall_ms = (time.perf_counter() - start) * 1e3
    return wall_ms, device_work(prof), launches(prof)


def short(name, width=80):
    """A kernel's name without the return type and parameters of its C++
    signature, cut to ``width`` characters."""
    if name.startswith("void "):
        name, depth = name.removeprefix("void "), 0
        for i, char in enumerate(name):
            depth += {"<": 1, ">": -1}.get(char, 0)
            anonymous = name.startswith("(anonymous namespace)", i)
            if char == "(" and depth == 0 and not anonymous:
                name = name[:i]  # the parameters start here
                break
    return name if len(name) <= width else name[:width - 1] + "…"


def report(c, side, fn, top=4):
    wall_ms, work, launched = profile_call(fn)
    busy_ms = sum(us for _, _, us in work) / 1e3
    lines = [f"  {side} ({getattr(c, side)}): "
             f"{sum(n for _, n, _ in work)} kernels, {launched} launches",
             f"    device busy {busy_ms:.3g} ms of {wall_ms:.3g} ms wall"]
    for name, calls, us in work[:top]:  # where the time went
        lines.append(f"    {us / 1e3:8.3g} ms {calls:4d}x {short(name)}")
    return lines
# --8<-- [end:profile]


# --8<-- [start:main]
import argparse
import sys
from pathlib import Path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fast", action="store_true", help="tiny sizes")
    parser.add_argument("--out", help="write the report here too")
    args = parser.parse_args(argv)
    lines = [f"device: {DEVICE}"]
    for c in CLAIMS:
        pair = c.build(args.fast)
        lines.append(c.id)
        lines += report(c, "baseline", pair.baseline)
        lines += report(c, "optimized", pair.optimized)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0
# --8<-- [end:main]


if __name__ == "__main__":
    sys.exit(main())
