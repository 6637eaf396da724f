"""A notebook for every page with code: one per reading path, built from what the page shows.

``page_notebook(page, path, helpers)`` turns a Markdown page into an nbformat notebook: a
setup cell first, then the page's prose as Markdown cells and its Python blocks as code
cells, in page order, each with the output the page shows attached. A page with TensorFlow /
PyTorch tabs gets one notebook per framework, holding only that framework's tabs and the
untabbed parts, so a TensorFlow reader never installs PyTorch (and the reverse).

The setup cell (``setup_code``) makes the notebook run outside the repository: it installs
the pinned packages the notebook imports that are missing, and, when the page's code uses
the repository's own files (the ``snippets`` helper package and its data, or
``requirements.txt``), moves into the repository's folder and makes ``snippets`` importable,
fetching the folder from an archive of the repository (at the commit the site was built
from) when it is not there yet. ``tooling.pagerun`` runs exactly these cells, setup cell
included, from an empty folder, so a notebook's outputs are the page's by construction.

Generation is deterministic: the same page gives byte-identical ``.ipynb`` text.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tooling.pages import DOCS, FRAMEWORK_TABS, INCLUDE_LINE, ROOT, output_path, read_sections, scan_fences

FRAMEWORK_NAMES = {"tensorflow": "TensorFlow", "pytorch": "PyTorch"}
_CONTAINER = re.compile(r'^(?P<indent>[ \t]*)(?P<kind>===\+?|!!!|\?\?\?\+?)[ \t]+(?P<rest>.*)$')
_QUOTED = re.compile(r'"(?P<title>[^"]*)"')
_LINK = re.compile(r"\]\((?P<target>[^)\s#]+\.md)(?P<anchor>#[^)\s]*)?\)")


@dataclass(frozen=True)
class Helpers:
    """Where a notebook's setup cell finds the ``snippets`` package.

    ``folder`` holds it (absolute, or relative to the notebook's working folder); when the
    folder is missing, ``archive`` (a URL of a ``.zip`` of the repository that unpacks to
    ``folder``; ``file://`` works too) is fetched and unpacked. Empty: no archive.
    """

    folder: str
    archive: str = ""


def notebook_name(page: Path, path: str) -> str:
    """``tensors-tensorflow.ipynb``, ``tensors.ipynb`` (no tabs), ``pytorch.ipynb`` for pytorch/index.md."""
    stem = page.parent.name if page.stem == "index" else page.stem
    return f"{stem}-{path}.ipynb" if path in FRAMEWORK_NAMES else f"{stem}.ipynb"


# Import names that differ from their distribution's name, among the pinned packages.
DISTRIBUTION_OF = {"sklearn": "scikit-learn", "yaml": "pyyaml"}


def _pinned() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.lstrip().startswith("#"):
            pins[name.strip().lower()] = version.strip()
    return pins


@functools.lru_cache(maxsize=1024)
def _imported_names(code: str) -> frozenset[str]:
    """Every dotted module name ``code`` imports (absolute imports only)."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return frozenset(names)


def needed_packages(codes: list[str]) -> dict[str, str]:
    """The pinned distributions that ``codes`` (and the snippet modules they import) import.

    Any component of an imported name counts (``torch.utils.tensorboard`` needs
    ``tensorboard``); a module is its distribution's name, except those in DISTRIBUTION_OF.
    """
    from tooling.pagerun import snippet_closure

    helpers = snippet_closure(codes)
    names = set()
    for code in codes + [p.read_text(encoding="utf-8") for p in sorted(helpers)]:
        names |= _imported_names(code)
    pins = _pinned()
    found = {}
    for name in names:
        for part in name.split("."):
            dist = DISTRIBUTION_OF.get(part, part.replace("_", "-")).lower()
            if dist in pins:
                found[dist] = pins[dist]
    return dict(sorted(found.items()))


def setup_code(packages: dict[str, str], helpers: Helpers | None) -> str:
    """The first cell of a generated notebook; it prints nothing when all is in place."""
    lines = [
        "# Setup (run this cell first): install the pinned packages this notebook uses that are",
        "# missing" + (", and work in the repository's folder (its `snippets` helpers, data)." if helpers else "."),
        "def _setup():",
        "    import importlib.metadata",
        "    import os",
        "    import subprocess",
        "    import sys",
        "",
        f"    pinned = {packages!r}",
        "",
        "    def installed(name):",
        "        try:",
        "            return importlib.metadata.version(name)",
        "        except importlib.metadata.PackageNotFoundError:",
        "            return None",
        "",
        '    missing = [f"{name}=={version}" for name, version in pinned.items() if installed(name) is None]',
        "    if missing:",
        '        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)',
        "    for name, version in pinned.items():",
        '        if (installed(name) or "").split("+")[0] != version:  # "+cpu" names a build',
        '            print(f"Note: {name} {installed(name)} is installed; this page was run with {version}.")',
    ]
    if helpers:
        lines += [
            "",
            f"    folder, archive = {helpers.folder!r}, {helpers.archive!r}",
            '    if not os.path.isdir(os.path.join(folder, "snippets")):',
            "        if not archive:",
            "            raise SystemExit(",
            '                f"This notebook needs the site\'s helper modules: {folder!r} holds no snippets/ folder."',
            "            )",
            "        import io",
            "        import urllib.request",
            "        import zipfile",
            "",
            "        try:",
            "            with urllib.request.urlopen(archive, timeout=60) as response:",
            "                zipfile.ZipFile(io.BytesIO(response.read())).extractall()",
            "        except Exception as err:",
            "            raise SystemExit(",
            '                f"Could not fetch the site\'s helper modules from {archive} ({err}); "',
            '                "run this cell once with network access, "',
            '                "or start the notebook in a clone of the repository."',
            "            ) from None",
            "    # Work in the repository's folder, as the page does: its paths and commands are relative",
            "    # to it; `snippets` is importable here and in the processes the notebook starts.",
            "    folder = os.path.abspath(folder)",
            "    os.chdir(folder)",
            "    sys.path.insert(0, folder)",
            '    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")]))',
        ]
    lines += ["", "", "_setup()", "del _setup", ""]
    return "\n".join(lines)


# Code that refers to the repository's own files: the helper modules (imported, or found with
# importlib.resources), their data, or the pins in requirements.txt.
_USES_REPOSITORY = re.compile(r"\bsnippets\b|\brequirements\.txt\b")


def notebook_setup(page: Path, path: str, helpers: Helpers) -> str:
    """The setup cell of ``page``'s notebook for ``path``: the repository only if its code uses it."""
    from tooling.pagerun import page_steps

    codes = [step.code for step in page_steps(page, path)]
    uses = any(_USES_REPOSITORY.search(code) for code in codes)
    return setup_code(needed_packages(codes), helpers if uses else None)


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
    from tooling.pagerun import page_steps

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


def helpers_for_site(repo_url: str | None, commit: str | None) -> Helpers:
    """The published repository's archive at ``commit`` when known; else this checkout."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repo_url or "")
    if match and commit:
        return Helpers(f"{match[2]}-{commit}", f"https://github.com/{match[1]}/{match[2]}/archive/{commit}.zip")
    return Helpers(str(ROOT))

