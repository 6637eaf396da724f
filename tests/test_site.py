"""The site builds with --strict and no warnings, shows all the code, and loads nothing remotely.

The second half builds small throwaway sites with the real configuration to check that bad
input (a missing snippet or section, a broken link or anchor, a failing notebook cell)
fails the build with a message that names the file.
"""

import itertools
import json
import re
import textwrap
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlparse

import pytest
import yaml
from mkdocs.utils.yaml import yaml_load

from tests.sitebuild import mkdocs_build
from tooling import run_times
from tooling.pagerun.key import parse
from tooling.pagerun.steps import page_steps, reading_paths
from tooling.pages import ROOT, markdown_pages, notebook_pages, read_blocks, read_sections, snippet_files


def test_site_builds_strict_with_no_warnings(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "foundations" / "tensors" / "index.html").is_file()


class _Requests(HTMLParser):
    """URLs a browser fetches while loading a page (not the links a reader may click)."""

    FETCHING: ClassVar = {"script", "img", "iframe", "source", "audio", "video", "embed", "track"}
    LINK_RELS: ClassVar = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "preconnect", "dns-prefetch"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.FETCHING and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and set((attrs.get("rel") or "").split()) & self.LINK_RELS and attrs.get("href"):
            self.urls.append(attrs["href"])


def test_pages_request_nothing_from_other_hosts(built_site):
    remote = []
    for html in built_site.rglob("*.html"):
        parser = _Requests()
        parser.feed(html.read_text(encoding="utf-8"))
        remote += [f"{html.relative_to(built_site)}: {u}" for u in parser.urls if urlparse(u).netloc]
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"""(?:url\(|@import\s+)['"]?([^'")\s]+)""", css.read_text(encoding="utf-8")):
            if urlparse(url).netloc:
                remote.append(f"{css.relative_to(built_site)}: {url}")
    assert not remote, "the built site must work offline:\n" + "\n".join(remote)


def test_tensors_page_has_linked_framework_tabs_and_real_output(built_site):
    html = (built_site / "foundations" / "tensors" / "index.html").read_text(encoding="utf-8")
    labels = re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', html)
    assert labels and set(labels) == {"TensorFlow", "PyTorch"}, labels
    output = (ROOT / "snippets/foundations/outputs/tensors/torch_numpy.txt").read_text(encoding="utf-8")
    assert output.splitlines()[0].split("(")[0] in html  # the captured output is on the page


@pytest.mark.parametrize("notebook", notebook_pages(), ids=lambda p: p.name)
def test_notebook_pages_show_outputs_and_offer_an_ipynb(built_site, notebook):
    rel = notebook.relative_to(ROOT / "docs").with_suffix("")
    page = built_site / rel / "index.html"
    html = page.read_text(encoding="utf-8")
    # Plots are PNG files beside the page (tooling/mkdocs_hooks.py), with alt text.
    plots = re.findall(r"<img alt=(\"[^\"]+\"|'[^']+') [^>]*src=\"(plot-[0-9a-f]{12}\.png)\"", html)
    assert "jp-OutputArea" in html and plots and all((page.parent / plot).is_file() for _, plot in plots)
    # nbconvert's stylesheet is one shared file, not inline in every tutorial.
    assert '<style type="text/css">' not in html and re.search(r'href="[./]*assets/notebook\.[0-9a-f]+\.css"', html)
    assert f'href="{notebook.stem}.ipynb"' in html
    ipynb = json.loads((page.parent / f"{notebook.stem}.ipynb").read_text(encoding="utf-8"))
    assert ipynb["nbformat"] == 4 and ipynb["cells"]


def test_every_page_with_code_says_how_long_its_code_ran(built_site):
    """From tests/durations.json (make durations), per reading path and tutorial, with the CPU."""
    times = run_times.recorded()
    unrecorded, missing = [], []
    for source in [*markdown_pages(), *notebook_pages()]:
        rel = source.relative_to(ROOT).as_posix()
        if source.suffix == ".md" and not any(page_steps(source, path) for path in reading_paths(source)):
            continue  # no code on this page
        text = run_times.sentence(rel, times)
        if text is None:
            unrecorded.append(rel)
            continue
        folder = source.relative_to(ROOT / "docs").with_suffix("")
        folder = folder.parent if folder.name == "index" else folder
        if html_escape(text, quote=False) not in (built_site / folder / "index.html").read_text(encoding="utf-8"):
            missing.append(rel)
    assert not unrecorded, f"no recorded run time (run `make durations`): {unrecorded}"
    assert not missing, f"the run time is not shown: {missing}"
    tensors = run_times.sentence("docs/foundations/tensors.md", times)
    shown = r"Its code ran in [\d.]+\ss \(TensorFlow tabs\) and [\d.]+\ss \(PyTorch tabs\), .+ on .+"
    assert re.fullmatch(shown, tensors), tensors


def test_every_snippet_section_is_shown_on_a_page():
    shown = set()
    for page in markdown_pages():
        for block in read_blocks(page):
            shown |= {(inc.rel, inc.section) for inc in block.includes}
    missing = []
    for snippet in snippet_files():
        rel = snippet.relative_to(ROOT).as_posix()
        sections = read_sections(snippet)
        if not sections:
            missing.append(f"{rel} (no sections)")
        if (rel, None) in shown:
            continue
        missing += [f"{rel}:{name}" for name in sections if (rel, name) not in shown]
    assert not missing, "snippet code that no page shows:\n" + "\n".join(missing)


# --------------------------------------------------------------------------- bad input


def mini_site(tmp_path: Path, pages: dict[str, str], **settings) -> Path:
    """A throwaway site using the real mkdocs.yml, with only ``pages`` in it."""
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = tmp_path / "docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(textwrap.dedent(text), encoding="utf-8")
    config.update(
        docs_dir=str(docs),
        nav=list(pages),
        hooks=[str(ROOT / h) for h in config["hooks"]],
        extra_css=[],
    )
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config["watch"] = []
    config.update(settings)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocs-jupyter" in plugin:
            plugin["mkdocs-jupyter"]["cache_dir"] = str(tmp_path / "cache")
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.dump(config), encoding="utf-8")
    return path


# What a mini-site build reads besides tooling/ and the test module: reused while unchanged.
MINI_SITE = pytest.mark.program(
    "mkdocs.yml", "overrides", "includes", "snippets.foundations.tensors", "snippets.ner.data"
)


def build_fails(tmp_path: Path, pages: dict[str, str]) -> str:
    proc = mkdocs_build(mini_site(tmp_path, pages), tmp_path / "site")
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"the build should have failed:\n{log}"
    return log


def include_page(target: str) -> str:
    return f'# Page\n\n```{{.python notest}}\n--8<-- "{target}"\n```\n'


@MINI_SITE
def test_missing_snippet_file_fails_the_build(tmp_path):
    log = build_fails(tmp_path, {"index.md": include_page("snippets/nowhere.py:x")})
    assert "snippets/nowhere.py" in log


@MINI_SITE
def test_missing_snippet_section_fails_the_build(tmp_path):
    log = build_fails(tmp_path, {"index.md": include_page("snippets/foundations/tensors.py:no_such_section")})
    assert "no_such_section" in log and "tensors.py" in log


@MINI_SITE
def test_broken_links_and_anchors_fail_the_build_each_named(tmp_path):
    pages = {
        "index.md": "# Page\n\nSee [the missing page](missing.md).\n",
        "anchor.md": "# Anchor\n\nSee [a section](other.md#nowhere).\n",
        "other.md": "# Other\n\n## Somewhere\n",
    }
    log = build_fails(tmp_path, pages)  # one strict build reports every broken reference
    assert re.search(r"index\.md.*missing\.md", log), log
    assert re.search(r"anchor\.md.*#nowhere", log), log


@MINI_SITE
def test_notebook_cell_that_raises_fails_the_build(tmp_path):
    notebook = """\
        # %% [markdown]
        # # Broken tutorial

        # %%
        raise ValueError("this cell is broken on purpose")
        """
    log = build_fails(tmp_path, {"index.md": "# Home\n", "broken.py": notebook})
    assert "broken.py" in log and "this cell is broken on purpose" in log


@MINI_SITE
def test_notebook_that_warns_fails_the_build(tmp_path):
    notebook = """\
        # %% [markdown]
        # # Noisy tutorial

        # %%
        import warnings

        warnings.warn("this cell warns on purpose", UserWarning)
        """
    log = build_fails(tmp_path, {"index.md": "# Home\n", "noisy.py": notebook})
    assert "noisy.py" in log and "wrote to stderr" in log and "this cell warns on purpose" in log


def test_a_notebooks_cache_key_follows_the_snippets_it_imports():
    from tooling.mkdocs_hooks import notebook_dependency_key
    from tooling.pagerun.key import snippet_closure, with_data_files

    tutorial = ROOT / "docs" / "ner" / "tutorial.py"
    files = {p.relative_to(ROOT).as_posix() for p in with_data_files(snippet_closure([tutorial.read_text()]))}
    assert {"snippets/ner/data.py", "snippets/ner/schemes.py", "snippets/ner/corpus/train.txt"} <= files
    assert len(notebook_dependency_key(tutorial)) == 64


CODE_WIDTH = 80  # wider lines need a horizontal scroll bar in the page's code column


def test_code_shown_on_pages_fits_the_column():
    import jupytext

    from tooling.pagerun.steps import page_steps

    wide = []
    for page in markdown_pages():
        for step in page_steps(page):
            for offset, line in enumerate(step.code.splitlines()):
                if len(line) > CODE_WIDTH:
                    wide.append(f"{step.filename}:{step.first_line + offset}: {len(line)} columns")
    for notebook in notebook_pages():
        for cell in jupytext.read(notebook).cells:
            if cell.cell_type == "code":
                wide += [f"{notebook.name}: {line!r}" for line in cell.source.splitlines() if len(line) > CODE_WIDTH]
    assert not wide, f"code lines wider than {CODE_WIDTH} columns:\n" + "\n".join(wide)


@MINI_SITE
def test_a_good_mini_site_builds_and_repo_url_adds_edit_and_colab_links(tmp_path):
    notebook = "# %% [markdown]\n# # A notebook\n\n# %%\nprint(6 * 7)\n"
    code = "# Code\n\n```python\nfrom snippets.ner.data import parse_conll\n```\n"
    config = mini_site(
        tmp_path,
        # The good counterpart of the failing builds below: an include, a notebook, code.
        {"index.md": include_page("snippets/foundations/tensors.py:tf_create"), "group/lesson.py": notebook,
         "group/code.md": code},
        repo_url="https://github.com/example/dl-site",
        edit_uri="edit/main/docs/",
    )
    proc = mkdocs_build(config, tmp_path / "site", {"SITE_COMMIT": "abc123"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/dl-site/edit/main/docs/index.md"' in home
    assert 'data-md-component="source"' not in home  # no GitHub API request for stars
    lesson = (tmp_path / "site" / "group" / "lesson" / "index.html").read_text(encoding="utf-8")
    colab = "https://colab.research.google.com/github/example/dl-site/blob/gh-pages/group/lesson/lesson.ipynb"
    assert f'href="{colab}"' in lesson
    assert "Outputs on this page were produced with Python" in lesson
    # A Markdown page with code: its notebook, in Colab, fetches the repository at the commit.
    page = tmp_path / "site" / "group" / "code"
    colab = "https://colab.research.google.com/github/example/dl-site/blob/gh-pages/group/code/code.ipynb"
    assert f'href="{colab}"' in (page / "index.html").read_text(encoding="utf-8")
    setup = json.loads((page / "code.ipynb").read_text(encoding="utf-8"))["cells"][1]["source"]
    assert "https://github.com/example/dl-site/archive/abc123.zip" in "".join(setup)


def test_snippet_modules_that_are_imported_do_no_work_at_import():
    """A module that a page, a test, a notebook or another snippet imports only defines things.

    Pages run their code as blocks; importing a module must not train or print a second time.
    """
    import ast

    from tooling.pagerun.key import snippet_closure

    sources = [p.read_text(encoding="utf-8") for p in [*ROOT.glob("tests/**/*.py"), *notebook_pages()]]
    sources += [p.read_text(encoding="utf-8") for p in snippet_files()]
    sources += [block.content for page in markdown_pages() for block in read_blocks(page) if block.is_python]
    quiet = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
    working = []
    for module in sorted(m for m in snippet_closure(sources) if m.is_relative_to(ROOT / "snippets")):
        for node in parse(module.read_text(encoding="utf-8")).body:
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            main_guard = isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
            if not (isinstance(node, quiet) or docstring or main_guard):
                working.append(f"{module.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node).splitlines()[0]}")
    assert not working, "imported snippet modules must only define things at top level:\n" + "\n".join(working)


# --------------------------------------------------------------------------- glossary

GLOSSARY = ROOT / "docs" / "glossary.md"
# Abbreviations that pymdownx.snippets appends to every page: hover definitions of the
# glossary's terms, rendered as tooltips by Material's content.tooltips.
ABBREVIATIONS = "includes/abbreviations.md"
ABBREVIATION = re.compile(r"\*\[(?P<term>[^\]\n]+)\]: (?P<title>\S.*\S)")
GLOSSARY_HEADING = re.compile(r"^### (?P<name>.+?) \{#(?P<anchor>[a-z0-9_-]+)\}$")
NOT_IN_A_TITLE = set('"`*_[]<>')  # the title is an HTML attribute, shown as plain text


def glossary_entries() -> list[tuple[str, str, str]]:
    """(name, anchor, body) of each ``### Name {#anchor}`` entry of the glossary page."""
    entries, malformed = [], []
    for part in GLOSSARY.read_text(encoding="utf-8").split("\n### ")[1:]:
        heading, _, body = part.partition("\n")
        match = GLOSSARY_HEADING.match("### " + heading)
        if not match:
            malformed.append(heading)
            continue
        entries.append((match["name"].replace("`", ""), match["anchor"], body.split("\n## ")[0]))
    assert not malformed, f"glossary headings need an explicit anchor, {{#name}}: {malformed}"
    return entries


def test_glossary_entries_are_alphabetical_with_unique_anchors():
    entries = glossary_entries()
    names = [name.lower() for name, _, _ in entries]
    assert names == sorted(names), [f"{a} before {b}" for a, b in itertools.pairwise(names) if a > b]
    anchors = [anchor for _, anchor, _ in entries]
    assert len(anchors) == len(set(anchors)), sorted(a for a in anchors if anchors.count(a) > 1)


def test_glossary_hover_terms_are_well_formed_and_each_has_a_glossary_entry():
    lines = [line for line in (ROOT / ABBREVIATIONS).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines, f"{ABBREVIATIONS} defines no hover terms"
    # What an entry answers to: its name without a "(qualifier)", and its *emphasised* other names.
    names = {}
    for name, anchor, body in glossary_entries():
        names[re.sub(r"\s*\(.*\)$", "", name).lower()] = anchor
        names.update({other.lower(): anchor for other in re.findall(r"\*([^*\n]+)\*", body)})
    problems, seen = [], set()
    for number, line in enumerate(lines, start=1):
        match = ABBREVIATION.fullmatch(line)
        if not match:
            problems.append(f"line {number}: not '*[term]: plain-text title': {line!r}")
            continue
        term, title = match["term"], match["title"]
        if term in seen:
            problems.append(f"line {number}: {term!r} is defined twice")
        seen.add(term)
        if NOT_IN_A_TITLE & set(title) or len(title) > 120:
            problems.append(f"line {number}: the title of {term!r} must be plain text of 120 characters at most")
        singular = {term, term.removesuffix("s"), term.removesuffix("es")}
        if not {t.lower() for t in singular} & names.keys():
            problems.append(f"line {number}: {term!r} has no entry on the glossary page")
    assert not problems, "\n".join(problems)


SITE_CONFIG = ROOT / "mkdocs.yml"


def test_glossary_is_in_the_nav_and_its_hover_terms_reach_every_page():
    config = yaml_load(SITE_CONFIG.read_text(encoding="utf-8"))

    def nav_pages(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from nav_pages(value) if isinstance(value, list) else [value]

    assert "glossary.md" in set(nav_pages(config["nav"]))
    assert "content.tooltips" in config["theme"]["features"]
    extensions = {}
    for entry in config["markdown_extensions"]:
        extensions.update(entry if isinstance(entry, dict) else {entry: {}})
    assert "abbr" in extensions
    snippets = extensions["pymdownx.snippets"]
    appended = [
        base / name for base in (ROOT / b for b in snippets["base_path"]) for name in snippets.get("auto_append", [])
    ]
    assert (ROOT / ABBREVIATIONS).resolve() in [path.resolve() for path in appended if path.is_file()]
