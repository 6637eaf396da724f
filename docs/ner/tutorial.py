# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tutorial: training a tagger on unseen names
#
# This tutorial follows one path from raw CoNLL files to predictions: read the
# shipped corpus, convert the tags to BIO2, tokenize into subwords, align the
# labels, train a small bidirectional LSTM in PyTorch and then the same
# model in Keras, and score both with entity-level F1 on two test splits
# whose names never occur in training:
#
# - `test` has new names in the sentence templates of training: the
#   names are new, the words around them are familiar;
# - `test-new` has new names in templates held out from training: the
#   words around the names are new too.
#
# The first score says how well a tagger handles new names; the second, how
# well it handles new sentences, which is what a tagger meets in use.
#
# ## Data and subwords
#
# The helpers come from the earlier pages of this section: `read_conll`
# (data, which also describes how the splits are generated),
# `encode_sentences` (batching: BIO2 tags, split pieces, first-subword
# labels with -100 elsewhere).

# %%
import numpy as np
import torch

from snippets.ner.batching import LABELS, collate, encode_sentences
from snippets.ner.data import CORPUS, read_conll
from snippets.ner.subwords import load_tokenizer

torch.manual_seed(0)
tokenizer = load_tokenizer()
splits = {name: read_conll(CORPUS / f"{name}.txt")
          for name in ("train", "dev", "test", "test-new")}
encoded = {name: encode_sentences(sentences, tokenizer, max_length=64)
           for name, sentences in splits.items()}
print({name: len(pieces) for name, pieces in encoded.items()})

# %% [markdown]
# ## The model
#
# An embedding per subword, a bidirectional LSTM that reads the sentence in
# both directions, and a linear layer giving a score per label for every
# subword. The loss skips the label -100, so padding, special tokens and
# continuation subwords do not count.

# %%
from torch import nn


class Tagger(nn.Module):
    def __init__(self, vocab_size, labels, width=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, width, padding_idx=0)
        self.lstm = nn.LSTM(width, width, batch_first=True,
                            bidirectional=True)
        self.out = nn.Linear(2 * width, labels)

    def forward(self, ids):
        hidden, _ = self.lstm(self.embed(ids))
        return self.out(hidden)


model = Tagger(tokenizer.get_vocab_size(), len(LABELS))
loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

# %% [markdown]
# ## Training
#
# A few epochs over shuffled mini-batches, each padded by `collate`.

# %%
from torch.utils.data import DataLoader

loader = DataLoader(encoded["train"], batch_size=32, shuffle=True,
                    collate_fn=collate,
                    generator=torch.Generator().manual_seed(0))
losses = []
for _epoch in range(3):
    for ids, labels, _mask in loader:
        logits = model(ids)
        loss = loss_fn(logits.reshape(-1, len(LABELS)), labels.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
print(f"{len(losses)} steps")

# %% [markdown]
# ## Entity-level F1: new names, then new sentences
#
# Predictions are made per subword; `words_from_subwords` keeps the
# prediction of each word's first subword, which gives one tag per word, and
# `entity_scores` counts an entity as found only if type and both
# boundaries are right, as the CoNLL evaluation script does. The rows are
# the development split, `test` (new names, seen templates) and `test-new`
# (new names, new templates).

# %%
from snippets.ner.schemes import entity_scores
from snippets.ner.subwords import encode_words, words_from_subwords


def predict(words):
    encoding = encode_words(words, tokenizer)
    with torch.no_grad():
        scores = model(torch.tensor([encoding.ids]))[0]
    best = scores.argmax(dim=-1).tolist()
    tags = words_from_subwords(encoding.word_ids, best, len(words))
    return [LABELS[i] for i in tags]


def evaluate(sentences):
    gold = [s.tags for s in sentences]
    predicted = [predict(s.tokens) for s in sentences]
    return entity_scores(gold, predicted)


model.eval()
torch_scores = {name: evaluate(splits[name])
                for name in ("dev", "test", "test-new")}
for name, (precision, recall, f1) in torch_scores.items():
    print(f"{name:8}  precision {precision:.2f}  recall {recall:.2f}  "
          f"F1 {f1:.2f}")

seen, new = torch_scores["test"], torch_scores["test-new"]
assert seen[2] >= 0.90 and min(seen[:2]) >= 0.85, seen
assert 0.20 <= new[2] <= 0.50, new  # far lower: the prose below says so

# %% [markdown]
# On new names in familiar sentences the tagger scores high. On sentences
# built from templates it has never seen, its F1 is far lower: the
# `test-new` row, not the `test` row, is the honest measure of how this
# tagger generalizes. Two counts on `test-new` show where the score
# goes: the words it wrongly tags as (parts of) names, and the true
# entities it finds with the right words but the wrong type.

# %%
from collections import Counter

from snippets.ner.schemes import entity_sets

train_words = {word for s in splits["train"] for word in s.tokens}
held_out = splits["test-new"]
guessed = [predict(s.tokens) for s in held_out]
false_names = Counter(
    word for s, tags in zip(held_out, guessed, strict=True)
    for word, gold_tag, tag in zip(s.tokens, s.tags, tags, strict=True)
    if gold_tag == "O" and tag != "O")
unseen = sum(n for word, n in false_names.items() if word not in train_words)
print("most often taken for names:",
      " ".join(word for word, _ in false_names.most_common(6)))
print(f"{unseen} of these {false_names.total()} words never occur in training")

true, found = entity_sets([s.tags for s in held_out], guessed)
found_words = {(n, start, end) for n, _, start, end in found}
wrong_type = {e for e in true - found if (e[0], *e[2:]) in found_words}
print(f"{len(true)} entities: {len(true & found)} found, "
      f"{len(wrong_type)} found with the wrong type")

for n in (1, 17):
    print(" ".join(f"{w}/{t}" for w, t in zip(held_out[n].tokens, guessed[n],
                                              strict=True)))

assert unseen >= 0.95 * false_names.total(), false_names
assert len(wrong_type) >= len(true) / 4, (len(wrong_type), len(true))
rain, prize = guessed[1], guessed[17]  # the two sentences printed above
assert rain[3] != "O" and prize[1] != "O"  # match, prize
# a type, and not the right one: Linvi and Gaden are places, Gasa a person
assert all(tag[2:] not in ("", "LOC") for tag in (rain[5], rain[7])), rain
assert prize[4][2:] not in ("", "PER"), prize

# %% [markdown]
# Nearly every word taken for a name is one the tagger never saw in
# training. That fits how the corpus is made: a word of the training split
# is a word of its templates, a number, a weekday, a date or a name. A
# tagger can learn the first four kinds and take everything else for a name
# without making that mistake once in training; the held-out templates
# bring ordinary words it has never seen, and it takes many of them for
# names. In short, the tagger has learnt the templates' context words, and
# new sentences do not have them. The types suffer too: with
# context words it has never seen, the tagger has little to tell a place
# from a person or an organisation. In the two sentences above, `match` and
# `prize` are taken for names, and the places Linvi and Gaden and the
# person Gasa get a wrong type.

# %% [markdown]
# ## The same tagger in Keras
#
# Keras 3 builds the same three layers. `mask_zero=True` makes the embedding
# treat id 0, the `[PAD]` subword, as padding: it passes a mask to the
# bidirectional LSTM, which then skips padded steps in both directions. The
# Keras loss takes the -100 labels as they are: `ignore_class=-100` in
# [`SparseCategoricalCrossentropy`](https://keras.io/api/losses/probabilistic_losses/#sparsecategoricalcrossentropy-class)
# leaves those positions out of the loss and of its average, as
# `ignore_index` does in PyTorch. The cell after the training checks that
# the two losses agree on the same scores.
#
# This time the whole training split is padded once with `pad_batch`, and
# `fit` shuffles and batches it. The bucketed `tf_dataset` of the batching
# page, which pads labels with -100, could feed `fit` instead.

# %%
import keras

from snippets.ner.batching import pad_batch

keras.utils.set_random_seed(0)
ids, labels, _mask = pad_batch(encoded["train"])

width = 64
inputs = keras.Input(shape=(None,), dtype="int32")
x = keras.layers.Embedding(tokenizer.get_vocab_size(), width,
                           mask_zero=True)(inputs)
x = keras.layers.Bidirectional(
    keras.layers.LSTM(width, return_sequences=True))(x)
outputs = keras.layers.Dense(len(LABELS))(x)
keras_model = keras.Model(inputs, outputs)
keras_model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=-100),
)
history = keras_model.fit(ids, labels, batch_size=32, epochs=3, verbose=0)
print(f"{len(history.history['loss'])} epochs, "
      f"{keras_model.count_params()} parameters")

# %% [markdown]
# Both losses on the scores of the Keras model for eight training pieces:

# %%
scores = keras_model.predict(ids[:8], verbose=0)
keras_loss = keras_model.loss(labels[:8], scores)
torch_loss = loss_fn(torch.from_numpy(scores).reshape(-1, len(LABELS)),
                     torch.from_numpy(labels[:8]).reshape(-1))
print(f"Keras {float(keras_loss):.4f} PyTorch {float(torch_loss):.4f}")
assert abs(float(keras_loss) - float(torch_loss)) < 1e-4

# %% [markdown]
# Prediction works on a batch of sentences at once: `pad_sequences` pads the
# subword ids with zeros, the mask keeps the padding out of the LSTM, and
# each row is cut back to its own length before `words_from_subwords` picks
# the first-subword prediction of every word. The scores come from the same
# `entity_scores` as before.

# %%
def keras_predict(sentences):
    encodings = [encode_words(words, tokenizer) for words in sentences]
    batch = keras.utils.pad_sequences([e.ids for e in encodings],
                                      padding="post")
    best = keras_model.predict(batch, verbose=0).argmax(axis=-1)
    return [[LABELS[i] for i in words_from_subwords(
                e.word_ids, row[: len(e.ids)].tolist(), len(words))]
            for e, row, words in zip(encodings, best, sentences, strict=True)]


keras_scores = {}
for name in ("dev", "test", "test-new"):
    gold = [s.tags for s in splits[name]]
    predicted = keras_predict([s.tokens for s in splits[name]])
    keras_scores[name] = entity_scores(gold, predicted)
    precision, recall, f1 = keras_scores[name]
    print(f"{name:8}  precision {precision:.2f}  recall {recall:.2f}  "
          f"F1 {f1:.2f}")

seen, new = keras_scores["test"], keras_scores["test-new"]
assert seen[2] >= 0.90 and min(seen[:2]) >= 0.85, seen
assert 0.12 <= new[2] <= 0.50, new

# %% [markdown]
# The Keras tagger shows the same gap: a high F1 on new names in seen
# templates, a far lower one on the held-out templates, whose row is again
# the one to quote.
#
# ### Keras and PyTorch side by side
#
# The two models have the same layers and sizes and reach similar scores
# on the seen templates; what differs is where the bookkeeping lives.
#
# - **Padding.** PyTorch's LSTM sees the padded steps: right padding keeps
#   them from reaching the forward direction, but the backward direction
#   starts at the end of the padding, and the loss simply ignores their
#   labels. In Keras the mask from `mask_zero=True` travels with the
#   tensors, so both directions of the LSTM skip padding.
# - **Ignored labels.** Both losses take the label -100 to mean "no
#   label": `ignore_index=-100` in PyTorch, `ignore_class=-100` in Keras,
#   and both average over the labelled subwords only, as the cell above
#   shows.
# - **Training loop.** PyTorch spells out the loop (forward, loss, backward,
#   step) over a `DataLoader`; Keras hides it in `compile` and `fit`, which
#   also shuffle and batch the arrays.
# - **Logits.** Both output layers give raw scores: PyTorch's loss expects
#   them, and Keras is told so with `from_logits=True`.

# %% [markdown]
# ## New sentences
#
# The PyTorch tagger reads plain text split on spaces, names it has never
# seen included. These two sentences follow templates of the training
# split, the kind of sentence it tags well.

# %%
for text in ["Ayesha Mbeki joined Polaris Bank as chief executive .",
             "Flights from Reykjavik to Santiago were cancelled on Monday ."]:
    words = text.split()
    tags = predict(words)
    print(" ".join(f"{w}/{t}" for w, t in zip(words, tags, strict=True)))

# Both cities are new to the model: only the context says they are places.
assert tags[:5] == ["O", "O", "B-LOC", "O", "B-LOC"], tags

# %% [markdown]
# The Keras tagger on the same sentences. The two models need not agree on
# every word: they start from different random weights and see the batches
# in a different order.

# %%
texts = ["Ayesha Mbeki joined Polaris Bank as chief executive .",
         "Flights from Reykjavik to Santiago were cancelled on Monday ."]
sentences = [text.split() for text in texts]
for words, tags in zip(sentences, keras_predict(sentences), strict=True):
    print(" ".join(f"{w}/{t}" for w, t in zip(words, tags, strict=True)))

assert tags[:5] == ["O", "O", "B-LOC", "O", "B-LOC"], tags

# %% [markdown]
# ## The loss curve

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(np.convolve(losses, np.ones(10) / 10, mode="valid"))
ax.set(xlabel="step", ylabel="loss (moving average of 10)",
       title="Training loss", yscale="log")
fig.tight_layout()
plt.show()
