"""Every page's Python runs, in page order, in a fresh interpreter, and prints what the page shows."""

import pytest

from tooling.pagerun import check_page, owned_programs, stale_outputs
from tooling.pages import ROOT, markdown_pages

PROGRAMS = owned_programs()


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_runs_in_order_and_shows_its_real_output(page, request):
    update = request.config.getoption("--update-outputs")
    problems, _written = check_page(page, PROGRAMS.get(page, []), update=update)
    assert not problems, "\n\n".join(problems)


def test_no_output_file_outlives_its_section():
    stale = [p.relative_to(ROOT).as_posix() for p in stale_outputs()]
    assert not stale, f"output files without a snippet section (run `make outputs`): {stale}"
