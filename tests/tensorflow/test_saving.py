"""Checks for the claims made on docs/tensorflow/saving.md, run inside the page's run.

The page's outputs pin the `.keras` copy's largest difference (0.0e+00), the optimizer's
step counter, the SavedModel, TFSMLayer and TFLite copies' largest differences, the
flatbuffers' sizes, the error `load_model` raises for a SavedModel folder, and the warnings
recorded; the tolerances are here.
"""

import os

import numpy as np

PAGE = "docs/tensorflow/saving.md"


def test_signature_accepts_any_batch_size(page):
    import tensorflow as tf

    three = page.signature(pixels=tf.constant(page.x_test[:3]))["output_0"].numpy()
    np.testing.assert_allclose(three, page.reference[:3], atol=1e-6)


def test_copies_agree_with_the_original_within_tolerance(page):
    assert page.keras_difference == 0.0
    assert page.saved_model_difference <= 1e-6
    assert page.tfsm_difference <= 1e-6
    assert page.tflite_difference <= 1e-5
    assert page.litert_difference <= 1e-5
    assert len(page.flatbuffer) < 50_000 and len(page.exported) < 50_000
    assert page.accuracy >= 0.9  # the reference is a trained model's


def test_load_model_refuses_a_saved_model_folder_and_names_tfsm_layer(page):
    assert "TFSMLayer" in page.message and "not supported" in page.message


def test_tfsm_layer_is_a_new_layer_without_the_original_layers(page):
    import keras

    assert isinstance(page.served_layer, keras.layers.TFSMLayer)
    assert not hasattr(page.served_layer, "layers")


def test_the_deprecation_notice_names_litert(page):
    assert "ai_edge_litert" in str(page.caught[0].message)


def test_tflite_copy_predicts_the_same_classes(page):
    assert np.array_equal(page.tflite_copy.argmax(1), page.reference.argmax(1))


def test_the_recorded_warning_is_the_interpreter_deprecation_notice(page):
    assert issubclass(page.caught[0].category, UserWarning)
    assert "deprecated" in str(page.caught[0].message)


def test_temporary_files_are_gone(page):
    assert not os.path.exists(page.folder.name)


def test_load_weights_gives_the_trained_weights_to_a_new_model(page):
    assert page.before > 1e-2  # the clone starts with other weights
    assert page.weights_difference == 0.0
    assert page.same_design is not page.model


def test_load_model_refuses_a_python_lambda_in_safe_mode(page, tmp_path):
    import keras
    import pytest

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Lambda(lambda x: x * 2.0)])
    path = str(tmp_path / "lambda.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.load_model(path)
    assert keras.saving.load_model(path, safe_mode=False)(np.ones((1, 2), np.float32)).numpy().tolist() == [[2.0, 2.0]]
