"""Checks for the claims made on docs/pretrained/domain-libraries.md, run inside the page's run.

The page's outputs pin the standardized values (0.2 and 0.8), the printed copies, the drawn
angles, the zero differences (training=False, same seeds, predict against
model(x, training=False), the reloaded model, the served model) and the non-zero ones, and
the moving means. Here: `show` marks only exact zeros, the standardized F is exactly the
drawn letter, the augmentation changes every copy and keeps values in [0, 1], the angles
printed are those the first call drew, the model's inference calls agree exactly while its
training calls differ, a layer defaulting to training=None inherits the augmentation layers'
True while Dropout keeps its False, the saved model keeps its preprocessing, two epochs of the
tf.data pipeline differ, the augmentation layers turn XLA off, the exported model serves any
image size without augmenting, RandomFlip mirrors about half of the images, the library
defaults the prose names, and the picture shown is the one the code draws.
"""

import inspect
import os
from pathlib import Path

import numpy as np

from tests import pictures

PAGE = "docs/pretrained/domain-libraries.md"
IMG = Path(__file__).resolve().parents[2] / "docs" / "pretrained" / "img"


def test_show_marks_only_exact_zeros(page, capsys):
    page.show([np.array([[[0.0], [0.01], [0.6], [1.0]]])], ["t"])
    assert capsys.readouterr().out.splitlines()[1] == ".059"


def test_standardized_images_are_the_letter_at_8_by_8(page):
    images = np.asarray(page.images)
    assert images.shape == (4, 8, 8, 1)
    letter = page.letter_f(size=8) / 255.0  # drawn directly at 8 x 8
    np.testing.assert_allclose(images, np.stack([letter] * 4), atol=1e-6)
    np.testing.assert_allclose(np.unique(images), [0.2, 0.8], atol=1e-6)


def test_augmentation_changes_every_copy_and_stays_in_range(page):
    augmented = np.asarray(page.augmented)
    images = np.asarray(page.images)
    for copy, image in zip(augmented, images, strict=True):
        assert np.max(np.abs(copy - image)) > 0.1
    assert augmented.min() >= 0.0 and augmented.max() <= 1.0  # contrast is clipped
    assert np.array_equal(np.asarray(page.unchanged), images)


def test_same_seeds_repeat_and_the_next_call_differs(page):
    assert np.array_equal(np.asarray(page.again), np.asarray(page.augmented))
    assert np.max(np.abs(np.asarray(page.second) - np.asarray(page.augmented))) > 0.1


def test_printed_angles_are_those_of_the_first_call(page):
    layers = page.make_augment(seed=9).layers
    x = page.images
    for layer in layers:  # what the Pipeline's call does, one layer at a time
        transformation = layer.get_random_transformation(x, training=True)
        if isinstance(layer, type(page.rotation)):
            angles = np.asarray(transformation["angle"])
        x = layer.transform_images(x, transformation, training=True)
    assert np.array_equal(np.asarray(x), np.asarray(page.augmented))
    np.testing.assert_allclose(angles, page.angles)
    assert np.all(np.abs(page.angles) <= 18.0)


def test_inference_calls_agree_and_training_calls_differ(page):
    outputs = {call: np.asarray(value) for call, value in page.calls.items()}
    assert np.array_equal(outputs["model(raw, training=False)"], page.predicted)
    assert np.max(np.abs(outputs["model(raw, training=True)"] - page.predicted)) > 1e-3
    assert np.max(np.abs(outputs["model(raw)"] - page.predicted)) > 1e-3


def test_layers_after_augmentation_inherit_training_unless_their_default_is_set(page):
    import keras

    moving = [float(mean) for mean in page.means.values()]
    assert moving[0] == 0.0  # training=False: the moving mean did not move
    np.testing.assert_allclose(moving[1], 0.01 * moving[2], rtol=1e-5)  # momentum 0.99
    dropped = keras.Sequential(
        [keras.Input(shape=(8, 8, 1)), keras.layers.RandomFlip("horizontal", seed=0), keras.layers.Dropout(0.5)]
    )
    assert np.all(keras.ops.convert_to_numpy(dropped(np.ones((4, 8, 8, 1), np.float32))) == 1.0)  # Dropout off
    assert inspect.signature(keras.layers.BatchNormalization.call).parameters["training"].default is None


def test_reloaded_model_keeps_its_preprocessing(page):
    import keras

    names = [type(layer).__name__ for layer in page.reloaded.layers]
    assert names[:3] == ["Resizing", "Rescaling", "Pipeline"]
    assert isinstance(page.reloaded.layers[2].layers[0], keras.layers.RandomContrast)
    assert page.reloaded_difference == 0.0
    assert not os.path.exists(page.folder)
    bigger = np.stack([page.letter_f(32)] * 4)  # any height and width
    np.testing.assert_allclose(page.reloaded.predict(bigger, verbose=0), page.predicted, atol=1e-6)
    augmented = keras.ops.convert_to_numpy(page.reloaded(page.raw))  # no training argument: augments
    assert np.max(np.abs(augmented - page.predicted)) > 1e-3


def test_pipeline_epochs_differ(page):
    first, second = page.first_epoch[0], page.second_epoch[0]
    assert first.shape == (4, 8, 8, 1)
    assert np.max(np.abs(first - np.asarray(page.images))) > 0.1
    assert np.max(np.abs(second - first)) > 0.1
    assert first.min() >= 0.0 and first.max() <= 1.0


def test_augmentation_layers_turn_xla_off(page):
    from keras.src.trainers.trainer import model_supports_jit

    unsupported = [type(layer).__name__ for layer in page.model._flatten_layers() if not layer.supports_jit]
    assert sorted(unsupported) == ["RandomRotation", "RandomTranslation"]
    assert not model_supports_jit(page.model)
    assert model_supports_jit(page.serving)


def test_served_model_takes_any_size_and_does_not_augment(page):
    import tensorflow as tf

    [spec] = page.served.signatures["serving_default"].structured_input_signature[1].values()
    assert spec.shape.as_list() == [None, None, None, 1]
    for size in (16, 32):
        pixels = np.stack([page.letter_f(size)] * 4)
        for _ in range(2):  # a second call draws nothing new either
            served = page.served.serve(tf.constant(pixels)).numpy()
            np.testing.assert_allclose(served, page.predicted, atol=1e-6)
    assert [type(layer).__name__ for layer in page.serving.layers] == ["Pipeline", "Flatten", "Dense"]
    assert page.serving.layers[-1] is page.model.layers[-1]  # shared, weights included


def test_random_flip_mirrors_about_half(page):
    assert page.mirrored.sum() + page.kept.sum() == 1000
    assert 430 <= page.mirrored.sum() <= 570  # binomial(1000, 1/2): 4.4 standard deviations


def test_the_defaults_the_page_names(page):
    import keras

    def default(function, name):
        return inspect.signature(function).parameters[name].default

    for layer in (keras.layers.RandomContrast, keras.layers.RandomFlip, keras.layers.RandomRotation):
        assert default(layer.call, "training") is True  # the image augmentation layers' shared call
    assert default(keras.layers.Pipeline.call, "training") is True
    assert default(keras.layers.Dropout.call, "training") is False
    assert default(keras.layers.RandomContrast, "value_range") == (0, 255)
    for layer in (keras.layers.RandomRotation, keras.layers.RandomTranslation):
        assert default(layer, "fill_mode") == "reflect"
        assert default(layer, "fill_value") == 0.0
        assert default(layer, "interpolation") == "bilinear"
    assert default(keras.layers.Resizing, "interpolation") == "bilinear"


def test_augmentation_picture_shown_is_the_one_drawn(page):
    pictures.same_picture(
        page.augmented_file, IMG / "domain-libraries-augmentation.png", "snippets.pretrained.domain_libraries"
    )
