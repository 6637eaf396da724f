"""The shards (tests/shards.py): together they run every test once, and a page with its tests."""

import argparse
from collections import Counter

import pytest

from tests.shards import UNITS, deal, shard_arg, shard_of


def test_this_session_runs_its_shard(request):
    units = request.config.stash[UNITS]  # every collected test, before the shard was taken
    option = request.config.option
    if option.keyword or option.markexpr or getattr(option, "lf", False) or option.deselect:
        pytest.skip("other options deselected tests too")
    shard = request.config.getoption("--shard")
    expected = set(shard_of(units, *shard)) if shard else set(units)
    assert {item.nodeid for item in request.session.items} == expected


@pytest.mark.parametrize("n", [2, 3, 4])
def test_the_shards_together_run_every_test_exactly_once(request, n):
    units = request.config.stash[UNITS]
    shards = [shard_of(units, i, n) for i in range(1, n + 1)]
    runs = Counter(nodeid for shard in shards for nodeid in shard)
    assert set(runs) == set(units)
    assert [nodeid for nodeid, count in runs.items() if count != 1] == []
    # A page's run, the site's build and a module are each in one shard only.
    owners = Counter(unit for shard in shards for unit in {units[nodeid] for nodeid in shard})
    assert [unit for unit, count in owners.items() if count != 1] == []


def test_a_page_and_its_page_tests_are_one_unit(request):
    units = request.config.stash[UNITS]
    if "tests/test_pages.py::test_no_output_file_outlives_its_section" not in units:
        pytest.skip("needs the whole suite collected")
    saving = "page:docs/tensorflow/saving.md"
    page_tests = {unit for nodeid, unit in units.items() if nodeid.startswith("tests/tensorflow/test_saving.py")}
    assert page_tests == {saving}
    assert units[f"tests/test_pages.py::test_page_runs_in_order_and_shows_its_real_output[{saving[5:]}]"] == saving


def test_units_are_dealt_longest_first_to_the_least_loaded_shard():
    costs = {"a": 10.0, "b": 6.0, "c": 5.0, "d": 4.0, "e": 1.0}
    assert deal(costs, 2) == [{"a", "d"}, {"b", "c", "e"}]  # 14 and 12
    assert deal(costs, 1) == [set(costs)]


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "two/four", "1/0"])
def test_a_shard_outside_1_to_n_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="expected I/N with 1 <= I <= N"):
        shard_arg(text)


def test_the_publish_workflow_runs_every_shard_then_gates_coverage_combined():
    import yaml

    from tooling.pages import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    shards = workflow["jobs"]["test"]["strategy"]["matrix"]["shard"]
    runs = [step.get("run", "") for step in workflow["jobs"]["test"]["steps"]]
    assert f"make test SHARD=${{{{ matrix.shard }}}}/{len(shards)}" in runs
    assert shards == list(range(1, len(shards) + 1))
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "test"
    assert "make coverage" in [step.get("run", "") for step in publish["steps"]]
