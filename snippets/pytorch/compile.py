"""The compiled front-end: the code of docs/pytorch/compile.md.

Run it as a program with ``python -m snippets.pytorch.compile``.
"""

# --8<-- [start:model]
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 4)).eval()
example = torch.randn(5, 8, generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    eager = model(example)
print(eager[:2].round(decimals=3))  # the first two of five rows
# --8<-- [end:model]

# --8<-- [start:compile]
import time

compiled = torch.compile(model)  # nothing happens yet
start = time.perf_counter()
with torch.no_grad():
    fast = compiled(example)  # first call: trace, optimise, generate code
first_call_seconds = time.perf_counter() - start  # print it on your machine
compile_gap = (fast - eager).abs().max().item()
print(f"largest difference from eager: {compile_gap:.1e}")
# --8<-- [end:compile]

# --8<-- [start:train_step]
target = torch.randn(5, 4, generator=torch.Generator().manual_seed(2))


def gradients(run):
    """The parameters' gradients of one loss, computed through `run`."""
    model.zero_grad()
    nn.functional.mse_loss(run(example), target).backward()
    return [p.grad.clone() for p in model.parameters()]


# aot_eager: AOTAutograd traces forward and backward; no code generation
train_compiled = torch.compile(model, backend="aot_eager")
compiled_grads = gradients(train_compiled)  # backward through the capture
eager_grads = gradients(model)
train_grad_gap = max(
    (c - e).abs().max().item()
    for c, e in zip(compiled_grads, eager_grads, strict=True)
)
print(f"largest gradient difference from eager: {train_grad_gap:.1e}")
# --8<-- [end:train_step]

# --8<-- [start:recompile]
graph_inputs = []  # the sizes each captured graph takes as inputs


def recording_backend(graph_module, example_inputs):
    """A backend that notes each graph Dynamo hands it, then runs it as is."""
    sizes = [str(v) for v in example_inputs if isinstance(v, torch.SymInt)]
    graph_inputs.append(sizes)
    return graph_module.forward  # no code generation


recorded = torch.compile(model, backend=recording_backend)
graph_counts = []
with torch.no_grad():
    for rows in (5, 5, 3, 7):
        recorded(torch.randn(rows, 8))
        graph_counts.append(len(graph_inputs))
print("batch sizes 5, 5, 3, 7 -> graphs so far:", graph_counts)
print("symbolic sizes each graph takes:", graph_inputs)
# --8<-- [end:recompile]

# --8<-- [start:graph_break]
def double_if_positive(x):
    if x.sum() > 0:  # Python branches on a tensor's value
        return x * 2
    return x - 1


graph_inputs.clear()
broken = torch.compile(double_if_positive, backend=recording_backend)
print(broken(torch.ones(3)), "graphs:", len(graph_inputs))

strict = torch.compile(double_if_positive, fullgraph=True)
try:
    strict(torch.ones(3))
except RuntimeError as err:  # Dynamo's Unsupported is a RuntimeError
    print(type(err).__name__ + ":", str(err).splitlines()[0])
# --8<-- [end:graph_break]

# --8<-- [start:export]
import tempfile
from pathlib import Path

batch = torch.export.Dim("batch")  # let the batch size vary
program = torch.export.export(
    model, (example,), dynamic_shapes={"input": {0: batch}}
)
ops = [n.target for n in program.graph.nodes if n.op == "call_function"]
print([str(op) for op in ops])

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "model.pt2"
    torch.export.save(program, path)
    loaded = torch.export.load(path)

runnable = loaded.module()  # an nn.Module built from the saved graph
two_rows = example[:2]
with torch.no_grad():
    export_gap = (runnable(example) - eager).abs().max().item()
    two_rows_gap = (runnable(two_rows) - model(two_rows)).abs().max().item()
print(f"largest difference from eager: {export_gap:.1e}")
print("batch of two:", tuple(runnable(two_rows).shape),
      f"largest difference: {two_rows_gap:.1e}")
# --8<-- [end:export]

# --8<-- [start:torchscript]
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    scripted = torch.jit.script(model)  # the legacy compiler
print(caught[0].category.__name__ + ":", str(caught[0].message))
with torch.no_grad():
    scripted_out = scripted(example)
script_gap = (scripted_out - eager).abs().max().item()
print(f"largest difference from eager: {script_gap:.1e}")
# --8<-- [end:torchscript]
