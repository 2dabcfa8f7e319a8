"""Run a command and measure it as a user would see it: wall time, and the peak resident memory of
the process and every process it started (the runner and its workers), sampled every 0.2 s, and
the process's own high-water mark (the kernel's, so nothing between two samples is missed); and
what a running command has stored so far (:func:`stored_rows`).

    python tests/hostile/peak.py storyline ingest page.html --db t.db
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    # The sum over the process tree at its largest, and the largest single process (MiB).
    peak_tree_mib: float
    peak_one_mib: float
    # The command's own process at its largest (VmHWM), its workers apart (MiB).
    peak_runner_mib: float = 0.0

    def line(self) -> str:
        return (
            f"{self.seconds:.0f} s, peak {self.peak_tree_mib:.0f} MiB over all processes "
            f"({self.peak_one_mib:.0f} MiB the largest, {self.peak_runner_mib:.0f} MiB the runner)"
        )


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
    return children


def _status_mib(pid: int, field: str) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_mib(pid: int) -> float:
    return _status_mib(pid, "VmRSS:")


def hwm_mib(pid: int) -> float:
    """The resident memory of ``pid`` at its largest so far (the kernel's high-water mark), in MiB;
    0 once it has exited."""
    return _status_mib(pid, "VmHWM:")


def tree_rss(pid: int) -> list[float]:
    """The resident memory of ``pid`` and each of its descendants, in MiB."""
    children = _children()
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(_rss_mib(current))
        todo.extend(children.get(current, []))
    return found


def stored_rows(db: Path, table: str) -> int:
    """Rows in ``table`` of the SQLite store ``db``, read (read-only) while a command writes it; 0
    before the table exists."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as connection:
            return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def run_measured(command: list[str], *, timeout: float, env: dict[str, str] | None = None) -> Measured:
    # Output to files, not pipes: a full pipe would stop the command while it is being measured.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, text=True, env=env, start_new_session=True
        )
        peak_tree = peak_one = peak_runner = 0.0
        try:
            while process.poll() is None:
                if time.monotonic() - started > timeout:
                    raise subprocess.TimeoutExpired(command, timeout)
                sizes = tree_rss(process.pid)
                peak_tree, peak_one = max(peak_tree, sum(sizes)), max(peak_one, max(sizes, default=0.0))
                peak_runner = max(peak_runner, hwm_mib(process.pid))
                time.sleep(0.2)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Measured(process.returncode, out.read(), err.read(), seconds, peak_tree, peak_one, peak_runner)


if __name__ == "__main__":
    measured = run_measured(sys.argv[1:], timeout=7200)
    sys.stdout.write(measured.stdout)
    sys.stderr.write(measured.stderr)
    print(f"exit {measured.returncode}: {measured.line()}", file=sys.stderr)
