"""The page runner refuses what it must: each case is a small page in a temporary folder."""

import ast
import os
import textwrap
import time
from pathlib import Path

import pytest

from tests.processes import process
from tooling.pagerun.__main__ import main
from tooling.pagerun.compare import check_page
from tooling.pagerun.key import dependencies, parse
from tooling.pagerun.steps import page_steps, reading_paths
from tooling.pages import PageError


@pytest.fixture
def environ(tmp_path):
    """What these runs see: a private cache, never this process's environment (page runs of
    the suite go on in the background meanwhile, and must not see our settings)."""
    return {**os.environ, "PAGERUN_CACHE_DIR": str(tmp_path / "cache")}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def snippet_page(tmp_path: Path, code: str, output: str | None, shows_output: bool = True) -> Path:
    """A page including section ``demo`` of a snippet file, and its output file if given."""
    snippet = write(tmp_path / "snippets" / "demo.py", f"# --8<-- [start:demo]\n{code}# --8<-- [end:demo]\n")
    if output is not None:
        write(tmp_path / "snippets" / "outputs" / "demo" / "demo.txt", output)
    shown = f'```text\n--8<-- "{tmp_path}/snippets/outputs/demo/demo.txt"\n```\n' if shows_output else ""
    return write(tmp_path / "page.md", f'# Demo\n\n```{{.python notest}}\n--8<-- "{snippet}:demo"\n```\n\n{shown}')


def problems(page: Path, **kwargs) -> str:
    return "\n".join(check_page(page, **kwargs).problems)


def test_a_page_that_prints_what_it_shows_passes(tmp_path, environ):
    page = snippet_page(tmp_path, "print(6 * 7)\n", "42\n")
    assert problems(page, environ=environ) == ""


def test_a_changed_output_fails_with_a_diff(tmp_path, environ):
    page = snippet_page(tmp_path, "print(6 * 7)\n", "41\n")
    found = problems(page, environ=environ)
    assert "output differs" in found and "-41" in found and "+42" in found


def test_values_of_rounding_size_match_each_other_and_nothing_else_does(tmp_path, environ):
    """A difference printed as 1.5e-07 on one CPU and 2.4e-07 on another is the same output;
    one that grows past rounding, or any other change, is not."""
    code = 'print(f"largest difference: {2.4e-07:.1e}, tolerance {1e-05:.0e}")\n'
    shown = "largest difference: {}, tolerance {}\n"
    page = snippet_page(tmp_path, code, shown.format("0.0e+00", "1e-05"))
    assert problems(page, environ=environ) == ""
    check = check_page(page, update=True, environ=environ)
    assert check.written == []  # the file keeps the value it shows
    for changed in [("2.0e-05", "1e-05"), ("0.0e+00", "1e-04")]:
        snippet_page(tmp_path, code, shown.format(*changed))
        assert "output differs" in problems(page, environ=environ)


def test_update_rewrites_the_output_file(tmp_path, environ):
    page = snippet_page(tmp_path, "print(6 * 7)\n", "41\n")
    check = check_page(page, update=True, environ=environ)
    assert check.problems == [] and len(check.written) == 1
    assert check.written[0].read_text(encoding="utf-8") == "42\n"


def test_a_print_that_the_page_never_shows_fails(tmp_path, environ):
    page = snippet_page(tmp_path, "print(6 * 7)\n", "42\n", shows_output=False)
    assert "the page never shows" in problems(page, environ=environ)


def test_an_inline_fence_that_prints_fails(tmp_path, environ):
    page = write(tmp_path / "page.md", "# Demo\n\n```python\nprint('unchecked')\n```\n")
    assert "an inline fence prints" in problems(page, environ=environ)


def test_a_warning_on_stderr_fails(tmp_path, environ):
    page = snippet_page(tmp_path, "import warnings\nwarnings.warn('careful', UserWarning)\n", None)
    found = problems(page, environ=environ)
    assert "wrote to stderr" in found and "careful" in found



def test_blocks_run_as_main_so_a_class_they_define_pickles(tmp_path, environ):
    """As in a notebook or at a `python` prompt, pickle finds a block's class in `__main__`."""
    code = (
        "import pickle\n\n\nclass Point:\n    x = 3\n\n\n"
        "copy = pickle.loads(pickle.dumps(Point()))\nprint(type(copy).__module__, copy.x)\n"
    )
    page = snippet_page(tmp_path, code, "__main__ 3\n")
    assert problems(page, environ=environ) == ""


def test_a_block_that_raises_names_the_page_and_line(tmp_path, environ):
    page = write(tmp_path / "page.md", "# Demo\n\n```python\nx = 1\n```\n\n```python\nraise ValueError('no')\n```\n")
    found = problems(page, environ=environ)
    assert f"{page}:7: raised an exception" in found and "ValueError: no" in found


def test_a_notest_fence_with_code_in_it_is_refused(tmp_path, environ):
    page = write(tmp_path / "page.md", "# Demo\n\n```{.python notest}\nx = 1\n```\n")
    with pytest.raises(PageError, match=r"page.md:3: a python fence marked notest may only include"):
        check_page(page, environ=environ)


TABBED = """\
# Demo

=== "TensorFlow"

    ```python
    framework = "tensorflow"
    ```

=== "PyTorch"

    ```python
    {pytorch}
    ```

```python
assert framework in ("tensorflow", "pytorch")
```
"""


def test_each_framework_tab_is_its_own_reading_path(tmp_path, environ):
    page = write(tmp_path / "page.md", TABBED.format(pytorch='framework = "pytorch"'))
    assert reading_paths(page) == ["pytorch", "tensorflow"]
    assert page_steps(page, "pytorch")[0].code == 'framework = "pytorch"\n'
    assert problems(page, environ=environ) == ""


def test_an_untabbed_block_that_needs_the_other_tab_fails_on_that_path(tmp_path, environ):
    page = write(tmp_path / "page.md", TABBED.format(pytorch="pass"))
    found = problems(page, environ=environ)
    assert "NameError: name 'framework' is not defined" in found
    assert len(check_page(page, environ=environ).runs) == 2  # the TensorFlow path ran as well, and passed


def test_on_the_tensorflow_path_torch_is_not_installed(tmp_path, environ):
    tensorflow = 'framework = "tensorflow"'
    text = TABBED.format(pytorch='framework = "pytorch"').replace(tensorflow, "import torch.nn\n    " + tensorflow)
    page = write(tmp_path / "page.md", text)
    found = problems(page, environ=environ)
    assert "ModuleNotFoundError: No module named 'torch'" in found and f"{page}:5: raised" in found


def test_on_the_pytorch_path_tensorflow_looks_absent_to_find_spec(tmp_path, environ):
    check = "import importlib.util\n    assert importlib.util.find_spec('tensorflow') is None"
    page = write(tmp_path / "page.md", TABBED.format(pytorch=check + '\n    framework = "pytorch"'))
    assert problems(page, environ=environ) == ""


def test_a_hung_page_is_killed_with_every_process_it_started(tmp_path, environ):
    environ["PAGERUN_TIMEOUT"] = "5"
    pid_file = tmp_path / "grandchild.pid"
    code = f"""\
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(600)
        """
    page = write(tmp_path / "page.md", "# Hangs\n\n```python\n" + textwrap.dedent(code) + "```\n")
    started = time.monotonic()
    found = problems(page, environ=environ)
    assert time.monotonic() - started < 60
    assert "did not finish within 5 s" in found
    grandchild = process(int(pid_file.read_text()))
    assert grandchild is None or grandchild.state == "Z"  # gone, or dead


def test_an_unchanged_page_is_not_run_again_and_a_changed_snippet_is(tmp_path, environ):
    environ["PAGERUN_CACHE"] = "1"
    page = snippet_page(tmp_path, "print(6 * 7)\n", "42\n")
    first = check_page(page, environ=environ).runs[0]
    again = check_page(page, environ=environ).runs[0]
    assert not first.cached and again.cached and again.steps == first.steps
    snippet = tmp_path / "snippets" / "demo.py"
    snippet.write_text(snippet.read_text(encoding="utf-8").replace("6 * 7", "7 * 6"), encoding="utf-8")
    assert not check_page(page, environ=environ).runs[0].cached
    environ["PAGERUN_CACHE"] = "0"
    assert not check_page(page, environ=environ).runs[0].cached


def test_the_run_key_covers_imported_snippets_transitively():
    from tooling.pages import ROOT

    page = ROOT / "docs" / "ner" / "batching.md"
    files = {p.relative_to(ROOT).as_posix() for p in dependencies(page, "pytorch")}
    assert {"snippets/ner/batching.py", "snippets/ner/data.py", "snippets/ner/corpus/train.txt"} <= files
    assert "requirements.txt" in files and "tooling/pagerun/inside.py" in files
    assert not any("/outputs/" in f for f in files)


def test_a_program_tests_key_covers_the_programs_imports_and_the_test_itself(request, monkeypatch):
    from tests import programs
    from tooling.pages import ROOT

    hashed = {}
    monkeypatch.setattr(programs, "digest", lambda files, salt: hashed.update(files=files, salt=salt) or "key")
    monkeypatch.setenv("PAGERUN_CACHE", "1")
    item = request.node
    item.add_marker(pytest.mark.program("snippets.performance.run"))
    assert programs.program_key(item) == "key"
    files = {p.relative_to(ROOT).as_posix() for p in hashed["files"]}
    assert {"snippets/performance/run.py", "snippets/performance/harness.py"} <= files
    assert {"tests/test_pagerun.py", "requirements.txt", "tooling/pagerun/inside.py"} <= files
    assert item.nodeid in hashed["salt"]
    monkeypatch.setenv("PAGERUN_CACHE", "0")
    assert programs.program_key(item) is None


def test_the_command_line_exits_2_on_a_missing_page(capsys):
    assert main(["docs/no/such/page.md"]) == 2
    assert "no such page" in capsys.readouterr().err


def tooling_imports(folder: Path) -> dict[str, set[str]]:
    """The modules of the ``tooling`` package in ``folder``, each with the ``tooling`` modules it
    imports, at module level or in a function. ``tooling.pagerun.steps`` is an edge to that
    module, not to the package ``tooling.pagerun``, which only ``from tooling import pagerun``
    (or ``import tooling.pagerun``) reaches."""
    files = {}
    for file in sorted(folder.rglob("*.py")):
        if "__pycache__" in file.parts:
            continue
        parts = ("tooling", *file.relative_to(folder).with_suffix("").parts)
        package = parts[-1] == "__init__"
        files[".".join(parts[:-1] if package else parts)] = (file, package)

    def module_of(name: str) -> str | None:
        """The longest prefix of ``name`` that is a tooling module."""
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            if ".".join(parts[:end]) in files:
                return ".".join(parts[:end])
        return None

    graph = {}
    for name, (file, package) in files.items():
        here = name.split(".") if package else name.split(".")[:-1]  # the package relative imports start from
        targets = set()
        for node in ast.walk(parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {module_of(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    submodule = f"{module}.{alias.name}"
                    targets.add(submodule if submodule in files else module_of(module))
        graph[name] = targets - {None, name}
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as ``[a, b, ..., a]``, or None."""
    done: set[str] = set()
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target in stack:
                return [*stack[stack.index(target) :], target]
            if target not in done and (cycle := visit(target)):
                return cycle
        stack.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if node not in done and (cycle := visit(node)):
            return cycle
    return None


def test_the_runner_package_has_no_import_cycle():
    from tooling.pages import ROOT

    graph = tooling_imports(ROOT / "tooling")
    assert "tooling.pagerun.steps" in graph["tooling.pagerun.key"]  # the imports were read
    assert "tooling.pagerun.key" in graph["tooling.mkdocs_hooks"]  # function-level ones too
    cycle = import_cycle(graph)
    assert cycle is None, "tooling modules import each other in a cycle: " + " -> ".join(cycle)
