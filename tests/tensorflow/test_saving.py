"""Checks for the claims made on docs/tensorflow/saving.md, run inside the page's run.

The page's outputs pin the `.keras` copy's largest difference (0.0e+00), the optimizer's
step counter, the SavedModel, TFSMLayer and TFLite copies' largest differences, the
flatbuffers' sizes, their signature and input shapes, and the error `load_model` raises for
a SavedModel folder; the tolerances are here, with the checks that LiteRT's interpreter warns
of nothing while TensorFlow's deprecated `tf.lite.Interpreter` warns, that the default
path with XNNPACK agrees too, and what `model.export(format="litert")` does differently.
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


def test_litert_interpreter_warns_of_nothing_and_tf_lite_interpreter_is_deprecated(page):
    import warnings

    import tensorflow as tf

    with warnings.catch_warnings(record=True) as litert_warnings:
        warnings.simplefilter("always")
        page.Interpreter(model_content=page.flatbuffer, experimental_op_resolver_type=page.kernels)
    assert litert_warnings == []
    with warnings.catch_warnings(record=True) as tf_warnings:
        warnings.simplefilter("always")
        tf.lite.Interpreter(
            model_content=page.flatbuffer,
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
    [notice] = tf_warnings
    assert issubclass(notice.category, UserWarning)
    assert "deprecated" in str(notice.message) and "ai_edge_litert" in str(notice.message)


def test_litert_resolver_enum_has_tensorflows_members(page):
    import tensorflow as tf

    ours = {member.name: member.value for member in page.OpResolverType}
    theirs = {member.name: member.value for member in tf.lite.experimental.OpResolverType}
    assert ours == theirs
    assert page.OpResolverType is not tf.lite.experimental.OpResolverType  # two classes


def test_flatbuffer_input_is_allocated_for_one_example_and_the_runner_resizes(page):
    assert page.input_detail["shape"].tolist() == [1, 64]
    assert page.input_detail["shape_signature"].tolist() == [-1, 64]
    assert page.interpreter.get_signature_list() == {"serving_default": {"inputs": ["pixels"], "outputs": ["output_0"]}}
    assert "get_signature_runner()" in page.Interpreter.get_input_details.__doc__  # the recommendation


def test_default_delegates_agree_too(page):
    # XNNPACK, the default delegate on a CPU, writes a line to stderr: pytest captures it here.
    for content in (page.flatbuffer, page.exported):
        interpreter = page.Interpreter(model_content=content)
        xnnpack_copy = interpreter.get_signature_runner()(pixels=page.x_test)["output_0"]
        assert np.max(np.abs(xnnpack_copy - page.reference)) <= 1e-5
        assert np.array_equal(xnnpack_copy.argmax(1), page.reference.argmax(1))


def test_litert_export_differs_from_the_plain_converter_as_the_page_says(page):
    import inspect

    from keras.src.export import litert

    source = inspect.getsource(litert.LiteRTExporter._convert_to_tflite)
    assert "training=False" in source and "SELECT_TF_OPS" in source
    assert "experimental_enable_resource_variables = True" in source
    assert page.flatbuffer != page.exported and abs(len(page.flatbuffer) - len(page.exported)) < 100


def test_both_flatbuffers_predict_the_same_classes(page):
    assert np.array_equal(page.tflite_copy.argmax(1), page.reference.argmax(1))
    assert np.array_equal(page.litert_copy.argmax(1), page.reference.argmax(1))
    assert page.same_class == {"converter": len(page.x_test), "export": len(page.x_test)}
    assert page.between <= 1e-6  # "the same numbers"


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
