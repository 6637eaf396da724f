"""Checks for docs/ner/batching.md: encoding, padding, masks, tf.data and DataLoader batches."""

import numpy as np
import pytest
import torch

from snippets.ner import batching as b
from snippets.ner.data import CORPUS, read_conll
from snippets.ner.subwords import load_tokenizer


@pytest.fixture(scope="module")
def train():
    sentences = read_conll(CORPUS / "train.txt")[:300]
    return sentences, b.encode_sentences(sentences, load_tokenizer(), 16)


def test_every_word_gets_exactly_one_label_in_bio2(train):
    sentences, encoded = train
    words = sum(len(s.tokens) for s in sentences)
    labels = [label for _, labels in encoded for label in labels if label != b.IGNORE]
    assert len(labels) == words
    assert all(len(ids) <= 16 and len(ids) == len(lab) for ids, lab in encoded)
    assert len(encoded) > len(sentences)  # some sentences needed splitting at 16


def test_padding_mask_and_truncation():
    examples = [([2, 7, 3], [-100, 1, -100]), ([2, 7, 8, 9, 3], [-100, 0, 5, 6, -100])]
    ids, labels, mask = b.pad_batch(examples)
    assert ids.tolist() == [[2, 7, 3, 0, 0], [2, 7, 8, 9, 3]]
    assert labels[0].tolist() == [-100, 1, -100, -100, -100]
    assert mask.tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
    ids, labels, mask = b.pad_batch(examples, max_length=4)
    assert ids.shape == labels.shape == mask.shape == (2, 4)
    assert mask.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]


def test_tf_batches_are_bucketed_and_padded_with_ignore(train):
    _, encoded = train
    seen = 0
    for ids, labels in b.tf_dataset(encoded, batch_size=16):
        ids, labels = ids.numpy(), labels.numpy()
        seen += len(ids)
        lengths = (ids != b.PAD_ID).sum(axis=1)
        assert ids.shape[1] == lengths.max()  # padded to the batch's own longest
        assert np.all(labels[ids == b.PAD_ID] == b.IGNORE)
        buckets = np.digitize(lengths, [16, 24])
        assert len(set(buckets)) == 1  # one bucket per batch
    assert seen == len(encoded)


def test_dataloader_collates_like_pad_batch(train):
    _, encoded = train
    loader = torch.utils.data.DataLoader(b.TaggedPieces(encoded), batch_size=8, collate_fn=b.collate)
    ids, labels, mask = next(iter(loader))
    expected = b.pad_batch(encoded[:8])
    assert len(loader.dataset) == len(encoded)
    for got, want in zip((ids, labels, mask), expected, strict=True):
        assert np.array_equal(got.numpy(), want)
    assert ids.dtype == labels.dtype == torch.int64
