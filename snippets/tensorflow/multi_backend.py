"""Keras 3 on another backend: the code of docs/tensorflow/multi-backend.md.

Run it as a program with ``python -m snippets.tensorflow.multi_backend``.
"""

# --8<-- [start:build]
import json
import os
import subprocess
import sys
import tempfile

import keras
import numpy as np

print("backend here:", keras.backend.backend())

keras.utils.set_random_seed(0)
# Only keras.layers: nothing in this model is specific to TensorFlow.
model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation="relu", name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="probabilities"),
    ],
    name="portable",
)
inputs = np.random.default_rng(0).uniform(size=(8, 64)).astype(np.float32)
tf_predictions = model.predict(inputs, verbose=0)
print(tf_predictions.shape)
# --8<-- [end:build]

# --8<-- [start:child]

# The program the second interpreter runs: load the model, predict, and
# print the backend and the predictions as JSON on stdout.
CHILD = """
import json, sys
import keras
import numpy as np

model = keras.saving.load_model(sys.argv[1])
inputs = np.load(sys.argv[2])
outputs = keras.ops.convert_to_numpy(model(inputs, training=False))
print(json.dumps({"backend": keras.backend.backend(),
                  "predictions": outputs.tolist()}))
"""


def run_with_backend(backend, model, inputs):
    """Save model and inputs, run CHILD with KERAS_BACKEND=backend."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    with tempfile.TemporaryDirectory() as folder:
        model_path = os.path.join(folder, "model.keras")
        inputs_path = os.path.join(folder, "inputs.npy")
        model.save(model_path)
        np.save(inputs_path, inputs)
        return subprocess.run(
            [sys.executable, "-c", CHILD, model_path, inputs_path],
            env=env, capture_output=True, text=True, check=True, timeout=120,
        )
# --8<-- [end:child]


# --8<-- [start:compare]
child = run_with_backend("torch", model, inputs)
reply = json.loads(child.stdout.splitlines()[-1])  # the JSON line CHILD prints
torch_predictions = np.array(reply["predictions"], dtype=np.float32)
print("backend in the child:", reply["backend"])
print("classes, TensorFlow:", tf_predictions.argmax(1))
print("classes, PyTorch:   ", torch_predictions.argmax(1))
difference = float(np.max(np.abs(torch_predictions - tf_predictions)))
print(f"largest difference in probability: {difference:.6f}")
# --8<-- [end:compare]
