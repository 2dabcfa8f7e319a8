"""Charset detection: ours vs charset-normalizer alone vs chardet alone, on the same bytes.

Items:

- real English news from ``--data`` (CNN/DailyMail articles, the extraction ground-truth bodies, ECB+
  texts; plus, held out from tuning, the Wikipedia sentences of the hedge data set; only texts with at least one non-ASCII character, since pure ASCII decodes the same in every
  candidate), with CRLF line ends like a folder of Windows-saved text files, each as a whole text and
  as a ~300-character window around its first non-ASCII character (``£``, curly quotes, dashes);
  the Russian ground-truth bodies join the Cyrillic group;
- short (~300 characters) and long passages the team wrote in French, German, Spanish, Portuguese,
  Polish, Czech, Turkish, Russian and Greek (``bench/data/charsets-passages.json``), and each
  sentence of the long ones on its own (headline-sized texts leave a detector the least to go on).

Each text is encoded in every charset used for its language where it is representable (a long text
whose typographic quotes and dashes an ISO code page lacks is also tried with ASCII stand-ins), and
scored by the exact-decode rate: decoded text == original text. Overall and per language group.

    python bench/charsets.py [--data ../shared/datasets] [--limit N] [--json]
    python bench/charsets.py --pin    # the quality gate's floor (bench/floors.py)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
PASSAGES = ROOT / "bench" / "data" / "charsets-passages.json"

UNICODE = ("utf-8", "utf-8-sig", "utf-16")
CHARSETS: dict[str, tuple[str, ...]] = {
    "Western European": (*UNICODE, "cp1252", "latin-1", "iso-8859-15", "mac-roman"),
    "Central European": (*UNICODE, "cp1250", "iso-8859-2"),
    "Turkish": (*UNICODE, "cp1254"),
    "Cyrillic": (*UNICODE, "cp1251", "koi8-r"),
    "Greek": (*UNICODE, "cp1253"),
}
# Stand-ins for punctuation an ISO code page lacks, so long texts are tested in those code pages too.
_ASCII_PUNCT = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"}
)
_SHORT = 300
_SENTENCE_END = re.compile(r"(?<=[.!?»”“])\s+")


@dataclass(frozen=True)
class Item:
    source: str
    group: str
    charset: str
    text: str
    data: bytes


def _english_texts(data: Path, limit: int | None) -> Iterator[tuple[str, str]]:
    """(source, text) for real news texts; Latin-script English and Russian (Cyrillic) only."""
    found: list[tuple[str, str]] = []
    cnndm = data / "summaries-cnndm.jsonl"
    if cnndm.exists():
        for line in cnndm.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(("cnndm", json.loads(line)["article"]))
    truth = data / "extraction" / "ground-truth.json"
    if truth.exists():
        for body in json.loads(truth.read_text(encoding="utf-8")).values():
            found.append(("extraction", body["articleBody"]))
    ecb = data / "stories-ecbplus.jsonl"
    if ecb.exists():
        for line in ecb.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(("ecbplus", json.loads(line)["text"]))
    hedges = data / "hedges-conll2010.jsonl"
    if hedges.exists():
        # Held out: these Wikipedia sentences were not looked at while the weights were set.
        for line in hedges.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(("wikipedia-heldout", json.loads(line)["sentence"]))
    counts: dict[str, int] = defaultdict(int)
    for source, text in found:
        if "\ufffd" in text or text.isascii():
            continue
        if limit is not None and counts[source] >= limit:
            continue
        counts[source] += 1
        yield source, text


def _group_of(text: str) -> str | None:
    letters = [c for c in text if c.isalpha() and not c.isascii()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if letters and cyrillic / len(letters) > 0.5:
        return "Cyrillic"
    if all(c < "\u0250" for c in letters):
        return "Western European"
    return None  # Korean and other scripts: no legacy code page in this benchmark


def _window(text: str) -> str:
    """About 300 characters around the first non-ASCII character, cut at spaces."""
    first = next(i for i, c in enumerate(text) if not c.isascii())
    start = max(0, first - _SHORT // 2)
    start = text.find(" ", start) + 1 if start else 0
    end = text.rfind(" ", start, start + _SHORT)
    return text[start : end if end > first else start + _SHORT]


def _encodings(text: str, group: str) -> Iterator[tuple[str, bytes, str]]:
    for charset in CHARSETS[group]:
        for candidate in dict.fromkeys((text, text.translate(_ASCII_PUNCT))):
            try:
                yield charset, candidate.encode(charset), candidate
                break
            except UnicodeEncodeError:
                continue


def items(data: Path, limit: int | None) -> list[Item]:
    out: list[Item] = []
    for source, text in _english_texts(data, limit):
        group = _group_of(text)
        if group is None:
            continue
        crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
        window = _window(crlf)
        variants = [("long", crlf)] + ([("short", window)] if window != crlf else [])
        for kind, variant in variants:
            for charset, raw, original in _encodings(variant, group):
                out.append(Item(f"{source}:{kind}", group, charset, original, raw))
    passages = json.loads(PASSAGES.read_text(encoding="utf-8"))
    for language, entry in passages.items():
        if language.startswith("_"):
            continue
        texts = [("short", entry["short"]), ("long", entry["long"])]
        # Each sentence of the long passage on its own too: a headline or a snippet is where
        # detectors have the least to go on.
        sentences = _SENTENCE_END.split(entry["long"].replace("\n", " "))
        texts += [("sentence", s) for s in sentences if not s.isascii()]
        for kind, text in texts:
            for charset, raw, original in _encodings(text, entry["group"]):
                out.append(Item(f"{language}:{kind}", entry["group"], charset, original, raw))
    return out


def ours(data: bytes) -> str:
    from storyline.sources.sniff import decode_document

    return decode_document(data).text


def charset_normalizer_alone(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", "replace")


def chardet_alone(data: bytes) -> str:
    import chardet

    encoding = chardet.detect(data)["encoding"] or "utf-8"
    try:
        return data.decode(encoding, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


SYSTEMS: dict[str, Callable[[bytes], str]] = {
    "ours": ours,
    "charset-normalizer": charset_normalizer_alone,
    "chardet": chardet_alone,
}


def score(system: Callable[[bytes], str], batch: list[Item]) -> tuple[dict[str, object], list[Item]]:
    exact: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    wrong: list[Item] = []
    start = time.perf_counter()
    for item in batch:
        try:
            ok = system(item.data) == item.text
        except Exception:  # a crash on one item is a wrong decode, not the end of the run
            ok = False
        for key in (item.group, item.charset, "source:" + item.source.split(":")[0]):
            total[key] += 1
            exact[key] += ok
        if not ok:
            wrong.append(item)
    elapsed = time.perf_counter() - start
    groups = {g: round(exact[g] / total[g], 4) for g in CHARSETS if total[g]}
    charsets = {c: round(exact[c] / total[c], 4) for c in dict.fromkeys(i.charset for i in batch)}
    sources = {k[7:]: round(exact[k] / total[k], 4) for k in total if k.startswith("source:")}
    right = sum(exact[g] for g in CHARSETS)
    result: dict[str, object] = {
        "exact_rate": round(right / max(1, len(batch)), 4),
        "exact": right,
        "items": len(batch),
        "groups": groups,
        "charsets": charsets,
        "sources": sources,
        "items_per_s": round(len(batch) / elapsed, 1),
    }
    return result, wrong


def gate_figures(data: Path) -> dict[str, float]:
    """The quality gate's figure (bench/floors.py): our exact-decode rate over every item."""
    result, _ = score(ours, items(data, None))
    return {"exact_rate": float(str(result["exact_rate"]))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED, help="the shared datasets folder")
    parser.add_argument("--limit", type=int, default=None, help="at most N real texts per data set")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--wrong", action="store_true", help="list our wrong decodes")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="measure the quality gate's figure and write it to bench/floors.json",
    )
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}; pass --data PATH (../shared/datasets)", file=sys.stderr)
        return 2
    if args.pin:
        import floors

        count = len(items(args.data, None))
        floors.pin(
            "charsets",
            gate_figures(args.data),
            data=f"{count} items: texts of the shared data sets and bench/data/{PASSAGES.name}",
        )
        return 0
    try:
        import chardet  # noqa: F401
    except ImportError:
        print("chardet is a peer here: pip install 'storyline[bench]'", file=sys.stderr)
        return 2
    batch = items(args.data, args.limit)
    results: dict[str, dict[str, object]] = {}
    wrong_ours: list[Item] = []
    for name, system in SYSTEMS.items():
        results[name], wrong = score(system, batch)
        if name == "ours":
            wrong_ours = wrong
    if args.json:
        print(
            json.dumps({"ours": results["ours"], "peers": {k: v for k, v in results.items() if k != "ours"}})
        )
        return 0
    groups = [g for g in CHARSETS if any(i.group == g for i in batch)]
    header = f"{'system':<20}{'overall':>9}" + "".join(f"{g:>18}" for g in groups) + f"{'items/s':>10}"
    print(f"{len(batch)} items: " + ", ".join(f"{g} {sum(i.group == g for i in batch)}" for g in groups))
    print(header)
    for name, result in results.items():
        rates = result["groups"]
        assert isinstance(rates, dict)
        row = f"{name:<20}{result['exact_rate']:>9.4f}" + "".join(f"{rates.get(g, 0):>18.4f}" for g in groups)
        print(row + f"{result['items_per_s']:>10}")
    names = list(dict.fromkeys(i.charset for i in batch))
    print("\n" + f"{'per charset':<20}" + "".join(f"{c:>12}" for c in names))
    for name, result in results.items():
        rates = result["charsets"]
        assert isinstance(rates, dict)
        print(f"{name:<20}" + "".join(f"{rates[c]:>12.4f}" for c in names))
    sources = list(dict.fromkeys(i.source.split(":")[0] for i in batch))
    print("\n" + f"{'per source':<20}" + "".join(f"{c:>19}" for c in sources))
    for name, result in results.items():
        rates = result["sources"]
        assert isinstance(rates, dict)
        print(f"{name:<20}" + "".join(f"{rates[c]:>19.4f}" for c in sources))
    ours_rate = float(str(results["ours"]["exact_rate"]))
    for peer in ("charset-normalizer", "chardet"):
        peer_rate = float(str(results[peer]["exact_rate"]))
        print(f"ours / {peer}: {ours_rate / peer_rate if peer_rate else float('inf'):.3f}")
    if args.wrong:
        for item in wrong_ours:
            decoded = ours(item.data)
            diff = next((i for i, (a, b) in enumerate(zip(decoded, item.text, strict=False)) if a != b), 0)
            print(f"WRONG {item.source} {item.charset}: {decoded[max(0, diff - 20) : diff + 30]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
