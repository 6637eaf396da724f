"""Checks for the claims made on docs/foundations/eager-vs-graph.md (never a speed).

The outputs pin the trace and graph counts, the signature's refusal, the graph ops AutoGraph
produces and the graph-break counts; the page tests below add what the outputs do not
show, including the measurement command that `make bench` runs (at --fast sizes).
"""

import re

import pytest

from tooling.pages import ROOT

PAGE = "docs/foundations/eager-vs-graph.md"
RECORDED = ROOT / "snippets/foundations/measurements/eager_vs_graph.md"


def test_matching_calls_reuse_a_trace_and_new_python_floats_do_not(tf_page):
    import tensorflow as tf

    before = len(tf_page.traces)
    tf_page.scaled_sum(tf.constant([7.0, 8.0]), tf.constant(3.0))  # matches the first trace
    tf_page.scaled_sum(tf.constant([7.0, 8.0]), 2.0)  # a Python float seen before
    assert len(tf_page.traces) == before
    assert tf_page.scaled_sum(tf.constant([1.0, 2.0]), 3.0).numpy() == 9.0  # a new float: traced
    assert len(tf_page.traces) == before + 1


def test_input_signature_serves_every_length_with_one_trace(tf_page):
    import tensorflow as tf

    assert tf_page.total(tf.ones([50])).numpy() == 50.0
    assert len(tf_page.signature_traces) == 1


def collatz_python(n):
    steps, peak = 0, n
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        peak = max(peak, n)
        steps += 1
    return steps, peak


@pytest.mark.parametrize("n", [1, 6, 27])
def test_autograph_loop_computes_what_python_does(tf_page, n):
    import tensorflow as tf

    steps, peak = tf_page.collatz(tf.constant(n))
    assert (int(steps), int(peak)) == collatz_python(n)
    assert collatz_python(27) == (111, 9232)


def test_python_print_runs_at_trace_time_and_tf_print_at_run_time(tf_page, capsys):
    import tensorflow as tf

    lines_before = tf_page.log_file.read_text().count("\n")
    tf_page.noisy_double(tf.constant(5))  # same signature: no trace, so no Python print
    assert "Python print" not in capsys.readouterr().out
    assert tf_page.log_file.read_text().splitlines()[lines_before:] == ["tf.print, at run time: 5"]


def test_the_branch_free_version_agrees_on_both_branches(torch_page):
    import torch

    for arg in (torch_page.x, -torch_page.x):
        torch.testing.assert_close(torch_page.branch_free(arg), torch_page.branchy(arg))


def test_the_python_functions_give_the_same_results_eagerly(tf_page, capsys):
    # AutoGraph runs a converted copy of each function, so the original lines are also
    # run here, eagerly, through .python_function: same results as the graphs.
    import tensorflow as tf

    assert tf_page.scaled_sum.python_function(tf.constant([1.0, 2.0]), 3.0).numpy() == 9.0
    assert tf_page.total.python_function(tf.ones([4])).numpy() == 4.0
    steps, peak = tf_page.collatz.python_function(tf.constant(27))
    assert (int(steps), int(peak)) == (111, 9232)
    assert tf_page.noisy_double.python_function(tf.constant(4)).numpy() == 8
    assert "Python print, at trace time: tf.Tensor(4" in capsys.readouterr().out
    assert tf_page.log_file.read_text().splitlines()[-1] == "tf.print, at run time: 4"


def many_small_ops_numpy(x):
    import numpy as np

    for _ in range(20):
        x = np.tanh(x) * 0.9 + 0.1
    return x


def test_the_tf_small_op_function_computes_what_numpy_does(tf_page):
    import numpy as np
    import tensorflow as tf

    x = np.linspace(-2.0, 2.0, 256, dtype=np.float32)
    contenders = tf_page.tf_contenders()
    assert list(contenders) == ["TensorFlow eager", "TensorFlow tf.function"]
    for fn, arg in contenders.values():
        assert fn(tf.constant(x)).numpy() == pytest.approx(many_small_ops_numpy(x), abs=1e-6)
        assert arg.shape == (256,)


def test_the_torch_small_op_function_computes_what_numpy_does(torch_page):
    import numpy as np
    import torch

    x = np.linspace(-2.0, 2.0, 256, dtype=np.float32)
    contenders = torch_page.torch_contenders(fast=True)
    assert list(contenders) == ["PyTorch eager", "PyTorch torch.compile"]
    for fn, arg in contenders.values():
        assert fn(torch.from_numpy(x)).numpy() == pytest.approx(many_small_ops_numpy(x), abs=1e-6)
        assert arg.shape == (256,)


def test_machine_info_without_proc_cpuinfo(tf_page, monkeypatch):
    # No /proc/cpuinfo (macOS, Windows): the platform's name is used instead.
    real_exists = tf_page.Path.exists
    no_cpuinfo = lambda self: False if str(self) == "/proc/cpuinfo" else real_exists(self)  # noqa: E731
    monkeypatch.setattr(tf_page.Path, "exists", no_cpuinfo)
    info = tf_page.machine_info(tf_page.tf_versions)
    assert re.match(r"[^,]+, \d+ cores; Python [\d.]+, TensorFlow 2\.", info) and "model name" not in info


def test_without_record_nothing_is_written(tf_page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default --output is relative to the working folder
    assert tf_page.main([], tf_page.tf_contenders, tf_page.tf_versions) == 0
    assert list(tmp_path.iterdir()) == []


def check_record_command(page, make_contenders, versions, framework, tmp_path):
    # What `make bench` runs (`python -m snippets.foundations.eager_vs_graph --record`, which
    # passes both frameworks' rows), here one framework at a time, in that reading path's run,
    # with --fast (few calls, no C++ compilation) and a temporary --output.
    out = tmp_path / "sub" / "table.md"
    assert page.main(["--record", "--fast", "--output", str(out)], make_contenders, versions) == 0
    text = out.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (TensorFlow|PyTorch) [^|]+ \| [\d,]+ \|$", text, re.MULTILINE)
    assert rows == [framework, framework] and f"{framework} 2." in text and "Measured on:" in text


def test_tf_record_command_writes_a_markdown_table(tf_page, tmp_path):
    check_record_command(tf_page, tf_page.tf_contenders, tf_page.tf_versions, "TensorFlow", tmp_path)


def test_torch_record_command_writes_a_markdown_table(torch_page, tmp_path):
    check_record_command(torch_page, torch_page.torch_contenders, torch_page.torch_versions, "PyTorch", tmp_path)


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


def test_record_refuses_a_machine_that_is_not_quiet_and_writes_nothing(tf_page, tmp_path, capsys):
    out = tmp_path / "table.md"
    busy = BusyMachine(tf_page)
    argv = ["--record", "--output", str(out)]
    assert tf_page.main(argv, tf_page.tf_contenders, tf_page.tf_versions, quiet=busy) == 2
    assert not out.exists() and busy.kernel_checks == 3  # three tries, each refused
    assert "not measured, nothing written: the calibration kernel ran 2.00x" in capsys.readouterr().err


def test_recorded_measurements_exist_and_are_included_by_the_page():
    text = RECORDED.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (TensorFlow|PyTorch) [^|]+ \| [\d,]+ \|$", text, re.MULTILINE)
    assert len(rows) == 4
    assert re.search(r"\d+ cores; Python 3\.\d+", text) and "TensorFlow 2." in text
    markdown = (ROOT / PAGE).read_text(encoding="utf-8")
    assert '\n--8<-- "snippets/foundations/measurements/eager_vs_graph.md"\n' in markdown


def test_branch_free_and_compiled_functions_match_branchy(torch_page):
    import torch

    assert torch_page.report.graph_count == 1  # branch_free: one graph
    assert torch.equal(torch_page.branchy(torch_page.x), torch_page.branch_free(torch_page.x))
    for sign in (1, -1):
        torch.testing.assert_close(torch_page.compiled(sign * torch_page.x), torch_page.branchy(sign * torch_page.x))


def test_exercise_tensor_factors_share_one_trace(tf_page):
    import tensorflow as tf

    before = len(tf_page.factor_traces)
    assert tf_page.scale_by(tf_page.values, tf.constant(4.0)).numpy().tolist() == [4.0, 8.0]
    assert len(tf_page.factor_traces) == before  # a new value, the same trace
    # AutoGraph runs a converted copy: run the original body too, eagerly.
    assert tf_page.scale_by.python_function(tf_page.values, 3.0).numpy().tolist() == [3.0, 6.0]


def test_exercise_relaxed_trace_serves_any_length(tf_page):
    import tensorflow as tf

    before = (len(tf_page.default_shapes), len(tf_page.relaxed_shapes))
    assert tf_page.relaxed_vector_sum(tf.ones([7])).numpy() == 7.0
    assert len(tf_page.relaxed_shapes) == before[1]
    assert tf_page.vector_sum.python_function(tf.ones([3])).numpy() == 3.0
    assert tf_page.relaxed_vector_sum.python_function(tf.ones([2])).numpy() == 2.0
    assert tf_page.default_shapes[before[0]:] == [(3,)] and tf_page.relaxed_shapes[before[1]:] == [(2,)]


def test_exercise_normalized_values_stay_within_one(torch_page):
    import torch

    for arg in (torch_page.x, torch_page.x / 4, -3 * torch_page.x):
        result = torch_page.normalize_in_one_graph(arg)
        assert result.abs().max().item() <= 1.0
        torch.testing.assert_close(result, torch_page.normalize(arg))


def test_torch_recompiles_once_for_a_new_length_then_uses_a_symbolic_size(torch_page):
    import torch

    captured = torch_page.captured
    assert torch_page.sums == [2.0, 3.0, 4.0, 5.0]
    assert len(captured) == 2 and captured[0] == [(2,)]
    (size,) = captured[1][0]
    assert isinstance(size, torch.SymInt)  # the second graph takes the length as a symbol
    # (No reuse checks here: the page's later explain() calls reset Dynamo's caches.)
    assert torch_page.compiled_sum(torch.ones(9)).item() == 9.0
    assert torch_page.vector_sum_pt(torch.ones(3)).item() == 3.0  # the original, eagerly


def test_torch_dynamic_true_serves_every_length_with_one_graph(torch_page):
    import torch

    assert len(torch_page.dynamic_graphs) == 1
    assert isinstance(torch_page.dynamic_graphs[0][0][0], torch.SymInt)
    assert torch_page.dynamic_sum(torch.ones(50)).item() == 50.0


def test_torch_print_breaks_the_graph_and_runs_on_every_call(torch_page, capsys):
    import torch

    assert len(torch_page.print_graphs) == 2  # the graphs before and after the print
    assert torch_page.noisy_compiled(torch.tensor([5.0])).tolist() == [11.0]
    assert capsys.readouterr().out == "Python print, at run time: tensor([10.])\n"


def test_xla_matches_eager_execution(tf_page):
    import numpy as np

    x = tf_page.x_chain.numpy()
    for _ in range(5):
        x = np.tanh(x) * 0.9 + 0.1
    assert tf_page.xla_chain(tf_page.x_chain).numpy() == pytest.approx(x, abs=1e-5)
    assert float(tf_page.difference) < 1e-5


def test_exercise_torch_python_floats_then_tensors(torch_page):
    import torch

    graphs = torch_page.factor_graphs
    assert graphs == [[(2,)], [(2,), ()], [(2,), ()]]  # constant, float input, tensor input
    assert torch_page.compiled_scale(torch_page.values_pt, 4.0).tolist() == [4.0, 8.0]
    assert torch_page.compiled_scale(torch_page.values_pt, torch.tensor(3.0)).tolist() == [3.0, 6.0]
    assert torch_page.scale_by_pt(torch_page.values_pt, 2.0).tolist() == [2.0, 4.0]


def test_exercise_torch_static_and_default_lengths(torch_page):
    import torch

    assert torch_page.static_shapes == [[(2,)], [(3,)], [(4,)], [(5,)]]
    assert len(torch_page.default_shapes_pt) == 2
    assert torch_page.static_length_sum(torch.ones(2)).item() == 2.0
    assert torch_page.default_length_sum(torch.ones(2)).item() == 2.0


def test_exercise_tf_branch_free_normalize(tf_page):
    import tensorflow as tf

    for arg in (tf_page.x_tf, tf_page.x_tf / 4, -3 * tf_page.x_tf):
        result = tf_page.normalize_tf_in_one_graph(arg)
        assert float(tf.reduce_max(tf.abs(result))) <= 1.0
        assert result.numpy().tolist() == pytest.approx(tf_page.normalize_tf(arg).numpy().tolist())
        graph_result = tf.function(tf_page.normalize_tf)(arg)
        assert graph_result.numpy().tolist() == pytest.approx(result.numpy().tolist())


def test_a_tf_function_that_makes_a_variable_on_every_run_fails_on_its_first_call(tf_page):
    tf = tf_page.tf

    @tf.function
    def fresh_variable_each_time(x):
        return tf.Variable(1.0) * x

    with pytest.raises(ValueError, match=r"singleton tf\.Variables created on the first call"):
        fresh_variable_each_time(tf.constant(1.0))


def test_the_collatz_loop_body_holds_the_conditional(tf_page):
    assert tf_page.loop.type == "StatelessWhile"
    assert "StatelessIf" in {node.op for node in tf_page.body.node_def}
    assert not any("If" in op.type for op in tf_page.loop.graph.get_operations())


def test_noisy_double_prints_and_computes_eagerly(torch_page, capsys):
    """Dynamo runs a transformed copy of the bytecode: call the original too."""
    import torch

    assert torch_page.noisy_double_pt(torch.tensor([1.0])).tolist() == [3.0]
    assert "Python print, at run time:" in capsys.readouterr().out


def test_record_measures_on_a_quiet_machine_and_writes_the_table(tf_page, tmp_path, monkeypatch):
    class Quiet:
        def calibrate(self):
            pass

        def check(self, kernel=True):
            pass

    monkeypatch.setitem(tf_page.record.__globals__, "measure", lambda contenders, fast, check: {"f": 12.0})
    out = tmp_path / "table.md"
    tf_page.record(out, tf_page.tf_contenders, tf_page.tf_versions, quiet=Quiet())
    assert "| f | 12 |" in out.read_text(encoding="utf-8")
