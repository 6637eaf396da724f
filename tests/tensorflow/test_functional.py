"""Checks for the claims made on docs/tensorflow/functional.md, run inside the page's run.

The page's outputs already pin the summary (parameter counts, connections), the
scores, that the shared layer is listed once, and what `predict` returns for six images.
"""

import numpy as np
import pytest

PAGE = "docs/tensorflow/functional.md"


def test_accuracy_floors(page):
    assert page.test_accuracy >= 0.95
    assert page.scores["digit_accuracy"] >= 0.95
    assert page.scores["is_even_accuracy"] >= 0.95


def test_inputs_are_the_two_halves_and_targets_the_two_heads(page):
    halves = page.split_halves(page.x_test)
    np.testing.assert_array_equal(np.hstack([halves["top_half"], halves["bottom_half"]]), page.x_test)
    targets = page.targets(np.array([0, 1, 2, 7]))
    assert targets["is_even"].tolist() == [1.0, 0.0, 1.0, 0.0]


def probe(page, names):
    """A model from the same inputs to the named intermediate layers."""
    import keras

    outputs = [page.two_heads.get_layer(name).output for name in names]
    inputs = {"top_half": page.top, "bottom_half": page.bottom}
    return keras.Model(inputs, outputs)


def test_shared_layer_uses_the_same_weights_for_both_halves(page):
    kernel, bias = page.half_encoder.get_weights()
    halves = page.split_halves(page.x_test[:8])
    joined = probe(page, ["joined"]).predict(halves, verbose=0)
    top = np.maximum(halves["top_half"] @ kernel + bias, 0.0)
    bottom = np.maximum(halves["bottom_half"] @ kernel + bias, 0.0)
    np.testing.assert_allclose(joined, np.hstack([top, bottom]), atol=1e-5)


def test_residual_output_is_block_input_plus_block_output(page):
    block_in, block, residual = probe(page, ["block_in", "block", "residual"]).predict(
        page.split_halves(page.x_test[:8]), verbose=0
    )
    np.testing.assert_allclose(residual, block_in + block, atol=1e-6)


def test_is_even_head_outputs_probabilities(page):
    assert np.all((page.outputs["is_even"] >= 0) & (page.outputs["is_even"] <= 1))
    assert page.outputs["digit"].shape == (6, 10)
    assert page.outputs["is_even"].shape == (6, 1)


def test_the_heads_can_disagree_as_the_page_says(page):
    # The page: the first image is a 2, the digit head is right, and the
    # is_even head gives it less than one half.
    assert page.y_test[0] == 2
    assert np.argmax(page.outputs["digit"][0]) == 2
    assert page.outputs["is_even"][0, 0] < 0.5


def test_plot_model_draws_every_layer_and_connection(page):
    drawn = {page.layer_of[node.get_name()] for node in page.dot.get_nodes() if node.get_name() in page.layer_of}
    assert drawn == {layer.name for layer in page.two_heads.layers}
    assert len(page.dot.get_edges()) == 9  # the shared layer's two calls are two edges into one box


def test_plot_model_wrote_a_png_outside_the_working_folder(page):
    import os

    with open(page.drawing, "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    assert not os.path.samefile(os.path.dirname(page.drawing), os.getcwd())


def test_plot_model_fails_clearly_without_graphviz(page, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` to find
    with pytest.raises(ImportError, match=r"You must install graphviz"):
        page.keras.utils.plot_model(page.two_heads, to_file=str(tmp_path / "model.png"))


def test_exercise_1_shared_encoder_has_half_the_parameters(page):
    assert page.unshared.count_params() == 2 * page.shared.count_params() == 2 * (32 * 32 + 32)


def test_exercise_2_features_are_what_the_heads_read(page):
    kernel, bias = page.two_heads.get_layer("digit").get_weights()
    logits = page.two_heads.predict(page.split_halves(page.x_test[:3]), verbose=0)["digit"]
    np.testing.assert_allclose(page.vectors @ kernel + bias, logits, atol=1e-4)


def test_summary_shows_every_connection_in_full():
    from pathlib import Path

    summary = Path("snippets/tensorflow/outputs/functional/graph.txt").read_text()
    assert "…" not in summary
    for connection in ["half_encoder[0][0],", "half_encoder[1][0]", "block_in[0][0],", "block[0][0]"]:
        assert connection in summary


def test_total_loss_is_the_weighted_sum_of_the_output_losses(page):
    scores = page.scores
    assert abs(scores["loss"] - (scores["digit_loss"] + 0.5 * scores["is_even_loss"])) < 1e-6


def test_output_losses_are_means_over_the_test_images(page):
    outputs = page.two_heads.predict(page.split_halves(page.x_test), verbose=0)
    logits = outputs["digit"].astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    digit_loss = -log_probabilities[np.arange(len(page.y_test)), page.y_test].mean()
    p = np.clip(outputs["is_even"][:, 0].astype(np.float64), 1e-7, 1 - 1e-7)
    even = page.targets(page.y_test)["is_even"]
    is_even_loss = -(even * np.log(p) + (1 - even) * np.log(1 - p)).mean()
    assert abs(page.scores["digit_loss"] - digit_loss) < 1e-4
    assert abs(page.scores["is_even_loss"] - is_even_loss) < 1e-4
    # With batches of 32 the total is still the mean over the images...
    assert abs(page.uneven["loss"] - (digit_loss + 0.5 * is_even_loss)) < 1e-4
    # ...but Keras 3.15.1 gives the 2-image last batch a full batch's weight in the
    # outputs' losses (the page explains why); if this starts failing, Keras fixed it.
    assert abs(page.uneven["digit_loss"] - digit_loss) > 1e-2
