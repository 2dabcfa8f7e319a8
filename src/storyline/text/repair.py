"""Text repair: classic mojibake (ftfy), the lossy kind ftfy cannot undo, merged words, whitespace.

Every change is recorded as a :class:`Repair` with its offset in the article's final text.

Lossy mojibake is UTF-8 read as Latin-1 with the C1 control characters then stripped: ``’`` is the
bytes E2 80 99, read as ``â`` + two C1 controls, which are lost, leaving a bare ``â``. Which
punctuation mark it was is gone from the bytes, so we restore it from context (what stands either
side, the quotes open) and the text's house style (its intact curly or straight quotes and dashes,
else its spelling variety). No library does this; ftfy deliberately leaves it.

Merged words (``themoment``) are split precision first, since a split that damages a correct word
is worse than a merge left alone: only a token no dictionary knows in any language or case, that
is no prefix or suffix coinage, typo, address, handle or name, and that reads as a function word
and a common word (see ``_split_token``). On 319k words of clean news (bench/repair.py --clean)
that is 2 splits, both real merges.

Repair is idempotent and every recorded offset maps back (tests/text/test_repair_props.py).
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from storyline.config import QuoteStyle, RepairConfig
from storyline.model import BLOCK_SEPARATOR, Article, Block, Repair


@dataclass(frozen=True, slots=True)
class Edit:
    """One change inside a string: ``before`` at ``start`` became ``after``."""

    kind: str
    start: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class TextRepair:
    """A repaired string and the edits, positioned in the repaired string."""

    text: str
    edits: tuple[Edit, ...]


def repair(article: Article, config: RepairConfig) -> Article:
    """Repair the title and every block of ``article``; record each change with its final offset."""
    english = article.language in (None, "en")
    whole = article.text + " " + (article.title or "")
    # The house style is judged on the whole article, and only when there is mojibake to fix.
    style = house_style(whole, config) if _SUSPICIOUS.search(whole) else None
    blocks: list[Block] = []
    repairs: list[Repair] = []
    offset = 0
    for block in article.blocks:
        fixed = repair_text(block.text, config, style=style, english=english)
        blocks.append(dataclasses.replace(block, text=fixed.text))
        repairs.extend(Repair(e.kind, e.before, e.after, offset + e.start) for e in fixed.edits)
        offset += len(fixed.text) + len(BLOCK_SEPARATOR)
    title = article.title
    if title:
        fixed_title = repair_text(title, config, style=style, english=english)
        # The title is not part of the text: its repairs carry offset -1.
        repairs.extend(Repair(f"title:{e.kind}", e.before, e.after, -1) for e in fixed_title.edits)
        title = fixed_title.text
    return dataclasses.replace(
        article,
        title=title,
        blocks=tuple(blocks),
        repairs=article.repairs + tuple(repairs),
    )


def repair_text(
    text: str, config: RepairConfig, *, style: HouseStyle | None = None, english: bool = True
) -> TextRepair:
    """All repairs on one string, in order; edit offsets are mapped into the final string.

    The passes run again on their own output until it stops changing (at most ``_ROUNDS`` times):
    a restored mark can complete a mojibake pair with the letter before it (Î + — reads as the
    UTF-8 of Η), and a second repair must find nothing left to do.
    """
    chosen = style
    if chosen is None and config.fix_lossy_mojibake and _SUSPICIOUS.search(text) is not None:
        chosen = house_style(text, config)
    done: list[Edit] = []
    for _ in range(_ROUNDS):
        changed = False
        for run in _passes(text, config, chosen, english):
            edits = run(text)
            if edits:
                text, done = _apply(text, edits, done)
                changed = True
        if not changed:
            break
    return TextRepair(text, tuple(done))


# Two rounds settle every text seen (news and generated); the third is a margin.
_ROUNDS = 3


def _passes(
    text: str, config: RepairConfig, style: HouseStyle | None, english: bool
) -> list[Callable[[str], list[Edit]]]:
    passes: list[Callable[[str], list[Edit]]] = []
    # Invisible characters go first: ftfy judges a string by what stands side by side, and what
    # it leaves beside a zero-width space it may change once that is gone.
    if config.normalize_whitespace:
        passes.append(_invisible)
    lossy = config.fix_lossy_mojibake and _SUSPICIOUS.search(text) is not None
    # A lost ellipsis (â¦) must be restored before ftfy sees it: ftfy reads â¦ and the next
    # character as one three-byte sequence and makes a rare symbol of it (⦠).
    if lossy and _LOSSY_SYMBOL.search(text) is not None:
        passes.append(_lossy_symbols)
    # ASCII text has no mojibake, and lossy mojibake always leaves a Latin-1 letter (â, Â, Ã).
    if config.fix_classic_mojibake and not text.isascii():
        passes.append(_classic)
    # Spaces before the passes that read words and their neighbours.
    if config.normalize_whitespace:
        passes.append(_whitespace)
    if lossy:
        chosen = style or house_style(text, config)
        passes.append(lambda s: _lossy(s, chosen))
    if config.split_merged_words and english:
        passes.append(lambda s: _merged(s, config))
    return passes


_SUSPICIOUS = re.compile(r"[ÂÃâ]")
# How far back or ahead a pass reads around a mark for its context: enough for a sentence end
# behind spaces and quotes, bounded so that long texts stay linear.
_LOOK = 64


@dataclass(frozen=True, slots=True)
class HouseStyle:
    """How a text writes the marks lossy mojibake erased: its quote marks and its spaced dash."""

    quote: QuoteStyle  # SINGLE or DOUBLE
    spaced_dash: str  # "–" (British press: word – word) or "—" (American: word — word)


def _apply(text: str, edits: list[Edit], done: list[Edit]) -> tuple[str, list[Edit]]:
    """Apply non-overlapping ``edits`` (input positions); shift earlier edits and place new ones.

    ``done`` (the earlier edits, their ``after`` positioned in ``text``) is sorted and never
    overlaps itself. A new edit that changes text an earlier pass wrote (ftfy reading a restored
    ``•`` as part of a longer sequence) absorbs that earlier edit: the two become one edit from the
    earlier ``before`` to the new ``after``, so every recorded edit still names text that is there.
    """
    edits, absorbed = _absorb(text, sorted(edits, key=lambda e: e.start), done)
    pieces: list[str] = []
    cursor = 0
    shift = 0
    placed: list[Edit] = []
    ends: list[int] = []  # input end of each new edit...
    shifts: list[int] = []  # ...and the cumulative shift after it
    for edit in edits:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.after)
        placed.append(dataclasses.replace(edit, start=edit.start + shift))
        cursor = edit.start + len(edit.before)
        shift += len(edit.after) - len(edit.before)
        ends.append(cursor)
        shifts.append(shift)
    pieces.append(text[cursor:])

    def moved(position: int) -> int:
        before = bisect.bisect_right(ends, position)
        return position + (shifts[before - 1] if before else 0)

    shifted = [dataclasses.replace(e, start=moved(e.start)) for e in done if id(e) not in absorbed]
    return "".join(pieces), sorted(shifted + placed, key=lambda e: e.start)


def _span_overlap(a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> bool:
    if a_lo == a_hi:
        return b_lo < a_lo < b_hi
    if b_lo == b_hi:
        return a_lo < b_lo < a_hi
    return a_lo < b_hi and b_lo < a_hi


def _overlaps(earlier: Edit, new: Edit) -> bool:
    """An earlier edit (its ``after`` is in the text) overlaps a new one (its ``before`` is)."""
    return _span_overlap(
        earlier.start, earlier.start + len(earlier.after), new.start, new.start + len(new.before)
    )


def _absorb(text: str, edits: list[Edit], done: list[Edit]) -> tuple[list[Edit], set[int]]:
    """New edits, each grown over the earlier edits it overlaps (and over its neighbours then),
    and the ids of the earlier edits absorbed."""
    starts = [e.start for e in done]
    groups: list[tuple[list[Edit], list[Edit]]] = []  # (new edits, earlier edits) per merged span
    for edit in edits:
        olds: list[Edit] = []
        # ``done`` is sorted and disjoint: only edits starting before this one ends can overlap,
        # and walking back from there, none once they end before it starts.
        j = bisect.bisect_right(starts, edit.start + len(edit.before)) - 1
        while j >= 0 and done[j].start + len(done[j].after) >= edit.start:
            if _overlaps(done[j], edit):
                olds.append(done[j])
            j -= 1
        news = [edit]
        if groups and (olds or groups[-1][1]):
            lo, hi = _group_span(*groups[-1])
            shared = {id(o) for o in olds} & {id(o) for o in groups[-1][1]}
            if shared or _span_overlap(lo, hi, *_group_span(news, olds)):
                last_news, last_olds = groups.pop()
                news = last_news + news
                olds = last_olds + [e for e in olds if id(e) not in {id(o) for o in last_olds}]
        groups.append((news, olds))
    result: list[Edit] = []
    absorbed: set[int] = set()
    for news, olds in groups:
        if not olds and len(news) == 1:
            result.append(news[0])
            continue
        absorbed.update(id(o) for o in olds)
        lo, hi = _group_span(news, olds)
        before = after = text[lo:hi]
        for old in sorted(olds, key=lambda e: e.start, reverse=True):
            at = old.start - lo
            before = before[:at] + old.before + before[at + len(old.after) :]
        for new in sorted(news, key=lambda e: e.start, reverse=True):
            at = new.start - lo
            after = after[:at] + new.after + after[at + len(new.before) :]
        result.append(Edit(news[-1].kind, lo, before, after))
    return result, absorbed


def _group_span(news: list[Edit], olds: list[Edit]) -> tuple[int, int]:
    lo = min([e.start for e in news] + [e.start for e in olds])
    hi = max([e.start + len(e.before) for e in news] + [e.start + len(e.after) for e in olds])
    return lo, hi


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


def _classic(text: str) -> list[Edit]:
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
_LOSSY_SYMBOL = re.compile("â[" + "".join(_A_CIRC_SYMBOL) + "]")
_CP1252_HIGH = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_CP1252_RUN = _CP1252_HIGH - frozenset("‘’“”–—…•™€")
_CONTRACTIONS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
# Languages whose words legitimately contain â (pâté, Câmara, România, hâlâ).
_CIRCUMFLEX_LANGS = ("en", "fr", "pt", "ro", "tr", "vi", "it")
_OPENERS = " \t\n\xa0([{/—–-\"'‘“"


def _in_mojibake_run(left: str) -> bool:
    """The character before an ``â`` shows a run of classic mojibake (Ã¢â‚¬, Ã°Å¸): a cp1252 or
    Latin-1 symbol, or Ã/Â. A letter (café’s) or a no-break space (said:\xa0“It) does not."""
    return left in _CP1252_HIGH or "\xa1" <= left <= "\xbf" or left in "ÃÂ"


def _lossy_symbols(text: str) -> list[Edit]:
    """``â¦`` → ``…`` and the other symbols whose last byte survived (see ``_A_CIRC_SYMBOL``)."""
    edits: list[Edit] = []
    for match in _LOSSY_SYMBOL.finditer(text):
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


def _lossy(text: str, style: HouseStyle) -> list[Edit]:
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
        replacement = _punctuation(text, index, left, right, style, quotes)
        if replacement:
            edits.append(Edit("lossy-mojibake", index, "â", replacement))
    return _drop_overlaps(edits)


def _punctuation(
    text: str, index: int, left: str, right: str, style: HouseStyle, quotes: list[str]
) -> str | None:
    """Which punctuation a bare ``â`` stood for; ``quotes`` (the marks open) is updated."""
    if left.isdigit() and right.isdigit():
        return "–"  # 2010–2015: a range
    if left.isalnum() and right.isalnum():
        return _inside_word(text, index)
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
        head = text[max(0, index - _LOOK) : index].rstrip()
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
    return _is_circumflex_word(word) and _zipf(stripped.lower()) < _ENGLISH_WORD_ZIPF


# Frequent enough to be the English word a lost mark stood beside.
_ENGLISH_WORD_ZIPF = 3.0


def _inside_word(text: str, index: int) -> str | None:
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
    if after.lower() in _CONTRACTIONS and (word_end == len(text) or not text[word_end].isalnum()):
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


def house_style(text: str, config: RepairConfig) -> HouseStyle:
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
        single = sum(2 if _opens_sentence(text, m.start()) else 1 for m in _STRAIGHT_SINGLE.finditer(text))
        double = text.count('"')
        if max(single, double) >= config.straight_quote_votes:
            quote = _vote(single, double)
    if quote is QuoteStyle.AUTO:
        variety = spelling_variety(text)
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
# A straight single quote opening a quote, not an elision ('em, 'til, '90s) nor a possessive or
# contraction spaced off by a tokeniser (Boeing 's, do n't).
_STRAIGHT_SINGLE = re.compile(
    r"(?:^|(?<=[\s(\[:—–]))'(?!(?:em|til|n|cause|bout|s|t|re|ve|ll|d|m)\b)(?=[A-Za-z])"
)


def _opens_sentence(text: str, index: int) -> bool:
    head = text[max(0, index - _LOOK) : index].rstrip()
    return not head or head[-1] in ".!?:"


_WORD = re.compile(r"[A-Za-z]{4,}")


def spelling_variety(text: str) -> str | None:
    """'british', 'american' or None, by votes of spelling pairs (colour/color, centre/center...)."""
    # Besides spelling: "per cent", "£", titles without a full stop (Mr Smith) and quotes opened after
    # a colon (said: 'We...') are house style of the British press; their counterparts American.
    british = text.count("£") + len(re.findall(r"\bper cent\b|\b(?:Mr|Mrs|Ms|Dr) [A-Z]|\w: [‘â']", text))
    american = len(re.findall(r"\bpercent\b|\b(?:Mr|Mrs|Ms|Dr)\. [A-Z]", text))
    for word in _WORD.findall(text):
        lowered = word.lower()
        vote = _LEXICAL_VARIETY.get(lowered) or _variety_vote(lowered)
        if vote > 0:
            british += 1
        elif vote < 0:
            american += 1
    if british == american:
        return None
    return "british" if british > american else "american"


# Words, not spellings, that tell the two presses apart (+1 British, -1 American).
_LEXICAL_VARIETY = {
    "towards": 1,
    "toward": -1,
    "whilst": 1,
    "amongst": 1,
    "learnt": 1,
    "spelt": 1,
    "programme": 1,
    "programmes": 1,
    "fortnight": 1,
    "lorry": 1,
    "pavement": 1,
    "tyres": 1,
    "mum": 1,
    "mom": -1,
    "sidewalk": -1,
    "gotten": -1,
}
_SWAPS = (
    # The British double the l before an ending (travelled, cancelling, labelled); the counterpart
    # must be a common word, so filled/filed is never read as a spelling pair (the l is in "ill").
    ("elled", "eled", 7),
    ("elling", "eling", 8),
    ("alled", "aled", 7),
    ("alling", "aling", 8),
    ("our", "or", 6),
    ("tre", "ter", 6),
    ("ise", "ize", 7),
    ("ised", "ized", 7),
    ("ises", "izes", 7),
    ("ising", "izing", 8),
    ("isation", "ization", 9),
    ("yse", "yze", 6),
    ("ence", "ense", 7),
    ("ogue", "og", 8),
    ("ours", "ors", 7),
    ("tres", "ters", 7),
)


@lru_cache(maxsize=65536)
def _variety_vote(word: str) -> int:
    """+1 British, -1 American, 0 neither: the spelling's counterpart must be a common English word."""
    from wordfreq import zipf_frequency

    for british, american, min_len in _SWAPS:
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


# --- merged words --------------------------------------------------------------------------------

_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "and",
        "or",
        "but",
        "nor",
        "beyond",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "among",
        "around",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "between",
        "during",
        "into",
        "near",
        "over",
        "since",
        "than",
        "that",
        "this",
        "these",
        "those",
        "through",
        "toward",
        "towards",
        "under",
        "until",
        "upon",
        "within",
        "without",
        "his",
        "her",
        "its",
        "our",
        "their",
        "your",
        "my",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "must",
        "can",
        "said",
        "says",
        "not",
        "also",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "while",
    ]
)
# Sentence-initial function words that may head a capitalised merge ("Beyondborders").
# A capitalised token is otherwise never split: inside a sentence it is a name wordfreq may not know
# (Sportsmail, Oldknow), and at a sentence start a name that reads as two words (Bethan = Be+than,
# Foran = For+an, Maynor = May+nor, Nordyke = Nor+dyke) is refused because its head is not one of
# these words, or because its tail is a function word other than a determiner (Beyondthe is split,
# but only at seven letters or more, so For+an stays). Prepositions and determiners open sentences
# all the time, and a name made of one of them plus a common content word, unknown to wordfreq in
# every language, is far rarer than a scraper dropping the space after one. Conjunctions are left
# out: And+well, But+land read as names too.
_SENTENCE_OPENERS = frozenset(
    [
        "the",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "beyond",
        "about",
        "after",
        "before",
        "during",
        "under",
        "over",
        "since",
        "until",
        "without",
        "within",
        "among",
        "across",
        "despite",
        "through",
        "this",
        "these",
        "those",
        "its",
        "their",
        "our",
        "some",
        "many",
        "most",
        "every",
        "each",
        "both",
    ]
)
# Determiners that may follow a sentence opener in a capitalised merge (Beyondthe, Forthe...).
_DETERMINERS = frozenset(["the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our"])
# Closed compounds with these prefixes (postelection, underspend, superphone, nonstarter) are words,
# known or not: a token that is one of them plus a known content word is never split.
_PREFIXES = (
    "anti",
    "auto",
    "bi",
    "co",
    "counter",
    "cross",
    "cyber",
    "de",
    "dis",
    "eco",
    "ex",
    "extra",
    "hyper",
    "inter",
    "intra",
    "macro",
    "mega",
    "micro",
    "mid",
    "mini",
    "mis",
    "multi",
    "neo",
    "non",
    "out",
    "over",
    "post",
    "pre",
    "pro",
    "pseudo",
    "re",
    "semi",
    "sub",
    "super",
    "tele",
    "trans",
    "tri",
    "ultra",
    "un",
    "under",
    "up",
)
# Likewise word-forming endings (blogland, fanbase, cheerleaderish, Brexiteer): a known content word
# plus one of these is a coinage, not a merge.
_SUFFIXES = (
    "land",
    "ville",
    "verse",
    "sphere",
    "scape",
    "base",
    "gate",
    "fest",
    "athon",
    "mania",
    "phobe",
    "phile",
    "ness",
    "less",
    "ful",
    "ship",
    "dom",
    "hood",
    "like",
    "wise",
    "ward",
    "wards",
    "ism",
    "ist",
    "ists",
    "ite",
    "ites",
    "eer",
    "eers",
    "er",
    "ers",
    "ing",
    "ings",
    "ed",
    "ly",
    "able",
    "ible",
    "ish",
    "esque",
    "ology",
    "s",
    "es",
)
_TOKEN = re.compile(r"(?<![\w’'-])[A-Za-z]+(?![\w’'-])")
# Whitespace-delimited chunks that are addresses, not prose: URLs, e-mail addresses, handles,
# hashtags, paths and domain names (bbc.co.uk). Nothing inside them is split.
_PROTECTED = re.compile(r"\S*(?:[@#/\\]|://|www\.|[A-Za-z0-9]\.[A-Za-z]{2})\S*")


def _merged(text: str, config: RepairConfig) -> list[Edit]:
    """Split ``thevote`` and ``Beyondborders``: tokens no dictionary knows, made of two common words."""
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    protected_starts = [start for start, _ in protected]
    edits: list[Edit] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if len(token) < 4:
            continue
        inside = bisect.bisect_right(protected_starts, match.start()) - 1
        if inside >= 0 and match.start() < protected[inside][1]:
            continue
        if _in_spaced_address(text, match.start(), match.end()):
            continue
        split = _split_token(token, config, _sentence_start(text, match.start()))
        if split:
            edits.append(Edit("merged-words", match.start(), token, split))
    return edits


_ADDRESS_MARKS = frozenset("/\\=&@#_|")
_DOMAIN_AFTER = re.compile(r"\. ?[a-z]{2,6}\b")


def _in_spaced_address(text: str, start: int, end: int) -> bool:
    """A token inside an address whose punctuation was spaced out by a tokeniser (ECB+ writes
    ``http: / / www. theverge. com / news``): beside a slash, ``=``, ``&``..., before a dot and a
    lowercase domain part, or after ``www.``."""
    before = text[max(0, start - _LOOK) : start].rstrip(" ")
    after = text[end : end + _LOOK].lstrip(" ")
    if (before and before[-1] in _ADDRESS_MARKS) or (after and after[0] in _ADDRESS_MARKS):
        return True
    if _DOMAIN_AFTER.match(text, end):
        return True
    return before.lower().endswith("www.")


@lru_cache(maxsize=262144)
def _zipf(word: str, lang: str = "en") -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def _known(word: str, config: RepairConfig) -> bool:
    """Known to wordfreq at any frequency in any of the configured languages (case-folded)."""
    return any(_zipf(word, lang) > 0 for lang in config.known_languages)


def _sentence_start(text: str, index: int) -> bool:
    head = text[max(0, index - 8) : index].rstrip(" \"“‘'(")
    return not head or head[-1] in ".!?:\n"


@lru_cache(maxsize=65536)
def _split_token(token: str, config: RepairConfig, at_sentence_start: bool) -> str | None:
    if len(token) < 4 or any(c.isupper() for c in token[1:]):
        return None  # CNN, McDonald, iPhone: capitals inside a token are never a merge
    capitalised = token[0].isupper()
    if capitalised and not at_sentence_start:
        return None  # a capitalised word inside a sentence is a name we may not know (Sportsmail)
    lowered = token.lower()
    cut = _function_pair(lowered, config)
    if cut and not capitalised:
        return f"{token[:cut]} {token[cut:]}"  # tothe, withthe
    # Beyondthe: an opener and a determiner (ruled out below seven letters: For+an).
    long_enough = len(token) >= config.min_merged_length
    if cut and long_enough and lowered[:cut] in _SENTENCE_OPENERS and lowered[cut:] in _DETERMINERS:
        return f"{token[:cut]} {token[cut:]}"
    if len(token) < config.min_merged_length:
        return None
    if _known(lowered, config) or _is_compound(lowered, config) or _is_typo(lowered, config):
        return None
    cuts: list[int] = []
    for cut in range(2, len(lowered) - 1):
        left, right = lowered[:cut], lowered[cut:]
        # Two content words run together are nearly always a closed compound the lists lack
        # (photosharing, steamfields, longrunning, funnybooks: 10-12 letters), not a lost space;
        # only a long token of two very common words (Governmentofficials) is split.
        content = (
            len(lowered) >= config.content_merge_min_length
            and left not in _FUNCTION_WORDS
            and right not in _FUNCTION_WORDS
            and min(_zipf(left), _zipf(right)) >= config.content_part_zipf
        )
        if capitalised:
            # "Beyond sectors": an opener followed by a common content word.
            opener = (
                left in _SENTENCE_OPENERS
                and right not in _FUNCTION_WORDS
                and _zipf(right) >= config.part_zipf
            )
            fits = opener or content
        else:
            # One half a function word: themoment, whichkilled, officialssaid.
            functional = left in _FUNCTION_WORDS or right in _FUNCTION_WORDS
            fits = (functional and min(_zipf(left), _zipf(right)) >= config.part_zipf) or content
        if fits and _zipf(f"{left} {right}") >= max(_zipf(lowered), 0.0) + config.split_margin_zipf:
            cuts.append(cut)
    if len(cuts) != 1:
        return None  # no reading, or two readings: we cannot be sure which
    return f"{token[: cuts[0]]} {token[cuts[0] :]}"


def _is_compound(word: str, config: RepairConfig) -> bool:
    """A known word with a word-forming prefix or ending (superphone, blogland, watchpoints)."""
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if (
            word.startswith(prefix)
            and len(rest) >= 3
            and rest not in _FUNCTION_WORDS
            and _known(rest, config)
        ):
            return True
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and stem not in _FUNCTION_WORDS and _known(stem, config):
            return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=65536)
def _is_typo(word: str, config: RepairConfig) -> bool:
    """One slip (a letter added, dropped, changed or two swapped) away from a common word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    candidates = {a + b[1:] for a, b in splits if b}
    candidates |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    candidates |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    candidates |= {a + c + b for a, b in splits for c in _LETTERS}
    candidates.discard(word)
    return any(_zipf(candidate) >= config.typo_zipf for candidate in candidates)


def _function_pair(lowered: str, config: RepairConfig) -> int | None:
    """Where ``tothe``, ``withthe`` or ``beyondthe`` splits into two function words: only when the
    token is rare in every language (wordfreq knows these scraping accidents as typos, tothe at
    Zipf 2.2, inan at 2.0; into, onto, anon and whereby are common and stay, and so does isto,
    Portuguese for "this")."""
    if any(_zipf(lowered, lang) >= config.short_unknown_zipf for lang in config.known_languages):
        return None
    cuts = [
        cut
        for cut in range(2, len(lowered))
        if lowered[:cut] in _FUNCTION_WORDS
        and lowered[cut:] in _FUNCTION_WORDS
        # where + a preposition makes old words (whereof, whereto, wherewith), not merges
        and lowered[:cut] != "where"
    ]
    return cuts[0] if len(cuts) == 1 else None


# --- whitespace ----------------------------------------------------------------------------------

# Invisible characters scraped pages carry (zero-width space, word joiner, BOM, soft hyphen).
# Zero-width joiners are dropped only inside Latin text: between emoji (🏳️‍🌈) and in Persian or
# Indic words they are part of the writing.
# A soft hyphen after Ã or Â is half of a mojibake pair (Ã + U+00AD is í): ftfy's to read.
_INVISIBLE = re.compile(
    r"[\u200b\u2060\ufeff]+|(?<![ÃÂ])\u00ad+|(?<=[\x00-\x7f])[\u200c\u200d]+(?=[\x00-\x7f])"
)
_SPACES = re.compile(r"[ \t]{2,}|^[ \t]+|[ \t]+$")


def _invisible(text: str) -> list[Edit]:
    return [Edit("whitespace", m.start(), m.group(), "") for m in _INVISIBLE.finditer(text)]


def _whitespace(text: str) -> list[Edit]:
    """Runs of spaces become one; none at either end. Run after ``_invisible``, whose removals can
    bring spaces together, so that a second repair finds nothing to do."""
    edits: list[Edit] = []
    for match in _SPACES.finditer(text):
        value = match.group()
        at_edge = match.start() == 0 or match.end() == len(text)
        after = "" if at_edge else " "
        if value != after:
            edits.append(Edit("whitespace", match.start(), value, after))
    return edits
