"""Finding the bottleneck: the code of docs/performance/profiling.md.

Run it as a program with ``python -m snippets.performance.profiling``. A
DataLoader worker, started with spawn, imports ``WorkerThreads`` from this
module, so the module defines that class at the top level and runs nothing
else at import: the page's code is the function ``main``, called under
``if __name__ == "__main__"``. Timings are computed but never printed; what
is printed (op names, call counts, file names, shapes) is the same on every
run.
"""

# --8<-- [start:worker_threads]
import torch


class WorkerThreads:
    """A dataset whose items are the intra-op thread count of the process
    that reads them: the main process, or a DataLoader worker."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return torch.get_num_threads()
        # --8<-- [end:worker_threads]


def main():
    # --8<-- [start:plan]
    def intra_op_threads(cores, workers=0):
        """Threads for the main process's pool, given physical cores and
        data-loading worker processes (each keeps about one core busy)."""
        return max(1, cores - workers)

    for cores, workers in [(8, 0), (8, 3), (8, 8), (2, 1)]:
        threads = intra_op_threads(cores, workers)
        print(f"cores={cores} workers={workers} -> intra-op threads={threads}")
    # --8<-- [end:plan]

    # --8<-- [start:tf_threads]
    import tensorflow as tf

    # Before TensorFlow runs its first operation: the pools are made then.
    tf.config.threading.set_intra_op_parallelism_threads(intra_op_threads(2))
    tf.config.threading.set_inter_op_parallelism_threads(1)
    print("intra-op:", tf.config.threading.get_intra_op_parallelism_threads())
    print("inter-op:", tf.config.threading.get_inter_op_parallelism_threads())

    tf.add(1.0, 1.0)  # the first operation creates the thread pools
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
    except RuntimeError as err:
        print("RuntimeError:", err)
    # --8<-- [end:tf_threads]

    # --8<-- [start:torch_threads]
    import torch
    from torch.utils.data import DataLoader

    # Spawned workers import the dataset class: take it from a module.
    from snippets.performance.profiling import WorkerThreads

    torch.set_num_threads(intra_op_threads(cores=2, workers=1))
    loader = DataLoader(
        WorkerThreads(2),
        batch_size=None,
        num_workers=1,
        multiprocessing_context="spawn",
    )
    print("main process:", torch.get_num_threads(), "intra-op thread")
    print("worker, per item:", list(loader))
    # --8<-- [end:torch_threads]

    # --8<-- [start:spread]
    import statistics

    def summary(block_seconds, runs_per_block):
        """Median, interquartile range and mean of the time of one run."""
        times = [seconds / runs_per_block for seconds in block_seconds]
        q1, _, q3 = statistics.quantiles(times, n=4, method="inclusive")
        stats = [statistics.median(times), q3 - q1, statistics.mean(times)]
        return [round(value * 1e6, 2) for value in stats]

    # Eight blocks of 100 runs each; on the busy machine, three blocks
    # shared the CPU with another program.
    quiet = [0.0101, 0.0100, 0.0102, 0.0100, 0.0099, 0.0101, 0.0100, 0.0103]
    busy = [0.0101, 0.0100, 0.0163, 0.0100, 0.0142, 0.0101, 0.0210, 0.0100]
    print("          median, IQR, mean (us)")
    print("quiet:", summary(quiet, 100))
    print("busy: ", summary(busy, 100))
    # --8<-- [end:spread]

    # --8<-- [start:torch_timer]
    from torch.utils import benchmark

    x = torch.randn(128, 128, generator=torch.Generator().manual_seed(0))
    timer = benchmark.Timer(stmt="x @ x", globals={"x": x}, label="matmul")
    blocked = timer.blocked_autorange(min_run_time=0.1)
    adaptive = timer.adaptive_autorange(threshold=0.1, max_run_time=0.3)
    for method, measurement in [("blocked", blocked), ("adaptive", adaptive)]:
        spec = measurement.task_spec
        print(f"{method}: {spec.stmt!r} with {spec.num_threads} thread")
    # --8<-- [end:torch_timer]

    # --8<-- [start:torch_measurement]
    for name, block_seconds in [("quiet", quiet), ("busy", busy)]:
        spec = benchmark.TaskSpec(
            "x @ x",
            "pass",
            label="matmul",
            description=f"{name} machine",
        )
        measurement = benchmark.Measurement(100, block_seconds, spec)
        # repr's first line is the object's address: skip it.
        print(repr(measurement).split("\n", 1)[1])
    # --8<-- [end:torch_measurement]

    # --8<-- [start:tf_profile]
    import socket
    import tempfile
    import time
    from pathlib import Path

    features = tf.random.stateless_normal((64, 32), seed=(0, 0))
    targets = tf.random.stateless_normal((64, 1), seed=(0, 1))
    w = tf.Variable(tf.zeros((32, 1)))

    def slow_augment(x):  # stands for a costly decoding step, in Python
        time.sleep(0.002)
        return x

    def augment(x, y):
        x = tf.numpy_function(slow_augment, [x], tf.float32)
        x.set_shape([32])  # numpy_function forgets the static shape
        return x, y

    dataset = tf.data.Dataset.from_tensor_slices((features, targets))
    dataset = dataset.map(augment).batch(16).prefetch(1)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(x @ w - y))
        w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    train_step(features[:16], targets[:16])  # trace it before profiling
    logdir = tempfile.mkdtemp(prefix="tf-profile-")
    tf.profiler.experimental.start(logdir)
    for x, y in dataset:  # one epoch: 4 batches of 16
        train_step(x, y)
    tf.profiler.experimental.stop()

    for path in sorted(Path(logdir).rglob("*")):
        if path.is_file():
            shown = path.relative_to(logdir).as_posix()
            shown = shown.replace(path.parent.name, "<date_time>")
            print(shown.replace(f"/{socket.gethostname()}.", "/<host>."))
    # --8<-- [end:tf_profile]

    # --8<-- [start:tf_xplane]
    from collections import Counter

    # The file is an XSpace protocol buffer; TensorFlow ships its definition.
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    xplane_file = next(Path(logdir).rglob("*.xplane.pb"))
    space = xplane_pb2.XSpace.FromString(xplane_file.read_bytes())
    host = next(plane for plane in space.planes if plane.name == "/host:CPU")
    events = [event for line in host.lines for event in line.events]
    names = Counter(host.event_metadata[e.metadata_id].name for e in events)
    print("train_step:", names["train_step"], "events")
    print("PyFunc (slow_augment):", names["PyFunc:PyFunc"], "events")
    for name in sorted(names):
        if name.startswith("Iterator::"):  # the pipeline's stages
            print(name)
    # --8<-- [end:tf_xplane]

    # --8<-- [start:tf_data]
    def seconds_per_epoch(dataset, step=None):
        """Time one pass over ``dataset``, with or without the model."""
        start = time.perf_counter()
        for x, y in dataset:
            if step is not None:
                step(x, y)
        return time.perf_counter() - start

    def pipeline(map_function=None, parallel=None):
        data = tf.data.Dataset.from_tensor_slices((features, targets))
        if map_function is not None:
            data = data.map(map_function, num_parallel_calls=parallel)
        return data.batch(16).prefetch(1)

    timings = {}  # seconds per epoch: print them on your machine
    timings["training"] = seconds_per_epoch(pipeline(augment), train_step)
    timings["reading only"] = seconds_per_epoch(pipeline(augment))
    timings["reading, no map"] = seconds_per_epoch(pipeline())
    parallel_map = pipeline(augment, parallel=tf.data.AUTOTUNE)
    timings["reading, parallel map"] = seconds_per_epoch(parallel_map)
    # --8<-- [end:tf_data]

    # --8<-- [start:torch_profile]
    import os

    from torch import nn
    from torch.profiler import ProfilerActivity, profile, record_function

    # torch 2.13's profiler logs "profiler_start"/"profiler_stop" to stderr;
    # level 6 is above all of its log levels. Read at its first start.
    os.environ["KINETO_LOG_LEVEL"] = "6"

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    inputs = torch.randn(32, 64)

    def train_step():
        model.zero_grad()
        with record_function("forward"):  # a named span in the profile
            loss = model(inputs).square().mean()
        with record_function("backward"):
            loss.backward()

    train_step()  # warm up outside the profile: first calls cost extra
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(3):
            train_step()

    averages = prof.key_averages()
    table = averages.table(sort_by="self_cpu_time_total", row_limit=8)
    header = table.splitlines()[1]  # the rows below it hold times
    print([column.strip() for column in header.split("  ") if column.strip()])
    calls = {event.key: event.count for event in averages}
    shown = ["forward", "backward", "aten::linear", "aten::addmm", "aten::relu"]
    for name in [*shown, "AddmmBackward0", "aten::mm"]:
        print(f"{name:15} {calls[name]} calls")
    # --8<-- [end:torch_profile]

    # --8<-- [start:torch_shapes]
    by_shape = prof.key_averages(group_by_input_shape=True)
    for event in by_shape:
        if event.key == "aten::addmm":
            print(event.key, event.input_shapes, event.count, "calls")
    # --8<-- [end:torch_shapes]

    # --8<-- [start:torch_trace]
    import json
    import tempfile
    from collections import Counter
    from pathlib import Path

    trace_file = Path(tempfile.mkdtemp(prefix="torch-trace-"), "steps.json")
    prof.export_chrome_trace(str(trace_file))
    events = json.loads(trace_file.read_text())["traceEvents"]
    spans = [e for e in events if e.get("cat") == "user_annotation"]
    ops = [e for e in events if e.get("cat") == "cpu_op"]
    print(Counter(span["name"] for span in spans))
    print(sorted(ops[0]))  # keys of one event: ts and dur are microseconds

    def inside(event, span):
        end, span_end = event["ts"] + event["dur"], span["ts"] + span["dur"]
        return span["ts"] <= event["ts"] and end <= span_end

    for span in spans[:2]:  # the first step's forward and backward
        names = Counter(op["name"] for op in ops if inside(op, span))
        addmm, mm = names["aten::addmm"], names["aten::mm"]
        print(f"{span['name']} contains {addmm} aten::addmm, {mm} aten::mm")
    # --8<-- [end:torch_trace]


if __name__ == "__main__":
    main()
