"""Checks for the claims made on docs/tensorflow/saving.md, run inside the page's run.

The page's outputs pin that the `.keras` copy predicts exactly the same (max difference
0.0), the optimizer's step counter, the SavedModel and TFLite copies' largest differences,
the flatbuffer's type and size, and the one warning recorded; the tolerances are here.
"""

import os

import numpy as np

PAGE = "docs/tensorflow/saving.md"


def test_signature_accepts_any_batch_size(page):
    import tensorflow as tf

    three = page.signature(pixels=tf.constant(page.x_test[:3]))["output_0"].numpy()
    np.testing.assert_allclose(three, page.reference[:3], atol=1e-6)


def test_copies_agree_with_the_original_within_tolerance(page):
    assert page.saved_model_difference <= 1e-6
    assert page.tflite_difference <= 1e-5
    assert len(page.flatbuffer) < 50_000


def test_the_deprecation_notice_names_litert(page):
    assert "ai_edge_litert" in str(page.caught[0].message)


def test_tflite_copy_predicts_the_same_classes(page):
    assert np.array_equal(page.tflite_copy.argmax(1), page.reference.argmax(1))


def test_the_recorded_warning_is_the_interpreter_deprecation_notice(page):
    assert issubclass(page.caught[0].category, UserWarning)
    assert "deprecated" in str(page.caught[0].message)


def test_temporary_files_are_gone(page):
    assert not os.path.exists(page.folder.name)
