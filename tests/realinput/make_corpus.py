"""A generated corpus with the shapes real news brought that the demo never had: Windows-1252 text
files with CRLF line ends and no dates or addresses, names and prefix compounds a word splitter must
leave alone, furniture lines inside saved pages, impossible and missing dates.

Every sentence here is written for the test (no third-party text). ``make(folder)`` writes the files
and returns what each must come out as; tests/realinput/test_real_shapes.py ingests them through the
command line.
"""

from __future__ import annotations

from pathlib import Path

# Names and compounds that are correct as written: a merged-word repair must not touch them.
KEEP_WORDS = (
    "Bethan",
    "Foran",
    "Sheerin",
    "Nordyke",
    "Maynor",
    "Tournon",
    "postelection",
    "underspend",
    "superphone",
)

CP1252_TEXT = (
    "Treasury sets aside £625m for flood defences\r\n"
    "\r\n"
    # A dateline on its own line: a date inside a sentence is when something happened, never read
    # as the publication date (text/datelines.py).
    "Published: Saturday, 8 March 2014\r\n"
    "\r\n"
    "ATHENS — Europe’s finance ministers met on Saturday, March 8, 2014, to agree a £625m fund, "
    "the largest of its kind, after weeks of talks that Greece’s delegation called “decisive”.\r\n"
    "\r\n"
    "Bethan Foran, who chairs the committee, said the postelection budget would not underspend, "
    "and Sheerin Nordyke of the finance office agreed.\r\n"
    "\r\n"
    "Critics including Maynor Tournon said the new superphone tax was “a distraction”.\r\n"
)

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="{date}">
<link rel="canonical" href="https://www.harbourgazette.example/news/{slug}">
</head><body>
<nav><p>UK / World / Business / Science &amp; Environment / Sport</p></nav>
<article><h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday after six weeks of repairs to its main span, the
city council said, ending long detours for commuters from the northern suburbs.</p>
<p>Engineers replaced cables and resurfaced the deck, and the council said the work had come in under
its budget of four million pounds.</p>
<p>High quality global journalism requires investment.</p>
<p>Residents who had complained about the detours welcomed the news, though some said the bridge should
have been repaired years ago.</p>
<p>Read more</p>
<p>The council said it would publish a full report on the repairs next month.</p>
</article>
<footer><p>Share this article</p><p>Facebook Twitter Email</p></footer>
</body></html>
"""


def make(folder: Path) -> dict[str, dict[str, object]]:
    """Write the corpus into ``folder``; returns what each file must come out as."""
    text_dir = folder / "ecb"  # a folder name that is no outlet
    pages = folder / "pages"
    text_dir.mkdir(parents=True, exist_ok=True)
    pages.mkdir(parents=True, exist_ok=True)
    (text_dir / "treasury.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (pages / "bridge-bad-date.html").write_text(
        PAGE.format(date="0001-01-01T00:00:00Z", slug="a"), encoding="utf-8"
    )
    (pages / "bridge-future.html").write_text(
        PAGE.format(date="2203-05-01T00:00:00Z", slug="b"), encoding="utf-8"
    )
    (pages / "bridge-dated.html").write_text(
        PAGE.format(date="2024-05-14T09:00:00Z", slug="c"), encoding="utf-8"
    )
    return {
        "treasury.txt": {
            "contains": ["£625m", "Europe’s", "Greece’s", "ATHENS —", "“decisive”", *KEEP_WORDS],
            "outlet": None,
            "published": "2014-03-08",
            "date_source": "dateline",
        },
        "bridge-bad-date.html": {"published": None, "refused": "0001-01-01", "outlet": "Harbour Gazette"},
        "bridge-future.html": {"published": None, "refused": "2203-05-01", "outlet": "Harbour Gazette"},
        "bridge-dated.html": {
            "published": "2024-05-14",
            "date_source": "metadata",
            "outlet": "Harbour Gazette",
        },
    }


FURNITURE = ("High quality global journalism requires investment.", "Read more", "Share this article")
