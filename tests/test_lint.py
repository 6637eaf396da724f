"""The repository's own linter configuration (pyproject.toml) holds for all Python in it."""

import subprocess
import sys

from tooling.pages import ROOT


def test_ruff_finds_nothing():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
