"""Grouping articles into stories and stories into threads.

One article's way, in reading order:

- :mod:`~storyline.grouping.terms` and :mod:`~storyline.grouping.profile`: what is compared of an
  article (its word and name vectors, embedding, entities, the people it leads with);
- :mod:`~storyline.grouping.dedup`: its MinHash signature, to find the article it copies;
- :mod:`~storyline.grouping.assign`: where it goes (its earlier revision's story, its original's,
  else the grouper's choice) and what the store must save;
- :mod:`~storyline.grouping.grouper`: the online grouper (candidates from the centroid index,
  joining or starting a story, local repair, eviction), comparing with
  :mod:`~storyline.grouping.similarity` over :mod:`~storyline.grouping.state`'s stories;
- :mod:`~storyline.grouping.threads`: stories sharing their leading actors and places;
- :mod:`~storyline.grouping.index`: the centroid index saved beside the store between runs.

Nothing here touches the database: the pipeline reads stored records (``model.StoryRecord``),
calls grouping, and saves what it returns.
"""
