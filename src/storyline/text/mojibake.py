"""Mojibake: the classic kind (ftfy) and the lossy kind ftfy cannot undo, with the house style
that tells which mark a lossy ``â`` stood for.

Lossy mojibake is UTF-8 read as Latin-1 with the C1 control characters then stripped: ``’`` is the
bytes E2 80 99, read as ``â`` + two C1 controls, which are lost, leaving a bare ``â``. Which
punctuation mark it was is gone from the bytes, so we restore it from context (what stands either
side, the quotes open) and the text's house style (its intact curly or straight quotes and dashes,
else its spelling variety). No library does this; ftfy deliberately leaves it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from storyline.config import QuoteStyle, RepairConfig
from storyline.lang import ENGLISH, Language
from storyline.text.edits import LOOK, Edit, zipf

# A text with none of these letters has no mojibake of either kind to fix: every pass over
# mojibake starts by looking for one.
SUSPICIOUS = re.compile(r"[ÂÃâ]")


@dataclass(frozen=True, slots=True)
class HouseStyle:
    """How a text writes the marks lossy mojibake erased: its quote marks and its spaced dash."""

    quote: QuoteStyle  # SINGLE or DOUBLE
    spaced_dash: str  # "–" (British press: word – word) or "—" (American: word — word)


# --- classic mojibake: ftfy ----------------------------------------------------------------------


def ftfy_config() -> Any:
    """ftfy as the repair stage runs it: the text's own quotes, ligatures and widths are kept
    (we repair encodings, we do not restyle). bench/repair.py runs its ftfy peer the same way."""
    import ftfy

    return ftfy.TextFixerConfig(
        uncurl_quotes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        unescape_html=False,
        fix_line_breaks=False,
        normalization=None,
        explain=False,
    )


def classic(text: str) -> list[Edit]:
    import ftfy

    config = ftfy_config()
    fixed = ftfy.fix_text(text, config)
    if fixed == text:
        return []
    # On short garbage ftfy can find mojibake in its own output (ÃŹ -> ×Ź -> U+05CF): take its
    # result only at its own fixed point, and never one that brings in unassigned or private-use
    # code points, which no real text was.
    for _ in range(_FTFY_ROUNDS):
        again = ftfy.fix_text(fixed, config)
        if again == fixed:
            break
        fixed = again
    else:
        return []
    if any(unicodedata.category(c) in ("Cn", "Co") for c in set(fixed) - set(text)):
        return []
    return _diff_edits(text, fixed, "mojibake")


_FTFY_ROUNDS = 3


def _diff_edits(before: str, after: str, kind: str) -> list[Edit]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(kind, i1, before[i1:i2], after[j1:j2])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


# --- lossy mojibake ------------------------------------------------------------------------------

# After ``â`` a Latin-1 symbol survives when the third UTF-8 byte was not a C1 control (E2 80 A6 is
# ``…``: â, a stripped C1 control, ¦). ``â`` + NBSP is left out: a lost quote or dash before a
# no-break space is far likelier than the dagger (E2 80 A0) it would spell.
_A_CIRC_SYMBOL = {
    "¦": "…",
    "¢": "•",
    "¬": "€",
    "°": "‰",
    "¹": "‹",
    "º": "›",
    "²": "′",
    "³": "″",
    "¯": "\u202f",
}
LOSSY_SYMBOL = re.compile("â[" + "".join(_A_CIRC_SYMBOL) + "]")
_CP1252_HIGH = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_CP1252_RUN = _CP1252_HIGH - frozenset("‘’“”–—…•™€")
# Languages whose words legitimately contain â (pâté, Câmara, România, hâlâ).
_CIRCUMFLEX_LANGS = ("en", "fr", "pt", "ro", "tr", "vi", "it")
_OPENERS = " \t\n\xa0([{/—–-\"'‘“"


def _in_mojibake_run(left: str) -> bool:
    """The character before an ``â`` shows a run of classic mojibake (Ã¢â‚¬, Ã°Å¸): a cp1252 or
    Latin-1 symbol, or Ã/Â. A letter (café’s) or a no-break space (said:\xa0“It) does not."""
    return left in _CP1252_HIGH or "\xa1" <= left <= "\xbf" or left in "ÃÂ"


def lossy_symbols(text: str) -> list[Edit]:
    """``â¦`` → ``…`` and the other symbols whose last byte survived (see ``_A_CIRC_SYMBOL``)."""
    edits: list[Edit] = []
    for match in LOSSY_SYMBOL.finditer(text):
        index = match.start()
        # E2 is always a lead byte, so â + a byte A0-BF is either this damage or a math or Braille
        # symbol (U+2800-2FFF), and news holds the first; but after a cp1252 symbol that no
        # text types (‚ ƒ ˆ Š...) it is a run of classic mojibake, ftfy's to read.
        left = text[index - 1] if index > 0 else " "
        if left in _CP1252_RUN:
            continue
        right = match.group()[1]
        symbol = _A_CIRC_SYMBOL[right]
        if right == "¢" and left.isalnum():
            symbol = "™"  # E2 84 A2 after a name (Apple™), else the bullet E2 80 A2
        edits.append(Edit("lossy-mojibake", index, match.group(), symbol))
    return edits


def lossy(text: str, style: HouseStyle, lang: Language = ENGLISH) -> list[Edit]:
    """Restore what a bare ``â``, ``Â`` or ``Ã`` stood for (``lang``: the text's word lists)."""
    words = _words(lang)
    edits: list[Edit] = []
    quotes: list[str] = []  # the quote marks open at this point, innermost last
    for match in re.finditer(r"Â(?=[\xa0-\xbf])|Ã(?![\x80-\xbf])|â", text):
        index = match.start()
        char = match.group()
        if char == "Â":
            edits.append(Edit("lossy-mojibake", index, "Â", ""))
            continue
        if char == "Ã":
            fixed = _a_tilde(text, index)
            if fixed:
                edits.append(Edit("lossy-mojibake", index, "Ã", fixed))
            continue
        left = text[index - 1] if index > 0 else " "
        right = text[index + 1] if index + 1 < len(text) else " "
        if left == "â" and edits and edits[-1].start == index - 1:
            left = edits[-1].after[-1:] or " "  # two lost marks in a row (,’” Will): the first restored
        elif right in _CP1252_HIGH or _in_mojibake_run(left):
            continue  # windows-1252 mojibake (â€™) or a run of it: ftfy's to fix, or left by it on purpose
        if right in _CP1252_HIGH:
            continue
        replacement = _punctuation(text, index, left, right, style, quotes, words)
        if replacement:
            edits.append(Edit("lossy-mojibake", index, "â", replacement))
    return _drop_overlaps(edits)


def _punctuation(
    text: str, index: int, left: str, right: str, style: HouseStyle, quotes: list[str], words: _Words
) -> str | None:
    """Which punctuation a bare ``â`` stood for; ``quotes`` (the marks open) is updated."""
    if left.isdigit() and right.isdigit():
        return "–"  # 2010–2015: a range
    if left.isalnum() and right.isalnum():
        return _inside_word(text, index, words.contractions)
    if left.isspace() and right.isspace():
        return style.spaced_dash
    if (left.isalpha() or right.isalpha()) and _circumflex_at_edge(text, index):
        return None  # hâlâ, âme: a real â at a word's edge
    single = style.quote is QuoteStyle.SINGLE
    primary, nested = ("‘", "“") if single else ("“", "‘")
    if left in _OPENERS and not right.isspace():
        # A quote opened right after a sentence ends starts afresh: the press leaves a quote open
        # at a paragraph's end when the next paragraph goes on quoting, and scraped paragraphs run
        # together. Opened inside a sentence while one is open, it is a quote within a quote.
        head = text[max(0, index - LOOK) : index].rstrip()
        if not head or head[-1] in ".!?:":
            quotes.clear()
        mark = nested if quotes and quotes[-1] == primary else primary
        quotes.append(mark)
        return mark
    # A closing mark after a word or punctuation closes the innermost open quote.
    if quotes:
        return "”" if quotes.pop() == "“" else "’"
    if not single and left in ".,!?":
        return "”"
    return "’"  # an apostrophe (the players’ union) or a single quote closing


def _circumflex_at_edge(text: str, index: int) -> bool:
    """A word that ends or starts with this ``â`` is a real word (Turkish hâlâ), and without the
    ``â`` no English word (``âme`` is "me" after a lost quote in English news: restored)."""
    start = index
    while start > 0 and (text[start - 1].isalpha()):
        start -= 1
    end = index + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    word = text[start:end]
    stripped = text[start:index] + text[index + 1 : end]
    return _is_circumflex_word(word) and zipf(stripped.lower()) < _ENGLISH_WORD_ZIPF


# Frequent enough to be the English word a lost mark stood beside.
_ENGLISH_WORD_ZIPF = 3.0


def _inside_word(text: str, index: int, contractions: frozenset[str]) -> str | None:
    """A bare ``â`` between two letters: apostrophe, en dash between names, em dash, or a real â."""
    word_start = index
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "â"):
        word_start -= 1
    word_end = index + 1
    while word_end < len(text) and text[word_end].isalpha():
        word_end += 1
    if _is_circumflex_word(text[word_start:word_end]):
        return None  # pâté, Câmara, România
    before, after = text[word_start:index], text[index + 1 : word_end]
    if after.lower() in contractions and (word_end == len(text) or not text[word_end].isalnum()):
        return "’"  # Iran’s, don’t, we’ll
    if before in ("O", "D", "L") and after[:1].isupper():
        return "’"  # O’Brien, D’Angelo
    if before[:1].isupper() and after[:1].isupper():
        return "–"  # Russia–Iran, London–Paris: a relation between two names
    return "—"  # positioning—often: a break between words


@lru_cache(maxsize=8192)
def _is_circumflex_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    lowered = word.lower()
    return any(zipf_frequency(lowered, lang) >= 1.0 for lang in _CIRCUMFLEX_LANGS)


def _a_tilde(text: str, index: int) -> str | None:
    """``Ã`` whose second byte was lost: pick the capital letter that makes a known word."""
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = index + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return _a_tilde_word(text[start:end], index - start)


@lru_cache(maxsize=8192)
def _a_tilde_word(word: str, at: int) -> str | None:
    from wordfreq import zipf_frequency

    if len(word) < 2 or zipf_frequency(word.lower(), "pt") > 1.0:  # São, NÃO... are real words
        return None
    best, best_score = None, 1.0
    for code in range(0x80, 0xA0):
        candidate = bytes([0xC3, code]).decode("utf-8")
        probe = (word[:at] + candidate + word[at + 1 :]).lower()
        if not candidate.isalpha() or not probe.isalpha():
            continue  # × (C3 97) is no letter, and a word of one script
        score = max(zipf_frequency(probe, lang) for lang in ("en", "de", "fr", "es", "sv", "da", "nb", "fi"))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    end = -1
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start >= end:
            kept.append(edit)
            end = edit.start + len(edit.before)
    return kept


def house_style(text: str, config: RepairConfig, lang: Language = ENGLISH) -> HouseStyle:
    """The text's own quote marks and spaced dash, judged from what survived the damage.

    Quotes, strongest evidence first: curly quote marks left intact, then straight ones used as
    quotes ('Mama' June; "yes"), then the spelling variety (the British press quotes with single
    marks, the American with double), else double. The spaced dash follows intact spaced dashes,
    else the quote style's press (British "word – word", American "word — word").
    """
    quote = config.quote_style
    if quote is QuoteStyle.AUTO:
        quote = _vote(len(_CURLY_SINGLE.findall(text)), len(_CURLY_DOUBLE.findall(text)))
    if quote is QuoteStyle.AUTO:
        # A straight single quote opening a sentence is a quote of the first level, and counts
        # twice; elsewhere (said, 'Congratulations,') it may be a quote within a lost one.
        single = sum(
            2 if _opens_sentence(text, m.start()) else 1 for m in _words(lang).straight_single.finditer(text)
        )
        double = text.count('"')
        if max(single, double) >= config.straight_quote_votes:
            quote = _vote(single, double)
    if quote is QuoteStyle.AUTO:
        variety = spelling_variety(text, lang)
        quote = QuoteStyle.SINGLE if variety == "british" else QuoteStyle.DOUBLE
    en, em = text.count(" – "), text.count(" — ")
    if en != em:
        return HouseStyle(quote, "–" if en > em else "—")
    return HouseStyle(quote, "–" if quote is QuoteStyle.SINGLE else "—")


def _vote(single: int, double: int) -> QuoteStyle:
    if single == double:
        return QuoteStyle.AUTO
    return QuoteStyle.SINGLE if single > double else QuoteStyle.DOUBLE


# Opening quote marks: at the start or after a space or bracket, before a letter or digit.
_CURLY_SINGLE = re.compile(r"(?:^|(?<=[\s(\[:—–]))‘(?=\w)")
_CURLY_DOUBLE = re.compile(r"(?:^|(?<=[\s(\[:—–]))“(?=\w)")


def _opens_sentence(text: str, index: int) -> bool:
    head = text[max(0, index - LOOK) : index].rstrip()
    return not head or head[-1] in ".!?:"


_WORD = re.compile(r"[A-Za-z]{4,}")


def spelling_variety(text: str, lang: Language = ENGLISH) -> str | None:
    """'british', 'american' or None, by votes of spelling pairs (colour/color, centre/center...)."""
    # Besides spelling: "per cent", "£", titles without a full stop (Mr Smith) and quotes opened after
    # a colon (said: 'We...') are house style of the British press; their counterparts American.
    words = _words(lang)
    british = text.count("£") + len(words.british_marks.findall(text))
    american = len(words.american_marks.findall(text))
    for word in _WORD.findall(text):
        lowered = word.lower()
        vote = words.lexical.get(lowered) or _variety_vote(lowered, lang)
        if vote > 0:
            british += 1
        elif vote < 0:
            american += 1
    if british == american:
        return None
    return "british" if british > american else "american"


@lru_cache(maxsize=65536)
def _variety_vote(word: str, lang: Language) -> int:
    """+1 British, -1 American, 0 neither: the spelling's counterpart must be a common English word."""
    from wordfreq import zipf_frequency

    for british, american, min_len in _words(lang).swaps:
        if len(word) < min_len:
            continue
        if word.endswith(british):
            other = word[: -len(british)] + american
            if zipf_frequency(other, "en") >= 2.5 and zipf_frequency(word, "en") >= 2.0:
                return 1
        elif word.endswith(american):
            other = word[: -len(american)] + british
            if zipf_frequency(other, "en") >= 2.5 and zipf_frequency(word, "en") >= 2.0:
                return -1
    return 0


@dataclass(frozen=True, slots=True)
class _Words:
    """A language's word lists for lossy mojibake and house style (lang/<code>/; see each file)."""

    contractions: frozenset[str]  # contraction-endings: a lost mark before one was an apostrophe
    # A straight single quote opening a quote, not an elision ('em, 'til, '90s: quote-elisions) nor a
    # possessive or contraction spaced off by a tokeniser (Boeing 's, do n't: contraction-endings).
    straight_single: re.Pattern[str]
    # Besides spelling: "per cent", "£", titles without a full stop (Mr Smith) and quotes opened
    # after a colon (said: 'We...') are house style of the British press; their counterparts
    # American (variety-*-phrases, variety-honorifics).
    british_marks: re.Pattern[str]
    american_marks: re.Pattern[str]
    lexical: dict[str, int]  # variety-british-words +1, variety-american-words -1
    swaps: tuple[tuple[str, str, int], ...]  # variety-spelling-swaps: British, American, min length


@cache
def _words(lang: Language) -> _Words:
    contractions = lang.lines("contraction-endings")
    elided = "|".join(lang.lines("quote-elisions") + contractions)
    titles = "|".join(lang.lines("variety-honorifics"))
    british = "|".join(re.escape(p) for p in lang.lines("variety-british-phrases"))
    american = "|".join(re.escape(p) for p in lang.lines("variety-american-phrases"))
    lexical = dict.fromkeys(lang.lines("variety-british-words"), 1)
    lexical.update(dict.fromkeys(lang.lines("variety-american-words"), -1))
    swaps = tuple(
        (b, a, int(n)) for b, a, n in (line.split() for line in lang.lines("variety-spelling-swaps"))
    )
    return _Words(
        contractions=frozenset(contractions),
        straight_single=re.compile(rf"(?:^|(?<=[\s(\[:—–]))'(?!(?:{elided})\b)(?=[A-Za-z])"),
        british_marks=re.compile(rf"\b(?:{british})\b|\b(?:{titles}) [A-Z]|\w: [‘â']"),
        american_marks=re.compile(rf"\b(?:{american})\b|\b(?:{titles})\. [A-Z]"),
        lexical=lexical,
        swaps=swaps,
    )
