"""Every page with code as a notebook, one per reading path (tooling/notebooks.py, tooling/setup_cell.py).

The page runs (tests/test_pages.py) already execute exactly each notebook's code, setup cell
included, from an empty folder: a notebook's outputs are its page's by construction. Here:
the notebooks are built and offered, their cells are the page's, the setup cell fetches the
repository or says in one sentence why it cannot, and a few ``.ipynb`` files (one per page
group) run as notebooks, with nbclient and a real kernel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from tooling.noise import strip_noise
from tooling.notebooks import notebook_name, notebook_text, page_cells
from tooling.pagerun.inside import notebook_steps
from tooling.pagerun.key import CACHE, cache_enabled, dependencies, digest
from tooling.pagerun.steps import page_steps, reading_paths
from tooling.pages import DOCS, ROOT, markdown_pages, output_path
from tooling.setup_cell import Helpers, setup_code

LOCAL = Helpers(str(ROOT))
# One cheap page per kind of generated notebook, run as .ipynb files by a kernel: a framework
# tab's reading path, a page whose setup cell brings the repository's helper modules, and a
# page that needs neither a framework nor the helpers. Every notebook comes from the same
# generator, and the site build runs the notebook tutorials (TensorFlow and PyTorch) in
# kernels, so more pages here would repeat these three.
EXECUTED = [
    ("foundations/tensors.md", "pytorch"),
    ("performance/methodology.md", None),
    ("ner/schemes.md", None),
]


def offered(page: Path) -> list[tuple[str, str]]:
    """(reading path, notebook file name) for each notebook a page offers."""
    return [(path, notebook_name(page, path)) for path in reading_paths(page) if page_steps(page, path)]


def test_a_tabbed_page_gives_one_notebook_per_framework_with_the_pages_code_and_outputs():
    page = DOCS / "foundations" / "tensors.md"
    assert offered(page) == [("pytorch", "tensors-pytorch.ipynb"), ("tensorflow", "tensors-tensorflow.ipynb")]
    for path in ("tensorflow", "pytorch"):
        text = notebook_text(page, path, LOCAL)
        assert notebook_text(page, path, LOCAL) == text  # deterministic, byte for byte
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        # Exactly what the page run executes, setup cell first.
        assert [cell.source for cell in code] == [step.code.rstrip("\n") for step in notebook_steps(page, path)]
        for cell, step in zip(code[1:], page_steps(page, path), strict=True):
            snippet, _, section = (step.section or "").partition(":")
            shown = output_path(ROOT / snippet, section) if section else None
            expected = shown.read_text(encoding="utf-8") if shown and shown.is_file() else ""
            assert "".join(output.get("text", "") for output in cell.outputs) == expected
        other = {"tensorflow": "torch", "pytorch": "tensorflow"}[path]
        assert all(f"import {other}" not in cell.source for cell in code), f"{path} notebook imports {other}"
        prose = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
        assert "===" not in prose and "--8<--" not in prose


def test_prose_of_the_other_frameworks_tabs_is_left_out(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\nIntro.\n\n"
        '=== "TensorFlow"\n\n    Only for TensorFlow.\n\n    ```python\n    x = 1\n    ```\n\n'
        '=== "PyTorch"\n\n    Only for PyTorch.\n\n    ```python\n    x = 2\n    ```\n\n'
        '!!! note "Remember"\n    Both read this.\n\nEnd.\n',
        encoding="utf-8",
    )
    cells = page_cells(page, "pytorch")
    assert cells == [
        ("markdown", "# Title\n\nIntro.\n\n\nOnly for PyTorch.", ""),
        ("code", "x = 2", ""),
        ("markdown", "**Remember**\n\nBoth read this.\n\nEnd.", ""),
    ]


def test_the_setup_cell_without_network_stops_with_one_sentence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no repository here: the cell must fetch it
    archive = "https://github.com/example/dl-site/archive/abc123.zip"
    code = setup_code({}, Helpers("dl-site-abc123", archive))
    with pytest.raises(SystemExit) as stopped:
        exec(code, {})  # sockets are blocked in this test session, as on a machine offline
    message = str(stopped.value.code)
    assert message.startswith(f"Could not fetch the site's helper modules from {archive} (")
    assert "\n" not in message and message.endswith("in a clone of the repository.")


def test_the_setup_cell_fetches_the_repository_and_works_in_it(tmp_path):
    archive = tmp_path / "repo.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("dl-site-abc123/snippets/__init__.py", "")
        zf.writestr("dl-site-abc123/snippets/hello.py", "ANSWER = 42\n")
    code = setup_code({}, Helpers("dl-site-abc123", archive.as_uri()))
    check = "import os, subprocess, sys\nimport snippets.hello\nprint(snippets.hello.ANSWER, os.getcwd())\n"
    check += "print(subprocess.run([sys.executable, '-m', 'snippets.hello'], check=True).returncode)\n"
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-c", code + check], cwd=work, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"42 {work / 'dl-site-abc123'}", "0"]


def test_every_page_with_code_offers_its_notebooks(built_site):
    missing = []
    for page in markdown_pages():
        rel = page.relative_to(DOCS).with_suffix("")
        folder = built_site / (rel.parent if rel.name == "index" else rel)
        html = (folder / "index.html").read_text(encoding="utf-8")
        for _path, name in offered(page):
            if not (folder / name).is_file() or f'href="{name}" download' not in html:
                missing.append(f"{rel}: {name}")
                continue
            nbformat.validate(nbformat.read(folder / name, as_version=4))
    assert not missing, "pages without their notebook or its download button:\n" + "\n".join(missing)
    assert len(list(built_site.rglob("*.ipynb"))) > len(markdown_pages())


def _executed_key(page: Path, path: str) -> str:
    sections = [step.section.partition(":") for step in page_steps(page, path) if step.section]
    outputs = [output_path(ROOT / snippet, name) for snippet, _, name in sections]
    files = dependencies(page, path) + sorted(p for p in outputs if p.is_file()) + [Path(__file__)]
    return digest(files, f"nbclient {path}")


@pytest.mark.parametrize(("rel", "path"), EXECUTED, ids=[rel for rel, _ in EXECUTED])
def test_a_generated_notebook_runs_as_a_notebook_and_prints_what_it_shows(rel, path, tmp_path):
    """The .ipynb file itself, in a kernel started in an empty folder (reused while unchanged,
    like page runs: ``.cache/nbclient/``, ``PAGERUN_CACHE=0`` to force)."""
    from nbclient import NotebookClient

    page = DOCS / rel
    path = path or reading_paths(page)[0]
    stamp = CACHE.parent / "nbclient" / _executed_key(page, path)
    if cache_enabled(os.environ) and stamp.is_file():
        return
    nb = nbformat.reads(notebook_text(page, path, LOCAL), as_version=4)
    shown = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells if cell.cell_type == "code"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COVERAGE_PROCESS_CONFIG")}
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)  # a kernel without the repository on its path, in an empty folder
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    printed = ["".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout") for cell in code]
    stray = "".join(strip_noise(o["text"]) for cell in code for o in cell.outputs if o.get("name") == "stderr")
    assert printed == shown
    assert not stray, stray
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"page": rel, "path": path}), encoding="utf-8")


def test_the_published_notebooks_fetch_the_repository_at_the_built_commit():
    from tooling.setup_cell import helpers_for_site

    helpers = helpers_for_site("https://github.com/example/dl-site", "abc123")
    assert helpers == Helpers("dl-site-abc123", "https://github.com/example/dl-site/archive/abc123.zip")
    assert helpers_for_site(None, "abc123") == LOCAL
    text = notebook_text(DOCS / "ner" / "data.md", "page", helpers, "https://example.github.io/dl-site/")
    setup = nbformat.reads(text, as_version=4).cells[1].source
    assert "'dl-site-abc123', 'https://github.com/example/dl-site/archive/abc123.zip'" in setup
    prose = "".join(cell.source for cell in nbformat.reads(text, as_version=4).cells if cell.cell_type == "markdown")
    assert "](https://example.github.io/dl-site/ner/" in prose  # links lead to the site
    assert ".md)" not in prose and ".md#" not in prose
