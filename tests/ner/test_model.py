"""Checks for docs/ner/model.md: the tool's output trains a small Transformer tagger in each framework.

The tests that take ``tf_page`` or ``torch_page`` run inside the page's run on that reading path (see
tooling/pagerun/inside.py), after its blocks; the printed F1 scores are pinned by the page's outputs,
and the floors here are far below them, so that only a broken training fails. The CLI test runs the
tool as a program.
"""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

PAGE = "docs/ner/model.md"
ROOT = Path(__file__).resolve().parents[2]


# Shared blocks


def test_the_pieces_are_the_sentences_with_bio2_tags(torch_page):
    page = torch_page
    sentences = page.read_conll(page.CORPUS / "train.txt")
    assert [p.tokens for p in page.pieces] == [s.tokens for s in sentences]  # none was cut at 64
    from snippets.ner.schemes import convert

    assert all(convert(s.tags, "bio2") == p.tags for s, p in zip(sentences, page.pieces, strict=True))
    longest = max(len(e.ids) for e in page.encodings)
    assert longest <= page.MAX_LENGTH
    for split in (page.test, page.test_new):  # prediction needs no cut either
        assert max(len(page.encode_words(s.tokens, page.tokenizer).ids) for s in split) <= page.MAX_LENGTH


def test_labels_are_the_batching_pages(torch_page):
    from snippets.ner.batching import LABELS

    assert torch_page.LABELS == LABELS


@pytest.mark.program("snippets.ner.preprocess")
def test_the_command_line_writes_the_text_the_page_trains_on():
    from snippets.ner.data import CORPUS
    from snippets.ner.preprocess import preprocess
    from snippets.ner.subwords import load_tokenizer

    command = [
        sys.executable,
        "-m",
        "snippets.ner.preprocess",
        "snippets/ner/corpus/train.txt",
        "--scheme",
        "bio2",
        "--max-length",
        "64",
        "--drop-docstart",
    ]
    done = subprocess.run(command, capture_output=True, cwd=ROOT, timeout=120)
    assert (done.returncode, done.stderr) == (0, b"")
    data = (CORPUS / "train.txt").read_bytes()
    assert done.stdout.decode() == preprocess(data, "train.txt", load_tokenizer(), 64, scheme="bio2", docstart=False)


# TensorFlow


def test_tf_tagger_learns_far_beyond_the_baselines(tf_page):
    page = tf_page
    assert page.untrained < 0.2
    assert page.scores["test"][2] > 0.6  # the page prints the scores of one seed
    assert page.scores["test-new"][2] > 0.1
    assert int(page.tagger.optimizer.iterations) == 6 * 38  # as many epochs as PyTorch


def test_tf_prediction_refuses_a_sentence_longer_than_the_positions(tf_page):
    page = tf_page
    long = page.test[0].tokens * 8
    assert len(page.encode_words(long, page.tokenizer).ids) > page.MAX_LENGTH
    with pytest.raises(ValueError, match="over 64 subwords"):
        page.keras_predict([replace(page.test[0], tokens=long)])


def test_tf_scores_of_a_sentence_do_not_depend_on_the_padding_after_it(tf_page):
    page = tf_page
    ids = page.encodings[4].ids
    alone = page.tagger.predict(np.array([ids]), verbose=0)[0]
    padded = page.tagger.predict(np.array([ids + [0] * 20]), verbose=0)[0]
    np.testing.assert_allclose(padded[: len(ids)], alone, atol=1e-5)


def test_tf_model_is_the_torch_model_without_token_type_vectors(tf_page):
    assert tf_page.tagger.count_params() == 32_361 - 2 * 32  # the PyTorch count, on the page


# PyTorch


def test_torch_tagger_learns_far_beyond_the_baselines(torch_page):
    page = torch_page
    assert page.untrained < 0.2
    assert page.scores["test"][2] > 0.6  # the page prints the scores of one seed
    assert page.scores["test-new"][2] > 0.1
    assert page.steps == 6 * 38


def test_torch_prediction_refuses_a_sentence_longer_than_the_positions(torch_page):
    page = torch_page
    long = replace(page.test[0], tokens=page.test[0].tokens * 8)
    assert len(page.encode_words(long.tokens, page.tokenizer).ids) > page.MAX_LENGTH
    with pytest.raises(ValueError, match="over 64 subwords"):
        page.predict([long])


def test_torch_scores_of_a_sentence_do_not_depend_on_the_padding_after_it(torch_page):
    import torch

    page = torch_page
    short, long = page.test[0].tokens, page.test[0].tokens + ["in"] * 10
    alone = page.hf_tokenizer([short], is_split_into_words=True, return_tensors="pt")
    both = page.hf_tokenizer([short, long], is_split_into_words=True, padding=True, return_tensors="pt")
    with torch.no_grad():
        one = page.model(**alone).logits[0]
        padded = page.model(**both).logits[0, : one.shape[0]]
    assert both["attention_mask"][0].sum() == one.shape[0] < both["input_ids"].shape[1]
    torch.testing.assert_close(padded, one, atol=1e-5, rtol=0)


def test_torch_word_ids_leave_out_a_vanished_word_that_encode_words_keeps(torch_page):
    page = torch_page
    from snippets.ner.subwords import UNCASED_VOCAB

    bert = page.load_tokenizer(UNCASED_VOCAB)
    wrapped = page.PreTrainedTokenizerFast(tokenizer_object=bert, pad_token="[PAD]")
    words = ["Oslo", "\u200b", "Lima"]
    assert 1 not in wrapped(words, is_split_into_words=True).word_ids()
    assert 1 in page.encode_words(words, bert).word_ids


def test_torch_wrapping_copies_the_tokenizer(torch_page):
    assert torch_page.hf_tokenizer.backend_tokenizer is not torch_page.tokenizer


def test_torch_collator_pads_ids_with_pad_and_labels_with_ignore(torch_page):
    page = torch_page
    batch = page.collator(page.features[:16])
    real = batch["attention_mask"].bool()
    assert page.hf_tokenizer.pad_token_id == 0
    assert (batch["input_ids"][~real] == 0).all()
    assert (batch["labels"][~real] == -100).all()
    for n, feature in enumerate(page.features[:16]):
        assert batch["labels"][n][real[n]].tolist() == feature["labels"]


def test_torch_reloaded_model_keeps_weights_labels_and_tokenizer(torch_page):
    import torch
    from transformers import AutoTokenizer

    page = torch_page
    assert page.reloaded.config.id2label == dict(enumerate(page.LABELS))
    for a, b in zip(page.reloaded.parameters(), page.model.parameters(), strict=True):
        assert torch.equal(a, b)
    again = AutoTokenizer.from_pretrained(page.folder)
    words = page.test[0].tokens
    assert again(words, is_split_into_words=True).word_ids() == page.encode_words(words, page.tokenizer).word_ids


def test_torch_encoder_folder_gives_a_new_head_of_the_right_size(torch_page):
    import transformers

    page = torch_page
    assert page.fresh.config.id2label == dict(enumerate(page.LABELS))
    assert transformers.utils.logging.get_verbosity() == page.verbosity  # restored
    assert page.fresh.classifier.out_features == len(page.LABELS)
    assert set(page.info["missing_keys"]) == {"classifier.weight", "classifier.bias"}
    assert not page.info["unexpected_keys"]


def test_torch_collator_needs_the_pad_token(torch_page):
    page = torch_page
    bare = page.PreTrainedTokenizerFast(tokenizer_object=page.tokenizer)
    with pytest.raises(ValueError, match="does not have a padding token"):
        page.DataCollatorForTokenClassification(bare)(page.features[:2])
