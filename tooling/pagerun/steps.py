"""Reading a page into steps: the Python a reader copies from it, on each reading path.

A page with ``TensorFlow`` / ``PyTorch`` content tabs is read once per framework (that
framework's tab blocks plus the untabbed ones); any other page is read once, all blocks
(path ``page``). Inline fences become steps as written; an include-only fence
(``{.python notest}``) becomes the snippet sections it includes. Also here: the page's test
modules (those that declare ``PAGE = "docs/<group>/<page>.md"``) and the names of the reading
paths. Depends only on the page parser, ``tooling.pages``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tooling.pages import ROOT, PageError, is_include_only, read_blocks, read_sections

TESTS = ROOT / "tests"
# The fixture a page's tests take on each reading path.
FIXTURES = {"page": "page", "tensorflow": "tf_page", "pytorch": "torch_page"}
# On a one-framework reading path the other framework is not installed, as for a reader who
# installed only theirs: importing it fails at the line that does.
OTHER_FRAMEWORK = {"tensorflow": "torch", "pytorch": "tensorflow"}
LABELS = {"page": "the page", "tensorflow": "the TensorFlow reading path", "pytorch": "the PyTorch reading path"}
_PAGE_DECLARATION = re.compile(r'^PAGE = "(?P<page>docs/[^"]+\.md)"\s*$', re.MULTILINE)


@dataclass
class Step:
    """One block of a page, ready to execute."""

    where: str  # "docs/x.md:12", for messages
    filename: str  # file the code is compiled as, so tracebacks and coverage point at it
    first_line: int
    code: str
    section: str | None = None  # "snippets/group/file.py:name" for included sections


def rel(path: Path) -> str:
    """``path`` relative to the repository, as messages name it; absolute when outside it."""
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
        where = f"{rel(page)}:{block.line}"
        if block.notest:
            if not is_include_only(block):
                raise PageError(
                    f"{where}: a python fence marked notest may only include snippet sections "
                    '(--8<-- "snippets/...py:section"); every line shown must run'
                )
            for inc in block.includes:
                if not inc.path.is_file():
                    raise PageError(f"{rel(page)}:{inc.line}: included file {inc.rel} does not exist")
                if inc.section is None:
                    code, first = inc.path.read_text(encoding="utf-8"), 1
                else:
                    sections = read_sections(inc.path)
                    if inc.section not in sections:
                        raise PageError(
                            f"{rel(page)}:{inc.line}: {inc.rel} has no section '{inc.section}' "
                            f"(it has: {', '.join(sorted(sections)) or 'none'})"
                        )
                    sec = sections[inc.section]
                    code, first = sec.code, sec.first_line
                steps.append(Step(f"{rel(page)}:{inc.line}", str(inc.path), first, code, f"{inc.rel}:{inc.section}"))
        else:
            if block.includes:
                raise PageError(f"{where}: a fence that includes snippets must be marked {{.python notest}}")
            steps.append(Step(where, str(page.resolve()), block.line + 1, block.content))
    return steps


def page_test_modules(page: Path) -> list[Path]:
    """Test modules that declare ``PAGE = "<this page>"``: their page tests run in the page's run."""
    page_rel = rel(page)
    modules = []
    for module in sorted(TESTS.rglob("test_*.py")):
        match = _PAGE_DECLARATION.search(module.read_text(encoding="utf-8"))
        if match and match["page"] == page_rel:
            modules.append(module)
    return modules
