"""A real Dask cluster for tests, as the docs run one: a `dask scheduler` process and `dask worker`
processes on 127.0.0.1, started by the test and stopped by their PIDs (never by name)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

DASK = str(Path(sys.executable).with_name("dask"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env() -> dict[str, str]:
    # The workers import storyline from this checkout, as the runner does.
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _wait_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:g} s")


@dataclass
class Cluster:
    """A scheduler on a fixed port (so a restarted one has the same address) and its workers."""

    folder: Path
    port: int = field(default_factory=free_port)
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start_scheduler(self) -> None:
        log = (self.folder / "scheduler.log").open("ab")
        self.scheduler = subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
            stdout=log,
            stderr=log,
            env=_env(),
        )
        _wait_port(self.port)

    def start_worker(self, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker{len(self.workers)}.log").open("ab")
        worker = subprocess.Popen(
            [
                DASK,
                "worker",
                self.address,
                "--nthreads",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                *extra,
            ],
            stdout=log,
            stderr=log,
            env={**_env(), **(env or {})},
        )
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout: float = 60.0) -> None:
        import distributed

        with distributed.Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(count, timeout=timeout)

    def stop_scheduler(self) -> None:
        if self.scheduler is not None:
            _stop(self.scheduler)
            self.scheduler = None

    def stop(self) -> None:
        for worker in self.workers:
            _stop(worker)
        self.workers = []
        self.stop_scheduler()


def _stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
