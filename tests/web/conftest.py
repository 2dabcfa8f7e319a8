"""Fixtures for the web tests: a copy of the demo store, a real `storyline serve` on 127.0.0.1 over
it (started once, stopped by its PID), and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a store (SQLite's backup API, so the WAL is included) and its index."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    for index in source.parent.glob(source.name + ".stories.usearch*"):
        shutil.copy(index, target.parent / index.name.replace(source.name, target.name, 1))
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    db: Path


@pytest.fixture(scope="session")
def web_token() -> str:
    return secrets.token_urlsafe(24)


@pytest.fixture(scope="session")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory, web_token: str) -> Iterator[Server]:
    """`storyline serve` in its own process over a copy of the demo store; stopped by PID."""
    db = copy_store(demo_db, tmp_path_factory.mktemp("web") / "web.db")
    with serve(db, web_token, tmp_path_factory.getbasetemp() / "serve.log") as running:
        yield running


@contextmanager
def serve(db: Path, token: str, log_path: Path, *options: str) -> Iterator[Server]:
    """`storyline serve` over ``db`` on a free port (``options`` added to its command line),
    stopped by its PID when the block ends."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    port = free_port()
    env = {**os.environ, "STORYLINE_TOKEN": token, "PYTHONPATH": str(ROOT / "src")}
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "serve", "--db", str(db), "--port", str(port), *options],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"storyline serve did not start; see {log.name}")
            time.sleep(0.2)
        yield Server(url, token, db)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run scripts/setup-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core (vendored: tests/web/vendor/axe.min.js, offline) on the page as it is; the
    violations of these impacts, each with its rule, help and the first few elements."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))"
    )
    return [v for v in result if v["impact"] in impacts]


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
