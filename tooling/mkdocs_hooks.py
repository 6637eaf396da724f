"""MkDocs hooks (registered in mkdocs.yml under ``hooks:``).

* Notebook kernels start with the repository on ``PYTHONPATH`` (so tutorials may import
  ``snippets``) and with a non-interactive Matplotlib backend.
* TensorFlow's native start-up log lines are dropped from executed notebook outputs; any
  other stderr output stays visible on the page.
* Every notebook tutorial (a jupytext ``.py`` under docs/) is also written next to its page
  as ``<name>.ipynb``, and the page gets a download button for it.
* A notebook cell that raises, or a notebook that writes to stderr (a warning), fails the
  build with the notebook's path and the cell. This execution is the notebook's only one:
  the tests check the build, they do not run the notebooks again.
* mkdocs-jupyter caches an executed notebook by the notebook's own text; the key here also
  covers the snippet files it imports (transitively, with their data), requirements.txt, the
  hooks and the Python version, so editing ``snippets/ner/*.py`` re-runs the NER tutorial.
* Every Markdown page with code gets its own notebook(s), one per reading path
  (``tooling.notebooks``), written next to it, with download buttons by its title; a
  notebook is reused from ``.cache/notebooks/`` while its page, ``snippets/``, ``tooling/``
  and the pins are unchanged.
* With ``repo_url`` on GitHub, notebooks also get "Open in Colab" links; the notebook is
  taken from the ``gh-pages`` branch, where the publishing workflow pushes the built site.
  Published page notebooks fetch the helper modules from the repository's archive at
  ``SITE_COMMIT`` (set by the workflow).
* The offline build (``OFFLINE=true``, Material's offline plugin) loads the iframe-worker
  shim that runs search from ``file://`` from the site's own copy, not from unpkg.com, and
  the links in tutorials (written as published, ``../tensors/``) lead to the pages' files.
* Every page is stamped with the library versions installed at build time, and the
  Versions page gets the full table (marker ``<!-- installed-versions -->``). A page with
  code also says how long it took to run in the suite's last full run (``tooling.run_times``);
  each executed tutorial's seconds are written to ``artifacts/notebook-seconds.json`` for that.
* Accessibility: a notebook's plots get alt text that describes them (written by the kernel
  from each figure's titles, labels and legends, or a cell's ``alt`` metadata); what scrolls
  (Markdown tables, notebook code cells and text outputs) gets ``tabindex="0"`` so the keyboard
  reaches it.
* A notebook tutorial's inline stylesheets (nbconvert's, the same ~590 kB on every tutorial)
  are written once to ``assets/notebook.<hash>.css`` and linked, so the browser caches them;
  its plots become PNG files beside the page, loaded lazily, instead of base64 in the HTML.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import posixpath
import re
import struct
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of a package
    sys.path.insert(0, str(ROOT))

from tooling.noise import strip_noise  # noqa: E402

log = logging.getLogger("mkdocs.hooks.notebooks")


def _strip_native_noise(nb) -> list[str]:
    """Drop TensorFlow's start-up log lines; return what else the cells wrote to stderr."""
    stray = []
    for number, cell in enumerate(nb.cells, start=1):
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"] = strip_noise(output["text"])
                if not output["text"]:
                    continue
                stray.append(f"cell {number}:\n{output['text']}")
            outputs.append(output)
        if "outputs" in cell:
            cell["outputs"] = outputs
    return stray


def _patch_executor() -> None:
    """Wrap nbconvert's ExecutePreprocessor: clean stderr, name the notebook on failure."""
    import nbformat
    from nbclient.exceptions import CellExecutionError
    from nbconvert.preprocessors import ExecutePreprocessor

    if getattr(ExecutePreprocessor, "_site_patched", False):
        return
    original = ExecutePreprocessor.preprocess

    def preprocess(self, nb, resources=None, km=None):
        # mkdocs-jupyter hands a tutorial over as text, without its path: see _patch_convert.
        source = _converting or Path((resources or {}).get("metadata", {}).get("path", "?"), "?")
        # A first, hidden cell makes the kernel describe each figure it displays (alt text).
        nb.cells.insert(0, nbformat.v4.new_code_cell(FIGURE_ALT_SETUP))
        started = time.perf_counter()
        try:
            nb, resources = original(self, nb, resources, km)
        except CellExecutionError as err:
            raise SystemExit(f"Notebook {source} failed to execute:\n{err}") from err
        finally:
            setup = nb.cells.pop(0)
        if _converting:
            _record_notebook_seconds(_converting, time.perf_counter() - started)
        stray = _strip_native_noise(nb) + [f"setup cell:\n{o.get('text', o)}" for o in setup.get("outputs", [])]
        if stray:
            raise SystemExit(f"Notebook {source} wrote to stderr (warnings?):\n" + "\n".join(stray))
        _images_with_alt_text(nb)
        return nb, resources

    ExecutePreprocessor.preprocess = preprocess
    ExecutePreprocessor._site_patched = True


_converting: Path | None = None  # the tutorial mkdocs-jupyter is converting now


def _patch_convert() -> None:
    """Note which tutorial mkdocs-jupyter converts (and executes) while it does."""
    from mkdocs_jupyter import plugin

    if getattr(plugin.convert, "_site_patched", False):
        return
    original = plugin.convert.nb2html

    def nb2html(nb_path, *args, **kwargs):
        global _converting
        _converting = Path(nb_path).resolve()
        try:
            return original(nb_path, *args, **kwargs)
        finally:
            _converting = None

    plugin.convert.nb2html = nb2html
    plugin.convert._site_patched = True


def _record_notebook_seconds(source: Path, seconds: float) -> None:
    """How long a tutorial of this site took to execute, for ``make durations`` (tests/shards.py)."""
    from tooling.run_times import NOTEBOOK_SECONDS

    if not source.resolve().is_relative_to(ROOT / "docs"):
        return  # a test's made-up site
    try:
        known = json.loads(NOTEBOOK_SECONDS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    known[source.resolve().relative_to(ROOT).as_posix()] = round(seconds, 1)
    NOTEBOOK_SECONDS.parent.mkdir(parents=True, exist_ok=True)
    NOTEBOOK_SECONDS.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")


# ----------------------------------------------------------------------------- figures' alt text
# nbconvert's lab template (mkdocs-jupyter's base) writes a plot as <img> without alt text. The
# notebook's kernel describes each figure as matplotlib_inline displays it (its titles, axis
# labels and legends: what the reader sees), and the plot is then written as an <img> with that
# alt text. A cell's own ``alt`` metadata (nbconvert's convention; ``# %% alt="..."`` in a
# jupytext file) takes precedence: write one where the labels do not tell what the plot shows.

FIGURE_ALT_SETUP = "from tooling.mkdocs_hooks import describe_figures_in_kernel\ndescribe_figures_in_kernel()"


def describe_figure(fig) -> str:
    """A figure in words, from what is written on it."""

    def text(artist) -> str:
        return artist.get_text().strip() if artist is not None else ""

    panels = []
    for ax in (ax for ax in fig.axes if ax.get_visible() and ax.has_data()):
        kind = "image" if ax.images else "scatter plot" if ax.collections and not ax.lines else "plot"
        words = [f'{kind} "{text(ax.title)}"' if text(ax.title) else kind]
        if ax.axison and (text(ax.xaxis.label) or text(ax.yaxis.label)):
            words.append(f"of {text(ax.yaxis.label) or 'values'} against {text(ax.xaxis.label) or 'position'}")
        legend = ax.get_legend()
        if legend is not None and legend.get_texts():
            words.append("with " + ", ".join(text(t) for t in legend.get_texts()))
        panels.append(" ".join(words))
    title = text(getattr(fig, "_suptitle", None))
    if not panels:
        return title or "Figure"
    if len(panels) > 2 and all(re.fullmatch(r'image "[^"]*"', panel) for panel in panels):  # a row of samples
        panels = [f"{len(panels)} images, titled " + ", ".join(panel.removeprefix("image ") for panel in panels)]
    what = "; ".join(panels)
    return f"{title}: {what}" if title else what[0].upper() + what[1:]


def describe_figures_in_kernel() -> None:
    """Run in a notebook's kernel: matplotlib_inline displays each figure with its description."""
    from matplotlib_inline import backend_inline

    original = backend_inline._fetch_figure_metadata

    def fetch_figure_metadata(fig):
        return {**(original(fig) or {}), "alt": describe_figure(fig)}

    backend_inline._fetch_figure_metadata = fetch_figure_metadata


def _images_with_alt_text(nb) -> None:
    """Give every PNG output an HTML rendering with alt text (the template prefers text/html)."""
    from html import escape

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data or "text/html" in data:
                continue
            meta = output.get("metadata", {})
            alt = cell.metadata.get("alt") or meta.get("image/png", {}).get("alt") or meta.get("alt") or "Figure"
            png = data["image/png"].replace("\n", "")
            data["text/html"] = f'<img src="data:image/png;base64,{png}" alt="{escape(alt)}">'


def _patch_cache_key() -> None:
    """Make mkdocs-jupyter's cache key cover what a notebook imports, not only its own text."""
    from mkdocs_jupyter import plugin

    if getattr(plugin, "_site_patched", False):
        return
    original = plugin._compute_cache_key

    def compute_cache_key(nb_path, config, exec_nb):
        return original(nb_path, config, exec_nb) + "-" + notebook_dependency_key(Path(nb_path))[:16]

    plugin._compute_cache_key = compute_cache_key
    plugin._site_patched = True


def notebook_dependency_key(notebook: Path) -> str:
    """Hash of the snippet files a notebook imports (transitively, with their data), and the setup."""
    from tooling.pagerun.key import digest, snippet_closure, with_data_files

    snippets = with_data_files(snippet_closure([notebook.read_text(encoding="utf-8")]))
    setup = [ROOT / "requirements.txt", ROOT / "tooling" / "mkdocs_hooks.py", ROOT / "tooling" / "noise.py"]
    return digest(sorted(snippets) + setup, "notebook")


def on_startup(command, dirty):
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    # Notebook plots render inline, whatever backend the calling shell asked for.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _patch_executor()
    _patch_convert()
    _patch_cache_key()


STAMPED = {"TensorFlow": "tensorflow", "Keras": "keras", "PyTorch": "torch"}
VERSIONS_MARKER = "<!-- installed-versions -->"


def _pinned_names() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("==")[0].strip() for line in lines if "==" in line and not line.startswith("#")]


# Material's offline plugin (OFFLINE=true) links the iframe-worker shim, which runs the search
# worker from file://, from unpkg.com: the site's own copy (MIT, docs/assets/vendor/) instead.
IFRAME_WORKER_SHIM = "assets/vendor/iframe-worker-1.0.4/shim.js"


def on_config(config):
    stamp = [f"Python {platform.python_version()}"]
    stamp += [f"{label} {importlib.metadata.version(dist)}" for label, dist in STAMPED.items()]
    config.extra["stamp"] = " · ".join(stamp)
    polyfills = config.extra.get("polyfills", [])
    config.extra["polyfills"] = [IFRAME_WORKER_SHIM if "iframe-worker" in url else url for url in polyfills]
    return config


def _versions_table() -> str:
    rows = ["| Package | Installed |", "| --- | --- |", f"| Python | {platform.python_version()} |"]
    for name in _pinned_names():
        rows.append(f"| {name} | {importlib.metadata.version(name)} |")
    return "\n".join(rows)


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".py")


def colab_url(repo_url: str | None, dest_uri: str, notebook_name: str) -> str | None:
    """Colab link for a notebook published on the gh-pages branch of a GitHub repository."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repo_url or "")
    if not match:
        return None
    folder = Path(dest_uri).parent.as_posix()
    return f"https://colab.research.google.com/github/{match[1]}/{match[2]}/blob/gh-pages/{folder}/{notebook_name}"


# The button of a page notebook shows its framework's logo; "notebook" says what it is.
BUTTONS = {
    "tensorflow": ("simple/tensorflow", "TensorFlow notebook"),
    "pytorch": ("simple/pytorch", "PyTorch notebook"),
    "page": ("simple/jupyter", "notebook"),
    "tutorial": ("material/download", "notebook"),
}


def _offer(path: str, name: str, dest_uri: str, repo_url: str | None) -> dict:
    icon, what = BUTTONS[path]
    return {"path": path, "name": name, "icon": icon, "what": what, "colab": colab_url(repo_url, dest_uri, name)}


def page_notebooks(source: Path, dest_uri: str, repo_url: str | None) -> list[dict]:
    """The notebooks a Markdown page offers: one per reading path that has code."""
    from tooling.notebooks import notebook_name
    from tooling.pagerun.steps import page_steps, reading_paths

    return [
        _offer(path, notebook_name(source, path), dest_uri, repo_url)
        for path in reading_paths(source)
        if page_steps(source, path)
    ]


def site_helpers(repo_url: str | None):
    """Where published notebooks fetch the helper modules: the repository at the built commit."""
    from tooling.setup_cell import helpers_for_site

    return helpers_for_site(repo_url, os.environ.get("SITE_COMMIT"))


# Search indexes the prose, headings and inline code, not code listings, their outputs or the
# tutorials' code cells: those were most of the index's text (598 of 1,367 kB), which every
# first visit downloads, and a listing's repeated names crowd the prose's hits out of the
# results. Material's search skips an element marked data-search-exclude, and its children.
_CODE_LISTING = re.compile(r'<div class="(language-[\w-]+ highlight|jp-Cell jp-CodeCell jp-Notebook-cell)"')


def on_page_content(html, page, config, files):
    return _CODE_LISTING.sub(r'<div class="\1" data-search-exclude', html)


def on_page_context(context, page, config, nav):
    from tooling.run_times import recorded, sentence

    page.run_times = sentence(f"docs/{page.file.src_uri}", recorded())
    if _is_notebook(page):
        name = Path(page.file.src_uri).with_suffix(".ipynb").name
        page.notebooks = [_offer("tutorial", name, page.file.dest_uri, config.repo_url)]
    else:
        page.notebooks = page_notebooks(Path(page.file.abs_src_path), page.file.dest_uri, config.repo_url)
    return context


# ----------------------------------------------------------------------------- the built HTML
# Keyboard users must be able to scroll what scrolls (WCAG 2.1.1): Material makes its own code
# blocks focusable when they overflow, but not its tables' scroll wrappers, nor the notebook
# pages' code cells and outputs. tabindex="0" on them, here, needs no script. Markdown tables
# scroll inside themselves (docs/assets/site.css); a plot's output shows the image whole.
_TABLE = re.compile(r"<table>")
_NOTEBOOK_SCROLLER = re.compile(r'<div class="(highlight-ipynb|[^"]*\bjp-OutputArea-output\b)(?![^>]*>\s*<img)')
# mkdocs-jupyter puts nbconvert's whole stylesheet (about 590 kB, the same for every notebook)
# in each tutorial page; it goes into one file that the browser caches instead.
_INLINE_CSS = re.compile(r'<style type="text/css">(.*?)</style>\s*', re.DOTALL)


def focusable_scrollers(html: str, notebook: bool) -> str:
    html = _TABLE.sub('<table tabindex="0">', html)
    if notebook:
        html = _NOTEBOOK_SCROLLER.sub(r'<div tabindex="0" class="\1', html)
    return html


def share_notebook_css(html: str, page_url: str, site_dir: Path) -> str:
    """Move the page's inline notebook styles to ``assets/notebook.<hash>.css``, linked in place."""
    from mkdocs.utils import get_relative_url

    styles = _INLINE_CSS.findall(html)
    if not styles:
        return html
    css = "\n".join(style.strip() for style in styles) + "\n"
    name = f"assets/notebook.{hashlib.sha256(css.encode()).hexdigest()[:10]}.css"
    target = site_dir / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    link = f'<link rel="stylesheet" href="{get_relative_url(name, page_url)}">\n'
    first, _ = _INLINE_CSS.search(html).span()
    return html[:first] + link + _INLINE_CSS.sub("", html[first:])


_DATA_PNG = re.compile(r'src="data:image/png;base64,([^"]+)"')


def plots_as_files(html: str, folder: Path) -> str:
    """Write a tutorial's plots (inline base64 PNGs) as ``plot-<hash>.png`` beside its page.

    The page's HTML keeps only an <img> tag, sized so that the layout does not move when it
    loads, lazily: a plot below the fold costs nothing until the reader scrolls to it."""

    def to_file(match: re.Match) -> str:
        png = base64.b64decode(match[1])
        name = f"plot-{hashlib.sha256(png).hexdigest()[:12]}.png"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
        width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
        return f'src="{name}" width="{width}" height="{height}" loading="lazy"'

    return _DATA_PNG.sub(to_file, html)


_page_urls: dict[str, str] = {}  # each page's URL with directory URLs -> its URL in this build


def on_files(files, config):
    _page_urls.clear()
    for file in files.documentation_pages():
        stem = posixpath.splitext(file.src_uri)[0]
        folder = posixpath.dirname(stem) if posixpath.basename(stem) == "index" else stem
        _page_urls[f"{folder}/" if folder else ""] = file.url
    return files


_RELATIVE_HREF = re.compile(r'href="([^"#?:/][^"#?:]*)([#?][^"]*)?"')


def links_for_this_build(html: str, page) -> str:
    """A tutorial's Markdown cells link to pages as they are published, ``../tensors/``
    (nbconvert leaves them as written); in a build without directory URLs (the offline site)
    point each at the page's file instead, ``tensors.html``."""
    written_at = posixpath.splitext(page.file.src_uri)[0] + "/"  # the page's folder when published

    def retarget(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(written_at, match[1]))
        url = _page_urls.get("" if target == "." else f"{target}/")
        if url is None:
            return match[0]
        here = posixpath.dirname(page.url) or "."
        return f'href="{posixpath.relpath(url, here)}{match[2] or ""}"'

    return _RELATIVE_HREF.sub(retarget, html)


def on_post_page(output, page, config):
    folder = Path(page.file.abs_dest_path).parent
    output = focusable_scrollers(output, _is_notebook(page))
    if _is_notebook(page):
        if not config.use_directory_urls:
            output = links_for_this_build(output, page)
        output = share_notebook_css(output, page.url, Path(config.site_dir))
        output = plots_as_files(output, folder)
        import jupytext

        notebook = jupytext.read(page.file.abs_src_path)
        target = folder / page.notebooks[0]["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(notebook, target, fmt="ipynb")
        log.debug("wrote %s", target)
        return output
    for offered in getattr(page, "notebooks", None) or []:
        folder.mkdir(parents=True, exist_ok=True)  # MkDocs writes the page itself after this hook
        (folder / offered["name"]).write_text(_page_notebook_text(page, offered["path"], config), encoding="utf-8")
    return output


NOTEBOOK_CACHE = ROOT / ".cache" / "notebooks"
_inputs_key = ""  # hash of everything a page's notebook is made from besides the page: per build


def on_pre_build(config):
    """Hash the files every page notebook may draw on (snippets/, tooling/, the pins) once."""
    global _inputs_key
    from tooling.pagerun.key import digest, tooling_files

    files = [p for p in (ROOT / "snippets").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [*tooling_files(), ROOT / "requirements.txt"]
    _inputs_key = digest(sorted(files), "page notebooks")


def _page_notebook_text(page, path: str, config) -> str:
    """The page's notebook for ``path``: generated, or reused when nothing it is made from changed."""
    from tooling.notebooks import notebook_text

    source = Path(page.file.abs_src_path)
    helpers = site_helpers(config.repo_url)
    salt = f"{_inputs_key} {path} {helpers} {config.site_url} {config.docs_dir}\n".encode()
    cached = NOTEBOOK_CACHE / f"{hashlib.sha256(salt + source.read_bytes()).hexdigest()}.ipynb"
    if _inputs_key and cached.is_file():
        return cached.read_text(encoding="utf-8")
    text = notebook_text(source, path, helpers, config.site_url, Path(config.docs_dir))
    if _inputs_key:
        NOTEBOOK_CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(text, encoding="utf-8")
    return text


def on_page_markdown(markdown, page, config, files):
    """Check every snippet include before pymdownx.snippets does, to name the page and line."""
    from mkdocs.exceptions import PluginError

    if VERSIONS_MARKER in markdown:
        markdown = markdown.replace(VERSIONS_MARKER, _versions_table())

    from tooling.pages import INCLUDE_LINE, PageError, read_sections

    for number, line in enumerate(markdown.splitlines(), start=1):
        match = INCLUDE_LINE.match(line)
        if not match:
            continue
        where = f"docs/{page.file.src_uri}:{number}"
        path_part, _, section = match["target"].partition(":")
        path = ROOT / path_part
        if not path.is_file():
            raise PluginError(f"{where}: included file {path_part} does not exist")
        if section:
            try:
                sections = read_sections(path)
            except PageError as err:
                raise PluginError(f"{where}: {err}") from err
            if section not in sections:
                known = ", ".join(sorted(sections)) or "none"
                raise PluginError(f"{where}: {path_part} has no section '{section}' (it has: {known})")
    return markdown
