"""Level 4, subclassing Layer and Model: the code of docs/tensorflow/subclassing.md.

Run it as a program with ``python -m snippets.tensorflow.subclassing``.
"""

# --8<-- [start:data]
import os
import tempfile

import keras
import numpy as np
import tensorflow as tf

from snippets.tensorflow.digits import load_digit_split

x_train, x_test, y_train, y_test = load_digit_split()
# --8<-- [end:data]


# --8<-- [start:layer]
@keras.saving.register_keras_serializable(package="levels")
class Affine(keras.layers.Layer):
    """y = activation(x @ kernel + bias), weights created on first call."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        # Called once, with the first input's shape: no need to know
        # the input size when the layer is created.
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="glorot_uniform",
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units,), initializer="zeros", name="bias"
        )

    def call(self, inputs):
        return self.activation(inputs @ self.kernel + self.bias)

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            activation=keras.activations.serialize(self.activation),
        )
        return config


layer = Affine(3, name="affine")
print("built before call:", layer.built)
print(layer(np.ones((2, 5), dtype=np.float32)).shape)
print("built after call:", layer.built, [tuple(w.shape) for w in layer.weights])
# --8<-- [end:layer]


# --8<-- [start:model]
@keras.saving.register_keras_serializable(package="levels")
class DigitClassifier(keras.Model):
    """Two Affine layers with dropout between them, and a custom train step."""

    def __init__(self, hidden_units=64, dropout=0.2, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.dropout_rate = dropout
        self.hidden = Affine(hidden_units, activation="relu", name="hidden")
        self.dropout = keras.layers.Dropout(dropout, name="dropout")
        self.out = Affine(10, name="logits")
        # The steps below update these metrics themselves.
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.accuracy = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
        self.grad_norm = keras.metrics.Mean(name="grad_norm")

    @property
    def metrics(self):
        # Keras resets the metrics listed here at the start of every
        # epoch and of every evaluate().
        return [self.loss_tracker, self.accuracy, self.grad_norm]

    def call(self, inputs, training=False):
        # `training` switches dropout on in fit() and off in predict().
        hidden = self.dropout(self.hidden(inputs), training=training)
        return self.out(hidden)

    def train_step(self, data):
        # (x, y) or (x, y, sample_weight): fit() adds the weights when it
        # gets sample_weight or class_weight.
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight
            )
            # Multiplied by the loss scale of mixed precision, if any;
            # the optimizer divides the gradients back.
            scaled_loss = self.optimizer.scale_loss(loss)
        grads = tape.gradient(scaled_loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        # Weighted by the batch's size: the epoch's loss is a mean over
        # examples, even with a smaller last batch.
        self.loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        self.accuracy.update_state(y, y_pred, sample_weight=sample_weight)
        self.grad_norm.update_state(tf.linalg.global_norm(grads))
        return {metric.name: metric.result() for metric in self.metrics}

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
            training=False,
        )
        self.loss_tracker.update_state(loss, sample_weight=tf.shape(x)[0])
        self.accuracy.update_state(y, y_pred, sample_weight=sample_weight)
        return {"loss": self.loss_tracker.result(),
                "accuracy": self.accuracy.result()}

    def get_config(self):
        config = super().get_config()
        config.update(hidden_units=self.hidden_units, dropout=self.dropout_rate)
        return config
# --8<-- [end:model]


# --8<-- [start:train]
keras.utils.set_random_seed(0)
model = DigitClassifier(name="level4")
model.compile(
    optimizer="adam",
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
history = model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
for name, values in sorted(history.history.items()):
    print(f"{name:<9}", np.round(values, 2))
scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
print({name: round(value, 3) for name, value in sorted(scores.items())})
# --8<-- [end:train]

# --8<-- [start:summary]
model.summary(line_length=80)
# --8<-- [end:summary]

# --8<-- [start:training_flag]
batch = x_test[:4]
first = model(batch, training=False)
second = model(batch, training=False)
noisy = model(batch, training=True)  # dropout on: random units zeroed
# The largest difference between two calls' logits:
print(f"training=False twice: {np.max(np.abs(first - second)):.1e}")
print(f"training=False vs training=True: {np.max(np.abs(first - noisy)):.2f}")
# --8<-- [end:training_flag]

# --8<-- [start:control_flow]
class Normalize(keras.layers.Layer):
    """Divides a batch by its largest value when that is above 1."""

    def call(self, inputs):
        largest = keras.ops.max(inputs)
        # A branch on a tensor's value: works eagerly and when traced.
        return keras.ops.cond(
            largest > 1.0, lambda: inputs / largest, lambda: inputs
        )


class NormalizeWithIf(keras.layers.Layer):
    """The same with a Python `if`: works eagerly only."""

    def call(self, inputs):
        largest = keras.ops.max(inputs)
        if largest > 1.0:
            return inputs / largest
        return inputs


raw = x_test[:4] * 16.0  # pixel values 0 to 16, as scikit-learn ships them
for layer in (Normalize(), NormalizeWithIf()):
    eager = float(keras.ops.max(layer(raw)))
    try:
        traced = float(keras.ops.max(tf.function(layer)(raw)))  # as fit does
    except tf.errors.OperatorNotAllowedInGraphError as error:
        traced = type(error).__name__
    print(f"{type(layer).__name__:<16} eager: {eager}   traced: {traced}")
# --8<-- [end:control_flow]

# --8<-- [start:save]
config = model.get_config()
print({key: config[key] for key in ("name", "hidden_units", "dropout")})
blank = DigitClassifier.from_config(config)  # same design, fresh weights
print(type(blank).__name__, blank.name, blank.built)

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "level4.keras")
    model.save(path)
    restored = keras.saving.load_model(path)

print(type(restored).__name__, restored.hidden_units, restored.dropout_rate)
reload_difference = np.max(np.abs(
    model.predict(x_test, verbose=0) - restored.predict(x_test, verbose=0)
))
print(f"largest difference in predictions after reload: "
      f"{reload_difference:.1e}")
# --8<-- [end:save]


# --8<-- [start:exercise_1]
class Scale(keras.layers.Layer):
    """Multiplies each input feature by its own trainable factor."""

    def __init__(self, initial=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial = initial

    def build(self, input_shape):
        self.factors = self.add_weight(
            shape=(input_shape[-1],),
            initializer=keras.initializers.Constant(self.initial),
            name="factors",
        )

    def call(self, inputs):
        return inputs * self.factors

    def get_config(self):
        config = super().get_config()
        config.update(initial=self.initial)
        return config


scale = Scale(initial=2.0, name="scale")
print(scale(np.array([[1.0, 2.0, 3.0]], dtype=np.float32)).numpy())
print([(w.name, tuple(w.shape), w.trainable) for w in scale.weights])
rebuilt = Scale.from_config(scale.get_config())
print(rebuilt.name, rebuilt.initial, rebuilt.built)
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
inputs = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
targets = inputs * np.array([0.5, -1.0, 2.0], dtype=np.float32)
fitted = Scale(name="fitted")  # factors start at 1.0
optimizer = keras.optimizers.SGD(learning_rate=1.0)


def scale_loss():
    return keras.ops.mean((fitted(inputs) - targets) ** 2)


print("loss before:", round(float(scale_loss()), 2))
for _ in range(20):
    with tf.GradientTape() as tape:
        loss = scale_loss()
    grads = tape.gradient(loss, fitted.trainable_weights)
    optimizer.apply(grads, fitted.trainable_weights)
print(f"loss after: {float(scale_loss()):.1e}")
print("factors:", fitted.factors.numpy().round(2))
# --8<-- [end:exercise_2]


# --8<-- [start:exercise_3]
class SkipClassifier(keras.Model):
    """The logits layer sees the pixels as well as the hidden units."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = Affine(64, activation="relu", name="hidden")
        self.out = Affine(10, name="logits")

    def call(self, inputs):
        both = keras.ops.concatenate([inputs, self.hidden(inputs)], axis=-1)
        return self.out(both)


skip = SkipClassifier(name="skip")
print(skip(x_test[:4]).shape)  # the first call builds the weights
# By hand: 64*64 + 64 = 4160 and (64 + 64)*10 + 10 = 1290.
print({layer.name: layer.count_params() for layer in skip.layers})
print("total:", skip.count_params())
# --8<-- [end:exercise_3]
