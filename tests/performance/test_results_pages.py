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


def published(pattern="cpu-*.json"):
    files = sorted(RESULTS.glob(pattern))
    assert files, f"no results file {pattern} in {RESULTS}"
    return {path: json.loads(path.read_text(encoding="utf-8")) for path in files}


def test_every_claim_shown_on_a_page_is_measured_on_every_machine():
    for page, kind, pattern, ids in markers():
        if kind == "profile":  # a text report, checked below
            continue
        for path, results in published(pattern).items():
            if kind != "machine":
                assert ids, f"{page.name}: a {kind} marker names no claim"
                ids = list(results["claims"]) if ids == ["*"] else ids
                missing = [i for i in ids if i not in results["claims"]]
                assert not missing, f"{page.name}: {path.name} lacks {missing}"


@pytest.mark.parametrize("kind", ["cpu", "gpu"])
def test_every_measured_claim_has_its_own_section_and_every_machine_is_recorded(kind):
    # A verdicts overview repeats claims shown in full elsewhere: it is no section of its own.
    named = {
        i
        for _page, marker, pattern, ids in markers()
        if marker in ("claims", "rates") and pattern.startswith(f"{kind}-") and ids != ["*"]
        for i in ids
    }
    for path, results in published(f"{kind}-*.json").items():
        assert set(results["claims"]) == named, path.name
        assert results["mode"] == "full", path.name
        machine = results["machine"]
        assert {"cpu_model", "cpu_family", "cpu_model_number", "cpu_flags", "cores", "versions"} <= set(machine)
        assert (machine["gpu"] is not None) == (kind == "gpu"), path.name
        assert path.with_suffix(".png").is_file()
        for claim in results["claims"].values():  # every round recorded, the shown ones among them
            assert len(claim["baseline_rounds_s"]) == len(claim["optimized_rounds_s"]) == claim["rounds"]
            assert claim["baseline_s"] / claim["optimized_s"] == pytest.approx(claim["speedup_median"])


def test_a_pages_verdicts_overview_names_the_claims_its_sections_show_in_their_order():
    overviews = 0
    for page in PAGES:
        found = [(kind, ids) for p, kind, _pattern, ids in markers() if p == page]
        shown = [i for kind, ids in found if kind in ("claims", "rates") for i in ids if i != "*"]
        for kind, ids in found:
            if kind == "verdicts" and ids != ["*"]:
                overviews += 1
                assert ids == list(dict.fromkeys(shown)), page.name
    assert overviews == 3  # the TensorFlow, PyTorch and comparison pages


def test_the_gpu_page_says_which_pytorch_measured_it():
    """pytorch-gpu.md says its PyTorch is not the pinned one: true while every GPU file says so."""
    text = (DOCS / "performance" / "pytorch-gpu.md").read_text(encoding="utf-8")
    pinned = (DOCS.parent / "requirements.txt").read_text(encoding="utf-8").split("torch==")[1].split()[0]
    if "which is not the version this\n    site pins" in text:
        for path, results in published("gpu-*.json").items():
            assert results["machine"]["versions"]["torch"].split("+")[0] != pinned, path.name
    assert "tensorflow" not in {v for r in published("gpu-*.json").values() for v in r["machine"]["versions"]}
    # The one GPU that index.md, gpu.md, pytorch-gpu.md and mixed-precision.md name:
    assert {r["machine"]["gpu"].split(",")[0] for r in published("gpu-*.json").values()} == {"NVIDIA H200"}


@pytest.fixture
def page_md(tmp_path):
    """A page beside the published results and a second, made-up machine's."""
    (tmp_path / "results").mkdir()
    path, results = next(iter(published().items()))
    (tmp_path / "results" / path.name).write_text(json.dumps(results))
    other = json.loads(json.dumps(results))
    other["machine"].update(cpu_model="Other CPU", cpu_family="99", cpu_model_number="1")
    other["claims"]["tf_function"]["verdict"] = "made-up verdict"
    (tmp_path / "results" / "cpu-other-99-1.json").write_text(json.dumps(other))
    return tmp_path / "page.md"


def test_hook_renders_tables_with_verdicts_machines_side_by_side(page_md):
    text = "# T\n\n<!-- perf-machine: cpu-*.json -->\n\n    <!-- perf-claims: cpu-*.json tf_function -->\n"
    text += "<!-- perf-rates: cpu-*.json torch_matmul_bf16 tf_mlp_train -->\n"
    html = perf_results.render(text, page_md, "docs/x.md")
    path, results = next(iter(published().items()))
    assert "<!--" not in html
    mine = f"| {path.stem.removeprefix('cpu-')} |"
    rows = [line for line in html.splitlines() if line.startswith("    | tf.function on small-op code")]
    ours, other = rows if path.name < "cpu-other-99-1.json" else rows[::-1]  # machines in file-name order
    assert mine in ours and "| other-99-1 |" in other
    names = sorted([path.stem.removeprefix("cpu-"), "other-99-1"])
    assert f"| Machine | {names[0]} | {names[1]} |" in html  # one column per machine
    assert f"Other CPU ({results['machine']['cpu_vendor']})" in html
    assert other.endswith("**made-up verdict** |")
    assert ours.endswith(f"**{results['claims']['tf_function']['verdict']}** |")
    assert "\n    | Claim | Machine | Baseline → optimized |" in html  # indentation kept inside tabs
    assert "GFLOP/s" in html and "samples/s" in html and "peak" not in html
    assert "(results/cpu-other-99-1.png)" in html


def made_up_claim(title, framework, verdict, median):
    return {"title": title, "framework": framework, "verdict": verdict, "speedup_median": median}


def test_hook_renders_one_verdict_and_median_per_claim_and_machine(tmp_path):
    (tmp_path / "results").mkdir()
    first = {"a": made_up_claim("claim A", "tensorflow", "faster", 2.3141)}
    first["b"] = made_up_claim("claim B", "pytorch", "slower here", 0.5)
    second = {"a": made_up_claim("claim A", "tensorflow", "no gain here", 1.04)}
    for name, claims in (("m1", first), ("m2", second)):
        (tmp_path / "results" / f"cpu-{name}.json").write_text(json.dumps({"claims": claims}))
    page = tmp_path / "page.md"
    html = perf_results.render("# T\n\n    <!-- perf-verdicts: cpu-*.json * -->\n", page, "docs/x.md")
    assert html.splitlines()[2:] == [
        "    | Claim | Framework | m1 | m2 |",  # one column per machine, indentation kept
        "    | --- | --- | --- | --- |",
        "    | claim A | TensorFlow | **faster**, 2.31× | **no gain here**, 1.04× |",
        "    | claim B | PyTorch | **slower here**, 0.50× | not measured |",  # only with *
    ]
    one = perf_results.render("<!-- perf-verdicts: cpu-m1.json b -->", page, "docs/x.md")
    assert one.splitlines()[2:] == ["| claim B | PyTorch | **slower here**, 0.50× |"]
    with pytest.raises(PluginError, match=r"docs/x.md:1: cpu-m2.json has no measurement for claim\(s\) b"):
        perf_results.render("<!-- perf-verdicts: cpu-*.json a b -->", page, "docs/x.md")


def test_hook_renders_the_published_verdicts_beside_another_machines(page_md):
    html = perf_results.render("<!-- perf-verdicts: cpu-*.json tf_function -->\n", page_md, "docs/x.md")
    path, results = next(iter(published().items()))
    ours = results["claims"]["tf_function"]
    cells = {
        path.stem.removeprefix("cpu-"): f"**{ours['verdict']}**, {ours['speedup_median']:.2f}×",
        "other-99-1": f"**made-up verdict**, {ours['speedup_median']:.2f}×",
    }
    names = sorted(cells)  # machines in file-name order
    assert html.splitlines()[0] == f"| Claim | Framework | {names[0]} | {names[1]} |"
    assert html.splitlines()[2:] == [f"| {ours['title']} | TensorFlow | {cells[names[0]]} | {cells[names[1]]} |"]


def test_hook_fails_without_a_results_file(page_md):
    with pytest.raises(PluginError, match=r"docs/x.md:3: no results file gpu-\*.json"):
        perf_results.render("# T\n\n<!-- perf-claims: gpu-*.json tf_function -->\n", page_md, "docs/x.md")


def test_hook_fails_on_a_missing_claim(page_md):
    match = r"docs/x.md:1: cpu-\S+.json has no measurement for claim\(s\) made_up"
    with pytest.raises(PluginError, match=match):
        perf_results.render("<!-- perf-claims: cpu-*.json tf_function made_up -->\n", page_md, "docs/x.md")
    with pytest.raises(PluginError, match="name the claims"):
        perf_results.render("<!-- perf-rates: cpu-*.json -->\n", page_md, "docs/x.md")
    with pytest.raises(PluginError, match=r"docs/x.md:2: cpu-\S+.json has no measurement for claim\(s\) made_up"):
        perf_results.render("\n<!-- perf-verdicts: cpu-*.json made_up tf_function -->\n", page_md, "docs/x.md")
    with pytest.raises(PluginError, match=r"docs/x.md:1: name the claims to show, or \* for all of cpu-\*.json"):
        perf_results.render("<!-- perf-verdicts: cpu-*.json -->\n", page_md, "docs/x.md")


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

    with pytest.raises(PluginError, match=r"docs/performance/x\.md:1: no results file none\.json"):
        perf_results.on_page_markdown("<!-- perf-machine: none.json -->", Page(), {}, None)


def test_hook_renders_a_verdict_inside_a_sentence_per_machine(tmp_path):
    (tmp_path / "results").mkdir()
    claim = made_up_claim("claim A", "tensorflow", "faster", 2.3141) | {"speedup_min": 1.5, "speedup_max": 3.0}
    (tmp_path / "results" / "cpu-m1.json").write_text(json.dumps({"claims": {"a": claim}}))
    page = tmp_path / "page.md"
    line = "- **Do A**: <!-- perf-verdict: cpu-*.json a --> ([details](x.md)).\n"
    assert perf_results.render(line, page, "docs/x.md") == (
        "- **Do A**: **faster** (2.31×, rounds 1.50–3.00×) ([details](x.md)).\n"
    )
    slower = claim | {"verdict": "slower here", "speedup_median": 0.5, "speedup_min": 0.4, "speedup_max": 0.6}
    (tmp_path / "results" / "cpu-m2.json").write_text(json.dumps({"claims": {"a": slower}}))
    assert perf_results.render(line, page, "docs/x.md") == (
        "- **Do A**: **faster** (2.31×, rounds 1.50–3.00×) on m1; "
        "**slower here** (0.50×, rounds 0.40–0.60×) on m2 ([details](x.md)).\n"
    )
    with pytest.raises(PluginError, match=r"docs/x.md:2: cpu-m1.json has no measurement for claim\(s\) b"):
        perf_results.render("\nSee <!-- perf-verdict: cpu-*.json b -->.", page, "docs/x.md")


def test_the_xla_diagnosis_holds_for_every_published_machine():
    """tensorflow-cpu.md says that `tf.sin` is what made the XLA chain slower: on a machine
    where the data say otherwise, that paragraph must be rewritten, and this test says so."""
    for path, results in published().items():
        claims = results["claims"]
        if claims["tf_xla_pointwise"]["verdict"] == "slower here":
            verdicts = (claims["tf_xla_without_sin"]["verdict"], claims["tf_xla_sin"]["verdict"])
            assert verdicts == ("faster", "slower here"), f"{path.name}: rewrite the XLA diagnosis"


def test_the_torch_compile_diagnosis_holds_for_every_published_machine():
    """frameworks.md says that capturing the graphs alone costs more than eager PyTorch and
    that Inductor wins back part of it: where the data say otherwise, rewrite it."""
    for path, results in published().items():
        capture, compiled = results["claims"]["torch_mlp_train_capture"], results["claims"]["torch_mlp_train"]
        assert (capture["verdict"], compiled["verdict"]) == ("slower here", "slower here"), path.name
        assert capture["speedup_median"] < compiled["speedup_median"], path.name


def profiles():
    """Each published GPU profile report: {claim: {side: its lines}}, split as the hook splits it."""
    reports = {}
    for path in sorted(RESULTS.glob("gpu-*-profile.txt")):
        reports[path] = {}
        for claim, lines in perf_results._sections(path.read_text(encoding="utf-8")).items():
            sides = reports[path][claim] = {}
            for line in lines:
                if not line.startswith("   "):  # "  baseline (...)" starts a side
                    side = sides[line.split()[0]] = []
                side.append(line)
    assert reports, "no GPU profile report"
    return reports


def numbers(lines):
    """kernels, launches, busy ms and wall ms of one side, and its kernels' names."""
    head = " ".join(lines[:2])
    kernels, launches = (int(head.split(f" {w}")[0].split()[-1]) for w in ("kernels", "launches"))
    busy, wall = (float(head.split(w)[0].split()[-1]) for w in (" ms of", " ms wall"))
    names = " ".join(lines[2:])
    return {"kernels": kernels, "launches": launches, "busy": busy, "wall": wall, "names": names, "lines": lines[2:]}


def test_every_gpu_results_file_has_its_profile_of_every_claim():
    for path, results in published("gpu-*.json").items():
        report = profiles()[path.with_name(f"{path.stem}-profile.txt")]
        assert set(report) == set(results["claims"]), path.name
        assert all(set(sides) == {"baseline", "optimized"} for sides in report.values()), path.name


def test_the_gpu_diagnoses_hold_for_every_published_profile():
    """pytorch-gpu.md explains its verdicts from the profiles: which kernels ran, how many,
    how many launches, how busy the GPU was. Where a profile says otherwise, rewrite the text."""
    for path, report in profiles().items():
        side = {(cid, s): numbers(lines) for cid, sides in report.items() for s, lines in sides.items()}
        assert "f32f32_f32f32" in side["gpu_matmul_tf32", "baseline"]["names"], path.name
        assert "tf32" in side["gpu_matmul_tf32", "optimized"]["names"], path.name
        assert "nvjet_sm90" in side["gpu_matmul_bf16", "optimized"]["names"], path.name
        amp = side["gpu_autocast_bf16", "baseline"], side["gpu_autocast_bf16", "optimized"]
        assert amp[1]["kernels"] > amp[0]["kernels"] and "nvjet_sm90" in amp[1]["names"], path.name
        assert "simt" in amp[0]["names"] and "nvjet" not in amp[0]["names"], path.name
        odd = side["gpu_vocab_padding", "baseline"]["names"]
        assert "cutlass_75" in odd and "align1" in odd, path.name
        assert "nvjet_sm90" in side["gpu_vocab_padding", "optimized"]["names"], path.name
        small, big = side["gpu_no_sync_small_step", "baseline"], side["gpu_no_sync_big_step", "baseline"]
        assert small["busy"] < 0.2 * small["wall"] and big["busy"] > 0.4 * big["wall"], path.name
        eager, compiled = side["gpu_compile", "baseline"], side["gpu_compile", "optimized"]
        graphed = side["gpu_cuda_graphs", "optimized"]
        assert compiled["kernels"] < eager["kernels"], path.name
        assert "triton_per_fused_gelu_native_layer_norm" in compiled["names"], path.name
        assert graphed["launches"] < compiled["launches"] / 5, path.name
        nchw, nhwc = side["gpu_channels_last", "baseline"], side["gpu_channels_last", "optimized"]
        assert nchw["kernels"] > nhwc["kernels"], path.name
        conversions = ("nchwToNhwcKernel", "nhwcToNchwKernel")
        assert all(k in nchw["names"] and k not in nhwc["names"] for k in conversions), path.name
        convolution = next(line for line in nhwc["lines"] if "fprop" in line).split("x ", 1)[1]
        assert convolution in nchw["names"], path.name  # the same NHWC convolution kernel


def test_hook_renders_a_claims_profile_per_machine_and_fails_without_one(tmp_path):
    (tmp_path / "results").mkdir()
    report = "device: cuda\na\n  baseline (x): 2 kernels, 1 launches\n    k1\n"
    report += "b\n  baseline (y): 1 kernels, 1 launches\n"
    (tmp_path / "results" / "gpu-m1-profile.txt").write_text(report)
    (tmp_path / "results" / "gpu-m2-profile.txt").write_text(report.replace("k1", "k2"))
    page = tmp_path / "page.md"
    md = perf_results.render("x\n    <!-- perf-profile: gpu-*-profile.txt a -->\n", page, "docs/x.md")
    assert md.splitlines() == [
        "x",
        '    ```text title="a: one call of each side, profiled on m1"',
        "      baseline (x): 2 kernels, 1 launches",
        "        k1",
        "    ```",
        "    ",
        '    ```text title="a: one call of each side, profiled on m2"',
        "      baseline (x): 2 kernels, 1 launches",
        "        k2",
        "    ```",
    ]
    with pytest.raises(PluginError, match=r"docs/x.md:1: gpu-m1-profile.txt has no profile of claim c"):
        perf_results.render("<!-- perf-profile: gpu-*-profile.txt c -->", page, "docs/x.md")
    with pytest.raises(PluginError, match=r"docs/x.md:1: no profile report other-\*.txt"):
        perf_results.render("<!-- perf-profile: other-*.txt a -->", page, "docs/x.md")
