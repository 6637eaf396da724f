"""Build the site in a subprocess, the way the README's commands do."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tooling.pagerun.processes import kill_group, start_session
from tooling.pages import ROOT

BUILD_TIMEOUT_S = 420  # notebooks executed, cold, beside page runs

MKDOCS_WARNING = re.compile(r"^(WARNING|ERROR)\s+-", re.MULTILINE)


def mkdocs_build(config: Path, site_dir: Path, extra_env: dict | None = None, measured: bool = True):
    """``mkdocs build --strict`` in a subprocess, as the README's commands run it.

    ``measured=False`` keeps coverage out of the build and of the notebook kernels it starts:
    on Python 3.11 a tracer slows all of their Python code, and the whole site's build took
    110 s of CPU measured and 67 s not. The mini-site builds of tests/test_site.py measure
    the hooks in tooling/; pages, not tutorials, are what cover snippets/.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(extra_env or {}))
    if not measured:
        env.pop("COVERAGE_PROCESS_CONFIG", None)
    for name in ("SITE_URL", "SITE_REPO_URL", "SITE_EDIT_URI", "SITE_COMMIT", "NOTEBOOK_EXECUTE"):
        if name not in (extra_env or {}):
            env.pop(name, None)  # build as published by default: notebooks executed
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)]
    # Its own session, so that a timeout kills the notebook kernels it started too.
    proc = start_session(cmd, cwd=ROOT, env=env)
    try:
        out, err = proc.communicate(timeout=BUILD_TIMEOUT_S)
    finally:
        kill_group(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)

