"""Keras 3 on three backends: the code of docs/tensorflow/multi-backend.md.

Run it as a program with ``python -m snippets.tensorflow.multi_backend``: it
builds a model with the TensorFlow backend, then runs this same file again in
two child interpreters, with ``KERAS_BACKEND`` set to ``torch`` and ``jax``.
"""

# --8<-- [start:layer]
import keras


@keras.saving.register_keras_serializable(package="guide")
class RMSNorm(keras.layers.Layer):
    """Divide each row by its root mean square, then scale each feature.

    Only keras.ops inside: no TensorFlow, PyTorch or JAX function.
    """

    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(input_shape[-1],),
            initializer="ones",
            name="scale",
        )

    def call(self, x):
        ops = keras.ops
        mean_square = ops.mean(ops.square(x), axis=-1, keepdims=True)
        return x * ops.rsqrt(mean_square + self.epsilon) * self.scale

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
# --8<-- [end:layer]


# --8<-- [start:child]
import json
import sys

import numpy as np


def predict_and_report(model_path, inputs_path):
    """Load the model, predict, print the backend and predictions as JSON."""
    model = keras.saving.load_model(model_path)  # finds RMSNorm by name
    outputs = model(np.load(inputs_path), training=False)
    reply = {"backend": keras.backend.backend()}
    reply["predictions"] = keras.ops.convert_to_numpy(outputs).tolist()
    print(json.dumps(reply))


def main(argv):
    if argv:  # started by run_with_backend: MODEL_PATH INPUTS_PATH
        predict_and_report(*argv)
    else:  # started by hand: the demonstration that follows
        demonstration()
# --8<-- [end:child]


def demonstration():
    """Train on TensorFlow, then predict in a torch and a JAX interpreter."""
    # --8<-- [start:build]
    from snippets.tensorflow.digits import load_digit_split

    print("backend here:", keras.backend.backend())
    x_train, x_test, y_train, y_test = load_digit_split()

    keras.utils.set_random_seed(0)
    # keras.layers and our keras.ops layer: nothing specific to TensorFlow.
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu", name="hidden"),
            RMSNorm(name="rms"),
            keras.layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="portable",
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)

    inputs = x_test  # the 450 test images
    tf_predictions = model.predict(inputs, verbose=0)
    tf_accuracy = np.mean(tf_predictions.argmax(1) == y_test)
    print(f"test accuracy on tensorflow: {tf_accuracy:.3f}")
    # --8<-- [end:build]

    # --8<-- [start:run]
    import os
    import subprocess
    import tempfile

    def run_with_backend(backend, model, inputs):
        """Save model and inputs; run this file with KERAS_BACKEND=backend."""
        env = dict(os.environ, KERAS_BACKEND=backend)
        with tempfile.TemporaryDirectory() as folder:
            model_path = os.path.join(folder, "model.keras")
            inputs_path = os.path.join(folder, "inputs.npy")
            model.save(model_path)
            np.save(inputs_path, inputs)
            script = "snippets.tensorflow.multi_backend"
            return subprocess.run(
                [sys.executable, "-m", script, model_path, inputs_path],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            )
    # --8<-- [end:run]

    # --8<-- [start:compare]
    children = {}
    predictions = {"tensorflow": tf_predictions}
    for backend in ["torch", "jax"]:
        children[backend] = run_with_backend(backend, model, inputs)
        reply = json.loads(children[backend].stdout.splitlines()[-1])
        probabilities = np.array(reply["predictions"], dtype=np.float32)
        predictions[reply["backend"]] = probabilities

    for backend, probabilities in predictions.items():
        accuracy = np.mean(probabilities.argmax(1) == y_test)
        print(f"{backend:<10} first classes {probabilities[:8].argmax(1)}"
              f", test accuracy {accuracy:.3f}")
    for backend in ["torch", "jax"]:
        gap = float(np.max(np.abs(predictions[backend] - tf_predictions)))
        print(f"largest difference, {backend} vs tensorflow: {gap:.1e}")
    # --8<-- [end:compare]


if __name__ == "__main__":
    main(sys.argv[1:])
