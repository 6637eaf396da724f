"""Checks for the claims made on docs/foundations/eager-vs-graph.md (never a speed).

The outputs pin the trace counts, the signature's refusal, the graph ops AutoGraph
produces and the graph-break counts; the page tests below add what the outputs do not
show, including the measurement command that `make bench` runs (at --fast sizes).
"""

import re

import pytest

from tooling.pages import ROOT

PAGE = "docs/foundations/eager-vs-graph.md"
RECORDED = ROOT / "snippets/foundations/measurements/eager_vs_graph.md"


def test_matching_calls_reuse_a_trace_and_new_python_floats_do_not(page):
    import tensorflow as tf

    before = len(page.traces)
    page.scaled_sum(tf.constant([7.0, 8.0]), tf.constant(3.0))  # matches the first trace
    page.scaled_sum(tf.constant([7.0, 8.0]), 2.0)  # a Python float seen before
    assert len(page.traces) == before
    assert page.scaled_sum(tf.constant([1.0, 2.0]), 3.0).numpy() == 9.0  # a new float: traced
    assert len(page.traces) == before + 1


def test_input_signature_serves_every_length_with_one_trace(page):
    import tensorflow as tf

    assert page.total(tf.ones([50])).numpy() == 50.0
    assert len(page.signature_traces) == 1


def collatz_python(n):
    steps, peak = 0, n
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        peak = max(peak, n)
        steps += 1
    return steps, peak


@pytest.mark.parametrize("n", [1, 6, 27])
def test_autograph_loop_computes_what_python_does(page, n):
    import tensorflow as tf

    steps, peak = page.collatz(tf.constant(n))
    assert (int(steps), int(peak)) == collatz_python(n)
    assert collatz_python(27) == (111, 9232)


def test_python_print_runs_at_trace_time_and_tf_print_at_run_time(page, capsys):
    import tensorflow as tf

    lines_before = page.log_file.read_text().count("\n")
    page.noisy_double(tf.constant(5))  # same signature: no trace, so no Python print
    assert "Python print" not in capsys.readouterr().out
    assert page.log_file.read_text().splitlines()[lines_before:] == ["tf.print, at run time: 5"]


def test_the_branch_free_version_agrees_on_both_branches(page):
    import torch

    for arg in (page.x, -page.x):
        torch.testing.assert_close(page.branch_free(arg), page.branchy(arg))


def test_the_python_functions_give_the_same_results_eagerly(page, capsys):
    # AutoGraph runs a converted copy of each function, so the original lines are also
    # run here, eagerly, through .python_function: same results as the graphs.
    import tensorflow as tf

    assert page.scaled_sum.python_function(tf.constant([1.0, 2.0]), 3.0).numpy() == 9.0
    assert page.total.python_function(tf.ones([4])).numpy() == 4.0
    steps, peak = page.collatz.python_function(tf.constant(27))
    assert (int(steps), int(peak)) == (111, 9232)
    assert page.noisy_double.python_function(tf.constant(4)).numpy() == 8
    assert "Python print, at trace time: tf.Tensor(4" in capsys.readouterr().out
    assert page.log_file.read_text().splitlines()[-1] == "tf.print, at run time: 4"


def test_the_two_small_op_functions_agree(page):
    import tensorflow as tf
    import torch

    x = tf.linspace(-2.0, 2.0, 256)
    result_tf = page.many_small_ops_tf(x).numpy()
    result_pt = page.many_small_ops_torch(torch.from_numpy(x.numpy())).numpy()
    assert result_tf == pytest.approx(result_pt, abs=1e-6)


def test_machine_info_without_proc_cpuinfo(page, monkeypatch):
    # No /proc/cpuinfo (macOS, Windows): the platform's name is used instead.
    real_exists = page.Path.exists
    monkeypatch.setattr(page.Path, "exists", lambda self: False if str(self) == "/proc/cpuinfo" else real_exists(self))
    info = page.machine_info()
    assert re.match(r"[^,]+, \d+ cores; Python ", info) and "model name" not in info


def test_without_record_nothing_is_written(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default --output is relative to the working folder
    page.main([])
    assert list(tmp_path.iterdir()) == []


def test_record_command_writes_a_markdown_table(page, tmp_path):
    # What `make bench` runs (`python -m snippets.foundations.eager_vs_graph --record`), with
    # --fast (few calls, no C++ compilation) and a temporary --output; run here, in the page's
    # own run, where both frameworks are already imported.
    out = tmp_path / "sub" / "table.md"
    page.main(["--record", "--fast", "--output", str(out)])
    text = out.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (TensorFlow|PyTorch) [^|]+ \| [\d,]+ \|$", text, re.MULTILINE)
    assert len(rows) == 4 and "Measured on:" in text


class BusyMachine:
    """Idle by /proc/stat, but the calibration kernel runs slow: every round is refused."""

    def __init__(self, page):
        self.page, self.kernel_checks = page, 0

    def calibrate(self):
        pass

    def check(self, kernel=True):
        if kernel:
            self.kernel_checks += 1
            raise self.page.MachineBusy("the calibration kernel ran 2.00x its best time")


def test_record_refuses_a_machine_that_is_not_quiet_and_writes_nothing(page, tmp_path, capsys):
    out = tmp_path / "table.md"
    busy = BusyMachine(page)
    assert page.main(["--record", "--output", str(out)], quiet=busy) == 2
    assert not out.exists() and busy.kernel_checks == 3  # three tries, each refused
    assert "not measured, nothing written: the calibration kernel ran 2.00x" in capsys.readouterr().err


def test_recorded_measurements_exist_and_are_included_by_the_page():
    text = RECORDED.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (TensorFlow|PyTorch) [^|]+ \| [\d,]+ \|$", text, re.MULTILINE)
    assert len(rows) == 4
    assert re.search(r"\d+ cores; Python 3\.\d+", text) and "TensorFlow 2." in text
    markdown = (ROOT / PAGE).read_text(encoding="utf-8")
    assert '\n--8<-- "snippets/foundations/measurements/eager_vs_graph.md"\n' in markdown


def test_branch_free_and_compiled_functions_match_branchy(page):
    import torch

    assert page.report.graph_count == 1  # branch_free: one graph
    assert torch.equal(page.branchy(page.x), page.branch_free(page.x))
    for sign in (1, -1):
        torch.testing.assert_close(page.compiled(sign * page.x), page.branchy(sign * page.x))


def test_exercise_tensor_factors_share_one_trace(page):
    import tensorflow as tf

    before = len(page.factor_traces)
    assert page.scale_by(page.values, tf.constant(4.0)).numpy().tolist() == [4.0, 8.0]
    assert len(page.factor_traces) == before  # a new value, the same trace
    # AutoGraph runs a converted copy: run the original body too, eagerly.
    assert page.scale_by.python_function(page.values, 3.0).numpy().tolist() == [3.0, 6.0]


def test_exercise_relaxed_trace_serves_any_length(page):
    import tensorflow as tf

    before = (len(page.default_shapes), len(page.relaxed_shapes))
    assert page.relaxed_vector_sum(tf.ones([7])).numpy() == 7.0
    assert len(page.relaxed_shapes) == before[1]
    assert page.vector_sum.python_function(tf.ones([3])).numpy() == 3.0
    assert page.relaxed_vector_sum.python_function(tf.ones([2])).numpy() == 2.0
    assert page.default_shapes[before[0]:] == [(3,)] and page.relaxed_shapes[before[1]:] == [(2,)]


def test_exercise_normalized_values_stay_within_one(page):
    import torch

    for arg in (page.x, page.x / 4, -3 * page.x):
        result = page.normalize_in_one_graph(arg)
        assert result.abs().max().item() <= 1.0
        torch.testing.assert_close(result, page.normalize(arg))
