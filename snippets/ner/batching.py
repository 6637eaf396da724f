"""From tagged sentences to padded batches, in NumPy, tf.data and PyTorch.

The code of docs/ner/batching.md. Importing it prints nothing;
``python -m snippets.ner.batching`` prints the page's examples.
"""

# --8<-- [start:encode]
import numpy as np

from snippets.ner.schemes import convert
from snippets.ner.subwords import (
    align_labels,
    encode_words,
    piece_tags,
    split_long,
)

LABELS = ["O", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
          "B-ORG", "I-ORG", "B-PER", "I-PER"]


def encode_sentences(sentences, tokenizer, max_length: int):
    """(subword ids, label ids) per piece: BIO2 tags, long sentences split
    between entities where possible."""
    examples = []
    for sentence in sentences:
        tags = convert(sentence.tags, "bio2")
        pieces = split_long(sentence.tokens, tokenizer, max_length, tags)
        for (start, end), part in zip(pieces, piece_tags(tags, pieces),
                                      strict=True):
            encoding = encode_words(sentence.tokens[start:end], tokenizer)
            ids = [LABELS.index(tag) for tag in part]
            labels = align_labels(encoding.word_ids, ids)
            examples.append((encoding.ids, labels))
    return examples
# --8<-- [end:encode]


# --8<-- [start:pad]
PAD_ID, IGNORE = 0, -100


def pad_batch(examples, max_length: int | None = None):
    """Stack examples into arrays: ids, labels and the attention mask.

    Rows are padded to the longest example (or cut to ``max_length``);
    the mask is 1 on real subwords and 0 on padding."""
    longest = max(len(ids) for ids, _ in examples)
    width = min(longest, max_length) if max_length else longest
    ids = np.full((len(examples), width), PAD_ID, dtype=np.int64)
    labels = np.full((len(examples), width), IGNORE, dtype=np.int64)
    for row, (tokens, tags) in enumerate(examples):
        ids[row, : len(tokens)] = tokens[:width]
        labels[row, : len(tags)] = tags[:width]
    mask = (np.arange(width) < [[len(t)] for t, _ in examples]).astype(int)
    return ids, labels, mask
# --8<-- [end:pad]


# --8<-- [start:tf_dataset]
def tf_dataset(examples, batch_size: int = 32):
    """Batches of similar length: bucketing wastes less work on padding."""
    import tensorflow as tf  # here, so that PyTorch users never load it

    signature = (tf.TensorSpec([None], tf.int32),
                 tf.TensorSpec([None], tf.int32))
    data = tf.data.Dataset.from_generator(
        lambda: iter(examples), output_signature=signature
    )
    return data.bucket_by_sequence_length(
        element_length_func=lambda ids, labels: tf.shape(ids)[0],
        bucket_boundaries=[16, 24],
        bucket_batch_sizes=[batch_size] * 3,
        padding_values=(PAD_ID, IGNORE),
    )
# --8<-- [end:tf_dataset]


# --8<-- [start:torch_dataset]
import torch
from torch.utils.data import DataLoader, Dataset


class TaggedPieces(Dataset):
    def __init__(self, examples):
        self.examples = examples

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, index):
        return self.examples[index]


def collate(batch):
    """Pad one batch to its own longest example."""
    ids, labels, mask = pad_batch(batch)
    return torch.from_numpy(ids), torch.from_numpy(labels), torch.tensor(mask)
# --8<-- [end:torch_dataset]


if __name__ == "__main__":
    # --8<-- [start:show_split]
    from snippets.ner.subwords import load_tokenizer, split_long

    tokenizer = load_tokenizer()
    words = ["Lena", "Okafor", "met", "Quentin", "Wolfe", "in", "Riga", "."]
    tags = ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O"]
    print(split_long(words, tokenizer, 10))  # words only: cuts a name
    for start, end in split_long(words, tokenizer, 10, tags):
        piece = tokenizer.encode(words[start:end], is_pretokenized=True)
        print(len(piece.ids), piece.tokens)
    # --8<-- [end:show_split]

    # --8<-- [start:show_forced]
    from snippets.ner.subwords import piece_tags

    pieces = split_long(words, tokenizer, 9, tags)
    for (start, end), part in zip(pieces, piece_tags(tags, pieces),
                                  strict=True):
        print(list(zip(words[start:end], part, strict=True)))
    # --8<-- [end:show_forced]

    # --8<-- [start:show_windows]
    from snippets.ner.subwords import merge_windows, windows

    pieces = windows(words, tokenizer, 14, stride=6, tags=tags)
    for start, end in pieces:
        print(start, end, words[start:end])
    # a model's predictions for each window; here: window number and word
    predicted = [[f"w{n}:{word}" for word in words[start:end]]
                 for n, (start, end) in enumerate(pieces)]
    print(merge_windows(pieces, predicted, len(words)))
    # --8<-- [end:show_windows]

    # --8<-- [start:show_pad]
    from snippets.ner.data import CORPUS, read_conll

    sample = read_conll(CORPUS / "sample.txt")
    encoded = encode_sentences(sample, tokenizer, max_length=32)
    print([len(ids) for ids, _ in encoded])
    ids, labels, mask = pad_batch(encoded)
    print(ids.shape)
    print(labels[1].tolist())
    print(mask)
    print(pad_batch(encoded, max_length=16)[0].shape)
    # --8<-- [end:show_pad]

    # --8<-- [start:train]
    train = encode_sentences(read_conll(CORPUS / "train.txt"), tokenizer, 32)
    # --8<-- [end:train]

    # --8<-- [start:show_tf]
    for ids, labels in tf_dataset(train).take(3):
        print(ids.shape, ids.dtype.name, labels.shape)
    # --8<-- [end:show_tf]

    # --8<-- [start:show_torch]
    loader = DataLoader(TaggedPieces(train), batch_size=4, collate_fn=collate)
    ids, labels, mask = next(iter(loader))
    print(ids.shape, labels.dtype, mask.sum(dim=1).tolist())
    # --8<-- [end:show_torch]
