"""The parent's process management: the environment a page's interpreter gets, starting it in
a session of its own, killing it with everything it started, and handing on its coverage data.

Page runs (:mod:`.run`), the test suite's site builds and ``tooling.stress`` start their
processes with :func:`start_session` and end them with :func:`kill_group`, so nothing a page
starts (workers, ranks, servers) outlives it. Depends on ``tooling.pages`` (the repository
root) and, when coverage is on, on coverage's configuration.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path

from tooling.pages import ROOT

# Unless the environment says otherwise, a page runs with one intra-op thread: the suite runs
# one page per core, and more threads per page only contend for them (on 2 cores two heavy
# pages took 22 s of CPU with the default threads and 14 s with one). What a page prints does
# not depend on it: the same output files are compared either way.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1"}


def timeout_s(environ: Mapping[str, str]) -> float:
    return float(environ.get("PAGERUN_TIMEOUT", "240"))


def child_env(environ: Mapping[str, str]) -> dict[str, str]:
    env = dict(environ)
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def measured_env(env: dict[str, str], data_dir: Path) -> bool:
    """When coverage measures this process, make the page's processes write their data to ``data_dir``."""
    config = env.get("COVERAGE_PROCESS_CONFIG")
    if not config:
        return False
    from coverage.config import CoverageConfig

    settings = CoverageConfig.deserialize(config)
    settings.data_file = str(data_dir / ".coverage")
    env["COVERAGE_PROCESS_CONFIG"] = settings.serialize()
    return True


def _coverage_home() -> Path | None:
    config = os.environ.get("COVERAGE_PROCESS_CONFIG")
    if not config:
        return None
    from coverage.config import CoverageConfig

    return Path(CoverageConfig.deserialize(config).data_file).resolve().parent


def publish_coverage(files: list[Path]) -> None:
    """Hand a run's coverage data to this process's coverage, which combines ``.coverage.*``."""
    home = _coverage_home()
    if home:
        for file in files:
            shutil.copyfile(file, home / f".coverage.pagerun.{uuid.uuid4().hex}")


# Sessions (session leader pids) of the page runs and builds now running, from any thread.
# Hold LIVE_LOCK to look at processes: while it is held no run is half started (forked, but
# not yet in its own session and registered here).
LIVE_SESSIONS: set[int] = set()
LIVE_LOCK = threading.Lock()


def start_session(cmd: list[str], **kwargs) -> subprocess.Popen:
    """Start ``cmd`` as the leader of a new session, so that :func:`kill_group` reaches all it starts."""
    with LIVE_LOCK:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs
        )
        LIVE_SESSIONS.add(proc.pid)
    return proc


def kill_group(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and every process it started (they share its session), then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    LIVE_SESSIONS.discard(proc.pid)


def kill_live_runs() -> None:
    """Kill every page run or build still running (their threads then see them end)."""
    for pid in list(LIVE_SESSIONS):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
