"""Article summaries on CNN/DailyMail: ours vs Lead-3, sumy's LexRank and TextRank, same run.

Three sentences per article against the reference highlights, scored with the ``rouge-score``
package (stemmer on): ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum F1 (Lsum over newline-separated
sentences). Each article is given to ours as its lines (one paragraph each), through the real
understanding stage (spaCy sentences, the configured embedder) and the summarizer; Lead-3 takes
the first three lines; sumy's summarizers get the same lines as sentences (sumy's own tokenizer
needs NLTK data downloaded at run time, so its words come from a plain regex here).

    python bench/summaries.py [--data FILE] [--json] [--tune]
    python bench/summaries.py --pin    # the quality gate's floors (bench/floors.py)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "summaries-cnndm.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def reference_lines(reference: str) -> list[str]:
    # Highlights come tokenised, sentences ending in " ." : one per line for ROUGE-Lsum.
    return [part.strip() for part in re.split(r"(?<= \.)\s+", reference) if part.strip()]


def score(scorer: Any, summaries: list[list[str]], items: list[dict[str, Any]]) -> dict[str, float]:
    totals = dict.fromkeys(METRICS, 0.0)
    for lines, item in zip(summaries, items, strict=True):
        result = scorer.score("\n".join(reference_lines(item["reference"])), "\n".join(lines))
        for metric in METRICS:
            totals[metric] += result[metric].fmeasure
    return {metric: round(100 * value / len(items), 2) for metric, value in totals.items()}


class _Words:
    """sumy's tokenizer interface without NLTK's downloadable data."""

    language = "english"

    def to_sentences(self, text: str) -> list[str]:
        return [text]

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"\w+(?:'\w+)?", sentence)


def sumy_summaries(items: list[dict[str, Any]], name: str) -> list[list[str]]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    words = _Words()
    summarizer = (LexRankSummarizer if name == "lexrank" else TextRankSummarizer)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    out = []
    for item in items:
        document = ObjectDocumentModel(
            [Paragraph([Sentence(line, words) for line in item["article_lines"] if line.strip()])]
        )
        out.append([str(s) for s in summarizer(document, 3)])
    return out


def prepare(items: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    """Our analysis and sentence vectors of every article (the expensive part, done once)."""
    import numpy as np

    from storyline.config import AnalyzeConfig
    from storyline.model import Article, Block, BlockKind
    from storyline.nlp.analyze import analyze_many
    from storyline.nlp.embed import get_embedder

    articles = [
        Article(
            locator=item["id"],
            content_hash=item["id"],
            title=None,
            blocks=tuple(Block(BlockKind.PARAGRAPH, line) for line in item["article_lines"] if line.strip()),
            language="en",
        )
        for item in items
    ]
    config = AnalyzeConfig()
    analyses = list(analyze_many(articles, config))
    embedder = get_embedder(config.embedder)
    texts = [s.text for a in analyses for s in a.sentences]
    vectors = embedder.embed(texts) if texts else np.zeros((0, embedder.dim), np.float32)
    out = []
    offset = 0
    for analysis in analyses:
        out.append((analysis, vectors[offset : offset + len(analysis.sentences)]))
        offset += len(analysis.sentences)
    return out


def ours(prepared: list[tuple[Any, Any]], config: Any) -> list[list[str]]:
    from storyline.briefs.summarize import Length, select

    return [
        [analysis.sentences[i].text for i in select(analysis.sentences, vectors, config, Length.MEDIUM)]
        for analysis, vectors in prepared
    ]


def gate_figures(data: Path) -> dict[str, float]:
    """The quality gate's figures (bench/floors.py): our ROUGE-1 and ROUGE-Lsum, the two the gate
    also holds above Lead-3's, with the default configuration."""
    from rouge_score import rouge_scorer

    from storyline.config import SummaryConfig

    items = load(data)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    result = score(scorer, ours(prepare(items), SummaryConfig()), items)
    return {"rouge1": result["rouge1"], "rougeLsum": result["rougeLsum"]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--tune", action="store_true", help="grid over the summarizer's settings (first half / second half)"
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="measure the quality gate's figures and write them to bench/floors.json",
    )
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no data at {args.data}: pass --data PATH (summaries-cnndm.jsonl from ../shared/datasets)")
    if args.pin:
        import floors

        count = len(load(args.data))
        floors.pin("summaries", gate_figures(args.data), data=f"{args.data.name}: {count} articles")
        return
    from rouge_score import rouge_scorer

    from storyline.config import SummaryConfig

    items = load(args.data)
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    start = time.perf_counter()
    prepared = prepare(items)
    prepare_s = time.perf_counter() - start
    if args.tune:
        tune(prepared, items, scorer)
        return
    start = time.perf_counter()
    summaries = ours(prepared, SummaryConfig())
    select_ms = (time.perf_counter() - start) * 1000 / len(items)
    result: dict[str, Any] = {
        "items": len(items),
        "ours": {
            **score(scorer, summaries, items),
            "analysis_seconds": round(prepare_s, 1),
            "ms_per_summary": round(select_ms, 2),
        },
        "peers": {
            "lead3": score(scorer, [item["article_lines"][:3] for item in items], items),
            "lexrank": score(scorer, sumy_summaries(items, "lexrank"), items),
            "textrank": score(scorer, sumy_summaries(items, "textrank"), items),
        },
    }
    result["ratio_rouge1_vs_lead3"] = round(result["ours"]["rouge1"] / result["peers"]["lead3"]["rouge1"], 4)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{len(items)} articles, three sentences each, ROUGE F1 x100 (rouge-score, stemmer on)")
    print(f"{'system':<10}" + "".join(f"{m:>11}" for m in METRICS))
    for name, row in [("ours", result["ours"]), *result["peers"].items()]:
        print(f"{name:<10}" + "".join(f"{row[m]:>11.2f}" for m in METRICS))
    print(f"ours / lead3 on ROUGE-1: {result['ratio_rouge1_vs_lead3']}")


def tune(prepared: list[tuple[Any, Any]], items: list[dict[str, Any]], scorer: Any) -> None:
    from storyline.config import SummaryConfig

    half = len(items) // 2
    rows = []
    for weight in (1.0, 1.5):
        for decay in (3.0, 5.0):
            for quote in (0.0, 0.2, 0.4):
                for length in (0.0, 0.2, 0.4):
                    config = replace(
                        SummaryConfig(),
                        position_weight=weight,
                        position_decay=decay,
                        quote_penalty=quote,
                        length_weight=length,
                    )
                    summaries = ours(prepared, config)
                    first = score(scorer, summaries[:half], items[:half])["rouge1"]
                    second = score(scorer, summaries[half:], items[half:])["rouge1"]
                    rows.append((first, second, weight, decay, quote, length))
                    print(f"{weight} {decay} {quote} {length}: first {first} second {second}", flush=True)
    best = max(rows)
    print(f"best on the first half: {best}")
    lead = score(scorer, [item["article_lines"][:3] for item in items[half:]], items[half:])["rouge1"]
    print(f"lead3 on the second half: {lead}")


if __name__ == "__main__":
    main()
