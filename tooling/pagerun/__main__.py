"""The command line: ``python -m tooling.pagerun [PAGE ...] [--update] [--fresh]``.

Runs and checks the given pages (default: every page), printing ``ok`` or ``FAILED`` and the
problems for each; ``--update`` rewrites the output files instead (``make outputs``) and
removes stale ones. The parent side of a run starts ``python -m tooling.pagerun --child ...``,
a hidden mode that hands over to :func:`.inside.run_inside`. Depends on ``tooling.pages``,
:mod:`.steps`, :mod:`.compare` and :mod:`.inside`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tooling import pagerun
from tooling.pagerun.compare import check_page, stale_outputs
from tooling.pagerun.inside import run_inside
from tooling.pagerun.steps import FIXTURES, rel
from tooling.pages import PageError, markdown_pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=pagerun.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", type=Path, help="pages to run (default: every page)")
    parser.add_argument("--update", action="store_true", help="rewrite the output files")
    parser.add_argument("--fresh", action="store_true", help="run every page, ignoring cached runs")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="page", choices=sorted(FIXTURES), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        run_inside(args.child.resolve(), args.path, args.result)
        return 0
    if args.fresh:
        os.environ["PAGERUN_CACHE"] = "0"

    pages = [p.resolve() for p in args.pages] or markdown_pages()
    for page in pages:
        if not page.is_file():
            print(f"error: {page}: no such page", file=sys.stderr)
            return 2
    failed = False
    for page in pages:
        try:
            check = check_page(page, update=args.update)
        except PageError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for path in check.written:
            print(f"wrote {rel(path)}")
        problems = list(check.problems)
        for run in check.runs:
            failures = {nodeid: t for nodeid, t in run.tests.items() if t["outcome"] == "failed"}
            problems += [f"{nodeid}: failed\n{t['text']}" for nodeid, t in failures.items()]
        for problem in problems:
            failed = True
            print(problem, file=sys.stderr)
        timing = ", ".join(f"{r.path} {'cached' if r.cached else f'{r.seconds} s'}" for r in check.runs)
        print(f"{rel(page)}: {'FAILED' if problems else 'ok'}" + (f" ({timing})" if timing else ""))
    if args.update:
        for path in stale_outputs(pages if args.pages else None):
            path.unlink()
            print(f"removed stale {rel(path)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
