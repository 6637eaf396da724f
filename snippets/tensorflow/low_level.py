"""Level 1, raw TensorFlow: the code of docs/tensorflow/low-level.md.

Run it as a program with ``python -m snippets.tensorflow.low_level``. It trains a small
digit classifier with nothing but variables, a tape and a compiled step function.
"""

# --8<-- [start:data]
import numpy as np
import tensorflow as tf

from snippets.tensorflow.digits import load_digit_split

x_train, x_test, y_train, y_test = load_digit_split()
print(x_train.shape, x_test.shape, x_train.dtype, y_train.dtype)
print(float(x_train.min()), float(x_train.max()))
# --8<-- [end:data]

# --8<-- [start:variable]
v = tf.Variable([1.0, 2.0], name="v")
print(v.name, v.trainable, v.dtype)
v.assign_add([0.5, 0.5])  # updates in place, keeps dtype and shape
print(v.numpy())

counter = tf.Variable(0, trainable=False, name="steps")  # state, not a weight
counter.assign_add(1)
print(counter.numpy(), counter.trainable)
# --8<-- [end:variable]


# --8<-- [start:module]
class Dense(tf.Module):
    """y = activation(x @ w + b), with its two variables."""

    def __init__(self, n_in, n_out, seed, activation=None, name=None):
        super().__init__(name=name)
        # He initialisation: variance 2 / n_in keeps ReLU activations in range.
        init = tf.random.stateless_normal([n_in, n_out], seed=[seed, 0])
        with self.name_scope:  # the variables' names start with the module's
            self.w = tf.Variable(init * np.sqrt(2.0 / n_in), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b")
        self.activation = activation

    def __call__(self, x):
        y = x @ self.w + self.b
        return self.activation(y) if self.activation else y


class MLP(tf.Module):
    """64 pixels -> 64 ReLU units -> 10 logits."""

    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.hidden = Dense(64, 64, seed=1, activation=tf.nn.relu,
                                name="hidden")
            self.out = Dense(64, 10, seed=2, name="out")

    def __call__(self, x):
        return self.out(self.hidden(x))


model = MLP(name="mlp")
# tf.Module finds the variables held by its attributes, recursively.
for var in model.trainable_variables:
    print(var.name, var.shape)
print(model(x_train[:3]).shape)
# --8<-- [end:module]


# --8<-- [start:tape]
def loss_fn(model, x, y):
    logits = model(x)
    per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits)
    return tf.reduce_mean(per_example)


with tf.GradientTape() as tape:  # records the operations on variables
    loss = loss_fn(model, x_train[:32], y_train[:32])
grads = tape.gradient(loss, model.trainable_variables)
print("loss:", round(float(loss), 2), " ln(10):", round(np.log(10), 2))
print([tuple(g.shape) for g in grads])
print("gradient norm:", round(float(tf.linalg.global_norm(grads)), 2))
# --8<-- [end:tape]


# --8<-- [start:loop]
def sgd_step(model, x, y, learning_rate=0.1):
    with tf.GradientTape() as tape:
        loss = loss_fn(model, x, y)
    grads = tape.gradient(loss, model.trainable_variables)
    for var, grad in zip(model.trainable_variables, grads, strict=True):
        var.assign_sub(learning_rate * grad)
    return loss


def train(step, epochs=20, batch_size=32, seed=0):
    """Mini-batch training: ``step(x, y)`` updates the model on one batch.

    ``seed`` may be a NumPy Generator: a later call then continues its
    shuffling.
    """
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            step(x_train[idx], y_train[idx])


def accuracy(model, x, y):
    predicted = tf.argmax(model(x), axis=1).numpy()
    return float(np.mean(predicted == y))


eager_model = MLP(name="eager")
train(lambda x, y: sgd_step(eager_model, x, y), epochs=1)
print("eager, 1 epoch, test accuracy:",
      round(accuracy(eager_model, x_test, y_test), 2))
# --8<-- [end:loop]

# --8<-- [start:function]
level1 = MLP(name="level1")  # fixed seeds: the same start as eager_model


# Traced once into a graph, then reused for every batch. The None batch
# dimension lets the last, smaller batch run the same graph.
@tf.function(
    input_signature=[
        tf.TensorSpec([None, 64], tf.float32),
        tf.TensorSpec([None], tf.int64),
    ]
)
def compiled_step(x, y):
    return sgd_step(level1, x, y)


shuffling = np.random.default_rng(0)  # the eager epoch's shuffling
train(compiled_step, epochs=1, seed=shuffling)  # the same batches
eager_vs_graph = max(
    float(tf.reduce_max(tf.abs(a - b)))
    for a, b in zip(eager_model.trainable_variables,
                    level1.trainable_variables, strict=True)
)
print(f"after one epoch, largest weight difference from eager: "
      f"{eager_vs_graph:.1e}")
train(compiled_step, epochs=19, seed=shuffling)  # continues the shuffling
print("traced", compiled_step.experimental_get_tracing_count(), "time(s)")
test_accuracy = accuracy(level1, x_test, y_test)
print("20 epochs, test accuracy:", round(test_accuracy, 2))
# --8<-- [end:function]

# --8<-- [start:pitfalls]
traced_with = []  # a Python side effect: it runs while tracing only


@tf.function
def scale(x, factor):
    traced_with.append(factor)
    return x * factor


ones = tf.ones([2])
for factor in (1.0, 2.0, 2.0, 3.0):  # Python floats: each new value traces
    scale(ones, factor)
print("Python floats:", scale.experimental_get_tracing_count(), "traces,",
      "side effect ran for", traced_with)
for factor in (1.0, 2.0, 3.0):  # tensors: one trace for every value
    scale(ones, tf.constant(factor))
print("then tensors: ", scale.experimental_get_tracing_count(), "traces")
# --8<-- [end:pitfalls]

# --8<-- [start:checkpoint]
import os
import tempfile

folder = tempfile.TemporaryDirectory()  # removed when Python exits
epochs_done = tf.Variable(20, trainable=False, name="epochs_done")
checkpoint = tf.train.Checkpoint(model=level1, step=epochs_done)
saved_path = checkpoint.save(os.path.join(folder.name, "level1"))
print(os.path.basename(saved_path))  # a prefix: numbered by save_counter

restored_model = MLP(name="restored")  # untrained weights
restored_step = tf.Variable(0, trainable=False)
status = tf.train.Checkpoint(model=restored_model, step=restored_step).restore(
    saved_path
)
status.assert_consumed()  # every saved value found a variable
checkpoint_difference = max(
    float(tf.reduce_max(tf.abs(a - b)))
    for a, b in zip(level1.trainable_variables,
                    restored_model.trainable_variables, strict=True)
)
print("step:", int(restored_step),
      f" largest weight difference: {checkpoint_difference:.1e}")
# --8<-- [end:checkpoint]


# --8<-- [start:saved_model]
class Exported(tf.Module):
    """What the SavedModel serves: probabilities for a batch of images."""

    def __init__(self, mlp):
        super().__init__()
        self.mlp = mlp

    @tf.function(input_signature=[tf.TensorSpec([None, 64], tf.float32)])
    def probabilities(self, x):
        return tf.nn.softmax(self.mlp(x))


exported = Exported(level1)
export_dir = os.path.join(folder.name, "level1_savedmodel")
tf.saved_model.save(exported, export_dir)
loaded = tf.saved_model.load(export_dir)  # no MLP class needed
served_difference = float(tf.reduce_max(tf.abs(
    loaded.probabilities(x_test) - exported.probabilities(x_test)
)))
print(type(loaded).__name__, list(loaded.signatures))
print(f"largest difference in probabilities: {served_difference:.1e}")
# --8<-- [end:saved_model]

# --8<-- [start:exercise_1]
n_params = sum(int(tf.size(var)) for var in model.trainable_variables)
print("parameters:", n_params)
# --8<-- [end:exercise_1]


# --8<-- [start:exercise_2]
x_line = tf.linspace(-1.0, 1.0, 50)
y_line = 3.0 * x_line + 2.0  # the line to recover
slope = tf.Variable(0.0, name="slope")
intercept = tf.Variable(0.0, name="intercept")


def line_loss():
    return tf.reduce_mean((slope * x_line + intercept - y_line) ** 2)


print("loss before:", round(float(line_loss()), 2))
for _ in range(50):
    with tf.GradientTape() as tape:
        mse = line_loss()
    d_slope, d_intercept = tape.gradient(mse, [slope, intercept])
    slope.assign_sub(0.5 * d_slope)
    intercept.assign_sub(0.5 * d_intercept)
print(f"loss after: {float(line_loss()):.1e}")
print("slope:", round(float(slope), 2))
print("intercept:", round(float(intercept), 2))
# --8<-- [end:exercise_2]

# --8<-- [start:exercise_3]
linear = Dense(64, 10, seed=3, name="linear")  # no hidden layer
print("test loss before:", round(float(loss_fn(linear, x_test, y_test)), 2))
train(lambda x, y: sgd_step(linear, x, y), epochs=1)
print("test loss after:", round(float(loss_fn(linear, x_test, y_test)), 2))
print("test accuracy:", round(accuracy(linear, x_test, y_test), 2))
# --8<-- [end:exercise_3]
