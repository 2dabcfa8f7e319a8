"""Speed of briefs: a 50-article story, and every story of the demo corpus.

The demo corpus (``--data``) is ingested into a temporary store. Then:

- the whole corpus: ``storyline.briefing`` over all its stories (reading the store included);
- a 50-article story: the articles of the demo's largest story repeated under 50 outlets (the
  sentences are real, so facts, agreement and discrepancies do real work), briefed by the builder
  (no database), median of ``--repeat`` runs;
- the peer is Lead-3 over the same 50 articles (three first sentences each, no comparison), for
  scale.

    python bench/briefs.py [--data demo/corpus] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "demo" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import storyline
    from storyline.briefs.brief import brief_story
    from storyline.config import PipelineConfig, StoreConfig
    from storyline.model import Article, StoryArticle
    from storyline.pipeline.brief import _sources
    from storyline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "briefs.db"
        storyline.ingest([args.data], db=db)
        stories = storyline.stories(db)
        storyline.briefing(db, count=1)  # load the embedder once, outside the timings
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            storyline.briefing(db, count=len(stories), length="medium")
            runs.append(time.perf_counter() - start)
        corpus_s = statistics.median(runs)
        biggest = max(stories, key=lambda s: len(s.articles))
        with Store.open(StoreConfig.for_path(db)) as store:
            members = store.articles_by_ids([a.id for a in biggest.articles])
            base = _sources(
                store, members, PipelineConfig(), {a.id: a.duplicate_of for a in biggest.articles}
            )
    sources = []
    members_out = []
    for n in range(args.articles):
        source = base[n % len(base)]
        outlet = f"Outlet {n:02d}"
        article: Article = replace(source.article, outlet=outlet)
        sources.append(replace(source, article_id=10_000 + n, article=article, duplicate_of=None))
        members_out.append(
            StoryArticle(10_000 + n, outlet, article.title, article.locator, article.published, 1.0)
        )
    story = replace(biggest, articles=tuple(members_out))
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        brief = brief_story(story, sources)
        timings.append(time.perf_counter() - start)
    lead3 = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        _ = [[s.text for s in src.analysis.sentences[:3]] for src in sources]
        lead3.append(time.perf_counter() - start)
    result = {
        "ours": {
            "story_articles": args.articles,
            "sentences": sum(len(s.analysis.sentences) for s in sources),
            "seconds_per_story_brief": round(statistics.median(timings), 4),
            "brief_sentences": len(brief.sentences()),
            "demo_stories": len(stories),
            "seconds_whole_demo_briefing": round(corpus_s, 3),
        },
        "peers": {"lead3": {"seconds_per_story": round(statistics.median(lead3), 6)}},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    ours = result["ours"]
    print(
        f"{ours['story_articles']}-article story ({ours['sentences']} sentences): "
        f"{ours['seconds_per_story_brief'] * 1000:.0f} ms per brief (median of {args.repeat}); "
        f"Lead-3 of the same articles: {result['peers']['lead3']['seconds_per_story'] * 1000:.2f} ms (no comparison)"
    )
    print(
        f"whole demo corpus ({ours['demo_stories']} stories, store reads included): {ours['seconds_whole_demo_briefing']:.2f} s"
    )


if __name__ == "__main__":
    main()
