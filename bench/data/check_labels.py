"""Check the brief-quality labels against the articles they quote.

    python bench/data/check_labels.py [--labels bench/data/briefs-labels.jsonl]
                                      [--data ../shared/datasets/stories-ecbplus.jsonl]

For every labelled story it verifies what the benchmark relies on (docs/annotation.md, "Format"):

- the story exists and its ``topic`` is right; ``articles`` are the story's first articles in file
  order (four, or all of them if fewer, never fewer than three);
- every quoted ``article`` is one of the story's labelled articles, and every ``text`` is an exact
  substring of that article that starts and ends on a sentence boundary (so a quote is a whole
  sentence, not a fragment a scorer could never match);
- every speculation ``cue`` is inside its sentence; contradiction kinds, dates and the number of
  facts are in their allowed ranges; a contradiction has sides from at least two articles;
- no story and no topic beyond two stories is labelled twice.

It prints one line per problem and a summary of the label counts, and exits 1 when a problem is
found. It skips cleanly (exit 0, a message saying so) when the shared data set is absent, since the
articles are third-party text kept outside the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LABELS = ROOT / "bench" / "data" / "briefs-labels.jsonl"
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "stories-ecbplus.jsonl"

KINDS = {"figure", "title", "date", "place", "other"}
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
# A sentence ends with terminal punctuation, possibly followed by closing quotes or brackets; a
# headline, dateline or URL line ends at the line break instead, which the boundary test allows.
END_PUNCT = re.compile(r"[.!?…:;]['\"”’)\]]*$")
LABELLED_PER_STORY = 4
MIN_ARTICLES = 3
MAX_STORIES_PER_TOPIC = 2
FACTS_RANGE = (3, 8)


def load_articles(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Articles by id and each story's article ids in file order."""
    by_id: dict[str, dict[str, str]] = {}
    by_story: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            by_id[row["id"]] = row
            by_story.setdefault(row["story"], []).append(row["id"])
    return by_id, by_story


def on_boundary(text: str, quote: str) -> bool:
    """True when ``quote`` occurs in ``text`` starting and ending on a sentence boundary."""
    start = text.find(quote)
    while start != -1:
        end = start + len(quote)
        before = text[:start].rstrip(" \t")
        starts = not before or before.endswith("\n") or bool(END_PUNCT.search(before))
        after = text[end:]
        ends = not after.strip(" \t") or after.lstrip(" \t").startswith("\n") or bool(END_PUNCT.search(quote))
        if starts and ends:
            return True
        start = text.find(quote, start + 1)
    return False


def check_quote(
    problems: list[str], where: str, item: Any, allowed: list[str], by_id: dict[str, dict[str, str]]
) -> None:
    if (
        not isinstance(item, dict)
        or not isinstance(item.get("article"), str)
        or not isinstance(item.get("text"), str)
    ):
        problems.append(f"{where}: a quote needs string 'article' and 'text': {item!r}")
        return
    article, text = item["article"], item["text"]
    if article not in by_id:
        problems.append(f"{where}: article {article!r} is not in the data set")
    elif article not in allowed:
        problems.append(f"{where}: article {article!r} is not one of the story's labelled articles")
    elif text not in by_id[article]["text"]:
        problems.append(f"{where}: text is not an exact substring of {article}: {text[:80]!r}")
    elif not on_boundary(by_id[article]["text"], text):
        problems.append(f"{where}: text is not a whole sentence of {article}: {text[:80]!r}")


def check_story(
    label: dict[str, Any], by_id: dict[str, dict[str, str]], by_story: dict[str, list[str]]
) -> list[str]:
    problems: list[str] = []
    story = label.get("story")
    if story not in by_story:
        return [f"story {story!r}: not in the data set"]
    ids = by_story[story]
    expected = ids[:LABELLED_PER_STORY]
    if len(ids) < MIN_ARTICLES:
        problems.append(f"{story}: only {len(ids)} articles; stories need at least {MIN_ARTICLES}")
    if label.get("articles") != expected:
        problems.append(f"{story}: articles should be the first ones in file order: {expected}")
    if label.get("topic") != by_id[ids[0]]["topic"]:
        problems.append(f"{story}: topic should be {by_id[ids[0]]['topic']!r}")
    allowed = list(label.get("articles") or [])

    lead = label.get("lead") or {}
    if not isinstance(lead.get("fact"), str) or not lead["fact"].strip():
        problems.append(f"{story}: lead.fact is empty")
    if not lead.get("sentences"):
        problems.append(f"{story}: lead has no acceptable sentence")
    for n, item in enumerate(lead.get("sentences") or []):
        check_quote(problems, f"{story} lead[{n}]", item, allowed, by_id)

    for n, item in enumerate(label.get("speculative") or []):
        check_quote(problems, f"{story} speculative[{n}]", item, allowed, by_id)
        cue = item.get("cue") if isinstance(item, dict) else None
        if not isinstance(cue, str) or not cue or cue not in str(item.get("text", "")):
            problems.append(f"{story} speculative[{n}]: cue {cue!r} is not inside its sentence")

    for n, contra in enumerate(label.get("contradictions") or []):
        where = f"{story} contradictions[{n}]"
        if contra.get("kind") not in KINDS:
            problems.append(f"{where}: kind {contra.get('kind')!r} is not one of {sorted(KINDS)}")
        if not contra.get("subject"):
            problems.append(f"{where}: subject is empty")
        sides = contra.get("sides") or []
        for m, side in enumerate(sides):
            check_quote(problems, f"{where} side[{m}]", side, allowed, by_id)
            if not isinstance(side, dict) or not side.get("value"):
                problems.append(f"{where} side[{m}]: value is empty")
        if len({side.get("article") for side in sides if isinstance(side, dict)}) < 2:
            problems.append(f"{where}: a contradiction needs sides from at least two articles")
        if len({str(side.get("value")) for side in sides if isinstance(side, dict)}) < 2:
            problems.append(f"{where}: all sides give the same value")

    facts = label.get("facts") or []
    if not FACTS_RANGE[0] <= len(facts) <= FACTS_RANGE[1]:
        problems.append(
            f"{story}: {len(facts)} facts; the guideline asks for {FACTS_RANGE[0]}-{FACTS_RANGE[1]}"
        )
    for n, fact in enumerate(facts):
        if not fact.get("fact") or not fact.get("sentences"):
            problems.append(f"{story} facts[{n}]: needs a fact and at least one sentence")
        for m, item in enumerate(fact.get("sentences") or []):
            check_quote(problems, f"{story} facts[{n}][{m}]", item, allowed, by_id)

    for n, event in enumerate(label.get("events") or []):
        where = f"{story} events[{n}]"
        check_quote(problems, where, event, allowed, by_id)
        for key in ("kind", "actor"):
            if not isinstance(event.get(key), str) or not event[key].strip():
                problems.append(f"{where}: {key} is empty")
        if event.get("place") is not None and not isinstance(event.get("place"), str):
            problems.append(f"{where}: place must be a string or null")
        date = event.get("date")
        if date is not None and not (isinstance(date, str) and DATE.match(date)):
            problems.append(f"{where}: date {date!r} is not YYYY-MM-DD, YYYY-MM or JSON null")
    if not isinstance(label.get("notes", ""), str):
        problems.append(f"{story}: notes must be a string")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (the ECB+ articles live in ../shared/datasets)")
        return 0
    by_id, by_story = load_articles(args.data)
    labels = [
        json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()
    ]

    problems: list[str] = []
    stories = Counter(str(label.get("story")) for label in labels)
    problems += [f"{story}: labelled {n} times" for story, n in stories.items() if n > 1]
    topics = Counter(str(label.get("topic")) for label in labels)
    problems += [
        f"topic {topic}: {n} stories (at most {MAX_STORIES_PER_TOPIC})"
        for topic, n in topics.items()
        if n > MAX_STORIES_PER_TOPIC
    ]
    counts: Counter[str] = Counter()
    for label in labels:
        problems += check_story(label, by_id, by_story)
        counts["articles"] += len(label.get("articles") or [])
        counts["lead sentences"] += len((label.get("lead") or {}).get("sentences") or [])
        counts["speculative"] += len(label.get("speculative") or [])
        counts["contradictions"] += len(label.get("contradictions") or [])
        counts["facts"] += len(label.get("facts") or [])
        counts["fact sentences"] += sum(len(f.get("sentences") or []) for f in label.get("facts") or [])
        counts["events"] += len(label.get("events") or [])
        counts["dated events"] += sum(1 for e in label.get("events") or [] if e.get("date") is not None)

    for problem in problems:
        print(problem)
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    print(f"{len(labels)} stories, {len(topics)} topics: {summary}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
