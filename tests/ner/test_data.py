"""Checks for docs/ner/data.md: the reader, its errors, and the shipped corpus."""

import pytest

from snippets.ner import data
from snippets.ner.data import CORPUS, ConllError, decode, parse_conll, read_conll


def test_regenerating_gives_the_shipped_files_byte_for_byte(tmp_path):
    data.write_corpus(tmp_path)
    for split in data.SIZES:
        assert (tmp_path / f"{split}.txt").read_bytes() == (CORPUS / f"{split}.txt").read_bytes(), split


def test_splits_have_the_documented_sizes_and_four_columns():
    for split, size in data.SIZES.items():
        text = (CORPUS / f"{split}.txt").read_text(encoding="utf-8")
        assert len(read_conll(CORPUS / f"{split}.txt")) == size
        widths = {len(line.split()) for line in text.splitlines() if line}
        assert widths == {4}
        assert text.count("-DOCSTART-") == size // 20


def entity_strings(split):
    from snippets.ner.schemes import spans

    found = set()
    for s in read_conll(CORPUS / f"{split}.txt"):
        found |= {" ".join(s.tokens[a:b]) for _, a, b in spans(s.tags)}
    return found


def test_test_entities_never_occur_in_training():
    train_tokens = {t for s in read_conll(CORPUS / "train.txt") for t in s.tokens}
    test_entities = entity_strings("test")
    assert test_entities and not test_entities & entity_strings("train")
    names = {w for e in test_entities for w in e.split()} - set(data.ORG_SUFFIXES)
    assert not names & train_tokens


def test_name_pools_are_disjoint():
    pools = data.name_pools()
    for kind in data.NAMES:
        train, dev, test = (set(pools[s][kind]) for s in ("train", "dev", "test"))
        assert not (train & test or train & dev or dev & test)


def test_sample_keeps_token_and_last_column():
    sample = read_conll(CORPUS / "sample.txt")
    assert len(sample) == 3
    assert sample[1].tags[4] == "B-ORG" and sample[2].tokens[-1] == "Brennan"
    assert sample[0].lines[0] == 3  # line numbers are 1-based and count the -DOCSTART- lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a NN O\nb O\n", "x.txt:2: 2 columns, expected 3 columns"),
        ("a\n", "x.txt:1: 1 columns, expected 2 or more"),
        ("a NN O\n\nb NN Q-PER\n", "x.txt:3: tag 'Q-PER'"),
        ("a B-\n", "x.txt:1: tag 'B-'"),
    ],
)
def test_bad_lines_are_reported_with_file_and_line(text, message):
    with pytest.raises(ConllError, match=message.replace("(", r"\(")):
        parse_conll(text, "x.txt")


def test_non_utf8_bytes_name_their_line():
    with pytest.raises(ConllError, match=r"f:3: bytes that are not UTF-8"):
        decode(b"a O\n\nb\xff O\n", "f")


def test_docstart_and_blank_lines_separate_sentences():
    text = "-DOCSTART- -X- O\n\na I-PER\nb O\n\n\nc O\n-DOCSTART- -X- O\nd O\n"
    assert [s.tokens for s in parse_conll(text)] == [["a", "b"], ["c"], ["d"]]
