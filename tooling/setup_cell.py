"""The setup cell of a page's notebook: what makes the page's code run outside the repository.

``notebook_setup(page, path, helpers)`` is the first code cell of the notebook of ``page`` on
reading path ``path``. It installs the pinned packages (``requirements.txt``) that the code
imports, directly or through the snippet modules it imports, and that are missing; when the
code uses the repository's own files (the ``snippets`` helper package and its data, or
``requirements.txt``), it moves into the repository's folder and makes ``snippets``
importable, fetching the folder from an archive of the repository (``Helpers``) when it is not
there yet. The generated notebooks (``tooling.notebooks``) start with it, and the page runner
(``tooling.pagerun.inside``) runs it before the page's blocks, so a page's run is its
notebook's. Depends on ``tooling.pages`` and the runner's :mod:`tooling.pagerun.steps` and
:mod:`tooling.pagerun.key` (which snippet files code imports).
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tooling.pagerun.key import parse, snippet_closure
from tooling.pagerun.steps import page_steps
from tooling.pages import ROOT


@dataclass(frozen=True)
class Helpers:
    """Where a notebook's setup cell finds the ``snippets`` package.

    ``folder`` holds it (absolute, or relative to the notebook's working folder); when the
    folder is missing, ``archive`` (a URL of a ``.zip`` of the repository that unpacks to
    ``folder``; ``file://`` works too) is fetched and unpacked. Empty: no archive.
    """

    folder: str
    archive: str = ""


def helpers_for_site(repo_url: str | None, commit: str | None) -> Helpers:
    """The published repository's archive at ``commit`` when known; else this checkout."""
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repo_url or "")
    if match and commit:
        return Helpers(f"{match[2]}-{commit}", f"https://github.com/{match[1]}/{match[2]}/archive/{commit}.zip")
    return Helpers(str(ROOT))


# Import names that differ from their distribution's name, among the pinned packages.
DISTRIBUTION_OF = {"sklearn": "scikit-learn", "yaml": "pyyaml"}


def _pinned() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.lstrip().startswith("#"):
            pins[name.strip().lower()] = version.strip()
    return pins


@functools.lru_cache(maxsize=1024)
def _imported_names(code: str) -> frozenset[str]:
    """Every dotted module name ``code`` imports (absolute imports only)."""
    names = set()
    for node in ast.walk(parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return frozenset(names)


def needed_packages(codes: list[str]) -> dict[str, str]:
    """The pinned distributions that ``codes`` (and the snippet modules they import) import.

    Any component of an imported name counts (``torch.utils.tensorboard`` needs
    ``tensorboard``); a module is its distribution's name, except those in DISTRIBUTION_OF.
    """
    helpers = snippet_closure(codes)
    names = set()
    for code in codes + [p.read_text(encoding="utf-8") for p in sorted(helpers)]:
        names |= _imported_names(code)
    pins = _pinned()
    found = {}
    for name in names:
        for part in name.split("."):
            dist = DISTRIBUTION_OF.get(part, part.replace("_", "-")).lower()
            if dist in pins:
                found[dist] = pins[dist]
    return dict(sorted(found.items()))


def setup_code(packages: dict[str, str], helpers: Helpers | None) -> str:
    """The first cell of a generated notebook; it prints nothing when all is in place."""
    lines = [
        "# Setup (run this cell first): install the pinned packages this notebook uses that are",
        "# missing" + (", and work in the repository's folder (its `snippets` helpers, data)." if helpers else "."),
        "def _setup():",
        "    import importlib.metadata",
        "    import os",
        "    import subprocess",
        "    import sys",
        "",
        f"    pinned = {packages!r}",
        "",
        "    def installed(name):",
        "        try:",
        "            return importlib.metadata.version(name)",
        "        except importlib.metadata.PackageNotFoundError:",
        "            return None",
        "",
        '    missing = [f"{name}=={version}" for name, version in pinned.items() if installed(name) is None]',
        "    if missing:",
        '        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)',
        "    for name, version in pinned.items():",
        '        if (installed(name) or "").split("+")[0] != version:  # "+cpu" names a build',
        '            print(f"Note: {name} {installed(name)} is installed; this page was run with {version}.")',
    ]
    if helpers:
        lines += [
            "",
            f"    folder, archive = {helpers.folder!r}, {helpers.archive!r}",
            '    if not os.path.isdir(os.path.join(folder, "snippets")):',
            "        if not archive:",
            "            raise SystemExit(",
            '                f"This notebook needs the site\'s helper modules: {folder!r} holds no snippets/ folder."',
            "            )",
            "        import io",
            "        import urllib.request",
            "        import zipfile",
            "",
            "        try:",
            "            with urllib.request.urlopen(archive, timeout=60) as response:",
            "                zipfile.ZipFile(io.BytesIO(response.read())).extractall()",
            "        except Exception as err:",
            "            raise SystemExit(",
            '                f"Could not fetch the site\'s helper modules from {archive} ({err}); "',
            '                "run this cell once with network access, "',
            '                "or start the notebook in a clone of the repository."',
            "            ) from None",
            "    # Work in the repository's folder, as the page does: its paths and commands are relative",
            "    # to it; `snippets` is importable here and in the processes the notebook starts.",
            "    folder = os.path.abspath(folder)",
            "    os.chdir(folder)",
            "    sys.path.insert(0, folder)",
            '    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")]))',
        ]
    lines += ["", "", "_setup()", "del _setup", ""]
    return "\n".join(lines)


# Code that refers to the repository's own files: the helper modules (imported, or found with
# importlib.resources), their data, or the pins in requirements.txt.
_USES_REPOSITORY = re.compile(r"\bsnippets\b|\brequirements\.txt\b")


def notebook_setup(page: Path, path: str, helpers: Helpers) -> str:
    """The setup cell of ``page``'s notebook for ``path``: the repository only if its code uses it."""
    codes = [step.code for step in page_steps(page, path)]
    uses = any(_USES_REPOSITORY.search(code) for code in codes)
    return setup_code(needed_packages(codes), helpers if uses else None)
