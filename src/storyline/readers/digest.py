"""The daily digest: what changed in what a reader follows since a moment (by default a day ago),
as a record, Markdown (a newsletter, a note) or a standalone HTML page (a mail).

Each section is one follow; each item a story that gained articles since, with its stored short
brief's first sentence when one was made (a digest never waits for a brief to be computed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import escape as html_escape

from storyline import DbArg
from storyline.briefs.format import escape as md_escape
from storyline.config import PipelineConfig
from storyline.model import Brief, Story
from storyline.readers import followed_stories, follows, placed_since, saved_briefs
from storyline.store.readers import Follow

__all__ = ["Digest", "DigestItem", "DigestSection", "build", "html", "markdown"]

# Stories looked at per follow: a digest is read in a minute, not scrolled.
_PER_FOLLOW = 200
_SHOWN = 10


@dataclass(frozen=True, slots=True)
class DigestItem:
    story: Story
    new_articles: int
    brief: Brief | None

    @property
    def lead(self) -> str | None:
        return self.brief.lead[0].text if self.brief and self.brief.lead else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story.id,
            "title": self.story.title,
            "new_articles": self.new_articles,
            "articles": len(self.story.articles),
            "outlets": list(self.story.outlets),
            "lead": self.lead,
        }


@dataclass(frozen=True, slots=True)
class DigestSection:
    follow: Follow
    items: tuple[DigestItem, ...]

    @property
    def label(self) -> str:
        return label(self.follow)


@dataclass(frozen=True, slots=True)
class Digest:
    since: datetime
    sections: tuple[DigestSection, ...]

    @property
    def empty(self) -> bool:
        return not any(s.items for s in self.sections)

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "sections": [
                {**s.follow.to_dict(), "stories": [i.to_dict() for i in s.items]} for s in self.sections
            ],
        }


def label(item: Follow) -> str:
    """How a follow reads in a heading: "Thread 12", "“paris attack”", "Reuters", "Emmanuel Macron"."""
    if item.kind == "thread":
        return f"Thread {item.value}"
    if item.kind == "query":
        return f"“{item.value}”"
    return item.value


def build(db: DbArg, reader: str, since: datetime, config: PipelineConfig | None = None) -> Digest:
    """What changed since ``since`` in each thing ``reader`` follows: the stories that gained
    articles, the most new articles first (with the briefs stored under ``config``'s settings)."""
    placed = placed_since(db, since)
    sections = []
    for item in follows(db, reader):
        page = followed_stories(db, item, limit=_PER_FOLLOW)
        changed = [s for s in page.stories if s.id in placed]
        changed.sort(key=lambda s: (-len(placed[s.id]), -s.id))
        changed = changed[:_SHOWN]
        briefs = saved_briefs(db, changed, config=config)
        sections.append(
            DigestSection(item, tuple(DigestItem(s, len(placed[s.id]), briefs.get(s.id)) for s in changed))
        )
    return Digest(since, tuple(sections))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _outlets(story: Story) -> str:
    return ", ".join(story.outlets) if story.outlets else "outlet unknown"


def markdown(digest: Digest, base: str = "") -> str:
    """The digest in Markdown; ``base`` (a server's address) makes the story links absolute."""
    lines = [f"# What changed since {digest.since:%d %b %Y %H:%M} UTC", ""]
    if not digest.sections:
        lines += ["You follow nothing yet: `storyline follow entity NAME` (or a query, outlet, thread).", ""]
    for section in digest.sections:
        lines += [f"## {md_escape(section.label)}", ""]
        if not section.items:
            lines += ["Nothing new.", ""]
        for item in section.items:
            story = item.story
            title = md_escape(story.title or f"Story {story.id}")
            lines.append(
                f"- [{title}]({base}/stories/{story.id}) — {_count(item.new_articles, 'new article')}, "
                f"{_count(len(story.articles), 'article')} in all ({md_escape(_outlets(story))})"
            )
            if item.lead:
                lines.append(f"  {md_escape(item.lead)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def html(digest: Digest, base: str = "") -> str:
    """The digest as a standalone HTML page (every string from an article escaped)."""
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>What changed since {digest.since:%d %b %Y}</title></head><body>",
        f"<h1>What changed since {digest.since:%d %b %Y %H:%M} UTC</h1>",
    ]
    if not digest.sections:
        parts.append("<p>You follow nothing yet.</p>")
    for section in digest.sections:
        parts.append(f"<h2>{html_escape(section.label)}</h2>")
        if not section.items:
            parts.append("<p>Nothing new.</p>")
            continue
        parts.append("<ul>")
        for item in section.items:
            story = item.story
            parts.append(
                f'<li><a href="{html_escape(base)}/stories/{story.id}">'
                f"{html_escape(story.title or f'Story {story.id}')}</a> — "
                f"{_count(item.new_articles, 'new article')}, {_count(len(story.articles), 'article')} in all "
                f"({html_escape(_outlets(story))})"
                + (f"<br>{html_escape(item.lead)}" if item.lead else "")
                + "</li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
