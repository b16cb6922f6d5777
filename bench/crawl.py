"""Crawl benchmark: the crawler against 20 slow loopback hosts, and against linkchecker.

A site of 20 hosts (127.0.0.1 … 127.0.0.20, each its own address, one port) is generated
in a temp folder: per host one unit with 2 TRS columns of 3 list pages (createPageHTML
paging) and 16 posts a page, so 6 list pages and 96 post pages = 102 pages a host.
A server in a child process serves it; every answer (304 and robots.txt included) waits
50 ms first. By default that is bench/loopback_server.py: one asyncio loop answering
from memory, about 0.3 ms of CPU a request, because the server runs on the same two
cores as the crawler and a real site's server does not; `--server fixture` uses the
test suite's threaded gkcheck.crawl.fixture_server instead (about 1 ms a request, the
figures of sessions 2-4). Both send the same status lines and headers, so the byte counts
agree. The crawler runs with delay 0 and 2 requests at once per host. Printed:

- pages, seconds, pages/s of the crawl, and the bound: hosts × per-host concurrency ÷
  latency (20 × 2 ÷ 0.05 s = 800 pages/s), with the crawl's share of it (target ≥ 70 %);
  the processes the crawl ran in (`--processes`, default: the crawler's own choice), the
  CPU the crawl used per page (this process and the crawl's worker processes), the CPU
  the server's process used per request (it runs on the same cores), with the lean server
  the mean time from an answer to the same connection's next request (the crawler's own
  time per page as the server sees it; each request's turn is the latency plus this), and
  the load average (the machine may be shared: compare CPU per page, not seconds, between
  runs);
- linkchecker on the same site (every host's front page, which links the columns; list
  pages also carry a plain "下一页" link for it), at most 2 requests at once per host
  (threads = hosts × 2, maxrequestspersecond = 2 ÷ latency), its URLs/s; skipped with a
  note if linkchecker is not installed (`pip install -e ".[bench]"`). linkchecker keeps
  0.1–0.6 s between two requests to a host unless the server answers with a
  `LinkChecker` header; for its run (only) the server sends one, so that the configured
  rate applies;
- the bytes the server sent (status lines, headers, bodies) for the first crawl and for
  a second crawl of the unchanged site into the same store (conditional requests,
  answered 304), and their ratio (target < 10 %).

    python bench/crawl.py
    python bench/crawl.py --hosts 5 --latency 0.02     # smaller and quicker
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CONCURRENCY = 2
COLUMNS = 2  # per host
LIST_PAGES = 3  # per column
POSTS_PER_PAGE = 16
TARGET_SHARE = 0.70
TARGET_RECRAWL = 0.10

_PARA = (
    "为进一步做好城乡最低生活保障工作，切实保障困难群众基本生活，根据《社会救助暂行办法》"
    "和省、市有关规定，结合本地实际，现就有关事项通知如下。"
)


# -- the site --------------------------------------------------------------------------


def _list_page(host: int, col: int, page: int) -> str:
    items = []
    for i in range(POSTS_PER_PAGE):
        n = (page * POSTS_PER_PAGE) + i
        day = 28 - (n % 28)
        month = 12 - (n // 28) % 12
        href = f"2024{month:02d}/t2024{month:02d}{day:02d}_{host:02d}{col}{n:03d}.html"
        title = f"关于第{host}单位第{col}栏目第{n + 1}号政务信息公开事项的通知"
        items.append(f'<li><a href="{href}" title="{title}">{title}</a><span>2024-{month:02d}-{day:02d}</span></li>')
    name = "index" if page == 0 else f"index_{page}"
    nxt = f'<a href="index_{page + 1}.html">下一页</a>' if page + 1 < LIST_PAGES else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>栏目</title></head><body>'
        '<div class="nav"><a href="../index.html">首页</a></div>'
        f'<ul class="list">{"".join(items)}</ul>'
        f'<div class="page"><script>createPageHTML({LIST_PAGES}, {page}, "index", "html");</script>{nxt}</div>'
        f"<!-- {name} --></body></html>"
    )


def _post_page(title: str, date: str) -> str:
    paras = "".join(f"<p>{_PARA}（{k + 1}）</p>" for k in range(8))
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="PubDate" content="{date}"></head><body>'
        f'<div class="nav"><a href="../../index.html">首页</a></div>'
        f'<h1>{title}</h1><div class="TRS_Editor">{paras}</div></body></html>'
    )


def make_site(root: Path, hosts: int) -> int:
    """Write the site (root/h01 … root/hNN); the number of pages the crawl should fetch."""
    pages = 0
    for h in range(1, hosts + 1):
        hroot = root / f"h{h:02d}"
        cols = []
        for c in range(1, COLUMNS + 1):
            cdir = hroot / f"col{c}"
            cols.append(f'<li><a href="col{c}/index.html">栏目{c}</a></li>')
            for p in range(LIST_PAGES):
                html = _list_page(h, c, p)
                (cdir).mkdir(parents=True, exist_ok=True)
                (cdir / ("index.html" if p == 0 else f"index_{p}.html")).write_text(html, encoding="utf-8")
                pages += 1
                for href, title, date in re.findall(r'<a href="(2024[^"]+)" title="([^"]+)">[^<]*</a><span>([^<]+)<', html):
                    f = cdir / href
                    f.parent.mkdir(parents=True, exist_ok=True)
                    f.write_text(_post_page(title, date), encoding="utf-8")
                    pages += 1
        # with the charset in the header linkchecker need not guess it (its guesser cannot
        # load its model once it has dropped root's privileges)
        (hroot / "_headers").write_text("/*\n  Content-Type: text/html; charset=utf-8\n", encoding="utf-8")
        (hroot / "index.html").write_text(
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>单位{h}</title></head>'
            f'<body><ul>{"".join(cols)}</ul></body></html>',
            encoding="utf-8",
        )
    return pages


def write_sites(path: Path, hosts: int, port: int) -> None:
    lines = [
        "defaults:",
        f"  concurrency_per_host: {CONCURRENCY}",
        "  delay: 0",
        "  timeout: [5, 15]",
        "  max_pages: 50",
        "units:",
    ]
    for h in range(1, hosts + 1):
        lines.append(f"  - unit: 基准单位{h:02d}")
        lines.append("    columns:")
        for c in range(1, COLUMNS + 1):
            lines.append(
                f'      - {{name: 栏目{c}, url: "http://127.0.0.{h}:{port}/col{c}/index.html", profile: trs, bodies: true}}'
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- the server (a child process) --------------------------------------------------------


def _serve(root: str, hosts: int, port: int, latency: float, sent, ready, stop, optin) -> None:
    from gkcheck.crawl.fixture_server import Fault, FixtureServer

    class Counting:
        """The handler's wfile, counting what is written."""

        def __init__(self, raw):
            self.raw = raw

        def write(self, data):
            n = self.raw.write(data)
            with sent.get_lock():
                sent.value += len(data)
            return n

        def __getattr__(self, name):
            return getattr(self.raw, name)

    servers = []
    for h in range(1, hosts + 1):
        fs = FixtureServer(Path(root) / f"h{h:02d}", host=f"127.0.0.{h}", port=port, faults=[Fault("*", "slow", delay=latency)])
        base = fs.httpd.RequestHandlerClass

        def setup(self, _base=base):
            _base.setup(self)
            self.wfile = Counting(self.wfile)

        def end_headers(self, _base=base):
            if optin.is_set():  # linkchecker's run: lift its own rate limit (see the docstring)
                self.send_header("LinkChecker", "maxrequestspersecond")
            _base.end_headers(self)

        # Nagle off, as web servers do: otherwise a body sent after its headers waits for
        # the client's delayed ACK (40 ms), nearly doubling every answer's latency
        fs.httpd.RequestHandlerClass = type(
            "CountingHandler", (base,), {"setup": setup, "end_headers": end_headers, "disable_nagle_algorithm": True}
        )
        servers.append(fs.start())
    ready.set()
    stop.wait()
    for fs in servers:
        fs.stop()


def _process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far, None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _own_cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended
    (the crawl's worker processes are joined before `crawl` returns; the server's process
    is joined only at the end, so it is not counted here)."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _free_port(hosts: int) -> int:
    import socket

    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ok = True
        for h in range(2, hosts + 1):
            with socket.socket() as s:
                try:
                    s.bind((f"127.0.0.{h}", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no free port on 127.0.0.1-20")


# -- linkchecker --------------------------------------------------------------------------


def run_linkchecker(hosts: int, port: int, latency: float, work: Path, expected: int, timeout: float = 120) -> tuple[int, float] | str:
    """(URLs checked, seconds), or why it could not run."""
    exe = shutil.which("linkchecker")
    if exe is None:
        return "linkchecker 未安装（pip install linkchecker），跳过对比"
    rc = work / "linkcheckerrc"
    rc.write_text(
        "[checking]\n"
        f"threads={hosts * CONCURRENCY}\n"
        f"maxrequestspersecond={CONCURRENCY / latency:g}\n"
        "timeout=15\n"
        "[output]\nstatus=0\n",
        encoding="utf-8",
    )
    rc.chmod(0o644)
    urls = [f"http://127.0.0.{h}:{port}/index.html" for h in range(1, hosts + 1)]
    t0 = time.monotonic()
    try:
        out = subprocess.run(
            [exe, "-f", str(rc), "--no-warnings", "-o", "text", *urls],
            capture_output=True, text=True, timeout=timeout, cwd=work,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"linkchecker 在 {timeout:g} 秒内未完成（{hosts} 个主机），即每秒不足 {expected / timeout:.1f} 个网址；未计入对比"
    except OSError as exc:
        return f"linkchecker 无法运行（{exc}），跳过对比"
    seconds = time.monotonic() - t0
    m = re.search(r"(\d+) links? in (\d+) URLs? checked", out.stdout + out.stderr)
    if m is None:
        return f"linkchecker 输出无法识别（退出码 {out.returncode}），跳过对比：{(out.stderr or out.stdout)[-300:]}"
    return int(m.group(2)), seconds


# -- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="gkcheck 抓取基准：20 个本机慢速主机上的抓取速度、条件请求节省的流量，与 linkchecker 对比")
    p.add_argument("--hosts", type=int, default=20, help="主机数（127.0.0.1 起，最多 250）")
    p.add_argument("--latency", type=float, default=0.05, help="每个响应附加的延迟（秒）")
    p.add_argument("--no-linkchecker", action="store_true", help="不运行 linkchecker 对比")
    p.add_argument("--linkchecker-timeout", type=float, default=300, help="linkchecker 最长运行秒数（默认 300）")
    p.add_argument("--processes", type=int, default=None, help="抓取进程数（默认由抓取程序按核数决定）")
    p.add_argument(
        "--server",
        choices=("lean", "fixture"),
        default="lean",
        help="lean：单事件循环、内存应答的基准服务器（默认）；fixture：测试用的线程式 fixture_server（每请求耗 CPU 更多，与爬虫争用同一批核）",
    )
    p.add_argument("--profile", action="store_true", help="对第一次抓取做 cProfile，打印耗时最多的函数（仅本进程）")
    a = p.parse_args(argv)

    from gkcheck.crawl.config import load_sites
    from gkcheck.crawl.crawler import crawl

    with tempfile.TemporaryDirectory(prefix="gkbench-crawl-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # linkchecker drops root privileges to nobody
        expected = make_site(work / "site", a.hosts)
        port = _free_port(a.hosts)
        write_sites(work / "sites.yaml", a.hosts, port)
        sites = load_sites(work / "sites.yaml")
        ctx = mp.get_context("spawn")
        sent = ctx.Value("q", 0)
        ready, stop, optin = ctx.Event(), ctx.Event(), ctx.Event()
        gaps = ctx.Array("d", 2)  # lean server: (seconds, count) from an answer to the next request
        args = (str(work / "site"), a.hosts, port, a.latency, sent, ready, stop, optin)
        if a.server == "lean":
            from bench.loopback_server import serve as serve_site

            args += (gaps,)
        else:
            serve_site = _serve
        server = ctx.Process(target=serve_site, args=args)
        server.start()
        try:
            if not ready.wait(30):
                print("服务器未能启动", file=sys.stderr)
                return 1
            store = work / "bench.db"
            bound = a.hosts * CONCURRENCY / a.latency
            if a.profile:
                import cProfile
                import pstats

                prof = cProfile.Profile()
                prof.enable()
            server0 = _process_cpu(server.pid)
            cpu0 = _own_cpu()
            first = crawl(sites, store, delay=0, concurrency=CONCURRENCY, processes=a.processes)
            cpu = _own_cpu() - cpu0
            server1 = _process_cpu(server.pid)
            if a.profile:
                prof.disable()
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            first_bytes = sent.value
            rate = first.pages / first.seconds
            print(
                f"抓取：页面={first.pages} （应为 {expected}） 用时={first.seconds:.2f}秒 每秒页数={rate:.1f} "
                f"上限={bound:.0f}页/秒（{a.hosts}主机×{CONCURRENCY}并发÷{a.latency * 1000:g}毫秒） "
                f"占上限={rate / bound:.0%} （目标≥{TARGET_SHARE:.0%}） 错误={first.error_count} 请求={first.requests} "
                f"进程={first.processes} "
                f"CPU={cpu:.2f}秒（每页 {cpu / max(first.pages, 1) * 1000:.1f} 毫秒，占墙钟 {cpu / first.seconds:.0%}）"
            )
            load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "未知"
            if server0 is not None and server1 is not None:
                srv = server1 - server0
                srv_text = f"{srv:.2f}秒（每请求 {srv / max(first.requests, 1) * 1000:.1f} 毫秒）"
            else:
                srv_text = "未知"
            if a.server == "lean" and gaps[1]:
                srv_text += f" 每页间隔（应答到该连接下一请求）平均 {gaps[0] / gaps[1] * 1000:.1f} 毫秒"
            print(f"服务器（{a.server}）进程CPU={srv_text} 处理器核数={os.cpu_count()} 负载均值={load}")
            sent.value = 0
            second = crawl(sites, store, delay=0, concurrency=CONCURRENCY, processes=a.processes)
            again_bytes = sent.value
            ratio = again_bytes / first_bytes if first_bytes else float("nan")
            print(
                f"流量：首次抓取={first_bytes}字节 再次抓取={again_bytes}字节 比例={ratio:.1%} （目标<{TARGET_RECRAWL:.0%}） "
                f"再次抓取未变化(304)={second.not_modified} 用时={second.seconds:.2f}秒"
            )
            if a.no_linkchecker:
                print("linkchecker：未运行（--no-linkchecker）")
            else:
                optin.set()
                lc = run_linkchecker(a.hosts, port, a.latency, work, expected + a.hosts, timeout=a.linkchecker_timeout)
                if isinstance(lc, str):
                    print(f"linkchecker：{lc}")
                else:
                    n, secs = lc
                    lrate = n / secs
                    verdict = "领先" if rate > lrate else "落后"
                    print(
                        f"linkchecker：网址={n} 用时={secs:.2f}秒 每秒网址数={lrate:.1f} 占上限={lrate / bound:.0%} "
                        f"gkcheck {verdict}（{rate / lrate:.2f} 倍）"
                    )
            ok = rate / bound >= TARGET_SHARE and ratio < TARGET_RECRAWL and first.pages == expected
            print("结论：" + ("达标" if ok else "未达标"))
        finally:
            stop.set()
            server.join(10)
            if server.is_alive():
                server.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
