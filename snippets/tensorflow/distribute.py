"""Distributed training: the code of docs/tensorflow/distribute.md.

Run it as a program with ``python -m snippets.tensorflow.distribute``. The
model, the data and the worker program live in
``snippets/tensorflow/distribute_worker.py``, which the processes it starts run.
"""

# --8<-- [start:split]
import numpy as np
import tensorflow as tf

from snippets.tensorflow.distribute_worker import (
    EPOCHS,
    build_model,
    loss_fn,
    new_optimizer,
    split_cpu,
    training_data,
)

print(split_cpu(2))  # first, before TensorFlow has run anything
# --8<-- [end:split]

# --8<-- [start:mirrored]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
print("replicas in sync:", strategy.num_replicas_in_sync)

batches = strategy.experimental_distribute_dataset(training_data())
x, y = next(iter(batches))  # one global batch, split between the replicas
for part in strategy.experimental_local_results(x):
    print(part.device, tuple(part.shape))
# --8<-- [end:mirrored]

# --8<-- [start:allreduce]
reference = build_model()  # no strategy: one device
with strategy.scope():  # variables created here are mirrored
    mirrored = build_model()  # the same initial weights
print("a weight under the scope:", type(mirrored.weights[0].value).__name__)


@tf.function
def replica_gradients(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, mirrored(x, training=True))
    grads = tape.gradient(loss, mirrored.trainable_variables)
    context = tf.distribute.get_replica_context()
    return loss, context.all_reduce("SUM", grads)  # every replica gets the sum


losses, summed = strategy.run(replica_gradients, args=(x, y))
per_replica = [float(v) for v in strategy.experimental_local_results(losses)]
print("loss on each replica:", [round(v, 4) for v in per_replica])
print("their sum:", round(sum(per_replica), 4))

whole_x = tf.concat(strategy.experimental_local_results(x), axis=0)
whole_y = tf.concat(strategy.experimental_local_results(y), axis=0)
with tf.GradientTape() as tape:
    whole_loss = loss_fn(whole_y, reference(whole_x))
print("loss of the whole batch, one device:", round(float(whole_loss), 4))
expected = tape.gradient(whole_loss, reference.trainable_variables)
replica_0 = [strategy.experimental_local_results(g)[0] for g in summed]
pairs = zip(replica_0, expected, strict=True)
gap = max(float(tf.reduce_max(tf.abs(a - b))) for a, b in pairs)
print(f"largest gradient difference: {gap:.1e}")
# --8<-- [end:allreduce]

# --8<-- [start:fit]
TOLERANCE = 1e-5  # float rounding; the sums run in a different order

reference.compile(optimizer=new_optimizer(), loss=loss_fn)
with strategy.scope():
    mirrored.compile(optimizer=new_optimizer(), loss=loss_fn)

# The dataset is not shuffled: both runs see the same batches in order.
fit_args = {"epochs": EPOCHS, "shuffle": False, "verbose": 0}
one_device = reference.fit(training_data(), **fit_args)
two_replicas = mirrored.fit(training_data(), **fit_args)
print("loss per epoch, one device:", np.round(one_device.history["loss"], 2))
print("loss per epoch, 2 replicas:", np.round(two_replicas.history["loss"], 2))


def largest_gap(weights, other):
    """The largest absolute difference between two lists of arrays."""
    pairs = zip(weights, other, strict=True)
    return max(float(np.max(np.abs(a - b))) for a, b in pairs)


expected_weights = [w.numpy() for w in reference.weights]
gap = largest_gap([w.numpy() for w in mirrored.weights], expected_weights)
print(f"largest weight difference: {gap:.1e} (tolerance {TOLERANCE:g})")
# --8<-- [end:fit]

# --8<-- [start:tf_config]
import json


def tf_config(workers, index):
    """TF_CONFIG for worker `index` of a cluster of `workers` (host:port)."""
    cluster = {"worker": workers}
    task = {"type": "worker", "index": index}
    return json.dumps({"cluster": cluster, "task": task})


# Two machines; each runs the same program with its own index.
machines = ["10.0.0.1:12345", "10.0.0.2:12345"]
for index, machine in enumerate(machines):
    host = machine.split(":")[0]
    print(f"on {host}: export TF_CONFIG='{tf_config(machines, index)}'")
# --8<-- [end:tf_config]

# --8<-- [start:launch]
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

WORKER = [sys.executable, "-m", "snippets.tensorflow.distribute_worker"]


def free_ports(count):
    """Ports on 127.0.0.1 that are free now, chosen by the OS."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))  # port 0: the OS picks a free one
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start(command, env, out_dir, i):
    """Start worker i; what it prints goes to files in out_dir."""
    out, err = (Path(out_dir, f"worker-{i}.{kind}") for kind in ("out", "err"))
    # The child gets its own copies of the files: close ours.
    with open(out, "w") as stdout, open(err, "w") as stderr:
        return subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)


def launch(out_dir, args, envs, timeout=120):
    """Start one worker per environment and wait for all of them.

    If one fails, the others are killed; after `timeout` seconds, all are.
    Returns the exit codes; each worker's output is in out_dir.
    """
    procs = []
    try:
        command = [*WORKER, str(out_dir), *args]
        for i, env in enumerate(envs):
            procs.append(start(command, env, out_dir, i))
        deadline = time.monotonic() + timeout
        while True:
            codes = [p.poll() for p in procs]  # None: still running
            if None not in codes or any(codes):  # all done, or one failed
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"workers still running after {timeout} s")
            time.sleep(0.1)
    finally:  # also on an error here: nothing outlives launch()
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
    return [p.returncode for p in procs]


def printed(out_dir, i):
    """What worker i printed, one line per epoch."""
    return Path(out_dir, f"worker-{i}.out").read_text().splitlines()


def saved_weights(path):
    with np.load(path) as saved:
        return [saved[name] for name in saved.files]


def check(out_dir, codes, expected=0):
    """Raise, with the end of its stderr, if a worker exited otherwise."""
    for i, code in enumerate(codes):
        if code != expected:
            log = Path(out_dir, f"worker-{i}.err").read_text()
            raise RuntimeError(f"worker {i} exited with {code}:\n{log[-2000:]}")
# --8<-- [end:launch]

# --8<-- [start:multi_worker]
import tempfile

with tempfile.TemporaryDirectory() as out_dir:
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    envs = [dict(os.environ, TF_CONFIG=tf_config(workers, i)) for i in (0, 1)]
    codes = launch(out_dir, [str(EPOCHS)], envs)
    check(out_dir, codes)
    for i in (0, 1):
        print(f"worker {i}:", ", ".join(printed(out_dir, i)))
    paths = [Path(out_dir, f"worker-{i}.npz") for i in (0, 1)]
    worker_weights = [saved_weights(path) for path in paths]

between = largest_gap(worker_weights[0], worker_weights[1])
print(f"largest difference between the workers: {between:.1e}")
gap = largest_gap(worker_weights[0], expected_weights)
print(f"largest difference from one device: {gap:.1e}")
# --8<-- [end:multi_worker]

# --8<-- [start:crash]
import signal

backup_run = tempfile.TemporaryDirectory()
env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
codes = launch(backup_run.name, [str(EPOCHS), "--kill-in-epoch", "3"], [env])
check(backup_run.name, codes, expected=-signal.SIGKILL)  # -N: killed by N
print("first run: exit code", codes[0], "=", signal.Signals(-codes[0]).name)
first_run = printed(backup_run.name, 0)
print("it printed:", ", ".join(first_run))
backup = Path(backup_run.name, "backup")
print("backup:", sorted(path.name for path in backup.iterdir()))
print((backup / "training_metadata.json").read_text())
# The weights file holds the optimizer's variables too: load it the way
# the callback does, into a model whose optimizer is built.
probe = build_model()
probe.compile(optimizer=new_optimizer(), loss=loss_fn)
probe.optimizer.build(probe.trainable_variables)
probe.load_weights(backup / "latest.weights.h5")
print("optimizer steps in the backup:", int(probe.optimizer.iterations))
# --8<-- [end:crash]

# --8<-- [start:resume]
codes = launch(backup_run.name, [str(EPOCHS)], [env])
check(backup_run.name, codes)
second_run = printed(backup_run.name, 0)
print("second run printed:", ", ".join(second_run))
print("backup folder left:", backup.exists())
resumed_weights = saved_weights(Path(backup_run.name, "weights.npz"))
backup_run.cleanup()
uninterrupted = [w.numpy() for w in mirrored.weights]
gap = largest_gap(resumed_weights, uninterrupted)
print(f"largest difference from the uninterrupted fit: {gap:.1e}")
# --8<-- [end:resume]
