"""One parser for every URL storyline fetches or stores: :func:`parse_url`.

A URL given by the user, found in a feed or a JSON Lines record, or sent back by a server in a
``Location`` header is read here once, the way a browser reads it (the WHATWG URL standard), and
rebuilt in one canonical form: the host lowercased and IDNA-encoded, an IPv4 address in any of its
legacy spellings (``0177.0.0.1``, ``127.000.000.001``, ``0x7f.1``, ``2130706433``, ``①②⑦.0.0.1``)
written as the dotted quad it means, an IPv6 address compressed, a default port dropped. Everything
after it (the address check, the HTTP client, the store) sees only that form, so no two parsers can
disagree about which host a URL names, and the private-address check judges the address the
connection really goes to. A URL that cannot be read is :class:`BadUrl`, a skip of that URL alone.

The standard library splits URLs by RFC 3986, which differs from browsers exactly where attackers
aim: it reads ``http:\\\\host`` as a path, ``http://evil\\@127.0.0.1/`` as host 127.0.0.1, and knows
no IPv4 form but the dotted quad (``ipaddress`` refuses the rest; ``inet_aton`` accepts them but also
trailing junk, and differs between C libraries). So the authority is split and the IPv4 forms parsed
here by hand, following the standard's steps; ``idna`` maps and encodes names (UTS 46, IDNA 2008),
``ipaddress`` parses IPv6 and serialises both families.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import idna

from storyline.errors import BadUrl, Forbidden
from storyline.safe_text import visible

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What the standard strips from both ends of a URL, and removes wherever it is.
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
# Code points no host may hold (the standard's forbidden domain code points).
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
# Characters httpx refuses in a URL (non-printable ASCII), percent-encoded in the path instead.
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f]")
# httpx's own limit on a URL's length; DNS's on a name and on one label.
_MAX_URL = 65536
_MAX_NAME = 253
_MAX_LABEL = 63
_IPV4_DIGITS = {10: re.compile(r"[0-9]*"), 8: re.compile(r"[0-7]*"), 16: re.compile(r"[0-9A-Fa-f]*")}


@dataclass(frozen=True, slots=True)
class Url:
    """An http(s) URL in canonical form; :attr:`text` is what is fetched and stored."""

    scheme: str
    host: str  # a lowercase A-label name, a dotted-quad IPv4 address, or [IPv6]
    port: int | None  # None for the scheme's default
    rest: str  # path (from its "/"), query and fragment
    userinfo: str = ""
    address: IPAddress | None = None  # the host, when it is an address

    @property
    def origin(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{self.host}{port}"

    @property
    def text(self) -> str:
        user = f"{self.userinfo}@" if self.userinfo else ""
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{user}{self.host}{port}{self.rest}"


def is_url(text: str) -> bool:
    """Whether ``text`` is meant as an http(s) URL (never raises, whatever the text)."""
    match = _SCHEME.match(text.lstrip(_C0_OR_SPACE))
    return match is not None and match.group()[:-1].lower() in _DEFAULT_PORTS


def parse_url(text: str) -> Url:
    """``text`` read as a browser reads it, in canonical form; :class:`BadUrl` when it is no URL,
    :class:`Forbidden` when its scheme is not http or https."""
    cleaned = _TAB_OR_NEWLINE.sub("", text.strip(_C0_OR_SPACE))
    shown = _shown(text)
    if len(cleaned) > _MAX_URL:
        raise BadUrl(f"{shown} is longer than {_MAX_URL} characters", remedy="check the URL")
    match = _SCHEME.match(cleaned)
    if match is None:
        raise BadUrl(f"{shown} is not a URL (no scheme)", remedy="give an http:// or https:// URL")
    scheme = match.group()[:-1].lower()
    if scheme not in _DEFAULT_PORTS:
        raise Forbidden(f"refusing to fetch {shown}: only http and https are fetched")
    # The standard skips any run of slashes and backslashes after an http(s) scheme, and the
    # authority ends at the first slash, backslash, ? or #.
    after = cleaned[match.end() :].lstrip("/\\")
    end = next((i for i, char in enumerate(after) if char in "/\\?#"), len(after))
    authority, rest = after[:end], after[end:]
    userinfo, _, host_port = authority.rpartition("@")
    host_text, port_text = _split_port(host_port, shown)
    host, address = _host(host_text, shown)
    return Url(
        scheme=scheme,
        host=host,
        port=_port(port_text, scheme, shown),
        rest=_rest(rest),
        userinfo=_UNPRINTABLE.sub(_percent, userinfo),
        address=address,
    )


def join_url(base: Url, reference: str) -> Url:
    """``reference`` (a ``Location`` header, a link) resolved against ``base``; :class:`BadUrl`
    when the result is no URL."""
    cleaned = _TAB_OR_NEWLINE.sub("", reference.strip(_C0_OR_SPACE))
    if _SCHEME.match(cleaned):
        return parse_url(cleaned)
    if cleaned[:2] in ("//", "\\\\", "/\\", "\\/"):  # scheme-relative, backslashes read as slashes
        return parse_url(f"{base.scheme}:{cleaned}")
    try:
        joined = urljoin(base.text, _rest(cleaned, lead=False))
    except ValueError as exc:
        raise BadUrl(f"{_shown(reference)} cannot be read as a URL: {exc}", remedy="check the URL") from exc
    return parse_url(joined)


def stored_url(value: str) -> str:
    """A document's own address as it is stored: an http(s) URL in canonical form (:class:`BadUrl`
    when malformed); any other value as given once it splits, since every reader after this one
    splits it (a value urllib cannot split would fail each of them)."""
    if is_url(value):
        return parse_url(value).text
    try:
        urlsplit(value if "://" in value else f"http://{value}")
    except ValueError as exc:
        raise BadUrl(f"{_shown(value)} cannot be read as a URL: {exc}", remedy="check the URL") from exc
    return value


def _shown(text: str) -> str:
    """A URL quoted in a message: short, every character a terminal would act on escaped."""
    return "'" + visible(text if len(text) <= 200 else text[:200] + "…") + "'"


def _split_port(host_port: str, shown: str) -> tuple[str, str]:
    if host_port.startswith("["):
        close = host_port.find("]")
        if close < 0:
            raise BadUrl(f"{shown} has an IPv6 address with no closing ]", remedy="check the URL")
        after = host_port[close + 1 :]
        if after and not after.startswith(":"):
            raise BadUrl(f"{shown} has text after its IPv6 address", remedy="check the URL")
        return host_port[: close + 1], after[1:]
    host, _, port = host_port.partition(":")
    return host, port


def _port(text: str, scheme: str, shown: str) -> int | None:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise BadUrl(f"{shown} has port {visible(text)!r}, not a port (1 to 65535)", remedy="check the URL")
    port = int(text)
    return None if port == _DEFAULT_PORTS[scheme] else port


def _host(text: str, shown: str) -> tuple[str, IPAddress | None]:
    """The canonical host and, for an address, the address."""
    if not text:
        raise BadUrl(f"{shown} has no host", remedy="check the URL")
    if text.startswith("["):
        try:
            # A zone (fe80::1%eth0) arrives percent-encoded as %25.
            address = ipaddress.IPv6Address(unquote(text[1:-1], errors="strict"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadUrl(f"{shown} has a malformed IPv6 address: {exc}", remedy="check the URL") from exc
        return f"[{str(address).replace('%', '%25')}]", address
    try:
        # UTS 46 mapping: case, fullwidth and circled digits, ideographic full stops.
        mapped = idna.uts46_remap(unquote(text, errors="strict"), std3_rules=False, transitional=False)
    except (UnicodeDecodeError, idna.IDNAError) as exc:
        raise BadUrl(f"{shown} has a malformed host: {exc}", remedy="check the URL") from exc
    if _FORBIDDEN_HOST.search(mapped):
        raise BadUrl(f"{shown} has a character no host may hold", remedy="check the URL")
    labels = mapped.split(".")
    trailing_dot = len(labels) > 1 and labels[-1] == ""
    if trailing_dot:
        labels.pop()
    if _ends_in_number(labels[-1]):
        ipv4 = _ipv4(labels)
        if ipv4 is None:
            raise BadUrl(f"{shown} has a host that is not a valid IPv4 address", remedy="check the URL")
        return str(ipv4), ipv4
    encoded = [_label(label, shown) for label in labels]
    name = ".".join(encoded)
    if len(name) > _MAX_NAME:
        raise BadUrl(f"{shown} has a host name over {_MAX_NAME} characters", remedy="check the URL")
    return name + ("." if trailing_dot else ""), None


def _label(label: str, shown: str) -> str:
    """One label of a name as an A-label. Only labels that are not plain ASCII go through IDNA:
    IDNA 2008 refuses characters such as ``_`` that browsers and DNS accept in ASCII labels."""
    if not label:
        raise BadUrl(f"{shown} has an empty label in its host", remedy="check the URL")
    try:
        if label.startswith("xn--"):
            idna.ulabel(label)  # an A-label must decode (``xn--`` alone does not)
        elif not label.isascii():
            label = idna.alabel(label).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise BadUrl(f"{shown} has a malformed host label: {exc}", remedy="check the URL") from exc
    if len(label) > _MAX_LABEL:
        raise BadUrl(f"{shown} has a host label over {_MAX_LABEL} characters", remedy="check the URL")
    return label


def _ends_in_number(label: str) -> bool:
    """The standard's test for a host that must be read as an IPv4 address."""
    if label and label.isascii() and label.isdigit():
        return True
    return _ipv4_number(label) is not None and label[:2].lower() == "0x"


def _ipv4_number(part: str) -> int | None:
    """One part of an IPv4 host: decimal, octal (leading 0) or hex (0x); None if it is none of them."""
    radix = 10
    if part[:2].lower() == "0x":
        radix, part = 16, part[2:]
    elif len(part) > 1 and part.startswith("0"):
        radix, part = 8, part[1:]
    if not _IPV4_DIGITS[radix].fullmatch(part):  # int() would also take "_", "+" and spaces
        return None
    return int(part, radix) if part else 0


def _ipv4(labels: list[str]) -> ipaddress.IPv4Address | None:
    """The standard's IPv4 parser: one to four parts, the last filling the bytes that are left."""
    if len(labels) > 4 or "" in labels:
        return None
    numbers = [_ipv4_number(label) for label in labels]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    address = values[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(values[:-1]))
    return ipaddress.IPv4Address(address)


def _rest(rest: str, lead: bool = True) -> str:
    """Path, query and fragment: backslashes in the path read as slashes (as the standard does for
    http), and characters httpx refuses percent-encoded."""
    cut = next((i for i, char in enumerate(rest) if char in "?#"), len(rest))
    path = rest[:cut].replace("\\", "/")
    if lead and not path.startswith("/"):
        path = "/" + path
    return _UNPRINTABLE.sub(_percent, path + rest[cut:])


def _percent(match: re.Match[str]) -> str:
    return f"%{ord(match.group()):02X}"
