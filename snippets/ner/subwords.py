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
from snippets.ner.schemes import convert, guess_scheme, spans

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def learn_vocab(counts: Counter, vocab_size: int) -> list[str]:
    """A vocabulary in WordPiece's format (## marks a piece inside a word),
    learned with BPE's rule: start from characters, then keep adding the
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
UNCASED_VOCAB = CORPUS / "vocab-uncased.txt"


def load_tokenizer(path: Path = TOKENIZER,
                   lowercase: bool | None = None) -> Tokenizer:
    """A tokenizer.json, or a BERT vocab.txt (one subword per line) with
    BERT's own normalizer and pre-tokenizer around it."""
    path = Path(path)
    if path.suffix != ".txt":
        return Tokenizer.from_file(str(path))
    vocab = models.WordPiece.read_file(str(path))
    if lowercase is None:  # an uncased vocabulary has no capitals
        special = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
        lowercase = not any(piece not in special and piece != piece.lower()
                            for piece in vocab)
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    # cleans control characters, spaces out Chinese characters, and (when
    # lowercasing) strips accents as BERT's uncased models were trained
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    # splits on whitespace and around every punctuation character
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.BertProcessing(
        ("[SEP]", vocab["[SEP]"]), ("[CLS]", vocab["[CLS]"]))
    tokenizer.add_special_tokens([s for s in SPECIALS if s in vocab])
    return tokenizer


def write_uncased_vocab(path: Path = UNCASED_VOCAB, size: int = 400) -> None:
    """A vocab.txt learned from the lowercased, accent-free training words,
    as an uncased BERT vocabulary is."""
    clean = normalizers.BertNormalizer(lowercase=True)
    words = [clean.normalize_str(w) for s in read_conll(CORPUS / "train.txt")
             for w in s.tokens]
    vocab = learn_vocab(Counter(words), size)
    path.write_text("".join(piece + "\n" for piece in vocab), encoding="utf-8")
# --8<-- [end:load]


# --8<-- [start:align]
IGNORE = -100  # the label index that PyTorch's and our losses skip


class WordError(ValueError):
    def __init__(self, index: int, message: str):
        self.index = index  # position of the word in its sentence
        super().__init__(message)


def encode_words(words, tokenizer):
    """Encode a sentence's words, giving every word at least one subword.

    A word that the tokenizer turns into nothing (one made of control or
    zero-width characters only) would vanish and shift every label after
    it; it is encoded as the unknown token instead."""
    encoding = tokenizer.encode(words, is_pretokenized=True)
    empty = set(range(len(words))) - set(encoding.word_ids)
    if not empty:
        return encoding
    unknown = getattr(tokenizer.model, "unk_token", None)
    if unknown is not None:
        words = [unknown if i in empty else w for i, w in enumerate(words)]
        encoding = tokenizer.encode(words, is_pretokenized=True)
        empty = set(range(len(words))) - set(encoding.word_ids)
    if empty:
        first = min(empty)
        raise WordError(first, f"word {words[first]!r} gives no subword and "
                        "the tokenizer has no unknown token to stand for it")
    return encoding


def inside(tag: str) -> str:
    """The tag of a subword that continues its word: B-X becomes I-X, as
    the entity began on the word's first subword; other tags stay."""
    return "I-" + tag.removeprefix("B-") if tag.startswith("B-") else tag


def align_labels(word_ids, word_labels, every_subword: bool = False,
                 continuation=None):
    """One label per subword: the word's label on its first subword, and
    IGNORE on special tokens. The word's other subwords get IGNORE, or with
    every_subword the word's label, passed through ``continuation`` if
    given (``inside`` for Hugging Face's B- to I- rule)."""
    labels, previous = [], None
    for word in word_ids:
        if word is None:
            labels.append(IGNORE)
        elif word != previous:
            labels.append(word_labels[word])
        elif every_subword:
            label = word_labels[word]
            labels.append(continuation(label) if continuation else label)
        else:
            labels.append(IGNORE)
        previous = word
    return labels


def words_from_subwords(word_ids, subword_values, length: int):
    """Back to one value per word: the value of each word's first subword.
    Refuses, rather than misalign, unless each of ``length`` words has one."""
    values, previous = [], None
    for word, value in zip(word_ids, subword_values, strict=True):
        if word is not None and word != previous:
            values.append(value)
        previous = word
    if len(values) != length:
        raise ValueError(f"{len(values)} values for {length} words")
    return values
# --8<-- [end:align]


# --8<-- [start:split]
class TooLongError(WordError):
    def __init__(self, index: int, word: str, count: int, max_length: int):
        super().__init__(
            index, f"word {word!r} has {count} subwords; with [CLS] and [SEP] "
            f"it does not fit in --max-length {max_length}"
        )


def subword_counts(words, tokenizer, max_length):
    """Subwords per word, from one encoding of the sentence, and the room
    for them in a piece once the special tokens are counted."""
    word_ids = encode_words(words, tokenizer).word_ids
    counts = [word_ids.count(i) for i in range(len(words))]
    room = max_length - tokenizer.num_special_tokens_to_add(is_pair=False)
    for i, count in enumerate(counts):
        if count > room:
            raise TooLongError(i, words[i], count, max_length)
    return counts, room


def cut_quality(tags):
    """How good a cut before each word is: 2 between two O words, 1 at the
    edge of an entity, 0 inside one (the ends of the sentence count 2)."""
    inside = {i for _, start, end in spans(tags) for i in range(start + 1, end)}
    return [2 if j in (0, len(tags)) or tags[j - 1] == tags[j] == "O"
            else 0 if j in inside else 1 for j in range(len(tags) + 1)]


def next_cut(counts, start, room, quality):
    """Where the piece that begins at ``start`` ends: at the best kind of
    cut that leaves it within ``room`` subwords, as late as possible."""
    end, used = start, 0
    while end < len(counts) and used + counts[end] <= room:
        used += counts[end]
        end += 1
    if end == len(counts):
        return end
    return max(range(start + 1, end + 1), key=lambda j: (quality[j], j))


def split_long(words, tokenizer, max_length, tags=None):
    """Cut ``words`` into consecutive pieces whose encodings, special tokens
    included, have at most ``max_length`` subwords; never cut inside a
    word, and given ``tags``, inside an entity only if it alone is too long.
    Returns a list of (start, end) word ranges."""
    counts, room = subword_counts(words, tokenizer, max_length)
    quality = cut_quality(tags or ["O"] * len(words))
    pieces, start = [], 0
    while start < len(words):
        end = next_cut(counts, start, room, quality)
        pieces.append((start, end))
        start = end
    return pieces


def piece_tags(tags, pieces, scheme=None):
    """The tags of each piece. The pieces of a cut sentence are written
    again in ``scheme`` (by default the tags' own), so that each is valid
    alone: an entity cut in two starts again with B- in BIO2 and IOBES, and
    in IOB1 a B- that only marked a neighbour in the previous piece goes."""
    if len(pieces) == 1:
        return [tags]
    scheme = scheme or guess_scheme(tags)
    return [convert(tags[start:end], scheme) for start, end in pieces]
# --8<-- [end:split]


# --8<-- [start:windows]
def windows(words, tokenizer, max_length, stride, tags=None):
    """Overlapping pieces: each one repeats at most ``stride`` subwords
    from the end of the one before, as context, and starts outside an
    entity where it can. Returns (start, end) word ranges."""
    counts, room = subword_counts(words, tokenizer, max_length)
    quality = cut_quality(tags or ["O"] * len(words))
    pieces, start = [], 0
    while True:
        end = next_cut(counts, start, room, quality)
        pieces.append((start, end))
        if end == len(words):
            return pieces
        starts = [j for j in range(start + 1, end + 1)
                  if sum(counts[j:end]) <= stride
                  and next_cut(counts, j, room, quality) > end]
        start = min(starts, key=lambda j: (quality[j] == 0, j))


def merge_windows(pieces, piece_values, length: int):
    """One value per word from overlapping windows: a word takes the value
    of the window where it has the most context on its shorter side."""
    best = [None] * length
    for (start, end), values in zip(pieces, piece_values, strict=True):
        for i, value in zip(range(start, end), values, strict=True):
            context = min(i - start, end - 1 - i)
            if best[i] is None or context > best[i][0]:
                best[i] = (context, value)
    if None in best:
        raise ValueError(f"word {best.index(None)} is in no window")
    return [value for _, value in best]
# --8<-- [end:windows]


if __name__ == "__main__":
    # --8<-- [start:show_trainer]
    from tokenizers import trainers

    texts = [" ".join(s.tokens) for s in read_conll(CORPUS / "train.txt")]
    vocabularies = set()
    for _ in range(5):
        library = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        library.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        trainer = trainers.WordPieceTrainer(
            vocab_size=400, special_tokens=SPECIALS, show_progress=False)
        library.train_from_iterator(texts, trainer)
        vocabularies.add(tuple(sorted(library.get_vocab().items())))
    print(f"5 trainings, {len(vocabularies)} different vocabularies")
    # --8<-- [end:show_trainer]

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
    train = read_conll(CORPUS / "train.txt")
    seen = Counter(word for sentence in train for word in sentence.tokens)
    print("times in train.txt:", {word: seen[word] for word in words})
    # --8<-- [end:show_encode]

    # --8<-- [start:show_align]
    tags = ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O"]
    first = align_labels(encoding.word_ids, tags)
    every = align_labels(encoding.word_ids, tags, every_subword=True)
    hf = align_labels(encoding.word_ids, tags, every_subword=True,
                      continuation=inside)
    print(f"{'subword':10} {'first':6} {'every':6} every, B- to I-")
    for token, a, b, c in zip(encoding.tokens, first, every, hf, strict=True):
        print(f"{token:10} {a!s:6} {b!s:6} {c}")
    # --8<-- [end:show_align]

    # --8<-- [start:show_read]
    for name, labels in (("every", every), ("every, B- to I-", hf)):
        as_tags = ["O" if label == IGNORE else label for label in labels]
        found = [f"{kind}[{' '.join(encoding.tokens[start:end])}]"
                 for kind, start, end in spans(as_tags)]
        print(f"{name}: {len(found)} entities:", " ".join(found))
    # --8<-- [end:show_read]

    # --8<-- [start:show_back]
    predicted = [t if t != IGNORE else "?" for t in first]
    print(words_from_subwords(encoding.word_ids, predicted, len(words)))
    # --8<-- [end:show_back]

    # --8<-- [start:show_bert]
    bert = load_tokenizer(UNCASED_VOCAB)
    german = ["Jürgen", "Weiß", "won", "2-1", "."]
    print(tokenizer.encode(german, is_pretokenized=True).tokens)
    print(bert.encode(german, is_pretokenized=True).tokens)
    # --8<-- [end:show_bert]

    # --8<-- [start:show_empty]
    spaced = ["Oslo", "\u200b", "Lima"]  # the middle word: a zero-width space
    lost = bert.encode(spaced, is_pretokenized=True)
    print(lost.tokens, lost.word_ids)
    kept = encode_words(spaced, bert)
    print(kept.tokens, kept.word_ids)
    print(words_from_subwords(kept.word_ids, kept.tokens, len(spaced)))
    # --8<-- [end:show_empty]
