"""Checks for docs/ner/preprocess.md: the command-line tool, run as a program, and its core on random corpora.

The tests that take ``page`` run inside the page's run (see tooling/pagerun.py); the others run
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
# The page fixture is one object for the whole run; Hypothesis may reuse it across examples.
FAST = settings(
    max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run the tool from the repository folder, as a reader would from a shell."""
    command = [sys.executable, "-m", "snippets.ner.preprocess", *args]
    done = subprocess.run(command, input=stdin, capture_output=True, cwd=ROOT, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_sample_converts_to_bio2_and_keeps_two_columns():
    status, out, err = run(SAMPLE, "--scheme", "bio2")
    assert (status, err) == (0, "")
    blocks = [b.splitlines() for b in out.strip("\n").split("\n\n")]
    assert len(blocks) == 3
    assert blocks[1][2:6] == ["Meridian B-ORG", "United I-ORG", "Kestrel B-ORG", "Bank I-ORG"]
    assert all(len(line.split()) == 2 for block in blocks for line in block)


def test_default_leaves_tags_as_they_are():
    status, out, _ = run(SAMPLE)
    assert status == 0
    assert "Meridian I-ORG\nUnited I-ORG\nKestrel B-ORG\n" in out


BAD = {  # input, line of the error, start of the message
    "columns": (b"Oslo NNP I-LOC\nis VBZ\n", 2, "2 columns, expected 3"),
    "tag": (b"Oslo NNP X-LOC\n", 1, "tag 'X-LOC' is not O"),
    "long word": (b"Oslo I-LOC\nMississippiriver I-PER\n", 2, "word 'Mississippiriver' has 12"),
    "bytes": (b"Oslo I-LOC\nM\xe4lm\xf6 I-LOC\n", 2, "bytes that are not UTF-8"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_an_error_after_good_sentences_still_writes_nothing(case):
    data, line, message = BAD[case]
    status, out, err = run("-", "--max-length", "12", stdin=b"ok O\n\n" + data)
    assert (status, out) == (2, "")
    # one line, and the line number counts from the top of the input
    assert err.startswith(f"error: <stdin>:{line + 2}: {message}")
    assert err.count("\n") == 1 and err.endswith("\n")


@pytest.mark.parametrize(("data", "line"), [(b"", 1), (b"\n\n\n", 3)])
def test_input_without_any_line_of_text_exits_2(data, line):
    assert run("-", stdin=data) == (2, "", f"error: <stdin>:{line}: no sentences (expected token lines)\n")


def test_a_file_named_on_the_command_line_is_named_in_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"a O\nb\n")
    status, out, err = run(str(bad))
    assert (status, out) == (2, "")
    assert err.startswith(f"error: {bad}:2: ") and err.count("\n") == 1


def test_a_missing_file_is_named(tmp_path):
    status, out, err = run(str(tmp_path / "none.txt"))
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and "none.txt" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "the following arguments are required: INPUT"),
        ((SAMPLE, "--max-length", "2"), "--max-length must be at least 3"),
        ((SAMPLE, "--scheme", "bilou"), "argument --scheme: invalid choice: 'bilou'"),
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


def test_help_exits_0():
    status, out, err = run("--help")
    assert (status, err) == (0, "")
    assert out.startswith("usage: python -m snippets.ner.preprocess") and "--max-length N" in out


@st.composite
def corpora(draw):
    """Random valid CoNLL text in one scheme, and its sentences as (words, tags)."""
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
@given(corpus=corpora(), scheme=st.sampled_from(SCHEMES), max_length=st.integers(10, 20))
def test_output_keeps_every_token_in_order_and_spans_survive(page, corpus, scheme, max_length):
    text, sentences = corpus
    tokenizer = page.load_tokenizer()
    out = page.preprocess(text.encode(), "x", tokenizer, max_length, scheme)
    rows = [line.split() for line in out.splitlines() if line]
    assert [w for w, _ in rows] == [w for words, _ in sentences for w in words]
    pieces = page.parse_conll(out)
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
        assert page.convert(page.convert(sentence_tags, scheme), "iob1") == page.convert(mine, "iob1")
