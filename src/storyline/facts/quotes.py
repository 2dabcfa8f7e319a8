"""Who said what in a story: each speaker with their words, the outlets that carry them, and where
two outlets quote one speaker differently.

Read from the facts (facts/build.py): a claim with a speaker is someone's words (nlp/claims.py:
direct quotes verbatim, reported speech as written). One fact is one thing said, so the outlets
that carry it are its voices; when a fact's claims are direct quotes of one speaker whose words
differ, the outlets quote that speaker differently, and each wording is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from storyline.facts.build import StoryFacts
from storyline.model import Fact, FactClaim, Speech


@dataclass(frozen=True, slots=True)
class Quote:
    """One thing a speaker said, as the story's articles carry it."""

    speech: Speech
    text: str  # the words as the first article gives them (a direct quote's words, verbatim)
    claims: tuple[FactClaim, ...]
    voices: tuple[str, ...]
    # Other wordings of the same direct quote in other outlets ("quoted differently"), if any.
    variants: tuple[FactClaim, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "speech": self.speech.value,
            "text": self.text,
            "outlets": list(self.voices),
            "citations": [c.citation.to_dict() for c in self.claims],
            "quoted_differently": [
                {"text": v.claim.text, "voice": v.voice, "citation": v.citation.to_dict()}
                for v in self.variants
            ],
        }


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    quotes: tuple[Quote, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.name, "quotes": [q.to_dict() for q in self.quotes]}


def story_quotes(found: StoryFacts) -> tuple[Speaker, ...]:
    """The story's speakers, most quoted first, each with what they said."""
    by_speaker: dict[str, list[Quote]] = {}
    names: dict[str, str] = {}
    for fact in found.facts:
        spoken = [c for c in fact.claims if c.claim.speaker and c.claim.speech is not Speech.NONE]
        if not spoken:
            continue
        for key, claims in _by_speaker(spoken).items():
            quote = _quote(fact, claims)
            by_speaker.setdefault(key, []).append(quote)
            longest = max((c.claim.speaker for c in claims), key=len)
            if len(longest) > len(names.get(key, "")):
                names[key] = longest
    speakers = [Speaker(names[key], tuple(quotes)) for key, quotes in by_speaker.items()]
    speakers.sort(key=lambda s: (-sum(len(q.voices) for q in s.quotes), s.name.lower()))
    return tuple(speakers)


def _speaker_key(name: str) -> str:
    """One speaker under several forms: "Vladimir Putin", "Putin" (the surname), "police"."""
    words = [w for w in re.findall(r"[\w'’-]+", name.lower()) if w not in ("the", "a", "an")]
    if not words:
        return name.lower()
    capitalised = name[:1].isupper() and len(words) <= 4
    return words[-1] if capitalised else " ".join(words)


def _by_speaker(claims: list[FactClaim]) -> dict[str, list[FactClaim]]:
    out: dict[str, list[FactClaim]] = {}
    for claim in claims:
        out.setdefault(_speaker_key(claim.claim.speaker), []).append(claim)
    return out


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _quote(fact: Fact, claims: list[FactClaim]) -> Quote:
    first = claims[0]
    voices = tuple(dict.fromkeys(c.voice for c in claims))
    variants: tuple[FactClaim, ...] = ()
    if first.claim.speech is Speech.DIRECT:
        direct = [c for c in claims if c.claim.speech is Speech.DIRECT]
        seen = {_normal(first.claim.text)}
        found = []
        for claim in direct[1:]:
            wording = _normal(claim.claim.text)
            if wording not in seen and claim.voice != first.voice:
                seen.add(wording)
                found.append(claim)
        variants = tuple(found)
    return Quote(first.claim.speech, first.claim.text, tuple(claims), voices, variants)
