"""Program tests: a program run as a subprocess, reused while nothing it runs changed.

A test marked ``@pytest.mark.program("snippets.x.y")`` runs that module as a program (a
subprocess with real arguments, as a reader would type it); ``program("mkdocs.yml",
"overrides")`` names files or folders a program reads (a MkDocs build). Like a page run, its
outcome depends only on files: the test module, the snippet files it and the named modules
import (transitively, with the data beside them), the named files, ``requirements.txt`` and
``tooling/``. A test that passed is
therefore not run again while all of those are unchanged: the coverage data its programs wrote
is replayed instead (``.cache/programs/<sha256>/``). A fresh clone and CI start with no cache;
``PAGERUN_CACHE=0`` runs every program test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tooling.pagerun.key import (
    CACHE,
    cache_enabled,
    digest,
    snippet_closure,
    snippet_module_file,
    thread_settings,
    tooling_files,
    with_data_files,
)
from tooling.pagerun.processes import measured_env, publish_coverage
from tooling.pages import ROOT

PROGRAMS = CACHE.parent / "programs"
_HIT = pytest.StashKey[bool]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "program(*inputs): runs programs on these snippet modules or files; reused while unchanged"
    )


def program_key(item: pytest.Item) -> str | None:
    """The cache key of a program test, or None for other tests (or with the cache off)."""
    marker = item.get_closest_marker("program")
    if marker is None or not cache_enabled(os.environ):
        return None
    module = Path(item.module.__file__)
    starts, inputs = set(), set()
    for name in marker.args:
        snippet = snippet_module_file(name)
        path = ROOT / name
        if snippet:
            starts.add(snippet)
        elif path.is_file():
            inputs.add(path)
        elif path.is_dir():
            inputs |= {p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        else:
            pytest.fail(f"{item.nodeid}: program({name!r}) is neither a snippet module nor a file", pytrace=False)
    snippets = snippet_closure([module.read_text(encoding="utf-8")], starts)
    files = {module, ROOT / "requirements.txt", *tooling_files(), *with_data_files(snippets), *inputs}
    measured = bool(os.environ.get("COVERAGE_PROCESS_CONFIG"))
    threads = thread_settings(os.environ)
    return digest(sorted(files), f"{item.nodeid} coverage={measured} {threads}")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """An unchanged program test that passed before is not called (see pytest_runtest_call)."""
    return True if pyfuncitem.stash.get(_HIT, False) else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Replay an unchanged passed program test's coverage; otherwise run it with its programs'
    coverage data kept apart, and remember a pass."""
    key = program_key(item)
    if key is None:
        yield
        return
    entry = PROGRAMS / key
    if (entry / "passed").is_file():
        publish_coverage(sorted(entry.glob(".coverage.*")))
        item.stash[_HIT] = True
        yield
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        saved = os.environ.get("COVERAGE_PROCESS_CONFIG")
        env = dict(os.environ)
        if measured_env(env, data_dir):
            os.environ["COVERAGE_PROCESS_CONFIG"] = env["COVERAGE_PROCESS_CONFIG"]
        try:
            outcome = yield
        finally:
            if saved is not None:
                os.environ["COVERAGE_PROCESS_CONFIG"] = saved
        files = sorted(data_dir.glob(".coverage.*"))
        publish_coverage(files)
        if outcome.excinfo is None:
            shutil.rmtree(entry, ignore_errors=True)
            entry.mkdir(parents=True)
            for file in files:
                shutil.copyfile(file, entry / file.name)
            (entry / "passed").write_text(item.nodeid + "\n", encoding="utf-8")
