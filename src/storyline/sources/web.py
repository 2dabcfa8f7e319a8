"""Polite HTTP: timeouts, a size cap, a User-Agent, robots.txt, and no private or loopback addresses
unless the user allows them (a news page must not be able to make us probe the local network)."""

from __future__ import annotations

import ipaddress
import socket
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.config import FetchConfig
from storyline.errors import FetchError, Forbidden, TooLarge
from storyline.model import RawDocument, SourceKind


def is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


def _check_address(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Forbidden(f"refusing to fetch {url!r}: only http and https are fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"no host in URL {url!r}", remedy="check the URL")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as exc:
        raise FetchError(
            f"cannot resolve {host!r}: {exc}", remedy="check the host name and the network"
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise Forbidden(
                f"refusing to fetch {url!r}: {host} resolves to a non-public address ({address})",
                remedy="pass --allow-private to fetch from your own network",
            )


class Fetcher:
    """One HTTP client, a robots.txt cache per host, every request capped in time and size."""

    def __init__(self, config: FetchConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._client = httpx.Client(
            headers={"User-Agent": config.user_agent},
            timeout=config.timeout_s,
            follow_redirects=False,
            transport=transport,
        )
        self._robots: dict[str, object] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> RawDocument:
        """GET ``url`` following redirects by hand, so every hop is checked against the address policy."""
        current = url
        for _ in range(self.config.max_redirects + 1):
            _check_address(current, self.config.allow_private)
            if self.config.respect_robots and not self._allowed(current):
                raise Forbidden(
                    f"robots.txt of {urlsplit(current).netloc} disallows {current}",
                    remedy="storyline honours robots.txt; save the page by hand if you have the right to",
                )
            status, headers, body = self._get(current)
            if status in (301, 302, 303, 307, 308) and "location" in headers:
                current = urljoin(current, headers["location"])
                continue
            if status >= 400:
                raise FetchError(f"HTTP {status} for {current}", remedy="check the URL or try again later")
            content_type = headers.get("content-type")
            return RawDocument(
                locator=url,
                kind=SourceKind.URL,
                content=body,
                fetched_at=datetime.now(UTC),
                url=current,
                content_type=content_type,
            )
        raise FetchError(f"too many redirects from {url}", remedy="check the URL in a browser")

    def _get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        limit = self.config.max_bytes
        try:
            with self._client.stream("GET", url) as response:
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise TooLarge(
                        f"{url} is {declared} bytes, over the {limit}-byte cap", remedy="raise --max-bytes"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"{url} is over the {limit}-byte cap", remedy="raise --max-bytes")
                    chunks.append(chunk)
                headers = {k.lower(): v for k, v in response.headers.items()}
                return response.status_code, headers, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"timed out fetching {url}", remedy="try again later or raise the timeout"
            ) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}", remedy="check the URL and the network") from exc

    def _allowed(self, url: str) -> bool:
        from protego import Protego

        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(root)
        if parser is None:
            try:
                status, _, body = self._get(root + "/robots.txt")
            except FetchError:
                status, body = 404, b""
            text = body.decode("utf-8", "replace") if status == 200 else ""
            parser = Protego.parse(text)
            self._robots[root] = parser
        return bool(parser.can_fetch(url, self.config.user_agent))  # type: ignore[attr-defined]
