"""The app as an operator starts it: a real process on a pseudo-terminal, timed from exec.

The clock starts before the fork, so it covers what an operator waits for:
Python's start, every import, reading the file and the first frame written to
the terminal. What counts as "painted" is read from the bytes the app writes:
the year's (here: all years') 年度财政拨款 total shown in the summary, together
with the amounts of several list rows, which Textual writes in the same frame.

Another operator's save is a separate process that adds 1.00 to one form's
年度财政拨款 and prints when it was done; the clock stops when the new total
reaches the terminal. Peak memory is the app's VmHWM at the end, after those
saves (the app then held the old data while it read the new).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROWS, COLUMNS = 36, 120
_AMOUNT = re.compile(rb"\d{1,3}(?:,\d{3})+\.\d\d")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def grand_total(db: Path) -> Decimal:
    """The 年度财政拨款 of all live forms, as the summary pane shows it for all years."""
    import json

    data = json.loads(db.read_bytes())
    total = Decimal(0)
    for doc in data.get("forms", {}).values():
        if not doc.get("deleted_at"):
            total += Decimal(doc["funding"]["annual"]["fiscal"] or 0)
    return total


def shown(amount: Decimal) -> bytes:
    return f"{amount:,.2f}".encode()


class Terminal:
    """A child process on a pty; a thread keeps reading so the app never blocks on writing."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the app
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self.changed = threading.Condition()
        self.closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                chunk = b""
            with self.changed:
                if not chunk:
                    self.closed = True
                else:
                    self.output += chunk
                self.changed.notify_all()
            if not chunk:
                return

    def wait_for(self, seen, timeout: float, start: int = 0) -> float:
        """Seconds since the fork when ``seen(output[start:])`` first held; TimeoutError if never."""
        deadline = time.perf_counter() + timeout
        with self.changed:
            while not seen(bytes(self.output[start:])):
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    tail = bytes(self.output[-400:]).decode("utf-8", "replace")
                    raise TimeoutError(f"the app did not show it within {timeout:.0f} s; last output: {tail!r}")
                self.changed.wait(min(left, 0.05))
            return time.perf_counter() - self.started

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def quit(self) -> None:
        """ctrl+q, as an operator quits; killed if it has not gone within a few seconds."""
        try:
            os.write(self.fd, b"\x11")
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.02)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def painted(total: bytes, rows: int = 5):
    """The summary's total and at least ``rows`` other amounts (list rows) in what was written."""
    return lambda out: total in out and len(set(_AMOUNT.findall(out))) > rows


# Another operator's process: add 1.00 to one form's 年度财政拨款 (and 金额), then say when (wall clock).
OTHER_SAVE = """
import sys, time
from decimal import Decimal
from perftui.services.repository import Repository
repository = Repository.open(sys.argv[1], backups_keep=None)
form = repository.forms()[-1]
annual = form.annual_funding
more = type(annual)((annual.total or 0) + Decimal("1.00"), (annual.fiscal or 0) + Decimal("1.00"), annual.other)
repository.save(form.evolve(annual_funding=more))
print(time.time())
"""


@dataclass
class Session:
    start_s: float = 0.0
    start_cpu_s: float = 0.0
    others_s: list[float] = field(default_factory=list)
    peak_mb: float = 0.0


def app_session(perftui: list[str], python: str, env: dict[str, str], db: Path, saves: int) -> Session:
    """Start the app on ``db``, time its first painted list, then ``saves`` saves by another process."""
    total = grand_total(db)
    term = Terminal([*perftui, "--db", str(db)], env | {"TERM": "xterm-256color"})
    session = Session()
    try:
        session.start_s = term.wait_for(painted(shown(total)), timeout=120)
        session.start_cpu_s = term.cpu_seconds()
        for _ in range(saves):
            total += Decimal("1.00")
            mark = len(term.output)
            done = subprocess.run([python, "-c", OTHER_SAVE, str(db)], env=env, capture_output=True, text=True, check=True)
            saved_at = float(done.stdout.strip().splitlines()[-1])
            term.wait_for(lambda out: shown(total) in out, timeout=60, start=mark)
            session.others_s.append(time.time() - saved_at)
        session.peak_mb = term.peak_mb()
    finally:
        term.quit()
    return session


def empty_start_s(perftui: list[str], env: dict[str, str], folder: Path) -> float:
    """The same app on a database that does not exist yet: Textual's and our fixed start."""
    db = folder / "no-such-database.json"
    term = Terminal([*perftui, "--db", str(db)], env | {"TERM": "xterm-256color"})
    try:
        # The summary of no forms: 0.00 as the total, once the (empty) read is done.
        return term.wait_for(lambda out: b"0.00" in out, timeout=60)
    finally:
        term.quit()
        db.unlink(missing_ok=True)


if __name__ == "__main__":  # python -m benchmarks.screen DB: one session with the source tree's app
    found = app_session([sys.executable, "-m", "perftui"], sys.executable, dict(os.environ), Path(sys.argv[1]), 3)
    print(found, statistics.median(found.others_s) if found.others_s else None)
