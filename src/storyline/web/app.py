"""The web application: one FastAPI app serving the HTTP API (``/api``) and the web UI on one store.

The web layer has no logic of its own: every answer comes from :mod:`storyline`'s Python API (the
one the CLI wraps) or :mod:`storyline.reading`. What lives here is HTTP: the app with its
routers (:mod:`~storyline.web.api`, :mod:`~storyline.web.pages`), the body-size limit, security
headers and errors as JSON. What the routers share lives in :mod:`~storyline.web.deps`: the
settings, a per-process cache of answers keyed by a store stamp (so a busy front page costs one
cheap query per ``stamp_seconds``, not a story query per request), the write token and the status
of each error.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

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
from storyline.errors import StorylineError
from storyline.safe_text import visible
from storyline.urls import parse_url
from storyline.web import api, facts, follows, pages, present
from storyline.web.deps import BodyTooLarge, Reader, WebConfig, error_body, status_of

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent


# --- security headers and the body limit ----------------------------------------------------------

# No inline script or style anywhere: the UI's JavaScript and CSS are static files of the package,
# so article text that slipped through escaping still could not run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# same-origin, not no-referrer: a link to an outlet's page still tells it nothing, while a form
# posted from this server's own page carries its true Origin (under no-referrer a browser sends
# "Origin: null", which the Guard must refuse: another site's sandboxed frame sends it too).
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class Guard:
    """ASGI middleware: refuses bodies over the limit (by Content-Length, and while reading for a
    chunked body), refuses writes from another site's pages (their Origin), and adds the security
    headers to every response that has not set its own CSP."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, base_url: str = "") -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.base_origin = parse_url(base_url).origin if base_url else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] == "HEAD":
            # HEAD is GET without the body (RFC 9110): answered by every GET route, never a 405.
            await self({**scope, "method": "GET"}, receive, _headers_only(send))
            return
        if scope["method"] not in _SAFE_METHODS and not self._same_site(headers):
            await _refused_origin(headers)(scope, receive, send)
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await _too_large(self.max_body_bytes)(scope, receive, send)
            return
        seen = 0
        state = {"started": False, "over": False, "replaced": False}

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    state["over"] = True
                    raise BodyTooLarge(
                        f"request body over {self.max_body_bytes} bytes",
                        remedy="send a smaller page or text",
                    )
            return message

        async def secured(message: Message) -> None:
            if state["replaced"]:
                return  # the app's own answer to a body it could not read, after our 413
            if message["type"] == "http.response.start":
                if state["over"]:
                    # The app caught the limit while parsing the body and answered it (FastAPI:
                    # 400 "error parsing the body"); what the client must hear is 413.
                    state["replaced"] = True
                    await _too_large(self.max_body_bytes)(scope, receive, send)
                    return
                state["started"] = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited, secured)
        except BodyTooLarge:
            if not state["started"] and not state["replaced"]:
                await _too_large(self.max_body_bytes)(scope, receive, send)

    def _same_site(self, headers: dict[bytes, bytes]) -> bool:
        """Whether a write may come from where it says it comes from: a browser names the page's
        origin (and, in new browsers, whether it is another site's); a client that names none
        (curl, the API's clients) is no page another site made, and goes on to the token."""
        if headers.get(b"sec-fetch-site", b"").lower() == b"cross-site":
            return False
        origin = headers.get(b"origin")
        if origin is None:
            return True
        named = origin.decode("latin-1").strip().lower().rstrip("/")
        if self.base_origin is not None and named == self.base_origin:
            return True
        host = headers.get(b"host", b"").decode("latin-1").strip().lower()
        return bool(host) and named in (f"http://{host}", f"https://{host}")


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _prepare(pages: Jinja2Templates) -> None:
    import storyline.facts.build
    import storyline.nlp.resolve
    import storyline.pipeline  # noqa: F401

    for name in pages.env.list_templates(extensions=["html"]):
        pages.env.get_template(name)


def _refused_origin(headers: dict[bytes, bytes]) -> Response:
    origin = visible(headers.get(b"origin", b"(none)").decode("latin-1"))[:200]
    return JSONResponse(
        error_body(
            403,
            "forbidden",
            f"a write from another site's page is refused (its origin is {origin})",
            "post from this server's own pages, or from a client that sends no Origin, with the token",
        ),
        status_code=403,
        headers={k.decode(): v.decode() for k, v in HEADERS},
    )


# API answers that are the same for every caller: cached whole (status, headers, body) by path and
# query under the store stamp, so a repeated request never reaches routing or validation. Answers
# that depend on the reader (follows, digest) or on the moment (health) are not.
_PERSONAL = ("/api/follows", "/api/digest", "/api/health")
# Larger answers are not kept: the cache holds many small ones, not a few huge ones.
_ANSWER_BYTES = 512 * 1024


class AnswerCache:
    """ASGI middleware: the whole answer to a ``GET /api/...`` kept under the store stamp."""

    def __init__(self, app: ASGIApp, reader: Reader) -> None:
        self.app = app
        self.reader = reader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith("/api/")
            or path.startswith(_PERSONAL)
        ):
            await self.app(scope, receive, send)
            return
        stamp = await self.reader.stamp()
        key = ("answer", path, scope.get("query_string", b""))
        kept = self.reader.recall(key)
        if kept is not None:
            start, body = kept
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        parts: list[bytes] = []
        head: list[Message] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                head.append(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body", False) and head:
                    start = head[0]
                    names = {k.lower() for k, _ in start.get("headers", [])}
                    size = sum(len(p) for p in parts)
                    if start["status"] == 200 and b"set-cookie" not in names and size <= _ANSWER_BYTES:
                        self.reader.keep(stamp, key, (start, b"".join(parts)))
            await send(message)

        await self.app(scope, receive, capture)


def _headers_only(send: Send) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return sender


def _too_large(limit: int) -> Response:
    return JSONResponse(
        error_body(413, "too-large", f"request body over {limit} bytes", "send a smaller page or text"),
        status_code=413,
        headers={k.decode(): v.decode() for k, v in HEADERS},
    )


# --- the app ---------------------------------------------------------------------------------------


def templates() -> Jinja2Templates:
    # autoescape on for every template whatever its name: everything shown comes from articles.
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    env.filters.update(present.FILTERS)
    env.globals.update(present.GLOBALS)
    return Jinja2Templates(env=env)


def create_app(config: WebConfig | None = None) -> FastAPI:
    """The FastAPI app over the store in ``config.db`` (see :class:`WebConfig`)."""
    config = config or WebConfig()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # One open store for the server's life: a request reuses its connections and compiled
        # statements (opening the store for each one was most of a first visit's time).
        with ExitStack() as held:
            try:
                held.enter_context(storyline.keep_open(config.db))
            except Exception as exc:  # unreachable now: each request opens it, and says why
                log.warning("the store could not be held open (%s); each request opens it", exc)
            # What a story page and a brief run, imported before the first reader asks (~2.5 s of
            # imports that the first visit of a story page would wait for), and every template
            # compiled (~0.3 s for the story page's).
            await run_in_threadpool(_prepare, app.state.templates)
            # The stamp kept fresh and the story lists made before their first reader, at start
            # (before the server answers: ~0.3 s on 10,000 articles) and after every change of
            # the store (an ingest, a merge): see Reader.watch.
            await app.state.reader.prime()
            watcher = asyncio.create_task(app.state.reader.watch())
            try:
                yield
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    app = FastAPI(
        lifespan=lifespan,
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
    app.include_router(facts.api)
    app.include_router(facts.router)

    app.include_router(api.router)
    app.include_router(follows.api)
    app.include_router(pages.router)
    app.include_router(follows.router)

    @app.get("/favicon.svg", include_in_schema=False)
    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        # One small SVG for every browser that asks (an .ico request gets it too: no 404 per page).
        return Response(
            (HERE / "static" / "favicon.svg").read_bytes(),
            media_type="image/svg+xml",
            headers={"cache-control": "public, max-age=86400"},
        )

    _mount_monitoring(app, config)

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

    app.add_middleware(AnswerCache, reader=app.state.reader)
    # Outermost: headers on every answer, origin checks and body limits before anything else.
    app.add_middleware(Guard, max_body_bytes=config.max_body_bytes, base_url=config.base_url)
    return app


def _mount_monitoring(app: FastAPI, config: WebConfig) -> None:
    """``/health`` for a load balancer or a supervisor (503 while the store cannot be read) and
    ``/metrics`` in Prometheus' text format (the store's counts). Outside ``/api``: monitoring
    systems look for them at the root."""
    from starlette.concurrency import run_in_threadpool

    from storyline import reading
    from storyline.metrics import CONTENT_TYPE, store_metrics
    from storyline.store import unavailable

    @app.get("/health", include_in_schema=False)
    async def health() -> Response:
        try:
            found = await run_in_threadpool(reading.counts, config.db)
        except Exception as exc:
            if not unavailable(exc):
                raise
            return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "version": storyline.__version__, "articles": found["articles"]})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        found = await run_in_threadpool(reading.counts, config.db)
        return Response(store_metrics(found), media_type=CONTENT_TYPE)


def app_from_env() -> FastAPI:
    """The app for each of several worker processes (`storyline serve --workers N`): the store
    comes from ``STORYLINE_SERVE_DB``, the token from ``STORYLINE_TOKEN``, the settings as
    ``storyline serve`` found them (``STORYLINE_CONFIG``). Each worker keeps its own cache; a
    write through one is seen by the others within ``stamp_seconds``."""
    from storyline.settings import load_settings

    db = StoreConfig.for_path(os.environ.get("STORYLINE_SERVE_DB"))
    base_url = os.environ.get("STORYLINE_SERVE_BASE_URL", "")
    return create_app(WebConfig(db=db, pipeline=load_settings().pipeline, base_url=base_url))


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
