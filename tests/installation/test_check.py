"""The installation check reports what is installed and names every problem."""

import sys

import pytest
import torch

from snippets.installation import check


def test_pins_are_read_from_requirements(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# comment\ntorch==2.13.0  # pinned\nTensorFlow==2.21.0\nloose>=1\n")
    assert check.pinned_versions(requirements) == {"torch": "2.13.0", "tensorflow": "2.21.0"}


def test_this_environment_matches_the_pins():
    pins = check.pinned_versions()
    assert {"tensorflow", "keras", "torch", "numpy"} <= pins.keys()
    assert check.version_problems(pins) == []
    assert check.installed_version("no-such-distribution-here") is None


def test_missing_and_mismatched_frameworks_are_named(monkeypatch):
    fake = {"tensorflow": "2.20.0", "keras": None, "torch": "2.13.0+cu128", "numpy": "2.4.6"}
    monkeypatch.setattr(check, "installed_version", fake.get)
    pins = {"tensorflow": "2.21.0", "keras": "3.15.1", "torch": "2.13.0", "numpy": "2.4.6"}
    problems = check.version_problems(pins)
    assert problems == [
        "TensorFlow 2.20.0 is installed but requirements.txt pins 2.21.0: pip install tensorflow==2.21.0",
        "Keras is not installed: pip install -r requirements.txt",
    ]


def test_an_unsupported_python_is_reported(monkeypatch):
    monkeypatch.setattr(check, "SUPPORTED_PYTHON", (3, 99))
    problems = check.version_problems(check.pinned_versions())
    assert len(problems) == 1 and "is not supported" in problems[0] and "3.99" in problems[0]


def test_main_exits_non_zero_with_one_line_per_problem(monkeypatch, capsys):
    monkeypatch.setattr(check, "installed_version", lambda name: None if name == "torch" else "1.0")
    assert check.main([]) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert errors[0] == (
        "error: TensorFlow 1.0 is installed but requirements.txt pins 2.21.0: pip install tensorflow==2.21.0"
    )
    assert "error: PyTorch is not installed: pip install -r requirements.txt" in errors
    assert "PyTorch     missing" in captured.out
    assert "ok:" not in captured.out


def test_main_succeeds_here_and_lists_devices(capsys):
    assert check.main([]) == 0
    out = capsys.readouterr().out
    assert "TensorFlow sees: CPU" in out and "PyTorch sees: cpu" in out
    assert f"Python      {sys.version.split()[0]}" in out


@pytest.mark.parametrize(("cuda", "mps", "expected"), [(True, False, ["cpu", "cuda"]), (False, True, ["cpu", "mps"])])
def test_accelerators_are_listed_when_present(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert check.framework_devices()["PyTorch"] == expected
