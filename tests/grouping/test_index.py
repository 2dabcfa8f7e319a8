"""The centroid index saved beside the store: used only under the stamp it was saved with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storyline.config import StoryConfig
from storyline.grouping.grouper import Grouper
from storyline.grouping.index import index_stamp, load_index, save_index
from tests.grouping.builders import DIM, article, story, unit


def _index() -> Any:
    """The centroid index of a grouper over three stories."""
    states = [story(n, [article(n, [f"w{n}"], vector=unit(1.0, n))]) for n in range(1, 4)]
    return Grouper(StoryConfig(), DIM, states).index


def test_a_saved_index_is_restored_under_its_stamp(tmp_path: Path) -> None:
    path = tmp_path / "s.db.stories.usearch"
    stamp = index_stamp("minilm:3:3:2024", DIM, 10.0)
    save_index(_index(), path, stamp)
    restored = load_index(path, stamp, DIM)
    assert restored is not None and sorted(int(k) for k in restored.keys) == [1, 2, 3]
    # A grouper given it starts from it, as from one it built.
    again = Grouper(
        StoryConfig(),
        DIM,
        [story(n, [article(n, [f"w{n}"], vector=unit(1.0, n))]) for n in range(1, 4)],
        index=restored,
    )
    assert again.place(article(9, ["w2"], vector=unit(1.0, 2)), lambda: 100).story == 2


def test_a_stale_missing_or_unreadable_index_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "s.db.stories.usearch"
    assert load_index(path, "any", DIM) is None
    stamp = index_stamp("minilm:3:3:2024", DIM, 10.0)
    save_index(_index(), path, stamp)
    # Another story count, width or window: another stamp.
    assert load_index(path, index_stamp("minilm:4:4:2024", DIM, 10.0), DIM) is None
    assert load_index(path, stamp, DIM + 1) is None
    path.write_bytes(b"not an index")
    assert load_index(path, stamp, DIM) is None


def test_saving_where_it_cannot_write_is_only_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "no such folder" / "s.usearch"
    save_index(_index(), missing, "stamp")
    assert not missing.exists()
    assert "could not save the story index" in caplog.text
