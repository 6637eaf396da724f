"""TensorFlow and PyTorch train the same models on the same data (docs/performance/frameworks.md).

Each reading path checks its framework against the same references: the number of weights of
each model and scikit-learn's digits. Speeds are never asserted.
"""

import json

import numpy as np
import pytest

from tests.performance.claims import build, claims_shown
from tooling.pages import ROOT

PAGE = "docs/performance/frameworks.md"
# Layer for layer the same models in both frameworks, hence the same number of weights.
WEIGHTS = {"mlp": 26_122, "cnn": 9_930}


def claims_shown_for(framework):
    results = sorted((ROOT / "docs/performance/results").glob("cpu-*.json"))[0]
    published = json.loads(results.read_text(encoding="utf-8"))["claims"]
    return {cid for cid in claims_shown(PAGE) if published[cid]["framework"] == framework}


def reference_digits():
    """The first 256 images of scikit-learn's digits, scaled to [0, 1], flat, and their labels."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (x[:256] / 16).astype(np.float32), y[:256]


def test_tensorflow_claims_have_their_sections(tf_page):
    assert {c.id for c in tf_page.CLAIMS} == claims_shown_for("tensorflow")


def test_pytorch_claims_have_their_sections(torch_page):
    assert {c.id for c in torch_page.CLAIMS} == claims_shown_for("pytorch")


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_tensorflow_model_size(tf_page, kind):
    assert tf_page.tf_model(kind).count_params() == WEIGHTS[kind]


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_pytorch_model_size(torch_page, kind):
    assert sum(p.numel() for p in torch_page.torch_model(kind).parameters()) == WEIGHTS[kind]


def test_tensorflow_trains_on_the_digits_channels_last(tf_page):
    x, y = tf_page.digits(fast=True)
    images, labels = reference_digits()
    assert x.shape == (256, 8, 8, 1)
    np.testing.assert_array_equal(x.reshape(256, 64), images)
    np.testing.assert_array_equal(y, labels)


def test_pytorch_trains_on_the_digits_channels_first(torch_page):
    x, y = torch_page.digits(fast=True)
    images, labels = reference_digits()
    assert tuple(x.shape) == (256, 1, 8, 8)
    np.testing.assert_array_equal(x.reshape(256, 64).numpy(), images)
    np.testing.assert_array_equal(y.numpy(), labels)


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_tensorflow_epochs_lower_the_loss(tf_page, kind):
    tf = tf_page.tf
    x, y = (tf.constant(a) for a in tf_page.digits(fast=True))
    step = tf_page.tf_trainer(kind, compile_model=True)
    first = tf_page.tf_epoch(step, x, y)
    for _ in range(3):
        last = tf_page.tf_epoch(step, x, y)
    assert last < first


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_pytorch_epochs_lower_the_loss(torch_page, kind):
    x, y = torch_page.digits(fast=True)
    step = torch_page.torch_trainer(kind, compile_model=False)
    first = torch_page.torch_epoch(step, x, y)
    for _ in range(3):
        last = torch_page.torch_epoch(step, x, y)
    assert last < first


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_tensorflow_claims_train_an_epoch_per_call(tf_page, kind):
    pair = build(tf_page, f"tf_{kind}_train")
    assert pair.items == 256
    assert np.isfinite(pair.baseline()) and np.isfinite(pair.optimized())


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_pytorch_claims_train_an_epoch_per_call(torch_page, kind):
    pair = build(torch_page, f"torch_{kind}_train")
    assert pair.items == 256
    assert np.isfinite(pair.baseline()) and np.isfinite(pair.optimized())


def test_the_capture_only_claim_trains_the_mlp_with_the_aot_eager_backend(torch_page):
    pair = build(torch_page, "torch_mlp_train_capture")
    assert pair.items == 256
    assert np.isfinite(pair.baseline()) and np.isfinite(pair.optimized())
