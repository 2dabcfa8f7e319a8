"""Line-level helpers shared by extraction, furniture removal and the briefs (a summary never picks a
furniture line): a normal form for comparing lines across pages, and the named kinds of site
furniture recognisable from the words or the shape alone. A shared module, not a stage's own: the
stages that need it import it from here, never from one another.

Precision first: a line is furniture only when the WHOLE line is furniture (every sentence of it, or
its whole shape), so an article sentence that merely mentions a subscription, a photo or a slash is
never taken for furniture.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

# Whole-line patterns over the normalised line (lower case, punctuation dropped). First match wins,
# so the more specific kinds come first.
_FURNITURE: tuple[tuple[str, str], ...] = (
    ("summary prompt", r"no time to read|get (a|the) summary|summari[sz]e (this|the) article|tl ?;? ?dr"),
    ("previous/next link", r"(previous|next|prev|older|newer) (article|post|story|page)|(previous|next)"),
    (
        "paywall",
        r"high quality global journalism requires investment|"
        r"(to )?(continue|keep) reading( this article| the full (article|story))?,? ?"
        r"(subscribe|sign in|log in|register|become a (member|subscriber)|for|with|please|you).{0,60}|"
        r"(please )?(subscribe|sign in|log in|register|sign up|join)( now| today| for free)? "
        r"(to|and) (continue|keep) reading.{0,60}|"
        r"(please )?(subscribe|sign in|log in|register)( now| today)? to (read|unlock|access|view|see) "
        r"(the full|this|the rest|more|unlimited|all).{0,60}|"
        r"you( have| ve)? (reached|used|read) (your|all of your|all your|the|\d+ of your).{0,20}"
        r"(limit|free (articles|stories)|articles|stories).{0,40}|"
        r"this (article|story|content|piece|page) is (only |exclusively )?(for|available (only )?to|"
        r"exclusive to|reserved for) .{0,20}(subscribers|members).{0,40}|"
        r"already (a subscriber|a member|have an account|subscribed).{0,40}|"
        r"(start|try|begin|get) (your|a|our) (free |risk free )?(\d+ (day|week|month) )?trial.{0,60}|"
        r"(try|get|unlock|enjoy) (unlimited|full|complete|premium|digital) (digital )?access.{0,60}|"
        r"(subscribers?|members) only( content| article)?|premium (content|article|story)|"
        r"(a )?subscription (is )?required.{0,40}|"
        r"support (our|independent|quality) journalism.{0,60}|"
        r"(only )?\d+ for (\d+|the first \d+) (weeks|months|days).{0,40}",
    ),
    (
        "app prompt",
        r"(click here to )?(get|download|install) (the|our) .{0,30}\bapp"
        r"( now| today| for free| here| on (ios|android).{0,20}| for (iphone|ipad|android|ios).{0,20})?",
    ),
    (
        "subscription prompt",
        r"(subscribe|sign up|register)( now| today| here| for free)?( to .{0,60}| for (our|the|free) .{0,60})?|"
        r"(get|receive|sign up (for|to)|subscribe to|want) .{0,50}\bnewsletters?( .{0,60})?|"
        r"(\w+ ){0,3}newsletters?( sign ?up)?|"
        r"become a (member|subscriber).{0,40}|"
        r"thanks? (you )?for (signing up|subscribing).{0,40}|"
        r"there was an error processing your (subscription|request).{0,20}|"
        r"keep an eye on your inbox.{0,60}|"
        r"(get|delivered|sent) .{0,50}\b(in|to|into|straight to|right in|direct to) your inbox.{0,40}|"
        r"(enter|type) your email( address)?.{0,30}|"
        r"get (alerts|email alerts|notifications) (on|about|for) .{0,60}",
    ),
    (
        "read-more link",
        r"(read|see|show|view|load|click for|get|learn) (more|less|all|the full (story|article))"
        r"( here| below| about this| on this( story| topic)?)?|"
        r"(read|see|view) (the )?(full|whole|entire|rest of( the)?) (story|article|report)( here)?|"
        r"continue reading( below| the main story| on the next page)?|"
        r"(click|tap) here( to .{0,40}| for .{0,40})?",
    ),
    (
        "related-stories list",
        r"(related|more|recommended|popular|trending|top|latest)( \w+)? (stories|articles|news|"
        r"reads|posts|headlines|videos|coverage)|read (next|also)|you (may|might) (also )?like|"
        r"more from .{0,30}|more on (this|that) (story|topic)|"
        r"see also|also read|most (read|popular|viewed|shared)( .{0,30})?|popular on .{0,30}|"
        r"editor s picks|don t miss|explore (further|more on these topics)|recommended for you|related",
    ),
    (
        "share prompt",
        r"share( this| the)?( article| story| post| page)?( on .{0,20}| via .{0,20}| with .{0,60})?|"
        r"click to (share|email|print|tweet).{0,60}|(opens|open) in (a )?new window|"
        r"these are external links and will open in a new window|reuse this content|"
        r"(gift|give) (this )?article.{0,20}|send any friend a story|"
        r"(share|tweet|email|e mail|print|copy|copy link|link|whatsapp|facebook|twitter|x|linkedin|reddit|"
        r"pinterest|messenger|telegram|pocket|flipboard|sms|save|mail)( this)?( article| story| page| post)?"
        r"( (share|tweet|email|e mail|print|copy|copy link|link|whatsapp|facebook|twitter|x|linkedin|"
        r"reddit|pinterest|messenger|telegram|pocket|flipboard|sms|save|mail|comments?))*",
    ),
    (
        "follow prompt",
        r"follow (us|me)( on .{0,40})?|connect with us.{0,40}|like us on facebook.{0,30}|"
        r"have a (news )?tip|got a (news )?tip.{0,30}",
    ),
    (
        "comments prompt",
        r"(\d+ )?comments?( \(\d+\))?|leave a (comment|reply)|(sign|log) in to (comment|reply)|"
        r"join the (conversation|discussion)|add (a|your) comment|view comments|show comments|"
        r"comments are closed|post comment|tell us what you think.{0,30}|comment on this (story|article)",
    ),
    (
        "cookie notice",
        r".*\bcookies?\b.*\b(consent|accept|experience|browsing|privacy|preferences|"
        r"settings|personali[sz]e|partners|analytics)\b.*|.*\b(we|this (web)?site|our (web)?site) (use|uses)\b.*"
        r"\bcookies?\b.*",
    ),
    (
        "cookie notice",
        r"accept( all)?( cookies)?|reject all|manage (preferences|cookies|settings)|"
        r"cookie (settings|policy|preferences)|we value your privacy",
    ),
    (
        "advertisement",
        r"(advertisement|advertising|sponsored( content)?|ad|ads|paid (content|post|partner( content)?))"
        r"( (continue reading|story continues|scroll to continue)( below)?)?|"
        r"story continues below( advertisement)?|scroll to continue( with content)?|"
        r"article continues below( this)?( advertisement| ad)?|supported by|skip (ad|advertisement)|"
        r"(sponsored|promoted|partner) (stories|content|links)|around the web|recommended by \w+",
    ),
    (
        "reading time",
        r"(\d+ )?(min|mins|minutes?) read|(reading time|tempo de leitura|lesezeit|"
        r"temps de lecture|tiempo de lectura)( \d+ ?(min|mins|minutes?|minutos?|minuten)?)?",
    ),
    (
        # "Updated at 1:23 p.m.", "Published 3 hours ago": only date and time words may follow, so
        # "Published in 1998, the book sold millions" stays.
        "timestamp",
        r"(last |first )?(updated|published|posted|modified)( on| at)?( (\d{1,4}|a m|p m|am|pm|et|gmt|utc|"
        r"bst|est|edt|pst|pdt|cet|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|"
        r"nov\w*|dec\w*|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|today|yesterday|ago|hours?|"
        r"minutes?|mins?|days?|at|on))+",
    ),
    (
        "image credit",
        r"(photo|image|picture|photograph|video|graphic|illustration)s? (credit|courtesy|copyright|source)"
        r"( .{0,40})?|(getty images|shutterstock|istock|alamy)( .{0,20})?|"
        r"[\w ]{0,40} (via getty images|getty images|ap photo|afp photo|reuters photo)",
    ),
    (
        "site footer",
        r"(©|copyright|\(c\)) ?.{0,80}|all rights reserved.{0,40}|our standards .{0,60}|"
        r"please use the sharing tools .{0,100}|copying articles to share with others is a breach .{0,80}|"
        r"(about us|contact( us)?|privacy "
        r"(policy|notice)|terms (of use|of service|and conditions)|sitemap|careers|advertise with us)( \| .*)?",
    ),
    (
        "navigation",
        r"(home|menu|search|skip to (main )?content|back to top|sign in|log in|log out|my account|loading|"
        r"close( menu)?|open menu|toggle navigation)",
    ),
    (
        "player notice",
        r"media playback is (unsupported|not supported) on your device|your browser does not support .{0,60}|"
        r"(please )?enable javascript.{0,60}|javascript is (disabled|required).{0,60}|"
        r"listen to (this )?(article|story)( .{0,20})?",
    ),
)
_NON_WORD = re.compile(r"[^\w©]+")
_COMPILED = tuple((reason, re.compile(rf"^(?:{pattern})$")) for reason, pattern in _FURNITURE)
# All kinds in one pattern, in the same order (the first alternative that matches wins), so a line
# costs one match instead of one per kind; the per-kind patterns decide only when a match is too long.
# Patterns that scan the whole line (a cookie banner sentence) join only for a line naming a cookie.
_ANY_KIND = re.compile(
    "^(?:"
    + "|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(_FURNITURE) if not p.startswith(".*"))
    + ")$"
)
# Furniture lines are short: a cookie banner or paywall sentence may run long, the rest are a few words.
_MAX_WORDS = {
    "cookie notice": 45,
    "paywall": 30,
    "subscription prompt": 25,
    "site footer": 20,
    "image credit": 20,
}
_LONGEST_KIND = max(_MAX_WORDS.values())

# Lines that open with a furniture label and go on with a headline or a call: "READ MORE: China
# plague outbreak confirmed", "Related: 15 Amazing Images of Stars", "Sign Up: Stay on top of...".
# The label must be followed by a colon, a pipe or a chevron, which article prose never starts with.
_LABELLED: tuple[tuple[str, str], ...] = (
    ("read-more link", r"(read|see|watch|view) (more|also|next)\s*[:|»›>]"),
    (
        "related-stories list",
        r"(related|related (post|posts|story|stories|article|articles|coverage|content|reading|video)|"
        r"more|also read|recommended|trending|don'?t miss|top stories)\s*[:|»›>]",
    ),
    ("subscription prompt", r"(sign up|subscribe|newsletter|get our newsletter|join us)\s*[:!|»›>]"),
    ("image credit", r"\(?(photo|image|picture|pic|photograph|file photo|illustration)s?\s*(:|©)"),
    ("image credit", r"(image|photo) (copyright|caption|credit|source)\b"),
)
_ANY_LABEL = re.compile(
    "^(?:" + "|".join(f"(?P<l{i}>{p})" for i, (_, p) in enumerate(_LABELLED)) + ")", re.IGNORECASE
)
# A caption ends with its credit: "Protesters march in Hong Kong. (Photo by Ann Wang/Reuters)".
_ENDS_WITH_CREDIT = re.compile(
    r"\((photo|photos|image|picture|photograph|credit|file photo|foto)s?(\s+by|\s+credit|\s*:)[^()]{2,80}\)\s*$",
    re.IGNORECASE,
)
_LABELLED_MAX_WORDS = 30
_CAPTION_MAX_WORDS = 60

# Sentences that are calls to follow or contact someone, with the address: "Follow her on Twitter
# @AmyKup", "Email Tariq Malik at tmalik@space.com", "More AP NBA: https://apnews.com/NBA". A line
# made only of such sentences (and other furniture) is a contact footer, not the article.
_ADDRESS = re.compile(r"https?://\S+|www\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+|(?<!\w)@\w{2,}|\S+\.(com|org|net)\b")
# The verb must address someone (a pronoun or a capitalised name): "Contact tracing began" is news.
_CONTACT_START = re.compile(
    r"^((Follow|Email|E-mail|Reach|Contact|Write to|You can (follow|reach|email|contact)) "
    r"(us|me|him|her|them|the \w+|[A-Z][\w'’.-]*)(?![\w-])|More\b[^.:]{0,30}:|"
    r"[A-Z][\w'’.-]+( [A-Z][\w'’.-]+){0,3} (can|may) be reached)"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[\"“‘']?[A-Z0-9])")
_MULTI_SENTENCE_MAX_WORDS = 60

# Navigation menus: short Title Case section names joined by slashes, pipes, bullets, middots or
# breadcrumb chevrons ("UK, US & Canada / Science & Environment / World Blog / Tools"). Recognised by
# shape, never by a list of section names.
_NAV_SEPARATOR = re.compile(r"\s+[/|•·»›>]\s+|\s*[|•·»›]\s*")
_NAV_SLASH = re.compile(r"\s*/\s*")
_NAV_ANY_SEPARATOR = re.compile(r"[/|•·»›>]")
_NAV_CONNECTORS = frozenset({"&", "and", "of", "the", "in", "on", "for", "to", "a", "at", "with", "by", "+"})
_NAV_MIN_SEGMENTS = 3
# All-capital segments could be a dateline ("LONDON/NEW YORK/TOKYO"): need more of them.
_NAV_MIN_CAPS_SEGMENTS = 5
_NAV_MAX_SEGMENT_WORDS = 4
_NAV_WORD = re.compile(r"^[A-Z0-9][\w'’.-]*$")


@lru_cache(maxsize=32768)
def normalize_line(text: str) -> str:
    """Lower-case, punctuation dropped, whitespace collapsed: the key for comparing lines."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def line_key(text: str) -> str:
    """A short stable fingerprint of a normalised line, for counting it across an outlet's pages."""
    return hashlib.blake2b(normalize_line(text).encode("utf-8"), digest_size=8).hexdigest()


@lru_cache(maxsize=65536)
def classify_line(text: str, max_words: int = 14) -> str | None:
    """The named kind of furniture this line is, or None if it reads as article text."""
    # Cached: extraction, the furniture stage (which looks ahead over the rest of the page) and the
    # briefs ask about the same lines again.
    text = text.strip()
    key = normalize_line(text)
    if not key:
        return None
    reason = _whole_line(key, max_words)
    if reason is not None:
        return reason
    words = key.count(" ") + 1
    if words <= _LABELLED_MAX_WORDS:
        label = _ANY_LABEL.match(text)
        if label is not None and label.lastgroup is not None:
            return _LABELLED[int(label.lastgroup[1:])][0]
    if words <= _CAPTION_MAX_WORDS and _ENDS_WITH_CREDIT.search(text):
        return "image caption"
    if _NAV_ANY_SEPARATOR.search(text) and _is_navigation_menu(text):
        return "navigation menu"
    if words > _MULTI_SENTENCE_MAX_WORDS:
        return None
    if _SENTENCE_SPLIT.search(text):
        return _all_sentences_furniture(text, max_words)
    return "follow prompt" if _contact_sentence(text) else None


def _whole_line(key: str, max_words: int) -> str | None:
    words = key.count(" ") + 1
    if words > max(_LONGEST_KIND, max_words):
        return None  # an article paragraph: no kind is that long
    if "cookie" not in key:
        match = _ANY_KIND.match(key)
        if match is None or match.lastgroup is None:
            return None
        reason = _FURNITURE[int(match.lastgroup[1:])][0]
        if words <= _MAX_WORDS.get(reason, max_words):
            return reason
    for reason, pattern in _COMPILED:  # a cookie line, or too long for the kind that matched
        if words > _MAX_WORDS.get(reason, max_words):
            continue
        if pattern.match(key):
            return reason
    return None


def _contact_sentence(sentence: str) -> bool:
    return bool(_CONTACT_START.match(sentence)) and bool(_ADDRESS.search(sentence))


def _all_sentences_furniture(text: str, max_words: int) -> str | None:
    """The kind of a line of several sentences each of which is furniture on its own (None if any is
    not): "Get the latest updates right in your inbox. Subscribe to NJ.com's newsletters."."""
    sentences = [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]
    kinds: list[str] = []
    for sentence in sentences:
        key = normalize_line(sentence)
        if not key:
            continue
        kind = _whole_line(key, max_words) or ("follow prompt" if _contact_sentence(sentence) else None)
        if kind is None:
            return None
        kinds.append(kind)
    return kinds[0] if kinds else None


def _is_navigation_menu(text: str) -> bool:
    """Several short Title Case segments joined by menu separators, no sentence punctuation."""
    if re.search(r"[.!?;:](\s|$)|[()\"“”]", text):
        return False
    segments = [s for s in _NAV_SEPARATOR.split(text) if s.strip()]
    if len(segments) < _NAV_MIN_SEGMENTS:
        # Slashes written tight ("News/Sport/Weather") separate too, never inside one word pair
        # such as "and/or" (the segments must all be Title Case below).
        segments = [s for s in _NAV_SLASH.split(text) if s.strip()]
        if len(segments) < _NAV_MIN_SEGMENTS:
            return False
    all_caps = True
    for segment in segments:
        # A comma may join names inside one section ("UK, US & Canada").
        words = [w for w in re.split(r"[\s,]+", segment) if w]
        content = [w for w in words if w.casefold() not in _NAV_CONNECTORS]
        if not content or len(content) > _NAV_MAX_SEGMENT_WORDS:
            return False
        if not all(_NAV_WORD.match(w) for w in content) or all(w.isdigit() for w in content):
            return False
        all_caps = all_caps and all(w.isupper() for w in content)
    return not all_caps or len(segments) >= _NAV_MIN_CAPS_SEGMENTS
