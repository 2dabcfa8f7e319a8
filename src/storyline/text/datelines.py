"""Dates written at the top of saved news text: the dateline ("Posted: Nov 27, 2005 8:20 AM ET",
"8 / 2 / 13 at 1:30 PM", "Last Updated: Monday, 28 November 2005") and dates in an article's
address (``/2013/may/03/``, ``/2013-09-18/``).

Written by hand: dateparser and dateutil parse a string that is *only* a date, and their fuzzy
search modes take any number in a sentence for a day. Here a line counts as a dateline only if,
once its date, clock times, weekdays, time zones and labels are taken out, at most two words are
left (an agency name, say): a sentence that mentions a date is not a dateline.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s*{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    # Numeric dates are read month first, as US sites (most of English news) write them.
    re.compile(r"\b(?P<month>[01]?\d)\s*([/.])\s*(?P<day>[0-3]?\d)\s*\2\s*(?P<year>(?:19|20)\d\d|\d\d)\b"),
)
# What a dateline may hold besides its date.
_FILLER = re.compile(
    r"\b(?:\d{1,2}\s*:\s*\d\d(?:\s*:\s*\d\d)?|\d{1,2}\s*(?:a|p)\.?\s*m\.?|(?:a|p)\.?\s*m\.?"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today"
    r"|gmt|utc|bst|cet|cest|ist|et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt|uk"
    r"|posted|published|updated|last|modified|article|date|on|at|am|pm)\b\.?",
    re.IGNORECASE,
)
_URL_DATE = re.compile(
    rf"/{_YEAR}[/-](?P<month>[01]?\d|[a-z]{{3,9}})[/-](?P<day>[0-3]?\d)(?=[/_.-]|$)", re.IGNORECASE
)


def dateline(line: str) -> datetime | None:
    """The date of a line that is a dateline, else None."""
    if len(line.split()) > 24:
        return None
    found = sorted((m.start(), n, m) for n, pattern in enumerate(_PATTERNS) for m in pattern.finditer(line))
    for _, _, match in found:
        when = _build(match.group("year"), match.group("month"), match.group("day"))
        if when is None:
            continue
        # A line may repeat its date ("Posted: ... Last Updated: ..."): every date goes.
        rest = line
        for _, _, other in sorted(found, key=lambda f: -f[0]):
            rest = rest[: other.start()] + " " + rest[other.end() :]
        rest = _FILLER.sub(" ", rest)
        return when if len(re.findall(r"[^\W\d_]{2,}", rest)) <= 2 else None
    return None


def url_date(url: str) -> datetime | None:
    """The date in an article's address (``/2013/may/03/``, ``/2013-09-18/``), if it has a full one."""
    match = _URL_DATE.search(re.sub(r"\s+", "", url))
    if match is None:
        return None
    return _build(match.group("year"), match.group("month"), match.group("day"))


def _build(year: str, month: str, day: str) -> datetime | None:
    number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    if number is None:
        return None
    try:
        return datetime(full_year, number, int(day), tzinfo=UTC)
    except ValueError:
        return None
