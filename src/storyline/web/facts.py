"""A story's facts and who said what, as JSON (``/api/stories/{id}/facts``, ``.../quotes``, the
shapes of `storyline facts --json` and `storyline quotes --json`) and as pages
(``/stories/{id}/facts``, ``/stories/{id}/quotes``).

The answers come from :func:`storyline.story_facts` and :func:`storyline.story_quotes` through the
app's cached :class:`~storyline.web.deps.Reader`; what lives here is HTTP and the layout of those
answers for the pages (which outlet each wording is from, which voices are of unknown outlet, a
figure's description). Nothing here decides what is a fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import storyline
from storyline.model import Fact, FactClaim, Quantity, Scope, Speech
from storyline.web import present
from storyline.web.api import _json
from storyline.web.deps import StoryId, reader_of
from storyline.web.pages import _page

api = APIRouter(prefix="/api", tags=["api"])
router = APIRouter(include_in_schema=False)


async def _facts(request: Request, story_id: int) -> storyline.FactsView:
    reader = reader_of(request)
    return await reader.get(
        ("facts", story_id),
        lambda: storyline.story_facts(story_id, reader.config.db, config=reader.config.pipeline),
    )


async def _quotes(request: Request, story_id: int) -> storyline.QuotesView:
    reader = reader_of(request)
    return await reader.get(
        ("quotes", story_id),
        lambda: storyline.story_quotes(story_id, reader.config.db, config=reader.config.pipeline),
    )


@api.get(
    "/stories/{story_id}/facts",
    summary="A story's facts: each with its independent sources, its wording in each article, its "
    "figures; and the figures sources disagree on or updated",
)
async def story_facts(request: Request, story_id: StoryId) -> Response:
    return _json((await _facts(request, story_id)).to_dict())


@api.get(
    "/stories/{story_id}/quotes",
    summary="Who said what in a story: each speaker, their words, the outlets carrying them",
)
async def story_quotes(request: Request, story_id: StoryId) -> Response:
    return _json((await _quotes(request, story_id)).to_dict())


@router.get("/stories/{story_id}/facts", response_class=HTMLResponse)
async def facts_page(request: Request, story_id: StoryId) -> Response:
    view = await _facts(request, story_id)
    if view.story.id != story_id:  # merged away: the story it went into
        return RedirectResponse(f"/stories/{view.story.id}/facts", status_code=308)

    def build() -> dict[str, Any]:
        rows = [fact_row(f) for f in view.found.facts]
        return {
            "story": view.story,
            "shared": [r for r in rows if r.fact.support >= 2],
            "single": [r for r in rows if r.fact.support < 2],
            "disputes": [c for c in view.found.conflicts if not c.update],
            "updates": [c for c in view.found.conflicts if c.update],
            "sources": len({v for f in view.found.facts for v in f.voices}),
            "figure_note": figure_note,
            "wording": wording,
            "quoted": quoted,
            "direct": Speech.DIRECT,
        }

    return await _page(request, ("facts", story_id), "facts.html", build)


@router.get("/stories/{story_id}/quotes", response_class=HTMLResponse)
async def quotes_page(request: Request, story_id: StoryId) -> Response:
    view = await _quotes(request, story_id)
    if view.story.id != story_id:
        return RedirectResponse(f"/stories/{view.story.id}/quotes", status_code=308)

    def build() -> dict[str, Any]:
        return {
            "story": view.story,
            "speakers": view.speakers,
            "quoted": quoted,
            "wording": wording,
            "direct": Speech.DIRECT,
        }

    return await _page(request, ("quotes", story_id), "quotes.html", build)


# --- layout of the answers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Voice:
    """One independent source of a fact; ``unknown`` when every article it stands for is of
    unknown outlet (its name is then "article N")."""

    name: str
    unknown: bool


@dataclass(frozen=True, slots=True)
class Wording:
    """One article's claim as the pages show it: from which outlet, for whom it counts, and where
    its sentence is."""

    claim: FactClaim
    outlet: str  # the article's outlet, or "Unknown outlet" when it has none
    unknown: bool
    # The voice the claim counts for when it is not the outlet's own: a wire copy counts for its
    # agency, a syndicated copy for the original's outlet. None when it is the outlet's own.
    counted_as: str | None
    href: str  # the article page, the claim's sentence highlighted
    same_words: bool = False  # the same words as the fact's wording (a copy, a wire rewrite)


@dataclass(frozen=True, slots=True)
class FactRow:
    fact: Fact
    voices: tuple[Voice, ...]
    wordings: tuple[Wording, ...]


def wording(claim: FactClaim, first: FactClaim | None = None) -> Wording:
    outlet = claim.citation.outlet
    voice = claim.voice
    own = voice in (outlet, f"article {claim.citation.article_id}")
    return Wording(
        claim,
        outlet or "Unknown outlet",
        outlet is None,
        None if own else voice,
        present.cite_href(claim.citation),
        first is not None and first is not claim and _words(first.claim.text) == _words(claim.claim.text),
    )


def fact_row(fact: Fact) -> FactRow:
    """A fact with its voices marked (unknown outlet or not) and each article's wording."""
    unknown: dict[str, bool] = {}
    for claim in fact.claims:
        unknown[claim.voice] = unknown.get(claim.voice, True) and claim.citation.outlet is None
    first = fact.wording
    return FactRow(
        fact,
        tuple(Voice(v, unknown.get(v, False)) for v in fact.voices),
        tuple(wording(c, first) for c in fact.claims),
    )


def figure_note(quantity: Quantity) -> str:
    """What a figure counts, in a few words: ``counting deaths · at least · so far · in 2004``.
    ``thing`` may carry the verb it hangs from ("people:miss", people missing)."""
    thing, _, verb = quantity.thing.partition(":")
    parts = []
    if thing and thing != "number":
        parts.append(f"counting {thing}" + (f" ({verb})" if verb else ""))
    if quantity.scope is not Scope.EXACT:
        parts.append(quantity.scope.value)
    parts.extend(p for p in (quantity.aggregate, quantity.period) if p)
    return " · ".join(parts)


# Quotation marks a direct quote's words may still carry at their ends: the page puts its own.
_QUOTE_MARKS = '"“”„«»'


def quoted(text: str) -> str:
    """A direct quote's words without quotation marks at their ends (the page adds one pair)."""
    return text.strip().strip(_QUOTE_MARKS).strip()


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
