"""The installation check reports what is installed and names every problem.

The page has TensorFlow and PyTorch tabs, so it runs twice, once per framework with the other
one unimportable. The tests that take ``tf_page`` or ``torch_page`` run inside those runs of
docs/installation/index.md (see tooling/pagerun/inside.py); the others run
``python -m snippets.installation.check`` as a separate process, with both frameworks
installed. The versions, the devices and the "ok" line of ``--framework tensorflow`` and
``--framework pytorch`` on this machine are pinned by the page's outputs
(snippets/installation/outputs/check/run_*.txt); those of the call without the option by
``test_without_an_option_it_checks_both_frameworks``.
"""

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = "docs/installation/index.md"
ROOT = Path(__file__).resolve().parents[2]


def test_pins_are_read_from_requirements(tf_page, tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# comment\ntorch==2.13.0  # pinned\nTensorFlow==2.21.0\nloose>=1\n")
    assert tf_page.pinned_versions(requirements) == {"torch": "2.13.0", "tensorflow": "2.21.0"}


def test_requirements_pin_every_framework_the_check_knows(tf_page):
    assert tf_page.FRAMEWORKS.keys() <= tf_page.pinned_versions().keys()
    assert tf_page.CHECKS.keys() == {"tensorflow", "pytorch"}
    assert all(set(names) <= tf_page.FRAMEWORKS.keys() for names in tf_page.CHECKS.values())


# A pin as the page writes it: name, perhaps [extras], ==, version (no trailing full stop).
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([0-9][0-9A-Za-z.+!-]*[0-9A-Za-z])")


def test_every_pin_on_the_page_is_the_one_in_requirements(tf_page):
    text = Path(PAGE).read_text(encoding="utf-8").replace("\\\n", " ")  # join continued lines
    lines = text.splitlines()
    pip_lines = [line for line in lines if "pip install" in line]
    on_pip_lines = {name.lower() for line in pip_lines for name, _ in PIN.findall(line)}
    # Both tabs' install lines are there: what each framework's pages import.
    tensorflow_tab = {"tensorflow", "keras", "numpy", "matplotlib", "scikit-learn", "tensorboard", "pydot"}
    tensorflow_tab.add("ai-edge-litert")  # the saving page runs its flatbuffer with LiteRT
    pytorch_tab = {"torch", "numpy", "matplotlib", "scikit-learn", "tensorboard", "lightning"}
    assert tensorflow_tab | pytorch_tab <= on_pip_lines
    required = tf_page.pinned_versions(Path("requirements.txt"))
    pins = [(name.lower(), version) for line in lines for name, version in PIN.findall(line)]
    assert [f"{name}=={version}" for name, version in pins if required.get(name) != version] == []


def test_missing_and_mismatched_frameworks_are_named(tf_page, monkeypatch):
    monkeypatch.setitem(tf_page.FRAMEWORKS, "no-such-distribution-here", "Nothing")
    pins = {**tf_page.pinned_versions(), "tensorflow": "2.20.0"}
    installed = importlib.metadata.version("tensorflow")
    assert tf_page.installed_version("no-such-distribution-here") is None
    assert tf_page.version_problems(pins) == [
        f"TensorFlow {installed} is installed but requirements.txt pins 2.20.0: pip install tensorflow==2.20.0",
        "Nothing is not installed: pip install -r requirements.txt",
    ]
    # Checking only some, a missing one is installed on its own, at its pin if it has one.
    assert tf_page.version_problems({**pins, "no-such-distribution-here": "1.0"}, ("no-such-distribution-here",)) == [
        "Nothing is not installed: pip install no-such-distribution-here==1.0"
    ]
    # torch from PyPI would be the CUDA build on Linux: the fix names PyTorch's CPU index.
    def version(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert tf_page.version_problems(pins, ("torch",)) == [
        f"PyTorch is not installed: pip install torch=={pins['torch']} --index-url https://download.pytorch.org/whl/cpu"
    ]


def test_one_framework_is_checked_without_the_other(tf_page):
    # Another framework's wrong pin is not this framework's problem.
    pins = {**tf_page.pinned_versions(), "torch": "0.0.1"}
    assert tf_page.version_problems(pins, tf_page.CHECKS["tensorflow"]) == []
    assert "PyTorch" in tf_page.version_problems(pins, tf_page.CHECKS["pytorch"])[0]


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
def test_python_versions_are_judged_by_the_supported_range(tf_page, version, verdict):
    result = tf_page.python_verdict(version)
    assert (result and result[0]) == verdict
    if verdict == "error":
        shown = f"{version[0]}.{version[1]}"
        assert result[1] == f"Python {shown} is not supported: the pinned wheels need Python 3.11 to 3.13"
    if verdict == "warning":
        assert "is supported but untested" in result[1] and "made with Python 3.11" in result[1]


def test_an_untested_python_warns_and_still_passes(tf_page, monkeypatch, capsys):
    # As if the site were tested on another Python than this (supported) one.
    here = "{}.{}".format(*sys.version_info[:2])
    monkeypatch.setitem(tf_page.python_verdict.__globals__, "SUPPORTED_PYTHON", ((3, 0), (3, 99)))
    monkeypatch.setitem(tf_page.python_verdict.__globals__, "TESTED_PYTHON", (3, 0))
    assert tf_page.main(["--framework", "tensorflow"]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"warning: Python {here} is supported but untested: this site's outputs were made with Python 3.0\n"
    )
    assert captured.out.endswith("ok: TensorFlow, Keras and NumPy are installed as pinned, on a supported Python\n")


def test_a_python_outside_the_range_fails_with_status_1(tf_page, monkeypatch, capsys):
    here = "{}.{}".format(*sys.version_info[:2])
    monkeypatch.setitem(tf_page.python_verdict.__globals__, "SUPPORTED_PYTHON", ((3, 98), (3, 99)))
    assert tf_page.main([]) == 1
    assert capsys.readouterr().err == (
        f"error: Python {here} is not supported: the pinned wheels need Python 3.98 to 3.99\n"
    )


def test_tensorflow_alone_is_checked_with_pytorch_not_importable(tf_page, monkeypatch, capsys):
    # As for a reader who installed only TensorFlow: `import torch` raises ImportError.
    monkeypatch.setitem(sys.modules, "torch", None)
    assert tf_page.main(["--framework", "tensorflow"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["Python", "TensorFlow", "Keras", "NumPy", "TensorFlow", "ok:"]
    assert lines[-2].startswith("TensorFlow sees: ")
    assert lines[-1] == "ok: TensorFlow, Keras and NumPy are installed as pinned, on a supported Python"


def test_pytorch_alone_is_checked_with_tensorflow_not_importable(torch_page, monkeypatch, capsys):
    # As for a reader who installed only PyTorch: `import tensorflow` (or keras) raises ImportError.
    monkeypatch.setitem(sys.modules, "tensorflow", None)
    monkeypatch.setitem(sys.modules, "keras", None)
    assert torch_page.main(["--framework", "pytorch"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["Python", "PyTorch", "NumPy", "PyTorch", "ok:"]
    assert lines[-2].startswith("PyTorch sees: ")
    assert lines[-1] == "ok: PyTorch and NumPy are installed as pinned, on a supported Python"


@pytest.mark.parametrize("value", ["jax", "TensorFlow", ""])
def test_an_unknown_framework_is_refused_with_status_2(tf_page, capsys, value):
    with pytest.raises(SystemExit) as refused:
        tf_page.main(["--framework", value])
    assert refused.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.endswith(
        f"error: argument --framework: invalid choice: '{value}' (choose from 'tensorflow', 'pytorch')"
    )


@pytest.mark.parametrize(("cuda", "mps", "expected"), [(True, False, ["cpu", "cuda"]), (False, True, ["cpu", "mps"])])
def test_accelerators_are_listed_when_present(torch_page, monkeypatch, cuda, mps, expected):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert torch_page.pytorch_devices() == expected


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
    done = check("--framework", "jax")
    assert (done.returncode, done.stdout) == (2, "")
    last = done.stderr.splitlines()[-1]
    assert last.endswith("error: argument --framework: invalid choice: 'jax' (choose from 'tensorflow', 'pytorch')")
    done = check("--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: python -m snippets.installation.check [-h]")
    assert "--framework {tensorflow,pytorch}" in done.stdout


@TOOL
def test_without_an_option_it_checks_both_frameworks():
    done = check()
    assert done.returncode == 0, done.stderr
    versions = {name: importlib.metadata.version(name) for name in ("tensorflow", "keras", "torch", "numpy")}
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Python      ")
    assert lines[1:5] == [
        f"TensorFlow  {versions['tensorflow']}",
        f"Keras       {versions['keras']}",
        f"PyTorch     {versions['torch']}",
        f"NumPy       {versions['numpy']}",
    ]
    assert lines[5].startswith("TensorFlow sees: ") and lines[6].startswith("PyTorch sees: ")
    assert lines[7:] == ["ok: everything the site needs is installed"]
