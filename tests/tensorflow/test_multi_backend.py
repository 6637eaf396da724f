"""Checks for the claims made on docs/tensorflow/multi-backend.md."""

import contextlib
import io
import os
import subprocess
import sys
import tempfile

import keras
import numpy as np

from tooling.noise import strip_noise

with contextlib.redirect_stdout(io.StringIO()):  # runs the torch child on import
    from snippets.tensorflow import multi_backend as m


def test_parent_is_tensorflow_and_child_is_torch():
    assert keras.backend.backend() == "tensorflow"
    assert m.backend == "torch"


def test_predictions_agree_within_tolerance():
    assert m.torch_predictions.shape == m.tf_predictions.shape == (8, 10)
    np.testing.assert_allclose(m.torch_predictions, m.tf_predictions, atol=1e-6)
    np.testing.assert_allclose(m.torch_predictions.sum(axis=1), 1.0, atol=1e-5)


def test_the_tolerance_would_catch_different_weights():
    keras.utils.set_random_seed(1)
    other = keras.models.clone_model(m.model)  # same design, new weights
    different = other.predict(m.inputs, verbose=0)
    assert np.max(np.abs(different - m.torch_predictions)) > 1e-3


def test_child_writes_nothing_to_stderr():
    with tempfile.TemporaryDirectory() as folder:
        model_path = os.path.join(folder, "model.keras")
        inputs_path = os.path.join(folder, "inputs.npy")
        m.model.save(model_path)
        np.save(inputs_path, m.inputs)
        env = dict(os.environ, KERAS_BACKEND="torch")
        proc = subprocess.run(
            [sys.executable, "-c", m.CHILD, model_path, inputs_path],
            env=env, capture_output=True, text=True, check=True,
        )
    assert strip_noise(proc.stderr).strip() == ""
    assert '"backend": "torch"' in proc.stdout
