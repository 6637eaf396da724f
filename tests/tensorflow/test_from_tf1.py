"""Checks for the claims made on docs/tensorflow/from-tf1.md."""

import contextlib
import io

import numpy as np
import tensorflow as tf

with contextlib.redirect_stdout(io.StringIO()):
    from snippets.tensorflow import from_tf1 as m


def test_tf1_tensor_is_symbolic_and_belongs_to_its_graph():
    assert m.y.graph is m.graph
    assert not hasattr(m.y, "numpy")


def test_session_and_tf2_function_compute_the_same_values():
    feed = np.array([[1.0, 1.0], [0.0, 3.0], [-2.0, 0.5]], np.float32)
    with m.v1.Session(graph=m.graph) as session:
        session.run(m.init)
        tf1_values = session.run(m.y, feed_dict={m.x: feed})
    expected = feed @ np.array([[1.0], [2.0]], np.float32) + 1.0
    np.testing.assert_allclose(tf1_values, expected)
    np.testing.assert_allclose(m.affine(tf.constant(feed)).numpy(), expected)
    np.testing.assert_allclose(m.graph_affine(feed).numpy(), expected)
