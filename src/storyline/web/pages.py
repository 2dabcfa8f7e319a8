"""The web UI: server-rendered pages (Jinja2, autoescaped) over the same API as ``/api``.

Pages are cached whole under the store stamp (see :class:`~storyline.web.deps.Reader`), so a
reader refreshing the front page costs a dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

import storyline
from storyline import readers
from storyline import reading as finder
from storyline.errors import NotFound, StorylineError
from storyline.web import present
from storyline.web.deps import (
    LARGEST_ID,
    ArticleId,
    FormId,
    Length,
    StoryId,
    StoryQuery,
    check_token,
    checked_id,
    new_reader_id,
    reader_id,
    reader_of,
    remember_reader,
    status_of,
)

router = APIRouter(include_in_schema=False)


async def _page(
    request: Request,
    key: tuple[Any, ...],
    template: str,
    build: Callable[[], dict[str, Any]],
    personal: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HTMLResponse:
    """Render ``template`` with what ``build`` fetched (cached under the store stamp) and, when
    given, what ``personal`` adds for this reader (what is new to them: never cached; it must add
    nothing for a browser with no reader id). A reader with nothing of their own on the page (a
    first visit) gets the page rendered once for all."""
    reader = reader_of(request)
    templates = request.app.state.templates
    context = await reader.get(("context", *key), build)
    # A browser without a reader id has nothing of its own on any page: no worker thread is asked
    # (that hop on every request held the front page at 265 ms p95 under 50 clients).
    mine = (
        await run_in_threadpool(personal, context)
        if personal is not None and reader_id(request) is not None
        else {}
    )
    if any(mine.values()):
        html: str = templates.get_template(template).render(
            {"request": request, "config": reader.config, **context, **mine}
        )
        return HTMLResponse(html)

    def render() -> str:
        page: str = templates.get_template(template).render(
            {"request": request, "config": reader.config, **context, **{k: None for k in mine}}
        )
        return page

    return HTMLResponse(await reader.get(("page", *key), render))


def _followed(
    request: Request, kind: str, subject: Callable[[dict[str, Any]], object]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What a page adds for this reader about its subject (``subject`` reads it from the page's
    context): the id of their follow of it, so its button says "Following" and offers to unfollow
    rather than offering to follow again; None for a browser that follows nothing."""
    who = reader_id(request)
    db = reader_of(request).config.db

    def personal(context: dict[str, Any]) -> dict[str, Any]:
        value = subject(context)
        if who is None or value is None:
            return {"followed": None}
        wanted = " ".join(str(value).split())
        found = next((f.id for f in readers.follows(db, who) if f.kind == kind and f.value == wanted), None)
        return {"followed": found}

    return personal


def _day_start(value: date | None, end: bool = False) -> datetime | None:
    if value is None:
        return None
    moment = datetime.combine(value, time.max if end else time.min)
    return moment.replace(tzinfo=UTC)


def _thread_id(value: str | None) -> int | None:
    """The front page's thread filter: a blank form field is no filter; anything else must be an
    id a store can hold (a thread past SQLite's range, zero or negative is none: 404)."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= LARGEST_ID:
        raise NotFound(f"no thread {value}", remedy="follow a thread link on a story page")
    return int(value)


@router.get("/", response_class=HTMLResponse)
async def front(
    request: Request,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    view: Literal["top", "covered", "latest"] = "top",
    q: Annotated[str | None, Query(max_length=500)] = None,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    thread: Annotated[str | None, Query(max_length=12)] = None,
    lang: Annotated[str | None, Query(max_length=16)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    reader = reader_of(request)
    size = reader.config.page_size
    # Empty form fields come as "": a filter left blank is no filter.
    first, last = present.parse_day(since), present.parse_day(until)
    where = finder.StoryFilter(
        outlet=outlet or None,
        entity=entity or None,
        thread=_thread_id(thread),
        query=q or None,
        language=lang or None,
        since=_day_start(first),
        until=_day_start(last, end=True),
    )
    params = present.FrontParams(
        view=view,
        q=q or "",
        outlet=outlet or "",
        entity=entity or "",
        thread=str(where.thread or ""),
        lang=lang or "",
        since=first.isoformat() if first else "",
        until=last.isoformat() if last else "",
    )
    who = reader_id(request)
    # Each piece cached on its own (the ranking shared by every page of the list): the first
    # visit after a start or an ingest finds them made (Reader.watch).
    found = await reader.story_page(where, view, size, (page - 1) * size)
    outlet_names = await reader.outlet_names()
    languages = await reader.languages()

    def build() -> dict[str, Any]:
        return {
            "page": found,
            "number": page,
            "where": where,
            "params": params,
            "pages": max(1, -(-found.total // size)),
            "outlet_names": outlet_names,
            "languages": languages,
        }

    def personal(context: dict[str, Any]) -> dict[str, Any]:
        news = readers.news(reader.config.db, who, context["page"].stories) if who else {}
        return {"news": news}

    response = await _page(request, ("front", where, view, page), "index.html", build, personal)
    remember_reader(response, request, who or new_reader_id())
    return response


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
    # A browser is a reader once it holds its reader cookie (any page gives it one): its visits are
    # remembered from then on. A client that never keeps cookies (a crawler, a load test) writes
    # nothing.
    who = reader_id(request)

    def build() -> dict[str, Any]:
        brief = storyline.brief_story(
            story_id, reader.config.db, length=length, config=reader.config.pipeline
        )
        by_outlet: dict[str | None, list[Any]] = {}
        for item in view.story.articles:
            by_outlet.setdefault(item.outlet, []).append(item)
        return {
            "view": view,
            "story": view.story,
            "brief": brief,
            "length": length,
            "by_outlet": sorted(by_outlet.items(), key=lambda kv: (kv[0] is None, -len(kv[1]))),
            "chart": present.chart(view.story, brief),
        }

    followed = _followed(request, "thread", lambda context: context["story"].thread)

    def personal(context: dict[str, Any]) -> dict[str, Any]:
        if who is None:
            return {"changes": None, "followed": None}
        changes = readers.visit_story(reader.config.db, who, context["story"], context["brief"])
        return {"changes": changes if changes.last_seen is not None else None, **followed(context)}

    response = await _page(request, ("story", story_id, length), "story.html", build, personal)
    remember_reader(response, request, who or new_reader_id())
    return response


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
async def search(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    reader = reader_of(request)
    size = reader.config.page_size

    def build() -> dict[str, Any]:
        found = finder.search_page(reader.config.db, q, limit=size, offset=(page - 1) * size)
        stories = (
            finder.find_stories(
                reader.config.db, where=finder.StoryFilter(query=q), limit=5, order="relevance"
            )
            if found.total
            else None
        )
        return {
            "q": q,
            "found": found,
            "stories": stories,
            "number": page,
            "pages": max(1, -(-found.total // size)),
        }

    personal = _followed(request, "query", lambda context: context["q"] or None)
    return await _page(request, ("search", q, page), "search.html", build, personal)


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

    personal = _followed(request, "entity", lambda context: context["entity"].name)
    return await _page(request, ("entity", match.name), "entity.html", build, personal)


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

    personal = _followed(request, "outlet", lambda context: context["outlet"])
    return await _page(request, ("outlet", name.lower()), "outlet.html", build, personal)


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
