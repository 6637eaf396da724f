"""The built site in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site is served from 127.0.0.1 by the tests. Screenshots and the page-budget figures are
written to artifacts/ (ignored by git). Without Chromium these tests skip and say how to get it;
`make test` installs it when it runs as root, as on CI.

Accessibility is checked with axe-core (bundled by the pinned axe-playwright-python, so no
network is needed): every page, in the light and the dark scheme, must have no violation of
the WCAG 2.1 A and AA rules, and every image must have alt text.
"""

import contextlib
import hashlib
import json
import os
import statistics
import threading
import time
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tooling.chromium import CHROMIUM, CHROMIUM_ARGS
from tooling.pagerun.key import CACHE, cache_enabled
from tooling.pagerun.steps import page_steps
from tooling.pages import DOCS, ROOT, notebook_pages

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found: install Debian's package (apt-get install chromium) or set "
    "CHROMIUM=/path/to/it; `make test` installs it automatically when run as root",
)
ARTIFACTS = ROOT / "artifacts"
# Most of a first visit is the search index, which grows with the site (the median first
# visit was 1.57 MB at 60 pages with the glossary): raise the budget with the site.
BUDGET = {"bytes": 1.8e6, "requests": 40}
# A page's own HTML (what it does not share with the other pages): a notebook tutorial's may be
# at most this many times the median page's. Their stylesheet is shared (tooling/mkdocs_hooks.py).
TUTORIAL_HTML_VS_MEDIAN = 2
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


def tutorial_paths() -> list[str]:
    """URL paths of the notebook tutorials."""
    return [f"/{p.relative_to(DOCS).with_suffix('').as_posix()}/" for p in notebook_pages()]


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
                        html_bytes: nav.transferSize,
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
        key: statistics.median(f[key] for f in figures.values())
        for key in ("bytes", "html_bytes", "requests", "dcl_ms")
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-budget.json").write_text(json.dumps({"median": summary, "pages": figures}, indent=2))
    assert not problems, "\n".join(problems)
    # Sizes and request counts are deterministic; load time is recorded above, not asserted
    # (pages load eight at a time, so dcl_ms compares pages, it is not a lone first visit).
    assert summary["bytes"] <= BUDGET["bytes"], summary
    assert summary["requests"] <= BUDGET["requests"], summary
    heavy = {
        path: figures[path]["html_bytes"]
        for path in tutorial_paths()
        if figures[path]["html_bytes"] > TUTORIAL_HTML_VS_MEDIAN * summary["html_bytes"]
    }
    assert not heavy, f"tutorial pages' HTML over {TUTORIAL_HTML_VS_MEDIAN} × the median page's: {heavy}, {summary}"


# axe-core on the WCAG 2.0 and 2.1 rules, levels A and AA; best practices and AAA are not asked.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Each page is checked in the light scheme, then switched to the dark one with the header's
# palette toggle, as a reader does, and checked again (the media query that picks the first
# scheme is checked in test_light_dark_toggle_switches_the_palette).
SCHEMES = {"light": "default", "dark": "slate"}
PALETTE_TOGGLE = "form[data-md-component=palette] label:visible"
AXE_AT_ONCE = 4  # pages checked together, each in its own tab: axe's time is the renderer's CPU

# In the page: two frames after load (Material's resize observers have made overflowing code
# blocks focusable by then) and once the transitions running then have ended, axe-core's
# verdict and every image's alt text and source. Started here, collected later, so that the
# tabs of a batch work at the same time.
#
# The colour rules are most of axe's time, and a page repeats the same few styles hundreds of
# times (code tokens, line-number links). Elements that look the same get the same verdict, so
# of the elements a colour rule applies to (found by axe's own selector, visibility test and
# matcher), two of every look on the page are checked, and the rest of that look only when
# those two did not both get a verdict (axe leaves some undecided: one letter, an unknown
# background). A look is, for color-contrast, the text's colour, size, weight, style, family,
# shadow, fill and stroke, the backgrounds behind it up to the first opaque one, the opacity,
# filter and blending of every ancestor, and the elements drawn under its first line that are
# not its ancestors; text over an image or a gradient is always checked. For
# link-in-text-block it is the link's look (the above and its decorations, borders, outline,
# background and text transform), its ::before and ::after content, the tag and look of the
# block it sits in, found as axe finds it, and what is behind it (as for color-contrast).
# Every other rule checks every element. Nothing carries from page to page, so a page's
# verdict depends only on the page.
#
# In the dark scheme only axe's colour rules run (``cat.color``): the palette toggle changes
# colours, not the page's structure, names or roles, which the light scheme's run checked.
AXE_START = r"""([tags, colourOnly]) => {
    const KEEP = 2;
    const FONT = ["font-size", "font-weight", "font-style", "font-family"];
    const TEXT = ["color", ...FONT, "text-shadow", "-webkit-text-fill-color", "-webkit-text-stroke-width",
        "-webkit-text-stroke-color"];
    const LINK = [...TEXT, "text-decoration-line", "text-decoration-style", "text-decoration-color",
        "text-decoration-thickness", "border-top-style", "border-top-width", "border-top-color",
        "border-bottom-style", "border-bottom-width", "border-bottom-color", "outline-style", "outline-width",
        "outline-color", "background-color", "background-image", "text-transform"];
    const BLOCK = ["block", "list-item", "table", "flex", "grid", "inline-block"];  // axe's, for links
    const look = (el, props, pseudo) => {
        const style = getComputedStyle(el, pseudo);
        return props.map(p => style.getPropertyValue(p)).join("/");
    };
    const opaque = bg => bg.startsWith("rgb(") || /[ ,/]\s*1\)$/.test(bg);
    const behind = el => {  // null: over an image or a gradient
        const key = [];
        let covered = false;
        for (let node = el; node; node = node.parentElement) {
            const style = getComputedStyle(node);
            key.push(style.opacity, style.filter, style.mixBlendMode);
            if (covered) continue;
            if (style.backgroundImage !== "none") return null;
            key.push(style.backgroundColor);
            covered = opaque(style.backgroundColor);
        }
        const line = el.getClientRects()[0];
        const [x, y] = [line.left + Math.min(line.width / 2, 4), line.top + line.height / 2];
        for (const other of document.elementsFromPoint(x, y)) {
            if (other.contains(el)) continue;
            key.push(other.tagName, other.className, look(other, ["background-color", "background-image"]));
        }
        return key.join("|");
    };
    const isBlock = node => {
        const display = getComputedStyle(node).display;
        return BLOCK.includes(display) || display.startsWith("table-");
    };
    const RULES = {"color-contrast": "data-a11y-check", "link-in-text-block": "data-a11y-check-link"};
    const groups = {"color-contrast": new Map(), "link-in-text-block": new Map()};
    const add = (rule, signature, el) => {
        if (!groups[rule].has(signature)) groups[rule].set(signature, []);
        groups[rule].get(signature).push(el);
    };
    const mark = (rule, elements) => elements.forEach(el => el.setAttribute(RULES[rule], ""));
    const signature = {
        "color-contrast": el => {
            const under = behind(el);
            return under === null ? null : `${look(el, TEXT)}|${under}`;
        },
        "link-in-text-block": el => {
            let block = el.parentElement;
            while (block && !isBlock(block)) block = block.parentElement;
            const around = block ? `${block.tagName}|${look(block, LINK)}` : "";
            const under = behind(el);  // translucent colours blend with what is behind them
            if (under === null) return null;
            const pseudo = ["::before", "::after"].map(where => look(el, ["content"], where));
            return [look(el, LINK), ...pseudo, around, under].join("|");
        },
    };
    // The elements a rule applies to, found by axe's own selector, visibility test and matcher
    // (axe-core's rule objects: internal, so an axe upgrade that changes them fails loudly here).
    // color-contrast's matcher rejects every element but a form field that has no text node of
    // its own with more than white space: those are left out before asking it, to save time.
    const mayHaveText = el => el.matches("input, select, textarea") ||
        [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && /\S/.test(n.data));
    const applicable = rule => [...document.querySelectorAll(rule.selector)].filter(el => {
        if (rule.id === "color-contrast" && !mayHaveText(el)) return false;
        const node = axe.utils.getNodeFromTree(el);
        const shown = node && (!rule.excludeHidden || axe.commons.dom.isVisibleToScreenReaders(node));
        return shown && rule.matches(el, node);
    });
    const pick = () => {
        for (const attribute of Object.values(RULES)) {  // marks of the other scheme's run
            document.querySelectorAll(`[${attribute}]`).forEach(el => el.removeAttribute(attribute));
        }
        axe.reset();  // axe's own selectors again, not those configured below by an earlier run
        // The elements each rule applies to, found in the page's first run and reused in the
        // second: the palette changes colours, not what is shown or where.
        const found = window.__a11yApplicable || {};
        axe.setup(document);
        try {
            for (const id of Object.keys(RULES)) {
                found[id] = found[id] || applicable(axe._audit.rules.find(r => r.id === id));
                for (const el of found[id]) {
                    const key = signature[id](el);
                    if (key === null) mark(id, [el]);  // over an image or a gradient: always checked
                    else add(id, key, el);
                }
            }
        } finally {
            axe.teardown();
        }
        window.__a11yApplicable = found;
        for (const [rule, bySignature] of Object.entries(groups)) {
            for (const elements of bySignature.values()) mark(rule, elements.slice(0, KEEP));
        }
        axe.configure({rules: Object.entries(RULES).map(([id, attribute]) => ({id, selector: `[${attribute}]`}))});
    };
    const recheck = run => {  // each look whose sampled elements did not all get a verdict: the rest of it
        const again = [];
        for (const [rule, bySignature] of Object.entries(groups)) {
            const judged = new Set(["passes", "violations"].flatMap(kind =>
                run[kind].filter(r => r.id === rule).flatMap(r => r.nodes.map(n => n.element))));
            const rest = [...bySignature.values()].filter(els => !els.slice(0, KEEP).every(el => judged.has(el)))
                .flatMap(els => els.slice(KEEP));
            document.querySelectorAll(`[${RULES[rule]}]`).forEach(el => el.removeAttribute(RULES[rule]));
            mark(rule, rest);
            if (rest.length) again.push(rule);
        }
        return again;
    };
    const frames = new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const transitions = () => Promise.race([
        new Promise(done => setTimeout(done, 5000)),
        Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null))),
    ]);
    window.__a11y = frames.then(transitions).then(async () => {
        pick();
        const others = axe.getRules(tags).filter(r => colourOnly && !r.tags.includes("cat.color"));
        const first = await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations", "passes"], elementRef: true,
            rules: Object.fromEntries(others.map(r => [r.ruleId, {enabled: false}])),
        });
        const again = recheck(first);
        const second = again.length
            ? await axe.run(document, {runOnly: {type: "rule", values: again}, resultTypes: ["violations"]})
            : {violations: []};
        return {
            rechecked: again,
            scheme: document.body.getAttribute("data-md-color-scheme"),
            violations: [...first.violations, ...second.violations].map(v => ({
                id: v.id, nodes: v.nodes.map(n => `${n.target.join(" ")}: ${n.failureSummary}`),
            })),
            images: [...document.images].map(img => ({alt: img.getAttribute("alt"), src: img.getAttribute("src")})),
        };
    });
}"""


def alt_text_problems(images: list[dict]) -> list[str]:
    """Images whose alt text is missing, empty, or only their file name."""
    problems = []
    for image in images:
        src, alt = image["src"] or "", (image["alt"] or "").strip()
        name = "" if src.startswith("data:") else Path(urlparse(src).path).name
        if not alt:
            problems.append(f"<img src={src[:80]!r}> has no alt text")
        elif name and alt.lower() in (name.lower(), Path(name).stem.lower()):
            problems.append(f"<img src={src[:80]!r}> has its file name as alt text")
    return problems


# Its work grows with the site, about 4 s of a 2-core machine per page: 200-260 s for 60 pages
# on an AMD EPYC Zen 3 (2026-12-07), where a cold suite with other work beside it passed the
# suite-wide 300 s limit. The limit is there to stop a hang, not to time the check.
A11Y_TIMEOUT_S = 900


@pytest.mark.timeout(A11Y_TIMEOUT_S)
def test_every_page_is_accessible_in_both_schemes(browser, site_url, built_site):
    """No axe-core violation of WCAG 2.1 A/AA on any page, light or dark, and alt text on every
    image. Pages are reused like the sweep's (``.cache/browser``): one that passed is checked
    again when its HTML, a shared file, this module or the bundled axe-core changed."""
    from axe_playwright_python.base import AXE_SCRIPT

    started = time.monotonic()
    axe_hash = hashlib.sha256(AXE_SCRIPT.encode()).hexdigest()
    keys = {
        path: hashlib.sha256(f"{key} {axe_hash}".encode()).hexdigest()
        for path, key in _sweep_keys(browser, built_site).items()
    }
    cache = BROWSER_CACHE if cache_enabled(os.environ) else None
    paths = [path for path, key in keys.items() if not (cache and (cache / f"{key}.a11y").is_file())]
    search_index = _empty_search_index(built_site)
    problems: dict[str, list[str]] = {path: [] for path in paths}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.add_init_script(AXE_SCRIPT)
    tabs = [_WatchedTab(context, search_index) for _ in range(min(AXE_AT_ONCE, len(paths)))]
    for first in range(0, len(paths), AXE_AT_ONCE):
        batch = list(zip(paths[first : first + AXE_AT_ONCE], tabs, strict=False))
        for path, tab in batch:
            tab.start(site_url + path)
        for scheme, body_scheme in SCHEMES.items():
            for _, tab in batch:
                if scheme == "light":
                    tab.page.wait_for_load_state("load")
                else:  # a click event without moving the mouse: no tooltip over the page
                    tab.page.locator(PALETTE_TOGGLE).first.dispatch_event("click")
                tab.page.evaluate(AXE_START, [AXE_TAGS, scheme != "light"])
            for path, tab in batch:
                found = tab.page.evaluate("() => window.__a11y")
                if found["scheme"] != body_scheme:
                    problems[path].append(f"{scheme}: Material shows scheme {found['scheme']!r}, not {body_scheme!r}")
                problems[path] += [f"{scheme}: {v['id']}: {node}" for v in found["violations"] for node in v["nodes"]]
                if scheme == "light":  # the same images in both schemes
                    problems[path] += alt_text_problems(found["images"])
        for path, tab in batch:  # back to light (the choice is stored), so the next page opens light
            tab.page.locator(PALETTE_TOGGLE).first.dispatch_event("click")
            if cache and not problems[path]:  # as it goes: a run cut short keeps what it checked
                cache.mkdir(parents=True, exist_ok=True)
                (cache / f"{keys[path]}.a11y").touch()
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    seconds = round(time.monotonic() - started, 1)
    (ARTIFACTS / "a11y.json").write_text(json.dumps({"pages_checked": len(paths), "seconds": seconds}))
    found = [f"{path}: {line}" for path, lines in problems.items() for line in lines]
    assert not found, f"{len(found)} accessibility problems:\n" + "\n".join(found[:200])


# Looks that a sample could get wrong: one colour at two sizes (large text needs 3:1, small
# 4.5:1), one-letter words that axe leaves undecided before a word it judges, and a link told
# apart from its sentence by colour alone after links that are not in a sentence.
SAMPLING_TRAPS = """<!doctype html><html lang="en"><head><title>Traps</title><style>
body { font: 16px sans-serif; font-feature-settings: "kern", "liga"; }
.grey { color: #949494; } h1.grey { font-size: 32px; }
a { color: #222; text-decoration: none; }
</style></head><body><main>
<h1 id="h1" class="grey">A large grey heading</h1><h1 id="h2" class="grey">Another one</h1>
<p id="small" class="grey">Small grey text, the same colour</p>
<p id="words"><span id="x" class="grey">x</span> and <span id="y" class="grey">y</span> and
<span id="total" class="grey">total</span></p>
<ul id="list"><li id="li1"><a id="a1" href="#a">alone</a></li><li id="li2"><a id="a2" href="#b">alone too</a></li></ul>
<p id="sentence">Some words around <a id="a3" href="#c">a link that looks like the text</a> in a long sentence.</p>
</main></body></html>"""


def test_the_sampled_check_reports_what_a_full_axe_run_reports(page):
    """AXE_START checks a sample of each look: on these traps it must report the same violations
    as axe checking every element, and again on a second run in the same page (the dark scheme's)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.set_content(SAMPLING_TRAPS)
    page.add_script_tag(content=AXE_SCRIPT)
    full = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations
            .flatMap(v => v.nodes.map(n => `${v.id} ${n.target.join(" ")}`))""",
        AXE_TAGS,
    )
    assert {line.split()[0] for line in full} == {"color-contrast", "link-in-text-block"}, full
    for colour_only in (False, True):
        page.evaluate(AXE_START, [AXE_TAGS, colour_only])
        found = page.evaluate("() => window.__a11y")["violations"]
        sampled = [f"{v['id']} {node.split(':')[0]}" for v in found for node in v["nodes"]]
        assert sorted(sampled) == sorted(full)  # every element has an id: axe names it by that


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
    notebooks = tutorial_paths()
    assert notebooks
    for path in notebooks:
        rel = path.strip("/")
        page.goto(f"{site_url}/{rel}/")
        assert page.locator(".jp-OutputArea-output").count() > 0
        plots = page.locator(".jp-OutputArea-output img")
        assert plots.count() > 0, f"{rel}: no plot"
        plots.first.scroll_into_view_if_needed()  # plots load lazily
        assert plots.first.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100
        screenshot(page, rel.replace("/", "-"))


def test_light_dark_toggle_switches_the_palette(page, browser, site_url):
    dark = browser.new_context(color_scheme="dark")  # until the reader chooses, the system's scheme
    dark_page = dark.new_page()
    dark_page.goto(site_url + "/foundations/tensors/")
    assert dark_page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    dark.close()
    page.goto(site_url + "/foundations/tensors/")
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme == "default"
    screenshot(page, "tensors-light")
    page.locator(PALETTE_TOGGLE).first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    screenshot(page, "tensors-dark")
    page.goto(site_url + "/")  # the choice is kept
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"


class _Links(HTMLParser):
    """The local targets a page links to or loads: href and src of a, link, img and script."""

    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if tag in ("a", "link", "img", "script") and name in ("href", "src") and value:
                parsed = urlparse(value)
                if not parsed.scheme and not parsed.netloc and parsed.path:
                    self.targets.append(parsed.path)


def broken_local_links(site: Path) -> list[str]:
    """Every link and resource of every page of ``site`` that leads to no file in it: a file,
    or a folder with an index.html (directory URLs)."""
    broken = []
    for html in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8"))
        for target in parser.targets:
            path = (site / target.lstrip("/")) if target.startswith("/") else (html.parent / target)
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{html.relative_to(site)}: {target}")
    return broken


def test_every_local_link_of_the_site_leads_to_a_file(built_site):
    """MkDocs checks the Markdown pages' links; this also covers the notebook tutorials' links,
    which nbconvert writes as they are, and the theme's."""
    broken = broken_local_links(built_site)
    assert not broken, "\n".join(broken[:50])


def test_the_offline_bundle_works_from_file(browser, offline_site):
    """The download (``make offline``): opened from the file system, with nothing served, its
    pages load with no error and no request to any other host, search finds a term and leads
    to the page, the framework tabs switch, and a notebook link opens the notebook beside it."""
    import nbformat

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, elsewhere = [], []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: errors.append(f"failed: {req.url}"))
    page.on("request", lambda req: req.url.startswith(("file:", "data:")) or elsewhere.append(req.url))

    page.goto((offline_site / "index.html").as_uri())
    page.locator("input.md-search__input").click()  # the index comes from search/search_index.js
    page.keyboard.type("broadcasting", delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert any("Broadcasting" in text for text in results.all_inner_texts())
    results.first.locator("a").first.click()
    page.wait_for_load_state("load")
    assert page.url.startswith((offline_site / "foundations" / "tensors.html").as_uri()), page.url
    screenshot(page, "offline-tensors")

    page.locator(".tabbed-set").first.locator(".tabbed-labels label", has_text="PyTorch").click()
    checked = page.eval_on_selector_all(".tabbed-set", "sets => sets.map(s => s.querySelectorAll('input')[1].checked)")
    assert checked and all(checked), checked

    page.locator("a[href$='-pytorch.ipynb']").first.click()
    page.wait_for_load_state("load")
    notebook = offline_site / "foundations" / "tensors-pytorch.ipynb"
    # Chromium ignores the download attribute on a file:// page and opens the notebook instead.
    assert page.url == notebook.as_uri(), page.url
    nbformat.validate(nbformat.read(notebook, as_version=4))

    for tutorial in tutorial_paths():  # their plots are files beside them
        page.goto((offline_site / f"{tutorial.strip('/')}.html").as_uri())
        plot = page.locator(".jp-OutputArea-output img").first
        plot.scroll_into_view_if_needed()
        assert plot.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100, tutorial
    context.close()
    assert not errors, errors
    assert not elsewhere, elsewhere
    broken = broken_local_links(offline_site)  # every page, not only those opened above
    assert not broken, "\n".join(broken[:50])
