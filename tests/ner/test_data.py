"""Checks for docs/ner/data.md: the reader, its errors, and the shipped corpus.

Every test takes ``page`` and runs inside the page's run (see tooling/pagerun/inside.py). The split
sizes, the entity counts, the sample's first two sentences and "seen in train: 0" are pinned
by the page's output files.
"""

import pytest

PAGE = "docs/ner/data.md"


def test_regenerating_gives_the_shipped_files_byte_for_byte(page, tmp_path):
    page.write_corpus(tmp_path)
    for split in page.SIZES:
        assert (tmp_path / f"{split}.txt").read_bytes() == (page.CORPUS / f"{split}.txt").read_bytes(), split


def test_splits_have_four_columns_and_a_docstart_every_20_sentences(page):
    for split, size in page.SIZES.items():
        text = (page.CORPUS / f"{split}.txt").read_text(encoding="utf-8")
        assert {len(line.split()) for line in text.splitlines() if line} == {4}
        assert text.count("-DOCSTART-") == size // 20


def test_test_names_never_occur_anywhere_in_training(page):
    # stronger than the page's check, which compares with the entity words of training only
    train_tokens = {t for s in page.read_conll(page.CORPUS / "train.txt") for t in s.tokens}
    names = page.test_words  # entity words of the test split, suffixes such as Corp left out
    assert names and not names & train_tokens


def test_held_out_names_never_occur_anywhere_in_training(page):
    train_tokens = {t for s in page.read_conll(page.CORPUS / "train.txt") for t in s.tokens}
    names = page.entity_words("test-new")
    assert names and not names & train_tokens


def shapes(page, split: str) -> set[str]:
    """The split's sentences with each name, number, weekday and date replaced by its kind."""
    found = set()
    for sentence in page.read_conll(page.CORPUS / f"{split}.txt"):
        shape = []
        for token, tag in zip(sentence.tokens, sentence.tags, strict=True):
            if tag != "O":
                kind = tag[2:]
                if shape and shape[-1] == kind:
                    continue  # the next word of the same name
            elif token[0].isdigit():
                kind = "NUM"
            else:
                kind = "DAY" if token in page.DAYS else token
            shape.append(kind)
        found.add(" ".join(shape))
    return found


def test_test_uses_training_templates_and_test_new_only_held_out_ones(page):
    train = shapes(page, "train")
    assert "The MISC government rejected the offer from ORG ." in train
    assert shapes(page, "test") <= train and shapes(page, "dev") <= train
    held_out = shapes(page, "test-new")
    assert len(held_out) == len(page.NEW_TEMPLATES)
    assert not held_out & (train | shapes(page, "test") | shapes(page, "dev"))


def test_every_training_word_outside_the_templates_is_a_name_number_weekday_or_date(page):
    # the tutorial explains its new-templates score with this
    template_words = {word for template in page.TEMPLATES for word in template.split()}
    for sentence in page.read_conll(page.CORPUS / "train.txt"):
        for token, tag in zip(sentence.tokens, sentence.tags, strict=True):
            assert tag != "O" or token in template_words or token in page.DAYS or token[0].isdigit(), token


def test_name_pools_are_disjoint(page):
    pools = page.name_pools()
    for kind in page.NAMES:
        train, dev, test = (set(pools[s][kind]) for s in ("train", "dev", "test"))
        assert not (train & test or train & dev or dev & test)


def test_sample_line_numbers_and_its_last_sentence(page):
    assert page.sample[0].lines[0] == 3  # 1-based, counting the -DOCSTART- line and the blank line
    last = page.sample[2]
    assert last.tokens[-1] == "Brennan" and last.tags[-1] != "O"  # ends on an entity, no full stop


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a NN O\nb O\n", "x.txt:2: 2 columns, expected 3 columns"),
        ("a\n", "x.txt:1: 1 columns, expected 2 or more"),
        ("a NN O\n\nb NN Q-PER\n", "x.txt:3: tag 'Q-PER'"),
        ("a B-\n", "x.txt:1: tag 'B-'"),
    ],
)
def test_bad_lines_are_reported_with_file_and_line(page, text, message):
    with pytest.raises(page.ConllError, match=message.replace("(", r"\(")):
        page.parse_conll(text, "x.txt")


def test_non_utf8_bytes_name_their_line(page):
    with pytest.raises(page.ConllError, match=r"^f:3: byte 0xff \(byte 2 of the line\) is not valid utf-8$"):
        page.decode(b"a O\n\nb\xff O\n", "f")


def test_docstart_and_blank_lines_separate_sentences(page):
    text = "-DOCSTART- -X- O\n\na I-PER\nb O\n\n\nc O\n-DOCSTART- -X- O\nd O\n"
    assert [s.tokens for s in page.parse_conll(text)] == [["a", "b"], ["c"], ["d"]]
