"""Run one ``storyline.ingest`` in a child process under a hard memory limit, and report what it did.

The hostile tests run bombs and special files here rather than in the test process: a regression
then fails one test (MemoryError, or the parent's timeout on a hang) instead of taking the machine's
memory or hanging the suite. The child prints one JSON object: the skips, how many documents were
ingested, their locators, and its peak resident memory.

    python tests/hostile/capped_ingest.py '{"inputs": [...], "db": "...", "sources": {...}, ...}'
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB, from VmHWM: ``ru_maxrss`` survives exec on Linux,
    so a child started from a large parent (pytest with spaCy loaded) would report the parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(spec: dict[str, Any]) -> dict[str, Any]:
    # Address space, not RSS (Linux does not enforce RLIMIT_RSS): a reader that inflates a bomb into
    # memory hits this within a second instead of growing to 10 GB.
    limit = int(spec.get("address_space", 2 * 1024**3))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    import storyline
    from storyline.config import FetchConfig, PipelineConfig, SourceConfig

    config = PipelineConfig(
        sources=SourceConfig(**spec.get("sources", {})),
        fetch=FetchConfig(**spec.get("fetch", {})),
        analyze_on_ingest=False,
    )
    report = storyline.ingest(spec["inputs"], db=spec["db"], config=config)
    stored = storyline.articles(db=spec["db"])
    return {
        "skips": [[s.locator, s.code, s.message] for s in report.skipped],
        "ingested": len(report.ingested),
        "locators": sorted(a.article.locator for a in stored),
        "max_rss_mb": peak_rss_mib(),
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
