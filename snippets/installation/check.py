"""Check an installation: python -m snippets.installation.check [--framework F]

Prints the Python, TensorFlow, Keras, PyTorch and NumPy versions and the
devices each framework sees, and exits with status 1 and one line per problem
when something the site needs is missing or differs from the pins in
requirements.txt, or when the Python version is outside the range the pinned
wheels support; a supported but untested Python gets a warning.
``--framework tensorflow`` checks only TensorFlow, Keras and NumPy, and
``--framework pytorch`` only PyTorch and NumPy, without importing the other
framework, for a reader who installed one. The code of
docs/installation/index.md.
"""

# --8<-- [start:versions]
import argparse
import importlib.metadata
import platform
import sys
from pathlib import Path

REQUIREMENTS = Path("requirements.txt")  # run from the repository folder
FRAMEWORKS = {
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "torch": "PyTorch",
    "numpy": "NumPy",
}
# What --framework tensorflow or pytorch checks; without it, all of the above.
CHECKS = {
    "tensorflow": ("tensorflow", "keras", "numpy"),
    "pytorch": ("torch", "numpy"),
}
# The pinned wheels install on Python 3.11 to 3.13 (NumPy 2.4 and Keras 3.15
# need 3.11 or newer, TensorFlow 2.21 has no wheels after 3.13); the site is
# tested on 3.11.
SUPPORTED_PYTHON = ((3, 11), (3, 13))
TESTED_PYTHON = (3, 11)


def pinned_versions(path: Path = REQUIREMENTS) -> dict[str, str]:
    """The ``name==version`` pins of a requirements file."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, or None if it is missing."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
# --8<-- [end:versions]


# --8<-- [start:python]
def python_verdict(version: tuple[int, int]) -> tuple[str, str] | None:
    """("error", why) outside the supported range, ("warning", why) on an
    untested version inside it, None on the tested version."""
    shown = ".".join(map(str, version))
    lowest, highest = (".".join(map(str, v)) for v in SUPPORTED_PYTHON)
    if not SUPPORTED_PYTHON[0] <= version <= SUPPORTED_PYTHON[1]:
        return ("error",
                f"Python {shown} is not supported: "
                f"the pinned wheels need Python {lowest} to {highest}")
    if version != TESTED_PYTHON:
        tested = ".".join(map(str, TESTED_PYTHON))
        return ("warning",
                f"Python {shown} is supported but untested: "
                f"this site's outputs were made with Python {tested}")
    return None
# --8<-- [end:python]


# --8<-- [start:problems]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # PyTorch's CPU builds


def version_problems(
    pins: dict[str, str], names: tuple[str, ...] | None = None
) -> list[str]:
    """One line per distribution of ``names`` (default: all of FRAMEWORKS)
    that is missing or not at its pinned version. For a missing one the fix
    installs requirements.txt when all of FRAMEWORKS are checked, else that
    distribution alone, at its pin (torch from PyTorch's CPU index)."""
    names = tuple(FRAMEWORKS) if names is None else names
    everything = set(names) == set(FRAMEWORKS)
    problems = []
    for name in names:
        label, found = FRAMEWORKS[name], installed_version(name)
        # A local tag such as "+cpu" marks the build, not the version.
        release = found.split("+")[0] if found else None
        pinned = f"{name}=={pins[name]}" if name in pins else name
        # From PyPI, torch is the CUDA build on Linux: name the CPU one.
        pinned += f" --index-url {CPU_INDEX}" if name == "torch" else ""
        if found is None:
            fix = "-r requirements.txt" if everything else pinned
            problems.append(f"{label} is not installed: pip install {fix}")
        elif name in pins and release != pins[name]:
            problems.append(
                f"{label} {found} is installed but requirements.txt pins "
                f"{pins[name]}: pip install {pinned}"
            )
    return problems
# --8<-- [end:problems]


# --8<-- [start:devices_tensorflow]
def tensorflow_devices() -> list[str]:
    """The device types TensorFlow can use, e.g. ['CPU', 'GPU']."""
    import tensorflow as tf

    physical = tf.config.list_physical_devices()
    return sorted({device.device_type for device in physical})
# --8<-- [end:devices_tensorflow]


# --8<-- [start:devices_pytorch]
def pytorch_devices() -> list[str]:
    """The device types PyTorch can use, e.g. ['cpu', 'cuda']."""
    import torch

    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if torch.backends.mps.is_available():
        devices.append("mps")
    return devices
# --8<-- [end:devices_pytorch]


# --8<-- [start:main]
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snippets.installation.check",
        description="Compare the installed frameworks with requirements.txt.",
    )
    parser.add_argument(
        "--framework", choices=list(CHECKS),
        help="check only this framework and NumPy (default: both frameworks)",
    )
    args = parser.parse_args(argv)  # on a bad argument: usage, status 2
    try:
        pins = pinned_versions()
    except OSError as err:
        parser.error(f"{err.filename}: {err.strerror}; "
                     "run the check from the repository folder")
    names = CHECKS[args.framework] if args.framework else tuple(FRAMEWORKS)
    problems = version_problems(pins, names)
    verdict = python_verdict(sys.version_info[:2])
    if verdict is not None and verdict[0] == "error":
        problems.insert(0, verdict[1])
    elif verdict is not None:
        print(f"warning: {verdict[1]}", file=sys.stderr)
    print(f"Python      {platform.python_version()}")
    for name in names:
        print(f"{FRAMEWORKS[name]:<11} {installed_version(name) or 'missing'}")
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    # Each framework is imported only here, and only when it is checked.
    if args.framework in (None, "tensorflow"):
        print(f"TensorFlow sees: {', '.join(tensorflow_devices())}")
    if args.framework in (None, "pytorch"):
        print(f"PyTorch sees: {', '.join(pytorch_devices())}")
    if args.framework is None:
        print("ok: everything the site needs is installed")
    else:
        labels = [FRAMEWORKS[name] for name in names]
        print(f"ok: {', '.join(labels[:-1])} and {labels[-1]} are installed "
              "as pinned, on a supported Python")
    return 0
# --8<-- [end:main]


def example() -> None:  # what docs/installation/index.md runs last
    # --8<-- [start:run_tensorflow]
    # The command line with --framework tensorflow:
    status = main(["--framework", "tensorflow"])
    print("exit status", status)
    # --8<-- [end:run_tensorflow]
    # --8<-- [start:run_pytorch]
    # The command line with --framework pytorch:
    status = main(["--framework", "pytorch"])
    print("exit status", status)
    # --8<-- [end:run_pytorch]


if __name__ == "__main__":
    sys.exit(main())
