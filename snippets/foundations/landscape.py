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

with tf.compat.v1.Session(graph=graph) as session:  # and-run: feed data
    print(session.run(pairs, {rows: [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]}))
    try:
        session.run(pairs, {rows: [[1.0, 2.0, 3.0]] * 3})  # 9 values: no pairs
    except tf.errors.InvalidArgumentError as err:
        print(type(err).__name__)
        lines = err.message.splitlines()
        print(lines[0])  # the first line: where the error comes from
        wanted = "Input to reshape"
        print(next(line for line in lines if line.startswith(wanted)))
# --8<-- [end:tf_graph]

# --8<-- [start:tf_exercise_1]
w2_fixed = tf.ones([4, 2])  # one row per hidden unit: 4 inputs, 2 outputs
fixed = tf_two_layers(x, w1, w2_fixed)
print(tuple(fixed.shape))
print(fixed[0].numpy().tolist())  # 5 ones summed, then 4 fives summed
# --8<-- [end:tf_exercise_1]

# --8<-- [start:torch_exercise_1]
w2_fixed_pt = torch.ones(4, 2)  # one row per hidden unit: 4 inputs, 2 outputs
fixed_pt = torch_two_layers(x_pt, w1_pt, w2_fixed_pt)
print(tuple(fixed_pt.shape))
print(fixed_pt[0].tolist())  # 5 ones summed, then 4 fives summed
# --8<-- [end:torch_exercise_1]

# --8<-- [start:tf_exercise_2]
def tf_hidden_with_bias(x, w1, b1):
    # b1 needs one entry per hidden unit
    return tf.nn.relu(x @ w1 + b1)


try:
    tf_hidden_with_bias(x, w1, tf.zeros([3]))  # 3 entries for 4 units
except tf.errors.InvalidArgumentError as err:
    frame = our_frame(err)
    print(type(err).__name__)
    print(err.message.split("}} ")[-1].split(" [Op")[0])
    print(f"raised in {frame.name}(): {frame.line}")
print(tuple(tf_hidden_with_bias(x, w1, tf.zeros([4])).shape))
# --8<-- [end:tf_exercise_2]

# --8<-- [start:torch_exercise_2]
def torch_hidden_with_bias(x, w1, b1):
    # b1 needs one entry per hidden unit
    return torch.relu(x @ w1 + b1)


try:
    torch_hidden_with_bias(x_pt, w1_pt, torch.zeros(3))  # 3 entries, 4 units
except RuntimeError as err:
    frame = our_frame(err)
    print(type(err).__name__)
    print(err)
    print(f"raised in {frame.name}(): {frame.line}")
print(tuple(torch_hidden_with_bias(x_pt, w1_pt, torch.zeros(4)).shape))
# --8<-- [end:torch_exercise_2]

# --8<-- [start:tf_exercise_3]
with tf.compat.v1.Session(graph=graph) as session:  # the graph built above
    hidden_values = session.run(hidden, {x_in: [[1.0] * 5] * 8})
    batch_of_4 = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0],
                  [6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]
    pair_values = session.run(pairs, {rows: batch_of_4})
print(type(hidden_values).__name__, hidden_values.shape)
print(hidden_values[0].tolist())
print(pair_values.shape, pair_values[:2].tolist())
# --8<-- [end:tf_exercise_3]

# --8<-- [start:torch_exercise_3]
hidden_pt = torch.relu(x_pt @ w1_pt)  # eager: the values exist at once
print(type(hidden_pt).__name__, tuple(hidden_pt.shape))
print(hidden_pt[0].tolist())
batch_of_4_pt = torch.arange(12.0).reshape(4, 3)
pairs_pt = batch_of_4_pt.reshape(-1, 2)
print(tuple(pairs_pt.shape), pairs_pt[:2].tolist())
batch_of_3_pt = torch.arange(9.0).reshape(3, 3)
try:
    batch_of_3_pt.reshape(-1, 2)  # 9 numbers do not make pairs
except RuntimeError as err:
    print("RuntimeError:", err)
    print("raised by:", our_frame(err).line)
# --8<-- [end:torch_exercise_3]
