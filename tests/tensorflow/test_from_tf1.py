"""Checks for the claims made on docs/tensorflow/from-tf1.md, run inside the page's run."""

import numpy as np

PAGE = "docs/tensorflow/from-tf1.md"


def test_tf1_tensor_is_symbolic_and_belongs_to_its_graph(page):
    assert page.y.graph is page.graph
    assert not hasattr(page.y, "numpy")


def test_session_and_tf2_function_compute_the_same_values(page):
    import tensorflow as tf

    feed = np.array([[1.0, 1.0], [0.0, 3.0], [-2.0, 0.5]], np.float32)
    with page.v1.Session(graph=page.graph) as session:
        session.run(page.init)
        tf1_values = session.run(page.y, feed_dict={page.x: feed})
    expected = feed @ np.array([[1.0], [2.0]], np.float32) + 1.0
    np.testing.assert_allclose(tf1_values, expected)
    np.testing.assert_allclose(page.affine(tf.constant(feed)).numpy(), expected)
    np.testing.assert_allclose(page.graph_affine(feed).numpy(), expected)


def test_estimators_are_gone_from_tensorflow(page):
    import importlib.util

    import tensorflow as tf

    assert not hasattr(tf, "estimator")
    assert not hasattr(page.v1, "estimator")
    assert importlib.util.find_spec("tensorflow_estimator") is None
