"""Dates written at the top of saved news text: the dateline ("Posted: Nov 27, 2005 8:20 AM ET",
"8 / 2 / 13 at 1:30 PM", "Last Updated: Monday, 28 November 2005") and dates in an article's
address (``/2013/may/03/``, ``/2013-09-18/``).

Written by hand: dateparser and dateutil parse a string that is *only* a date, and their fuzzy
search modes take any number in a sentence for a day. Here a line counts as a dateline only if,
once its dates, clock times, weekdays, time zones and labels are taken out, at most one word is
left (an agency name, say): a sentence or a headline that mentions a date is not a dateline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from storyline.lang import ENGLISH, Language

_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Numeric dates are read month first, as US sites (most of English news) write them.
# Two-digit years only with slashes: "1.2.30" is a version number, "8/2/13" a date.
_NUMERIC = (
    re.compile(r"\b(?P<month>[01]?\d)\s*/\s*(?P<day>[0-3]?\d)\s*/\s*(?P<year>(?:19|20)\d\d|\d\d)\b"),
    re.compile(r"(?<![\d.])(?P<month>[01]?\d)\s*\.\s*(?P<day>[0-3]?\d)\s*\.\s*(?P<year>(?:19|20)\d\d)\b"),
)
_URL_DATE = re.compile(
    rf"/{_YEAR}[/-](?P<month>[01]?\d|[a-z]{{3,9}})[/-](?P<day>[0-3]?\d)(?=[/_.-]|$)", re.IGNORECASE
)
_STATED_YEAR = re.compile(r"(?<![\d,.$£€-])((?:19|20)\d\d)(?![\d,.%-]\d)")


@dataclass(frozen=True, slots=True)
class _Dates:
    """A language's date words (lang/<code>/months.txt, weekdays.txt, ...) and the patterns built
    from them."""

    months: dict[str, int]  # every name and abbreviation of a month, lower case, to its number
    weekdays: tuple[str, ...]  # Monday first
    patterns: tuple[re.Pattern[str], ...]  # full dates: the month named (two), then numeric (two)
    filler: re.Pattern[str]  # what a dateline may hold besides its date
    month_day: tuple[re.Pattern[str], ...]  # a month and day with no year
    weekday_near: re.Pattern[str]  # a weekday just before a date
    background: re.Pattern[str]  # words after which a date is background


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
        patterns=(
            re.compile(rf"\b{month}\s*{day},?\s+{_YEAR}\b", re.IGNORECASE),
            re.compile(rf"\b{day}\s+{month},?\s+{_YEAR}\b", re.IGNORECASE),
            *_NUMERIC,
        ),
        # Clock times, then the language's weekdays, time zones and labels.
        filler=re.compile(
            r"\b(?:\d{1,2}\s*:\s*\d\d(?:\s*:\s*\d\d)?|\d{1,2}\s*(?:a|p)\.?\s*m\.?|(?:a|p)\.?\s*m\.?"
            + "".join(f"|{re.escape(w)}" for w in words)
            + r")\b\.?",
            re.IGNORECASE,
        ),
        # A month and day with no year ("Nov. 13", "on Saturday, March 8"): resolved against a year
        # the text states. Day-first too ("13 November"), as British and most non-US outlets write.
        month_day=(
            re.compile(rf"\b{month}\s+{day}\b(?!\s*,?\s*(?:19|20)\d\d)(?!\s*:)", re.IGNORECASE),
            re.compile(rf"\b{day}\s+(?:of\s+)?{month}\b(?!,?\s*(?:19|20)\d\d)", re.IGNORECASE),
        ),
        weekday_near=re.compile(r"\b(" + "|".join(weekdays) + r")\b[\s,(]*(?:the\s+)?$", re.IGNORECASE),
        background=re.compile(
            r"\b(?:" + "|".join(lang.lines("background-date-cues")) + r")\b\W*(?:on\W+)?$", re.IGNORECASE
        ),
    )


def dateline(line: str, lang: Language = ENGLISH) -> datetime | None:
    """The date of a line that is a dateline, else None. Of several dates on the line ("Posted:
    ... Last Updated: ...") the latest is taken: the nearest to when the text was saved."""
    if len(line.split()) > 24:
        return None
    words = _dates(lang)
    found = [m for pattern in words.patterns for m in pattern.finditer(line)]
    dates = [d for m in found if (d := _build(m.group("year"), m.group("month"), m.group("day"), words))]
    if not dates:
        return None
    rest = line
    for match in sorted(found, key=lambda m: -m.start()):
        rest = rest[: match.start()] + " " + rest[match.end() :]
    # An agency name may stand beside the date ("Reuters Sep 18, 2013"); two words make a headline.
    return max(dates) if len(re.findall(r"[^\W\d_]{2,}", words.filler.sub(" ", rest))) <= 1 else None


def url_date(url: str, lang: Language = ENGLISH) -> datetime | None:
    """The date in an article's address (``/2013/may/03/``, ``/2013-09-18/``), if it has a full one."""
    match = _URL_DATE.search(re.sub(r"\s+", "", url))
    if match is None:
        return None
    return _build(match.group("year"), match.group("month"), match.group("day"), _dates(lang))


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


def text_date(lead: list[str], body: str, lang: Language = ENGLISH) -> datetime | None:
    """The date the lead sentences give for the main event, resolved against a year the text
    states; None when they give none or cannot be sure (an article that only says "on Monday"
    is undated: a wrong date misplaces a story more than a missing one).

    Of several full dates in the lead the latest is taken: background comes earlier than the
    news, and a date years older than the latest year the text states is background ("born on
    April 22, 1923"). A month and day without a year are resolved only when the text states one
    year, or when a weekday beside them ("Tuesday (6 January)") agrees with one stated year."""
    words = _dates(lang)
    text = " ".join(lead)
    years = sorted({int(y) for y in _STATED_YEAR.findall(body)}, reverse=True)
    latest = years[0] if years else None
    full = [
        d
        for pattern in words.patterns[:2]
        for m in pattern.finditer(text)
        if not words.background.search(text[max(0, m.start() - 40) : m.start()])
        and (d := _build(m.group("year"), m.group("month"), m.group("day"), words))
        and (latest is None or d.year >= latest - 1)
    ]
    if full:
        return max(full)
    found: list[tuple[str, str, str | None]] = []
    for pattern in words.month_day:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            # "May" is also a verb and a name: a bare "May 3" is a date, "may 3" is not.
            if m.group("month")[0].isupper() and not words.background.search(before):
                near = words.weekday_near.search(before)
                found.append((m.group("month"), m.group("day"), near.group(1).lower() if near else None))
    dates = []
    for month, day, weekday in found:
        for year in years:
            date = _build(str(year), month, day, words)
            if date is None:
                continue
            if weekday is not None and words.weekdays[date.weekday()] == weekday:
                dates.append(date)
                break
            if weekday is None and len(years) == 1:
                dates.append(date)
    return max(dates) if dates else None
