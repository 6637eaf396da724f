"""A small BERT-style tagger trained on the preprocessing tool's output.

The code of docs/ner/model.md. ``python -m snippets.ner.model`` runs the
page: the shared sections, then the TensorFlow ones, then the PyTorch ones
(it trains both models, each in under half a minute on a CPU).
"""

# --8<-- [start:data]
from snippets.ner.data import CORPUS, parse_conll, read_conll
from snippets.ner.preprocess import preprocess
from snippets.ner.subwords import (
    align_labels,
    encode_words,
    load_tokenizer,
    words_from_subwords,
)

MAX_LENGTH = 64  # subwords per piece, [CLS] and [SEP] included
tokenizer = load_tokenizer()
# The text that `python -m snippets.ner.preprocess` writes for
# train.txt --scheme bio2 --max-length 64 --drop-docstart
output = preprocess((CORPUS / "train.txt").read_bytes(), "train.txt",
                    tokenizer, MAX_LENGTH, scheme="bio2", docstart=False)
pieces = parse_conll(output)
print(f"{len(pieces)} pieces, the first:")
print(output[: output.index("\n\n")].replace("\n", " | "))
# --8<-- [end:data]


# --8<-- [start:encode]
from snippets.ner.schemes import entity_scores

# the label list of the batching page, the classes the model predicts;
# written out, as snippets.ner.batching imports torch
LABELS = ["O", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
          "B-ORG", "I-ORG", "B-PER", "I-PER"]
encodings = [encode_words(piece.tokens, tokenizer) for piece in pieces]
labels = [align_labels(encoding.word_ids, [LABELS.index(t) for t in p.tags])
          for encoding, p in zip(encodings, pieces, strict=True)]
print(" ".join(f"{token}:{label}" for token, label
               in zip(encodings[0].tokens, labels[0], strict=True)))

test = read_conll(CORPUS / "test.txt")  # new names, seen templates
test_new = read_conll(CORPUS / "test-new.txt")  # new names and templates
gold = [sentence.tags for sentence in test]
for name, sentences in (("train", pieces), ("test", test),
                        ("test-new", test_new)):
    longest = max(len(encode_words(s.tokens, tokenizer).ids)
                  for s in sentences)
    print(f"{name:8}  longest: {longest} subwords")
# --8<-- [end:encode]


# --8<-- [start:tf_model]
import keras

keras.utils.set_random_seed(0)
WIDTH, HEADS, FEED_FORWARD = 32, 2, 64


class PositionEmbedding(keras.layers.Layer):
    """Adds a learned vector for each position, as BERT does."""

    def __init__(self, length, width, **kwargs):
        super().__init__(**kwargs)
        self.table = keras.layers.Embedding(length, width)

    def call(self, x):
        return x + self.table(keras.ops.arange(keras.ops.shape(x)[1]))


ids = keras.Input(shape=(None,), dtype="int32")
real = keras.ops.not_equal(ids, 0)  # False at the [PAD] id 0
# shape (batch, queries, keys): every query attends to real subwords only
attention_mask = keras.ops.logical_and(keras.ops.ones_like(real)[:, :, None],
                                       real[:, None, :])
x = keras.layers.Embedding(tokenizer.get_vocab_size(), WIDTH)(ids)
x = PositionEmbedding(MAX_LENGTH, WIDTH)(x)
x = keras.layers.LayerNormalization(epsilon=1e-12)(x)
for _ in range(2):  # two encoder layers, normalised after each step
    attended = keras.layers.MultiHeadAttention(HEADS, WIDTH // HEADS)(
        x, x, attention_mask=attention_mask)
    x = keras.layers.LayerNormalization(epsilon=1e-12)(x + attended)
    hidden = keras.layers.Dense(FEED_FORWARD, activation="gelu")(x)
    x = keras.layers.LayerNormalization(epsilon=1e-12)(
        x + keras.layers.Dense(WIDTH)(hidden))
tagger = keras.Model(ids, keras.layers.Dense(len(LABELS))(x))
print(f"{tagger.count_params():,} parameters")

# a sentence alone, and followed by 20 [PAD] ids: its scores must not move
sentence = encodings[4].ids
alone = tagger.predict(keras.ops.convert_to_tensor([sentence]), verbose=0)
padded = tagger.predict(keras.ops.convert_to_tensor([sentence + [0] * 20]),
                        verbose=0)
change = abs(padded[0, : len(sentence)] - alone[0]).max()
print(f"{len(sentence)} subwords, then 20 [PAD]: largest change of a score "
      f"{change:.5f}, largest score {abs(alone).max():.2f}")
# --8<-- [end:tf_model]


# --8<-- [start:tf_train]
def keras_predict(sentences):
    """Tags per word: one padded batch, each word's first-subword label."""
    encoded = [encode_words(s.tokens, tokenizer) for s in sentences]
    if max(len(e.ids) for e in encoded) > MAX_LENGTH:  # no position for it
        raise ValueError(f"a sentence has over {MAX_LENGTH} subwords")
    batch = keras.utils.pad_sequences([e.ids for e in encoded],
                                      padding="post")
    best = tagger.predict(batch, verbose=0).argmax(axis=-1)
    return [[LABELS[i] for i in words_from_subwords(
                e.word_ids, row[: len(e.ids)].tolist(), len(s.tokens))]
            for e, row, s in zip(encoded, best, sentences, strict=True)]


untrained = entity_scores(gold, keras_predict(test))[2]
print(f"untrained: test F1 {untrained:.2f}")

train_ids = keras.utils.pad_sequences([e.ids for e in encodings],
                                      padding="post")
train_labels = keras.utils.pad_sequences(labels, padding="post", value=-100)
tagger.compile(
    optimizer=keras.optimizers.AdamW(learning_rate=5e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=-100),
)
tagger.fit(train_ids, train_labels, batch_size=32, epochs=6, verbose=0)
print(f"{int(tagger.optimizer.iterations)} steps")
scores = {}
for name, sentences in (("test", test), ("test-new", test_new)):
    predicted = keras_predict(sentences)
    scores[name] = entity_scores([s.tags for s in sentences], predicted)
    precision, recall, f1 = scores[name]
    print(f"{name:8}  precision {precision:.2f}  recall {recall:.2f}  "
          f"F1 {f1:.2f}")
# --8<-- [end:tf_train]


# --8<-- [start:torch_tokenizer]
import torch
import transformers
from transformers import (
    BertConfig,
    BertForTokenClassification,
    DataCollatorForTokenClassification,
    PreTrainedTokenizerFast,
)

transformers.utils.logging.disable_progress_bar()  # none on stderr
# the section's tokenizer, wrapped for Transformers; the collator pads
# with its pad token
hf_tokenizer = PreTrainedTokenizerFast(tokenizer_object=tokenizer,
                                       pad_token="[PAD]")
batch = hf_tokenizer([piece.tokens for piece in pieces],
                     is_split_into_words=True)
other_ids = sum(batch["input_ids"][n] != encoding.ids
                for n, encoding in enumerate(encodings))
other_words = sum(batch.word_ids(n) != encoding.word_ids
                  for n, encoding in enumerate(encodings))
print(f"of {len(pieces)} pieces, {other_ids} get other ids than from "
      f"encode_words, {other_words} other word_ids()")
print(batch.tokens(1))
print(batch.word_ids(1))
# --8<-- [end:torch_tokenizer]


# --8<-- [start:torch_collate]
features = [
    {"input_ids": batch["input_ids"][n],
     "labels": align_labels(batch.word_ids(n),
                            [LABELS.index(t) for t in piece.tags])}
    for n, piece in enumerate(pieces)
]
collator = DataCollatorForTokenClassification(hf_tokenizer)
example = collator([features[4], features[14]])
tokens = hf_tokenizer.convert_ids_to_tokens(example["input_ids"][1].tolist())
print(f"{'tokens':14}", tokens)
for key, rows in example.items():
    print(f"{key:14}", rows[1].tolist())
# --8<-- [end:torch_collate]


# --8<-- [start:torch_model]
config = BertConfig(
    vocab_size=len(hf_tokenizer),  # every id the tokenizer can give
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_LENGTH,
    hidden_dropout_prob=0.0,  # no dropout, as in the Keras model
    attention_probs_dropout_prob=0.0,
    num_labels=len(LABELS),
    id2label=dict(enumerate(LABELS)),
    label2id={label: i for i, label in enumerate(LABELS)},
)
transformers.set_seed(0)  # Python's, NumPy's and torch's generators
model = BertForTokenClassification(config)  # random weights
print(f"{model.num_parameters():,} parameters")
# --8<-- [end:torch_model]


# --8<-- [start:torch_train]
from torch.utils.data import DataLoader


def predict(sentences):
    """Tags per word: one padded batch, each word's first-subword label."""
    encoded = hf_tokenizer([s.tokens for s in sentences],
                           is_split_into_words=True, padding=True,
                           return_tensors="pt")
    if encoded["input_ids"].shape[1] > MAX_LENGTH:  # no position for it
        raise ValueError(f"a sentence has over {MAX_LENGTH} subwords")
    model.eval()
    with torch.no_grad():
        best = model(**encoded).logits.argmax(dim=-1).tolist()
    return [[LABELS[i] for i in words_from_subwords(
                encoded.word_ids(n), best[n], len(s.tokens))]
            for n, s in enumerate(sentences)]


untrained = entity_scores(gold, predict(test))[2]
print(f"untrained: test F1 {untrained:.2f}")

loader = DataLoader(features, batch_size=32, shuffle=True,
                    collate_fn=collator,
                    generator=torch.Generator().manual_seed(0))
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
model.train()
steps = 0
for _epoch in range(6):
    for inputs in loader:
        loss = model(**inputs).loss  # cross-entropy, -100 left out
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        steps += 1
print(f"{steps} steps")
scores = {}
for name, sentences in (("test", test), ("test-new", test_new)):
    predicted = predict(sentences)
    scores[name] = entity_scores([s.tags for s in sentences], predicted)
    precision, recall, f1 = scores[name]
    print(f"{name:8}  precision {precision:.2f}  recall {recall:.2f}  "
          f"F1 {f1:.2f}")
# --8<-- [end:torch_train]


# --8<-- [start:torch_folder]
import tempfile
from pathlib import Path

folder = Path(tempfile.mkdtemp()) / "tiny-bert-ner"
model.save_pretrained(folder)
hf_tokenizer.save_pretrained(folder)
print(sorted(path.name for path in folder.iterdir()))

reloaded = BertForTokenClassification.from_pretrained(folder)
inputs = hf_tokenizer([test[0].tokens], is_split_into_words=True,
                      return_tensors="pt")
with torch.no_grad():
    difference = (reloaded(**inputs).logits - model(**inputs).logits).abs()
print(reloaded.config.id2label[7], f"max difference {difference.max():.1e}")
# --8<-- [end:torch_folder]


# --8<-- [start:torch_pretrained]
encoder = folder.with_name("encoder-only")
model.bert.save_pretrained(encoder)  # the encoder, no tagging head
# without label names, a configuration names the labels LABEL_0, LABEL_1...
print("default name of label 7:", BertConfig(num_labels=9).id2label[7])
verbosity = transformers.utils.logging.get_verbosity()
transformers.utils.logging.set_verbosity_error()  # report: printed below
fresh, info = BertForTokenClassification.from_pretrained(
    encoder, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
    label2id={label: i for i, label in enumerate(LABELS)},
    output_loading_info=True)
transformers.utils.logging.set_verbosity(verbosity)  # warnings again
print("labels:", " ".join(fresh.config.id2label.values()))
print("new, untrained:", sorted(info["missing_keys"]))
difference = max((a - b).abs().max() for a, b in zip(
    fresh.bert.parameters(), model.bert.parameters(), strict=True))
print(f"encoder: max difference {difference:.1e}")
# --8<-- [end:torch_pretrained]
