"""The memory of a `storyline watch` poll over large pages (issue 26, case 3): the pages go to the
store as they arrive, so the runner's peak does not grow with the feed. Before, every page of a poll
was held until the feed was done (+2 MB of the runner for each 2 MB page, ~50 GB for a feed of 5,000
9 MB pages).

The runner's own high-water mark (VmHWM, tests/hostile/peak.py) of one poll of a few pages is
compared with that of a poll of many, every budget lifted so that nothing but the streaming holds
memory down. Measured (2 cores shared with other work), the runner's peak: 8 pages 506 MiB, 120
pages 525-548 MiB (52-60 s); the code before the streaming (bde9fe3^): 8 pages 533 MiB, 120 pages
968 MiB, +435 MiB, twice the bound below."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import STORYLINE, child_env
from tests.hostile.peak import Measured, run_measured

PAGE_BYTES = 4_000_000
MANY = 120
FEW = 8
MIB = 1024**2


def _poll(server: str, tmp_path: Path, count: int) -> Measured:
    """One `storyline watch --once` of a feed of ``count`` teasers whose pages are PAGE_BYTES each,
    with no budget that would stop the poll before the last item."""
    if not STORYLINE.exists():
        pytest.skip(f"{STORYLINE} is not installed")
    work = tmp_path / str(count)
    work.mkdir()
    feeds = work / "feeds.txt"
    feeds.write_text(f"http://{server}/big-feed/{count}/{PAGE_BYTES}\n", encoding="utf-8")
    settings = work / "storyline.toml"
    settings.write_text(
        "[watch]\nhost_gap_s = 0.0\npoll_max_items = 100000\npoll_max_bytes = 100000000000\n"
        "poll_max_s = 100000.0\n",
        encoding="utf-8",
    )
    command = [str(STORYLINE), "watch", str(feeds), "--once", "--allow-private", "--db", str(work / "w.db")]
    measured = run_measured([*command, "--config", str(settings)], timeout=600, env=child_env())
    assert measured.returncode == 0, measured.stderr[-2000:]
    assert f"200, {count} new, " in measured.stderr, measured.stderr[-2000:]
    assert "deferred" not in measured.stderr
    return measured


@pytest.mark.slow  # two polls, 8 and 120 pages of 4 MB: 65-80 s
def test_the_runner_memory_of_a_poll_does_not_grow_with_its_pages(server: str, tmp_path: Path) -> None:
    few = _poll(server, tmp_path, FEW)
    many = _poll(server, tmp_path, MANY)
    print(f"watch --once, {FEW} pages of {PAGE_BYTES / MIB:.1f} MiB: {few.line()}")
    print(f"watch --once, {MANY} pages: {many.line()}")
    # Holding the poll's pages would add all of them to the runner: (120 - 8) x 3.8 MiB = 427 MiB.
    # Streamed, the runner holds a few pages at a time (the fetched-ahead ones and the batch in
    # flight to the workers); half of that growth is a generous bound for allocator noise.
    held_mib = (MANY - FEW) * PAGE_BYTES / MIB
    assert many.peak_runner_mib - few.peak_runner_mib < held_mib / 2, (few.line(), many.line())
