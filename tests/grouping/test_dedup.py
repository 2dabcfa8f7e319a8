"""Near-duplicates by MinHash: an edited copy is found, a different report of the same event is not."""

from __future__ import annotations

from storyline.grouping.dedup import bands, best_original, signature, similarity

ORIGINAL = (
    "Rescue teams resumed digging through mud in the mountain village on Tuesday after the landslide, "
    "as the death toll stood at 14. Officials said more than 60 homes had been buried or destroyed and "
    "that soldiers had joined the search. Families waited near the edge of the slide while excavators "
    "cleared the road into the village, and the provincial governor promised temporary housing."
)
EDITED = ORIGINAL.replace("on Tuesday", "on Tuesday morning").replace(
    "promised temporary housing", "promised shelter"
)
OTHER = (
    "A provincial official said the slope above the village had been monitored since heavy rain began, "
    "and that warnings were sent to families two days before it gave way. Geologists will visit the site."
)


def test_edited_copy_is_a_duplicate_and_a_different_report_is_not() -> None:
    a, b, c = signature(ORIGINAL), signature(EDITED), signature(OTHER)
    assert similarity(a, b) >= 0.7
    assert similarity(a, c) < 0.3
    # LSH buckets: the copy shares at least one band with the original.
    assert set(bands(a)) & set(bands(b))
    assert best_original(b, [(1, a), (2, c)]) == (1, similarity(a, b))
    assert best_original(c, [(1, a)]) is None
