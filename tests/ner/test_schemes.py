"""Checks for docs/ner/schemes.md: spans, conversions, entity scores."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.ner.schemes import SCHEMES, convert, entity_scores, from_spans, spans

FAST = settings(max_examples=100, deadline=None, database=None)


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
def test_tricky_cases_in_every_scheme(iob1, bio2, iobes, entities):
    for tags in (iob1, bio2, iobes):
        assert spans(tags) == entities
        assert convert(tags, "iob1") == iob1
        assert convert(tags, "bio2") == bio2
        assert convert(tags, "iobes") == iobes


def test_stray_inside_tags_start_an_entity_as_conlleval_does():
    assert spans(["O", "I-PER", "I-PER"]) == [("PER", 1, 3)]
    assert spans(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    assert spans(["E-PER", "I-PER"]) == [("PER", 0, 1), ("PER", 1, 2)]


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown scheme"):
        convert(["O"], "bilou")


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
@given(entity_layouts(), st.sampled_from(SCHEMES), st.sampled_from(SCHEMES))
def test_random_tags_survive_round_trips(layout, first, second):
    length, entities = layout
    tags = from_spans(entities, length, first)
    assert spans(tags) == entities
    assert convert(convert(tags, second), first) == tags


def test_scores_match_the_hand_worked_example_on_the_page():
    gold = [["I-PER", "I-PER", "O", "I-LOC"], ["I-ORG", "O"]]
    predicted = [["I-PER", "O", "O", "I-LOC"], ["I-ORG", "I-MISC"]]
    precision, recall, f1 = entity_scores(gold, predicted)
    assert precision == pytest.approx(2 / 4)
    assert recall == pytest.approx(2 / 3)
    assert f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_scores_edge_cases():
    assert entity_scores([["B-PER", "I-PER"]], [["B-PER", "I-PER"]]) == (1.0, 1.0, 1.0)
    assert entity_scores([["O"]], [["O"]]) == (0.0, 0.0, 0.0)
    # a wrong type is a miss even with the right borders; schemes may differ
    assert entity_scores([["I-LOC"]], [["S-ORG"]]) == (0.0, 0.0, 0.0)
    assert entity_scores([["I-LOC", "O"]], [["S-LOC", "O"]]) == (1.0, 1.0, 1.0)
