"""The same shape mistake in TensorFlow and PyTorch: code of docs/foundations/landscape.md.

Run it as a program with ``python -m snippets.foundations.landscape``.
"""

# --8<-- [start:tf_mistake]
import traceback

import tensorflow as tf


def our_frame(err: BaseException) -> traceback.FrameSummary:
    """The innermost traceback entry that is our code, not library code."""
    frames = traceback.extract_tb(err.__traceback__)
    return [f for f in frames if "site-packages" not in f.filename][-1]


def tf_two_layers(x, w1, w2):
    hidden = tf.nn.relu(x @ w1)  # (8, 5) @ (5, 4) -> (8, 4)
    return hidden @ w2  # the mistake: w2 expects 3 inputs, not 4


x = tf.ones([8, 5])
w1, w2 = tf.ones([5, 4]), tf.ones([3, 2])
try:
    tf_two_layers(x, w1, w2)
except tf.errors.InvalidArgumentError as err:
    frame = our_frame(err)
    print(type(err).__name__)
    print(err.message.split("}} ")[-1].split(" [Op")[0])
    print(f"raised in {frame.name}(): {frame.line}")
# --8<-- [end:tf_mistake]

# --8<-- [start:torch_mistake]
import traceback

import torch


def our_frame(err: BaseException) -> traceback.FrameSummary:
    """The innermost traceback entry that is our code, not library code."""
    frames = traceback.extract_tb(err.__traceback__)
    return [f for f in frames if "site-packages" not in f.filename][-1]


def torch_two_layers(x, w1, w2):
    hidden = torch.relu(x @ w1)  # (8, 5) @ (5, 4) -> (8, 4)
    return hidden @ w2  # the mistake: w2 expects 3 inputs, not 4


x_pt = torch.ones(8, 5)
w1_pt, w2_pt = torch.ones(5, 4), torch.ones(3, 2)
try:
    torch_two_layers(x_pt, w1_pt, w2_pt)
except RuntimeError as err:
    frame = our_frame(err)
    print(type(err).__name__)
    print(err)
    print(f"raised in {frame.name}(): {frame.line}")
# --8<-- [end:torch_mistake]

# --8<-- [start:tf_graph]
graph = tf.Graph()
with graph.as_default():  # define-and-run: the lines below only build a graph
    x_in = tf.compat.v1.placeholder(tf.float32, [8, 5])  # data comes later
    hidden = tf.nn.relu(x_in @ tf.ones([5, 4]))
    print(hidden)  # a symbolic node: no values exist yet
    try:
        logits = hidden @ tf.ones([3, 2])  # the same mistake
    except ValueError as err:
        frame = our_frame(err)
        print(type(err).__name__)
        print(str(err).split(" for '")[0])
        print(f"raised at build time by: {frame.line}")
    rows = tf.compat.v1.placeholder(tf.float32, [None, 3])  # batch size unknown
    pairs = tf.reshape(rows, [-1, 2])  # fits only if the batch size is even
    print("static shape of pairs:", pairs.shape)
# --8<-- [end:tf_graph]
