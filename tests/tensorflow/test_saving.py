"""Checks for the claims made on docs/tensorflow/saving.md."""

import contextlib
import io

import numpy as np
import tensorflow as tf

with contextlib.redirect_stdout(io.StringIO()):  # the module trains on import
    from snippets.tensorflow import saving as m


def test_keras_copy_predicts_exactly_the_same_and_keeps_optimizer_state():
    np.testing.assert_array_equal(m.keras_copy, m.reference)
    assert int(m.reloaded.optimizer.iterations.numpy()) == 10 * int(np.ceil(len(m.x_train) / 32))


def test_saved_model_copy_matches_and_accepts_any_batch_size():
    np.testing.assert_allclose(m.saved_model_copy, m.reference, atol=1e-6)
    three = m.signature(pixels=tf.constant(m.x_test[:3]))["output_0"].numpy()
    np.testing.assert_allclose(three, m.reference[:3], atol=1e-6)


def test_tflite_copy_matches_within_tolerance():
    assert isinstance(m.flatbuffer, bytes) and len(m.flatbuffer) < 50_000
    assert m.tflite_copy.shape == m.reference.shape
    np.testing.assert_allclose(m.tflite_copy, m.reference, atol=1e-5)
    assert np.array_equal(m.tflite_copy.argmax(1), m.reference.argmax(1))


def test_only_the_interpreter_deprecation_notice_was_recorded():
    assert len(m.caught) == 1
    assert issubclass(m.caught[0].category, UserWarning)
    assert "deprecated" in str(m.caught[0].message)


def test_temporary_files_are_gone():
    import os

    assert not os.path.exists(m.folder.name)
