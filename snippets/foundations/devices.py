"""Devices in TensorFlow and PyTorch: code of docs/foundations/devices.md.

Run it as a program with ``python -m snippets.foundations.devices``.
"""

# --8<-- [start:tf_memory_growth]
import tensorflow as tf


def enable_memory_growth() -> list[str]:
    """Let TensorFlow claim GPU memory as needed instead of all at start.

    Must run before anything touches a GPU; without GPUs it does nothing.
    """
    changed = []
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
            changed.append(gpu.name)
        except RuntimeError:  # the GPUs were already initialised
            pass
    return changed


print("memory growth enabled on:", enable_memory_growth())
# --8<-- [end:tf_memory_growth]


# --8<-- [start:tf_list]
for kind in ["CPU", "GPU", "TPU"]:
    print(kind, len(tf.config.list_physical_devices(kind)))
print([d.name for d in tf.config.list_logical_devices()])
# --8<-- [end:tf_list]


# --8<-- [start:torch_list]
import torch

print("CUDA devices:", torch.cuda.device_count())
print("MPS available:", torch.backends.mps.is_available())
# One device-generic check covers CUDA, ROCm, MPS, XPU and the rest:
print("accelerator:", torch.accelerator.current_accelerator())
print("accelerator available:", torch.accelerator.is_available())
device = (
    torch.accelerator.current_accelerator()
    if torch.accelerator.is_available()
    else torch.device("cpu")
)
print("using:", device)
# --8<-- [end:torch_list]


# --8<-- [start:tf_place]
device_name = "/GPU:0" if tf.config.list_logical_devices("GPU") else "/CPU:0"
with tf.device(device_name):
    weights = tf.Variable(tf.ones([3, 2]))  # created on that device
    batch = tf.ones([4, 3])
    result = batch @ weights
print(device_name, weights.device.split("/")[-1])

# Outside tf.device, TensorFlow picks the GPU by itself when there is one.
automatic = tf.ones([2]) * 2
print(automatic.device.split("/")[-1])
# --8<-- [end:tf_place]


# --8<-- [start:torch_move]
from torch import nn

torch.manual_seed(0)
net = nn.Linear(3, 1).to(device)  # moves the parameters, in place
batch_pt = torch.ones(4, 3)  # created on the CPU
print(batch_pt.device, next(net.parameters()).device)
output = net(batch_pt.to(device))  # .to returns a copy on the device
print(output.device, output.detach().cpu().numpy().shape)

# module.to converts in place: the Parameter objects stay the same ones,
# so an optimizer built before the call still holds them. A dtype change
# takes the same path as a device change.
held = list(net.parameters())
net.to(torch.float64)
print(
    [p is q for p, q in zip(held, net.parameters(), strict=True)],
    held[0].dtype,
)
net.to(torch.float32)

meta = torch.ones(2, device="meta")  # shapes only, no data: any device works
try:
    torch.ones(2) + meta  # operands on different devices
except RuntimeError as err:
    print("RuntimeError:", str(err).split(",")[0])
# The exception: a zero-dimensional CPU tensor may join any device's tensor.
print("0-dim CPU tensor * meta tensor ->", (torch.tensor(2.0) * meta).device)
# --8<-- [end:torch_move]


# --8<-- [start:tf_unchanged]
import keras


def tf_train_step(model, optimizer, x, y):
    """The same code on any device: TensorFlow places the operations."""
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x) - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    variables = model.trainable_variables
    optimizer.apply_gradients(zip(grads, variables, strict=True))
    return loss


keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.1)
x_tf = tf.random.Generator.from_seed(0).normal([32, 3])
y_tf = tf.reduce_sum(x_tf, axis=1, keepdims=True)
losses = [float(tf_train_step(model, optimizer, x_tf, y_tf)) for _ in range(50)]
print(f"loss: {losses[0]:.3f} at the first step, "
      f"{losses[-1]:.1e} after 50")
# --8<-- [end:tf_unchanged]


# --8<-- [start:torch_unchanged]
def torch_train_step(model, optimizer, x, y, device):
    """The same code on any device: move the batch where the model is."""
    x, y = x.to(device), y.to(device)
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    return loss.item()  # .item() copies the number back to the CPU


torch.manual_seed(0)
model_pt = nn.Linear(3, 1).to(device)  # move the model once, before training
optimizer_pt = torch.optim.SGD(model_pt.parameters(), lr=0.1)
x_pt = torch.randn(32, 3, generator=torch.Generator().manual_seed(0))
y_pt = x_pt.sum(dim=1, keepdim=True)
losses_pt = [torch_train_step(model_pt, optimizer_pt, x_pt, y_pt, device)
             for _ in range(50)]
print(f"loss: {losses_pt[0]:.3f} at the first step, "
      f"{losses_pt[-1]:.1e} after 50")
# --8<-- [end:torch_unchanged]


# --8<-- [start:tf_exercise_1]
for variable in model.trainable_variables:
    print(variable.path, tuple(variable.shape),
          variable.value.device.split("/")[-1])
# --8<-- [end:tf_exercise_1]


# --8<-- [start:torch_exercise_1]
for name, parameter in model_pt.named_parameters():
    print(name, tuple(parameter.shape), parameter.device)
# --8<-- [end:torch_exercise_1]


# --8<-- [start:tf_exercise_2]
def tf_predict(model, x):
    """Predictions as a NumPy array, wherever TensorFlow ran the model."""
    return model(x, training=False).numpy()


new_rows = tf.constant([[1.0, 2.0, 3.0], [0.5, 0.0, -1.5]])
print(tf_predict(model, new_rows).round(2))  # the sums are 6 and -1
# --8<-- [end:tf_exercise_2]


# --8<-- [start:torch_exercise_2]
def torch_predict(model, x, device):
    """Predictions as a NumPy array, wherever the model lives."""
    model.eval()  # layers such as dropout switch to inference
    with torch.no_grad():  # autograd records nothing here
        return model(x.to(device)).cpu().numpy()


new_rows_pt = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.0, -1.5]])
print(torch_predict(model_pt, new_rows_pt, device).round(2))
# --8<-- [end:torch_exercise_2]
