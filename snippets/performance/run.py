"""Rerun every measurement of the Performance pages.

    python -m snippets.performance.run          # full sizes, quiet machine
    python -m snippets.performance.run --fast   # tiny sizes, into .cache/perf-fast
    python -m snippets.performance.run --gpu    # the GPU claims, on a CUDA GPU

Each framework runs in its own subprocess, with its thread counts fixed
before it executes anything. A full run first checks that the machine is
quiet and checks again before every round; it stops (exit 2, nothing
written) rather than record a busy machine. The results and the machine
they came from go to docs/performance/results/cpu-<machine>.json, one file
per CPU model, the plot to cpu-<machine>.png beside it; with --gpu, the GPU
claims go to gpu-<gpu model>.json.
"""

# On the page, run_claim comes from the harness section shown before.
from snippets.performance.harness import run_claim


# --8<-- [start:threads]
def fix_threads(framework, threads):
    """Pin thread pools; call before the framework executes anything."""
    if hasattr(os, "sched_setaffinity"):  # Linux: run on the first cores only
        os.sched_setaffinity(0, range(threads))
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
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

FLAGS_OF_INTEREST = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16",
                     "avx512_vnni")


def parse_cpuinfo(text):
    """Model, vendor, family, MHz and flags from the text of /proc/cpuinfo."""
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return {
        "cpu_model": fields.get("model name", platform.processor()),
        "cpu_vendor": fields.get("vendor_id", ""),
        # Family and model numbers tell CPU generations apart where a
        # virtual machine hides the model name's number.
        "cpu_family": fields.get("cpu family", ""),
        "cpu_model_number": fields.get("model", ""),
        "cpu_mhz": float(fields.get("cpu MHz", 0.0)),
        "flags": fields.get("flags", "").split(),
    }


def machine_name(machine):
    """A file name for one CPU model, e.g. intel-xeon-6-207."""
    words = re.sub(r"\(r\)|\(tm\)|processor|cpu", " ",
                   machine["cpu_model"].lower())
    words = re.findall(r"[a-z0-9]+", words)[:3]
    numbers = [machine["cpu_family"], machine["cpu_model_number"]]
    return "-".join(words + [n for n in numbers if n]) or "unknown-cpu"


def installed(name):
    """The version of package ``name``, or None where it is missing."""
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def machine_info():
    """Everything a reader needs to judge where the numbers came from."""
    path = Path("/proc/cpuinfo")
    text = path.read_text() if path.exists() else ""
    cpu = parse_cpuinfo(text)
    flags = cpu.pop("flags")
    wanted = [f for f in flags if f in FLAGS_OF_INTEREST or "amx" in f]
    return {
        **cpu,
        "cpu_flags": sorted(wanted),
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "gpu": None,  # filled in by the PyTorch worker
        "python": platform.python_version(),
        "versions": {  # a GPU machine may have PyTorch only
            name: found
            for name in ("tensorflow", "keras", "torch", "numpy")
            if (found := installed(name))
        },
        "date": datetime.datetime.now(datetime.UTC).isoformat("T", "seconds"),
    }
# --8<-- [end:machine]


# --8<-- [start:quiet]
import contextlib
import hashlib
import time


class MachineBusy(RuntimeError):
    """The machine is not quiet enough to measure on."""


class NoGPU(RuntimeError):
    """--gpu on a machine where PyTorch finds no CUDA GPU."""


def cpu_seconds_busy(stat_text):
    """CPU-seconds all cores spent busy since boot, from /proc/stat."""
    fields = [int(v) for v in stat_text.splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    # steal: time a virtual machine's host gave to someone else
    busy = user + nice + system + irq + softirq + steal
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds():
    """CPU-seconds of this process and every process it started (DataLoader
    workers, compiler workers), the finished ones included."""
    ticks, parents = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):  # it may end meanwhile
            text = stat.read_text()
            fields = text[text.rindex(")") + 2:].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            ticks[pid] = sum(int(v) for v in fields[11:15])  # user, system,
            # and the same for its children that ended
    ours, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        ours.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
    return sum(ticks.get(pid, 0) for pid in ours) / os.sysconf("SC_CLK_TCK")


CALIBRATION_DATA = bytes(8_000_000)


def calibration_kernel():
    """A fixed, short, single-threaded piece of work (about 7 ms), in C
    with the GIL released. A loop in Python ran slower after Keras had run
    in this process, with no other process busy; this kernel did not."""
    return hashlib.sha256(CALIBRATION_DATA).digest()


class QuietMachine:
    """Measure only while nothing else runs.

    ``check()`` is called before every round and after the last one. It
    fails when other processes used more than ``max_others`` cores (judged
    over at least a second, as /proc/stat counts in ticks), or when the
    calibration kernel's best of three runs took more than ``tolerance``
    times its best of five at the start of the claim (``calibrate``).
    """

    def __init__(self, max_others=0.15, tolerance=1.3, read_stat=None,
                 own=own_cpu_seconds, clock=time.monotonic):
        stat = Path("/proc/stat")  # Linux; elsewhere only the kernel checks
        read_stat = read_stat or (stat.read_text if stat.exists() else None)
        self.max_others, self.tolerance = max_others, tolerance
        self.read_stat, self.own, self.clock = read_stat, own, clock
        self.calibrate()
        self.last = self.snapshot()

    def calibrate(self):
        """The kernel's best time now: the reference for the checks."""
        self.reference = min(self.time_kernel() for _ in range(5))

    def snapshot(self):
        if self.read_stat is None:
            return 0.0, 0.0, self.clock()
        return cpu_seconds_busy(self.read_stat()), self.own(), self.clock()

    def time_kernel(self):
        start = time.perf_counter()
        calibration_kernel()
        return time.perf_counter() - start

    def others(self):
        """Cores used by other processes since the last call (over >= 1 s)."""
        busy0, own0, t0 = self.last
        busy1, own1, t1 = now = self.snapshot()
        if t1 - t0 < 1.0:
            return 0.0  # too short to judge: the next call covers it too
        self.last = now
        return max(0.0, (busy1 - busy0) - (own1 - own0)) / (t1 - t0)

    def check(self, kernel=True):
        others = self.others()
        # Best of three against the best of five: one slow run is not a busy
        # machine.
        best = min(self.time_kernel() for _ in range(3)) if kernel else 0.0
        slowdown = best / self.reference if kernel else 1.0
        if others > self.max_others or slowdown > self.tolerance:
            raise MachineBusy(
                f"other processes used {others:.2f} cores, and the "
                f"calibration kernel ran {slowdown:.2f}x its best time")


def wait_until_quiet(probe, wait_s=300, every_s=10, sleep=time.sleep):
    """Call ``probe()`` until it passes; MachineBusy after ``wait_s``."""
    waited = 0
    while True:
        try:
            return probe()
        except MachineBusy as busy:
            if waited >= wait_s:
                message = f"still busy after {waited} s: {busy}"
                raise MachineBusy(message) from None
            print(f"machine busy ({busy}); waiting", file=sys.stderr)
            sleep(every_s)
            waited += every_s


def quietly(measure, quiet, tries=3):
    """measure(check), again from scratch when a round was not quiet."""
    for attempt in range(1, tries + 1):
        wait_until_quiet(lambda: quiet.check(kernel=False))  # others idle
        quiet.calibrate()  # the reference for this measurement's rounds
        try:
            return measure(quiet.check)
        except MachineBusy:
            if attempt == tries:
                raise


def measure_quietly(c, fast, cpu_flags, quiet, tries=3):
    """run_claim on a quiet machine; MachineBusy names the claim."""
    try:
        return quietly(lambda check: run_claim(c, fast, cpu_flags, check=check),
                       quiet, tries)
    except MachineBusy as busy:
        message = f"{c.id}: noisy in {tries} tries: {busy}"
        raise MachineBusy(message) from None
# --8<-- [end:quiet]


# --8<-- [start:run]
import argparse
import importlib
import json
import subprocess
import tempfile

MODULES = {
    "tensorflow": ["tf_cpu", "frameworks_tf"],
    "pytorch": ["torch_cpu", "frameworks_torch"],
    "pytorch-gpu": ["torch_gpu"],  # only with --gpu
}
RESULTS = Path("docs/performance/results")
BUSY = 2  # exit code of a worker or a run that refused a busy machine


def worker(framework, fast, threads, cpu_flags, out):
    """In a fresh process: fix threads, then measure the claims."""
    fix_threads(framework, threads)
    gpu = find_gpu() if framework.startswith("pytorch") else None
    if framework == "pytorch-gpu" and not (gpu or fast):
        raise NoGPU("no CUDA GPU on this machine")
    quiet = None if fast else QuietMachine()  # tiny sizes: tests, no checks
    claims = {}
    for name in MODULES[framework]:
        module = importlib.import_module(f"snippets.performance.{name}")
        for c in module.CLAIMS:
            result = measure_settled(c, fast, cpu_flags, quiet)
            claims[c.id] = dict(result, framework=framework.split("-")[0])
    Path(out).write_text(json.dumps({"claims": claims, "gpu": gpu}))


def find_gpu():
    """The GPU PyTorch would use, its memory and CUDA version, or None."""
    import torch

    if not torch.cuda.is_available():
        return None
    gpu = torch.cuda.get_device_properties(0)
    return (f"{gpu.name}, {gpu.total_memory / 2**30:.0f} GiB, "
            f"CUDA {torch.version.cuda}")


def measure_settled(c, fast, cpu_flags, quiet=None):
    """Measure a claim, and once more from scratch if it was inconclusive.

    The first call stays the first measurement's: by the second, caches
    (compiled code, for one) may have made it cheaper."""
    result = measure_claim(c, fast, cpu_flags, quiet)
    if result["verdict"] == "inconclusive":
        first = result["optimized_first_s"]
        result = measure_claim(c, fast, cpu_flags, quiet)
        setup = max(0.0, first - result["optimized_s"])
        result.update(remeasured=True, optimized_first_s=first,
                      optimized_setup_s=setup)
    return result


def measure_claim(c, fast, cpu_flags, quiet):
    if quiet is None:
        return run_claim(c, fast, cpu_flags)
    return measure_quietly(c, fast, cpu_flags, quiet)


def run_worker(framework, fast, threads, cpu_flags):
    """Start ``worker`` in a subprocess and return what it measured."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "snippets.performance.run",
               "--worker", framework, "--threads", str(threads),
               "--flags", ",".join(cpu_flags), "--out", str(out)]
        proc = subprocess.run(cmd + ["--fast"] * fast,
                              capture_output=True, text=True, timeout=900)
        if proc.returncode == BUSY:
            raise MachineBusy(f"{framework} worker: {proc.stderr.strip()}")
        if proc.returncode:
            raise RuntimeError(f"{framework} worker failed:\n{proc.stderr}")
        return json.loads(out.read_text())


def run_all(fast, out_dir, quiet_machine=QuietMachine, gpu=False):
    """Measure every claim; write cpu-<machine>.json (or, with ``gpu``,
    gpu-<gpu model>.json) and its plot."""
    start = time.perf_counter()
    machine = machine_info()
    if not fast:  # idle before we start, or wait; MachineBusy if never
        wait_until_quiet(quiet_machine().check)
    threads = machine["cores"]
    claims = {}
    for framework in ["pytorch-gpu"] if gpu else ["tensorflow", "pytorch"]:
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
    cpu = f"cpu-{machine_name(machine)}"
    name = gpu_file_name(machine["gpu"]) if gpu else cpu
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n")
    plot(claims, out_dir / f"{name}.png")
    if gpu:  # what the GPU does in each claim, into gpu-<model>-profile.txt
        profile_gpu(fast, out_dir / f"{name}-profile.txt")
    return results


def gpu_file_name(gpu):
    """The results' name: "NVIDIA H200, 140 GiB, ..." -> gpu-nvidia-h200."""
    model = (gpu or "no gpu").split(",")[0].lower()
    return "gpu-" + "-".join(re.findall(r"[a-z0-9]+", model))


def profile_gpu(fast, out):
    """Run snippets.performance.gpu_profile in a fresh process."""
    cmd = [sys.executable, "-m", "snippets.performance.gpu_profile",
           "--out", str(out)]
    proc = subprocess.run(cmd + ["--fast"] * fast, capture_output=True,
                          text=True, timeout=900)
    if proc.returncode:
        raise RuntimeError(f"gpu_profile failed:\n{proc.stderr}")
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
    parser.add_argument("--gpu", action="store_true",
                        help="measure the GPU claims (needs a CUDA GPU)")
    parser.add_argument("--out", help="results folder (or worker file)")
    parser.add_argument("--worker", choices=MODULES, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--flags", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    default = Path(".cache/perf-fast") if args.fast else RESULTS
    try:
        if args.worker:
            flags = args.flags.split(",")
            worker(args.worker, args.fast, args.threads, flags, args.out)
            return 0
        results = run_all(args.fast, args.out or default, gpu=args.gpu)
    except (MachineBusy, NoGPU) as reason:
        # A worker says why; the run it belongs to adds the rest.
        prefix = "" if args.worker else "not measured, nothing written: "
        print(f"{prefix}{reason}", file=sys.stderr)
        return BUSY
    print(f"{len(results['claims'])} claims in {results['runtime_s']} s")
    return 0
# --8<-- [end:main]


if __name__ == "__main__":
    sys.exit(main())
