"""MkDocs hook: render the Performance pages' measurements from their JSON files.

A page writes a marker on a line of its own; the hook replaces it with a Markdown table
built from ``results/<file>`` next to the page (``python -m snippets.performance.run``
writes those files):

* ``<!-- perf-machine: cpu.json -->``: the machine, libraries and settings of a run;
* ``<!-- perf-claims: cpu.json id id ... -->``: timings, speedup and verdict per claim
  (``*`` for every claim in the file);
* ``<!-- perf-rates: cpu.json id id ... -->``: samples/s or GFLOP/s of both sides.

A missing results file or a claim the file does not contain fails the build, naming the
page, so a page can never show a recommendation without its measurement.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

MARKER = re.compile(r"^(?P<indent>[ \t]*)<!-- perf-(?P<kind>machine|claims|rates): (?P<file>\S+)(?P<ids>[^>]*)-->$")


def _load(page_path: Path, name: str, where: str) -> dict:
    path = page_path.parent / "results" / name
    if not path.is_file():
        raise PluginError(f"{where}: results file {path.name} is missing (run `python -m snippets.performance.run`)")
    return json.loads(path.read_text(encoding="utf-8"))


def _claims(results: dict, ids: list[str], name: str, where: str) -> list[dict]:
    if not ids:
        raise PluginError(f"{where}: name the claims to show, or * for all of {name}")
    if ids == ["*"]:
        return list(results["claims"].values())
    missing = [i for i in ids if i not in results["claims"]]
    if missing:
        raise PluginError(f"{where}: {name} has no measurement for claim(s) {', '.join(missing)}")
    return [results["claims"][i] for i in ids]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g}"


def machine_table(results: dict) -> list[str]:
    m = results["machine"]
    rows = [
        ("CPU", f"{m['cpu_model']} ({m['cpu_vendor']}), {m['cores']} cores, {m['cpu_mhz']:.0f} MHz"),
        ("CPU flags of interest", ", ".join(m["cpu_flags"]) or "none"),
        ("fp32 peak (theoretical)", f"{m['peak_gflops_fp32']} GFLOP/s: {m['peak_assumption']}"),
        ("GPU", m["gpu"] or "none (GPU numbers not measured yet)"),
        ("Load average at start (1, 5, 15 min)", ", ".join(str(x) for x in m["load_average"])),
        ("Threads per framework", str(results["threads"])),
        ("Python and libraries", f"Python {m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items())),
        ("Date (UTC), mode, run time", f"{m['date']}, {results['mode']}, {results['runtime_s']} s"),
    ]
    return ["| Machine | |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]


def claims_table(claims: list[dict]) -> list[str]:
    lines = [
        "| Claim | Baseline → optimized | Baseline ms/call | Optimized ms/call "
        "| Speedup: median (min–max) | Optimized first call, s | Verdict |",
        "| --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for c in claims:
        lines.append(
            f"| {c['title']} | {c['baseline']} → {c['optimized']} | {_ms(c['baseline_s'])} | {_ms(c['optimized_s'])} "
            f"| {c['speedup_median']:.2f}× ({c['speedup_min']:.2f}–{c['speedup_max']:.2f}) "
            f"| {c['optimized_first_s']:.2f} | **{c['verdict']}** |"
        )
    return lines


def rates_table(claims: list[dict], results: dict) -> list[str]:
    peak = results["machine"]["peak_gflops_fp32"]
    lines = ["| Claim | Unit | Baseline | Optimized |", "| --- | --- | ---: | ---: |"]
    for c in claims:
        if "baseline_gflops" in c:
            rates = [c["baseline_gflops"], c["optimized_gflops"]]
            cells = [f"{r:.1f} ({r / peak:.0%} of fp32 peak)" for r in rates]
            unit = "GFLOP/s"
        else:
            cells = [f"{c[f'{s}_items_per_s']:,.0f}" for s in ("baseline", "optimized")]
            unit = "samples/s"
        lines.append(f"| {c['title']} | {unit} | {c['baseline']}: {cells[0]} | {c['optimized']}: {cells[1]} |")
    return lines


def render(markdown: str, page_path: Path, where: str) -> str:
    out = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = MARKER.match(line)
        if not match:
            out.append(line)
            continue
        here = f"{where}:{number}"
        name, ids = match["file"], match["ids"].split()
        results = _load(page_path, name, here)
        if match["kind"] == "machine":
            table = machine_table(results)
        elif match["kind"] == "claims":
            table = claims_table(_claims(results, ids, name, here))
        else:
            table = rates_table(_claims(results, ids, name, here), results)
        out += [match["indent"] + row for row in table]
    return "\n".join(out) + "\n"


def on_page_markdown(markdown, page, config, files):
    return render(markdown, Path(page.file.abs_src_path), f"docs/{page.file.src_uri}")
