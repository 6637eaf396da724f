"""The built site in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site is served from 127.0.0.1 by the tests. Screenshots and the page-budget figures are
written to artifacts/ (ignored by git). Without Chromium these tests skip and say how to get it;
`make test` installs it when it runs as root, as on CI.
"""

import contextlib
import hashlib
import json
import os
import statistics
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tooling.chromium import CHROMIUM, CHROMIUM_ARGS
from tooling.pagerun import CACHE, cache_enabled, page_steps
from tooling.pages import DOCS, ROOT, notebook_pages

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found: install Debian's package (apt-get install chromium) or set "
    "CHROMIUM=/path/to/it; `make test` installs it automatically when run as root",
)
ARTIFACTS = ROOT / "artifacts"
BUDGET = {"bytes": 1.5e6, "requests": 40}
BROWSER_CACHE = CACHE.parent / "browser"


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


SEARCH_INDEX = "/search/search_index.json"


def _empty_search_index(built_site) -> str:
    """The site's search index with no documents: same configuration, nothing to index."""
    index = json.loads((built_site / SEARCH_INDEX.lstrip("/")).read_text(encoding="utf-8"))
    return json.dumps({**index, "docs": []})


class _WatchedTab:
    """A browser tab that reports, for each page it loads, console errors, failed requests and
    requests to other hosts (those are refused).

    Every request goes through the route below, and a routed request bypasses the HTTP cache
    (Playwright's ``page.route``), so each page loads as on a first visit although the sweep
    reuses a few tabs of one context: a new tab per page took about 70 % more of Chromium's
    CPU (a renderer started for every page), a context per page more still.

    Every page's search worker fetches the whole site's search index and builds its lunr
    index from it: the same file and the same work on every page, which took more of the
    sweep's CPU than the pages themselves. The sweep serves the worker ``search_index``
    (the index without documents) instead; the search test loads and uses the real one."""

    def __init__(self, context, search_index: str):
        self.page = page = context.new_page()
        self.seen: dict[str, list] = {}
        page.on("console", lambda msg: msg.type == "error" and self.seen["console errors"].append(msg.text))
        page.on("pageerror", lambda exc: self.seen["console errors"].append(str(exc)))
        page.on("requestfailed", lambda req: self.seen["failed"].append(req.url))
        page.on("response", lambda res: res.status >= 400 and self.seen["failed"].append(f"{res.status} {res.url}"))

        def only_local(route):
            parsed = urlparse(route.request.url)
            if parsed.hostname == "127.0.0.1" and parsed.path == SEARCH_INDEX:
                route.fulfill(status=200, content_type="application/json", body=search_index)
            elif route.request.url.startswith("data:") or parsed.hostname == "127.0.0.1":
                route.continue_()
            else:
                self.seen["requests to other hosts"].append(route.request.url)
                route.abort()

        page.route("**/*", only_local)

    def start(self, url: str) -> None:
        """Start loading ``url``; returns once the navigation started: the rest loads meanwhile."""
        self.seen.update({"console errors": [], "requests to other hosts": [], "failed": []})
        self.page.goto(url, wait_until="commit")

    def finish(self) -> dict[str, list]:
        """Wait until the page has loaded and its network is quiet; what was seen meanwhile."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_load_state("networkidle")
        return self.seen


def _sweep_keys(browser, built_site) -> dict[str, str]:
    """Each page's cache key: its HTML, every file the pages share (scripts, styles, images),
    this test module and the browser's version. Notebook downloads, the search index (see the
    search test) and the sitemap (it holds the build date) are not loaded by a page."""
    own = {"sitemap.xml", "sitemap.xml.gz", SEARCH_INDEX.lstrip("/")}
    shared = hashlib.sha256(f"{browser.version}\n".encode() + Path(__file__).read_bytes())
    for file in sorted(built_site.rglob("*")):
        rel = file.relative_to(built_site).as_posix()
        if file.is_file() and file.suffix not in (".html", ".ipynb") and rel not in own:
            shared.update(rel.encode() + hashlib.sha256(file.read_bytes()).digest())
    keys = {}
    for path in site_pages(built_site):
        html = built_site / path.strip("/") / "index.html"
        keys[path] = hashlib.sha256(shared.digest() + html.read_bytes()).hexdigest()
    return keys


def test_every_page_loads_cleanly_offline_and_within_budget(browser, site_url, built_site):
    """Every page, from a cold browser cache: no console error, no failed request, nothing from
    another host, and the median page within the budget. A page whose HTML and shared files are
    unchanged since it last passed is not loaded again (``.cache/browser``, like page runs;
    ``PAGERUN_CACHE=0`` loads every page)."""
    keys = _sweep_keys(browser, built_site)
    cache = BROWSER_CACHE if cache_enabled(os.environ) else None
    problems, figures = [], {}
    for path, key in keys.items():
        with contextlib.suppress(OSError, ValueError):
            if cache:
                figures[path] = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
    paths = [path for path in keys if path not in figures]
    search_index = _empty_search_index(built_site)
    context = browser.new_context()
    at_once = 8  # pages loading together: each mostly waits for its network to go quiet
    tabs = [_WatchedTab(context, search_index) for _ in range(min(at_once, len(paths)))]
    for first in range(0, len(paths), at_once):
        batch = list(zip(paths[first : first + at_once], tabs, strict=False))
        for path, tab in batch:
            tab.start(site_url + path)
        for path, tab in batch:
            seen = tab.finish()
            figures[path] = tab.page.evaluate(
                """(searchIndex) => {
                    const nav = performance.getEntriesByType('navigation')[0];
                    const res = performance.getEntriesByType('resource');
                    const own = res.filter(r => !r.name.endsWith(searchIndex));
                    return {
                        bytes: nav.transferSize + own.reduce((s, r) => s + r.transferSize, 0),
                        requests: 1 + res.length,
                        dcl_ms: nav.domContentLoadedEventEnd - nav.startTime,
                    };
                }""",
                SEARCH_INDEX,
            )
            found = [f"{path}: {kind}: {items}" for kind, items in seen.items() if items]
            if cache and not found:
                cache.mkdir(parents=True, exist_ok=True)
                (cache / f"{keys[path]}.json").write_text(json.dumps(figures[path]), encoding="utf-8")
            problems += found
    context.close()

    # A first visit downloads the real search index too: count its size on every page.
    index_bytes = (built_site / SEARCH_INDEX.lstrip("/")).stat().st_size
    figures = {path: {**f, "bytes": f["bytes"] + index_bytes} for path, f in figures.items()}
    summary = {
        key: statistics.median(f[key] for f in figures.values()) for key in ("bytes", "requests", "dcl_ms")
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-budget.json").write_text(json.dumps({"median": summary, "pages": figures}, indent=2))
    assert not problems, "\n".join(problems)
    # Sizes and request counts are deterministic; load time is recorded above, not asserted
    # (pages load eight at a time, so dcl_ms compares pages, it is not a lone first visit).
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
    notebooks = [p.relative_to(DOCS).with_suffix("").as_posix() for p in notebook_pages()]  # the tutorials
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
