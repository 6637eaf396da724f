"""The cache key of a run: every file it depends on, hashed, and where cached runs are kept.

A run of a page on a reading path depends on the page, the snippet files its blocks include or
import (transitively, found by parsing the imports), the data kept beside those snippets, the
page's test modules, the runner and the rest of ``tooling/``, ``requirements.txt``, the
Python version, the thread counts it inherits and whether coverage measures it
(:func:`run_key`). Program tests (``tests/programs.py``) and the site's notebook caches hash
their inputs with the same helpers. Depends on ``tooling.pages`` and :mod:`.steps`.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import platform
import threading
from collections.abc import Mapping
from pathlib import Path

from tooling.pagerun.steps import page_steps, page_test_modules, rel
from tooling.pages import ROOT, SNIPPETS

CACHE = ROOT / ".cache" / "pagerun"
# Thread counts a run inherits; they are part of its cache key.
THREAD_SETTINGS = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def cache_enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("PAGERUN_CACHE", "1") != "0"


def cache_dir(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("PAGERUN_CACHE_DIR") or CACHE)


def tooling_files() -> list[Path]:
    """The Python files of ``tooling/``, its packages included (the runner is one): every run depends on them."""
    return sorted(p for p in (ROOT / "tooling").rglob("*.py") if "__pycache__" not in p.parts)


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


# CPython 3.11 keeps the AST constructor's recursion counters per interpreter, not per thread:
# two threads parsing at once can fail with "SystemError: AST constructor recursion depth
# mismatch" (seen once in a cold suite, where page runs start from background threads while
# tests parse). Every parse in this process goes through the lock.
_PARSE_LOCK = threading.Lock()


def parse(code: str) -> ast.Module:
    """``ast.parse(code)``, one thread at a time."""
    with _PARSE_LOCK:
        return ast.parse(code)


@functools.lru_cache(maxsize=1024)  # the same files are read for every page that imports them
def _imported_snippets(code: str) -> frozenset[Path]:
    """Snippet files that ``code`` imports (``import snippets.x`` / ``from snippets.x import y``)."""
    try:
        tree = parse(code)
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
    kept beside those snippets, the page's test modules, ``tooling/`` (the runner included)
    and requirements.txt.
    """
    steps = page_steps(page, path)
    tests = page_test_modules(page)
    included = {Path(step.filename) for step in steps if step.section}
    codes = [step.code for step in steps] + [module.read_text(encoding="utf-8") for module in tests]
    snippets = snippet_closure(codes, included)
    files = {page.resolve(), ROOT / "requirements.txt", *tooling_files(), *tests}
    return sorted(files | with_data_files(snippets))


def digest(files: list[Path], salt: str) -> str:
    """sha256 over ``salt`` and the names and contents of ``files``."""
    hasher = hashlib.sha256(f"{platform.python_version()} {salt}\n".encode())
    for file in files:
        hasher.update(f"{rel(file)}\n".encode())
        hasher.update(hashlib.sha256(file.read_bytes()).digest())
    return hasher.hexdigest()


def thread_settings(environ: Mapping[str, str]) -> str:
    """The thread counts a run inherits, as part of a cache key."""
    return " ".join(f"{name}={environ.get(name, '')}" for name in THREAD_SETTINGS)


def run_key(page: Path, path: str, measured: bool, environ: Mapping[str, str]) -> str:
    """Hash of everything a run depends on, with the Python version and whether coverage is on."""
    threads = thread_settings(environ)
    return digest(dependencies(page, path), f"{path} coverage={measured} {threads}")
