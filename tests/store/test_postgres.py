"""The same pipeline on a real PostgreSQL server (Debian's, installed and started by
scripts/postgres in a temporary folder on a local port, stopped at the end): no mocks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline
from tests.conftest import DEMO, DEMO_OUTLETS, ROOT, demo_config

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """A running server; yields its base URL (without a database name)."""
    pytest.importorskip("psycopg", reason="pip install 'storyline[postgres]' (scripts/setup does)")
    if (
        os.geteuid() != 0
        and not shutil.which("initdb")
        and not list(Path("/usr/lib/postgresql").glob("*/bin"))
    ):
        pytest.skip("PostgreSQL is not installed and installing it needs root (scripts/postgres)")
    # Not under pytest's private temp folder: the server runs as the postgres user, who must reach it.
    base = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    base.chmod(0o755)
    folder = base / "data"
    script = str(ROOT / "scripts" / "postgres")
    started = subprocess.run(
        [script, "start", str(folder), str(_free_port())], capture_output=True, text=True, timeout=600
    )
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip().rsplit("/", 1)[0]
    try:
        yield url
    finally:
        subprocess.run([script, "stop", str(folder)], capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def _database(server: str, name: str) -> str:
    """A fresh database on the server, for one test."""
    import psycopg

    with psycopg.connect(
        server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _partition(db: object) -> set[frozenset[str]]:
    return {frozenset(Path(a.source).name for a in s.articles) for s in storyline.stories(db=db)}  # type: ignore[arg-type]


def test_demo_on_postgresql_equals_sqlite(pg_server: str, demo_db: Path) -> None:
    url = _database(pg_server, "demo")
    first = storyline.ingest([DEMO], db=url, config=demo_config())
    assert len(first.ingested) == 36
    assert _partition(url) == _partition(demo_db)
    assert len(storyline.stories(db=url)) == 9
    again = storyline.ingest([DEMO], db=url, config=demo_config())
    assert not again.ingested and not again.revised
    brief = storyline.brief_story(storyline.stories(db=url)[0].id, db=url)
    assert brief.lead and brief.lead[0].citations
    names = {o["name"] for o in storyline.outlets(url)}
    assert {"Meridian Wire", "Bayline Daily"} <= names


def test_two_concurrent_ingests_on_postgresql(pg_server: str, demo_db: Path) -> None:
    url = _database(pg_server, "concurrent")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "storyline.cli", "ingest", str(DEMO), "--db", url, "--json"]
    command += ["--outlets", str(DEMO_OUTLETS)]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err.decode()[-2000:]
    assert len(storyline.articles(db=url)) == 36
    assert not [s for s in storyline.skips(db=url) if s.code == "internal-error"]
    assert _partition(url) == _partition(demo_db)
