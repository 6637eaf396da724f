"""Checks for docs/ner/preprocess.md: the command-line tool, run as a program, and its core on random corpora.

The tests that take ``page`` run inside the page's run (see tooling/pagerun/inside.py); the others run
``python -m snippets.ner.preprocess`` as a separate process with real arguments.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snippets.ner.schemes import SCHEMES, from_spans, spans

PAGE = "docs/ner/preprocess.md"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "snippets/ner/corpus/sample.txt"
# The tool's tests run it as a program: reused while nothing it runs or reads changed.
TOOL = pytest.mark.program("snippets.ner.preprocess")
# The page fixture is one object for the whole run; Hypothesis may reuse it across examples.
FAST = settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run the tool from the repository folder, as a reader would from a shell."""
    command = [sys.executable, "-m", "snippets.ner.preprocess", *args]
    done = subprocess.run(command, input=stdin, capture_output=True, cwd=ROOT, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@TOOL
def test_sample_converts_to_bio2_and_keeps_two_columns():
    status, out, err = run(SAMPLE, "--scheme", "bio2")
    assert (status, err) == (0, "")
    blocks = [b.splitlines() for b in out.strip("\n").split("\n\n")]
    assert len(blocks) == 4 and blocks[0] == ["-DOCSTART- O"]
    assert blocks[2][2:6] == ["Meridian B-ORG", "United I-ORG", "Kestrel B-ORG", "Bank I-ORG"]
    assert all(len(line.split()) == 2 for block in blocks for line in block)


@TOOL
def test_default_leaves_tags_as_they_are():
    status, out, _ = run(SAMPLE)
    assert status == 0
    assert "Meridian I-ORG\nUnited I-ORG\nKestrel B-ORG\n" in out


BAD = {  # input, line of the error, start of the message
    "columns": (b"Oslo NNP I-LOC\nis VBZ\n", 2, "2 columns, expected 3"),
    "tag": (b"Oslo NNP X-LOC\n", 1, "tag 'X-LOC' is not O"),
    "long word": (b"Oslo I-LOC\nMississippiriver I-PER\n", 2, "word 'Mississippiriver' has 12"),
    "bytes": (b"Oslo I-LOC\nM\xe4lm\xf6 I-LOC\n", 2, "byte 0xe4 (byte 2 of the line) is not valid utf-8"),
    "prefix": (b"Oslo I-LOC\nis X-LOC\n", 2, "tag 'X-LOC' is not O or B-/I-/E-/S-/L-/U- plus a type"),
    "type": (b"Oslo I-LOC\nis B-creative-\n", 2, "tag 'B-creative-' is not O or B-/I-/E-/S-/L-/U- plus a type (let"),
    "line end": (b"Oslo I-LOC\ris O\r", 1, "a carriage return (\\r) not followed by \\n; lines must end with"),
}


@TOOL
@pytest.mark.parametrize("case", list(BAD))
def test_an_error_after_good_sentences_still_writes_nothing(case):
    data, line, message = BAD[case]
    status, out, err = run("-", "--max-length", "12", stdin=b"ok O\n\n" + data)
    assert (status, out) == (2, "")
    # one line, and the line number counts from the top of the input
    assert err.startswith(f"error: <stdin>:{line + 2}: {message}")
    assert err.count("\n") == 1 and err.endswith("\n")


@TOOL
@pytest.mark.parametrize(
    ("data", "line"), [(b"", 1), (b"\n\n\n", 3), (b"-DOCSTART- -X- O\n\n-DOCSTART- -X- O\n", 3), (b"\xef\xbb\xbf", 1)]
)
def test_input_without_any_line_of_text_exits_2(data, line):
    assert run("-", stdin=data) == (2, "", f"error: <stdin>:{line}: no sentences (expected token lines)\n")


@TOOL
def test_a_file_named_on_the_command_line_is_named_in_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a O\nb\n")
    status, out, err = run(str(bad))
    assert (status, out) == (2, "")
    assert err.startswith(f"error: {bad}:2: ") and err.count("\n") == 1


@TOOL
def test_a_missing_file_is_named(tmp_path):
    status, out, err = run(str(tmp_path / "none.txt"))
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and "none.txt" in err and err.count("\n") == 1


@TOOL
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "the following arguments are required: INPUT"),
        ((SAMPLE, "--max-length", "2"), "--max-length must be at least 3"),
        ((SAMPLE, "--scheme", "bioes"), "argument --scheme: invalid choice: 'bioes'"),
        ((SAMPLE, "--encoding", "latin-9x"), "--encoding latin-9x: unknown encoding: latin-9x"),
        ((SAMPLE, "--encoding", "rot13"), "--encoding rot13: 'rot13' is not a text encoding"),
        ((SAMPLE, "--encoding", "hex"), "--encoding hex: 'hex' is not a text encoding"),
        ((SAMPLE, "--stride", "128"), "--stride must be at least 1 and below 126 (--max-length 128 less the"),
        ((SAMPLE, "--stride", "126"), "--stride must be at least 1 and below 126"),
        ((SAMPLE, "--max-length", "12", "--stride", "10"), "--stride must be at least 1 and below 10 (--max-length 12"),
        ((SAMPLE, "--max-length", "8", "--stride", "9"), "--stride must be at least 1 and below"),
        ((SAMPLE, "--stride", "0"), "--stride must be at least 1 and below"),
        ((SAMPLE, "--tokenizer", "no/such/tokenizer.json"), "--tokenizer no/such/tokenizer.json: "),
        ((SAMPLE, "--tokenizer", "no/such/vocab.txt"), "--tokenizer no/such/vocab.txt: "),
    ],
)
def test_usage_errors_exit_2_with_usage_and_the_problem(args, message):
    status, out, err = run(*args)
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("usage: python -m snippets.ner.preprocess")
    assert lines[-1].startswith(f"python -m snippets.ner.preprocess: error: {message}")


@TOOL
def test_help_exits_0():
    status, out, err = run("--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: python -m snippets.ner.preprocess") and "--max-length N" in out


GERMAN = "snippets/ner/corpus/german-latin1.txt"
BERT = ("--tokenizer", "snippets/ner/corpus/vocab-uncased.txt", "--scheme", "bio2", "--max-length", "24")


@TOOL
def test_latin1_cp1252_and_bom_prefixed_utf8_give_the_same_output(tmp_path):
    text = (ROOT / GERMAN).read_bytes().decode("latin-1")
    status, expected, err = run(GERMAN, "--encoding", "latin-1", *BERT)
    assert (status, err) == (0, "")
    assert expected.startswith("-DOCSTART- O\n\nJürgen B-PER\nMüller I-PER\n")
    assert expected.count("-DOCSTART- O\n\n") == 2
    for encoding, data in [("cp1252", text.encode("cp1252")), ("utf-8", b"\xef\xbb\xbf" + text.encode())]:
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(data)
        assert run(str(path), "--encoding", encoding, *BERT) == (0, expected, "")


@TOOL
def test_drop_docstart_leaves_out_the_document_lines():
    status, out, _ = run(GERMAN, "--encoding", "latin-1", "--drop-docstart")
    assert status == 0 and "-DOCSTART-" not in out
    assert out.startswith("Jürgen I-PER\n") and out.endswith("Köln I-LOC\n1996-08-22 O\n\n")


@TOOL
def test_stride_writes_overlapping_windows():
    sentence = b"Lena B-PER\nOkafor I-PER\nmet O\nQuentin B-PER\nWolfe I-PER\nin O\nRiga B-LOC\n. O\n"
    status, out, err = run("-", "--max-length", "14", "--stride", "6", stdin=sentence)
    assert (status, err) == (0, "")
    windows = [[line.split()[0] for line in block.splitlines()] for block in out.strip().split("\n\n")]
    assert windows == [["Lena", "Okafor", "met"], ["met", "Quentin", "Wolfe", "in"], ["in", "Riga", "."]]


def test_an_empty_word_is_refused_with_its_line_when_it_cannot_be_unknown(page):
    from tokenizers import Tokenizer, models, normalizers

    tokenizer = Tokenizer(models.BPE({"a": 0}, []))
    tokenizer.normalizer = normalizers.BertNormalizer()
    with pytest.raises(page.ConllError, match=r"^x:3: word '\\u200b' gives no subword"):
        page.preprocess("a O\n\n\u200b O\n".encode(), "x", tokenizer, 10, None)


@st.composite
def corpora(draw):
    """Random valid CoNLL text in one scheme, and its sentences as (words, tags)."""
    scheme = draw(st.sampled_from(SCHEMES))
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        words, entities = [], []
        for _ in range(draw(st.integers(1, 6))):
            length = draw(st.integers(1, 3))
            kind = draw(st.sampled_from([None, None, "PER", "LOC"]))
            if kind:
                entities.append((kind, len(words), len(words) + length))
            words += draw(st.lists(st.sampled_from(["Oslo", "in", "Lena", "Xq", "Abcdefg", "."]),
                                   min_size=length, max_size=length))
        sentences.append((words, from_spans(entities, len(words), scheme)))
    text = "\n\n".join("\n".join(f"{w} X {t}" for w, t in zip(*s, strict=True)) for s in sentences) + "\n"
    if draw(st.booleans()):
        text = "-DOCSTART- -X- O\n\n" + text
    return text, sentences


@FAST
@given(corpus=corpora(), scheme=st.sampled_from([None, *SCHEMES]), max_length=st.integers(10, 20))
def test_output_keeps_every_token_in_order_and_reads_back_the_same(page, corpus, scheme, max_length):
    text, sentences = corpus
    tokenizer = page.load_tokenizer()
    out = page.preprocess(text.encode(), "x", tokenizer, max_length, scheme)
    rows = [line.split() for line in out.splitlines() if line and not line.startswith("-DOCSTART-")]
    assert [w for w, _ in rows] == [w for words, _ in sentences for w in words]
    assert out.startswith("-DOCSTART- O\n\n") == text.startswith("-DOCSTART-")
    pieces = page.parse_conll(out)
    for piece in pieces:
        assert len(tokenizer.encode(piece.tokens, is_pretokenized=True).ids) <= max_length
    # an entity is cut only if it alone does not fit (then it is read back as two or more)
    def fits(words, start, end):
        return len(tokenizer.encode(words[start:end], is_pretokenized=True).ids) <= max_length

    whole = sum(1 for words, tags in sentences for _, a, b in spans(tags) if fits(words, a, b))
    cut = sum(1 for words, tags in sentences for _, a, b in spans(tags) if not fits(words, a, b))
    found = sum(len(spans(p.tags)) for p in pieces)
    assert found >= whole + 2 * cut and (cut or found == whole)
    # the types of all tags survive, and the output read again gives the same output
    original = [t for _, ts in sentences for t in ts]
    assert [t.partition("-")[2] for _, t in rows] == [t.partition("-")[2] for t in original]
    assert page.preprocess(out.encode(), "y", tokenizer, max_length, scheme) == out


@TOOL
def test_hyphenated_types_and_a_tab_separated_file_convert(tmp_path):
    wnut = tmp_path / "wnut17.conll"  # WNUT-17's shape: word TAB tag, a tab-only line between sentences
    wnut.write_bytes(b"Watching\tO\nRick\tB-creative-work\nand\tI-creative-work\nMorty\tI-creative-work\n\t\n"
                     b"an\tO\niPhone\tB-product\n")
    status, out, err = run(str(wnut), "--scheme", "iobes")
    assert (status, err) == (0, "")
    assert out == ("Watching O\nRick B-creative-work\nand I-creative-work\nMorty E-creative-work\n\n"
                   "an O\niPhone S-product\n\n")


@TOOL
def test_a_latin1_byte_0x85_stays_inside_its_word(tmp_path):
    german = tmp_path / "deu.txt"
    german.write_bytes(b"-DOCSTART- -X- -X- -X- O\n\nSchlu\xdf\x85 Schlu\xdf NN I-NC O\n"
                       b"K\xf6ln K\xf6ln NE I-NC I-LOC\n")
    status, out, err = run(str(german), "--encoding", "latin-1")
    assert (status, err) == (0, "")
    assert out == "-DOCSTART- O\n\nSchlu\u00df\u0085 O\nK\u00f6ln I-LOC\n\n"
    # the output, UTF-8 now, reads back the same
    assert run("-", stdin=out.encode()) == (0, out, "")


@TOOL
def test_a_no_break_space_and_crlf_line_ends(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("New\u00a0York NNP I-LOC\r\nis VBZ O\r\n".encode())
    assert run(str(path), "--scheme", "bio2") == (0, "New\u00a0York B-LOC\nis O\n\n", "")


@TOOL
def test_a_cut_bio2_sentence_with_a_stray_inside_tag_stays_bio2():
    # the reviewer's file: one stray I- in a BIO2 file used to turn the cut sentence into IOB1
    data = b"Lena B-PER\nOkafor I-PER\nmet O\nQuentin B-PER\nWolfe I-PER\nin O\nRiga I-LOC\n. O\n\nAnna B-PER\nmet O\n"
    status, out, err = run("-", "--max-length", "10", stdin=data)
    assert (status, err) == (0, "")
    assert out == ("Lena B-PER\nOkafor I-PER\n\nmet O\n\nQuentin B-PER\nWolfe I-PER\n\nin O\nRiga B-LOC\n. O\n\n"
                   "Anna B-PER\nmet O\n\n")


@TOOL
def test_the_scheme_of_cut_pieces_is_guessed_once_for_the_whole_file():
    # the cut sentence alone has only I- starts (it would look like IOB1); the file's other
    # sentence has a B- after O, which only BIO2 writes, so its pieces are written in BIO2
    data = b"Anna B-PER\nmet O\n\nmet O\nLena I-PER\nOkafor I-PER\nin O\nRiga I-LOC\n. O\n"
    status, out, err = run("-", "--max-length", "10", stdin=data)
    assert (status, err) == (0, "")
    assert out == "Anna B-PER\nmet O\n\nmet O\n\nLena B-PER\nOkafor I-PER\nin O\n\nRiga B-LOC\n. O\n\n"
    # an IOB1 file stays IOB1: its cut sentence keeps the B- between two neighbours of one type
    iob1 = b"met O\nLena I-PER\nOkafor I-PER\nin O\nRiga I-LOC\nB B-LOC\n. O\n"
    status, out, _ = run("-", "--max-length", "9", stdin=iob1)
    assert status == 0 and "Lena I-PER\n" in out and "Riga I-LOC\nB B-LOC\n" in out


@TOOL
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le"])
def test_utf16_and_utf32_input_is_read(tmp_path, encoding):
    # the encoding check used to crash here (b"-".decode("utf-16") is truncated data)
    path = tmp_path / "in.txt"
    path.write_bytes("\ufeff-DOCSTART- O\n\nJürgen I-PER\nMüller I-PER\n".encode(encoding))
    assert run(str(path), "--encoding", encoding) == (0, "-DOCSTART- O\n\nJürgen I-PER\nMüller I-PER\n\n", "")


@TOOL
def test_utf8_with_a_byte_order_mark_read_as_latin1_is_refused(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf-DOCSTART- -X- O\n\nJ\xc3\xbcrgen NE I-PER\n")
    status, out, err = run(str(path), "--encoding", "latin-1")
    assert (status, out) == (2, "")
    assert err == (f"error: {path}:1: the line starts with bytes ef bb bf, UTF-8's byte-order mark; "
                   "expected latin-1 text (read it as utf-8)\n")


@TOOL
def test_files_joined_with_cat_keep_both_document_starts():
    part = "\ufeff-DOCSTART- -X- O\n\nOslo I-LOC\n\n".encode()
    status, out, err = run("-", stdin=part + part)
    assert (status, err) == (0, "")
    assert out == "-DOCSTART- O\n\nOslo I-LOC\n\n" * 2


@TOOL
def test_an_empty_document_is_dropped():
    data = b"-DOCSTART- -X- O\n\n-DOCSTART- -X- O\n\nOslo I-LOC\n\n-DOCSTART- -X- O\n"
    assert run("-", stdin=data) == (0, "-DOCSTART- O\n\nOslo I-LOC\n\n", "")


@TOOL
def test_the_largest_stride_is_accepted():
    sentence = b"Lena B-PER\nOkafor I-PER\nmet O\nQuentin B-PER\nWolfe I-PER\nin O\nRiga B-LOC\n. O\n"
    status, out, err = run("-", "--max-length", "12", "--stride", "9", stdin=sentence)
    assert (status, err) == (0, "")
    words = [line.split()[0] for line in out.splitlines() if line]
    assert set(words) == {w.split()[0] for w in sentence.decode().splitlines()}
