"""The process table (Linux /proc), for the checks that nothing outlives the code that started it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Process:
    pid: int
    state: str  # "Z" for a zombie: ended, not yet reaped
    ppid: int
    pgid: int
    sid: int


def _read(stat: Path) -> Process | None:
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:  # the process ended while we looked
        return None
    return Process(int(stat.parent.name), fields[0], int(fields[1]), int(fields[2]), int(fields[3]))


def processes() -> list[Process]:
    """Every process on the machine; empty where /proc is missing."""
    return [p for stat in Path("/proc").glob("[0-9]*/stat") if (p := _read(stat))]


def process(pid: int) -> Process | None:
    """Process ``pid``, or None once it is gone."""
    return _read(Path(f"/proc/{pid}/stat"))
