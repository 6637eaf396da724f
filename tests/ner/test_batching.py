"""Checks for docs/ner/batching.md: encoding, padding, masks, tf.data and DataLoader batches.

The tests run inside the page's runs (see tooling/pagerun/inside.py): those that take ``tf_page`` on
its TensorFlow reading path, those that take ``torch_page`` on its PyTorch one. Shapes, the
sample's labels and mask, and the first batches are pinned by the page's outputs.
"""

import numpy as np

PAGE = "docs/ner/batching.md"


def test_every_word_gets_exactly_one_label_in_bio2(torch_page):
    page = torch_page
    sentences = page.read_conll(page.CORPUS / "train.txt")[:300]
    encoded = page.encode_sentences(sentences, page.tokenizer, 16)
    words = sum(len(s.tokens) for s in sentences)
    labels = [label for _, labels in encoded for label in labels if label != page.IGNORE]
    assert len(labels) == words
    assert all(len(ids) <= 16 and len(ids) == len(lab) for ids, lab in encoded)
    assert len(encoded) > len(sentences)  # some sentences needed splitting at 16


def test_padding_is_pad_id_and_ignore_and_truncation_cuts_all_three(torch_page):
    page = torch_page
    ids, labels, mask = page.pad_batch(page.encoded)
    assert np.all(ids[mask == 0] == page.PAD_ID) and np.all(labels[mask == 0] == page.IGNORE)
    cut = page.pad_batch(page.encoded, max_length=16)
    for short, full in zip(cut, (ids, labels, mask), strict=True):
        assert np.array_equal(short, full[:, :16])


def test_tf_batches_are_bucketed_and_padded_with_ignore(tf_page):
    page = tf_page
    seen = 0
    for ids, labels in page.tf_dataset(page.train, batch_size=16):
        ids, labels = ids.numpy(), labels.numpy()
        seen += len(ids)
        lengths = (ids != page.PAD_ID).sum(axis=1)
        assert ids.shape[1] == lengths.max()  # padded to the batch's own longest
        assert np.all(labels[ids == page.PAD_ID] == page.IGNORE)
        buckets = np.digitize(lengths, [16, 24])
        assert len(set(buckets)) == 1  # one bucket per batch
    assert seen == len(page.train)


def test_dataloader_collates_like_pad_batch(torch_page):
    import torch

    page = torch_page
    loader = page.DataLoader(page.TaggedPieces(page.train), batch_size=8, collate_fn=page.collate)
    ids, labels, mask = next(iter(loader))
    assert len(loader.dataset) == len(page.train)
    for got, want in zip((ids, labels, mask), page.pad_batch(page.train[:8]), strict=True):
        assert np.array_equal(got.numpy(), want)
    assert ids.dtype == torch.int64  # labels' dtype is on the page
