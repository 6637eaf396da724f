"""Every notebook tutorial (a jupytext .py under docs/) executes cleanly in a Jupyter kernel."""

import os

import jupytext
import pytest
from nbclient import NotebookClient

from tooling.noise import strip_noise
from tooling.pages import ROOT, notebook_pages


@pytest.mark.parametrize("notebook", notebook_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_executes_without_errors_or_warnings(notebook):
    nb = jupytext.read(notebook)
    client = NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    )
    env = dict(os.environ)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONPATH"] = str(ROOT)
    client.execute(env=env)  # a failing cell raises CellExecutionError naming the cell

    stderr = [
        strip_noise(out["text"])
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]
    assert not "".join(stderr).strip(), f"{notebook.name} wrote to stderr:\n{''.join(stderr)}"
    kinds = {out["output_type"] for cell in nb.cells for out in cell.get("outputs", [])}
    assert kinds, f"{notebook.name} produced no output at all"
