"""Terminal rendering with rich: progress, tables, articles. Every string from a document (title,
outlet, locator, text, names) is untrusted: it goes through :func:`_cell` or :func:`_body`, which strip
the control and bidi-override characters a terminal would act on (storyline.safe_text) and wrap it in
a rich ``Text`` so that it is never interpreted as rich markup."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from storyline.config import SourceConfig
from storyline.model import BlockKind, IngestReport, Skip, Story, StoryArticle
from storyline.nlp.resolve import CanonicalEntity
from storyline.pipeline import ProgressHook
from storyline.pipeline.progress import PHASES
from storyline.safe_text import for_terminal, one_line
from storyline.store import FeedState, StoredArticle

if TYPE_CHECKING:
    from storyline import FactsView, QuotesView, StoryView
    from storyline.store.readers import IngestOutcome

console = Console()
errors = Console(stderr=True)


def _cell(value: object, style: str = "") -> Text:
    """A document's string for one line (a table cell, a title): safe, literal, newlines folded."""
    return Text(one_line(str(value)), style=style)


def _body(value: str, style: str = "") -> Text:
    """A document's text as a paragraph: safe and literal, its line breaks kept."""
    return Text(for_terminal(value), style=style)


@contextmanager
def ingest_progress(
    paths: Sequence[str | Path], sources: SourceConfig, *, enabled: bool
) -> Iterator[ProgressHook]:
    """A progress bar on a terminal (on stderr, so ``--json`` stays clean); silent elsewhere."""
    if not enabled or not errors.is_terminal:
        yield lambda _locator, _outcome: None
        return
    from storyline.sources import count_inputs

    total = count_inputs(paths, sources)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[current]}", style="dim"),
    )
    with Progress(*columns, console=errors, transient=False) as progress:
        # Every phase has its own bar with its total, known before its first step (the pipeline
        # says it: "<phase>-total"), so each bar moves and shows the time left; none sits full
        # while the next phase works unseen.
        task = progress.add_task("reading", total=total, current="")
        phases: dict[str, TaskID] = {}

        def start(phase: str, count: int | None) -> TaskID:
            if phase not in phases:
                progress.update(task, total=progress.tasks[0].completed)  # reading is over
                phases[phase] = progress.add_task(phase, total=count, current="")
            return phases[phase]

        def hook(locator: str, outcome: str) -> None:
            if outcome.endswith("-total"):
                phase = outcome.removesuffix("-total")
                count = int(locator) if locator.isdigit() else None
                if count:  # a phase with nothing to do gets no bar
                    start(phase, count)
                return
            if outcome in PHASES:
                bar = start(PHASES[outcome], None)
                progress.update(bar, advance=1, current=escape(one_line(locator)[:40]))
                return
            done = progress.tasks[0].completed + 1
            # Feeds and archives hold many documents per file: let the total grow with them.
            progress.update(
                task, advance=1, total=max(total, done), current=escape(one_line(Path(locator).name)[:40])
            )

        yield hook


def print_ingest_report(
    report: IngestReport, outcome: IngestOutcome | None = None, db: str | None = None
) -> None:
    table = Table(title="Ingest summary", show_header=False)
    table.add_row("ingested", str(len(report.ingested)))
    table.add_row("new revisions", str(len(report.revised)))
    table.add_row("unchanged", str(report.unchanged))
    table.add_row("skipped", str(len(report.skipped)))
    table.add_row("failed in analysis or grouping", str(len(report.failed)))
    if outcome is not None:
        table.add_row("stories made", str(outcome.stories_made))
        table.add_row("stories changed", str(outcome.stories_changed))
        table.add_row("outlet unknown", f"{outcome.outlet_unknown} of {outcome.articles} articles")
    console.print(table)
    kinds = report.failures_by_kind()
    if kinds:
        console.print(_cell("Failures, by kind: " + ", ".join(f"{code} {n}" for code, n in kinds.items())))
    if report.skipped:
        print_skips(report.skipped)
    for failure in report.failed[:_SHOWN_FAILURES]:
        console.print(_cell(f"article {failure.article_id}: {failure.stage} failed: {failure.reason}"))
    if len(report.failed) > _SHOWN_FAILURES:
        console.print(
            f"... and {len(report.failed) - _SHOWN_FAILURES} more (`storyline skips` lists them all)"
        )
    if report.lost:
        console.print(
            f"[bold red]{report.lost} document(s) or article(s) lost by a stage[/]: stored work is kept; "
            "re-run the same command to retry them (exit code 3)"
        )
    if outcome is None:
        return
    where = f" --db {db}" if db else ""
    if outcome.mostly_unknown:
        errors.print(
            f"[yellow]warning:[/] {outcome.outlet_unknown} of {outcome.articles} articles have no outlet "
            "(plain text files and saved pages often do not name one): their stories will read "
            '"outlet unknown" and every article counts as its own source. Name them and ingest again:\n'
            '  storyline ingest FOLDER --outlet "Outlet Name"      (every file of this run)\n'
            "  storyline ingest FOLDER --outlets outlets.txt       (lines of 'folder = Outlet Name')"
        )
    if outcome.articles:
        console.print(
            "Next: [bold]storyline stories" + escape(where) + "[/] to list them, or "
            "[bold]storyline serve"
            + escape(where)
            + "[/] and open http://127.0.0.1:8000/ to read and follow them."
        )


# Failed articles listed one by one under the summary; the rest are counted (the store keeps all).
_SHOWN_FAILURES = 20


def print_entities(items: Sequence[CanonicalEntity]) -> None:
    table = Table(title=f"{len(items)} entities")
    for name in ("entity", "type", "articles", "titles by source", "also written"):
        table.add_column(name, overflow="fold")
    for entity in items:
        titles = "; ".join(
            f"{source}: {', '.join(found)}" for source, found in entity.titles_by_source.items()
        )
        table.add_row(
            _cell(entity.name),
            entity.type.value,
            str(len(entity.article_ids)),
            _cell(titles),
            _cell(", ".join(entity.aliases)),
        )
    console.print(table)


def print_events(items: Sequence[dict[str, object]]) -> None:
    table = Table(title=f"{len(items)} events")
    for name in ("when", "kind", "who", "where", "modality", "source"):
        table.add_column(name, overflow="fold")
    for event in items:
        actors = event["actors"]
        who = " · ".join(str(a) for a in actors) if isinstance(actors, list) else ""
        when = str(event["date"] or event["time_text"] or str(event["published"] or "")[:10])
        if event["duration"]:
            when += f" ({event['duration']})"
        table.add_row(
            _cell(when),
            _cell(event["kind"]),
            _cell(who),
            _cell(event["place"] or ""),
            _cell(event["modality"]),
            _cell(f"#{event['article_id']} {event['outlet'] or ''}"),
        )
    console.print(table)


def print_skips(items: Sequence[Skip]) -> None:
    if not items:
        console.print("No skipped documents.")
        return
    table = Table(title="Skipped")
    table.add_column("document", overflow="fold")
    table.add_column("reason")
    table.add_column("message", overflow="fold")
    for skip in items:
        table.add_row(_cell(skip.locator), _cell(skip.code), _cell(skip.message))
    console.print(table)


def print_articles(items: Sequence[StoredArticle]) -> None:
    table = Table(title=f"{len(items)} articles")
    for name in ("id", "outlet", "published", "lang", "words", "genre", "title"):
        table.add_column(name, overflow="fold")
    for stored in items:
        article = stored.article
        table.add_row(
            str(stored.id),
            _cell(article.outlet or "?"),
            article.published.date().isoformat() if article.published else "undated",
            _cell(article.language or ""),
            str(article.word_count),
            stored.analysis.genre.value if stored.analysis else "",
            _cell(article.title or _opening(article.text)),
        )
    console.print(table)


def _opening(text: str, words: int = 10) -> str:
    """For an article with no headline: its first words, marked as such."""
    head = text.split()[:words]
    return "(untitled) " + " ".join(head) + ("…" if len(text.split()) > words else "")


def print_article(stored: StoredArticle, *, show_removed: bool, show_repairs: bool) -> None:
    article = stored.article
    title = article.title or "(untitled)"
    console.print(
        _cell(title + (" (title taken from the text)" if article.title_derived else ""), style="bold")
    )
    when = (
        f"{article.published.isoformat()} (date from {article.date_source or 'unknown'})"
        if article.published
        else f"undated (seen {_day(stored.ingested_at)})"
    )
    meta = " · ".join(
        part
        for part in (
            article.outlet,
            article.byline,
            when,
            article.language,
            article.url or article.locator,
        )
        if part
    )
    console.print(_cell(meta, style="dim"))
    if stored.analysis:
        hedged = [s for s in stored.analysis.sentences if s.hedged]
        console.print(
            Text(
                f"genre: {stored.analysis.genre.value} · {len(hedged)} of {len(stored.analysis.sentences)} "
                f"sentences hedged ({stored.analysis.hedge_share:.0%} of claims)",
                style="dim",
            )
        )
        if stored.analysis.analysed_chars is not None:
            console.print(
                Text(
                    f"long text: only its first {stored.analysis.analysed_chars:,} of "
                    f"{len(article.text):,} characters were analysed (AnalyzeConfig.max_chars)",
                    style="yellow",
                )
            )
    console.print()
    for block in article.blocks:
        if block.kind is BlockKind.HEADING:
            console.print(_body(block.text, style="bold underline"))
        elif block.kind is BlockKind.LIST_ITEM:
            console.print(_body("  • " + block.text))
        elif block.kind is BlockKind.QUOTE:
            console.print(_body("  > " + block.text, style="italic"))
        else:
            console.print(_body(block.text))
        console.print()
    if stored.analysis and stored.analysis.entities:
        console.print("[bold]Who and where[/bold]")
        for entity in stored.analysis.entities[:12]:
            titles = f" — {'; '.join(entity.titles)}" if entity.titles else ""
            console.print(_cell(f"  {entity.type.value:<13}{entity.name} ×{len(entity.mentions)}{titles}"))
    if stored.analysis and stored.analysis.events:
        console.print("[bold]Events[/bold]")
        for event in stored.analysis.events:
            where = f" in {event.place}" if event.place else ""
            when = f" ({event.date or event.time_text})" if (event.date or event.time_text) else ""
            lasting = f", {event.duration}" if event.duration else ""
            line = (
                f"  {event.kind}: {' · '.join(event.actors)}{where}{when}{lasting} [{event.modality.value}]"
            )
            console.print(_cell(line))
    if stored.analysis:
        hedged = [s for s in stored.analysis.sentences if s.hedged]
        if hedged:
            console.print(f"[bold]Speculation ({len(hedged)} sentences)[/bold]")
            for sentence in hedged[:8]:
                console.print(
                    _cell(f"  {sentence.hedge:.2f} [{', '.join(sentence.cues[:4])}] ", style="magenta")
                    + _cell(sentence.text)
                )
    if show_removed:
        console.print(f"[bold]Removed ({len(article.removed)})[/bold]")
        for removal in article.removed:
            console.print(_cell(f"  - [{removal.reason}] ", style="yellow") + _cell(removal.text))
    if show_repairs:
        console.print(f"[bold]Repairs ({len(article.repairs)})[/bold]")
        for fix in article.repairs:
            console.print(
                _cell(f"  - {fix.kind} @{fix.offset}: ", style="cyan")
                + _cell(repr(fix.before))
                + Text(" -> ")
                + _cell(repr(fix.after))
            )
    elif article.repairs:
        console.print(escape(f"({len(article.repairs)} repairs; --repairs lists them)"), style="dim")


def _day(value: object) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else ""


def _span(story: Story) -> str:
    """When the story happened, from its articles' dates; when none is dated, "undated" and when it
    was read, labelled "seen" (an ingest time is never shown as a story's date)."""
    if not story.dated or story.first_seen is None:
        first, last = _day(story.read_first), _day(story.read_last)
        seen = first if last == first else f"{first} → {last}"
        return f"undated (seen {seen})" if seen else "undated"
    first, last = _day(story.first_seen), _day(story.last_seen)
    return first if last == first else f"{first} → {last}"


def _sources(story: Story) -> str:
    """The story's outlets, and how many independent sources they are (articles of unknown outlet
    each count as their own)."""
    n = story.independent_sources
    unknown = sum(1 for a in story.articles if a.outlet is None and a.duplicate_of is None)
    names = ", ".join(story.outlets) + (f" + {unknown} unknown" if unknown and story.outlets else "")
    if not story.outlets:
        names = f"{unknown} of unknown outlet" if unknown else ""
    return f"{names} ({n} independent)" if names else ""


def print_stories(items: Sequence[Story]) -> None:
    table = Table(title=f"{len(items)} stories, most recent first")
    for name in ("id", "story", "thread", "articles", "outlets", "when", "who and where"):
        table.add_column(name, overflow="fold")
    for story in items:
        copies = sum(1 for a in story.articles if a.duplicate_of is not None)
        count = f"{len(story.articles)}" + (f" ({copies} copies)" if copies else "")
        seen = _span(story)
        table.add_row(
            str(story.id),
            _cell(story.title or "(untitled)"),
            f"T{story.thread}" if story.thread is not None else "",
            count,
            _cell(_sources(story)),
            seen,
            _cell(", ".join(e.name for e in story.entities[:5])),
        )
    console.print(table)


def print_story(view: StoryView) -> None:
    story = view.story
    console.print(_cell(story.title or "(untitled)", style="bold"))
    thread = f" · thread T{story.thread}" if story.thread is not None else ""
    console.print(
        f"story {story.id}{thread} · {len(story.articles)} articles, "
        f"{story.independent_sources} independent sources · "
        f"{_span(story)}"
    )
    by_outlet: dict[str, list[StoryArticle]] = {}
    for item in story.articles:
        by_outlet.setdefault(item.outlet or "(unknown outlet)", []).append(item)
    table = Table(title="articles by outlet")
    for name in ("outlet", "id", "title", "published", "source"):
        table.add_column(name, overflow="fold")
    for outlet, items in by_outlet.items():
        for item in items:
            title = item.title or ""
            if item.duplicate_of is not None:
                title += f"  [copy of #{item.duplicate_of}]"
            table.add_row(
                _cell(outlet),
                str(item.id),
                _cell(title),
                _day(item.published) or "undated",
                _cell(item.source),
            )
    console.print(table)
    print_entities(view.entities[:15])
    if view.events:
        print_events(view.events)
    if story.related:
        related = Table(title=f"thread T{story.thread}: other stories")
        for name in ("id", "story", "first seen", "why"):
            related.add_column(name, overflow="fold")
        for ref in story.related:
            related.add_row(
                str(ref.story), _cell(ref.title or ""), _day(ref.first_seen) or "undated", _cell(ref.reason)
            )
        console.print(related)


def print_outlets(items: Sequence[dict[str, Any]]) -> None:
    table = Table(title=f"{len(items)} outlets")
    for name in ("outlet", "articles", "first to report", "wire copies", "primary", "also known as"):
        table.add_column(name, overflow="fold")
    for item in items:
        aliases = [n for n in item["names"] if n != item["name"]] + list(item["domains"])
        table.add_row(
            _cell(item["name"]),
            str(item["articles"]),
            str(item["first_to_report"]),
            str(item["wire_copies"]),
            str(item["primary_sources"]),
            _cell(", ".join(aliases)),
        )
    console.print(table)


def feed_backoff(state: FeedState) -> float | None:
    """How long a failing feed waits before its next poll (None when it is not failing)."""
    if not state.failures or state.last_polled is None:
        return None
    return round((state.next_due - state.last_polled).total_seconds(), 1)


def feed_dict(state: FeedState) -> dict[str, Any]:
    """A feed's state as `storyline feeds --json` prints it."""

    def when(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value is not None else None

    return {
        "url": state.url,
        "last_polled": when(state.last_polled),
        "last_status": state.last_status,
        "next_due": when(state.next_due),
        "failures": state.failures,
        "backoff_s": feed_backoff(state),
        "etag": state.etag,
        "last_modified": state.last_modified,
        "skipped_items": state.skipped_items,
    }


def print_feeds(states: Sequence[FeedState]) -> None:
    table = Table(title=f"{len(states)} watched feeds")
    for name in ("feed", "last poll", "status", "next due", "failures", "backoff", "skipped items"):
        table.add_column(name, overflow="fold")
    for state in states:
        backoff = feed_backoff(state)
        table.add_row(
            _cell(state.url),
            state.last_polled.isoformat(timespec="seconds") if state.last_polled else "never",
            state.last_status or "",
            state.next_due.isoformat(timespec="seconds"),
            str(state.failures),
            f"{backoff:.0f} s" if backoff is not None else "",
            str(state.skipped_items),
        )
    console.print(table)
    if not states:
        console.print("No feed watched yet: `storyline watch FEEDS_FILE` polls them.")


def print_facts(view: FactsView) -> None:
    """A story's facts, most supported first: the wording, its sources, the other wordings."""
    story, found = view.story, view.found
    console.print(_cell(story.title or "(untitled)", style="bold"))
    console.print(f"story {story.id} · {len(found.facts)} facts · {len(found.conflicts)} figures disputed")
    for n, fact in enumerate(found.facts, start=1):
        first = fact.wording
        unknown = f", {fact.unknown} of unknown outlet" if fact.unknown else ""
        flag = " · hedged" if fact.hedged else ""
        console.print()
        console.print(Text(f"{n}. ", style="bold") + _cell(first.claim.text))
        console.print(
            Text(
                f"   {fact.support} independent source{'s' if fact.support != 1 else ''}{unknown}{flag}: "
                + ", ".join(fact.voices),
                style="dim",
            )
        )
        for q in first.claim.quantities:
            console.print(
                Text(f"   figure: {q.text} ({q.scope.value}) counting {q.thing or '?'}", style="dim")
            )
        for other in fact.claims[1:]:
            said = f" ({other.claim.speaker})" if other.claim.speaker else ""
            console.print(Text("   · ", style="dim") + _cell(f"{other.voice}{said}: {other.claim.text}"))
    for conflict in found.conflicts:
        console.print()
        console.print(Text(f"Disputed figure: {conflict.thing}", style="bold"))
        for quantity, claims in conflict.sides:
            voices = ", ".join(dict.fromkeys(c.voice for c in claims))
            console.print(
                Text(f"   {quantity.text}: ", style="bold") + _cell(f"{voices} — {claims[0].claim.text}")
            )


def print_quotes(view: QuotesView) -> None:
    """Who said what: each speaker, their words, the outlets carrying them."""
    console.print(_cell(view.story.title or "(untitled)", style="bold"))
    if not view.speakers:
        console.print("No attributed statements found in this story.")
        return
    for speaker in view.speakers:
        console.print()
        console.print(_cell(speaker.name, style="bold"))
        for quote in speaker.quotes:
            mark = "“”" if quote.speech.value == "direct" else "(reported)"
            text = f"“{quote.text}”" if quote.speech.value == "direct" else quote.text
            console.print(Text("  • ") + _cell(text) + Text(f"  {mark if mark != '“”' else ''}", style="dim"))
            console.print(Text(f"    carried by {', '.join(quote.voices)}", style="dim"))
            for variant in quote.variants:
                console.print(
                    Text("    quoted differently by ", style="yellow")
                    + _cell(f"{variant.voice}: “{variant.claim.text}”")
                )
