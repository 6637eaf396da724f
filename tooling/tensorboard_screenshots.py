"""Regenerate the pictures of TensorBoard and of a Keras model that the pages show.

``python -m tooling.tensorboard_screenshots`` (``make screenshots``):

1. runs the code of docs/foundations/tensorboard.md (``snippets.foundations.tensorboard``),
   which writes the page's runs: scalars and histograms, a traced ``tf.function`` graph, a
   Keras ``fit`` with the TensorBoard callback, and an exported PyTorch graph;
2. starts the real ``tensorboard`` server on 127.0.0.1 over those runs (each under a short
   name), opens its Scalars and Graphs dashboards in headless Chromium (Debian's package,
   driven by Playwright as in tests/test_browser.py, with every request to another host
   refused) and saves ``docs/foundations/img/tensorboard-scalars.png`` and
   ``tensorboard-graphs.png``; the server is stopped and reaped however this ends;
3. runs the code of docs/tensorflow/functional.md with its temporary folders in an empty
   folder, where its ``keras.utils.plot_model`` call writes the drawing, and copies it to
   ``docs/tensorflow/img/functional-model.png``.

The page test in tests/foundations/test_tensorboard.py uses :func:`tensorboard_server` and
:func:`open_dashboard` to check the dashboards over the page's own runs.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlparse

from tooling.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
# The page's run directories (its globals), under the names TensorBoard will show.
TENSORBOARD_RUNS = {
    "tf_logdir": "tf",
    "tf_graph_logdir": "tf-graph",
    "keras_logdir": "tf-keras",
    "torch_logdir": "torch",
    "torch_graph_logdir": "torch-graph",
}
# TensorBoard imports TensorFlow when it can (seconds of CPU); reading event files and drawing
# graphs does not need it.
_SERVER = (
    "import sys; sys.modules['tensorflow'] = None; "
    "sys.argv[0] = 'tensorboard'; "
    "from tensorboard.main import run_main; run_main()"
)
SERVER_TIMEOUT = 90  # seconds for the server to answer


def gather_runs(page_globals: Mapping[str, object], parent: Path) -> Path:
    """Copy the page's run directories found in ``page_globals`` into ``parent``, one
    subdirectory per run, named as in TENSORBOARD_RUNS; return ``parent``."""
    for variable, name in TENSORBOARD_RUNS.items():
        if variable in page_globals:
            shutil.copytree(str(page_globals[variable]), parent / name)
    return parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def tensorboard_server(logdir: Path, timeout: float = SERVER_TIMEOUT) -> Iterator[str]:
    """Serve ``logdir`` with ``tensorboard`` on 127.0.0.1; yield its address once it answers.
    The server is stopped and reaped on the way out, whatever happened meanwhile."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", _SERVER, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + timeout
            while not _answers(url + "/data/runs"):
                if server.poll() is not None:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-4000:]
                    raise RuntimeError(f"tensorboard exited with {server.returncode}:\n{output}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"tensorboard did not answer on {url} within {timeout} s")
                time.sleep(0.25)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def open_dashboard(context, url: str, dashboard: str):
    """Open TensorBoard's ``dashboard`` (``scalars``, ``graphs``) in a new page of the
    Playwright ``context``. Every request to another host is refused and listed in the
    returned list, with the page's console errors."""
    page = context.new_page()
    foreign, errors = [], []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def only_local(route):
        request_url = route.request.url
        if request_url.startswith("data:") or urlparse(request_url).hostname == "127.0.0.1":
            route.continue_()
        else:
            foreign.append(request_url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{url}/#{dashboard}")
    return page, foreign, errors


def _scalars(page) -> None:
    """Wait until the Scalars dashboard has drawn the charts of loss and w."""
    for tag in ("loss", "w"):
        page.get_by_text(tag, exact=True).first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")


def graph_label(page, name: str):
    """The label of node ``name`` in the graph that the Graphs dashboard draws: an SVG text
    whose title is the node's full name (the label itself may be shortened with an ellipsis)."""
    title = page.locator("title", has_text=re.compile(f"^{re.escape(name)}$"))
    return page.locator("svg text.nodelabel").filter(has=title).first


def _graphs(page) -> None:
    """Wait until the Graphs dashboard has drawn the first run's graph (tf-graph)."""
    graph_label(page, "gradient_tape").wait_for(timeout=30_000)
    page.get_by_text("Main Graph", exact=True).first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")


def screenshot_tensorboard(logdir: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tensorboard_server(logdir) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 720}, color_scheme="light")
            # The Scalars dashboard filtered to the tags the page logged itself: loss and w.
            for dashboard, ready in (("scalars&tagFilter=%5E(loss%7Cw)%24", _scalars), ("graphs", _graphs)):
                page, foreign, errors = open_dashboard(context, url, dashboard)
                dashboard = dashboard.split("&")[0]
                ready(page)
                if foreign or errors:
                    raise RuntimeError(f"TensorBoard's {dashboard}: requests to other hosts {foreign}, errors {errors}")
                page.screenshot(path=out / f"tensorboard-{dashboard}.png")
                print("wrote", (out / f"tensorboard-{dashboard}.png").relative_to(ROOT))
                page.close()
        finally:
            browser.close()


def run_page_code(module: str, folder: Path) -> dict:
    """Run a page's snippet module as a program in ``folder``, with its temporary folders
    made inside ``folder`` too; return its globals."""
    before, before_tmp = os.getcwd(), tempfile.tempdir
    os.chdir(folder)
    tempfile.tempdir = str(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return runpy.run_module(module, run_name="__main__")
    finally:
        os.chdir(before)
        tempfile.tempdir = before_tmp


def main() -> int:
    if CHROMIUM is None:
        print("Chromium not found: apt-get install chromium, or set CHROMIUM=/path/to/it", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="tensorboard-screenshots-") as work:
        work = Path(work)
        page = run_page_code("snippets.foundations.tensorboard", work)
        runs = gather_runs(page, work / "runs")
        screenshot_tensorboard(runs, ROOT / "docs" / "foundations" / "img")

        drawing = work / "functional"
        drawing.mkdir()
        functional = run_page_code("snippets.tensorflow.functional", drawing)
        target = ROOT / "docs" / "tensorflow" / "img" / "functional-model.png"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(functional["drawing"], target)
        print("wrote", target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
