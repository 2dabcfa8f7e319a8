"""Slow clients against a real server (issue 26, item 5): thousands of connections trickling their
headers filled the server's file descriptors and /api/health stopped answering; a slow POST body
was held with no timeout. Now the connections waiting for their head are capped (the oldest closed
first), a head or a body that does not arrive in time ends its connection (408 for a body), and
/api/health answers throughout. The server runs in its own process on 127.0.0.1: the command line
at its defaults, and the same app with short deadlines (web/server.py's settings) to keep the test
quick."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hostile.conftest import STORYLINE, child_env
from tests.web.conftest import free_port

pytest.importorskip("uvicorn")

pytestmark = pytest.mark.slow  # servers, thousands of sockets, deadlines of seconds

# The same app `storyline serve` runs, with short deadlines and a small waiting room.
QUICK = """
import sys, uvicorn
from storyline.config import StoreConfig
from storyline.web import WebConfig, create_app
from storyline.web.server import uvicorn_settings
config = WebConfig(db=StoreConfig.for_path(sys.argv[1]), header_timeout_s=2, body_timeout_s=3,
                   max_waiting_connections=50, max_connections=400)
uvicorn.run(create_app(config), host="127.0.0.1", port=int(sys.argv[2]), **uvicorn_settings(config))
"""


def _few_descriptors() -> None:
    # 1,024 file descriptors: the starvation the issue saw at 20,000, reached with fewer sockets.
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def started(command: list[str], port: int) -> Iterator[str]:
    process = subprocess.Popen(
        command,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_few_descriptors,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def default_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    yield from started([str(STORYLINE), "serve", "--db", str(tmp_path / "t.db"), "--port", str(port)], port)


@pytest.fixture
def quick_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    yield from started([sys.executable, "-c", QUICK, str(tmp_path / "t.db"), str(port)], port)


def trickling(url: str, count: int) -> list[socket.socket]:
    """``count`` connections that send part of a request head and then wait (a slowloris)."""
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    return sockets


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.5)
    try:
        sock.sendall(b"a")
        return sock.recv(1024) == b""
    except TimeoutError:  # nothing to read: still open, still waiting
        return False
    except OSError:  # reset or broken pipe: closed
        return True
    finally:
        sock.settimeout(5)


def health_seconds(url: str) -> float:
    begun = time.monotonic()
    response = httpx.get(url + "/api/health", timeout=10)
    assert response.status_code == 200
    return time.monotonic() - begun


def test_health_answers_while_thousands_of_clients_trickle_headers(default_server: str) -> None:
    sockets = trickling(default_server, 2000)
    try:
        # 2,000 held heads, twice the server's descriptors: the 256 newest wait (the default cap),
        # the rest were closed oldest first, and a client that sends its request at once is
        # answered. (Before, the server ran out of descriptors and /api/health stopped answering.)
        answers = [health_seconds(default_server) for _ in range(5)]
        assert max(answers) < 5
        closed = sum(closed_by_server(sock) for sock in sockets[:1000])
        assert closed >= 900
    finally:
        for sock in sockets:
            sock.close()


def test_a_head_or_body_that_does_not_arrive_in_time_ends_its_connection(quick_server: str) -> None:
    (slow_head,) = trickling(quick_server, 1)
    host, port = quick_server.removeprefix("http://").split(":")
    slow_body = socket.create_connection((host, int(port)), timeout=10)
    slow_body.sendall(
        b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Authorization: Bearer nothing\r\nContent-Length: 1000\r\n\r\n{"text": "'
    )
    time.sleep(4.5)  # past both deadlines (2 s for a head, 3 s for a body)
    assert closed_by_server(slow_head)
    answer = b""
    with contextlib.suppress(OSError):
        while chunk := slow_body.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408") or answer == b""
    slow_head.close()
    slow_body.close()
    assert health_seconds(quick_server) < 5


def test_the_waiting_room_keeps_the_newest_and_the_server_its_descriptors(quick_server: str) -> None:
    sockets = trickling(quick_server, 300)
    try:
        time.sleep(0.5)
        alive = [sock for sock in sockets if not closed_by_server(sock)]
        # At most 50 wait for their head (the cap), and they are the newest.
        assert len(alive) <= 50 and all(sock in sockets[-60:] for sock in alive)
        assert health_seconds(quick_server) < 5
    finally:
        for sock in sockets:
            sock.close()
