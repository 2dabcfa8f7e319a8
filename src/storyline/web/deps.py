"""What every web module shares: the server's settings, the cached reader of the store, the write
token check, and how an error becomes an HTTP status and a JSON body. The app factory
(:mod:`~storyline.web.app`) and its routers (:mod:`~storyline.web.api`, :mod:`~storyline.web.pages`)
import these from here, so no router imports the app it is mounted on.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from fastapi import Form, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from storyline.config import PipelineConfig, StoreConfig
from storyline.errors import ConfigError, InputError, NotFound, StorylineError

if TYPE_CHECKING:
    from storyline.reading import StoryFilter, StoryPage

T = TypeVar("T")
log = logging.getLogger(__name__)

# The lengths of a brief, as a query parameter of the API and the pages.
Length = Literal["short", "medium", "long"]

# Ids are SQLite's signed 64-bit integers: a larger one names nothing, and bound to a query it
# overflows (a plain-text 500 on 17 routes). Every id a request carries is checked against this.
LARGEST_ID = 2**63 - 1
# An offset past any store's rows names no row, and offset plus a page must still fit SQLite's
# integers: a billion is both.
LARGEST_OFFSET = 10**9
StoryId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="a story id")]
ArticleId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="an article id")]
ThreadQuery = Annotated[int | None, Query(ge=1, le=LARGEST_ID, description="only this thread's stories")]
StoryQuery = Annotated[int | None, Query(ge=1, le=LARGEST_ID)]
Offset = Annotated[int, Query(ge=0, le=LARGEST_OFFSET)]
FormId = Annotated[int, Form(ge=1, le=LARGEST_ID)]
FollowId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="a follow's id")]


@dataclass(frozen=True, slots=True)
class WebConfig:
    """How `storyline serve` runs."""

    db: StoreConfig = field(default_factory=StoreConfig)
    # The write token (ingest, merge, split): from the environment unless given. None disables
    # every write endpoint: a server nobody configured a secret for must not accept writes.
    token: str | None = field(default_factory=lambda: os.environ.get("STORYLINE_TOKEN") or None)
    # Largest request body accepted, in bytes: a saved news page is rarely over 1 MB; 4 MB leaves
    # room for heavy templates while a flood of bytes is refused before it is read.
    max_body_bytes: int = 4 * 1024 * 1024
    # How often the store is asked whether anything changed. Writes made through this server are
    # seen at once; an ingest from the command line shows up within this many seconds.
    stamp_seconds: float = 1.0
    # Cached answers kept (rendered pages, JSON, briefs): a few MB at most.
    cache_entries: int = 2048
    # Stories per page of the front page and of the API's story list by default.
    page_size: int = 20
    # Largest page the API serves in one request.
    max_page_size: int = 200
    # What ingests, briefs, merges and splits through the server run with (the settings file's).
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    # Where readers reach this server ("https://news.example/storyline"): the links of feed.xml
    # and the origin form posts must come from. Empty: the address the server listens on, never the
    # Host header a client sends (anyone can send any Host, and a feed reader would follow it).
    base_url: str = ""
    # A client has this long to send a request's headers, and then its body (news pages are
    # posted whole in well under a second; a client trickling bytes holds a connection for ever).
    header_timeout_s: float = 10.0
    body_timeout_s: float = 60.0
    # Connections still sending their headers, at most: past it the oldest is closed (a client
    # that sends its request at once, /api/health's, is never the oldest for long), so slow clients
    # cannot hold the process's file descriptors.
    max_waiting_connections: int = 256
    # Connections in all: past it, a request is answered 503 at once (uvicorn's limit_concurrency).
    max_connections: int = 1024
    # The largest request head (request line and headers): servers commonly refuse over 8-16 KB.
    max_header_bytes: int = 16 * 1024

    def __post_init__(self) -> None:
        if self.base_url:
            from storyline.urls import parse_url

            try:
                parse_url(self.base_url)
            except InputError as exc:  # malformed, or not http(s)
                raise ValueError(f"WebConfig.base_url must be an http(s) address: {exc.message}") from None
        if self.max_waiting_connections >= self.max_connections:
            raise ValueError("WebConfig: max_waiting_connections must be below max_connections")


class Reader:
    """Answers from the store, cached under the store's stamp (see :func:`store_stamp`). Each key
    is computed once at a time (concurrent requests for it wait for the one computation)."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._stamp = ""
        self._stamp_at = 0.0
        self._stamp_lock = asyncio.Lock()
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}
        self._watched = False  # a watcher (:meth:`watch`) keeps the stamp fresh
        self._warmed = ""  # the stamp the story lists were last warmed under

    def _fresh_stamp(self) -> str:
        from storyline.reading import store_stamp

        return store_stamp(self.config.db)

    async def stamp(self) -> str:
        if time.monotonic() - self._stamp_at < self.config.stamp_seconds:
            return self._stamp
        if self._watched and self._stamp_at > 0:
            # The watcher asks the store again every stamp_seconds: a request never waits for it
            # (the stamp's query under load held every request of that moment for its ~50-100 ms).
            return self._stamp
        return await self._refresh()

    async def _refresh(self) -> str:
        """Ask the store for its stamp (once at a time); a new one drops every cached answer."""
        async with self._stamp_lock:
            if time.monotonic() - self._stamp_at >= self.config.stamp_seconds:
                stamp = await run_in_threadpool(self._fresh_stamp)
                if stamp != self._stamp:
                    with self._lock:
                        self._cache.clear()
                    self._stamp = stamp
                self._stamp_at = time.monotonic()
        return self._stamp

    async def watch(self) -> None:
        """Keep the stamp fresh (every ``stamp_seconds``) and, whenever the store changed (or the
        server just started), make the story lists a first visit asks for before it comes: the
        ranking of the whole list (the one aggregate over every story, ~100-300 ms on 10,000
        articles) and the front page's and the API's first pages. Runs for the server's life."""
        self._watched = True
        try:
            while True:
                await self.prime()
                await asyncio.sleep(self.config.stamp_seconds)
        finally:
            self._watched = False

    async def prime(self) -> None:
        """Ask the store for its stamp and, when it moved since the lists were last made, make
        them (:meth:`warm_lists`). The server primes once before it takes its first request, so a
        first visit right after a start finds the lists made too."""
        try:
            stamp = await self._refresh()
            if stamp != self._warmed:
                await self.warm_lists()
                self._warmed = stamp
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a store that cannot answer now: the next tick tries again
            log.warning("could not refresh the store's stamp or warm its story lists: %s", exc)

    async def warm_lists(self) -> None:
        """The front page's first page (top stories) and the API's (latest), with what the front
        page's filters list: computed once, as a first visit would, into the cache."""
        from storyline.reading import StoryFilter

        where = StoryFilter()
        await self.story_page(where, "top", self.config.page_size, 0)
        await self.story_page(where, "latest", self.config.page_size, 0)
        await self.outlet_names()
        await self.languages()

    async def story_page(self, where: StoryFilter, order: str, limit: int, offset: int) -> StoryPage:
        """One page of a story list (a :class:`~storyline.reading.StoryPage`): the list is ranked
        once per stamp (``("ranking", where, order)``) and each page read from that ranking."""
        from storyline import reading

        db = self.config.db
        ranked = await self.get(
            ("ranking", where, order), lambda: reading.rank_stories(db, where=where, order=order)
        )
        page: StoryPage = await self.get(
            ("story-page", where, order, limit, offset),
            lambda: reading.story_page(db, ranked, limit=limit, offset=offset),
        )
        return page

    async def outlet_names(self) -> list[str]:
        """The names of the known outlets (the front page's outlet filter)."""
        import storyline

        db = self.config.db
        names: list[str] = await self.get(
            ("outlet-names",), lambda: [o["name"] for o in storyline.outlets(db) if o["key"] is not None]
        )
        return names

    async def languages(self) -> list[str]:
        """The languages of the stored articles, most common first (the front page's filter)."""
        from storyline import reading

        db = self.config.db
        found: list[str] = await self.get(("languages",), lambda: reading.languages(db))
        return found

    def recall(self, key: Hashable) -> Any:
        """The answer kept for ``key`` under the current stamp (call :meth:`stamp` first), or None."""
        with self._lock:
            return self._cache.get((self._stamp, key))

    def keep(self, stamp: str, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key`` as computed under ``stamp`` (dropped if the stamp moved on)."""
        with self._lock:
            if stamp != self._stamp:
                return
            self._cache[(stamp, key)] = value
            while len(self._cache) > self.config.cache_entries:
                self._cache.popitem(last=False)

    def invalidate(self) -> None:
        """After a write: forget every answer and ask the store again at the next request."""
        with self._lock:
            self._cache.clear()
        self._stamp_at = 0.0
        self._warmed = ""  # the watcher makes the lists again, even if the stamp stays the same

    async def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key``, or ``compute()`` run in a worker thread."""
        stamp = await self.stamp()
        full = (stamp, key)
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]  # type: ignore[no-any-return]
        pending = self._pending.get(full)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[full] = future
        try:
            value = await run_in_threadpool(compute)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # marks it retrieved when nobody else waits
            raise
        finally:
            self._pending.pop(full, None)
        future.set_result(value)
        with self._lock:
            self._cache[full] = value
            while len(self._cache) > self.config.cache_entries:
                self._cache.popitem(last=False)
        return value

    async def write(self, action: Callable[[], T]) -> T:
        """Run a write through the API in a worker thread, then drop every cached answer."""
        try:
            return await run_in_threadpool(action)
        finally:
            self.invalidate()


def reader_of(request: Request) -> Reader:
    """The app's :class:`Reader` (one per server process, made by ``create_app``)."""
    reader: Reader = request.app.state.reader
    return reader


def checked_id(value: int, what: str) -> int:
    """An id from a body or a form, or NotFound for one no store can hold."""
    if not 1 <= value <= LARGEST_ID:
        listing = "articles" if what == "article" else "stories"
        raise NotFound(f"no {what} with id {value}", remedy=f"list ids with `storyline {listing}`")
    return value


# The cookie that names a browser's reader: a random id, no account. SameSite=Lax keeps another
# site from posting a follow in the reader's name; HttpOnly keeps scripts from reading it.
READER_COOKIE = "storyline_reader"
READER_COOKIE_SECONDS = 400 * 86400  # the longest a browser keeps a cookie


def reader_id(request: Request) -> str | None:
    """The reader this request is from: the ``X-Storyline-Reader`` header (the API's clients) or
    the browser's cookie; None for a first visit (or a malformed id)."""
    from storyline.readers import valid_reader

    return valid_reader(request.headers.get("x-storyline-reader")) or valid_reader(
        request.cookies.get(READER_COOKIE)
    )


def new_reader_id() -> str:
    import secrets

    return secrets.token_urlsafe(18)


def remember_reader(response: Any, request: Request, reader: str) -> None:
    """Give the browser its reader id when it came without one."""
    if request.cookies.get(READER_COOKIE) != reader and request.headers.get("x-storyline-reader") != reader:
        response.set_cookie(
            READER_COOKIE,
            reader,
            max_age=READER_COOKIE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )


def check_token(config: WebConfig, given: str | None) -> None:
    """Raise :class:`WriteRefused` unless ``given`` is the configured token (constant time)."""
    if config.token is None:
        raise WriteRefused(
            "writing is disabled on this server",
            remedy="start it with STORYLINE_TOKEN set (or `storyline serve --token-file FILE`)",
        )
    if not given or not hmac.compare_digest(given.encode(), config.token.encode()):
        raise WriteRefused(
            "missing or wrong token",
            remedy="send the server's token as `Authorization: Bearer TOKEN` (or the form's token field)",
        )


class WriteRefused(StorylineError):
    code = "forbidden"


class BodyTooLarge(StorylineError):
    code = "too-large"


_STATUS = {NotFound: 404, ConfigError: 400, WriteRefused: 403, BodyTooLarge: 413}


def status_of(exc: StorylineError) -> int:
    for kind, status in _STATUS.items():
        if isinstance(exc, kind):
            return status
    return 422 if exc.code in ("input", "empty", "binary", "no-article", "unsupported", "bad-url") else 400


def error_body(status: int, code: str, message: str, remedy: str | None) -> dict[str, Any]:
    return {"status": status, "error": code, "message": message, "remedy": remedy}
