"""The runner: wires sources, the stages and the store, in order. Stages know nothing of the
database; this package is the only place that hands their results to it. Follow one article:

- ``run.py``      ingest: read, extract (on the engine), remove furniture, repair, store; then the rest
- ``analyse.py``  sentences, hedges, entities, events, embeddings (on the engine), store
- ``group.py``    place in a story (``grouping/``), store; hand-made merges and splits
- ``brief.py``    a story's facts and brief from its stored articles
- ``tasks.py``    the stage work an engine's workers run (extract, analyse, embed a chunk)
- ``watch.py``    watching feeds: poll each when due and ingest its new items

The heavy work runs on an engine (``storyline.engines``: local processes or Dask); everything the
store sees happens in this process, in input order, so every engine gives the same result.
"""

from storyline.pipeline.analyse import analyze_pending
from storyline.pipeline.brief import brief_article, brief_story, briefing, story_facts, warm_briefs
from storyline.pipeline.group import group_pending, merge_stories, split_story
from storyline.pipeline.progress import ProgressHook
from storyline.pipeline.run import ingest, ingest_documents, process
from storyline.pipeline.watch import watch_feeds

__all__ = [
    "ProgressHook",
    "analyze_pending",
    "brief_article",
    "brief_story",
    "briefing",
    "group_pending",
    "ingest",
    "ingest_documents",
    "merge_stories",
    "process",
    "split_story",
    "story_facts",
    "warm_briefs",
    "watch_feeds",
]
