"""Bounded readers on hostile input: time, peak memory and outcome of storyline's source readers
against the plain library reads they replace, case by case, each in its own child process.

The cases come from tests/hostile/make_corpus.py (generated, nothing stored): a gzip bomb, a WARC whose
one record is a bomb, a WARC with an endless header line, a 50,000-item feed of opaque guids, and
(ours only: a plain read of them never returns) a FIFO and a symlink to /dev/zero, each run against
a timeout. The peer is what a reader without bounds does with the same libraries: ``gzip.open().read()``,
warcio's ``ArchiveIterator`` with ``content_stream().read()``, feedparser's links fetched one by one.
Children run under an address-space limit (``--limit-mib``), so an unbounded peer fails with
MemoryError instead of taking the machine.

    python bench/hostile.py [--bomb-mib 512] [--limit-mib 3072] [--json]

A feed is a source of its own under `storyline watch`, measured by bench/hostile_watch.py (a poll
of a feed of many large teaser pages, and how soon SIGTERM stops the watcher).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.hostile import make_corpus as corpus  # noqa: E402  (the corpus maker lives with the tests)

CASES = ("gzip-bomb", "warc-bomb", "long-header-warc", "huge-feed", "fifo", "zero")


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB, from VmHWM: ``ru_maxrss`` survives exec on Linux,
    so a child started from a large parent (pytest with spaCy loaded) would report the parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(path: str) -> dict[str, Any]:
    from storyline.config import FetchConfig, SourceConfig
    from storyline.sources import iter_documents

    documents, skips = 0, []
    for item in iter_documents([path], SourceConfig(), FetchConfig(timeout_s=1)):
        if hasattr(item, "content"):
            documents += 1
        else:
            skips.append(item.code)
    return {"documents": documents, "skips": {code: skips.count(code) for code in sorted(set(skips))}}


def _peer(path: str, case: str) -> dict[str, Any]:
    import gzip

    if case == "gzip-bomb":
        with gzip.open(path, "rb") as handle:
            return {"documents": 1, "bytes": len(handle.read())}
    if case in ("warc-bomb", "long-header-warc"):
        from warcio.archiveiterator import ArchiveIterator

        documents = 0
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    record.content_stream().read()
                    documents += 1
        return {"documents": documents}
    if case == "huge-feed":
        import feedparser

        entries = feedparser.parse(Path(path).read_bytes()).entries
        # Every item's guid taken as its link, each one a refused fetch.
        return {"documents": 0, "skips": {"forbidden": sum(1 for e in entries if e.get("link"))}}
    with open(path, "rb") as handle:  # fifo, zero: a plain read
        return {"documents": 1, "bytes": len(handle.read())}


def child(which: str, path: str, case: str, limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    started = time.perf_counter()
    try:
        result = _ours(path) if which == "ours" else _peer(path, case)
        outcome = "ok"
    except MemoryError:
        result, outcome = {}, "MemoryError"
    result |= {
        "outcome": outcome,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mib": round(peak_rss_mib()),
    }
    print(json.dumps(result))


def run(which: str, path: Path, case: str, limit: int, timeout: float) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, __file__, "--child", which, str(path), case, str(limit)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"outcome": f"hung (killed after {timeout:g} s)"}
    if done.returncode != 0:
        return {"outcome": f"crashed: {done.stderr.strip().splitlines()[-1][:120]}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--bomb-mib", type=int, default=512, help="inflated size of each bomb")
    parser.add_argument("--limit-mib", type=int, default=3072, help="address-space limit of each child")
    parser.add_argument("--timeout", type=float, default=20, help="seconds before a child counts as hung")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2], int(args.child[3]))
        return
    limit = args.limit_mib * corpus.MiB
    ours: dict[str, Any] = {}
    peers: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        made = corpus.make_all(Path(tmp) / "corpus", bomb_bytes=args.bomb_mib * corpus.MiB)
        try:
            for case in CASES:
                ours[case] = run("ours", made[case], case, limit, args.timeout)
                peers[case] = run("peer", made[case], case, limit, args.timeout)
        finally:
            made["unreadable"].chmod(0o755)
    if args.json:
        print(json.dumps({"ours": ours, "peers": {"plain-library-reads": peers}}, indent=2))
        return
    print(f"{'case':18} {'who':5} {'outcome':34} {'s':>6} {'MiB':>6}  result")
    for case in CASES:
        for who, result in (("ours", ours[case]), ("peer", peers[case])):
            rest = {k: v for k, v in result.items() if k not in ("outcome", "seconds", "peak_rss_mib")}
            print(
                f"{case:18} {who:5} {result['outcome']:34} {result.get('seconds', '-'):>6} "
                f"{result.get('peak_rss_mib', '-'):>6}  {json.dumps(rest)}"
            )
        if "peak_rss_mib" in ours[case] and "peak_rss_mib" in peers[case]:
            ratio = peers[case]["peak_rss_mib"] / max(1, ours[case]["peak_rss_mib"])
            print(f"{'':18} peak memory peer/ours: {ratio:.1f}x")


if __name__ == "__main__":
    main()
