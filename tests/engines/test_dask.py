"""The Dask engine on real clusters: the demo corpus ingested on a LocalCluster stores exactly what
the local engine stores; an existing cluster is used by address and left running; a bad address
is a clear configuration error."""

from __future__ import annotations

import logging
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import EngineConfig
from storyline.engines import open_engine
from storyline.engines.dask import DaskEngine
from storyline.errors import ConfigError
from tests.conftest import DEMO, ROOT, demo_config

distributed = pytest.importorskip("distributed")


def snapshot(db: Path) -> dict[str, Any]:
    """Everything an ingest stores that does not depend on when it ran: each article (text,
    title, outlet, dates, removals, repairs) and its analysis by id, each id's locator, the
    stories as sets of locators, and each story's brief (less when it was read)."""
    stored = storyline.articles(db=db)
    locators = {s.id: s.article.locator for s in stored}
    stories = storyline.stories(db=db)
    briefs = {}
    for story in stories:
        members = frozenset(locators[a.id] for a in story.articles)
        brief = storyline.brief_story(story.id, db=db).to_dict()
        brief.pop("seen")  # when storyline last read the story: the run's own time
        briefs[members] = brief
    return {
        "locators": locators,
        "articles": {s.id: s.article for s in stored},
        "analyses": {s.id: s.analysis for s in stored},
        "skips": sorted((s.locator, s.code) for s in storyline.skips(db=db)),
        "stories": set(briefs),
        "briefs": briefs,
    }


@pytest.mark.slow
def test_a_local_cluster_stores_what_the_local_engine_stores(tmp_path: Path) -> None:
    # The defaults: analysis chunks are cut the same whatever the engine, so the int8 embedder (whose
    # vectors depend on their batch-mates) gives the same vectors, story titles and briefs.
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    storyline.ingest([DEMO], db=local, config=demo_config(engine=EngineConfig(name="local", workers=1)))
    config = demo_config(engine=EngineConfig(name="dask", workers=2))
    report = storyline.ingest([DEMO], db=dask, config=config)
    assert len(report.ingested) == 36
    ours, theirs = snapshot(local), snapshot(dask)
    assert all(a is not None for a in theirs["analyses"].values())
    assert len(theirs["stories"]) >= 5
    for key in ours:
        assert theirs[key] == ours[key], key


def _where(item: int) -> tuple[int, str]:
    """The item and the address of the Dask worker that ran it."""
    return item, distributed.get_worker().address


def _thread_cluster(**workers: int) -> Any:
    """A real scheduler and workers reached over TCP on 127.0.0.1, as threads of this process (it
    starts in a moment)."""
    return distributed.LocalCluster(
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.WARNING,
        **workers,
    )


def test_an_existing_cluster_is_used_by_address_and_left_running(tmp_path: Path) -> None:
    # Threads, not processes: a cluster of this process's own threads starts in a moment, and is
    # a real scheduler and worker reached over TCP on 127.0.0.1 all the same.
    with _thread_cluster(n_workers=1, threads_per_worker=2) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        [worker] = cluster.scheduler.workers
        with closing(open_engine(EngineConfig(name=f"dask={address}"))) as engine:
            assert engine.name == "dask" and engine.workers == 2
            assert list(engine.map(_where, range(30))) == [(n, worker) for n in range(30)]
        # Extraction on that cluster, through the pipeline.
        config = demo_config(engine=EngineConfig(name=f"dask={address}"), analyze_on_ingest=False)
        report = storyline.ingest([DEMO / "text"], db=tmp_path / "t.db", config=config)
        assert len(report.ingested) >= 10
        # Joined, not owned: closing the engines left the scheduler and its worker running.
        with distributed.Client(address, timeout=10) as client:
            assert list(client.nthreads().values()) == [2]
            assert client.submit(_where, 7).result() == (7, worker)


def test_a_bad_address_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match=r"127\.0\.0\.1:1 \(Connection refused\)"):
        open_engine(EngineConfig(name="dask=tcp://127.0.0.1:1"))
    with pytest.raises(ConfigError, match="missing port"):
        open_engine(EngineConfig(name="dask=nonsense"))
    with pytest.raises(ConfigError, match="unknown address scheme 'http'"):
        open_engine(EngineConfig(name="dask=http://127.0.0.1:8786"))


def test_a_scheduler_without_workers_is_a_clear_config_error() -> None:
    with _thread_cluster(n_workers=0) as empty, pytest.raises(ConfigError, match="has no workers"):
        DaskEngine(EngineConfig(), empty.scheduler_address, connect_timeout=1)


def _cli_ingest(folder: Path, engine: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "storyline.cli", "ingest", str(folder), "--db", str(folder / "t.db")]
    return subprocess.run(
        [*command, "--engine", engine], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_the_cli_names_a_bad_engine_in_one_line(tmp_path: Path) -> None:
    run = _cli_ingest(tmp_path, "nonsense")
    lines = run.stderr.strip().splitlines()
    assert run.returncode != 0
    assert len(lines) == 1 and "no engine named 'nonsense'" in lines[0], run.stderr
    # A refused scheduler address, likewise: one line, at once.
    run = _cli_ingest(tmp_path, "dask=tcp://127.0.0.1:1")
    lines = run.stderr.strip().splitlines()
    assert run.returncode != 0
    assert len(lines) == 1 and "Connection refused" in lines[0], run.stderr


def test_an_unguarded_script_is_told_to_guard_its_call(tmp_path: Path) -> None:
    # Dask spawns a LocalCluster's workers by importing the caller's script again: a script that
    # calls storyline at its top level used to end in a thousand lines of tracebacks from workers
    # that each started clusters of their own. Now it stops with what to change.
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text("Bridge reopens\n\nThe bridge reopened on Monday.\n")
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import storyline\n"
        "from storyline.config import EngineConfig, PipelineConfig\n"
        f"storyline.ingest([{str(tmp_path / 'news')!r}], db={str(tmp_path / 't.db')!r}, "
        "config=PipelineConfig(engine=EngineConfig(name='dask', workers=1)))\n"
    )
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "storyline.errors.ConfigError: the workers of a new local cluster could not start"
    ), last
    assert 'call storyline under `if __name__ == "__main__":`' in last
