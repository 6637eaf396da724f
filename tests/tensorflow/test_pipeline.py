"""Checks for the claims made on docs/tensorflow/pipeline.md."""

import contextlib
import io

import numpy as np

with contextlib.redirect_stdout(io.StringIO()):  # the module trains on import
    from snippets.tensorflow import pipeline as m


def test_hand_written_loop_recovers_the_true_coefficients():
    np.testing.assert_allclose(m.w.numpy(), m.true_w, atol=1e-3)
    assert abs(float(m.b.numpy()) - 0.3) < 1e-3
    assert float(m.loss_fn()) < 1e-6


def test_fit_history_and_accuracy_floors():
    assert sorted(m.history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert m.losses[-1] < m.losses[0] and len(m.losses) == 20
    assert m.scores["accuracy"] >= 0.95
    assert m.test_accuracy >= 0.95


def test_softmax_of_predictions_gives_probabilities():
    probs = np.asarray(m.probabilities)
    assert probs.shape == (450, 10) and probs.min() >= 0.0
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_early_stopping_stopped_after_patience_and_restored_the_best_epoch():
    val_loss = m.history.history["val_loss"]
    assert m.epochs_run < 100
    best = int(np.argmin(val_loss))
    assert best == m.epochs_run - 1 - 2  # patience=2 epochs without improvement
    # The checkpoint holds the best epoch; EarlyStopping put those weights back.
    np.testing.assert_allclose(
        m.saved.predict(m.x_test, verbose=0), m.watched.predict(m.x_test, verbose=0), atol=1e-6
    )


def test_tensorboard_wrote_event_files():
    assert any(name.startswith("events.out.tfevents") for name in m.log_files)


def test_dataset_yields_shuffled_batches_covering_the_training_set():
    batches = list(m.train_ds.as_numpy_iterator())
    assert [len(y) for _, y in batches[:-1]] == [32] * (len(batches) - 1)
    labels = np.concatenate([y for _, y in batches])
    assert sorted(labels.tolist()) == sorted(m.y_train.tolist())
    again = np.concatenate([y for _, y in m.train_ds.as_numpy_iterator()])
    assert not np.array_equal(labels, m.y_train)  # shuffled
    assert not np.array_equal(labels, again)  # and reshuffled each pass


def test_compiled_step_body_lowers_the_loss_when_run_eagerly():
    """AutoGraph runs a converted copy, so coverage never sees the original body."""
    saved = (m.w.numpy(), m.b.numpy())
    try:
        before = float(m.loss_fn())
        m.step.python_function()
        after = float(m.loss_fn())
    finally:
        m.w.assign(saved[0])
        m.b.assign(saved[1])
    assert after <= before
