"""The command line: parse, call a typed function of the API, render. Nothing else lives here.

Longer than the ~600 lines a module aims for: one short function per command (typer reads each
signature as the command's options), twenty commands; splitting them by command would scatter the
shared options and the settings merge (``_given``) for no gain in reading.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from storyline.config import EngineConfig, PipelineConfig, StoreConfig
from storyline.errors import ConfigError, NotFound, StorylineError
from storyline.model import LOST_EXIT_CODE
from storyline.safe_text import TerminalFormatter, for_terminal, json_safe, one_line

if TYPE_CHECKING:
    from storyline.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="storyline: offline news intelligence. Ingest news, read it clean, see every change.",
)


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks and debug logs (also: STORYLINE_DEBUG=1).")
    ] = False,
) -> None:
    """storyline: offline news intelligence. Ingest news, read it clean, see every change."""
    if debug:
        os.environ["STORYLINE_DEBUG"] = "1"


def _debug() -> bool:
    return os.environ.get("STORYLINE_DEBUG", "") not in ("", "0")


# A string, not a Path: a Path would fold the "//" of a database URL (postgresql+psycopg://...).
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file or database URL [default: $STORYLINE_DB or ./storyline.db]"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Settings file (TOML; see `storyline config --defaults`) "
        "[default: $STORYLINE_CONFIG, else ./storyline.toml if there is one]",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Worker processes for extraction and understanding; 0 = one per core, up to 2 "
        "[default: the settings' [engine] workers]",
    ),
]
EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="Where the heavy work runs: local, dask (a local Dask cluster) or dask=tcp://HOST:PORT "
        "[default: the settings' [engine] name, local]",
    ),
]
EmbedderOption = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        help="Sentence embedder: minilm (quality) or minilm-static (about 100x faster) "
        "[default: the settings' [analyze] embedder, minilm-onnx]",
    ),
]
MaxBytesOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Largest file or page accepted, in bytes [default: the settings' [source] max_bytes, "
        "20 MB; for pages [fetch] max_bytes when the settings give it]",
    ),
]
AllowPrivateOption = Annotated[
    bool, typer.Option("--allow-private", help="Allow fetching from private and loopback addresses.")
]
IgnoreRobotsOption = Annotated[bool, typer.Option("--ignore-robots", help="Do not honour robots.txt.")]
AllowAddressOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-address",
        metavar="ADDR",
        help="Allow fetching from this address or network (repeatable); the one way to reach a "
        "link-local or cloud metadata address such as 169.254.169.254.",
    ),
]


def _settings(path: Path | None) -> Settings:
    """The settings in effect: --config, else $STORYLINE_CONFIG, else ./storyline.toml, else the defaults."""
    from storyline.settings import load_settings

    return load_settings(path)


def _given(
    config: PipelineConfig,
    embedder: str | None,
    engine: str | None,
    workers: int | None,
    allow_private: bool = False,
    ignore_robots: bool = False,
    allow_address: list[str] | None = None,
    follow_links: bool = False,
) -> PipelineConfig:
    """The settings' config with what the command line gave over it (a flag left out keeps the
    settings' value)."""
    analyze = config.analyze if embedder is None else replace(config.analyze, embedder=embedder)
    engine_config = config.engine if engine is None else replace(config.engine, name=engine)
    if workers is not None:
        engine_config = replace(engine_config, workers=workers or EngineConfig().workers)
    fetch = config.fetch
    if allow_private:
        fetch = replace(fetch, allow_private=True)
    if ignore_robots:
        fetch = replace(fetch, respect_robots=False)
    if allow_address:
        fetch = replace(fetch, allow_addresses=(*fetch.allow_addresses, *allow_address))
    sources = replace(config.sources, follow_links=True) if follow_links else config.sources
    return replace(config, analyze=analyze, engine=engine_config, fetch=fetch, sources=sources)


# SQLite stores ids as signed 64-bit integers: a larger one names nothing (and would overflow).
_LARGEST_ID = 2**63 - 1

LimitOption = Annotated[
    int | None,
    typer.Option(min=1, max=_LARGEST_ID, help="At most this many (1 or more; leave out for all)."),
]


def _print_json(data: Any) -> None:
    # Document strings keep every character in JSON; those a terminal would act on are escaped.
    sys.stdout.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def _checked_id(value: int, what: str) -> int:
    """An id as given, or NotFound for one no store can hold (instead of an overflow deep down)."""
    if not 1 <= value <= _LARGEST_ID:
        listing = "articles" if what == "article" else "stories"
        raise NotFound(f"no {what} with id {value}", remedy=f"list ids with `storyline {listing}`")
    return value


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, feed files, feed URLs or page URLs.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    allow_private: AllowPrivateOption = False,
    allow_address: AllowAddressOption = None,
    max_bytes: MaxBytesOption = None,
    ignore_robots: IgnoreRobotsOption = False,
    follow_links: Annotated[
        bool,
        typer.Option(
            "--follow-links",
            help="Follow symlinks that lead outside the folders named (never into /proc, /sys, /dev).",
        ),
    ] = False,
    embedder: EmbedderOption = None,
    workers: WorkersOption = None,
    engine: EngineOption = None,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Every document of this run is from this outlet.")
    ] = None,
    outlets: Annotated[
        Path | None,
        typer.Option("--outlets", help="File of 'folder = Outlet Name' lines: the outlet of each folder."),
    ] = None,
    config_file: ConfigOption = None,
) -> None:
    """Ingest news: extract, remove furniture, repair, store, understand. Re-running changes nothing.

    The outlet of each article comes from its address, the publisher its page names or its feed;
    a folder's name is an outlet only when --outlet or --outlets says so."""
    import storyline
    from storyline.render import ingest_progress, print_ingest_report
    from storyline.text.outlets import read_outlet_map

    settings = _settings(config_file)
    config = _given(
        settings.pipeline,
        embedder,
        engine,
        workers,
        allow_private,
        ignore_robots,
        allow_address,
        follow_links,
    )
    # One cap for files and pages, as --max-bytes says, unless the settings give pages their own.
    file_bytes = config.sources.max_bytes if max_bytes is None else max_bytes
    page_bytes = file_bytes
    if max_bytes is None and ("fetch", "max_bytes") in settings.given:
        page_bytes = config.fetch.max_bytes
    extract = config.extract
    if outlet is not None:
        extract = replace(extract, outlet=outlet)
    if outlets is not None:
        extract = replace(extract, outlet_folders=read_outlet_map(outlets))
    config = replace(
        config,
        sources=replace(config.sources, max_bytes=file_bytes),
        fetch=replace(config.fetch, max_bytes=page_bytes),
        extract=extract,
    )
    from datetime import UTC, datetime

    from storyline.reading import ingest_outcome

    started = datetime.now(UTC)
    with ingest_progress(paths, config.sources, enabled=not as_json) as on_progress:
        report = storyline.ingest(paths, db=db, config=config, on_progress=on_progress)
    outcome = ingest_outcome(db, report, started)
    if as_json:
        _print_json({**report.to_dict(), **outcome.to_dict()})
    else:
        print_ingest_report(report, outcome, db)
    if report.lost:
        # Finished, and what it did is stored, but a stage lost articles: a script or a supervisor
        # must be able to tell (docs/operations.md lists the exit codes).
        raise typer.Exit(LOST_EXIT_CODE)


@app.command("outlets")
def list_outlets(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Outlets: their articles, the names and domains folded into each, how often each was first
    to report a story, and how many of its articles are wire copies or primary sources."""
    import storyline
    from storyline.render import print_outlets

    found = storyline.outlets(db)
    if as_json:
        _print_json(found)
    else:
        print_outlets(found)


@app.command()
def articles(
    db: DbOption = None,
    as_json: JsonOption = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    all_revisions: Annotated[
        bool, typer.Option("--all-revisions", help="Include superseded revisions.")
    ] = False,
    limit: LimitOption = None,
) -> None:
    """List stored articles."""
    import storyline
    from storyline.render import print_articles

    stored = storyline.articles(db, outlet=outlet, all_revisions=all_revisions, limit=limit)
    if as_json:
        _print_json([item.to_dict() for item in stored])
    else:
        print_articles(stored)


@app.command()
def show(
    article_id: Annotated[int, typer.Argument(help="Article id, from `storyline articles`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    removed: Annotated[bool, typer.Option("--removed", help="Also list the removed furniture.")] = False,
    repairs: Annotated[bool, typer.Option("--repairs", help="Also list every repair.")] = False,
) -> None:
    """Print one article's clean text, with headings; optionally what was removed and repaired."""
    import storyline
    from storyline.render import print_article

    stored = storyline.get_article(_checked_id(article_id, "article"), db)
    if as_json:
        _print_json(stored.to_dict())
    else:
        print_article(stored, show_removed=removed, show_repairs=repairs)


@app.command()
def analyze(
    db: DbOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Re-analyse every article, not only new text.")
    ] = False,
    embedder: EmbedderOption = None,
    workers: WorkersOption = None,
    engine: EngineOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Run the understanding stage (sentences, hedges, genre, entities, events, embeddings); exit
    code 3 when it lost articles."""
    from collections import Counter
    from datetime import UTC, datetime

    import storyline
    from storyline.render import console

    settings = _settings(config_file)
    config = _given(settings.pipeline, embedder=embedder, engine=engine, workers=workers)
    started = datetime.now(UTC)
    count = storyline.analyze(db, everything=everything, config=config)
    failed = storyline.failures(db, since=started)
    console.print(f"analysed {count} articles")
    if failed:
        kinds = Counter(f"{failure.stage}-failed" for failure in failed)
        console.print(f"{len(failed)} article(s) lost: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
        console.print("`storyline skips` lists them; the next run retries them (exit code 3)")
        raise typer.Exit(LOST_EXIT_CODE)


@app.command()
def entities(
    db: DbOption = None,
    as_json: JsonOption = False,
    kind: Annotated[str | None, typer.Option("--type", help="person, organisation, place or country")] = None,
) -> None:
    """People, organisations, places and countries across articles, with titles by source."""
    import storyline
    from storyline.render import print_entities

    found = [e for e in storyline.entities(db) if kind is None or e.type.value == kind]
    if as_json:
        _print_json([e.to_dict() for e in found])
    else:
        print_entities(found)


@app.command()
def events(
    db: DbOption = None,
    as_json: JsonOption = False,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="meeting, talks, visit, arrival, statement, agreement, attack"),
    ] = None,
) -> None:
    """Who did what with whom, where and when, with the sentence each event comes from."""
    import storyline
    from storyline.render import print_events

    found = [e for e in storyline.events(db) if kind is None or e["kind"] == kind]
    if as_json:
        _print_json(found)
    else:
        print_events(found)


@app.command()
def skips(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List documents that were skipped, with the reason."""
    import storyline
    from storyline.render import print_skips

    items = storyline.skips(db)
    if as_json:
        _print_json([{"locator": s.locator, "code": s.code, "message": s.message} for s in items])
    else:
        print_skips(items)


stories_app = typer.Typer(
    help="Stories: the same event across outlets. With no subcommand, list them.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(stories_app, name="stories")


@stories_app.callback()
def stories(
    ctx: typer.Context,
    db: DbOption = None,
    as_json: JsonOption = False,
    limit: LimitOption = None,
    thread: Annotated[
        int | None, typer.Option(min=1, max=_LARGEST_ID, help="Only the stories of this thread.")
    ] = None,
) -> None:
    """List stories, most recently seen first (merge and split them by hand with the subcommands)."""
    if ctx.invoked_subcommand is not None:
        return
    import storyline
    from storyline.render import print_stories

    found = storyline.stories(db, limit=limit, thread=thread)
    if as_json:
        _print_json([s.to_dict() for s in found])
    else:
        print_stories(found)


@stories_app.command("merge")
def stories_merge(
    keep: Annotated[int, typer.Argument(help="Story id that stays.")],
    gone: Annotated[int, typer.Argument(help="Story id merged into it.")],
    db: DbOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Merge two stories by hand; later ingests keep them together."""
    import storyline
    from storyline.render import console

    config = _settings(config_file).pipeline
    merged = storyline.merge_stories(_checked_id(keep, "story"), _checked_id(gone, "story"), db, config)
    console.print(f"story {gone} merged into story {merged}")


@stories_app.command("split")
def stories_split(
    story_id: Annotated[int, typer.Argument(help="Story to split.")],
    article_ids: Annotated[list[int], typer.Argument(help="Ids of the articles that leave it.")],
    db: DbOption = None,
    config_file: ConfigOption = None,
) -> None:
    """Move some articles of a story into a new story by hand; the two are never merged again
    automatically."""
    import storyline
    from storyline.render import console

    config = _settings(config_file).pipeline
    new = storyline.split_story(
        _checked_id(story_id, "story"), [_checked_id(i, "article") for i in article_ids], db, config
    )
    console.print(
        f"articles {', '.join(map(str, article_ids))} moved from story {story_id} to new story {new}"
    )


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id, from `storyline stories`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One story: its articles by outlet, entities with their titles, events, related stories."""
    import storyline
    from storyline.render import print_story

    view = storyline.story(_checked_id(story_id, "story"), db)
    if as_json:
        _print_json(view.to_dict())
    else:
        print_story(view)


@app.command()
def facts(
    story_id: Annotated[int, typer.Argument(help="Story id, from `storyline stories`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A story's facts: what its articles state, each with the independent sources that state it
    (wire and syndicated copies once), its wording in each article, its figures, and the figures
    sources disagree on. The brief is one reading of these."""
    import storyline
    from storyline.render import print_facts

    view = storyline.story_facts(_checked_id(story_id, "story"), db)
    if as_json:
        _print_json(view.to_dict())
    else:
        print_facts(view)


@app.command()
def quotes(
    story_id: Annotated[int, typer.Argument(help="Story id, from `storyline stories`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who said what in a story: each speaker with their words (direct quotes verbatim, reported
    speech as written), the outlets carrying each, and where outlets quote a speaker differently."""
    import storyline
    from storyline.render import print_quotes

    view = storyline.story_quotes(_checked_id(story_id, "story"), db)
    if as_json:
        _print_json(view.to_dict())
    else:
        print_quotes(view)


@app.command()
def brief(
    target: Annotated[
        str | None,
        typer.Argument(help="A story id (12 or s12) or an article id (a12); none: the latest stories."),
    ] = None,
    db: DbOption = None,
    length: Annotated[str, typer.Option(help="short, medium or long.")] = "",
    output: Annotated[str, typer.Option("--format", help="text, markdown or json.")] = "text",
    count: Annotated[int, typer.Option(min=1, help="With no target: how many of the latest stories.")] = 5,
    config_file: ConfigOption = None,
) -> None:
    """Get a summary: of a story across outlets (sources compared), of one article, or a briefing
    of the latest stories. Every sentence is a source's own words and cites it."""
    import storyline
    from storyline.briefs.format import briefing_markdown, markdown, text

    if output not in ("text", "markdown", "json"):
        raise ConfigError(f"unknown format {output!r}", remedy="use text, markdown or json")
    config = _settings(config_file).pipeline
    if target is None:
        briefs = storyline.briefing(db, count=count, length=length or "short", config=config)
        if output == "json":
            _print_json([b.to_dict() for b in briefs])
        elif output == "markdown":
            sys.stdout.write(for_terminal(briefing_markdown(briefs)))
        else:
            sys.stdout.write(
                for_terminal("\n".join(text(b) for b in briefs))
                or "No stories yet: ingest some news first.\n"
            )
        return
    kind, number = _target(target)
    one = (
        storyline.brief_article(number, db, length=length or "medium", config=config)
        if kind == "a"
        else storyline.brief_story(number, db, length=length or "medium", config=config)
    )
    if output == "json":
        _print_json(one.to_dict())
    else:
        # Text and Markdown may go to a terminal: nothing in them may act on it.
        sys.stdout.write(for_terminal(markdown(one) if output == "markdown" else text(one)))


def _target(target: str) -> tuple[str, int]:
    match = re.fullmatch(r"([sa]?)(\d+)", target.strip().lower())
    if match is None:
        raise ConfigError(
            f"not a story or article id: {target!r}",
            remedy="give a story id (12 or s12) or an article id (a12)",
        )
    kind = match.group(1) or "s"
    return kind, _checked_id(int(match.group(2)), "article" if kind == "a" else "story")


def _database_named(argv: list[str]) -> str:
    """The database a command line uses (its --db, else $STORYLINE_DB or the default), for messages."""
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--db="):
            return arg.removeprefix("--db=")
    url = StoreConfig().url
    return url.removeprefix("sqlite:///")


def _fail(message: str, exc: BaseException) -> NoReturn:
    typer.echo(f"storyline: {one_line(message)}", err=True)
    raise SystemExit(2) from exc


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    token_file: Annotated[
        Path | None,
        typer.Option("--token-file", help="File holding the write token [default: $STORYLINE_TOKEN]."),
    ] = None,
    workers: Annotated[int, typer.Option(help="Server processes (each with its own cache).")] = 1,
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            help="Where readers reach the server (https://news.example/storyline): the links of "
            "feed.xml and the origin of form posts [default: the address it listens on]",
        ),
    ] = "",
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=200, help="Stories per page.")] = 20,
    config_file: ConfigOption = None,
) -> None:
    """Start the web UI and HTTP API (docs at /docs). Writes (ingest, merge, split) need the token.
    Slow clients are cut off (request head in 10 s, body in 60 s; at most 256 connections waiting
    for a head, the oldest closed first; 1,024 connections in all)."""
    try:
        import uvicorn

        from storyline.web import WebConfig, create_app
        from storyline.web.server import uvicorn_settings
    except ImportError as exc:
        from storyline.errors import MissingDependency

        raise MissingDependency(exc.name or "fastapi", "web") from exc
    from storyline.settings import CONFIG_ENV

    settings = _settings(config_file)
    try:
        config = WebConfig(
            db=StoreConfig.for_path(db), pipeline=settings.pipeline, base_url=base_url, page_size=page_size
        )
    except ValueError as exc:
        raise ConfigError(str(exc), remedy="give --base-url as http(s)://HOST[:PORT][/PATH]") from None
    if token_file is not None:
        config = replace(config, token=token_file.read_text(encoding="utf-8").strip() or None)
    typer.echo(f"storyline: serving {config.db.url} at http://{host}:{port}/ (API docs at /docs)", err=True)
    if workers <= 1:
        uvicorn.run(create_app(config), host=host, port=port, **uvicorn_settings(config))
        return
    import os

    os.environ["STORYLINE_SERVE_DB"] = config.db.url
    os.environ["STORYLINE_SERVE_BASE_URL"] = config.base_url
    if settings.path is not None:  # each server process reads the same settings file
        os.environ[CONFIG_ENV] = str(settings.path)
    if config.token is not None:
        os.environ["STORYLINE_TOKEN"] = config.token
    uvicorn.run(
        "storyline.web.app:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        **uvicorn_settings(config),
    )


ReaderOption = Annotated[
    str,
    typer.Option(
        "--reader",
        help="Whose follows: 'local' on the command line, or a browser's id (shown on its Following page).",
    ),
]


@app.command()
def follow(
    kind: Annotated[str, typer.Argument(help="entity, query, outlet or thread")],
    value: Annotated[str, typer.Argument(help="A name, words, an outlet or a thread id.")],
    db: DbOption = None,
    reader: ReaderOption = "local",
) -> None:
    """Follow a person, organisation or place, words, an outlet or a thread; `storyline digest`
    then sums up what changed in everything followed."""
    from storyline import readers

    item = readers.follow(db, reader, kind, value)
    typer.echo(
        f"following {item.kind} {one_line(item.value)!r} (id {item.id}; feed at {item.to_dict()['feed']})"
    )


@app.command()
def follows(db: DbOption = None, reader: ReaderOption = "local", as_json: JsonOption = False) -> None:
    """What is followed, with each item's id and feed."""
    from storyline import readers

    items = readers.follows(db, reader)
    if as_json:
        _print_json([i.to_dict() for i in items])
        return
    if not items:
        typer.echo("following nothing: `storyline follow entity NAME` (or query, outlet, thread)")
    for item in items:
        typer.echo(f"{item.id}\t{item.kind}\t{one_line(item.value)}\t{item.to_dict()['feed']}")


@app.command()
def unfollow(
    follow_id: Annotated[int, typer.Argument(help="The id `storyline follows` lists.")],
    db: DbOption = None,
    reader: ReaderOption = "local",
) -> None:
    """Stop following one item."""
    from storyline import readers

    readers.unfollow(db, reader, follow_id)
    typer.echo(f"unfollowed {follow_id}")


def _when(value: str) -> datetime:
    """--since: a day (2026-10-27), a moment (2026-10-27T08:00), or a span back from now (24h, 7d)."""
    from datetime import UTC, timedelta

    span = re.fullmatch(r"(\d+)\s*([hd])", value.strip().lower())
    if span:
        amount = int(span.group(1))
        return datetime.now(UTC) - (
            timedelta(hours=amount) if span.group(2) == "h" else timedelta(days=amount)
        )
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ConfigError(
            f"not a time: {value!r}", remedy="give e.g. 24h, 7d, 2026-10-27 or 2026-10-27T08:00"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def digest(
    db: DbOption = None,
    reader: ReaderOption = "local",
    since: Annotated[str, typer.Option("--since", help="24h, 7d, a day or a moment (UTC).")] = "24h",
    format: Annotated[str, typer.Option("--format", help="markdown, html or json.")] = "markdown",
    base: Annotated[str, typer.Option("--base", help="The server's address, for absolute links.")] = "",
    config_file: ConfigOption = None,
) -> None:
    """What changed in everything followed since WHEN: the stories that gained articles."""
    from storyline.readers import digest as digests

    if format not in ("markdown", "html", "json"):
        raise ConfigError(f"unknown format {format!r}", remedy="use markdown, html or json")
    found = digests.build(db, reader, _when(since), _settings(config_file).pipeline)
    if format == "json":
        _print_json(found.to_dict())
    else:
        text = (
            digests.markdown(found, base.rstrip("/"))
            if format == "markdown"
            else digests.html(found, base.rstrip("/"))
        )
        sys.stdout.write(text)


@app.command()
def warm(db: DbOption = None, config_file: ConfigOption = None) -> None:
    """Make and store the briefs of every story changed since its briefs were made (ingest, merge
    and split do it themselves; this is for a store made by an older version)."""
    import storyline
    from storyline.pipeline import warm_briefs
    from storyline.store import Store

    with Store.open(storyline._store_config(db)) as store:
        done = warm_briefs(store, _settings(config_file).pipeline)
    typer.echo(f"briefed {done} stories")


@app.command()
def watch(
    feeds: Annotated[
        Path, typer.Argument(help="Text file of feed URLs (one a line, # comments) or an OPML export.")
    ],
    db: DbOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every due feed once, then exit.")] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            "--interval",
            min=1,
            help="Seconds between polls of a feed [default: the settings' [watch] interval_s, 900]; "
            "a line can set its own.",
        ),
    ] = None,
    allow_private: AllowPrivateOption = False,
    allow_address: AllowAddressOption = None,
    ignore_robots: IgnoreRobotsOption = False,
    embedder: EmbedderOption = None,
    workers: WorkersOption = None,
    engine: EngineOption = None,
    config_file: ConfigOption = None,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port", help="Serve /health and Prometheus /metrics on this port (127.0.0.1)."
        ),
    ] = None,
    metrics_host: Annotated[
        str, typer.Option("--metrics-host", help="Address the metrics endpoint listens on.")
    ] = "127.0.0.1",
    log_format: Annotated[
        str, typer.Option("--log-format", help="text, or json (one JSON object a line, for a log collector).")
    ] = "text",
) -> None:
    """Watch feeds: poll each when due (conditional requests, backoff on errors, polite to each host),
    ingest its new items, update stories. One log line per poll; waits out a store or cluster that
    restarts; stops cleanly on Ctrl-C or SIGTERM. See docs/operations.md."""
    import logging
    import signal
    import threading

    import storyline
    from storyline.logsetup import configure_logging
    from storyline.metrics import WatchMetrics, serve_http

    if log_format not in ("text", "json"):
        raise ConfigError(f"unknown log format {log_format!r}", remedy="use --log-format text or json")

    settings = _settings(config_file)
    config = _given(settings.pipeline, embedder, engine, workers, allow_private, ignore_robots, allow_address)
    polling = settings.watch if interval is None else replace(settings.watch, interval_s=interval)
    handler = configure_logging(debug=_debug(), json_lines=log_format == "json")
    metrics = WatchMetrics()
    server = serve_http(metrics_host, metrics_port, metrics.render, metrics.health) if metrics_port else None
    stop = threading.Event()

    def on_signal(number: int, frame: object) -> None:
        # The first stop signal ends the wait between polls and stops a poll under way after its
        # document (storyline.pipeline.watch); a second Ctrl-C, or the watcher's own after
        # WatchConfig.stop_grace_s, interrupts at once (the watcher still exits cleanly).
        if stop.is_set() and number == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, on_signal)
    try:
        polls = storyline.watch(
            feeds,
            db=db,
            config=config,
            settings=polling,
            once=once,
            stop=stop,
            on_poll=metrics.observe,
            on_unavailable=metrics.unavailable,
        )
    finally:
        if server is not None:
            server.shutdown()
        logging.getLogger("storyline").removeHandler(handler)
    if once and polls and all(poll.failed for poll in polls):
        # Every due feed failed: a cron job or a supervisor must see it.
        raise typer.Exit(LOST_EXIT_CODE)


@app.command("feeds")
def list_feeds(
    db: DbOption = None,
    as_json: JsonOption = False,
    reset: Annotated[
        str | None,
        typer.Option(
            "--reset",
            help="Clear this feed's failures, backoff and validators, and its remembered skips: polled "
            "whole next, its skipped and failed items taken again.",
        ),
    ] = None,
) -> None:
    """Watched feeds: last poll and its status, next due time, failures in a row and the backoff
    they cost; --reset URL clears a feed's (a running watcher takes it at its next pass)."""
    import storyline
    from storyline.render import console, feed_dict, print_feeds

    if reset is not None:
        storyline.reset_feed(reset, db)
        console.print(f"feed {reset} reset: due now, fetched whole")
        return
    states = storyline.feeds(db)
    if as_json:
        _print_json([feed_dict(state) for state in states])
    else:
        print_feeds(states)


@app.command("config")
def show_config(
    as_json: JsonOption = False,
    config_file: ConfigOption = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults", help="Print a complete storyline.toml at the defaults, each key with its reason."
        ),
    ] = False,
) -> None:
    """Print the settings in effect, every table and key with the file it came from (or
    "default"); --defaults prints a commented storyline.toml to start from."""
    from storyline.settings import defaults_toml, effective_dict, effective_toml

    if defaults:
        sys.stdout.write(defaults_toml())
        return
    settings = _settings(config_file)
    if as_json:
        _print_json(effective_dict(settings))
    else:
        sys.stdout.write(for_terminal(effective_toml(settings)))


def _log_warnings_safely() -> None:
    """Warnings reach stderr as Python prints them with no handler set (the message alone), but
    through :class:`TerminalFormatter`: they quote URLs, file names and server headers."""
    import logging

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
        handler.setFormatter(TerminalFormatter("%(message)s"))
        # While storyline's own log has a handler (watch: configure_logging), its lines are
        # printed there, not twice.
        handler.addFilter(
            lambda record: (
                not (record.name.startswith("storyline") and logging.getLogger("storyline").handlers)
            )
        )
        root.addHandler(handler)


def main() -> None:
    """The entry point: every error a user can cause or fix ends in one line saying what to do and
    exit code 2, never a traceback."""
    from sqlalchemy.exc import OperationalError

    _log_warnings_safely()
    try:
        app()
    except StorylineError as exc:
        if _debug():
            raise
        _fail(str(exc), exc)
    except OperationalError as exc:
        database = _database_named(sys.argv[1:])
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        if "database is locked" in reason:
            _fail(
                f"another storyline process is writing to {database}; try again when it finishes",
                exc,
            )
        if "unable to open database file" in reason or "readonly database" in reason:
            _fail(
                f"cannot open or write the database {database} ({reason}): check that its folder "
                "exists and is writable, or choose another file with --db",
                exc,
            )
        if _debug():
            raise
        _fail(f"cannot use the database {database}: {reason}", exc)
    except OSError as exc:
        # Opening the store creates its folder: a folder that cannot be made or written ends here.
        if exc.filename is None:
            _unexpected(exc)
        _fail(
            f"{exc.strerror or exc}: {os.fsdecode(exc.filename)} (check that the folder exists and "
            "is writable, or choose another database file with --db)",
            exc,
        )
    except Exception as exc:
        _unexpected(exc)


def _unexpected(exc: BaseException) -> NoReturn:
    """An error nobody named: one line (and exit code 1), the traceback only with --debug."""
    if _debug():
        raise exc
    typer.echo(
        f"storyline: unexpected error: {type(exc).__name__}: {one_line(str(exc))[:500]} "
        "(run again with --debug for the traceback, and please report it)",
        err=True,
    )
    raise SystemExit(1) from exc


if __name__ == "__main__":
    main()
