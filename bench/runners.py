"""Two runners into one PostgreSQL store against one: does a second `storyline ingest` add speed?

The demo corpus is split in two halves (pages and the JSON Lines export; text files and feeds). One
runner ingests both halves; then two runners, started together, ingest one half each into a fresh
database of the same server. Reported: wall time of each way, how long each of the two runners
waited for the other's analysis and grouping (the store's stage lock, which the runner logs), and
whether the two ways give the same stories (as sets of article locators).

    python bench/runners.py [--pg-url postgresql+psycopg://USER@HOST:PORT] [--json]

Without --pg-url a throwaway server from scripts/postgres runs in a temporary folder (fsync off).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "corpus"
HALVES = (
    [DEMO / "pages", DEMO / "exports"],
    [DEMO / "text", DEMO / "feeds"],
)
_WAITED = re.compile(r"waited ([\d.]+) s for another runner")


def _ingest(paths: list[Path], url: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "storyline.cli", "ingest", *map(str, paths), "--db", url, "--json"]
    command += ["--outlets", str(ROOT / "demo" / "outlets.txt")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _finish(run: subprocess.Popen[str]) -> float:
    _, err = run.communicate(timeout=3600)
    if run.returncode not in (0, 3):
        raise SystemExit(f"an ingest failed ({run.returncode}): {err[-2000:]}")
    found = _WAITED.findall(err)
    return float(found[0]) if found else 0.0


def _stories(url: str) -> set[frozenset[str]]:
    sys.path.insert(0, str(ROOT / "src"))
    import storyline

    return {frozenset(a.source for a in s.articles) for s in storyline.stories(db=url)}


def _database(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(
        base.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg-url", help="a PostgreSQL server's URL without a database name")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="storyline-bench-runners-"))
    scratch.chmod(0o755)
    folder = None
    out: dict[str, Any] = {}
    try:
        base = args.pg_url
        if base is None:
            folder = scratch / "pg"
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            started = subprocess.run(
                [str(ROOT / "scripts" / "postgres"), "start", str(folder), str(port)],
                capture_output=True,
                text=True,
                check=True,
            )
            base = started.stdout.strip().rsplit("/", 1)[0]
        one = _database(base, "bench_one_runner")
        clock = time.perf_counter()
        _finish(_ingest([*HALVES[0], *HALVES[1]], one))
        out["one_runner_s"] = round(time.perf_counter() - clock, 1)
        two = _database(base, "bench_two_runners")
        clock = time.perf_counter()
        runs = [_ingest(half, two) for half in HALVES]
        waits = [_finish(run) for run in runs]
        out["two_runners_s"] = round(time.perf_counter() - clock, 1)
        out["two_runners_waited_s"] = waits
        out["same_stories"] = _stories(one) == _stories(two)
        out["stories"] = [len(_stories(one)), len(_stories(two))]
    finally:
        if folder is not None:
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(folder)], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(out, indent=2) if args.json else out)


if __name__ == "__main__":
    main()
