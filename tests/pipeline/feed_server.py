"""A small HTTP server for the watch tests, run as its own process on 127.0.0.1:

    python feed_server.py ROOT PORT LOG

It serves files under ROOT with an ETag (and answers 304 to a matching If-None-Match), and:
``/plain/<path>`` the same file with no validators; ``/moved/<path>`` a 301 to ``/<path>``;
``/broken/...`` a 500; ``/robots.txt`` a 404. Every request is appended to LOG as
``METHOD PATH STATUS`` so a test can see what was fetched.
"""

from __future__ import annotations

import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(sys.argv[1])
LOG = Path(sys.argv[3])


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/moved/"):
            self._answer(301, headers={"Location": path.removeprefix("/moved")})
        elif path.startswith("/broken/"):
            self._answer(500, b"server error")
        elif path.startswith("/plain/"):
            self._file(path.removeprefix("/plain"), validators=False)
        else:
            self._file(path, validators=True)

    def _file(self, path: str, *, validators: bool) -> None:
        target = (ROOT / path.lstrip("/")).resolve()
        if not target.is_relative_to(ROOT.resolve()) or not target.is_file():
            self._answer(404, b"not found")
            return
        body = target.read_bytes()
        kind = "application/rss+xml" if target.suffix == ".xml" else "text/html; charset=utf-8"
        if not validators:
            self._answer(200, body, {"Content-Type": kind})
            return
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self._answer(304, headers={"ETag": etag})
            return
        self._answer(200, body, {"Content-Type": kind, "ETag": etag})

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        with LOG.open("a", encoding="utf-8") as log:
            log.write(f"GET {self.path} {status}\n")
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the LOG file is the record


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
