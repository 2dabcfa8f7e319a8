"""The web UI: server-rendered pages (Jinja2, autoescaped) over the same API as ``/api``.

Pages are cached whole under the store stamp (see :class:`~storyline.web.deps.Reader`), so a
reader refreshing the front page costs a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from xml.sax.saxutils import escape as xml_escape

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

import storyline
from storyline import reading as finder
from storyline.errors import NotFound, StorylineError
from storyline.urls import parse_url
from storyline.web import present
from storyline.web.deps import (
    ArticleId,
    FormId,
    Length,
    StoryId,
    StoryQuery,
    ThreadQuery,
    WebConfig,
    check_token,
    checked_id,
    reader_of,
    status_of,
)

router = APIRouter(include_in_schema=False)


async def _page(
    request: Request, key: tuple[Any, ...], template: str, build: Callable[[], dict[str, Any]]
) -> HTMLResponse:
    """Render ``template`` with what ``build`` fetched (both cached under the store stamp)."""
    reader = reader_of(request)
    templates = request.app.state.templates

    def render() -> str:
        context = build()
        html: str = templates.get_template(template).render(
            {"request": request, "config": reader.config, **context}
        )
        return html

    return HTMLResponse(await reader.get(("page", *key), render))


@router.get("/", response_class=HTMLResponse)
async def front(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    q: Annotated[str | None, Query(max_length=500)] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    thread: ThreadQuery = None,
) -> HTMLResponse:
    reader = reader_of(request)
    size = reader.config.page_size
    where = finder.StoryFilter(outlet=outlet or None, entity=entity or None, thread=thread, query=q or None)

    def build() -> dict[str, Any]:
        found = finder.find_stories(reader.config.db, where=where, limit=size, offset=(page - 1) * size)
        return {"page": found, "number": page, "where": where, "pages": max(1, -(-found.total // size))}

    return await _page(request, ("front", where, page), "index.html", build)


@router.get("/stories/{story_id}/summary", response_class=HTMLResponse)
async def summary(request: Request, story_id: StoryId, length: Length = "short") -> HTMLResponse:
    """The brief as a fragment, for the front page's "Get a summary" button."""
    reader = reader_of(request)
    return await _page(
        request,
        ("summary", story_id, length),
        "_summary.html",
        lambda: {
            "brief": storyline.brief_story(
                story_id, reader.config.db, length=length, config=reader.config.pipeline
            )
        },
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(request: Request, story_id: StoryId, length: Length = "medium") -> Response:
    reader = reader_of(request)
    view = await reader.get(("story", story_id), lambda: storyline.story(story_id, reader.config.db))
    if view.story.id != story_id:  # merged away: the story it went into
        return RedirectResponse(f"/stories/{view.story.id}", status_code=308)

    def build() -> dict[str, Any]:
        brief = storyline.brief_story(
            story_id, reader.config.db, length=length, config=reader.config.pipeline
        )
        by_outlet: dict[str, list[Any]] = {}
        for item in view.story.articles:
            by_outlet.setdefault(item.outlet or "(unknown outlet)", []).append(item)
        return {
            "view": view,
            "story": view.story,
            "brief": brief,
            "length": length,
            "by_outlet": by_outlet,
            "chart": present.chart(view.story, brief),
        }

    return await _page(request, ("story", story_id, length), "story.html", build)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article(request: Request, article_id: ArticleId) -> HTMLResponse:
    reader = reader_of(request)

    def build() -> dict[str, Any]:
        stored = storyline.get_article(article_id, reader.config.db)
        summary = (
            storyline.brief_article(
                article_id, reader.config.db, length="short", config=reader.config.pipeline
            )
            if stored.analysis is not None
            else None
        )
        return {
            "stored": stored,
            "a": stored.article,
            "blocks": present.blocks(stored),
            "fixes": present.repairs(stored),
            "summary": summary,
            "story_id": finder.story_of(reader.config.db, article_id),
        }

    return await _page(request, ("article", article_id), "article.html", build)


@router.get("/search", response_class=HTMLResponse)
async def search(request: Request, q: Annotated[str, Query(max_length=500)] = "") -> HTMLResponse:
    reader = reader_of(request)

    def build() -> dict[str, Any]:
        hits = finder.search(reader.config.db, q, limit=50) if q.strip() else []
        found = (
            finder.find_stories(reader.config.db, where=finder.StoryFilter(query=q), limit=10)
            if hits
            else None
        )
        return {"q": q, "hits": hits, "stories": found}

    return await _page(request, ("search", q), "search.html", build)


# {name:path}: a name may hold a "/" (AC/DC), which the link encodes and the server decodes.
@router.get("/entities/{name:path}", response_class=HTMLResponse)
async def entity(request: Request, name: str) -> HTMLResponse:
    reader = reader_of(request)
    everyone = await reader.get(("entities",), lambda: storyline.entities(reader.config.db))
    wanted = name.strip().lower()
    match = next(
        (e for e in everyone if e.name.lower() == wanted or wanted in (a.lower() for a in e.aliases)), None
    )
    if match is None:
        raise NotFound(
            f"no person, organisation, place or country named {name!r}", remedy="search for it at /search"
        )

    def build() -> dict[str, Any]:
        found = finder.find_stories(reader.config.db, where=finder.StoryFilter(entity=match.name), limit=100)
        return {"entity": match, "stories": found}

    return await _page(request, ("entity", match.name), "entity.html", build)


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
async def outlet(request: Request, name: str) -> HTMLResponse:
    reader = reader_of(request)

    def build() -> dict[str, Any]:
        found = finder.find_stories(reader.config.db, where=finder.StoryFilter(outlet=name), limit=100)
        if found.total == 0:
            raise NotFound(
                f"no stories from an outlet named {name!r}", remedy="pick an outlet on a story page"
            )
        return {"outlet": name, "stories": found}

    return await _page(request, ("outlet", name.lower()), "outlet.html", build)


@router.get("/threads/{thread_id}", response_class=HTMLResponse)
async def thread(request: Request, thread_id: int) -> HTMLResponse:
    """Full coverage of one subject: every story of the thread in the order things happened,
    each with all its articles."""
    reader = reader_of(request)

    def build() -> dict[str, Any]:
        found = storyline.stories(reader.config.db, thread=thread_id)
        if not found:
            raise NotFound(f"no thread {thread_id}", remedy="follow a thread link on a story page")
        ordered = sorted(
            found,
            key=lambda s: (s.first_seen is None, s.first_seen or datetime.min.replace(tzinfo=UTC), s.id),
        )
        articles = sum(len(s.articles) for s in ordered)
        outlets = sorted({o for s in ordered for o in s.outlets})
        return {"thread": thread_id, "stories": ordered, "articles": articles, "outlets": outlets}

    return await _page(request, ("thread", thread_id), "thread.html", build)


@router.get("/fix", response_class=HTMLResponse)
async def fix(request: Request, story: StoryQuery = None) -> HTMLResponse:
    reader = reader_of(request)

    def build() -> dict[str, Any]:
        view = storyline.story(story, reader.config.db) if story is not None else None
        return {"view": view, "message": None, "error": None}

    return await _page(request, ("fix", story), "fix.html", build)


async def _correct(request: Request, token: str, action: Callable[[], int], story: int | None) -> Response:
    reader = reader_of(request)
    try:
        check_token(reader.config, token)
        target = await reader.write(action)
    except StorylineError as exc:
        view = None
        if story is not None:
            try:
                view = await run_in_threadpool(storyline.story, story, reader.config.db)
            except NotFound:
                view = None
        html = request.app.state.templates.get_template("fix.html").render(
            {"request": request, "config": reader.config, "view": view, "error": exc}
        )
        return HTMLResponse(html, status_code=status_of(exc))
    return RedirectResponse(f"/stories/{target}", status_code=303)


@router.post("/fix/merge")
async def fix_merge(
    request: Request,
    keep: FormId,
    gone: FormId,
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    reader = reader_of(request)
    return await _correct(
        request,
        token,
        lambda: storyline.merge_stories(keep, gone, reader.config.db, reader.config.pipeline),
        keep,
    )


@router.post("/fix/split")
async def fix_split(
    request: Request,
    story: FormId,
    articles: Annotated[list[int], Form()],
    token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    reader = reader_of(request)
    return await _correct(
        request,
        token,
        lambda: storyline.split_story(
            story, [checked_id(a, "article") for a in articles], reader.config.db, reader.config.pipeline
        ),
        story,
    )


@router.get("/feed.xml")
async def feed(request: Request, count: Annotated[int, Query(ge=1, le=50)] = 20) -> Response:
    """An Atom feed of the latest stories' briefs, so any feed reader can follow storyline."""
    reader = reader_of(request)
    base = _base_url(request, reader.config)

    def build() -> bytes:
        briefs = storyline.briefing(reader.config.db, count=count, length="short")
        return atom(briefs, base, reader.config).encode("utf-8")

    body = await reader.get(("feed", count, base), build)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _base_url(request: Request, config: WebConfig) -> str:
    """Where this server's pages are, for links that leave it (the feed): the configured base URL,
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


def atom(briefs: list[Any], base: str, config: WebConfig) -> str:
    """Atom 1.0: one entry per story, its summary the brief as escaped HTML with citations."""
    from storyline.briefs.format import text

    # An entry's <updated> is its story's last publication date, or for an undated story when it was
    # last read (Atom requires one): never a neighbour's date.
    updated = max((b.last_seen or b.seen for b in briefs if b.last_seen or b.seen), default=datetime.now(UTC))
    entries = []
    for brief in briefs:
        link = f"{base}/stories/{brief.id}"
        entries.append(
            "<entry>"
            f"<id>{xml_escape(link)}</id>"
            f"<title>{xml_escape(brief.title or f'Story {brief.id}')}</title>"
            f'<link rel="alternate" type="text/html" href="{xml_escape(link)}"/>'
            f"<updated>{present.iso(brief.last_seen or brief.seen or updated)}</updated>"
            + "".join(f"<category term={_attr(o)}/>" for o in brief.outlets)
            + f'<summary type="text">{xml_escape(text(brief))}</summary>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{xml_escape(base)}/</id><title>storyline: latest stories</title>"
        f'<link rel="self" href="{xml_escape(base)}/feed.xml"/><link rel="alternate" href="{xml_escape(base)}/"/>'
        f"<updated>{present.iso(updated)}</updated><author><name>storyline</name></author>"
        + "".join(entries)
        + "</feed>\n"
    )


def _attr(value: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(value)
