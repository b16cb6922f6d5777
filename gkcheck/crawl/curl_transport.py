"""One HTTP/1.1 exchange over a kept-alive libcurl handle (pycurl), for the Fetcher's
direct (no-proxy) requests: http.client's answer parsing and request writing cost the
crawl more CPU than libcurl's whole exchange.

`CurlPool(size, …).exchange(method, url, header_lines, max_bytes)` sends one request and
returns an `Exchange`: the status, the answer's headers, the body (decoded from gzip or
deflate) cut at `max_bytes` and marked `truncated` (the transfer is aborted there, never
buffered whole), or an error id (below) with libcurl's own words. It never raises for
network trouble. The caller (gkcheck.crawl.fetch) keeps everything else: redirects (libcurl
follows none), retries, cookies, politeness, and the people's words for each error.

How the exchange is run, and why:
- each pooled handle is a libcurl multi handle with one easy handle, driven by this
  module's own loop (`socket_action` and `select.poll`), so the read timeout holds to the
  millisecond (libcurl itself only measures idle transfers once a second) and the whole
  exchange has a deadline; the connection the handle keeps is reused by its next request;
- a pool holds at most `size` idle handles; a handle whose answer was not read to its
  end (cut, timed out, broken) is closed, never reused;
- libcurl silently resends a request whose reused connection died before answering; here
  that is reported as a reset instead (the caller retries with its backoff), as with
  http.client;
- only http and https; no proxy (the caller routes proxied requests elsewhere); TLS
  verified against the given CA bundle (file or folder); the path sent as given;
- pools are per process: after a fork the child never touches, nor frees, the handles it
  inherited (a freed TLS connection would say goodbye on the parent's socket).

Error ids: connect_timeout, read_timeout (no answer head in time), stalled (the body
stopped arriving for the read timeout), deadline (the exchange took longer than its
total limit), refused, unresolved, reset (the server reset or hung up), broken (the body
ended before its declared length), invalid_url, connection (anything else, TLS included).
"""

from __future__ import annotations

import errno
import math
import os
import select
import threading
import time
import weakref
from dataclasses import dataclass, field

try:
    import pycurl
except ImportError:  # the Fetcher then uses urllib3 alone
    pycurl = None

# libcurl 7.80 or later (PREREQFUNCTION) and select.poll (not on Windows); else the
# Fetcher uses urllib3 alone
AVAILABLE = (
    pycurl is not None
    and hasattr(pycurl, "PREREQFUNCTION")
    and pycurl.version_info()[2] >= 0x075000
    and hasattr(select, "poll")
)

CONNECT_TIMEOUT = "connect_timeout"
READ_TIMEOUT = "read_timeout"
STALLED = "stalled"
DEADLINE = "deadline"
REFUSED = "refused"
UNRESOLVED = "unresolved"
RESET = "reset"
BROKEN = "broken"
INVALID_URL = "invalid_url"
CONNECTION = "connection"

_BUFFER = 64 * 1024

if AVAILABLE:
    _POLLIN, _POLLOUT, _POLLERR = select.POLLIN, select.POLLOUT, select.POLLERR
    _READABLE = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR
    _CODES = {  # libcurl error code -> error id (our own aborts are told apart first)
        pycurl.E_OPERATION_TIMEDOUT: CONNECT_TIMEOUT,  # only the connect timeout is libcurl's
        pycurl.E_COULDNT_RESOLVE_HOST: UNRESOLVED,
        pycurl.E_URL_MALFORMAT: INVALID_URL,
        pycurl.E_UNSUPPORTED_PROTOCOL: RESET,  # "Received HTTP/0.9": no HTTP answer
        pycurl.E_PARTIAL_FILE: BROKEN,
        pycurl.E_GOT_NOTHING: RESET,
        pycurl.E_SEND_ERROR: RESET,
        pycurl.E_RECV_ERROR: RESET,
        pycurl.E_FTP_WEIRD_SERVER_REPLY: RESET,  # CURLE_WEIRD_SERVER_REPLY: no HTTP answer
    }
    _EVENTS = {  # libcurl's wish for a socket -> poll events
        pycurl.POLL_IN: _POLLIN,
        pycurl.POLL_OUT: _POLLOUT,
        pycurl.POLL_INOUT: _POLLIN | _POLLOUT,
    }


def decodable_encodings(wanted: str) -> str:
    """The encodings of `wanted` ("gzip, deflate, br") that this libcurl can decode."""
    features = pycurl.version_info()[4]
    known = {"gzip": pycurl.VERSION_LIBZ, "deflate": pycurl.VERSION_LIBZ, "br": pycurl.VERSION_BROTLI,
             "zstd": getattr(pycurl, "VERSION_ZSTD", 0)}  # fmt: skip
    names = [n.strip() for n in wanted.split(",") if n.strip()]
    return ", ".join(n for n in names if features & known.get(n.lower(), 0)) or "identity"


@dataclass(slots=True)
class Exchange:
    """What one request got: see the module docstring."""

    status: int | None = None  # None: no complete answer head arrived
    # the final answer's headers by lowercased name (several of one name joined by ", "),
    # Set-Cookie apart, one value each
    headers: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)
    content: bytes = b""
    truncated: bool = False  # the body was longer than max_bytes and was cut there
    error: str | None = None  # an error id, None if the exchange completed (or was cut)
    detail: str = ""  # libcurl's words for the error
    reusable: bool = False  # read to its end: the connection may serve the next request


def parse_head(lines: list[bytes]) -> tuple[dict[str, str], list[str], bool]:
    """The last answer head in libcurl's header lines (a 1xx answer may come first): its
    headers by lowercased name (several of one name joined by ", ", folded lines joined),
    its Set-Cookie values, and whether the head is complete (its blank line arrived)."""
    start = 0
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith(b"HTTP/"):
            start = i + 1
            break
    headers: dict[str, str] = {}
    cookies: list[str] = []
    complete = False
    name = ""
    for raw in lines[start:]:
        line = raw.decode("latin-1").rstrip("\r\n")
        if not line:
            complete = True
            break
        if line[0] in " \t":  # an obsolete folded continuation of the line before
            if name == "set-cookie" and cookies:
                cookies[-1] = f"{cookies[-1]} {line.strip()}"
            elif name in headers:
                headers[name] = f"{headers[name]} {line.strip()}"
            continue
        name, sep, value = line.partition(":")
        if not sep:
            name = ""
            continue
        name = name.strip().lower()
        value = value.strip()
        if name == "set-cookie":
            cookies.append(value)
        elif name in headers:
            headers[name] = f"{headers[name]}, {value}"
        else:
            headers[name] = value
    return headers, cookies, complete and start > 0


class _Handle:
    """A multi handle with its one easy handle and the connection they keep."""

    def __init__(self, pool: CurlPool):
        self.read_timeout = pool.read_timeout
        self.max_seconds = pool.max_seconds
        self.lines: list[bytes] = []
        self.body = bytearray()
        self.cap = 0
        self.truncated = False
        self.sent_at = 0.0  # when the request went out (0: not yet)
        self.resent = False  # libcurl tried to resend the request on a fresh connection
        self.method = "GET"
        self.encoding = pool.accept_encoding
        self.poller = select.poll()
        self.fds: set[int] = set()
        easy = self.easy = pycurl.Curl()
        multi = self.multi = pycurl.CurlMulti()
        multi.setopt(pycurl.M_SOCKETFUNCTION, self._on_socket)
        multi.setopt(pycurl.M_MAXCONNECTS, 1)
        for opt, value in (
            (pycurl.NOSIGNAL, 1),
            (pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
            (pycurl.REDIR_PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
            (pycurl.FOLLOWLOCATION, 0),
            (pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1),
            (pycurl.PROXY, ""),  # never a proxy from the environment: the caller decides
            (pycurl.PATH_AS_IS, 1),
            (pycurl.CONNECTTIMEOUT_MS, max(1, int(pool.connect_timeout * 1000))),
            (pycurl.ACCEPT_ENCODING, pool.accept_encoding),
            (pycurl.BUFFERSIZE, _BUFFER),
            (pycurl.HEADERFUNCTION, self.lines.append),
            (pycurl.WRITEFUNCTION, self._on_body),
            (pycurl.PREREQFUNCTION, self._on_send),
        ):
            easy.setopt(opt, value)
        if pool.ca_bundle:
            easy.setopt(pycurl.CAPATH if os.path.isdir(pool.ca_bundle) else pycurl.CAINFO, pool.ca_bundle)

    # -- libcurl's callbacks ------------------------------------------------------------

    def _on_socket(self, what: int, fd: int, multi, data) -> None:
        if what == pycurl.POLL_REMOVE:
            if fd in self.fds:
                self.fds.discard(fd)
                self.poller.unregister(fd)
            return
        events = _EVENTS.get(what, _POLLIN)
        if fd in self.fds:
            self.poller.modify(fd, events)
        else:
            self.fds.add(fd)
            self.poller.register(fd, events)

    def _on_body(self, chunk: bytes):
        body = self.body
        body += chunk
        if len(body) > self.cap:
            del body[self.cap :]
            self.truncated = True
            return 0  # abort the transfer: the rest is never read
        return None

    def _on_send(self, *conn) -> int:
        if self.sent_at:  # the reused connection died before answering: no silent resend
            self.resent = True
            return pycurl.PREREQFUNC_ABORT
        self.sent_at = time.monotonic()
        return pycurl.PREREQFUNC_OK

    # -- one exchange -------------------------------------------------------------------

    def run(self, method: str, url: str, header_lines: list[bytes], max_bytes: int, accept_encoding: str) -> Exchange:
        easy = self.easy
        self.lines.clear()
        self.body = bytearray()
        self.cap = max_bytes
        self.truncated = self.resent = False
        self.sent_at = 0.0
        if method != self.method:
            if self.method not in ("GET", "HEAD"):
                easy.unsetopt(pycurl.CUSTOMREQUEST)
            if method == "HEAD":
                easy.setopt(pycurl.NOBODY, 1)
            else:
                easy.setopt(pycurl.HTTPGET, 1)
                if method != "GET":
                    easy.setopt(pycurl.CUSTOMREQUEST, method)
            self.method = method
        if accept_encoding != self.encoding:
            easy.setopt(pycurl.ACCEPT_ENCODING, accept_encoding)
            self.encoding = accept_encoding
        easy.setopt(pycurl.URL, url)
        easy.setopt(pycurl.HTTPHEADER, header_lines)
        self.multi.add_handle(easy)
        try:
            aborted, code, detail = self._drive()
        except pycurl.error as exc:
            aborted, code, detail = CONNECTION, -1, _words(exc)
        finally:
            self.multi.remove_handle(easy)
        return self._result(aborted, code, detail)

    def _drive(self) -> tuple[str | None, int, str]:
        """Run the transfer to its end; (our abort's error id or None, libcurl's code,
        libcurl's words)."""
        multi, poller, lines = self.multi, self.poller, self.lines
        monotonic = time.monotonic
        read_timeout = self.read_timeout
        deadline = monotonic() + self.max_seconds
        seen = -1
        idle_from = 0.0
        running = multi.socket_action(pycurl.SOCKET_TIMEOUT, 0)[1]
        while running:
            now = monotonic()
            if now >= deadline:
                return DEADLINE, 0, ""
            until = deadline
            if self.sent_at:  # the read timeout runs from the request on, reset by each byte
                mark = len(lines) + len(self.body)
                if mark != seen:
                    seen = mark
                    idle_from = max(now, self.sent_at) if mark else self.sent_at
                if now - idle_from >= read_timeout:
                    return (STALLED if parse_head(lines)[2] else READ_TIMEOUT), 0, ""
                until = min(until, idle_from + read_timeout)
            wait = until - now
            wanted = multi.timeout()
            if 0 <= wanted < wait * 1000:
                wait = wanted / 1000
            events = poller.poll(math.ceil(wait * 1000))
            if not events:
                running = multi.socket_action(pycurl.SOCKET_TIMEOUT, 0)[1]
                continue
            for fd, ev in events:
                mask = pycurl.CSELECT_IN if ev & _READABLE else 0
                if ev & _POLLOUT:
                    mask |= pycurl.CSELECT_OUT
                if ev & _POLLERR:
                    mask |= pycurl.CSELECT_ERR
                running = multi.socket_action(fd, mask)[1]
                if not running:
                    break
        _, _, failed = multi.info_read()
        if failed:
            return None, failed[0][1], failed[0][2]
        return None, 0, ""

    def _result(self, aborted: str | None, code: int, detail: str) -> Exchange:
        easy = self.easy
        ex = Exchange(detail=detail)
        if self.lines:
            headers, cookies, complete = parse_head(self.lines)
            if complete:
                ex.status = easy.getinfo(pycurl.RESPONSE_CODE) or None
                ex.headers = headers
                ex.set_cookies = cookies
        ex.content = bytes(self.body)
        ex.truncated = self.truncated
        if aborted is not None:
            ex.error = aborted
        elif self.resent:
            ex.error, ex.detail = RESET, "the server closed the kept-alive connection without answering"
        elif code == pycurl.E_WRITE_ERROR and self.truncated:
            pass  # cut at the size cap: a usable answer, the connection not reusable
        elif code:
            ex.error = _CODES.get(code, CONNECTION)
            if code == pycurl.E_COULDNT_CONNECT and easy.getinfo(pycurl.OS_ERRNO) == errno.ECONNREFUSED:
                ex.error = REFUSED
        else:
            ex.reusable = True
        return ex

    def close(self) -> None:
        self.multi.close()
        self.easy.close()


def _words(exc: Exception) -> str:
    args = getattr(exc, "args", ())
    return str(args[1]) if len(args) > 1 else str(exc)


_POOLS: weakref.WeakSet[CurlPool] = weakref.WeakSet()
_INHERITED: list[_Handle] = []  # a forked child's handles of its parent: kept, never freed


class CurlPool:
    """Kept-alive libcurl handles for one host (at most `size` idle). Thread-safe; a
    handle serves one thread at a time."""

    def __init__(
        self,
        size: int,
        *,
        connect_timeout: float,
        read_timeout: float,
        max_seconds: float,
        ca_bundle: str | None = None,
        accept_encoding: str = "gzip, deflate",
    ):
        if not AVAILABLE:
            raise RuntimeError("pycurl is not installed")
        self.size = size
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_seconds = max_seconds
        self.ca_bundle = ca_bundle
        self.accept_encoding = decodable_encodings(accept_encoding)
        self.created = 0  # handles made (each makes its own connection)
        self._idle: list[_Handle] = []
        self._busy: set[_Handle] = set()
        self._lock = threading.Lock()
        self._pid = os.getpid()
        _POOLS.add(self)

    def exchange(
        self, method: str, url: str, header_lines: list[bytes], max_bytes: int, accept_encoding: str | None = None
    ) -> Exchange:
        """One request (see the module docstring). `header_lines` are "Name: value"
        strings, Accept-Encoding left out: `accept_encoding` (default: the pool's) is both
        sent and decoded."""
        handle = self._take()
        ex = None
        try:
            ex = handle.run(method, url, header_lines, max_bytes, accept_encoding or self.accept_encoding)
            return ex
        finally:
            self._give(handle, ex is not None and ex.reusable)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        if self._pid == os.getpid():
            for handle in idle:
                handle.close()

    def _take(self) -> _Handle:
        if self._pid != os.getpid():
            self._forget_parent()
        with self._lock:
            if self._idle:
                handle = self._idle.pop()
            else:
                self.created += 1
                handle = None
        if handle is None:
            handle = _Handle(self)
        self._busy.add(handle)
        return handle

    def _give(self, handle: _Handle, reusable: bool) -> None:
        self._busy.discard(handle)
        if self._pid != os.getpid():  # forked meanwhile (the exchange was the parent's)
            return
        if reusable:
            with self._lock:
                if len(self._idle) < self.size:
                    self._idle.append(handle)
                    return
        handle.close()

    def _forget_parent(self) -> None:
        """In a forked child: set the parent's handles aside (see the module docstring)."""
        self._lock = threading.Lock()  # it may have been held by a thread the child lacks
        _INHERITED.extend(self._idle)
        _INHERITED.extend(self._busy)  # in use by the parent's threads at the fork
        self._idle = []
        self._busy = set()
        self._pid = os.getpid()


def _after_fork_in_child() -> None:
    for pool in list(_POOLS):
        if pool._pid != os.getpid():
            pool._forget_parent()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
