"""Checks for the claims made on docs/foundations/landscape.md that its outputs do not show.

The outputs pin each error message and the line of our code that `our_frame` reports.
"""

import pytest

PAGE = "docs/foundations/landscape.md"


def test_tf_innermost_traceback_entry_is_library_code(tf_page):
    # TensorFlow re-raises from its own code: the last traceback entry is library code,
    # which is why the page needs `our_frame` to find the line of ours.
    import tensorflow as tf

    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf_page.tf_two_layers(tf_page.x, tf_page.w1, tf_page.w2)
    assert "site-packages" in str(info.traceback[-1].path)
    assert tf_page.our_frame(info.value).filename.endswith("landscape.py")


def test_tf_correct_shapes_work(tf_page):
    import tensorflow as tf

    assert tf_page.tf_two_layers(tf_page.x, tf_page.w1, tf.ones([4, 2])).shape == (8, 2)


def test_torch_correct_shapes_work(torch_page):
    import torch

    assert torch_page.torch_two_layers(torch_page.x_pt, torch_page.w1_pt, torch.ones(4, 2)).shape == (8, 2)


def test_exercise_fixed_w2_gives_twenty_everywhere(tf_page):
    assert tf_page.fixed.numpy().tolist() == [[20.0, 20.0]] * 8


def test_exercise_fixed_w2_gives_twenty_everywhere_in_torch(torch_page):
    assert torch_page.fixed_pt.tolist() == [[20.0, 20.0]] * 8


def test_exercise_bias_with_one_entry_per_unit_is_added_to_every_row(tf_page):
    import tensorflow as tf

    biased = tf_page.tf_hidden_with_bias(tf_page.x, tf_page.w1, tf.constant([1.0, 2.0, 3.0, 4.0]))
    assert biased.numpy().tolist() == [[6.0, 7.0, 8.0, 9.0]] * 8


def test_exercise_bias_with_one_entry_per_unit_is_added_to_every_row_in_torch(torch_page):
    import torch

    biased = torch_page.torch_hidden_with_bias(torch_page.x_pt, torch_page.w1_pt, torch.tensor([1.0, 2.0, 3.0, 4.0]))
    assert biased.tolist() == [[6.0, 7.0, 8.0, 9.0]] * 8


def test_exercise_session_returns_the_values_of_the_graph(tf_page):
    assert tf_page.hidden_values.tolist() == [[5.0] * 4] * 8
    assert tf_page.pair_values.tolist() == [[2.0 * i, 2.0 * i + 1] for i in range(6)]


def test_exercise_eager_pairs_hold_the_batch_in_order(torch_page):
    assert torch_page.pairs_pt.flatten().tolist() == torch_page.batch_of_4_pt.flatten().tolist()
    assert torch_page.hidden_pt.tolist() == [[5.0] * 4] * 8
