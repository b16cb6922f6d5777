"""A local web server for fixture sites, able to misbehave on purpose.

Serves a folder over HTTP/1.1 on 127.0.0.1 (threaded, keep-alive) the way a plain
government web server does: ETag and Last-Modified with 304 answers, `/dir` redirected
to `/dir/`, `index.html` for folders, query strings ignored unless a file saved for that
query exists (named `name@query` as `wget --restrict-file-names=windows` saves it, e.g.
`dataproxy.jsp@columnid=2301&endrecord=30&perpage=5&startrecord=16`). An optional
`_headers` file at the root adds headers by path pattern:

    /jtj/*
      Content-Type: text/html; charset=UTF-8

Files and folders whose names start with "_" or "." are not served.

Faults, by path pattern (`Fault(...)`) or by query (`?fault=500`, `?fault=slow&delay=2`):

- status: answer with `status` (500 …), for the first `times` requests or always
- slow: wait `delay` seconds before answering (past the client's read timeout)
- reset: reset the TCP connection (RST) without answering
- redirect: 302 to `location` (default: the same URL: a redirect loop)
- charset: serve the file with `Content-Type: text/html; charset=<charset>` (a lie)
- huge: a generated list page of `size` bytes, streamed, never held in memory
- endless: list pages without end: page N links to page N+1 (`?page=N`)
- drip: headers at once, then the body one byte every `delay` seconds

    with serve(Path("fixtures/sites"), faults=[Fault("/flaky.html", "status", times=1)]) as base:
        ...   # base is the URL string; base.server is the FixtureServer (request log)
"""

from __future__ import annotations

import contextlib
import email.utils
import fnmatch
import hashlib
import mimetypes
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

FAULT_KINDS = ("status", "slow", "reset", "redirect", "charset", "huge", "endless", "drip")

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".jsp": "text/xml; charset=UTF-8",
    ".xml": "text/xml",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".wps": "application/vnd.ms-works",
}


@dataclass
class Fault:
    path: str  # fnmatch pattern on the URL path: "/flaky.html", "/slow/*"
    kind: str
    status: int = 500
    times: int | None = None  # only the first N matching requests; None = always
    delay: float = 0.0
    location: str | None = None
    charset: str = "utf-8"
    size: int = 50_000_000
    query: str | None = None  # also require this substring in the query string
    hits: int = field(default=0, repr=False)

    def __post_init__(self):
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {FAULT_KINDS}")


@dataclass
class RequestLog:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    started: float
    status: int | None = None
    fault: str | None = None


class BaseURL(str):
    """The server's base URL (a str) carrying the server for tests: `base.server`."""

    server: FixtureServer


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request, client_address):  # quiet: clients hang up on purpose
        pass


class FixtureServer:
    def __init__(
        self,
        root: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Sequence[Fault] = (),
        robots: str | None = None,
    ):
        self.root = Path(root).resolve()
        self.faults = list(faults)
        self.robots = robots
        self.requests: list[RequestLog] = []
        self.lock = threading.Lock()
        self.inflight = 0
        self.max_inflight = 0
        self.headers_rules = read_headers_file(self.root / "_headers")
        handler = type("Handler", (_Handler,), {"fixture": self})
        self.httpd = _HTTPServer((host, port), handler)
        self.host, self.port = self.httpd.server_address[:2]
        self.url = BaseURL(f"http://{self.host}:{self.port}")
        self.url.server = self
        self._thread: threading.Thread | None = None

    def start(self) -> FixtureServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def hits(self, path: str) -> int:
        """How many requests asked for `path` (query ignored)."""
        with self.lock:
            return sum(1 for r in self.requests if r.path == path)

    def fault_for(self, path: str, query: str) -> Fault | None:
        params = dict(parse_qsl(query))
        if "fault" in params:
            kind = params["fault"]
            if kind.isdigit():
                return Fault(path, "status", status=int(kind))
            if kind in FAULT_KINDS:
                return Fault(
                    path,
                    kind,
                    delay=float(params.get("delay", 0) or 0),
                    size=int(params.get("size", 50_000_000)),
                    charset=params.get("charset", "utf-8"),
                    location=params.get("location"),
                    status=int(params.get("status", 500)),
                )
        with self.lock:
            for f in self.faults:
                if not fnmatch.fnmatchcase(path, f.path):
                    continue
                if f.query is not None and f.query not in query:
                    continue
                if f.times is not None and f.hits >= f.times:
                    continue
                f.hits += 1
                return f
        return None


@contextlib.contextmanager
def serve(
    root: str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Sequence[Fault] = (),
    robots: str | None = None,
) -> Iterator[BaseURL]:
    """Serve `root` until the block ends; yields the base URL (`http://127.0.0.1:PORT`)."""
    server = FixtureServer(root, host, port, faults, robots)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def read_headers_file(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            if rules and ":" in line:
                k, v = line.strip().split(":", 1)
                rules[-1][1].append((k.strip(), v.strip()))
        else:
            rules.append((line.strip(), []))
    return rules


def _page_html(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body>{body}</body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    fixture: FixtureServer
    protocol_version = "HTTP/1.1"
    server_version = "FixtureHTTP/1.0"

    def log_message(self, format, *args):  # quiet
        pass

    def finish(self):
        with contextlib.suppress(OSError):
            super().finish()

    # -- entry points ---------------------------------------------------------------------

    def do_GET(self):
        self._handle(head=False)

    def do_HEAD(self):
        self._handle(head=True)

    def do_POST(self):
        # Hanweb's data proxy is POSTed: merge the form into the query string.
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if form:
            sep = "&" if "?" in self.path else "?"
            self.path = f"{self.path}{sep}{form}"
        self._handle(head=False)

    def _handle(self, head: bool) -> None:
        fx = self.fixture
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        log = RequestLog(
            self.command,
            path,
            parts.query,
            {k.lower(): v for k, v in self.headers.items()},
            time.monotonic(),
        )
        with fx.lock:
            fx.requests.append(log)
            fx.inflight += 1
            fx.max_inflight = max(fx.max_inflight, fx.inflight)
        self.head = head
        try:
            fault = fx.fault_for(path, parts.query)
            if fault is not None:
                log.fault = fault.kind
                log.status = self._fault(fault, path, parts.query)
            elif path == "/robots.txt" and fx.robots is not None:
                log.status = self._send(200, fx.robots.encode("utf-8"), "text/plain; charset=utf-8")
            else:
                log.status = self._static(path, parts.query)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            with fx.lock:
                fx.inflight -= 1

    # -- responses ------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers=()) -> int:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if not self.head and status != 304:
            self.wfile.write(body)
        return status

    def _not_found(self) -> int:
        return self._send(404, _page_html("404", "<h1>404 页面不存在</h1>").encode("utf-8"))

    def _resolve(self, path: str, query: str) -> Path | None | str:
        """The file for a path (and query), None if absent, "dir" if a slash is missing."""
        root = self.fixture.root
        rel = path.lstrip("/")
        if any(part.startswith(("_", ".")) for part in Path(rel).parts):
            return None
        target = (root / rel).resolve()
        if target != root and root not in target.parents:
            return None
        if target.is_dir():
            if not path.endswith("/"):
                return "dir"
            for name in ("index.html", "index.htm", "index.shtml"):
                if (target / name).is_file():
                    target = target / name
                    break
            else:
                return None
        if query:
            for q in (query, urlencode(sorted(parse_qsl(query, keep_blank_values=True)))):
                variant = target.with_name(f"{target.name}@{q.replace('/', '%2F')}")
                if variant.is_file():
                    return variant
        return target if target.is_file() else None

    def _static(self, path: str, query: str, ctype_override: str | None = None) -> int:
        target = self._resolve(path, query)
        if target == "dir":
            loc = path + "/" + (f"?{query}" if query else "")
            return self._send(301, b"", headers=[("Location", loc)])
        if target is None:
            return self._not_found()
        st = target.stat()
        etag = '"' + hashlib.md5(f"{target}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:16] + '"'
        last_mod = email.utils.formatdate(st.st_mtime, usegmt=True)
        name = target.name.split("@", 1)[0]
        ctype = _TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        extra: list[tuple[str, str]] = []
        for pattern, hdrs in self.fixture.headers_rules:
            if fnmatch.fnmatchcase(path, pattern):
                for k, v in hdrs:
                    if k.lower() == "content-type":
                        ctype = v
                    else:
                        extra.append((k, v))
        if ctype_override:
            ctype = ctype_override
        headers = [("ETag", etag), ("Last-Modified", last_mod), *extra]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return self._send(304, b"", ctype, headers)
        elif ims:
            with contextlib.suppress(TypeError, ValueError):
                since = email.utils.parsedate_to_datetime(ims).timestamp()
                if int(st.st_mtime) <= since:
                    return self._send(304, b"", ctype, headers)
        return self._send(200, target.read_bytes(), ctype, headers)

    def _fault(self, f: Fault, path: str, query: str) -> int | None:
        if f.kind == "status":
            body = _page_html(str(f.status), f"<h1>{f.status} 服务器错误</h1>").encode("utf-8")
            return self._send(f.status, body)
        if f.kind == "slow":
            time.sleep(f.delay)
            return self._static(path, query)
        if f.kind == "reset":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            return None
        if f.kind == "redirect":
            loc = f.location or self.path
            return self._send(302, b"", headers=[("Location", loc)])
        if f.kind == "charset":
            return self._static(path, query, ctype_override=f"text/html; charset={f.charset}")
        if f.kind == "huge":
            return self._huge(f.size)
        if f.kind == "endless":
            return self._endless(path, query)
        if f.kind == "drip":
            return self._drip(f)
        return None

    def _huge(self, size: int) -> int:
        head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>巨大页面</title></head><body><ul>\n'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.head:
            return 200
        sent = 0
        chunk = bytearray()
        first = head.encode("utf-8")
        i = 0
        while sent < size:
            while len(chunk) < 64 * 1024:
                i += 1
                chunk += (
                    f'<li><a href="/huge/a{i}.html">第{i}条很长的信息标题用于填充页面</a>'
                    f"<span>2024-06-{(i % 28) + 1:02d}</span></li>\n"
                ).encode()
            if first:
                chunk[:0] = first
                first = b""
            part = bytes(chunk[: size - sent])
            del chunk[: len(part)]
            self.wfile.write(part)
            sent += len(part)
        return 200

    def _endless(self, path: str, query: str) -> int:
        n = int(dict(parse_qsl(query)).get("page", 1) or 1)
        items = "".join(
            f'<li><a href="{path.rsplit("/", 1)[0]}/a{n}_{i}.html">无尽分页第{n}页第{i}条通知</a>'
            f"<span>2024-{(n % 12) + 1:02d}-{i + 1:02d}</span></li>"
            for i in range(10)
        )
        body = f'<ul class="list">{items}</ul><div class="page"><a href="{path}?page={n + 1}">下一页</a></div>'
        return self._send(200, _page_html(f"第{n}页", body).encode("utf-8"))

    def _drip(self, f: Fault) -> int:
        body = _page_html("drip", "<p>" + "慢" * (f.size // 3) + "</p>").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for k in range(len(body)):
            self.wfile.write(body[k : k + 1])
            self.wfile.flush()
            time.sleep(f.delay)
        return 200


def main(argv: list[str] | None = None) -> int:
    """`python -m gkcheck.crawl.fixture_server fixtures/sites [--port N]`: serve until Ctrl-C."""
    import argparse

    p = argparse.ArgumentParser(description="在 127.0.0.1 上提供演示网站（fixtures/sites）")
    p.add_argument("root", nargs="?", default="fixtures/sites")
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args(argv)
    with serve(Path(a.root), port=a.port) as base:
        print(f"演示网站：{base}/  （Ctrl-C 结束）", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
