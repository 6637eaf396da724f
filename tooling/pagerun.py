"""Run a page's Python blocks in order in a fresh interpreter, as a reader who copies them would.

For a page ``docs/<group>/<page>.md`` the runner:

1. collects its Python fences in order: inline fences run as written; include-only fences
   (``{.python notest}``) run the snippet sections they include, dedented as the page shows them;
2. executes them one after another in a single namespace, in a new interpreter started in the
   repository folder, capturing what each block prints;
3. then runs each snippet file the page owns as a program (``python -m snippets.group.file``);
4. compares what every section printed with ``snippets/<group>/outputs/<file>/<section>.txt``,
   the file the page includes below the code, and fails on anything written to stderr other
   than TensorFlow's start-up log lines.

Regenerate every output file with ``make outputs`` (``python -m tooling.pagerun --update``).
"""

from __future__ import annotations

import argparse
import builtins
import contextlib
import difflib
import io
import json
import os
import subprocess
import sys
import tempfile
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from tooling.noise import strip_noise
from tooling.pages import (
    ROOT,
    PageError,
    is_include_only,
    markdown_pages,
    output_path,
    read_blocks,
    read_sections,
    snippet_files,
)

CHILD_TIMEOUT_S = 280


@dataclass
class Step:
    """One block of a page, ready to execute."""

    where: str  # "docs/x.md:12", for messages
    filename: str  # file the code is compiled as, so tracebacks and coverage point at it
    first_line: int
    code: str
    section: str | None = None  # "snippets/group/file.py:name" for included sections


def _rel(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def page_steps(page: Path) -> list[Step]:
    """The Python a reader copies from ``page``, in order."""
    steps = []
    for block in read_blocks(page):
        if not block.is_python:
            continue
        where = f"{_rel(page)}:{block.line}"
        if block.notest:
            if not is_include_only(block):
                raise PageError(
                    f"{where}: a python fence marked notest may only include snippet sections "
                    '(--8<-- "snippets/...py:section"); every line shown must run'
                )
            for inc in block.includes:
                if not inc.path.is_file():
                    raise PageError(f"{_rel(page)}:{inc.line}: included file {inc.rel} does not exist")
                if inc.section is None:
                    code, first = inc.path.read_text(encoding="utf-8"), 1
                else:
                    sections = read_sections(inc.path)
                    if inc.section not in sections:
                        raise PageError(
                            f"{_rel(page)}:{inc.line}: {inc.rel} has no section '{inc.section}' "
                            f"(it has: {', '.join(sorted(sections)) or 'none'})"
                        )
                    sec = sections[inc.section]
                    code, first = sec.code, sec.first_line
                steps.append(Step(f"{_rel(page)}:{inc.line}", str(inc.path), first, code, f"{inc.rel}:{inc.section}"))
        else:
            if block.includes:
                raise PageError(f"{where}: a fence that includes snippets must be marked {{.python notest}}")
            steps.append(Step(where, str(page.resolve()), block.line + 1, block.content))
    return steps


def owned_programs() -> dict[Path, list[str]]:
    """Each snippet file is run as a program once, by the first page (sorted) that includes it."""
    owner: dict[str, Path] = {}
    for page in markdown_pages():
        for block in read_blocks(page):
            for inc in block.includes:
                if inc.path.suffix == ".py" and inc.path.is_file():
                    owner.setdefault(inc.rel, page)
    programs: dict[Path, list[str]] = {}
    for rel, page in owner.items():
        programs.setdefault(page, []).append(rel)
    return programs


# --------------------------------------------------------------------------- child process


def _install_network_guard() -> None:
    """Refuse connections to anything but loopback, as pytest-socket does in the test process."""
    import ipaddress
    import socket

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                allowed = ipaddress.ip_address(host).is_loopback
            except ValueError:
                allowed = host == "localhost"
            if not allowed:
                raise OSError(f"network access is blocked while pages run (tried {address!r})")

    def connect(self, address):
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(self, address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


def _execute(action) -> tuple[str, str | None]:
    """Call ``action()`` capturing what it prints; return (stdout, traceback or None)."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            action()
    except SystemExit as exit_:  # a program that ends with sys.exit(0) succeeded
        if exit_.code not in (None, 0):
            return buffer.getvalue(), traceback.format_exc()
    except BaseException:  # report everything else
        return buffer.getvalue(), traceback.format_exc()
    return buffer.getvalue(), None


def _child(page: Path, programs: list[str], result_file: Path) -> None:
    import runpy
    import warnings

    _install_network_guard()
    # Our code must not trigger deprecations; everything else is reported on stderr and
    # fails the parent's stderr check.
    warnings.simplefilter("default")
    for category in (DeprecationWarning, FutureWarning):
        warnings.filterwarnings("error", category=category, module=r"__main__|snippets(\.|$)")

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    results = []
    for step in page_steps(page):
        code = compile("\n" * (step.first_line - 1) + step.code, step.filename, "exec")
        stdout, error = _execute(lambda code=code: exec(code, namespace))
        results.append({"step": asdict(step), "stdout": stdout, "error": error})
        if error:
            break
    else:
        for rel in programs:
            module = rel.removesuffix(".py").replace("/", ".")
            sys.argv = [rel]
            # The page may have imported it; run it afresh, as `python -m` would.
            sys.modules.pop(module, None)
            stdout, error = _execute(
                lambda module=module: runpy.run_module(module, run_name="__main__", alter_sys=True)
            )
            results.append({"program": rel, "stdout": stdout, "error": error})
            if error:
                break
    result_file.write_text(json.dumps(results), encoding="utf-8")


# --------------------------------------------------------------------------- parent side


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_page(page: Path, programs: list[str]) -> tuple[list[dict], str]:
    """Run ``page`` in a new interpreter; return the per-step results and its filtered stderr.

    ``check_page`` has already parsed the page, so a malformed page fails in the parent.
    """
    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "tooling.pagerun", "--child", str(page), "--result", str(result_file)]
        for rel in programs:
            cmd += ["--program", rel]
        proc = subprocess.run(cmd, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
        if not result_file.exists():
            raise PageError(f"{_rel(page)}: the page runner died (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
        results = json.loads(result_file.read_text(encoding="utf-8"))
    return results, strip_noise(proc.stderr) + proc.stdout


def check_page(page: Path, programs: list[str], update: bool = False) -> tuple[list[str], list[Path]]:
    """Run a page and compare its printed output with the output files the page shows.

    Returns (problems, files written). With ``update=True`` the output files are rewritten
    instead of compared.
    """
    if not page_steps(page) and not programs:
        return [], []  # nothing to run on this page
    results, stray = run_page(page, programs)
    problems: list[str] = []
    written: list[Path] = []
    for result in results:
        if result["error"]:
            where = result["step"]["where"] if "step" in result else f"program {result['program']}"
            problems.append(f"{where}: raised an exception\n{result['error']}")
    if stray.strip():
        problems.append(f"{_rel(page)}: unexpected output on stderr or fd 1 (warnings?):\n{stray[-4000:]}")
    if problems:
        return problems, written

    shown = {inc.rel for block in read_blocks(page) for inc in block.includes}
    for result in results:
        step = result.get("step")
        if not step or not step["section"]:
            continue
        rel, _, section = step["section"].rpartition(":")
        expected_path = output_path(ROOT / rel, section)
        expected_rel = _rel(expected_path)
        printed = result["stdout"]
        if update:
            if printed and (not expected_path.exists() or expected_path.read_text(encoding="utf-8") != printed):
                expected_path.parent.mkdir(parents=True, exist_ok=True)
                expected_path.write_text(printed, encoding="utf-8")
                written.append(expected_path)
            elif not printed and expected_path.exists():
                expected_path.unlink()
                written.append(expected_path)
        elif printed:
            if not expected_path.exists():
                problems.append(
                    f"{step['where']}: {step['section']} prints, but {expected_rel} is missing (run `make outputs`)"
                )
            else:
                expected = expected_path.read_text(encoding="utf-8")
                if expected != printed:
                    diff = "".join(
                        difflib.unified_diff(
                            expected.splitlines(keepends=True),
                            printed.splitlines(keepends=True),
                            fromfile=f"{expected_rel} (shown on the page)",
                            tofile="fresh run",
                        )
                    )
                    problems.append(f"{step['where']}: output differs (run `make outputs`):\n{diff}")
        elif expected_path.exists():
            problems.append(f"{step['where']}: {step['section']} prints nothing, but {expected_rel} exists")
        if printed and expected_rel not in shown:
            problems.append(
                f"{step['where']}: {step['section']} prints, but the page never shows {expected_rel}; "
                f'add a ```text block with --8<-- "{expected_rel}" after the code'
            )
    return problems, written


def stale_outputs() -> list[Path]:
    """Output files whose snippet section no longer exists."""
    stale = []
    for snippet in snippet_files():
        folder = snippet.parent / "outputs" / snippet.stem
        if not folder.is_dir():
            continue
        sections = read_sections(snippet)
        stale += [p for p in sorted(folder.glob("*.txt")) if p.stem not in sections]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", type=Path, help="pages to run (default: every page)")
    parser.add_argument("--update", action="store_true", help="rewrite the output files")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--program", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        _child(args.child, args.program, args.result)
        return 0

    programs = owned_programs()
    pages = [p.resolve() for p in args.pages] or markdown_pages()
    failed = False
    for page in pages:
        problems, written = check_page(page, programs.get(page, []), update=args.update)
        for path in written:
            print(f"wrote {_rel(path)}")
        for problem in problems:
            failed = True
            print(problem, file=sys.stderr)
        print(f"{_rel(page)}: {'FAILED' if problems else 'ok'}")
    if args.update:
        for path in stale_outputs():
            path.unlink()
            print(f"removed stale {_rel(path)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
