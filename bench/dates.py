"""Publication dates: ours vs htmldate on labelled real pages and texts, frozen test part first.

The labels (``bench/data/dates-labels.jsonl``, made by docs/dates-annotation.md before any rule was
tuned on them) give each item's publication date as a careful reader finds it written, or null for
an item that does not say when it was published. The items: the 92 pages of the extraction set
(``../shared/datasets/extraction``), the 537 ECB+ texts (``stories-ecbplus.jsonl``) and the three
seed articles (``../shared/seeds``).

Figures, per part (test first) and in all:
- precision: of the items a system dates, the share dated right (the labelled day, or another day
  the item itself writes as its date: an "updated" line, the address's day beside a dateline's);
- coverage: of the items that have a labelled date, the share dated right;
- wrong per 50 dated: 50 x (dated wrongly) / dated, the issue's target being at most 1;
- dated undated: items labelled undated that a system dates anyway (a date that is not a
  publication date at all: the target is 0).

The peer is htmldate (shipped with trafilatura) on the same bytes: a page as it is, a text wrapped
into one paragraph per line, and the address the item gives (the page's, or a text's address line)
passed as ``url`` so it can read a date in the path as we do. htmldate never fetches here: it is
always given the document itself.

    python bench/dates.py [--labels bench/data/dates-labels.jsonl] [--json] [--errors PART]

``--errors tune`` lists our wrong and unexpected dates on the tune part; the test part's items are
not listed (read them only to retire the part, see docs/dates-annotation.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_LABELS = ROOT / "bench" / "data" / "dates-labels.jsonl"
_ADDRESS = re.compile(r"^https?://\S+$")


class Item:
    """One labelled document: its bytes, the address it gives, and its labelled dates."""

    def __init__(self, label: dict[str, Any], content: bytes, html: bool, url: str | None) -> None:
        self.set = str(label["set"])
        self.id = str(label["id"])
        self.part = str(label["part"])
        self.truth: date | None = date.fromisoformat(label["date"]) if label["date"] else None
        self.accepted = {
            date.fromisoformat(d) for d in ([label["date"]] if label["date"] else []) + label["also"]
        }
        self.content = content
        self.html = html
        self.url = url


def load(labels: Path) -> list[Item]:
    truth = json.loads((SHARED / "datasets" / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    ecb = {
        row["id"]: row["text"]
        for row in map(json.loads, (SHARED / "datasets" / "stories-ecbplus.jsonl").open(encoding="utf-8"))
    }
    items = []
    for label in map(json.loads, labels.open(encoding="utf-8")):
        if label["set"] == "extraction":
            html = gzip.decompress(
                (SHARED / "datasets" / "extraction" / "html" / f"{label['id']}.html.gz").read_bytes()
            )
            items.append(Item(label, html, True, truth[label["id"]]["url"]))
        elif label["set"] == "ecbplus":
            text = ecb[label["id"]]
            first = re.sub(r"\s+", "", text.split("\n", 1)[0])
            items.append(Item(label, text.encode("utf-8"), False, first if _ADDRESS.match(first) else None))
        else:
            path = SHARED / "seeds" / label["id"]
            items.append(Item(label, path.read_bytes(), False, None))
    return items


def ours(item: Item) -> date | None:
    from storyline.config import ExtractConfig, PipelineConfig
    from storyline.errors import InputError
    from storyline.model import ContentKind, RawDocument, SourceKind
    from storyline.pipeline import process

    kind = ContentKind.HTML if item.html else ContentKind.TEXT
    # A page comes with the address it was fetched from; a text gives its own (an address line).
    raw = RawDocument(
        item.id,
        SourceKind.FILE,
        item.content,
        datetime.now(UTC),
        url=item.url if item.html else None,
        content_kind=kind,
    )
    try:
        article = process(raw, PipelineConfig(extract=ExtractConfig(min_words=0, min_text_words=0)))
    except InputError:
        return None
    return article.published.date() if article.published else None


def htmldate_peer(item: Item) -> date | None:
    from htmldate import find_date

    if item.html:
        document = item.content.decode("utf-8", "replace")
    else:
        lines = item.content.decode("utf-8", "replace").split("\n")
        paragraphs = "".join(f"<p>{_escape(line)}</p>" for line in lines if line.strip())
        document = f"<html><body>{paragraphs}</body></html>"
    try:
        found = find_date(document, url=item.url, original_date=True)
    except (ValueError, TypeError):
        return None
    return date.fromisoformat(found) if found else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


SYSTEMS: dict[str, Callable[[Item], date | None]] = {"ours": ours, "htmldate": htmldate_peer}


def figures(items: list[Item], found: dict[str, date | None]) -> dict[str, Any]:
    dated = [i for i in items if found[i.id] is not None]
    right = [i for i in dated if found[i.id] in i.accepted]
    labelled = [i for i in items if i.truth is not None]
    undated_dated = [i for i in dated if i.truth is None]
    return {
        "items": len(items),
        "labelled_dated": len(labelled),
        "dated": len(dated),
        "right": len(right),
        "precision": round(len(right) / len(dated), 4) if dated else None,
        "coverage": round(sum(1 for i in labelled if found[i.id] in i.accepted) / len(labelled), 4)
        if labelled
        else None,
        "wrong_per_50_dated": round(50 * (len(dated) - len(right)) / len(dated), 2) if dated else None,
        "dated_undated": len(undated_dated),
    }


def report(items: list[Item], results: dict[str, dict[str, date | None]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in ("test", "tune", "all"):
        chosen = [i for i in items if part == "all" or i.part == part]
        out[part] = {name: figures(chosen, found) for name, found in results.items()}
        out[part]["by_set"] = {
            name: {
                s: figures([i for i in chosen if i.set == s], found) for s in sorted({i.set for i in chosen})
            }
            for name, found in results.items()
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--errors", choices=("tune",), help="list our wrong dates on the tune part")
    args = parser.parse_args()
    if not (SHARED / "datasets" / "extraction").exists():
        sys.exit(f"no data at {SHARED / 'datasets'}: the labelled items are read from ../shared")
    items = load(args.labels)
    results = {name: {i.id: system(i) for i in items} for name, system in SYSTEMS.items()}
    out = report(items, results)
    if args.errors:
        for i in items:
            got = results["ours"][i.id]
            if i.part == args.errors and got is not None and got not in i.accepted:
                print(f"{i.set} {i.id}: ours {got}, label {i.truth or 'undated'}", file=sys.stderr)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for part in ("test", "tune", "all"):
        print(f"{part}:")
        for name in SYSTEMS:
            f = out[part][name]
            print(
                f"  {name:9} precision {f['precision']}  coverage {f['coverage']}  wrong/50 dated "
                f"{f['wrong_per_50_dated']}  dated undated {f['dated_undated']}  ({f['right']}/{f['dated']} dated right, "
                f"{f['labelled_dated']} with a date)"
            )


if __name__ == "__main__":
    main()
