"""Average-link clustering of a few stories' articles: what the repair after arrival decides with.

Placing articles one at a time depends on their order: the first reports of one event may start
two stories before the article that shows they are one arrives, and an early article may pull in
a report of another event of the same kind. Once a batch is placed, the articles of the stories it
touched (and of their nearest neighbours) are clustered again, all at once, by average link over
the same similarity the grouper joins by (its core-fact conflicts included): two groups are one
story when their articles are alike on average. Pairs that must stay apart (dated too far apart,
or kept apart by hand) count as wholly unlike.
"""

from __future__ import annotations

import numpy as np

# The distance given to a pair that must stay apart: far beyond any real one (1 - similarity is
# at most about 1.3), so that a group holding such a pair is, on average, too far to merge unless
# nearly all its other pairs are near-copies.
_APART = 10.0


def average_link(
    sims: np.ndarray, threshold: float, apart: np.ndarray | None = None, method: str = "average"
) -> np.ndarray:
    """Cluster labels (0, 1, ...) of the items whose pairwise similarities are ``sims``: groups
    merge while the best pair of groups is at least ``threshold`` alike on average. ``apart``
    marks the pairs that must never be together."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(sims)
    if n < 2:
        return np.zeros(n, np.int64)
    distance = np.clip(1.0 - (sims + sims.T) / 2.0, 0.0, None).astype(np.float64)
    if apart is not None:
        distance[apart | apart.T] = _APART
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method=method)
    labels: np.ndarray = fcluster(tree, t=1.0 - threshold, criterion="distance") - 1
    return labels.astype(np.int64)


def match_clusters(labels: np.ndarray, stories: list[int]) -> dict[int, int | None]:
    """Which story each cluster keeps: the one most of its articles are in (``stories[i]`` is
    article ``i``'s), each story kept by one cluster at most, larger overlaps first. A cluster
    left without one (a story split in two) gets None: a new story."""
    overlap: dict[tuple[int, int], int] = {}
    for label, story in zip(labels.tolist(), stories, strict=True):
        overlap[(label, story)] = overlap.get((label, story), 0) + 1
    kept: dict[int, int | None] = {int(label): None for label in set(labels.tolist())}
    taken: set[int] = set()
    for (label, story), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])):
        if kept[label] is None and story not in taken:
            kept[label] = story
            taken.add(story)
    return kept
