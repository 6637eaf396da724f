"""Tensor operations in TensorFlow and PyTorch: the code of docs/foundations/tensor-ops.md.

Run it as a program with ``python -m snippets.foundations.tensor_ops``. Each topic has a
TensorFlow section and a PyTorch section, in the order the page shows them; the ``np_``
sections are the NumPy counterparts, which need neither framework.
"""

# --8<-- [start:tf_elementwise]
import tensorflow as tf

x = tf.constant([[1.0, -4.0, 9.0], [-16.0, 25.0, -36.0]])
print((x * 2 + 1).numpy())  # operators act element by element
print(tf.sqrt(tf.abs(x)).numpy())  # functions nest, inside out
print(tf.maximum(x, 0.0).numpy())  # max(x, 0) per element: later pages' ReLU
# A tf.Tensor has no math methods, so there is nothing to chain.
print(hasattr(x, "abs"), hasattr(x, "sqrt"))
# --8<-- [end:tf_elementwise]

# --8<-- [start:torch_elementwise]
import numpy as np
import torch

x_pt = torch.tensor([[1.0, -4.0, 9.0], [-16.0, 25.0, -36.0]])
print(x_pt * 2 + 1)  # operators act element by element
print(x_pt.abs().sqrt())  # methods chain left to right
print(x_pt.clamp(min=0))  # max(x, 0) per element: later pages' ReLU
# The same operation as a function, a method, and in NumPy:
print(torch.sqrt(x_pt[0, 2]), x_pt[0, 2].sqrt(), np.sqrt(9.0))
# --8<-- [end:torch_elementwise]

# --8<-- [start:tf_where]
marks = tf.constant([-2.0, 0.5, 3.0, -0.1])
print(tf.where(marks > 0, marks, 0.0).numpy())  # marks where True, else 0
print(tf.where(marks > 0).numpy().ravel())  # no values: where it is True
print(tf.clip_by_value(marks, -1.0, 1.0).numpy())  # bounded to [-1, 1]
# --8<-- [end:tf_where]

# --8<-- [start:torch_where]
marks_pt = torch.tensor([-2.0, 0.5, 3.0, -0.1])
print(torch.where(marks_pt > 0, marks_pt, 0.0))  # marks where True, else 0
print(torch.where(marks_pt > 0))  # no values: a tuple of positions
print(marks_pt.clamp(-1.0, 1.0))  # bounded to [-1, 1]; torch.clip too
# --8<-- [end:torch_where]

# --8<-- [start:tf_division]
counts = tf.constant([7, -7])
halves = counts / 2  # int32 / int: float64
print(halves.numpy(), halves.dtype)
print((counts // 2).numpy(), (counts % 3).numpy())  # floor, as in Python
print(tf.truncatediv(counts, 2).numpy())  # toward zero, as in C
try:
    counts * 2.5  # a float does not fit an int32 tensor
except TypeError as err:
    print("TypeError:", err)
print((tf.cast(counts, tf.float32) * 2.5).numpy())
# --8<-- [end:tf_division]

# --8<-- [start:torch_division]
counts_pt = torch.tensor([7, -7])
halves_pt = counts_pt / 2  # int64 / int: the default float, float32
print(halves_pt, halves_pt.dtype)
print(counts_pt // 2, counts_pt % 3)  # floor, as in Python
print(torch.div(counts_pt, 2, rounding_mode="trunc"))  # toward zero
scaled_pt = counts_pt * 2.5  # promoted to the default float
print(scaled_pt, scaled_pt.dtype)
# --8<-- [end:torch_division]

# --8<-- [start:np_division]
import numpy as np

counts_np = np.array([7, -7])
print(counts_np / 2, (counts_np / 2).dtype)
print(counts_np // 2, counts_np % 3, (counts_np * 2.5).dtype)
# --8<-- [end:np_division]

# --8<-- [start:tf_reduce]
scores = tf.constant([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
print(tf.reduce_sum(scores).numpy())  # every element
print(tf.reduce_sum(scores, axis=0).numpy())  # down each column
print(tf.reduce_max(scores, axis=1).numpy())  # along each row
row_means = tf.reduce_mean(scores, axis=1, keepdims=True)
print(row_means.shape)  # (2, 1): the reduced axis stays, with size 1
print((scores - row_means).numpy())  # so it broadcasts back
print(tf.reduce_mean(tf.constant([1, 2])).numpy())  # int mean: truncated
# --8<-- [end:tf_reduce]

# --8<-- [start:torch_reduce]
scores_pt = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
print(scores_pt.sum())  # every element
print(scores_pt.sum(dim=0))  # down each column
best, where = scores_pt.max(dim=1)  # along a dim: values and indices
print(best, where)
row_means_pt = scores_pt.mean(dim=1, keepdim=True)
print(row_means_pt.shape)  # the reduced dim stays, with size 1
print(scores_pt - row_means_pt)  # so it broadcasts back
print(scores_pt.sum(axis=1, keepdims=True).shape)  # NumPy's names work
try:
    torch.tensor([1, 2]).mean()
except RuntimeError as err:
    print("RuntimeError:", err)
# --8<-- [end:torch_reduce]

# --8<-- [start:tf_topk]
print(tf.argmax(scores).numpy())  # default axis=0: one index per column
largest = tf.argmax(scores, axis=1)  # the largest in each row
print(largest.numpy(), largest.dtype)
top = tf.math.top_k(scores, k=2)  # the k largest along the last axis
print(top.values.numpy())
print(top.indices.numpy(), top.indices.dtype)
lowest = tf.math.top_k(-scores, k=1)  # the smallest: negate first
print(lowest.indices.numpy().ravel())
# --8<-- [end:tf_topk]

# --8<-- [start:torch_topk]
print(scores_pt.argmax())  # no dim: an index into the flattened tensor
print(scores_pt.argmax(dim=1))  # the largest in each row
top_pt = scores_pt.topk(2)  # the k largest along the last dim
print(top_pt.values)
print(top_pt.indices, top_pt.indices.dtype)
lowest_pt = scores_pt.topk(1, largest=False)  # the smallest
print(lowest_pt.indices.ravel())
# --8<-- [end:torch_topk]

# --8<-- [start:np_reduce]
import numpy as np

scores_np = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
print(scores_np.sum(axis=0), scores_np.mean(axis=1, keepdims=True).shape)
print(scores_np.argmax(), scores_np.argmax(axis=1))  # flattened by default
print(np.array([1, 2]).mean())  # int mean: a float64
# --8<-- [end:np_reduce]

# --8<-- [start:tf_matmul]
a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
b = tf.constant([[0.0, 1.0], [1.0, 0.0]])
print((a * b).numpy())  # elementwise product
print((a @ b).numpy())  # matrix product, the same as tf.matmul(a, b)
batch = tf.ones([4, 2, 3])
print((batch @ tf.ones([3, 5])).shape)  # leading batch dims broadcast
v = tf.constant([1.0, 1.0])
print(tf.linalg.matvec(a, v).numpy())  # matrix times vector
try:
    a @ v  # matmul wants two matrices
except tf.errors.InvalidArgumentError as err:
    # Its message is worded by the math library TensorFlow picks for the CPU.
    print(type(err).__name__)
# --8<-- [end:tf_matmul]

# --8<-- [start:torch_matmul]
a_pt = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
b_pt = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
print(a_pt * b_pt)  # elementwise product
print(a_pt @ b_pt)  # matrix product, the same as torch.matmul(a_pt, b_pt)
batch_pt = torch.ones(4, 2, 3)
print((batch_pt @ torch.ones(3, 5)).shape)  # leading batch dims broadcast
v_pt = torch.tensor([1.0, 1.0])
print(a_pt @ v_pt, v_pt @ v_pt)  # a 1-D operand acts as a vector
# --8<-- [end:torch_matmul]

# --8<-- [start:tf_einsum]
m = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(tf.einsum("ij->j", m).numpy())  # i is missing: summed over
print(tf.einsum("ij,kj->ik", m, m).numpy())  # m @ m.T
print(tf.einsum("i,j->ij", m[0], m[1]).numpy())  # outer product
stack = tf.reshape(tf.range(24.0), [4, 2, 3])
print(tf.einsum("bij,bkj->bik", stack, stack).shape)  # batched m @ m.T
# --8<-- [end:tf_einsum]

# --8<-- [start:torch_einsum]
m_pt = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(torch.einsum("ij->j", m_pt))  # i is missing: summed over
print(torch.einsum("ij,kj->ik", m_pt, m_pt))  # m @ m.T
print(torch.einsum("i,j->ij", m_pt[0], m_pt[1]))  # outer product
stack_pt = torch.arange(24.0).reshape(4, 2, 3)
print(torch.einsum("bij,bkj->bik", stack_pt, stack_pt).shape)
# --8<-- [end:torch_einsum]

# --8<-- [start:tf_linalg]
# 3x + y = 9 and x + 2y = 8
system = tf.constant([[3.0, 1.0], [1.0, 2.0]])
rhs = tf.constant([[9.0], [8.0]])  # a column per right-hand side
solution = tf.linalg.solve(system, rhs)
print(solution.numpy().ravel().round(4))
print(tf.norm(tf.constant([3.0, 4.0])).numpy())  # Euclidean length
rows = tf.constant([[3.0, 4.0], [6.0, 8.0]])
print(tf.norm(rows, axis=1).numpy())  # the length of each row
print(tf.norm(system).numpy().round(4))  # a matrix: all its entries
# --8<-- [end:tf_linalg]

# --8<-- [start:torch_linalg]
# 3x + y = 9 and x + 2y = 8
system_pt = torch.tensor([[3.0, 1.0], [1.0, 2.0]])
rhs_pt = torch.tensor([9.0, 8.0])  # a plain vector is accepted
solution_pt = torch.linalg.solve(system_pt, rhs_pt)
print(solution_pt.round(decimals=4))
print(torch.linalg.vector_norm(torch.tensor([3.0, 4.0])))
rows_pt = torch.tensor([[3.0, 4.0], [6.0, 8.0]])
print(torch.linalg.vector_norm(rows_pt, dim=1))  # each row's length
print(torch.linalg.norm(system_pt).round(decimals=4))  # Frobenius
# --8<-- [end:torch_linalg]

# --8<-- [start:tf_casts]
reals = tf.constant([-1.7, -0.5, 0.5, 1.5, 2.5])
print(tf.cast(reals, tf.int32).numpy())  # drops the fraction
print(tf.round(reals).numpy())  # halves go to the even neighbour
print(tf.cast(reals > 0, tf.float32).numpy())  # a mask as 0.0 / 1.0
print(tf.cast(reals, tf.float32) is reals)  # already float32: no copy
# --8<-- [end:tf_casts]

# --8<-- [start:torch_casts]
reals_pt = torch.tensor([-1.7, -0.5, 0.5, 1.5, 2.5])
print(reals_pt.long(), reals_pt.int().dtype)  # drops the fraction
print(reals_pt.round())  # halves go to the even neighbour
print((reals_pt > 0).float())  # a mask as 0.0 / 1.0
labels = torch.tensor([0, 2, 1])
print(labels.to(torch.float64).dtype, labels.to(reals_pt).dtype)
print(reals_pt.to(torch.float32) is reals_pt)  # already float32: no copy
# --8<-- [end:torch_casts]

# --8<-- [start:tf_inplace]
total = tf.constant([1.0, 2.0])
before = total
total += 1  # builds a new tensor and rebinds the name
print(before.numpy(), total.numpy(), total is before)

rng = tf.random.Generator.from_seed(0)
weights = tf.Variable(tf.zeros([2, 3]))  # mutable state
weights.assign(rng.uniform([2, 3], -1.0, 1.0))  # refill it
weights.assign_add(tf.ones([2, 3]))  # update it
print(weights.numpy().round(4))
try:
    weights += 1
except RuntimeError as err:
    print("RuntimeError:", str(err).split(". ")[0])
# --8<-- [end:tf_inplace]

# --8<-- [start:torch_inplace]
gen = torch.Generator().manual_seed(0)
weights_pt = torch.empty(2, 3)  # memory only: no values yet
filled = weights_pt.uniform_(-1.0, 1.0, generator=gen)  # fill in place
print(filled is weights_pt)  # an in-place method returns its tensor
print(weights_pt)
address = weights_pt.data_ptr()
weights_pt.add_(1).mul_(10)  # so in-place calls chain
weights_pt += 1  # += is in place too
print(weights_pt.data_ptr() == address)  # still the same memory
print(weights_pt.add(1).data_ptr() == address)  # no underscore: a new tensor
print(weights_pt)
# --8<-- [end:torch_inplace]

# --8<-- [start:tf_constructor]
print(tf.zeros([5, 5]).shape, tf.constant([5, 5]).numpy())
try:
    tf.Tensor(5, 5)  # tensors come from operations, not this class
except TypeError as err:
    print("TypeError:", err)
# --8<-- [end:tf_constructor]

# --8<-- [start:torch_constructor]
odd = torch.Tensor(5, 5)  # two ints: read as a shape, memory not set
print(odd.shape, odd.dtype)  # its values are whatever the memory held
print(torch.tensor([5, 5]))  # data, with the inferred dtype
print(torch.Tensor([5, 5]))  # data too, but always the default float
print(torch.zeros(5, 5).sum(), torch.empty(5, 5).shape)
# --8<-- [end:torch_constructor]

# --8<-- [start:tf_tape_assign]
source = tf.constant(3.0)
state = tf.Variable(0.0)
with tf.GradientTape() as tape:
    tape.watch(source)
    state.assign(source * 2)  # a write: not recorded for gradients
    out = state * 5  # a read of the variable: recorded
grad_source, grad_state = tape.gradient(out, [source, state])
print(grad_source, grad_state.numpy())
# --8<-- [end:tf_tape_assign]

# --8<-- [start:torch_autograd_inplace]
param = torch.zeros(3, requires_grad=True)  # a leaf, like a parameter
try:
    param.add_(1)
except RuntimeError as err:
    print("RuntimeError:", err)
with torch.no_grad():  # not recorded, as for a parameter update
    param.add_(1)
print(param)

inputs = torch.tensor([1.0, 2.0], requires_grad=True)
hidden = inputs * 2
squared = hidden**2  # pow keeps `hidden` for its backward pass
hidden.add_(1)  # and this overwrites it
try:
    squared.sum().backward()
except RuntimeError as err:
    print("RuntimeError:", str(err).split(": [")[0])
    print(str(err).split("], ")[1].split(" instead")[0])

hidden = inputs * 2
shifted = hidden + 1  # add keeps nothing for its backward pass
hidden.add_(1)  # so overwriting `hidden` is harmless here
shifted.sum().backward()
print(inputs.grad)  # d/dx of sum(2x + 1)
# --8<-- [end:torch_autograd_inplace]

# --8<-- [start:tf_exercise_1]
logits = tf.constant([[2.0, 1.0, 0.1], [1.0, 3.0, 0.0]])
# Subtracting each row's maximum keeps exp() from overflowing.
shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
exps = tf.exp(shifted)
probs = exps / tf.reduce_sum(exps, axis=1, keepdims=True)
print(probs.numpy().round(3))
print(tf.reduce_sum(probs, axis=1).numpy().round(4))
builtin = tf.nn.softmax(logits, axis=1)  # the library's softmax
print(f"max |difference|: {tf.reduce_max(tf.abs(probs - builtin)):.1e}")
# --8<-- [end:tf_exercise_1]

# --8<-- [start:torch_exercise_1]
logits_pt = torch.tensor([[2.0, 1.0, 0.1], [1.0, 3.0, 0.0]])
# Subtracting each row's maximum keeps exp() from overflowing.
shifted_pt = logits_pt - logits_pt.max(dim=1, keepdim=True).values
exps_pt = shifted_pt.exp()
probs_pt = exps_pt / exps_pt.sum(dim=1, keepdim=True)
print(probs_pt.round(decimals=3))
print(probs_pt.sum(dim=1).round(decimals=4))
builtin_pt = torch.softmax(logits_pt, dim=1)  # the library's softmax
print(f"max |difference|: {(probs_pt - builtin_pt).abs().max():.1e}")
# --8<-- [end:torch_exercise_1]

# --8<-- [start:tf_exercise_2]
class_scores = tf.constant(
    [[0.1, 2.0, 0.3], [1.5, 0.2, 0.1], [0.3, 0.4, 2.2],
     [0.9, 0.8, 0.1], [0.2, 0.1, 0.4]]
)
true_classes = tf.constant([1, 0, 2, 1, 2], dtype=tf.int64)
predicted = tf.argmax(class_scores, axis=1)
print(predicted.numpy(), predicted.dtype)  # tf.argmax returns int64
correct = predicted == true_classes  # the dtypes must match
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
print(correct.numpy(), f"accuracy {accuracy:.2f}")
# --8<-- [end:tf_exercise_2]

# --8<-- [start:torch_exercise_2]
class_scores_pt = torch.tensor(
    [[0.1, 2.0, 0.3], [1.5, 0.2, 0.1], [0.3, 0.4, 2.2],
     [0.9, 0.8, 0.1], [0.2, 0.1, 0.4]]
)
true_classes_pt = torch.tensor([1, 0, 2, 1, 2])
predicted_pt = class_scores_pt.argmax(dim=1)
print(predicted_pt, predicted_pt.dtype)
correct_pt = predicted_pt == true_classes_pt
accuracy_pt = correct_pt.float().mean()  # the mean needs a float type
print(correct_pt, f"accuracy {accuracy_pt:.2f}")
# --8<-- [end:torch_exercise_2]

# --8<-- [start:tf_exercise_3]
points = tf.constant([[0.0, 0.0], [1.0, 1.0], [4.0, 5.0], [5.0, 4.0]])
centres = tf.constant([[0.5, 0.5], [4.5, 4.5]])
# tf.newaxis (which is None, like np.newaxis) inserts an axis of length 1.
# (4, 1, 2) - (1, 2, 2) -> (4, 2, 2): every point minus every centre
offsets = points[:, tf.newaxis, :] - centres[tf.newaxis, :, :]
squared_distances = tf.reduce_sum(offsets**2, axis=-1)  # shape (4, 2)
print(squared_distances.numpy().round(2))
print(tf.argmin(squared_distances, axis=1).numpy())  # the nearest centre
# --8<-- [end:tf_exercise_3]

# --8<-- [start:torch_exercise_3]
points_pt = torch.tensor([[0.0, 0.0], [1.0, 1.0], [4.0, 5.0], [5.0, 4.0]])
centres_pt = torch.tensor([[0.5, 0.5], [4.5, 4.5]])
# None as an index inserts an axis of length 1, as np.newaxis does.
# (4, 1, 2) - (1, 2, 2) -> (4, 2, 2): every point minus every centre
offsets_pt = points_pt[:, None, :] - centres_pt[None, :, :]
squared_distances_pt = (offsets_pt**2).sum(dim=-1)  # shape (4, 2)
print(squared_distances_pt)
print(squared_distances_pt.argmin(dim=1))  # the nearest centre
# --8<-- [end:torch_exercise_3]
