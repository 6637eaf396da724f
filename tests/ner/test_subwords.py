"""Checks for docs/ner/subwords.md: the shipped tokenizer, a vocab.txt, splitting long sentences.

Every test takes ``page`` and runs inside the page's run (see tooling/pagerun/inside.py). How labels
are aligned with subwords and gathered back is pinned by the page's outputs (show_align.txt,
show_back.txt).
"""

import itertools
import json
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


def test_the_uncased_vocab_is_regenerated_byte_for_byte(page, tmp_path):
    page.write_uncased_vocab(tmp_path / "vocab.txt")
    assert (tmp_path / "vocab.txt").read_bytes() == page.UNCASED_VOCAB.read_bytes()


def bert_tokenizer_json(vocab: dict[str, int], lowercase: bool) -> str:
    """A tokenizer.json laid out as Hugging Face saves one for BERT, written here field by field."""
    specials = [
        {"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for s in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
    ]
    return json.dumps({
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": specials,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": lowercase},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {s: {"id": s, "ids": [vocab[s]], "tokens": [s]} for s in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    })


AWKWARD = ["Jürgen", "MÜLLER", "Weiß", "2-1", "U.S.", "São", "Paulo's", "\u200b", "a\x07b", "東京", "[UNK]", "Oslo"]


@pytest.mark.parametrize("vocab_path", ["uncased", "cased"])
def test_a_vocab_txt_counts_subwords_as_a_bert_tokenizer_json_does(page, tmp_path, vocab_path):
    if vocab_path == "uncased":
        path, lowercase = page.UNCASED_VOCAB, True
    else:  # the shipped cased vocabulary, as a vocab.txt
        path, lowercase = tmp_path / "vocab.txt", False
        path.write_text("".join(token + "\n" for token, _ in page.vocab), encoding="utf-8")
    ours = page.load_tokenizer(path)
    vocab = {line: i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines())}
    (tmp_path / "tokenizer.json").write_text(bert_tokenizer_json(vocab, lowercase), encoding="utf-8")
    reference = page.Tokenizer.from_file(str(tmp_path / "tokenizer.json"))
    for words in [AWKWARD, *([w] for w in AWKWARD)]:
        got, want = ours.encode(words, is_pretokenized=True), reference.encode(words, is_pretokenized=True)
        assert (got.tokens, got.word_ids) == (want.tokens, want.word_ids)
    assert ours.normalizer.lowercase is lowercase  # detected from the vocabulary


def test_every_word_keeps_a_subword_and_a_tag(page):
    words = ["Oslo", "\u200b", "\x07", "Lima"]
    encoding = page.encode_words(words, page.bert)
    tags = page.words_from_subwords(encoding.word_ids, encoding.tokens, len(words))
    assert tags == ["o", "[UNK]", "[UNK]", "l"]
    assert page.split_long(words, page.bert, 6) == [(0, 2), (2, 3), (3, 4)]  # an empty word counts one


def test_without_an_unknown_token_an_empty_word_is_refused(page):
    bpe = page.Tokenizer(page.models.BPE({"a": 0, "b": 1}, []))
    bpe.normalizer = page.normalizers.BertNormalizer()
    with pytest.raises(page.WordError, match="'\\\\u200b' gives no subword") as info:
        page.encode_words(["a", "\u200b"], bpe)
    assert info.value.index == 1


def test_words_from_subwords_refuses_a_wrong_count(page):
    with pytest.raises(ValueError, match="2 values for 3 words"):
        page.words_from_subwords([None, 0, 1, 1, None], list("abcde"), 3)


NAMES = ["Oslo", "in", "Lena", "Abcdefg", "Xq", "Quentinwolfe", "."]


@st.composite
def tagged(draw):
    """Words and BIO2 tags with entities of one to four words."""
    words, tags = [], []
    for _ in range(draw(st.integers(1, 8))):
        length = draw(st.integers(1, 4))
        kind = draw(st.sampled_from([None, None, "PER", "LOC"]))
        words += draw(st.lists(st.sampled_from(NAMES), min_size=length, max_size=length))
        tags += ["O"] * length if kind is None else [f"B-{kind}"] + [f"I-{kind}"] * (length - 1)
    return words, tags


@FAST
@given(sentence=tagged(), max_length=st.integers(8, 30))
def test_entity_aware_split_loses_nothing_and_cuts_entities_only_when_unavoidable(page, sentence, max_length):
    words, tags = sentence
    tokenizer = page.tokenizer
    try:
        pieces = page.split_long(words, tokenizer, max_length, tags)
    except page.TooLongError:
        return  # a single word too long: tested above
    assert [w for start, end in pieces for w in words[start:end]] == words  # nothing lost or reordered
    counts, room = page.subword_counts(words, tokenizer, max_length)
    for start, end in pieces:
        assert start < end and sum(counts[start:end]) <= room
        assert len(tokenizer.encode(words[start:end], is_pretokenized=True).ids) <= max_length
    for kind, start, end in page.spans(tags):
        cut = any(start < a < end for a, _ in pieces)
        assert not cut or sum(counts[start:end]) > room, (kind, start, end)
    parts = page.piece_tags(tags, pieces)
    for part in parts:  # each piece is valid BIO2 on its own
        assert page.convert(part, "bio2") == part
    assert sum(len(p) for p in parts) == len(tags)


@FAST
@given(sentence=tagged(), max_length=st.integers(8, 30), stride=st.integers(1, 10))
def test_windows_cover_every_word_and_merge_back_to_one_value_each(page, sentence, max_length, stride):
    words, tags = sentence
    try:
        pieces = page.windows(words, page.tokenizer, max_length, stride, tags)
    except page.TooLongError:
        return
    counts, room = page.subword_counts(words, page.tokenizer, max_length)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(words)
    for (start, end), (next_start, next_end) in itertools.pairwise(pieces):
        assert start < next_start <= end < next_end  # moves on, no gap
        assert sum(counts[next_start:end]) <= stride
    assert all(sum(counts[a:b]) <= room for a, b in pieces)
    merged = page.merge_windows(pieces, [list(range(a, b)) for a, b in pieces], len(words))
    assert merged == list(range(len(words)))


def test_merge_windows_refuses_a_word_in_no_window(page):
    with pytest.raises(ValueError, match="word 2 is in no window"):
        page.merge_windows([(0, 2)], [["a", "b"]], 3)


def test_inside_turns_only_b_into_i(page):
    assert [page.inside(t) for t in ["B-PER", "I-PER", "O", "B-creative-work"]] == [
        "I-PER",
        "I-PER",
        "O",
        "I-creative-work",
    ]


def test_five_library_trainings_gave_five_vocabularies(page):
    assert len(page.vocabularies) == 5
    assert all(len(dict(v)) == 400 for v in page.vocabularies)


@FAST
@given(sentence=tagged())
def test_every_piece_labels_with_b_to_i_hold_the_words_entities(page, sentence):
    words, tags = sentence
    encoding = page.encode_words(words, page.tokenizer)
    labels = page.align_labels(encoding.word_ids, tags, every_subword=True, continuation=page.inside)
    as_tags = ["O" if label == page.IGNORE else label for label in labels]
    assert page.convert(as_tags, "bio2") == as_tags  # valid BIO2 over the pieces
    first = {}  # piece position -> word, for the first piece of each word
    for position, word in enumerate(encoding.word_ids):
        if word is not None and word not in first.values():
            first[position] = word
    ends = {position: word for position, word in enumerate(encoding.word_ids) if word is not None}
    pieces = [(kind, first[start], ends[end - 1] + 1) for kind, start, end in page.spans(as_tags)]
    assert pieces == page.spans(tags)
    assert page.words_from_subwords(encoding.word_ids, labels, len(words)) == tags


def test_continuation_also_maps_label_ids(page):
    labels = ["O", "B-PER", "I-PER"]
    word_ids = [None, 0, 0, 1, None]

    def to_inside(i):
        return labels.index(page.inside(labels[i]))

    assert page.align_labels(word_ids, [1, 0], every_subword=True, continuation=to_inside) == [-100, 1, 2, 0, -100]
    assert page.align_labels(word_ids, [1, 0], every_subword=True) == [-100, 1, 1, 0, -100]
    assert page.align_labels(word_ids, [1, 0]) == [-100, 1, -100, 0, -100]
