"""A crawl split over several processes: the same store as a one-process crawl, per-host
politeness across the processes, no worker left behind when the parent is killed, and a
killed multi-process crawl resumed to the same store."""

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest

from gkcheck.crawl.config import parse_sites
from gkcheck.crawl.crawler import crawl
from gkcheck.crawl.fetch import Fetcher
from gkcheck.crawl.fixture_server import Fault, FixtureServer
from gkcheck.crawl.hostgate import HostGate
from gkcheck.crawl.progress import LogProgress
from gkcheck.crawl.workers import plan_processes, share_hosts

from crawl_helpers import REPO, SITES, count_pages, snapshot

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked (Linux)")

# three units of the demo site, each served by its own server (its own host:port)
COLUMNS = {
    "市民政局": [
        ("社会救助", "/mzj/zfxxgk/shjz/index.html", "trs", True),
        ("政策文件", "/mzj/zfxxgk/zcwj/index.html", "trs", True),
        ("政策解读", "/mzj/zfxxgk/zcjd/index.html", "trs", True),
        ("通知公告", "/mzj/zfxxgk/tzgg/index.html", "trs", False),
    ],
    "市教育和体育局": [
        ("政策文件", "/jtj/col/col2301/index.html", "hanweb", True),
        ("政策解读", "/jtj/col/col2302/index.html", "hanweb", True),
        ("通知公告", "/jtj/col/col2303/index.html", "hanweb", False),
    ],
    "市人力资源和社会保障局": [("通知公告", "/rsj/xxgk/tzgg/", "generic", False)],
}


def _config(bases: list[str]) -> dict:
    units = []
    for base, (unit, cols) in zip(bases, COLUMNS.items()):
        units.append(
            {
                "unit": unit,
                "columns": [
                    {"name": n, "url": base + path, "profile": prof, "bodies": bodies} for n, path, prof, bodies in cols
                ],
            }
        )
    return {"defaults": {"concurrency_per_host": 2, "delay": 0, "timeout": [2, 5]}, "units": units}


def _servers(stack: ExitStack, n: int, faults=()) -> list[FixtureServer]:
    return [stack.enter_context(FixtureServer(SITES, faults=list(faults))) for _ in range(n)]


def test_plan_and_share_hosts():
    sites = parse_sites(_config(["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"]))
    units = list(sites.units)
    assert plan_processes(None, units) == min(os.cpu_count() or 1, 4, 3)  # 8 columns: one process per core
    assert plan_processes(2, units) == 2
    assert plan_processes(9, units) == 3  # never more processes than hosts
    assert plan_processes(None, units[:1]) == 1  # a small crawl stays in one process
    # the largest host first, each to the least loaded worker
    assert share_hosts(units, 2) == {"127.0.0.1:1": 0, "127.0.0.1:2": 1, "127.0.0.1:3": 1}


def test_multi_process_crawl_gives_the_same_store_as_one_process(tmp_path):
    with ExitStack() as stack:
        servers = _servers(stack, 3)
        sites = parse_sites(_config([s.url for s in servers]))
        one = crawl(sites, tmp_path / "one.db", processes=1)
        for s in servers:
            s.requests.clear()
        progress = LogProgress(open(os.devnull, "w", encoding="utf-8"), verbose=False)
        three = crawl(sites, tmp_path / "three.db", processes=3, progress=progress)
        served = [len(s.requests) for s in servers]
    assert one.processes == 1 and three.processes == 3
    a, b = snapshot(tmp_path / "one.db"), snapshot(tmp_path / "three.db")
    assert a["crawls"] == b["crawls"] == [("done",)]
    for key in ("posts", "sightings", "pages", "bodies", "columns", "contents", "files"):
        assert a[key] == b[key], key
    assert len(b["columns"]) == 8 and all(c[3] == "ok" for c in b["columns"])
    assert len(b["posts"]) > 60 and len(b["bodies"]) > 40
    # the same work, counted the same way, summed over the workers
    for name in ("pages", "list_pages", "body_pages", "posts", "columns_ok", "requests", "files_checked", "bytes"):
        assert getattr(one, name) == getattr(three, name), name
    assert one.error_count == three.error_count == 0
    assert sum(served) == three.requests  # robots.txt once per host, every page once
    # progress events came back from the workers to this process
    assert progress.pages == three.pages and progress.columns == 8


def test_host_gate_holds_concurrency_across_processes(tmp_path):
    (tmp_path / "a.html").write_text("<html><body>x</body></html>", encoding="utf-8")
    ctx = mp.get_context("fork")
    with FixtureServer(tmp_path, faults=[Fault("/a.html", "slow", delay=0.1)]) as server:
        host = f"{server.host}:{server.port}"
        sites = parse_sites({"defaults": {"robots": False, "delay": 0}, "units": [{"unit": "u", "columns": [
            {"name": "c", "url": f"{server.url}/a.html"}]}]})  # fmt: skip
        gate = HostGate(ctx, {host}, 2)

        def work():
            fetcher = Fetcher(sites.defaults, {host}, concurrency=2, delay=0, gate=gate)
            ok = all(fetcher.fetch(f"{server.url}/a.html?n={i}").ok for i in range(4))
            os._exit(0 if ok else 1)

        procs = [ctx.Process(target=work) for _ in range(3)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0, 0]
        assert len(server.requests) == 12
        assert server.max_inflight == 2  # 3 processes, 2 threads' worth of slots in all


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_killed_multi_process_crawl_leaves_no_worker_and_resumes_exactly(tmp_path):
    killed, whole = tmp_path / "killed.db", tmp_path / "whole.db"
    with ExitStack() as stack:
        servers = _servers(stack, 3, faults=[Fault("*", "slow", delay=0.03)])
        config = tmp_path / "sites.yaml"
        import yaml

        config.write_text(yaml.safe_dump(_config([s.url for s in servers]), allow_unicode=True), encoding="utf-8")
        cmd = [sys.executable, "-m", "gkcheck.crawl", str(config), "--store", str(killed), "-q", "--processes", "3"]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while count_pages(killed) < 20:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the crawl made no progress"
            time.sleep(0.01)
        workers = _children(proc.pid)
        assert len(workers) == 3
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stderr.close()
        end = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < end:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "a worker outlived its parent"
        at_kill = count_pages(killed)
        time.sleep(0.3)
        assert count_pages(killed) == at_kill  # nobody writes any more

        done = subprocess.run([*cmd, "--resume"], cwd=REPO, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode()
        sites = parse_sites(_config([s.url for s in servers]))
        crawl(sites, whole, processes=1)
    a, b = snapshot(killed), snapshot(whole)
    assert a["crawls"] == b["crawls"] == [("done",)]
    for key in ("posts", "sightings", "pages", "bodies", "columns", "contents", "files"):
        assert a[key] == b[key], key
