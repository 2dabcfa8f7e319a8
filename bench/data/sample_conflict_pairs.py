"""Draw the sentence pairs to label for "do these two sentences contradict each other" (docs/
annotation.md, section 7): the candidates the facts layer has to decide on, across *all* articles of
each ECB+ story, not only the four the brief labels cover.

    python bench/data/sample_conflict_pairs.py --db STORE > bench/data/conflict-pairs.jsonl

``STORE`` is a store holding every article of ``stories-ecbplus.jsonl`` as ``bench/stories.py``
ingests them (``--db-dir DIR`` keeps it as ``DIR/normal.db``; an article's locator is the export's
path and its line number). A candidate is two eligible claims of two articles of one gold story
whose figures share a slot (same thing counted, same aggregate and year) with no value of one
compatible with a value of the other: the pool any conflict rule draws from.

Fixed before labelling (2026-12-08), with ``random.Random(20261209)``: every candidate that the code
of that day put on two sides of one conflict (stratum ``flagged``, inclusion 1), and up to ``CAP``
others per story drawn at random (stratum ``other``, inclusion ``drawn / pool``). The stratum and
the inclusion are for the benchmark's weighted estimates (``bench/conflicts.py``) and are not shown
to the labeller. A pair is in the test part when its story is a test story of ``split.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conflicts import DEFAULT_STORIES, candidates, pair_key

CAP = 15
HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=Path, required=True, help="a store of every ECB+ article (bench/stories.py)"
    )
    parser.add_argument("--stories", type=Path, default=DEFAULT_STORIES)
    args = parser.parse_args()
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))
    test = set(split["test_stories"])
    pool, flagged = candidates(args.db, args.stories, shown="all")
    rng = random.Random(20261209)
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in pool:
        by_story[row["story"]].append(row)
    out = []
    for story, rows in sorted(by_story.items()):
        marked = [r for r in rows if pair_key(story, r["a"]["text"], r["b"]["text"]) in flagged]
        others = [r for r in rows if pair_key(story, r["a"]["text"], r["b"]["text"]) not in flagged]
        drawn = rng.sample(others, min(CAP, len(others)))
        for stratum, chosen, inclusion in (
            ("flagged", marked, 1.0),
            ("other", drawn, len(drawn) / len(others) if others else 1.0),
        ):
            for r in chosen:
                out.append(
                    {
                        **r,
                        "part": "test" if story in test else "tune",
                        "stratum": stratum,
                        "inclusion": round(inclusion, 6),
                    }
                )
    rng.shuffle(out)
    for n, row in enumerate(out):
        print(json.dumps({"id": f"c{n:04d}", "topic": row["story"].split("-")[0], **row}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
