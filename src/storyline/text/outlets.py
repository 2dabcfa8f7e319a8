"""Who published an article: one identity per outlet, and whether the article is its own reporting.

An outlet's identity is the registrable domain of the article's address (public-suffix aware, so
``sites.amd.com`` and ``amd.com`` are one outlet and ``bbc.co.uk`` is not ``co.uk``), else the
publisher the page or record names, else the site of the feed it came in. A folder's or a file's
name is never an outlet unless the user says so (``ingest --outlet``): 225 articles from many outlets
saved in a folder named ``ecb`` are not one outlet named "Ecb". With no evidence the outlet is
unknown, and an unknown article counts as its own independent source.

A blog host's subdomains are one blog each (``jane.wordpress.com``, ``x.blogspot.nl``) and a portal's
subdomains one newsroom each (``espn.go.com``, ``abcnews.go.com``): lang/<code>/blog-hosts.txt and
portal-hosts.txt. A text with no address, site or feed is the outlet's or agency's its opening or
closing credit names ("(CNN) --", "LONDON (Reuters) -").

The public suffix list is tldextract's bundled snapshot (never fetched: ``suffix_list_urls=()``).
Credit lines of wire agencies and the marks of press releases are matched by hand: no library
knows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

from storyline.lang import ENGLISH, Language

# How sure a name is as an outlet's display name: a name the user gives beats the site's own
# name, which beats a feed's title ("Meridian Wire – Top News") or a credit in the text ("(CNN)
# --"), which beats a bare domain.
RANK_GIVEN, RANK_SITE, RANK_FEED, RANK_DOMAIN = 4, 3, 2, 1
RANK_CREDIT = RANK_FEED
# A known outlet's name for its domain (lang/<code>/outlet-domains.txt): surer than the bare domain,
# never surer than the site's own name.
RANK_KNOWN = RANK_FEED

# A feed's title names the site and then a section: "Meridian Wire – Top News", "BBC News - World".
_FEED_SECTION = re.compile(r"\s+[-–—|:·]\s+.*$")


@dataclass(frozen=True, slots=True)
class _Words:
    """A language's credit lines, release marks and outlet words (lang/<code>/wire-*.txt,
    press-release-*.txt, news-outlet-words.txt, outlet-name-filler.txt; see each file's reasons)."""

    agencies: dict[str, str]  # a name as credited, lower case, to the agency's name
    capitals_only: frozenset[str]  # credited names that are an agency only in capitals (AP, PA)
    credit: tuple[re.Pattern[str], ...]  # credit lines, tried in order
    tails: tuple[tuple[str, re.Pattern[str]], ...]  # an agency's own closing credit
    release: re.Pattern[str]  # a release wire named, or a release's own lines
    news_label: re.Pattern[str]  # a news outlet's word in a domain label
    name_filler: frozenset[str]  # words of a site name that do not tell which site
    credited: dict[str, str]  # an outlet or agency as a text credits it, lower case, to its name
    outlet_credit: tuple[re.Pattern[str], ...]  # the credit lines, naming an outlet or an agency
    blog_hosts: tuple[str, ...]  # one blog per subdomain ("blogspot" under any suffix)
    portals: tuple[str, ...]  # one newsroom per subdomain
    domains: dict[str, str]  # a known outlet's domain to its name
    labels: dict[str, str]  # a credited outlet's name run together ("foxnews") to its name


@cache
def _words(lang: Language) -> _Words:
    agencies = dict(_pair(line) for line in lang.lines("wire-agencies"))
    names = "|".join(sorted((re.escape(a) for a in agencies), key=len, reverse=True))
    credited = {**dict(_pair(line) for line in lang.lines("text-credit-outlets")), **agencies}
    credited_names = "|".join(sorted((re.escape(a) for a in credited), key=len, reverse=True))
    wires = "|".join(lang.lines("press-release-wires"))
    openings = "".join(f"|^\\s*{line}" for line in lang.lines("press-release-lines"))
    return _Words(
        agencies=agencies,
        capitals_only=lang.words("wire-agencies-capitals-only"),
        # Case matters only for the capitals-only names, checked after the match.
        credit=tuple(
            re.compile(line.replace("{agencies}", names), re.IGNORECASE | re.MULTILINE)
            for line in lang.lines("wire-credit-lines")
        ),
        tails=tuple(
            (agency, re.compile(pattern, re.IGNORECASE))
            for agency, pattern in (_pair(line) for line in lang.lines("wire-credit-tails"))
        ),
        release=re.compile(rf"\b(?:{wires})\b{openings}", re.IGNORECASE | re.MULTILINE),
        news_label=re.compile("|".join(lang.lines("news-outlet-words"))),
        name_filler=lang.words("outlet-name-filler"),
        credited=credited,
        outlet_credit=tuple(
            re.compile(line.replace("{agencies}", credited_names), re.IGNORECASE | re.MULTILINE)
            for line in lang.lines("wire-credit-lines")
        ),
        blog_hosts=lang.lines("blog-hosts"),
        portals=lang.lines("portal-hosts"),
        domains={k.lower(): v for k, v in (_pair(line) for line in lang.lines("outlet-domains"))},
        # "pa" or "ap" as a domain's label is no credit in capitals: pa.gov is not PA Media.
        labels={
            _compact(k): v
            for k, v in credited.items()
            if k not in lang.words("wire-agencies-capitals-only") and "." not in k and len(_compact(k)) >= 3
        },
    )


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _pair(line: str) -> tuple[str, str]:
    """The ``key = value`` of a resource line, split at the first " = "."""
    key, _, value = line.partition(" = ")
    return key.strip(), value.strip()


@dataclass(frozen=True, slots=True)
class OutletIdentity:
    """``key`` identifies the outlet across names and subdomains (a domain, or ``name:...``);
    ``name`` is what a reader is shown; ``rank`` how sure that name is (see RANK_*)."""

    key: str
    name: str
    rank: int
    domain: str | None = None


@cache
def _extractor() -> Any:
    import tldextract

    # The bundled snapshot only: no download, no cache directory written. Private suffixes count
    # (blogspot.com, github.io): two blogs on one host are two outlets.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registrable_domain(url: str | None) -> str | None:
    """``sites.amd.com`` -> ``amd.com``, ``www.bbc.co.uk`` -> ``bbc.co.uk``; None for an address
    with no public domain (an IP address, ``localhost``)."""
    if not url:
        return None
    host = urlsplit(url if "://" in url else f"http://{url}").hostname
    if not host:
        return None
    parts = _extractor()(host)
    domain = parts.top_domain_under_public_suffix
    if domain:
        return str(domain).lower()
    # A name under no public suffix (an intranet host, the reserved ``.example``) is its own
    # domain; an IP address or a single label (``localhost``) names no outlet.
    if "." not in host or re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return None
    return host.lower().removeprefix("www.")


def outlet_domain(url: str | None, lang: Language = ENGLISH) -> str | None:
    """The domain that names an outlet: the registrable domain, except that a blog host's
    subdomain is its own blog (``jane.wordpress.com``; ``x.blogspot.nl`` and ``x.blogspot.com``
    are one blog, ``x.blogspot.com``; ``medium.com/@jane``) and a portal's subdomain its own
    newsroom (``sports.espn.go.com`` is ``espn.go.com``, not ``abcnews.go.com``)."""
    domain = registrable_domain(url)
    if domain is None or url is None:
        return domain
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    labels = host.split(".")
    words = _words(lang)
    for entry in words.blog_hosts:
        if "." not in entry:
            if entry in labels[1:]:
                return f"{labels[labels.index(entry, 1) - 1]}.{entry}.com"
            continue
        if host.endswith("." + entry):
            return f"{host.removesuffix('.' + entry).split('.')[-1]}.{entry}"
        if host == entry and (user := re.match(r"/(@[\w.-]+)", parts.path)):
            return f"{entry}/{user.group(1).lower()}"
    for portal in words.portals:
        if host.endswith("." + portal):
            return f"{host.removesuffix('.' + portal).split('.')[-1]}.{portal}"
    return domain


def feed_site_name(title: str | None) -> str | None:
    """The site a feed's title names, without its section: "Meridian Wire – Top News" ->
    "Meridian Wire"."""
    if not title:
        return None
    name = _FEED_SECTION.sub("", title.strip()).strip()
    return name or None


def _name_key(name: str) -> str:
    return "name:" + re.sub(r"[^\w]+", " ", name.lower()).strip()


def _resembles(name: str, domain: str, lang: Language) -> bool:
    """Whether a page's site name can be the name of the site at ``domain``: "BBC News" for
    bbc.com, "Connecticut Post" for ctpost.com; not a section ("U.S." on reuters.com) or a
    platform's label ("Hosted" on ap.org)."""
    label = re.sub(r"[^a-z0-9]", "", domain.split(".")[0].lower())
    compact = re.sub(r"[^a-z0-9]", "", name.lower())
    if not label or not compact:
        return False
    if compact in label or label in compact:
        return True
    lowered = re.findall(r"[a-z0-9]+", name.lower())
    words = [w for w in lowered if len(w) >= 3 and w not in _words(lang).name_filler]
    initials = "".join(w[0] for w in lowered)
    return any(w in label for w in words) or (len(initials) >= 2 and label.startswith(initials))


def known_name(domain: str | None, lang: Language = ENGLISH) -> str | None:
    """A known outlet's name for its domain: ``reuters.com`` -> "Reuters" (outlet-domains.txt), or
    an outlet the texts credit whose name run together is the domain's label (``foxnews.com`` ->
    "Fox News"); None for any other domain, which keeps its address as its name."""
    if not domain:
        return None
    words = _words(lang)
    domain = domain.lower()
    return words.domains.get(domain) or words.labels.get(domain.split(".")[0])


def is_address(name: str, domain: str | None) -> bool:
    """Whether a site's "name" is only its address in lower case ("usatoday" or "livescience.com"
    on usatoday.com, livescience.com): no better a name than the domain."""
    if not domain or name != name.lower():
        return False
    compact = _compact(name)
    return compact in (_compact(domain), _compact(domain.split(".")[0]))


def better_name(key: str, name: str, rank: int, lang: Language = ENGLISH) -> str | None:
    """For an outlet as stored (its key, name and the rank of that name): the known outlet's name
    when the stored name is only its address (``reuters.com``, ``usatoday``), else None."""
    if key.startswith("name:") or rank >= RANK_GIVEN:
        return None
    if rank > RANK_DOMAIN and not is_address(name, key):
        return None
    known = known_name(key, lang)
    return known if known and known != name else None


def _site_name(name: str | None, domain: str | None = None) -> tuple[str | None, int]:
    """A page's site name without its tagline or section list, and how sure it is as a name: a
    handle ("@politifact") is a weaker name than the site's own."""
    if not name:
        return None, 0
    if "://" in name or name.lower().startswith("www.") or is_address(name.strip(), domain):
        return None, 0  # an address given as a name: the domain says it better
    cleaned = _FEED_SECTION.sub("", name.strip()).strip() or name.strip()
    if cleaned.startswith("@"):
        return cleaned[1:] or None, RANK_FEED
    return cleaned, RANK_SITE


def identify(
    url: str | None,
    *,
    given: str | None = None,
    site_name: str | None = None,
    feed_title: str | None = None,
    feed_site: str | None = None,
    lang: Language = ENGLISH,
) -> OutletIdentity | None:
    """The outlet an article is from, by the evidence it carries (see the module's docstring);
    None when there is none. ``lang``: the language whose words a site's name is read with."""
    domain = outlet_domain(url, lang) or outlet_domain(feed_site, lang)
    feed_name = feed_site_name(feed_title)
    if given:
        return OutletIdentity(domain or _name_key(given), given.strip(), RANK_GIVEN, domain)
    site, site_rank = _site_name(site_name, domain)
    if domain:
        # A site name that cannot be this domain's (a section, a platform's label) is not shown.
        if site and _resembles(site, domain, lang):
            return OutletIdentity(domain, site, site_rank, domain)
        if feed_name and _resembles(feed_name, domain, lang):
            return OutletIdentity(domain, feed_name, RANK_FEED, domain)
        known = known_name(domain, lang)
        if known:
            return OutletIdentity(domain, known, RANK_KNOWN, domain)
        return OutletIdentity(domain, domain, RANK_DOMAIN, domain)
    if site:
        return OutletIdentity(_name_key(site), site, site_rank)
    if feed_name:
        return OutletIdentity(_name_key(feed_name), feed_name, RANK_FEED)
    return None


def wire_agency(text: str, lang: Language = ENGLISH) -> str | None:
    """The wire agency an article credits ("LONDON (Reuters) -", "— AP", "© AFP"), if any: a wire
    copy counts once, for the agency, however many outlets run it. Only the opening and the end of
    the text are read, where credit lines stand."""
    words = _words(lang)
    head, tail = text[:400], text[-400:]
    for pattern in words.credit:
        for part in (head, tail):
            match = pattern.search(part)
            if match is None:
                continue
            raw = match.group("a")
            # "AP" and "PA" are agencies only in capitals ("pa" is a word in some languages).
            if raw.lower() in words.capitals_only and not raw.isupper():
                continue
            return words.agencies[raw.lower()]
    # A dateline that credits a name the agency list does not hold ("BRASÍLIA, Oct 27 (Meridian
    # Wire) —") makes the text that name's copy, wherever it runs. It also outranks a closing credit,
    # which is only a style ("(Reporting by ...; Editing by ...)" is Reuters', other wires write it).
    opening = _DATELINE_CREDIT.search(head)
    if opening is not None:
        name = " ".join(opening.group("a").split())
        if name[:1].isupper() and len(name.split()) <= 4:
            return words.agencies.get(name.lower(), name)
    for agency, closing in words.tails:
        if closing.search(tail):
            return agency
    return None


# A dateline's credit: "PLACE, date (Name) —" at the start of a line of the opening.
_DATELINE_CREDIT = re.compile(r"^[^\n()]{0,80}\((?P<a>[^()\n]{2,40})\)\s*(?:--|[—–-])", re.MULTILINE)


def credited_outlet(text: str, lang: Language = ENGLISH) -> str | None:
    """The outlet or wire agency a text's opening or closing credit names ("(CNN) --", "LONDON
    (Reuters) -", "— AP"): for a text that nothing else says the outlet of."""
    words = _words(lang)
    head, tail = text[:400], text[-400:]
    for pattern in words.outlet_credit:
        for part in (head, tail):
            for match in pattern.finditer(part):
                raw = match.group("a")
                if raw.lower() in words.capitals_only and not raw.isupper():
                    continue
                return words.credited[raw.lower()]
    return wire_agency(text, lang)


def credited_identity(text: str, lang: Language = ENGLISH) -> OutletIdentity | None:
    """The identity of the outlet a text credits (:func:`credited_outlet`), or None."""
    name = credited_outlet(text, lang)
    return OutletIdentity(_name_key(name), name, RANK_CREDIT) if name else None


def is_press_release(
    text: str, title: str | None, domain: str | None, url: str | None = None, lang: Language = ENGLISH
) -> bool:
    """A company's or government's own release, not news coverage: carried by a release wire,
    marked as a release, or published by the organisation it is about — on its own site, with its
    headline naming it ("AMD Announces ..." on amd.com) and a newsroom address
    (hp.com/hpinfo/newsroom/press/...) or "AMD today announced"."""
    marks = _words(lang)
    if marks.release.search(text[:600]) or marks.release.search(text[-1500:]):
        return True
    if not domain:
        return False
    label = domain.split(".")[0]
    # A news site's stories about itself are few, and never releases.
    if marks.news_label.search(label):
        return False
    # The headline names the organisation whose site this is (a short label such as "hp" only as
    # an acronym), and the page says it is the organisation's own announcement: a newsroom address
    # or "HP today announced". A site's name in its own headlines ("... | MoreBikes", "PolitiFact's
    # guide to ...", even above an "About PolitiFact" footer) is its journalism, not a release.
    words = re.findall(r"[\w&-]+", re.sub(r"\s[|–—-]\s.*$", "", title or ""))[:6]
    if not any(w.lower() == label and (len(label) >= 3 or w.isupper()) for w in words):
        return False
    path = urlsplit(url).path.lower() if url else ""
    announced = re.search(
        rf"^\W*{re.escape(label)}\W+(?:\w+\W+){{0,3}}(?:today\s+)?announced\b", text[:300], re.IGNORECASE
    )
    return bool(_NEWSROOM.search(path) or announced)


# The address of an organisation's own announcements.
_NEWSROOM = re.compile(
    r"/(?:newsroom|press|pressroom|press-releases?|news-releases?|media-?(?:centre|center))/"
)


def folder_outlet(locator: str, folders: tuple[tuple[str, str], ...]) -> str | None:
    """The outlet the user named for the folder a document sits in (``ingest --outlets FILE``):
    the deepest folder of the document's path that the mapping names."""
    if not folders:
        return None
    parts = PurePath(locator.split("#", 1)[0]).parts[:-1]
    names = dict(folders)
    for part in reversed(parts):
        if part in names:
            return names[part]
    return None


def read_outlet_map(path: str | Path) -> tuple[tuple[str, str], ...]:
    """A mapping file of folders to outlets, one ``folder = Outlet Name`` a line (``#`` comments)."""
    pairs = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        folder, sep, name = line.partition("=")
        if not sep or not folder.strip() or not name.strip():
            from storyline.errors import ConfigError

            raise ConfigError(
                f"{path}:{number}: not a 'folder = Outlet Name' line: {line!r}",
                remedy="write one 'folder = Outlet Name' per line",
            )
        pairs.append((folder.strip().strip("/"), name.strip()))
    return tuple(pairs)
