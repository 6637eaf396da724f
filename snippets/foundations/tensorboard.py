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

# --8<-- [start:tf_trace]
from tensorboard.compat.proto.config_pb2 import RunMetadata


@tf.function
def train_step(w, b, x, y):
    """One step of the fit above, as a graph."""
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * x + b - y) ** 2)
    dw, db = tape.gradient(loss, [w, b])
    w.assign_sub(0.2 * dw)
    b.assign_sub(0.2 * db)
    return loss


tf_graph_logdir = tempfile.mkdtemp(prefix="tf-graph-")
writer = tf.summary.create_file_writer(tf_graph_logdir)
x = tf.linspace(-1.0, 1.0, 64)
w, b = tf.Variable(0.0), tf.Variable(0.0)
tf.summary.trace_on(graph=True)  # record the graphs of the functions run
train_step(w, b, x, 2 * x + 1)  # the first call traces the function
with writer.as_default():
    tf.summary.trace_export(name="train_step", step=0)  # then trace_off
writer.close()

graph_run = read_run(tf_graph_logdir)
print(graph_run.Tags()["tensors"],
      graph_run.summary_metadata["train_step"].plugin_data.plugin_name)
event = graph_run.Tensors("train_step")[0]
metadata = RunMetadata.FromString(event.tensor_proto.string_val[0])
graph = metadata.function_graphs[0].pre_optimization_graph
ops = [node.op for node in graph.node]
print(len(ops), "nodes, among them:",
      {op: ops.count(op) for op in ["ReadVariableOp", "AssignSubVariableOp"]})
# --8<-- [end:tf_trace]

# --8<-- [start:keras_graph]
import json
import os

import keras
import numpy as np

line = keras.layers.Dense(1, kernel_initializer="zeros", name="line")
inputs = keras.Input(shape=(1,), name="x")
model = keras.Model(inputs, line(inputs), name="line_fit")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2), loss="mse")
keras_logdir = tempfile.mkdtemp(prefix="keras-run-")
board = keras.callbacks.TensorBoard(log_dir=keras_logdir, write_graph=True)
x = np.linspace(-1.0, 1.0, 64, dtype="float32")[:, None]
model.fit(x, 2 * x + 1, epochs=30, batch_size=64, verbose=0,
          callbacks=[board])  # one batch per epoch: the 30 steps above

print(os.listdir(keras_logdir))
keras_run = read_run(os.path.join(keras_logdir, "train"))
print("op graph:", keras_run.Tags()["graph"],
      "| tensors:", sorted(keras_run.Tags()["tensors"]))
keras_losses = logged_values(keras_run, "epoch_loss")
print(len(keras_losses), "epoch losses, first", round(keras_losses[0], 3),
      "last", round(keras_losses[-1], 4))
config = make_ndarray(keras_run.Tensors("keras")[0].tensor_proto).item()
config = json.loads(config)
print(config["class_name"], [layer["name"] for layer in
                             config["config"]["layers"]])
# --8<-- [end:keras_graph]

# --8<-- [start:torch_graph]
from tensorboard.compat.proto.event_pb2 import Event
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef


class Line(torch.nn.Module):
    """The model fitted above: w * x + b."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(()))
        self.b = torch.nn.Parameter(torch.zeros(()))

    def forward(self, x):
        return self.w * x + self.b


def graph_def(graph: torch.fx.Graph) -> GraphDef:
    """An FX graph as the GraphDef protocol buffer that TensorBoard draws.

    A workaround of this page's own: torch.utils.tensorboard writes no FX graph.
    """
    nodes = []
    for node in graph.nodes:
        op = str(node.target) if node.op == "call_function" else node.op
        inputs = [arg.name for arg in node.all_input_nodes]
        nodes.append(NodeDef(name=node.name, op=op, input=inputs))
    return GraphDef(node=nodes)


exported = torch.export.export(Line(), (torch.linspace(-1.0, 1.0, 64),))
print(exported.graph)
torch_graph_logdir = tempfile.mkdtemp(prefix="torch-graph-")
with SummaryWriter(log_dir=torch_graph_logdir) as writer:
    event = Event(graph_def=graph_def(exported.graph).SerializeToString())
    writer.file_writer.add_event(event)

graph = read_run(torch_graph_logdir).Graph()
print(len(graph.node), "nodes:", [node.op for node in graph.node])
# --8<-- [end:torch_graph]

# --8<-- [start:tf_exercise_1]
runs = tempfile.mkdtemp(prefix="runs-")
for steps in [10, 30]:
    tf_logged_run(os.path.join(runs, f"steps-{steps}"), steps=steps)
for name in sorted(os.listdir(runs)):
    losses = logged_values(read_run(os.path.join(runs, name)), "loss")
    print(name, len(losses), "losses, last", round(losses[-1], 4))
# --8<-- [end:tf_exercise_1]

# --8<-- [start:torch_exercise_1]
import os

runs = tempfile.mkdtemp(prefix="runs-")
for steps in [10, 30]:
    torch_logged_run(os.path.join(runs, f"steps-{steps}"), steps=steps)
for name in sorted(os.listdir(runs)):
    losses = logged_values(read_run(os.path.join(runs, name)), "loss")
    print(name, len(losses), "losses, last", round(losses[-1], 4))
# --8<-- [end:torch_exercise_1]

# --8<-- [start:tf_exercise_2]
@tf.function
def line_loss(w, b, x, y):
    return tf.reduce_mean((w * x + b - y) ** 2)


x = tf.linspace(-1.0, 1.0, 64)
w, b = tf.Variable(0.0), tf.Variable(0.0)
concrete = line_loss.get_concrete_function(w, b, x, 2 * x + 1)  # traces it
loss_logdir = tempfile.mkdtemp(prefix="tf-loss-graph-")
writer = tf.summary.create_file_writer(loss_logdir)
with writer.as_default():
    tf.summary.graph(concrete.graph)  # a GraphDef event, as torch writes
writer.close()

graph = read_run(loss_logdir).Graph()
print(len(graph.node), "nodes:", [node.op for node in graph.node])
# --8<-- [end:tf_exercise_2]

# --8<-- [start:torch_exercise_2]
class LineLoss(Line):
    """The mean squared error of the line on (x, y)."""

    def forward(self, x, y):
        return ((super().forward(x) - y) ** 2).mean()


x = torch.linspace(-1.0, 1.0, 64)
exported = torch.export.export(LineLoss(), (x, 2 * x + 1))
loss_logdir = tempfile.mkdtemp(prefix="torch-loss-graph-")
with SummaryWriter(log_dir=loss_logdir) as writer:
    event = Event(graph_def=graph_def(exported.graph).SerializeToString())
    writer.file_writer.add_event(event)

graph = read_run(loss_logdir).Graph()
print(len(graph.node), "nodes:", [node.op for node in graph.node])
# --8<-- [end:torch_exercise_2]
