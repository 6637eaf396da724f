"""Checks for the claims made on docs/tensorflow/pipeline.md, run inside the page's run.

The page's outputs pin the fitted coefficients (rounded), the history's first and last
values, the test scores, the range of the probability rows' sums, the epochs early
stopping ran, the checkpoint's validation loss, and the number of TensorBoard event files.
"""

import numpy as np

PAGE = "docs/tensorflow/pipeline.md"


def test_hand_written_loop_recovers_the_true_coefficients(page):
    np.testing.assert_allclose(page.w.numpy(), page.true_w, atol=1e-3)
    assert abs(float(page.b.numpy()) - 0.3) < 1e-3
    assert float(page.loss_fn()) < 1e-6


def test_accuracy_floors(page):
    assert page.scores["accuracy"] >= 0.95
    assert page.test_accuracy >= 0.95


def test_softmax_of_predictions_is_never_negative(page):
    assert np.asarray(page.probabilities).min() >= 0.0


def test_early_stopping_stopped_after_patience_and_restored_the_best_epoch(page):
    val_loss = page.history.history["val_loss"]  # the callbacks section's history
    best = int(np.argmin(val_loss))
    assert best == page.epochs_run - 1 - 2  # patience=2 epochs without improvement
    # The checkpoint holds the best epoch; EarlyStopping put those weights back.
    np.testing.assert_allclose(
        page.saved.predict(page.x_test, verbose=0), page.watched.predict(page.x_test, verbose=0), atol=1e-6
    )


def test_checkpoint_holds_the_model_of_the_lowest_validation_loss(page):
    assert page.best_val_loss == min(page.history.history["val_loss"])
    assert abs(page.checkpoint_val_loss - page.best_val_loss) < 1e-5
    # Not the last epoch's model: training ran on after the best epoch.
    assert page.history.history["val_loss"][-1] - page.best_val_loss > 1e-4


def test_dataset_yields_shuffled_batches_covering_the_training_set(page):
    batches = list(page.train_ds.as_numpy_iterator())
    assert [len(y) for _, y in batches[:-1]] == [32] * (len(batches) - 1)
    labels = np.concatenate([y for _, y in batches])
    assert sorted(labels.tolist()) == sorted(page.y_train.tolist())
    again = np.concatenate([y for _, y in page.train_ds.as_numpy_iterator()])
    assert not np.array_equal(labels, page.y_train)  # shuffled
    assert not np.array_equal(labels, again)  # and reshuffled each pass


def test_compiled_step_body_lowers_the_loss_when_run_eagerly(page):
    """AutoGraph runs a converted copy, so coverage never sees the original body."""
    saved = (page.w.numpy(), page.b.numpy())
    try:
        before = float(page.loss_fn())
        page.step.python_function()
        after = float(page.loss_fn())
    finally:
        page.w.assign(saved[0])
        page.b.assign(saved[1])
    assert after <= before


def test_training_loss_fell_and_probability_rows_sum_to_one(page):
    assert page.losses[-1] < page.losses[0]
    np.testing.assert_allclose(np.sum(page.probabilities, axis=1), 1.0, atol=1e-5)


def test_predict_agrees_with_evaluate(page):
    assert abs(np.mean(page.predicted == page.y_test) - page.scores["accuracy"]) < 1e-6


def test_custom_callback_counted_every_batch_of_every_epoch(page):
    batches = -(-int(len(page.x_train) * 0.8) // 64)  # validation_split=0.2, batch_size=64
    assert page.counter.per_epoch == [batches] * page.epochs_run


def test_decoding_in_the_pipeline_gives_the_training_images_back(page):
    images = np.concatenate([x for x, _ in page.train_ds.as_numpy_iterator()])
    assert sorted(map(bytes, images)) == sorted(map(bytes, page.x_train))


def test_early_stopping_stopped_early_and_tensorboard_wrote_files(page):
    assert page.epochs_run < 100
    assert page.event_files


def test_jit_compile_auto_resolves_to_false_on_a_cpu_only_machine(page):
    import tensorflow as tf

    # The page prints False; that holds where TensorFlow sees no GPU.
    assert tf.config.list_physical_devices("GPU") == []
    assert page.model.jit_compile is False


def test_decode_scales_whole_number_pixels(page):
    """decode runs inside Dataset.map as a traced copy: call the original too."""
    import tensorflow as tf

    pixels, label = page.decode(tf.constant([0, 8, 16]), 3)
    assert pixels.numpy().tolist() == [0.0, 0.5, 1.0] and label == 3
