"""Line-level helpers shared by extraction and furniture removal: a normal form for comparing lines
across pages, and the named kinds of site furniture recognisable from the words alone."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

# Each pattern must match the WHOLE short line (after normalisation), so that an article sentence
# that merely mentions a cookie or a subscription is never taken for furniture.
_FURNITURE: tuple[tuple[str, str], ...] = (
    ("summary prompt", r"no time to read|get (a|the) summary|summari[sz]e (this|the) article|tl ?;? ?dr"),
    ("previous/next link", r"(previous|next|prev|older|newer) (article|post|story|page)|(previous|next)"),
    (
        "related-stories list",
        r"(related|more|recommended|popular|trending|top|latest)( \w+)? (stories|articles|news|"
        r"reads|posts|headlines|videos)|read (more|next|also)|you (may|might) (also )?like|more from .{0,30}|"
        r"see also|also read|most read|editor s picks",
    ),
    (
        "share prompt",
        r"share( this| the)?( article| story| post)?( on .{0,20})?|follow us( on .{0,30})?|"
        r"(tweet|email|print|copy link|whatsapp|facebook|twitter|x|linkedin|reddit)( this)?",
    ),
    (
        "comments prompt",
        r"(\d+ )?comments?( \(\d+\))?|leave a (comment|reply)|(sign|log) in to (comment|reply)|"
        r"join the (conversation|discussion)|add (a|your) comment|view comments|show comments|"
        r"comments are closed|post comment",
    ),
    (
        "cookie notice",
        r".*\bcookies?\b.*\b(consent|accept|experience|browsing|privacy|preferences|"
        r"settings|personali[sz]e|partners|analytics)\b.*|.*\b(we|this (web)?site|our (web)?site) (use|uses)\b.*"
        r"\bcookies?\b.*|accept( all)?( cookies)?|reject all|manage (preferences|"
        r"cookies|settings)|cookie (settings|policy|preferences)|we value your privacy",
    ),
    (
        "subscription prompt",
        r"(subscribe|sign up|register)( now| today| for free)?( to .{0,60})?|"
        r"(get|receive) (our|the) .{0,30}newsletter.{0,40}|newsletter( sign ?up)?|already a subscriber.{0,30}|"
        r"support (our|independent) journalism.{0,60}|become a (member|subscriber).{0,40}",
    ),
    (
        "advertisement",
        r"advertisement|advertising|sponsored( content)?|ad|ads|story continues below( advertisement)?|"
        r"scroll to continue( with content)?|continue reading( below)?",
    ),
    (
        "site footer",
        r"(©|copyright|\(c\)) ?.{0,80}|all rights reserved.{0,40}|(about us|contact( us)?|privacy "
        r"(policy|notice)|terms (of use|of service|and conditions)|sitemap|careers|advertise with us)( \| .*)?",
    ),
    (
        "navigation",
        r"(home|menu|search|skip to (main )?content|back to top|sign in|log in|log out|my account)",
    ),
)
_NON_WORD = re.compile(r"[^\w©]+")
_COMPILED = tuple((reason, re.compile(rf"^(?:{pattern})$")) for reason, pattern in _FURNITURE)
# Furniture lines are short: a cookie banner sentence may run long, the rest are a few words.
_MAX_WORDS = {"cookie notice": 45, "subscription prompt": 20, "site footer": 20}


@lru_cache(maxsize=32768)
def normalize_line(text: str) -> str:
    """Lower-case, punctuation dropped, whitespace collapsed: the key for comparing lines."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def line_key(text: str) -> str:
    """A short stable fingerprint of a normalised line, for counting it across an outlet's pages."""
    return hashlib.blake2b(normalize_line(text).encode("utf-8"), digest_size=8).hexdigest()


def classify_line(text: str, max_words: int = 14) -> str | None:
    """The named kind of furniture this line is, or None if it reads as article text."""
    key = normalize_line(text)
    if not key:
        return None
    words = len(key.split())
    for reason, pattern in _COMPILED:
        if words > _MAX_WORDS.get(reason, max_words):
            continue
        if pattern.match(key):
            return reason
    return None
