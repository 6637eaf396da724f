"""Saving and deploying a Keras model: the code of docs/tensorflow/saving.md.

Run it as a program with ``python -m snippets.tensorflow.saving``.
"""

# --8<-- [start:model]
import os
import tempfile
import warnings

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
print(reference.shape, reference.dtype)
# --8<-- [end:model]

# --8<-- [start:keras_format]
folder = tempfile.TemporaryDirectory()  # removed at the end of the page
keras_path = os.path.join(folder.name, "digits.keras")
model.save(keras_path)  # architecture, weights, optimizer state: one zip

reloaded = keras.saving.load_model(keras_path)
keras_copy = reloaded.predict(x_test, verbose=0)
print(reloaded.name, [layer.name for layer in reloaded.layers])
print("optimizer state restored:", reloaded.optimizer.iterations.numpy())
print("max difference:", float(np.max(np.abs(keras_copy - reference))))
# --8<-- [end:keras_format]

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
print(f"largest difference from the original: {saved_model_difference:.0e}")
# --8<-- [end:export]

# --8<-- [start:tflite_convert]
converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)
flatbuffer = converter.convert()  # bytes, ready to ship to a device
print(type(flatbuffer).__name__, f"{len(flatbuffer) / 1000:.0f} kB")
# --8<-- [end:tflite_convert]

# --8<-- [start:tflite_run]
# Built-in kernels without default delegates such as XNNPACK (which
# announces itself on stderr).
kernels = tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    interpreter = tf.lite.Interpreter(
        model_content=flatbuffer, experimental_op_resolver_type=kernels
    )
# TF 2.21 warns that this interpreter is deprecated in favour of LiteRT.
print([warning.category.__name__ for warning in caught])
print(" ".join(str(caught[0].message).split()))  # the message, on one line

input_detail = interpreter.get_input_details()[0]
output_detail = interpreter.get_output_details()[0]
interpreter.resize_tensor_input(input_detail["index"], x_test.shape)
interpreter.allocate_tensors()
interpreter.set_tensor(input_detail["index"], x_test)
interpreter.invoke()
tflite_copy = interpreter.get_tensor(output_detail["index"])
tflite_difference = float(np.max(np.abs(tflite_copy - reference)))
print(
    tflite_copy.shape,
    f"largest difference from the original: {tflite_difference:.0e}",
)
folder.cleanup()
# --8<-- [end:tflite_run]
