"""The reader and scorer of bench/ner.py on a small CoNLL file written here (no data set needed, so
these run always): documents, IOB1 and IOB2 spans as character offsets into the rejoined text, and
exact-match scores with MISC left out."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import ner

CONLL = """-DOCSTART- -X- O O

ROME NNP B-NP I-LOC
1996-08-30 CD I-NP O

Anna NNP B-NP I-PER
Verdi NNP I-NP I-PER
( ( O O
Italy NNP B-NP I-LOC
) ) O O
beat VBD B-VP O
Acme NNP B-NP I-ORG
United NNP I-NP I-ORG
Rovers NNP I-NP B-ORG
's POS B-NP O
Euro NNP I-NP I-MISC
side NN I-NP O
. . O O

-DOCSTART- -X- O O

Paris NNP B-NP B-LOC
Saint-Germain NNP I-NP I-LOC
won VBD B-VP O
. . O O
"""


def test_documents_and_spans_as_offsets(tmp_path: Path) -> None:
    path = tmp_path / "test.txt"
    path.write_text(CONLL, encoding="utf-8")
    first, second = ner.read_conll(path)
    assert first.sentences == ("ROME 1996-08-30", "Anna Verdi (Italy) beat Acme United Rovers's Euro side.")
    named = {(first.text[start:end], kind) for start, end, kind in first.gold}
    # IOB1: B- only opens a span right after one of the same type; MISC is left out.
    assert named == {
        ("ROME", "LOC"),
        ("Anna Verdi", "PER"),
        ("Italy", "LOC"),
        ("Acme United", "ORG"),
        ("Rovers", "ORG"),
    }
    assert {(second.text[s:e], k) for s, e, k in second.gold} == {("Paris Saint-Germain", "LOC")}


def test_exact_match_scores() -> None:
    gold = [frozenset({(0, 4, "LOC"), (10, 20, "PER")})]
    found = [{(0, 4, "LOC"), (10, 19, "PER"), (30, 34, "ORG")}]
    figures = ner.score(gold, found)
    assert figures["LOC"]["precision"] == 1.0 and figures["LOC"]["recall"] == 1.0
    assert figures["PER"]["f1"] == 0.0  # one character short is a miss
    assert figures["all"]["precision"] == round(1 / 3, 4) and figures["all"]["recall"] == 0.5
    assert ner._conll_span("the United Nations's", 0, 20) == (4, 18)


def test_the_proper_names_of_a_label() -> None:
    assert ner._labelled_names("Redwood City, California") == ["Redwood City", "California"]
    assert ner._labelled_names("ice cream shop, Staunton") == ["Staunton"]
    assert ner._labelled_names("Harlan Boll (publicist)") == ["Harlan Boll"]
    assert ner._labelled_names("Mark Heller (Lohan's lawyer) and prosecutor Terry White") == ["Mark Heller"]
    assert ner._labelled_names(None) == []
