"""Draw the sentence pairs to label for "same claim" (docs/annotation.md, section 6).

    python bench/data/sample_claim_pairs.py [--pairs FILE] [--stories FILE] > to-label.jsonl

Fixed before labelling: ``random.Random(20261208)``, half ``same_event`` pairs with
``same_sub_corpus`` true and half ``same_topic_other_event`` pairs, 400 from the tune part and 240
from the test part (bench/data/SPLIT.md). ECB+'s label is left out of what the labeller sees.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import claims as bench

SIZES = {"tune": 400, "test": 240}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=Path, default=bench.DEFAULT_PAIRS)
    parser.add_argument("--stories", type=Path, default=bench.DEFAULT_STORIES)
    args = parser.parse_args()
    pairs = bench.load(args.pairs, args.stories)
    rng = random.Random(20261208)
    for part, size in SIZES.items():
        for positive in (True, False):
            pool = [
                i
                for i, r in enumerate(pairs.rows)
                if pairs.part[i] == part and bool(pairs.positive[i]) == positive
            ]
            for i in sorted(rng.sample(pool, size // 2)):
                r = pairs.rows[i]
                key = f"{r['a']['doc']}:{r['a']['sent']}|{r['b']['doc']}:{r['b']['sent']}"
                print(
                    json.dumps(
                        {
                            "id": key,
                            "topic": r["topic"],
                            "part": part,
                            "a": r["a"]["text"],
                            "b": r["b"]["text"],
                        },
                        ensure_ascii=False,
                    )
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
