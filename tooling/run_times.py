"""How long each page's code took to run, in words, from the times the suite records.

``make durations`` (``pytest --store-durations``, tests/shards.py) writes ``tests/durations.json``:
beside the seconds the shards are balanced by, the seconds of every reading path of every
page (its own interpreter, from start to end, setup cell and page tests included) and of
every notebook tutorial (executed by the site build), and the machine they ran on. The
MkDocs hooks put :func:`sentence` under each page that has code.
"""

from __future__ import annotations

import json
from pathlib import Path

from tooling.pages import ROOT

DURATIONS = ROOT / "tests" / "durations.json"
# Written by the MkDocs hooks as a build executes each tutorial; read by `make durations`.
NOTEBOOK_SECONDS = ROOT / "artifacts" / "notebook-seconds.json"
PATH_LABELS = {"tensorflow": "TensorFlow tabs", "pytorch": "PyTorch tabs"}


def recorded(file: Path = DURATIONS) -> dict:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def seconds_text(seconds: float) -> str:
    # A no-break space: the number and its unit stay on one line.
    return f"{seconds:.0f}\u00a0s" if seconds >= 10 else f"{seconds:.1f}\u00a0s"


def machine_text(machine: dict) -> str:
    cores = machine.get("cores")
    return f"{machine.get('cpu', 'an unnamed CPU')}" + (f" ({cores} cores)" if cores else "")


def sentence(source: str, times: dict) -> str | None:
    """``source`` is ``docs/...``: the page's run time on each reading path, or None if unrecorded."""
    paths = {
        key.rpartition(":")[2]: value
        for key, value in times.get("paths", {}).items()
        if key.rpartition(":")[0] == source
    }
    if not paths:
        return None
    machine = machine_text(times.get("machine", {}))
    if "notebook" in paths:
        return (
            f"This notebook ran in {seconds_text(paths['notebook'])} when the test suite last built the "
            f"site and timed it, on {machine}."
        )
    order = [*PATH_LABELS, "page"]
    parts = [
        seconds_text(paths[path]) + (f" ({PATH_LABELS[path]})" if path in PATH_LABELS else "")
        for path in sorted(paths, key=lambda path: order.index(path) if path in order else len(order))
    ]
    each = "each path in a new Python process" if len(parts) > 1 else "in a new Python process"
    return (
        f"Its code ran in {' and '.join(parts)}, {each} with the page's tests, when the test "
        f"suite last recorded its times, on {machine}, under coverage measurement and with other "
        f"tests running beside it."
    )
