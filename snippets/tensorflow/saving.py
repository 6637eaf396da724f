"""Saving and deploying a Keras model: the code of docs/tensorflow/saving.md.

Run it as a program with ``python -m snippets.tensorflow.saving``.
"""

# --8<-- [start:model]
import os
import tempfile
import textwrap

import keras
import numpy as np
import tensorflow as tf

from snippets.tensorflow.digits import load_digit_split

x_train, x_test, y_train, y_test = load_digit_split()

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(64,), name="pixels"),
        keras.layers.Dense(64, activation="relu", name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="probabilities"),
    ],
    name="digits",
)
model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
reference = model.predict(x_test, verbose=0)  # what every copy must match
accuracy = np.mean(reference.argmax(axis=1) == y_test)
print(reference.shape, reference.dtype, f"test accuracy {accuracy:.3f}")
# --8<-- [end:model]

# --8<-- [start:keras_format]
folder = tempfile.TemporaryDirectory()  # removed at the end of the page
keras_path = os.path.join(folder.name, "digits.keras")
model.save(keras_path)  # architecture, weights, optimizer state: one zip

reloaded = keras.saving.load_model(keras_path)
keras_copy = reloaded.predict(x_test, verbose=0)
print(reloaded.name, [layer.name for layer in reloaded.layers])
print("optimizer state restored:", reloaded.optimizer.iterations.numpy())
keras_difference = float(np.max(np.abs(keras_copy - reference)))
print(f"largest difference from the original: {keras_difference:.1e}")
# --8<-- [end:keras_format]

# --8<-- [start:weights_only]
weights_path = os.path.join(folder.name, "digits.weights.h5")
model.save_weights(weights_path)  # the weights only: no config, no optimizer

same_design = keras.models.clone_model(model)  # same layers, new weights
untrained = same_design.predict(x_test, verbose=0)
before = float(np.max(np.abs(untrained - reference)))
same_design.load_weights(weights_path)
weights_difference = float(np.max(np.abs(
    same_design.predict(x_test, verbose=0) - reference
)))
print(f"largest difference before load_weights: {before:.1e}, "
      f"after: {weights_difference:.1e}")
# --8<-- [end:weights_only]

# --8<-- [start:export]
export_dir = os.path.join(folder.name, "digits_savedmodel")
model.export(export_dir, format="tf_saved_model", verbose=False)

served = tf.saved_model.load(export_dir)  # no Keras needed to run it
signature = served.signatures["serving_default"]
print(signature.structured_input_signature)
print(signature.structured_outputs)

outputs = signature(pixels=tf.constant(x_test))
saved_model_copy = outputs["output_0"].numpy()
saved_model_difference = float(np.max(np.abs(saved_model_copy - reference)))
print(f"largest difference from the original: {saved_model_difference:.1e}")
# --8<-- [end:export]

# --8<-- [start:tfsm_layer]
try:
    keras.saving.load_model(export_dir)
except ValueError as error:
    message = str(error).replace(export_dir, "<export_dir>")
    print(type(error).__name__ + ":")
    print(textwrap.fill(message.splitlines()[0], width=80))

served_layer = keras.layers.TFSMLayer(export_dir)  # the "serve" endpoint
tfsm_copy = keras.ops.convert_to_numpy(served_layer(x_test))
tfsm_difference = float(np.max(np.abs(tfsm_copy - reference)))
print(f"TFSMLayer, largest difference from the original: {tfsm_difference:.1e}")
# --8<-- [end:tfsm_layer]

# --8<-- [start:tflite_convert]
converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)
flatbuffer = converter.convert()  # bytes, ready to ship to a device
print(f"a {type(flatbuffer).__name__} object of {len(flatbuffer)} bytes")
# --8<-- [end:tflite_convert]

# --8<-- [start:litert_export]
litert_path = os.path.join(folder.name, "digits.tflite")
model.export(litert_path, format="litert", verbose=False)
with open(litert_path, "rb") as file:
    exported = file.read()
print(os.path.basename(litert_path), f"{len(exported)} bytes")
# --8<-- [end:litert_export]

# --8<-- [start:tflite_inspect]
from ai_edge_litert.interpreter import Interpreter, OpResolverType

# Built-in kernels without default delegates such as XNNPACK (which
# announces itself on stderr).
kernels = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES

interpreter = Interpreter(
    model_content=flatbuffer, experimental_op_resolver_type=kernels
)
print(interpreter.get_signature_list())
input_detail = interpreter.get_input_details()[0]
print("shape:", input_detail["shape"].tolist(),
      "shape_signature:", input_detail["shape_signature"].tolist())
# --8<-- [end:tflite_inspect]

# --8<-- [start:tflite_run]
def run_flatbuffer(content, inputs):
    """Run a LiteRT (TensorFlow Lite) flatbuffer on a batch of inputs."""
    interpreter = Interpreter(
        model_content=content, experimental_op_resolver_type=kernels
    )
    serve = interpreter.get_signature_runner()  # its only signature
    return serve(pixels=inputs)["output_0"]  # resizes to the batch, runs


copies = {
    "converter": run_flatbuffer(flatbuffer, x_test),
    "export": run_flatbuffer(exported, x_test),  # model.export's
}
tflite_copy, litert_copy = copies.values()
tflite_difference = float(np.max(np.abs(tflite_copy - reference)))
litert_difference = float(np.max(np.abs(litert_copy - reference)))
between = float(np.max(np.abs(litert_copy - tflite_copy)))
print(tflite_copy.shape, "largest differences:")
print(f"converter vs original: {tflite_difference:.1e}")
print(f"export vs original:    {litert_difference:.1e}")
print(f"converter vs export:   {between:.1e}")
same_class = {
    name: int(np.sum(copy.argmax(1) == reference.argmax(1)))
    for name, copy in copies.items()
}
print("same predicted digit as the original:", ", ".join(
    f"{name} {count} of {len(x_test)}" for name, count in same_class.items()
))
folder.cleanup()
# --8<-- [end:tflite_run]
