"""`storyline watch` against one hostile feed (issue 26, case 3): the time and peak memory of one poll
of a feed of many teasers whose pages are large, and how long SIGTERM takes to stop the watcher
during a page that never finishes, during the extraction of large pages and during their analysis.

The feed and its pages come from tests/hostile/hostile_server.py on 127.0.0.1 (generated, nothing
stored); the watcher is the ``storyline`` of this environment with ``--src`` first on its path, so
the same run measures another checkout (``--src /work/main/src``) for a before/after comparison.

    python bench/hostile_watch.py [--items 500] [--page-mb 2] [--src DIR] [--json] [--host-gap 0.05]
                                  [--budget default|none]

``--budget none`` lifts the poll budget (every item in one poll), to show that memory does not
grow with the feed; ``default`` keeps WatchConfig's. The host gap is small by default so the poll
measures the watcher, not the politeness wait (the default 2 s would be 1,000 s of waiting for
500 items of one host).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.peak import hwm_mib, stored_rows, tree_rss  # noqa: E402  (the measuring helpers live with the tests)

SERVER = ROOT / "tests" / "hostile" / "hostile_server.py"
STORYLINE = Path(sys.executable).with_name("storyline")


class _Watcher:
    """One ``storyline watch`` process, its peak memory sampled every 0.2 s."""

    def __init__(self, feeds: Path, work: Path, src: str, settings: Path, once: bool) -> None:
        self.log = work / "watch.log"
        command = [str(STORYLINE), "watch", str(feeds), "--allow-private", "--db", str(work / "w.db")]
        command += ["--config", str(settings)] + (["--once"] if once else [])
        env = {**os.environ, "PYTHONPATH": src}
        env.pop("STORYLINE_DB", None)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=self.log.open("wb"), start_new_session=True
        )
        self.runner_mib = self.tree_mib = 0.0

    def sample(self) -> bool:
        """Take one sample; whether the watcher still runs."""
        if self.process.poll() is not None:
            return False
        self.runner_mib = max(self.runner_mib, hwm_mib(self.process.pid))
        self.tree_mib = max(self.tree_mib, sum(tree_rss(self.process.pid)))
        return True

    def wait_for(self, condition: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if not self.sample() or time.monotonic() > deadline:
                raise RuntimeError(f"the watcher never got there: {self.text()[-1500:]}")
            time.sleep(0.2)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop_latency(self) -> float:
        sent = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        while self.sample():
            if time.monotonic() - sent > 600:
                os.killpg(self.process.pid, signal.SIGKILL)
                return float("inf")
            time.sleep(0.05)
        return time.monotonic() - sent


def _requested(base: str, path: str) -> bool:
    with urllib.request.urlopen(f"{base}/log", timeout=5) as response:
        return any(line.split(" ", 2)[2] == path for line in response.read().decode().splitlines())


def _stopped(watcher: _Watcher) -> dict[str, Any]:
    return {"seconds": round(watcher.stop_latency(), 2), "exit": watcher.process.returncode}


def run(args: argparse.Namespace) -> dict[str, Any]:
    server = subprocess.Popen(
        [sys.executable, str(SERVER), "0.3"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{int(server.stdout.readline())}"
        results: dict[str, Any] = {}
        with tempfile.TemporaryDirectory() as tmp:
            settings = Path(tmp) / "storyline.toml"
            lines = ["[watch]", f"host_gap_s = {args.host_gap}"]
            if args.budget == "none":
                lines += [
                    "poll_max_items = 100000",
                    "poll_max_bytes = 1000000000000",
                    "poll_max_s = 100000.0",
                ]
            settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
            size = int(args.page_mb * 1_000_000)

            def start(name: str, feed: str, *, once: bool) -> _Watcher:
                work = Path(tmp) / name
                work.mkdir()
                feeds = work / "feeds.txt"
                feeds.write_text(f"{base}{feed}\n", encoding="utf-8")
                return _Watcher(feeds, work, args.src, settings, once=once)

            # One poll of the whole feed.
            watcher = start("poll", f"/big-feed/{args.items}/{size}", once=True)
            while watcher.sample():
                time.sleep(0.2)
            poll = [line for line in watcher.text().splitlines() if " poll " in line]
            results["poll"] = {
                "exit": watcher.process.returncode,
                "seconds": round(time.monotonic() - watcher.started, 1),
                "runner_peak_mib": round(watcher.runner_mib),
                "tree_peak_mib": round(watcher.tree_mib),
                "line": poll[-1].split(" INFO ", 1)[-1][:300] if poll else "",
            }
            # SIGTERM during a page that never finishes (one byte every 0.3 s).
            watcher = start("drip", "/drip-feed", once=False)
            watcher.wait_for(lambda: _requested(base, "/drip"), 120)
            time.sleep(2.0)
            results["sigterm_during_fetch"] = _stopped(watcher)
            # SIGTERM while the workers extract large pages.
            watcher = start("extract", f"/big-feed/{args.items}/{size}", once=False)
            watcher.wait_for(lambda: "engine local started" in watcher.text(), 600)
            time.sleep(3.0)
            results["sigterm_during_extraction"] = _stopped(watcher)
            # SIGTERM once the first articles are analysed (the stage after extraction).
            watcher = start("analysis", f"/big-feed/{min(args.items, 60)}/{size}", once=False)
            watcher.wait_for(lambda: stored_rows(Path(tmp) / "analysis" / "w.db", "analyses") > 0, 900)
            results["sigterm_during_analysis"] = _stopped(watcher)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--page-mb", type=float, default=2.0)
    parser.add_argument("--src", default=str(ROOT / "src"), help="the storyline checkout's src to measure")
    parser.add_argument("--host-gap", type=float, default=0.05)
    parser.add_argument("--budget", choices=("default", "none"), default="default")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    poll = results["poll"]
    print(f"feed of {args.items} teasers x {args.page_mb:g} MB pages, src {args.src}, budget {args.budget}")
    print(
        f"one poll: exit {poll['exit']}, {poll['seconds']} s, runner peak {poll['runner_peak_mib']} MiB, "
        f"all processes {poll['tree_peak_mib']} MiB\n  {poll['line']}"
    )
    for case in ("sigterm_during_fetch", "sigterm_during_extraction", "sigterm_during_analysis"):
        print(f"{case}: exit {results[case]['exit']} after {results[case]['seconds']} s")


if __name__ == "__main__":
    main()
