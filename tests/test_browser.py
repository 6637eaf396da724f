"""The built site in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site is served from 127.0.0.1 by the tests. Screenshots and the page-budget figures are
written to artifacts/ (ignored by git). Without Chromium these tests skip and say how to get it;
`make test` installs it when it runs as root, as on CI.
"""

import json
import os
import shutil
import statistics
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from tooling.pagerun import page_steps
from tooling.pages import DOCS, ROOT

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found: install Debian's package (apt-get install chromium) or set "
    "CHROMIUM=/path/to/it; `make test` installs it automatically when run as root",
)
# Without the background-networking flags Chromium tries to reach Google's services on start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "artifacts"
BUDGET = {"bytes": 1.5e6, "requests": 40}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page = context.new_page()
    yield page
    context.close()


def site_pages(built_site) -> list[str]:
    """URL paths of every page of the built site."""
    paths = []
    for html in sorted(built_site.rglob("index.html")):
        rel = html.parent.relative_to(built_site).as_posix()
        paths.append("/" if rel == "." else f"/{rel}/")
    return paths


def screenshot(page, name: str) -> None:
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "screenshots" / f"{name}.png", full_page=True)


def test_every_page_loads_cleanly_offline_and_within_budget(browser, site_url, built_site):
    problems, figures = [], {}
    for path in site_pages(built_site):
        # A fresh context per page: a cold cache, as for a first visit.
        context = browser.new_context()
        page = context.new_page()
        errors, foreign, failed = [], [], []
        page.on("console", lambda msg, errors=errors: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on("requestfailed", lambda req, failed=failed: failed.append(req.url))
        page.on("response", lambda res, failed=failed: res.status >= 400 and failed.append(f"{res.status} {res.url}"))

        def only_local(route, foreign=foreign):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith("data:") or host == "127.0.0.1":
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        page.goto(site_url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        timing = page.evaluate(
            """() => {
                const nav = performance.getEntriesByType('navigation')[0];
                const res = performance.getEntriesByType('resource');
                return {
                    bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
                    requests: 1 + res.length,
                    dcl_ms: nav.domContentLoadedEventEnd - nav.startTime,
                };
            }"""
        )
        figures[path] = timing
        for kind, items in (("console errors", errors), ("requests to other hosts", foreign), ("failed", failed)):
            if items:
                problems.append(f"{path}: {kind}: {items}")
        context.close()

    summary = {
        key: statistics.median(f[key] for f in figures.values()) for key in ("bytes", "requests", "dcl_ms")
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-budget.json").write_text(json.dumps({"median": summary, "pages": figures}, indent=2))
    assert not problems, "\n".join(problems)
    # Sizes and request counts are deterministic; load time is recorded above, not asserted.
    assert summary["bytes"] <= BUDGET["bytes"], summary
    assert summary["requests"] <= BUDGET["requests"], summary


def test_search_finds_a_term(page, site_url):
    page.goto(site_url + "/")
    page.wait_for_load_state("networkidle")  # the search index is loaded by a web worker
    page.locator("input.md-search__input").click()
    page.keyboard.type("broadcasting", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert any("Broadcasting" in text for text in results.all_inner_texts())
    screenshot(page, "search")


def test_framework_tab_choice_follows_the_reader_to_the_next_page(page, site_url):
    page.goto(site_url + "/foundations/tensors/")
    first_set = page.locator(".tabbed-set").first
    assert first_set.locator(".tabbed-labels label").all_inner_texts() == ["TensorFlow", "PyTorch"]
    first_set.locator(".tabbed-labels label", has_text="PyTorch").click()
    # Linked tabs: every set on this page switches...
    active = page.eval_on_selector_all(
        ".tabbed-set", "sets => sets.map(s => s.querySelector('.tabbed-labels label:nth-of-type(2)') && "
        "s.querySelectorAll('input')[1].checked)"
    )
    assert active and all(active), active
    screenshot(page, "tensors-pytorch-tab")
    # ...and the next page opens on PyTorch too.
    page.goto(site_url + "/installation/")
    checked = page.eval_on_selector_all(".tabbed-set", "sets => sets.map(s => s.querySelectorAll('input')[1].checked)")
    assert checked and all(checked), checked


def test_copy_button_puts_the_code_on_the_clipboard(browser, site_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "/foundations/tensors/")
    block = page.locator(".tabbed-block").first.locator(".highlight").first
    block.hover()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = page_steps(DOCS / "foundations" / "tensors.md")[0].code
    assert copied.strip() == expected.strip()
    context.close()


def test_notebook_pages_show_their_outputs_and_plots(page, site_url, built_site):
    notebooks = sorted(p.parent.relative_to(built_site).as_posix() for p in built_site.rglob("*.ipynb"))
    assert notebooks
    for rel in notebooks:
        page.goto(f"{site_url}/{rel}/")
        assert page.locator(".jp-OutputArea-output").count() > 0
        plots = page.locator(".jp-OutputArea-output img")
        assert plots.count() > 0, f"{rel}: no plot"
        assert plots.first.evaluate("img => img.naturalWidth") > 100
        screenshot(page, rel.replace("/", "-"))


def test_light_dark_toggle_switches_the_palette(page, site_url):
    page.goto(site_url + "/foundations/tensors/")
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme == "default"
    screenshot(page, "tensors-light")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    screenshot(page, "tensors-dark")
    page.goto(site_url + "/")  # the choice is kept
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
