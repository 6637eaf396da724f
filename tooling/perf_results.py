"""MkDocs hook: render the Performance pages' measurements from their JSON files.

A page writes a marker on a line of its own; the hook replaces it with a Markdown table
built from the files ``results/<pattern>`` next to the page, one per machine
(``python -m snippets.performance.run`` writes ``results/cpu-<machine>.json``):

* ``<!-- perf-machine: cpu-*.json -->``: each machine, its libraries and settings, and the
  plot of its speedups;
* ``<!-- perf-claims: cpu-*.json id id ... -->``: per claim and machine, the round with the
  median speedup, the range over all rounds, and the verdict (``*``: every claim);
* ``<!-- perf-rates: cpu-*.json id id ... -->``: samples/s or GFLOP/s of both sides;
* ``<!-- perf-verdicts: cpu-*.json id id ... -->``: a compact overview, one row per claim
  and one column per machine, each cell the verdict and the median speedup;
* ``<!-- perf-profile: gpu-*-profile.txt id -->``: that claim's part of the report that
  ``snippets.performance.gpu_profile`` wrote (``run --gpu`` writes it beside the GPU's
  results), as a text block per machine.

Inside a sentence, ``<!-- perf-verdict: cpu-*.json id -->`` becomes that claim's verdict,
median speedup and range of rounds, for each machine (named when there are several), so
that the prose of a recommendation states what the results file says, after every rerun.

With several machines, a claim's rows sit together, so that verdicts can be compared. No
results file, or a claim that a results file does not contain, fails the build, naming the
page, so a page can never show a recommendation without its measurement.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

MARKER = re.compile(
    r"^(?P<indent>[ \t]*)<!-- perf-(?P<kind>machine|claims|rates|verdicts|profile): (?P<file>\S+)(?P<ids>[^>]*)-->$"
)


INLINE = re.compile(r"<!-- perf-verdict: (?P<file>\S+) (?P<id>\S+) -->")


def _load(page_path: Path, pattern: str, where: str) -> list[dict]:
    """The results files (JSON) or profile reports (text) ``pattern`` names, one per machine."""
    files = sorted((page_path.parent / "results").glob(pattern))
    report = pattern.endswith(".txt")
    if not files:
        what, run = ("profile report", "run --gpu") if report else ("results file", "run")
        raise PluginError(f"{where}: no {what} {pattern} (run `python -m snippets.performance.{run}`)")
    runs = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        results = {"profiles": _sections(text)} if report else json.loads(text)
        runs.append({**results, "file": path.name, "label": label(path)})
    return runs


def _sections(report: str) -> dict[str, list[str]]:
    """A profile report's lines, claim by claim: a claim's id starts its section."""
    sections: dict[str, list[str]] = {}
    for line in report.splitlines()[1:]:  # after the "device: ..." line
        if not line.startswith(" "):
            section = sections[line] = []
        else:
            section.append(line)
    return sections


def label(path: Path) -> str:
    """Tables name a machine by its results file: cpu-intel-xeon-6-207.json -> intel-xeon-6-207."""
    return path.stem.removeprefix("cpu-").removeprefix("gpu-").removesuffix("-profile")


def profile_blocks(reports: list[dict], claim_id: str, where: str) -> list[str]:
    """The claim's section of every profile report, each as a text block."""
    lines = []
    for report in reports:
        section = report["profiles"].get(claim_id)
        if not section:
            raise PluginError(f"{where}: {report['file']} has no profile of claim {claim_id}")
        title = f"{claim_id}: one call of each side, profiled on {report['label']}"
        lines += [f'```text title="{title}"', *section, "```", ""]
    return lines[:-1]


def _claim_ids(runs: list[dict], ids: list[str], pattern: str, where: str) -> list[str]:
    """The claims a marker names (``*``: every claim of every machine), each one checked."""
    if not ids:
        raise PluginError(f"{where}: name the claims to show, or * for all of {pattern}")
    for run in runs:
        missing = [i for i in ids if i != "*" and i not in run["claims"]]
        if missing:
            raise PluginError(f"{where}: {run['file']} has no measurement for claim(s) {', '.join(missing)}")
    if ids == ["*"]:
        ids = list(dict.fromkeys(i for run in runs for i in run["claims"]))
    return ids


def _claims(runs: list[dict], ids: list[str], pattern: str, where: str) -> list[tuple[dict, dict]]:
    """(run, claim) pairs, claim by claim, machines side by side."""
    ids = _claim_ids(runs, ids, pattern, where)
    return [(run, run["claims"][i]) for i in ids for run in runs if i in run["claims"]]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g}"


def machine_table(runs: list[dict]) -> list[str]:
    def rows(results):
        m = results["machine"]
        libraries = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        return [
            ("CPU", f"{m['cpu_model']} ({m['cpu_vendor']}), {m['cores']} cores, {m['cpu_mhz']:.0f} MHz as reported"),
            ("CPU family and model numbers", f"{m.get('cpu_family', '?')}, {m.get('cpu_model_number', '?')}"),
            ("CPU flags of interest", ", ".join(m["cpu_flags"]) or "none"),
            ("GPU", m["gpu"] or "none"),
            ("Load average at start (1, 5, 15 min)", ", ".join(str(x) for x in m["load_average"])),
            ("Threads per framework", str(results["threads"])),
            ("Python and libraries", f"Python {m['python']}, {libraries}"),
            ("Date (UTC), mode, run time", f"{m['date']}, {results['mode']}, {results['runtime_s']} s"),
            ("Results file", f"`results/{results['file']}`"),
        ]

    table = [rows(run) for run in runs]
    lines = ["| Machine | " + " | ".join(run["label"] for run in runs) + " |", "| --- |" + " --- |" * len(runs)]
    for i, (name, _) in enumerate(table[0]):
        lines.append(f"| {name} | " + " | ".join(rows_[i][1] for rows_ in table) + " |")
    for run in runs:
        plot = Path(run["file"]).with_suffix(".png").name
        lines += ["", f"![Speedup of every claim on {run['label']}: median and range of its rounds](results/{plot})"]
    return lines


def claims_table(pairs: list[tuple[dict, dict]]) -> list[str]:
    lines = [
        "| Claim | Machine | Baseline → optimized | Baseline ms/call | Optimized ms/call "
        "| Speedup: median (range), rounds | Optimized first call, s | Verdict |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for run, c in pairs:
        lines.append(
            f"| {c['title']} | {run['label']} | {c['baseline']} → {c['optimized']} | {_ms(c['baseline_s'])} "
            f"| {_ms(c['optimized_s'])} | {c['speedup_median']:.2f}× ({c['speedup_min']:.2f}–{c['speedup_max']:.2f}), "
            f"{c['rounds']} | {c['optimized_first_s']:.2f} | **{c['verdict']}** |"
        )
    return lines


def rates_table(pairs: list[tuple[dict, dict]]) -> list[str]:
    lines = ["| Claim | Machine | Unit | Baseline | Optimized |", "| --- | --- | --- | ---: | ---: |"]
    for run, c in pairs:
        if "baseline_gflops" in c:
            cells = [f"{c[f'{s}_gflops']:,.1f}" for s in ("baseline", "optimized")]
            unit = "GFLOP/s"
        else:
            cells = [f"{c[f'{s}_items_per_s']:,.0f}" for s in ("baseline", "optimized")]
            unit = "samples/s"
        lines.append(
            f"| {c['title']} | {run['label']} | {unit} | {c['baseline']}: {cells[0]} | {c['optimized']}: {cells[1]} |"
        )
    return lines


FRAMEWORKS = {"tensorflow": "TensorFlow", "pytorch": "PyTorch"}


def verdicts_table(runs: list[dict], ids: list[str]) -> list[str]:
    """One row per claim, one column per machine: the verdict and the median speedup."""
    lines = [
        "| Claim | Framework | " + " | ".join(run["label"] for run in runs) + " |",
        "| --- | --- |" + " --- |" * len(runs),
    ]
    for i in ids:
        c = next(run["claims"][i] for run in runs if i in run["claims"])
        cells = [
            f"**{run['claims'][i]['verdict']}**, {run['claims'][i]['speedup_median']:.2f}×"
            if i in run["claims"]
            else "not measured"
            for run in runs
        ]
        lines.append(f"| {c['title']} | {FRAMEWORKS.get(c['framework'], c['framework'])} | " + " | ".join(cells) + " |")
    return lines


def inline_verdict(runs: list[dict], claim_id: str) -> str:
    """The verdict of one claim, its median speedup and range, machine by machine."""
    parts = []
    for run in runs:
        c = run["claims"][claim_id]
        text = f"**{c['verdict']}** ({c['speedup_median']:.2f}×, rounds {c['speedup_min']:.2f}–{c['speedup_max']:.2f}×)"
        parts.append(text + (f" on {run['label']}" if len(runs) > 1 else ""))
    return "; ".join(parts)


def _inline(line: str, load, here: str) -> str:
    def verdict(match: re.Match) -> str:
        runs = load(match["file"], here)
        [claim_id] = _claim_ids(runs, [match["id"]], match["file"], here)
        return inline_verdict(runs, claim_id)

    return INLINE.sub(verdict, line)


def render(markdown: str, page_path: Path, where: str) -> str:
    loaded: dict[str, list[dict]] = {}  # each pattern's files (results, reports), read once per page

    def load(pattern: str, here: str) -> list[dict]:
        if pattern not in loaded:
            loaded[pattern] = _load(page_path, pattern, here)
        return loaded[pattern]

    out = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = MARKER.match(line)
        here = f"{where}:{number}"
        if not match:
            out.append(_inline(line, load, here))
            continue
        pattern, ids = match["file"], match["ids"].split()
        runs = load(pattern, here)
        if match["kind"] == "profile":
            out += [match["indent"] + row for row in profile_blocks(runs, " ".join(ids), here)]
            continue
        if match["kind"] == "machine":
            table = machine_table(runs)
        elif match["kind"] == "claims":
            table = claims_table(_claims(runs, ids, pattern, here))
        elif match["kind"] == "rates":
            table = rates_table(_claims(runs, ids, pattern, here))
        else:
            table = verdicts_table(runs, _claim_ids(runs, ids, pattern, here))
        out += [match["indent"] + row for row in table]
    return "\n".join(out) + "\n"


def on_page_markdown(markdown, page, config, files):
    return render(markdown, Path(page.file.abs_src_path), f"docs/{page.file.src_uri}")
