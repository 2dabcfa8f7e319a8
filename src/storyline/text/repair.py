"""Text repair: classic mojibake (ftfy), the lossy kind ftfy cannot undo, merged words, whitespace.

Every change is recorded as a :class:`Repair` with its offset in the article's final text.
:func:`repair` is the stage; the passes live by job: text/mojibake.py (classic and lossy mojibake,
the house style), text/merged_words.py, the whitespace passes here, and text/edits.py for the edits
every pass returns and their bookkeeping.

Repair is idempotent and every recorded offset maps back (tests/text/test_repair_props.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from storyline.config import RepairConfig
from storyline.lang import ENGLISH, Language, language
from storyline.model import BLOCK_SEPARATOR, Article, Block, Repair
from storyline.text import merged_words, mojibake
from storyline.text.edits import Edit, TextRepair, apply_edits


def repair(article: Article, config: RepairConfig) -> Article:
    """Repair the title and every block of ``article``; record each change with its final offset."""
    english = article.language in (None, "en")
    # The word lists the passes read are the article's language's (English's where it has none).
    lang = language(article.language)
    whole = article.text + " " + (article.title or "")
    # The house style is judged on the whole article, and only when there is mojibake to fix.
    style = mojibake.house_style(whole, config, lang) if mojibake.SUSPICIOUS.search(whole) else None
    blocks: list[Block] = []
    repairs: list[Repair] = []
    offset = 0
    for block in article.blocks:
        fixed = repair_text(block.text, config, style=style, english=english, lang=lang)
        blocks.append(dataclasses.replace(block, text=fixed.text))
        repairs.extend(Repair(e.kind, e.before, e.after, offset + e.start) for e in fixed.edits)
        offset += len(fixed.text) + len(BLOCK_SEPARATOR)
    title = article.title
    if title:
        fixed_title = repair_text(title, config, style=style, english=english, lang=lang)
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
    text: str,
    config: RepairConfig,
    *,
    style: mojibake.HouseStyle | None = None,
    english: bool = True,
    lang: Language = ENGLISH,
) -> TextRepair:
    """All repairs on one string, in order; edit offsets are mapped into the final string.

    The passes run again on their own output until it stops changing (at most ``_ROUNDS`` times):
    a restored mark can complete a mojibake pair with the letter before it (Î + — reads as the
    UTF-8 of Η), and a second repair must find nothing left to do. ``english``: the text is English
    or its language unknown (merged words are split only then); ``lang``: whose word lists to read.
    """
    chosen = style
    if chosen is None and config.fix_lossy_mojibake and mojibake.SUSPICIOUS.search(text) is not None:
        chosen = mojibake.house_style(text, config, lang)
    done: list[Edit] = []
    for _ in range(_ROUNDS):
        changed = False
        for run in _passes(text, config, chosen, english, lang):
            edits = run(text)
            if edits:
                text, done = apply_edits(text, edits, done)
                changed = True
        if not changed:
            break
    return TextRepair(text, tuple(done))


# Two rounds settle every text seen (news and generated); the third is a margin.
_ROUNDS = 3


def _passes(
    text: str, config: RepairConfig, style: mojibake.HouseStyle | None, english: bool, lang: Language
) -> list[Callable[[str], list[Edit]]]:
    passes: list[Callable[[str], list[Edit]]] = []
    # Invisible characters go first: ftfy judges a string by what stands side by side, and what
    # it leaves beside a zero-width space it may change once that is gone.
    if config.normalize_whitespace:
        passes.append(_invisible)
    lossy = config.fix_lossy_mojibake and mojibake.SUSPICIOUS.search(text) is not None
    # A lost ellipsis (â¦) must be restored before ftfy sees it: ftfy reads â¦ and the next
    # character as one three-byte sequence and makes a rare symbol of it (⦠).
    if lossy and mojibake.LOSSY_SYMBOL.search(text) is not None:
        passes.append(mojibake.lossy_symbols)
    # ASCII text has no mojibake, and lossy mojibake always leaves a Latin-1 letter (â, Â, Ã).
    if config.fix_classic_mojibake and not text.isascii():
        passes.append(mojibake.classic)
    # Spaces before the passes that read words and their neighbours.
    if config.normalize_whitespace:
        passes.append(_whitespace)
    if lossy:
        chosen = style or mojibake.house_style(text, config, lang)
        passes.append(lambda s: mojibake.lossy(s, chosen, lang))
    if config.split_merged_words and english:
        passes.append(lambda s: merged_words.split_merged(s, config, lang))
    return passes


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
