"""Run the pages and programs that start processes many times, and count what fails.

    make stress RUNS=30                      # every target, alone and two at a time
    python -m tooling.stress --runs 50 --only pytorch/sharded --mode pairs

A failure that shows once in twenty runs is invisible to one `make test`, yet it fails CI
and readers now and then. Each target runs ``--runs`` times one after the other
(``alone``), then ``--runs`` times two copies at once (``pairs``), as the suite runs two
pages at a time on two cores. Pages go through the page runner with its cache off, so each
run is complete: every reading path, the output comparison, the stderr check and the page's
own tests. Programs are the commands a reader types. The report gives, per target and mode,
the runs, the failures and the median seconds, then the first and last lines of each
failure (each is also printed as it happens). The exit status is 1 when anything failed.
Nothing here is part of `make test`: it takes long, and it is a measurement, not a check.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tooling.noise import strip_noise
from tooling.pagerun.compare import check_page
from tooling.pagerun.processes import ONE_THREAD, kill_group, start_session

ROOT = Path(__file__).resolve().parents[1]

# Pages whose code starts processes: launchers, spawned ranks, DataLoader workers, children.
PAGES = [
    "pytorch/distributed",
    "pytorch/sharded",
    "pytorch/multiprocessing",
    "pytorch/data",
    "tensorflow/distribute",
    "tensorflow/multi-backend",
]
# Programs a reader runs by hand; {tmp} becomes a new empty folder for each run.
PROGRAMS = {
    "pytorch/sharded program": ["-m", "snippets.pytorch.sharded"],
    "pytorch/distributed spawn": ["-m", "snippets.pytorch.distributed", "spawn", "{tmp}"],
}
PROGRAM_TIMEOUT = 300  # seconds; a program still running then is killed with its children
FIRST_LINES = 12  # first and last lines of each failure in the report (--lines)


@dataclass
class Outcome:
    seconds: float
    failure: str | None  # None: it passed; otherwise the first lines of what went wrong


@dataclass
class Tally:
    target: str
    mode: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[tuple[int, str]]:
        return [(i, o.failure) for i, o in enumerate(self.outcomes, 1) if o.failure is not None]


def first_lines(text: str) -> str:
    """The first and the last FIRST_LINES lines: where it started, and how it ended."""
    lines = [line for line in strip_noise(text).splitlines() if line.strip()]
    if len(lines) <= 2 * FIRST_LINES:
        return "\n".join(lines)
    skipped = f"[... {len(lines) - 2 * FIRST_LINES} lines ...]"
    return "\n".join([*lines[:FIRST_LINES], skipped, *lines[-FIRST_LINES:]])


def _set_first_lines(count: int) -> None:
    global FIRST_LINES
    FIRST_LINES = count


def run_page(name: str) -> Outcome:
    """One complete, uncached check of ``docs/<name>.md``, as the suite does it."""
    environ = {**ONE_THREAD, **_environ(), "PAGERUN_CACHE": "0"}
    started = time.perf_counter()
    check = check_page(ROOT / "docs" / f"{name}.md", environ=environ)
    problems = list(check.problems)
    for run in check.runs:
        failed = [test for test, result in run.tests.items() if result["outcome"] == "failed"]
        if failed:
            problems.append(f"page tests failed: {', '.join(failed)}\n{run.test_report}")
    return Outcome(time.perf_counter() - started, first_lines("\n".join(problems)) if problems else None)


def run_program(arguments: list[str]) -> Outcome:
    """One run of ``python <arguments>`` from the repository folder, in its own session."""
    with tempfile.TemporaryDirectory(prefix="stress-") as tmp:
        command = [sys.executable, *(a.replace("{tmp}", tmp) for a in arguments)]
        started = time.perf_counter()
        proc = start_session(command, cwd=ROOT, env={**_environ(), **ONE_THREAD})
        try:
            _, err = proc.communicate(timeout=PROGRAM_TIMEOUT)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            _, err = proc.communicate()
            return Outcome(time.perf_counter() - started, f"timed out after {PROGRAM_TIMEOUT} s\n{first_lines(err)}")
        finally:
            kill_group(proc)  # whatever it left behind goes with it
        seconds = time.perf_counter() - started
        if proc.returncode:
            return Outcome(seconds, f"exit {proc.returncode}\n{first_lines(err)}")
        return Outcome(seconds, None)


def _environ() -> dict[str, str]:
    return dict(os.environ)


def targets(only: list[str]) -> dict[str, Callable[[], Outcome]]:
    found: dict[str, Callable[[], Outcome]] = {}
    for name in PAGES:
        found[f"docs/{name}.md"] = lambda name=name: run_page(name)
    for name, arguments in PROGRAMS.items():
        found[name] = lambda arguments=arguments: run_program(arguments)
    if only:
        found = {t: run for t, run in found.items() if any(o in t for o in only)}
    return found


def stress(name: str, run: Callable[[], Outcome], mode: str, runs: int) -> Tally:
    tally = Tally(name, mode)
    at_once = 2 if mode == "pairs" else 1
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        for i, outcome in enumerate(pool.map(lambda _: run(), range(runs)), 1):
            tally.outcomes.append(outcome)
            if outcome.failure is None:
                print(".", end="", flush=True)
            else:  # say it now: a long stress run should not hide a failure until the end
                print(f"F\n{name} ({mode}, run {i}):\n{outcome.failure}", flush=True)
    print(f" {name} ({mode})", flush=True)
    return tally


def report(tallies: list[Tally]) -> str:
    width = max(len(t.target) for t in tallies)
    lines = [f"{'target':<{width}}  mode   runs  failed  median s", "-" * (width + 32)]
    for t in tallies:
        median = statistics.median(o.seconds for o in t.outcomes)
        lines.append(f"{t.target:<{width}}  {t.mode:<5} {len(t.outcomes):>5} {len(t.failures):>7} {median:>9.1f}")
    for t in tallies:
        for i, failure in t.failures:
            lines += ["", f"{t.target} ({t.mode}, run {i}):", failure]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per target and mode (default 30)")
    parser.add_argument("--mode", choices=["alone", "pairs", "both"], default="both")
    parser.add_argument("--only", action="append", default=[], help="targets whose name contains this")
    parser.add_argument("--lines", type=int, default=FIRST_LINES, help="first and last lines shown of each failure")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.lines < 1:
        parser.error("--runs and --lines must be at least 1")
    _set_first_lines(args.lines)
    chosen = targets(args.only)
    if not chosen:
        parser.error(f"no target matches {args.only}; targets: {', '.join(targets([]))}")
    modes = ["alone", "pairs"] if args.mode == "both" else [args.mode]
    tallies = [stress(name, run, mode, args.runs) for name, run in chosen.items() for mode in modes]
    print(report(tallies))
    return 1 if any(t.failures for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
