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
# # Tutorial: learning curves and generalization (TensorFlow)
#
# A model is trained on some examples but used on others, so the number that matters is
# how well it does on data it never trained on.
#
# This is the TensorFlow version, with Keras on the TensorFlow backend. The same tutorial
# in PyTorch is [Tutorial: learning curves (PyTorch)](../learning-curves-pytorch/); each
# one runs on its own.
#
# **What you will learn**
#
# - why data is split into training, validation and test sets, and what each one is for;
# - how to train on mini-batches over epochs with Keras's `fit`, and what the batch size
#   changes;
# - how to read learning curves, and how overfitting shows in them;
# - two cures for overfitting: early stopping and weight decay.
#
# **What you need first**
#
# - the earlier pages of the Foundations path, on their TensorFlow tabs:
#   [Tensors](../tensors/), [tensor operations](../tensor-ops/),
#   [automatic differentiation](../autodiff/) (`tf.GradientTape`),
#   [gradient descent](../gradient-descent/) and
#   [your first neural network](../first-network/) (`keras.Sequential`, cross-entropy and
#   accuracy);
# - TensorFlow, scikit-learn, NumPy and Matplotlib installed (see
#   [Installation](../../installation/)).
#
# The training loss cannot tell how well a model does on new data:
# a model with enough weights can keep lowering it by memorising the training examples.
# This tutorial holds part of the data out, trains on mini-batches with Keras, and
# records the loss and accuracy on both parts after every epoch: the *learning curves*.
# With a deliberately small training set and a model with far more weights than training
# images, the curves show overfitting, and then two cures for it: early stopping and
# weight decay.
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
# next. Keras's `fit` does this for us below; written out with NumPy:

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
# The model is a *multilayer perceptron* (MLP): a stack of fully connected (`Dense`)
# layers, each feeding all its outputs to every unit of the next, with a nonlinearity
# (here ReLU) between them. This one has two hidden layers of 256 units: tens of
# thousands of weights for 150 images, plenty to memorise them. Its 10 outputs are
# logits, one score per digit, so the loss is told `from_logits=True`. Its input is an
# image's 64 pixel values, `keras.Input(shape=(64,))`.
#
# `make_mlp` calls `keras.utils.set_random_seed`, which seeds Python, NumPy and
# TensorFlow at once, before it builds the model, so every model it returns starts from
# the same initial weights. `count_params()` counts the model's weights, every entry of
# every kernel and bias, and a model's `trainable_variables` is the list of the weights
# that training updates, here every kernel and bias. `loss_fn` is a Keras loss object:
# called like a function, `loss_fn(labels, outputs)` takes the labels first and the
# model's outputs second
# ([`Loss.__call__`](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/losses/loss.py#L56))
# and returns the mean loss over the batch.

# %%
import keras
import tensorflow as tf


def make_mlp():
    keras.utils.set_random_seed(1)
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print(make_mlp().count_params(), "weights")

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
# computes the full gradient over all 150 training images with `tf.GradientTape`, then
# the gradients of 20 random batches of each size. For each size it prints how many
# steps an epoch takes, and how far the gradients lie from the full one, as the length
# of the difference divided by the length of the full gradient: first for one batch (the
# average over the 20), then for the mean of the 20 batch gradients. The last line
# averages the gradients of one shuffled epoch's batches of 8, weighted by their sizes.
#
# In `gradient`, `loss_fn(yb, model(xb))` is the mean loss over the batch, labels first,
# as the model section says. The number of steps per epoch is `-(-n // size)`, n / size
# rounded up: `//` rounds down, so negating n before and the result after rounds up, and
# the last, shorter batch still counts as a step.


# %%
def gradient(model, xb, yb):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb))
    grads = tape.gradient(loss, model.trainable_variables)
    return np.concatenate([g.numpy().ravel() for g in grads])


def off_by(estimate, full):
    return np.linalg.norm(estimate - full) / np.linalg.norm(full)


probe = make_mlp()
full_gradient = gradient(probe, x_train, y_train)
rng = np.random.default_rng(seed=0)
batch_errors = {}
for size in (8, 32, 128):
    grads = []
    for _ in range(20):
        picked = rng.choice(len(x_train), size=size, replace=False)
        grads.append(gradient(probe, x_train[picked], y_train[picked]))
    one = np.mean([off_by(g, full_gradient) for g in grads])
    mean_of_20 = off_by(np.mean(grads, axis=0), full_gradient)
    batch_errors[size] = (one, mean_of_20)
    print(
        f"batch size {size:>3}: {-(-len(x_train) // size):>2} steps per epoch; "
        f"one batch {one:.2f} × the full gradient, "
        f"the mean of 20 {mean_of_20:.2f} ×"
    )

order = rng.permutation(len(x_train))
epoch_sum = sum(
    len(batch) * gradient(probe, x_train[batch], y_train[batch])
    for batch in np.split(order, range(8, len(order), 8))
)
epoch_error = off_by(epoch_sum / len(x_train), full_gradient)
print(f"one epoch of batches of 8, averaged: {epoch_error:.1e} × the full one")

# %% [markdown]
# How to read these numbers:
#
# - **One batch is a noisy estimate.** With batches of 8, the difference between a
#   batch's gradient and the full one is more than twice as long as the full gradient
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
# `fit` does the batching: `batch_size=32`, and its default `shuffle=True` reshuffles the
# training data before each epoch. With `validation_data` it also evaluates the model on
# the validation set at the end of every epoch. This first run trains for 40 epochs with
# the Adam optimizer (the [gradient-descent page](../gradient-descent/#built-in-optimizers)
# says why Adam) and a learning rate of 3 × 10⁻³.
#
# `fit` returns a `History` object whose `history` attribute holds one list per metric,
# with one value per epoch. The training loss and accuracy are averages over the
# epoch's batches, taken while the weights were still changing; the validation numbers
# are measured after the epoch, and their names are the training ones with `val_` in
# front: `val_loss`, `val_accuracy` (the cell prints the names). `verbose=0` turns off
# what `fit` prints by default, a line and a progress bar for every epoch.

# %%
plain_model = make_mlp()
plain_model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=loss_fn,
    metrics=["accuracy"],
)
plain_curves = plain_model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=40,
    validation_data=(x_val, y_val),
    verbose=0,
).history
print("logged:", sorted(plain_curves))
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


plot_curves({"": plain_curves}, "Adam, 40 epochs", plain_best_epoch)

# %% [markdown]
# The validation loss reached its lowest value early in the run and then stopped
# improving: it wanders up and down and ends clearly above that minimum. The training
# loss, by contrast, falls all the way, to a small fraction of its value at the best
# epoch, so the gap between the two widens. That is overfitting: the model goes on
# fitting details of its 150 training images that do not carry over to other images.
#
# Between those two epochs the validation accuracy changed by a few percentage points at
# most. Accuracy counts right answers and ignores how confident they are, while
# cross-entropy charges a confident wrong answer far more than a hesitant one, so the
# two can tell different stories.
#
# ## A first cure: early stopping
#
# Everything after the best epoch was wasted, or worse. Early stopping watches the
# validation loss and ends training when it stops improving. In Keras it is a
# [*callback*](https://keras.io/api/callbacks/base_callback/): an object passed to `fit`
# in `callbacks=[...]`, whose methods `fit` calls at set points of training (the start
# and end of every epoch and batch), so that it can log, save or, as here, stop the run.
#
# The [`EarlyStopping`](https://keras.io/api/callbacks/early_stopping/) callback watches
# `val_loss`. When it has not improved for `patience` epochs, training stops; with
# `restore_best_weights=True` the model then gets back the weights it had at the end of
# its best epoch. `epochs=40` is now only an upper limit. `make_mlp` seeds everything
# again, so this run starts from the same initial weights as the one above and its
# epochs repeat that run's, number for number, until it stops.

# %%
stopped_model = make_mlp()
stopped_model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=loss_fn,
    metrics=["accuracy"],
)
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=5, restore_best_weights=True
)
stopped_curves = stopped_model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=40,
    validation_data=(x_val, y_val),
    callbacks=[early_stopping],
    verbose=0,
).history
print("epochs run:", len(stopped_curves["loss"]))
stopped_best_epoch = summarize(stopped_curves)

# %% [markdown]
# The best epoch and its numbers are the same as in the 40-epoch run. Training stopped
# five epochs after the best one: those were the five epochs of patience, spent waiting
# for an improvement that did not come. Patience is a trade-off: too little, and a lucky
# dip in a noisy validation loss ends training too soon; too much, and the run wastes
# epochs.
#
# With its weights restored, the model is the one from the best epoch, and evaluating it
# on the validation set gives that epoch's numbers again. Those weights are the best by
# loss, not necessarily by accuracy; `monitor="val_accuracy"` would choose by accuracy
# instead. Other callbacks that `fit` accepts are on the
# [pipeline page](../../tensorflow/pipeline/#callbacks).

# %%
stopped_val_loss, stopped_val_accuracy = stopped_model.evaluate(
    x_val, y_val, verbose=0
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
# Weight decay pulls every weight towards zero: at each step the optimizer first
# subtracts learning rate × `weight_decay` × the weight itself, 0.3 % of it with the
# settings below, and then takes the Adam step
# ([the order](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/optimizers/base_optimizer.py#L587-L594),
# [the decay on the TensorFlow backend](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/optimizer.py#L89-L111)).
# Growing weights now costs something at every step, so the model can no longer make
# its training loss as small as it likes by growing them.
#
# [`keras.optimizers.AdamW`](https://keras.io/api/optimizers/adamw/) is Adam with this
# decay: a subclass of `Adam` that passes `weight_decay` on (its default is 0.004; `None`
# is refused)
# ([source](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/optimizers/adamw.py#L6-L95)),
# so this run differs from the first one in the decay alone: same initial weights, same
# learning rate, same 40 epochs, no early stopping. It uses `weight_decay=1.0`, 250 times
# the default: a strong decay, chosen so that its effect shows clearly on this small
# problem within the 40 epochs. The decay is *decoupled* from the gradient
# ([Loshchilov and Hutter, 2019](https://arxiv.org/abs/1711.05101)): it shrinks the
# weight directly, so Adam's per-parameter scaling of the step does not touch
# it. Keras's other optimizers, `Adam` among them, also accept a `weight_decay` argument,
# applied the same way: `keras.optimizers.Adam(learning_rate=3e-3, weight_decay=1.0)`
# would do the same.
#
# [Dropout](../../glossary/#dropout)
# ([`keras.layers.Dropout`](https://keras.io/api/layers/regularization_layers/dropout/)),
# a layer that while training sets each of its inputs to zero with a set probability p
# and scales the others by 1/(1 − p), is
# another common cure.

# %%
decay_model = make_mlp()
decay_model.compile(
    optimizer=keras.optimizers.AdamW(learning_rate=3e-3, weight_decay=1.0),
    loss=loss_fn,
    metrics=["accuracy"],
)
decay_curves = decay_model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=40,
    validation_data=(x_val, y_val),
    verbose=0,
).history
decay_best_epoch = summarize(decay_curves)

# %% [markdown]
# The two 40-epoch runs side by side, with the length of each model's weights (all of
# them as one vector). `model.trainable_weights` is the same list as
# `model.trainable_variables` above: Keras documents the two as equivalent
# ([source](https://github.com/keras-team/keras/blob/v3.15.1/keras/src/layers/layer.py#L690-L698)).


# %%
def weight_norm(model):
    return np.linalg.norm(
        np.concatenate([w.numpy().ravel() for w in model.trainable_weights])
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
# The learning curves of both runs (blue without weight decay, orange with it; the
# dotted line marks the best epoch of the run without):

# %%
plot_curves(
    {"no decay, ": plain_curves, "decay, ": decay_curves},
    "Adam vs AdamW",
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
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
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
# accuracy moved by at most 10 of 400 images; early stopping stopped the run five epochs
# after its best one and restored that epoch; and weight decay kept the weights smaller
# and ended with a lower validation loss, reached later. (The test accuracies were
# checked in their cell.)

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
assert abs(stopped_val_loss - min(stopped_curves["val_loss"])) < 1e-3

assert weight_norm(decay_model) < weight_norm(plain_model)
assert decay_curves["loss"][-1] > plain_curves["loss"][-1]
assert decay_curves["val_loss"][-1] < min(plain_curves["val_loss"])
assert decay_best_epoch > plain_best_epoch + 10
assert (
    abs(decay_curves["val_accuracy"][-1] - plain_curves["val_accuracy"][-1])
    <= 0.025
)

# %% [markdown]
# ## What the path has covered
#
# This tutorial ends the Foundations path. Along it you have:
#
# - made and combined [tensors](../tensors/), and computed gradients with
#   [`tf.GradientTape`](../autodiff/);
# - fitted a [first model](../first-model-tensorflow/) and written
#   [gradient descent](../gradient-descent/) by hand, then used Keras's SGD, momentum
#   and Adam optimizers;
# - built [a neural network](../first-network/) from layers, ReLU, logits, softmax and
#   cross-entropy, trained it on minibatches for several epochs, and rebuilt it with
#   `keras.Sequential` and `fit`;
# - here, split the data three ways, read learning curves from `fit`'s history, and
#   cured overfitting with early stopping and weight decay.
#
# Everything ran on the CPU. On a machine with one GPU the same code uses it without
# change: an operation that has both a CPU and a GPU implementation goes to the GPU by
# default
# ([TensorFlow's GPU guide](https://www.tensorflow.org/guide/gpu#overview)).
# [Devices](../devices/) shows how to list devices and choose one.
#
# ## What next
#
# [TensorBoard](../tensorboard/) plots curves like these while a run is still going. The
# [TensorFlow chapter](../../tensorflow/) trains a digits classifier at each of
# TensorFlow's levels of API, from hand-written steps to `fit`; its
# [pipeline page](../../tensorflow/pipeline/) covers callbacks and feeding `fit` from
# `tf.data`, and the [logistic-regression tutorial](../../tensorflow/logistic-regression/)
# fits one model three ways, from Newton's method to `fit`.
