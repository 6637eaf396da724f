"""Which math library runs a matmul: the code of docs/performance/frameworks.md.

Each framework hands a CPU matmul to a library compiled into its wheel: oneMKL
or oneDNN. Both libraries log every call they run when an environment variable
asks them to, so a matmul in a new process, with those variables set, shows
which library did the work, with how many threads.
"""

# --8<-- [start:verbose]
import os
import re
import subprocess
import sys

# For a new process, set before either library runs: both logs on, and two
# threads for the matmul (OpenMP's setting for PyTorch, TensorFlow's own for
# TensorFlow).
SETTINGS = {
    "MKL_VERBOSE": "1",
    "ONEDNN_VERBOSE": "1",
    "OMP_NUM_THREADS": "2",
    "TF_NUM_INTRAOP_THREADS": "2",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}
LOGGED = [  # what to keep of the two logs, and how to show it
    (r"MKL_VERBOSE (oneMKL [\d.]+( Update \d+)?)", "{0}"),
    (r"MKL_VERBOSE (\w+)\(.* NThr:(\d+)", "  runs {0}, {1} thread(s)"),
    (r"onednn_verbose,v1,info,(oneDNN v[\d.]+)", "{0}"),
    (
        r"onednn_verbose,.*,cpu,runtime:(\w+),nthr:(\d+)",
        "  {0} runtime, {1} thread(s)",
    ),
    (r"onednn_verbose,.*,exec,cpu,(\w+),", "  runs {0}"),
]


def library_calls(code):
    """Run `code` in a new Python; return what the two logs said, in order,
    each line once (one matmul may be cut into many calls of the library)."""
    command = [sys.executable, "-c", code]
    done = subprocess.run(
        command,
        env=dict(os.environ, **SETTINGS),
        capture_output=True,
        text=True,
        timeout=120,
    )
    done.check_returncode()
    calls = []
    for line in (done.stdout + done.stderr).splitlines():
        for pattern, shown in LOGGED:
            found = re.match(pattern, line)
            said = shown.format(*found.groups()) if found else None
            if said is not None and said not in calls:
                calls.append(said)
    return calls


MATMUL = """
{imports}
a = {random}((512, 512))
a @ a  # float32
"""
# --8<-- [end:verbose]

# --8<-- [start:tf_libraries]
tf_code = MATMUL.format(
    imports="import tensorflow as tf",
    random="tf.random.normal",
)
for call in library_calls(tf_code):
    print(call)
# --8<-- [end:tf_libraries]

# --8<-- [start:torch_libraries]
torch_code = MATMUL.format(
    imports="import torch",
    random="torch.randn",
)
for call in library_calls(torch_code):
    print(call)
# --8<-- [end:torch_libraries]
