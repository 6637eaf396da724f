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
print(eager.shape)
# --8<-- [end:model]

# --8<-- [start:compile]
compiled = torch.compile(model)  # nothing happens yet
with torch.no_grad():
    fast = compiled(example)  # first call: trace, optimise, generate code
compile_gap = (fast - eager).abs().max().item()
print(f"largest difference from eager: {compile_gap:.6f}")
# --8<-- [end:compile]

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
print(f"largest difference from eager: {export_gap:.6f}")
print("batch of two:", tuple(runnable(two_rows).shape),
      f"largest difference: {two_rows_gap:.6f}")
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
print(f"largest difference from eager: {script_gap:.6f}")
# --8<-- [end:torchscript]
