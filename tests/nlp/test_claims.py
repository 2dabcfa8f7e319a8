"""Claims of a sentence (nlp/claims.py): who says it, split at clauses, what it is about."""

from __future__ import annotations

from storyline.model import Article, Block, BlockKind, Claim, Speech
from storyline.nlp.analyze import analyze


def _claims(*paragraphs: str) -> list[Claim]:
    article = Article(
        locator="t",
        content_hash="t",
        title=None,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
    )
    return list(analyze(article).claims or ())


def test_reported_speech_is_the_speakers_claim() -> None:
    (claim,) = _claims("Firefighters said the blaze started in a bakery on Main Street.")
    assert claim.speaker == "Firefighters" and claim.speech is Speech.REPORTED
    assert claim.text.startswith("the blaze started")


def test_according_to_names_the_speaker() -> None:
    (claim,) = _claims("According to the harbour authority, the ferry was carrying 212 passengers.")
    assert claim.speaker == "the harbour authority"
    assert claim.text.startswith("the ferry was carrying")
    assert [q.value for q in claim.quantities] == [212]


def test_a_direct_quote_is_verbatim_and_a_pronoun_speaker_is_the_person_last_named() -> None:
    claims = _claims(
        "Mayor Ana Sousa visited the site on Monday.", "“We will rebuild every house,” she said."
    )
    quote = claims[-1]
    assert quote.speech is Speech.DIRECT and quote.speaker == "Ana Sousa"
    assert quote.text == "We will rebuild every house"


def test_two_clauses_with_their_own_subjects_are_two_claims() -> None:
    claims = _claims("Nine people died and thirty were injured, officials said.")
    assert [c.text for c in claims] == ["Nine people died", "thirty were injured"]
    assert [q.thing for c in claims for q in c.quantities] == ["death", "injury"]
    assert all(c.speaker == "officials" for c in claims)


def test_one_subject_with_two_verbs_stays_one_claim() -> None:
    claims = _claims("The driver was arrested and charged with dangerous driving.")
    assert len(claims) == 1


def test_a_plain_report_is_the_outlets_own() -> None:
    (claim,) = _claims("The bridge reopened to traffic on Sunday after repairs.")
    assert claim.speaker == "" and claim.speech is Speech.NONE
    assert {"bridge", "reopen", "traffic"} <= set(claim.terms)


def test_a_quote_the_speech_verb_follows_is_direct() -> None:
    """ "“..., and because ...,” X told Y after ...": spaCy may hang the speech verb under the quote."""
    claims = _claims(
        "“It was a long meeting because there was a lot to discuss, and because for the first time we "
        "were discussing numbers, not principles,” Valadares told the agency after leaving the palace.",
        "“We came to close files,” Valadares told reporters as he left the palace.",
    )
    assert claims and all(c.speech is Speech.DIRECT for c in claims), [(c.text, c.speech) for c in claims]
    assert all(c.speaker == "Valadares" for c in claims)


def test_an_attribution_at_the_end_is_not_part_of_the_claim() -> None:
    (claim,) = _claims("The meeting lasted four hours, according to a government source.")
    assert claim.speaker == "a government source"
    assert claim.text == "The meeting lasted four hours"


def test_a_quotation_the_parse_cut_short_is_quoted_whole() -> None:
    (claim,) = _claims(
        "“It was a long meeting because there was a lot to discuss, and because for the first time "
        "we were discussing numbers, not principles,” Valadares told Meridian Wire after leaving."
    )
    assert claim.speaker == "Valadares" and claim.speech is Speech.DIRECT
    assert claim.text.startswith("It was a long meeting") and claim.text.endswith("not principles")


def test_a_quotation_over_several_sentences_is_its_speakers() -> None:
    claims = _claims(
        "“It is a start. There is more to do. We will be back in November,” Ana Costa said. "
        "The talks ended at noon."
    )
    quoted = [c for c in claims if "talks ended" not in c.text]
    assert len(quoted) == 3
    assert all(c.speaker == "Ana Costa" and c.speech is Speech.DIRECT for c in quoted)
    (own,) = [c for c in claims if "talks ended" in c.text]
    assert own.speaker == "" and own.speech is Speech.NONE
