"""Every page's Python runs once per reading path, in page order, in a fresh interpreter,
and prints what the page shows (see tooling.pagerun and tests/pageruns.py)."""

import pytest

from tests.pageruns import page_check
from tooling.pagerun.compare import stale_outputs
from tooling.pages import ROOT, markdown_pages


@pytest.mark.parametrize("markdown", markdown_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_runs_in_order_and_shows_its_real_output(markdown, request):
    check = page_check(markdown, request.config)
    assert not check.problems, "\n\n".join(check.problems)


def test_no_output_file_outlives_its_section():
    stale = [p.relative_to(ROOT).as_posix() for p in stale_outputs()]
    assert not stale, f"output files without a snippet section (run `make outputs`): {stale}"
