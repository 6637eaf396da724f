"""Checks for the claims made on docs/foundations/tensor-ops.md that its outputs do not show.

The printed outputs pin the dtypes, the error messages and the rounded values; these tests
compare the page's results with NumPy's and check the equalities the prose relies on. They
run inside the page's run, one reading path at a time.
"""

import numpy as np
import pytest

PAGE = "docs/foundations/tensor-ops.md"

X = np.array([[1.0, -4.0, 9.0], [-16.0, 25.0, -36.0]])
SCORES = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
A = np.array([[1.0, 2.0], [3.0, 4.0]])
B = np.array([[0.0, 1.0], [1.0, 0.0]])
M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
STACK = np.arange(24.0).reshape(4, 2, 3)
SYSTEM = np.array([[3.0, 1.0], [1.0, 2.0]])
EINSUMS = [("ij->j", (M,)), ("ij,kj->ik", (M, M)), ("i,j->ij", (M[0], M[1])), ("bij,bkj->bik", (STACK, STACK))]


# ----------------------------------------------------------------------------- TensorFlow


def test_tf_elementwise_functions_match_numpy_and_top_level_names_are_aliases(tf_page):
    import tensorflow as tf

    np.testing.assert_array_equal(tf.sqrt(tf.abs(tf_page.x)).numpy(), np.sqrt(np.abs(X)))
    np.testing.assert_array_equal(tf.maximum(tf_page.x, 0.0).numpy(), np.maximum(X, 0.0))
    assert tf.sqrt is tf.math.sqrt
    assert tf.abs is tf.math.abs


def test_tf_division_floors_like_python(tf_page):
    import tensorflow as tf

    counts = tf_page.counts.numpy().tolist()
    assert (tf_page.counts // 2).numpy().tolist() == [c // 2 for c in counts]
    assert (tf_page.counts % 3).numpy().tolist() == [c % 3 for c in counts]
    assert tf_page.halves.dtype == tf.float64


def test_tf_reductions_match_numpy(tf_page):
    import tensorflow as tf

    np.testing.assert_array_equal(tf.reduce_sum(tf_page.scores, axis=0).numpy(), SCORES.sum(axis=0))
    np.testing.assert_allclose(tf_page.row_means.numpy(), SCORES.mean(axis=1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(
        (tf_page.scores - tf_page.row_means).numpy(), SCORES - SCORES.mean(axis=1, keepdims=True), atol=1e-6
    )


def test_tf_argmax_defaults_to_axis_0_and_top_k_is_sorted(tf_page):
    import tensorflow as tf

    np.testing.assert_array_equal(tf.argmax(tf_page.scores).numpy(), SCORES.argmax(axis=0))
    np.testing.assert_array_equal(tf_page.top.values.numpy(), -np.sort(-SCORES, axis=1)[:, :2])
    np.testing.assert_array_equal(tf_page.top.indices.numpy(), np.argsort(-SCORES, axis=1)[:, :2])
    np.testing.assert_array_equal(tf_page.lowest.indices.numpy().ravel(), SCORES.argmin(axis=1))


def test_tf_matmul_matches_numpy_and_broadcasts_the_batch(tf_page):
    np.testing.assert_array_equal((tf_page.a @ tf_page.b).numpy(), A @ B)
    np.testing.assert_array_equal((tf_page.a * tf_page.b).numpy(), A * B)
    assert (tf_page.batch @ np.ones((3, 5), np.float32)).shape == (4, 2, 5)


@pytest.mark.parametrize(("spec", "operands"), EINSUMS)
def test_tf_einsum_reads_numpys_strings(tf_page, spec, operands):
    import tensorflow as tf

    tensors = [tf.constant(op, tf.float32) for op in operands]
    np.testing.assert_allclose(tf.einsum(spec, *tensors).numpy(), np.einsum(spec, *operands), rtol=1e-6)


def test_tf_solve_satisfies_the_system_and_norms_match_numpy(tf_page):
    import tensorflow as tf

    np.testing.assert_allclose(tf_page.solution.numpy().ravel(), np.linalg.solve(SYSTEM, [9.0, 8.0]), rtol=1e-5)
    np.testing.assert_allclose((tf_page.system @ tf_page.solution).numpy(), [[9.0], [8.0]], rtol=1e-5)
    np.testing.assert_allclose(tf.norm(tf_page.system).numpy(), np.sqrt(15.0), rtol=1e-6)
    np.testing.assert_allclose(tf.norm(tf_page.rows, axis=1).numpy(), [5.0, 10.0])


def test_tf_cast_truncates_toward_zero(tf_page):
    import tensorflow as tf

    reals = tf_page.reals.numpy()
    np.testing.assert_array_equal(tf.cast(tf_page.reals, tf.int32).numpy(), np.trunc(reals).astype(np.int32))
    np.testing.assert_array_equal(tf.round(tf_page.reals).numpy(), np.round(reals))


def test_tf_plus_equals_leaves_the_old_tensor_and_assign_keeps_the_variable(tf_page):
    import tensorflow as tf

    np.testing.assert_array_equal(tf_page.before.numpy(), [1.0, 2.0])
    assert isinstance(tf_page.weights, tf.Variable)  # the failed `+=` did not rebind it
    uniform = tf.random.Generator.from_seed(0).uniform([2, 3], -1.0, 1.0)
    np.testing.assert_allclose(tf_page.weights.numpy(), uniform.numpy() + 1.0, rtol=1e-6)


def test_tf_assign_is_not_differentiated_through(tf_page):
    assert tf_page.grad_source is None
    assert float(tf_page.grad_state) == 5.0
    assert float(tf_page.state.numpy()) == 6.0  # the write itself did happen


# ----------------------------------------------------------------------------- PyTorch


def test_torch_functions_and_methods_agree_with_numpy(torch_page):
    import torch

    x = torch_page.x_pt
    assert torch.equal(torch.sqrt(torch.abs(x)), x.abs().sqrt())
    np.testing.assert_array_equal(x.abs().sqrt().numpy(), np.sqrt(np.abs(X)))
    np.testing.assert_array_equal(x.clamp(min=0).numpy(), np.maximum(X, 0.0))


def test_torch_division_floors_like_python(torch_page):
    import torch

    counts = torch_page.counts_pt.tolist()
    assert (torch_page.counts_pt // 2).tolist() == [c // 2 for c in counts]
    assert (torch_page.counts_pt % 3).tolist() == [c % 3 for c in counts]
    assert torch_page.halves_pt.dtype == torch.get_default_dtype()


def test_torch_reductions_match_numpy_and_accept_numpys_names(torch_page):
    import torch

    scores = torch_page.scores_pt
    np.testing.assert_array_equal(scores.sum(dim=0).numpy(), SCORES.sum(axis=0))
    np.testing.assert_array_equal(torch_page.best.numpy(), SCORES.max(axis=1))
    np.testing.assert_array_equal(torch_page.where.numpy(), SCORES.argmax(axis=1))
    assert torch.equal(scores.sum(axis=1, keepdims=True), scores.sum(dim=1, keepdim=True))
    np.testing.assert_allclose(
        (scores - torch_page.row_means_pt).numpy(), SCORES - SCORES.mean(axis=1, keepdims=True), atol=1e-6
    )


def test_torch_argmax_flattens_like_numpy_and_topk_is_sorted(torch_page):
    scores = torch_page.scores_pt
    assert scores.argmax().item() == SCORES.argmax()
    np.testing.assert_array_equal(torch_page.top_pt.values.numpy(), -np.sort(-SCORES, axis=1)[:, :2])
    np.testing.assert_array_equal(torch_page.top_pt.indices.numpy(), np.argsort(-SCORES, axis=1)[:, :2])
    np.testing.assert_array_equal(torch_page.lowest_pt.indices.ravel().numpy(), SCORES.argmin(axis=1))


def test_torch_matmul_matches_numpy_and_handles_vectors(torch_page):
    import torch

    np.testing.assert_array_equal((torch_page.a_pt @ torch_page.b_pt).numpy(), A @ B)
    np.testing.assert_array_equal((torch_page.a_pt @ torch_page.v_pt).numpy(), A @ np.ones(2))
    assert (torch_page.v_pt @ torch_page.v_pt).item() == 2.0
    assert (torch_page.batch_pt @ torch.ones(3, 5)).shape == (4, 2, 5)


@pytest.mark.parametrize(("spec", "operands"), EINSUMS)
def test_torch_einsum_reads_numpys_strings(torch_page, spec, operands):
    import torch

    tensors = [torch.tensor(op, dtype=torch.float32) for op in operands]
    np.testing.assert_allclose(torch.einsum(spec, *tensors).numpy(), np.einsum(spec, *operands), rtol=1e-6)


def test_torch_solve_satisfies_the_system_and_norms_match_numpy(torch_page):
    import torch

    np.testing.assert_allclose(torch_page.solution_pt.numpy(), np.linalg.solve(SYSTEM, [9.0, 8.0]), rtol=1e-5)
    np.testing.assert_allclose((torch_page.system_pt @ torch_page.solution_pt).numpy(), [9.0, 8.0], rtol=1e-5)
    np.testing.assert_allclose(torch.linalg.norm(torch_page.system_pt).item(), np.sqrt(15.0), rtol=1e-6)
    np.testing.assert_allclose(torch_page.rows_pt.norm(dim=1).numpy(), [5.0, 10.0])


def test_torch_casts_truncate_and_to_takes_the_other_tensors_dtype(torch_page):
    import torch

    reals = torch_page.reals_pt
    np.testing.assert_array_equal(reals.long().numpy(), np.trunc(reals.numpy()).astype(np.int64))
    assert reals.long().dtype == torch.int64
    assert reals.float() is reals
    assert torch_page.labels.to(reals).dtype == reals.dtype


def test_torch_in_place_ops_keep_the_memory_and_follow_the_generator(torch_page):
    import torch

    uniform = torch.empty(2, 3).uniform_(-1.0, 1.0, generator=torch.Generator().manual_seed(0))
    assert uniform.min() >= -1.0
    assert uniform.max() < 1.0
    torch.testing.assert_close(torch_page.weights_pt, (uniform + 1) * 10 + 1)
    assert torch_page.weights_pt.data_ptr() == torch_page.address


def test_torch_autograd_errors_and_the_harmless_in_place_change(torch_page):
    import torch

    assert torch_page.param.is_leaf
    assert torch_page.param.grad is None
    torch.testing.assert_close(torch_page.param.detach(), torch.ones(3))
    # The failed backward accumulated nothing; the harmless one gave d/dx sum(2x + 1) = 2.
    torch.testing.assert_close(torch_page.inputs.grad, torch.full((2,), 2.0))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch_page.squared.sum().backward()


def test_torch_tensor_with_ints_is_a_shape_and_with_a_list_is_float_data(torch_page):
    import torch

    assert torch_page.odd.shape == (5, 5)
    assert torch.Tensor([5, 5]).dtype == torch.get_default_dtype()
    assert torch.tensor([5, 5]).dtype == torch.int64


# ----------------------------------------------------------------------------- Exercises

LOGITS = np.array([[2.0, 1.0, 0.1], [1.0, 3.0, 0.0]])
SOFTMAX = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
CLASS_SCORES = np.array([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1], [0.3, 0.4, 2.2], [0.9, 0.8, 0.1], [0.2, 0.1, 0.4]])
TRUE_CLASSES = np.array([1, 0, 2, 1, 2])
POINTS = np.array([[0.0, 0.0], [1.0, 1.0], [4.0, 5.0], [5.0, 4.0]])
CENTRES = np.array([[0.5, 0.5], [4.5, 4.5]])
SQUARED_DISTANCES = ((POINTS[:, None, :] - CENTRES[None, :, :]) ** 2).sum(axis=-1)


def test_tf_exercise_solutions(tf_page):
    import tensorflow as tf

    np.testing.assert_allclose(tf_page.probs.numpy(), SOFTMAX, rtol=1e-6)
    np.testing.assert_allclose(tf_page.probs.numpy(), tf.nn.softmax(tf_page.logits).numpy(), rtol=1e-6)
    assert float(tf_page.accuracy) == pytest.approx(np.mean(CLASS_SCORES.argmax(axis=1) == TRUE_CLASSES))
    np.testing.assert_allclose(tf_page.squared_distances.numpy(), SQUARED_DISTANCES, rtol=1e-6)


def test_tf_exercise_argmax_against_int32_labels_is_an_error(tf_page):
    import tensorflow as tf

    with pytest.raises(tf.errors.InvalidArgumentError, match="int64"):
        tf_page.predicted == tf.constant(TRUE_CLASSES, tf.int32)  # noqa: B015


def test_tf_exercise_softmax_without_the_shift_overflows(tf_page):
    import tensorflow as tf

    large = tf.constant([[1000.0, 999.0]])
    assert np.isnan((tf.exp(large) / tf.reduce_sum(tf.exp(large))).numpy()).all()
    shifted = tf.exp(large - tf.reduce_max(large))
    np.testing.assert_allclose((shifted / tf.reduce_sum(shifted)).numpy(), tf.nn.softmax(large).numpy())


def test_torch_exercise_solutions(torch_page):
    import torch

    np.testing.assert_allclose(torch_page.probs_pt.numpy(), SOFTMAX, rtol=1e-6)
    torch.testing.assert_close(torch_page.probs_pt, torch.softmax(torch_page.logits_pt, dim=1))
    assert torch_page.accuracy_pt.item() == pytest.approx(np.mean(CLASS_SCORES.argmax(axis=1) == TRUE_CLASSES))
    np.testing.assert_allclose(torch_page.squared_distances_pt.numpy(), SQUARED_DISTANCES, rtol=1e-6)
    np.testing.assert_array_equal(torch_page.squared_distances_pt.argmin(dim=1).numpy(), [0, 0, 1, 1])


def test_torch_exercise_mean_of_booleans_is_an_error(torch_page):
    with pytest.raises(RuntimeError, match="Bool"):
        torch_page.correct_pt.mean()


def test_torch_exercise_softmax_without_the_shift_overflows(torch_page):
    import torch

    large = torch.tensor([1000.0, 999.0])
    assert torch.isnan(large.exp() / large.exp().sum()).all()
    shifted = (large - large.max()).exp()
    torch.testing.assert_close(shifted / shifted.sum(), torch.softmax(large, dim=0))


MARKS = np.array([-2.0, 0.5, 3.0, -0.1], dtype=np.float32)


def test_tf_where_and_clip_match_numpy(tf_page):
    tf, marks = tf_page.tf, tf_page.marks
    np.testing.assert_array_equal(tf.where(marks > 0, marks, 0.0).numpy(), np.where(MARKS > 0, MARKS, 0.0))
    np.testing.assert_array_equal(tf.where(marks > 0).numpy().ravel(), np.flatnonzero(MARKS > 0))
    np.testing.assert_array_equal(tf.clip_by_value(marks, -1.0, 1.0).numpy(), np.clip(MARKS, -1, 1))
    assert tf_page.largest.dtype == tf.int64 and tf_page.top.indices.dtype == tf.int32
    assert float(tf.reduce_max(tf.abs(tf_page.probs - tf_page.builtin))) < 1e-6


def test_torch_where_and_clamp_match_numpy(torch_page):
    import torch

    marks = torch_page.marks_pt
    np.testing.assert_array_equal(torch.where(marks > 0, marks, 0.0).numpy(), np.where(MARKS > 0, MARKS, 0.0))
    np.testing.assert_array_equal(torch.where(marks > 0)[0].numpy(), np.where(MARKS > 0)[0])
    np.testing.assert_array_equal(marks.clamp(-1.0, 1.0).numpy(), np.clip(MARKS, -1, 1))
    assert torch.equal(torch.clip(marks, -1.0, 1.0), marks.clamp(-1.0, 1.0))
    assert (torch_page.probs_pt - torch_page.builtin_pt).abs().max().item() < 1e-6
