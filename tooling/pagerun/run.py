"""One reading path of a page, run in a new interpreter, or reused from the cache.

:func:`run_path` looks the run up in the cache by its key (:mod:`.key`); if it is not there,
it starts ``python -m tooling.pagerun --child`` (:mod:`.inside`) in an empty folder, in a
session of its own (:mod:`.processes`), waits for it within ``PAGERUN_TIMEOUT``, reads the
result file it writes, and caches a clean run with its coverage data. How long each real run
took is recorded in ``.cache/pagerun/seconds.json``, so that the test suite can start the
longest pages first. Depends on ``tooling.pages``, ``tooling.noise``, :mod:`.steps`,
:mod:`.key` and :mod:`.processes`; what runs in the child is in :mod:`.inside`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tooling.noise import strip_noise
from tooling.pagerun.key import CACHE, cache_dir, cache_enabled, run_key
from tooling.pagerun.processes import (
    ONE_THREAD,
    child_env,
    kill_group,
    measured_env,
    publish_coverage,
    start_session,
    timeout_s,
)
from tooling.pagerun.steps import LABELS, rel
from tooling.pages import ROOT

SECONDS = CACHE / "seconds.json"  # how long each page's last real run took, to schedule the longest first


def last_seconds() -> dict[str, float]:
    try:
        return json.loads(SECONDS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


_seconds_lock = threading.Lock()


def _record_seconds(page: Path, path: str, seconds: float) -> None:
    with _seconds_lock:
        _write_seconds(page, path, seconds)


def _write_seconds(page: Path, path: str, seconds: float) -> None:
    if not page.is_relative_to(ROOT):
        return  # a page made up by a test: nothing to schedule next time
    known = last_seconds()
    known[f"{rel(page)}:{path}"] = seconds
    SECONDS.parent.mkdir(parents=True, exist_ok=True)
    partial = SECONDS.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    partial.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(SECONDS)  # atomic: parallel workers never see half a file


@dataclass
class PathRun:
    """One reading path of a page, run once."""

    page: Path
    path: str
    steps: list[dict] = field(default_factory=list)
    error: str | None = None
    tests: dict[str, dict] = field(default_factory=dict)
    test_report: str = ""
    stray: str = ""
    seconds: float = 0.0
    cached: bool = False


def run_path(page: Path, path: str, environ: Mapping[str, str] | None = None) -> PathRun:
    """Run one reading path of ``page`` in a new interpreter, or reuse an identical earlier run."""
    environ = {**ONE_THREAD, **(os.environ if environ is None else environ)}
    env = child_env(environ)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "coverage"
        data_dir.mkdir()
        measured = measured_env(env, data_dir)
        key = run_key(page, path, measured, environ)
        entry = cache_dir(environ) / key
        if cache_enabled(environ) and (entry / "run.json").is_file():
            run = PathRun(page, path, **json.loads((entry / "run.json").read_text(encoding="utf-8")))
            run.cached = True
            publish_coverage(sorted(entry.glob(".coverage.*")))
            return run

        result_file = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "tooling.pagerun", "--child", str(page.resolve()), "--path", path]
        cmd += ["--result", str(result_file)]
        started = time.perf_counter()
        work = Path(tmp) / "work"  # an empty folder, as for a reader's notebook
        work.mkdir()
        proc = start_session(cmd, cwd=work, env=env)
        try:
            out, err = proc.communicate(timeout=timeout_s(environ))
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out, err = proc.communicate()
            timed_out = True
        else:
            timed_out = False
        finally:  # also on KeyboardInterrupt or a pytest-timeout: nothing outlives the run
            kill_group(proc)
        run = PathRun(page, path, seconds=round(time.perf_counter() - started, 1))
        run.stray = strip_noise(err) + out
        if timed_out:
            run.error = (
                f"{rel(page)}: {LABELS[path]} did not finish within {timeout_s(environ):.0f} s; "
                f"it and every process it started were killed\n{strip_noise(err)[-4000:]}"
            )
        elif not result_file.exists():
            run.error = f"{rel(page)}: the page runner died (exit {proc.returncode}):\n{err[-4000:]}"
        else:
            result = json.loads(result_file.read_text(encoding="utf-8"))
            run.steps, run.error = result["steps"], result["error"]
            run.tests, run.test_report = result["tests"], result["test_report"]
        if not timed_out:
            _record_seconds(page, path, run.seconds)
        coverage_files = sorted(data_dir.glob(".coverage.*"))
        publish_coverage(coverage_files)
        clean = not run.error and not run.stray.strip() and all(t["outcome"] != "failed" for t in run.tests.values())
        if cache_enabled(environ) and clean:
            shutil.rmtree(entry, ignore_errors=True)
            entry.mkdir(parents=True)
            for file in coverage_files:
                shutil.copyfile(file, entry / file.name)
            saved = {k: v for k, v in asdict(run).items() if k not in ("page", "path", "cached")}
            (entry / "run.json").write_text(json.dumps(saved), encoding="utf-8")
    return run
