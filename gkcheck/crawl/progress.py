"""Crawl progress: a bar (pages done, errors, rate) on a terminal, log lines otherwise.

The crawler calls, from several threads:
    start(columns), page(kind=, unit=, column=, url=, status=, error_kind=, error=, bytes=),
    column_done(unit=, column=, status=, posts=, error=), bodies(n) once the lists are
    read and the crawl has n post pages (some may have been fetched already: a column's
    post pages are fetched as soon as it is read), files(n) once the bodies are read and n attachments
    are to be checked or downloaded, file(unit=, column=, url=, status=, error_kind=,
    error=, download=, bytes=), finish(stats)
A crawl in several processes calls page, column_done and file from the thread that relays
its workers' events (gkcheck.crawl.workers), and the others as above.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

# How a column that is not "ok" is told (the store's column status -> Chinese).
_STATE_ZH = {"unreachable": "无法访问", "unread": "未读出列表"}


class _Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.pages = 0
        self.errors = 0
        self.skipped = 0
        self.columns = 0
        self.columns_total = 0
        self.body_pages = 0  # post pages done (fetched, failed or skipped)
        self.t0 = time.monotonic()

    def rate(self) -> float:
        dt = time.monotonic() - self.t0
        return self.pages / dt if dt > 0 else 0.0

    def count(self, status, error_kind, kind=None) -> None:
        with self.lock:
            if kind == "body":
                self.body_pages += 1
            if status == "skipped":
                self.skipped += 1
            elif error_kind and error_kind != "too_large":
                self.errors += 1
            else:
                self.pages += 1
                if error_kind:
                    self.errors += 1


class LogProgress(_Counts):
    """Plain lines, one per page and column, for logs and pipes."""

    def __init__(self, stream: TextIO | None = None, verbose: bool = True):
        super().__init__()
        self.stream = stream or sys.stderr
        self.verbose = verbose

    def _line(self, text: str) -> None:
        with self.lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def start(self, columns: int) -> None:
        self.columns_total = columns
        self._line(f"[抓取] 开始：{columns} 个栏目")

    def page(self, *, kind, unit, column, url, status=None, error_kind=None, error=None, bytes=0) -> None:
        self.count(status, error_kind, kind)
        if not self.verbose and not error_kind:
            return
        what = "列表" if kind == "list" else "正文"
        if status == "skipped":
            self._line(f"[抓取] {unit}/{column} {what} 已有，跳过 {url}")
        elif error_kind and error_kind != "too_large":
            self._line(f"[抓取] {unit}/{column} {what} 失败 {url}：{error}")
        else:
            extra = f"（{error}）" if error else ""
            self._line(f"[抓取] {unit}/{column} {what} {status} {bytes / 1024:.1f}KB {url}{extra}")

    def column_done(self, *, unit, column, status, posts, error=None) -> None:
        with self.lock:
            self.columns += 1
        state = "正常" if status == "ok" else f"{_STATE_ZH.get(status, '无法访问')}：{error}"
        self._line(f"[抓取] 栏目 {unit}/{column} 完成（{self.columns}/{self.columns_total}）{posts} 篇，{state}")

    def bodies(self, n: int) -> None:
        done = min(self.body_pages, n)
        if done:
            self._line(f"[抓取] 栏目列表已读完，共 {n} 篇文章，其中 {done} 篇的正文已在读列表时抓取")
        else:
            self._line(f"[抓取] 栏目列表已读完，开始抓取 {n} 篇文章的正文")

    def files(self, n: int) -> None:
        self._line(f"[抓取] 正文已读完，开始检查 {n} 个附件链接")

    def file(self, *, unit, column, url, status=None, error_kind=None, error=None, download=False, bytes=0) -> None:
        what = "下载附件" if download else "附件"
        if error_kind and error_kind != "too_large":
            self._line(f"[抓取] {unit}/{column} {what} 失效 {url}：{error}")
        elif self.verbose:
            size = f" {bytes / 1024:.1f}KB" if download and bytes else ""
            self._line(f"[抓取] {unit}/{column} {what} {status}{size} {url}")

    def finish(self, stats) -> None:
        self._line(f"[抓取] 结束：{stats.summary_zh()}")


class BarProgress(_Counts):
    """A rich progress bar: columns done, pages, errors, pages per second."""

    def __init__(self, stream: TextIO | None = None):
        super().__init__()
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(file=stream or sys.stderr)
        self.bar = Progress(
            TextColumn("[bold]{task.fields[what]}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("页面 {task.fields[pages]}  错误 {task.fields[errors]}  {task.fields[rate]} 页/秒"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.task = None
        self.body_task = None

    def _update(self, advance: int = 0) -> None:
        task = self.body_task if self.body_task is not None else self.task
        if task is not None:
            self.bar.update(task, advance=advance, pages=self.pages, errors=self.errors, rate=f"{self.rate():.1f}")

    def start(self, columns: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("crawl", total=columns, what="栏目列表", pages=0, errors=0, rate="0.0")

    def page(self, *, kind, unit, column, url, status=None, error_kind=None, error=None, bytes=0) -> None:
        self.count(status, error_kind, kind)
        self._update(advance=1 if kind == "body" and self.body_task is not None else 0)

    def bodies(self, n: int) -> None:
        self.body_task = self.bar.add_task(
            "bodies", total=n, completed=min(self.body_pages, n), what="文章正文",
            pages=self.pages, errors=self.errors, rate=f"{self.rate():.1f}",
        )  # fmt: skip

    def files(self, n: int) -> None:
        self.body_task = self.bar.add_task(
            "files", total=n, what="附件链接", pages=self.pages, errors=self.errors, rate=f"{self.rate():.1f}"
        )

    def file(self, **_kw) -> None:
        self._update(advance=1)

    def column_done(self, *, unit, column, status, posts, error=None) -> None:
        self._update(advance=1)
        if status != "ok":
            self.bar.console.print(f"[yellow]栏目 {unit}/{column} {_STATE_ZH.get(status, '无法访问')}：{error}")

    def stop(self) -> None:
        """Leave the terminal clean when the crawl is interrupted."""
        self.bar.stop()

    def finish(self, stats) -> None:
        self._update()
        self.bar.stop()
        self.console.print(f"抓取结束：{stats.summary_zh()}")


def make_progress(stream: TextIO | None = None, *, quiet: bool = False):
    """A bar if `stream` (default stderr) is a terminal, else plain log lines."""
    stream = stream or sys.stderr
    if quiet:
        return None
    if hasattr(stream, "isatty") and stream.isatty():
        return BarProgress(stream)
    return LogProgress(stream)
