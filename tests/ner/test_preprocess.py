"""Checks for docs/ner/preprocess.md: the command-line tool, in process and as a program."""

import io
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.ner import preprocess as cli
from snippets.ner.data import CORPUS, parse_conll
from snippets.ner.schemes import SCHEMES, convert, from_spans, spans
from snippets.ner.subwords import load_tokenizer

FAST = settings(max_examples=50, deadline=None, database=None)
SAMPLE = str(CORPUS / "sample.txt")


def run_main(capsys, monkeypatch, argv, stdin=b""):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_sample_converts_to_bio2_and_keeps_two_columns(capsys, monkeypatch):
    status, out, err = run_main(capsys, monkeypatch, [SAMPLE, "--scheme", "bio2"])
    assert status == 0 and err == ""
    blocks = [b.splitlines() for b in out.strip("\n").split("\n\n")]
    assert len(blocks) == 3
    assert blocks[1][2:6] == ["Meridian B-ORG", "United I-ORG", "Kestrel B-ORG", "Bank I-ORG"]
    assert all(len(line.split()) == 2 for block in blocks for line in block)


def test_default_leaves_tags_as_they_are(capsys, monkeypatch):
    status, out, _ = run_main(capsys, monkeypatch, [SAMPLE])
    assert status == 0
    assert "Kestrel B-ORG\n" in out and "Meridian I-ORG\n" in out


def test_no_arguments_prints_usage(capsys, monkeypatch):
    status, out, _ = run_main(capsys, monkeypatch, [])
    assert status == 0 and out.startswith("usage: python -m snippets.ner.preprocess")


BAD = {  # input, line of the error, start of the message
    "columns": (b"Oslo NNP I-LOC\nis VBZ\n", 2, "2 columns, expected 3"),
    "tag": (b"a O\n\nOslo NNP X-LOC\n", 3, "tag 'X-LOC' is not O"),
    "long word": (b"Oslo I-LOC\nMississippiriver I-PER\n", 2, "word 'Mississippiriver' has 12"),
    "bytes": (b"Oslo I-LOC\nM\xe4lm\xf6 I-LOC\n", 2, "bytes that are not UTF-8"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_with_one_line_and_no_stdout(capsys, monkeypatch, case):
    data, line, message = BAD[case]
    # the error comes after two good lines: still nothing on stdout
    status, out, err = run_main(capsys, monkeypatch, ["-", "--max-length", "12"], b"ok O\n\n" + data)
    assert status == 2 and out == ""
    assert err.startswith(f"error: <stdin>:{line + 2}: {message}")
    assert err.count("\n") == 1 and err.endswith("\n")


@pytest.mark.parametrize(("data", "line"), [(b"-DOCSTART- -X- -X- O\n\n", 2), (b"", 1), (b"\n\n\n", 3)])
def test_input_without_sentences_exits_2(capsys, monkeypatch, data, line):
    status, out, err = run_main(capsys, monkeypatch, ["-"], data)
    assert (status, out) == (2, "")
    assert err == f"error: <stdin>:{line}: no sentences (expected token lines)\n"


def test_error_lines_count_from_the_top_of_the_file(capsys, monkeypatch):
    status, _, err = run_main(capsys, monkeypatch, ["-"], b"ok O\n\nOslo NNP X-LOC\n")
    assert status == 2 and err == "error: <stdin>:3: tag 'X-LOC' is not O or B-/I-/E-/S- plus a type\n"


def test_missing_file_and_bad_options(capsys, monkeypatch, tmp_path):
    status, out, err = run_main(capsys, monkeypatch, [str(tmp_path / "none.txt")])
    assert status == 2 and out == "" and "none.txt" in err
    with pytest.raises(SystemExit) as info:
        cli.main([SAMPLE, "--max-length", "2"])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        cli.main([SAMPLE, "--scheme", "bilou"])


def test_a_file_named_on_the_command_line_is_named_in_errors(capsys, monkeypatch, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a O\nb\n")
    status, out, err = run_main(capsys, monkeypatch, [str(bad)])
    assert (status, out) == (2, "") and err.startswith(f"error: {bad}:2: ")


def test_the_program_runs_as_a_module():
    command = [sys.executable, "-m", "snippets.ner.preprocess", "-", "--scheme", "iobes"]
    done = subprocess.run(command, input=b"Lena I-PER\nOkafor I-PER\n\nOslo I-LOC\n", capture_output=True)
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout == b"Lena B-PER\nOkafor E-PER\n\nOslo S-LOC\n\n"
    bad = subprocess.run(command[:-2], input=b"Oslo Q-LOC\n", capture_output=True)
    assert bad.returncode == 2 and bad.stdout == b"" and bad.stderr.startswith(b"error: <stdin>:1: ")


@st.composite
def corpora(draw):
    """Random valid CoNLL text in one scheme, and its sentences as (words, spans)."""
    scheme = draw(st.sampled_from(SCHEMES))
    sentences = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(st.sampled_from(["Oslo", "in", "Lena", "Xq", "Abcdefg", "."]), min_size=1, max_size=10))
        kinds = draw(st.lists(st.sampled_from([None, "PER", "LOC"]), min_size=len(words), max_size=len(words)))
        entities = [(k, i, i + 1) for i, k in enumerate(kinds) if k]
        sentences.append((words, from_spans(entities, len(words), scheme)))
    text = "\n\n".join("\n".join(f"{w} X {t}" for w, t in zip(*s, strict=True)) for s in sentences) + "\n"
    return text, sentences


@FAST
@given(corpora(), st.sampled_from(SCHEMES), st.integers(10, 20))
def test_output_keeps_every_token_in_order_and_spans_survive(corpus, scheme, max_length):
    text, sentences = corpus
    tokenizer = load_tokenizer()
    out = cli.preprocess(text.encode(), "x", tokenizer, max_length, scheme)
    rows = [line.split() for line in out.splitlines() if line]
    assert [w for w, _ in rows] == [w for words, _ in sentences for w in words]
    pieces = parse_conll(out)
    for piece in pieces:
        assert len(tokenizer.encode(piece.tokens, is_pretokenized=True).ids) <= max_length
    # back to the input's scheme, sentence by sentence, nothing changed
    tags = [t for _, t in rows]
    original = [t for _, ts in sentences for t in ts]
    assert sum(len(spans(p.tags)) for p in pieces) == sum(len(spans(ts)) for _, ts in sentences)
    assert [t.partition("-")[2] for t in tags] == [t.partition("-")[2] for t in original]
    start = 0
    for words, sentence_tags in sentences:
        mine = tags[start : start + len(words)]
        start += len(words)
        assert convert(convert(sentence_tags, scheme), "iob1") == convert(mine, "iob1")
