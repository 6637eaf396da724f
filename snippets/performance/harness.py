"""The measuring harness of the Performance pages (docs/performance/index.md).

A *claim* is a pair of callables doing the same work: a baseline and an
optimized version. ``measure`` runs them alternately, after a warm-up, and
reports the median speedup with its min and max; the first call of each is
timed on its own, because it includes tracing or compilation.

Run ``python -m snippets.performance.harness`` to measure a toy claim.
"""

# --8<-- [start:claim]
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Pair:
    """What a claim measures: two callables that do the same work."""

    baseline: Callable[[], object]
    optimized: Callable[[], object]
    items: int = 0  # samples processed per call, for samples/s
    flops: float = 0.0  # floating-point operations per call, for GFLOP/s


@dataclass
class Claim:
    """A performance recommendation and how to build its two sides."""

    id: str
    title: str
    baseline: str  # what the baseline does, in words
    optimized: str
    build: Callable[[bool], Pair]  # build(fast) -> Pair; fast: tiny sizes
    requires: str = ""  # a CPU flag the claim depends on, e.g. avx512_bf16


def claim(registry, id, title, baseline, optimized, requires=""):
    """Decorator: register ``build(fast) -> Pair`` as a claim."""

    def register(build):
        registry.append(Claim(id, title, baseline, optimized, build, requires))
        return build

    return register


def repeat(fn, times):
    """A callable that calls ``fn`` ``times`` times (to time short calls)."""

    def repeated():
        for _ in range(times):
            result = fn()
        return result

    return repeated
# --8<-- [end:claim]


# --8<-- [start:measure]
def timed(fn, clock=time.perf_counter):
    """Seconds one call of ``fn`` takes."""
    start = clock()
    fn()
    return clock() - start


def measure(pair, rounds=5, warmup=1, clock=time.perf_counter):
    """Time a Pair: first calls apart, then ``rounds`` alternating rounds."""
    first_base = timed(pair.baseline, clock)  # includes tracing/compiling
    first_opt = timed(pair.optimized, clock)
    for _ in range(warmup):
        pair.baseline()
        pair.optimized()
    base, opt = [], []
    for r in range(rounds):
        # Alternate which side goes first, so drift hits both alike.
        sides = [(pair.baseline, base), (pair.optimized, opt)]
        for fn, times in sides if r % 2 == 0 else reversed(sides):
            times.append(timed(fn, clock))
    ratios = [b / o for b, o in zip(base, opt, strict=True)]
    base_s, opt_s = statistics.median(base), statistics.median(opt)
    return {
        "rounds": rounds,
        "baseline_s": base_s,  # steady state: median seconds per call
        "optimized_s": opt_s,
        "baseline_first_s": first_base,
        "optimized_first_s": first_opt,
        # One-off cost of the optimized side (trace, compile, start-up).
        "optimized_setup_s": max(0.0, first_opt - opt_s),
        "speedup_median": statistics.median(ratios),
        "speedup_min": min(ratios),
        "speedup_max": max(ratios),
    }
# --8<-- [end:measure]


# --8<-- [start:verdict]
THRESHOLD = 1.10  # a speedup below 10 % is within the noise of a busy machine


def verdict(result, cpu_flags=(), requires=""):
    """Words for a measured speedup, decided from the numbers only."""
    if requires and requires not in cpu_flags:
        return f"not claimed: this CPU lacks {requires}"
    median = result["speedup_median"]
    if median >= THRESHOLD and result["speedup_min"] >= 1.0:
        return "faster"
    if median <= 1 / THRESHOLD and result["speedup_max"] <= 1.0:
        return "slower here"
    return "no gain here"
# --8<-- [end:verdict]


# --8<-- [start:run_claim]
def run_claim(c, fast, cpu_flags=(), rounds=5):
    """Build a claim, measure it and add its verdict and rates."""
    pair = c.build(fast)
    result = measure(pair, rounds=rounds)
    result.update(
        id=c.id,
        title=c.title,
        baseline=c.baseline,
        optimized=c.optimized,
        requires=c.requires,
        verdict=verdict(result, cpu_flags, c.requires),
    )
    for side in ("baseline", "optimized"):
        seconds = result[f"{side}_s"]
        if pair.items:
            result[f"{side}_items_per_s"] = pair.items / seconds
        if pair.flops:
            result[f"{side}_gflops"] = pair.flops / seconds / 1e9
    return result
# --8<-- [end:run_claim]


if __name__ == "__main__":
    toy = Pair(lambda: sum(range(20_000)), lambda: sum(range(2_000)))
    print(verdict(measure(toy)))
