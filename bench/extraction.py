"""Main-text extraction: ours vs trafilatura, newspaper4k and readability-lxml on the same pages.

Metric (the ScrapingHub article-extraction-benchmark's): precision, recall and F1 over the sets of
word 4-gram shingles of the extracted body and of ``articleBody``, both whitespace-normalised and
lower-cased, averaged over pages; plus pages per second (extraction only, one process).

With ``--audit``, a line-level audit of ours: lines we keep that are not in ``articleBody`` (kept
furniture, or text the ground truth leaves out) and lines we remove that are in it (lost text), by
stage, with examples. A line is in the body when its normalised form (``normalize_line``) is a run of
whole words of the normalised ``articleBody``.

newspaper4k parses the given HTML only: no image downloads, meta refreshes or "read more" links, so
the bench runs offline.

    python bench/extraction.py [--data ../shared/datasets/extraction] [--json] [--limit N] [--audit]
    python bench/extraction.py --pin    # the quality gate's floor (bench/floors.py)
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.config import PipelineConfig
    from storyline.model import Article

FAST = "--slow" not in sys.argv
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "extraction"


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = text.lower().split()
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def score(predicted: str, truth: str) -> tuple[float, float, float]:
    got, want = shingles(predicted), shingles(truth)
    if not got and not want:
        return 1.0, 1.0, 1.0
    if not got or not want:
        return 0.0, 0.0, 0.0
    common = len(got & want)
    precision, recall = common / len(got), common / len(want)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def ours_article(html: bytes, url: str | None, config: PipelineConfig | None = None) -> Article | None:
    """Our article for a page (None when we find none): the text, and every line removed, with why."""
    from storyline.config import ExtractConfig, PipelineConfig
    from storyline.errors import InputError
    from storyline.model import RawDocument, SourceKind
    from storyline.pipeline import process

    raw = RawDocument("bench", SourceKind.FILE, html, datetime.now(UTC), url=url)
    try:
        # The same extract -> furniture -> repair path ingest uses; min_words 0 so short pages still score.
        return process(raw, config or PipelineConfig(extract=ExtractConfig(min_words=0, fast=FAST)))
    except InputError:
        return None


def ours(html: bytes, url: str | None) -> str:
    article = ours_article(html, url)
    return article.text if article else ""


def gate_figures(data: Path) -> dict[str, float]:
    """The quality gate's figure (bench/floors.py): our mean F1 over every page, with the default
    configuration (a page below ``ExtractConfig.min_words`` is skipped, as ingest would, and scores
    what an empty text scores)."""
    from storyline.config import PipelineConfig

    items = load(data, None)
    config = PipelineConfig()
    total = 0.0
    for html, body, url in items:
        article = ours_article(html, url, config)
        total += score(article.text if article else "", body)[2]
    return {"f1": round(total / len(items), 4)}


def trafilatura_peer(html: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def newspaper_peer(html: bytes, url: str | None) -> str:
    text = html.decode("utf-8", "replace")
    try:
        return _newspaper_text(text, url, None)
    except (LookupError, ImportError):
        # The page declares a language whose tokenizer needs NLTK data or a package not installed
        # (neither can be fetched offline): parse it as English rather than score the peer 0 there.
        return _newspaper_text(text, url, "en")


def _newspaper_text(html: str, url: str | None, language: str | None) -> str:
    from newspaper import Article, Config

    # Parse the given HTML and nothing else: by default newspaper4k downloads every image to size
    # it and follows meta refreshes and "read more" links, and offline each of those waits minutes.
    config = Config()
    config.fetch_images = False
    config.follow_meta_refresh = False
    config.memoize_articles = False
    config.disable_category_cache = True
    config.request_timeout = 1
    if language:
        config.language = language
    article = Article(url or "http://example.com/", config=config)
    article.download(input_html=html, ignore_read_more=True)
    article.parse()
    return str(article.text or "")


def readability_peer(html: bytes, url: str | None) -> str:
    from lxml import html as lxml_html
    from readability import Document

    summary = Document(html.decode("utf-8", "replace")).summary(html_partial=True)
    return str(lxml_html.fromstring(summary).text_content()) if summary.strip() else ""


SYSTEMS: dict[str, Callable[[bytes, str | None], str]] = {
    "ours": ours,
    "trafilatura": trafilatura_peer,
    "newspaper4k": newspaper_peer,
    "readability-lxml": readability_peer,
}


Item = tuple[str, bytes, str, str | None]  # page key, HTML, ground-truth articleBody, address


def load(data: Path, limit: int | None) -> list[tuple[bytes, str, str | None]]:
    """(HTML, ground-truth articleBody, address) of each page (``gate_figures`` scores these)."""
    return [(html, body, url) for _key, html, body, url in load_keyed(data, limit)]


def load_keyed(data: Path, limit: int | None) -> list[Item]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    items = []
    for key in sorted(truth)[:limit]:
        path = data / "html" / f"{key}.html.gz"
        if path.exists():
            items.append(
                (key, gzip.decompress(path.read_bytes()), truth[key]["articleBody"], truth[key].get("url"))
            )
    return items


def in_body(line: str, body_key: str) -> bool:
    """The line, normalised as our furniture stage compares lines, is a run of whole words of the body."""
    from storyline.lines import normalize_line

    key = normalize_line(line)
    return bool(key) and f" {key} " in body_key


def audit(items: list[Item], examples: int = 15) -> dict[str, Any]:
    """Line-level audit of our output against the ground truth.

    Kept furniture: lines of our text that are not in ``articleBody``. Lost text: lines we removed
    (by stage) that are in ``articleBody``. Counts in lines and words, with examples.
    """
    from storyline.lines import normalize_line

    kept = kept_out = kept_out_words = 0
    removed: dict[str, list[int]] = {}
    kept_examples: list[str] = []
    lost_examples: list[str] = []
    by_reason: dict[str, int] = {}
    for key, html, body, url in items:
        article = ours_article(html, url)
        if article is None:
            continue
        body_key = f" {normalize_line(body)} "
        for block in article.blocks:
            kept += 1
            if not in_body(block.text, body_key):
                kept_out += 1
                kept_out_words += len(block.text.split())
                kept_examples.append(f"{key[:12]}: {block.text[:110]}")
        for removal in article.removed:
            tally = removed.setdefault(removal.stage, [0, 0, 0])
            tally[0] += 1
            if in_body(removal.text, body_key):
                tally[1] += 1
                tally[2] += len(removal.text.split())
                if removal.stage != "extract":
                    lost_examples.append(f"{key[:12]}: [{removal.reason}] {removal.text[:100]}")
            elif removal.stage != "extract":
                kind = removal.reason.split(" on ")[0]  # "repeated on 3 pages of X" is one kind
                by_reason[kind] = by_reason.get(kind, 0) + 1
    return {
        "kept_lines": kept,
        "kept_not_in_body": kept_out,
        "kept_not_in_body_words": kept_out_words,
        "removed": {
            stage: {"lines": n, "in_body": lost, "in_body_words": words}
            for stage, (n, lost, words) in sorted(removed.items())
        },
        "furniture_removed_by_reason": dict(sorted(by_reason.items(), key=lambda kv: -kv[1])),
        "kept_not_in_body_examples": kept_examples[:examples],
        "lost_examples": lost_examples[:examples],
    }


def run(data: Path, limit: int | None = None, rounds: int = 3) -> dict[str, dict[str, float]]:
    items = load_keyed(data, limit)
    results: dict[str, dict[str, float]] = {}
    best_time = {name: float("inf") for name in SYSTEMS}
    texts: dict[str, list[str]] = {}
    # Systems take turns, round after round, and each keeps its fastest round: a burst of load on
    # the machine then slows one round, not one system.
    for _ in range(rounds):
        for name, system in SYSTEMS.items():
            if name == "newspaper4k" and name in texts:
                continue  # two orders of magnitude slower: one round is plenty
            system(items[0][1], items[0][3])  # warm-up: imports and lazy loads are not extraction
            outputs = []
            start = time.perf_counter()
            for _key, html, _body, url in items:
                try:
                    outputs.append(system(html, url))
                except Exception as exc:  # a peer crashing on a page scores 0 there
                    print(f"{name} failed on a page: {exc}", file=sys.stderr)
                    outputs.append("")
            best_time[name] = min(best_time[name], time.perf_counter() - start)
            texts[name] = outputs
    for name, outputs in texts.items():
        totals = [0.0, 0.0, 0.0]
        for text, (_key, _html, body, _url) in zip(outputs, items, strict=True):
            for i, value in enumerate(score(text, body)):
                totals[i] += value
        n = len(items)
        results[name] = {
            "precision": round(totals[0] / n, 4),
            "recall": round(totals[1] / n, 4),
            "f1": round(totals[2] / n, 4),
            "pages_per_s": round(n / best_time[name], 2),
            "pages": n,
        }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds; the fastest counts")
    parser.add_argument("--slow", action="store_true", help="our extractor with trafilatura's fallbacks on")
    parser.add_argument(
        "--audit",
        action="store_true",
        help="also audit our lines: kept lines not in the ground truth, removed lines that are",
    )
    parser.add_argument("--examples", type=int, default=15, help="examples the audit prints of each")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="measure the quality gate's figure and write it to bench/floors.json",
    )
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"no data at {args.data}: pass --data", file=sys.stderr)
        return 2
    if args.pin:
        import floors

        pages = len(load(args.data, None))
        floors.pin("extraction", gate_figures(args.data), data=f"{args.data.name}: {pages} pages")
        return 0
    results = run(args.data, args.limit, args.rounds)
    ours_result = results.pop("ours")
    report = audit(load_keyed(args.data, args.limit), args.examples) if args.audit else None
    if args.json:
        print(
            json.dumps(
                {"ours": {**ours_result, "audit": report} if report else ours_result, "peers": results},
                indent=2,
            )
        )
        return 0
    print(f"{'system':<18}{'precision':>10}{'recall':>10}{'f1':>10}{'pages/s':>10}   F1 ratio  speed ratio")
    for name, result in {"ours": ours_result, **results}.items():
        f1_ratio = ours_result["f1"] / result["f1"] if result["f1"] else float("inf")
        speed_ratio = ours_result["pages_per_s"] / result["pages_per_s"]
        print(
            f"{name:<18}{result['precision']:>10.4f}{result['recall']:>10.4f}{result['f1']:>10.4f}"
            f"{result['pages_per_s']:>10.2f}   {f1_ratio:8.3f}  {speed_ratio:11.3f}"
        )
    print("ratios are ours / system")
    if report:
        _print_audit(report)
    return 0


def _print_audit(report: dict[str, Any]) -> None:
    print(
        f"\nline audit (ours): {report['kept_lines']} lines kept, {report['kept_not_in_body']} not in the "
        f"ground-truth body ({report['kept_not_in_body_words']} words)"
    )
    for stage, tally in report["removed"].items():
        print(
            f"  removed by {stage}: {tally['lines']} lines, {tally['in_body']} of them in the body "
            f"({tally['in_body_words']} words)"
        )
    print("  furniture removed (not in the body), by reason:")
    for reason, count in report["furniture_removed_by_reason"].items():
        print(f"    {count:4d}  {reason}")
    print("  kept, not in the body (examples):")
    for line in report["kept_not_in_body_examples"]:
        print(f"    {line}")
    print("  removed by furniture/repair but in the body (examples):")
    for line in report["lost_examples"]:
        print(f"    {line}")


if __name__ == "__main__":
    raise SystemExit(main())
