"""Page runs as pytest sees them: each page runs once per test session, in its own interpreter.

``tests/test_pages.py`` asserts that every page runs and shows its real output. A test that
takes the ``page``, ``tf_page`` or ``torch_page`` fixture, in a module that declares
``PAGE = "docs/<group>/<page>.md"``, is a *page test*: it was executed inside that page's
run (see ``tooling.pagerun``), and here it only reports the outcome recorded there.

Parallel where it pays: page runs and the site build are subprocesses, so they are started
in the background (for the whole suite as the session starts, before collection, which
imports every test module; otherwise after collection), one more than CPU cores at once, longest
first (by the last measured time), while this process goes through the quick tests; a test that needs a page
waits for that page's run. The tests are ordered to match: quick tests first, then the tests
of the built site, then the pages in the order they were started. (pytest-xdist was measured
and dropped: its ``--dist loadgroup`` does not group with pytest 9.2's node ids,
pytest-dev/pytest-xdist#1386, so pages ran twice.)
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tooling import run_times
from tooling.pagerun.compare import PageCheck, check_page
from tooling.pagerun.processes import kill_live_runs
from tooling.pagerun.run import last_seconds
from tooling.pagerun.steps import FIXTURES, LABELS, page_steps, reading_paths
from tooling.pages import ROOT, markdown_pages

_pool: ThreadPoolExecutor | None = None
# Background jobs at once: one per core, and one more, as a page run waits for part of its time
# (children starting, barriers, a rank's restart): with one per core the two cores of a cold
# run were busy 80 % of the time.
EXTRA_JOBS = 1
_started: dict[object, Future] = {}  # page path, or "site", to its background job
# The environment page runs see, taken once before any test runs: a test that changes
# os.environ meanwhile must not reach a page running in the background.
_environ: dict[str, str] = {}


def _result(key, function, *args):
    """The result of the job for ``key``: the background one, or run here if none was started."""
    if key not in _started:  # only the test thread starts jobs, so no lock is needed
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as err:  # re-raised below, and to any later caller
            future.set_exception(err)
        _started[key] = future
    return _started[key].result()


def page_check(page: Path, config: pytest.Config) -> PageCheck:
    """The page's runs (all its reading paths), done once per session."""
    page = page.resolve()
    return _result(page, check_page, page, config.getoption("--update-outputs"), _environ or None)


def site_job(key: str, build) -> object:
    """The result of ``build()``, started in the background at collection or now."""
    return _result(key, build)


def page_of(item: pytest.Item) -> Path | None:
    """The page a page test belongs to, from its module's ``PAGE``."""
    rel = getattr(getattr(item, "module", None), "PAGE", None)
    return ROOT / rel if rel else None


def _page_fixture(request: pytest.FixtureRequest, path: str) -> PageCheck:
    page = page_of(request.node)
    if page is None:
        pytest.fail(f'{request.node.nodeid}: a page test needs PAGE = "docs/..." in its module', pytrace=False)
    paths = reading_paths(page)
    if path not in paths:
        wanted = " or ".join(FIXTURES[p] for p in paths)
        pytest.fail(f"{page.relative_to(ROOT)} is read as {', '.join(paths)}: take {wanted}", pytrace=False)
    return page_check(page, request.config)


@pytest.fixture
def page(request):
    """The page's objects, on a page without framework tabs (runs inside the page's run)."""
    return _page_fixture(request, "page")


@pytest.fixture
def tf_page(request):
    """The page's objects on its TensorFlow reading path (runs inside that run)."""
    return _page_fixture(request, "tensorflow")


@pytest.fixture
def torch_page(request):
    """The page's objects on its PyTorch reading path (runs inside that run)."""
    return _page_fixture(request, "pytorch")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Report a page test's outcome from the page's run instead of calling it here."""
    checks = [pyfuncitem.funcargs.get(name) for name in FIXTURES.values()]
    checks = [check for check in checks if isinstance(check, PageCheck)]
    if not checks:
        return None
    check = checks[0]
    outcome = check.test_outcome(pyfuncitem.nodeid)
    if outcome is None:
        rel = check.page.relative_to(ROOT).as_posix()
        if check.problems:
            pytest.fail(f"{rel} failed before its tests ran: see tests/test_pages.py [{rel}]", pytrace=False)
        runs = ", ".join(LABELS[run.path] for run in check.runs)
        pytest.fail(f"this test did not run in {rel}'s run ({runs})", pytrace=False)
    if outcome["outcome"] == "failed":
        pytest.fail(f"failed inside the page's run:\n{outcome['text']}", pytrace=False)
    if outcome["outcome"] == "skipped":
        pytest.skip(outcome["text"])
    return True


def wanted(item: pytest.Item) -> tuple[str, object]:
    """What background job an item waits for: ("site", "site"), ("page", path) or ("", None)."""
    if "built_site" in getattr(item, "fixturenames", ()):
        return "site", "site"
    if item.nodeid.startswith("tests/test_pages.py::test_page_runs"):
        return "page", item.callspec.params["markdown"].resolve()
    if page_of(item) and set(FIXTURES.values()) & set(getattr(item, "fixturenames", ())):
        return "page", page_of(item).resolve()
    return "", None


# Rough costs of an unmeasured run (a fresh clone): importing a framework dominates, and
# starting more interpreters (workers, ranks, a second backend) multiplies it.
_IMPORT_SECONDS = {"tensorflow": 6.0, "keras": 6.0, "torch": 2.0, "lightning": 3.0}
_STARTS_PROCESSES = re.compile(r"\b(mp\.spawn|torchrun|num_workers\s*=\s*[1-9])")


@functools.cache  # read once: the file is rewritten only as the session ends (--store-durations)
def recorded_durations() -> dict[str, float]:
    """Seconds per unit of work (``page:docs/x.md``, ``site``, a test module) of the run that
    last wrote tests/durations.json (``make durations``; see tests/shards.py)."""
    return run_times.recorded().get("seconds", {})


def expected_seconds(page: Path, seconds: dict[str, float]) -> float:
    """The page's last run time here, else the recorded one (a fresh clone), else an estimate
    from what its code imports and starts (a new page)."""
    rel = page.relative_to(ROOT).as_posix()
    known = [value for key, value in seconds.items() if key.rpartition(":")[0] == rel]
    if known:
        return sum(known)
    if f"page:{rel}" in (recorded := recorded_durations()):
        return recorded[f"page:{rel}"]
    total = 0.0
    for path in reading_paths(page):
        steps = page_steps(page, path)
        code = "\n".join(step.code for step in steps)
        frameworks = {name for name in _IMPORT_SECONDS if re.search(rf"^\s*(import|from) {name}\b", code, re.M)}
        run = 1.0 + len(steps) + sum(_IMPORT_SECONDS[name] for name in frameworks)
        total += run * (2 if _STARTS_PROCESSES.search(code) else 1)
    return total


def pytest_collection_modifyitems(config, items):
    """Quick tests first, then the built site's, then each page's tests (longest page first).

    The build is started first and is done by the time the quick tests are; the browser tests
    then run while the pages go on in the background.
    """
    seconds = last_seconds()
    pages = {}
    for item in items:
        kind, what = wanted(item)
        if kind == "page" and what not in pages:
            pages[what] = expected_seconds(what, seconds)
    order = {page: rank for rank, page in enumerate(sorted(pages, key=lambda p: -pages[p]))}

    def key(item):
        kind, what = wanted(item)
        return {"": (0, 0), "site": (1, 0), "page": (2, order.get(what, 0))}[kind]

    items.sort(key=key)


def _start(config: pytest.Config, wanted: list) -> None:
    """Queue the jobs of ``wanted`` ("site" first, then pages longest first) not yet started."""
    global _pool
    if _pool is None:
        _environ.update(os.environ)
        _pool = ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + EXTRA_JOBS, thread_name_prefix="pagerun")
    update = config.getoption("--update-outputs")
    if "site" in wanted:  # the longest job of all: start it first
        wanted = ["site"] + [what for what in wanted if what != "site"]
    for what in wanted:
        if what in _started:
            continue
        if what == "site":
            from tests.conftest import build_site

            _started["site"] = _pool.submit(_timed, "site", build_site)
        else:
            label = what.relative_to(ROOT).as_posix()
            _started[what] = _pool.submit(_timed, label, check_page, what, update, _environ)


_T0 = time.monotonic()
_timeline: list[dict] = []  # when each background job started and ended, for artifacts/


def _timed(label: str, function, *args):
    start = time.monotonic()
    try:
        return function(*args)
    finally:
        _timeline.append({"job": label, "start_s": round(start - _T0, 1), "end_s": round(time.monotonic() - _T0, 1)})


def finished_jobs() -> dict[object, tuple[object, float]]:
    """The background jobs that ended well: ``"site"`` or a page's path -> (result, seconds)."""
    seconds = {job["job"]: job["end_s"] - job["start_s"] for job in _timeline}
    done = {}
    for what, future in _started.items():
        label = what if what == "site" else what.relative_to(ROOT).as_posix()
        if future.done() and not future.cancelled() and future.exception() is None and label in seconds:
            done[what] = (future.result(), seconds[label])
    return done


def _whole_suite(config: pytest.Config) -> bool:
    """True for a plain ``pytest`` (``make test``): every page and the site will be needed."""
    option = config.option
    narrowed = option.keyword or option.markexpr or getattr(option, "lf", False) or getattr(option, "deselect", None)
    sharded = config.getoption("--shard", None)
    return config.args_source == pytest.Config.ArgsSource.TESTPATHS and not (narrowed or sharded or option.collectonly)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    """For the whole suite, start the background jobs before collection, which imports every
    test module: seconds in which the other cores would only wait."""
    if _whole_suite(session.config):
        seconds = last_seconds()
        pages = sorted((page.resolve() for page in markdown_pages()), key=lambda p: -expected_seconds(p, seconds))
        _start(session.config, ["site", *pages])


def pytest_collection_finish(session):
    """Start the site build and the page runs in the background, as many at once as cores."""
    if session.config.option.collectonly or not session.items:
        return
    jobs = []
    for item in session.items:
        kind, what = wanted(item)
        if kind and what not in jobs:
            jobs.append(what)
    _start(session.config, jobs)


def pytest_sessionfinish(session):
    """Stop what is still queued or running (after a failure, -x or Ctrl-C); write down when
    each background job ran (``artifacts/background-jobs.json``: where a slow run's time went)."""
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        kill_live_runs()
        _pool.shutdown(wait=True)
    if _timeline:
        (ROOT / "artifacts").mkdir(exist_ok=True)
        ended = round(time.monotonic() - _T0, 1)
        report = {"session_s": ended, "jobs": sorted(_timeline, key=lambda job: job["start_s"])}
        (ROOT / "artifacts" / "background-jobs.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
