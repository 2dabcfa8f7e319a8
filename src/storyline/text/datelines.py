"""Dates written at the top of saved news text: the dateline ("Posted: Nov 27, 2005 8:20 AM ET",
"8 / 2 / 13 at 1:30 PM", "Last Updated: Monday, 28 November 2005") and dates in an article's
address (``/2013/may/03/``, ``/2013-09-18/``).

Written by hand: dateparser and dateutil parse a string that is *only* a date, and their fuzzy
search modes take any number in a sentence for a day. Here a line counts as a dateline only if,
once its dates, clock times, weekdays, time zones and labels are taken out, at most one word is
left (an agency name, say): a sentence or a headline that mentions a date is not a dateline.

Only where a publication date is written: a date in the body of an article is when something
happened (a crash, a sentencing, a birth), never when the article appeared, so the body is not read
for one; an article that writes its date nowhere is undated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from storyline.lang import ENGLISH, Language

_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Numeric dates: with slashes month first, as US sites (most of English news) write them, unless the
# first number cannot be a month ("16 / 08 / 2011") or the article's address says the other reading
# ("11 / 09 / 2010" under /2010/09/); with dots day first, as European sites write them ("08. 07.
# 2012"); ISO order ("2013 - 09 - 28"). Two-digit years only with slashes: "1.2.30" is a version
# number, "8/2/13" a date.
_NUMERIC = (
    re.compile(r"\b(?P<first>[0-3]?\d)\s*/\s*(?P<second>[0-3]?\d)\s*/\s*(?P<year>(?:19|20)\d\d|\d\d)\b"),
    re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\s*\.\s*(?P<month>[01]?\d)\s*\.\s*(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)\s*-\s*(?P<month>[01]\d)\s*-\s*(?P<day>[0-3]\d)(?![\d-])"),
)
_URL_DATE = re.compile(
    rf"/{_YEAR}[/-](?P<month>[01]?\d|[a-z]{{3,9}})[/-](?P<day>[0-3]?\d)(?=[/_.-]|$)", re.IGNORECASE
)
# A year and month in an address (/2010/09/): which reading of an ambiguous numeric date is meant.
_URL_MONTH = re.compile(r"/(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]?\d)(?=[/_-])")


@dataclass(frozen=True, slots=True)
class _Dates:
    """A language's date words (lang/<code>/months.txt, weekdays.txt, ...) and the patterns built
    from them."""

    months: dict[str, int]  # every name and abbreviation of a month, lower case, to its number
    weekdays: tuple[str, ...]  # Monday first, lower case
    named: tuple[re.Pattern[str], ...]  # full dates with the month named: month first, day first
    filler: re.Pattern[str]  # what a dateline may hold besides its date
    labels: frozenset[str]  # "published", "posted", "updated", "by": a byline's or dateline's words
    joiners: frozenset[str]  # "and": between two authors' names
    refused: re.Pattern[str]  # "downloaded", "retrieved": a date on that line is not a publication's


@cache
def _dates(lang: Language) -> _Dates:
    months = {
        name: number for number, line in enumerate(lang.lines("months"), start=1) for name in line.split()
    }
    weekdays = lang.lines("weekdays")
    day = r"(?P<day>[0-3]?\d)(?:" + "|".join(lang.lines("ordinal-suffixes")) + ")?"
    month = r"(?P<month>" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?"
    words = lang.lines("weekday-abbreviations") + weekdays + lang.lines("dateline-words")
    return _Dates(
        months=months,
        weekdays=weekdays,
        # "Nov 20 2019", "November 20th, 2019", "Sunday, November 27 - 2005", "20 Nov 2019".
        named=(
            re.compile(rf"\b{month}\s*{day}(?:,|\s+-)?\s+{_YEAR}\b", re.IGNORECASE),
            re.compile(rf"\b{day}\s+{month},?\s+{_YEAR}\b", re.IGNORECASE),
        ),
        # Clock times, then the language's weekdays, time zones and labels.
        filler=re.compile(
            r"\b(?:\d{1,2}\s*:\s*\d\d(?:\s*:\s*\d\d)?|\d{3,4}\s*(?=gmt|utc)|\d{1,2}\s*(?:a|p)\.?\s*m\.?"
            r"|(?:a|p)\.?\s*m\.?" + "".join(f"|{re.escape(w)}" for w in words) + r")\b\.?",
            re.IGNORECASE,
        ),
        labels=frozenset(lang.lines("meta-line-labels")) | lang.words("byline-openers"),
        joiners=lang.words("byline-joiners"),
        refused=re.compile(
            r"\b(?:" + "|".join(lang.lines("not-publication-date-words")) + r")\b", re.IGNORECASE
        ),
    )


def _found(line: str, words: _Dates, address: str | None) -> tuple[list[datetime], str]:
    """The full dates written on a line, and what is left of the line once they are taken out."""
    if words.refused.search(line):
        return [], line
    hint = _URL_MONTH.search(re.sub(r"\s+", "", address)) if address else None
    spans: list[tuple[int, int]] = []
    dates: list[datetime] = []
    for pattern in (*words.named, *_NUMERIC):
        for m in pattern.finditer(line):
            if any(m.start() < end and start < m.end() for start, end in spans):
                continue
            spans.append((m.start(), m.end()))
            parts = m.groupdict()
            if "first" in parts:
                month, day = _numeric_order(parts["first"], parts["second"], parts["year"], hint)
            else:
                month, day = parts["month"], parts["day"]
            when = _build(parts["year"], month, day, words)
            if when is not None:
                dates.append(when)
    rest = line
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    return dates, rest


def _numeric_order(first: str, second: str, year: str, hint: re.Match[str] | None) -> tuple[str, str]:
    """(month, day) of a slashed date: month first, unless the first number cannot be a month or
    the address's year and month say the day comes first."""
    if int(first) > 12 >= int(second):
        return second, first
    if hint is not None and int(second) <= 12 and int(first) != int(second):
        full_year = int(year) if len(year) == 4 else 2000 + int(year)
        if full_year == int(hint.group("year")) and int(second) == int(hint.group("month")):
            return second, first
    return first, second


def dateline(line: str, lang: Language = ENGLISH, address: str | None = None) -> datetime | None:
    """The date of a line that is a dateline, else None. Of several dates on the line ("Posted:
    ... Last Updated: ...") the earliest is taken: when the article was first published.
    ``address``: the article's address, whose /year/month/ tells how "11/09/2010" reads."""
    if len(line.split()) > 24:
        return None
    words = _dates(lang)
    dates, rest = _found(line, words, address)
    if not dates:
        return None
    # An agency name may stand beside the date ("Reuters Sep 18, 2013"); two words make a headline.
    return min(dates) if len(re.findall(r"[^\W\d_]{2,}", words.filler.sub(" ", rest))) <= 1 else None


def byline_date(line: str, lang: Language = ENGLISH, address: str | None = None) -> datetime | None:
    """The date of a page's dateline or byline line, under its headline: a dateline, or one that
    also names its authors, desk or agency ("By Jane Roe - 11/19/19 06:56 AM", "Jane Roe, Wire
    Service Published 11:34 PM EST Nov 19, 2019"). Once the dates, clock times and labels are out,
    only names are left: capitalised words, at most four of them unless a label ("By",
    "Published") says what the line is. A caption or a sentence has lower-case words ("speaks at a
    rally on Tuesday, Nov. 19, 2019"), a headline more names."""
    if len(line.split()) > 20:
        return None
    words = _dates(lang)
    dates, rest = _found(line, words, address)
    if not dates:
        return None
    tokens = re.findall(r"[^\W\d_][\w'’.-]*", rest)
    labelled = any(t.lower().rstrip(".:") in words.labels for t in tokens)
    names = [t for t in re.findall(r"[^\W\d_][\w'’.-]*", words.filler.sub(" ", rest))]
    names = [t for t in names if t.lower() not in words.labels and t.lower() not in words.joiners]
    if any(not t[0].isupper() for t in names):
        return None
    return min(dates) if labelled or len(names) <= 4 else None


def url_date(url: str, lang: Language = ENGLISH) -> datetime | None:
    """The date in an article's address (``/2013/may/03/``, ``/2013-09-18/``), if it has a full one."""
    match = _URL_DATE.search(re.sub(r"\s+", "", url))
    if match is None:
        return None
    return _build(match.group("year"), match.group("month"), match.group("day"), _dates(lang))


def weekday_on_or_before(name: str, published: datetime, lang: Language = ENGLISH) -> date | None:
    """The day a weekday named in an article means: the most recent such day on or before the day
    it was published ("Tuesday" in a Tuesday article is that day, not a week earlier); None for a
    word that is not a weekday."""
    key = name.strip().lower()
    if key not in _dates(lang).weekdays:
        return None
    back = (published.weekday() - _dates(lang).weekdays.index(key)) % 7
    return (published - timedelta(days=back)).date()


def _build(year: str, month: str, day: str, words: _Dates) -> datetime | None:
    """The date, if it is a real one and not in the future (a version number, a misread line)."""
    number = int(month) if month.isdigit() else words.months.get(month.lower().rstrip("."))
    now = datetime.now(UTC)
    full_year = int(year)
    if len(year) == 2:
        # "12/25/98" is 1998; "8/2/13" is 2013.
        full_year += 2000 if 2000 + full_year <= now.year else 1900
    if number is None:
        return None
    try:
        when = datetime(full_year, number, int(day), tzinfo=UTC)
    except ValueError:
        return None
    return when if when <= now + timedelta(days=1) else None
