"""Every claim a Performance page shows has a measurement, and the hook fails loudly without one.

That every claim the snippet files define has its section on a page is checked inside each
page's run (tests/performance/test_tf_cpu.py, test_torch_cpu.py, test_frameworks.py).
"""

import json

import pytest
from mkdocs.exceptions import PluginError

from tooling import perf_results
from tooling.pages import DOCS

PAGES = sorted((DOCS / "performance").glob("*.md"))
RESULTS = DOCS / "performance" / "results"


def markers():
    for page in PAGES:
        for line in page.read_text(encoding="utf-8").splitlines():
            if match := perf_results.MARKER.match(line):
                yield page, match["kind"], match["file"], match["ids"].split()


def test_every_claim_shown_on_a_page_is_measured_in_the_results():
    for page, kind, name, ids in markers():
        results = json.loads((RESULTS / name).read_text(encoding="utf-8"))
        if kind != "machine":
            assert ids, f"{page.name}: a {kind} marker names no claim"
            ids = list(results["claims"]) if ids == ["*"] else ids
            missing = [i for i in ids if i not in results["claims"]]
            assert not missing, f"{page.name}: {name} lacks {missing}"


def test_every_measured_claim_has_its_own_section_and_the_machine_is_recorded():
    results = json.loads((RESULTS / "cpu.json").read_text(encoding="utf-8"))
    named = {i for _page, _kind, _name, ids in markers() if ids != ["*"] for i in ids}
    assert set(results["claims"]) == named
    assert {"cpu_model", "cpu_flags", "cores", "load_average", "versions", "date"} <= set(results["machine"])
    assert (RESULTS / "speedups.png").is_file()


def test_the_gpu_page_says_its_numbers_are_not_measured():
    text = (DOCS / "performance" / "gpu.md").read_text(encoding="utf-8")
    assert "Not yet measured on a GPU" in text and "perf-claims" not in text


@pytest.fixture
def page_md(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "cpu.json").write_text((RESULTS / "cpu.json").read_text(encoding="utf-8"))
    return tmp_path / "page.md"


def test_hook_renders_tables_with_verdicts(page_md):
    text = "# T\n\n<!-- perf-machine: cpu.json -->\n\n    <!-- perf-claims: cpu.json tf_function -->\n"
    text += "<!-- perf-rates: cpu.json torch_matmul_bf16 tf_mlp_train -->\n"
    html = perf_results.render(text, page_md, "docs/x.md")
    results = json.loads((RESULTS / "cpu.json").read_text(encoding="utf-8"))
    assert "<!--" not in html
    assert f"**{results['claims']['tf_function']['verdict']}** |" in html
    assert "\n    | Claim | Baseline → optimized |" in html  # indentation kept inside tabs
    assert "GFLOP/s" in html and "samples/s" in html and "of fp32 peak" in html
    assert results["machine"]["cpu_model"] in html


def test_hook_fails_on_a_missing_results_file(page_md):
    with pytest.raises(PluginError, match=r"docs/x.md:3: results file gpu.json is missing"):
        perf_results.render("# T\n\n<!-- perf-claims: gpu.json tf_function -->\n", page_md, "docs/x.md")


def test_hook_fails_on_a_missing_claim(page_md):
    with pytest.raises(PluginError, match=r"docs/x.md:1: cpu.json has no measurement for claim\(s\) made_up"):
        perf_results.render("<!-- perf-claims: cpu.json tf_function made_up -->\n", page_md, "docs/x.md")
    with pytest.raises(PluginError, match="name the claims"):
        perf_results.render("<!-- perf-rates: cpu.json -->\n", page_md, "docs/x.md")


def test_hook_is_registered_and_reads_the_page_path(page_md):
    from mkdocs.utils.yaml import yaml_load

    from tooling.pages import ROOT

    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "tooling/perf_results.py" in config["hooks"]

    class File:
        abs_src_path = str(page_md)
        src_uri = "performance/x.md"

    class Page:
        file = File()

    with pytest.raises(PluginError, match=r"docs/performance/x\.md:1: results file none\.json is missing"):
        perf_results.on_page_markdown("<!-- perf-machine: none.json -->", Page(), {}, None)
