"""Checks for the claims made on docs/foundations/landscape.md."""

import pytest
import tensorflow as tf
import torch

from snippets.foundations import landscape as ls


def test_tf_shape_mistake_raises_and_points_at_our_product():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        ls.tf_two_layers(ls.x, ls.w1, ls.w2)
    assert "Matrix size-incompatible: In[0]: [8,4], In[1]: [3,2]" in info.value.message
    frame = ls.our_frame(info.value)
    assert frame.name == "tf_two_layers"
    assert frame.line.startswith("return hidden @ w2")
    assert frame.filename.endswith("landscape.py")


def test_torch_shape_mistake_raises_and_points_at_our_product():
    with pytest.raises(RuntimeError, match=r"\(8x4 and 3x2\)") as info:
        ls.torch_two_layers(ls.x_pt, ls.w1_pt, ls.w2_pt)
    frame = ls.our_frame(info.value)
    assert frame.name == "torch_two_layers"
    assert frame.line.startswith("return hidden @ w2")


def test_the_library_frames_are_the_ones_skipped():
    # TensorFlow re-raises from its own code: the last traceback entry is library code.
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        ls.tf_two_layers(ls.x, ls.w1, ls.w2)
    last = info.traceback[-1]
    assert "site-packages" in str(last.path)


def test_correct_shapes_work_in_both():
    assert ls.tf_two_layers(ls.x, ls.w1, tf.ones([4, 2])).shape == (8, 2)
    assert ls.torch_two_layers(ls.x_pt, ls.w1_pt, torch.ones(4, 2)).shape == (8, 2)
