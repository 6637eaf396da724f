"""The harness's arithmetic and verdict rule (docs/performance/index.md), on exact fake timings.

The page prints one fake-clock example and four verdicts; these tests, run inside the page's
run, check the rest: the order of the calls, median, min and max over rounds, the rule's edges.
"""

import pytest

PAGE = "docs/performance/index.md"


def test_measure_reports_exact_ratios_and_setup_cost_on_a_fake_clock(page):
    clock = page.FakeClock()
    order = []

    def side(name, cost, first=None):
        work = clock.work(cost, first)

        def run():
            order.append(name)
            work()

        return run

    pair = page.Pair(side("b", 0.3), side("o", 0.1, first=5.0))
    result = page.measure(pair, rounds=6, warmup=2, clock=clock)
    assert result["rounds"] == 6
    assert result["speedup_median"] == pytest.approx(3.0)
    assert result["speedup_min"] == pytest.approx(3.0) == result["speedup_max"]
    assert result["baseline_s"] == pytest.approx(0.3) and result["optimized_s"] == pytest.approx(0.1)
    assert result["optimized_first_s"] == pytest.approx(5.0)
    assert result["optimized_setup_s"] == pytest.approx(4.9)
    assert result["baseline_first_s"] == pytest.approx(0.3)
    # first calls, 2 warm-up pairs, then 6 rounds whose order alternates
    assert order[:6] == ["b", "o"] * 3
    assert order[6:] == ["b", "o", "o", "b"] * 3


def test_median_min_max_come_from_the_rounds(page):
    clock = page.FakeClock()
    costs = iter([1, 1, 1, 1, 2, 1, 1, 1, 4, 1, 1, 1, 8, 1])  # first b, first o, warm-up, 5 rounds
    work = lambda: setattr(clock, "now", clock.now + next(costs))  # noqa: E731
    result = page.measure(page.Pair(work, work), rounds=5, clock=clock)
    # rounds (b, o): (2,1) then (1,1) o first, (4,1), (1,1) o first, (8,1)
    assert result["speedup_median"] == 2.0
    assert result["speedup_min"] == 1.0 and result["speedup_max"] == 8.0


@pytest.mark.parametrize(
    ("median", "low", "high", "expected"),
    [
        (1.10, 1.0, 1.2, "faster"),
        (1.09, 1.0, 1.2, "no gain here"),
        (1.0, 0.9, 1.1, "no gain here"),
        (0.5, 0.4, 1.1, "no gain here"),  # a slow median with a winning round
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
    assert result["id"] == "toy" and result["baseline"] == "slow" and result["rounds"] == 5
    assert result["speedup_min"] <= result["speedup_median"] <= result["speedup_max"]
    assert result["optimized_items_per_s"] == pytest.approx(100 / result["optimized_s"])
    assert result["baseline_gflops"] == pytest.approx(1e6 / result["baseline_s"] / 1e9)
