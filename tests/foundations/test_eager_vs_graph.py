"""Checks for the claims made on docs/foundations/eager-vs-graph.md (never a speed)."""

import re

import pytest
import tensorflow as tf
import torch

from snippets.foundations import eager_vs_graph as evg
from tooling.pages import ROOT

RECORDED = ROOT / "snippets/foundations/measurements/eager_vs_graph.md"


def test_trace_counts():
    # 1 trace for (2,) float tensors, 1 for shape (3,), 1 per distinct Python float.
    assert len(evg.traces) == 4
    before = len(evg.traces)
    evg.scaled_sum(tf.constant([7.0, 8.0]), tf.constant(3.0))  # matches the first trace
    evg.scaled_sum(tf.constant([7.0, 8.0]), 2.0)  # a Python float seen before
    assert len(evg.traces) == before
    assert evg.scaled_sum(tf.constant([1.0, 2.0]), 3.0).numpy() == 9.0  # a new float: traced
    assert len(evg.traces) == before + 1


def test_input_signature_traces_once_and_refuses_other_shapes():
    assert len(evg.signature_traces) == 1
    assert evg.signature_traces[0].as_list() == [None]
    assert evg.total(tf.ones([50])).numpy() == 50.0
    assert len(evg.signature_traces) == 1
    with pytest.raises(TypeError):
        evg.total(tf.ones([2, 2]))


def collatz_python(n):
    steps, peak = 0, n
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        peak = max(peak, n)
        steps += 1
    return steps, peak


@pytest.mark.parametrize("n", [1, 6, 27])
def test_autograph_loop_computes_what_python_does(n):
    steps, peak = evg.collatz(tf.constant(n))
    assert (int(steps), int(peak)) == collatz_python(n)
    assert collatz_python(27) == (111, 9232)


def test_autograph_produces_graph_control_flow():
    ops = {op.type for op in evg.graph.get_operations()}
    assert "StatelessWhile" in ops and "StatelessIf" not in ops  # the If is inside the body
    inner = {node.op for f in evg.functions for node in f.node_def}
    assert "StatelessIf" in inner
    assert "ag__.while_stmt" in evg.generated and "ag__.if_stmt" in evg.generated


def test_python_print_runs_at_trace_time_and_tf_print_at_run_time(capsys):
    lines_before = evg.log_file.read_text().count("\n")
    evg.noisy_double(tf.constant(5))  # same signature: no trace, so no Python print
    assert "Python print" not in capsys.readouterr().out
    assert evg.log_file.read_text().splitlines()[lines_before:] == ["tf.print, at run time: 5"]


def test_graph_breaks_and_compiled_results():
    report = torch._dynamo.explain(evg.branchy)(evg.x)
    assert (report.graph_count, report.graph_break_count) == (2, 1)
    report = torch._dynamo.explain(evg.branch_free)(evg.x)
    assert (report.graph_count, report.graph_break_count) == (1, 0)
    for arg in (evg.x, -evg.x):
        torch.testing.assert_close(evg.compiled(arg), evg.branchy(arg))
        torch.testing.assert_close(evg.branch_free(arg), evg.branchy(arg))


def test_the_two_small_op_functions_agree():
    x = tf.linspace(-2.0, 2.0, 256)
    result_tf = evg.many_small_ops_tf(x).numpy()
    result_pt = evg.many_small_ops_torch(torch.from_numpy(x.numpy())).numpy()
    assert result_tf == pytest.approx(result_pt, abs=1e-6)


def test_measure_runs_and_returns_positive_medians():
    results = evg.measure(fast=True)
    assert set(results) == {
        "TensorFlow eager",
        "TensorFlow tf.function",
        "PyTorch eager",
        "PyTorch torch.compile",
    }
    assert all(value > 0 for value in results.values())


def test_record_writes_a_markdown_table(tmp_path, monkeypatch):
    out = tmp_path / "sub" / "table.md"
    evg.main(["--record", "--fast", "--output", str(out)])
    text = out.read_text(encoding="utf-8")
    assert text.count("\n| ") == 5 and "Measured on:" in text
    evg.main([])  # without --record: nothing is measured or written
    # No /proc/cpuinfo (macOS, Windows): the platform's name is used instead.
    real_exists = evg.Path.exists
    monkeypatch.setattr(evg.Path, "exists", lambda self: False if str(self) == "/proc/cpuinfo" else real_exists(self))
    info = evg.machine_info()
    assert re.match(r"[^,]+, \d+ cores; Python ", info) and "model name" not in info


def test_recorded_measurements_exist_and_are_included_by_the_page():
    text = RECORDED.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (TensorFlow|PyTorch) [^|]+ \| [\d,]+ \|$", text, re.MULTILINE)
    assert len(rows) == 4
    assert re.search(r"\d+ cores; Python 3\.\d+", text) and "TensorFlow 2." in text
    page = (ROOT / "docs/foundations/eager-vs-graph.md").read_text(encoding="utf-8")
    assert '\n--8<-- "snippets/foundations/measurements/eager_vs_graph.md"\n' in page


def test_the_python_functions_give_the_same_results_eagerly(capsys):
    # AutoGraph runs a converted copy of each function, so the original lines are also
    # run here, eagerly, through .python_function: same results as the graphs.
    assert evg.scaled_sum.python_function(tf.constant([1.0, 2.0]), 3.0).numpy() == 9.0
    assert evg.total.python_function(tf.ones([4])).numpy() == 4.0
    steps, peak = evg.collatz.python_function(tf.constant(27))
    assert (int(steps), int(peak)) == (111, 9232)
    assert evg.noisy_double.python_function(tf.constant(4)).numpy() == 8
    assert "Python print, at trace time: tf.Tensor(4" in capsys.readouterr().out
    assert evg.log_file.read_text().splitlines()[-1] == "tf.print, at run time: 4"
