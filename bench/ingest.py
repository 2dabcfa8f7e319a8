"""Ingest throughput and memory: the demo corpus's articles copied with variations into N files,
ingested in one batch, with resident memory sampled as it goes (it should stay flat).

    python bench/ingest.py [--data demo/corpus] [--files 3000] [--json]

``--data`` is the folder whose text and HTML articles are copied (default: the bundled demo corpus).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "demo" / "corpus"


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def _readable(path: Path) -> bool:
    """Only clean text and HTML originals: copies get a line appended, which no binary survives."""
    from storyline.errors import InputError
    from storyline.sources.sniff import sniff

    data = path.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        return False
    try:
        sniff(data)
    except InputError:
        return False
    return True


def make_files(source: Path, target: Path, count: int) -> int:
    originals = [
        p
        for p in sorted(source.rglob("*"))
        if p.suffix in (".html", ".txt") and p.stat().st_size > 1000 and _readable(p)
    ]
    total = 0
    for n in range(count):
        original = originals[n % len(originals)]
        data = original.read_bytes()
        # A distinct line per copy, so each file is new content, not a re-ingest.
        marker = f"\n<p>Update {n}: the newsroom added a note to this copy.</p>\n".encode()
        if original.suffix == ".txt":
            marker = f"\n\nUpdate {n}: the newsroom added a note to this copy.\n".encode()
        sub = target / original.parent.name
        sub.mkdir(parents=True, exist_ok=True)
        out = sub / f"{n:06}{original.suffix}"
        if original.suffix == ".html" and b"</article>" in data:
            data = data.replace(b"</article>", marker + b"</article>", 1)
        else:
            data += marker
        out.write_bytes(data)
        total += len(data)
    return total


def run(data: Path, files: int) -> dict[str, float]:
    import storyline
    from storyline.config import PipelineConfig

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        size = make_files(data, folder, files)
        samples: list[float] = []
        done = 0

        def on_progress(_locator: str, _outcome: str) -> None:
            nonlocal done
            done += 1
            if done % max(1, files // 10) == 0:
                samples.append(_rss_mb())

        start = time.perf_counter()
        # Ingest alone (extract, furniture, repair, store): bench/analyze.py measures understanding.
        config = PipelineConfig(analyze_on_ingest=False)
        report = storyline.ingest([folder], db=Path(tmp) / "bench.db", config=config, on_progress=on_progress)
        elapsed = time.perf_counter() - start
    return {
        "files": files,
        "mb_in": round(size / 1e6, 1),
        "ingested": len(report.ingested),
        "skipped": len(report.skipped),
        "docs_per_s": round(files / elapsed, 1),
        "rss_mb_at_10pct": round(samples[0], 1) if samples else 0.0,
        "rss_mb_at_end": round(samples[-1], 1) if samples else 0.0,
        "rss_growth_mb": round(samples[-1] - samples[0], 1) if samples else 0.0,
        "rss_mb_by_tenth": [round(x) for x in samples],  # type: ignore[dict-item]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no folder at {args.data}: pass --data", file=sys.stderr)
        return 2
    result = run(args.data, args.files)
    if args.json:
        print(json.dumps({"ours": result, "peers": {}}, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:<18}{value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
