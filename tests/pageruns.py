"""Page runs as pytest sees them: each page runs once per test session, in its own interpreter.

``tests/test_pages.py`` asserts that every page runs and shows its real output. A test that
takes the ``page``, ``tf_page`` or ``torch_page`` fixture, in a module that declares
``PAGE = "docs/<group>/<page>.md"``, is a *page test*: it was executed inside that page's
run (see ``tooling.pagerun``), and here it only reports the outcome recorded there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tooling.pagerun import FIXTURES, LABELS, PageCheck, check_page, reading_paths
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
