"""TF 1.x graphs and sessions next to TF 2 eager code: the code of docs/tensorflow/from-tf1.md.

Run it as a program with ``python -m snippets.tensorflow.from_tf1``.
"""

# --8<-- [start:tf1]
import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
graph = tf.Graph()
with graph.as_default():  # build first: nothing is computed here
    x = v1.placeholder(tf.float32, shape=[None, 2], name="x")
    w = v1.get_variable("w", initializer=tf.constant([[1.0], [2.0]]))
    y = tf.matmul(x, w) + 1.0
    init = v1.global_variables_initializer()
print(type(y).__name__, y.shape)  # a symbolic tensor, no value yet

with v1.Session(graph=graph) as session:  # then run
    session.run(init)
    print(session.run(y, feed_dict={x: [[1.0, 1.0], [0.0, 3.0]]}))
# --8<-- [end:tf1]

# --8<-- [start:tf2]
w2 = tf.Variable([[1.0], [2.0]], name="w")


def affine(x):
    return tf.matmul(x, w2) + 1.0


print(affine(tf.constant([[1.0, 1.0], [0.0, 3.0]])).numpy())  # eager

graph_affine = tf.function(affine)  # the same code, run as a graph
print(graph_affine(np.array([[1.0, 1.0], [0.0, 3.0]], np.float32)).numpy())
# --8<-- [end:tf2]

# --8<-- [start:estimator]
# Neither name exists in TensorFlow 2.21: Estimator code cannot run.
print("tf.estimator:", hasattr(tf, "estimator"))
print("tf.compat.v1.estimator:", hasattr(tf.compat.v1, "estimator"))
# --8<-- [end:estimator]
