"""The harness at work on toy claims: the examples of docs/performance/methodology.md.

A fake clock makes the timings exact, so what this prints is the same on
every machine. Run it with ``python -m snippets.performance.methodology``.
"""

# --8<-- [start:fake_clock]
from snippets.performance.harness import Pair, measure, verdict


class FakeClock:
    """A clock that moves only when the toy work says so: exact timings."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def work(self, seconds, first=None):
        """A callable that "takes" ``seconds`` (``first`` on its 1st call)."""
        calls = []

        def run():
            once = first is not None and not calls
            self.now += first if once else seconds
            calls.append(run)

        return run


clock = FakeClock()
# The optimized side is 3x faster, but its first call "compiles" for 2 s.
toy = Pair(clock.work(0.030), clock.work(0.010, first=2.0))
result = measure(toy, rounds=5, clock=clock)
for key in ("speedup_median", "speedup_min", "optimized_setup_s"):
    print(key, round(result[key], 3))
print(verdict(result))
# --8<-- [end:fake_clock]

# --8<-- [start:verdicts]
cases = [(1.50, 1.20, 1.80), (1.05, 0.90, 1.20), (1.20, 0.90, 1.60),
         (0.50, 0.40, 0.60), (1.40, 0.60, 1.90), (9.0, 2.0, 25.0)]
for median, low, high in cases:
    numbers = {"speedup_median": median, "speedup_min": low,
               "speedup_max": high}
    print(f"{median:.2f} ({low:.2f}-{high:.2f}) -> {verdict(numbers)}")
print(verdict(numbers, cpu_flags=["avx2"], requires="avx512_bf16"))
# --8<-- [end:verdicts]

# --8<-- [start:machine]
from snippets.performance.run import machine_info

info = machine_info()
for key, value in sorted(info.items()):
    print(f"{key:<17} {type(value).__name__}")
print("versions of", sorted(info["versions"]))
# --8<-- [end:machine]
