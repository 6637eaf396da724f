"""Rerun every measurement of the Performance pages.

    python -m snippets.performance.run          # full sizes, <= 5 min on 2 cores
    python -m snippets.performance.run --fast   # tiny sizes, into .cache/perf-fast

Each framework runs in its own subprocess, with its thread counts fixed
before it executes anything. The results and the machine they came from go
to docs/performance/results/cpu.json, the plot to speedups.png beside it.
"""

# On the page, run_claim comes from the harness section shown before.
from snippets.performance.harness import run_claim


# --8<-- [start:threads]
def fix_threads(framework, threads):
    """Pin thread pools; call before the framework executes anything."""
    if framework == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    else:
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)
# --8<-- [end:threads]


# --8<-- [start:machine]
import datetime
import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path

FLAGS_OF_INTEREST = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni")


def parse_cpuinfo(text):
    """Model, vendor, MHz and flags from the text of /proc/cpuinfo."""
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return {
        "cpu_model": fields.get("model name", platform.processor()),
        "cpu_vendor": fields.get("vendor_id", ""),
        "cpu_mhz": float(fields.get("cpu MHz", 0.0)),
        "flags": fields.get("flags", "").split(),
    }


def peak_gflops(cpu, cores):
    """Theoretical fp32 peak, from the flags and the reported clock."""
    flags = cpu["flags"]
    bits = 512 if "avx512f" in flags else 256 if "avx2" in flags else 128
    if cpu["cpu_vendor"] == "AuthenticAMD":
        bits = min(bits, 256)  # Zen 4 executes 512-bit ops as two halves
    # Two FMA units per core, each FMA counts as 2 FLOP per fp32 lane.
    flop_per_cycle = 2 * 2 * bits // 32
    return cores * cpu["cpu_mhz"] / 1000 * flop_per_cycle, flop_per_cycle


def machine_info():
    """Everything a reader needs to judge where the numbers came from."""
    path = Path("/proc/cpuinfo")
    text = path.read_text() if path.exists() else ""
    cpu = parse_cpuinfo(text)
    cores = os.cpu_count()
    peak, per_cycle = peak_gflops(cpu, cores)
    flags = cpu.pop("flags")
    wanted = [f for f in flags if f in FLAGS_OF_INTEREST or "amx" in f]
    return {
        **cpu,
        "cpu_flags": sorted(wanted),
        "cores": cores,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "peak_gflops_fp32": round(peak, 1),
        "peak_assumption": (
            f"{cores} cores x {cpu['cpu_mhz']:.0f} MHz x {per_cycle} "
            "fp32 FLOP/cycle (2 FMA units as wide as the widest vector "
            "flag; 256 bits on AMD)"
        ),
        "gpu": None,  # filled in by the PyTorch worker
        "python": platform.python_version(),
        "versions": {
            name: version(name)
            for name in ("tensorflow", "keras", "torch", "numpy")
        },
        "date": datetime.datetime.now(datetime.UTC).isoformat("T", "seconds"),
    }
# --8<-- [end:machine]


# --8<-- [start:run]
import argparse
import importlib
import json
import subprocess
import tempfile
import time

MODULES = {
    "tensorflow": ["tf_cpu", "frameworks_tf"],
    "pytorch": ["torch_cpu", "frameworks_torch"],
}
RESULTS = Path("docs/performance/results")


def worker(framework, fast, threads, cpu_flags, out):
    """In a fresh process: fix threads, then measure the claims."""
    fix_threads(framework, threads)
    claims = {}
    for name in MODULES[framework]:
        module = importlib.import_module(f"snippets.performance.{name}")
        for c in module.CLAIMS:
            claims[c.id] = run_claim(c, fast, cpu_flags)
            claims[c.id]["framework"] = framework
    gpu = None
    if framework == "pytorch":
        import torch

        gpu = torch.cuda.is_available() and torch.cuda.get_device_name(0)
    Path(out).write_text(json.dumps({"claims": claims, "gpu": gpu or None}))


def run_worker(framework, fast, threads, cpu_flags):
    """Start ``worker`` in a subprocess and return what it measured."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "snippets.performance.run",
               "--worker", framework, "--threads", str(threads),
               "--flags", ",".join(cpu_flags), "--out", str(out)]
        proc = subprocess.run(cmd + ["--fast"] * fast,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode:
            raise RuntimeError(f"{framework} worker failed:\n{proc.stderr}")
        return json.loads(out.read_text())


def run_all(fast, out_dir):
    """Measure every claim; write cpu.json and speedups.png."""
    start = time.perf_counter()
    machine = machine_info()
    threads = machine["cores"]
    claims = {}
    for framework in MODULES:
        info = run_worker(framework, fast, threads, machine["cpu_flags"])
        claims.update(info["claims"])
        machine["gpu"] = machine["gpu"] or info["gpu"]
    results = {
        "mode": "fast" if fast else "full",
        "machine": machine,
        "threads": threads,
        "runtime_s": round(time.perf_counter() - start, 1),
        "claims": claims,
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "cpu.json").write_text(json.dumps(results, indent=1) + "\n")
    plot(claims, out_dir / "speedups.png")
    return results
# --8<-- [end:run]


# --8<-- [start:plot]
def plot(claims, path):
    """Median speedup of every claim, with its min-max range."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids = sorted(claims, key=lambda i: claims[i]["speedup_median"])
    mid = [claims[i]["speedup_median"] for i in ids]
    low = [m - claims[i]["speedup_min"] for m, i in zip(mid, ids, strict=True)]
    high = [claims[i]["speedup_max"] - m for m, i in zip(mid, ids, strict=True)]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(ids) + 1))
    ax.barh(ids, mid, xerr=[low, high], color="tab:orange")
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("speedup of the optimized side (log scale; 1 = same)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
# --8<-- [end:plot]


# --8<-- [start:main]
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fast", action="store_true", help="tiny sizes")
    parser.add_argument("--out", help="results folder (or worker file)")
    parser.add_argument("--worker", choices=MODULES, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--flags", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        flags = args.flags.split(",")
        worker(args.worker, args.fast, args.threads, flags, args.out)
        return 0
    default = Path(".cache/perf-fast") if args.fast else RESULTS
    results = run_all(args.fast, args.out or default)
    print(f"{len(results['claims'])} claims in {results['runtime_s']} s")
    return 0
# --8<-- [end:main]


if __name__ == "__main__":
    sys.exit(main())
