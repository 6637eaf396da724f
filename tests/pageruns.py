"""Page runs as pytest sees them: each page runs once per test session, in its own interpreter.

``tests/test_pages.py`` asserts that every page runs and shows its real output. A test that
takes the ``page``, ``tf_page`` or ``torch_page`` fixture, in a module that declares
``PAGE = "docs/<group>/<page>.md"``, is a *page test*: it was executed inside that page's
run (see ``tooling.pagerun``), and here it only reports the outcome recorded there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.pagerun import FIXTURES, LABELS, PageCheck, check_page, last_seconds, page_steps, reading_paths
from tooling.pages import ROOT

_checks: dict[Path, PageCheck] = {}


def page_check(page: Path, config: pytest.Config) -> PageCheck:
    """The page's runs (all its reading paths), done once in this process."""
    page = page.resolve()
    if page not in _checks:
        _checks[page] = check_page(page, update=config.getoption("--update-outputs"))
    return _checks[page]


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


def pytest_collection_modifyitems(config, items):
    """Keep each page's run, and the site build, on one worker when tests run in parallel.

    With pytest-xdist (``--dist loadgroup``) a group goes to one worker, so a page still runs
    once and its page tests find its result there; the longest groups are scheduled first.
    """
    if not config.pluginmanager.hasplugin("xdist"):
        return
    seconds = last_seconds()
    groups = {}
    for item in items:
        group = None
        if "built_site" in getattr(item, "fixturenames", ()):
            group = "site"
        elif item.nodeid.startswith("tests/test_pages.py::test_page_runs"):
            group = item.callspec.params["markdown"].relative_to(ROOT).as_posix()
        elif page_of(item) and set(FIXTURES.values()) & set(getattr(item, "fixturenames", ())):
            group = page_of(item).relative_to(ROOT).as_posix()
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
        groups[item] = group
    items.sort(key=lambda item: (-_expected_seconds(groups[item], seconds), groups[item] or ""))


def _expected_seconds(group: str | None, seconds: dict[str, float]) -> float:
    """The group's last measured run time; unmeasured pages count a few seconds per block."""
    if group is None:
        return 0.0
    if group == "site":
        return float("inf")  # the build executes every notebook: by far the longest
    page = ROOT / group
    known = [value for key, value in seconds.items() if key.rpartition(":")[0] == group]
    if known:
        return sum(known)
    return sum(3.0 * len(page_steps(page, path)) for path in reading_paths(page))
