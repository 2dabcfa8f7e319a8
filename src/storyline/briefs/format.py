"""Briefs as Markdown (to paste into a newsletter) and as plain text (for a terminal).

Article text is untrusted: in Markdown every character that could start markup (emphasis, links,
HTML) is escaped, so a source's sentence is shown as written and can never become a link or a tag.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.model import Brief, BriefSentence, Discrepancy
from storyline.safe_text import one_line

# Every ASCII punctuation character that can open or close Markdown (CommonMark and GFM): emphasis,
# code, links and images, HTML, headings, block quotes, lists, tables, strikethrough, footnotes.
# CommonMark lets any ASCII punctuation be backslash-escaped, so escaping one too many is harmless.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~^$])")
# A line that opens with "-", "=" or digits and "." or ")" starts a list item or a setext heading.
_LEADING_MARKER = re.compile(r"^(\d*)([-=.)])")
# GFM turns bare addresses into links (its autolink extension): break "://" and "www." up.
_BARE_LINK = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?<=\bwww)\.", re.IGNORECASE)


def escape(text: str) -> str:
    """A document's string as one inert line of Markdown: control and bidi-override characters
    dropped, line breaks and tabs folded into spaces (a newline in a title cannot start a heading or
    a list), leading and trailing spaces gone (no code block, no hard break), "&" written as an
    entity and every markup character backslash-escaped, so it shows exactly as written."""
    line = one_line(text).strip().replace("&", "&amp;")
    line = _MARKDOWN_SPECIAL.sub(r"\\\1", line)
    line = _BARE_LINK.sub(lambda m: "\\" + m.group(), line)
    return _LEADING_MARKER.sub(r"\1\\\2", line)


def _day(brief: Brief) -> str:
    first = brief.first_seen.strftime("%d %b %Y") if brief.first_seen else ""
    last = brief.last_seen.strftime("%d %b %Y") if brief.last_seen else ""
    return first if first == last else f"{first} – {last}"


def _sources_count(brief: Brief) -> str:
    n = brief.independent_sources
    return f"{n} independent source{'s' if n != 1 else ''}"


def _agree_heading(brief: Brief) -> str:
    """Agreement counts independent sources (storyline.facts): two or more outlets, or for a story
    from one outlet two or more of its articles."""
    return "Reported by two or more sources" if len(brief.outlets) > 1 else "Reported by two or more articles"


def _carried(sentence: BriefSentence) -> str:
    return ", ".join(c.outlet or f"article {c.article_id}" for c in sentence.carriers)


def _cite_md(sentence: BriefSentence) -> str:
    ids = ", ".join(f"#{c.article_id}" for c in sentence.citations)
    also = f"; also carried by {escape(_carried(sentence))}" if sentence.carriers else ""
    return f"*{escape(', '.join(sentence.outlets))}* ({ids}){also}"


def _cite_text(sentence: BriefSentence) -> str:
    ids = ", ".join(f"#{c.article_id}" for c in sentence.citations)
    also = f"; also carried by {_carried(sentence)}" if sentence.carriers else ""
    return f"[{', '.join(sentence.outlets)} · {ids}{also}]"


def markdown(brief: Brief, level: int = 2) -> str:
    """One brief in Markdown; ``level`` is the heading level of its title."""
    h = "#" * level
    sub = "#" * (level + 1)
    lines = [f"{h} {escape(brief.title or f'{brief.kind.title()} {brief.id}')}", ""]
    meta = [f"{brief.kind} {brief.id}", _day(brief)]
    if brief.outlets:
        meta.append(
            f"{len(brief.outlets)} outlet{'s' if len(brief.outlets) != 1 else ''}: {escape(', '.join(brief.outlets))}"
        )
    if brief.kind == "story":
        meta.append(_sources_count(brief))
    if brief.genre:
        meta.append(brief.genre)
    lines += [" · ".join(m for m in meta if m), ""]
    for sentence in brief.lead:
        lines.append(f"**{escape(sentence.text)}** — {_cite_md(sentence)}")
        lines.append("")
    if brief.developments:
        lines += [f"{sub} Key developments", ""]
        lines += [f"- {escape(s.text)} — {_cite_md(s)}" for s in brief.developments]
        lines.append("")
    compared = brief.agreed or brief.single_source or brief.speculation or brief.discrepancies
    if compared and brief.kind == "story":
        lines += [f"{sub} Sources compared", ""]
    if brief.agreed:
        lines += [f"**{_agree_heading(brief)}:**", ""]
        lines += [f"- {escape(s.text)} — {_cite_md(s)}{_above_md(s)}" for s in brief.agreed]
        lines.append("")
    if brief.single_source:
        lines += ["**Single-source claims** (one outlet only):", ""]
        lines += [f"- {escape(s.text)} — {_cite_md(s)}" for s in brief.single_source]
        lines.append("")
    if brief.speculation:
        lines += ["**Speculation** (hedged, not reported as fact):", ""]
        lines += [
            f"- {escape(s.text)} — {_cite_md(s)} · cues: {escape(', '.join(s.cues))}"
            for s in brief.speculation
        ]
        lines.append("")
    if brief.discrepancies:
        lines += ["**Discrepancies:**", ""]
        lines += [_discrepancy_md(d) for d in brief.discrepancies]
        lines.append("")
    if brief.updates:
        lines += ["**Figures updated over time** (later reports give a new count):", ""]
        lines += [_discrepancy_md(d) for d in brief.updates]
        lines.append("")
    if brief.timeline:
        lines += [f"{sub} Timeline", ""]
        for entry in brief.timeline:
            when = escape((entry.when or "undated")[:10])
            who = escape(", ".join(entry.actors))
            # escape() trims its ends: the space before "in" is put back outside it.
            where = f" in {escape(entry.place)}" if entry.place else ""
            lines.append(f"- {when}: {entry.kind} — {who}{where} ({_cite_md(entry.sentence)})")
        lines.append("")
    if brief.thread:
        lines += [f"{sub} In the same thread", ""]
        for ref in brief.thread:
            when = ref.first_seen.strftime("%d %b %Y") if ref.first_seen else "undated"
            lines.append(
                f"- {when}: {escape(ref.title or f'story {ref.story}')} (story {ref.story}; {escape(ref.reason)})"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _discrepancy_md(item: Discrepancy) -> str:
    label = {"title": f"Titles given to {item.subject}", "number": f"Figures for {item.subject}"}.get(
        item.kind, item.subject
    )
    sides = "\n".join(f"  - “{escape(value)}”: {escape(s.text)} — {_cite_md(s)}" for value, s in item.sides)
    return f"- {escape(label)}:\n{sides}"


def briefing_markdown(briefs: Sequence[Brief]) -> str:
    if not briefs:
        return "# Briefing\n\nNo stories yet: ingest some news first (`storyline ingest PATH`).\n"
    parts = [f"# Briefing: the latest {len(briefs)} stories", ""]
    parts += [markdown(brief, level=2) for brief in briefs]
    return "\n".join(parts)


def text(brief: Brief) -> str:
    """One brief as plain text for a terminal."""
    lines = [brief.title or f"{brief.kind} {brief.id}", "=" * min(78, len(brief.title or "x" * 10))]
    meta = [f"{brief.kind} {brief.id}", _day(brief), ", ".join(brief.outlets)]
    if brief.kind == "story":
        meta.append(_sources_count(brief))
    lines += [" · ".join(m for m in meta if m), ""]
    for sentence in brief.lead:
        lines += [sentence.text, f"  {_cite_text(sentence)}", ""]
    if brief.developments:
        lines.append("Key developments:")
        for s in brief.developments:
            lines += [f"  • {s.text}", f"    {_cite_text(s)}"]
        lines.append("")
    for title, items in (
        (f"{_agree_heading(brief)}:", brief.agreed),
        ("Single-source claims:", brief.single_source),
    ):
        if items:
            lines.append(title)
            for s in items:
                lines += [f"  • {s.text}", f"    {_cite_text(s)}{_above_text(s)}"]
            lines.append("")
    if brief.speculation:
        lines.append("Speculation (hedged):")
        for s in brief.speculation:
            lines += [f"  • {s.text}", f"    {_cite_text(s)} cues: {', '.join(s.cues)}"]
        lines.append("")
    if brief.discrepancies:
        lines.append("Discrepancies:")
        for d in brief.discrepancies:
            lines.append(f"  • {d.kind} — {d.subject}:")
            for value, s in d.sides:
                lines += [f"      “{value}”: {s.text}", f"      {_cite_text(s)}"]
        lines.append("")
    if brief.updates:
        lines.append("Figures updated over time:")
        for d in brief.updates:
            lines.append(f"  • {d.subject}:")
            for value, s in d.sides:
                lines += [f"      “{value}”: {s.text}", f"      {_cite_text(s)}"]
        lines.append("")
    if brief.timeline:
        lines.append("Timeline:")
        for entry in brief.timeline:
            where = f" in {entry.place}" if entry.place else ""
            lines.append(
                f"  {(entry.when or 'undated')[:10]}  {entry.kind}: {', '.join(entry.actors)}{where}"
            )
        lines.append("")
    if brief.thread:
        lines.append(f"In the same thread (T{brief.thread_id}):")
        for ref in brief.thread:
            when = ref.first_seen.strftime("%Y-%m-%d") if ref.first_seen else "undated"
            lines.append(f"  {when}  story {ref.story}: {ref.title or ''} ({ref.reason})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _above_text(sentence: BriefSentence) -> str:
    """A fact the brief already shows, named where a list repeats it."""
    return f" (the {sentence.above} above)" if sentence.above else ""


def _above_md(sentence: BriefSentence) -> str:
    return f" *(the {sentence.above} above)*" if sentence.above else ""
