"""Session-wide settings for the test suite."""

import contextlib
import io
import os
import shutil
import signal
import tempfile
from pathlib import Path

from tooling.pagerun.processes import ONE_THREAD  # imports no framework

# Before anything imports TensorFlow or Matplotlib.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# One intra-op thread in this process and every program it starts (the site build, notebook
# kernels), as in page runs: the suite keeps every core busy with a process of its own.
os.environ.update({name: value for name, value in ONE_THREAD.items() if name not in os.environ})

import pytest

from tests.sitebuild import MKDOCS_WARNING, mkdocs_build
from tooling.pages import ROOT, FenceTokens

pytest_plugins = ["tests.pageruns", "tests.programs", "tests.shards"]

from tests.processes import processes  # noqa: E402
from tooling.pagerun.processes import LIVE_LOCK, LIVE_SESSIONS  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        default=False,
        help="rewrite snippets/<group>/outputs/ from fresh runs instead of comparing (make outputs)",
    )


@pytest.hookimpl
def pytest_markdown_docs_markdown_it():
    """Let pytest-markdown-docs see fences indented inside content tabs (see FenceTokens)."""
    return FenceTokens()


def _build(folder_variable: str, prefix: str, extra_env: dict[str, str]) -> Path:
    """``mkdocs build --strict`` into the folder named by ``folder_variable`` (with the
    ``SITE_*`` repository settings, as the publishing workflow sets them) or a new temporary
    one; it must succeed without a warning."""
    published = os.environ.get(folder_variable)
    site = Path(published).resolve() if published else Path(tempfile.mkdtemp(prefix=prefix))
    names = ("SITE_URL", "SITE_REPO_URL", "SITE_EDIT_URI", "SITE_COMMIT") if published else ()
    settings = {name: os.environ[name] for name in names if name in os.environ}
    proc = mkdocs_build(ROOT / "mkdocs.yml", site, {**settings, **extra_env}, measured=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert not MKDOCS_WARNING.findall(log), log
    return site


def build_site() -> Path:
    """Build the site as published (notebooks executed: their only run); return its folder.

    The publishing workflow sets ``SITE_DIR`` (and the ``SITE_*`` repository settings): the
    build goes there and is the one it deploys, so what is published is what was tested.
    Started in the background at collection by tests/pageruns.py.
    """
    return _build("SITE_DIR", "site-", {})


def build_offline_site() -> Path:
    """Build the site for reading from ``file://`` (Material's offline plugin, ``OFFLINE=true``):
    the download. Built after the site, so its notebooks come from mkdocs-jupyter's cache and
    are executed once. The publishing workflow sets ``OFFLINE_SITE_DIR`` and zips that folder."""
    return _build("OFFLINE_SITE_DIR", "site-offline-", {"OFFLINE": "true"})


@pytest.fixture(scope="session")
def offline_site(built_site, request):
    """The offline site, built once per session after ``built_site``."""
    site = build_offline_site()
    if not os.environ.get("OFFLINE_SITE_DIR"):
        request.addfinalizer(lambda: shutil.rmtree(site, ignore_errors=True))
    return site


@pytest.fixture(scope="session")
def built_site(request):
    """The site as published, built once per test session."""
    from tests.pageruns import site_job  # a plugin: pytest imports it first (see pytest_plugins)

    site = site_job("site", build_site)
    if not os.environ.get("SITE_DIR"):
        request.addfinalizer(lambda: shutil.rmtree(site, ignore_errors=True))
    return site


# --------------------------------------------------------------------------- no process outlives its tests


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc); empty where /proc is missing."""
    children: dict[int, list[int]] = {}
    for proc in processes():
        # A zombie has ended already (its parent reaps it); a page run or site build in the
        # background belongs to no test module: it is waited for, and killed on timeout.
        if proc.state != "Z" and proc.sid not in LIVE_SESSIONS:
            children.setdefault(proc.ppid, []).append(proc.pid)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def kill_processes(pids: set[int]) -> list[str]:
    """Kill ``pids``, reap those that are our own children; return their command lines."""
    killed = []
    for pid in sorted(pids):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            os.kill(pid, signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue
        killed.append(f"{pid}: {command.strip()[:200]}")
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)
    return killed


_before_module: dict[str, set[int]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    module = item.nodeid.split("::")[0]
    if module not in _before_module:
        with LIVE_LOCK:
            _before_module[module] = descendants(os.getpid())
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test and the fixtures whose scope ends here are torn down
    module = item.nodeid.split("::")[0]
    if nextitem is not None and nextitem.nodeid.split("::")[0] == module:
        return
    with LIVE_LOCK:  # no background page run is being started while we look
        leftovers = descendants(os.getpid()) - _before_module.pop(module, set())
        killed = kill_processes(leftovers)
    if killed:
        pytest.fail(f"processes started by {module} outlived its tests and were killed:\n" + "\n".join(killed))


# --------------------------------------------------------------------------- the coverage gate


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    """Every statement of snippets/ must run (100 %); tooling/ is measured and reported.

    pytest-cov's own fail-under applies to the total; this wraps it (conftest wrappers sit
    outside plugin ones), so the data are combined by the time it looks.
    """
    result = yield
    plugin = session.config.pluginmanager.getplugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    if controller is None or hasattr(session.config, "workerinput") or session.config.option.collectonly:
        return result
    shard = session.config.getoption("--shard")
    if shard and shard[1] > 1:  # a share of the suite: the gate applies to the shards combined
        data = Path(controller.cov.get_data().data_filename())
        kept = ROOT / "artifacts" / "coverage" / f"shard-{shard[0]}-of-{shard[1]}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        for other in kept.parent.glob("shard-*"):  # another split's shards would not add up
            if not other.name.endswith(f"-of-{shard[1]}"):
                other.unlink()
        shutil.copyfile(data, kept)
        reporter = session.config.pluginmanager.getplugin("terminalreporter")
        reporter.write_line(f"coverage of this shard: {kept.relative_to(ROOT)}; `make coverage` gates them combined")
        return result
    report = io.StringIO()
    try:
        percent = controller.cov.report(
            include=[str(ROOT / "snippets" / "*")], file=report, show_missing=True, skip_covered=True
        )
    except Exception as err:  # coverage.exceptions.NoDataError: nothing measured at all
        percent, report = 0.0, io.StringIO(str(err))
    if percent < 100:
        reporter = session.config.pluginmanager.getplugin("terminalreporter")
        reporter.write(f"\nERROR: snippets/ coverage is {percent:.2f} %, not 100 %:\n{report.getvalue()}\n", red=True)
        session.testsfailed += 1
    return result
