"""Native log lines that TensorFlow writes to file descriptor 2 at import time.

TensorFlow 2.21 logs through absl before absl is initialised, so TF_CPP_MIN_LOG_LEVEL no
longer hides lines such as ``I0000 00:00:... port.cc:153] oneDNN custom operations are on``.
They are not warnings about our code, so the page runner and the notebook executor drop them;
anything else a program writes to stderr is treated as a real warning and fails the tests.
"""

from __future__ import annotations

import re

_NOISE = [
    re.compile(r"^WARNING: All log messages before absl::InitializeLog\(\) is called"),
    # absl/glog prefix: severity letter, MMDD, time (here: seconds since the epoch), thread, file:line]
    re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ [\w./-]+:\d+\] "),
    # continuation line of cpu_feature_guard's message
    re.compile(r"^To enable the following instructions: .*, in other operations, rebuild"),
]


def is_noise(line: str) -> bool:
    return any(pattern.match(line) for pattern in _NOISE)


def strip_noise(text: str) -> str:
    """Return ``text`` without TensorFlow's native start-up log lines."""
    kept = [line for line in text.splitlines(keepends=True) if not is_noise(line)]
    return "".join(kept)
