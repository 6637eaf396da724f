"""Session-wide settings for the test suite."""

import os

# Before anything imports TensorFlow or Matplotlib.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

import pytest

from tests.sitebuild import MKDOCS_WARNING, mkdocs_build
from tooling.pages import ROOT, FenceTokens

pytest_plugins = ["tests.pageruns"]


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        default=False,
        help="rewrite snippets/<group>/outputs/ from fresh runs instead of comparing (make outputs)",
    )


@pytest.hookimpl
def pytest_markdown_docs_markdown_it():
    """Let pytest-markdown-docs see fences indented inside content tabs (see FenceTokens)."""
    return FenceTokens()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The site as published, built once per test session."""
    site = tmp_path_factory.mktemp("site")
    proc = mkdocs_build(ROOT / "mkdocs.yml", site)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert not MKDOCS_WARNING.findall(log), log
    return site
