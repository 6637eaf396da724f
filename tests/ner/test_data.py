"""Checks for docs/ner/data.md: the reader, its errors, and the shipped corpus.

Every test takes ``page`` and runs inside the page's run (see tooling/pagerun/inside.py). The split
sizes, the entity counts, the sample's sentences with their line numbers, the encodings shown and
"seen in train: 0" are pinned by the page's output files.
"""

import itertools

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
        ("a NN O\nb O\n", "x.txt:2: 2 columns, expected 3 as on line 1, the first of its sentence$"),
        ("a\n", "x.txt:1: 1 column, expected 2 or more \\(a token and its tag\\)$"),
        ("a NN O\n\nb NN O\nc O\n", "x.txt:4: 2 columns, expected 3 as on line 3, the first"),
        # a space inside the first token: the error names the line after it, and that line
        ("New York NNP I-LOC\nis VBZ O\n", "x.txt:2: 3 columns, expected 4 as on line 1,"),
        ("a NN O\n\nb NN Q-PER\n", "x.txt:3: tag 'Q-PER'"),
        ("a B-\n", "x.txt:1: tag 'B-'"),
    ],
)
def test_bad_lines_are_reported_with_file_and_line(page, text, message):
    with pytest.raises(page.ConllError, match="^" + message):
        page.parse_conll(text, "x.txt")


def test_non_utf8_bytes_name_their_line(page):
    with pytest.raises(page.ConllError, match=r"^f:3: byte 0xff \(byte 2 of the line\) is not valid utf-8$"):
        page.decode(b"a O\n\nb\xff O\n", "f")


def test_docstart_and_blank_lines_separate_sentences(page):
    text = "-DOCSTART- -X- O\n\na I-PER\nb O\n\n\nc O\n-DOCSTART- -X- O\nd O\n"
    assert [s.tokens for s in page.parse_conll(text)] == [["a", "b"], ["c"], ["d"]]


# Small files of the shapes real NER data comes in, written byte for byte.
SHAPES = {
    # WNUT-17: word TAB tag, types with hyphens, and a separator line holding only a tab
    "wnut17.conll": (
        b"Watching\tO\nRick\tB-creative-work\nand\tI-creative-work\nMorty\tI-creative-work\n\t\n"
        b"got\tO\nan\tO\niPhone\tB-product\n",
        "utf-8",
        [[("Watching", "O"), ("Rick", "B-creative-work"), ("and", "I-creative-work"), ("Morty", "I-creative-work")],
         [("got", "O"), ("an", "O"), ("iPhone", "B-product")]],
    ),
    # OntoNotes types: underscores, and one that ends in digits
    "ontonotes.txt": (
        b"Hamlet NNP B-WORK_OF_ART\nin IN O\n1603 CD B-DATE\nby IN O\nX2 NNP B-TYPE_2\n",
        "utf-8",
        [[("Hamlet", "B-WORK_OF_ART"), ("in", "O"), ("1603", "B-DATE"), ("by", "O"), ("X2", "B-TYPE_2")]],
    ),
    # German CoNLL-2003: five columns, lemma second, Latin-1, and byte 0x85 (U+0085 once decoded) in a word
    "deu.testa": (
        b"-DOCSTART- -X- -X- -X- O\n\nSchwierigkeiten Schwierigkeit NN I-NC O\nK\xf6ln K\xf6ln NE I-NC I-LOC\n"
        b"Schlu\xdf\x85 Schlu\xdf NN I-NC O\n",
        "latin-1",
        [[("Schwierigkeiten", "O"), ("Köln", "I-LOC"), ("Schluß\x85", "O")]],
    ),
    # Windows line ends, and characters that str.split() or str.splitlines() would cut at inside tokens
    "windows.txt": (
        "New\u00a0York NNP I-LOC\r\nA\u2028B NN O\r\n\r\nC\x0cD\x1cE NN O\r\n".encode(),
        "utf-8",
        [[("New\u00a0York", "I-LOC"), ("A\u2028B", "O")], [("C\x0cD\x1cE", "O")]],
    ),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_files_of_real_shapes_are_read_whole(page, tmp_path, name):
    data, encoding, expected = SHAPES[name]
    (tmp_path / name).write_bytes(data)
    sentences = page.read_conll(tmp_path / name, encoding)
    assert [list(zip(s.tokens, s.tags, strict=True)) for s in sentences] == expected


def test_the_german_sample_has_the_five_column_layout(page):
    text = (page.CORPUS / "german-latin1.txt").read_bytes().decode("latin-1")
    lines = [line.split(" ") for line in text.splitlines() if line]
    assert {len(line) for line in lines} == {5}
    assert lines[0] == ["-DOCSTART-", "-X-", "-X-", "-X-", "O"] and lines[1][:2] == ["Jürgen", "Jürgen"]
    sentences = page.read_conll(page.CORPUS / "german-latin1.txt", "latin-1")
    assert [len(s.tokens) for s in sentences] == [13, 9, 2]
    assert sentences[1].tags[:4] == ["O", "I-MISC", "I-PER", "I-PER"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a O\rb O\r", r"x.txt:1: a carriage return \(\\r\) not followed by \\n; lines must end with \\n or \\r\\n$"),
        ("a O\n\nb O\r\nc O\rd O\n", r"x.txt:4: a carriage return"),
        ("a B-creative-\n", r"x.txt:1: tag 'B-creative-' is not O or B-/I-/E-/S-/L-/U- plus a type \(letters, dig"),
        ("a B--work\n", r"x.txt:1: tag 'B--work'"),
        ("a B-creative--work\n", r"x.txt:1: tag 'B-creative--work'"),
        ("a B-PER\u00a0X\n", r"x.txt:1: tag 'B-PER\\xa0X'"),  # a no-break space is no column separator
    ],
)
def test_new_refusals_name_file_line_and_what_was_expected(page, text, message):
    with pytest.raises(page.ConllError, match="^" + message):
        page.parse_conll(text, "x.txt")


def test_the_corpus_has_no_b_tag_no_entity_at_a_sentence_end_and_no_neighbouring_entities(page):
    # what the page says the templates never produce
    for split in page.SIZES:
        for sentence in page.read_conll(page.CORPUS / f"{split}.txt"):
            tags = sentence.tags
            assert not any(tag.startswith("B-") for tag in tags), split
            last = sentence.tokens[-1]
            assert tags[-1] == "O" and (last == "." or last.startswith("1996-")), (split, sentence.tokens)
            for before, after in itertools.pairwise(tags):
                assert before == "O" or after == "O" or before[2:] == after[2:], (split, sentence.tokens)


def test_the_generated_chunk_column_is_iob2_unlike_the_originals(page):
    rows = page.fill("{PER} said on {DAY} that {ORG} would cut jobs in {LOC} .", page.name_pools()["train"],
                     page.random.Random(1))
    chunks = [row[2] for row in rows]
    assert chunks[0] == "B-NP" and "B-VP" in chunks and "B-PP" in chunks


def test_a_byte_order_mark_at_the_start_of_any_line_is_skipped(page):
    # two UTF-8 files joined with cat, each starting with a BOM and a document
    part = "\ufeff-DOCSTART- -X- -X- O\n\nOslo NNP I-NP I-LOC\n\n"
    sentences = page.parse_conll(page.decode((part + part).encode(), "x.txt"), "x.txt")
    assert [(s.tokens, s.starts_document) for s in sentences] == [(["Oslo"], True), (["Oslo"], True)]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "ISO-8859-15", "utf-16-le"])
def test_utf8_byte_order_mark_bytes_are_refused_in_another_encoding(page, encoding):
    text = b"Oslo I-LOC\n\n"
    with pytest.raises(page.ConllError, match=r"^x.txt:1: the line starts with bytes ef bb bf, UTF-8's byte-order"):
        page.decode(b"\xef\xbb\xbf" + text, "x.txt", encoding)
    # in the middle of a file too (joined with cat), named by its line
    with pytest.raises(page.ConllError, match=rf"^x.txt:3: .* expected {encoding} text \(read it as utf-8\)$"):
        page.decode(text + b"\xef\xbb\xbf" + text, "x.txt", encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf-8-sig"])
def test_utf8_byte_order_marks_are_accepted_in_utf8(page, encoding):
    text = page.decode(b"\xef\xbb\xbfa O\n\n\xef\xbb\xbfb O\n", "x.txt", encoding)
    assert [s.tokens for s in page.parse_conll(text)] == [["a"], ["b"]]


def test_utf16_is_decoded(page):
    data = "-DOCSTART- O\n\nJürgen I-PER\n".encode("utf-16")  # with its own byte-order mark
    sentences = page.parse_conll(page.decode(data, "x.txt", "utf-16"))
    assert [(s.tokens, s.starts_document) for s in sentences] == [(["Jürgen"], True)]


def test_an_empty_document_leaves_no_trace(page):
    # as the page says: a -DOCSTART- with no sentence after it is dropped
    text = "-DOCSTART- O\n\n-DOCSTART- O\n\na O\n\n-DOCSTART- O\n"
    sentences = page.parse_conll(text)
    assert [(s.tokens, s.starts_document) for s in sentences] == [(["a"], True)]


def test_the_encodings_block_shows_the_silent_mistakes(page):
    assert page.decode(page.cp1252, "x", "cp1252") == "Schluss\u2026 NN O\n"
    assert page.decode(page.cp1252, "x", "latin-1") == "Schluss\x85 NN O\n"  # wrong, but no error
    assert page.decode(page.utf8, "x", "latin-1").startswith("J\u00c3\u00bcrgen")
