"""Check an installation: python -m snippets.installation.check

Prints the Python, TensorFlow, Keras and PyTorch versions, the devices each framework
sees, and exits with status 1 and one line per problem when something the site needs is
missing or differs from the pins in requirements.txt, or when the Python version is outside
the range the pinned wheels support; a supported but untested Python gets a warning. The
code of docs/installation/index.md.
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
def version_problems(pins: dict[str, str]) -> list[str]:
    """One line per framework that is missing or not at its pinned version."""
    problems = []
    for name, label in FRAMEWORKS.items():
        found = installed_version(name)
        # A local tag such as "+cpu" marks the build, not the version.
        release = found.split("+")[0] if found else None
        if found is None:
            problems.append(
                f"{label} is not installed: pip install -r requirements.txt"
            )
        elif name in pins and release != pins[name]:
            problems.append(
                f"{label} {found} is installed but requirements.txt pins "
                f"{pins[name]}: pip install {name}=={pins[name]}"
            )
    return problems
# --8<-- [end:problems]


# --8<-- [start:devices]
def framework_devices() -> dict[str, list[str]]:
    """The device types each framework can use, e.g. {'PyTorch': ['cpu']}."""
    import tensorflow as tf
    import torch

    physical = tf.config.list_physical_devices()
    tf_devices = sorted({device.device_type for device in physical})
    torch_devices = ["cpu"]
    if torch.cuda.is_available():
        torch_devices.append("cuda")
    if torch.backends.mps.is_available():
        torch_devices.append("mps")
    return {"TensorFlow": tf_devices, "PyTorch": torch_devices}
# --8<-- [end:devices]


# --8<-- [start:main]
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m snippets.installation.check",
        description="Compare the installed frameworks with requirements.txt.",
    )
    parser.parse_args(argv)  # no options; --help, or status 2 on anything else
    try:
        pins = pinned_versions()
    except OSError as err:
        parser.error(f"{err.filename}: {err.strerror}; "
                     "run the check from the repository folder")
    problems = version_problems(pins)
    verdict = python_verdict(sys.version_info[:2])
    if verdict is not None and verdict[0] == "error":
        problems.insert(0, verdict[1])
    elif verdict is not None:
        print(f"warning: {verdict[1]}", file=sys.stderr)
    print(f"Python      {platform.python_version()}")
    for name, label in FRAMEWORKS.items():
        print(f"{label:<11} {installed_version(name) or 'missing'}")
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    for label, devices in framework_devices().items():
        print(f"{label} sees: {', '.join(devices)}")
    print("ok: everything the site needs is installed")
    return 0
# --8<-- [end:main]


def example() -> None:  # what docs/installation/index.md runs last
    # --8<-- [start:run]
    status = main([])  # the command line without arguments
    print("exit status", status)
    # --8<-- [end:run]


if __name__ == "__main__":
    sys.exit(main())
