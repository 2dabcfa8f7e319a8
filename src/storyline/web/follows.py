"""Follows, feeds and the digest on the web: follow an entity, words, an outlet or a thread (a
browser without an account is a random reader id in a cookie), the "Following" page, an Atom feed
for the latest stories and one for each followed item, and the daily digest (page and API).

Reads and writes go through :mod:`storyline.readers`; this module is HTTP only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

import storyline
from storyline import readers
from storyline.errors import ConfigError
from storyline.model import Brief, Story
from storyline.readers import digest as digests
from storyline.urls import parse_url
from storyline.web import present
from storyline.web.deps import FollowId, WebConfig, new_reader_id, reader_id, reader_of, remember_reader

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])

# The digest's default span: a daily digest looks back one day.
DIGEST_DAYS = 1
# Stories shown under each follow on the "Following" page, and entries in a follow's feed.
FOLLOWING_SHOWN = 5
FEED_ENTRIES = 20


def _local(path: str) -> str:
    """Where to go back after a form: a path on this site only (never ``//other.site``)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/following"


@router.post("/follows")
async def follow(
    request: Request,
    kind: Annotated[str, Form(max_length=16)],
    value: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/following",
) -> Response:
    reader = reader_of(request)
    who = reader_id(request) or new_reader_id()
    await run_in_threadpool(readers.follow, reader.config.db, who, kind, value)
    response = RedirectResponse(_local(next), status_code=303)
    remember_reader(response, request, who)
    return response


@router.post("/follows/{follow_id}/delete")
async def unfollow(
    request: Request, follow_id: FollowId, next: Annotated[str, Form(max_length=2000)] = "/following"
) -> Response:
    reader = reader_of(request)
    who = reader_id(request)
    if who is None:
        raise ConfigError("this browser follows nothing", remedy="follow something first")
    await run_in_threadpool(readers.unfollow, reader.config.db, who, follow_id)
    return RedirectResponse(_local(next), status_code=303)


@router.get("/following", response_class=HTMLResponse)
async def following(request: Request) -> HTMLResponse:
    reader = reader_of(request)
    who = reader_id(request)

    def build() -> dict[str, Any]:
        items = readers.follows(reader.config.db, who) if who else []
        return {
            "reader": who,
            "items": [
                (
                    item,
                    digests.label(item),
                    readers.followed_stories(reader.config.db, item, limit=FOLLOWING_SHOWN),
                )
                for item in items
            ],
        }

    context = await run_in_threadpool(build)
    html = request.app.state.templates.get_template("following.html").render(
        {"request": request, "config": reader.config, **context}
    )
    return HTMLResponse(html)


def _since(value: str | None, days: int) -> datetime:
    day = present.parse_day(value)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return datetime.now(UTC) - timedelta(days=days)


@router.get("/digest", response_class=HTMLResponse)
async def digest_page(
    request: Request,
    since: Annotated[str | None, Query(max_length=10)] = None,
    days: Annotated[int, Query(ge=1, le=31)] = DIGEST_DAYS,
) -> HTMLResponse:
    reader = reader_of(request)
    who = reader_id(request)
    start = _since(since, days)
    found = (
        await run_in_threadpool(digests.build, reader.config.db, who, start, reader.config.pipeline)
        if who
        else None
    )
    html = request.app.state.templates.get_template("digest.html").render(
        {"request": request, "config": reader.config, "digest": found, "since": start, "days": days}
    )
    return HTMLResponse(html)


# --- feeds ------------------------------------------------------------------------------------------


@router.get("/feed.xml")
async def feed(request: Request, count: Annotated[int, Query(ge=1, le=50)] = 20) -> Response:
    """An Atom feed of the latest stories' briefs, so any feed reader can follow storyline."""
    reader = reader_of(request)
    base = _base_url(request, reader.config)

    def build() -> bytes:
        briefs = storyline.briefing(reader.config.db, count=count, length="short")
        return atom(
            briefs, base, title="storyline: latest stories", self_path="/feed.xml", config=reader.config
        ).encode("utf-8")

    body = await reader.get(("feed", count, base), build)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/follows/{key}/feed.xml")
async def follow_feed(request: Request, key: Annotated[str, Path(max_length=64)]) -> Response:
    """The Atom feed of one followed item: its latest stories, each with its stored short brief (a
    story not briefed yet is listed by its title). The key is the follow's own, not the reader's."""
    reader = reader_of(request)
    base = _base_url(request, reader.config)

    def build() -> bytes:
        item = readers.follow_by_key(reader.config.db, key)
        stories = readers.followed_stories(reader.config.db, item, limit=FEED_ENTRIES).stories
        briefs = readers.saved_briefs(reader.config.db, stories, config=reader.config.pipeline)
        title = f"storyline: {digests.label(item)}"
        return atom(
            [briefs.get(s.id) or _title_only(s) for s in stories],
            base,
            title=title,
            self_path=f"/follows/{key}/feed.xml",
            config=reader.config,
        ).encode("utf-8")

    body = await reader.get(("follow-feed", key, base), build)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _base_url(request: Request, config: WebConfig) -> str:
    """Where this server's pages are, for links that leave it (the feeds): the configured base URL,
    else the address the server listens on. Never the Host header: any client sends any Host,
    and a feed cached with its links would send every reader where that client chose."""
    if config.base_url:
        return parse_url(config.base_url).text.rstrip("/")
    host, port = request.scope.get("server") or ("127.0.0.1", 8000)
    scheme = str(request.scope.get("scheme", "http"))
    shown = f"[{host}]" if ":" in str(host) else str(host)
    default = {"http": 80, "https": 443}.get(scheme)
    root = str(request.scope.get("root_path", ""))
    return f"{scheme}://{shown}" + ("" if port in (None, default) else f":{port}") + root


def _title_only(story: Story) -> Brief:
    return Brief(
        "story", story.id, story.title, "short", story.outlets, story.first_seen, story.last_seen, ()
    )


def atom(briefs: Sequence[Brief], base: str, *, title: str, self_path: str, config: WebConfig) -> str:
    """Atom 1.0: one entry per story, its summary the brief as text with its citations."""
    from storyline.briefs.format import text

    # An entry's <updated> is its story's last publication date, or for an undated story when it was
    # last read (Atom requires one): never a neighbour's date.
    updated = max((d for b in briefs if (d := b.last_seen or b.seen) is not None), default=datetime.now(UTC))
    entries = []
    for brief in briefs:
        link = f"{base}/stories/{brief.id}"
        entries.append(
            "<entry>"
            f"<id>{xml_escape(link)}</id>"
            f"<title>{xml_escape(brief.title or f'Story {brief.id}')}</title>"
            f'<link rel="alternate" type="text/html" href="{xml_escape(link)}"/>'
            f"<updated>{present.iso(brief.last_seen or brief.seen or updated)}</updated>"
            + "".join(f"<category term={quoteattr(o)}/>" for o in brief.outlets)
            + f'<summary type="text">{xml_escape(text(brief))}</summary>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{xml_escape(base + self_path)}</id><title>{xml_escape(title)}</title>"
        f'<link rel="self" href="{xml_escape(base + self_path)}"/><link rel="alternate" href="{xml_escape(base)}/"/>'
        f"<updated>{present.iso(updated)}</updated><author><name>storyline</name></author>"
        + "".join(entries)
        + "</feed>\n"
    )


# --- the API ----------------------------------------------------------------------------------------


class FollowBody(BaseModel):
    kind: str = Field(max_length=16, description="entity, query, outlet or thread")
    value: str = Field(max_length=200)


@api.get("/follows", summary="What this reader follows (reader id: X-Storyline-Reader or the cookie)")
async def api_follows(request: Request) -> dict[str, Any]:
    reader = reader_of(request)
    who = reader_id(request)
    items = await run_in_threadpool(readers.follows, reader.config.db, who) if who else []
    return {"reader": who, "follows": [i.to_dict() for i in items]}


@api.post("/follows", summary="Follow an entity, a query, an outlet or a thread (a new reader id if none)")
async def api_follow(request: Request, body: FollowBody) -> Response:
    reader = reader_of(request)
    who = reader_id(request) or new_reader_id()
    item = await run_in_threadpool(readers.follow, reader.config.db, who, body.kind, body.value)
    import json

    response = Response(
        json.dumps({"reader": who, "follow": item.to_dict()}, ensure_ascii=False),
        media_type="application/json",
    )
    remember_reader(response, request, who)
    return response


@api.delete("/follows/{follow_id}", summary="Stop following")
async def api_unfollow(request: Request, follow_id: FollowId) -> dict[str, Any]:
    reader = reader_of(request)
    who = reader_id(request)
    if who is None:
        raise ConfigError("no reader id", remedy="send it as the X-Storyline-Reader header")
    await run_in_threadpool(readers.unfollow, reader.config.db, who, follow_id)
    return {"unfollowed": follow_id}


@api.get("/digest", summary="What changed in what this reader follows since a day (default: a day ago)")
async def api_digest(
    request: Request,
    since: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    days: Annotated[int, Query(ge=1, le=31)] = DIGEST_DAYS,
) -> dict[str, Any]:
    reader = reader_of(request)
    who = reader_id(request)
    if who is None:
        raise ConfigError("no reader id", remedy="send it as the X-Storyline-Reader header")
    found = await run_in_threadpool(
        digests.build, reader.config.db, who, _since(since, days), reader.config.pipeline
    )
    return found.to_dict()
