"""Eager execution and graphs: code of docs/foundations/eager-vs-graph.md.

Run it as a program with ``python -m snippets.foundations.eager_vs_graph``; with
``--record`` it also measures eager against compiled code and writes
snippets/foundations/measurements/eager_vs_graph.md.
"""

# --8<-- [start:tf_tracing]
import tensorflow as tf

traces = []  # a Python side effect: runs only while tracing


@tf.function
def scaled_sum(x, scale):
    traces.append((x.shape, scale))
    return tf.reduce_sum(x) * scale


scaled_sum(tf.constant([1.0, 2.0]), tf.constant(2.0))
scaled_sum(tf.constant([3.0, 4.0]), tf.constant(5.0))  # same signature
print("traces after two float tensors of shape (2,):", len(traces))
scaled_sum(tf.constant([1.0, 2.0, 3.0]), tf.constant(2.0))  # new shape
print("after a tensor of shape (3,):", len(traces))
for scale in [1.0, 2.0]:  # Python numbers are baked into the graph
    scaled_sum(tf.constant([1.0, 2.0]), scale)
print("after two different Python floats:", len(traces))
# --8<-- [end:tf_tracing]


# --8<-- [start:torch_capture]
import torch
import torch._dynamo


def counting_backend(graphs):
    """A torch.compile backend that records the input shapes of each graph
    it is given, then runs the graph unchanged."""

    def backend(graph_module, example_inputs):
        inputs = graph_module.graph.find_nodes(op="placeholder")
        values = [node.meta["example_value"] for node in inputs]
        graphs.append([tuple(v.shape) for v in values
                       if isinstance(v, torch.Tensor)])
        return graph_module.forward

    return backend


def vector_sum_pt(v):
    return v.sum()


captured = []  # one entry per graph Dynamo captures
compiled_sum = torch.compile(vector_sum_pt, backend=counting_backend(captured))
sums = [compiled_sum(torch.ones(n)).item() for n in [2, 3, 4, 5]]
print("sums:", sums)
print(len(captured), "graphs, input shapes:", captured)
# --8<-- [end:torch_capture]


# --8<-- [start:tf_signature]
signature_traces = []


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def total(x):
    signature_traces.append(x.shape)
    return tf.reduce_sum(x)


for n in [2, 3, 10]:
    total(tf.ones([n]))
print(len(signature_traces), signature_traces[0])  # one trace, shape (None,)
try:
    total(tf.ones([2, 2]))  # does not match the signature
except TypeError as err:
    print("TypeError:", str(err).split(" due to")[0])
# --8<-- [end:tf_signature]


# --8<-- [start:torch_dynamic]
dynamic_graphs = []
dynamic_sum = torch.compile(vector_sum_pt, dynamic=True,
                            backend=counting_backend(dynamic_graphs))
for n in [2, 3, 10]:
    dynamic_sum(torch.ones(n))
print(len(dynamic_graphs), "graph, input shapes:", dynamic_graphs)
# --8<-- [end:torch_dynamic]


# --8<-- [start:tf_autograph]
@tf.function
def collatz(n):
    """Steps for n to reach 1 (halve if even, else 3n + 1), and the peak."""
    steps, peak = tf.constant(0), n
    while n != 1:  # a Python while on a tensor becomes a graph loop
        if n % 2 == 0:  # and this if becomes a graph conditional
            n = n // 2
        else:
            n = 3 * n + 1
            peak = tf.maximum(peak, n)
        steps += 1
    return steps, peak


print([int(t) for t in collatz(tf.constant(27))])
# The Python code AutoGraph generated: control flow became function calls.
generated = tf.autograph.to_code(collatz.python_function)
print([line.strip().split("(")[0] for line in generated.splitlines()
       if "_stmt(" in line])
# The traced graph: a loop op; its body is a function holding the If op.
graph = collatz.get_concrete_function(tf.constant(27)).graph
print(sorted({op.type for op in graph.get_operations()}))
loop = next(op for op in graph.get_operations() if op.type == "StatelessWhile")
library = {f.signature.name: f for f in graph.as_graph_def().library.function}
body = library[loop.get_attr("body").name]  # the loop body's own function
print(sorted({node.op for node in body.node_def}))
# --8<-- [end:tf_autograph]


# --8<-- [start:torch_graph_breaks]
def branchy(x):
    y = torch.sin(x) * 2
    if y.sum() > 0:  # a branch on a tensor's VALUE: unknown while tracing
        return torch.cos(y)
    return -y


def branch_free(x):
    y = torch.sin(x) * 2
    return torch.where(y.sum() > 0, torch.cos(y), -y)  # both sides, one graph


x = torch.linspace(-1.0, 2.0, 8)
for fn in [branchy, branch_free]:
    report = torch._dynamo.explain(fn)(x)
    print(f"{fn.__name__}: {report.graph_count} graphs, "
          f"{report.graph_break_count} breaks")
difference = (branchy(x) - branch_free(x)).abs().max().item()
print(f"largest difference from branchy: {difference:.1e}")

# fullgraph=True turns a graph break into an error that explains it.
try:
    torch.compile(branchy, fullgraph=True, backend="eager")(x)
except torch._dynamo.exc.Unsupported as err:
    print(err.gb_type)
    for line in str(err).splitlines():
        if line.lstrip().startswith(("Explanation:", "Hint:")):
            print(" ", line.strip())
# --8<-- [end:torch_graph_breaks]


# --8<-- [start:tf_print]
import tempfile
from pathlib import Path

# tf.print writes from C++ (to stderr by default); here it writes to a file.
log_file = Path(tempfile.mkdtemp()) / "tf_print.log"


@tf.function
def noisy_double(x):
    print("Python print, at trace time:", x)
    tf.print("tf.print, at run time:", x, output_stream=f"file://{log_file}")
    return 2 * x


noisy_double(tf.constant(1))
noisy_double(tf.constant(2))
print(log_file.read_text(), end="")
# --8<-- [end:tf_print]


# --8<-- [start:torch_print]
def noisy_double_pt(x):
    y = 2 * x
    print("Python print, at run time:", y)  # Dynamo cannot capture it
    return y + 1


print_graphs = []
noisy_compiled = torch.compile(noisy_double_pt,
                               backend=counting_backend(print_graphs))
noisy_compiled(torch.tensor([1.0]))
noisy_compiled(torch.tensor([2.0]))
print("graphs:", len(print_graphs))  # the print splits the function in two
# --8<-- [end:torch_print]


# --8<-- [start:tf_xla]
def tanh_chain(x):
    for _ in range(5):
        x = tf.tanh(x) * 0.9 + 0.1
    return x


xla_chain = tf.function(tanh_chain, jit_compile=True)  # XLA compiles it
x_chain = tf.linspace(-2.0, 2.0, 256)
difference = tf.reduce_max(tf.abs(xla_chain(x_chain) - tanh_chain(x_chain)))
print(f"largest difference from eager: {float(difference):.1e}")
# --8<-- [end:tf_xla]


# --8<-- [start:torch_compile]
torch._dynamo.reset()  # forget what explain() compiled above
compiled = torch.compile(branchy, backend="eager")  # capture only, no codegen
# The largest difference from the uncompiled function, on both branches:
print(f"{(compiled(x) - branchy(x)).abs().max().item():.1e}")
gap = (compiled(-x) - branchy(-x)).abs().max().item()  # the other branch
print(f"{gap:.1e}")
# --8<-- [end:torch_compile]


# --8<-- [start:tf_exercise_1]
factor_traces = []


@tf.function
def scale_by(values, factor):
    factor_traces.append(factor)
    return values * factor


values = tf.constant([1.0, 2.0])
for factor in [0.5, 1.5, 2.5]:
    scale_by(values, factor)  # a Python float: a new trace for each value
print("three Python floats:", len(factor_traces), "traces")
for factor in [0.5, 1.5, 2.5]:
    scale_by(values, tf.constant(factor))  # a tensor: one trace serves all
print("three float tensors:", len(factor_traces) - 3, "trace")
print("what that trace saw:", factor_traces[-1])
# --8<-- [end:tf_exercise_1]


# --8<-- [start:torch_exercise_1]
def scale_by_pt(values, factor):
    return values * factor


factor_graphs = []
compiled_scale = torch.compile(scale_by_pt,
                               backend=counting_backend(factor_graphs))
values_pt = torch.tensor([1.0, 2.0])
for factor in [0.5, 1.5, 2.5]:
    compiled_scale(values_pt, factor)  # a Python float
print("three Python floats:", len(factor_graphs), "graphs", factor_graphs)
before = len(factor_graphs)
for factor in [0.5, 1.5, 2.5]:
    compiled_scale(values_pt, torch.tensor(factor))  # a tensor
print("three float tensors:", len(factor_graphs) - before, "graph",
      factor_graphs[before:])
# --8<-- [end:torch_exercise_1]


# --8<-- [start:tf_exercise_2]
default_shapes, relaxed_shapes = [], []


@tf.function
def vector_sum(v):
    default_shapes.append(tuple(v.shape))
    return tf.reduce_sum(v)


@tf.function(reduce_retracing=True)
def relaxed_vector_sum(v):
    relaxed_shapes.append(tuple(v.shape))
    return tf.reduce_sum(v)


for n in [2, 3, 4, 5]:
    vector_sum(tf.ones([n]))
    relaxed_vector_sum(tf.ones([n]))
print("default:", len(default_shapes), "traces", default_shapes)
print("reduce_retracing:", len(relaxed_shapes), "traces", relaxed_shapes)
# --8<-- [end:tf_exercise_2]


# --8<-- [start:torch_exercise_2]
def static_length_sum(v):
    return v.sum()


def default_length_sum(v):
    return v.sum()


static_shapes, default_shapes_pt = [], []
static_sum = torch.compile(static_length_sum, dynamic=False,
                           backend=counting_backend(static_shapes))
default_sum = torch.compile(default_length_sum,
                            backend=counting_backend(default_shapes_pt))
for n in [2, 3, 4, 5]:
    static_sum(torch.ones(n))
    default_sum(torch.ones(n))
print("dynamic=False:", len(static_shapes), "graphs", static_shapes)
print("default:", len(default_shapes_pt), "graphs", default_shapes_pt)
# --8<-- [end:torch_exercise_2]


# --8<-- [start:tf_exercise_3_given]
def normalize_tf(x):
    if tf.reduce_max(tf.abs(x)) > 1:
        return x / tf.reduce_max(tf.abs(x))
    return x
# --8<-- [end:tf_exercise_3_given]


# --8<-- [start:torch_exercise_3_given]
def normalize(x):
    if x.abs().max() > 1:
        return x / x.abs().max()
    return x
# --8<-- [end:torch_exercise_3_given]


# --8<-- [start:tf_exercise_3]
def normalize_tf_in_one_graph(x):
    peak = tf.reduce_max(tf.abs(x))
    return tf.where(peak > 1, x / peak, x)  # computes both, picks one


x_tf = tf.linspace(-1.0, 2.0, 8)
for fn in [normalize_tf, normalize_tf_in_one_graph]:
    graph = tf.function(fn).get_concrete_function(x_tf).graph
    chosen = sorted({op.type for op in graph.get_operations()
                     if "If" in op.type or "Select" in op.type})
    print(f"{fn.__name__}: {chosen}")
for arg in [x_tf, x_tf / 4]:  # peak 2.0, then 0.5: both branches
    difference = tf.reduce_max(
        tf.abs(normalize_tf(arg) - normalize_tf_in_one_graph(arg)))
    peak = float(tf.reduce_max(tf.abs(arg)))
    print(f"peak {peak}: difference {float(difference):.1e}")
# --8<-- [end:tf_exercise_3]


# --8<-- [start:torch_exercise_3]
def normalize_in_one_graph(x):
    peak = x.abs().max()
    return torch.where(peak > 1, x / peak, x)  # computes both, picks one


for fn in [normalize, normalize_in_one_graph]:
    explained = torch._dynamo.explain(fn)(x)
    print(f"{fn.__name__}: {explained.graph_count} graphs, "
          f"{explained.graph_break_count} breaks")
for arg in [x, x / 4]:  # peak 2.0, then 0.5: both branches
    difference = (normalize(arg) - normalize_in_one_graph(arg)).abs().max()
    print(f"peak {arg.abs().max().item()}: difference {difference.item():.1e}")
# --8<-- [end:torch_exercise_3]


# --8<-- [start:measure]
import argparse
import gc
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

# The quiet-machine check of the Performance pages: other processes' CPU
# time and a calibration kernel, judged before every round.
from snippets.performance.run import MachineBusy, QuietMachine, quietly


def per_call_us(fn, arg, calls):
    gc.disable()  # a garbage collection in the middle would be timed too
    try:
        start = time.perf_counter()
        for _ in range(calls):
            fn(arg)
        return (time.perf_counter() - start) / calls * 1e6
    finally:
        gc.enable()


def measure(contenders, fast, check=lambda: None) -> dict[str, float]:
    """Median microseconds per call of each contender, a name mapped to a
    (function, argument) pair.

    ``check()`` runs before every round and after the last one; it raises
    MachineBusy when the machine is not quiet.
    """
    rounds, calls = (2, 3) if fast else (7, 200)
    times = {name: [] for name in contenders}
    for fn, arg in contenders.values():
        fn(arg)  # warm-up: tracing and compiling happen here
    for _ in range(rounds):  # alternate, so that noise hits all alike
        check()
        for name, (fn, arg) in contenders.items():
            times[name].append(per_call_us(fn, arg, calls))
    check()
    return {name: statistics.median(t) for name, t in times.items()}


def machine_info(versions: str) -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    models = [ln.split(":", 1)[1].strip() for ln in lines
              if ln.startswith("model name")]
    cpu = models[0] if models else platform.processor() or "unknown CPU"
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}"
            f", {versions}; {date.today().isoformat()}")


def record(path: Path, make_contenders, versions: str, fast: bool = False,
           quiet=None) -> None:
    """Measure and write the table; --fast (for tests) skips the quiet check."""
    if fast:
        results = measure(make_contenders(fast=True), fast=True)
        return write_table(path, results, versions)
    # Three tries on a quiet machine; MachineBusy if each had a noisy round.
    quiet = quiet or QuietMachine()
    results = quietly(
        lambda check: measure(make_contenders(fast=False), False, check), quiet)
    write_table(path, results, versions)


def write_table(path: Path, results: dict[str, float], versions: str) -> None:
    rows = [f"| {name} | {us:,.0f} |" for name, us in results.items()]
    table = ["| Function (20 × tanh, multiply, add on 256 floats) "
             "| µs per call (median) |", "| --- | ---: |", *rows]
    note = f"Measured on: {machine_info(versions)}."
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*table, "", note]) + "\n", encoding="utf-8")


def main(argv: list[str], make_contenders, versions: str, quiet=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--output", type=Path, default=Path(
        "snippets/foundations/measurements/eager_vs_graph.md"))
    args = parser.parse_args(argv)
    if args.record:
        try:
            record(args.output, make_contenders, versions, args.fast, quiet)
        except MachineBusy as busy:
            print(f"not measured, nothing written: {busy}", file=sys.stderr)
            return 2
    return 0
# --8<-- [end:measure]


# --8<-- [start:tf_measure]
def many_small_ops_tf(x):
    for _ in range(20):
        x = tf.tanh(x) * 0.9 + 0.1
    return x


def tf_contenders(fast=False):
    """The TensorFlow rows of the table; ``fast`` changes nothing here."""
    x = tf.ones([256])
    return {"TensorFlow eager": (many_small_ops_tf, x),
            "TensorFlow tf.function": (tf.function(many_small_ops_tf), x)}


tf_versions = f"TensorFlow {tf.__version__}"
# --8<-- [end:tf_measure]


# --8<-- [start:torch_measure]
def many_small_ops_torch(x):
    for _ in range(20):
        x = torch.tanh(x) * 0.9 + 0.1
    return x


def torch_contenders(fast=False):
    """The PyTorch rows of the table; ``fast`` skips Inductor's C++ build."""
    backend = "aot_eager" if fast else "inductor"
    x = torch.ones(256)
    compiled = torch.compile(many_small_ops_torch, backend=backend)
    return {"PyTorch eager": (many_small_ops_torch, x),
            "PyTorch torch.compile": (compiled, x)}


torch_versions = f"PyTorch {torch.__version__}"
# --8<-- [end:torch_measure]


if __name__ == "__main__":
    def both_frameworks(fast=False):
        return tf_contenders(fast) | torch_contenders(fast)

    versions = f"{tf_versions}, {torch_versions}"
    raise SystemExit(main(sys.argv[1:], both_frameworks, versions))
