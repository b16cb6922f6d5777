"""The Fetcher's two transports for direct requests, libcurl (pycurl) and urllib3, against
real servers on 127.0.0.1: the same answers, the same failures in the same words.

Every test that can runs once per transport (GKCHECK_HTTP picks it, as in production)."""

import gzip
import os
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest

from gkcheck.crawl import curl_transport
from gkcheck.crawl.config import Defaults
from gkcheck.crawl.fetch import Fetcher
from gkcheck.crawl.fixture_server import Fault, FixtureServer

needs_curl = pytest.mark.skipif(not curl_transport.AVAILABLE, reason="pycurl is not installed")
TRANSPORTS = [pytest.param("curl", marks=needs_curl), "urllib3"]

PAGE = '<html><head><meta charset="utf-8"><title>通知</title></head><body><p>城市低保标准为每人每月925元。</p></body></html>'
GBK_PAGE = '<html><head><meta charset="gb2312"></head><body><p>联系人王堃，社会救助服务热线。</p></body></html>'


@pytest.fixture(params=TRANSPORTS)
def transport(request, monkeypatch):
    monkeypatch.setenv("GKCHECK_HTTP", request.param)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    return request.param


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "col").mkdir(parents=True)
    for i in range(6):
        (root / "col" / f"a{i}.html").write_text(PAGE.replace("925", f"92{i}"), encoding="utf-8")
    (root / "gbk.html").write_bytes(GBK_PAGE.encode("gbk"))
    (root / "gz").mkdir()
    (root / "gz" / "page.html").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (root / "login.html").write_text(PAGE, encoding="utf-8")
    (root / "big.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 100_000)
    (root / "_headers").write_text(
        "/gz/*\n  Content-Encoding: gzip\n/login.html\n  Set-Cookie: sid=abc123; Path=/\n", encoding="utf-8"
    )
    return root


def _fetcher(server, **defaults) -> Fetcher:
    d = Defaults(**{"robots": False, "delay": 0, "retries": 0, "backoff": 0, **defaults})
    return Fetcher(d, {f"{server.host}:{server.port}"})


def _count_connections(server: FixtureServer) -> list:
    """The client addresses of the connections the server accepts from now on."""
    seen = []
    accept = server.httpd.process_request

    def counting(request, client_address):
        seen.append(client_address)
        return accept(request, client_address)

    server.httpd.process_request = counting
    return seen


def test_transport_is_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("GKCHECK_HTTP", "urllib3")
    assert Fetcher(Defaults(), {"127.0.0.1"}).transport == "urllib3"
    monkeypatch.delenv("GKCHECK_HTTP")
    expected = "curl" if curl_transport.AVAILABLE else "urllib3"
    assert Fetcher(Defaults(), {"127.0.0.1"}).transport == expected
    monkeypatch.setattr(curl_transport, "AVAILABLE", False)  # pycurl missing: urllib3, silently
    assert Fetcher(Defaults(), {"127.0.0.1"}).transport == "urllib3"


def test_without_pycurl_the_fetch_works_through_urllib3(site, monkeypatch):
    monkeypatch.delenv("GKCHECK_HTTP", raising=False)
    monkeypatch.setattr(curl_transport, "AVAILABLE", False)
    with FixtureServer(site) as server:
        with _fetcher(server) as f:
            r = f.fetch(f"{server.url}/col/a1.html")
        assert f.transport == "urllib3" and r.ok and "每人每月921元" in r.text


# ------------------------------------------------------------------ answers


def test_gzip_is_decoded_and_default_headers_are_sent(site, transport):
    with FixtureServer(site) as server:
        with _fetcher(server) as f:
            r = f.fetch(f"{server.url}/gz/page.html")
        assert r.ok and r.content == PAGE.encode("utf-8") and r.content_type == "text/html"
        sent = server.requests[-1].headers
        assert "gzip" in sent["accept-encoding"] and "deflate" in sent["accept-encoding"]
        assert sent["user-agent"].startswith("gkcheck/")
        assert sent["accept"].startswith("text/html") and sent["accept-language"] == "zh-CN,zh;q=0.9"
        assert sent["host"] == f"127.0.0.1:{server.port}"


def test_gbk_page_bytes_arrive_unchanged(site, transport):
    with FixtureServer(site, faults=[Fault("/lie.html", "charset", charset="UTF-8")]) as server:
        shutil.copy(site / "gbk.html", site / "lie.html")
        with _fetcher(server) as f:
            plain = f.fetch(f"{server.url}/gbk.html")
            lying = f.fetch(f"{server.url}/lie.html")
    assert plain.content == GBK_PAGE.encode("gbk") and lying.content == GBK_PAGE.encode("gbk")
    assert lying.content_type == "text/html; charset=UTF-8" and "王堃" in lying.text


def test_conditional_requests_get_304(site, transport):
    with FixtureServer(site) as server:
        with _fetcher(server) as f:
            first = f.fetch(f"{server.url}/col/a2.html")
            assert first.ok and first.etag and first.last_modified
            again = f.fetch(f"{server.url}/col/a2.html", etag=first.etag)
            since = f.fetch(f"{server.url}/col/a2.html", last_modified=first.last_modified)
        assert again.status == 304 and again.not_modified and not again.failed and again.content == b""
        assert again.etag == first.etag and again.error_kind is None
        assert since.status == 304 and since.not_modified
        asked = server.requests[-2:]
        assert asked[0].headers["if-none-match"] == first.etag
        assert asked[1].headers["if-modified-since"] == first.last_modified


def test_cookies_set_by_one_page_are_sent_with_the_next(site, transport):
    with FixtureServer(site) as server:
        with _fetcher(server) as f:
            assert f.fetch(f"{server.url}/col/a1.html").ok and "cookie" not in server.requests[-1].headers
            assert f.fetch(f"{server.url}/login.html").ok
            assert f.fetch(f"{server.url}/col/a2.html").ok
        assert server.requests[-1].headers["cookie"] == "sid=abc123"


def test_redirect_chain_and_offsite_redirect(site, transport):
    faults = [
        Fault("/r1.html", "redirect", location="/r2.html"),
        Fault("/r2.html", "redirect", location="/col/a4.html"),
        Fault("/away.html", "redirect", location="http://example.net/x.html"),
        Fault("/loop.html", "redirect"),
    ]
    with FixtureServer(site, faults=faults) as server:
        with _fetcher(server) as f:
            chain = f.fetch(f"{server.url}/r1.html")
            away = f.fetch(f"{server.url}/away.html")
            loop = f.fetch(f"{server.url}/loop.html")
        assert chain.ok and chain.final_url == f"{server.url}/col/a4.html"
        assert chain.redirects == [f"{server.url}/r2.html", f"{server.url}/col/a4.html"]
        assert "每人每月924元" in chain.text
        assert away.error_kind == "offsite" and "重定向到配置之外的网站" in away.error and "example.net" in away.error
        assert loop.error_kind == "redirect_loop"
        assert server.hits("/r1.html") == 1 and server.hits("/r2.html") == 1 and server.hits("/loop.html") == 1


def test_head_request_and_range_fallback(site, transport):
    with FixtureServer(site, faults=[Fault("/big.pdf", "status", status=405, times=1)]) as server:
        with _fetcher(server) as f:
            head = f.check_link(f"{server.url}/col/a1.html")
            fallback = f.check_link(f"{server.url}/big.pdf")
        assert head.ok and head.method == "HEAD" and head.status == 200 and head.content == b""
        assert head.content_type == "text/html" and head.etag
        assert fallback.ok and fallback.method == "GET" and fallback.status == 200
        assert fallback.error_kind is None and not fallback.truncated and fallback.attempts == 2
        methods = [(r.method, r.headers.get("range")) for r in server.requests]
        assert methods == [("HEAD", None), ("HEAD", None), ("GET", "bytes=0-0")]


def test_huge_page_is_cut_at_the_cap_while_streaming(site, transport):
    with FixtureServer(site, faults=[Fault("/huge.html", "huge", size=50_000_000)]) as server:
        conns = _count_connections(server)
        with _fetcher(server, max_bytes=300_000) as f:
            tracemalloc.start()
            t0 = time.monotonic()
            r = f.fetch(f"{server.url}/huge.html")
            elapsed = time.monotonic() - t0
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            after = f.fetch(f"{server.url}/col/a1.html")
    assert r.status == 200 and r.truncated and r.error_kind == "too_large" and r.ok
    assert len(r.content) == 300_000 and r.content.startswith(b"<!DOCTYPE html>")
    assert r.error == "页面超过大小上限 300,000 字节，已截断（声明大小 50,000,000 字节）"
    assert peak < 5_000_000 and elapsed < 5  # never the 50 MB page whole
    assert after.ok and len(conns) == 2  # the cut answer's connection was not reused


# ------------------------------------------------------------------ failures


def test_slow_answer_times_out_on_the_read_timeout(site, transport):
    with FixtureServer(site, faults=[Fault("/slow.html", "slow", delay=0.8)]) as server, _fetcher(
        server, timeout=(1, 0.3)
    ) as f:
        t0 = time.monotonic()
        r = f.fetch(f"{server.url}/slow.html")
        elapsed = time.monotonic() - t0
    assert r.error_kind == "timeout" and r.error == "读取超时（0.3 秒内无响应）" and r.status is None
    assert 0.25 < elapsed < 0.75


def test_stalled_body_times_out_and_drip_feed_hits_the_deadline(site, transport):
    faults = [Fault("/stall.html", "drip", delay=0.6, size=30), Fault("/drip.html", "drip", delay=0.005, size=150)]
    with FixtureServer(site, faults=faults) as server:
        with _fetcher(server, timeout=(1, 0.2)) as f:
            stalled = f.fetch(f"{server.url}/stall.html")
        with _fetcher(server, timeout=(1, 1), max_seconds=0.5) as f:
            t0 = time.monotonic()
            drip = f.fetch(f"{server.url}/drip.html")
            elapsed = time.monotonic() - t0
    assert stalled.error_kind == "timeout" and stalled.error == "读取超时（0.2 秒内无数据）"
    assert stalled.status == 200 and stalled.content == b""
    assert drip.error_kind == "timeout" and drip.error == "超过单页总时限 0.5 秒，已放弃" and drip.content == b""
    if transport == "curl":  # urllib3 checks the deadline only between its 64 KB reads
        assert elapsed < 1.0


class RawServer:
    """A one-answer-per-connection server on 127.0.0.1 that breaks its answers on purpose:
    `reset` sends the head and part of the body then resets the connection, `short`
    closes it before the declared length, `hangup` closes it without answering, `garbage`
    answers with no HTTP at all."""

    def __init__(self, mode: str):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                self.requests += 1
                if self.mode == "garbage":
                    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
                elif self.mode != "hangup":
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n" + b"<p>x</p>" * 200
                    )
                    time.sleep(0.1)
                if self.mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def close(self):
        self.sock.close()


@pytest.mark.parametrize(
    "mode, kind, words, status",
    [
        ("reset", "reset", "连接被服务器重置或中断", 200),
        ("short", "reset", "传输中断（响应不完整）", 200),
        ("hangup", "reset", "连接被服务器重置或中断", None),
        ("garbage", "reset", "连接被服务器重置或中断", None),
    ],
)
def test_broken_answers(transport, mode, kind, words, status):
    raw = RawServer(mode)
    try:
        with Fetcher(Defaults(robots=False, delay=0, retries=1, backoff=0), {f"127.0.0.1:{raw.port}"}) as f:
            r = f.fetch(f"http://127.0.0.1:{raw.port}/a.html")
    finally:
        raw.close()
    assert (r.error_kind, r.error, r.status, r.content) == (kind, words, status, b"")
    assert r.attempts == 2 and raw.requests == 2


def test_reset_on_a_kept_alive_connection_is_not_resent_silently(site, transport):
    with FixtureServer(site, faults=[Fault("/reset.html", "reset")]) as server:
        with _fetcher(server, retries=1) as f:
            assert f.fetch(f"{server.url}/col/a1.html").ok  # a connection kept alive
            r = f.fetch(f"{server.url}/reset.html")
        assert r.error_kind == "reset" and r.error == "连接被服务器重置或中断" and r.attempts == 2
        assert server.hits("/reset.html") == 2  # one request per attempt, as the retries count them


def test_connection_refused(transport):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    with Fetcher(Defaults(robots=False, delay=0, retries=0), {f"127.0.0.1:{port}"}) as f:
        r = f.fetch(f"http://127.0.0.1:{port}/a.html")
    assert (r.error_kind, r.error, r.status, r.attempts) == ("connection", "无法连接：连接被拒绝", None, 1)


def test_invalid_port_is_an_invalid_url(transport):
    with Fetcher(Defaults(robots=False, delay=0), {"127.0.0.1:99999"}) as f:
        r = f.fetch("http://127.0.0.1:99999/a.html")
    assert r.error_kind == "invalid_url" and r.error.startswith("网址无效：") and r.attempts == 1


@needs_curl
def test_every_curl_error_is_worded_as_urllib3_words_it():
    f = Fetcher(Defaults(timeout=(2, 3), max_seconds=9), {"127.0.0.1"})
    ct = curl_transport
    words = {
        ct.CONNECT_TIMEOUT: ("timeout", "连接超时（2 秒）", True),
        ct.READ_TIMEOUT: ("timeout", "读取超时（3 秒内无响应）", True),
        ct.STALLED: ("timeout", "读取超时（3 秒内无数据）", True),
        ct.DEADLINE: ("timeout", "超过单页总时限 9 秒，已放弃", True),
        ct.REFUSED: ("connection", "无法连接：连接被拒绝", True),
        ct.UNRESOLVED: ("connection", "无法连接：域名无法解析", True),
        ct.RESET: ("reset", "连接被服务器重置或中断", True),
        ct.BROKEN: ("reset", "传输中断（响应不完整）", True),
        ct.INVALID_URL: ("invalid_url", "网址无效：bad", False),
        ct.CONNECTION: ("connection", "无法连接：bad", True),
    }
    from gkcheck.crawl.fetch import FetchResult

    for error, (kind, text, retry) in words.items():
        res = FetchResult(url="u", final_url="u", content=b"x")
        assert f._curl_error(res, ct.Exchange(error=error, detail="bad")) is retry
        assert (res.error_kind, res.error, res.content) == (kind, text, b""), error


@needs_curl
def test_only_encodings_libcurl_decodes_are_asked_for():
    assert curl_transport.decodable_encodings("gzip, deflate") == "gzip, deflate"
    assert curl_transport.decodable_encodings("gzip,compress") == "gzip"
    assert curl_transport.decodable_encodings("compress") == "identity"


# ------------------------------------------------------------------ connections


def test_keep_alive_reuses_at_most_concurrency_connections(site, transport):
    with FixtureServer(site, faults=[Fault("/col/*", "slow", delay=0.05)]) as server:
        conns = _count_connections(server)
        with _fetcher(server, concurrency_per_host=2) as f:
            for i in range(6):
                assert f.fetch(f"{server.url}/col/a{i}.html").ok
            assert len(conns) == 1
            with ThreadPoolExecutor(6) as pool:
                results = list(pool.map(lambda i: f.fetch(f"{server.url}/col/a{i % 6}.html"), range(12)))
            assert all(r.ok and f"每人每月92{i % 6}元" in r.text for i, r in enumerate(results))
            assert len(conns) == 2 and server.max_inflight == 2
            assert f.check_link(f"{server.url}/col/a1.html").method == "HEAD"  # HEAD keeps it alive
            assert f.fetch(f"{server.url}/col/a1.html").ok and len(conns) == 2
        assert f.requests_made == 6 + 12 + 2


@needs_curl
def test_forked_child_never_uses_the_parents_connections(site, monkeypatch):
    monkeypatch.setenv("GKCHECK_HTTP", "curl")
    with FixtureServer(site) as server:
        conns = _count_connections(server)
        f = _fetcher(server)
        assert f.fetch(f"{server.url}/col/a1.html").ok and len(conns) == 1
        pid = os.fork()
        if pid == 0:  # the child: its own connection, the parent's left alone
            ok = False
            try:
                ok = f.fetch(f"{server.url}/col/a2.html").ok and f.fetch(f"{server.url}/col/a3.html").ok
                f.close()
            finally:
                os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert f.fetch(f"{server.url}/col/a4.html").ok
        f.close()
    assert len(conns) == 2  # the parent's, reused after the fork, and the child's one


# ------------------------------------------------------------------ TLS and proxies


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls_is_verified_against_the_configured_bundle(site, transport, certificate, monkeypatch):
    cert, key = certificate
    server = FixtureServer(site)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.httpd.socket = ctx.wrap_socket(server.httpd.socket, server_side=True)
    url = f"https://127.0.0.1:{server.port}/col/a5.html"
    with server:
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
        with Fetcher(Defaults(robots=False, delay=0, retries=0), {f"127.0.0.1:{server.port}"}) as f:
            trusted = f.fetch(url)
        monkeypatch.delenv("REQUESTS_CA_BUNDLE")  # certifi's bundle does not know it
        with Fetcher(Defaults(robots=False, delay=0, retries=0), {f"127.0.0.1:{server.port}"}) as f:
            untrusted = f.fetch(url)
    assert trusted.ok and "每人每月925元" in trusted.text
    assert untrusted.error_kind == "connection" and untrusted.error.startswith("无法连接：") and untrusted.status is None


def test_proxy_from_the_environment_is_used(site, transport, tmp_path, monkeypatch):
    proxy_root = tmp_path / "proxy"
    (proxy_root / "col").mkdir(parents=True)
    (proxy_root / "col" / "a1.html").write_text("<p>经由代理</p>", encoding="utf-8")
    with FixtureServer(site) as origin, FixtureServer(proxy_root) as proxy:  # it answers proxy requests itself
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with _fetcher(origin) as f:
            r = f.fetch(f"{origin.url}/col/a1.html")
        assert r.ok and "经由代理" in r.text
        assert proxy.hits("/col/a1.html") == 1 and origin.hits("/col/a1.html") == 0
