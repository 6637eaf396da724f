"""The installation check reports what is installed and names every problem.

The tests that take ``page`` run inside the run of docs/installation/index.md (see
tooling/pagerun/inside.py); the others run ``python -m snippets.installation.check`` as a separate
process. The versions, the devices and the "ok" line on this machine are pinned by the page's
output (snippets/installation/outputs/check/run.txt).
"""

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = "docs/installation/index.md"
ROOT = Path(__file__).resolve().parents[2]


def test_pins_are_read_from_requirements(page, tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# comment\ntorch==2.13.0  # pinned\nTensorFlow==2.21.0\nloose>=1\n")
    assert page.pinned_versions(requirements) == {"torch": "2.13.0", "tensorflow": "2.21.0"}


def test_requirements_pin_every_framework_the_check_knows(page):
    assert page.FRAMEWORKS.keys() <= page.pinned_versions().keys()


def test_missing_and_mismatched_frameworks_are_named(page, monkeypatch):
    monkeypatch.setitem(page.FRAMEWORKS, "no-such-distribution-here", "Nothing")
    pins = {**page.pinned_versions(), "tensorflow": "2.20.0"}
    installed = importlib.metadata.version("tensorflow")
    assert page.installed_version("no-such-distribution-here") is None
    assert page.version_problems(pins) == [
        f"TensorFlow {installed} is installed but requirements.txt pins 2.20.0: pip install tensorflow==2.20.0",
        "Nothing is not installed: pip install -r requirements.txt",
    ]


@pytest.mark.parametrize(
    ("version", "verdict"),
    [
        ((3, 10), "error"),
        ((3, 11), None),
        ((3, 12), "warning"),
        ((3, 13), "warning"),
        ((3, 14), "error"),
        ((4, 0), "error"),
    ],
)
def test_python_versions_are_judged_by_the_supported_range(page, version, verdict):
    result = page.python_verdict(version)
    assert (result and result[0]) == verdict
    if verdict == "error":
        shown = f"{version[0]}.{version[1]}"
        assert result[1] == f"Python {shown} is not supported: the pinned wheels need Python 3.11 to 3.13"
    if verdict == "warning":
        assert "is supported but untested" in result[1] and "made with Python 3.11" in result[1]


def test_an_untested_python_warns_and_still_passes(page, monkeypatch, capsys):
    # As if the site were tested on another Python than this (supported) one.
    here = "{}.{}".format(*sys.version_info[:2])
    monkeypatch.setitem(page.python_verdict.__globals__, "SUPPORTED_PYTHON", ((3, 0), (3, 99)))
    monkeypatch.setitem(page.python_verdict.__globals__, "TESTED_PYTHON", (3, 0))
    assert page.main([]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"warning: Python {here} is supported but untested: this site's outputs were made with Python 3.0\n"
    )
    assert "ok: everything the site needs is installed" in captured.out


def test_a_python_outside_the_range_fails_with_status_1(page, monkeypatch, capsys):
    here = "{}.{}".format(*sys.version_info[:2])
    monkeypatch.setitem(page.python_verdict.__globals__, "SUPPORTED_PYTHON", ((3, 98), (3, 99)))
    assert page.main([]) == 1
    assert capsys.readouterr().err == (
        f"error: Python {here} is not supported: the pinned wheels need Python 3.98 to 3.99\n"
    )


@pytest.mark.parametrize(("cuda", "mps", "expected"), [(True, False, ["cpu", "cuda"]), (False, True, ["cpu", "mps"])])
def test_accelerators_are_listed_when_present(page, monkeypatch, cuda, mps, expected):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert page.framework_devices()["PyTorch"] == expected


# --------------------------------------------------------------------------- the program


# The tool's tests run it as a program: reused while nothing it runs or reads changed.
TOOL = pytest.mark.program("snippets.installation.check")


def check(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "snippets.installation.check", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@TOOL
def test_a_version_that_differs_from_the_pins_exits_1_with_one_line(tmp_path):
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "\ntensorflow==" in pins
    (tmp_path / "requirements.txt").write_text(pins.replace("\ntensorflow==", "\ntensorflow==0.0.1  # was "))
    done = check(cwd=tmp_path)
    installed = importlib.metadata.version("tensorflow")
    assert done.returncode == 1
    assert done.stderr == (
        f"error: TensorFlow {installed} is installed but requirements.txt pins 0.0.1: pip install tensorflow==0.0.1\n"
    )
    assert done.stdout.startswith("Python      ") and f"TensorFlow  {installed}\n" in done.stdout
    assert "ok:" not in done.stdout and "sees:" not in done.stdout  # stops before asking for devices


@TOOL
def test_without_requirements_txt_it_exits_2_and_says_where_to_run_it(tmp_path):
    done = check(cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        "python -m snippets.installation.check: error: requirements.txt: No such file or directory; "
        "run the check from the repository folder"
    )


@TOOL
def test_arguments_are_refused_and_help_is_printed():
    done = check("--verbose")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1].endswith("error: unrecognized arguments: --verbose")
    done = check("--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: python -m snippets.installation.check [-h]")
