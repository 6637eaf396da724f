"""A notebook for every page with code: one per reading path, built from what the page shows.

``page_notebook(page, path, helpers)`` turns a Markdown page into an nbformat notebook: a
setup cell first, then the page's prose as Markdown cells and its Python blocks as code
cells, in page order, each with the output the page shows attached. A page with TensorFlow /
PyTorch tabs gets one notebook per framework, holding only that framework's tabs and the
untabbed parts, so a TensorFlow reader never installs PyTorch (and the reverse).

The setup cell (``tooling.setup_cell``) makes the notebook run outside the repository: it
installs the pinned packages the notebook imports that are missing, and, when the page's code
uses the repository's own files, moves into the repository's folder, fetching it from an
archive of the repository when it is not there yet. The page runner (``tooling.pagerun``)
runs exactly these cells, setup cell included, from an empty folder, so a notebook's outputs
are the page's by construction. Depends on ``tooling.pages``, ``tooling.setup_cell`` and the
runner's reading of a page into steps (``tooling.pagerun.steps``).

Generation is deterministic: the same page gives byte-identical ``.ipynb`` text.
"""

from __future__ import annotations

import re
from pathlib import Path

from tooling.pagerun.steps import page_steps
from tooling.pages import DOCS, FRAMEWORK_TABS, INCLUDE_LINE, ROOT, output_path, read_sections, scan_fences
from tooling.setup_cell import Helpers, notebook_setup

FRAMEWORK_NAMES = {"tensorflow": "TensorFlow", "pytorch": "PyTorch"}
_CONTAINER = re.compile(r'^(?P<indent>[ \t]*)(?P<kind>===\+?|!!!|\?\?\?\+?)[ \t]+(?P<rest>.*)$')
_QUOTED = re.compile(r'"(?P<title>[^"]*)"')
_LINK = re.compile(r"\]\((?P<target>[^)\s#]+\.md)(?P<anchor>#[^)\s]*)?\)")


def notebook_name(page: Path, path: str) -> str:
    """``tensors-tensorflow.ipynb``, ``tensors.ipynb`` (no tabs), ``pytorch.ipynb`` for pytorch/index.md."""
    stem = page.parent.name if page.stem == "index" else page.stem
    return f"{stem}-{path}.ipynb" if path in FRAMEWORK_NAMES else f"{stem}.ipynb"


def _include_text(target: str) -> str:
    path_part, _, section = target.partition(":")
    file = ROOT / path_part
    return read_sections(file)[section].code if section else file.read_text(encoding="utf-8")


def _site_link(match: re.Match, page: Path, site_url: str, docs: Path) -> str:
    target = (page.parent / match["target"]).resolve()
    if not target.is_relative_to(docs):
        return match[0]
    rel = target.relative_to(docs).with_suffix("").as_posix()
    rel = rel.removesuffix("index").rstrip("/")
    url = f"{site_url.rstrip('/')}/{rel}/" if rel else f"{site_url.rstrip('/')}/"
    return f"]({url}{match['anchor'] or ''})"


def _is_output_fence(content: str) -> bool:
    lines = [line for line in content.splitlines() if line.strip()]
    matches = [INCLUDE_LINE.match(line) for line in lines]
    return bool(lines) and all(m and "/outputs/" in m["target"] for m in matches)


def page_cells(page: Path, path: str) -> list[tuple[str, str, str]]:
    """``(kind, text, output)`` for the page's cells on ``path``: "markdown" or "code".

    Prose in the other framework's tabs is left out; other containers (tabs, admonitions)
    become a bold title over their dedented content. Output fences are attached to the code
    cell they follow; other includes outside Python fences are replaced by what they include.
    """
    page = page.resolve()
    steps = page_steps(page, path)
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    fences = {fence[0]: fence[1:] for fence in scan_fences(text)}
    cells: list[tuple[str, str, str]] = []
    prose: list[str] = []
    stack: list[tuple[int, bool]] = []  # (marker width, kept) of the containers we are in

    def flush():
        body = "\n".join(prose).strip("\n")
        if body.strip():
            cells.append(("markdown", body, ""))
        prose.clear()

    def width(line: str) -> int:
        return len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4))

    def close_containers(line: str) -> None:
        while stack and stack[-1][0] >= width(line):
            stack.pop()

    def dedent(line: str) -> str:
        drop = 4 * len(stack)
        return line[min(drop, width(line)) :]

    i = 0
    while i < len(lines):
        line = lines[i]
        if i in fences:
            close, indent, info, content = fences[i]
            close_containers(line)
            kept = all(keep for _, keep in stack)
            if kept:
                first, last = i + 1, close + 1  # 1-based lines of the fence
                mine = [s for s in steps if first <= int(s.where.rsplit(":", 1)[1]) <= last]
                if mine:
                    flush()
                    for step in mine:
                        output = ""
                        if step.section:
                            snippet, _, section = step.section.partition(":")
                            out_file = output_path(ROOT / snippet, section)
                            output = out_file.read_text(encoding="utf-8") if out_file.is_file() else ""
                        cells.append(("code", step.code.rstrip("\n"), output))
                elif not _is_output_fence(content) and not info.strip().startswith(("python", "{.python")):
                    body = [
                        _include_text(m["target"]).rstrip("\n") if (m := INCLUDE_LINE.match(c)) else c
                        for c in content.splitlines()
                    ]
                    prose += [dedent(indent + f"```{info}"), *body, "```"]
            i = close + 1
            continue
        if not line.strip():
            if all(keep for _, keep in stack):
                prose.append("")
            i += 1
            continue
        close_containers(line)
        container = _CONTAINER.match(line)
        if container:
            title = _QUOTED.search(container["rest"])
            label = title["title"] if title else container["rest"].split()[0].capitalize()
            framework = FRAMEWORK_TABS.get(label) if container["kind"].startswith("===") else None
            keep = framework in (None, path)
            if keep and framework is None and all(k for _, k in stack):
                prose.append(dedent(f"{container['indent']}**{label}**"))
                prose.append("")
            stack.append((width(line), keep))
        elif all(keep for _, keep in stack):
            include = INCLUDE_LINE.match(line)
            prose.append(_include_text(include["target"]).rstrip("\n") if include else dedent(line))
        i += 1
    flush()
    return cells


def page_notebook(page: Path, path: str, helpers: Helpers, site_url: str | None = None, docs: Path = DOCS):
    """The nbformat notebook of ``page`` (in ``docs``) on ``path``, with deterministic cell ids."""
    import nbformat

    rel = page.resolve().relative_to(docs.resolve().parent).as_posix()
    title = FRAMEWORK_NAMES.get(path)
    intro = f"*Generated from `{rel}`" + (f", {title} reading path" if title else "") + ".*"
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    setup = notebook_setup(page, path, helpers).rstrip("\n")
    cells = [nbformat.v4.new_markdown_cell(intro), nbformat.v4.new_code_cell(setup)]
    for kind, text, output in page_cells(page, path):
        if kind == "markdown":
            if site_url:
                text = _LINK.sub(lambda m: _site_link(m, page.resolve(), site_url, docs.resolve()), text)
            cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            cell = nbformat.v4.new_code_cell(text)
            if output:
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
            cells.append(cell)
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
    nb.cells = cells
    return nb


def notebook_text(page: Path, path: str, helpers: Helpers, site_url: str | None = None, docs: Path = DOCS) -> str:
    import nbformat

    return nbformat.writes(page_notebook(page, path, helpers, site_url, docs)) + "\n"
