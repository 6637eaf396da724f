"""GPU resources and memory: the code of docs/foundations/gpus.md.

Run it as a program with ``python -m snippets.foundations.gpus``. Without a GPU,
TensorFlow's memory steps run on the CPU and PyTorch's CUDA steps are skipped;
each output names the device it measured or says what it skipped.
"""

# --8<-- [start:tf_build]
import os

# Memory figures for the CPU need an allocator that keeps them: the BFC
# allocator, chosen here before TensorFlow allocates anything (see below).
os.environ.setdefault("TF_CPU_ALLOCATOR_USE_BFC", "true")
import tensorflow as tf

build = tf.sysconfig.get_build_info()
print("TensorFlow", tf.__version__)
print("built for CUDA:", build["is_cuda_build"], build.get("cuda_version"))
print("built for ROCm:", build["is_rocm_build"])
print("GPUs found:", len(tf.config.list_physical_devices("GPU")))
# --8<-- [end:tf_build]


# --8<-- [start:torch_build]
import torch

print("PyTorch", torch.__version__)
print("built for CUDA:", torch.version.cuda)
print("built for ROCm:", torch.version.hip)
print("built for MPS:", torch.backends.mps.is_built())
print("built-in accelerator:", torch.accelerator.current_accelerator())
print("accelerator available:", torch.accelerator.is_available())
# --8<-- [end:torch_build]


# --8<-- [start:tf_limit]
def limit_gpu_memory(megabytes):
    """Cap what TensorFlow may take on each GPU, instead of almost all.

    Must run before anything touches a GPU; without GPUs it does nothing.
    """
    limited = []
    for gpu in tf.config.list_physical_devices("GPU"):
        config = tf.config.LogicalDeviceConfiguration(memory_limit=megabytes)
        tf.config.set_logical_device_configuration(gpu, [config])
        limited.append(gpu.name)
    return limited


print("GPUs limited to 1024 MB:", limit_gpu_memory(1024))  # [] without GPUs

# The same call on the CPU, which takes no memory limit:
cpu = tf.config.list_physical_devices("CPU")[0]
try:
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(memory_limit=1024)]
    )
except ValueError as err:
    print("CPU: ValueError:", err)
# --8<-- [end:tf_limit]


# --8<-- [start:tf_memory]
MiB = 2**20


def tf_memory(device):
    """What TensorFlow's tensors use on `device`, now and at the peak."""
    info = tf.config.experimental.get_memory_info(device)
    current, peak = info["current"] // MiB, info["peak"] // MiB
    return f"current {current} MiB, peak {peak} MiB"


def tf_memory_steps(device):
    """Create and drop a 256 MiB tensor, reading the figures after each."""
    tf.config.experimental.reset_memory_stats(device)
    with tf.device(device):
        x = tf.zeros([256 * MiB], dtype=tf.uint8)
    steps = {"with a 256 MiB tensor": tf_memory(device)}
    del x
    steps["after del"] = tf_memory(device)
    return steps


def tf_memory_device():
    """The first GPU if TensorFlow sees one, else the CPU."""
    return "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"


measured_on = tf_memory_device()
for step, figures in tf_memory_steps(measured_on).items():
    print(f"{measured_on}, {step}: {figures}")
# --8<-- [end:tf_memory]


# --8<-- [start:torch_memory]
MiB = 2**20


def cuda_memory():
    """Tensors' memory, the cache's memory, and the peak for tensors."""
    return (
        f"allocated {torch.cuda.memory_allocated() // MiB} MiB, "
        f"reserved {torch.cuda.memory_reserved() // MiB} MiB, "
        f"peak {torch.cuda.max_memory_allocated() // MiB} MiB"
    )


def cuda_memory_steps():
    """Allocate 256 MiB, drop it, empty the cache; read after each step."""
    torch.cuda.reset_peak_memory_stats()
    x = torch.empty(256 * MiB, dtype=torch.uint8, device="cuda")
    steps = {"with a 256 MiB tensor": cuda_memory()}
    del x  # the block goes back to PyTorch's cache, not to the driver
    steps["after del"] = cuda_memory()
    torch.cuda.empty_cache()  # cached blocks no tensor uses go back
    steps["after empty_cache"] = cuda_memory()
    return steps


def torch_on_gpu(measure):
    """Run measure() if there is a CUDA GPU; else say it was skipped."""
    if not torch.cuda.is_available():
        return {f"{measure.__name__}()": "skipped, no CUDA GPU here"}
    return measure()


# Without CUDA the functions answer zero: CUDA never started, nothing was
# measured.
allocated = torch.cuda.memory_allocated()
print("torch.cuda.memory_allocated() without CUDA:", allocated)


for step, figures in torch_on_gpu(cuda_memory_steps).items():
    print(f"{step}: {figures}")
# --8<-- [end:torch_memory]


# --8<-- [start:tf_exercise_1]
def tf_gpu_diagnosis():
    """Whether TensorFlow can use a GPU here and, if not, the likely cause."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"{len(gpus)} GPU(s) ready"
    build = tf.sysconfig.get_build_info()
    if build["is_cuda_build"]:
        return ("built for CUDA, but no GPU found: check the driver and "
                "the [and-cuda] extra")
    if build["is_rocm_build"]:
        return "built for ROCm, but no GPU found: check the driver"
    return "no GPU found, and this build supports neither CUDA nor ROCm"


print(f"TensorFlow {tf.__version__}: {tf_gpu_diagnosis()}")
# --8<-- [end:tf_exercise_1]


# --8<-- [start:torch_exercise_1]
def torch_gpu_diagnosis():
    """Whether PyTorch can use an accelerator here and, if not, why not."""
    built_for = torch.accelerator.current_accelerator()
    if built_for is None:
        return "a build without accelerator support"
    kind = built_for.type  # "cuda" (also for ROCm builds), "mps", "xpu", ...
    if not torch.accelerator.is_available():
        return f"built for {kind}, but no device found: check the driver"
    return f"{torch.accelerator.device_count()} {kind} device(s) ready"


print(f"PyTorch {torch.__version__}: {torch_gpu_diagnosis()}")
# --8<-- [end:torch_exercise_1]


# --8<-- [start:tf_exercise_2]
def tf_bytes(shape, dtype):
    """Bytes that a tensor of this shape and dtype takes, without making it."""
    return tf.TensorShape(shape).num_elements() * dtype.size


batch_shape = [32, 256, 256, 3]  # 32 RGB images, channels last (NHWC)
for dtype in [tf.float32, tf.float16]:
    print(dtype.name, tf_bytes(batch_shape, dtype) // MiB, "MiB")
# --8<-- [end:tf_exercise_2]


# --8<-- [start:torch_exercise_2]
batch_shape = (32, 3, 256, 256)  # 32 RGB images, channels first (NCHW)
for dtype in [torch.float32, torch.float16]:
    batch = torch.empty(batch_shape, dtype=dtype, device="meta")  # no data
    print(dtype, batch.numel() * batch.element_size() // MiB, "MiB")
# --8<-- [end:torch_exercise_2]


# --8<-- [start:tf_exercise_3]
def tf_batch_memory(device):
    """The estimate next to what TensorFlow reports for the real batch."""
    tf.config.experimental.reset_memory_stats(device)
    with tf.device(device):
        batch = tf.zeros(batch_shape)  # float32
    figures = {"estimate": f"{tf_bytes(batch_shape, tf.float32) // MiB} MiB",
               "measured": tf_memory(device)}
    del batch
    return figures


for step, figures in tf_batch_memory(measured_on).items():
    print(f"{measured_on}, {step}: {figures}")
# --8<-- [end:tf_exercise_3]


# --8<-- [start:torch_exercise_3]
def cuda_batch_memory():
    """The estimate next to what PyTorch reports for the real batch."""
    torch.cuda.reset_peak_memory_stats()
    batch = torch.empty(batch_shape, dtype=torch.float32, device="cuda")
    figures = {"estimate": f"{batch.numel() * batch.element_size() // MiB} MiB",
               "measured": cuda_memory()}
    del batch
    return figures


for step, figures in torch_on_gpu(cuda_batch_memory).items():
    print(f"{step}: {figures}")
# --8<-- [end:torch_exercise_3]
