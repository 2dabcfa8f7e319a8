"""Where one watcher poll spends its time on real pages: fetching, extracting and storing, analysis,
grouping. The measured base of docs/scaling.md's "one runner a store".

The 92 real pages of the extraction dev set are served from ``--hosts`` local HTTP servers
(tests/pipeline/feed_server.py on 127.0.0.1, one port each, so each is a host of its own to the
watcher's per-host politeness), and one RSS feed lists them all as teaser items, the pages spread
over the hosts in turn. Then, with the watcher's own defaults (WatchConfig: ``host_gap_s`` between
two requests to a host, ``hosts_at_once`` hosts in flight):

1. fetching alone: the feed's new items drawn through the watcher's page lanes
   (``feedpages.new_items``), nothing stored - how long the fetching takes by itself;
2. one poll as the watcher runs it: the same items handed, as they arrive, to ``ingest_documents``
   (the watcher's call) with a warm engine of ``--workers`` processes, into a fresh SQLite store;
   the phases are timed by its progress events (every item stored before the first analysis
   starts, every analysis before the first grouping).

A local server answers in microseconds; the wait is the politeness gap, as it is on the real web
(where each page also costs the network's round trips, which this does not measure).

    python bench/poll_phases.py [--hosts 4] [--workers 2] [--host-gap 2.0] [--pages N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "datasets" / "extraction" / "html"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(folder: Path, ports: list[int]) -> list[subprocess.Popen[bytes]]:
    """A server of ``folder`` on each of ``ports``; waits until each answers."""
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "pipeline" / "feed_server.py"),
                str(folder),
                str(p),
                "/dev/null",
            ]
        )
        for p in ports
    ]
    for port in ports:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the page server on port {port} did not start") from None
                time.sleep(0.1)
    return servers


def _site(folder: Path, ports: list[int], limit: int | None = None) -> int:
    """The pages under ``folder/p/`` and a feed of them, ``folder/feed.xml``; returns the page count."""
    if not PAGES.is_dir():
        raise SystemExit(f"{PAGES} is missing: this bench needs ../shared/datasets (see its README)")
    (folder / "p").mkdir(parents=True)
    items = []
    for n, path in enumerate(sorted(PAGES.glob("*.html.gz"))[:limit]):
        name = path.name.removesuffix(".gz")
        (folder / "p" / name).write_bytes(gzip.decompress(path.read_bytes()))
        link = f"http://127.0.0.1:{ports[n % len(ports)]}/p/{name}"
        items.append(
            f"<item><title>Page {n}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
            f"<description>Teaser {n}.</description></item>"
        )
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title><link>http://127.0.0.1/</link>'
        f"<description>bench</description>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    return len(items)


def _items(feed_url: str, host_gap: float) -> Any:
    """The feed's items as the watcher draws them (its page lanes, its defaults but the gap)."""
    from storyline.config import FetchConfig, SourceConfig, WatchConfig
    from storyline.pipeline.feedpages import HostClock, PageLanes, PollBudget, new_items
    from storyline.sources.web import Fetcher

    fetch, watch = FetchConfig(allow_private=True), WatchConfig(host_gap_s=host_gap)
    stop = threading.Event()
    with Fetcher(fetch) as fetcher:
        feed = fetcher.fetch(feed_url)
    lanes = PageLanes(fetch, watch, HostClock(watch.host_gap_s, stop), stop)
    return new_items(feed, lanes, SourceConfig(), lambda _: False, PollBudget.of(watch), stop), lanes


def fetch_alone(feed_url: str, host_gap: float) -> dict[str, Any]:
    from storyline.model import Skip

    clock = time.perf_counter()
    items, lanes = _items(feed_url, host_gap)
    pages = skips = 0
    for item in items:
        skips += isinstance(item, Skip)
        pages += not isinstance(item, Skip)
    lanes.close()
    return {"pages": pages, "skips": skips, "seconds": round(time.perf_counter() - clock, 2)}


def one_poll(feed_url: str, host_gap: float, workers: int, db: Path) -> dict[str, Any]:
    from storyline.config import EngineConfig, FetchConfig, PipelineConfig, StoreConfig
    from storyline.engines import open_engine
    from storyline.pipeline.run import ingest_documents
    from storyline.store import Store

    config = PipelineConfig(fetch=FetchConfig(allow_private=True), engine=EngineConfig(workers=workers))
    marks: dict[str, float] = {}

    def progress(locator: str, outcome: str) -> None:
        kind = {"analyzed": "analyse", "grouped": "group"}.get(outcome)
        if kind is None and outcome in ("ingested", "revised", "unchanged", "skipped"):
            kind = "fetch, extract, store"
        if kind is not None:
            marks[kind] = time.perf_counter()

    with closing(open_engine(config.engine)) as engine, Store.open(StoreConfig.for_path(db)) as store:
        engine_ready = time.perf_counter()
        cpu = time.process_time()
        items, lanes = _items(feed_url, host_gap)
        report = ingest_documents(items, store, config, on_progress=progress, engine=engine)
        done = time.perf_counter()
        lanes.close()
        stories = len(store.stories())
    phases, last = {}, engine_ready
    for name in ("fetch, extract, store", "analyse", "group"):
        end = marks.get(name, last)
        phases[name] = round(end - last, 2)
        last = end
    phases["the rest (repass, briefs)"] = round(done - last, 2)
    return {
        "ingested": len(report.ingested),
        "skipped": len(report.skipped),
        "stories": stories,
        "seconds": round(done - engine_ready, 2),
        "runner_cpu_s": round(time.process_time() - cpu, 2),
        "phases_s": phases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--host-gap", type=float, default=None, help="seconds (default: WatchConfig's)")
    parser.add_argument("--pages", type=int, default=None, help="the first N pages only (default: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from storyline.config import WatchConfig

    gap = WatchConfig().host_gap_s if args.host_gap is None else args.host_gap
    with tempfile.TemporaryDirectory(prefix="storyline-bench-poll-") as tmp:
        folder = Path(tmp) / "site"
        folder.mkdir()
        ports = [_free_port() for _ in range(args.hosts)]
        count = _site(folder, ports, args.pages)
        servers = _serve(folder, ports)
        try:
            feed = f"http://127.0.0.1:{ports[0]}/feed.xml"
            alone = fetch_alone(feed, gap)
            poll = one_poll(feed, gap, args.workers, Path(tmp) / "poll.db")
        finally:
            for server in servers:
                server.terminate()
                server.wait()
    result = {
        "pages": count,
        "hosts": args.hosts,
        "host_gap_s": gap,
        "workers": args.workers,
        "fetch_alone": alone,
        "poll": poll,
    }
    phases = poll["phases_s"]
    print(
        f"{count} real pages on {args.hosts} hosts, gap {gap} s: fetching alone {alone['seconds']} s; "
        f"one poll {poll['seconds']} s = "
        + ", ".join(f"{k} {v} s" for k, v in phases.items())
        + f"; runner CPU {poll['runner_cpu_s']} s; {poll['ingested']} ingested, {poll['stories']} stories"
    )
    if args.json:
        print(json.dumps(result, indent=2))
    return 0 if poll["ingested"] + poll["skipped"] == count else 1


if __name__ == "__main__":
    raise SystemExit(main())
