"""Checks for docs/performance/profiling.md: threads, timings' spread, profiles and traces.

The tests run inside the page's run. Times are never compared with each other: the only
timing asserts are floors that hold by construction (a loop that runs until a time has
passed, a function that sleeps).
"""

import json
import re

import pytest

PAGE = "docs/performance/profiling.md"


@pytest.mark.parametrize(("cores", "workers"), [(1, 0), (4, 1), (4, 4), (4, 9), (16, 3)])
def test_threads_plus_workers_never_exceed_the_cores_unless_one_thread_is_left(tf_page, cores, workers):
    threads = tf_page.intra_op_threads(cores, workers)
    assert threads >= 1
    assert threads + workers <= cores or threads == 1


def test_tensorflow_keeps_the_thread_counts_set_before_the_first_operation(tf_page):
    tf = tf_page.tf
    assert tf.config.threading.get_intra_op_parallelism_threads() == 2
    assert tf.config.threading.get_inter_op_parallelism_threads() == 1


def test_the_dataset_reports_the_thread_count_of_the_process_reading_it(torch_page):
    assert torch_page.torch.get_num_threads() == 1
    assert torch_page.WorkerThreads(3)[0] == 1 and len(torch_page.WorkerThreads(3)) == 3


@pytest.mark.parametrize("name", ["quiet", "busy"])
def test_the_hand_computed_summary_matches_torch_measurement(torch_page, name):
    blocks = getattr(torch_page, name)
    median, iqr, mean = torch_page.summary(blocks, 100)
    spec = torch_page.benchmark.TaskSpec("x @ x", "pass")
    measurement = torch_page.benchmark.Measurement(100, blocks, spec)
    assert median == pytest.approx(measurement.median * 1e6, abs=0.01)
    assert iqr == pytest.approx(measurement.iqr * 1e6, abs=0.01)
    assert mean == pytest.approx(measurement.mean * 1e6, abs=0.01)
    # Three slow blocks of eight: the median stays put, the mean does not.
    assert measurement.has_warnings == (name == "busy")


def test_the_busy_blocks_move_the_mean_but_hardly_the_median(tf_page):
    quiet_median, quiet_iqr, quiet_mean = tf_page.summary(tf_page.quiet, 100)
    busy_median, busy_iqr, busy_mean = tf_page.summary(tf_page.busy, 100)
    assert abs(busy_median - quiet_median) < 1
    assert busy_mean - quiet_mean > 20
    assert busy_iqr / busy_median > 0.25 > 0.1 > quiet_iqr / quiet_median


def test_blocked_autorange_timed_for_at_least_min_run_time_with_one_thread(torch_page):
    blocked, adaptive = torch_page.blocked, torch_page.adaptive
    assert sum(blocked.raw_times) >= 0.1
    assert blocked.median > 0 and blocked.iqr >= 0
    assert blocked.task_spec.num_threads == adaptive.task_spec.num_threads == 1
    # adaptive_autorange stops when the spread is small enough, or at max_run_time.
    assert len(adaptive.times) >= 1
    assert adaptive.meets_confidence(0.1) or sum(adaptive.raw_times) >= 0.3 - 0.1


def test_the_profile_folder_holds_one_xplane_file_named_after_the_host(tf_page):
    import socket
    from pathlib import Path

    files = [p for p in Path(tf_page.logdir).rglob("*") if p.is_file()]
    assert len(files) == 1
    relative = files[0].relative_to(tf_page.logdir)
    assert relative.parts[:2] == ("plugins", "profile")
    assert re.fullmatch(r"\d{4}(_\d{2}){5}", relative.parts[2])  # the date and time
    assert relative.name == f"{socket.gethostname()}.xplane.pb"


def test_the_profile_counts_one_step_per_batch_and_one_pyfunc_per_element(tf_page):
    assert tf_page.names["train_step"] == 4
    assert tf_page.names["PyFunc:PyFunc"] == 64
    assert "Iterator::Root::Prefetch::MapAndBatch" in tf_page.names


def test_reading_with_the_sequential_slow_map_takes_at_least_the_sleeps(tf_page):
    timings = tf_page.timings
    assert set(timings) == {"training", "reading only", "reading, no map", "reading, parallel map"}
    assert timings["training"] >= 64 * 0.002
    assert timings["reading only"] >= 64 * 0.002
    assert all(seconds > 0 for seconds in timings.values())


def test_every_pipeline_delivers_the_same_batches(tf_page):
    import numpy as np

    tf = tf_page.tf

    def batches(dataset):
        return [x.numpy() for x, _ in dataset]

    reference = batches(tf_page.pipeline())
    for pipeline in (tf_page.pipeline(tf_page.augment), tf_page.pipeline(tf_page.augment, tf.data.AUTOTUNE)):
        got = batches(pipeline)
        assert len(got) == len(reference) == 4
        for a, b in zip(got, reference, strict=True):
            np.testing.assert_array_equal(a, b)


def test_the_table_shows_eight_operators_with_their_call_counts(torch_page):
    lines = torch_page.table.splitlines()
    rows = lines[3 : lines.index(lines[0], 3)]  # between the second and third rule
    assert len(rows) == 8
    counts = set(torch_page.calls.values())
    assert all(int(row.split()[-1]) in counts for row in rows)


def test_the_trace_holds_every_profiled_call(torch_page):
    events = json.loads(torch_page.trace_file.read_text())["traceEvents"]
    addmm = [e for e in events if e.get("name") == "aten::addmm"]
    assert len(addmm) == torch_page.calls["aten::addmm"] == 6
    assert {tuple(map(tuple, e["args"]["Input Dims"][1:3])) for e in addmm} == {
        ((32, 64), (64, 256)),
        ((32, 256), (256, 10)),
    }
    # ts and dur are microseconds: the three steps took less than a minute.
    spans = torch_page.spans
    assert len(spans) == 6
    assert all(0 < s["dur"] < 60e6 for s in spans)


def test_inside_is_true_only_for_events_within_the_span(torch_page):
    span = {"ts": 10.0, "dur": 5.0}
    assert torch_page.inside({"ts": 10.0, "dur": 5.0}, span)
    assert torch_page.inside({"ts": 11.0, "dur": 1.0}, span)
    assert not torch_page.inside({"ts": 9.0, "dur": 2.0}, span)
    assert not torch_page.inside({"ts": 14.0, "dur": 2.0}, span)


def test_every_addmm_runs_inside_a_linear_call(torch_page):
    events = json.loads(torch_page.trace_file.read_text())["traceEvents"]
    linear = [e for e in events if e.get("name") == "aten::linear"]
    addmm = [e for e in events if e.get("name") == "aten::addmm"]
    assert len(linear) == len(addmm) == 6
    assert all(any(torch_page.inside(a, span) for span in linear) for a in addmm)


def test_the_functions_behind_the_pipeline_and_the_graph_run_eagerly(tf_page):
    # tf.data and tf.function run converted copies of these functions; called directly
    # they run line by line: the same results, and coverage sees their lines.
    import numpy as np

    tf = tf_page.tf
    row = np.arange(32, dtype=np.float32)
    assert tf_page.slow_augment(row) is row
    x, y = tf_page.augment(tf_page.features[0], tf_page.targets[0])  # eager: numpy_function runs now
    np.testing.assert_array_equal(x.numpy(), tf_page.features[0].numpy())
    assert x.shape == (32,) and y.numpy() == tf_page.targets[0].numpy()
    before = tf_page.w.numpy()
    try:
        loss = tf_page.train_step.python_function(tf_page.features[:16], tf_page.targets[:16])
        assert float(loss) > 0 and not np.array_equal(tf_page.w.numpy(), before)
    finally:
        tf_page.w.assign(tf.constant(before))  # leave the page's weights as the page left them
