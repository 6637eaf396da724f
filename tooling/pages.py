"""Read the code a page shows: fenced blocks, the snippet sections they include, outputs.

One parser serves the page runner (``tooling.pagerun``), the site tests and
pytest-markdown-docs (through the hook in ``tests/conftest.py``), so "the code on a page"
means the same thing everywhere. It understands what the site uses: fences indented inside
content tabs or admonitions, the superfences brace syntax ``{.python notest}``, and
pymdownx.snippets' one-line include ``--8<-- "path"`` / ``--8<-- "path:section"``.
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
INCLUDE_LINE = re.compile(r'^[ \t]*--8<--[ \t]+"(?P<target>[^"]+)"[ \t]*$')
_SECTION_MARK = re.compile(r"--8<-- \[(?P<kind>start|end):(?P<name>[\w-]+)\]")
_TAB = re.compile(r'^(?P<indent>[ \t]*)===\+?[ \t]+"(?P<label>[^"]+)"')
PYTHON_LANGS = {"py", "python", "python3"}
# Content tab labels that select a reader's framework; Material links tabs with the same label.
FRAMEWORK_TABS = {"TensorFlow": "tensorflow", "PyTorch": "pytorch"}


class PageError(Exception):
    """A page or snippet file that the site cannot use, with the file and line to fix."""


@dataclass(frozen=True)
class Include:
    """``--8<-- "snippets/group/file.py:section"`` inside a fence."""

    path: Path  # absolute
    section: str | None
    line: int  # line of the directive in the page, 1-based

    @property
    def rel(self) -> str:
        """The path as the page writes it: relative to the repository when it is inside it."""
        return self.path.relative_to(ROOT).as_posix() if self.path.is_relative_to(ROOT) else str(self.path)


@dataclass
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # line of the opening fence, 1-based
    lang: str
    options: set[str]
    content: str  # dedented to the fence's own indentation
    includes: list[Include] = field(default_factory=list)
    framework: str | None = None  # "tensorflow" / "pytorch" inside that framework's content tab

    @property
    def is_python(self) -> bool:
        return self.lang in PYTHON_LANGS

    @property
    def notest(self) -> bool:
        return "notest" in self.options


def parse_info(info: str) -> tuple[str, set[str]]:
    """Split a fence's info string into language and options (plain or brace syntax)."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        parts = info[1:-1].split()
        lang = next((p[1:] for p in parts if p.startswith(".")), "")
        options = {p for p in parts if p != f".{lang}"}
        return lang, options
    parts = info.split()
    return (parts[0] if parts else ""), set(parts[1:])


def scan_fences(text: str) -> list[tuple[int, int, str, str, str]]:
    """Return ``(open_line, close_line, indent, info, content)`` for every fence, 0-based lines."""
    lines = text.splitlines()
    fences = []
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"]
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        content = "\n".join(body) + ("\n" if body else "")
        fences.append((i, j, indent, info, content))
        i = j + 1
    return fences


def enclosing_tabs(lines: list[str], line: int, indent: str) -> list[str]:
    """Labels of the content tabs (``=== "Label"``) that contain line ``line`` (0-based), outermost first.

    A line belongs to a container when it is indented deeper than the container's marker;
    walking upwards, every less-indented non-blank line closes one level.
    """
    labels = []
    depth = len(indent.expandtabs(4))
    for above in reversed(lines[:line]):
        if not above.strip():
            continue
        width = len(above) - len(above.lstrip(" \t"))
        width = len(above[:width].expandtabs(4))
        if width >= depth:
            continue
        match = _TAB.match(above)
        if match:
            labels.append(match["label"])
        depth = width
        if depth == 0:
            break
    return labels[::-1]


def read_blocks(page: Path) -> list[Block]:
    """All fenced blocks of a Markdown page, in order, with their includes resolved to paths."""
    page = page.resolve()
    stat = page.stat()
    return list(_read_blocks(page, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=256)  # a build asks for each page's blocks several times
def _read_blocks(page: Path, _mtime: int, _size: int) -> tuple[Block, ...]:
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    blocks = []
    for open_line, _close, indent, info, content in scan_fences(text):
        lang, options = parse_info(info)
        block = Block(page, open_line + 1, lang, options, content)
        labels = enclosing_tabs(lines, open_line, indent)
        frameworks = [FRAMEWORK_TABS[label] for label in labels if label in FRAMEWORK_TABS]
        block.framework = frameworks[-1] if frameworks else None
        for offset, line in enumerate(content.splitlines(), start=1):
            match = INCLUDE_LINE.match(line)
            if match:
                target = match["target"]
                path_part, _, section = target.partition(":")
                block.includes.append(Include(ROOT / path_part, section or None, block.line + offset))
        blocks.append(block)
    return tuple(blocks)


def is_include_only(block: Block) -> bool:
    """True when every non-blank line of the block is a snippet include."""
    lines = [line for line in block.content.splitlines() if line.strip()]
    return bool(lines) and len(lines) == len(block.includes)


@dataclass(frozen=True)
class Section:
    path: Path
    name: str
    first_line: int  # first code line, 1-based
    code: str  # dedented, marker lines of nested sections removed


def read_sections(path: Path) -> dict[str, Section]:
    """The named sections of a snippet file, as pymdownx.snippets cuts them."""
    stat = path.stat()
    return dict(_read_sections(path.resolve(), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=256)
def _read_sections(path: Path, _mtime: int, _size: int) -> tuple[tuple[str, Section], ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    open_at: dict[str, int] = {}
    sections: dict[str, Section] = {}
    for number, line in enumerate(lines, start=1):
        match = _SECTION_MARK.search(line)
        if not match:
            continue
        name = match["name"]
        if match["kind"] == "start":
            if name in open_at or name in sections:
                raise PageError(f"{path}:{number}: section '{name}' starts twice")
            open_at[name] = number
        else:
            if name not in open_at:
                raise PageError(f"{path}:{number}: section '{name}' ends but never started")
            start = open_at.pop(name)
            body = ["" if _SECTION_MARK.search(text) else text for text in lines[start : number - 1]]
            code = textwrap.dedent("\n".join(body)) + "\n"
            sections[name] = Section(path, name, start + 1, code)
    if open_at:
        name, number = next(iter(open_at.items()))
        raise PageError(f"{path}:{number}: section '{name}' is never closed")
    return tuple(sections.items())


def output_path(snippet: Path, section: str) -> Path:
    """Where the printed output of a snippet section is kept: ``<group>/outputs/<file>/<section>.txt``."""
    return snippet.parent / "outputs" / snippet.stem / f"{section}.txt"


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def notebook_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.py"))


def snippet_files() -> list[Path]:
    return sorted(p for p in SNIPPETS.rglob("*.py") if p.name != "__init__.py")


class FenceTokens:
    """A stand-in for markdown-it's parser that pytest-markdown-docs can use.

    CommonMark reads a fence indented inside a Material content tab as an indented code
    block, so pytest-markdown-docs would silently skip every inline fence in a tab. This
    returns one ``fence`` token per block found by :func:`scan_fences` instead.
    """

    class Token:
        type = "fence"

        def __init__(self, open_line: int, close_line: int, info: str, content: str):
            self.map = [open_line, close_line + 1]
            self.info = info
            self.content = content

    def parse(self, text: str) -> list[Token]:
        return [self.Token(o, c, info, content) for o, c, _i, info, content in scan_fences(text)]
