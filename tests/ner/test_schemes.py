"""Checks for docs/ner/schemes.md: spans, conversions, entity scores.

Every test takes ``page`` and runs inside the page's run (see tooling/pagerun/inside.py).
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PAGE = "docs/ner/schemes.md"
# The page fixture is one object for the whole run; Hypothesis may reuse it across examples.
FAST = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize(
    ("iob1", "bio2", "iobes", "entities"),
    [
        # adjacent entities of the same type: only IOB1 needs B- here
        (["I-ORG", "B-ORG"], ["B-ORG", "B-ORG"], ["S-ORG", "S-ORG"], [("ORG", 0, 1), ("ORG", 1, 2)]),
        # adjacent entities of different types: no B- in IOB1
        (["I-PER", "I-LOC"], ["B-PER", "B-LOC"], ["S-PER", "S-LOC"], [("PER", 0, 1), ("LOC", 1, 2)]),
        # entity at both sentence edges, several tokens
        (
            ["I-PER", "I-PER", "O", "I-LOC", "I-LOC", "I-LOC"],
            ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC"],
            ["B-PER", "E-PER", "O", "B-LOC", "I-LOC", "E-LOC"],
            [("PER", 0, 2), ("LOC", 3, 6)],
        ),
        # a one-token sentence that is an entity, and one with none
        (["I-MISC"], ["B-MISC"], ["S-MISC"], [("MISC", 0, 1)]),
        (["O", "O"], ["O", "O"], ["O", "O"], []),
        # three same-type entities in a row, the middle one long
        (
            ["I-ORG", "B-ORG", "I-ORG", "B-ORG"],
            ["B-ORG", "B-ORG", "I-ORG", "B-ORG"],
            ["S-ORG", "B-ORG", "E-ORG", "S-ORG"],
            [("ORG", 0, 1), ("ORG", 1, 3), ("ORG", 3, 4)],
        ),
    ],
)
def test_tricky_cases_in_every_scheme(page, iob1, bio2, iobes, entities):
    bilou = [t.replace("E-", "L-").replace("S-", "U-") for t in iobes]
    for tags in (iob1, bio2, iobes, bilou):
        assert page.spans(tags) == entities
        assert page.convert(tags, "iob1") == iob1
        assert page.convert(tags, "bio2") == bio2
        assert page.convert(tags, "iobes") == iobes
        assert page.convert(tags, "bilou") == bilou


def test_stray_inside_tags_start_an_entity_as_conlleval_does(page):
    assert page.spans(["O", "I-PER", "I-PER"]) == [("PER", 1, 3)]
    assert page.spans(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    assert page.spans(["E-PER", "I-PER"]) == [("PER", 0, 1), ("PER", 1, 2)]


def test_unknown_scheme_is_refused(page):
    with pytest.raises(ValueError, match="unknown scheme"):
        page.convert(["O"], "bioes")


@st.composite
def entity_layouts(draw):
    """A sentence length and non-overlapping typed spans inside it."""
    length = draw(st.integers(1, 12))
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)) | {0, length})
    entities = []
    for start, end in itertools.pairwise(cuts):
        kind = draw(st.sampled_from([None, "PER", "ORG", "LOC", "MISC"]))
        if kind:
            entities.append((kind, start, end))
    return length, entities


@FAST
@given(layout=entity_layouts(), data=st.data())
def test_random_tags_survive_round_trips(page, layout, data):
    length, entities = layout
    first, second = data.draw(st.sampled_from(page.SCHEMES)), data.draw(st.sampled_from(page.SCHEMES))
    tags = page.from_spans(entities, length, first)
    assert page.spans(tags) == entities
    assert page.convert(page.convert(tags, second), first) == tags


def test_scores_are_exactly_the_hand_worked_fractions(page):
    # the page prints them rounded to 3 decimals; these are the exact values of its prose
    assert page.precision == pytest.approx(2 / 4)
    assert page.recall == pytest.approx(2 / 3)
    assert page.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_scores_edge_cases(page):
    assert page.entity_scores([["B-PER", "I-PER"]], [["B-PER", "I-PER"]]) == (1.0, 1.0, 1.0)
    assert page.entity_scores([["O"]], [["O"]]) == (0.0, 0.0, 0.0)
    # a wrong type is a miss even with the right borders; schemes may differ
    assert page.entity_scores([["I-LOC"]], [["S-ORG"]]) == (0.0, 0.0, 0.0)
    assert page.entity_scores([["I-LOC", "O"]], [["S-LOC", "O"]]) == (1.0, 1.0, 1.0)


def test_guess_scheme_reads_what_the_tags_show(page):
    assert page.guess_scheme(["S-PER", "O"]) == "iobes"
    assert page.guess_scheme(["B-PER", "L-PER"]) == "bilou"
    assert page.guess_scheme(["I-PER", "O"]) == "iob1"
    assert page.guess_scheme(["B-PER", "I-PER"]) == "bio2"
    assert page.guess_scheme(["O"]) == "bio2"


def test_strict_spans_keep_only_well_formed_entities(page):
    assert page.strict_spans(["I-PER", "I-PER", "O"], "bio2") == []
    assert page.strict_spans(["B-PER", "I-LOC", "B-X", "I-X", "S-Y"], "bio2") == [("PER", 0, 1), ("X", 2, 4)]
    iobes = ["B-PER", "I-PER", "O", "S-X", "B-Y", "E-Y", "B-Z", "I-Z", "E-Z", "B-A", "E-B", "I-C"]
    assert page.strict_spans(iobes, "iobes") == [("X", 3, 4), ("Y", 4, 6), ("Z", 6, 9)]
    assert page.strict_spans(["U-X", "B-Y", "L-Y"], "bilou") == [("X", 0, 1), ("Y", 1, 3)]
    # well-formed tags read the same either way
    tags = ["B-PER", "E-PER", "O", "S-LOC"]
    assert page.strict_spans(tags, "iobes") == page.spans(tags)


def test_strict_and_lenient_scores_of_the_page_example(page):
    assert page.entity_scores(page.gold, page.predicted) == (1.0, 1.0, 1.0)
    assert page.entity_scores(page.gold, page.predicted, strict="bio2") == pytest.approx((1.0, 0.5, 2 / 3))


def test_conlleval_report_counts_per_type(page):
    lines = page.conlleval_report([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-ORG"]]).splitlines()
    assert lines[0] == "processed 4 tokens with 2 phrases; found: 2 phrases; correct: 1."
    assert lines[1] == "accuracy:  75.00%; precision:  50.00%; recall:  50.00%; FB1:  50.00"
    assert lines[2] == "              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0"
    assert lines[3].endswith("ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1")
    assert lines[4].endswith("PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1")
