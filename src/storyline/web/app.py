"""The web application: one FastAPI app serving the HTTP API (``/api``) and the web UI on one store.

The web layer has no logic of its own: every answer comes from :mod:`storyline`'s Python API (the
one the CLI wraps) or :mod:`storyline.reading`. What lives here is HTTP: a per-process cache
of answers keyed by a store stamp (so a busy front page costs one cheap query per
``stamp_seconds``, not a story query per request), the write token, the body-size limit, security
headers and errors as JSON.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import storyline
from storyline.config import StoreConfig
from storyline.errors import ConfigError, NotFound, StorylineError

HERE = Path(__file__).resolve().parent
T = TypeVar("T")


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

    def _fresh_stamp(self) -> str:
        from storyline.reading import store_stamp

        return store_stamp(self.config.db)

    async def stamp(self) -> str:
        if time.monotonic() - self._stamp_at < self.config.stamp_seconds:
            return self._stamp
        async with self._stamp_lock:
            if time.monotonic() - self._stamp_at >= self.config.stamp_seconds:
                stamp = await run_in_threadpool(self._fresh_stamp)
                if stamp != self._stamp:
                    with self._lock:
                        self._cache.clear()
                    self._stamp = stamp
                self._stamp_at = time.monotonic()
        return self._stamp

    def invalidate(self) -> None:
        """After a write: forget every answer and ask the store again at the next request."""
        with self._lock:
            self._cache.clear()
        self._stamp_at = 0.0

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
    return 422 if exc.code in ("input", "empty", "binary", "no-article", "unsupported") else 400


# --- security headers and the body limit ----------------------------------------------------------

# No inline script or style anywhere: the UI's JavaScript and CSS are static files of the package,
# so article text that slipped through escaping still could not run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class Guard:
    """ASGI middleware: refuses bodies over the limit (by Content-Length, and while reading for a
    chunked body) and adds the security headers to every response that has not set its own CSP."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await _too_large(self.max_body_bytes)(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLarge(
                        f"request body over {self.max_body_bytes} bytes",
                        remedy="send a smaller page or text",
                    )
            return message

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited, secured)
        except BodyTooLarge:
            if not started:
                await _too_large(self.max_body_bytes)(scope, receive, send)


def _too_large(limit: int) -> Response:
    return JSONResponse(
        error_body(413, "too-large", f"request body over {limit} bytes", "send a smaller page or text"),
        status_code=413,
        headers={k.decode(): v.decode() for k, v in HEADERS},
    )


def error_body(status: int, code: str, message: str, remedy: str | None) -> dict[str, Any]:
    return {"status": status, "error": code, "message": message, "remedy": remedy}


# --- the app ---------------------------------------------------------------------------------------


def templates() -> Jinja2Templates:
    # autoescape on for every template whatever its name: everything shown comes from articles.
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    from storyline.web import present

    env.filters.update(present.FILTERS)
    env.globals.update(present.GLOBALS)
    return Jinja2Templates(env=env)


def create_app(config: WebConfig | None = None) -> FastAPI:
    """The FastAPI app over the store in ``config.db`` (see :class:`WebConfig`)."""
    config = config or WebConfig()
    app = FastAPI(
        title="storyline",
        version=storyline.__version__,
        description=(
            "Offline news intelligence: stories across outlets, briefs that cite every sentence, "
            "clean articles with every change recorded. Errors are JSON: "
            "`{status, error, message, remedy}`. Writes need the server's token as "
            "`Authorization: Bearer TOKEN`."
        ),
        docs_url=None,
        redoc_url=None,
    )
    app.state.config = config
    app.state.reader = Reader(config)
    app.state.templates = templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _mount_docs(app)

    from storyline.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        status = status_of(exc)
        return _error(request, status, exc.code, exc.message, exc.remedy)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        remedy = "see /docs for every endpoint" if exc.status_code in (404, 405) else None
        return _error(request, exc.status_code, "http", str(exc.detail), remedy)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
        )
        return _error(
            request, 422, "invalid-request", f"invalid request ({where})", "see /docs for the parameters"
        )

    app.add_middleware(Guard, max_body_bytes=config.max_body_bytes)
    return app


def app_from_env() -> FastAPI:
    """The app for each of several worker processes (`storyline serve --workers N`): the store
    comes from ``STORYLINE_SERVE_DB``, the token from ``STORYLINE_TOKEN``. Each worker keeps its own
    cache; a write through one is seen by the others within ``stamp_seconds``."""
    return create_app(WebConfig(db=StoreConfig.for_path(os.environ.get("STORYLINE_SERVE_DB"))))


def _error(request: Request, status: int, code: str, message: str, remedy: str | None) -> Response:
    wants_html = not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")
    if wants_html:
        page: Response = request.app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "remedy": remedy},
            status_code=status,
        )
        return page
    return JSONResponse(error_body(status, code, message, remedy), status_code=status)


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from the fastapi-offline package's copy (no CDN). Its page starts the UI with an
    inline script: that one script is allowed by its hash, nothing else inline is."""
    try:
        import fastapi_offline
    except ImportError:  # docs are a convenience; the API works without them
        return
    assets = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="storyline API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )
        body = bytes(page.body).decode()
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in _INLINE_SCRIPT.findall(body)
        )
        csp = CSP.replace("script-src 'self'", f"script-src 'self' {hashes}").replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return HTMLResponse(body, headers={"content-security-policy": csp})
