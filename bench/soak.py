"""Soak: ingest a changing corpus round after round for N minutes and watch for slow poisoning —
memory that grows, errors that appear, throughput that drifts down.

    python bench/soak.py [--data demo/corpus] [--minutes 2] [--new 6] [--seed 7] [--json]

Each round (seeded, so a run can be replayed) adds ``--new`` generated articles (paragraphs of the
``--data`` folder's text articles recombined under a new title, with a sentence of their own), edits
two earlier ones, reverts one earlier edit, adds one bad file (empty, binary, NUL-laden, too short,
in turn), then runs ``storyline.ingest`` over the whole folder into one store (with analysis and
grouping, as a user runs it). It records resident memory after every round, the ingest's outcome
counts, skips by code, exceptions by type, and whether every reverted file reads back as its
original text. No peer exists for this (no other tool ingests into a store of its own the same way):
only our figures are printed, with that note.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "demo" / "corpus"
BAD_FILES: tuple[tuple[str, bytes], ...] = (
    ("empty.txt", b""),
    ("noise.txt", bytes(range(256)) * 64),
    ("nul.txt", b"A line of text.\n" + b"\x00" * 9000 + b"More text after the nul bytes.\n"),
    ("short.txt", b"Too short.\n"),
)


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # KiB on Linux


def _paragraphs(data: Path) -> list[str]:
    """Prose paragraphs of the folder's text articles, longer than any line furniture evidence
    counts (28 words), so reusing one on many pages never makes it template."""
    found: list[str] = []
    for path in sorted(data.rglob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if len(line.split()) >= 30:
                found.append(line.strip())
    return found


class Corpus:
    """The changing folder: generated articles, their edits and reverts, and bad files."""

    def __init__(self, folder: Path, paragraphs: list[str], rng: random.Random) -> None:
        self.folder = folder
        self.paragraphs = paragraphs
        self.rng = rng
        self.count = 0
        self.originals: dict[Path, bytes] = {}
        self.edited: list[Path] = []
        self.reverted: list[Path] = []
        # Files stored by an earlier round: only these are edited (an edit must follow an ingest).
        self.stored: list[Path] = []

    def add(self, round_no: int, n: int) -> None:
        self.stored = list(self.originals)
        for _ in range(n):
            self.count += 1
            picked = self.rng.sample(self.paragraphs, k=min(5, len(self.paragraphs)))
            own = (
                f"The council said on day {self.count} of round {round_no} that "
                f"{self.rng.randint(2, 900)} households in district {self.count} were affected."
            )
            title = f"Update {self.count}: {' '.join(picked[0].split()[:7])}"
            text = "\n\n".join([title, own, *picked]) + "\n"
            outlet = self.folder / f"outlet-{self.count % 3}"
            outlet.mkdir(parents=True, exist_ok=True)
            path = outlet / f"article-{self.count:05}.txt"
            path.write_text(text, encoding="utf-8")
            self.originals[path] = text.encode("utf-8")

    def edit(self, n: int) -> None:
        candidates = [p for p in self.stored if p not in self.edited and p not in self.reverted]
        for path in self.rng.sample(candidates, k=min(n, len(candidates))):
            changed = self.originals[path] + b"\nCorrection: an earlier version gave the wrong district.\n"
            path.write_bytes(changed)
            self.edited.append(path)

    def revert(self, n: int) -> None:
        for path in self.edited[:n]:
            path.write_bytes(self.originals[path])
            self.reverted.append(path)
        del self.edited[:n]

    def add_bad(self, round_no: int) -> None:
        name, data = BAD_FILES[round_no % len(BAD_FILES)]
        bad = self.folder / "bad"
        bad.mkdir(parents=True, exist_ok=True)
        (bad / f"{round_no:04}-{name}").write_bytes(data)

    def files(self) -> int:
        return sum(1 for p in self.folder.rglob("*") if p.is_file())


def _revert_mismatches(db: Path, corpus: Corpus, first_texts: dict[str, str]) -> int:
    """Reverted files whose latest revision does not read back as the text first stored for them."""
    import storyline

    latest = {s.article.locator: s.article.text for s in storyline.articles(db=db)}
    return sum(
        1
        for path in corpus.reverted
        if str(path) in first_texts and latest.get(str(path)) != first_texts[str(path)]
    )


def run(data: Path, minutes: float, new: int, seed: int) -> dict[str, Any]:
    import storyline

    rng = random.Random(seed)
    paragraphs = _paragraphs(data)
    if len(paragraphs) < 5:
        raise SystemExit(f"{data} has too few text paragraphs to generate articles from")
    rounds: list[dict[str, Any]] = []
    skips: Counter[str] = Counter()
    exceptions: Counter[str] = Counter()
    rss_start = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus(Path(tmp) / "corpus", paragraphs, rng)
        db = Path(tmp) / "soak.db"
        first_texts: dict[str, str] = {}
        deadline = time.monotonic() + minutes * 60
        round_no = 0
        while time.monotonic() < deadline or round_no < 3:
            round_no += 1
            corpus.add(round_no, new)
            if round_no > 1:
                corpus.edit(2)
            if round_no > 2:
                corpus.revert(1)
            corpus.add_bad(round_no)
            files = corpus.files()
            started = time.perf_counter()
            try:
                report = storyline.ingest([corpus.folder], db=db)
            except Exception as error:  # a soak counts failures instead of stopping at the first
                exceptions[type(error).__name__] += 1
                rounds.append({"round": round_no, "files": files, "error": type(error).__name__})
                continue
            seconds = time.perf_counter() - started
            skips.update(skip.code for skip in report.skipped)
            for stored in storyline.articles(db=db):
                first_texts.setdefault(stored.article.locator, stored.article.text)
            changed = len(report.ingested) + len(report.revised)
            rounds.append(
                {
                    "round": round_no,
                    "files": files,
                    "ingested": len(report.ingested),
                    "revised": len(report.revised),
                    "unchanged": report.unchanged,
                    "skipped": len(report.skipped),
                    "seconds": round(seconds, 2),
                    "changed_docs_per_s": round(changed / seconds, 2),
                    "files_per_s": round(files / seconds, 1),
                    "rss_mb": round(_rss_mb(), 1),
                }
            )
        mismatches = _revert_mismatches(db, corpus, first_texts)
        stored_skips = Counter(skip.code for skip in storyline.skips(db=db))
        articles = len(storyline.articles(db=db))
        stories = len(storyline.stories(db=db))
    done = [r for r in rounds if "error" not in r]
    # Round 1 loads the models: drift is measured over the rounds after it.
    warm = done[1:]
    third = max(1, len(warm) // 3)
    early = [r["changed_docs_per_s"] for r in warm[:third]]
    late = [r["changed_docs_per_s"] for r in warm[-third:]]
    # Rounds 1 and 2 load the models (parsing, then embedding and grouping on the first updates):
    # growth is measured from the end of round 2, which is what a long run would keep adding.
    warmed = done[1]["rss_mb"] if len(done) > 1 else rss_start
    return {
        "minutes": minutes,
        "seed": seed,
        "rounds": len(rounds),
        "articles": articles,
        "stories": stories,
        "files_at_end": rounds[-1]["files"] if rounds else 0,
        "rss_mb_start": round(rss_start, 1),
        "rss_mb_after_round_1": done[0]["rss_mb"] if done else rss_start,
        "rss_mb_after_round_2": warmed,
        "rss_mb_end": round(_rss_mb(), 1),
        "rss_mb_peak": round(_peak_mb(), 1),
        "rss_growth_mb_after_round_2": round((done[-1]["rss_mb"] if done else 0.0) - warmed, 1),
        "exceptions": dict(exceptions),
        "skips_reported_by_code_all_rounds": dict(skips),
        "skips_stored_by_code": dict(stored_skips),
        "internal_errors": stored_skips.get("internal-error", 0),
        "reverted_files": len(corpus.reverted),
        "revert_mismatches": mismatches,
        "changed_docs_per_s_first_third_after_round_1": round(sum(early) / len(early), 2) if early else 0.0,
        "changed_docs_per_s_last_third": round(sum(late) / len(late), 2) if late else 0.0,
        # Below 1: each round got slower (it also walks a folder that keeps growing).
        "throughput_drift": round((sum(late) / len(late)) / (sum(early) / len(early)), 2)
        if early and late and sum(early)
        else 0.0,
        "per_round": rounds,
    }


NOTE = "no peer: no other tool keeps a store this way; our figures only"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--new", type=int, default=6, help="generated articles added per round")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no folder at {args.data}: pass --data FOLDER of text articles", file=sys.stderr)
        return 2
    result = run(args.data, args.minutes, args.new, args.seed)
    if args.json:
        print(json.dumps({"ours": result, "peers": {}, "note": NOTE}, indent=2))
        return 0
    print(f"soak ({NOTE})")
    for key, value in result.items():
        if key != "per_round":
            print(f"  {key:<32}{value}")
    print("  round  files  new  rev  skip  seconds  changed/s  rss_mb")
    for r in result["per_round"]:
        if "error" in r:
            print(f"  {r['round']:>5}  {r['files']:>5}  error: {r['error']}")
            continue
        print(
            f"  {r['round']:>5}  {r['files']:>5}  {r['ingested']:>3}  {r['revised']:>3}  {r['skipped']:>4}"
            f"  {r['seconds']:>7}  {r['changed_docs_per_s']:>9}  {r['rss_mb']:>6}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
