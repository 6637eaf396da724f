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
# # Tutorial: learning curves and generalization
#
# A model is trained on some examples but used on others, so the number that matters is
# how well it does on data it never trained on.
#
# **What you will learn**
#
# - why data is split into training, validation and test sets, and what each one is for;
# - how to train on mini-batches over epochs, in Keras with `fit` and in PyTorch with a loop;
# - how to read learning curves, and how overfitting shows in them;
# - two cures for overfitting: early stopping in Keras and weight decay in PyTorch.
#
# **What you need first**
#
# The earlier pages of the Foundations path: [Tensors](../tensors/),
# [tensor operations](../tensor-ops/), [automatic differentiation](../autodiff/), the
# [first-model tutorial](../first-model/), [gradient descent](../gradient-descent/) and
# [your first neural network](../first-network/) (`keras.Sequential`, `torch.nn`,
# cross-entropy and accuracy).
#
# The training loss cannot tell how well a model does on new data:
# a model with enough weights can keep lowering it by memorising the training examples.
# This tutorial holds part of the data out, trains on mini-batches in Keras and in
# PyTorch, and records the loss and accuracy on both parts after every epoch: the
# *learning curves*. With a deliberately small training set and a model with far more
# weights than training images, the curves show overfitting, and then two cures for it:
# early stopping in Keras and weight decay in PyTorch.
#
# The [gradient-descent page](../gradient-descent/) took every step on the whole training
# set (full-batch); here each step sees a small batch of it.
#
# ## Training, validation and test sets
#
# scikit-learn's 8 × 8 handwritten digits ship with the library, so nothing is
# downloaded. Two seeded, stratified splits cut them into three parts:
#
# - a **training set** of 150 images, 15 of each digit, that the weights are fitted to.
#   It is kept small on purpose, so that overfitting appears within a few dozen cheap
#   epochs;
# - a **validation set** of 400 images, evaluated after every epoch but never trained on.
#   It estimates how the model does on new images, and we use it to make decisions, such
#   as when to stop training;
# - a **test set** of 400 images, looked at once, at the end. Decisions made by watching
#   the validation set tune the model to it a little, so a final check needs images that
#   took no part in any decision.
#
# The remaining images are not used.

# %%
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
x = (digits.data / 16.0).astype(np.float32)  # pixel values are 0..16
y = digits.target.astype(np.int64)
x_train, x_other, y_train, y_other = train_test_split(
    x, y, train_size=150, random_state=0, stratify=y
)
x_val, x_test, y_val, y_test = train_test_split(
    x_other,
    y_other,
    train_size=400,
    test_size=400,
    random_state=0,
    stratify=y_other,
)
print(
    f"train {len(x_train)}, validation {len(x_val)}, test {len(x_test)}, "
    f"unused {len(x) - len(x_train) - len(x_val) - len(x_test)}"
)
print("training images per digit:", np.bincount(y_train, minlength=10))

# %% [markdown]
# ## Mini-batches, epochs and shuffling
#
# Mini-batch training takes each gradient step on a *batch* of a few examples instead of
# the whole training set. One pass over the training set is an *epoch*: with 150 images
# and batches of 32 that is five steps, the last one on the 22 images left over. The
# order is shuffled before every epoch, so that the batches differ from one epoch to the
# next. This is what Keras's `fit` and PyTorch's `DataLoader` do for us below; written
# out with NumPy:

# %%
batch_size = 32
rng = np.random.default_rng(seed=0)
for epoch in (1, 2):
    order = rng.permutation(len(x_train))
    batches = [
        order[start : start + batch_size]
        for start in range(0, len(order), batch_size)
    ]
    sizes = [len(batch) for batch in batches]
    print(
        f"epoch {epoch}: batch sizes {sizes}, "
        f"first batch starts {batches[0][:5]}"
    )

# %% [markdown]
# The batch size sets how many steps an epoch takes (here 150 / 32, rounded up) and how
# closely each step follows the full-batch gradient: a batch's gradient is only an
# estimate of it, and the PyTorch section below measures how far off it is for three
# batch sizes.
#
# ## Keras: `fit` with validation data, and early stopping
#
# The model is a multilayer perceptron with two hidden layers of 256 units: tens of
# thousands of weights for 150 images, plenty to memorise them. Its 10 outputs are
# logits, one score per digit, so the loss is told `from_logits=True`.
# `keras.utils.set_random_seed` seeds Python, NumPy and TensorFlow at once, which fixes
# the initial weights and the shuffling.

# %%
import keras

keras.utils.set_random_seed(0)
keras_model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(10),
    ]
)
keras_model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
print(keras_model.count_params(), "weights")

# %% [markdown]
# `fit` does the batching: `batch_size=32`, and its default `shuffle=True` reshuffles the
# training data before each epoch. With `validation_data` it also evaluates the model
# on the validation set at the end of every epoch.
#
# The [`EarlyStopping`](https://keras.io/api/callbacks/early_stopping/) callback watches
# the validation loss. When it has not improved for `patience` epochs, training stops;
# with `restore_best_weights=True` the model then gets back the weights it had at the
# end of its best epoch. The five epochs of patience also let us watch what happens
# after the best epoch. `epochs=40` is only an upper limit.
#
# `fit` returns a `History` object whose `history` attribute holds one list per metric,
# with one value per epoch. The training loss and accuracy are averages over the
# epoch's batches, taken while the weights were still changing; the validation numbers
# are measured after the epoch.

# %%
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=5, restore_best_weights=True
)
history = keras_model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=40,
    validation_data=(x_val, y_val),
    callbacks=[early_stopping],
    verbose=0,
)
keras_curves = history.history
print("logged:", sorted(keras_curves))
print("epochs run:", len(keras_curves["loss"]))
print(f"training loss of the first epoch: {keras_curves['loss'][0]:.2f}")

# %% [markdown]
# A helper prints the numbers that describe a run, from any dictionary holding the four
# lists under the names Keras uses: the epoch with the lowest validation loss, and the
# losses and validation accuracy there and at the last epoch. The *gap* is validation
# loss minus training loss.


# %%
def summarize(curves):
    best = int(np.argmin(curves["val_loss"]))
    for label, epoch in [("lowest validation loss", best), ("last epoch", -1)]:
        number = epoch + 1 if epoch >= 0 else len(curves["val_loss"])
        train_loss, val_loss = curves["loss"][epoch], curves["val_loss"][epoch]
        print(
            f"{label:>22} (epoch {number:>2}): train loss {train_loss:.4f}, "
            f"validation loss {val_loss:.3f}, gap {val_loss - train_loss:.3f}, "
            f"validation accuracy {curves['val_accuracy'][epoch]:.3f}"
        )
    return best + 1


keras_best_epoch = summarize(keras_curves)

# %% [markdown]
# The validation loss reached its lowest value early. In the five epochs after that the
# training loss kept falling, the validation loss never got back down to its minimum,
# and the gap between the two widened. That is overfitting: the model goes on fitting
# details of its 150 training images that do not carry over to other images.
#
# Between those two epochs the validation accuracy changed by a few percentage points at
# most. Accuracy counts right answers and ignores how confident they are, while
# cross-entropy charges a confident wrong answer far more than a hesitant one, so the
# two can tell different stories.
#
# Early stopping put back the weights from the epoch with the lowest validation loss,
# and evaluating the model now gives that epoch's validation numbers. Those weights are
# the best by loss, not necessarily by accuracy; `monitor="val_accuracy"` would choose
# by accuracy instead. Other callbacks that `fit` accepts are on the
# [pipeline page](../../tensorflow/pipeline/#callbacks).

# %%
keras_val_loss, keras_val_accuracy = keras_model.evaluate(
    x_val, y_val, verbose=0
)
print(
    f"after restoring: validation loss {keras_val_loss:.3f}, "
    f"accuracy {keras_val_accuracy:.3f}"
)

# %% [markdown]
# The learning curves, drawn from the `History` by a helper that takes one or more runs:
# solid lines for training, dashed for validation, and a dotted line at the epoch whose
# weights were restored. The loss axis stops at 1: the first epochs start from about
# ln 10 ≈ 2.3, the cross-entropy of an even guess among 10 digits, and would otherwise
# squeeze the rest.

# %%
import matplotlib.pyplot as plt


def plot_curves(runs, title, best_epoch, best_label="lowest validation loss"):
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, metric in [(left, "loss"), (right, "accuracy")]:
        for (name, curves), colour in zip(
            runs.items(), ["C0", "C1"], strict=False
        ):
            epochs = range(1, len(curves[metric]) + 1)
            ax.plot(epochs, curves[metric], color=colour, label=f"{name}train")
            ax.plot(
                epochs,
                curves["val_" + metric],
                "--",
                color=colour,
                label=f"{name}validation",
            )
        ax.axvline(best_epoch, color="grey", ls=":", label=best_label)
        ax.set(xlabel="epoch", title=f"{title}: {metric}")
    left.set(ylabel="cross-entropy", ylim=(0, 1))
    right.legend(loc="lower right")
    fig.tight_layout()
    plt.show()


plot_curves({"": keras_curves}, "Keras", keras_best_epoch)

# %% [markdown]
# ## PyTorch: a training loop that logs the same curves
#
# In PyTorch the batching is a `DataLoader` over the training tensors: `shuffle=True`
# reshuffles before every epoch, a seeded `torch.Generator` makes the order repeatable,
# and `num_workers=0` (the default) loads the batches in the notebook's own process,
# without starting worker processes. Its length is the number of batches in an epoch.

# %%
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

x_train_pt, y_train_pt = torch.from_numpy(x_train), torch.from_numpy(y_train)
x_val_pt, y_val_pt = torch.from_numpy(x_val), torch.from_numpy(y_val)
loader = DataLoader(
    TensorDataset(x_train_pt, y_train_pt),
    batch_size=batch_size,
    shuffle=True,
    num_workers=0,
    generator=torch.Generator().manual_seed(0),
)
print("batches per epoch:", len(loader))

# %% [markdown]
# The same architecture as the Keras model (PyTorch initialises the weights differently,
# so the runs do not match number for number):


# %%
def make_mlp():
    return nn.Sequential(
        nn.Linear(64, 256),
        nn.ReLU(),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Linear(256, 10),
    )


loss_fn = nn.CrossEntropyLoss()  # takes logits, like from_logits=True
torch.manual_seed(0)
print(sum(p.numel() for p in make_mlp().parameters()), "weights")

# %% [markdown]
# ### What the batch size changes
#
# At a freshly initialised model, the next cell computes the gradient of the loss over
# all 150 training images, then the gradient over 20 random batches of each size, and
# prints how far a batch's gradient lies from the full one on average: the length of the
# difference, as a multiple of the length of the full gradient. The smaller the batch,
# the more steps an epoch takes, and the further each step's direction can stray from
# the one the whole training set gives.

# %%
probe = make_mlp()


def gradient(xb, yb):
    probe.zero_grad()
    loss_fn(probe(xb), yb).backward()
    return torch.cat([p.grad.flatten() for p in probe.parameters()])


full_gradient = gradient(x_train_pt, y_train_pt)
generator = torch.Generator().manual_seed(0)
for size in (8, 32, 128):
    errors = []
    for _ in range(20):
        picked = torch.randperm(len(x_train_pt), generator=generator)[:size]
        difference = (
            gradient(x_train_pt[picked], y_train_pt[picked]) - full_gradient
        )
        errors.append((difference.norm() / full_gradient.norm()).item())
    print(
        f"batch size {size:>3}: "
        f"difference {np.mean(errors):.2f} × the full gradient"
    )

# %% [markdown]
# ### The loop
#
# Each epoch trains on every batch once, in training mode, and keeps a running,
# batch-size-weighted average of the loss and accuracy, as Keras does for its training
# numbers. Then it evaluates the validation set in evaluation mode with gradients off.
# The log uses Keras's names, so the same helpers summarise and plot it.
#
# The optimizer is `torch.optim.AdamW`, which is Adam plus weight decay, here switched
# off (`weight_decay=0.0`), so this run is plain Adam with the learning rate the Keras
# model used. It trains for all 40 epochs, the Keras run's upper limit, with no early
# stopping.


# %%
def train(model, optimizer, epochs):
    curves = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for _epoch in range(epochs):
        model.train()
        loss_sum = correct = seen = 0
        for xb, yb in loader:
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(yb)
            correct += (logits.argmax(dim=1) == yb).sum().item()
            seen += len(yb)
        model.eval()
        with torch.no_grad():
            val_logits = model(x_val_pt)
        curves["loss"].append(loss_sum / seen)
        curves["accuracy"].append(correct / seen)
        curves["val_loss"].append(loss_fn(val_logits, y_val_pt).item())
        curves["val_accuracy"].append(
            (val_logits.argmax(dim=1) == y_val_pt).float().mean().item()
        )
    return curves


torch_epochs = 40
torch.manual_seed(0)
plain_model = make_mlp()
plain_curves = train(
    plain_model,
    torch.optim.AdamW(plain_model.parameters(), lr=3e-3, weight_decay=0.0),
    epochs=torch_epochs,
)
plain_best_epoch = summarize(plain_curves)

# %% [markdown]
# Without early stopping the run goes on for many epochs past its best one. The
# training loss keeps shrinking towards zero, while the validation loss stays above its
# minimum and ends clearly higher than it; the gap at the end is wider than at the best
# epoch. (The plot after the weight-decay run shows these curves.)

# %% [markdown]
# ## A cure in PyTorch: weight decay
#
# [Weight decay](https://docs.pytorch.org/docs/stable/generated/torch.optim.AdamW.html)
# pulls every weight towards zero: at each step AdamW also subtracts
# learning rate × `weight_decay` × the weight itself, 0.3 % of it with the settings
# below, on top of Adam's step. Growing weights now costs something at every step.
# This decay is *decoupled* from the gradient
# ([Loshchilov and Hutter, 2019](https://arxiv.org/abs/1711.05101)): it shrinks the
# weight directly, so Adam's per-parameter scaling of the step does not touch it.
# `torch.optim.Adam`'s own `weight_decay` is, by default, the older kind: it adds the
# decay term to the gradient, an L2 penalty that Adam's scaling then weakens where
# gradients are large; `decoupled_weight_decay=True` makes it AdamW
# ([`torch.optim.Adam`](https://docs.pytorch.org/docs/stable/generated/torch.optim.Adam.html)).
# In Keras, `keras.optimizers.AdamW(weight_decay=...)` is the equivalent, and every
# Keras optimizer takes a `weight_decay` argument that it applies the same decoupled
# way, to the weights before the step
# ([source](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/optimizers/base_optimizer.py#L952-L959)).
# Everything else is the same: `torch.manual_seed(0)` gives the same initial weights,
# and the loader's seeded generator the same batches.
#
# Dropout (`nn.Dropout`, `keras.layers.Dropout`) is another common cure; the
# [digits classifier](../../pytorch/digits-classifier/) tutorial uses it.

# %%
torch.manual_seed(0)
decay_model = make_mlp()
decay_curves = train(
    decay_model,
    torch.optim.AdamW(decay_model.parameters(), lr=3e-3, weight_decay=1.0),
    epochs=torch_epochs,
)
decay_best_epoch = summarize(decay_curves)

# %% [markdown]
# The two runs side by side after their 40 epochs, with the length of each model's
# weights (all of them as one vector):


# %%
def weight_norm(model):
    return (
        torch.cat([p.detach().flatten() for p in model.parameters()])
        .norm()
        .item()
    )


for name, model, curves in [
    ("no weight decay", plain_model, plain_curves),
    ("weight decay", decay_model, decay_curves),
]:
    print(
        f"{name:>15}: weights {weight_norm(model):5.1f}, "
        f"train loss {curves['loss'][-1]:.4f}, "
        f"validation loss {curves['val_loss'][-1]:.3f} "
        f"(lowest {min(curves['val_loss']):.3f}), "
        f"validation accuracy {curves['val_accuracy'][-1]:.3f}"
    )

# %% [markdown]
# With weight decay the weights stay smaller and the training loss does not get as
# close to zero. The validation loss at the end is lower than without it, lower even
# than the lowest value the run without weight decay reached, and the lowest point comes
# much later in the run. As with early stopping, the difference shows much more in the
# loss than in the accuracy.
#
# The learning curves of both PyTorch runs (blue without weight decay, orange with it;
# the dotted line marks the best epoch of the run without):

# %%
plot_curves(
    {"no decay, ": plain_curves, "decay, ": decay_curves},
    "PyTorch",
    plain_best_epoch,
    "no decay: lowest validation loss",
)

# %% [markdown]
# ## The test set, once
#
# The two cured models, the Keras model with its restored weights and the PyTorch model
# trained with weight decay, meet the test set. These are the numbers to report: the
# validation set helped choose the Keras model's epoch, and the test set took part in no
# choice.

# %%
test_loss, test_accuracy = keras_model.evaluate(x_test, y_test, verbose=0)
print(
    f"Keras, early stopping: test loss {test_loss:.3f}, "
    f"accuracy {test_accuracy:.3f}"
)
decay_model.eval()
with torch.no_grad():
    test_logits = decay_model(torch.from_numpy(x_test))
y_test_pt = torch.from_numpy(y_test)
decay_test_loss = loss_fn(test_logits, y_test_pt).item()
decay_test_accuracy = (
    (test_logits.argmax(dim=1) == y_test_pt).float().mean().item()
)
print(
    f"PyTorch, weight decay: test loss {decay_test_loss:.3f}, "
    f"accuracy {decay_test_accuracy:.3f}"
)

# %% [markdown]
# ## Did it work?
#
# The `assert`s below stop the notebook if the story above stops being true: after each
# uncured run's best epoch the training loss fell, the gap widened and the validation
# loss ended above its minimum, while the validation accuracy moved by at most 10 of 400
# images; early stopping stopped the run and restored the best epoch; and weight decay
# kept the weights smaller and ended with a lower validation loss, reached later.

# %%
for curves, best in [
    (keras_curves, keras_best_epoch),
    (plain_curves, plain_best_epoch),
]:
    gaps = np.subtract(curves["val_loss"], curves["loss"])
    assert best < len(curves["val_loss"]), best
    assert curves["loss"][-1] < curves["loss"][best - 1]
    assert gaps[-1] > gaps[best - 1]
    assert curves["val_loss"][-1] > min(curves["val_loss"])
    assert (
        abs(curves["val_accuracy"][-1] - curves["val_accuracy"][best - 1])
        <= 0.025
    )
assert (
    len(keras_curves["loss"]) == keras_best_epoch + 5
)  # stopped after `patience`
assert abs(keras_val_loss - min(keras_curves["val_loss"])) < 1e-3
assert plain_best_epoch <= 20
assert plain_curves["val_loss"][-1] > 1.05 * min(plain_curves["val_loss"])
assert weight_norm(decay_model) < weight_norm(plain_model)
assert decay_curves["loss"][-1] > plain_curves["loss"][-1]
assert decay_curves["val_loss"][-1] < min(plain_curves["val_loss"])
assert decay_best_epoch > plain_best_epoch + 10
assert (
    abs(decay_curves["val_accuracy"][-1] - plain_curves["val_accuracy"][-1])
    <= 0.025
)
assert min(test_accuracy, decay_test_accuracy) > 0.85

# %% [markdown]
# ## What next
#
# [TensorBoard](../tensorboard/) plots curves like these while a run is still going. The
# [digits classifier](../../pytorch/digits-classifier/) tutorial trains on a much larger
# share of the digits, with dropout and a learning-rate schedule, and the
# [torch.optim](../../pytorch/optim/) page describes the optimizers.
