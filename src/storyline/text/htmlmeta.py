"""Page metadata and page lines from one lxml parse.

trafilatura's own metadata pass (``with_metadata=True``) costs about a third of its extraction time,
mostly in htmldate's heuristics; news pages state their metadata in a few well-known places
(Open Graph, ``article:*``, schema.org JSON-LD, ``<time>``), so we read those directly. A page that
states none is dated from its dateline under the headline (text/extract.py), never by searching the
whole page: htmldate's search takes a caption's or a sidebar's date for the article's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_PAGE_BLOCKS = frozenset(
    [
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "td",
        "th",
        "dd",
        "dt",
        "figcaption",
        "blockquote",
        "section",
        "header",
        "footer",
        "nav",
        "aside",
        "article",
        "main",
        "form",
        "button",
        "label",
        "span",
        "a",
    ]
)
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None


def parse(html: str) -> Any | None:
    """A plain lxml tree (no lxml.html element classes: they double the cost of walking it)."""
    from lxml import etree

    try:
        tree = etree.fromstring(html.encode("utf-8", "replace"), etree.HTMLParser(encoding="utf-8"))
    except (ValueError, etree.XMLSyntaxError):
        return None
    return tree


def page_metadata(tree: Any) -> PageMeta:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        value = (element.get("content") or "").strip()
        if key and value and key not in meta:
            meta[key] = value
    ld = _json_ld(tree)
    title = meta.get("og:title") or meta.get("twitter:title") or _text(tree, "h1") or _title_tag(tree)
    published = (
        meta.get("article:published_time")
        or meta.get("datepublished")
        or ld.get("datePublished")
        or meta.get("date")
        or meta.get("pubdate")
        or meta.get("dc.date")
        or meta.get("dcterms.created")
        or _time_tag(tree)
    )
    author = meta.get("author") or meta.get("article:author") or _ld_name(ld.get("author"))
    if author and author.startswith("http"):
        author = None
    site = meta.get("og:site_name") or meta.get("application-name") or _ld_name(ld.get("publisher"))
    url = meta.get("og:url") or _canonical(tree)
    return PageMeta(title=title, site_name=site, author=author, published=published, url=url)


def leaf_lines(tree: Any) -> Iterator[str]:
    """The text of every leaf block of the page (a block with no block inside), in order."""
    from lxml import etree

    etree.strip_elements(tree, "script", "style", "noscript", "template", "svg", "head", with_tail=False)
    # One pass: every block marks its ancestors as containers, cheaper than searching each subtree.
    containers: set[Any] = set()
    blocks = []
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in _PAGE_BLOCKS:
            blocks.append(element)
            for ancestor in element.iterancestors():
                if ancestor in containers:
                    break
                containers.add(ancestor)
    for element in blocks:
        if element not in containers:
            text = " ".join("".join(element.itertext()).split())
            if text:
                yield text


def _json_ld(tree: Any) -> dict[str, Any]:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]):
            if isinstance(item, dict) and ("datePublished" in item or "headline" in item):
                return item
    return {}


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return str(value).strip() if value else None


def _text(tree: Any, tag: str) -> str | None:
    for element in tree.iter(tag):
        text = " ".join("".join(element.itertext()).split())
        if text:
            return text
    return None


def _title_tag(tree: Any) -> str | None:
    title = _text(tree, "title")
    return _TITLE_SUFFIX.sub("", title) if title else None


def _time_tag(tree: Any) -> str | None:
    for element in tree.iter("time"):
        value = element.get("datetime")
        if value:
            return str(value)
    return None


def _canonical(tree: Any) -> str | None:
    for element in tree.iter("link"):
        if (element.get("rel") or "").lower() == "canonical" and element.get("href"):
            return str(element.get("href"))
    return None
