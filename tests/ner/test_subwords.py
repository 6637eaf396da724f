"""Checks for docs/ner/subwords.md: the shipped tokenizer, a vocab.txt, splitting long sentences.

Every test takes ``page`` and runs inside the page's run (see tooling/pagerun.py). How labels
are aligned with subwords and gathered back is pinned by the page's outputs (show_align.txt,
show_back.txt).
"""

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PAGE = "docs/ner/subwords.md"
# The page fixture is one object for the whole run; Hypothesis may reuse it across examples.
FAST = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_retraining_reproduces_the_shipped_tokenizer_byte_for_byte(page):
    again = page.train_tokenizer(page.CORPUS / "train.txt")
    assert again.to_str(pretty=True) == page.TOKENIZER.read_text(encoding="utf-8")


def test_learn_vocab_is_wordpiece_and_stops_when_words_are_whole(page):
    vocab = page.learn_vocab(Counter({"abab": 3, "ab": 1}), 100)
    assert vocab[:5] == page.SPECIALS
    assert {"a", "##a", "##b"} <= set(vocab) and "abab" in vocab
    assert len(vocab) < 100  # ran out of pairs


def test_every_training_word_encodes_without_unknown_pieces(page):
    words = sorted({w for s in page.read_conll(page.CORPUS / "train.txt") for w in s.tokens})
    encoding = page.tokenizer.encode(words, is_pretokenized=True)
    assert "[UNK]" not in encoding.tokens
    assert encoding.tokens[0] == "[CLS]" and encoding.tokens[-1] == "[SEP]"


def test_a_vocab_txt_gives_the_same_encodings(page, tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("".join(token + "\n" for token, _ in page.vocab), encoding="utf-8")
    other = page.load_tokenizer(path)
    again = other.encode(page.words, is_pretokenized=True)
    assert again.ids == page.encoding.ids and again.word_ids == page.encoding.word_ids


@FAST
@given(
    words=st.lists(st.text(alphabet="abcdeOPQ", min_size=1, max_size=9), min_size=1, max_size=15),
    max_length=st.integers(8, 30),
)
def test_splitting_keeps_every_word_in_order_and_within_the_limit(page, words, max_length):
    tokenizer = page.tokenizer
    try:
        pieces = page.split_long(words, tokenizer, max_length)
    except page.TooLongError as err:
        count = len(tokenizer.encode([words[err.index]], is_pretokenized=True).ids)
        assert count > max_length
        return
    assert pieces[0][0] == 0 and pieces[-1][1] == len(words)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    for start, end in pieces:
        assert start < end
        assert len(tokenizer.encode(words[start:end], is_pretokenized=True).ids) <= max_length


def test_a_word_too_long_for_any_piece_is_refused(page):
    with pytest.raises(page.TooLongError, match="does not fit in --max-length 5") as info:
        page.split_long(["in", "Mississippiriver"], page.tokenizer, 5)
    assert info.value.index == 1
