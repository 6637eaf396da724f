"""Measure the contributor loop: warm strict build, first page from `mkdocs serve`, test suite.

    python -m tooling.pipeline_speed [--rounds N] [--suite]

Prints one JSON object. Timings are wall-clock seconds on whatever machine runs it; they are
recorded for the README and closing notes, never asserted by a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from tooling.pages import ROOT

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def warm_build_seconds(rounds: int) -> list[float]:
    """`mkdocs build --strict`, after one build that fills the notebook cache."""
    times = []
    with tempfile.TemporaryDirectory() as site:
        cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", site]
        subprocess.run(cmd, cwd=ROOT, env=ENV, check=True, capture_output=True)
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=ENV, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def serve_first_page_seconds(rounds: int, timeout: float = 120.0) -> list[float]:
    """From starting `mkdocs serve` to the first 200 response for the home page."""
    times = []
    for _ in range(rounds):
        port = _free_port()
        cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "--no-livereload"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while time.perf_counter() - start < timeout:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                        if response.status == 200:
                            times.append(time.perf_counter() - start)
                            break
                except OSError:
                    time.sleep(0.1)
            else:
                raise TimeoutError("mkdocs serve did not answer")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return times


def suite_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite once")
    args = parser.parse_args(argv)
    build = warm_build_seconds(args.rounds)
    serve = serve_first_page_seconds(args.rounds)
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "warm_build_s": {"median": statistics.median(build), "runs": build},
        "serve_first_page_s": {"median": statistics.median(serve), "runs": serve},
    }
    if args.suite:
        result["test_suite_s"] = suite_seconds()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
