"""Polite HTTP: timeouts and an overall deadline, a size cap, a User-Agent, robots.txt, and no private
or loopback addresses unless the user allows them (a news page must not be able to make us probe the
local network).

The address policy is enforced where the connection is made: a host name is resolved once, every
address it resolves to is checked, and the socket connects to a checked address. A separate check
before connecting would resolve the name twice, and a rebinding DNS server can answer the check with a
public address and the connection with 127.0.0.1. The URL's host still goes in the Host header and in
TLS SNI (and certificates are verified against it); only the address is pinned.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore
import httpx

from storyline.config import FetchConfig
from storyline.errors import (
    BadUrl,
    ConfigError,
    DeadlineExceeded,
    FetchError,
    Forbidden,
    Stopped,
    TooLarge,
    UnsupportedInput,
)
from storyline.model import RawDocument, SourceKind
from storyline.urls import IPAddress, Url, is_url, join_url, parse_url

__all__ = ["AddressPolicy", "Fetcher", "is_url", "non_public_reason", "parse_url"]

# Prefixes whose low 32 bits are an IPv4 address a packet may end up at: NAT64's well-known prefix,
# IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks) and IPv4-translated (SIIT).
# IPv4-mapped, 6to4 and Teredo have their own accessors in ipaddress.
_EMBEDDING_PREFIXES = tuple(
    ipaddress.IPv6Network(prefix) for prefix in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96")
)
# Refused whole: local-use NAT64 (RFC 8215) leads into the operator's own network, wherever in the
# address the IPv4 part sits. Python's is_global (3.11) calls it global.
_LOCAL_PREFIXES = (ipaddress.IPv6Network("64:ff9b:1::/48"),)
# Only these content encodings are asked for and inflated, each with an output bound (brotli and zstd
# decoders inflate a whole chunk at once, so one small chunk can be a bomb).
_ACCEPT_ENCODING = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": 32 + zlib.MAX_WBITS}
# With a cancel event, a read waits at most this long at once before looking at it: a stop signal
# is honoured within about a second even while a server sends nothing for the whole timeout.
_CANCEL_SLICE_S = 0.5


def non_public_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched from (it, or an IPv4 address embedded in it, is not
    global), or None when it is a public address."""
    if not address.is_global:
        return f"{address} is not a public address"
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in prefix for prefix in _LOCAL_PREFIXES):
            return f"{address} is a local-use NAT64 address"
        for embedded in _embedded_ipv4(address):
            if not embedded.is_global:
                return f"{address} embeds the non-public IPv4 address {embedded}"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> Iterator[ipaddress.IPv4Address]:
    if address.ipv4_mapped is not None:
        yield address.ipv4_mapped
    if address.sixtofour is not None:
        yield address.sixtofour
    if address.teredo is not None:
        yield from address.teredo  # (server, client), the client already de-obfuscated
    for prefix in _EMBEDDING_PREFIXES:
        if address in prefix:
            yield ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def _parse_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return None


# Link-local and cloud metadata addresses: the instance metadata services of AWS, GCP and Azure
# (169.254.169.254, AWS's fd00:ec2::254), Alibaba's (100.100.100.200) and the rest of both link-local
# ranges. They hand out a machine's credentials to whoever asks from the machine, so they are refused
# even with allow_private, unless named one by one with --allow-address.
_METADATA = tuple(
    ipaddress.ip_network(net)
    for net in ("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128", "100.100.100.200/32")
)
_PRIVATE_REMEDY = "pass --allow-private to fetch from your own network, or --allow-address for one address"


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be fetched from: public ones; private ones with ``allow_private``; a
    link-local or metadata address only when one of ``allowed`` holds it (as does any address)."""

    allow_private: bool = False
    allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def of(cls, config: FetchConfig) -> AddressPolicy:
        allowed = []
        for text in config.allow_addresses:
            try:
                allowed.append(ipaddress.ip_network(text.strip(), strict=False))
            except ValueError as exc:
                raise ConfigError(
                    f"--allow-address {text!r} is not an IP address or network",
                    remedy="give one like 169.254.169.254, 10.0.0.5 or fd00::/8",
                ) from exc
        return cls(config.allow_private, tuple(allowed))

    def refusal(self, address: IPAddress) -> tuple[str, str] | None:
        """(why, what to do) when ``address`` must not be fetched from, else None."""
        plain = _unscoped(address)
        if any(plain in net for net in self.allowed):
            return None
        for candidate in (
            plain,
            *(_embedded_ipv4(plain) if isinstance(plain, ipaddress.IPv6Address) else ()),
        ):
            if any(candidate in net for net in _METADATA):
                return (
                    f"{address} is a link-local or cloud metadata address",
                    f"refused even with --allow-private; pass --allow-address {candidate} if you mean it",
                )
        if self.allow_private:
            return None
        reason = non_public_reason(plain)
        return (reason, _PRIVATE_REMEDY) if reason is not None else None


def _unscoped(address: IPAddress) -> IPAddress:
    """``address`` without an IPv6 zone (fe80::1%eth0), which ``in`` a network would not ignore
    everywhere."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return ipaddress.IPv6Address(str(address).split("%", 1)[0])
    return address


def _check_address(url: Url, policy: AddressPolicy) -> None:
    """Refuse a URL whose host is a literal address the policy refuses, before any request. Names
    are checked where they are resolved, in :class:`_PinnedBackend`."""
    if url.address is None:
        return
    refusal = policy.refusal(url.address)
    if refusal is not None:
        raise Forbidden(f"refusing to fetch {url.text}: {refusal[0]}", remedy=refusal[1])


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait is cut to what is left of the current document's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: _PinnedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._backend.cancel is None:
            return self._inner.read(max_bytes, self._backend.wait(timeout, httpcore.ReadTimeout))
        # In slices, the cancel event looked at between them; a timed-out recv consumed nothing, so
        # the read is simply made again until the whole timeout (or the deadline) has passed.
        until = None if timeout is None else time.monotonic() + timeout
        while True:
            self._backend.check_cancel()
            left = None if until is None else until - time.monotonic()
            if left is not None and left <= 0:
                raise httpcore.ReadTimeout("timed out")
            wait = self._backend.wait(left, httpcore.ReadTimeout)
            try:
                return self._inner.read(max_bytes, min(wait, _CANCEL_SLICE_S))
            except httpcore.ReadTimeout:
                if wait <= _CANCEL_SLICE_S:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.wait(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # server_hostname is the URL's host (httpcore passes it), so SNI and certificate checks are
        # against the name even though the socket went to a pinned address.
        wait = self._backend.wait(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait), self._backend)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Resolves a host once, refuses it if any address is not public, connects to a checked address,
    and bounds every wait by the deadline of the document being fetched."""

    def __init__(self, policy: AddressPolicy, cancel: threading.Event | None = None) -> None:
        self._policy = policy
        self._sync = httpcore.SyncBackend()
        self.deadline = float("inf")
        self.cancel = cancel

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Stopped("the fetch was stopped")

    def wait(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the document's overall deadline has passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        self.check_cancel()
        addresses = self._resolve(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._sync.connect_tcp(
                    str(address),
                    port,
                    timeout=self.wait(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _DeadlineStream(stream, self)
        assert last is not None  # _resolve returns at least one address
        raise last

    def _resolve(self, host: str, port: int) -> list[IPAddress]:
        literal = _parse_address(host.strip("[]"))
        if literal is not None:
            addresses = [literal]
        else:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
            found = (_parse_address(str(info[4][0])) for info in infos)
            addresses = list(dict.fromkeys(a for a in found if a is not None))
            if not addresses:
                raise httpcore.ConnectError(f"{host!r} resolves to no address")
        # Every answer is checked, not only the one used: a name that answers with a public and a
        # private address is refused as a whole.
        for address in addresses:
            refusal = self._policy.refusal(address)
            if refusal is not None:
                raise Forbidden(f"refusing to connect to {host}: {refusal[0]}", remedy=refusal[1])
        return addresses

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport on a connection pool that connects through :class:`_PinnedBackend`.

    httpx has no public hook for httpcore's ``network_backend``, so the pool it builds is replaced by
    one built the same way with the backend set (no proxy: a proxy would do its own DNS).
    """

    def __init__(self, backend: _PinnedBackend) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=backend)


class Fetcher:
    """One HTTP client, a robots.txt cache per host, every request capped in time and size. With
    ``cancel``, a fetch under way raises :class:`Stopped` within a second of it being set (a
    watcher told to stop), however slowly the server answers."""

    def __init__(
        self,
        config: FetchConfig,
        transport: httpx.BaseTransport | None = None,
        cancel: threading.Event | None = None,
        robots: dict[str, object] | None = None,
    ) -> None:
        self.config = config
        self.policy = AddressPolicy.of(config)
        self._backend = _PinnedBackend(self.policy, cancel)
        # Requests go straight to the transport, not through httpx.Client: the client parses every
        # Location header into its next request even when not following redirects, and a malformed
        # one (``http://xn--/``) raises there, before the response reaches us. Redirects are
        # followed here, each Location read by parse_url.
        self._transport = transport or _PinnedTransport(self._backend)
        self._headers = {
            "User-Agent": config.user_agent,
            "Accept": "*/*",
            "Accept-Encoding": _ACCEPT_ENCODING,
        }
        self._timeout = httpx.Timeout(config.timeout_s).as_dict()
        # Shared by the fetchers of one watcher (``robots``): each host's robots.txt read once.
        self.robots: dict[str, object] = {} if robots is None else robots

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> RawDocument:
        """GET ``url`` following redirects by hand, so every hop is checked against the address policy,
        all of it (robots.txt and redirects included) within ``deadline_s``."""
        self._backend.deadline = time.monotonic() + self.config.deadline_s
        try:
            return self._fetch(url)
        finally:
            self._backend.deadline = float("inf")

    def fetch_if_changed(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> tuple[RawDocument | None, dict[str, str]]:
        """A conditional GET (a watched feed): None and the response headers when the server answers
        304 Not Modified to the validators it gave last time; else the document and its headers."""
        conditions = {"If-None-Match": etag} if etag else {}
        if last_modified:
            conditions["If-Modified-Since"] = last_modified
        self._backend.deadline = time.monotonic() + self.config.deadline_s
        try:
            return self._fetch_with(url, conditions)
        finally:
            self._backend.deadline = float("inf")

    def _fetch(self, url: str) -> RawDocument:
        document, _ = self._fetch_with(url, {})
        assert document is not None  # no validators were sent, so no 304
        return document

    def _fetch_with(self, url: str, conditions: dict[str, str]) -> tuple[RawDocument | None, dict[str, str]]:
        current = parse_url(url)
        for _ in range(self.config.max_redirects + 1):
            _check_address(current, self.policy)
            if self.config.respect_robots and not self._allowed(current):
                raise Forbidden(
                    f"robots.txt of {current.origin} disallows {current.text}",
                    remedy="storyline honours robots.txt; save the page by hand if you have the right to",
                )
            status, headers, body = self._get(current.text, conditions)
            if status in (301, 302, 303, 307, 308) and "location" in headers:
                current = _redirect(current, headers["location"])
                continue
            if status == 304 and conditions:
                return None, headers
            if status >= 400 or status == 304:
                raise FetchError(
                    f"HTTP {status} for {current.text}", remedy="check the URL or try again later"
                )
            content_type = headers.get("content-type")
            document = RawDocument(
                locator=url,
                kind=SourceKind.URL,
                content=body,
                fetched_at=datetime.now(UTC),
                url=current.text,
                content_type=content_type,
            )
            return document, headers
        raise FetchError(f"too many redirects from {url}", remedy="check the URL in a browser")

    def _get(self, url: str, conditions: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        limit = self.config.max_bytes
        try:
            request = httpx.Request(
                "GET",
                url,
                headers={**self._headers, **(conditions or {})},
                extensions={"timeout": self._timeout},
            )
            response = self._transport.handle_request(request)
            try:
                declared = response.headers.get("content-length")
                encoding = response.headers.get("content-encoding", "").strip().lower()
                if declared and declared.isdigit() and int(declared) > limit and not encoding:
                    raise TooLarge(
                        f"{url} is {declared} bytes, over the {limit}-byte cap", remedy="raise --max-bytes"
                    )
                body = _read_body(response.iter_raw(), encoding, limit, url)
                headers = {k.lower(): v for k, v in response.headers.items()}
                return response.status_code, headers, body
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            if self._backend.deadline <= time.monotonic():
                raise DeadlineExceeded(
                    f"{url} took longer than the {self.config.deadline_s:g} s deadline",
                    remedy="try again later or raise FetchConfig.deadline_s",
                ) from exc
            raise FetchError(
                f"timed out fetching {url}", remedy="try again later or raise the timeout"
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}", remedy="check the URL and the network") from exc
        except httpx.InvalidURL as exc:  # parse_url's canonical form should never get here
            raise BadUrl(f"cannot fetch {url}: {exc}", remedy="check the URL") from exc

    def _allowed(self, url: Url) -> bool:
        from protego import Protego

        root = url.origin
        parser = self.robots.get(root)
        if parser is None:
            try:
                status, _, body = self._get(root + "/robots.txt")
            except DeadlineExceeded:
                raise
            except (FetchError, TooLarge, UnsupportedInput):
                status, body = 404, b""
            text = body.decode("utf-8", "replace") if status == 200 else ""
            parser = Protego.parse(text)
            self.robots[root] = parser
        return bool(parser.can_fetch(url.text, self.config.user_agent))  # type: ignore[attr-defined]


def _redirect(current: Url, location: str) -> Url:
    """Where a redirect leads; a malformed ``Location`` is a skip of this document, named."""
    try:
        return join_url(current, location)
    except BadUrl as exc:
        raise BadUrl(
            f"{current.text} redirects to a malformed address: {exc.message}", remedy=exc.remedy
        ) from exc


def _read_body(chunks: Iterator[bytes], encoding: str, limit: int, url: str) -> bytes:
    """The body, inflated if gzip/deflate, refused past ``limit`` bytes before more is held."""
    too_large = TooLarge(f"{url} is over the {limit}-byte cap", remedy="raise --max-bytes")
    if encoding in ("", "identity"):
        inflate = None
    elif encoding in _WBITS:
        inflate = zlib.decompressobj(_WBITS[encoding])
    else:
        raise UnsupportedInput(
            f"{url} came with content encoding {encoding!r}, which is not read",
            remedy="only gzip and deflate are asked for; the server ignored that",
        )
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in chunks:
            # max_length bounds the output of one call: a small chunk of a bomb cannot inflate past
            # the room left (and output left unread means the body is over the cap).
            data = inflate.decompress(chunk, limit - size + 1) if inflate is not None else chunk
            size += len(data)
            if size > limit:
                raise too_large
            parts.append(data)
        if inflate is not None:
            tail = inflate.flush()
            size += len(tail)
            if size > limit:
                raise too_large
            parts.append(tail)
    except zlib.error as exc:
        raise FetchError(f"corrupt {encoding} body from {url}: {exc}", remedy="try again later") from exc
    return b"".join(parts)
