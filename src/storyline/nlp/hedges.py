"""Hedges: how speculative a sentence is, and the cue words behind it.

A logistic model over cue patterns (modal verbs, speculation verbs and adverbs, weasel quantifiers,
unattributed "it is believed" constructions, news hedges such as "reportedly" or "analysts
suggest") and sentence length. The cue list is written by hand; the weights are fitted by
``bench/train_hedges.py`` on the CoNLL-2010 development set and shipped as ``hedge_weights.json``,
so scoring needs no model at run time and every score can be explained by its cues. Cue weights are
fitted with a floor of zero: a cue may only raise a sentence's speculation, never lower it, which
keeps Wikipedia-specific correlations (where "may" co-occurs with plain facts) out of news scoring.
"""

from __future__ import annotations

import importlib
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from storyline.config import HEDGE_THRESHOLD, HedgeConfig

# cue -> regex (word boundaries added). Keys are what users see as "cues".
CUES: dict[str, str] = {
    # modal and conditional
    # "May" the month ("on May 10", "in May") is not a modal.
    "may": r"(?<!\bin )(?<!\bon )(?<!\bof )(?<!\bsince )(?<!\buntil )(?<!\bby )(?<!\bearly )(?<!\blate )(?<!\bmid )(?<!\blast )(?<!\bnext )may(?!\s+\d)",
    "might": r"might",
    # "could" of ability or perception ("motorists could be seen", "could hear") is not a hedge.
    "could": r"could(?!\s+(?:not\s+)?(?:be\s+(?:seen|heard|felt|found|spotted|observed)|see|hear|feel|smell)\b)(?!\s+\w+\s+no\b)",
    "would": r"would",
    "should": r"should",
    "can": r"can",
    "must have": r"must (?:have|be)",
    "if": r"if",
    "unless": r"unless",
    # speculation adverbs and adjectives
    "possibly": r"possibly",
    "possible": r"possible",
    "probably": r"probably",
    "probable": r"probable",
    "likely": r"likely",
    "unlikely": r"unlikely",
    "perhaps": r"perhaps",
    "maybe": r"maybe",
    "presumably": r"presumably",
    "apparently": r"apparently",
    "seemingly": r"seemingly",
    "potentially": r"potentially",
    "potential": r"potential",
    "reportedly": r"reportedly",
    "allegedly": r"allegedly",
    # The noun names an accusation, an established fact like "charged with" (docs/annotation.md:
    # "investigating allegations of fraud", "arrested on allegations of theft"); the adjective, and
    # "allegations that ..." whose clause carries the unproven claim, say the act is unproven.
    "alleged": r"alleged|allegations?\s+that",
    "supposedly": r"supposedly",
    "arguably": r"arguably",
    "unclear": r"unclear",
    "uncertain": r"uncertain",
    "unconfirmed": r"unconfirmed",
    "whether": r"whether",
    "rumoured": r"rumou?red",
    "speculation": r"speculat\w*",
    "expected to": r"expected to",
    "expect": r"expects?|anticipat(?:e|es|ed)",
    "suspected": r"suspected|(?:potentially|possibly|treated as|as) suspicious",
    "said to": r"(?:is|are|was|were) said to",
    "i think": r"I (?:think|guess|suppose|suspect|hear)",
    "almost certainly": r"almost certainly|most likely",
    "fear": r"fears?|feared",
    "possibility": r"possibility|prospects? of",
    "depending on": r"depending on|depends on",
    "sure to": r"(?:is|are|was|were) (?:sure|bound) to",
    "looks like": r"(it|this) looks like|looks set to",
    "approximately": r"approximately|roughly|around \d",
    "about": r"about \d",
    # speculation verbs
    "suggest": r"suggest(s|ed|ing)?",
    # "appeared in court" shows up; "appears to", "it appears that" hedge.
    "appear": r"appear(s|ed)?\s+to\b|it appears|appears that",
    "seem": r"seem(s|ed)?",
    "believe": r"believe(s|d)?",
    "think": r"think(s)?|thought",
    "assume": r"assum(e|es|ed|ption)",
    "indicate": r"indicat(e|es|ed|ing)",
    "claim": r"claim(s|ed)?",
    "argue": r"argu(e|es|ed)",
    "speculate": r"speculat(e|es|ed)",
    "estimate": r"estimat(e|es|ed)",
    "consider": r"considered",
    "regard": r"regarded",
    "say": r"is said|are said|was said|were said",
    "reported": r"reported",
    "according to": r"according to",
    "sources said": r"sources? (said|say|says|told)",
    "analysts": r"analysts?|observers?|experts?|critics?|commentators?",
    "it is": r"it is (believed|thought|said|claimed|considered|expected|likely|possible|unclear|understood)",
    "remains to be seen": r"remains? to be seen|it remains unclear|remains unclear",
    "revolve around": r"revolve around",
    "signals": r"signal(s|ed)? that",
    # weasel quantifiers and vague frequency
    "some": r"some(?!\s+\d)",  # "some 2,500 km" is an approximate figure, not a weasel
    "many": r"many",
    "several": r"several",
    "various": r"various",
    "others": r"others",
    "most": r"most",
    "few": r"(a )?few",
    "often": r"often",
    "generally": r"generally",
    "usually": r"usually",
    "typically": r"typically",
    "widely": r"widely",
    "commonly": r"commonly",
    "largely": r"largely",
    "mostly": r"mostly",
    "frequently": r"frequently",
    "sometimes": r"sometimes",
    "certain": r"certain",
    "somewhat": r"somewhat",
    "relatively": r"relatively",
    "fairly": r"fairly",
    "rather": r"rather",
    "well known": r"well[- ]known",
    "famous": r"famous|notable|notably",
    "important": r"important|significant",
    "people": r"(some|many|most) (people|observers|scholars|historians|fans|critics)",
    "although": r"although|though|however",
    # peacock terms and unattributed praise (Wikipedia's weasel task counts them as unsupported claims)
    "superlative": r"best|greatest|largest|biggest|finest|most (popular|important|famous|successful|influential)",
    "one of the": r"one of the",
    "acclaimed": r"popular|successful|influential|prominent|renowned|acclaimed|leading|legendary|iconic",
    "there is": r"there (is|are|was|were|have been)",
    "evidence": r"evidence|controversy|controversial|debate[ds]?",
    "many of": r"(many|some|most) of (the|them|these|those|his|her|their)",
    # questions
    "question": r"\?$",
}
_COMPILED = {
    cue: re.compile(rf"\b(?:{pattern})\b" if not pattern.endswith("$") else pattern, re.I)
    for cue, pattern in CUES.items()
}
_LENGTH_BINS = ((4, "len<=4"), (9, "len<=9"), (20, "len<=20"), (10**9, "len>20"))
# Strong hedges of news writing, each adding this much probability of speculation (see score_with).
STRONG_HEDGES = (
    "may",
    "might",
    "could",
    "possibly",
    "perhaps",
    "maybe",
    "reportedly",
    "allegedly",
    "supposedly",
    "unconfirmed",
    "remains to be seen",
    "speculate",
    "rumoured",
    "revolve around",
    "unclear",
    "presumably",
)
STRONG_PRIOR = 0.35


@dataclass(frozen=True, slots=True)
class HedgeResult:
    score: float
    cues: tuple[str, ...]

    @property
    def hedged(self) -> bool:
        return self.score >= HEDGE_THRESHOLD


def _required(pattern: str) -> tuple[str, ...] | None:
    """Lowercase strings one of which every match of ``pattern`` (case-insensitive) contains, read
    from the parsed pattern: a run of plain characters the match cannot skip, or one such run per
    branch of an alternation. None when the pattern guarantees no such string."""
    try:
        parser = importlib.import_module("re._parser")
        constants = importlib.import_module("re._constants")
        parsed = parser.parse(pattern, re.IGNORECASE)
    except (ImportError, AttributeError, re.error):
        return None  # another Python's regex internals: no pre-check, every pattern is searched
    literal, branch, subpattern = constants.LITERAL, constants.BRANCH, constants.SUBPATTERN
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None))

    def of_sequence(items: Any) -> tuple[str, ...] | None:
        options: list[tuple[str, ...]] = []
        run = ""
        for op, value in items:
            char = chr(value) if op is literal else ""
            if char and char.isascii():
                run += char.lower()
                continue
            if run:
                options.append((run,))
                run = ""
            found: tuple[str, ...] | None = None
            if op is subpattern:
                found = of_sequence(value[-1])
            elif op is branch:
                parts = [of_sequence(part) for part in value[1]]
                found = None if any(p is None for p in parts) else tuple(x for p in parts if p for x in p)
            elif op in repeats and value[0] >= 1:
                found = of_sequence(value[2])
            if found:
                options.append(found)
        if run:
            options.append((run,))
        # The most selective requirement: the one whose shortest string is longest.
        return max(options, key=lambda strings: min(len(x) for x in strings), default=None)

    return of_sequence(parsed)


# Characters that case-insensitive matching takes for ASCII letters though their lower() is not
# that letter (dotted and dotless i, long s; the Kelvin sign for safety): in a sentence with any of
# them, every pattern is searched, as the lowercase pre-check could miss a match.
_UNLOWERED = re.compile("[\u0130\u0131\u017f\u212a]")
# Per cue, what its pattern's every match contains (lowercased), so most patterns are never run.
_REQUIRED = {cue: _required(pattern.pattern) for cue, pattern in _COMPILED.items()}
_ORDER = {cue: position for position, cue in enumerate(CUES)}


def _cues_in(sentence: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """The cues whose patterns match ``sentence``, in CUES order, leaving out those in ``skip``.

    A pattern is searched only when the lowercased sentence holds one of the strings its every
    match contains: a plain substring test, where a regex search tries each position in turn. The
    matches are the same as searching every pattern (tests/nlp/test_hedges.py checks it)."""
    lowered = None if _UNLOWERED.search(sentence) else sentence.lower()
    found = []
    for cue, pattern in _COMPILED.items():
        if cue in skip:
            continue
        required = _REQUIRED[cue]
        if lowered is not None and required is not None and not any(x in lowered for x in required):
            continue
        if pattern.search(sentence):
            found.append(cue)
    return found


def _length_bin(sentence: str) -> str:
    words = len(sentence.split())
    return next(name for limit, name in _LENGTH_BINS if words <= limit)


def features(sentence: str) -> dict[str, float]:
    """Cue indicators and a length bin: the model's inputs (used by training and scoring alike)."""
    found = {f"cue:{cue}": 1.0 for cue in _cues_in(sentence)}
    found[_length_bin(sentence)] = 1.0
    return found


@cache
def _weights() -> tuple[float, dict[str, float]]:
    data = json.loads(
        resources.files("storyline.nlp").joinpath("hedge_weights.json").read_text(encoding="utf-8")
    )
    return float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()}


@cache
def _default_config() -> HedgeConfig:
    return HedgeConfig()  # frozen: one instance serves every sentence scored without a config


def score(sentence: str, config: HedgeConfig | None = None) -> HedgeResult:
    """Speculation score in [0, 1] in the news sense, and the cues that raised it, strongest first."""
    config = config or _default_config()
    bias, weights = _weights()
    return score_with(
        bias,
        weights,
        sentence,
        ignore=config.not_news,
        strong=config.strong,
        prior=config.strong_prior,
    )


def score_with(
    bias: float,
    weights: dict[str, float],
    sentence: str,
    *,
    ignore: frozenset[str] = frozenset(),
    strong: tuple[str, ...] = STRONG_HEDGES,
    prior: float = STRONG_PRIOR,
) -> HedgeResult:
    """The score under given weights (training and cross-validation use this too, with the defaults:
    the fitted Wikipedia model as it was trained).

    The fitted model learned Wikipedia's weasel words; ``ignore`` leaves out cues that are not
    speculation where the sentence comes from (news: plain quantifiers, praise). The ``strong``
    epistemic hedges of news (``may``, ``could``, ``reportedly``...) add a fixed, hand-set probability
    ``prior`` each, combined as independent evidence, so "the real discussion may revolve around"
    reads as speculation.
    """
    # features() less the ignored cues, which are not searched for at all.
    found = {f"cue:{cue}": 1.0 for cue in _cues_in(sentence, ignore)}
    length = _length_bin(sentence)
    if length not in ignore:
        found[length] = 1.0
    total = bias + sum(weights.get(name, 0.0) * value for name, value in found.items())
    model = 1.0 / (1.0 + math.exp(-total))
    hits = [cue for cue in strong if f"cue:{cue}" in found]
    probability = 1.0 - (1.0 - model) * (1.0 - prior) ** len(hits)
    raising = {
        name.removeprefix("cue:") for name in found if name.startswith("cue:") and weights.get(name, 0.0) > 0
    }
    # Ties (equal weights) in CUES order: sorting a set by weight alone left them in the set's order,
    # which follows string hashes and so changed from one process to the next.
    cues = sorted(
        raising | set(hits),
        key=lambda cue: (cue not in hits, -weights.get(f"cue:{cue}", 0.0), _ORDER.get(cue, len(_ORDER))),
    )
    return HedgeResult(round(probability, 4), tuple(cues))
