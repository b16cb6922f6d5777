"""Crawl the configured columns into the store.

For each column: fetch its list pages (following the profile's pagination up to
max_pages, stopping on loops), record every page with the posts read from it, then, if
the column wants bodies, fetch each post's page and record its main text, links and
attachments, and last check each attachment link of those posts (HEAD, or a GET of the
first byte) or, for the PDF of an annual report whose page holds no table, download it
(size-capped, same hosts and politeness as pages). A column's post pages are fetched as
soon as its list is read (not after every column's); a post listed by several columns
is fetched once and recorded under the first of them in config order, however the
lists' reading interleaved. Each host's jobs run in order, as many at once as the host
allows (gkcheck.crawl.lanes). Pages are committed within milliseconds by the store's
writer thread (gkcheck.crawl.write_behind), so a crawl stopped at any point resumes with
`resume=True` where it stopped, fetching again the few pages not yet committed; a later
crawl sends conditional requests (If-None-Match / If-Modified-Since) and re-reads the
stored text on 304.

A crawl of many hosts is shared out among worker processes (one per core, up to 4; see
gkcheck.crawl.workers): each host in one process, the pages recorded the same as in one
process, under the one crawl id.

A column whose list could not be fetched completely (first page failed, a later page
failed, a page cut at the size cap) is recorded as `unreachable` with the reason, so
checks answer `unknown` for it and never report a post missing because a fetch failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gkcheck.crawl.body import Body, extract_body, is_attachment
from gkcheck.crawl.config import ColumnConfig, SitesConfig, UnitSites
from gkcheck.crawl.extract import ListItem, parse_list, unread_reason
from gkcheck.crawl.fetch import Fetcher, FetchResult, host_of
from gkcheck.crawl.lanes import Lanes
from gkcheck.crawl.reports import (
    has_report_tables,
    is_pdf,
    is_report_column,
    report_year,
)
from gkcheck.crawl.store import FileRecord, PageRecord, Store, page_cap_note
from gkcheck.crawl.workers import WorkerFailed, plan_processes
from gkcheck.errors import ConfigError, SourceError

log = logging.getLogger(__name__)


@dataclass
class CrawlStats:
    crawl_id: int = 0
    resumed: bool = False
    pages: int = 0  # pages fetched with a 2xx answer in this run (list and body)
    list_pages: int = 0
    body_pages: int = 0
    not_modified: int = 0  # 304 answers to conditional requests
    skipped: int = 0  # already fetched in the resumed crawl, not fetched again
    bytes: int = 0
    errors: Counter = field(default_factory=Counter)  # error kind -> pages
    notes: Counter = field(default_factory=Counter)  # page_cap, loop, offsite_link, offsite_page
    failures: list[dict] = field(default_factory=list)  # url, unit, column, kind, error
    columns_ok: int = 0
    columns_unreachable: int = 0
    columns_unread: int = 0  # fetched, but no post read and none said to be missing
    posts: int = 0  # posts listed (sum over columns)
    requests: int = 0  # HTTP requests sent, retries and redirects included
    seconds: float = 0.0
    files_checked: int = 0  # attachment links checked (HEAD, or a GET of the first byte)
    files_downloaded: int = 0  # attachments downloaded (annual reports' PDFs)
    files_not_modified: int = 0  # 304 answers to a file check or download
    files_broken: int = 0  # attachments that did not open (HTTP >= 400, no answer)
    files_skipped: int = 0  # already checked in the resumed crawl
    processes: int = 1  # processes the crawl ran in

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def add(self, other: CrawlStats) -> None:
        """Count in what another process of the same crawl did."""
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.update(other.errors)
        self.notes.update(other.notes)
        self.failures.extend(other.failures)

    def as_dict(self) -> dict:
        return {
            "crawl_id": self.crawl_id,
            "resumed": self.resumed,
            "pages": self.pages,
            "list_pages": self.list_pages,
            "body_pages": self.body_pages,
            "not_modified": self.not_modified,
            "skipped": self.skipped,
            "bytes": self.bytes,
            "errors": dict(self.errors),
            "notes": dict(self.notes),
            "failures": list(self.failures),
            "columns_ok": self.columns_ok,
            "columns_unreachable": self.columns_unreachable,
            "columns_unread": self.columns_unread,
            "posts": self.posts,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "files_checked": self.files_checked,
            "files_downloaded": self.files_downloaded,
            "files_not_modified": self.files_not_modified,
            "files_broken": self.files_broken,
            "files_skipped": self.files_skipped,
            "processes": self.processes,
        }

    def summary_zh(self) -> str:
        parts = [
            f"抓取 {self.pages} 页（列表 {self.list_pages}，正文 {self.body_pages}）",
            f"未变化(304) {self.not_modified}",
        ]
        if self.skipped:
            parts.append(f"续抓跳过 {self.skipped}")
        parts.append(f"错误 {self.error_count}")
        columns = f"栏目 正常 {self.columns_ok} / 无法访问 {self.columns_unreachable}"
        parts.append(columns + (f" / 未读出列表 {self.columns_unread}" if self.columns_unread else ""))
        parts.append(f"文章 {self.posts}")
        if self.files_checked or self.files_downloaded or self.files_skipped:
            files = f"附件 检查 {self.files_checked}，下载 {self.files_downloaded}，未变化 {self.files_not_modified}，失效 {self.files_broken}"
            parts.append(files + (f"，续抓跳过 {self.files_skipped}" if self.files_skipped else ""))
        parts.append(f"{self.bytes / 1024:.0f} KB，用时 {self.seconds:.1f} 秒")
        text = "，".join(parts)
        if self.errors:
            text += "\n错误分类：" + "，".join(f"{ERROR_ZH.get(k, k)} {n}" for k, n in sorted(self.errors.items()))
        return text


_SUMMED = (
    "pages", "list_pages", "body_pages", "not_modified", "skipped", "bytes", "columns_ok", "columns_unreachable",
    "columns_unread", "posts", "requests", "files_checked", "files_downloaded", "files_not_modified", "files_broken", "files_skipped",
)  # fmt: skip

ERROR_ZH = {
    "timeout": "超时",
    "connection": "无法连接",
    "reset": "连接重置",
    "too_large": "页面过大已截断",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向过多",
    "offsite": "站外地址",
    "robots": "robots.txt 禁止",
    "robots_unavailable": "robots.txt 无法获取",
    "invalid_url": "网址无效",
    "not_html": "不是网页",
    "empty": "空白页面",
    "internal": "内部错误",
}


# Post pages read per column, whose bodies are not wanted, for the date the list does not
# give (lists run newest first: the newest posts' dates are what freshness needs).
UNDATED_PAGES = 20


class _Stopped(Exception):
    pass


_INDEX_NAMES = ("index.html", "index.htm", "index.shtml", "default.html", "default.htm")


def _page_key(url: str) -> str:
    """`…/zcwj/index.html` and `…/zcwj/` are one page of a column."""
    base, _, query = url.partition("?")
    for name in _INDEX_NAMES:
        if base.endswith("/" + name):
            base = base[: -len(name)]
            break
    return f"{base}?{query}" if query else base


def _select(sites: SitesConfig, units: list[str] | None, unit_names: dict[str, str] | None) -> list[UnitSites]:
    if not units:
        return list(sites.units)

    def key(name: str) -> str:
        return unit_names.get(name, name) if unit_names else name

    wanted = {key(u): u for u in units}
    chosen = [u for u in sites.units if key(u.unit) in wanted]
    found = {key(u.unit) for u in chosen}
    missing = [name for k, name in wanted.items() if k not in found]
    if missing:
        known = "、".join(u.unit for u in sites.units)
        raise ConfigError(f"单位“{'、'.join(missing)}”不在网站栏目配置中（配置中有：{known}）", sites.path, "units")
    return chosen


def crawl(
    sites: SitesConfig,
    store_path: str | Path,
    *,
    units: list[str] | None = None,
    resume: bool = False,
    base: str | None = None,
    concurrency: int | None = None,
    delay: float | None = None,
    progress=None,
    unit_names: dict[str, str] | None = None,
    processes: int | None = None,
) -> CrawlStats:
    """Crawl the columns of `sites` (all units, or `units`) into the store at `store_path`.

    `base` replaces `{base}` in URLs. `resume` continues the last unfinished crawl without
    refetching what it already has. `progress` receives events (see gkcheck.crawl.progress).
    `unit_names` (optional) maps names/aliases to unit ids so `units` may use any of them.
    `processes`: how many processes share the hosts out (None: one per core, up to 4,
    and one for a small crawl; see gkcheck.crawl.workers.plan_processes).
    """
    if concurrency is not None and concurrency < 1:
        raise ConfigError("并发数应至少为 1", None, "--concurrency")
    if delay is not None and delay < 0:
        raise ConfigError("请求间隔不能为负数", None, "--delay")
    t0 = time.monotonic()
    store = Store(store_path)
    stats = CrawlStats()
    try:
        previous = store.unfinished_crawl() if resume else None
        if resume and previous is not None:
            crawl_id = previous["id"]
            if base is None:
                base = previous["base"]
            if units is None:
                units = previous["units"]
            store.reopen_crawl(crawl_id)
            stats.resumed = True
        else:
            crawl_id = None
        cfg = sites.with_base(base)
        store.base = base.rstrip("/") if base else None
        selected = _select(cfg, units, unit_names)
        if crawl_id is None:
            crawl_id = store.begin_crawl(
                str(sites.path) if sites.path else None, base, [u.unit for u in selected] if units else None
            )
        stats.crawl_id = crawl_id
        fetcher = Fetcher(cfg.defaults, cfg.hosts(), concurrency=concurrency, delay=delay)
        phases = None
        n = plan_processes(processes, selected)
        if n > 1:
            from gkcheck.crawl.workers import ProcessPhases

            phases = ProcessPhases(
                n, cfg, selected, store_path, store.base, crawl_id, concurrency, delay,
                relay=progress is not None, today=dt.date.today(),
            )  # fmt: skip
            store.close()  # no SQLite connection may be carried into a forked process
            phases.start()
            store = Store(store_path)
            store.base = phases.base
            phases.progress = progress
        stats.processes = n
        store.write_behind()
        run = _Run(cfg, store, crawl_id, fetcher, stats, progress)
        try:
            run.execute(selected, phases)
        except BaseException:
            run.stop.set()
            try:
                store.finish_crawl(crawl_id, "interrupted")
            finally:
                if progress is not None and hasattr(progress, "stop"):
                    progress.stop()
            raise
        finally:
            stats.requests = fetcher.requests_made
            fetcher.close()
            for part in phases.worker_stats if phases is not None else ():
                stats.add(part)
        store.finish_crawl(crawl_id, "done")
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"抓取数据库读写失败（{exc}）；已抓取的数据未被删除", store_path) from None
    except WorkerFailed as exc:
        raise SourceError(f"{exc}；已抓取的页面已保存，可用 --resume 继续", store_path) from None
    finally:
        stats.seconds = time.monotonic() - t0
        store.close()
    if progress is not None:
        progress.finish(stats)
    return stats


class LocalPhases:
    """Runs a crawl's phases on the threads of this process."""

    def __init__(self, run: _Run, hosts: int):
        self.run = run
        self.pool = thread_pool(hosts, run.fetcher.concurrency)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.run.stop.set()
            self.pool.shutdown(wait=True, cancel_futures=True)
        else:
            self.pool.shutdown(wait=True)
        return False

    def lists(self, jobs: list[tuple]) -> list:
        return self.run.run_phase(self.pool, "lists", jobs)

    def early(self) -> dict[str, tuple[str, str]]:
        """The post pages fetched while the lists were read: URL -> (unit, column)."""
        return self.run.early

    def bodies(self, jobs: list[tuple]) -> None:
        self.run.run_phase(self.pool, "bodies", jobs)

    def files(self, jobs: list[tuple]) -> None:
        self.run.run_phase(self.pool, "files", jobs)


def thread_pool(hosts: int, concurrency: int) -> ThreadPoolExecutor:
    """The threads a process crawls `hosts` hosts with: one per request allowed at once,
    and one more (2 to 64)."""
    return ThreadPoolExecutor(max_workers=max(2, min(64, hosts * concurrency + 1)), thread_name_prefix="gkcrawl")


class _Run:
    def __init__(self, cfg: SitesConfig, store: Store, crawl_id: int, fetcher: Fetcher, stats: CrawlStats, progress):
        self.cfg = cfg
        self.store = store
        self.crawl_id = crawl_id
        self.fetcher = fetcher
        self.stats = stats
        self.progress = progress
        self.stop = threading.Event()
        self.external_stop = None  # an Event set by another process to stop this run
        self.lock = threading.Lock()
        self.today = dt.date.today()
        # post URL -> (unit, column) of the post pages fetched while the lists were read
        self.early: dict[str, tuple[str, str]] = {}
        # the list pages of this crawl's columns met so far (_page_key): a post that is one
        # of them waits for the bodies phase, by when its list page is read
        self.list_pages: set[str] = set()
        self.owns = lambda host: True  # whether this process fetches a host's pages

    # -- orchestration -------------------------------------------------------------------

    def execute(self, units: list[UnitSites], phases=None) -> None:
        """Three phases: every column's list pages, then the post pages the columns want,
        then the attachment links of those posts. A post listed in two columns (TRS 引用)
        is fetched once, for the first of them in config order, so that any two crawls of
        the same site record the same pages. `phases` runs each phase's jobs (by default
        on this process's threads; gkcheck.crawl.workers runs them in worker processes)."""
        jobs = [(u, c) for u in units for c in u.columns]
        if self.progress is not None:
            self.progress.start(len(jobs))
        if phases is None:
            hosts = max(1, len({host_of(c.url) for _, c in jobs}))
            phases = LocalPhases(self, hosts)
        with phases:
            listed = phases.lists(jobs)
            bodies: list[tuple] = []
            seen: set[str] = set()
            for more in listed:
                for unit, column, item in more or ():
                    if item.url not in seen:
                        seen.add(item.url)
                        bodies.append((unit, column, item))
            if self.progress is not None and hasattr(self.progress, "bodies"):
                self.progress.bodies(len(bodies))
            phases.bodies(self._settle_early(bodies, phases.early()))
            files = self._file_jobs(units)
            if self.progress is not None and hasattr(self.progress, "files") and files:
                self.progress.files(len(files))
            phases.files(files)

    def run_phase(self, pool: ThreadPoolExecutor, kind: str, jobs: list[tuple]) -> list:
        """The jobs of one phase ("lists": (unit, column); "bodies", "files": as the
        phase makes them) run on `pool`, each host's jobs in their order, as many at once
        as the host allows (gkcheck.crawl.lanes); their results in job order.

        While the lists are read, the post pages a column lists are fetched as soon as
        the column is done, where this process fetches their host (`self.owns`): one
        column with many list pages holds up no other host's posts. Which column a post
        page is recorded under is settled before the bodies phase (`_settle_early`)."""
        job, url_of = _PHASES[kind]
        fn = job(self)
        lanes = Lanes(pool, self.fetcher.concurrency)
        if kind == "lists":
            fn = self._list_then_bodies(lanes, fn)
            with self.lock:
                self.list_pages.update(_page_key(url_of(j)) for j in jobs)
        for i, j in enumerate(jobs):
            lanes.add(host_of(url_of(j)), fn, j, slot=i)
        lanes.wait(0.2, self._check_external_stop)  # short waits: Ctrl-C stays prompt
        return lanes.results(len(jobs))

    def _settle_early(self, bodies: list[tuple], early: dict[str, tuple[str, str]]) -> list[tuple]:
        """The post pages of the bodies phase (unit, column, item), each under the column
        it belongs to (the first in config order that lists it), less those fetched while
        the lists were read (`early`: URL -> the unit and column they were fetched for);
        those fetched for another column are moved to this one."""
        todo = []
        for unit, column, item in bodies:
            got = early.get(item.url)
            if got is None:
                todo.append((unit, column, item))
            elif got != (unit, column):
                self.store.move_page(self.crawl_id, item.url, unit, column)
        return todo

    def _list_then_bodies(self, lanes: Lanes, column_job):
        def job(unit: UnitSites, col: ColumnConfig) -> list[tuple]:
            wanted = column_job(unit, col)
            for u, name, item in wanted:
                host = host_of(item.url)
                if not self.owns(host):
                    continue
                with self.lock:
                    if item.url in self.early or _page_key(item.url) in self.list_pages:
                        continue
                    self.early[item.url] = (u, name)
                lanes.add(host, self._body_job, (u, name, item))
            return wanted

        return job

    def _check_external_stop(self) -> None:
        if self.external_stop is not None and self.external_stop.is_set():
            raise _Stopped()

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise _Stopped()

    def _fail(self, res_kind: str, url: str, unit: str, column: str, error: str | None) -> None:
        with self.lock:
            self.stats.errors[res_kind] += 1
            self.stats.failures.append({"url": url, "unit": unit, "column": column, "kind": res_kind, "error": error})

    def _note(self, kind: str) -> None:
        with self.lock:
            self.stats.notes[kind] += 1

    # -- one page ------------------------------------------------------------------------

    def _fetch(
        self, url: str, kind: str, unit: str, column: str
    ) -> tuple[PageRecord | None, str | None, FetchResult | None]:
        """(record to store, text, fetch result); record None = already in this crawl."""
        self._check_stop()
        row = self.store.page(self.crawl_id, url)
        fetched = row is not None and row["status"] is not None and (200 <= row["status"] < 300 or row["status"] == 304)
        if fetched and row["error_kind"] in (None, "too_large"):
            stored = self.store.content(url)
            with self.lock:
                self.stats.skipped += 1
            if self.progress is not None:
                self.progress.page(kind=kind, unit=unit, column=column, url=url, status="skipped")
            return None, stored["text"] if stored else None, None
        prev = self.store.content(url)
        use_prev = prev is not None and not prev["truncated"]
        res = self.fetcher.fetch(
            url,
            etag=prev["etag"] if use_prev else None,
            last_modified=prev["last_modified"] if use_prev else None,
        )
        rec = PageRecord(
            url=url, kind=kind, unit=unit, column=column, status=res.status, etag=res.etag,
            last_modified=res.last_modified, bytes=len(res.content), truncated=res.truncated,
            error_kind=res.error_kind, error=res.error, final_url=res.final_url, attempts=res.attempts,
            elapsed=round(res.elapsed, 3), content_type=res.content_type,
        )  # fmt: skip
        text = None
        if res.not_modified and prev is not None:
            rec.etag = res.etag or prev["etag"]
            rec.last_modified = res.last_modified or prev["last_modified"]
            rec.content_type = prev["content_type"]
            rec.encoding = prev["encoding"]
            text = prev["text"]
            with self.lock:
                self.stats.not_modified += 1
        elif res.ok:
            if res.is_html or (kind == "list" and res.is_json):  # a list may come from a data interface
                text, codec, _how = res.decoded()
                rec.encoding = codec
                rec.text = text
            with self.lock:
                self.stats.pages += 1
                self.stats.bytes += len(res.content)
                if kind == "list":
                    self.stats.list_pages += 1
                else:
                    self.stats.body_pages += 1
        elif res.not_modified:  # 304 without anything stored: treat as a failure
            rec.error_kind, rec.error = "http_304", "服务器返回 304，但本地没有该页的存档"
        if rec.error_kind:
            self._fail(rec.error_kind, url, unit, column, rec.error)
        if self.progress is not None:
            self.progress.page(
                kind=kind, unit=unit, column=column, url=url, status=res.status,
                error_kind=rec.error_kind, error=rec.error, bytes=len(res.content),
            )  # fmt: skip
        return rec, text, res

    # -- a column --------------------------------------------------------------------------

    def _column_job(self, unit: UnitSites, col: ColumnConfig):
        try:
            return self._column(unit, col)
        except (_Stopped, sqlite3.Error):
            raise
        except Exception as exc:  # a bug must not sink the whole audit: record and go on
            log.exception("crawling %s/%s failed", unit.unit, col.name)
            self._fail("internal", col.url, unit.unit, col.name, f"内部错误：{exc!r}")
            self.store.finish_column(
                self.crawl_id, unit.unit, col.name, status="unreachable", error=f"内部错误：{exc!r}",
                note=None, pages=0, posts=0,
            )  # fmt: skip
            return []

    def _column(self, unit: UnitSites, col: ColumnConfig) -> list[tuple]:
        u, name = unit.unit, col.name
        self.store.start_column(self.crawl_id, u, name, col.url, col.profile)
        max_pages = col.max_pages or self.cfg.defaults.max_pages
        queue = deque([col.url])
        queued = {_page_key(col.url)}
        visited: list[str] = []
        posts: dict[str, ListItem] = {}
        problems: list[str] = []
        notes: list[str] = []
        said_empty = scripted = False  # what pages without posts said (ListPage)
        position = 0
        while queue:
            if len(visited) >= max_pages:
                notes.append(page_cap_note(max_pages, len(queue)))
                self._note("page_cap")
                break
            url = queue.popleft()
            visited.append(url)
            rec, text, res = self._fetch(url, "list", u, name)
            page_no = len(visited)
            if text is not None and not text.strip() and res is not None and res.ok:
                text = None  # a blank answer is a failed page, not a column without posts
            if res is not None:
                page_url = res.final_url or url
            else:  # read from the store (resumed): resolve links against where it was fetched
                row = self.store.page(self.crawl_id, url) or {}
                page_url = self.store.expand(row.get("final_url"), self.store.base) or url
            if text is None:
                if rec is not None:
                    if rec.error_kind is None and res is not None and res.ok:
                        rec.error_kind, rec.error = res.not_html_problem()
                        self._fail(rec.error_kind, url, u, name, rec.error)
                    self.store.record_page(self.crawl_id, rec)
                    problems.append(f"第{page_no}页 {url}：{rec.error}")
                else:
                    problems.append(f"第{page_no}页 {url}：存档缺失")
                continue
            page = parse_list(text, page_url, col.profile, col.selectors, ref_date=self.today)
            new = [it for it in page.items if it.url not in posts]
            if rec is not None:
                self.store.record_list_page(self.crawl_id, rec, new, position)
            position += len(new)
            for it in new:
                posts[it.url] = it
            said_empty |= page.says_empty
            scripted |= page.scripted
            if rec is not None and rec.truncated:
                problems.append(f"第{page_no}页 {url}：{rec.error}")
            for said in page.notes:  # what reading the list page noticed (a pager it could not follow …)
                if said not in notes:
                    notes.append(said)
            if page_no > 1 and page.items and not new:
                # the same posts again (a loop, or an alias of a page seen): do not follow it
                notes.append(f"第{page_no}页（{url}）与之前的页面内容相同，判定为分页循环，不再从该页翻页")
                self._note("loop")
                continue
            for nxt in page.next_urls:
                if _page_key(nxt) in queued:
                    if page.next_is_link and _page_key(nxt) != _page_key(url):
                        notes.append(f"第{page_no}页的“下一页”指回已抓取的 {nxt}，判定为分页循环")
                        self._note("loop")
                    continue
                if not self.fetcher.allowed_url(nxt):
                    notes.append(f"分页链接在配置的网站之外，未跟随：{nxt}")
                    self._note("offsite_page")
                    continue
                queued.add(_page_key(nxt))
                queue.append(nxt)
                with self.lock:
                    self.list_pages.add(_page_key(nxt))
        offsite = [p for p in posts.values() if not self.fetcher.allowed_url(p.url)]
        if offsite:
            self._note("offsite_link")
        status = "unreachable" if problems else "ok"
        error = "；".join(problems[:3]) + (f"；另有{len(problems) - 3}页失败" if len(problems) > 3 else "") if problems else None
        if status == "ok" and not posts and not said_empty:
            # pages that list nothing and do not say so: not read, so not taken as blank
            status, error = "unread", unread_reason(scripted)
        self.store.finish_column(
            self.crawl_id, u, name, status=status, error=error, note="；".join(notes) or None,
            pages=len(visited), posts=len(posts),
        )  # fmt: skip
        with self.lock:
            self.stats.posts += len(posts)
            if status == "ok":
                self.stats.columns_ok += 1
            elif status == "unread":
                self.stats.columns_unread += 1
            else:
                self.stats.columns_unreachable += 1
        if self.progress is not None:
            self.progress.column_done(unit=u, column=name, status=status, posts=len(posts), error=error)
        if not col.bodies:  # only the pages of posts listed without a date, for their date
            return [(u, name, p) for p in posts.values() if p.date is None][:UNDATED_PAGES]
        return [(u, name, p) for p in posts.values()]

    # -- attachments ---------------------------------------------------------------------------

    def _file_jobs(self, units: list[UnitSites]) -> list[tuple]:
        """(unit, column, url, title, download) for every attachment of the posts this crawl
        listed in the columns with bodies, once per URL (the first column in config order).
        The PDF of an annual report whose page holds no report table is downloaded; every
        other attachment is only checked."""
        if not self.cfg.defaults.check_attachments:
            return []
        jobs: list[tuple] = []
        seen: set[str] = set()
        for unit in units:
            for col in unit.columns:
                if not col.bodies:
                    continue
                reports = is_report_column(col.name)
                for row in self.store.column_posts(self.crawl_id, unit.unit, col.name, base=self.store.base):
                    for url, title in json.loads(row["attachments"] or "[]"):
                        if url in seen:
                            continue
                        seen.add(url)
                        download = (
                            reports
                            and report_year(row["title"]) is not None
                            and is_pdf(url)
                            and not has_report_tables(row["body"])
                        )
                        jobs.append((unit.unit, col.name, url, title, download))
        return jobs

    def _file_job(self, unit: str, column: str, url: str, title: str, download: bool) -> None:
        try:
            self._file(unit, column, url, title, download)
        except (_Stopped, sqlite3.Error):
            raise
        except Exception as exc:
            log.exception("attachment %s failed", url)
            self._fail("internal", url, unit, column, f"内部错误：{exc!r}")

    def _file(self, unit: str, column: str, url: str, title: str, download: bool) -> None:
        self._check_stop()
        if not self.fetcher.allowed_url(url):
            self._note("offsite_file")
            return  # another site's file: not checked, never reported broken
        prev = self.store.file(url)
        if prev is not None and prev["crawl_id"] == self.crawl_id and (prev["status"] is not None or prev["error"]):
            with self.lock:
                self.stats.files_skipped += 1
            return
        same_kind = prev is not None and (prev["kind"] == "download") == download
        answered = same_kind and prev["status"] is not None and prev["status"] < 400 and not prev["error_kind"]
        usable = answered and (not download or (prev["has_data"] and not prev["truncated"]))
        etag = prev["etag"] if usable else None
        last_modified = prev["last_modified"] if usable else None
        if download:
            res = self.fetcher.fetch(
                url, etag=etag, last_modified=last_modified, max_bytes=self.cfg.defaults.max_file_bytes
            )
        else:
            res = self.fetcher.check_link(url, etag=etag, last_modified=last_modified)
        rec = FileRecord(
            url=url, kind="download" if download else "check", method=res.method, status=res.status,
            etag=res.etag, last_modified=res.last_modified, content_type=res.content_type,
            error_kind=res.error_kind, error=res.error,
        )  # fmt: skip
        if res.not_modified and not usable:
            rec.error_kind, rec.error = "http_304", "服务器返回 304，但本地没有该文件的存档"
        if download and res.ok:
            rec.data, rec.bytes, rec.truncated = res.content, len(res.content), res.truncated
            if res.truncated:
                cap = self.cfg.defaults.max_file_bytes
                rec.error = f"附件超过大小上限 {cap:,} 字节，未完整下载"
        with self.lock:
            if res.not_modified:
                self.stats.files_not_modified += 1
            if download:
                self.stats.files_downloaded += 1 if res.ok else 0
            else:
                self.stats.files_checked += 1
            broken = rec.error_kind not in (None, "too_large", "offsite", "robots", "robots_unavailable")
            if broken:
                self.stats.files_broken += 1
        if download and not res.ok and not res.not_modified and rec.error_kind:
            self._fail(rec.error_kind, url, unit, column, rec.error)
        self.store.record_file(self.crawl_id, rec)
        if self.progress is not None and hasattr(self.progress, "file"):
            self.progress.file(
                unit=unit, column=column, url=url, status=res.status, error_kind=rec.error_kind,
                error=rec.error, download=download, bytes=len(res.content),
            )  # fmt: skip

    # -- a post's page -----------------------------------------------------------------------

    def _body_job(self, unit: str, column: str, item: ListItem) -> None:
        try:
            self._body(unit, column, item)
        except (_Stopped, sqlite3.Error):
            raise
        except Exception as exc:
            log.exception("body of %s failed", item.url)
            self._fail("internal", item.url, unit, column, f"内部错误：{exc!r}")

    def _body(self, unit: str, column: str, item: ListItem) -> None:
        url = item.url
        if not self.fetcher.allowed_url(url):
            self.store.record_body_skip(self.crawl_id, url, "offsite", "站外链接，未抓取正文")
            return
        if is_attachment(url):
            self.store.record_body_skip(
                self.crawl_id, url, "attachment", "文章链接是附件文件，未解析正文", attachments=[(url, item.title)]
            )
            return
        rec, text, res = self._fetch(url, "body", unit, column)
        if rec is None:  # fetched earlier in this crawl: resumed, or also a list page
            row = self.store.page(self.crawl_id, url) or {}
            if row.get("kind") == "body" and (row.get("unit"), row.get("column_name")) != (unit, column):
                # (fetched under another column by the run that was stopped)
                self.store.move_page(self.crawl_id, url, unit, column)
            if not self.store.has_body(self.crawl_id, url):
                where = self.store.expand(row.get("final_url"), self.store.base) or url
                body = extract_body(text, where) if text else None
                self.store.record_body(
                    self.crawl_id, url, row.get("status"), row.get("error_kind"), row.get("error"), None, body
                )
            return
        body = None
        if text is not None and (rec.status != 304 or not self.store.has_body(None, url)):
            body = extract_body(text, rec.final_url or url)
        elif res is not None and res.ok and not res.is_html:
            body = Body(text="", attachments=[(rec.final_url or url, item.title)])
            rec.error_kind = None
        self.store.record_body_page(self.crawl_id, rec, body)


# Each phase's job (a _Run method) and the URL a job of it fetches first (its host's lane).
_PHASES = {
    "lists": (lambda run: run._column_job, lambda job: job[1].url),
    "bodies": (lambda run: run._body_job, lambda job: job[2].url),
    "files": (lambda run: run._file_job, lambda job: job[2]),
}
