"""Hedges: how speculative a sentence is, and the cue words behind it.

A logistic model over cue patterns (modal verbs, speculation verbs and adverbs, weasel quantifiers,
unattributed "it is believed" constructions, news hedges such as "reportedly" or "analysts
suggest") and sentence length. The cue list is written by hand, as each language's data
(lang/<code>/hedge-cues.txt, the strong and the not-news cues beside it); the weights are fitted by
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
from storyline.errors import ConfigError
from storyline.lang import ENGLISH, Language

_LENGTH_BINS = ((4, "len<=4"), (9, "len<=9"), (20, "len<=20"), (10**9, "len>20"))


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


@dataclass(frozen=True, slots=True)
class _Cues:
    """One language's hedge cues (lang/<code>/hedge-cues.txt and the lists naming them), compiled once."""

    # cue -> pattern, in the resource's order (word boundaries added). Keys are what users see as "cues".
    patterns: dict[str, re.Pattern[str]]
    # Per cue, what its pattern's every match contains (lowercased), so most patterns are never run.
    required: dict[str, tuple[str, ...] | None]
    order: dict[str, int]
    # Strong hedges (hedge-strong-cues.txt): those the weights were cross-validated with, and all
    # that news scoring adds its prior for.
    fitted_strong: tuple[str, ...]
    strong: tuple[str, ...]
    # Weasel cues that are not speculation in news (hedge-not-news-cues.txt).
    not_news: frozenset[str]


@cache
def _cues(lang: Language) -> _Cues:
    written = {
        cue: pattern for cue, _, pattern in (line.partition(" = ") for line in lang.lines("hedge-cues"))
    }
    patterns = {
        cue: re.compile(rf"\b(?:{pattern})\b" if not pattern.endswith("$") else pattern, re.I)
        for cue, pattern in written.items()
    }
    sections: dict[str, list[str]] = {}
    current = sections.setdefault("", [])
    for entry in lang.lines("hedge-strong-cues"):
        if entry.startswith("[") and entry.endswith("]"):
            current = sections.setdefault(entry[1:-1], [])
        else:
            current.append(entry)
    not_news = lang.words("hedge-not-news-cues")
    unknown = sorted({*sections.get("fitted", []), *sections.get("news", []), *not_news} - set(patterns))
    if unknown or sections[""]:
        raise ConfigError(
            f"hedge cue lists of {lang.code!r} name cues hedge-cues.txt does not define ({', '.join(unknown)})"
            if unknown
            else f"hedge-strong-cues.txt of {lang.code!r} lists cues outside a [fitted] or [news] section",
            remedy=f"define each cue in src/storyline/lang/{lang.code}/hedge-cues.txt, under its section",
        )
    fitted = tuple(sections.get("fitted", ()))
    return _Cues(
        patterns=patterns,
        required={cue: _required(pattern.pattern) for cue, pattern in patterns.items()},
        order={cue: position for position, cue in enumerate(patterns)},
        fitted_strong=fitted,
        strong=fitted + tuple(sections.get("news", ())),
        not_news=not_news,
    )


def _cues_in(sentence: str, skip: frozenset[str] = frozenset(), lang: Language = ENGLISH) -> list[str]:
    """The cues whose patterns match ``sentence``, in the resource's order, leaving out those in ``skip``.

    A pattern is searched only when the lowercased sentence holds one of the strings its every
    match contains: a plain substring test, where a regex search tries each position in turn. The
    matches are the same as searching every pattern (tests/nlp/test_hedges.py checks it)."""
    cues = _cues(lang)
    lowered = None if _UNLOWERED.search(sentence) else sentence.lower()
    found = []
    for cue, pattern in cues.patterns.items():
        if cue in skip:
            continue
        required = cues.required[cue]
        if lowered is not None and required is not None and not any(x in lowered for x in required):
            continue
        if pattern.search(sentence):
            found.append(cue)
    return found


def _length_bin(sentence: str) -> str:
    words = len(sentence.split())
    return next(name for limit, name in _LENGTH_BINS if words <= limit)


def features(sentence: str, lang: Language = ENGLISH) -> dict[str, float]:
    """Cue indicators and a length bin: the model's inputs (used by training and scoring alike)."""
    found = {f"cue:{cue}": 1.0 for cue in _cues_in(sentence, lang=lang)}
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


def score(sentence: str, config: HedgeConfig | None = None, lang: Language = ENGLISH) -> HedgeResult:
    """Speculation score in [0, 1] in the news sense, and the cues that raised it, strongest first;
    ``lang`` is the sentence's language, whose cues are read."""
    config = config or _default_config()
    bias, weights = _weights()
    cues = _cues(lang)
    return score_with(
        bias,
        weights,
        sentence,
        ignore=cues.not_news if config.not_news is None else config.not_news,
        strong=cues.strong if config.strong is None else config.strong,
        prior=config.strong_prior,
        lang=lang,
    )


def score_with(
    bias: float,
    weights: dict[str, float],
    sentence: str,
    *,
    ignore: frozenset[str] = frozenset(),
    strong: tuple[str, ...] | None = None,
    prior: float | None = None,
    lang: Language = ENGLISH,
) -> HedgeResult:
    """The score under given weights (training and cross-validation use this too, with the defaults:
    the fitted Wikipedia model as it was trained, its strong hedges the [fitted] section of
    hedge-strong-cues.txt and its prior the default ``HedgeConfig.strong_prior``).

    The fitted model learned Wikipedia's weasel words; ``ignore`` leaves out cues that are not
    speculation where the sentence comes from (news: plain quantifiers, praise). The ``strong``
    epistemic hedges of news (``may``, ``could``, ``reportedly``...) add a fixed, hand-set probability
    ``prior`` each, combined as independent evidence, so "the real discussion may revolve around"
    reads as speculation.
    """
    cues = _cues(lang)
    strong = cues.fitted_strong if strong is None else strong
    prior = _default_config().strong_prior if prior is None else prior
    # features() less the ignored cues, which are not searched for at all.
    found = {f"cue:{cue}": 1.0 for cue in _cues_in(sentence, ignore, lang)}
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
    # Ties (equal weights) in the cues' order: sorting a set by weight alone left them in the set's
    # order, which follows string hashes and so changed from one process to the next.
    order = cues.order
    shown = sorted(
        raising | set(hits),
        key=lambda cue: (cue not in hits, -weights.get(f"cue:{cue}", 0.0), order.get(cue, len(order))),
    )
    return HedgeResult(round(probability, 4), tuple(shown))
