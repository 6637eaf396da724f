"""Checks for the claims made on docs/foundations/tensorboard.md: the event files hold what was logged.

The tests read back the runs the page wrote (30 steps each); the outputs pin the tags and
the first and last loss. The graph tests check the traced and exported graphs, and two
browser tests serve the page's own runs with the real `tensorboard` on 127.0.0.1 and open
its Scalars and Graphs dashboards in headless Chromium (skipped without Chromium).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tooling.chromium import CHROMIUM, CHROMIUM_ARGS
from tooling.tensorboard_screenshots import (
    TENSORBOARD_RUNS,
    gather_runs,
    graph_label,
    open_dashboard,
    tensorboard_server,
)

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


# --------------------------------------------------------------------------- the runs in TensorBoard itself

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found: install Debian's package (apt-get install chromium) or set "
    "CHROMIUM=/path/to/it; `make test` installs it automatically when run as root",
)


def check_dashboards(page, tmp_path, runs, graph_nodes):
    """Serve the page's runs with the real `tensorboard` on 127.0.0.1 and open its Scalars and
    Graphs dashboards in headless Chromium: every run and the tags loss and w are listed, the
    first run with a graph is drawn, and nothing is asked of another host."""
    from playwright.sync_api import sync_playwright

    found = {name: getattr(page, name) for name in TENSORBOARD_RUNS if hasattr(page, name)}
    logdir = gather_runs(found, tmp_path / "runs")
    assert sorted(path.name for path in logdir.iterdir()) == sorted(run.split("/")[0] for run in runs)
    with tensorboard_server(logdir, timeout=60) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 720})
            scalars, foreign, errors = open_dashboard(context, url, "scalars")
            for text in [*runs, "loss", "w"]:
                scalars.get_by_text(text, exact=True).first.wait_for(timeout=30_000)
            graphs, graph_foreign, graph_errors = open_dashboard(context, url, "graphs")
            for text in graph_nodes:
                graph_label(graphs, text).wait_for(timeout=30_000)
            graphs.wait_for_load_state("networkidle")
        finally:
            browser.close()
    assert not foreign + graph_foreign, foreign + graph_foreign
    assert not errors + graph_errors, errors + graph_errors


@needs_chromium
def test_tensorboard_shows_the_tf_runs_and_the_traced_graph(tf_page, tmp_path):
    # tf-graph sorts before tf-keras/train: the dashboard opens on the traced train_step.
    check_dashboards(tf_page, tmp_path, ["tf", "tf-graph", "tf-keras/train"], ["gradient_tape", "Mean"])


@needs_chromium
def test_tensorboard_shows_the_torch_runs_and_the_exported_graph(torch_page, tmp_path):
    check_dashboards(torch_page, tmp_path, ["torch", "torch-graph"], ["p_w", "p_b", "mul", "add"])


def test_torch_graph_lists_the_exported_nodes_in_order(torch_page):
    graph = torch_page.read_run(torch_page.torch_graph_logdir).Graph()
    assert [(node.name, list(node.input)) for node in graph.node] == [
        ("p_w", []),
        ("p_b", []),
        ("x", []),
        ("mul", ["p_w", "x"]),
        ("add", ["mul", "p_b"]),
        ("output", ["add"]),
    ]


def test_add_graph_traces_with_the_deprecated_torch_jit_trace(torch_page, tmp_path):
    """Why the page exports the graph with torch.export rather than SummaryWriter.add_graph:
    add_graph records the model with torch.jit.trace, deprecated in torch 2.13. The warning
    is raised inside torch, so Python's default filters hide it from a reader."""
    import torch

    deprecated = r"`torch\.jit\.trace` is deprecated\. Please switch to `torch\.compile` or `torch\.export`"
    with torch_page.SummaryWriter(log_dir=str(tmp_path)) as writer, pytest.warns(DeprecationWarning, match=deprecated):
        writer.add_graph(torch_page.Line(), torch.linspace(-1.0, 1.0, 64))


def test_keras_run_holds_the_same_fit_as_the_tf_loop(tf_page):
    run = tf_page.read_run(f"{tf_page.keras_logdir}/train")
    np.testing.assert_allclose(tf_page.logged_values(run, "epoch_loss"), tf_page.tf_losses, rtol=1e-4)


def traced_ops(page, logdir, name):
    """The operations of each function graph that a trace_export called `name` wrote."""
    event = page.read_run(logdir).Tensors(name)[0]
    metadata = page.RunMetadata.FromString(event.tensor_proto.string_val[0])
    return [[node.op for node in graph.pre_optimization_graph.node] for graph in metadata.function_graphs]


def test_tf_trace_records_only_train_step_and_its_gradient(tf_page):
    [ops] = traced_ops(tf_page, tf_page.tf_graph_logdir, "train_step")
    assert ops.count("AssignSubVariableOp") == 2 and "Mean" in ops and "Pow" in ops
    # The loss, the gradient, then the updates: the tape's backward pass is part of the graph.
    assert len(ops) == 46


def test_a_second_trace_export_holds_every_graph_run_since_the_first_trace_on(tf_page, tmp_path):
    tf = tf_page.tf
    x = tf.linspace(-1.0, 1.0, 64)
    writer = tf.summary.create_file_writer(str(tmp_path))
    tf.summary.trace_on(graph=True)
    tf_page.train_step(tf_page.w, tf_page.b, x, 2 * x + 1)
    with writer.as_default():
        tf.summary.trace_export(name="again", step=0)
    writer.close()
    graphs = traced_ops(tf_page, str(tmp_path), "again")
    # Keras fit's input pipeline and training step ran between the two traces.
    assert any("IteratorGetNext" in ops for ops in graphs)
    assert len(graphs) > 10


def test_keras_callback_writes_the_model_config_but_no_op_graph(tf_page):
    import keras

    run = tf_page.read_run(f"{tf_page.keras_logdir}/train")
    assert not run.Tags()["graph"]
    assert run.summary_metadata["keras"].plugin_data.plugin_name == "graph_keras_model"
    # The page quotes the callback's docstring on write_graph.
    assert "write_graph:  (Not supported at this time)" in keras.callbacks.TensorBoard.__doc__


def test_the_traced_functions_compute_one_gradient_step_and_the_loss(tf_page):
    # Their Python bodies, which the page runs only as traced graphs (coverage cannot see those).
    tf = tf_page.tf
    x = tf.constant([0.0, 1.0])
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    loss = tf_page.train_step.python_function(w, b, x, 2 * x + 1)
    assert float(loss) == pytest.approx(5.0)  # mean of 1 and 9
    # d/dw = mean(2 (wx + b - y) x) = -3, d/db = mean(2 (wx + b - y)) = -4; steps of 0.2
    assert (float(w), float(b)) == pytest.approx((0.6, 0.8))
    assert float(tf_page.line_loss.python_function(w, b, x, 2 * x + 1)) == pytest.approx(
        ((0.8 - 1) ** 2 + (1.4 - 3) ** 2) / 2
    )
