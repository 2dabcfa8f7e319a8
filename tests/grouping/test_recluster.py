"""Average-link clustering of a pool's articles and which story each cluster keeps."""

from __future__ import annotations

import numpy as np

from storyline.grouping.recluster import average_link, match_clusters


def test_groups_alike_on_average_are_one_cluster_and_pairs_kept_apart_never_are() -> None:
    sims = np.array(
        [
            [1.0, 0.6, 0.1, 0.1],
            [0.6, 1.0, 0.1, 0.1],
            [0.1, 0.1, 1.0, 0.5],
            [0.1, 0.1, 0.5, 1.0],
        ]
    )
    labels = average_link(sims, 0.3)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    apart = np.zeros((4, 4), bool)
    apart[2, 3] = True
    kept = average_link(sims, 0.3, apart, "weighted")
    assert kept[2] != kept[3]
    assert average_link(np.ones((1, 1)), 0.3).tolist() == [0]


def test_each_cluster_keeps_the_story_most_of_it_is_in_and_a_split_off_part_gets_a_new_one() -> None:
    labels = np.array([0, 0, 1, 1, 1, 2])
    # Articles of story 7 went to clusters 0 and 1; story 8's to cluster 1; one of 7's to cluster 2.
    stories = [7, 7, 8, 8, 7, 7]
    kept = match_clusters(labels, stories)
    assert kept == {0: 7, 1: 8, 2: None}
