"""Line-level helpers shared by extraction, furniture removal and the briefs (a summary never picks a
furniture line): a normal form for comparing lines across pages, and the named kinds of site
furniture recognisable from the words or the shape alone. A shared module, not a stage's own: the
stages that need it import it from here, never from one another.

Precision first: a line is furniture only when the WHOLE line is furniture (every sentence of it, or
its whole shape), so an article sentence that merely mentions a subscription, a photo or a slash is
never taken for furniture.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from storyline.errors import ConfigError
from storyline.lang import ENGLISH, Language

_NON_WORD = re.compile(r"[^\w©]+")
# Furniture lines are short: a cookie banner or paywall sentence may run long, the rest are a few words.
_MAX_WORDS = {
    "cookie notice": 45,
    "paywall": 30,
    "subscription prompt": 25,
    "site footer": 20,
    "image credit": 20,
}
_LONGEST_KIND = max(_MAX_WORDS.values())

_LABELLED_MAX_WORDS = 30
_CAPTION_MAX_WORDS = 60

# A line made only of calls to follow or contact someone with the address ("Follow her on Twitter
# @AmyKup", "Email Tariq Malik at tmalik@space.com": lang/<code>/contact-sentence-openings.txt) and
# other furniture is a contact footer, not the article.
_ADDRESS = re.compile(r"https?://\S+|www\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+|(?<!\w)@\w{2,}|\S+\.(com|org|net)\b")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘']?[A-Z0-9])")
_MULTI_SENTENCE_MAX_WORDS = 60

# Navigation menus: short Title Case section names joined by slashes, pipes, bullets, middots or
# breadcrumb chevrons ("UK, US & Canada / Science & Environment / World Blog / Tools"). Recognised by
# shape, never by a list of section names (the words that may join them: lang/<code>/nav-connectors.txt).
_NAV_SEPARATOR = re.compile(r"\s+[/|•·»›>]\s+|\s*[|•·»›]\s*")
_NAV_SLASH = re.compile(r"\s*/\s*")
_NAV_ANY_SEPARATOR = re.compile(r"[/|•·»›>]")
_NAV_MIN_SEGMENTS = 3
# All-capital segments could be a dateline ("LONDON/NEW YORK/TOKYO"): need more of them.
_NAV_MIN_CAPS_SEGMENTS = 5
_NAV_MAX_SEGMENT_WORDS = 4
_NAV_WORD = re.compile(r"^[A-Z0-9][\w'’.-]*$")


@lru_cache(maxsize=32768)
def normalize_line(text: str) -> str:
    """Lower-case, punctuation dropped, whitespace collapsed: the key for comparing lines."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def line_key(text: str) -> str:
    """A short stable fingerprint of a normalised line, for counting it across an outlet's pages."""
    return hashlib.blake2b(normalize_line(text).encode("utf-8"), digest_size=8).hexdigest()


@lru_cache(maxsize=65536)
def classify_line(text: str, max_words: int = 14, lang: Language = ENGLISH) -> str | None:
    """The named kind of furniture this line is, or None if it reads as article text (``lang``:
    whose furniture phrases to read)."""
    # Cached: extraction, the furniture stage (which looks ahead over the rest of the page) and the
    # briefs ask about the same lines again.
    text = text.strip()
    key = normalize_line(text)
    if not key:
        return None
    phrases = _kinds(lang)
    reason = _whole_line(key, max_words, phrases)
    if reason is not None:
        return reason
    words = key.count(" ") + 1
    if words <= _LABELLED_MAX_WORDS:
        label = phrases.any_label.match(text)
        if label is not None and label.lastgroup is not None:
            return phrases.labelled[int(label.lastgroup[1:])][0]
    if words <= _CAPTION_MAX_WORDS and phrases.ends_with_credit.search(text):
        return "image caption"
    if _NAV_ANY_SEPARATOR.search(text) and _is_navigation_menu(text, phrases.nav_connectors):
        return "navigation menu"
    if words > _MULTI_SENTENCE_MAX_WORDS:
        return None
    if _SENTENCE_SPLIT.search(text):
        return _all_sentences_furniture(text, max_words, phrases)
    return "follow prompt" if _contact_sentence(text, phrases) else None


def _whole_line(key: str, max_words: int, phrases: _Kinds) -> str | None:
    words = key.count(" ") + 1
    if words > max(_LONGEST_KIND, max_words):
        return None  # an article paragraph: no kind is that long
    if "cookie" not in key:
        match = phrases.any_kind.match(key)
        if match is None or match.lastgroup is None:
            return None
        reason = phrases.furniture[int(match.lastgroup[1:])][0]
        if words <= _MAX_WORDS.get(reason, max_words):
            return reason
    for reason, pattern in phrases.compiled:  # a cookie line, or too long for the kind that matched
        if words > _MAX_WORDS.get(reason, max_words):
            continue
        if pattern.match(key):
            return reason
    return None


def _contact_sentence(sentence: str, phrases: _Kinds) -> bool:
    return bool(phrases.contact_start.match(sentence)) and bool(_ADDRESS.search(sentence))


def _all_sentences_furniture(text: str, max_words: int, phrases: _Kinds) -> str | None:
    """The kind of a line of several sentences each of which is furniture on its own (None if any is
    not): "Get the latest updates right in your inbox. Subscribe to NJ.com's newsletters."."""
    sentences = [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]
    kinds: list[str] = []
    for sentence in sentences:
        key = normalize_line(sentence)
        if not key:
            continue
        kind = _whole_line(key, max_words, phrases) or (
            "follow prompt" if _contact_sentence(sentence, phrases) else None
        )
        if kind is None:
            return None
        kinds.append(kind)
    return kinds[0] if kinds else None


def _is_navigation_menu(text: str, connectors: frozenset[str]) -> bool:
    """Several short Title Case segments joined by menu separators, no sentence punctuation."""
    if re.search(r"[.!?;:](\s|$)|[()\"“”]", text):
        return False
    segments = [s for s in _NAV_SEPARATOR.split(text) if s.strip()]
    if len(segments) < _NAV_MIN_SEGMENTS:
        # Slashes written tight ("News/Sport/Weather") separate too, never inside one word pair
        # such as "and/or" (the segments must all be Title Case below).
        segments = [s for s in _NAV_SLASH.split(text) if s.strip()]
        if len(segments) < _NAV_MIN_SEGMENTS:
            return False
    all_caps = True
    for segment in segments:
        # A comma may join names inside one section ("UK, US & Canada").
        words = [w for w in re.split(r"[\s,]+", segment) if w]
        content = [w for w in words if w.casefold() not in connectors]
        if not content or len(content) > _NAV_MAX_SEGMENT_WORDS:
            return False
        if not all(_NAV_WORD.match(w) for w in content) or all(w.isdigit() for w in content):
            return False
        all_caps = all_caps and all(w.isupper() for w in content)
    return not all_caps or len(segments) >= _NAV_MIN_CAPS_SEGMENTS


@dataclass(frozen=True, slots=True)
class _Kinds:
    """A language's furniture phrases (lang/<code>/furniture-lines.txt, furniture-labels.txt,
    caption-credit-words.txt, contact-sentence-openings.txt, nav-connectors.txt) and the patterns
    built from them."""

    # Whole-line patterns over the normalised line (lower case, punctuation dropped). First match
    # wins, so the more specific kinds come first.
    furniture: tuple[tuple[str, str], ...]
    compiled: tuple[tuple[str, re.Pattern[str]], ...]
    # All kinds in one pattern, in the same order (the first alternative that matches wins), so a
    # line costs one match instead of one per kind; the per-kind patterns decide only when a match
    # is too long. Patterns that scan the whole line (a cookie banner sentence) join only for a line
    # naming a cookie.
    any_kind: re.Pattern[str]
    # Lines that open with a furniture label and go on with a headline or a call ("READ MORE: China
    # plague outbreak confirmed"): the label must be followed by a colon, a pipe or a chevron.
    labelled: tuple[tuple[str, str], ...]
    any_label: re.Pattern[str]
    # A caption ends with its credit: "Protesters march in Hong Kong. (Photo by Ann Wang/Reuters)".
    ends_with_credit: re.Pattern[str]
    contact_start: re.Pattern[str]
    nav_connectors: frozenset[str]


@cache
def _kinds(lang: Language) -> _Kinds:
    furniture = _sections(lang, "furniture-lines")
    labelled = _sections(lang, "furniture-labels")
    credits = "|".join(lang.lines("caption-credit-words"))
    return _Kinds(
        furniture=furniture,
        compiled=tuple((reason, re.compile(rf"^(?:{pattern})$")) for reason, pattern in furniture),
        any_kind=re.compile(
            "^(?:"
            + "|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(furniture) if not p.startswith(".*"))
            + ")$"
        ),
        labelled=labelled,
        any_label=re.compile(
            "^(?:" + "|".join(f"(?P<l{i}>{p})" for i, (_, p) in enumerate(labelled)) + ")", re.IGNORECASE
        ),
        ends_with_credit=re.compile(
            rf"\(({credits})s?(\s+by|\s+credit|\s*:)[^()]{{2,80}}\)\s*$",
            re.IGNORECASE,
        ),
        contact_start=re.compile("^(" + "|".join(lang.lines("contact-sentence-openings")) + ")"),
        nav_connectors=lang.words("nav-connectors"),
    )


def _sections(lang: Language, name: str) -> tuple[tuple[str, str], ...]:
    """A resource of named patterns: a ``[kind]`` line, then the alternatives of its pattern, one a
    line (joined with ``|``); a kind may have several sections, each its own pattern."""
    sections: list[tuple[str, list[str]]] = []
    for line in lang.lines(name):
        if line.startswith("[") and line.endswith("]"):
            sections.append((line[1:-1], []))
        elif sections:
            sections[-1][1].append(line)
        else:
            raise ConfigError(
                f"{name}: a pattern before any [kind] line: {line!r}",
                remedy=f"open src/storyline/lang/{lang.code}/{name}.txt with a [kind] line",
            )
    return tuple((kind, "|".join(alternatives)) for kind, alternatives in sections)
