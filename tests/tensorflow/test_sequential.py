"""Checks for the claims made on docs/tensorflow/sequential.md, run inside the page's run.

The page's outputs already pin the layer names, the parameter counts and the number of
epochs; these tests check what the outputs do not show.
"""

import numpy as np

PAGE = "docs/tensorflow/sequential.md"


def test_accuracy_floor(page):
    assert page.test_accuracy >= 0.95


def test_predict_equals_the_layers_computed_by_hand(page):
    kernel1, bias1 = page.model.get_layer("hidden").get_weights()
    kernel2, bias2 = page.model.get_layer("logits").get_weights()
    hidden = np.maximum(page.x_test[:5] @ kernel1 + bias1, 0.0)
    np.testing.assert_allclose(page.logits, hidden @ kernel2 + bias2, atol=1e-5)


def test_exercise_average_images_are_new_and_recognised(page):
    images = np.concatenate([page.x_train, page.x_test])
    distances = np.abs(page.average_images[:, None, :] - images[None]).sum(axis=-1)
    assert distances.min() > 0  # none of them is an image of the data set
    np.testing.assert_array_equal(np.argmax(page.average_logits, axis=1), np.arange(10))


def test_exercise_frozen_layer_is_left_out_of_the_trainable_weights(page):
    frozen = page.deeper.get_layer("hidden")
    trainable = {id(weight) for weight in page.deeper.trainable_weights}
    assert not any(id(weight) in trainable for weight in frozen.weights)
    assert sum(int(np.prod(w.shape)) for w in page.deeper.trainable_weights) == 2410


def test_training_loss_falls_and_is_recorded_per_epoch(page):
    losses = page.history.history["loss"]
    assert len(losses) == 10 and losses[-1] < losses[0] / 5
    assert 0 < page.test_loss < 0.3


def test_exercise_freezing_takes_effect_only_after_compile(page):
    assert page.frozen.trainable is False
    before = page.frozen.kernel.numpy().copy()
    logits_before = page.deeper.get_layer("logits").kernel.numpy().copy()
    page.deeper.fit(page.x_train[:64], page.y_train[:64], epochs=1, verbose=0)
    np.testing.assert_array_equal(page.frozen.kernel.numpy(), before)
    assert not np.array_equal(page.deeper.get_layer("logits").kernel.numpy(), logits_before)


def test_model_without_input_is_built_by_its_first_call(page):
    assert page.lazy.built
    assert page.lazy.count_params() == page.model.count_params() == 4810
    assert [layer.name for layer in page.lazy.layers] == ["hidden", "logits"]
