"""A deliberately unkind HTTP server for the fetching tests, run as its own process on 127.0.0.1.

    python tests/hostile/hostile_server.py [DRIP_SECONDS [CERT.pem KEY.pem]]

(with a certificate and key it speaks HTTPS) prints the port it listens on, then serves until killed:

- ``/drip``: promises a 100 KB page and sends one byte every DRIP_SECONDS (never trips a per-read
  timeout, so only an overall deadline ends it);
- ``/echo-host``: an article whose text is the Host header it received (a pinned connection must
  still send the URL's host);
- ``/gzip-bomb``: a page sent with ``Content-Encoding: gzip`` that inflates to 64 MiB (64 KB sent);
- ``/hits``: how many requests it has had, so a test can prove no request reached it;
- ``/article/TOPIC``: a distinct article about TOPIC;
- ``/redirect?to=LOCATION``: a 302 whose ``Location`` is LOCATION percent-decoded, sent as raw bytes
  (malformed, or with control and bidi characters, as a hostile server sends it);
- ``/bad-links-feed``: an RSS feed of teasers whose links are good, malformed (``xn--``, ``[::1``),
  loopback in legacy spellings (``0177.0.0.1``, ``①②⑦.0.0.1``) and the cloud metadata address;
- ``/big-feed/N/SIZE``: an RSS feed of N teasers, each linking to ``/big-page/I/SIZE``;
- ``/big-page/I/SIZE``: a distinct short article padded to SIZE bytes with an inline script (what a
  page heavy with scripts and embedded data looks like to a reader);
- ``/slow-article/TOPIC``: ``/article/TOPIC`` answered after half a second;
- ``/slow-feed/N/SECONDS``: an RSS feed of N teasers, each linking to ``/slow-page/I/SECONDS``;
- ``/slow-page/I/SECONDS``: a distinct short article answered after SECONDS;
- ``/hosts-feed?hosts=A,B&n=N``: an RSS feed of N teasers per host, linking to
  ``http://HOST:PORT/slow-article/...``, the hosts taking turns;
- ``/drip-feed``: an RSS feed of one teaser linking to ``/drip``;
- ``/log``: every request so far, one ``TIME HOST PATH`` line each (TIME: the server's clock when
  the request arrived), so a test can see which were in flight together and each host's gaps;
- anything else: 404.
"""

from __future__ import annotations

import gzip
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_to_bytes, urlsplit

HITS = 0
LOG: list[str] = []
DRIP_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        global HITS
        if self.path != "/hits":
            HITS += 1
        if self.path != "/log":
            LOG.append(f"{time.monotonic():.3f} {self.headers.get('Host', '')} {self.path}")
        if self.path == "/drip":
            self._drip()
        elif self.path == "/echo-host":
            host = self.headers.get("Host", "")
            text = "".join(
                f"<p>{line}</p>"
                for line in (
                    f"The request arrived for the host {host} on a quiet evening in the harbour town.",
                    "Officials said the server answered every question in full and without delay.",
                    "Residents who watched the exchange described it as orderly and entirely routine.",
                    "The council will publish a short report on the matter early next week, they said.",
                )
            )
            self._send(
                f"<html><head><title>Host {host}</title></head><body><article>{text}</article></body></html>"
            )
        elif self.path == "/gzip-bomb":
            body = gzip.compress(b"<html><body><p>" + b" " * (64 * 1024 * 1024), compresslevel=9)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/hits":
            self._send(str(HITS), "text/plain")
        elif self.path.startswith("/article/"):
            self._send(article(self.path.removeprefix("/article/")))
        elif self.path.startswith("/redirect?"):
            query = urlsplit(self.path).query
            target = unquote_to_bytes(query.removeprefix("to=")) if query.startswith("to=") else b"/"
            self.send_response(302)
            self.send_header("Location", target.decode("latin-1"))  # the bytes as they came
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/slow-article/"):
            time.sleep(0.5)
            self._send(article(self.path.removeprefix("/slow-article/")))
        elif self.path.startswith("/hosts-feed?"):
            query = dict(part.split("=", 1) for part in urlsplit(self.path).query.split("&"))
            hosts, count = query["hosts"].split(","), int(query["n"])
            self._send(hosts_feed(self.server.server_address[1], hosts, count), "application/rss+xml")
        elif self.path == "/drip-feed":
            link = f"http://127.0.0.1:{self.server.server_address[1]}/drip"
            self._send(teaser_feed([link]), "application/rss+xml")
        elif self.path == "/log":
            self._send("\n".join(LOG), "text/plain")
        elif self.path.startswith("/big-feed/"):
            count, size = (int(part) for part in self.path.split("/")[2:4])
            self._send(big_feed(self.server.server_address[1], count, size), "application/rss+xml")
        elif self.path.startswith("/slow-feed/"):
            count, delay = self.path.split("/")[2:4]
            port = self.server.server_address[1]
            links = [f"http://127.0.0.1:{port}/slow-page/{n}/{delay}" for n in range(int(count))]
            self._send(teaser_feed(links), "application/rss+xml")
        elif self.path.startswith("/slow-page/"):
            number, delay = self.path.split("/")[2:4]
            time.sleep(float(delay))
            self._send(big_page(int(number), 0))
        elif self.path.startswith("/big-page/"):
            number, size = (int(part) for part in self.path.split("/")[2:4])
            self._send(big_page(number, size))
        elif self.path == "/bad-links-feed":
            self._send(bad_links_feed(self.server.server_address[1]), "application/rss+xml")
        else:
            self._send("not here", "text/plain", status=404)

    def _send(self, text: str, content_type: str = "text/html; charset=utf-8", status: int = 200) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100_000):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(DRIP_SECONDS)
        except OSError:
            return  # the client gave up, as it should


def article(topic: str) -> str:
    text = "".join(
        f"<p>{line}</p>"
        for line in (
            f"The {topic} reopened to the public on Monday after eighteen months of careful repairs.",
            "Officials said the work finished on time and within the budget the council had set.",
            "Residents who gathered for the opening described the day as orderly and cheerful.",
            "The council will publish a short report on the repairs early next week, they said.",
        )
    )
    return (
        f"<html><head><title>The {topic} reopens</title></head><body><article>{text}</article></body></html>"
    )


def teaser_feed(links: list[str]) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><link>{link}</link>"
        "<description>A teaser.</description></item>"
        for n, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>{items}</channel></rss>'


def hosts_feed(port: int, hosts: list[str], count: int) -> str:
    topics = ("harbour", "bridge", "library", "museum", "station", "theatre", "market", "park")
    return teaser_feed(
        [
            f"http://{host}:{port}/slow-article/{topics[n % len(topics)]}-on-{host.split('.')[0]}"
            for n in range(count)
            for host in hosts
        ]
    )


def big_feed(port: int, count: int, size: int) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><guid>big-{n}</guid>"
        f"<link>http://127.0.0.1:{port}/big-page/{n}/{size}</link><description>A teaser.</description></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big pages</title>{items}</channel></rss>'


def big_page(number: int, size: int) -> str:
    page = article(f"harbour bridge number {number}")
    padding = max(0, size - len(page) - 40)
    return page.replace("</head>", f"<script>var data='{'x' * padding}';</script></head>", 1)


BAD_LINKS = (
    "http://127.0.0.1:{port}/article/first",
    "http://xn--/article/punycode",
    "http://[::1/article/bracket",
    "http://①②⑦.0.0.1:{port}/article/circled",
    "http://0177.0.0.1:{port}/article/octal",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:{port}/article/last",
)


def bad_links_feed(port: int) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><link>{link.format(port=port)}</link>"
        "<description>A teaser.</description></item>"
        for n, link in enumerate(BAD_LINKS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bad links</title>{items}</channel></rss>'


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) > 3:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
