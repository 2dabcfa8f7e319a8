"""Brief quality on real multi-article news, section by section, against hand labels.

    python bench/briefs_quality.py [--labels bench/data/briefs-labels.jsonl]
                                   [--data ../shared/datasets/stories-ecbplus.jsonl] [--limit N] [--json]

For each labelled story (``bench/data/briefs-labels.jsonl``, written by the guideline in
``docs/annotation.md``), its labelled ECB+ articles are written as ``.txt`` files into a temporary
folder and ingested through ``storyline.ingest`` into a fresh store, so the real extraction and
analysis run. The articles are made one story (this measures briefs, not grouping: a split is
merged with ``storyline.merge_stories``), briefed with ``storyline.brief_story(length="long")``
and scored per section:

- speculation (brief): the brief's speculation items that are labelled speculative sentences;
  recall is over every labelled speculative sentence (a brief lists a few, so it stays low);
- speculation (sentences): every analysed sentence's hedged flag (``Sentence.hedged``: score at or
  above ``config.HEDGE_THRESHOLD``) against the labels (a sentence not labelled speculative is not);
- discrepancies: a flagged discrepancy is right when two of its sides match the sentences of two
  different sides of one labelled contradiction; recall over labelled contradictions;
- lead: the brief's lead sentence is one of the acceptable lead sentences, or a sentence of the
  labelled fact that is the lead fact;
- timeline: an entry is right when its sentence is a labelled event's sentence, or it has a
  labelled event's kind (a word in common: "charge" is "charges filed") and actor (a word in
  common with the labelled actor); recall over labelled events; "dated" is the share with a date;
- agreement: an "agreed" item is right when its sentence belongs to a labelled fact stated by at
  least two labelled articles;
- citations: every citation after the first of a brief sentence is supported when its article has
  a sentence in the labelled fact the brief sentence belongs to, or the cited sentence is the brief
  sentence's own text (a syndicated copy); otherwise unsupported (labels cover the key facts only,
  so a correct citation of a minor claim counts as unsupported: this figure is a lower bound).

A sentence of ours matches a labelled one when they come from the same article and one contains
the other (at least four words), or their word sets overlap by at least 0.7 (Jaccard): our
sentence splitter and the labeller's may cut a sentence differently.

The peer, in the same run on the same analysed sentences, is a simple baseline: the lead is the
first sentence of the first article, speculation is a cue-word list
(may|might|could|reportedly|allegedly|possibly), and there are no discrepancies, agreement,
timeline or extra citations (a section a system does not produce scores no items).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = ROOT / "bench" / "data" / "briefs-labels.jsonl"
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "stories-ecbplus.jsonl"
BASELINE_CUES = re.compile(r"\b(may|might|could|reportedly|allegedly|possibly)\b", re.IGNORECASE)
SECTIONS = (
    "speculation (brief)",
    "speculation (sentences)",
    "discrepancies",
    "lead",
    "timeline",
    "agreement",
    "citations",
)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def same_sentence(ours: str, labelled: str) -> bool:
    """Do two sentences (ours and a label's) say the same words, however the splitters cut them?"""
    a, b = words(ours), words(labelled)
    if not a or not b:
        return False
    ja, jb = " ".join(a), " ".join(b)
    if min(len(a), len(b)) >= 4 and (ja in jb or jb in ja):
        return True
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) >= 0.7


@dataclass
class Score:
    """Items a system shows, how many are right, and how many labelled ones it found."""

    items: int = 0
    right: int = 0
    found: int = 0
    labelled: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def add(self, other: Score) -> None:
        self.items += other.items
        self.right += other.right
        self.found += other.found
        self.labelled += other.labelled
        for key, value in other.extra.items():
            self.extra[key] = self.extra.get(key, 0.0) + value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "items": self.items,
            "right": self.right,
            "precision": round(self.right / self.items, 4) if self.items else None,
            "recall": round(self.found / self.labelled, 4) if self.labelled else None,
        }
        if "dated" in self.extra:
            out["dated"] = round(self.extra["dated"] / self.items, 4) if self.items else None
        return out


@dataclass(frozen=True)
class Said:
    """One sentence as the system shows it: the ECB+ article it comes from and its words."""

    article: str
    text: str


def matches(said: Said, labelled: Iterable[dict[str, Any]]) -> bool:
    return any(said.article == x["article"] and same_sentence(said.text, x["text"]) for x in labelled)


# --- scoring of one story ------------------------------------------------------------------------


def score_speculation_items(items: Sequence[Said], label: dict[str, Any]) -> Score:
    spec = label.get("speculative", [])
    return Score(
        items=len(items),
        right=sum(matches(s, spec) for s in items),
        found=sum(
            any(s.article == x["article"] and same_sentence(s.text, x["text"]) for s in items) for x in spec
        ),
        labelled=len(spec),
    )


def score_speculation_flags(flags: Sequence[tuple[Said, bool]], label: dict[str, Any]) -> Score:
    spec = label.get("speculative", [])
    gold = [matches(s, spec) for s, _ in flags]
    return Score(
        items=sum(flag for _, flag in flags),
        right=sum(flag and g for (_, flag), g in zip(flags, gold, strict=True)),
        found=sum(flag and g for (_, flag), g in zip(flags, gold, strict=True)),
        labelled=sum(gold),
    )


def score_discrepancies(flagged: Sequence[Sequence[Said]], label: dict[str, Any]) -> Score:
    contradictions = label.get("contradictions", [])

    def hits(sides: Sequence[Said], contradiction: dict[str, Any]) -> bool:
        # Right only when the flagged sides match labelled sides that give different values: two
        # sentences that agree ("five" and "five") are no contradiction, even inside a labelled one.
        labelled = contradiction["sides"]
        matched = {k for k, side in enumerate(labelled) for s in sides if matches(s, [side])}
        return len({str(labelled[k].get("value", k)) for k in matched}) >= 2

    return Score(
        items=len(flagged),
        right=sum(any(hits(sides, c) for c in contradictions) for sides in flagged),
        found=sum(any(hits(sides, c) for sides in flagged) for c in contradictions),
        labelled=len(contradictions),
    )


def lead_sentences(label: dict[str, Any]) -> list[dict[str, Any]]:
    lead = label.get("lead") or {}
    accepted = list(lead.get("sentences", []))
    for fact in label.get("facts", []):
        if lead.get("fact") and fact.get("fact") == lead.get("fact"):
            accepted.extend(fact.get("sentences", []))
    return accepted


def score_lead(said: Said | None, label: dict[str, Any]) -> Score:
    if said is None:
        return Score(labelled=1)
    right = int(matches(said, lead_sentences(label)))
    return Score(items=1, right=right, found=right, labelled=1)


def same_kind(ours: str, theirs: str) -> bool:
    """Labelled kinds are free phrases ("charges filed", "arrests", "product launch"): a kind matches
    when a word of it shares its first five letters with ours ("charge", "arrest", "launch")."""
    stems = {w[:5] for w in words(theirs) if len(w) >= 4}
    return any(w[:5] in stems for w in words(ours) if len(w) >= 4)


def score_timeline(entries: Sequence[tuple[Said, str, Sequence[str], bool]], label: dict[str, Any]) -> Score:
    events = label.get("events", [])

    def same_actor(ours: Sequence[str], theirs: str) -> bool:
        names = set(words(theirs)) - {"the", "of", "a", "an", "and"}
        return any(names & (set(words(actor)) - {"the", "of", "a", "an", "and"}) for actor in ours)

    def hit(entry: tuple[Said, str, Sequence[str], bool], event: dict[str, Any]) -> bool:
        said, kind, actors, _ = entry
        if said.article == event.get("article") and same_sentence(said.text, event.get("text", "")):
            return True
        return same_kind(kind, event.get("kind") or "") and same_actor(actors, event.get("actor") or "")

    return Score(
        items=len(entries),
        right=sum(any(hit(e, ev) for ev in events) for e in entries),
        found=sum(any(hit(e, ev) for e in entries) for ev in events),
        labelled=len(events),
        extra={"dated": float(sum(dated for *_, dated in entries))},
    )


def facts_of(said: Said, label: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in label.get("facts", []) if matches(said, f.get("sentences", []))]


def score_agreement(items: Sequence[Said], label: dict[str, Any]) -> Score:
    agreed = [f for f in label.get("facts", []) if len({s["article"] for s in f.get("sentences", [])}) >= 2]
    right = sum(any(f in agreed for f in facts_of(s, label)) for s in items)
    found = sum(any(matches(s, f["sentences"]) for s in items) for f in agreed)
    return Score(items=len(items), right=right, found=found, labelled=len(agreed))


def score_citations(cited: Sequence[tuple[Said, Sequence[Said]]], label: dict[str, Any]) -> Score:
    """``cited``: each brief sentence with the sentences of its extra citations. An extra citation
    is supported when its article has a sentence in a labelled fact the brief sentence belongs to,
    or when the cited sentence is the brief sentence in other words of the same text (a syndicated
    copy states what it copies)."""
    score = Score()
    for said, extra in cited:
        articles = {s["article"] for f in facts_of(said, label) for s in f.get("sentences", [])}
        score.items += len(extra)
        score.right += sum(e.article in articles or same_sentence(e.text, said.text) for e in extra)
    return score


# --- running the system --------------------------------------------------------------------------


@dataclass
class Run:
    """What one system showed for one story, in the terms the scorers take."""

    speculation: list[Said] = field(default_factory=list)
    flags: list[tuple[Said, bool]] = field(default_factory=list)
    discrepancies: list[list[Said]] = field(default_factory=list)
    lead: Said | None = None
    timeline: list[tuple[Said, str, Sequence[str], bool]] = field(default_factory=list)
    agreed: list[Said] = field(default_factory=list)
    cited: list[tuple[Said, list[Said]]] = field(default_factory=list)


def score_run(run: Run, label: dict[str, Any]) -> dict[str, Score]:
    return {
        "speculation (brief)": score_speculation_items(run.speculation, label),
        "speculation (sentences)": score_speculation_flags(run.flags, label),
        "discrepancies": score_discrepancies(run.discrepancies, label),
        "lead": score_lead(run.lead, label),
        "timeline": score_timeline(run.timeline, label),
        "agreement": score_agreement(run.agreed, label),
        "citations": score_citations(run.cited, label),
    }


def run_story(label: dict[str, Any], texts: dict[str, str], workdir: Path) -> tuple[Run, Run]:
    """Ingest the story's labelled articles into a fresh store; ours and the baseline's output."""
    import storyline

    folder = workdir / "in"
    folder.mkdir()
    for article in label["articles"]:
        (folder / f"{article}.txt").write_text(texts[article] + "\n", encoding="utf-8")
    db = workdir / "store.db"
    storyline.ingest([folder], db=db)
    stored = storyline.articles(db=db)
    ecb = {s.id: Path(s.article.locator).stem for s in stored}
    stories = storyline.stories(db=db)
    keep = min(stories, key=lambda s: min(a.id for a in s.articles))
    for other in stories:
        if other.id != keep.id:
            storyline.merge_stories(keep.id, other.id, db=db)
    brief = storyline.brief_story(keep.id, db=db, length="long")
    sentences = {s.id: s.analysis.sentences for s in stored if s.analysis is not None}

    def said(sentence: Any) -> Said:
        first = sentence.citations[0]
        return Said(ecb[first.article_id], sentence.text)

    def cited_text(citation: Any) -> Said:
        return Said(ecb[citation.article_id], sentences[citation.article_id][citation.sentence].text)

    ours = Run()
    ours.speculation = [said(s) for s in brief.speculation]
    ours.flags = [(Said(ecb[a], s.text), s.hedged) for a, rows in sorted(sentences.items()) for s in rows]
    ours.discrepancies = [[cited_text(side.citations[0]) for _, side in d.sides] for d in brief.discrepancies]
    ours.lead = said(brief.lead[0]) if brief.lead else None
    ours.timeline = [(said(e.sentence), e.kind, e.actors, e.when is not None) for e in brief.timeline]
    ours.agreed = [said(s) for s in brief.agreed]
    for section in (brief.lead, brief.developments, brief.agreed, brief.single_source, brief.speculation):
        for s in section:
            ours.cited.append((said(s), [cited_text(c) for c in s.citations[1:]]))

    peer = Run()
    peer.flags = [(s, bool(BASELINE_CUES.search(s.text))) for s, _ in ours.flags]
    first = min(label["articles"], key=lambda a: label["articles"].index(a))
    first_id = next((i for i, name in ecb.items() if name == first and sentences.get(i)), None)
    if first_id is not None:
        peer.lead = Said(first, sentences[first_id][0].text)
    return ours, peer


def table(name: str, scores: dict[str, Score]) -> list[str]:
    rows = [f"{name}", f"  {'section':<26}{'items':>7}{'right':>7}{'precision':>11}{'recall':>9}{'dated':>8}"]
    for section in SECTIONS:
        d = scores[section].to_dict()
        p = "-" if d["precision"] is None else f"{d['precision']:.3f}"
        r = "-" if d["recall"] is None else f"{d['recall']:.3f}"
        dated = d.get("dated")
        dt = "" if "dated" not in d else ("-" if dated is None else f"{dated:.3f}")
        rows.append(f"  {section:<26}{d['items']:>7}{d['right']:>7}{p:>11}{r:>9}{dt:>8}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="only the first N labelled stories")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--dump", type=Path, help="write what each system showed, story by story (JSON Lines)"
    )
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no ECB+ data at {args.data}: pass --data", file=sys.stderr)
        return 2
    if not args.labels.exists():
        print(f"no labels at {args.labels}: pass --labels", file=sys.stderr)
        return 2
    texts = {}
    with args.data.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    labels = [
        json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if args.limit:
        labels = labels[: args.limit]
    import logging

    logging.disable(logging.WARNING)
    totals = {"ours": {s: Score() for s in SECTIONS}, "baseline": {s: Score() for s in SECTIONS}}
    for label in labels:
        missing = [a for a in label["articles"] if a not in texts]
        if missing:
            print(f"story {label['story']}: articles {missing} not in {args.data}; skipped", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            ours, peer = run_story(label, texts, Path(tmp))
        if args.dump:
            with args.dump.open("a", encoding="utf-8") as out:
                row = {
                    "story": label["story"],
                    "ours": asdict(ours),
                    "scores": {k: v.to_dict() for k, v in score_run(ours, label).items()},
                }
                out.write(json.dumps(row, default=str) + "\n")
        for name, run in (("ours", ours), ("baseline", peer)):
            for section, score in score_run(run, label).items():
                totals[name][section].add(score)
    ours_d = {s: v.to_dict() for s, v in totals["ours"].items()}
    peer_d = {s: v.to_dict() for s, v in totals["baseline"].items()}
    result: dict[str, Any] = {"ours": ours_d, "peers": {"baseline": peer_d}, "stories": len(labels)}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("\n".join(table("ours", totals["ours"])))
    print(
        "\n".join(
            table(
                "baseline (first sentence; cue list may|might|could|reportedly|allegedly|possibly)",
                totals["baseline"],
            )
        )
    )
    print("  precision ratio (ours/baseline):")
    for section in SECTIONS:
        a, b = ours_d[section]["precision"], peer_d[section]["precision"]
        ratio = f"{a / b:.3f}" if a is not None and b else "-"
        print(f"    {section:<26}{ratio:>8}")
    print(f"({len(labels)} labelled stories from {args.labels.name})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
