"""A lean HTTP/1.1 server for the crawl benchmark: many loopback hosts, one event loop.

The benchmark measures the crawler against a latency bound (hosts × concurrency ÷
latency). Its server runs on the same two cores as the crawler, so whatever CPU the
server spends per answer is taken from the crawler: a real site's server does not run on
the auditor's machine. This server answers from memory with one asyncio loop and no
thread per request, so that the figures measure the crawler rather than the server.
It answers as `gkcheck.crawl.fixture_server` does for what the benchmark's site needs:

- every file under root/hNN is served for host 127.0.0.N (`index.html` for a path ending
  in "/", a path without its slash redirected with 301), with ETag and Last-Modified and
  304 answers to If-None-Match / If-Modified-Since, the headers of the site's `_headers`
  file (a `/*` rule: the benchmark gives every page its charset), 404 for anything else
  (robots.txt included), HEAD without a body, keep-alive unless the client closes;
- the status line and header set are those of the fixture server (Server, Date,
  Content-Type, Content-Length, ETag, Last-Modified), so the bytes counted for the
  re-crawl ratio compare with runs on that server;
- every answer waits `latency` seconds from the moment its request arrived, on a timer of
  the loop, not a sleeping thread.

Requests on one connection are answered in order; clients here do not pipeline, and a
request that arrives while another is waiting is answered after it.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import platform
import socket
import time
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

from gkcheck.crawl.fixture_server import read_headers_file

SERVER = f"FixtureHTTP/1.0 Python/{platform.python_version()}"  # as the fixture server says it
_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    304: "Not Modified",
    404: "Not Found",
    405: "Method Not Allowed",
}
_NOT_FOUND = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>404 页面不存在</h1></body></html>"
).encode()
_MAX_HEAD = 64 * 1024


class _File:
    __slots__ = ("body", "ctype", "etag", "last_mod", "mtime")

    def __init__(self, path: Path, ctype: str):
        st = path.stat()
        self.body = path.read_bytes()
        self.ctype = ctype
        self.etag = (
            '"'
            + hashlib.md5(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[
                :16
            ]
            + '"'
        )
        self.mtime = int(st.st_mtime)
        self.last_mod = email.utils.formatdate(st.st_mtime, usegmt=True)


class Site:
    """One host's files, read into memory: URL path -> _File."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        ctype = "text/html"
        self.extra: list[tuple[str, str]] = []
        for pattern, hdrs in read_headers_file(self.root / "_headers"):
            if pattern != "/*":
                raise ValueError(
                    f"{self.root / '_headers'}: only a /* rule is supported, not {pattern!r}"
                )
            for k, v in hdrs:
                if k.lower() == "content-type":
                    ctype = v
                else:
                    self.extra.append((k, v))
        self.files: dict[str, _File] = {}
        self.dirs: set[str] = set()
        for p in self.root.rglob("*"):
            rel = p.relative_to(self.root)
            if any(part.startswith(("_", ".")) for part in rel.parts):
                continue
            url = "/" + rel.as_posix()
            if p.is_dir():
                self.dirs.add(url)
            else:
                self.files[url] = _File(p, ctype)
                if p.name == "index.html":
                    self.files[url[: -len("index.html")]] = self.files[url]


class _Counter:
    """Bytes sent, in the benchmark's shared counter (a multiprocessing Value)."""

    def __init__(self, shared):
        self.shared = shared

    def add(self, n: int) -> None:
        if self.shared is not None:
            with self.shared.get_lock():
                self.shared.value += n


class _Date:
    """The Date header's value, formatted once a second."""

    def __init__(self):
        self.second = -1
        self.text = ""

    def now(self) -> str:
        s = int(time.time())
        if s != self.second:
            self.second, self.text = s, email.utils.formatdate(s, usegmt=True)
        return self.text


class _Gaps:
    """The time from an answer to the next request on the same connection: the client's
    own time per page as the server sees it, summed in the benchmark's shared array
    (seconds, count; a multiprocessing Array of two doubles)."""

    def __init__(self, shared):
        self.shared = shared

    def add(self, seconds: float) -> None:
        if self.shared is not None:
            with self.shared.get_lock():
                self.shared[0] += seconds
                self.shared[1] += 1


class _Conn(asyncio.Protocol):
    def __init__(self, server: LoopbackServer, site: Site):
        self.server = server
        self.site = site
        self.buf = b""
        self.waiting: deque[tuple[float, bytes]] = deque()  # (arrived, request head)
        self.busy = False
        self.closing = False
        self.transport: asyncio.Transport | None = None
        self.answered: float | None = None  # when the last answer was written

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:  # Nagle off, as web servers do (see bench/crawl.py)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc):
        self.closing = True
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if self.answered is not None and not self.waiting and not self.busy:
            self.server.gaps.add(time.monotonic() - self.answered)
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > _MAX_HEAD:
                    self._close()
                return
            head, self.buf = self.buf[:end], self.buf[end + 4 :]
            self.waiting.append((time.monotonic(), head))
            if not self.busy:
                self._next()

    def _next(self) -> None:
        if not self.waiting or self.closing:
            self.busy = False
            return
        self.busy = True
        arrived, head = self.waiting.popleft()
        delay = self.server.latency - (time.monotonic() - arrived)
        self.server.loop.call_later(max(delay, 0.0), self._answer, head)

    def _answer(self, head: bytes) -> None:
        if self.transport is None:
            return
        data, close = self.server.respond(self.site, head)
        self.transport.write(data)
        self.answered = time.monotonic()
        self.server.sent.add(len(data))
        if close:
            self._close()
        else:
            self._next()

    def _close(self) -> None:
        self.closing = True
        if self.transport is not None:
            self.transport.close()


class LoopbackServer:
    """Hosts 127.0.0.1 … 127.0.0.N on one port, each serving root/hNN, in one loop."""

    def __init__(self, root: Path, hosts: int, port: int, latency: float, sent=None, gaps=None):
        self.sites = [Site(Path(root) / f"h{h:02d}") for h in range(1, hosts + 1)]
        self.port = port
        self.latency = latency
        self.sent = _Counter(sent)
        self.date = _Date()
        self.gaps = _Gaps(gaps)
        self.extra_headers: list[
            tuple[str, str]
        ] = []  # added to every answer (linkchecker's opt-in)
        self.loop: asyncio.AbstractEventLoop | None = None

    def respond(self, site: Site, head: bytes) -> tuple[bytes, bool]:
        """The answer's bytes and whether to close the connection after it."""
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split()
        headers = {}
        for line in lines[1:]:
            k, sep, v = line.partition(":")
            if sep:
                headers[k.strip().lower()] = v.strip()
        close = headers.get("connection", "").lower() == "close" or (
            len(parts) == 3 and parts[2] == "HTTP/1.0"
        )
        if len(parts) != 3 or parts[0] not in ("GET", "HEAD"):
            return self._build(
                405, b"", "text/html; charset=utf-8", [], head=False
            ), True
        method, target = parts[0], parts[1]
        path = unquote(urlsplit(target).path) or "/"
        f = site.files.get(path)
        if f is None:
            if path in site.dirs:
                return self._build(
                    301,
                    b"",
                    "text/html; charset=utf-8",
                    [("Location", path + "/")],
                    method == "HEAD",
                ), close
            return self._build(
                404, _NOT_FOUND, "text/html; charset=utf-8", [], method == "HEAD"
            ), close
        extra = [("ETag", f.etag), ("Last-Modified", f.last_mod), *site.extra]
        inm, ims = headers.get("if-none-match"), headers.get("if-modified-since")
        if inm is not None:
            if f.etag in [t.strip() for t in inm.split(",")] or inm == "*":
                return self._build(304, b"", f.ctype, extra, True), close
        elif ims:
            try:
                if f.mtime <= email.utils.parsedate_to_datetime(ims).timestamp():
                    return self._build(304, b"", f.ctype, extra, True), close
            except (TypeError, ValueError):
                pass
        return self._build(200, f.body, f.ctype, extra, method == "HEAD"), close

    def _build(
        self,
        status: int,
        body: bytes,
        ctype: str,
        extra: list[tuple[str, str]],
        head: bool,
    ) -> bytes:
        # a HEAD answer gives the length of the body it does not send, as the fixture server's do
        out = [
            f"HTTP/1.1 {status} {_REASONS[status]}",
            f"Server: {SERVER}",
            f"Date: {self.date.now()}",
            f"Content-Type: {ctype}",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in extra),
            *(f"{k}: {v}" for k, v in self.extra_headers),
            "",
            "",
        ]
        data = "\r\n".join(out).encode("latin-1")
        return data if head or status == 304 else data + body

    async def _start(self) -> list[asyncio.AbstractServer]:
        self.loop = asyncio.get_running_loop()
        servers = []
        for h, site in enumerate(self.sites, 1):
            srv = await self.loop.create_server(
                lambda site=site: _Conn(self, site),
                f"127.0.0.{h}",
                self.port,
                reuse_address=True,
                backlog=128,
            )
            servers.append(srv)
        return servers

    def run(self, ready, stop, optin) -> None:
        """Serve until `stop` (a multiprocessing Event) is set; `ready` is set once every
        host listens; while `optin` is set, answers carry linkchecker's rate opt-in."""

        async def main():
            servers = await self._start()
            ready.set()
            while not stop.is_set():
                if optin.is_set() and not self.extra_headers:
                    self.extra_headers = [("LinkChecker", "maxrequestspersecond")]
                await asyncio.sleep(0.05)
            for s in servers:
                s.close()

        asyncio.run(main())


def serve(root: str, hosts: int, port: int, latency: float, sent, ready, stop, optin, gaps=None) -> None:
    """The benchmark's server process (bench/crawl.py): `sent` counts the bytes sent,
    `gaps` (optional) sums the times from an answer to the connection's next request."""
    LoopbackServer(Path(root), hosts, port, latency, sent, gaps).run(ready, stop, optin)
