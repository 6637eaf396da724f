"""Checks for docs/ner/schemes.md: spans, conversions, entity scores.

Every test takes ``page`` and runs inside the page's run (see tooling/pagerun/inside.py).
"""

import itertools
import re

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


def test_mismatched_lengths_are_refused_as_seqeval_refuses_them(page):
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG"]]
    # the reviewer's case: this used to score (1.0, 0.333, 0.5)
    with pytest.raises(ValueError, match=r"^2 gold and 1 predicted sentences$"):
        page.entity_scores(gold, [["B-PER", "I-PER"]])
    with pytest.raises(ValueError, match=r"^sentence 0: 4 gold and 2 predicted tags$"):
        page.entity_scores(gold, [["B-PER", "I-PER"], ["B-ORG"]])
    for function in (page.conlleval_report, page.type_scores, page.entity_sets):
        with pytest.raises(ValueError, match=r"^sentence 1: 1 gold and 2 predicted tags$"):
            function(gold, [["O"] * 4, ["B-ORG", "O"]], strict="bio2")


@pytest.mark.parametrize("tag", ["b-PER", "BX", "B", "", "B-", "X-PER", "I-PER-", "O-PER"])
@pytest.mark.parametrize("strict", [None, "bio2", "iob1", "iobes", "bilou"])
def test_a_string_that_is_no_tag_is_refused_in_both_modes(page, tag, strict):
    expected = "is not valid in " if strict else "is not valid: expected O or B-, I-, E-, S-, L-, U- plus a type"
    with pytest.raises(ValueError, match=re.escape(f"predicted sentence 0: tag {tag!r} (token 1) {expected}")):
        page.entity_scores([["O", "O"]], [["O", tag]], strict=strict)
    if strict:  # strict_spans alone too: no IndexError on ""
        with pytest.raises(ValueError, match=re.escape(f"tag {tag!r} (token 0) is not valid in {strict}")):
            page.strict_spans([tag], strict)


def test_conlleval_report_of_nothing_prints_only_the_counts(page):
    assert page.conlleval_report([], []) == "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0."
    assert page.conlleval_report([[]], [[]]) == page.conlleval_report([], [])


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
    # a B- where IOB1 never writes one settles BIO2, even next to a stray I-
    assert page.guess_scheme(["B-PER", "I-PER", "O", "I-LOC"]) == "bio2"
    assert page.guess_scheme(["I-PER", "I-LOC", "B-PER"]) == "bio2"  # B- after another type
    # IOB1's own B-, right after its type, is no sign of BIO2
    assert page.guess_scheme(["I-ORG", "B-ORG", "I-ORG", "O", "I-LOC"]) == "iob1"
    # a whole file, an O between its sentences: the stray I- of one sentence does not decide
    sentences = [["B-PER", "O"], ["O", "I-LOC", "I-LOC"]]
    assert page.guess_scheme(sentences[1]) == "iob1"
    assert page.guess_scheme([tag for tags in sentences for tag in ["O", *tags]]) == "bio2"
    assert page.guess_scheme(page.iob1) == "iob1"


@FAST
@given(layout=entity_layouts(), scheme=st.sampled_from(["iob1", "bio2", "iobes", "bilou"]))
def test_guess_scheme_finds_the_scheme_of_valid_tags_that_show_it(page, layout, scheme):
    length, entities = layout
    tags = page.from_spans(entities, length, scheme)
    if entities:  # with no entity, every scheme writes the same tags
        assert page.guess_scheme(tags) == scheme


def test_strict_spans_keep_only_well_formed_entities(page):
    assert page.strict_spans(["I-PER", "I-PER", "O"], "bio2") == []
    assert page.strict_spans(["B-PER", "I-LOC", "B-X", "I-X"], "bio2") == [("PER", 0, 1), ("X", 2, 4)]
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


def test_strict_iob1_reads_the_conll_files_own_scheme(page):
    # the bug this replaced: strict_spans(..., "iob1") found nothing, so strict IOB1 scoring gave F1 = 0
    assert page.strict_spans(["I-PER", "I-PER", "O"], "iob1") == [("PER", 0, 2)]
    assert page.strict_spans(["B-PER", "I-PER", "O"], "iob1") == [("PER", 1, 2)]  # B- after O is no start
    assert page.strict_spans(["I-ORG", "B-ORG", "I-ORG"], "iob1") == [("ORG", 0, 1), ("ORG", 1, 3)]
    # seqeval's quirk, kept so that the two agree: a one-token B- entity followed by a B- of another type
    assert page.strict_spans(["I-X", "B-X", "B-Y"], "iob1") == [("X", 0, 1)]
    gold = [s.tags for s in page.test]  # the corpus is IOB1
    assert page.entity_scores(gold, gold, strict="iob1") == (1.0, 1.0, 1.0)
    assert len(page.entity_sets(gold, gold, strict="iob1")[0]) == len(page.entity_sets(gold, gold)[0]) > 500


@pytest.mark.parametrize("function", ["entity_scores", "entity_sets", "conlleval_report", "type_scores"])
@pytest.mark.parametrize("strict", ["bioes", "IOB2", True, ""])
def test_an_unknown_strict_scheme_is_refused_even_without_tags(page, function, strict):
    with pytest.raises(ValueError, match=r"^unknown scheme .*, expected one of iob1, bio2, iobes, bilou$"):
        getattr(page, function)([], [], strict=strict)


@pytest.mark.parametrize(
    ("tags", "scheme", "message"),
    [
        (["O", "S-PER"], "bio2", "tag 'S-PER' (token 1) is not valid in bio2: expected O or B-, I- plus a type"),
        (["E-PER"], "iob1", "tag 'E-PER' (token 0) is not valid in iob1"),
        (["U-PER"], "iobes", "tag 'U-PER' (token 0) is not valid in iobes: expected O or B-, I-, E-, S- plus"),
        (["S-PER"], "bilou", "tag 'S-PER' (token 0) is not valid in bilou: expected O or B-, I-, L-, U- plus"),
    ],
)
def test_a_tag_the_scheme_does_not_have_is_refused_with_its_place(page, tags, scheme, message):
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        page.strict_spans(tags, scheme)
    with pytest.raises(ValueError, match="^" + re.escape(f"predicted sentence 1: {message}")):
        page.entity_scores([["O"], ["O"] * len(tags)], [["O"], tags], strict=scheme)


ALLOWED = {"iob1": "BIO", "bio2": "BIO", "iobes": "BIESO", "bilou": "BILUO"}


@st.composite
def tag_sequences(draw, prefixes):
    """Any sequence of tags with these prefixes, well formed or not, over two types."""
    tags = []
    for prefix in draw(st.lists(st.sampled_from(prefixes), min_size=1, max_size=10)):
        tags.append("O" if prefix == "O" else f"{prefix}-{draw(st.sampled_from(['PER', 'creative-work']))}")
    return tags


@FAST
@given(data=st.data(), scheme=st.sampled_from(["iob1", "bio2", "iobes", "bilou"]))
def test_strict_spans_are_seqevals_strict_entities(page, data, scheme):
    from seqeval.scheme import Tokens

    tags = data.draw(tag_sequences(ALLOWED[scheme]))
    theirs = Tokens(tags, page.SEQEVAL[scheme]).entities
    assert page.strict_spans(tags, scheme) == [(e.tag, e.start, e.end) for e in theirs]


@FAST
@given(tags=tag_sequences("BIESO"))
def test_spans_are_seqevals_default_entities(page, tags):
    # seqeval's default mode, for IOB1, BIO2 and IOBES tags (get_entities ends are inclusive)
    from seqeval.metrics.sequence_labeling import get_entities

    assert page.spans(tags) == [(kind, start, end + 1) for kind, start, end in get_entities(tags)]


def test_the_page_compares_both_modes_in_three_schemes_and_they_agree(page):
    assert page.largest <= 1e-12
    # one set of mistakes, written in each scheme: the default (lenient) scores are the same in all
    # three, and strict mode differs from them in every scheme (lower recall, as the page says)
    defaults = set()
    wrong_starts = sum(wrong for entities in page.mistaken for *_, wrong in entities)
    assert wrong_starts > 20
    for scheme in ("iob1", "bio2", "iobes"):
        gold = [page.convert(s.tags, scheme) for s in page.test]
        predicted = [page.write(e, len(s.tags), scheme) for e, s in zip(page.mistaken, page.test, strict=True)]
        assert [page.spans(tags) for tags in predicted] == [page.spans(page.write(e, len(s.tags), "bio2"))
                                                            for e, s in zip(page.mistaken, page.test, strict=True)]
        default, strict = page.entity_scores(gold, predicted), page.entity_scores(gold, predicted, scheme)
        defaults.add(default)
        assert strict[1] < default[1]
        assert page.seqeval_scores(gold, predicted, scheme)[0] == pytest.approx(strict, abs=1e-12)
    assert len(defaults) == 1


def test_seqeval_strict_without_a_scheme_guesses_it_from_the_gold_tags(page):
    from seqeval.metrics import classification_report

    only_inside = [s.tags for s in page.test]  # IOB1 with no B-: seqeval's guess refuses it
    assert not any(tag.startswith("B-") for tags in only_inside for tag in tags)
    with pytest.raises(ValueError, match="This scheme is not supported"):
        classification_report(only_inside, only_inside, mode="strict")


def test_seqeval_default_mode_does_not_know_bilou(page):
    from seqeval.metrics.sequence_labeling import get_entities

    with pytest.warns(UserWarning, match="U-PER seems not to be NE tag"):
        assert get_entities(["U-PER", "U-PER"]) == [("PER", 0, 1)]  # two BILOU entities read as one
    assert page.spans(["U-PER", "U-PER"]) == [("PER", 0, 1), ("PER", 1, 2)]
    with pytest.warns(UserWarning, match="L-PER seems not to be NE tag"):
        assert get_entities(["B-PER", "L-PER", "B-PER", "L-PER"]) == [("PER", 2, 3)]  # the first person lost
    assert page.spans(["B-PER", "L-PER", "B-PER", "L-PER"]) == [("PER", 0, 2), ("PER", 2, 4)]


def test_strict_iob1_copies_seqevals_corner_not_iob1(page):
    from seqeval.scheme import IOB1, Tokens

    tags = ["I-LOC", "B-LOC", "B-PER"]  # the second LOC is well formed IOB1; B-PER is not
    assert [(e.tag, e.start, e.end) for e in Tokens(tags, IOB1).entities] == [("LOC", 0, 1)]
    assert page.strict_spans(tags, "iob1") == [("LOC", 0, 1)]
    assert page.strict_spans(["I-LOC", "B-LOC", "O"], "iob1") == [("LOC", 0, 1), ("LOC", 1, 2)]
