"""Checks for the claims made on docs/foundations/tensorboard.md: the event files hold what was logged.

The tests read back the runs the page wrote (30 steps each); the outputs pin the tags and
the first and last loss.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PAGE = "docs/foundations/tensorboard.md"

STEPS = 30


def numpy_descent(steps=STEPS):
    """The page's fit of y = 2x + 1, in float64 NumPy: the loss before and w after each step."""
    x = np.linspace(-1.0, 1.0, 64)
    y = 2 * x + 1
    w = b = 0.0
    losses, ws = [], []
    for _ in range(steps):
        errors = w * x + b - y
        losses.append(np.mean(errors**2))
        w, b = w - 0.2 * 2 * np.mean(errors * x), b - 0.2 * 2 * np.mean(errors)
        ws.append(w)
    return losses, ws


def check_logged_scalars(page, run, losses):
    expected_losses, expected_w = numpy_descent()
    np.testing.assert_allclose(page.logged_values(run, "loss"), losses, rtol=1e-6)
    np.testing.assert_allclose(losses, expected_losses, rtol=1e-4)
    assert losses[-1] < 0.01
    # w is logged after each update: it climbs towards 2.
    w_values = page.logged_values(run, "w")
    np.testing.assert_allclose(w_values, expected_w, rtol=1e-4)
    assert all(np.diff(w_values) > 0) and 1.9 < w_values[-1] < 2.0


def inspect(logdir):
    """`tensorboard --inspect` on one run directory: its event statistics, as printed."""
    # TensorBoard imports TensorFlow when it can (3 to 5 s); reading event files does not
    # need it, so the check runs TensorBoard as installed without TensorFlow.
    program = (
        "import sys; sys.modules['tensorflow'] = None; "
        "sys.argv = ['tensorboard', '--inspect', '--logdir', sys.argv[1]]; "
        "from tensorboard.main import run_main; run_main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", program, logdir],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    reports = proc.stdout.split("Event statistics for ")
    assert len(reports) == 2 and Path(reports[1].splitlines()[0].rstrip(":")) == Path(logdir)
    return reports[1]


def test_tf_logged_values_are_the_computed_ones(tf_page):
    run = tf_page.read_run(tf_page.tf_logdir)
    check_logged_scalars(tf_page, run, tf_page.tf_losses)
    assert [e.step for e in run.Tensors("loss")] == list(range(STEPS))


def test_torch_logged_values_are_the_computed_ones(torch_page):
    run = torch_page.read_run(torch_page.torch_logdir)
    check_logged_scalars(torch_page, run, torch_page.torch_losses)
    assert [e.step for e in run.Scalars("loss")] == list(range(STEPS))


def test_tf_histograms_hold_64_errors_every_10_steps(tf_page):
    events = tf_page.read_run(tf_page.tf_logdir).Tensors("errors")
    assert [e.step for e in events] == [0, 10, 20]
    buckets = [tf_page.make_ndarray(e.tensor_proto) for e in events]  # rows of (left, right, count)
    assert all(b[:, 2].sum() == pytest.approx(64) for b in buckets)
    # At step 0 (w = b = 0) the errors are -y = -(2x + 1): from -3 to 1; later they narrow.
    assert buckets[0][0, 0] == pytest.approx(-3.0) and buckets[0][-1, 1] == pytest.approx(1.0)
    assert buckets[-1][-1, 1] - buckets[-1][0, 0] < buckets[0][-1, 1] - buckets[0][0, 0]


def test_torch_histograms_hold_64_errors_every_10_steps(torch_page):
    events = torch_page.read_run(torch_page.torch_logdir).Histograms("errors")
    assert [e.step for e in events] == [0, 10, 20]
    assert all(e.histogram_value.num == 64 for e in events)
    first, last = events[0].histogram_value, events[-1].histogram_value
    assert first.min == pytest.approx(-3.0) and first.max == pytest.approx(1.0)
    assert last.max - last.min < first.max - first.min


def test_tensorboard_inspect_finds_the_tf_tensors(tf_page):
    # tf.summary: everything is a tensor event: 30 steps of loss and w, 3 of the histogram.
    report = inspect(tf_page.tf_logdir)
    assert "tensor\n   first_step           0\n   last_step            29" in report
    assert "scalars -" in report and "histograms -" in report


def test_tensorboard_inspect_finds_the_torch_scalars_and_histograms(torch_page):
    # SummaryWriter: classic scalar and histogram events, 30 and 3 steps.
    report = inspect(torch_page.torch_logdir)
    assert "num_steps            30" in report.split("\nscalars\n")[1]
    assert "histograms\n   first_step           0\n   last_step            20" in report
    assert "tensor -" in report
