"""Shards: ``pytest --shard i/n`` (``make test SHARD=i/n``) runs a fixed share of the suite.

CI runs the shards on n machines at once; together they run every test exactly once. The
unit of work is what has to stay in one process to run only once:

- a page: its run (every reading path) and the page tests that run inside it;
- the site: its build and every test of the built site (``built_site``);
- any other test module, whole.

Units are dealt longest first, each to the shard with the least work so far, by the seconds
in ``tests/durations.json`` (a unit not in it yet is estimated: a page from what its code
imports, a module at half a second a test). The deal depends only on that file and the
collected tests, so every machine computes the same shards. ``make durations`` rewrites the
file from a run with nothing cached (``--store-durations``).

(pytest-split and pytest-shard were considered: they split test by test, and would send a
page's tests to other shards than its run, running the page twice.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.pageruns import expected_seconds, finished_jobs, recorded_durations, wanted
from tooling import run_times
from tooling.pages import ROOT

_STARTED = time.time()

SITE_SECONDS = 150.0  # the site's build and browser tests when tests/durations.json lacks them
TEST_SECONDS = 0.5  # a quick test's, likewise
UNITS = pytest.StashKey[dict[str, str]]()  # node id -> unit, for every collected test


def shard_arg(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``: shard 2 of 4."""
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise argparse.ArgumentTypeError(f"expected I/N with 1 <= I <= N (for example 2/4), got {text!r}")
    return int(match[1]), int(match[2])


def pytest_addoption(parser):
    parser.addoption(
        "--shard", type=shard_arg, default=None, metavar="I/N",
        help="run shard I of N: a fixed share of the suite, balanced by tests/durations.json",
    )  # fmt: skip
    parser.addoption(
        "--store-durations", action="store_true", default=False,
        help="write each unit's seconds from this run to tests/durations.json (make durations)",
    )  # fmt: skip


def unit_of(item: pytest.Item) -> str:
    """``page:docs/x.md``, ``site`` or the test module's path."""
    kind, what = wanted(item)
    if kind == "page":
        return f"page:{what.relative_to(ROOT).as_posix()}"
    return "site" if kind == "site" else item.nodeid.split("::")[0]


def unit_costs(units: dict[str, str]) -> dict[str, float]:
    """Each unit's expected seconds: recorded, or estimated."""
    known = recorded_durations()
    counts: dict[str, int] = defaultdict(int)
    for unit in units.values():
        counts[unit] += 1
    costs = {}
    for unit, count in counts.items():
        if unit in known:
            costs[unit] = known[unit]
        elif unit.startswith("page:"):
            # Not this machine's last runs: every machine must deal the same shards.
            costs[unit] = expected_seconds(ROOT / unit.removeprefix("page:"), {})
        else:
            costs[unit] = SITE_SECONDS if unit == "site" else TEST_SECONDS * count
    return costs


def deal(costs: dict[str, float], n: int) -> list[set[str]]:
    """The units of each of ``n`` shards: longest first, each to the least loaded shard."""
    shards: list[set[str]] = [set() for _ in range(n)]
    loads = [0.0] * n
    for unit in sorted(costs, key=lambda u: (-costs[u], u)):
        least = min(range(n), key=lambda k: (loads[k], k))
        shards[least].add(unit)
        loads[least] += costs[unit]
    return shards


def shard_of(units: dict[str, str], index: int, n: int, costs: dict[str, float] | None = None) -> list[str]:
    """The node ids that shard ``index`` (1-based) of ``n`` runs."""
    mine = deal(costs or unit_costs(units), n)[index - 1]
    return [nodeid for nodeid, unit in units.items() if unit in mine]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keep this shard's tests; before the other hooks order them and start their jobs."""
    units = {item.nodeid: unit_of(item) for item in items}
    config.stash[UNITS] = units
    shard = config.getoption("--shard")
    if shard is None:
        return
    costs = unit_costs(units)
    keep = set(shard_of(units, *shard, costs))
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in keep])
    items[:] = [item for item in items if item.nodeid in keep]
    mine = {units[nodeid] for nodeid in keep}
    total = sum(costs.values())
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if reporter:
        reporter.write_line(
            f"shard {shard[0]}/{shard[1]}: {len(mine)} of {len(costs)} units, "
            f"{sum(costs[u] for u in mine):.0f} of {total:.0f} recorded seconds"
        )


# --------------------------------------------------------------------------- make durations

_item_seconds: dict[str, dict[str, float]] = defaultdict(dict)  # node id -> phase -> seconds


def pytest_runtest_logreport(report):
    _item_seconds[report.nodeid][report.when] = report.duration


def pytest_sessionfinish(session):
    """With ``--store-durations``: each unit's seconds in this run, into tests/durations.json.

    A page counts its runs' seconds (not cached ones); the site its build and its tests' calls
    (their setup waits for the build); a module its tests' setup, call and teardown. Units
    this run did not measure keep theirs."""
    config = session.config
    if not config.getoption("--store-durations") or UNITS not in config.stash:
        return
    before = run_times.recorded()
    seconds = before.get("seconds", {})
    paths = before.get("paths", {})  # each reading path's and tutorial's seconds (tooling/run_times.py)
    measured: dict[str, float] = defaultdict(float)
    for nodeid, unit in config.stash[UNITS].items():
        phases = _item_seconds.get(nodeid, {})
        if unit == "site":
            measured[unit] += phases.get("call", 0.0)
        elif not unit.startswith("page:"):
            measured[unit] += sum(phases.values())
    for what, (result, job_seconds) in finished_jobs().items():
        if what == "site":
            measured["site"] += job_seconds
            written = run_times.NOTEBOOK_SECONDS
            if written.is_file() and written.stat().st_mtime > _STARTED:  # by this session's build
                notebooks = json.loads(written.read_text(encoding="utf-8"))
                paths.update({f"{source}:notebook": value for source, value in notebooks.items()})
        elif result.runs and not any(run.cached for run in result.runs):
            rel = Path(what).relative_to(ROOT).as_posix()
            measured[f"page:{rel}"] = sum(run.seconds for run in result.runs)
            paths.update({f"{rel}:{run.path}": run.seconds for run in result.runs})
    seconds.update({unit: round(value, 1) for unit, value in measured.items()})
    text = {
        "about": "seconds per unit of work (for the shards, tests/shards.py) and per reading path and "
        "tutorial (shown on the pages, tooling/run_times.py); rewrite with `make durations`",
        "machine": {"cpu": cpu_name(), "cores": os.cpu_count()},
        "seconds": dict(sorted(seconds.items())),
        "paths": dict(sorted(paths.items())),
    }
    run_times.DURATIONS.write_text(json.dumps(text, indent=1) + "\n", encoding="utf-8")


def cpu_name() -> str:
    """The CPU's model name, as Linux reports it (``AMD EPYC``, ``Intel(R) Xeon(R) ...``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
