"""Failures on a real Dask cluster are loud: workers killed by their memory limit make the ingest
count what it lost and exit 3, their restarts are logged, and a cluster left with no worker stops
the run after a timeout with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from storyline.config import EngineConfig
from storyline.engines.dask import DaskEngine
from storyline.errors import ConfigError
from storyline.model import LOST_EXIT_CODE
from tests.conftest import DEMO, ROOT
from tests.engines.cluster import Cluster

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    running = Cluster(tmp_path)
    running.start_scheduler()
    try:
        yield running
    finally:
        running.stop()


def test_workers_killed_by_their_memory_limit_fail_the_ingest_loudly(
    cluster: Cluster, tmp_path: Path
) -> None:
    # Enough for extraction, far too little for the spaCy model and the embedder: the nanny kills
    # the worker at its first analysis task and starts it again, and Dask gives the task up after
    # its retries (KilledWorker). Not paused first (Dask's default at 80 %), so that it is killed.
    cluster.start_worker("--memory-limit", "400MiB", env={"DASK_DISTRIBUTED__WORKER__MEMORY__PAUSE": "False"})
    cluster.wait_for_workers(1)
    command = [sys.executable, "-m", "storyline.cli", "ingest", str(DEMO / "text"), "--json"]
    command += ["--db", str(tmp_path / "t.db"), "--engine", f"dask={cluster.address}"]
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert run.returncode == LOST_EXIT_CODE, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["ingested"] > 0
    # Every stored article was lost by analysis, and the summary counts them by kind.
    assert report["failures_by_kind"]["analyze-failed"] == report["ingested"]
    assert report["lost"] == report["ingested"]
    # The nanny's restarts were said, in one line each.
    assert "joined (a restart by its nanny" in run.stderr
    assert "left the cluster" in run.stderr
    # `analyze` retries the lost articles, loses them again on the same workers, and says so too.
    again = [sys.executable, "-m", "storyline.cli", "analyze", "--db", str(tmp_path / "t.db")]
    again += ["--engine", f"dask={cluster.address}"]
    run = subprocess.run(
        again,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert run.returncode == LOST_EXIT_CODE, run.stderr[-3000:]
    assert f"{report['ingested']} article(s) lost: analyze-failed {report['ingested']}" in run.stdout


def test_a_cluster_left_without_a_worker_stops_the_run_after_a_timeout(cluster: Cluster) -> None:
    # No nanny: a killed worker stays dead, and the cluster has none.
    worker = cluster.start_worker("--no-nanny")
    cluster.wait_for_workers(1)
    config = EngineConfig(name=f"dask={cluster.address}", no_worker_timeout_s=3)
    with closing(DaskEngine(config, cluster.address)) as engine:
        threading.Timer(1.0, worker.kill).start()
        started = time.monotonic()
        with pytest.raises(ConfigError, match="has had no worker for 3 s"):
            list(engine.map(time.sleep, [60.0]))  # a function the workers can import
        assert time.monotonic() - started < 30
