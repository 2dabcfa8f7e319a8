"""The HTTP API under ``/api``: JSON in the shapes of the CLI's ``--json`` (the same ``to_dict``).

Every handler parses, calls one function of :mod:`storyline` (or :mod:`storyline.reading`)
through the app's :class:`~storyline.web.deps.Reader`, and returns what it gives.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

import storyline
from storyline import reading as finder
from storyline.errors import ConfigError
from storyline.web.deps import (
    LARGEST_ID,
    ArticleId,
    Length,
    Offset,
    StoryId,
    ThreadQuery,
    WebConfig,
    check_token,
    reader_of,
)

router = APIRouter(prefix="/api", tags=["api"])
log = logging.getLogger(__name__)


def _json(data: Any) -> Response:
    return Response(json.dumps(data, ensure_ascii=False).encode(), media_type="application/json")


def bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


@router.get("/health", summary="Is the server up, and which store does it read")
async def health(request: Request) -> dict[str, Any]:
    reader = reader_of(request)
    stamp = await reader.stamp()
    articles, *_ = stamp.split("|")
    return {
        "status": "ok",
        "version": storyline.__version__,
        "backend": reader.config.db.url.split(":", 1)[0],
        "articles": int(articles) if articles.isdigit() else None,
        "writable": reader.config.token is not None,
    }


@router.get("/stories", summary="Stories, most recently seen first (paginated, filtered)")
async def stories(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
    since: Annotated[datetime | None, Query(description="last seen on or after (ISO date)")] = None,
    until: Annotated[datetime | None, Query(description="first seen on or before (ISO date)")] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    thread: ThreadQuery = None,
    q: Annotated[str | None, Query(max_length=500, description="words one of its articles holds")] = None,
    language: Annotated[
        str | None, Query(max_length=16, description="ISO code of one of its articles")
    ] = None,
    order: Annotated[
        Literal["latest", "top", "covered", "relevance"],
        Query(description="latest; top (sources and recent activity); covered (sources); relevance (to q)"),
    ] = "latest",
) -> Response:
    where = finder.StoryFilter(
        since=since, until=until, entity=entity, outlet=outlet, thread=thread, query=q, language=language
    )
    reader = reader_of(request)
    # The ranking is shared by every page of the list (and made before the first reader of the
    # default list comes: Reader.watch); the body of each page is kept as bytes.
    page = await reader.story_page(where, order, limit, offset)
    body = await reader.get(
        ("api-stories", where, limit, offset, order),
        lambda: json.dumps(page.to_dict(), ensure_ascii=False).encode(),
    )
    return Response(body, media_type="application/json")


@router.get("/stories/{story_id}", summary="One story: articles by outlet, entities, events, thread")
async def story(request: Request, story_id: StoryId) -> Response:
    reader = reader_of(request)
    view = await reader.get(("story", story_id), lambda: storyline.story(story_id, reader.config.db))
    return _json(view.to_dict())


@router.get("/stories/{story_id}/brief", summary="Get a summary of a story, sources compared")
async def story_brief(request: Request, story_id: StoryId, length: Length = "medium") -> Response:
    reader = reader_of(request)
    brief = await reader.get(
        ("brief", story_id, length),
        lambda: storyline.brief_story(
            story_id, reader.config.db, length=length, config=reader.config.pipeline
        ),
    )
    return _json(brief.to_dict())


@router.get(
    "/stories/{story_id}/export",
    summary="A story's brief as Markdown (for a newsletter) or JSON",
    response_class=PlainTextResponse,
)
async def export(
    request: Request,
    story_id: StoryId,
    format: Literal["markdown", "json"] = "markdown",
    length: Length = "medium",
) -> Response:
    from storyline.briefs.format import markdown

    reader = reader_of(request)
    brief = await reader.get(
        ("brief", story_id, length),
        lambda: storyline.brief_story(
            story_id, reader.config.db, length=length, config=reader.config.pipeline
        ),
    )
    name = f"story-{brief.id}.{'md' if format == 'markdown' else 'json'}"
    disposition = {"content-disposition": f'inline; filename="{name}"'}
    if format == "json":
        return Response(
            json.dumps(brief.to_dict(), ensure_ascii=False, indent=2),
            media_type="application/json",
            headers=disposition,
        )
    return Response(markdown(brief), media_type="text/markdown; charset=utf-8", headers=disposition)


@router.get("/articles", summary="Stored articles, oldest first (paged by `after`, the last id seen)")
async def articles(
    request: Request,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    after: Annotated[
        int | None, Query(ge=0, le=LARGEST_ID, description="only articles with a larger id (the next page)")
    ] = None,
    offset: Offset = 0,
) -> Response:
    reader = reader_of(request)
    # Keyset paging: the store reads the page from the index, whatever comes before it (an offset
    # is the database's to skip too: it never loads the rows it skips into this process).
    found = await reader.get(
        ("articles", outlet, limit, after, offset),
        lambda: storyline.articles(reader.config.db, outlet=outlet, limit=limit, after=after, offset=offset),
    )
    response = _json([a.to_dict() for a in found])
    if len(found) == limit:
        query = urlencode({**({"outlet": outlet} if outlet else {}), "limit": limit, "after": found[-1].id})
        response.headers["link"] = f'</api/articles?{query}>; rel="next"'
    return response


@router.get(
    "/articles/{article_id}",
    summary="One article: clean text, summary, sentences, entities, events, removed, repairs",
)
async def article(request: Request, article_id: ArticleId, length: Length = "medium") -> Response:
    reader = reader_of(request)
    stored = await reader.get(
        ("article", article_id), lambda: storyline.get_article(article_id, reader.config.db)
    )
    data = stored.to_dict()
    if stored.analysis is not None:
        summary = await reader.get(
            ("article-brief", article_id, length),
            lambda: storyline.brief_article(
                article_id, reader.config.db, length=length, config=reader.config.pipeline
            ),
        )
        data["summary"] = summary.to_dict()
    else:
        data["summary"] = None
    return _json(data)


@router.get(
    "/entities", summary="People, organisations, places and countries, with the titles each source gives"
)
async def entities(
    request: Request, type: Literal["person", "organisation", "place", "country"] | None = None
) -> Response:
    reader = reader_of(request)
    found = await reader.get(("entities",), lambda: storyline.entities(reader.config.db))
    return _json([e.to_dict() for e in found if type is None or e.type.value == type])


@router.get("/events", summary="Events (who met whom, where, when, how surely), newest first")
async def events(request: Request, kind: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    reader = reader_of(request)
    found = await reader.get(("events",), lambda: storyline.events(reader.config.db))
    return _json([e for e in found if kind is None or e["kind"] == kind])


@router.get("/threads", summary="Threads: stories with the same actors over time")
async def threads(request: Request) -> Response:
    reader = reader_of(request)
    found = await reader.get(("threads",), lambda: finder.threads(reader.config.db))
    return _json([t.to_dict() for t in found])


@router.get("/search", summary="Full-text search over the latest articles, best match first (stemmed)")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    reader = reader_of(request)
    found = await reader.get(
        ("search", q, limit, offset),
        lambda: finder.search_page(reader.config.db, q, limit=limit, offset=offset),
    )
    return _json([h.to_dict() for h in found.hits])


@router.get("/skips", summary="Documents that were skipped, with the reason")
async def skips(request: Request) -> Response:
    reader = reader_of(request)
    found = await reader.get(("skips",), lambda: storyline.skips(reader.config.db))
    return _json([{"locator": s.locator, "code": s.code, "message": s.message} for s in found])


class IngestBody(BaseModel):
    """One of ``url``, ``html`` or ``text``. A text's first line is its title; ``url`` names where
    an ``html`` or ``text`` came from (kept as the article's link)."""

    url: str | None = Field(default=None, max_length=2000)
    html: str | None = None
    text: str | None = None


# An id in a body: SQLite's range (LARGEST_ID), or the request is refused (422) before any query.
BodyId = Annotated[int, Field(ge=1, le=LARGEST_ID)]


class MergeBody(BaseModel):
    keep: BodyId
    gone: BodyId


class SplitBody(BaseModel):
    articles: list[BodyId] = Field(min_length=1, max_length=1000)


def upload_dir() -> Path:
    """Where posted pages and texts are written before ingest: a folder only this user can enter,
    named by the user, so the same page posted twice (even across restarts) has the same name and
    is 'unchanged', as for a file ingested twice. A folder of that name that is a link, another
    user's, or open to others (made first by someone who would read every upload, or write
    through it) is not used: a fresh private one is made instead."""
    path = Path(tempfile.gettempdir()) / f"storyline-uploads-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    found = os.lstat(path)
    if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o077:
        return path
    log.warning("%s is not a private folder of this user: uploads go to a new one", path)
    return Path(tempfile.mkdtemp(prefix="storyline-uploads-"))


# Uploads being ingested in this process, by path: two identical posts at once share one file, and
# the last to finish deletes it.
_uploading: dict[Path, int] = {}
_uploading_lock = threading.Lock()


@contextlib.contextmanager
def _upload(data: bytes, suffix: str) -> Iterator[Path]:
    """``data`` in the private upload folder, named by its hash, for as long as it is ingested
    (the store keeps the bytes; the file is not needed after)."""
    path = upload_dir() / (hashlib.sha256(data).hexdigest()[:24] + suffix)
    with _uploading_lock:
        _uploading[path] = _uploading.get(path, 0) + 1
        if _uploading[path] == 1:
            # Written whole before it is named: a reader never sees half a file.
            fd, partial = tempfile.mkstemp(dir=path.parent, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(partial, path)
    try:
        yield path
    finally:
        with _uploading_lock:
            _uploading[path] -= 1
            if not _uploading[path]:
                del _uploading[path]
                path.unlink(missing_ok=True)


def _web_address(url: str) -> str:
    """``url`` read by the one URL parser (urls.py), as the fetcher will read it: a malformed one
    is refused here (422), and where it leads is judged by the fetcher's address policy (a
    link-local or metadata address needs --allow-address even with --allow-private)."""
    from storyline.urls import parse_url

    return parse_url(url).text


def run_ingest(config: WebConfig, body: IngestBody) -> dict[str, Any]:
    given = [v for v in (body.html, body.text) if v is not None]
    if len(given) > 1 or (not given and not body.url):
        raise ConfigError(
            "send exactly one of html or text (or only a url)", remedy='e.g. {"url": "https://..."}'
        )
    pipeline = replace(
        config.pipeline, sources=replace(config.pipeline.sources, max_bytes=config.max_body_bytes)
    )
    url = _web_address(body.url) if body.url else None
    if not given:
        assert url is not None
        return storyline.ingest([url], db=config.db, config=pipeline).to_dict()
    content = given[0]
    if body.html is not None and url:
        # The page's canonical link is where extraction reads an article's address from.
        content = f'<link rel="canonical" href="{html.escape(url)}">\n' + content
    elif body.text is not None and url:
        content = url + "\n" + content
    with _upload(content.encode("utf-8"), ".html" if body.html is not None else ".txt") as path:
        return storyline.ingest([path], db=config.db, config=pipeline).to_dict()


@router.post("/ingest", summary="Ingest a page, a text or a URL through the whole pipeline (token)")
async def ingest(
    request: Request,
    body: IngestBody,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    reader = reader_of(request)
    check_token(reader.config, bearer(authorization))
    report = await reader.write(lambda: run_ingest(reader.config, body))
    return _json(report)


@router.post("/stories/merge", summary="Merge story `gone` into `keep` by hand (token)")
async def merge(
    request: Request, body: MergeBody, authorization: Annotated[str | None, Header()] = None
) -> Response:
    reader = reader_of(request)
    check_token(reader.config, bearer(authorization))
    kept = await reader.write(
        lambda: storyline.merge_stories(body.keep, body.gone, reader.config.db, reader.config.pipeline)
    )
    return _json({"story": kept, "merged": body.gone})


@router.post("/stories/{story_id}/split", summary="Move articles of a story into a new story by hand (token)")
async def split(
    request: Request,
    story_id: StoryId,
    body: SplitBody,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    reader = reader_of(request)
    check_token(reader.config, bearer(authorization))
    new = await reader.write(
        lambda: storyline.split_story(story_id, body.articles, reader.config.db, reader.config.pipeline)
    )
    return _json({"story": new, "from": story_id, "articles": body.articles})
