"""bench/poll_phases.py: a poll over real pages served from local hosts is timed by phase, and
fetching alone takes at least the politeness gap the watcher keeps between two pages of a host."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import poll_phases as bench


@pytest.mark.slow
@pytest.mark.skipif(not bench.PAGES.is_dir(), reason="../shared/datasets is not here")
def test_a_poll_of_six_real_pages_on_two_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--pages", "6", "--hosts", "2", "--workers", "1", "--host-gap", "0.5", "--json"]
    assert bench.main(args) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    assert report["fetch_alone"] == {**report["fetch_alone"], "pages": 6, "skips": 0}
    # Three pages a host, 0.5 s apart: the first at once, two more after a gap each.
    assert report["fetch_alone"]["seconds"] >= 1.0
    poll = report["poll"]
    assert poll["ingested"] == 6 and poll["stories"] >= 1
    assert all(v >= 0 for v in poll["phases_s"].values())
    assert poll["phases_s"]["analyse"] > 0
    assert sum(poll["phases_s"].values()) == pytest.approx(poll["seconds"], abs=0.1)
