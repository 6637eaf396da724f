"""The training program of docs/tensorflow/distribute.md, run once per worker.

The page imports its model and data from here, and starts it as a program:

- ``python -m snippets.tensorflow.distribute_worker OUT_DIR EPOCHS`` with
  ``TF_CONFIG`` set: one worker of a MultiWorkerMirroredStrategy job;
- the same without ``TF_CONFIG``, optionally with ``--kill-in-epoch N``: one
  process that trains with ``fit`` on two logical CPU devices and backs up
  each epoch with ``keras.callbacks.BackupAndRestore``.

Each run prints one line per epoch and saves its final weights in OUT_DIR.
"""

# --8<-- [start:devices]
import tensorflow as tf


def split_cpu(count):
    """Show the CPU to TensorFlow as `count` logical devices.

    Call it before TensorFlow runs anything: devices are fixed at start-up.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    config = [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    tf.config.set_logical_device_configuration(cpu, config)
    return [device.name for device in tf.config.list_logical_devices("CPU")]
# --8<-- [end:devices]


# --8<-- [start:model]
import keras

from snippets.tensorflow.digits import load_digit_split

GLOBAL_BATCH = 64  # rows per training step, all replicas together
ROWS = 1280  # 20 global batches, each split evenly between two replicas
EPOCHS = 4


def training_data():
    """The first ROWS training digits, in fixed global batches, unshuffled."""
    x_train, _, y_train, _ = load_digit_split()
    rows = (x_train[:ROWS], y_train[:ROWS])
    options = tf.data.Options()
    # With several workers, each keeps its own share of every global batch.
    shard = tf.data.experimental.AutoShardPolicy.DATA
    options.experimental_distribute.auto_shard_policy = shard
    dataset = tf.data.Dataset.from_tensor_slices(rows).batch(GLOBAL_BATCH)
    return dataset.with_options(options)


def build_model():
    """The digits classifier, with the same initial weights on every call."""
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(64, activation="relu", name="hidden"),
            keras.layers.Dense(10, name="logits"),
        ],
        name="digits",
    )


def new_optimizer():
    return keras.optimizers.SGD(learning_rate=0.2)


loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
# --8<-- [end:model]


# --8<-- [start:multi_worker]
import sys
from pathlib import Path

import numpy as np


def make_train_step(strategy, model, optimizer):
    """A compiled training step over the strategy's replicas."""

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            # Under a strategy, a Keras loss is divided by the replica count.
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        # apply() sums the gradients of all replicas, then updates.
        optimizer.apply(grads, model.trainable_variables)
        return loss

    @tf.function
    def train_step(x, y):
        losses = strategy.run(replica_step, args=(x, y))
        return strategy.reduce("SUM", losses, axis=None)  # the global mean

    return train_step


def train_multi_worker(out_dir, epochs):
    """One worker of the job that TF_CONFIG describes."""
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    index = strategy.cluster_resolver.task_id
    with strategy.scope():  # variables created here are mirrored
        model = build_model()
        optimizer = new_optimizer()
        optimizer.build(model.trainable_variables)
    train_step = make_train_step(strategy, model, optimizer)
    batches = strategy.experimental_distribute_dataset(training_data())
    steps = ROWS // GLOBAL_BATCH
    for epoch in range(epochs):
        total = sum(float(train_step(x, y)) for x, y in batches)
        print(f"epoch {epoch + 1}: loss {total / steps:.2f}", flush=True)
    weights = [w.numpy() for w in model.weights]
    np.savez(Path(out_dir) / f"worker-{index}.npz", *weights)
# --8<-- [end:multi_worker]


# --8<-- [start:backup]
import os
import signal


class KillAt(keras.callbacks.Callback):
    """Stand-in for a crash: SIGKILL this process at a given epoch and batch."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no last word


def report(epoch, logs):
    # flush: a killed process loses what sits in its output buffer
    print(f"epoch {epoch + 1}: loss {logs['loss']:.2f}", flush=True)


def train_with_backup(out_dir, epochs, kill_in_epoch=None):
    """fit() on two logical CPUs, backing up the training state every epoch."""
    split_cpu(2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build_model()
        model.compile(optimizer=new_optimizer(), loss=loss_fn)
    # In the middle of epoch `kill_in_epoch` (counted from 1), if asked to.
    crash = [KillAt(kill_in_epoch - 1, batch=9)] if kill_in_epoch else []
    callbacks = [
        # Restores the last backup (if any) when fit() starts,
        # and writes a new one at the end of every epoch.
        keras.callbacks.BackupAndRestore(Path(out_dir) / "backup"),
        keras.callbacks.LambdaCallback(on_epoch_end=report),
        *crash,
    ]
    fit_args = {"epochs": epochs, "shuffle": False, "verbose": 0}
    model.fit(training_data(), callbacks=callbacks, **fit_args)
    weights = [w.numpy() for w in model.weights]
    np.savez(Path(out_dir) / "weights.npz", *weights)
# --8<-- [end:backup]


# --8<-- [start:main]
def main(argv):
    """Arguments: OUT_DIR EPOCHS [--kill-in-epoch N]."""
    out_dir, epochs = argv[0], int(argv[1])
    if "TF_CONFIG" in os.environ:  # one worker of several
        train_multi_worker(out_dir, epochs)
    else:  # one process; the launcher may ask it to die mid-training
        kill = int(argv[3]) if argv[2:3] == ["--kill-in-epoch"] else None
        train_with_backup(out_dir, epochs, kill_in_epoch=kill)
# --8<-- [end:main]


if __name__ == "__main__":
    main(sys.argv[1:])
