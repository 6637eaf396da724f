"""The harness's arithmetic and verdict rule (docs/performance/methodology.md), on exact fake timings.

The page prints one fake-clock example and some verdicts; these tests, run inside the page's
run, check the rest: the order of the calls and checks, the median round and the range, the
rounds added while they disagree, the held-off GC, the rule's edges.
"""

import pytest

PAGE = "docs/performance/methodology.md"


def test_measure_reports_exact_ratios_and_setup_cost_on_a_fake_clock(page):
    clock = page.FakeClock()
    order = []

    def side(name, cost, first=None):
        work = clock.work(cost, first)

        def run():
            order.append(name)
            work()

        return run

    checks = []
    pair = page.Pair(side("b", 0.3), side("o", 0.1, first=5.0))
    result = page.measure(pair, rounds=6, clock=clock, check=lambda: checks.append(len(order)))
    assert result["rounds"] == 6 and len(result["baseline_rounds_s"]) == 6
    assert result["speedup_median"] == pytest.approx(3.0)
    assert result["speedup_min"] == pytest.approx(3.0) == result["speedup_max"]
    assert result["baseline_s"] == pytest.approx(0.3) and result["optimized_s"] == pytest.approx(0.1)
    assert result["optimized_first_s"] == pytest.approx(5.0)
    assert result["optimized_setup_s"] == pytest.approx(4.9)
    # a warm-up call of the baseline, the optimized side's first call, one call each to size
    # the samples, then 6 rounds whose order alternates, a check before each and after the last
    assert order[:4] == ["b", "o", "b", "o"]
    assert order[4:] == ["b", "o", "o", "b"] * 3
    assert checks == [4, 6, 8, 10, 12, 14, 16]


def test_short_calls_are_timed_together_and_the_gc_is_held_off(page):
    import gc

    clock = page.FakeClock()
    states = []

    def call():
        states.append(gc.isenabled())
        clock.now += 0.001

    assert page.calls_per_sample(0.001, 0.05) == 50 and page.calls_per_sample(0.2, 0.05) == 1
    assert page.timed(call, clock, number=50) == pytest.approx(0.001)
    assert len(states) == 50 and not any(states) and gc.isenabled()


def test_the_median_round_and_the_range_come_from_the_rounds(page):
    clock = page.FakeClock()
    # warm-up b, first o, sizing b and o, then 5 rounds (b, o), (o, b), ...
    costs = iter([1, 1, 1, 1, 2, 1, 1, 1, 4, 1, 1, 1, 8, 1])
    work = lambda: setattr(clock, "now", clock.now + next(costs))  # noqa: E731
    result = page.measure(page.Pair(work, work), rounds=5, max_rounds=5, clock=clock)
    assert result["baseline_rounds_s"] == [2, 1, 4, 1, 8] and result["optimized_rounds_s"] == [1] * 5
    assert result["speedup_median"] == 2.0 and (result["baseline_s"], result["optimized_s"]) == (2, 1)
    assert result["speedup_min"] == 1.0 and result["speedup_max"] == 8.0


def test_rounds_are_added_while_they_disagree_up_to_the_limit(page):
    clock = page.FakeClock()
    slow = iter([1.0] * 3 + [3.0, 1.0] * 20)  # warm-up, sizing, then alternating
    base = lambda: setattr(clock, "now", clock.now + next(slow))  # noqa: E731
    opt = clock.work(2.0)  # rounds 1.5x faster and 2x slower: they disagree
    result = page.measure(page.Pair(base, opt), rounds=3, max_rounds=9, clock=clock)
    assert result["rounds"] == 9 and page.verdict(result) == "inconclusive"
    steady = page.measure(page.Pair(clock.work(2.0), clock.work(1.0)), rounds=3, clock=clock)
    assert steady["rounds"] == 3  # agreeing rounds: no more than asked


@pytest.mark.parametrize(
    ("median", "low", "high", "expected"),
    [
        (1.10, 1.0, 1.2, "faster"),
        (1.09, 1.0, 1.2, "no gain here"),
        (1.0, 0.9, 1.1, "no gain here"),
        (0.5, 0.4, 0.9, "slower here"),
        (0.6, 0.55, 1.05, "inconclusive"),  # a slow median, but one round above 1
        (1.5, 0.7, 1.5, "inconclusive"),  # faster and slower rounds, 2.1x apart
        (1.2, 0.9, 1.8, "inconclusive"),  # a gain in the median, not in every round
        (1.05, 0.7, 1.3, "no gain here"),  # the median within 10 % of 1, rounds within 2x
        (15.0, 2.0, 25.0, "inconclusive"),  # all faster, but more than 10x apart
    ],
)
def test_verdict_rule_at_its_edges(page, median, low, high, expected):
    assert page.verdict({"speedup_median": median, "speedup_min": low, "speedup_max": high}) == expected


def test_a_claim_is_judged_on_its_numbers_where_the_cpu_has_the_flag_it_needs(page):
    numbers = {"speedup_median": 3.0, "speedup_min": 2.0, "speedup_max": 4.0}
    assert page.verdict(numbers, ["avx512_bf16"], "avx512_bf16") == "faster"


def test_repeat_calls_n_times_and_returns_the_last_result(page):
    calls = []
    assert page.repeat(lambda: calls.append(1) or len(calls), 4)() == 4
    assert len(calls) == 4


def test_run_claim_adds_identity_verdict_and_rates(page):
    registry = []

    @page.claim(registry, "toy", "a toy", "slow", "fast", requires="avx512_bf16")
    def build(fast):
        assert fast is True
        return page.Pair(lambda: sum(range(2000)), lambda: sum(range(200)), items=100, flops=1e6)

    assert [c.id for c in registry] == ["toy"] and registry[0].build is build
    result = page.run_claim(registry[0], fast=True, cpu_flags=[])
    assert result["verdict"] == "not claimed: this CPU lacks avx512_bf16"
    assert result["id"] == "toy" and result["baseline"] == "slow" and result["rounds"] == 3
    assert result["speedup_min"] <= result["speedup_median"] <= result["speedup_max"]
    assert result["optimized_items_per_s"] == pytest.approx(100 / result["optimized_s"])
    assert result["baseline_gflops"] == pytest.approx(1e6 / result["baseline_s"] / 1e9)
