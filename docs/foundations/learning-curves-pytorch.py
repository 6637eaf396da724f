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
# # Tutorial: learning curves and generalization (PyTorch)
#
# A model is trained on some examples but used on others, so the number that matters is
# how well it does on data it never trained on.
#
# This is the PyTorch version. The same tutorial in TensorFlow, with Keras, is
# [Tutorial: learning curves (TensorFlow)](../learning-curves-tensorflow/); each one
# runs on its own.
#
# **What you will learn**
#
# - why data is split into training, validation and test sets, and what each one is for;
# - how to train on mini-batches over epochs with a `DataLoader` and a training loop, and
#   what the batch size changes;
# - how to read learning curves, and how overfitting shows in them;
# - two cures for overfitting: early stopping and weight decay.
#
# **What you need first**
#
# - the earlier pages of the Foundations path, on their PyTorch tabs:
#   [Tensors](../tensors/), [tensor operations](../tensor-ops/),
#   [automatic differentiation](../autodiff/) (`loss.backward()`),
#   [gradient descent](../gradient-descent/) and
#   [your first neural network](../first-network/) (`torch.nn`, cross-entropy and
#   accuracy);
# - PyTorch, scikit-learn, NumPy and Matplotlib installed (see
#   [Installation](../../installation/)).
#
# The training loss cannot tell how well a model does on new data:
# a model with enough weights can keep lowering it by memorising the training examples.
# This tutorial holds part of the data out, trains on mini-batches with a PyTorch
# training loop, and records the loss and accuracy on both parts after every epoch: the
# *learning curves*. With a deliberately small training set and a model with far more
# weights than training images, the curves show overfitting, and then two cures for it:
# early stopping and weight decay.
#
# The [gradient-descent page](../gradient-descent/) took every step on the whole training
# set (full-batch); here each step sees a small batch of it.
#
# ## Training, validation and test sets
#
# scikit-learn's 8 × 8 handwritten digits ship with the library, so nothing is
# downloaded. `digits.data` holds each image flattened into one row of 64 pixel values,
# the form the model below takes. Two seeded splits cut them into three parts. Both are
# *stratified* (`stratify=`): each part gets the ten digits in the same proportions as
# the data it is cut from, as nearly as whole numbers allow, so that no digit is over- or
# under-represented in any part by chance.
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
#
# scikit-learn's
# [`train_test_split`](https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.train_test_split.html)
# shuffles the examples and cuts each array it is given in two. It returns the pieces in
# the order of the arrays, first piece before second: here the images of the first part,
# those of the second, then the labels of the first part and those of the second.
# `train_size` is the number of examples in the first part and `test_size` that of the
# second (a fraction if given a float); left out, `test_size` takes all the rest.
# `random_state=0` seeds the shuffling, so every run makes the same split. The first call
# keeps 150 images for training; the second cuts 400 + 400 from the rest.

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
print("validation images per digit:", np.bincount(y_val, minlength=10))

# %% [markdown]
# ## Mini-batches, epochs and shuffling
#
# Mini-batch training takes each gradient step on a *batch* of a few examples instead of
# the whole training set. One pass over the training set is an *epoch*: with 150 images
# and batches of 32 that is five steps, the last one on the 22 images left over. The
# order is shuffled before every epoch, so that the batches differ from one epoch to the
# next. PyTorch's `DataLoader` does this for us below; written out with NumPy:

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
# ## The model
#
# The model is a *multilayer perceptron* (MLP): a stack of fully connected (`nn.Linear`)
# layers, each feeding all its outputs to every unit of the next, with a nonlinearity
# (here ReLU) between them. This one has two hidden layers of 256 units: tens of
# thousands of weights for 150 images, plenty to memorise them. Its 10 outputs are
# logits, one score per digit;
# [`nn.CrossEntropyLoss`](https://docs.pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html)
# expects exactly that, unnormalised scores, and applies [log-softmax](../../glossary/#log-softmax) to them itself.
# Its input is an image's 64 pixel values, hence `nn.Linear(64, 256)`.
#
# `make_mlp` calls `torch.manual_seed(0)` before it builds the model, so every model it
# returns starts from the same initial weights. The cell prints the number of weights:
# `model.parameters()` yields every weight matrix and bias vector of the model, and
# `numel()` counts a tensor's elements. `loss_fn` is a loss module: called like a
# function, `loss_fn(logits, labels)` takes the model's outputs first and the labels
# second and, with its default `reduction="mean"`, returns the mean loss over the batch
# (both are in the `nn.CrossEntropyLoss` documentation linked above).

# %%
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

x_train_t, y_train_t = torch.from_numpy(x_train), torch.from_numpy(y_train)
x_val_t, y_val_t = torch.from_numpy(x_val), torch.from_numpy(y_val)
x_test_t, y_test_t = torch.from_numpy(x_test), torch.from_numpy(y_test)


def make_mlp():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(64, 256),
        nn.ReLU(),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Linear(256, 10),
    )


loss_fn = nn.CrossEntropyLoss()
print(sum(p.numel() for p in make_mlp().parameters()), "weights")

# %% [markdown]
# ## What the batch size changes
#
# *This section is optional on a first reading.* It measures how well a small batch's
# gradient stands in for the gradient over all the training images; the rest of the
# tutorial needs only its conclusion, in the section's last paragraph. You may skip its
# text, but run its code cell: the checks at the end of the tutorial use its results.
#
# A batch's gradient is only an estimate of the gradient over the whole training set.
# The next cell measures how good an estimate it is, at a freshly initialised model: it
# computes the full gradient over all 150 training images with `backward()`, then the
# gradients of 20 random batches of each size. For each size it prints how many steps an
# epoch takes, and how far the gradients lie from the full one, as the length of the
# difference divided by the length of the full gradient: first for one batch (the
# average over the 20), then for the mean of the 20 batch gradients. The last line
# averages the gradients of one shuffled epoch's batches of 8, weighted by their sizes.
#
# In `gradient`, `loss_fn(model(xb), yb)` is the mean loss over the batch, outputs
# first, as the model section says. The number of steps per epoch is `-(-n // size)`,
# n / size rounded up: `//` rounds down, so negating n before and the result after
# rounds up, and the last, shorter batch still counts as a step.


# %%
def gradient(model, xb, yb):
    model.zero_grad()
    loss_fn(model(xb), yb).backward()
    return torch.cat([p.grad.flatten() for p in model.parameters()])


def off_by(estimate, full):
    return ((estimate - full).norm() / full.norm()).item()


probe = make_mlp()
full_gradient = gradient(probe, x_train_t, y_train_t)
generator = torch.Generator().manual_seed(0)
batch_errors = {}
for size in (8, 32, 128):
    grads = []
    for _ in range(20):
        picked = torch.randperm(len(x_train_t), generator=generator)[:size]
        grads.append(gradient(probe, x_train_t[picked], y_train_t[picked]))
    one = np.mean([off_by(g, full_gradient) for g in grads])
    mean_of_20 = off_by(torch.stack(grads).mean(dim=0), full_gradient)
    batch_errors[size] = (one, mean_of_20)
    steps = -(-len(x_train_t) // size)  # rounded up: the last batch is short
    print(
        f"batch size {size:>3}: {steps:>2} steps per epoch; "
        f"one batch {one:.2f} × the full gradient, "
        f"the mean of 20 {mean_of_20:.2f} ×"
    )

order = torch.randperm(len(x_train_t), generator=generator)
epoch_sum = sum(
    len(batch) * gradient(probe, x_train_t[batch], y_train_t[batch])
    for batch in order.split(8)
)
epoch_error = off_by(epoch_sum / len(x_train_t), full_gradient)
print(f"one epoch of batches of 8, averaged: {epoch_error:.1e} × the full one")

# %% [markdown]
# How to read these numbers:
#
# - **One batch is a noisy estimate.** With batches of 8, the difference between a
#   batch's gradient and the full one is about three times as long as the full gradient
#   itself: a single step points mostly in a direction set by the 8 images it happened
#   to draw. Larger batches are better estimates: four times as many images (8 to 32)
#   cut the error to less than half, and batches of 128 share most of their images with
#   the whole set of 150, so their error is smaller still.
# - **It is an unbiased estimate.** Every training image is as likely as any other to be
#   drawn, so on average over many batches the batch gradient *is* the full gradient:
#   the noise points a different way each time and cancels in a mean. The mean of 20
#   batch gradients is already several times closer than a single one.
# - **The steps average out.** Training adds its steps up, so it averages the batch
#   gradients as it goes. Over one shuffled epoch the batches cover every image exactly
#   once, and their size-weighted average is the full gradient, up to float32 rounding
#   (the last line). During real training the weights move a little between steps, so
#   the match is no longer exact, but with small steps the noise of successive batches
#   still largely cancels while the part they share, the full-gradient direction, adds
#   up.
#
# So the batch size trades the number of steps per epoch against the noise of each step:
# batches of 8 give 19 noisy steps per epoch, batches of 128 two accurate ones. Noisy
# steps are fine: training needs steps that point the right way on average, and they
# do. The rest of this tutorial uses batches of 32.
#
# ## Learning curves, and overfitting
#
# The batching is a `DataLoader` over the training tensors. It reads them through a
# [`TensorDataset`](https://docs.pytorch.org/docs/stable/data.html#torch.utils.data.TensorDataset),
# which pairs the tensors row by row: its item i is `(x_train_t[i], y_train_t[i])`, one
# image and its label. The loader draws items, stacks each batch's images into one
# tensor and its labels into another, and yields the two. `shuffle=True` reshuffles
# before every epoch, a `torch.Generator` seeded afresh for every run gives each run the
# same sequence of batches, and `num_workers=0` (the default) loads the batches in the
# notebook's own process, without starting worker processes. The length of a loader is
# the number of batches in an epoch.
#
# Two helpers do the work of one epoch. `train_epoch` trains on every batch once and
# keeps a running, batch-size-weighted average of the loss and accuracy; `evaluate`
# measures the loss and accuracy on a whole set. Each first switches the model's mode:
# `model.train()` puts it in *training mode* and `model.eval()` in *evaluation mode*, a
# flag that layers such as [dropout](../../glossary/#dropout) and
# [batch normalisation](../../glossary/#batch-normalisation) read, to behave differently
# while training and while being evaluated
# ([`nn.Module.train`](https://docs.pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.train)).
# This MLP has no such layer, so the mode changes nothing here, but a loop that sets it
# keeps working when one is added. `evaluate` also turns gradient tracking off with
# `torch.no_grad()`, since nothing is trained there.
#
# `train` runs the epochs and logs the curves in a dictionary of four lists, one value
# per epoch. The training numbers are averages over the epoch's batches, taken while the
# weights were still changing; the validation numbers are measured after the epoch.


# %%
def make_loader():
    return DataLoader(
        TensorDataset(x_train_t, y_train_t),
        batch_size=batch_size,
        shuffle=True,
        num_workers=0,
        generator=torch.Generator().manual_seed(0),
    )


def train_epoch(model, optimizer, loader):
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
    return loss_sum / seen, correct / seen


def evaluate(model, xs, ys):
    model.eval()
    with torch.no_grad():
        logits = model(xs)
    accuracy = (logits.argmax(dim=1) == ys).float().mean().item()
    return loss_fn(logits, ys).item(), accuracy


def log_epoch(curves, model, optimizer, loader):
    loss, accuracy = train_epoch(model, optimizer, loader)
    val_loss, val_accuracy = evaluate(model, x_val_t, y_val_t)
    for name, value in [
        ("loss", loss),
        ("accuracy", accuracy),
        ("val_loss", val_loss),
        ("val_accuracy", val_accuracy),
    ]:
        curves[name].append(value)


def train(model, optimizer, epochs):
    loader = make_loader()
    curves = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    for _epoch in range(epochs):
        log_epoch(curves, model, optimizer, loader)
    return curves


print("batches per epoch:", len(make_loader()))

# %% [markdown]
# The first run trains for 40 epochs with
# [`torch.optim.AdamW`](https://docs.pytorch.org/docs/stable/generated/torch.optim.AdamW.html),
# which is Adam plus weight decay (the second cure, below). Its `weight_decay` defaults
# to 0.01, so this run sets it to 0.0, which leaves plain Adam. Using the same optimizer
# class for every run means that the weight-decay run later differs from this one in that
# one number alone.

# %%
plain_model = make_mlp()
plain_curves = train(
    plain_model,
    torch.optim.AdamW(plain_model.parameters(), lr=3e-3, weight_decay=0.0),
    epochs=40,
)
print("epochs run:", len(plain_curves["loss"]))
print(f"training loss of the first epoch: {plain_curves['loss'][0]:.2f}")

# %% [markdown]
# A helper prints the numbers that describe a run: the epoch with the lowest validation
# loss, and the losses and validation accuracy there and at the last epoch. The *gap* is
# validation loss minus training loss.


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


plain_best_epoch = summarize(plain_curves)

# %% [markdown]
# The learning curves, drawn by a helper that takes one or more runs: solid lines for
# training, dashed for validation, and a dotted line at a chosen epoch. The loss axis
# stops at 1: the first epochs start from about ln 10 ≈ 2.3, the cross-entropy of an
# even guess among 10 digits, and would otherwise squeeze the rest.

# %%
import matplotlib.pyplot as plt


def plot_curves(runs, title, marked_epoch, mark_label="lowest validation loss"):
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
        ax.axvline(marked_epoch, color="grey", ls=":", label=mark_label)
        ax.set(xlabel="epoch", title=f"{title}: {metric}")
    left.set(ylabel="cross-entropy", ylim=(0, 1))
    right.legend(loc="lower right")
    fig.tight_layout()
    plt.show()


plot_curves({"": plain_curves}, "No weight decay, 40 epochs", plain_best_epoch)

# %% [markdown]
# The validation loss reached its lowest value early in the run and then stopped
# improving: it ends clearly above that minimum. The training loss, by contrast, falls
# all the way, to a small fraction of its value at the best epoch, so the gap between
# the two widens. That is overfitting: the model goes on fitting details of its 150
# training images that do not carry over to other images.
#
# Between those two epochs the validation accuracy changed by a few percentage points at
# most. Accuracy counts right answers and ignores how confident they are, while
# cross-entropy charges a confident wrong answer far more than a hesitant one, so the
# two can tell different stories.
#
# ## A first cure: early stopping
#
# Everything after the best epoch was wasted, or worse. Early stopping watches the
# validation loss and ends training when it stops improving: after every epoch it
# compares the validation loss with the lowest so far; on a new lowest it keeps a copy
# of the weights, and once `patience` epochs have passed without one, it stops and loads
# the copy back into the model. `max_epochs` is only an upper limit.
#
# The weights come from
# [`model.state_dict()`](https://docs.pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.state_dict),
# a dictionary from each parameter's name (`0.weight`, `0.bias`, ...) to its tensor. Those
# tensors share their memory with the model's own, which the next steps go on changing,
# so the copy clones each one; `load_state_dict` writes them back into the model.


# %%
def train_with_early_stopping(model, optimizer, max_epochs, patience):
    loader = make_loader()
    curves = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_weights, waited = float("inf"), None, 0
    for _epoch in range(max_epochs):
        log_epoch(curves, model, optimizer, loader)
        if curves["val_loss"][-1] < best_loss:
            best_loss, waited = curves["val_loss"][-1], 0
            state = model.state_dict()
            best_weights = {name: t.clone() for name, t in state.items()}
        else:
            waited += 1
            if waited == patience:
                break
    model.load_state_dict(best_weights)
    return curves


stopped_model = make_mlp()
stopped_curves = train_with_early_stopping(
    stopped_model,
    torch.optim.AdamW(stopped_model.parameters(), lr=3e-3, weight_decay=0.0),
    max_epochs=40,
    patience=5,
)
print("epochs run:", len(stopped_curves["loss"]))
stopped_best_epoch = summarize(stopped_curves)

# %% [markdown]
# This run starts from the same initial weights and sees the same batches as the one
# above, so its epochs repeat that run's, number for number, until it stops: the best
# epoch and its numbers are the same. Training stopped five epochs after the best one:
# those were the five epochs of patience, spent waiting for an improvement that did not
# come. Patience is a trade-off: too little, and a lucky dip in a noisy validation loss
# ends training too soon; too much, and the run wastes epochs.
#
# With its weights restored, the model is the one from the best epoch, and evaluating it
# on the validation set gives that epoch's numbers again. Those weights are the best by
# loss, not necessarily by accuracy; comparing validation accuracies instead would
# choose by accuracy.

# %%
stopped_val_loss, stopped_val_accuracy = evaluate(
    stopped_model, x_val_t, y_val_t
)
print(
    f"after restoring: validation loss {stopped_val_loss:.3f}, "
    f"accuracy {stopped_val_accuracy:.3f}"
)
plot_curves(
    {"": stopped_curves}, "Early stopping", stopped_best_epoch, "restored"
)

# %% [markdown]
# ## A second cure: weight decay
#
# [Weight decay](https://docs.pytorch.org/docs/stable/generated/torch.optim.AdamW.html)
# pulls every weight towards zero: at each step AdamW also subtracts
# learning rate × `weight_decay` × the weight itself, 0.3 % of it with the settings
# below, on top of Adam's step. Growing weights now costs something at every step, so
# the model can no longer make its training loss as small as it likes by growing them.
#
# This decay is *decoupled* from the gradient
# ([Loshchilov and Hutter, 2019](https://arxiv.org/abs/1711.05101)): it shrinks the
# weight directly, so Adam's per-parameter scaling of the step does not touch it.
# `torch.optim.Adam`'s own `weight_decay` is, by default, the older kind: it adds the
# decay term to the gradient, an [L2 penalty](../../glossary/#l2-penalty) that Adam's scaling then weakens where
# gradients are large; `decoupled_weight_decay=True` makes it AdamW
# ([`torch.optim.Adam`](https://docs.pytorch.org/docs/stable/generated/torch.optim.Adam.html)).
#
# Everything else is as in the first run: the same initial weights, the same batches,
# the same learning rate, 40 epochs and no early stopping. The run sets
# `weight_decay=1.0`, 100 times AdamW's default of 0.01: a strong decay, chosen so that
# its effect shows clearly on this small problem within the 40 epochs.
# [Dropout](../../glossary/#dropout)
# ([`nn.Dropout`](https://docs.pytorch.org/docs/stable/generated/torch.nn.Dropout.html)),
# a layer that while training sets each of its inputs to zero with a set probability p
# and scales the others by 1/(1 − p), is
# another common cure; the [digits classifier](../../pytorch/digits-classifier/) tutorial
# uses it.

# %%
decay_model = make_mlp()
decay_curves = train(
    decay_model,
    torch.optim.AdamW(decay_model.parameters(), lr=3e-3, weight_decay=1.0),
    epochs=40,
)
decay_best_epoch = summarize(decay_curves)

# %% [markdown]
# The two 40-epoch runs side by side, with the length of each model's weights (all of
# them as one vector):


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
# much later in the run, here near its end. As with early stopping, the difference
# shows much more in the loss than in the accuracy.
#
# The learning curves of both runs (blue without weight decay, orange with it; the
# dotted line marks the best epoch of the run without):

# %%
plot_curves(
    {"no decay, ": plain_curves, "decay, ": decay_curves},
    "AdamW",
    plain_best_epoch,
    "no decay: lowest validation loss",
)

# %% [markdown]
# ## The test set, once
#
# The two cured models, the one with early stopping and its restored weights and the one
# trained with weight decay, meet the test set. These are the numbers to report: the
# validation set helped choose the first model's epoch, and the test set took part in no
# choice.

# %%
for name, model in [
    ("early stopping", stopped_model),
    ("weight decay", decay_model),
]:
    test_loss, test_accuracy = evaluate(model, x_test_t, y_test_t)
    print(
        f"{name:>14}: test loss {test_loss:.3f}, accuracy {test_accuracy:.3f}"
    )
    assert test_accuracy > 0.85

# %% [markdown]
# ## Did it work?
#
# The `assert`s below stop the notebook if the story above stops being true: a single
# small batch's gradient was further from the full gradient than the full gradient is
# long, the error shrank with the batch size and with averaging, and one epoch's batches
# averaged to the full gradient; after the first run's best epoch the training loss fell,
# the gap widened and the validation loss ended above its minimum, while the validation
# accuracy moved by at most 10 of 400 images; early stopping repeated the first run's
# epochs, stopped five epochs after its best one and restored that epoch; and weight
# decay kept the weights smaller and ended with a lower validation loss, reached later.
# (The test accuracies were checked in their cell.)

# %%
assert batch_errors[8][0] > 2.0
assert batch_errors[32][0] < batch_errors[8][0] / 2
assert batch_errors[128][0] < batch_errors[32][0]
assert all(mean_of_20 < one / 3 for one, mean_of_20 in batch_errors.values())
assert epoch_error < 1e-5

gaps = np.subtract(plain_curves["val_loss"], plain_curves["loss"])
best = plain_best_epoch - 1
assert plain_best_epoch <= 15
assert plain_curves["loss"][-1] < plain_curves["loss"][best] / 10
assert gaps[-1] > gaps[best]
assert plain_curves["val_loss"][-1] > 1.1 * min(plain_curves["val_loss"])
assert (
    abs(plain_curves["val_accuracy"][-1] - plain_curves["val_accuracy"][best])
    <= 0.025
)

stopped_epochs = len(stopped_curves["loss"])
assert stopped_epochs == stopped_best_epoch + 5 < 40
assert np.allclose(
    stopped_curves["val_loss"],
    plain_curves["val_loss"][:stopped_epochs],
    atol=1e-5,
)
assert abs(stopped_val_loss - min(stopped_curves["val_loss"])) < 1e-5

assert weight_norm(decay_model) < weight_norm(plain_model)
assert decay_curves["loss"][-1] > plain_curves["loss"][-1]
assert decay_curves["val_loss"][-1] < min(plain_curves["val_loss"])
assert decay_best_epoch > plain_best_epoch + 10
assert decay_best_epoch >= 30
assert (
    abs(decay_curves["val_accuracy"][-1] - plain_curves["val_accuracy"][-1])
    <= 0.025
)

# %% [markdown]
# ## What the path has covered
#
# This tutorial ends the Foundations path. Along it you have:
#
# - made and combined [tensors](../tensors/), and let
#   [autograd](../autodiff/) compute gradients with `backward()`;
# - fitted a [first model](../first-model-pytorch/) and written
#   [gradient descent](../gradient-descent/) by hand, then used `torch.optim`'s
#   SGD, momentum and Adam;
# - built [a neural network](../first-network/) from layers, ReLU, logits, softmax and
#   cross-entropy, trained it on minibatches for several epochs, and rebuilt it with
#   `nn.Sequential`;
# - here, split the data three ways, trained with a `DataLoader` and AdamW, read learning
#   curves, and cured overfitting with early stopping and weight decay.
#
# Everything ran on the CPU. To train on a GPU, the same loop moves the model and every
# batch to it with `.to(device)`; [Devices](../devices/) shows how.
#
# ## What next
#
# [TensorBoard](../tensorboard/) plots curves like these while a run is still going. The
# [PyTorch chapter](../../pytorch/) takes PyTorch's packages one at a time:
# [torch.utils.data](../../pytorch/data/) covers datasets, batching and shuffling in
# depth, and [torch.optim](../../pytorch/optim/) the optimizers, learning-rate schedules
# and checkpoints. The [digits classifier](../../pytorch/digits-classifier/) tutorial
# trains on a much larger share of the digits, with dropout and a learning-rate schedule.
