"""storyline runs spaCy's English pipeline without its attribute ruler and lemmatizer, applying the
ruler's patterns through its own cache and lemmatising on demand (nlp/analyze.py). Every token must
come out as the stock pipeline makes it: tags, parts of speech, morphology, lemmas, parse, entities."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.slow  # the demo parsed by two pipelines: 27 s with its fixture on a busy 2-core machine
def test_tokens_as_the_stock_pipeline_makes_them(demo_articles: dict[str, Any]) -> None:
    import spacy
    from thinc.api import use_ops

    from storyline.nlp.analyze import ENGLISH_MODEL, _english

    texts = [a.article.text for a in demo_articles.values() if a.article.language in (None, "en")]
    # Capitals and contractions reach the two-token patterns ("gon na", "let 's") and other tags.
    texts += [t.upper() for t in texts[:5]]
    texts += ["There is gonna be trouble, let's go. Ain't it? I gotta  \n\n go. There are two."]
    with use_ops("numpy", use_blis=False):
        stock = spacy.load(ENGLISH_MODEL)
    ours = _english()
    assert ours.attributes is not None  # the packaged model's patterns are all of kinds it applies
    assert "attribute_ruler" not in ours.nlp.pipe_names and "lemmatizer" not in ours.nlp.pipe_names
    compared = 0
    for want_doc, got_doc in zip(stock.pipe(texts), ours.nlp.pipe(texts), strict=True):
        got_doc = ours.attributes(got_doc)
        for want, got in zip(want_doc, got_doc, strict=True):
            compared += 1
            assert (got.pos_, got.tag_, str(got.morph), ours.lemma(got), got.dep_, got.head.i) == (
                want.pos_,
                want.tag_,
                str(want.morph),
                want.lemma_,
                want.dep_,
                want.head.i,
            ), (want.text, want.i)
            assert (got.ent_type_, got.ent_iob_, got.is_sent_start) == (
                want.ent_type_,
                want.ent_iob_,
                want.is_sent_start,
            )
    assert compared > 5_000
