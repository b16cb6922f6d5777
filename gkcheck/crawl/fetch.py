"""Polite HTTP fetching: one connection pool per host, bounded and spaced requests,
robots.txt, retries with backoff, a redirect limit, a streamed size cap.

A crawl of many hosts is CPU-bound, so direct requests go through libcurl (pycurl:
gkcheck.crawl.curl_transport), whose whole exchange costs less CPU than http.client's
answer parsing alone, over handles kept alive in a small pool per host. Without pycurl,
or with the environment variable GKCHECK_HTTP=urllib3, they go through urllib3's
connections directly, kept alive the same way (requests' and urllib3's pool layers cost
more CPU than the request itself). Through a proxy, urllib3's proxy manager is used
either way. Both transports behave alike: redirects, retries, cookies, the size cap, the
timeouts and the error kinds below are this module's. What a `requests.Session` did is
kept: its default headers (gzip), cookies kept per host, proxies from the environment
(HTTP_PROXY, NO_PROXY …), certificates from certifi or REQUESTS_CA_BUNDLE /
CURL_CA_BUNDLE, URLs re-quoted the same way.

`Fetcher.fetch(url)` never raises for network trouble: it returns a `FetchResult` whose
`error_kind` / `error` say what went wrong (in Chinese for `error`), so the crawler can
record every failure with its URL and reason and carry on.

Error kinds (stable ids, counted in the crawl's statistics):
timeout, connection, reset, http_NNN, too_large (the page was cut but is usable),
redirect_loop, too_many_redirects, offsite (a URL or redirect outside the configured
hosts), robots (robots.txt disallows it), robots_unavailable (robots.txt answered 5xx
or not at all: RFC 9309 says not to crawl then), invalid_url.
"""

from __future__ import annotations

import codecs
import errno
import http.client
import http.cookiejar
import os
import ssl
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import certifi
import urllib3
from requests.adapters import HTTPAdapter
from requests.cookies import MockRequest, extract_cookies_to_jar, get_cookie_header
from requests.utils import (
    DEFAULT_ACCEPT_ENCODING,
    get_environ_proxies,
    requote_uri,
    select_proxy,
)
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationValueError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.ssl_ import create_urllib3_context

from gkcheck.crawl import curl_transport
from gkcheck.crawl.config import Defaults
from gkcheck.crawl.encoding import decode_html

REDIRECTS = {301, 302, 303, 307, 308}
# Signatures of binary files a misconfigured server may label text/html.
_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"Rar!", b"\x1f\x8b",
)
RETRY_STATUS = {429, 500, 502, 503, 504}
CHUNK = 64 * 1024


@dataclass
class FetchResult:
    url: str  # as asked
    final_url: str  # after redirects
    status: int | None = None
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    truncated: bool = False
    error_kind: str | None = None
    error: str | None = None  # Chinese, for people
    attempts: int = 0
    elapsed: float = 0.0
    redirects: list[str] = field(default_factory=list)
    method: str = "GET"
    _text: tuple[str, str, str] | None = field(default=None, repr=False)
    _location: str | None = field(default=None, repr=False)
    _retry_after: float = field(default=0.0, repr=False)

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error_kind is None

    @property
    def ok(self) -> bool:
        """A 2xx body arrived (possibly cut at the size cap: see `truncated`)."""
        return self.status is not None and 200 <= self.status < 300 and (
            self.error_kind is None or self.error_kind == "too_large"
        )

    @property
    def failed(self) -> bool:
        return not self.ok and not self.not_modified

    @property
    def looks_binary(self) -> bool:
        """The body is binary data (an image, a PDF, an archive), whatever the server
        called it: it starts with a known file signature or holds NUL bytes."""
        head = self.content[:4096]
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return False  # UTF-16 text has NUL bytes too
        return head.startswith(_BINARY_MAGIC) or b"\x00" in head

    def not_html_problem(self) -> tuple[str, str]:
        """(error kind, Chinese reason) for a 2xx answer that is no readable web page."""
        if not self.content.strip():
            return "empty", "页面内容为空（服务器返回了空白内容）"
        if self.looks_binary:
            return "not_html", f"不是网页（内容为二进制数据，服务器声明的类型为 {self.content_type or '无'}）"
        return "not_html", f"不是网页（{self.content_type}）"

    @property
    def is_html(self) -> bool:
        if self.looks_binary:
            return False
        ct = (self.content_type or "").split(";")[0].strip().lower()
        return ct in ("", "text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")

    @property
    def is_json(self) -> bool:
        """A JSON or JSONP answer (a list's data interface, see gkcheck.crawl.json_list)."""
        if self.looks_binary:
            return False
        ct = (self.content_type or "").split(";")[0].strip().lower()
        return ct in _JSON_TYPES or ct.endswith("+json")

    def decoded(self) -> tuple[str, str, str]:
        """(text, codec, how): see gkcheck.crawl.encoding.decode_html."""
        if self._text is None:
            self._text = decode_html(self.content, self.content_type, self.truncated)
        return self._text

    @property
    def text(self) -> str:
        return self.decoded()[0]


_JSON_TYPES = ("application/json", "text/json", "application/javascript", "text/javascript", "application/x-javascript")


class _Wire:
    """What the cookie helpers of requests read of a request: its URL and headers."""

    __slots__ = ("headers", "url")

    def __init__(self, url: str, headers: dict[str, str]):
        self.url = url
        self.headers = headers


class _SetCookies:
    """What http.cookiejar reads of an answer: its Set-Cookie headers."""

    __slots__ = ("values",)

    def __init__(self, values: list[str]):
        self.values = values

    def info(self):
        return self

    def get_all(self, name: str, default=None):
        return list(self.values) if name.lower() == "set-cookie" else default


def _ca_bundle() -> str:
    """The certificates to trust (a file or a folder), as requests chooses them."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or certifi.where()


def transport_name() -> str:
    """The transport of direct requests: "curl" (pycurl), or "urllib3" when pycurl is
    missing or the environment says GKCHECK_HTTP=urllib3."""
    if not curl_transport.AVAILABLE or os.environ.get("GKCHECK_HTTP", "").strip().lower() == "urllib3":
        return "urllib3"
    return "curl"


def _ssl_context():
    """One verifying TLS context for all hosts, loaded once (as requests does)."""
    bundle = _ca_bundle()
    ctx = create_urllib3_context()
    if os.path.isdir(bundle):
        ctx.load_verify_locations(capath=bundle)
    else:
        ctx.load_verify_locations(cafile=bundle)
    return ctx


class _HostState:
    def __init__(self, concurrency: int, delay: float, user_agent: str, ssl_context_of):
        self.concurrency = concurrency
        self._ssl_context_of = ssl_context_of  # () -> the SSL context, made when first asked
        self.managers: dict[str, urllib3.PoolManager | None] = {}  # by URL scheme; None: no proxy
        self.managers_lock = threading.Lock()
        self.idle: list[HTTPConnection] = []  # kept-alive direct connections, at most `concurrency`
        self.curl: curl_transport.CurlPool | None = None  # direct requests through libcurl
        self.curl_lines: list[bytes] | None = None  # `headers` as libcurl sends them
        # a requests.Session's headers, in its order, with ours
        self.headers = {
            "User-Agent": user_agent,
            "Accept-Encoding": DEFAULT_ACCEPT_ENCODING,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Connection": "keep-alive",
            "Accept-Language": "zh-CN,zh;q=0.9",
        }
        self.cookies = http.cookiejar.CookieJar()
        self.had_cookies = False  # a Set-Cookie came: the jar is worth asking
        self.semaphore = threading.BoundedSemaphore(concurrency)
        self.lock = threading.Lock()
        self.next_at = 0.0
        self.delay = delay
        self.robots_lock = threading.Lock()
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self.robots_error: FetchResult | None = None  # robots.txt unavailable: crawl nothing
        self.robots_done = False

    @property
    def ssl_context(self):
        return self._ssl_context_of()

    def manager(self, url: str) -> urllib3.PoolManager | None:
        """The proxy manager for `url` if the environment names a proxy for it, else None
        (direct connections)."""
        scheme = urlsplit(url).scheme
        try:
            return self.managers[scheme]
        except KeyError:
            pass
        with self.managers_lock:
            if scheme not in self.managers:
                proxy = select_proxy(url, get_environ_proxies(url))
                if proxy:
                    kw = {"num_pools": 1, "maxsize": self.concurrency, "ssl_context": self.ssl_context}
                if not proxy:
                    m = None
                elif proxy.lower().startswith("socks"):
                    from urllib3.contrib.socks import SOCKSProxyManager  # needs PySocks

                    m = SOCKSProxyManager(proxy, **kw)
                else:
                    if "://" not in proxy:
                        proxy = "http://" + proxy
                    m = urllib3.ProxyManager(proxy, proxy_headers=HTTPAdapter.proxy_headers(None, proxy), **kw)
                self.managers[scheme] = m
            return self.managers[scheme]

    def connection(self, scheme: str, host: str, port: int | None) -> HTTPConnection:
        """An idle kept-alive connection to the host, or a new one (connected on use)."""
        with self.managers_lock:
            while self.idle:
                conn = self.idle.pop()
                if conn.scheme_host_port == (scheme, host, port):
                    if conn.sock is not None and not conn.is_connected:
                        conn.close()  # the server closed it meanwhile: reconnect
                    return conn
                conn.close()
        if scheme == "https":
            return _Https(host, port, ssl_context=self.ssl_context)
        return _Http(host, port)

    def keep(self, conn: HTTPConnection) -> None:
        with self.managers_lock:
            if len(self.idle) < self.concurrency:
                self.idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self.managers_lock:
            for m in self.managers.values():
                if m is not None:
                    m.clear()
            self.managers.clear()
            for conn in self.idle:
                conn.close()
            self.idle.clear()
        if self.curl is not None:
            self.curl.close()


class _Http(HTTPConnection):
    @property
    def scheme_host_port(self) -> tuple:
        return ("http", self._gk_host, self._gk_port)

    def __init__(self, host: str, port: int | None, **kw):
        super().__init__(host, port or 80, **kw)
        self._gk_host, self._gk_port = host, port


class _Https(HTTPSConnection):
    @property
    def scheme_host_port(self) -> tuple:
        return ("https", self._gk_host, self._gk_port)

    def __init__(self, host: str, port: int | None, **kw):
        super().__init__(host, port or 443, **kw)
        self._gk_host, self._gk_port = host, port


class _Deadline(Exception):
    pass


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def clean_url(url: str) -> str:
    """The URL without its #fragment."""
    return urldefrag(url)[0] if "#" in url else url


class Fetcher:
    """Fetches pages of the allowed hosts politely. Thread-safe."""

    def __init__(
        self,
        defaults: Defaults,
        allowed_hosts: set[str],
        *,
        concurrency: int | None = None,
        delay: float | None = None,
        gate=None,
    ):
        """`gate` (a gkcheck.crawl.hostgate.HostGate) shares per-host politeness with the
        other processes of a crawl split over several."""
        self.d = defaults
        self.gate = gate
        self.allowed = {h.lower() for h in allowed_hosts}
        self.concurrency = concurrency or defaults.concurrency_per_host
        self.delay = defaults.delay if delay is None else delay
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()
        self._ssl_context = None  # made on first use (loading the certificates takes time)
        self._ssl_lock = threading.Lock()
        self._timeout = urllib3.Timeout(connect=defaults.timeout[0], read=defaults.timeout[1])
        self.transport = transport_name()  # "curl" or "urllib3", for direct requests
        self.requests_made = 0  # HTTP requests sent, retries and redirects included

    # -- public ---------------------------------------------------------------------

    def allowed_url(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.allowed

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """One URL, following redirects inside the allowed hosts. `method` HEAD reads no
        body; `headers` are sent with the first request; `max_bytes` overrides the page
        size cap (a longer body is cut and marked `too_large`)."""
        url = clean_url(url)
        res = FetchResult(url=url, final_url=url)
        t0 = time.monotonic()
        current = url
        chain = [url]
        try:
            while True:
                if not self.allowed_url(current):
                    if len(chain) > 1:
                        return self._fail(res, "offsite", f"重定向到配置之外的网站，未跟随：{current}")
                    return self._fail(res, "offsite", f"不在配置的网站范围内，未抓取：{current}")
                if check_robots and self.d.robots:
                    blocked = self._robots_block(current)
                    if blocked is not None:
                        kind, msg = blocked
                        return self._fail(res, kind, msg)
                sent = {}
                if len(chain) == 1:
                    sent.update(headers or {})
                    if etag:
                        sent["If-None-Match"] = etag
                    if last_modified:
                        sent["If-Modified-Since"] = last_modified
                self._request(current, sent, res, method, max_bytes)
                res.final_url = current
                if res.error_kind and res.error_kind != "too_large":
                    return res
                if res.status in REDIRECTS and res._location:
                    nxt = clean_url(urljoin(current, res._location))
                    if nxt in chain:
                        loop = " → ".join([*chain[chain.index(nxt):], nxt])
                        return self._fail(res, "redirect_loop", f"重定向循环：{loop}")
                    chain.append(nxt)
                    res.redirects.append(nxt)
                    if len(chain) - 1 > self.d.max_redirects:
                        return self._fail(
                            res, "too_many_redirects", f"重定向超过 {self.d.max_redirects} 次（最后一次到 {nxt}）"
                        )
                    current = nxt
                    continue
                if res.status in REDIRECTS:
                    return self._fail(res, f"http_{res.status}", f"HTTP {res.status} 重定向缺少目标地址")
                if res.status is not None and res.status >= 400:
                    return self._fail(res, f"http_{res.status}", _http_reason(res.status))
                return res
        finally:
            res.elapsed = time.monotonic() - t0

    def check_link(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Whether a link (an attachment) opens, without downloading it: a HEAD request
        (conditional when validators are known, so an unchanged file answers 304); a server
        that refuses HEAD or answers it with an error is asked once more with a GET for
        the first byte only (`Range: bytes=0-0`), the connection closed after at most
        1 KB. `method` of the result tells which answer counts."""
        res = self.fetch(url, etag=etag, last_modified=last_modified, method="HEAD")
        res.method = "HEAD"
        final = {"offsite", "robots", "robots_unavailable", "invalid_url", "http_404", "http_410", "timeout"}
        if res.failed and res.error_kind not in final:
            again = self.fetch(url, method="GET", headers={"Range": "bytes=0-0"}, max_bytes=1024)
            again.method = "GET"
            again.attempts += res.attempts
            if again.error_kind == "too_large":  # the server ignored Range: the first KB is enough
                again.error_kind = again.error = None
                again.truncated = False
            again.content = b""
            return again
        return res

    def close(self) -> None:
        with self._lock:
            for hs in self._hosts.values():
                hs.close()
            self._hosts.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- internals ------------------------------------------------------------------

    @staticmethod
    def _fail(res: FetchResult, kind: str, msg: str) -> FetchResult:
        res.error_kind = kind
        res.error = msg
        return res

    def _ssl(self):
        """The SSL context of the requests urllib3 sends (libcurl has its own), made on
        first use: loading the certificates costs some 50 ms of CPU."""
        with self._ssl_lock:
            if self._ssl_context is None:
                self._ssl_context = _ssl_context()
            return self._ssl_context

    def _host(self, url: str) -> _HostState:
        key = host_of(url)
        with self._lock:
            hs = self._hosts.get(key)
            if hs is None:
                hs = self._hosts[key] = _HostState(self.concurrency, self.delay, self.d.user_agent, self._ssl)
                hs.key = key
                if self.transport == "curl":
                    hs.curl = curl_transport.CurlPool(
                        self.concurrency,
                        connect_timeout=self.d.timeout[0],
                        read_timeout=self.d.timeout[1],
                        max_seconds=self.d.max_seconds,
                        ca_bundle=_ca_bundle(),
                        accept_encoding=DEFAULT_ACCEPT_ENCODING,
                    )
            return hs

    def _wait_turn(self, hs: _HostState) -> None:
        if not hs.delay:  # (it only ever grows: with none, every turn is now)
            return
        with hs.lock:
            now = time.monotonic()
            start = max(now, hs.next_at)
            hs.next_at = start + hs.delay
        if start > now:
            time.sleep(start - now)

    def _request(
        self, url: str, headers: dict, res: FetchResult, method: str = "GET", max_bytes: int | None = None
    ) -> None:
        """One URL, with retries; fills res (status, content, headers or error)."""
        hs = self._host(url)
        res._location = None
        res.status = None
        res.error_kind = res.error = None
        res.truncated = False
        res.content = b""
        for attempt in range(self.d.retries + 1):
            if attempt:
                wait = self.d.backoff * (2 ** (attempt - 1))
                time.sleep(min(wait + res._retry_after, 30.0))
            res.attempts += 1
            res._retry_after = 0.0
            res.error_kind = res.error = None
            retry = self._attempt(hs, url, headers, res, method, max_bytes)
            if not retry:
                return

    def _attempt(
        self, hs: _HostState, url: str, headers: dict, res: FetchResult, method: str = "GET",
        max_bytes: int | None = None,
    ) -> bool:  # fmt: skip
        """One HTTP request; True if it failed in a way worth retrying."""
        with hs.semaphore:
            gate = self.gate if self.gate is not None and self.gate.knows(hs.key) else None
            if gate is None:
                self._wait_turn(hs)
            else:  # shared with the crawl's other processes
                start = gate.enter(hs.key, hs.delay, hs.concurrency)
                wait = start - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                return self._send(hs, url, headers, res, method, max_bytes)
            finally:
                if gate is not None:
                    gate.leave(hs.key)

    def _send(
        self, hs: _HostState, url: str, headers: dict, res: FetchResult, method: str, max_bytes: int | None
    ) -> bool:
        """`_attempt` once the host's turn has come."""
        with self._lock:
            self.requests_made += 1
        t0 = time.monotonic()
        sent = {**hs.headers, **headers}
        try:
            wire = requote_uri(url)
            if hs.had_cookies and len(hs.cookies):
                cookie = get_cookie_header(hs.cookies, _Wire(wire, sent))
                if cookie:
                    sent["Cookie"] = cookie
            manager = hs.manager(wire)
            if manager is None and hs.curl is not None:
                return self._send_curl(hs, wire, sent, res, method, max_bytes)
            if manager is None:
                conn, r = self._direct(hs, method, wire, sent)
            else:
                conn, r = None, manager.urlopen(
                    method, wire, headers=sent, timeout=self._timeout, redirect=False, retries=False,
                    preload_content=False,
                )  # fmt: skip
        except NewConnectionError as exc:  # (a ConnectTimeoutError subclass: first)
            self._connection_error(res, exc)
            return True
        except ConnectTimeoutError:
            self._fail(res, "timeout", f"连接超时（{self.d.timeout[0]:g} 秒）")
            return True
        except ReadTimeoutError:
            self._fail(res, "timeout", f"读取超时（{self.d.timeout[1]:g} 秒内无响应）")
            return True
        except ssl.SSLError as exc:  # (a certificate failure is a ValueError too: first)
            self._connection_error(res, exc)
            return True
        except (LocationValueError, ValueError) as exc:
            self._fail(res, "invalid_url", f"网址无效：{exc}")
            return False
        except (urllib3.exceptions.HTTPError, OSError, ImportError) as exc:
            self._connection_error(res, exc)
            return True
        done = False  # the answer read to its end: the connection can serve the next request
        try:
            if "set-cookie" in r.headers:
                extract_cookies_to_jar(hs.cookies, _Wire(wire, sent), r)
                hs.had_cookies = True
            res.status = r.status
            res.content_type = r.headers.get("Content-Type")
            res.etag = r.headers.get("ETag")
            res.last_modified = r.headers.get("Last-Modified")
            done = method == "HEAD" or r.status in (204, 304) or r.length_remaining == 0
            if r.status in RETRY_STATUS:
                res._retry_after = _retry_after(r.headers.get("Retry-After"))
                self._fail(res, f"http_{r.status}", _http_reason(r.status))
                return True
            if r.status in REDIRECTS:
                res._location = r.headers.get("Location")
                return False
            if r.status == 304 or r.status >= 400 or method == "HEAD":
                return False
            done = self._read_body(r, res, t0, max_bytes)
            return False
        except _Deadline:
            self._fail(res, "timeout", f"超过单页总时限 {self.d.max_seconds:g} 秒，已放弃")
            res.content = b""
            return True
        except ReadTimeoutError as exc:
            self._connection_error(res, exc)
            res.content = b""
            return True
        except ProtocolError as exc:  # the body broke off
            if _was_reset(repr(exc)):
                self._fail(res, "reset", "连接被服务器重置或中断")
            else:
                self._fail(res, "reset", "传输中断（响应不完整）")
            res.content = b""
            return True
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            self._connection_error(res, exc)
            res.content = b""
            return True
        finally:
            if not done:
                r.close()  # unread data left: the connection is not reused
            if conn is None:
                r.release_conn()
            elif done:
                hs.keep(conn)
            else:
                conn.close()

    def _send_curl(
        self, hs: _HostState, wire: str, sent: dict, res: FetchResult, method: str, max_bytes: int | None
    ) -> bool:
        """`_send` through libcurl: the same answer handling as below, from an Exchange."""
        urlsplit(wire).port  # noqa: B018 - a bad port is an invalid URL (ValueError), as below
        if len(sent) == len(hs.headers) and sent == hs.headers:  # the usual: the host's headers alone
            if hs.curl_lines is None:
                hs.curl_lines = _curl_lines(sent)
            lines, encoding = hs.curl_lines, None
        else:
            lines = _curl_lines(sent)
            encoding = next((v for k, v in sent.items() if k.lower() == "accept-encoding"), None)
        cap = max_bytes or self.d.max_bytes
        ex = hs.curl.exchange(method, wire, lines, cap, encoding or None)
        if ex.status is None:  # no answer
            return self._curl_error(res, ex)
        if ex.set_cookies:
            hs.cookies.extract_cookies(_SetCookies(ex.set_cookies), MockRequest(_Wire(wire, sent)))
            hs.had_cookies = True
        headers = ex.headers
        res.status = ex.status
        res.content_type = headers.get("content-type")
        res.etag = headers.get("etag")
        res.last_modified = headers.get("last-modified")
        if ex.status in RETRY_STATUS:
            res._retry_after = _retry_after(headers.get("retry-after"))
            self._fail(res, f"http_{ex.status}", _http_reason(ex.status))
            return True
        if ex.status in REDIRECTS:
            res._location = headers.get("location")
            return False
        if ex.status == 304 or ex.status >= 400 or method == "HEAD":
            return False
        if ex.error is not None:  # the body broke off
            return self._curl_error(res, ex)
        res.content = ex.content
        if ex.truncated:
            res.truncated = True
            declared = headers.get("content-length")
            size = f"（声明大小 {int(declared):,} 字节）" if declared and declared.isdigit() else ""
            self._fail(res, "too_large", f"页面超过大小上限 {cap:,} 字节，已截断{size}")
        return False

    def _curl_error(self, res: FetchResult, ex: curl_transport.Exchange) -> bool:
        """An Exchange's error as the urllib3 path words it; True if worth retrying."""
        ct = curl_transport
        res.content = b""
        kind = ex.error
        if kind == ct.CONNECT_TIMEOUT:
            self._fail(res, "timeout", f"连接超时（{self.d.timeout[0]:g} 秒）")
        elif kind == ct.READ_TIMEOUT:
            self._fail(res, "timeout", f"读取超时（{self.d.timeout[1]:g} 秒内无响应）")
        elif kind == ct.STALLED:
            self._fail(res, "timeout", f"读取超时（{self.d.timeout[1]:g} 秒内无数据）")
        elif kind == ct.DEADLINE:
            self._fail(res, "timeout", f"超过单页总时限 {self.d.max_seconds:g} 秒，已放弃")
        elif kind == ct.REFUSED:
            self._fail(res, "connection", "无法连接：连接被拒绝")
        elif kind == ct.UNRESOLVED:
            self._fail(res, "connection", "无法连接：域名无法解析")
        elif kind == ct.RESET:
            self._fail(res, "reset", "连接被服务器重置或中断")
        elif kind == ct.BROKEN:
            self._fail(res, "reset", "传输中断（响应不完整）")
        elif kind == ct.INVALID_URL:
            self._fail(res, "invalid_url", f"网址无效：{ex.detail}")
            return False
        else:
            self._fail(res, "connection", f"无法连接：{ex.detail[:200]}")
        return True

    def _direct(self, hs: _HostState, method: str, url: str, headers: dict) -> tuple[HTTPConnection, urllib3.BaseHTTPResponse]:
        """Send one request on a kept-alive connection and read the answer's head, as
        urllib3's connection pool does (its errors: connect timeout, new connection
        error, read timeout, "connection aborted")."""
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        try:
            conn = hs.connection(parts.scheme, parts.hostname or "", parts.port)
        except ValueError as exc:
            raise LocationValueError(str(exc)) from None
        ok = False
        try:
            conn.timeout = self.d.timeout[0]
            if conn.sock is None:
                try:
                    conn.connect()  # ConnectTimeoutError, NewConnectionError
                except TimeoutError as exc:  # in the TLS handshake: urllib3 calls it a read timeout
                    raise ReadTimeoutError(None, url, f"Read timed out. (read timeout={conn.timeout})") from exc
            try:
                conn.request(method, target, headers=headers, preload_content=False, decode_content=True)
            except BrokenPipeError:
                pass  # the server may have answered already: read it
            except OSError as exc:
                if exc.errno not in (errno.EPROTOTYPE, errno.ECONNRESET):
                    raise ProtocolError("Connection aborted.", exc) from exc
            conn.timeout = self.d.timeout[1]
            try:
                r = conn.getresponse()
            except TimeoutError as exc:
                raise ReadTimeoutError(None, url, f"Read timed out. (read timeout={conn.timeout})") from exc
            except (OSError, http.client.HTTPException) as exc:
                raise ProtocolError("Connection aborted.", exc) from exc
            ok = True
            return conn, r
        finally:
            if not ok:
                conn.close()

    def _read_body(self, r: urllib3.BaseHTTPResponse, res: FetchResult, t0: float, max_bytes: int | None = None) -> bool:
        """Read the body up to the cap; True if it was read to its end."""
        buf = bytearray()
        cap = max_bytes or self.d.max_bytes
        for chunk in r.stream(CHUNK, decode_content=True):
            if time.monotonic() - t0 > self.d.max_seconds:
                raise _Deadline()
            buf += chunk
            if len(buf) > cap:
                del buf[cap:]
                res.truncated = True
                break
        res.content = bytes(buf)
        if res.truncated:
            declared = r.headers.get("Content-Length")
            size = f"（声明大小 {int(declared):,} 字节）" if declared and declared.isdigit() else ""
            self._fail(res, "too_large", f"页面超过大小上限 {cap:,} 字节，已截断{size}")
            return False
        return True

    def _connection_error(self, res: FetchResult, exc: Exception) -> None:
        inner = exc.args[0] if exc.args else None
        text = f"{exc!r} {inner!r}"
        if isinstance(exc, ReadTimeoutError) or isinstance(inner, ReadTimeoutError) or "Read timed out" in text:
            self._fail(res, "timeout", f"读取超时（{self.d.timeout[1]:g} 秒内无数据）")
        elif _was_reset(text):
            self._fail(res, "reset", "连接被服务器重置或中断")
        else:
            self._fail(res, "connection", f"无法连接：{_short(exc)}")

    def _robots_block(self, url: str) -> tuple[str, str] | None:
        hs = self._host(url)
        with hs.robots_lock:
            if not hs.robots_done:
                self._load_robots(hs, url)
                hs.robots_done = True
        if hs.robots_error is not None:
            e = hs.robots_error
            return (
                "robots_unavailable",
                f"robots.txt 无法获取（{e.error or e.status}），按 robots 协议不抓取该网站",
            )
        if hs.robots is not None and not hs.robots.can_fetch(self.d.user_agent, url):
            return "robots", "robots.txt 禁止抓取该路径"
        return None

    def _load_robots(self, hs: _HostState, url: str) -> None:
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        r = self.fetch(robots_url, check_robots=False)
        if r.ok:
            rp = urllib.robotparser.RobotFileParser(robots_url)
            rp.parse(r.content.decode("utf-8", errors="replace").splitlines())
            hs.robots = rp
            cd = rp.crawl_delay(self.d.user_agent)
            if cd:
                with hs.lock:
                    hs.delay = max(hs.delay, min(float(cd), 30.0))
        elif r.status is not None and 400 <= r.status < 500:
            hs.robots = None  # no robots.txt: everything allowed
        elif r.error_kind == "offsite":
            hs.robots = None
        else:
            hs.robots_error = r


def _curl_lines(headers: dict[str, str]) -> list[bytes]:
    """Request headers as libcurl takes them: "Name: value" in latin-1 (as http.client
    sends them), Accept-Encoding left to libcurl's own option (it decodes what it asks for)."""
    return [f"{k}: {v}".encode("latin-1") for k, v in headers.items() if k.lower() != "accept-encoding"]


def _was_reset(text: str) -> bool:
    return "reset" in text.lower() or "RemoteDisconnected" in text or "aborted" in text.lower()


def _retry_after(value: str | None) -> float:
    if value and value.strip().isdigit():
        return min(float(value.strip()), 30.0)
    return 0.0


def _http_reason(status: int) -> str:
    names = {
        400: "请求无效",
        401: "需要登录",
        403: "禁止访问",
        404: "页面不存在",
        410: "页面已删除",
        429: "请求过于频繁",
        500: "服务器内部错误",
        502: "网关错误",
        503: "服务暂不可用",
        504: "网关超时",
    }
    name = names.get(status, "服务器错误" if status >= 500 else "请求失败")
    return f"{name}（HTTP {status}）"


def _short(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text:
        return "连接被拒绝"
    if "Name or service not known" in text or "getaddrinfo" in text or "NameResolution" in text:
        return "域名无法解析"
    return text[:200]
