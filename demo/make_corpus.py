#!/usr/bin/env python3
"""Regenerate the storyline demo corpus and its ground truth.

    python3 demo/make_corpus.py

Deterministic, standard library only. Writes demo/corpus/** and demo/truth.json.
Article texts live in demo/articles_data.py; this script renders them into the
different input formats (saved HTML pages with per-outlet templates, scraped
plain-text files, an RSS 2.0 feed, an Atom feed and a JSON Lines export) and
applies the realistic flaws (lossy mojibake, windows-1252 bytes, missing
charset, furniture lines, binary and empty files).
"""

import datetime as dt
import html
import json
import os
import random
import shutil
import struct
import sys
import zlib
from xml.sax.saxutils import escape as xml_escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep demo/ free of __pycache__
import articles_data as data  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")
TRUTH = os.path.join(HERE, "truth.json")

OUTLETS = {o["key"]: o for o in data.OUTLETS}

# ---------------------------------------------------------------------------
# text helpers
# ---------------------------------------------------------------------------

DAMAGED_CHARS = "\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u00a3\u20ac"  # ’ ‘ “ ” – — … £ €


def smarten(s):
    """Straight quotes -> curly, --- -> em dash, -- -> en dash."""
    s = s.replace("---", "\u2014").replace("--", "\u2013")
    out = []
    for i, ch in enumerate(s):
        prev = s[i - 1] if i else " "
        if ch == '"':
            out.append("\u201c" if (prev.isspace() or prev in "([{\u2014\u2013\u2018") else "\u201d")
        elif ch == "'":
            out.append("\u2018" if (prev.isspace() or prev in "([{\u2014\u2013\u201c") else "\u2019")
        else:
            out.append(ch)
    return "".join(out)


def damage(s):
    """Lossy mojibake: UTF-8 bytes read as Latin-1, then C1 controls dropped.

    Only the characters in DAMAGED_CHARS are damaged; every other character
    (São, café, Gdańsk, Nậm Khe ...) is left intact, as if an upstream
    pipeline had mangled only typographic punctuation and currency signs.
    """
    out = []
    for ch in s:
        if ch in DAMAGED_CHARS:
            bad = ch.encode("utf-8").decode("latin-1")
            out.append("".join(c for c in bad if not 0x80 <= ord(c) <= 0x9F))
        else:
            out.append(ch)
    return "".join(out)


def parse_blocks(body):
    """Return list of (kind, payload): p / h2 / ul / fig."""
    blocks = []
    for raw in body.strip().split("\n\n"):
        raw = raw.strip()
        if not raw:
            continue
        lines = raw.split("\n")
        if raw.startswith("## "):
            blocks.append(("h2", smarten(raw[3:].strip())))
        elif raw.startswith("FIG: "):
            blocks.append(("fig", smarten(raw[5:].strip())))
        elif all(l.startswith("- ") for l in lines):
            blocks.append(("ul", [smarten(l[2:].strip()) for l in lines]))
        else:
            blocks.append(("p", smarten(" ".join(l.strip() for l in lines))))
    return blocks


def clean_text(blocks, with_fig=False):
    parts = []
    for kind, payload in blocks:
        if kind == "ul":
            parts.extend(payload)
        elif kind == "fig" and not with_fig:
            continue
        else:
            parts.append(payload)
    return "\n\n".join(parts)


def word_count(blocks):
    return len(clean_text(blocks).split())


def esc(s):
    return html.escape(s, quote=False)


def attr(s):
    return html.escape(s, quote=True)


def parse_ts(ts):
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def rfc822(ts):
    d = parse_ts(ts)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return "%s, %02d %s %d %02d:%02d:%02d +0000" % (days[d.weekday()], d.day, months[d.month - 1],
                                                   d.year, d.hour, d.minute, d.second)


def long_date(ts):
    d = parse_ts(ts)
    return "%s %d %s %d" % (d.strftime("%A"), d.day, d.strftime("%B"), d.year)


def us_date(ts):
    d = parse_ts(ts)
    h = d.hour % 12 or 12
    return "%s %d, %d %d:%02d %s" % (d.strftime("%b"), d.day, d.year, h, d.minute,
                                     "am" if d.hour < 12 else "pm")


# ---------------------------------------------------------------------------
# URLs and paths
# ---------------------------------------------------------------------------

def url_for(a, idx):
    o = OUTLETS[a["outlet"]]
    d = parse_ts(a["published"])
    dom = "https://" + o["domain"]
    k = a["outlet"]
    if k == "hc":
        return "%s/%s/%d/%02d/%02d/%s" % (dom, a["section"], d.year, d.month, d.day, a["slug"])
    if k == "ng":
        return "%s/news/%s/%s-%d" % (dom, a["section"], a["slug"], 48200 + idx * 37)
    if k == "cd":
        return "%s/%d/%02d/%02d/%s/" % (dom, d.year, d.month, d.day, a["slug"])
    if k == "mw":
        lang = "es/" if a.get("lang") == "es" else ""
        return "%s/%s%s/%d/%02d/%02d/%s" % (dom, lang, a["section"], d.year, d.month, d.day, a["slug"])
    if k == "eb":
        return "%s/%s/%s" % (dom, a["section"], a["slug"])
    return "%s/%s/%s" % (dom, a["section"], a["slug"])


RSS_FILE = "feeds/meridian-wire-rss.xml"
ATOM_FILE = "feeds/eastbridge-post-atom.xml"
JSONL_FILE = "exports/clippings.jsonl"


def path_for(a, url):
    slug = OUTLETS[a["outlet"]]["slug"]
    f = a["fmt"]
    if f == "html":
        return "pages/%s/%s.html" % (slug, a["slug"])
    if f == "txt":
        return "text/%s/%s.txt" % (slug, a["slug"])
    if f == "rss":
        return RSS_FILE + "#" + url
    if f == "atom":
        return ATOM_FILE + "#" + url
    if f == "jsonl":
        return JSONL_FILE + "#" + url
    raise ValueError(f)


# ---------------------------------------------------------------------------
# article body -> HTML fragments
# ---------------------------------------------------------------------------

def body_html(blocks, ad_html=None, ad_after=3, fig_tpl=None, p_open="<p>", indent="      "):
    out = []
    n_p = 0
    for kind, payload in blocks:
        if kind == "p":
            out.append("%s%s%s</p>" % (indent, p_open, esc(payload)))
            n_p += 1
            if ad_html and n_p == ad_after:
                out.append(indent + ad_html)
        elif kind == "h2":
            out.append("%s<h2>%s</h2>" % (indent, esc(payload)))
        elif kind == "ul":
            out.append(indent + "<ul>")
            for item in payload:
                out.append("%s  <li>%s</li>" % (indent, esc(item)))
            out.append(indent + "</ul>")
        elif kind == "fig" and fig_tpl:
            out.append(indent + fig_tpl % {"cap": esc(payload)})
    return "\n".join(out)


def simple_html(blocks):
    """Plain article HTML as used inside feeds / JSONL."""
    out = []
    for kind, payload in blocks:
        if kind == "p":
            out.append("<p>%s</p>" % esc(payload))
        elif kind == "h2":
            out.append("<h2>%s</h2>" % esc(payload))
        elif kind == "ul":
            out.append("<ul>" + "".join("<li>%s</li>" % esc(i) for i in payload) + "</ul>")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# outlet page templates
# ---------------------------------------------------------------------------

HC_FURNITURE = [
    "We use cookies to improve your experience and to show you personalized advertising.",
    "Accept all", "Manage preferences", "Advertisement", "Share this article", "Follow us",
    "Related stories", "Leave a comment", "Sign in to comment", "Subscribe",
    "Get the Morning Tide briefing in your inbox every weekday.",
    "About us", "Contact", "Privacy policy", "\u00a9 2026 The Harbor Courier. All rights reserved.",
]


def render_hc(a, blocks, url, related, comments, title):
    fig = ('<figure class="article-figure"><img src="/media/2026/%s.jpg" alt="" width="1200" height="675">'
           '<figcaption>%%(cap)s</figcaption></figure>') % a["slug"][:24]
    ad = '<div class="ad-slot ad-inline" aria-hidden="true"><span class="ad-label">Advertisement</span></div>'
    com = "\n".join(
        '        <div class="comment"><p class="comment-author">%s</p><p class="comment-text">%s</p></div>'
        % (esc(n), esc(t)) for n, t in comments)
    rel = "\n".join('          <li><a href="/more/%d">%s</a></li>' % (i + 100, esc(h)) for i, h in enumerate(related))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{esc(title)} | The Harbor Courier</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="author" content="{attr(a['author'])}">
  <meta property="og:site_name" content="The Harbor Courier">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{attr(title)}">
  <meta property="og:url" content="{url}">
  <meta property="article:published_time" content="{a['published']}">
  <meta property="article:section" content="{a['section'].title()}">
  <link rel="canonical" href="{url}">
  <link rel="stylesheet" href="/static/courier.css">
</head>
<body class="article-page">
  <div id="cookie-consent" class="cookie-banner" role="dialog">
    <p>We use cookies to improve your experience and to show you personalized advertising. By clicking Accept all you agree to our use of cookies.</p>
    <button class="btn-accept">Accept all</button>
    <button class="btn-manage">Manage preferences</button>
  </div>
  <header class="site-header">
    <a class="logo" href="/">The Harbor Courier</a>
    <nav class="main-nav">
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/world">World</a></li>
        <li><a href="/business">Business</a></li>
        <li><a href="/sport">Sport</a></li>
        <li><a href="/science">Science</a></li>
        <li><a href="/opinion">Opinion</a></li>
        <li><a href="/culture">Culture</a></li>
        <li><a href="/weather">Weather</a></li>
      </ul>
    </nav>
  </header>
  <div class="ad-slot ad-leaderboard" aria-hidden="true"><span class="ad-label">Advertisement</span></div>
  <main id="main">
    <article class="article">
      <h1 class="article-title">{esc(title)}</h1>
      <p class="byline">By <a rel="author" href="/profile/{a['author'].lower().replace(' ', '-')}">{esc(a['author'])}</a></p>
      <time class="dateline" datetime="{a['published']}">{long_date(a['published'])}</time>
{body_html(blocks, ad_html=ad, ad_after=3, fig_tpl=fig)}
    </article>
    <div class="share-tools">
      <p>Share this article</p>
      <a href="#" class="share-fb">Facebook</a> <a href="#" class="share-x">X</a> <a href="#" class="share-mail">Email</a>
    </div>
    <aside class="related">
      <h3>Related stories</h3>
      <ul>
{rel}
      </ul>
    </aside>
    <section class="comments" id="comments">
      <h3>Comments ({len(comments)})</h3>
{com}
      <p class="comment-login"><a href="/login">Sign in to comment</a></p>
      <button class="comment-button">Leave a comment</button>
    </section>
  </main>
  <footer class="site-footer">
    <div class="follow"><p>Follow us</p><a href="#">Facebook</a> <a href="#">Instagram</a> <a href="#">X</a></div>
    <form class="newsletter" action="/newsletter">
      <p>Get the Morning Tide briefing in your inbox every weekday.</p>
      <input type="email" placeholder="Your email"> <button>Subscribe</button>
    </form>
    <ul class="footer-links">
      <li><a href="/about">About us</a></li>
      <li><a href="/contact">Contact</a></li>
      <li><a href="/privacy">Privacy policy</a></li>
      <li><a href="/terms">Terms of use</a></li>
    </ul>
    <p class="copyright">\u00a9 2026 The Harbor Courier. All rights reserved.</p>
  </footer>
</body>
</html>
"""


NG_FURNITURE = [
    "This site uses cookies. Some are essential, others help us show you relevant adverts and measure our audience.",
    "Accept all", "Manage preferences", "Advertisement", "Share this article", "Follow us",
    "Related stories", "Reader comments", "Leave a comment", "Sign in to comment",
    "Subscribe to the Ledger newsletter",
    "About us", "Contact", "Privacy policy", "\u00a9 2026 Northgate Ledger Ltd. All rights reserved.",
]


def render_ng(a, blocks, url, related, comments, title):
    fig = ('<div class="pic"><img src="/img/%s.jpg" alt=""><p class="figcaption">%%(cap)s</p></div>') % a["slug"][:20]
    ad = '<div class="advert">Advertisement</div>'
    com = "\n".join(
        '      <div class="reader-comment"><b>%s</b> wrote:<br>%s</div>' % (esc(n), esc(t)) for n, t in comments)
    rel = "\n".join('        <li><a href="/news/%d">%s</a></li>' % (i + 51000, esc(h)) for i, h in enumerate(related))
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="windows-1252">
<title>{esc(title)} - The Northgate Ledger</title>
<meta name="author" content="{attr(a['author'])}">
<meta name="description" content="{attr(blocks[0][1][:150])}">
<meta property="og:site_name" content="The Northgate Ledger">
<meta property="og:title" content="{attr(title)}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{a['published']}">
<link rel="stylesheet" type="text/css" href="/css/ledger-2019.css">
</head>
<body>
<div id="wrapper">
  <div class="gdpr-notice">This site uses cookies. Some are essential, others help us show you relevant adverts and measure our audience. <a href="#" class="accept">Accept all</a> | <a href="/cookies">Manage preferences</a></div>
  <div class="masthead"><a href="/"><img src="/img/ledger-logo.gif" alt="The Northgate Ledger"></a></div>
  <div class="menu">
    <a href="/news">News</a> | <a href="/news/world">World</a> | <a href="/news/uk">UK</a> | <a href="/news/business">Business</a> | <a href="/markets">Markets</a> | <a href="/sport">Sport</a> | <a href="/news/health">Health</a> | <a href="/opinion">Opinion</a>
  </div>
  <div class="advert">Advertisement</div>
  <div class="content-col">
    <div class="story-body">
      <h1 class="headline">{esc(title)}</h1>
      <div class="story-meta"><span class="author">By {esc(a['author'])}</span> &middot; <time datetime="{a['published']}">{long_date(a['published'])}</time></div>
      <div class="story-text">
{body_html(blocks, ad_html=ad, ad_after=2, fig_tpl=fig, indent="        ")}
      </div>
    </div>
    <div class="social">Share this article: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> &nbsp; Follow us <a href="#">@NorthgateLedger</a></div>
    <div class="more-stories">
      <h4>Related stories</h4>
      <ul>
{rel}
      </ul>
    </div>
    <div id="comments">
      <h4>Reader comments</h4>
{com}
      <p><a href="/comment/new">Leave a comment</a> &middot; <span class="login">Sign in to comment</span></p>
    </div>
  </div>
  <div class="footer">
    <a href="/about">About us</a> &middot; <a href="/contact">Contact</a> &middot; <a href="/privacy">Privacy policy</a> &middot; <a href="/newsletter">Subscribe to the Ledger newsletter</a><br>
    \u00a9 2026 Northgate Ledger Ltd. All rights reserved.
  </div>
</div>
</body>
</html>
"""


CD_FURNITURE = [
    "Your privacy matters. We and our partners use cookies to personalise content and ads.",
    "Accept all", "Manage preferences", "Advertisement", "Share this article", "Follow us",
    "Related stories", "Leave a comment", "Sign in to comment", "Subscribe",
    "The Dispatch Daily: the day's essential news, every evening.",
    "About us", "Contact", "Privacy policy", "Copyright \u00a9 2026 Capital Dispatch Media. All rights reserved.",
]


def render_cd(a, blocks, url, related, comments, title):
    fig = ('<figure class="wp-block-image"><img src="https://capitaldispatch.example/wp-content/uploads/2026/%s.jpg" alt="">'
           '<figcaption class="wp-element-caption">%%(cap)s</figcaption></figure>') % a["slug"][:22]
    ad = '<aside class="dispatch-ad"><small>Advertisement</small></aside>'
    com = "\n".join(
        '          <li class="comment"><cite>%s</cite><div class="comment-body">%s</div></li>' % (esc(n), esc(t))
        for n, t in comments)
    rel = "\n".join('        <a class="related-link" href="/%d/">%s</a>' % (i + 9000, esc(h)) for i, h in enumerate(related))
    charset = "" if a.get("nocharset") else '  <meta charset="utf-8">\n'
    tagline = ""
    if a.get("tagline"):
        tagline = '\n          <p class="credit"><em>%s</em></p>' % esc(a["tagline"])
    return f"""<!doctype html>
<html lang="en-GB">
<head>
{charset}  <title>{esc(title)} \u2013 Capital Dispatch</title>
  <meta name="author" content="{attr(a['author'])}">
  <meta property="og:site_name" content="Capital Dispatch">
  <meta property="og:title" content="{attr(title)}">
  <meta property="og:url" content="{url}">
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="{a['published']}">
  <script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{a['published']}"}}</script>
</head>
<body class="single-post">
  <div class="consent-bar">
    <span>Your privacy matters. We and our partners use cookies to personalise content and ads.</span>
    <a class="consent-accept" href="#">Accept all</a>
    <a class="consent-settings" href="#">Manage preferences</a>
  </div>
  <div class="topnav">
    <span class="brand">Capital Dispatch</span>
    <a href="/politics/">Politics</a><a href="/world/">World</a><a href="/economy/">Economy</a><a href="/tech/">Tech</a><a href="/sport/">Sport</a><a href="/culture/">Culture</a><a href="/podcasts/">Podcasts</a>
  </div>
  <div id="content" class="site-content">
    <div class="post">
      <div class="entry-header">
        <span class="kicker">{a['section'].title()}</span>
        <h1 class="entry-title">{esc(title)}</h1>
        <div class="entry-meta">By <span class="author vcard">{esc(a['author'])}</span> | <time class="published" datetime="{a['published']}">{us_date(a['published'])}</time></div>
      </div>
      <div class="story-body">
        <div class="post-content">
{body_html(blocks, ad_html=ad, ad_after=2, fig_tpl=fig, indent="          ")}{tagline}
        </div>
      </div>
      <div class="share-bar"><strong>Share this article</strong> <a href="#">WhatsApp</a> <a href="#">Facebook</a> <a href="#">Copy link</a></div>
      <div class="related-posts">
        <h3>Related stories</h3>
{rel}
      </div>
      <div class="comments-area">
        <h3 class="comments-title">{len(comments)} comments</h3>
        <ol class="comment-list">
{com}
        </ol>
        <div class="respond"><a href="/wp-login.php">Sign in to comment</a> <button>Leave a comment</button></div>
      </div>
    </div>
  </div>
  <footer class="site-footer">
    <div class="footer-newsletter">The Dispatch Daily: the day's essential news, every evening. <a href="/subscribe/">Subscribe</a></div>
    <div class="footer-social">Follow us <a href="#">X</a> <a href="#">Bluesky</a> <a href="#">YouTube</a></div>
    <nav class="footer-nav"><a href="/about/">About us</a> <a href="/contact/">Contact</a> <a href="/privacy/">Privacy policy</a></nav>
    <p class="site-info">Copyright \u00a9 2026 Capital Dispatch Media. All rights reserved.</p>
  </footer>
</body>
</html>
"""


RENDERERS = {"hc": (render_hc, HC_FURNITURE), "ng": (render_ng, NG_FURNITURE), "cd": (render_cd, CD_FURNITURE)}

# ---------------------------------------------------------------------------
# plain-text templates
# ---------------------------------------------------------------------------


def render_lo(a, blocks, title, prev_next):
    lines = [title, "No time to read?", "Get a summary", ""]
    furniture = ["No time to read?", "Get a summary"]
    n_p = 0
    for kind, payload in blocks:
        if kind == "fig":
            continue
        lines += [payload if kind != "ul" else "\n".join(payload), ""]
        if kind == "p":
            n_p += 1
            if n_p == 3:
                lines += ["Advertisement", ""]
                furniture.append("Advertisement")
    lines += ["Previous Article", prev_next[0], "Next Article", prev_next[1]]
    furniture += ["Previous Article", prev_next[0], "Next Article", prev_next[1]]
    return "\n".join(lines) + "\n", furniture


def render_bd(a, blocks, title, prev_next):
    pub = "Published: " + a["published"][:10]
    by = "By " + a["author"]
    lines = [title, pub, by, ""]
    furniture = [pub, by]
    n_p = 0
    for kind, payload in blocks:
        if kind == "fig":
            continue
        lines += [payload if kind != "ul" else "\n".join(payload), ""]
        if kind == "p":
            n_p += 1
            if n_p == 2:
                lines += ["Advertisement", ""]
                furniture.append("Advertisement")
    lines += ["Subscribe to our newsletter", "", "Share this article",
              "Previous Article", prev_next[0], "Next Article", prev_next[1]]
    furniture += ["Subscribe to our newsletter", "Share this article",
                  "Previous Article", prev_next[0], "Next Article", prev_next[1]]
    return "\n".join(lines) + "\n", furniture


# ---------------------------------------------------------------------------
# binary fixtures
# ---------------------------------------------------------------------------


def make_png(width=160, height=96):
    """A small bar chart (five blue bars on white), valid PNG."""
    bars = [0.35, 0.55, 0.8, 0.6, 0.9]
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0
        for x in range(width):
            col = (255, 255, 255)
            if y == height - 8 and 8 <= x < width - 8:
                col = (60, 60, 60)  # x axis
            slot = (x - 12) // 28
            if 0 <= slot < len(bars) and (x - 12) % 28 < 18:
                top = int((height - 8) - bars[slot] * (height - 20))
                if top <= y < height - 8:
                    col = (31, 95, 170)
            row += bytes(col)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag, payload):
        c = struct.pack(">I", len(payload)) + tag + payload
        return c + struct.pack(">I", zlib.crc32(tag + payload) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Title\x00Central bank rates 2022-2026 (demo)")
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def make_garbage(n=4096):
    rng = random.Random(20261104)
    buf = bytearray(rng.getrandbits(8) for _ in range(n))
    buf[0:4] = b"\x1f\x8b\x08\x00"  # looks like a gzip stream saved under the wrong name
    for i in range(16, n, 97):
        buf[i:i + 3] = b"\x00\x00\x00"
    return bytes(buf)


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def write(rel, payload):
    full = os.path.join(CORPUS, rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    mode = "wb"
    with open(full, mode) as fh:
        fh.write(payload)


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    os.makedirs(CORPUS)

    arts = data.ARTICLES
    by_key = {a["key"]: a for a in arts}
    truth_articles = []
    rss_items, atom_entries, jsonl_lines = [], [], []
    rel_counter = {}
    info = {}

    # first pass: urls / paths (needed for syndicated_from)
    for idx, a in enumerate(arts):
        a["url"] = url_for(a, idx)
        a["path"] = path_for(a, a["url"])

    for idx, a in enumerate(arts):
        blocks = parse_blocks(a["body"])
        title = smarten(a["title"])
        flaws = list(a.get("flaws", []))
        lossy = "lossy-mojibake" in flaws
        wc = word_count(blocks)
        assert 120 <= wc <= 400, (a["key"], wc)
        clean = clean_text(blocks, with_fig=True)
        keep = [smarten(k) for k in a["keep"]]
        for k in keep:
            assert k in clean, (a["key"], k)
        for d in a.get("drop", []):
            assert d in clean, (a["key"], d)
        must_not = list(a.get("drop", []))
        furniture = []
        # outlet-level related / previous-next headlines (deterministic rotation)
        o = a["outlet"]
        if o in data.RELATED:
            pool = data.RELATED[o]
            start = rel_counter.get(o, 0)
            rel_counter[o] = start + 1
            related = [pool[(start + i) % len(pool)] for i in range(4)]
        else:
            related = []

        D = damage if lossy else (lambda s: s)
        dblocks = [(k, D(p) if isinstance(p, str) else [D(x) for x in p]) for k, p in blocks]
        dtitle = D(title)

        if a["fmt"] == "html":
            renderer, base_furn = RENDERERS[o]
            comments = [(n, smarten(t)) for n, t in a["comments"]]
            page = renderer(a, dblocks, a["url"], related, comments, dtitle)
            if o == "ng":
                payload = page.encode("cp1252", errors="xmlcharrefreplace")
                flaws.append("cp1252")
            else:
                payload = page.encode("utf-8")
            write(a["path"], payload)
            furniture = base_furn + related + [c[1] for c in comments]
            if a.get("tagline"):
                furniture.append(a["tagline"])
            must_not += ["Accept all", "Manage preferences", "Leave a comment", "Sign in to comment",
                         "Share this article", "Privacy policy", related[1], comments[0][1]]
            flaws.append("furniture")
        elif a["fmt"] == "txt":
            renderer = render_lo if o == "lo" else render_bd
            text, furniture = renderer(a, dblocks, dtitle, related[:2])
            if a.get("enc") == "cp1252":
                text = text.replace("\n", "\r\n")
                payload = text.encode("cp1252")
            else:
                payload = text.encode("utf-8")
            write(a["path"], payload)
            must_not += [f for f in furniture if f not in must_not and not f.startswith(("Published:", "By "))]
            flaws.append("furniture")
        elif a["fmt"] == "rss":
            credit = "(Reporting by %s; Editing by %s)" % (a["author"], "Sarah Quinn" if idx % 2 else "Paul Adeyemi")
            content = simple_html(dblocks) + "\n<p>%s</p>" % esc(credit)
            desc = dblocks[0][1]
            rss_items.append((a["published"], a, dtitle, desc, content))
            furniture = [credit]
        elif a["fmt"] == "atom":
            atom_entries.append((a["published"], a, dtitle, dblocks))
        elif a["fmt"] == "jsonl":
            rec = {"url": a["url"], "outlet": OUTLETS[o]["name"], "title": dtitle,
                   "published": a["published"], "author": a["author"]}
            if a.get("as_html"):
                rec["html"] = simple_html(dblocks)
            else:
                rec["text"] = "\n\n".join(p if isinstance(p, str) else "\n".join(p)
                                          for k, p in dblocks if k != "fig")
            jsonl_lines.append((a["published"], rec))

        truth_articles.append({
            "path": a["path"],
            "outlet": OUTLETS[o]["name"],
            "event": a["event"],
            "title": title,
            "published": a["published"],
            "language": a.get("lang", "en"),
            "genre": a["genre"],
            "syndicated_from": by_key[a["synd"]]["path"] if a.get("synd") else None,
            "flaws": sorted(set(flaws)),
            "furniture": furniture,
            "must_contain": keep,
            "must_not_contain": must_not,
        })
        info[a["key"]] = wc

    # ---- RSS 2.0 feed (Meridian Wire) ----
    items = []
    for pub, a, t, desc, content in sorted(rss_items, key=lambda x: x[0], reverse=True):
        items.append(f"""    <item>
      <title>{xml_escape(t)}</title>
      <link>{a['url']}</link>
      <guid isPermaLink="true">{a['url']}</guid>
      <pubDate>{rfc822(pub)}</pubDate>
      <dc:creator>{xml_escape(a['author'])}</dc:creator>
      <category>{a['section'].title()}</category>
      <description>{xml_escape(desc)}</description>
      <content:encoded><![CDATA[{content}]]></content:encoded>
    </item>""")
    newest = max(x[0] for x in rss_items)
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Meridian Wire \u2013 Top News</title>
    <link>https://meridianwire.example/</link>
    <atom:link href="https://meridianwire.example/rss/top-news.xml" rel="self" type="application/rss+xml"/>
    <description>Breaking news and analysis from Meridian Wire correspondents worldwide.</description>
    <language>en</language>
    <copyright>\u00a9 2026 Meridian Wire. Redistribution requires a licence.</copyright>
    <lastBuildDate>{rfc822(newest)}</lastBuildDate>
    <ttl>15</ttl>
{chr(10).join(items)}
  </channel>
</rss>
"""
    write(RSS_FILE, rss.encode("utf-8"))

    # ---- Atom feed (Eastbridge Post) ----
    entries = []
    for pub, a, t, dblocks in sorted(atom_entries, key=lambda x: x[0], reverse=True):
        content = simple_html(dblocks)
        summary = dblocks[0][1]
        if len(summary) > 220:
            summary = summary[:summary.rfind(" ", 0, 220)] + "\u2026"
            if "lossy-mojibake" in a.get("flaws", []):
                summary = summary[:-1] + damage("\u2026")
        entries.append(f"""  <entry>
    <title type="text">{xml_escape(t)}</title>
    <link rel="alternate" type="text/html" href="{a['url']}"/>
    <id>tag:eastbridgepost.example,2026:{a['slug']}</id>
    <published>{pub}</published>
    <updated>{pub}</updated>
    <author><name>{xml_escape(a['author'])}</name></author>
    <category term="{a['section'].title()}"/>
    <summary type="text">{xml_escape(summary)}</summary>
    <content type="html">{xml_escape(content)}</content>
  </entry>""")
    newest = max(x[0] for x in atom_entries)
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Eastbridge Post</title>
  <subtitle>Independent reporting and analysis</subtitle>
  <link rel="alternate" type="text/html" href="https://eastbridgepost.example/"/>
  <link rel="self" type="application/atom+xml" href="https://eastbridgepost.example/feeds/all.atom"/>
  <id>tag:eastbridgepost.example,2026:feed</id>
  <updated>{newest}</updated>
  <rights>\u00a9 2026 Eastbridge Post</rights>
{chr(10).join(entries)}
</feed>
"""
    write(ATOM_FILE, atom.encode("utf-8"))

    # ---- JSON Lines export ----
    lines = [json.dumps(rec, ensure_ascii=False) for _, rec in sorted(jsonl_lines, key=lambda x: x[0])]
    write(JSONL_FILE, ("\n".join(lines) + "\n").encode("utf-8"))

    # ---- skips ----
    write("text/empty.txt", b"")
    write("pages/chart.png", make_png())
    write("pages/broken-upload.html", make_garbage())

    # ---- truth ----
    P = {a["key"]: a["path"] for a in arts}
    truth = {
        "outlets": [{"name": o["name"], "domain": o["domain"], "slug": o["slug"]} for o in data.OUTLETS],
        "events": [{"id": e["id"], "description": e["description"], "thread": e["thread"], "date": e["date"]}
                   for e in data.EVENTS],
        "articles": sorted(truth_articles, key=lambda t: (t["published"], t["path"])),
        "skips": [
            {"path": "text/empty.txt", "reason": "empty"},
            {"path": "pages/chart.png", "reason": "binary"},
            {"path": "pages/broken-upload.html", "reason": "binary"},
        ],
        "discrepancies": [
            {"event": "E4", "kind": "title", "values": ["Foreign Minister", "former deputy foreign minister"],
             "paths": [P["hc-e4"], P["mw-e4"], P["ng-e4"]]},
            {"event": "E4", "kind": "number", "values": ["three hours", "more than four hours"],
             "paths": [P["hc-e4"], P["mw-e4"], P["ng-e4"]]},
            # The toll rose between reports of different days: an update, not a disagreement
            # (docs/annotation.md). "About 40 homes" buried against "more than 60 homes" destroyed
            # or damaged are two measures, and the later report says its figure is a new one: no
            # discrepancy is expected there.
            {"event": "E6", "kind": "update", "values": ["at least 12", "14"],
             "paths": [P["hc-e6"], P["lo-e6"], P["mw-e6"], P["cd-e6"], P["eb-e6"]]},
            # The later report revises the figure itself ("up from its initial estimate"): a
            # revision, which docs/annotation.md says is no disagreement between sources.
            {"event": "E5", "kind": "revision", "values": ["2.4 million", "nearly 2.8 million"],
             "paths": [P["hc-e5"], P["ng-e5"], P["eb-e5"], P["bd-e5"]]},
        ],
    }
    with open(TRUTH, "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2)
        fh.write("\n")

    print("wrote %d articles, %d skips" % (len(arts), len(truth["skips"])))
    for a in arts:
        print("  %-4s %-5s %-3s %3d words  %s" % (a["event"], a["fmt"], a["outlet"], info[a["key"]], a["path"]))


if __name__ == "__main__":
    main()
