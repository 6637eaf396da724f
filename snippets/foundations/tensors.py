"""Tensors in TensorFlow and PyTorch: the code of docs/foundations/tensors.md.

Run it as a program with ``python -m snippets.foundations.tensors``. Each topic has a
TensorFlow section and a PyTorch section, in the order the page shows them; the picture of
broadcasting is drawn by one section of NumPy and Matplotlib that both reading paths run.
"""

# --8<-- [start:tf_create]
import numpy as np
import tensorflow as tf

matrix = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
zeros = tf.zeros([2, 3])
steps = tf.range(0, 10, delta=3)
# A generator with its own seed: reproducible whatever ran before.
rng = tf.random.Generator.from_seed(42)
noise = rng.normal([2, 3])

print(matrix)
print(zeros.shape, zeros.dtype)
print(steps.numpy())  # .numpy(): the values as a NumPy array
print(noise.numpy().round(3))
# A new generator with the same seed draws the same numbers again.
again = tf.random.Generator.from_seed(42).normal([2, 3])
print(again.numpy().round(3))
# --8<-- [end:tf_create]

# --8<-- [start:torch_create]
import numpy as np
import torch

matrix_pt = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
zeros_pt = torch.zeros(2, 3)
steps_pt = torch.arange(0, 10, 3)
# A generator with its own seed: reproducible whatever ran before.
gen = torch.Generator().manual_seed(42)
noise_pt = torch.randn(2, 3, generator=gen)

print(matrix_pt)
print(zeros_pt.shape, zeros_pt.dtype)
print(steps_pt)
print(noise_pt.round(decimals=3))
# A new generator with the same seed draws the same numbers again.
again_pt = torch.randn(2, 3, generator=torch.Generator().manual_seed(42))
print(again_pt.round(decimals=3))
# --8<-- [end:torch_create]

# --8<-- [start:tf_dtypes]
print(tf.constant([1, 2]).dtype, tf.constant([1.0, 2.0]).dtype)
print(tf.constant(np.array([1, 2])).dtype)  # NumPy's int64 is kept
floats_np = np.array([0.5, 1.5])  # NumPy's default float is float64
print(tf.constant(floats_np).dtype)  # kept too: a float64 tensor
print(tf.constant(floats_np.astype(np.float32)).dtype)  # cast it first

ints = tf.constant([1, 2, 3])
halves = tf.cast(ints, tf.float16) / 2
print(halves)

try:
    ints + tf.constant([0.5, 0.5, 0.5])  # int32 + float32: no promotion
except tf.errors.InvalidArgumentError as err:
    print(type(err).__name__, "-", err.message.split(" [Op")[0])
# --8<-- [end:tf_dtypes]

# --8<-- [start:torch_dtypes]
print(torch.tensor([1, 2]).dtype, torch.tensor([1.0, 2.0]).dtype)
print(torch.from_numpy(np.array([1, 2])).dtype)
floats_np = np.array([0.5, 1.5])  # NumPy's default float is float64
print(torch.tensor(floats_np).dtype, torch.from_numpy(floats_np).dtype)
# float64 + float32 gives float64: the NumPy dtype spreads silently.
print((torch.tensor(floats_np) + torch.tensor([1.0, 1.0])).dtype)
print(torch.tensor(floats_np.astype(np.float32)).dtype)  # cast it first

ints_pt = torch.tensor([1, 2, 3])
halves_pt = ints_pt.to(torch.float16) / 2
print(halves_pt)

mixed = ints_pt + torch.tensor([0.5, 0.5, 0.5])  # int64 + float32
print(mixed, mixed.dtype)
# NumPy promotes the same pair of dtypes differently:
mixed_np = np.array([1, 2, 3]) + np.array([0.5, 0.5, 0.5], dtype=np.float32)
print("NumPy:", mixed_np.dtype)
# --8<-- [end:torch_dtypes]

# --8<-- [start:tf_shapes]
x = tf.reshape(tf.range(12), [3, 4])
print(x.shape, tf.rank(x).numpy(), tf.size(x).numpy())
print(tf.reshape(x, [2, -1]).shape)  # -1: inferred from the other dimensions
print(tf.transpose(x).shape)
print(tf.expand_dims(x, axis=0).shape, tf.squeeze(tf.zeros([1, 3, 1])).shape)
print(tf.concat([x, x], axis=0).shape, tf.stack([x, x]).shape)
# --8<-- [end:tf_shapes]

# --8<-- [start:torch_shapes]
x_pt = torch.arange(12).reshape(3, 4)
print(x_pt.shape, x_pt.ndim, x_pt.numel())
print(x_pt.reshape(2, -1).shape)
print(x_pt.T.shape)
print(x_pt.unsqueeze(0).shape, torch.zeros(1, 3, 1).squeeze().shape)
print(torch.cat([x_pt, x_pt]).shape, torch.stack([x_pt, x_pt]).shape)
# --8<-- [end:torch_shapes]

# --8<-- [start:tf_indexing]
grid = tf.reshape(tf.range(12), [3, 4])
print(grid[1].numpy(), grid[:, 1].numpy())  # a row, a column
print(grid[0, ::2].numpy(), grid[-1, -1].numpy())  # a step, the last element

rows = tf.gather(grid, [2, 0])  # pick rows by index
cells = tf.gather_nd(grid, [[0, 1], [2, 3]])  # pick (row, column) pairs
evens = tf.boolean_mask(grid, grid % 2 == 0)  # boolean mask -> flat tensor
print(rows.numpy().tolist(), cells.numpy(), evens.numpy())
# --8<-- [end:tf_indexing]

# --8<-- [start:torch_indexing]
grid_pt = torch.arange(12).reshape(3, 4)
print(grid_pt[1], grid_pt[:, 1])  # a row, a column
print(grid_pt[0, ::2], grid_pt[-1, -1])  # a step, the last element

rows_pt = grid_pt[[2, 0]]  # integer-array ("advanced") indexing
cells_pt = grid_pt[[0, 2], [1, 3]]  # (row, column) pairs
evens_pt = grid_pt[grid_pt % 2 == 0]  # boolean mask -> flat tensor
print(rows_pt.tolist(), cells_pt, evens_pt)  # tolist(): nested Python lists
# --8<-- [end:torch_indexing]

# --8<-- [start:draw_broadcast]
import os

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle


def draw_cells(ax, left, values, stored, color, title):
    """Draw the 2-D array values as a grid of numbered cells from x = left.
    The top-left block of shape stored is what the tensor holds; the other
    cells are stretched copies, drawn pale and dashed."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            held = i < stored[0] and j < stored[1]
            ax.add_patch(Rectangle(
                (left + j, i), 1, 1, facecolor=color if held else "white",
                edgecolor="black" if held else "0.5",
                linestyle="-" if held else "--", zorder=2 if held else 1))
            ax.text(left + j + 0.5, i + 0.5, str(values[i, j]),
                    ha="center", va="center", fontsize=13,
                    color="black" if held else "0.45", zorder=3)
    ax.text(left + cols / 2, -0.3, title, ha="center", va="bottom",
            fontsize=12)


def draw_broadcast(column, row, path):
    """Draw column + row with both operands stretched to the result's
    shape, save the picture as the PNG file path, and return the file's
    full path."""
    table = column + row
    shape = table.shape
    fig = Figure(figsize=(10, 3.6))
    ax = fig.subplots()
    draw_cells(ax, 0, np.broadcast_to(column, shape), column.shape,
               "#9ecae1", f"column {column.shape}\nstretched to {shape}")
    ax.text(4.75, 1.5, "+", ha="center", va="center", fontsize=22)
    draw_cells(ax, 5.5, np.broadcast_to(row, shape), (1, len(row)),
               "#fdd0a2", f"row {row.shape}, read as (1, {len(row)})\n"
               f"stretched to {shape}")
    ax.text(10.25, 1.5, "=", ha="center", va="center", fontsize=22)
    draw_cells(ax, 11, table, shape, "#c7e9c0", f"column + row\n{shape}")
    ax.text(7.5, 3.4, "dashed: stretched copies, not stored",
            ha="center", va="top", fontsize=12, color="0.3")
    ax.set_xlim(-0.1, 15.1)
    ax.set_ylim(4.2, -1.6)  # the first row at the top
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return os.path.abspath(path)


broadcast_file = draw_broadcast(np.array([[0], [10], [20]]),
                                np.array([1, 2, 3, 4]),
                                "tensors-broadcasting.png")
# --8<-- [end:draw_broadcast]

# --8<-- [start:tf_broadcast]
column = tf.constant([[0], [10], [20]])  # shape (3, 1)
row = tf.constant([1, 2, 3, 4])  # shape (4,)
table = column + row  # (3, 1) + (4,) -> (3, 1) + (1, 4) -> (3, 4)
print(table.shape)
print(table.numpy())
print(tf.broadcast_to(row, [2, 4]).numpy())  # a new tensor, data repeated
# --8<-- [end:tf_broadcast]

# --8<-- [start:torch_broadcast]
column_pt = torch.tensor([[0], [10], [20]])
row_pt = torch.tensor([1, 2, 3, 4])
table_pt = column_pt + row_pt
print(table_pt.shape)
print(table_pt)
expanded = row_pt.expand(2, 4)  # a view: no data is copied
print(expanded)
# --8<-- [end:torch_broadcast]

# --8<-- [start:tf_mutation]
frozen = tf.constant([1.0, 2.0, 3.0])
try:
    frozen[0] = 10.0
except TypeError as err:
    print("TypeError:", err)

# An "update" builds a new tensor; `frozen` is left as it was.
# indices: one row per update, each row an index into the tensor.
updated = tf.tensor_scatter_nd_update(frozen, indices=[[0]], updates=[10.0])
print(frozen.numpy(), updated.numpy())

weights = tf.Variable([1.0, 2.0, 3.0])  # mutable state, e.g. model parameters
weights.assign_add([0.5, 0.5, 0.5])
weights[0].assign(10.0)  # a slice of a variable has an assign method
print(weights.numpy())
# --8<-- [end:tf_mutation]

# --8<-- [start:torch_mutation]
values = torch.tensor([1.0, 2.0, 3.0])
alias = values  # same tensor object, not a copy
values[0] = 10.0  # item assignment works
values.add_(0.5)  # trailing underscore: in place
print(values, alias is values)

fresh = values.clone()  # an independent copy
fresh.zero_()
print(values, fresh)
# --8<-- [end:torch_mutation]

# --8<-- [start:tf_numpy]
array = np.arange(4, dtype=np.float32)
from_array = tf.constant(array)  # tf.constant copies the NumPy array
array[0] = 100.0
print(array, from_array.numpy())  # the tensor kept the old values

back = from_array.numpy()  # .numpy() returns a copy as well
back[1] = -1.0
print(back, from_array.numpy())  # the tensor is unchanged again
# --8<-- [end:tf_numpy]

# --8<-- [start:torch_numpy]
array_pt = np.arange(4, dtype=np.float32)
shared = torch.from_numpy(array_pt)  # shares memory with the array
copied = torch.tensor(array_pt)  # copies
array_pt[0] = 100.0
print(shared, copied)

view = shared.numpy()  # also shares memory (CPU tensors only)
view[1] = -1.0
print(shared, np.shares_memory(view, array_pt))
# --8<-- [end:torch_numpy]


# --8<-- [start:tf_device]
def tf_device_name() -> str:
    """The first GPU if TensorFlow sees one, else the CPU."""
    return "/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"


with tf.device(tf_device_name()):
    product = tf.matmul(tf.ones([2, 3]), tf.ones([3, 2]))
print(tf_device_name(), product.device.split("/")[-1])
# --8<-- [end:tf_device]


# --8<-- [start:torch_device]
def torch_device() -> torch.device:
    """The accelerator PyTorch finds (CUDA, MPS, XPU, ...), else the CPU."""
    if torch.accelerator.is_available():
        return torch.accelerator.current_accelerator()
    return torch.device("cpu")


device = torch_device()
product_pt = torch.ones(2, 3, device=device) @ torch.ones(3, 2, device=device)
print(device, product_pt.device)
print(product_pt.cpu().numpy())  # .numpy() needs a CPU tensor
# --8<-- [end:torch_device]

# --8<-- [start:torch_views]
# x_pt is 3×4, row after row: one step down a column skips 4 elements.
print(x_pt.stride())
# A transpose is a view of the same memory with swapped strides.
print(x_pt.t().stride(), x_pt.t().is_contiguous())
print(x_pt.t().data_ptr() == x_pt.data_ptr())  # the same first element
# reshape shares memory when the layout allows it and copies otherwise;
# view never copies, so it refuses the transposed layout.
for name, source in [("x_pt", x_pt), ("x_pt.t()", x_pt.t())]:
    shares = source.reshape(12).data_ptr() == x_pt.data_ptr()
    print(f"{name}.reshape(12) shares memory with x_pt: {shares}")
try:
    x_pt.t().view(12)
except RuntimeError as err:
    print("RuntimeError:", str(err).split(" (")[0])
# expand: stride 0 along the new axis, both rows read the same 4 numbers.
print(expanded.stride(), expanded.data_ptr() == row_pt.data_ptr())
# Making it contiguous writes the repeated rows out: a copy.
print(
    expanded.contiguous().stride(),
    expanded.contiguous().data_ptr() == row_pt.data_ptr(),
)
# --8<-- [end:torch_views]

# --8<-- [start:tf_exercise_1]
images = tf.reshape(tf.range(24), [2, 3, 4])  # two 3×4 "images"
flat = tf.reshape(images, [2, -1])  # -1: 3 · 4 = 12 is inferred
print(images.shape, flat.shape)
print(flat[:, -1].numpy())  # the last element of each image
print(images[:, 1, :].numpy())  # the middle row of each image
# --8<-- [end:tf_exercise_1]

# --8<-- [start:torch_exercise_1]
images_pt = torch.arange(24).reshape(2, 3, 4)  # two 3×4 "images"
flat_pt = images_pt.reshape(2, -1)  # -1: 3 · 4 = 12 is inferred
print(images_pt.shape, flat_pt.shape)
print(flat_pt[:, -1])  # the last element of each image
print(images_pt[:, 1, :])  # the middle row of each image
# --8<-- [end:torch_exercise_1]

# --8<-- [start:tf_exercise_2]
tens = tf.expand_dims(tf.range(4) * 10, axis=1)  # shape (4, 1)
units = tf.range(5)  # shape (5,)
two_digit = tens + units  # (4, 1) + (5,) -> (4, 5)
print(two_digit.shape, two_digit.dtype)
print(two_digit.numpy())
# --8<-- [end:tf_exercise_2]

# --8<-- [start:torch_exercise_2]
tens_pt = (torch.arange(4) * 10).unsqueeze(1)  # shape (4, 1)
units_pt = torch.arange(5)  # shape (5,)
two_digit_pt = tens_pt + units_pt  # (4, 1) + (5,) -> (4, 5)
print(two_digit_pt.shape, two_digit_pt.dtype)
print(two_digit_pt)
# --8<-- [end:torch_exercise_2]

# --8<-- [start:tf_exercise_3]
base = tf.zeros([5])
# Two updates: the index rows [1] and [3] get the values 1.0 and 1.0.
marked = tf.tensor_scatter_nd_update(base, [[1], [3]], [1.0, 1.0])
print(base.numpy(), marked.numpy())  # `base` cannot change
# --8<-- [end:tf_exercise_3]

# --8<-- [start:torch_exercise_3]
base_pt = torch.zeros(5)
marked_pt = base_pt.clone()  # without clone(), base_pt would change too
marked_pt[[1, 3]] = 1.0
print(base_pt, marked_pt)
# --8<-- [end:torch_exercise_3]
