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
