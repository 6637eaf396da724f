"""Comparing and updating outputs: a page's runs against the output files the page shows.

:func:`check_page` runs each reading path of a page once (:mod:`.run`) and turns the runs into
problems: a run that raised, timed out or wrote to stderr; a section whose output differs from
``snippets/<group>/outputs/<file>/<section>.txt`` (beyond rounding: :func:`same_output`), prints
differently on the two reading paths, or prints without the page showing it; an inline fence
that prints. With ``update=True`` it rewrites the output files instead. :func:`stale_outputs`
finds output files whose section is gone. Depends on ``tooling.pages``, :mod:`.steps` and :mod:`.run`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tooling.pagerun.run import PathRun, run_path
from tooling.pagerun.steps import LABELS, page_steps, reading_paths, rel
from tooling.pages import ROOT, output_path, read_blocks, read_sections, snippet_files


@dataclass
class PageCheck:
    """A page's runs, and what is wrong with them."""

    page: Path
    runs: list[PathRun]
    problems: list[str]
    written: list[Path]

    def test_outcome(self, nodeid: str) -> dict | None:
        for run in self.runs:
            if nodeid in run.tests:
                return run.tests[nodeid]
        return None


# A float printed in scientific notation (the site prints differences so: 1.2e-07) is rounding
# error when its size is below ROUNDING: float32 carries about 7 significant digits, and a
# difference between two float32 computations of numbers near 1 that agree to rounding is
# around 1e-07, larger after many operations. Its exact value depends on the CPU (AVX2 or
# AVX-512 kernels, oneDNN's or Eigen's, which TensorFlow picks by the CPU's features), not on
# the code, so two such values match each other; every other character, numbers included,
# must match exactly. A difference that grows past ROUNDING fails, and the page's own tests
# hold the tolerance the prose states.
ROUNDING = 1e-5
SCIENTIFIC = re.compile(r"[-+]?\d+(?:\.\d+)?e[-+]\d+")


def _rounding_level(match: re.Match) -> str:
    return "<rounding>" if abs(float(match[0])) < ROUNDING else match[0]


def same_output(expected: str, printed: str) -> bool:
    """Equal, but for values of rounding size printed in scientific notation (``ROUNDING``)."""
    return expected == printed or SCIENTIFIC.sub(_rounding_level, expected) == SCIENTIFIC.sub(
        _rounding_level, printed
    )


def _diff(expected: str, printed: str, expected_rel: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            printed.splitlines(keepends=True),
            fromfile=f"{expected_rel} (shown on the page)",
            tofile="fresh run",
        )
    )


def check_page(page: Path, update: bool = False, environ: Mapping[str, str] | None = None) -> PageCheck:
    """Run each reading path of ``page`` once; compare its output with the files the page shows.

    With ``update=True`` the output files are rewritten instead of compared. ``environ``
    (default: this process's) is what the runs see: the page's processes inherit it, and
    ``PAGERUN_CACHE``, ``PAGERUN_CACHE_DIR`` and ``PAGERUN_TIMEOUT`` are read from it.
    """
    page = page.resolve()
    paths = reading_paths(page)
    for path in paths:
        page_steps(page, path)  # a malformed page fails here, in the parent, with file and line
    check = PageCheck(page, [], [], [])
    if not any(page_steps(page, path) for path in paths):
        return check  # nothing to run on this page
    for path in paths:
        run = run_path(page, path, environ)
        check.runs.append(run)
        if run.error:
            check.problems.append(run.error)
        if run.stray.strip():
            check.problems.append(
                f"{rel(page)}: {LABELS[path]} wrote to stderr or fd 1 (warnings?):\n{run.stray[-4000:]}"
            )
    if check.problems:
        return check

    shown = {inc.rel for block in read_blocks(page) for inc in block.includes}
    printed_by_file: dict[Path, tuple[str, str]] = {}
    silent: dict[Path, str] = {}
    for run in check.runs:
        for result in run.steps:
            step = result["step"]
            printed = result["stdout"]
            if not step["section"]:
                if printed:
                    check.problems.append(
                        f"{step['where']}: an inline fence prints, and nothing shows or checks it; "
                        "move the code to a snippet section with its output file"
                    )
                continue
            snippet_rel, _, section = step["section"].rpartition(":")
            expected_path = output_path(ROOT / snippet_rel, section)
            if not printed:
                silent[expected_path] = step["where"]
                continue
            if expected_path in printed_by_file and printed_by_file[expected_path][1] != printed:
                where, first = printed_by_file[expected_path]
                check.problems.append(
                    f"{step['where']}: {step['section']} prints differently on the reading paths:\n"
                    + _diff(first, printed, rel(expected_path))
                )
            printed_by_file.setdefault(expected_path, (step["where"], printed))
            if rel(expected_path) not in shown:
                check.problems.append(
                    f"{step['where']}: {step['section']} prints, but the page never shows {rel(expected_path)}; "
                    f'add a ```text block with --8<-- "{rel(expected_path)}" after the code'
                )
    for expected_path, (where, printed) in printed_by_file.items():
        expected_rel = rel(expected_path)
        current = expected_path.read_text(encoding="utf-8") if expected_path.exists() else None
        if update:  # a file that differs only by rounding keeps the value it shows
            if current is None or not same_output(current, printed):
                expected_path.parent.mkdir(parents=True, exist_ok=True)
                expected_path.write_text(printed, encoding="utf-8")
                check.written.append(expected_path)
        elif current is None:
            check.problems.append(f"{where}: this section prints, but {expected_rel} is missing (run `make outputs`)")
        elif not same_output(current, printed):
            check.problems.append(
                f"{where}: output differs (run `make outputs`):\n{_diff(current, printed, expected_rel)}"
            )
    for expected_path, where in silent.items():
        if expected_path in printed_by_file or not expected_path.exists():
            continue
        if update:
            expected_path.unlink()
            check.written.append(expected_path)
        else:
            check.problems.append(f"{where}: this section prints nothing, but {rel(expected_path)} exists")
    return check


def stale_outputs(pages: list[Path] | None = None) -> list[Path]:
    """Output files whose snippet section no longer exists: of the snippet files that
    ``pages`` include, or of every snippet file (a run of some pages must not touch the
    outputs of snippets that other pages, perhaps half edited, include)."""
    stale = []
    files = snippet_files()
    if pages is not None:
        included = {Path(step.filename) for page in pages for step in page_steps(page) if step.section}
        files = [snippet for snippet in files if snippet in included]
    for snippet in files:
        folder = snippet.parent / "outputs" / snippet.stem
        if not folder.is_dir():
            continue
        sections = read_sections(snippet)
        stale += [p for p in sorted(folder.glob("*.txt")) if p.stem not in sections]
    return stale
