"""Checks for docs/ner/subwords.md: the shipped tokenizer, alignment, splitting."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.ner import subwords as sw
from snippets.ner.data import CORPUS, read_conll

FAST = settings(max_examples=60, deadline=None, database=None)


@pytest.fixture(scope="module")
def tokenizer():
    return sw.load_tokenizer()


def test_retraining_reproduces_the_shipped_tokenizer_byte_for_byte():
    again = sw.train_tokenizer(CORPUS / "train.txt")
    assert again.to_str(pretty=True) == sw.TOKENIZER.read_text(encoding="utf-8")


def test_learn_vocab_is_wordpiece_and_stops_when_words_are_whole():
    from collections import Counter

    vocab = sw.learn_vocab(Counter({"abab": 3, "ab": 1}), 100)
    assert vocab[:5] == sw.SPECIALS
    assert {"a", "##a", "##b"} <= set(vocab) and "abab" in vocab
    assert len(vocab) < 100  # ran out of pairs


def test_every_training_word_encodes_without_unknown_pieces(tokenizer):
    words = sorted({w for s in read_conll(CORPUS / "train.txt") for w in s.tokens})
    encoding = tokenizer.encode(words, is_pretokenized=True)
    assert "[UNK]" not in encoding.tokens
    assert encoding.tokens[0] == "[CLS]" and encoding.tokens[-1] == "[SEP]"


def test_a_vocab_txt_gives_the_same_encodings(tokenizer, tmp_path):
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    path = tmp_path / "vocab.txt"
    path.write_text("".join(token + "\n" for token, _ in vocab), encoding="utf-8")
    other = sw.load_tokenizer(path)
    words = ["Farid", "Okonkwo", "joined", "Lumen", "Bank", "."]
    a = tokenizer.encode(words, is_pretokenized=True)
    b = other.encode(words, is_pretokenized=True)
    assert a.ids == b.ids and a.word_ids == b.word_ids


def test_alignment_labels_first_subword_or_every_subword():
    word_ids = [None, 0, 0, 1, 2, 2, 2, None]
    assert sw.align_labels(word_ids, [7, 8, 0]) == [-100, 7, -100, 8, 0, -100, -100, -100]
    assert sw.align_labels(word_ids, [7, 8, 0], every_subword=True) == [-100, 7, 7, 8, 0, 0, 0, -100]
    assert sw.words_from_subwords(word_ids, list("xabcdefy")) == ["a", "c", "d"]


@FAST
@given(st.lists(st.text(alphabet="abcdeOPQ", min_size=1, max_size=9), min_size=1, max_size=15),
       st.integers(8, 30))
def test_splitting_keeps_every_word_in_order_and_within_the_limit(tokenizer, words, max_length):
    try:
        pieces = sw.split_long(words, tokenizer, max_length)
    except sw.TooLongError as err:
        count = len(tokenizer.encode([words[err.index]], is_pretokenized=True).ids)
        assert count > max_length
        return
    assert pieces[0][0] == 0 and pieces[-1][1] == len(words)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    for start, end in pieces:
        assert start < end
        assert len(tokenizer.encode(words[start:end], is_pretokenized=True).ids) <= max_length


def test_a_word_too_long_for_any_piece_is_refused(tokenizer):
    with pytest.raises(sw.TooLongError, match="does not fit in --max-length 5") as info:
        sw.split_long(["in", "Mississippiriver"], tokenizer, 5)
    assert info.value.index == 1
