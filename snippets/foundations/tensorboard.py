"""Logging to TensorBoard: code of docs/foundations/tensorboard.md.

Run it as a program with ``python -m snippets.foundations.tensorboard``.
"""

# --8<-- [start:tf_summary]
import tempfile

import tensorflow as tf


def tf_logged_run(logdir: str, steps: int = 30) -> list[float]:
    """Fit y = 2x + 1 by gradient descent, logging to TensorBoard."""
    x = tf.linspace(-1.0, 1.0, 64)
    y = 2 * x + 1
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    writer = tf.summary.create_file_writer(logdir)
    losses = []
    with writer.as_default():  # tf.summary calls below write to this run
        for step in range(steps):
            with tf.GradientTape() as tape:
                errors = w * x + b - y
                loss = tf.reduce_mean(errors**2)
            dw, db = tape.gradient(loss, [w, b])
            w.assign_sub(0.2 * dw)
            b.assign_sub(0.2 * db)
            tf.summary.scalar("loss", loss, step=step)
            tf.summary.scalar("w", w, step=step)
            if step % 10 == 0:  # histograms are bigger: log them less often
                tf.summary.histogram("errors", errors, step=step)
            losses.append(float(loss))
    writer.close()  # flush the events to disk
    return losses


tf_logdir = tempfile.mkdtemp(prefix="tf-run-")
tf_losses = tf_logged_run(tf_logdir)
print(f"{len(tf_losses)} steps logged, final loss {tf_losses[-1]:.4f}")
# --8<-- [end:tf_summary]

# --8<-- [start:torch_writer]
import tempfile

import torch
from torch.utils.tensorboard import SummaryWriter


def torch_logged_run(logdir: str, steps: int = 30) -> list[float]:
    """Fit y = 2x + 1 by gradient descent, logging to TensorBoard."""
    x = torch.linspace(-1.0, 1.0, 64)
    y = 2 * x + 1
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=0.2)
    losses = []
    with SummaryWriter(log_dir=logdir) as writer:  # closed (flushed) at exit
        for step in range(steps):
            optimizer.zero_grad()
            errors = w * x + b - y
            loss = (errors**2).mean()
            loss.backward()
            optimizer.step()
            writer.add_scalar("loss", loss.item(), global_step=step)
            writer.add_scalar("w", w.item(), global_step=step)
            if step % 10 == 0:
                writer.add_histogram("errors", errors.detach(), step)
            losses.append(loss.item())
    return losses


torch_logdir = tempfile.mkdtemp(prefix="torch-run-")
torch_losses = torch_logged_run(torch_logdir)
print(f"{len(torch_losses)} steps logged, final loss {torch_losses[-1]:.4f}")
# --8<-- [end:torch_writer]

# --8<-- [start:read_back]
from tensorboard.backend.event_processing.event_accumulator import (
    EventAccumulator,
)
from tensorboard.util.tensor_util import make_ndarray


def read_run(logdir: str) -> EventAccumulator:
    keep_all = {"scalars": 0, "tensors": 0, "histograms": 0}  # 0: no limit
    run = EventAccumulator(logdir, size_guidance=keep_all)
    run.Reload()  # reads every event file in the directory
    return run


def logged_values(run: EventAccumulator, tag: str) -> list[float]:
    """A scalar's values: tf.summary stores tensors, SummaryWriter scalars."""
    if tag in run.Tags()["tensors"]:
        return [float(make_ndarray(e.tensor_proto)) for e in run.Tensors(tag)]
    return [event.value for event in run.Scalars(tag)]
# --8<-- [end:read_back]

# --8<-- [start:tf_read_back]
tf_run = read_run(tf_logdir)
tf_tags = tf_run.Tags()
print({kind: sorted(tf_tags[kind]) for kind in ["scalars", "tensors",
                                                 "histograms"]})
tf_logged = logged_values(tf_run, "loss")
print(f"{len(tf_logged)} losses, first {tf_logged[0]:.3f}, "
      f"last {tf_logged[-1]:.4f}")
# --8<-- [end:tf_read_back]

# --8<-- [start:torch_read_back]
torch_run = read_run(torch_logdir)
torch_tags = torch_run.Tags()
print({kind: sorted(torch_tags[kind]) for kind in ["scalars", "tensors",
                                                    "histograms"]})
torch_logged = logged_values(torch_run, "loss")
print(f"{len(torch_logged)} losses, first {torch_logged[0]:.3f}, "
      f"last {torch_logged[-1]:.4f}")
# --8<-- [end:torch_read_back]
