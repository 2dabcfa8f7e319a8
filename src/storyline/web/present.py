"""Presentation only: dates for people, where a citation points, an article's text cut into its
sentences (for anchors and hedge marks), and the coordinates of a story's timeline chart.

Nothing here decides what is true or what to show; it lays out what the API returned. Everything
returned as :class:`markupsafe.Markup` is built from escaped pieces.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from markupsafe import Markup, escape

from storyline.model import BLOCK_SEPARATOR, Brief, Citation, Story
from storyline.store import StoredArticle


def day(value: datetime | str | None) -> str:
    """``27 Oct 2026``; empty for no date."""
    if value is None or value == "":
        return ""
    when = value if isinstance(value, datetime) else _parse(value)
    return when.strftime("%-d %b %Y") if when else str(value)


def moment(value: datetime | None) -> str:
    """``27 Oct 2026, 09:30`` (UTC), for an article's publication."""
    return value.astimezone(UTC).strftime("%-d %b %Y, %H:%M") if value else ""


def span(first: datetime | None, last: datetime | None) -> str:
    """A story's time span, as short as it can be said: ``27 Oct 2026`` or ``27 – 29 Oct 2026``."""
    if first is None or last is None:
        return day(first or last)
    if first.date() == last.date():
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {day(last)}"
    if first.year == last.year:
        return f"{first.strftime('%-d %b')} – {day(last)}"
    return f"{day(first)} – {day(last)}"


def story_when(story: Story) -> str:
    """A story's span of publication dates; for a story no article of which is dated, "undated" and
    when its articles were read ("undated · seen 7 Dec 2026"), never the read time as its date."""
    if story.dated and story.first_seen is not None:
        return span(story.first_seen, story.last_seen)
    seen = day(story.read_last)
    return f"undated · seen {seen}" if seen else "undated"


def iso(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


def cite_href(citation: Citation) -> str:
    """The exact sentence in its article page (the page highlights the target sentence)."""
    return f"/articles/{citation.article_id}#s-{citation.sentence}"


def host(url: str | None) -> str:
    """The site an address is on, for a link's label; empty when it is not a web address."""
    if not url or not url.startswith(("http://", "https://")):
        return ""
    return urlsplit(url).hostname or ""


def safe_url(url: str | None) -> str | None:
    """A link target only for http(s) addresses: a ``javascript:`` or ``data:`` address from an
    article is never made clickable."""
    if url and url.startswith(("http://", "https://")):
        return url
    return None


def path_part(value: str) -> str:
    """A name (entity, outlet) as one URL path segment."""
    return quote(value, safe="")


def snippet(text: str) -> Markup:
    """A search snippet with the matched words (between ``[`` and ``]``) marked; neighbouring
    matched words are one mark ("Hong Kong", not "Hong" and "Kong" with a gap between)."""
    out = Markup("")
    joined = re.sub(r"\] \[", " ", str(escape(text)))
    for index, part in enumerate(joined.replace("]", "[").split("[")):
        out += Markup(f"<mark>{part}</mark>") if index % 2 else Markup(part)
    return out


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    sentence: int | None = None  # index in the analysis: the anchor ``s-N``
    hedge: float = 0.0
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BlockView:
    kind: str
    segments: tuple[Segment, ...]


def blocks(stored: StoredArticle) -> list[BlockView]:
    """The article's blocks cut at its sentences, so each sentence can be an anchor (and marked
    when it is hedged: ``Sentence.hedged``, the cut the briefs' "Speculation" uses too, so the page
    and the brief agree); text between sentences is kept."""
    article = stored.article
    text = article.text
    sentences = stored.analysis.sentences if stored.analysis else ()
    out: list[BlockView] = []
    start = 0
    for index, block in enumerate(article.blocks):
        end = start + len(block.text)
        parts: list[Segment] = []
        cursor = start
        for number, sentence in enumerate(sentences):
            if sentence.block != index or sentence.start < cursor or sentence.end > end:
                continue
            if sentence.start > cursor:
                parts.append(Segment(text[cursor : sentence.start]))
            parts.append(
                Segment(
                    text[sentence.start : sentence.end],
                    number,
                    sentence.hedge if sentence.hedged else 0.0,
                    sentence.cues if sentence.hedged else (),
                )
            )
            cursor = sentence.end
        if cursor < end:
            parts.append(Segment(text[cursor:end]))
        out.append(BlockView(block.kind.value, tuple(parts)))
        start = end + len(BLOCK_SEPARATOR)
    return out


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    label: str
    href: str
    kind: str  # "article", "copy" or "event"


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG timeline: one row per outlet (its articles as dots), a row of events on top."""

    width: int
    height: int
    rows: list[tuple[str, float]]
    dots: list[Dot]
    ticks: list[tuple[float, str, str]]  # x, label, text-anchor
    left: int


# Chart geometry, in SVG user units (the SVG scales to the page width).
CHART_WIDTH = 720
CHART_LEFT = 200
CHART_ROW = 30
CHART_TOP = 34


def chart(story: Story, brief: Brief | None) -> Chart | None:
    """The timeline of a story's coverage and events; None when there is nothing dated to place."""
    points: list[tuple[datetime, str, str, str, str]] = []  # when, row, label, href, kind
    for item in story.articles:
        if item.published is None:
            continue
        kind = "copy" if item.duplicate_of is not None else "article"
        label = f"{item.outlet or 'unknown outlet'}: {item.title or 'article ' + str(item.id)} ({moment(item.published)})"
        points.append((item.published, item.outlet or "Outlet unknown", label, f"/articles/{item.id}", kind))
    for entry in brief.timeline if brief else ():
        when = _parse(entry.when) if entry.when else None
        if when is None or not entry.sentence.citations:
            continue
        cite = entry.sentence.citations[0]
        label = f"{entry.kind}: {entry.sentence.text}"
        points.append((when, "Events", label, cite_href(cite), "event"))
    if not points:
        return None
    first = min(p[0] for p in points)
    last = max(p[0] for p in points)
    extent = max((last - first).total_seconds(), 3600.0)
    rows = list(
        dict.fromkeys(
            ["Events"] * any(p[4] == "event" for p in points) + [p[1] for p in points if p[4] != "event"]
        )
    )
    inner = CHART_WIDTH - CHART_LEFT - 20

    def x(when: datetime) -> float:
        return round(CHART_LEFT + inner * (when - first).total_seconds() / extent, 1)

    row_y = {name: CHART_TOP + i * CHART_ROW for i, name in enumerate(rows)}
    dots = [Dot(x(when), row_y[row], label, href, kind) for when, row, label, href, kind in points]
    ticks: list[tuple[float, str, str]] = []
    for step in range(5):
        when = first + (last - first) * step / 4 if last > first else first
        label = when.strftime("%-d %b %H:%M") if extent < 3 * 86400 else when.strftime("%-d %b %Y")
        anchor = "start" if step == 0 else "end" if step == 4 else "middle"
        if not ticks or ticks[-1][1] != label:
            ticks.append((x(when), label, anchor))
    height = CHART_TOP + len(rows) * CHART_ROW
    return Chart(CHART_WIDTH, height, [(name, y) for name, y in row_y.items()], dots, ticks, CHART_LEFT)


@dataclass(frozen=True, slots=True)
class RepairView:
    kind: str
    before: str
    after: str
    left: str  # clean text just before the repaired span, for context
    right: str


def repairs(stored: StoredArticle, context: int = 28) -> list[RepairView]:
    """Each repair with a few words of the clean text around it (a lone ``’`` means nothing)."""
    text = stored.article.text
    out = []
    for r in stored.article.repairs:
        if r.offset < 0 or text[r.offset : r.offset + len(r.after)] != r.after:
            out.append(RepairView(r.kind, r.before, r.after, "", ""))
            continue
        left = text[max(0, r.offset - context) : r.offset]
        right = text[r.offset + len(r.after) : r.offset + len(r.after) + context]
        out.append(
            RepairView(
                r.kind,
                r.before,
                r.after,
                ("…" + left.split(" ", 1)[-1]) if len(left) == context else left,
                right,
            )
        )
    return out


def _parse(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def plural(count: int, word: str) -> str:
    """``1 story``, ``3 stories``, ``2 articles``."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


@dataclass(frozen=True, slots=True)
class FrontParams:
    """The front page's view and filters as given, so every link of the page (pager, views) keeps
    them: a filter survives paging."""

    view: str = "top"
    q: str = ""
    outlet: str = ""
    entity: str = ""
    thread: str = ""
    lang: str = ""
    since: str = ""
    until: str = ""

    def link(self, page: int = 1, **changes: str) -> str:
        """``/?...`` with these params (and ``changes``), empty ones and the defaults left out."""
        values = asdict(replace(self, **changes))
        pairs = [(k, v) for k, v in values.items() if v and not (k == "view" and v == "top")]
        if page > 1:
            pairs.append(("page", str(page)))
        return "/?" + urlencode(pairs) if pairs else "/"

    @property
    def filtered(self) -> bool:
        return any((self.q, self.outlet, self.entity, self.thread, self.lang, self.since, self.until))


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day from a form; None for an empty or malformed one (no filter)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def search_link(q: str, page: int) -> str:
    """A search results page: the query is kept in every link, the pager's included."""
    pairs = [("q", q)] + ([("page", str(page))] if page > 1 else [])
    return "/search?" + urlencode(pairs)


def coverage(story: Story) -> str:
    """How widely a story is covered, honestly: "22 articles, outlet unknown" when no article
    names its outlet (never "0 outlets"); "5 articles · 3 outlets" otherwise, with the articles of
    no known outlet counted apart."""
    count = len(story.articles)
    outlets = story.outlets
    if not outlets:
        return f"{plural(count, 'article')}, outlet unknown"
    unknown = sum(1 for a in story.articles if a.outlet is None)
    text = f"{plural(count, 'article')} · {plural(len(outlets), 'outlet')}"
    return text + (f" (+{unknown} of unknown outlet)" if unknown else "")


def byline(value: str | None) -> str:
    """A byline without the "By" the page already wrote ("By By MEG KINNARD" never)."""
    if not value:
        return ""
    text = value.strip()
    while text.lower().startswith("by "):
        text = text[3:].lstrip()
    return text


FILTERS: dict[str, Any] = {
    "day": day,
    "moment": moment,
    "iso": iso,
    "host": host,
    "safe_url": safe_url,
    "path_part": path_part,
    "snippet": snippet,
    "cite_href": cite_href,
    "byline": byline,
}
GLOBALS: dict[str, Any] = {
    "span": span,
    "story_when": story_when,
    "plural": plural,
    "coverage": coverage,
    "search_link": search_link,
}
