"""Checks for the claims made on docs/tensorflow/distribute.md, on what the page computed.

The page trains in its own process (one device, then MirroredStrategy), starts two
MultiWorkerMirroredStrategy workers, and runs a fit() job that is killed and restarted;
these tests look at what those runs left in the page's namespace. The launcher's failure
paths are tested here with tiny stand-in workers.
"""

import os
import signal
import sys
import time

import pytest

from tests.processes import processes

PAGE = "docs/tensorflow/distribute.md"


def test_each_replica_gets_half_of_the_global_batch(page):
    parts = page.strategy.experimental_local_results(page.x)
    assert [tuple(part.shape) for part in parts] == [(32, 64), (32, 64)]
    assert [part.device.rsplit(":", 2)[-2:] for part in parts] == [["CPU", "0"], ["CPU", "1"]]


def test_replica_losses_add_up_to_the_whole_batch_loss(page):
    assert sum(page.per_replica) == pytest.approx(float(page.whole_loss), abs=1e-6)
    assert page.per_replica[0] != pytest.approx(page.per_replica[1])  # different rows


def test_all_reduced_gradients_equal_the_whole_batch_gradient(page):
    import numpy as np

    for got, expected in zip(page.replica_0, page.expected, strict=True):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), atol=1e-6, rtol=0)


def test_replica_gradients_sum_to_the_gradient_of_the_whole_batch_after_training(page):
    # Traced without AutoGraph, which would run a converted copy that coverage cannot see.
    import numpy as np
    import tensorflow as tf

    traced = tf.function(page.replica_gradients.python_function, autograph=False)
    losses, summed = page.strategy.run(traced, args=(page.x, page.y))
    plain = page.build_model()
    plain.set_weights(page.mirrored.get_weights())  # the trained weights
    with tf.GradientTape() as tape:
        loss = page.loss_fn(page.whole_y, plain(page.whole_x))
    local_losses = page.strategy.experimental_local_results(losses)
    assert float(sum(local_losses)) == pytest.approx(float(loss), abs=1e-6)
    for got, expected in zip(summed, tape.gradient(loss, plain.trainable_variables), strict=True):
        local = page.strategy.experimental_local_results(got)
        np.testing.assert_allclose(local[0].numpy(), expected.numpy(), atol=1e-6, rtol=0)
        np.testing.assert_array_equal(local[0].numpy(), local[1].numpy())


def test_the_workers_train_step_takes_one_sgd_step_on_the_whole_batch(page):
    """make_train_step, run here under the page's MirroredStrategy (two replicas)."""
    import numpy as np
    import tensorflow as tf

    with page.strategy.scope():
        model = page.build_model()
        optimizer = page.new_optimizer()
        optimizer.build(model.trainable_variables)
    step = page.make_train_step(page.strategy, model, optimizer)
    loss = tf.function(step.python_function, autograph=False)(page.x, page.y)
    assert float(loss) == pytest.approx(float(page.whole_loss), abs=1e-6)
    rate = float(page.new_optimizer().learning_rate)
    initial = page.build_model().get_weights()
    for weight, start, grad in zip(model.weights, initial, page.expected, strict=True):
        np.testing.assert_allclose(weight.numpy(), start - rate * grad.numpy(), atol=1e-6, rtol=0)


def test_build_model_starts_from_the_same_weights_and_fit_moved_them(page):
    import numpy as np

    first, second = page.build_model().get_weights(), page.build_model().get_weights()
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    assert page.largest_gap(first, page.expected_weights) > 0.1  # it trained


def test_mirrored_fit_matches_one_device(page):
    assert page.TOLERANCE == 1e-5
    mirrored = [w.numpy() for w in page.mirrored.weights]
    assert page.largest_gap(mirrored, page.expected_weights) < page.TOLERANCE
    assert page.two_replicas.history["loss"] == pytest.approx(page.one_device.history["loss"], abs=1e-5)


def test_workers_end_identical_and_match_one_device(page):
    assert page.between == 0.0
    assert page.largest_gap(page.worker_weights[0], page.expected_weights) < page.TOLERANCE


def test_training_resumed_from_the_backup_not_from_scratch(page):
    assert [line.split(":")[0] for line in page.first_run] == ["epoch 1", "epoch 2"]
    assert [line.split(":")[0] for line in page.second_run] == ["epoch 3", "epoch 4"]
    uninterrupted = [w.numpy() for w in page.mirrored.weights]
    assert page.largest_gap(page.resumed_weights, uninterrupted) < page.TOLERANCE


def test_tf_config_names_the_cluster_and_the_task(page):
    import json

    config = json.loads(page.tf_config(["a:1", "b:2"], 1))
    assert config == {"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}


def test_kill_at_kills_its_own_process_at_the_given_batch(page, monkeypatch):
    sent = []
    monkeypatch.setattr(page.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    crash = page.KillAt(epoch=2, batch=9)
    crash.on_epoch_begin(1)
    crash.on_train_batch_end(9)
    crash.on_epoch_begin(2)
    crash.on_train_batch_end(8)
    assert sent == []
    crash.on_train_batch_end(9)
    assert sent == [(os.getpid(), signal.SIGKILL)]


def test_free_ports_are_distinct_and_bindable(page):
    import socket

    ports = page.free_ports(2)
    assert len(set(ports)) == 2
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


# A stand-in worker: exits with the code in $EXIT, or sleeps when it is "sleep".
STAND_IN = [sys.executable, "-c", "import os, sys, time\ncode = os.environ['EXIT']\n"
            "time.sleep(60) if code == 'sleep' else sys.exit(int(code))"]  # fmt: skip


def envs(*codes):
    return [dict(os.environ, EXIT=code) for code in codes]


def test_launch_kills_the_other_workers_when_one_fails(page, tmp_path, monkeypatch):
    monkeypatch.setitem(page.launch.__globals__, "WORKER", STAND_IN)
    started = time.monotonic()
    codes = page.launch(tmp_path, [], envs("sleep", "3"))
    assert codes == [-signal.SIGKILL, 3]
    assert time.monotonic() - started < 30
    with pytest.raises(RuntimeError, match="worker 0 exited with -9"):
        page.check(tmp_path, codes)


def test_launch_kills_every_worker_after_the_timeout(page, tmp_path, monkeypatch):
    monkeypatch.setitem(page.launch.__globals__, "WORKER", STAND_IN)
    with pytest.raises(TimeoutError, match=r"after 0\.5 s"):
        page.launch(tmp_path, [], envs("sleep", "sleep"), timeout=0.5)
    assert_no_process_left()


def test_check_shows_the_failed_workers_stderr(page, tmp_path):
    (tmp_path / "worker-0.err").write_text("Traceback: boom\n")
    (tmp_path / "worker-1.err").write_text("")
    page.check(tmp_path, [0, 0])
    page.check(tmp_path, [-9, -9], expected=-9)
    with pytest.raises(RuntimeError, match="worker 0 exited with 1:\nTraceback: boom"):
        page.check(tmp_path, [1, 0])


def assert_no_process_left():
    """Nothing this process started still runs, or waits to be reaped, in its group."""
    me, group = os.getpid(), os.getpgid(0)
    left = [f"{p.pid} ({p.state})" for p in processes() if p.pid != me and (p.ppid == me or p.pgid == group)]
    assert left == []


def test_no_worker_process_is_left(page):
    """The workers, the killed one included, were reaped, and nothing they started runs."""
    assert_no_process_left()


def test_backup_holds_the_optimizer_state_of_two_epochs(page):
    assert int(page.probe.optimizer.iterations) == 2 * 20  # 1,280 rows in batches of 64


def test_keras_fit_has_no_parameter_server_coordinator():
    import inspect

    from keras.src.backend.tensorflow import trainer

    assert "coordinator" not in inspect.getsource(trainer).lower()
