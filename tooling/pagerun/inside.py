"""What runs inside a page's interpreter: its notebook's cells, then its tests, with guards.

The parent (:mod:`.run`) starts ``python -m tooling.pagerun --child PAGE --path PATH
--result FILE`` in an empty folder; that interpreter calls :func:`run_inside`, which

- blocks the network except loopback, and imports libraries with coverage's tracer set
  aside (the page's own code stays measured);
- on a one-framework reading path makes the other framework unimportable;
- takes the repository off ``sys.path``, so only the notebook's setup cell
  (``tooling.setup_cell``) makes ``snippets`` importable, as for a reader;
- executes the setup cell and the path's steps (:mod:`.steps`) in one namespace, capturing
  what each prints, and stops at the first that raises;
- then runs the page's tests under pytest, with the page's globals as their fixture;
- and writes all of it to the result file as JSON, for the parent to compare.

Depends on ``tooling.pages``, :mod:`.steps` and ``tooling.setup_cell``; nothing here runs in
the parent.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import sys
import traceback
import types
from dataclasses import asdict
from pathlib import Path

from tooling.pagerun.steps import FIXTURES, LABELS, OTHER_FRAMEWORK, Step, page_steps, page_test_modules, rel
from tooling.pages import ROOT
from tooling.setup_cell import Helpers, notebook_setup


def notebook_steps(page: Path, path: str) -> list[Step]:
    """What the page's notebook for ``path`` runs: its setup cell, then :func:`.steps.page_steps`.

    The setup cell takes the helper modules from this checkout, where the published notebook
    fetches the repository's archive (``tooling.setup_cell``).
    """
    setup = notebook_setup(page, path, Helpers(str(ROOT)))
    page_rel = rel(page)
    return [
        Step(f"{page_rel}: setup cell of its notebook", f"<setup cell of {page_rel}>", 1, setup),
        *page_steps(page, path),
    ]


def _is_root(entry: str) -> bool:
    return bool(entry) and Path(entry).resolve() == ROOT


def _outside_root(top: str) -> bool:
    """Whether the top-level module ``top`` is found, and is not the repository's own code."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    places = [spec.origin] if spec.has_location and spec.origin else list(spec.submodule_search_locations or [])
    installed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}  # .venv may sit in ROOT

    def ours(place: str) -> bool:
        where = Path(place).resolve()
        return where.is_relative_to(ROOT) and not any(where.is_relative_to(p) for p in installed)

    return bool(places) and not any(ours(p) for p in places)


def _untraced_library_imports() -> None:
    """Import libraries (TensorFlow, PyTorch, ...) with coverage's tracer off.

    Coverage measures only files under the repository, but on Python 3.11 an installed trace
    function slows every Python frame: importing TensorFlow took 6.8 s of CPU under coverage
    and 4.6 s without. A library's import runs no file of ours, so while a module outside the
    repository is first imported the tracer is set aside and then put back; the page's own
    code, and everything it calls afterwards, stays measured.
    """
    tracer = sys.gettrace()
    if tracer is None:
        return
    original = builtins.__import__
    external: dict[str, bool] = {}

    def untraced_import(name, globals=None, locals=None, fromlist=(), level=0):
        top = name.partition(".")[0]
        if level or name in sys.modules or sys.gettrace() is not tracer:
            return original(name, globals, locals, fromlist, level)
        if top not in external:
            external[top] = _outside_root(top)
        if not external[top]:
            return original(name, globals, locals, fromlist, level)
        sys.settrace(None)  # frames started from here on run untraced; they all end before
        try:
            return original(name, globals, locals, fromlist, level)
        finally:
            sys.settrace(tracer)

    builtins.__import__ = untraced_import


def _install_network_guard() -> None:
    """Refuse connections to anything but loopback, as pytest-socket does in the test process."""
    import ipaddress
    import socket

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                allowed = ipaddress.ip_address(host).is_loopback
            except ValueError:
                allowed = host == "localhost"
            if not allowed:
                raise OSError(f"network access is blocked while pages run (tried {address!r})")

    def connect(self, address):
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(self, address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


class _Uninstalled:
    """Wraps the path finder so that one top-level package looks absent (find_spec gives None)."""

    def __init__(self, finder, package: str):
        self.finder, self.package = finder, package

    def find_spec(self, name, path=None, target=None):
        if name == self.package or name.startswith(self.package + "."):
            return None
        return self.finder.find_spec(name, path, target)

    def __getattr__(self, name):
        return getattr(self.finder, name)


def _uninstall(package: str) -> None:
    """Make ``package`` unimportable in this interpreter, as if it were not installed."""
    from importlib.machinery import PathFinder

    sys.meta_path[:] = [_Uninstalled(f, package) if f is PathFinder else f for f in sys.meta_path]


def _execute(action) -> tuple[str, str | None]:
    """Call ``action()`` capturing what it prints; return (stdout, traceback or None)."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            action()
    except BaseException:  # report everything, SystemExit included: a page never exits
        return buffer.getvalue(), traceback.format_exc()
    return buffer.getvalue(), None


class PageObjects:
    """What a page's tests receive: the page's globals as attributes (``page.model``)."""

    def __init__(self, namespace: dict, label: str):
        self.__dict__["_namespace"] = namespace
        self.__dict__["_label"] = label

    def __getattr__(self, name):
        try:
            return self._namespace[name]
        except KeyError:
            raise AttributeError(f"{self._label} defines no name {name!r}") from None

    def __setattr__(self, name, value):
        raise AttributeError("a page's objects are read-only in its tests")

    def __repr__(self) -> str:
        return f"<the objects of {self._label}>"


class _ChildTests:
    """pytest plugin used inside a page's run: provides the page fixture, records outcomes."""

    def __init__(self, objects: PageObjects, fixture: str):
        self.objects = objects
        self.fixture = fixture
        self.outcomes: dict[str, dict] = {}

    def pytest_collection_modifyitems(self, config, items):
        mine = [item for item in items if self.fixture in getattr(item, "fixturenames", ())]
        others = [item for item in items if item not in mine]
        if others:
            config.hook.pytest_deselected(items=others)
        items[:] = mine

    def pytest_runtest_logreport(self, report):
        entry = self.outcomes.setdefault(report.nodeid, {"outcome": "passed", "text": ""})
        if report.failed:
            entry["outcome"] = "failed"
            entry["text"] += f"[{report.when}] {report.longreprtext}\n"
        elif report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            entry["text"] = reason

    def pytest_collectreport(self, report):
        if report.failed:
            self.outcomes[report.nodeid or "<collection>"] = {"outcome": "failed", "text": report.longreprtext}


def _run_page_tests(page: Path, namespace: dict, path: str, modules: list[str]) -> tuple[dict, str]:
    """Run the page's tests under pytest in this interpreter; return outcomes by node id."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only pytest itself: fast, no --cov here
    import pytest

    objects = PageObjects(namespace, f"{LABELS[path]} of {rel(page)}")
    plugin = _ChildTests(objects, FIXTURES[path])
    # The fixture lives in a module-like plugin, where pytest looks for fixtures as in a conftest.
    fixtures = types.ModuleType("pagerun_fixtures")
    fixtures.page_objects = pytest.fixture(name=FIXTURES[path])(lambda: objects)
    args = [
        "-q", "-p", "no:cacheprovider", "--noconftest", "-o", "addopts=", "-W", "ignore::pytest.PytestConfigWarning",
        "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"), *modules,
    ]  # fmt: skip
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        pytest.main(args, plugins=[plugin, fixtures])
    return plugin.outcomes, report.getvalue()


_runner_main: types.ModuleType | None = None  # the runner's `__main__`, while a page owns that name


def run_inside(page: Path, path: str, result_file: Path) -> None:
    """Run ``page`` on reading path ``path`` in this interpreter; write the result to ``result_file``."""
    import warnings

    _install_network_guard()
    _untraced_library_imports()
    # Python's own filters, as in the reader's `python`: a deprecation raised inside a library
    # is not shown, one raised by code on the page is (and fails here, as an error); any other
    # warning reaches stderr and fails the parent's stderr check.
    for category in (DeprecationWarning, FutureWarning):
        warnings.filterwarnings("error", category=category, module=r"__main__|snippets(\.|$)")

    if path in OTHER_FRAMEWORK:
        _uninstall(OTHER_FRAMEWORK[path])
    # The blocks run in a module of their own that *is* `__main__`, as in a notebook's kernel
    # or at a `python` prompt: a class a block defines pickles by reference to
    # `__main__.<name>`, which must find it. The runner's own module stays referenced here.
    global _runner_main
    _runner_main = sys.modules["__main__"]
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    sys.modules["__main__"] = main
    namespace = main.__dict__
    sys.argv = [""]  # as in an interactive `python`, where a reader pastes the blocks
    # Outside the repository, as the page's notebook runs for a reader: the parent started us
    # in an empty folder, and only the notebook's setup cell makes `snippets` importable.
    sys.path[:] = [p for p in sys.path if not _is_root(p)]
    search = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in search if p and not _is_root(p))
    result: dict = {"steps": [], "error": None, "tests": {}, "test_report": ""}
    for step in notebook_steps(page, path):
        code = compile("\n" * (step.first_line - 1) + step.code, step.filename, "exec")
        stdout, error = _execute(lambda code=code: exec(code, namespace))
        result["steps"].append({"step": asdict(step), "stdout": stdout, "error": error})
        if error:
            result["error"] = f"{step.where}: raised an exception\n{error}"
            break
    else:
        modules = [str(m) for m in page_test_modules(page)]
        if modules:
            os.chdir(ROOT)  # the tests are the repository's
            sys.path.insert(0, str(ROOT))
            result["tests"], result["test_report"] = _run_page_tests(page, namespace, path, modules)
    result_file.write_text(json.dumps(result), encoding="utf-8")
