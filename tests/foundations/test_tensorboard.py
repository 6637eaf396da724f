"""Checks for the claims made on docs/foundations/tensorboard.md: the event files hold what was logged."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from snippets.foundations import tensorboard as tb


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    parent = tmp_path_factory.mktemp("runs")
    tf_dir, torch_dir = str(parent / "tf"), str(parent / "torch")
    return {
        "tf": (tb.tf_logged_run(tf_dir, steps=12), tb.read_run(tf_dir), tf_dir),
        "torch": (tb.torch_logged_run(torch_dir, steps=12), tb.read_run(torch_dir), torch_dir),
    }


@pytest.mark.parametrize("framework", ["tf", "torch"])
def test_logged_losses_are_the_ones_computed(runs, framework):
    losses, run, _ = runs[framework]
    np.testing.assert_allclose(tb.logged_values(run, "loss"), losses, rtol=1e-6)
    assert len(losses) == 12 and losses[-1] < losses[0]


def test_both_frameworks_log_the_same_training_curve(runs):
    np.testing.assert_allclose(runs["tf"][0], runs["torch"][0], rtol=1e-4)
    # w is logged after each update: it climbs towards 2.
    for framework in runs:
        w_values = tb.logged_values(runs[framework][1], "w")
        assert len(w_values) == 12 and all(np.diff(w_values) > 0) and 1.5 < w_values[-1] < 2.0


def test_steps_are_recorded(runs):
    run = runs["torch"][1]
    assert [e.step for e in run.Scalars("loss")] == list(range(12))
    assert [e.step for e in runs["tf"][1].Tensors("loss")] == list(range(12))


def test_histograms_hold_64_errors_every_10_steps(runs):
    torch_hist = runs["torch"][1].Histograms("errors")
    assert [e.step for e in torch_hist] == [0, 10]
    assert all(e.histogram_value.num == 64 for e in torch_hist)
    # At step 0 (w = b = 0) the errors are -y = -(2x + 1): from -3 to 1.
    assert torch_hist[0].histogram_value.min == pytest.approx(-3.0)
    assert torch_hist[0].histogram_value.max == pytest.approx(1.0)
    tf_hist = runs["tf"][1].Tensors("errors")
    assert [e.step for e in tf_hist] == [0, 10]
    for event in tf_hist:
        buckets = tf.make_ndarray(event.tensor_proto)  # rows of (left, right, count)
        assert buckets[:, 2].sum() == pytest.approx(64)
    first = tf.make_ndarray(tf_hist[0].tensor_proto)
    assert first[0, 0] == pytest.approx(-3.0) and first[-1, 1] == pytest.approx(1.0)


def test_page_run_values():
    assert len(tb.tf_losses) == len(tb.torch_losses) == 30
    assert tb.tf_losses[-1] < 0.01 and tb.torch_losses[-1] < 0.01


def test_tensorboard_inspect_finds_both_runs_and_their_tags(runs):
    parent = Path(runs["tf"][2]).parent  # `tensorboard --logdir runs`: one run per subfolder
    proc = subprocess.run(
        [sys.executable, "-m", "tensorboard.main", "--inspect", "--logdir", str(parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    reports = proc.stdout.split("Event statistics for ")
    by_run = {Path(r.splitlines()[0].rstrip(":")).name: r for r in reports[1:]}
    assert set(by_run) == {"tf", "torch"}
    # SummaryWriter: classic scalar and histogram events, 12 and 2 steps.
    torch_report = by_run["torch"].split("\nscalars\n")[1]
    assert "num_steps            12" in torch_report
    assert "histograms\n   first_step           0\n   last_step            10" in by_run["torch"]
    # tf.summary: everything is a tensor event: 12 steps of loss and w, 2 of the histogram.
    assert "tensor\n   first_step           0\n   last_step            11" in by_run["tf"]
