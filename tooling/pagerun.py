"""Run a page's Python blocks in order in a fresh interpreter, as a reader who copies them would.

A page is the unit of truth. For ``docs/<group>/<page>.md`` the runner:

1. works out the page's *reading paths*: a page whose blocks sit in ``TensorFlow`` /
   ``PyTorch`` content tabs is read twice, once per framework (that framework's tab blocks
   plus the untabbed ones, with the other framework made unimportable, as for a reader who
   installed only theirs); any other page is read once, all blocks (path ``page``);
2. for each path, starts one new interpreter in the repository folder and executes the
   path's blocks one after another in a single namespace, as a reader pasting them into
   ``python`` would, capturing what each block prints. Inline fences run as written;
   include-only fences (``{.python notest}``) run the snippet sections they include;
3. in that same interpreter, after the blocks, runs the page's own tests: the functions of
   the test modules that declare ``PAGE = "docs/<group>/<page>.md"`` and take the path's
   fixture (``page``, ``tf_page`` or ``torch_page``, an object whose attributes are the
   page's globals), under pytest;
4. compares what every section printed with ``snippets/<group>/outputs/<file>/<section>.txt``,
   the file the page shows below the code, and fails on anything written to stderr other
   than TensorFlow's native start-up log lines.

Nothing runs twice: the output check, the stderr check, coverage of ``snippets/`` and the
page's behavioural tests all come from that one run per path. A run's result (and its
coverage data) is cached under ``.cache/pagerun/`` by a hash of everything it depends on
(see :func:`run_key`), so an unchanged page is not run again; ``PAGERUN_CACHE=0`` or
``--fresh`` forces every run. A page run that outlives ``PAGERUN_TIMEOUT`` seconds (default
240) is killed together with every process it started.

Regenerate every output file with ``make outputs`` (``python -m tooling.pagerun --update``).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import difflib
import functools
import hashlib
import io
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tooling.noise import strip_noise
from tooling.pages import (
    ROOT,
    SNIPPETS,
    PageError,
    is_include_only,
    markdown_pages,
    output_path,
    read_blocks,
    read_sections,
    snippet_files,
)

CACHE = ROOT / ".cache" / "pagerun"
TESTS = ROOT / "tests"
# The fixture a page's tests take on each reading path.
FIXTURES = {"page": "page", "tensorflow": "tf_page", "pytorch": "torch_page"}
# On a one-framework reading path the other framework is not installed, as for a reader who
# installed only theirs: importing it fails at the line that does.
OTHER_FRAMEWORK = {"tensorflow": "torch", "pytorch": "tensorflow"}
# Thread counts a run inherits; they are part of its cache key.
THREAD_SETTINGS = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
# Unless the environment says otherwise, a page runs with one intra-op thread: the suite runs
# one page per core, and more threads per page only contend for them (on 2 cores two heavy
# pages took 22 s of CPU with the default threads and 14 s with one). What a page prints does
# not depend on it: the same output files are compared either way.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1"}
LABELS = {"page": "the page", "tensorflow": "the TensorFlow reading path", "pytorch": "the PyTorch reading path"}
_PAGE_DECLARATION = re.compile(r'^PAGE = "(?P<page>docs/[^"]+\.md)"\s*$', re.MULTILINE)


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
    known[f"{_rel(page)}:{path}"] = seconds
    SECONDS.parent.mkdir(parents=True, exist_ok=True)
    partial = SECONDS.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    partial.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(SECONDS)  # atomic: parallel workers never see half a file


def timeout_s(environ: Mapping[str, str]) -> float:
    return float(environ.get("PAGERUN_TIMEOUT", "240"))


def cache_enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("PAGERUN_CACHE", "1") != "0"


def cache_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("PAGERUN_CACHE_DIR") or CACHE)


@dataclass
class Step:
    """One block of a page, ready to execute."""

    where: str  # "docs/x.md:12", for messages
    filename: str  # file the code is compiled as, so tracebacks and coverage point at it
    first_line: int
    code: str
    section: str | None = None  # "snippets/group/file.py:name" for included sections


def _rel(path: Path) -> str:
    path = path.resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def reading_paths(page: Path) -> list[str]:
    """``["tensorflow", "pytorch"]`` for a page with framework tabs, else ``["page"]``."""
    frameworks = {b.framework for b in read_blocks(page) if b.is_python and b.framework}
    return sorted(frameworks) if frameworks else ["page"]


def page_steps(page: Path, path: str | None = None) -> list[Step]:
    """The Python a reader copies from ``page``, in order; only one reading path's if given."""
    steps = []
    for block in read_blocks(page):
        if not block.is_python:
            continue
        if path not in (None, "page") and block.framework not in (None, path):
            continue
        where = f"{_rel(page)}:{block.line}"
        if block.notest:
            if not is_include_only(block):
                raise PageError(
                    f"{where}: a python fence marked notest may only include snippet sections "
                    '(--8<-- "snippets/...py:section"); every line shown must run'
                )
            for inc in block.includes:
                if not inc.path.is_file():
                    raise PageError(f"{_rel(page)}:{inc.line}: included file {inc.rel} does not exist")
                if inc.section is None:
                    code, first = inc.path.read_text(encoding="utf-8"), 1
                else:
                    sections = read_sections(inc.path)
                    if inc.section not in sections:
                        raise PageError(
                            f"{_rel(page)}:{inc.line}: {inc.rel} has no section '{inc.section}' "
                            f"(it has: {', '.join(sorted(sections)) or 'none'})"
                        )
                    sec = sections[inc.section]
                    code, first = sec.code, sec.first_line
                steps.append(Step(f"{_rel(page)}:{inc.line}", str(inc.path), first, code, f"{inc.rel}:{inc.section}"))
        else:
            if block.includes:
                raise PageError(f"{where}: a fence that includes snippets must be marked {{.python notest}}")
            steps.append(Step(where, str(page.resolve()), block.line + 1, block.content))
    return steps


def notebook_steps(page: Path, path: str) -> list[Step]:
    """What the page's notebook for ``path`` runs: its setup cell, then :func:`page_steps`.

    The setup cell takes the helper modules from this checkout, where the published notebook
    fetches the repository's archive (``tooling.notebooks``).
    """
    from tooling.notebooks import Helpers, notebook_setup

    setup = notebook_setup(page, path, Helpers(str(ROOT)))
    rel = _rel(page)
    return [Step(f"{rel}: setup cell of its notebook", f"<setup cell of {rel}>", 1, setup), *page_steps(page, path)]


def _is_root(entry: str) -> bool:
    return bool(entry) and Path(entry).resolve() == ROOT


def page_test_modules(page: Path) -> list[Path]:
    """Test modules that declare ``PAGE = "<this page>"``: their page tests run in the page's run."""
    rel = _rel(page)
    modules = []
    for module in sorted(TESTS.rglob("test_*.py")):
        match = _PAGE_DECLARATION.search(module.read_text(encoding="utf-8"))
        if match and match["page"] == rel:
            modules.append(module)
    return modules


# --------------------------------------------------------------------------- what a run depends on


def snippet_module_file(name: str) -> Path | None:
    """The file of a ``snippets`` module, or of a ``tests`` helper a test module imports."""
    parts = name.split(".")
    if parts[0] not in ("snippets", "tests"):
        return None
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=1024)  # the same files are read for every page that imports them
def _imported_snippets(code: str) -> frozenset[Path]:
    """Snippet files that ``code`` imports (``import snippets.x`` / ``from snippets.x import y``)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):  # a package's __init__ runs too
                path = snippet_module_file(".".join(parts[:end]))
                if path:
                    found.add(path)
    return frozenset(found)


def snippet_closure(codes: list[str], start: set[Path] | None = None) -> set[Path]:
    """Snippet files ``codes`` import, with everything those import in turn, plus ``start``."""
    todo = set(start or ())
    for code in codes:
        todo |= _imported_snippets(code)
    seen: set[Path] = set()
    while todo:
        snippet = todo.pop()
        if snippet in seen:
            continue
        seen.add(snippet)
        todo |= _imported_snippets(snippet.read_text(encoding="utf-8")) - seen
    return seen


def with_data_files(snippets: set[Path]) -> set[Path]:
    """``snippets`` and the data kept beside them in their group (a corpus, a tokenizer), not outputs."""
    files = set(snippets)
    for snippet in snippets:
        group = snippet.parent
        if group != SNIPPETS and group.is_relative_to(SNIPPETS):  # not for tests/ helpers
            files |= {p for p in group.rglob("*") if p.is_file() and "outputs" not in p.relative_to(group).parts}
    return {p for p in files if "__pycache__" not in p.parts}


def dependencies(page: Path, path: str) -> list[Path]:
    """Every file a run of ``page`` on ``path`` depends on.

    The page, the snippet files its blocks include or import (transitively), the data files
    kept beside those snippets, the page's test modules, the runner and requirements.txt.
    """
    steps = page_steps(page, path)
    tests = page_test_modules(page)
    included = {Path(step.filename) for step in steps if step.section}
    codes = [step.code for step in steps] + [module.read_text(encoding="utf-8") for module in tests]
    snippets = snippet_closure(codes, included)
    files = {page.resolve(), ROOT / "requirements.txt", *(ROOT / "tooling").glob("*.py"), *tests}
    return sorted(files | with_data_files(snippets))


def digest(files: list[Path], salt: str) -> str:
    """sha256 over ``salt`` and the names and contents of ``files``."""
    hasher = hashlib.sha256(f"{platform.python_version()} {salt}\n".encode())
    for file in files:
        hasher.update(f"{_rel(file)}\n".encode())
        hasher.update(hashlib.sha256(file.read_bytes()).digest())
    return hasher.hexdigest()


def thread_settings(environ: Mapping[str, str]) -> str:
    """The thread counts a run inherits, as part of a cache key."""
    return " ".join(f"{name}={environ.get(name, '')}" for name in THREAD_SETTINGS)


def run_key(page: Path, path: str, measured: bool, environ: Mapping[str, str]) -> str:
    """Hash of everything a run depends on, with the Python version and whether coverage is on."""
    threads = thread_settings(environ)
    return digest(dependencies(page, path), f"{path} coverage={measured} {threads}")


# --------------------------------------------------------------------------- child process


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

    objects = PageObjects(namespace, f"{LABELS[path]} of {_rel(page)}")
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


def _child(page: Path, path: str, result_file: Path) -> None:
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
    namespace = {"__name__": "__main__", "__builtins__": builtins}
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


# --------------------------------------------------------------------------- parent side


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
                f"{_rel(page)}: {LABELS[path]} did not finish within {timeout_s(environ):.0f} s; "
                f"it and every process it started were killed\n{strip_noise(err)[-4000:]}"
            )
        elif not result_file.exists():
            run.error = f"{_rel(page)}: the page runner died (exit {proc.returncode}):\n{err[-4000:]}"
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


@dataclass
class PageCheck:
    """A page's runs, and what is wrong with them."""

    page: Path
    runs: list[PathRun]
    problems: list[str]
    written: list[Path]

    def test_outcome(self, nodeid: str) -> dict | None:
        for run in self.runs:
            if nodeid in run.tests:
                return run.tests[nodeid]
        return None


def _diff(expected: str, printed: str, expected_rel: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            printed.splitlines(keepends=True),
            fromfile=f"{expected_rel} (shown on the page)",
            tofile="fresh run",
        )
    )


def check_page(page: Path, update: bool = False, environ: Mapping[str, str] | None = None) -> PageCheck:
    """Run each reading path of ``page`` once; compare its output with the files the page shows.

    With ``update=True`` the output files are rewritten instead of compared. ``environ``
    (default: this process's) is what the runs see: the page's processes inherit it, and
    ``PAGERUN_CACHE``, ``PAGERUN_CACHE_DIR`` and ``PAGERUN_TIMEOUT`` are read from it.
    """
    page = page.resolve()
    paths = reading_paths(page)
    for path in paths:
        page_steps(page, path)  # a malformed page fails here, in the parent, with file and line
    check = PageCheck(page, [], [], [])
    if not any(page_steps(page, path) for path in paths):
        return check  # nothing to run on this page
    for path in paths:
        run = run_path(page, path, environ)
        check.runs.append(run)
        if run.error:
            check.problems.append(run.error)
        if run.stray.strip():
            check.problems.append(
                f"{_rel(page)}: {LABELS[path]} wrote to stderr or fd 1 (warnings?):\n{run.stray[-4000:]}"
            )
    if check.problems:
        return check

    shown = {inc.rel for block in read_blocks(page) for inc in block.includes}
    printed_by_file: dict[Path, tuple[str, str]] = {}
    silent: dict[Path, str] = {}
    for run in check.runs:
        for result in run.steps:
            step = result["step"]
            printed = result["stdout"]
            if not step["section"]:
                if printed:
                    check.problems.append(
                        f"{step['where']}: an inline fence prints, and nothing shows or checks it; "
                        "move the code to a snippet section with its output file"
                    )
                continue
            rel, _, section = step["section"].rpartition(":")
            expected_path = output_path(ROOT / rel, section)
            if not printed:
                silent[expected_path] = step["where"]
                continue
            if expected_path in printed_by_file and printed_by_file[expected_path][1] != printed:
                where, first = printed_by_file[expected_path]
                check.problems.append(
                    f"{step['where']}: {step['section']} prints differently on the reading paths:\n"
                    + _diff(first, printed, _rel(expected_path))
                )
            printed_by_file.setdefault(expected_path, (step["where"], printed))
            if _rel(expected_path) not in shown:
                check.problems.append(
                    f"{step['where']}: {step['section']} prints, but the page never shows {_rel(expected_path)}; "
                    f'add a ```text block with --8<-- "{_rel(expected_path)}" after the code'
                )
    for expected_path, (where, printed) in printed_by_file.items():
        expected_rel = _rel(expected_path)
        current = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
        if update:
            if current != printed:
                expected_path.parent.mkdir(parents=True, exist_ok=True)
                expected_path.write_text(printed, encoding="utf-8")
                check.written.append(expected_path)
        elif current is None:
            check.problems.append(f"{where}: this section prints, but {expected_rel} is missing (run `make outputs`)")
        elif current != printed:
            check.problems.append(
                f"{where}: output differs (run `make outputs`):\n{_diff(current, printed, expected_rel)}"
            )
    for expected_path, where in silent.items():
        if expected_path in printed_by_file or not expected_path.exists():
            continue
        if update:
            expected_path.unlink()
            check.written.append(expected_path)
        else:
            check.problems.append(f"{where}: this section prints nothing, but {_rel(expected_path)} exists")
    return check


def stale_outputs(pages: list[Path] | None = None) -> list[Path]:
    """Output files whose snippet section no longer exists: of the snippet files that
    ``pages`` include, or of every snippet file (a run of some pages must not touch the
    outputs of snippets that other pages, perhaps half edited, include)."""
    stale = []
    files = snippet_files()
    if pages is not None:
        included = {Path(step.filename) for page in pages for step in page_steps(page) if step.section}
        files = [snippet for snippet in files if snippet in included]
    for snippet in files:
        folder = snippet.parent / "outputs" / snippet.stem
        if not folder.is_dir():
            continue
        sections = read_sections(snippet)
        stale += [p for p in sorted(folder.glob("*.txt")) if p.stem not in sections]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", type=Path, help="pages to run (default: every page)")
    parser.add_argument("--update", action="store_true", help="rewrite the output files")
    parser.add_argument("--fresh", action="store_true", help="run every page, ignoring cached runs")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="page", choices=sorted(FIXTURES), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        _child(args.child.resolve(), args.path, args.result)
        return 0
    if args.fresh:
        os.environ["PAGERUN_CACHE"] = "0"

    pages = [p.resolve() for p in args.pages] or markdown_pages()
    for page in pages:
        if not page.is_file():
            print(f"error: {page}: no such page", file=sys.stderr)
            return 2
    failed = False
    for page in pages:
        try:
            check = check_page(page, update=args.update)
        except PageError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for path in check.written:
            print(f"wrote {_rel(path)}")
        problems = list(check.problems)
        for run in check.runs:
            failures = {nodeid: t for nodeid, t in run.tests.items() if t["outcome"] == "failed"}
            problems += [f"{nodeid}: failed\n{t['text']}" for nodeid, t in failures.items()]
        for problem in problems:
            failed = True
            print(problem, file=sys.stderr)
        timing = ", ".join(f"{r.path} {'cached' if r.cached else f'{r.seconds} s'}" for r in check.runs)
        print(f"{_rel(page)}: {'FAILED' if problems else 'ok'}" + (f" ({timing})" if timing else ""))
    if args.update:
        for path in stale_outputs(pages if args.pages else None):
            path.unlink()
            print(f"removed stale {_rel(path)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
