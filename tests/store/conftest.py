"""Fixtures for the store's tests: each test that takes ``store`` runs on SQLite and, marked slow,
on a real PostgreSQL server (Debian's, installed and started by scripts/postgres in a temporary
folder on a local port, stopped at the end): the dialect module is what tells the two apart."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.config import StoreConfig
from storyline.model import Article, Block, BlockKind, RawDocument, SourceKind
from storyline.store import Store
from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
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


def database(server: str, name: str) -> str:
    """A fresh database on the server, for one test."""
    import psycopg

    with psycopg.connect(
        server.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new, empty store: a SQLite file, or a database of its own on the server."""
    if request.param == "sqlite":
        return StoreConfig.for_path(tmp_path / "t.db").url
    return database(request.getfixturevalue("pg_server"), "t" + secrets.token_hex(6))


@pytest.fixture()
def store(store_url: str) -> Iterator[Store]:
    with Store.open(StoreConfig(url=store_url)) as opened:
        yield opened


def put(
    store: Store,
    name: str,
    title: str,
    body: str,
    *,
    outlet: str | None = "City News",
    published: datetime | None = datetime(2026, 1, 2, 9, 30, tzinfo=UTC),
    content: bytes | None = None,
    outlet_key: str | None = None,
    rank: int = 4,
    lines: Iterable[str] = (),
) -> int:
    """Store one document and its article (the outlet's identity is its name unless ``outlet_key``
    says otherwise; ``lines`` are the keys of the page's short lines); returns the article's id."""
    raw = RawDocument(
        f"/news/{name}", SourceKind.FILE, content or body.encode(), datetime(2026, 1, 2, tzinfo=UTC)
    )
    article = Article(
        locator=raw.locator,
        content_hash=raw.content_hash,
        title=title,
        blocks=(Block(BlockKind.PARAGRAPH, body),),
        outlet=outlet,
        published=published,
        outlet_key=outlet_key or (f"name:{outlet.lower()}" if outlet else None),
        outlet_rank=rank if outlet else 0,
    )
    article_id, _ = store.save(raw, article, lines)
    return article_id
