#!/usr/bin/env python3
"""Sanity checks for demo/corpus against demo/truth.json (stdlib only).

    python3 demo/check_corpus.py        # exit status 1 on any failure
"""

import collections
import datetime as dt
import difflib
import html
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
TRUTH = os.path.join(HERE, "truth.json")

DAMAGED_CHARS = "\u2019\u2018\u201c\u201d\u2013\u2014\u2026\u00a3\u20ac"
C1 = re.compile("[\u0080-\u009f]")
NS = {"content": "http://purl.org/rss/1.0/modules/content/",
      "dc": "http://purl.org/dc/elements/1.1/",
      "atom": "http://www.w3.org/2005/Atom"}

failures = []
warnings = []


def fail(msg):
    failures.append(msg)


def damage(s):
    out = []
    for ch in s:
        if ch in DAMAGED_CHARS:
            out.append("".join(c for c in ch.encode("utf-8").decode("latin-1") if not 0x80 <= ord(c) <= 0x9F))
        else:
            out.append(ch)
    return "".join(out)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("p", "h1", "h2", "h3", "h4", "li", "div", "br", "figcaption", "title"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, d):
        if not self.skip:
            self.parts.append(d)


def html_text(markup):
    p = _Text()
    p.feed(markup)
    return "".join(p.parts)


def read(rel):
    with open(os.path.join(CORPUS, rel), "rb") as fh:
        return fh.read()


def page_charset(raw):
    m = re.search(rb'<meta[^>]+charset=["\']?([A-Za-z0-9_-]+)', raw[:2048], re.I)
    return m.group(1).decode("ascii").lower() if m else None


_rss = _atom = _jsonl = None


def feed_item(path):
    """Return (title, markup_or_text, is_html) for a feed / JSONL item path."""
    global _rss, _atom, _jsonl
    fname, anchor = path.split("#", 1)
    if fname.endswith("-rss.xml"):
        if _rss is None:
            _rss = ET.fromstring(read(fname))
        for item in _rss.iter("item"):
            if item.findtext("link") == anchor:
                return item.findtext("title"), item.findtext("content:encoded", namespaces=NS), True
    elif fname.endswith("-atom.xml"):
        if _atom is None:
            _atom = ET.fromstring(read(fname))
        for e in _atom.iter("{%s}entry" % NS["atom"]):
            link = e.find("atom:link", NS)
            if link is not None and link.get("href") == anchor:
                return e.findtext("atom:title", namespaces=NS), e.findtext("atom:content", namespaces=NS), True
    elif fname.endswith(".jsonl"):
        if _jsonl is None:
            _jsonl = [json.loads(l) for l in read(fname).decode("utf-8").splitlines() if l.strip()]
        for rec in _jsonl:
            if rec["url"] == anchor:
                if "html" in rec:
                    return rec["title"], rec["html"], True
                return rec["title"], rec["text"], False
    return None


def source_text(art):
    """Visible text of an article's source, decoded but NOT repaired."""
    path = art["path"]
    if "#" in path:
        got = feed_item(path)
        if got is None:
            fail("%s: item not found in file" % path)
            return ""
        title, body, is_html = got
        return title + "\n" + (html_text(body) if is_html else body)
    raw = read(path)
    if path.endswith(".html"):
        cs = page_charset(raw) or "utf-8"
        return html_text(raw.decode(cs))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def main():
    truth = json.load(open(TRUTH, encoding="utf-8"))
    arts = truth["articles"]
    outlets = {o["name"] for o in truth["outlets"]}
    events = {e["id"]: e for e in truth["events"]}

    # ---- counts ----
    if not 34 <= len(arts) <= 38:
        fail("article count %d not in 34..38" % len(arts))
    if len(outlets) != 7:
        fail("expected 7 outlets, got %d" % len(outlets))
    if len(events) != 9:
        fail("expected 9 events, got %d" % len(events))
    per_event = collections.defaultdict(set)
    per_event_n = collections.Counter()
    dates = collections.defaultdict(list)
    for a in arts:
        if a["outlet"] not in outlets:
            fail("%s: unknown outlet %s" % (a["path"], a["outlet"]))
        if a["event"] not in events:
            fail("%s: unknown event %s" % (a["path"], a["event"]))
        per_event[a["event"]].add(a["outlet"])
        per_event_n[a["event"]] += 1
        dates[a["event"]].append(dt.datetime.strptime(a["published"], "%Y-%m-%dT%H:%M:%SZ"))
    for eid, ds in dates.items():
        if (max(ds) - min(ds)).days > 3:
            fail("%s: articles spread over more than 3 days" % eid)
    genres = collections.Counter(a["genre"] for a in arts)
    langs = collections.Counter(a["language"] for a in arts)
    synd = [a for a in arts if a["syndicated_from"]]
    if genres["speculation"] < 1 or genres["analysis"] < 1:
        fail("need a speculation and an analysis piece: %s" % dict(genres))
    if len(synd) < 1:
        fail("no syndicated copy")
    if sum(v for k, v in langs.items() if k != "en") < 1:
        fail("no non-English article")
    threads = collections.defaultdict(list)
    for e in events.values():
        if e["thread"]:
            threads[e["thread"]].append(e["id"])

    # ---- files exist / every corpus file accounted for ----
    listed = {a["path"].split("#")[0] for a in arts} | {s["path"] for s in truth["skips"]}
    on_disk = set()
    for root, _, files in os.walk(CORPUS):
        for f in files:
            on_disk.add(os.path.relpath(os.path.join(root, f), CORPUS).replace(os.sep, "/"))
    for p in sorted(listed - on_disk):
        fail("listed in truth but missing: %s" % p)
    for p in sorted(on_disk - listed):
        fail("file in corpus not in truth: %s" % p)
    paths = [a["path"] for a in arts]
    if len(paths) != len(set(paths)):
        fail("duplicate article paths")

    # ---- formats parse ----
    for rel in sorted(on_disk):
        if rel.endswith(".xml"):
            try:
                ET.fromstring(read(rel))
            except ET.ParseError as e:
                fail("%s: XML parse error %s" % (rel, e))
        if rel.endswith(".jsonl"):
            for i, line in enumerate(read(rel).decode("utf-8").splitlines(), 1):
                rec = json.loads(line)
                keys = set(rec)
                need = {"url", "outlet", "title", "published", "author"}
                if not need <= keys or not ({"text", "html"} & keys):
                    fail("%s:%d: missing keys %s" % (rel, i, keys))

    # ---- skips ----
    for s in truth["skips"]:
        raw = read(s["path"])
        if s["reason"] == "empty" and raw:
            fail("%s should be empty" % s["path"])
        if s["reason"] == "binary" and b"\x00" not in raw:
            fail("%s has no NUL bytes" % s["path"])
        if s["path"].endswith(".png") and not raw.startswith(b"\x89PNG\r\n\x1a\n"):
            fail("%s is not a PNG" % s["path"])

    # ---- per article ----
    texts = {}
    for a in arts:
        path, flaws = a["path"], set(a["flaws"])
        fname = path.split("#")[0]
        raw = read(fname)
        text = source_text(a)
        texts[path] = text
        ntext = norm(text)
        lossy = "lossy-mojibake" in flaws
        if lossy:
            if "\u00e2" not in text:
                fail("%s: lossy but no 'â'" % path)
            if C1.search(text) or C1.search(raw.decode("utf-8")):
                fail("%s: contains C1 control characters" % path)
            if any(c in text.replace("\u00c2\u00a3", "") for c in DAMAGED_CHARS):
                fail("%s: lossy article still contains undamaged punctuation" % path)
        if "cp1252" in flaws:
            try:
                raw.decode("utf-8")
                fail("%s: cp1252 file decodes as UTF-8" % path)
            except UnicodeDecodeError:
                pass
        if "no-charset" in flaws and b"charset" in raw.lower():
            fail("%s: declares a charset" % path)
        if "no-charset" in flaws and max(raw) < 0x80:
            fail("%s: no-charset page is pure ASCII (test is pointless)" % path)
        for phrase in a["must_contain"]:
            want = norm(damage(phrase) if lossy else phrase)
            if want not in ntext:
                fail("%s: must_contain not found: %r" % (path, phrase))
        for phrase in a["must_not_contain"]:
            if norm(phrase) not in ntext:
                warnings.append("%s: must_not_contain not present in source: %r" % (path, phrase))
        for line in a["furniture"]:
            if "#" not in path and path.endswith(".txt"):
                lines = [l.strip() for l in text.splitlines()]
                if line not in lines:
                    fail("%s: furniture line missing: %r" % (path, line))

    # ---- syndication similarity ----
    for a in synd:
        if a["syndicated_from"] not in texts:
            fail("%s: syndicated_from not an article path" % a["path"])
            continue
        def body(t):
            return norm(" ".join(l for l in t.splitlines() if len(l.split()) > 8))
        r = difflib.SequenceMatcher(None, body(texts[a["syndicated_from"]]), body(texts[a["path"]])).ratio()
        if r < 0.75:
            fail("%s: syndicated copy too different (%.2f)" % (a["path"], r))
        print("syndicated copy similarity to original: %.2f" % r)

    # ---- discrepancies ----
    for d in truth["discrepancies"]:
        for p in d["paths"]:
            if p not in texts:
                fail("discrepancy path not an article: %s" % p)
        for v in d["values"]:
            pat = re.compile(r"(?<![\w.])%s(?![\w])" % re.escape(v), re.I)
            if not any(pat.search(norm(texts.get(p, ""))) for p in d["paths"]):
                fail("discrepancy value %r not found in its paths" % v)
        for p in d["paths"]:
            if not any(re.search(r"(?<![\w.])%s(?![\w])" % re.escape(v), norm(texts.get(p, "")), re.I) for v in d["values"]):
                fail("discrepancy path %s contains none of %s" % (p, d["values"]))

    # ---- report ----
    print("articles: %d   outlets: %d   events: %d   threads: %s" %
          (len(arts), len(outlets), len(events), dict(threads)))
    print("genres: %s   languages: %s   syndicated: %d" % (dict(genres), dict(langs), len(synd)))
    fmt = collections.Counter(
        "html" if a["path"].endswith(".html") else "txt" if a["path"].endswith(".txt") else
        a["path"].split("#")[0].rsplit("/", 1)[1] for a in arts)
    print("formats: %s" % dict(fmt))
    flaw_n = collections.Counter(f for a in arts for f in a["flaws"])
    print("flaws: %s" % dict(sorted(flaw_n.items())))
    print("outlets per event:")
    for eid in sorted(events):
        print("  %s  %d articles / %d outlets  %s" % (eid, per_event_n[eid], len(per_event[eid]),
                                                    ", ".join(sorted(per_event[eid]))))
    per_outlet = collections.Counter(a["outlet"] for a in arts)
    print("articles per outlet: %s" % dict(per_outlet))
    for w in warnings:
        print("WARN", w)
    for f in failures:
        print("FAIL", f)
    print("OK" if not failures else "%d FAILURES" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
