"""Raw document to article: metadata and the main text, with paragraphs, headings and list items
kept apart, and every page line outside the main text recorded as removed.

HTML goes through trafilatura (it won our extraction benchmark, ``bench/extraction.py``); plain
text is split by hand, because no library knows the shape of scraped news text files.

Just over ~600 lines: the HTML and plain-text paths share the metadata, title and outside-lines
steps, which a split would have to pass back and forth.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

from storyline.config import ExtractConfig, Favor
from storyline.errors import BadUrl, NoArticle, TooLong
from storyline.lang import ENGLISH, Language, language
from storyline.lines import classify_line, normalize_line
from storyline.model import (
    Article,
    Block,
    BlockKind,
    ContentKind,
    DateSource,
    RawDocument,
    Removal,
    SourceKind,
    count_words,
    plausible_date,
)
from storyline.sources.sniff import decode_document, decoding_repairs, sniff
from storyline.text import htmlmeta
from storyline.text.datelines import byline_date, dateline, url_date
from storyline.text.outlets import credited_identity, folder_outlet, identify, is_press_release, wire_agency
from storyline.urls import stored_url

STAGE = "extract"
log = logging.getLogger(__name__)
_BLOCK_TAGS = {"p": BlockKind.PARAGRAPH, "head": BlockKind.HEADING, "quote": BlockKind.QUOTE}
_ADDRESS_LINE = re.compile(r"^https?://[^/\s]+\.[a-z]{2,}(?:[/?#]\S*)?$", re.IGNORECASE)
# Some exports space an address out ("http: / / www. bbc. co. uk / news / uk - 123"): a space
# may only stand beside punctuation, never between two words ("https://bbc.com/news Breaking").
_SPACED_ADDRESS = re.compile(r"^\S*(?:(?<=[/.:?=&_#,;’'-])\s+\S+|\s+(?=[/.:?=&_#,;’'-])\S+)*$")
_LIST_MARK = re.compile(r"^\s*(?:[-*•▪●]|\d{1,2}[.)])\s+")
# A derived title is at most this many words: a headline's length, not a paragraph's; a whole first
# sentence may run a little longer (a news lead is 20-25 words) rather than be cut.
_TITLE_WORDS = 16
_TITLE_SENTENCE_WORDS = 25
_SENTENCE_END = re.compile(r"[.!…:;,\"”’')\]]$")


@dataclass(frozen=True, slots=True)
class _Marks:
    """The lines near the top of a saved text that are metadata, in a language's words
    (lang/<code>/byline-openers.txt, meta-line-labels.txt)."""

    byline: re.Pattern[str]  # "By Jane Smith and John Doe"
    byline_opener: re.Pattern[str]  # the "By " taken off it
    meta_line: re.Pattern[str]  # "Published: 3 May 2013": the date is group 2


@cache
def _marks(lang: Language) -> _Marks:
    openers = "|".join(lang.lines("byline-openers"))
    labels = "|".join(lang.lines("meta-line-labels"))
    return _Marks(
        byline=re.compile(
            rf"^({openers})\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){{0,3}}(\s*(,|and|&)\s*.*)?$", re.IGNORECASE
        ),
        byline_opener=re.compile(rf"^({openers})\s+", re.IGNORECASE),
        meta_line=re.compile(rf"^({labels})\s*:?\s*(.+)$", re.IGNORECASE),
    )


def extract(raw: RawDocument, config: ExtractConfig) -> Article:
    """Turn one raw document into an :class:`Article`, or raise :class:`NoArticle` (a named skip)."""
    # Sources sniff every document once and record what it is; only a document built without its
    # kind (by hand: a test, a benchmark) is sniffed here.
    kind = raw.content_kind if raw.content_kind is not None else sniff(raw.content, raw.locator)
    charset = _header_charset(raw.content_type)
    decoded = decode_document(raw.content, charset)
    text = decoded.text
    if kind is ContentKind.HTML:
        article = _from_html(raw, text, config)
    else:
        article = _from_text(raw, text)
        _check_length(article.blocks, config)
    # Bytes that needed help to decode (a stray Windows-1252 quote in UTF-8, NULs) are repairs too.
    article = replace(article, repairs=article.repairs + decoding_repairs(decoded, article.text))
    # A page's short text is what is left of a template (an index, a login wall); a text the user
    # gave is the article, so only an almost empty one is refused: a news brief is short.
    floor = config.min_words if kind is ContentKind.HTML else config.min_text_words
    if article.word_count < floor:
        raise NoArticle(
            f"no article text found ({article.word_count} words)",
            remedy="the page may be an index, a login wall or need JavaScript; save the article page itself",
        )
    return _with_outlet(article, raw, config)


def _check_length(blocks: Iterable[Block], config: ExtractConfig) -> None:
    """Refuse a main text longer than any article, before more work is spent on it."""
    length = sum(len(block.text) + 1 for block in blocks)
    if length > config.max_text_chars:
        raise TooLong(
            f"the main text is {length:,} characters, over the {config.max_text_chars:,} an article "
            "may have (a log, a book or a data dump saved as a page)",
            remedy="raise [extract] max_text_chars in the settings if it is one article",
        )


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


# --- HTML ---------------------------------------------------------------------------------------


def _from_html(raw: RawDocument, html: str, config: ExtractConfig) -> Article:
    import trafilatura
    from trafilatura.settings import Document

    tree = htmlmeta.parse(html)
    page = htmlmeta.page_metadata(tree) if tree is not None else htmlmeta.PageMeta()
    page_lines = list(htmlmeta.leaf_lines(tree)) if tree is not None else []
    page_chars = sum(len(line) + 1 for line in page_lines)
    if page_chars > config.max_page_text_chars:
        raise TooLong(
            f"the page holds {page_chars:,} characters of text, over the {config.max_page_text_chars:,} "
            "a news page may hold (a log, a book or a data dump saved as a page)",
            remedy="raise [extract] max_page_text_chars and max_text_chars in the settings if it is an article",
        )
    document = trafilatura.bare_extraction(
        html,
        url=raw.url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        fast=config.fast,
        favor_precision=config.favor is Favor.PRECISION,
        favor_recall=config.favor is Favor.RECALL,
    )
    if not isinstance(document, Document) or document.body is None:
        # trafilatura logs its parser's failures and returns nothing: one for want of memory is
        # the worker's limit (a too-large-in-memory skip), not a page without an article.
        if htmlmeta.out_of_memory(getattr(trafilatura.utils, "HTML_PARSER", None)):
            raise MemoryError("trafilatura's parser ran out of memory")
        raise NoArticle("no main text found in the page", remedy="check that the page is an article")
    title = raw.hints.get("title") or _clean(page.title)
    byline = raw.hints.get("author") or _clean(page.author)
    blocks, removed = _body_blocks(document.body, title, byline)
    _check_length(blocks, config)
    blocks, dated = _leading_datelines(blocks, removed)
    removed.extend(_outside_lines(page_lines, blocks, title, config.max_recorded_removals))
    url = raw.url or raw.hints.get("url") or _own_url(_clean(page.url), raw.locator)
    published, source = _first_date(
        (
            (raw.hints.get("published"), _hint_source(raw)),
            (page.published, DateSource.METADATA),
            # The page's dateline or byline line, between its headline and its text; then its address.
            (dated, DateSource.DATELINE),
            (lambda: _page_dateline(page_lines, blocks, title, url), DateSource.DATELINE),
            (lambda: url_date(url or ""), DateSource.ADDRESS),
        ),
        removed,
    )
    title, derived = (title, False) if title else _derived_title(blocks)
    return Article(
        locator=raw.locator,
        content_hash=raw.content_hash,
        title=title,
        blocks=tuple(blocks),
        url=url,
        # The publisher the document names; extract() turns it into the outlet's identity.
        outlet=raw.hints.get("outlet") or _clean(page.site_name),
        byline=byline,
        published=published,
        language=detect_language(" ".join(b.text for b in blocks)),
        content_kind=ContentKind.HTML,
        removed=tuple(removed),
        date_source=source,
        title_derived=derived,
    )


# A date candidate: its text (or a function giving it, so costly searches run only when needed), or
# a datetime already read, and where it came from.
_DateCandidate = tuple[str | datetime | Callable[[], str | datetime | None] | None, DateSource]


def _first_date(
    candidates: Iterable[_DateCandidate], removed: list[Removal]
) -> tuple[datetime | None, DateSource | None]:
    """The first candidate that reads as a possible news date, with its source. Every date passes
    this one gate: an impossible one (0001-01-01, a year 2103) is refused and recorded as removed,
    and the next source is tried."""
    for value, source in candidates:
        if callable(value):
            value = value()
        if value is None or value == "":
            continue
        parsed = value if isinstance(value, datetime) else _parse_date(value)
        if parsed is None:
            continue
        if plausible_date(parsed) is None:
            removed.append(Removal(str(value), f"impossible date refused ({source.value})", STAGE))
            continue
        return plausible_date(parsed), source
    return None, None


def _hint_source(raw: RawDocument) -> DateSource:
    return DateSource.FEED if raw.kind is SourceKind.FEED else DateSource.METADATA


def _leading_datelines(blocks: list[Block], removed: list[Removal]) -> tuple[list[Block], datetime | None]:
    """The text without the dateline or byline lines it opens with ("By Jane Roe - 11/19/19 06:56
    AM"), each recorded as removed, and the first of their dates."""
    found: datetime | None = None
    start = 0
    while start < min(len(blocks), 3) and (when := byline_date(blocks[start].text)) is not None:
        removed.append(Removal(blocks[start].text, "publication date line", STAGE))
        found = found or when
        start += 1
    return blocks[start:], found


# How many page lines above the text are read for a dateline when the headline is not found.
_DATELINE_ZONE = 6


def _page_dateline(
    page_lines: list[str], blocks: list[Block], title: str | None, url: str | None
) -> datetime | None:
    """The date on a page's dateline or byline line: read only between the headline and the first
    line of the text (or just above the text), never in the text, captions below it, lists of
    other stories or comments, where dates are other things' (:func:`datelines.byline_date`)."""
    first = next((normalize_line(b.text) for b in blocks if b.kind is not BlockKind.HEADING), "")
    if not first:
        return None
    keys = [normalize_line(line) for line in page_lines]
    start_key = first[:60]
    body = next(
        (
            i
            for i, key in enumerate(keys)
            if key and (key.startswith(start_key) or (start_key.startswith(key) and len(key) > 40))
        ),
        None,
    )
    if body is None:
        return None
    title_key = normalize_line(title or "")
    heading = next((i for i in range(body - 1, -1, -1) if title_key and keys[i] == title_key), None)
    zone = (
        page_lines[heading + 1 : body]
        if heading is not None
        else page_lines[max(0, body - _DATELINE_ZONE) : body]
    )
    for line in zone:
        found = byline_date(line, address=url)
        if found is not None:
            return found
    return None


def _derived_title(blocks: list[Block], lang: Language = ENGLISH) -> tuple[str | None, bool]:
    """A title for a document that has none: its first line if that is short, else its first
    sentence; marked as derived so a reader knows it is not the outlet's. A whole headline or
    sentence: never cut at an abbreviation ("Gov.", "Const.") or inside a decimal ("6. 1"), and a
    first line that stops at one runs on into the next. A sentence too long for a title keeps its
    first words and says so with "…", never ending on an abbreviation."""
    texts = [b.text for b in blocks if b.text.strip()]
    if not texts:
        return None, False
    first, used = texts[0], 1
    while used < min(len(texts), 4) and _unfinished(first, lang):
        first, used = f"{first} {texts[used]}", used + 1
    if len(first.split()) <= _TITLE_WORDS:
        return first, True
    sentence = _first_sentence(first, lang)
    words = sentence.split()
    if len(words) <= _TITLE_SENTENCE_WORDS:
        return sentence, True
    cut = words[: _TITLE_WORDS - 2]
    while len(cut) > 1 and (_is_abbreviation(cut[-1], lang) or re.fullmatch(r"\d+\.", cut[-1])):
        cut.pop()
    return " ".join(cut) + " …", True


# Where a sentence may end: a stop, then space, then what can open a sentence.
_BOUNDARY = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘'(A-Z0-9])")


def _first_sentence(text: str, lang: Language) -> str:
    """The text up to its first sentence end that is not an abbreviation's stop, an initial's or a
    decimal point written with a space ("6. 1")."""
    for match in _BOUNDARY.finditer(text):
        if not _false_end(text[: match.start() + 1], text[match.end() :], lang):
            return text[: match.end()].rstrip()
    return text


def _false_end(before: str, after: str, lang: Language) -> bool:
    last = before.split()[-1] if before.split() else ""
    if before.endswith(".") and (_is_abbreviation(last, lang) or re.fullmatch(r"\(?[A-Z]\.", last)):
        return True
    return bool(re.search(r"\d\.$", before) and re.match(r"\d", after))


def _unfinished(line: str, lang: Language) -> bool:
    """A line that stops at an abbreviation ("... said police Const.") or a decimal's point ("a 6.")."""
    last = line.split()[-1] if line.split() else ""
    return _is_abbreviation(last, lang) or bool(re.search(r"(?<![\d.])\d{1,2}\.$", line))


def _is_abbreviation(word: str, lang: Language) -> bool:
    return word.endswith(".") and word.strip("(\"“‘'").rstrip(".").lower() in lang.words("abbreviations")


def _body_blocks(body: Any, title: str | None, byline: str | None) -> tuple[list[Block], list[Removal]]:
    blocks: list[Block] = []
    removed: list[Removal] = []
    title_key = normalize_line(title or "")
    # The page's language is not known yet (it is detected on these blocks): English's words.
    byline_line = _marks(ENGLISH).byline
    for element in body:
        tag = element.tag
        if tag == "list":
            for item in element.iter("item"):
                text = _element_text(item)
                if text:
                    blocks.append(Block(BlockKind.LIST_ITEM, text))
            continue
        text = _element_text(element)
        if not text:
            continue
        if title_key and normalize_line(text) == title_key and not blocks:
            removed.append(Removal(text, "headline repeated in the body", STAGE))
            continue
        if len(text.split()) <= 8 and byline_line.match(text):
            removed.append(Removal(text, "byline", STAGE))
            continue
        if tag == "table":
            for row in element.iter("row"):
                row_text = " | ".join(filter(None, (_element_text(cell) for cell in row.iter("cell"))))
                if row_text:
                    blocks.append(Block(BlockKind.PARAGRAPH, row_text))
            continue
        blocks.append(Block(_BLOCK_TAGS.get(tag, BlockKind.PARAGRAPH), text))
    return blocks, removed


def _element_text(element: Any) -> str:
    return _squash("".join(element.itertext()))


_CONTEXTS = {
    "related-stories list": "headline in a related-stories list",
    "comments prompt": "reader comment",
}


def _outside_lines(
    page_lines: list[str], blocks: list[Block], title: str | None, limit: int
) -> list[Removal]:
    """Lines of the page that did not make it into the main text, each with a named reason."""
    kept = normalize_line(" ".join(b.text for b in blocks))
    # A line that is a whole block is in the kept text: a set look-up, where searching the text for
    # each line of a page made extraction quadratic (a 19 MB page of paragraphs took minutes).
    whole = {normalize_line(b.text) for b in blocks}
    skip = {normalize_line(title or "")}
    removed: list[Removal] = []
    context: str | None = None
    for text in page_lines:
        key = normalize_line(text)
        if not key or key in skip or key in whole or key in kept:
            continue
        skip.add(key)
        named = classify_line(text)
        # Lines under a "Related stories" or "3 comments" label belong to that list until the
        # next named line: say so, rather than only "outside the main text".
        if named is not None:
            context = _CONTEXTS.get(named)
        reason = named or context or "outside the main text (page template)"
        removed.append(Removal(text, reason, STAGE))
        if len(removed) >= limit:
            break
    return removed


def _own_url(value: str | None, locator: str) -> str | None:
    """The address a document gives for itself (its canonical link, og:url, a first line), read by
    the one URL parser. A malformed one is dropped and logged: it is the document's claim about its
    address, not the document, and every reader after this one splits the URL it is given."""
    if not value:
        return None
    try:
        return stored_url(value)
    except BadUrl as exc:
        log.warning("%s: its own address is not kept: %s", locator, exc)
        return None


# --- plain text ---------------------------------------------------------------------------------


def _from_text(raw: RawDocument, text: str) -> Article:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    removed: list[Removal] = []
    title = raw.hints.get("title")
    byline = raw.hints.get("author")
    hinted = raw.hints.get("published")
    line_date: datetime | None = None
    source_url: str | None = None
    # Address, date and byline lines sit near the top, alone on their line: take them out as metadata.
    # The text's language is not known yet (it is detected on the body): English's words.
    marks = _marks(ENGLISH)
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 8:
            break
        meta = marks.meta_line.match(line)
        if (
            seen == 1
            and len(line) < 2000
            and _SPACED_ADDRESS.match(line)
            and _ADDRESS_LINE.match(address := re.sub(r"\s+", "", line))
        ):
            # A saved text often opens with the address it was saved from.
            source_url = address
            removed.append(Removal(line, "source address line", STAGE))
            lines[index] = ""
        elif (date := dateline(line, address=source_url or raw.url or raw.hints.get("url"))) or (
            meta and (date := _parse_date(meta.group(2)))
        ):
            line_date = line_date or date
            removed.append(Removal(line, "publication date line", STAGE))
            lines[index] = ""
        elif len(line.split()) <= 8 and marks.byline.match(line):
            byline = byline or marks.byline_opener.sub("", line)
            removed.append(Removal(line, "byline", STAGE))
            lines[index] = ""
    chunks = _chunks(lines)
    if title is None and chunks and _is_title(chunks[0][0]):
        title = chunks[0][0]
        # A headline with nothing under it (a video page, a one-line brief) is also the text.
        if len(chunks[0]) > 1 or len(chunks) > 1:
            chunks[0].pop(0)
            if not chunks[0]:
                chunks.pop(0)
    body = chunks
    blocks = [block for chunk in body for block in _chunk_blocks(chunk)]
    url = raw.url or raw.hints.get("url") or _own_url(source_url, raw.locator)
    published, date_source = _first_date(
        (
            (hinted, _hint_source(raw)),
            (line_date, DateSource.DATELINE),
            (lambda: url_date(source_url or url or ""), DateSource.ADDRESS),
        ),
        removed,
    )
    title, derived = (title, False) if title else _derived_title(blocks)
    return Article(
        locator=raw.locator,
        content_hash=raw.content_hash,
        title=title,
        blocks=tuple(blocks),
        url=url,
        outlet=raw.hints.get("outlet"),
        byline=byline,
        published=published,
        language=detect_language(" ".join(b.text for b in blocks)),
        content_kind=ContentKind.TEXT,
        removed=tuple(removed),
        date_source=date_source,
        title_derived=derived,
    )


def _chunks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines. A run of hard-wrapped lines becomes one paragraph later."""
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _is_title(line: str) -> bool:
    words = count_words(line)
    return 2 <= words <= 25 and not line.endswith((".", "!")) and not _LIST_MARK.match(line)


def _chunk_blocks(chunk: list[str]) -> list[Block]:
    # Hard-wrapped text (every line but the last near one width, none a list item) is one paragraph;
    # otherwise, as in most scraped news text, every line is its own block.
    wrapped = (
        len(chunk) > 1
        and all(40 <= len(line) <= 100 for line in chunk[:-1])
        and not any(_LIST_MARK.match(line) for line in chunk)
    )
    if wrapped:
        return [Block(BlockKind.PARAGRAPH, _squash(" ".join(chunk)))]
    blocks: list[Block] = []
    for index, line in enumerate(chunk):
        if _LIST_MARK.match(line):
            blocks.append(Block(BlockKind.LIST_ITEM, _squash(_LIST_MARK.sub("", line))))
            continue
        next_line = chunk[index + 1] if index + 1 < len(chunk) else None
        blocks.append(Block(_text_line_kind(line, next_line, len(chunk)), _squash(line)))
    return blocks


def _text_line_kind(line: str, next_line: str | None, chunk_size: int) -> BlockKind:
    """A short line with no closing punctuation, standing alone or before more text, is a heading."""
    words = len(line.split())
    if words > 14:
        return BlockKind.PARAGRAPH
    if line.endswith("?") and words <= 12:
        return BlockKind.HEADING
    if not _SENTENCE_END.search(line) and (chunk_size == 1 or next_line is not None):
        return BlockKind.HEADING
    return BlockKind.PARAGRAPH


# --- metadata helpers ---------------------------------------------------------------------------


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for too little text."""
    if count_words(text) < 5:
        return None
    import py3langid

    code, _ = py3langid.classify(text[:1000])
    return str(code)


def _with_outlet(article: Article, raw: RawDocument, config: ExtractConfig) -> Article:
    """The article with its outlet's identity (text/outlets.py), the wire agency it credits and
    whether it is a primary source. ``article.outlet`` holds the publisher the document named."""
    # Who the user says published it: for the whole run, for its folder, or in the record itself
    # (a JSON Lines export's ``outlet``/``source`` field is the exporter's word, not a guess).
    lang = language(article.language)
    given = config.outlet or folder_outlet(raw.locator, config.outlet_folders) or raw.hints.get("outlet")
    identity = identify(
        article.url,
        given=given,
        site_name=article.outlet,
        feed_title=raw.hints.get("feed_title"),
        feed_site=raw.hints.get("feed_site"),
        lang=lang,
    )
    text = article.text
    # No address, site or feed says whose it is: the text's own credit may ("(CNN) --").
    identity = identity or credited_identity(text, lang)
    agency = wire_agency(text, lang) or (
        wire_agency(f"— {article.byline}", lang) if article.byline and len(article.byline) < 40 else None
    )
    return replace(
        article,
        outlet=identity.name if identity else None,
        outlet_key=identity.key if identity else None,
        outlet_rank=identity.rank if identity else 0,
        agency=agency,
        primary_source=is_press_release(
            text, article.title, identity.domain if identity else None, article.url, lang
        ),
    )


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = _loose_date(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _loose_date(value: str) -> datetime | None:
    for fmt in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = _squash(str(value))
    return text or None


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
