"""Subword tokenization for NER: a WordPiece tokenizer, label alignment, and
splitting sentences that are too long for the model.

The code of docs/ner/subwords.md (the split is shown on docs/ner/batching.md).
Importing it prints nothing; ``python -m snippets.ner.subwords`` prints the
pages' examples.
"""

# --8<-- [start:train]
from collections import Counter
from itertools import pairwise
from pathlib import Path

from tokenizers import (
    Tokenizer,
    models,
    normalizers,
    pre_tokenizers,
    processors,
)

from snippets.ner.data import CORPUS, read_conll

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def learn_vocab(counts: Counter, vocab_size: int) -> list[str]:
    """WordPiece vocabulary: start from characters, then keep adding the
    most frequent pair of adjacent pieces (ties: the later in sort order)."""
    pieces = {w: [w[0]] + ["##" + c for c in w[1:]] for w in counts}
    vocab = SPECIALS + sorted({p for split in pieces.values() for p in split})
    while len(vocab) < vocab_size:
        pairs = Counter()
        for word, split in pieces.items():
            for pair in pairwise(split):
                pairs[pair] += counts[word]
        if not pairs:
            break  # every word is a single piece already
        a, b = max(pairs, key=lambda pair: (pairs[pair], pair))
        vocab.append(a + b.removeprefix("##"))
        for split in pieces.values():
            i = 0
            while i < len(split) - 1:
                if (split[i], split[i + 1]) == (a, b):
                    split[i : i + 2] = [vocab[-1]]
                i += 1
    return vocab


def finish(tokenizer: Tokenizer) -> Tokenizer:
    """Cased, whitespace-split words, wrapped in [CLS] ... [SEP]."""
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[(s, tokenizer.token_to_id(s)) for s in SPECIALS[2:4]],
    )
    return tokenizer


def train_tokenizer(path: Path, vocab_size: int = 400) -> Tokenizer:
    """A WordPiece tokenizer whose vocabulary is learned from a CoNLL file."""
    counts = Counter(w for s in read_conll(path) for w in s.tokens)
    vocab = learn_vocab(counts, vocab_size)
    ids = {piece: i for i, piece in enumerate(vocab)}
    return finish(Tokenizer(models.WordPiece(ids, unk_token="[UNK]")))
# --8<-- [end:train]


# --8<-- [start:load]
TOKENIZER = CORPUS / "tokenizer.json"


def load_tokenizer(path: Path = TOKENIZER) -> Tokenizer:
    """A tokenizer.json, or a BERT-style vocab.txt (one subword per line)."""
    path = Path(path)
    if path.suffix == ".txt":
        model = models.WordPiece.from_file(str(path), unk_token="[UNK]")
        return finish(Tokenizer(model))
    return Tokenizer.from_file(str(path))
# --8<-- [end:load]


# --8<-- [start:align]
IGNORE = -100  # the label index that PyTorch's and our losses skip


def align_labels(word_ids, word_labels, every_subword: bool = False):
    """One label per subword: the word's label on its first subword, and
    IGNORE on special tokens and (unless every_subword) on the rest."""
    labels, previous = [], None
    for word in word_ids:
        if word is None:
            labels.append(IGNORE)
        elif word != previous or every_subword:
            labels.append(word_labels[word])
        else:
            labels.append(IGNORE)
        previous = word
    return labels


def words_from_subwords(word_ids, subword_values):
    """Back to one value per word: the value of each word's first subword."""
    values, previous = [], None
    for word, value in zip(word_ids, subword_values, strict=True):
        if word is not None and word != previous:
            values.append(value)
        previous = word
    return values
# --8<-- [end:align]


# --8<-- [start:split]
class TooLongError(ValueError):
    def __init__(self, index: int, word: str, count: int, max_length: int):
        self.index = index  # position of the word in its sentence
        super().__init__(
            f"word {word!r} has {count} subwords; with [CLS] and [SEP] "
            f"it does not fit in --max-length {max_length}"
        )


def split_long(words, tokenizer, max_length):
    """Cut ``words`` into consecutive pieces whose encodings, special tokens
    included, have at most ``max_length`` subwords; never cut inside a word.
    Returns a list of (start, end) word ranges."""
    specials = tokenizer.num_special_tokens_to_add(is_pair=False)
    word_ids = tokenizer.encode(words, is_pretokenized=True).word_ids
    counts = [word_ids.count(i) for i in range(len(words))]
    pieces, start, used = [], 0, 0
    for i, count in enumerate(counts):
        if count + specials > max_length:
            raise TooLongError(i, words[i], count, max_length)
        if used + count + specials > max_length:
            pieces.append((start, i))
            start, used = i, 0
        used += count
    pieces.append((start, len(words)))
    return pieces
# --8<-- [end:split]


if __name__ == "__main__":
    # --8<-- [start:show_vocab]
    tokenizer = load_tokenizer()
    print(tokenizer.get_vocab_size(), "subwords")
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    print([token for token, _ in vocab[:12]])
    # --8<-- [end:show_vocab]

    # --8<-- [start:show_encode]
    words = ["Farid", "Okonkwo", "joined", "Lumen", "Bank", "."]
    encoding = tokenizer.encode(words, is_pretokenized=True)
    print(encoding.tokens)
    print(encoding.word_ids)
    # --8<-- [end:show_encode]

    # --8<-- [start:show_align]
    tags = ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O"]
    first = align_labels(encoding.word_ids, tags)
    every = align_labels(encoding.word_ids, tags, every_subword=True)
    for token, a, b in zip(encoding.tokens, first, every, strict=True):
        print(f"{token:10} {a!s:6} {b}")
    # --8<-- [end:show_align]

    # --8<-- [start:show_back]
    predicted = [t if t != IGNORE else "?" for t in first]
    print(words_from_subwords(encoding.word_ids, predicted))
    # --8<-- [end:show_back]
