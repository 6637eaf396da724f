"""MkDocs hooks (registered in mkdocs.yml under ``hooks:``).

* Notebook kernels start with the repository on ``PYTHONPATH`` (so tutorials may import
  ``snippets``) and with a non-interactive Matplotlib backend.
* TensorFlow's native start-up log lines are dropped from executed notebook outputs; any
  other stderr output stays visible on the page.
* Every notebook tutorial (a jupytext ``.py`` under docs/) is also written next to its page
  as ``<name>.ipynb``, and the page gets a download button for it.
* A notebook cell that raises fails the build with the notebook's path and the cell.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # hooks are loaded by path, not as part of a package
    sys.path.insert(0, str(ROOT))

from tooling.noise import strip_noise  # noqa: E402

log = logging.getLogger("mkdocs.hooks.notebooks")


def _strip_native_noise(nb) -> None:
    for cell in nb.cells:
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"] = strip_noise(output["text"])
                if not output["text"]:
                    continue
            outputs.append(output)
        if "outputs" in cell:
            cell["outputs"] = outputs


def _patch_executor() -> None:
    """Wrap nbconvert's ExecutePreprocessor: clean stderr, name the notebook on failure."""
    from nbclient.exceptions import CellExecutionError
    from nbconvert.preprocessors import ExecutePreprocessor

    if getattr(ExecutePreprocessor, "_site_patched", False):
        return
    original = ExecutePreprocessor.preprocess

    def preprocess(self, nb, resources=None, km=None):
        path = (resources or {}).get("metadata", {}).get("path", "?")
        name = (resources or {}).get("metadata", {}).get("name", "?")
        try:
            nb, resources = original(self, nb, resources, km)
        except CellExecutionError as err:
            raise SystemExit(f"Notebook {path}/{name} failed to execute:\n{err}") from err
        _strip_native_noise(nb)
        return nb, resources

    ExecutePreprocessor.preprocess = preprocess
    ExecutePreprocessor._site_patched = True


def on_startup(command, dirty):
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    # Notebook plots render inline, whatever backend the calling shell asked for.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _patch_executor()


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".py")


def on_page_context(context, page, config, nav):
    if _is_notebook(page):
        page.notebook_download = Path(page.file.src_uri).with_suffix(".ipynb").name
    return context


def on_post_page(output, page, config):
    if _is_notebook(page):
        import jupytext

        notebook = jupytext.read(page.file.abs_src_path)
        target = Path(page.file.abs_dest_path).parent / page.notebook_download
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(notebook, target, fmt="ipynb")
        log.debug("wrote %s", target)
    return output


def on_page_markdown(markdown, page, config, files):
    """Check every snippet include before pymdownx.snippets does, to name the page and line."""
    from mkdocs.exceptions import PluginError

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
