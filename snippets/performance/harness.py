"""The measuring harness of the Performance pages (docs/performance/methodology.md).

A *claim* is a pair of callables doing the same work: a baseline and an
optimized version. ``measure`` runs them in alternating rounds, after a
warm-up, records every round, and adds rounds (up to a limit) while the
rounds disagree; ``verdict`` turns the rounds into words, "inconclusive"
included. The optimized side's first call is timed on its own, because it
includes tracing or compilation.

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
import gc
import math


def timed(fn, clock=time.perf_counter, number=1):
    """Seconds per call of ``fn``, over ``number`` calls, the GC held off."""
    gc.disable()  # a collection in the middle would be timed too
    try:
        start = clock()
        for _ in range(number):
            fn()
        return (clock() - start) / number
    finally:
        gc.enable()


def calls_per_sample(seconds, min_time):
    """Calls to time together so that one sample lasts at least min_time."""
    return max(1, math.ceil(min_time / seconds)) if seconds > 0 else 1


def measure(pair, rounds=5, max_rounds=15, min_time=0.0,
            clock=time.perf_counter, check=None):
    """Time a Pair in alternating rounds; add rounds while they disagree."""
    pair.baseline()  # warms up the process (imports, thread pools, caches)
    first_opt = timed(pair.optimized, clock)  # includes tracing/compiling
    n_base = calls_per_sample(timed(pair.baseline, clock), min_time)
    n_opt = calls_per_sample(timed(pair.optimized, clock), min_time)
    base, opt = [], []
    while len(base) < rounds or (
            len(base) < max_rounds and unsettled(ratios_of(base, opt))):
        if check:
            check()  # the quiet-machine check (snippets.performance.run)
        # Alternate which side goes first, so drift hits both alike.
        sides = [(pair.baseline, n_base, base), (pair.optimized, n_opt, opt)]
        for fn, number, times in sides if len(base) % 2 == 0 else sides[::-1]:
            times.append(timed(fn, clock, number))
    if check:
        check()  # was the last round quiet too?
    ratios = ratios_of(base, opt)
    middle = ratios.index(statistics.median_low(ratios))  # a real round
    return {
        "rounds": len(ratios),
        "baseline_rounds_s": base,  # every round, seconds per call
        "optimized_rounds_s": opt,
        # The round with the median speedup: its two times give its ratio.
        "baseline_s": base[middle],
        "optimized_s": opt[middle],
        "speedup_median": ratios[middle],
        "speedup_min": min(ratios),
        "speedup_max": max(ratios),
        "optimized_first_s": first_opt,
        # One-off cost of the optimized side (trace, compile, start-up).
        "optimized_setup_s": max(0.0, first_opt - opt[middle]),
    }


def ratios_of(base, opt):
    return [b / o for b, o in zip(base, opt, strict=True)]


def unsettled(ratios, spread=0.1):
    """True while more rounds are worth taking: the rounds give no verdict,
    or their interquartile range exceeds 10 % of the median (the stopping
    rule of torch.utils.benchmark's adaptive_autorange)."""
    q1, q2, q3 = statistics.quantiles(ratios, n=4)
    rounds = {"speedup_median": statistics.median(ratios),
              "speedup_min": min(ratios), "speedup_max": max(ratios)}
    return verdict(rounds) == "inconclusive" or (q3 - q1) / q2 > spread
# --8<-- [end:measure]


# --8<-- [start:verdict]
THRESHOLD = 1.10  # a speedup below 10 % is not called a gain


def rounds_agree(ratios):
    """False when the rounds contradict each other (see ``verdict``)."""
    low, high = min(ratios), max(ratios)
    mixed = low < 1 < high  # some rounds faster, some slower
    return not ((mixed and high / low > 2) or high / low > 10)


def verdict(result, cpu_flags=(), requires=""):
    """Words for a measured speedup, decided from the rounds only."""
    if requires and requires not in cpu_flags:
        return f"not claimed: this CPU lacks {requires}"
    low, high = result["speedup_min"], result["speedup_max"]
    if not rounds_agree([low, high]):
        return "inconclusive"
    median = result["speedup_median"]
    if median >= THRESHOLD and low >= 1.0:
        return "faster"
    if median <= 1 / THRESHOLD and high <= 1.0:
        return "slower here"
    if 1 / THRESHOLD < median < THRESHOLD:
        return "no gain here"
    return "inconclusive"  # a clear median, but rounds on the other side of 1
# --8<-- [end:verdict]


# --8<-- [start:run_claim]
def run_claim(c, fast, cpu_flags=(), check=None):
    """Build a claim, measure it and add its verdict and rates."""
    pair = c.build(fast)
    # Tiny sizes (the tests): few rounds, no minimum sample length.
    sizes = {"rounds": 3, "max_rounds": 3} if fast else {"min_time": 0.05}
    result = measure(pair, check=check, **sizes)
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
