"""Which legacy code page a reader of the text's language would have used to write these bytes.

charset-normalizer ranks code pages by "chaos" and language coherence, which is right for long
texts but not for the files news readers actually have: a mostly-ASCII English article with a few
``£``, curly quotes and dashes reads with zero chaos in a dozen code pages, and it can win as
Shift-JIS (``£625m`` → ``｣625m``) or cp1250 (``Europe’s`` → ``Europeĺs``). So we let
charset-normalizer propose multi-byte (CJK) decodings, accepted only when they really read as CJK,
and choose among the single-byte code pages ourselves with what a reader would check: are the
non-ASCII words real words of a language that code page serves (wordfreq's word lists, already a
dependency), do the non-ASCII symbols stand where such punctuation stands (``’`` inside a word,
``£`` before a number, ``—`` between spaces), and does nothing look like mojibake (an uppercase
letter inside a lowercase word, two scripts in one word, a symbol between letters, C1 controls).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

# Single-byte code pages we choose among, in the order that breaks ties: like browsers, Western
# windows-1252 first, then the other Windows code pages, then ISO and Mac pages (rarer in files).
# Each names the languages whose word lists vouch for a decoding.
_WESTERN = ("en", "fr", "de", "es", "pt", "it", "nl", "ca", "da", "sv", "nb", "fi")
_CENTRAL = ("pl", "cs", "sk", "hu", "sl", "sh", "ro", "de")
_CYRILLIC = ("ru", "uk", "bg", "mk")
CODE_PAGES: dict[str, tuple[str, ...]] = {
    "cp1252": _WESTERN,
    "cp1250": _CENTRAL,
    "cp1251": _CYRILLIC,
    "cp1253": ("el",),
    "cp1254": ("tr",),
    "cp1257": ("lt", "lv"),
    "cp1255": ("he",),
    "cp1256": ("ar", "fa", "ur"),
    "iso8859_15": _WESTERN,
    "iso8859_2": _CENTRAL,
    "iso8859_7": ("el",),
    "koi8_r": ("ru", "bg"),
    "koi8_u": ("uk",),
    "mac_roman": _WESTERN,
    "iso8859_5": _CYRILLIC,
}
_CJK = {
    "cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "iso2022_jp",
    "gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950", "euc_kr", "cp949", "johab",
    "iso2022_kr",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LegacyConfig:
    """Weights of the evidence for one decoding; every value is a count of points per occurrence."""

    # A non-ASCII word found in a word list of the code page's languages: the strongest evidence.
    known_word: float = 2.0
    # A word that looks like mojibake (see _bad_word): as strong against as a known word is for.
    bad_word: float = -2.0
    # A lone non-ASCII letter that is not a word ("ATHENS Ś"): usually a mis-read dash or quote.
    lone_letter: float = -1.0
    # Punctuation and currency where a writer puts them: small, but decides English text whose
    # only non-ASCII characters are quotes, dashes and pound signs.
    placed_symbol: float = 0.5
    # A symbol news text rarely holds (¤ ¦ ¨ ´ ¸ ± box drawing...) or one between two letters.
    odd_symbol: float = -1.0
    # C0/C1 controls and private-use characters: no text holds them.
    control: float = -5.0
    # Enough of the text to judge; more only costs time (the whole choice stays under ~0.1 s).
    sample_bytes: int = 1 << 18
    # Of that, the lines holding non-ASCII bytes scored per code page: a few thousand words.
    evidence_bytes: int = 1 << 14
    # A CJK decoding is kept only if this share of its non-ASCII characters are CJK ideographs,
    # kana or hangul (halfwidth katakana in Latin text is the classic mis-detection).
    cjk_share: float = 0.9
    # ...and this share of all its letters: Chinese or Japanese text is mostly ideographs and kana,
    # an English text with one odd byte pair is not.
    cjk_letters: float = 0.3


_CHUNK = re.compile(r"\S*[^\x00-\x7f]\S*")
_LETTERS = re.compile(r"[^\W\d_]+")
_ASCII_WORD = re.compile(rb"(?<![\x80-\xff])[A-Za-z]+(?![\x80-\xff])")
# Common in news text beside a space, digit or punctuation: currency, marks, fractions and
# typographic punctuation.
_COMMON = set("£€¥¢§©®™°·•…«»‹›“”‘’„‚—–¿¡×½¼¾\u00a0\u202f\u2009\u2011\u2010")


def guess_legacy(content: bytes, config: LegacyConfig = LegacyConfig()) -> str:
    """The code page to decode ``content`` (not valid UTF-8) with; ``cp1252`` when nothing reads better."""
    sample = content[: config.sample_bytes]
    # Only lines with non-ASCII bytes tell code pages apart (ASCII reads the same in all of them);
    # the ASCII words elsewhere only say how much of the text is Latin script.
    wide = b"\n".join(line for line in sample.split(b"\n") if not line.isascii())[: config.evidence_bytes]
    latin_words = len(_ASCII_WORD.findall(sample))
    best, best_score = "cp1252", float("-inf")
    for charset, languages in CODE_PAGES.items():
        try:
            text = wide.decode(charset)
        except UnicodeDecodeError:
            continue
        score = _score(text, languages, latin_words, config)
        if score > best_score:
            best, best_score = charset, score
    # A multi-byte character cut at the sample's end would count against a CJK decoding.
    cut = _trim(sample) if len(content) > len(sample) else sample
    cjk = _cjk_guess(cut, config) if best_score < 0 else None
    return cjk if cjk is not None else best


def _trim(sample: bytes) -> bytes:
    """Cut a sample at the last ASCII byte so a multi-byte character is never split."""
    for index in range(len(sample) - 1, max(-1, len(sample) - 8), -1):
        if sample[index] < 0x80:
            return sample[: index + 1]
    return sample


def _cjk_guess(sample: bytes, config: LegacyConfig) -> str | None:
    """charset-normalizer's answer when it is a CJK code page whose text really is CJK."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding not in _CJK:
        return None
    text = str(best)
    wide = [c for c in text if not c.isascii()]
    cjk = sum(_is_cjk(c) for c in wide)
    letters = sum(c.isalpha() for c in text)
    if not wide or cjk / len(wide) < config.cjk_share or cjk / max(1, letters) < config.cjk_letters:
        return None
    return str(best.encoding)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x9FFF  # ideographs
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF01 <= code <= 0xFF5E  # fullwidth forms (not the halfwidth katakana after them)
    )


def _score(text: str, languages: tuple[str, ...], latin_words: int, config: LegacyConfig) -> float:
    chunks = [m.group() for m in _CHUNK.finditer(text)]
    words = [w.group() for chunk in chunks for w in _LETTERS.finditer(chunk) if not w.group().isascii()]
    main = _main_script(latin_words, words)
    score = 0.0
    for word in words:
        score += _word_score(word, languages, main, config)
    for chunk in chunks:
        for index, char in enumerate(chunk):
            if not char.isascii() and not char.isalpha():
                score += _symbol_score(chunk, index, languages, config)
    return score


def _main_script(latin_words: int, wide_words: list[str]) -> str:
    """The script most words are written in (ASCII words count as Latin)."""
    counts: dict[str, int] = {"LATIN": latin_words}
    for word in wide_words:
        script = _script(word[0])
        counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda k: counts[k])


def _word_score(word: str, languages: tuple[str, ...], main: str, config: LegacyConfig) -> float:
    if _bad_word(word):
        return config.bad_word
    if len(word) == 1:
        # One-letter words ("à", "в", "η") are real only in small letters, in text of their own
        # script, and only the frequent ones: a lone "Ň", "Ö" or "í" amid English is a mis-read
        # quote, dash or ellipsis. (A capital one starting a sentence costs every reading alike.)
        common = (
            word.islower() and _script(word) == main and _frequency(word, languages) >= _ONE_LETTER_FREQUENCY
        )
        return config.known_word if common else config.lone_letter
    return config.known_word if _frequency(word, languages) > 0 else 0.0


def _bad_word(word: str) -> bool:
    """Mojibake shapes: two scripts in one word, or a non-ASCII capital inside a word that is not
    all capitals (``GreeceÆs``, ``HŸpscher``, ``cŒur``)."""
    if len({_script(c) for c in word}) > 1:
        return True
    if word.isupper():
        return False
    if any(c.isupper() and not c.isascii() for c in word[1:]):
        return True
    # "McDonald" is a name, but a capital after a small letter in a word with a non-ASCII letter
    # ("interestedóBushnell") is a dash read as a letter.
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def _script(char: str) -> str:
    if char == "µ":
        return "LATIN"  # the micro sign of "µg" is written with Latin letters
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "?"


def _frequency(word: str, languages: tuple[str, ...]) -> float:
    """The word's highest frequency in the languages' word lists (Turkish has its own dotted i)."""
    lower = word.lower()
    turkish = word.replace("İ", "i").replace("I", "ı").lower()
    return max(max(_words(lang).get(lower, 0.0), _words(lang).get(turkish, 0.0)) for lang in languages)


# A one-letter word must be at least this frequent (Zipf 4.5: "à", "é", "в", "η" are far above).
_ONE_LETTER_FREQUENCY = 10**-4.5


@cache
def _words(language: str) -> dict[str, float]:
    import wordfreq

    # The small lists (words seen at least once per million) load in ~50 ms and hold the common
    # words that decide a code page; a rare name decides nothing either way.
    return dict(wordfreq.get_frequency_dict(language, wordlist="small"))


def _symbol_score(chunk: str, index: int, languages: tuple[str, ...], config: LegacyConfig) -> float:
    char = chunk[index]
    category = unicodedata.category(char)
    if category in ("Cc", "Co", "Cn", "Cs"):
        return config.control
    before = chunk[index - 1] if index else " "
    after = chunk[index + 1] if index + 1 < len(chunk) else " "
    if char in _CURRENCY and before.isalpha() != after.isalpha():
        # "£625m", "5 €", "US$": a currency sign glued to a word ("€lvdalsmal") is a mis-read letter.
        return (
            config.odd_symbol
            if after.isalpha() and not before.isalpha() and not before.isupper()
            else config.placed_symbol
        )
    if not (before.isalpha() and after.isalpha()):
        return config.placed_symbol if char in _COMMON else config.odd_symbol
    left = _LEFT_LETTERS.search(chunk, 0, index)
    right = _LETTERS.match(chunk, index + 1)
    head, tail = (left.group() if left else ""), (right.group() if right else "")
    if char == "·":  # only Catalan's "l·l" is a word; elsewhere it is a mis-read letter
        return config.placed_symbol if before in "lL" and after in "lL" else config.odd_symbol
    if char in _APOSTROPHES:
        # "Europe’s", "don’t", "l’homme", "O’Brien"; elsewhere ("tax’metro") it may be a letter.
        elided = tail.lower() in _ENDINGS or head.lower() in _ELISIONS or (len(head) == 1 and head.isupper())
        return config.placed_symbol if elided else 0.0
    if char in _DASHES:
        # An unspaced dash joins words ("well—known"); between fragments ("Krak—w") it is a letter.
        # Names joined by a dash ("Portevin–Le Chatelier", "Arthur—a") are not in word lists: no
        # evidence either way.
        joins = all(len(part) > 1 and _frequency(part, languages) > 0 for part in (head, tail))
        return config.placed_symbol if joins else 0.0
    return config.odd_symbol


_LEFT_LETTERS = re.compile(r"[^\W\d_]+$")
_APOSTROPHES = set("’‘ʼ")
_DASHES = set("–—‐‑")
_CURRENCY = set("£€¥¢")
# What follows an English apostrophe, and what a French, Italian or Catalan elision leaves before it.
_ENDINGS = {"s", "t", "d", "ll", "re", "ve", "m"}
_ELISIONS = {
    "l",
    "d",
    "j",
    "m",
    "n",
    "s",
    "t",
    "c",
    "qu",
    "jusqu",
    "lorsqu",
    "puisqu",
    "un",
    "dell",
    "all",
    "dall",
    "nell",
    "sull",
}
