"""Timing processes: wall and CPU time of each run, several commands side by side."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Timing:
    """Runs of one command: wall and CPU milliseconds, and whether every run exited as expected."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def wall_ms(self) -> float:
        return statistics.median(self.wall) if self.wall else float("nan")

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def works(self) -> bool:
        return bool(self.wall) and not self.failures


def run_once(argv: list[str], env: dict[str, str], timing: Timing, ok_codes=(0,), cwd: str = "/") -> None:
    """One run: stdout discarded, stderr kept for the failure message; CPU from wait4 (the child's own)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    err = child.stderr.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(child.pid, 0)
    timing.wall.append((time.perf_counter() - start) * 1000)
    timing.cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in ok_codes:
        timing.failures.append(f"exit {child.returncode}: {err.decode('utf-8', 'replace').strip()[-300:]}")


@dataclass(frozen=True)
class Command:
    name: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    setup: Callable[[], object] | None = None


def side_by_side(commands: list[Command], env: dict[str, str], runs: int) -> dict[str, Timing]:
    """Each round runs every command once, so a busy moment on a shared machine hits them all alike."""
    timings = {command.name: Timing() for command in commands}
    for _ in range(runs):
        for command in commands:
            if command.setup:
                command.setup()
            run_once(command.argv, env, timings[command.name], command.ok_codes)
    return timings


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
