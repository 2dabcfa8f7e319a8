"""`storyline serve`: uvicorn with bounds on what a client may hold.

uvicorn bounds an idle keep-alive connection (``timeout_keep_alive``), the request head
(``h11_max_incomplete_event_size``) and the requests in flight (``limit_concurrency``), but not a
client that trickles its headers or its body a byte at a time: a few thousand such connections held
every file descriptor of the process, and /api/health stopped answering. The HTTP protocol here is
uvicorn's h11 one with three more bounds (:class:`~storyline.web.deps.WebConfig`):

- the request head must arrive within ``header_timeout_s`` of the connection (or of the last
  response, on a kept-alive connection), else the connection is closed;
- the body within ``body_timeout_s`` of the head, else 408 and the connection is closed;
- at most ``max_waiting_connections`` connections may be waiting for their head: past it the one
  that has waited longest is closed. A client that sends its request at once (a browser, a health
  check) is never the oldest for long, so slow clients cannot starve it, from one address or many.

Behind a reverse proxy (nginx: ``client_header_timeout``, ``client_body_timeout``, ``limit_conn``)
the same bounds hold at the proxy; these still protect the port the proxy forwards to.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from functools import partial
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from storyline.web.deps import WebConfig

log = logging.getLogger(__name__)


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head and body, and a cap on the
    connections waiting for their head (see the module's docstring)."""

    def __init__(self, *args: Any, limits: WebConfig, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting = _waiting_of(self.server_state)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_for_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        state = self.conn.their_state
        if state is h11.IDLE or self.transport.is_closing():
            return  # still waiting for the head (or closed)
        if self in self._waiting:  # the head is in: no longer among those waiting for one
            self._stop_waiting()
        if state is h11.SEND_BODY:
            if self._deadline is None:  # the body has its own deadline, from its head
                self._deadline = self.loop.call_later(self.limits.body_timeout_s, self._body_too_slow)
        elif self._deadline is not None:  # the request is in, whole
            self._deadline.cancel()
            self._deadline = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            # A kept-alive connection waits for its next request's head under the same bound.
            self._wait_for_head()

    def _wait_for_head(self) -> None:
        self._stop_waiting()
        self._waiting[self] = None
        self._deadline = self.loop.call_later(self.limits.header_timeout_s, self._head_too_slow)
        while len(self._waiting) > self.limits.max_waiting_connections:
            oldest, _ = self._waiting.popitem(last=False)
            oldest._close("the server is holding too many connections that have not sent a request")

    def _stop_waiting(self) -> None:
        self._waiting.pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _head_too_slow(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE:
            self._close(f"no request head within {self.limits.header_timeout_s:g} s")

    def _body_too_slow(self) -> None:
        self._deadline = None
        if self.cycle is not None and not self.cycle.response_started:
            try:
                # 408 Request Timeout, then the connection is closed: the body may never end.
                for event in (
                    h11.Response(
                        status_code=408, headers=[(b"connection", b"close"), (b"content-length", b"0")]
                    ),
                    h11.EndOfMessage(),
                ):
                    self.transport.write(self.conn.send(event))
            except h11.LocalProtocolError:
                pass
        self._close(f"the request body did not arrive within {self.limits.body_timeout_s:g} s")

    def _close(self, why: str) -> None:
        self._stop_waiting()
        if not self.transport.is_closing():
            client = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info("closing the connection of %s: %s", client, why)
            self.transport.close()


def _waiting_of(state: ServerState) -> OrderedDict[GuardedProtocol, None]:
    """The connections of one server waiting for their head, oldest first."""
    waiting: OrderedDict[GuardedProtocol, None] | None = getattr(state, "storyline_waiting", None)
    if waiting is None:
        waiting = OrderedDict()
        state.storyline_waiting = waiting  # type: ignore[attr-defined]
    return waiting


def uvicorn_settings(config: WebConfig) -> dict[str, Any]:
    """What uvicorn runs with: the guarded protocol and uvicorn's own bounds, from ``config``."""
    return {
        "http": partial(GuardedProtocol, limits=config),
        "h11_max_incomplete_event_size": config.max_header_bytes,
        "limit_concurrency": config.max_connections,
        # An idle kept-alive connection: uvicorn's default, named here beside the other bounds.
        "timeout_keep_alive": 5,
        "log_level": "warning",
    }
