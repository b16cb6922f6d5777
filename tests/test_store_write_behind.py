"""The crawl store's write-behind (gkcheck.crawl.write_behind, Store.write_behind /
settle / _tx): writes handed to one writer thread, reads that wait for the writes they
depend on, failures raised to the crawl threads, nothing lost on close.

The writer is held back by holding the store's write lock (the lock every transaction
of the store takes), so "the write is still pending" is a known state, not a race; all
checks of the file itself go through a separate SQLite connection (or a fresh Store)."""

import datetime as dt
import sqlite3
import threading
import time

import pytest

from gkcheck.crawl.body import Body
from gkcheck.crawl.extract import ListItem
from gkcheck.crawl.store import FileRecord, PageRecord, Store

DEADLINE = 10.0  # seconds any single wait may take before the test fails
HELD = 0.2  # how long a read must stay blocked to count as waiting

U = "http://127.0.0.1:1"


class InThread:
    """fn() run on a thread of its own: its result or exception, and whether it ended."""

    def __init__(self, fn, *args):
        self.result = None
        self.error: BaseException | None = None
        self.ended = threading.Event()

        def run():
            try:
                self.result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to the test
                self.error = exc
            finally:
                self.ended.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self):
        assert self.ended.wait(DEADLINE), "the call never returned"
        self.thread.join(DEADLINE)
        if self.error is not None:
            raise self.error
        return self.result


def _count(path, table: str, where: str = "1", *args) -> int:
    con = sqlite3.connect(path, timeout=DEADLINE)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", args).fetchone()[0]
    finally:
        con.close()


def _page(url: str, kind: str = "list", column: str = "政策文件", text: str | None = "<html>正文</html>") -> PageRecord:
    return PageRecord(url=url, kind=kind, unit="市测试局", column=column, status=200, bytes=100, text=text,
                      content_type="text/html", encoding="utf-8")  # fmt: skip


@pytest.fixture
def held(tmp_path):
    """A store with write-behind on and a write lock the test can hold: (store, lock, crawl id, path)."""
    path = tmp_path / "gkcheck.db"
    lock = threading.Lock()
    store = Store(path, write_lock=lock)
    crawl_id = store.begin_crawl(None, None, None)
    store.write_behind()
    try:
        yield store, lock, crawl_id, path
    finally:
        if lock.locked():
            lock.release()
        InThread(store.close).join()


# -- without write-behind: as before ------------------------------------------------------


def test_without_write_behind_every_record_is_committed_when_the_call_returns(tmp_path):
    path = tmp_path / "gkcheck.db"
    with Store(path) as store:
        cid = store.begin_crawl(None, None, None)
        store.record_page(cid, _page(f"{U}/a.html"))
        assert _count(path, "pages", "url=?", f"{U}/a.html") == 1
        assert _count(path, "contents", "url=?", f"{U}/a.html") == 1
        item = ListItem(
            title="关于开展社会救助政策宣传的通知", url=f"{U}/p1.html", date=dt.date(2024, 6, 1), date_how="list"
        )
        store.record_list_page(cid, _page(f"{U}/list.html"), [item], 0)
        assert _count(path, "posts", "url=?", f"{U}/p1.html") == 1
        assert _count(path, "sightings") == 1
        store.record_body(cid, f"{U}/p1.html", 200, None, None, "text/html", Body(text="城市低保标准为每人每月925元。"))
        assert _count(path, "bodies", "url=? AND text LIKE '%925%'", f"{U}/p1.html") == 1
        store.record_file(cid, FileRecord(url=f"{U}/f.pdf", kind="check", method="HEAD", status=200))
        assert _count(path, "files", "url=? AND status=200", f"{U}/f.pdf") == 1
        # a block that raises is rolled back
        with pytest.raises(RuntimeError), store._tx(f"{U}/x.html") as c:
            c.execute("INSERT INTO meta(key, value) VALUES ('probe', '1')")
            raise RuntimeError("abandoned")
        assert _count(path, "meta", "key='probe'") == 0


def test_without_write_behind_a_record_call_waits_for_the_write_lock(tmp_path):
    """The record call itself writes (nothing handed over): it cannot return while the
    store's write lock is held, and is committed when it does."""
    path = tmp_path / "gkcheck.db"
    lock = threading.Lock()
    with Store(path, write_lock=lock) as store:
        cid = store.begin_crawl(None, None, None)
        with lock:
            call = InThread(store.record_page, cid, _page(f"{U}/a.html"))
            assert not call.ended.wait(HELD)
        call.join()
        assert _count(path, "pages", "url=?", f"{U}/a.html") == 1


# -- reads wait for the writes they depend on -----------------------------------------------


def _record_and_read(store: Store, cid: int, what: str, url: str):
    """(record call, read call, check of what the read returned) for one kind of read."""
    if what == "page":
        return (lambda: store.record_page(cid, _page(url, kind="body")),
                lambda: store.page(cid, url),
                lambda got: got is not None and got["url"] == url and got["kind"] == "body" and got["status"] == 200)  # fmt: skip
    if what == "content":
        return (lambda: store.record_page(cid, _page(url, text="<html>低保标准 925 元</html>")),
                lambda: store.content(url),
                lambda got: got is not None and got["text"] == "<html>低保标准 925 元</html>")  # fmt: skip
    if what == "has_body":
        return (lambda: store.record_body(cid, url, 200, None, None, "text/html", Body(text="正文")),
                lambda: store.has_body(cid, url),
                lambda got: got is True)  # fmt: skip
    if what == "has_body_page":
        return (lambda: store.record_body_page(cid, _page(url, kind="body"), Body(text="正文", title="标题")),
                lambda: store.has_body(None, url),
                lambda got: got is True)  # fmt: skip
    if what == "file":
        return (lambda: store.record_file(cid, FileRecord(url=url, kind="check", method="HEAD", status=404)),
                lambda: store.file(url),
                lambda got: got is not None and got["status"] == 404 and got["method"] == "HEAD")  # fmt: skip
    raise AssertionError(what)


@pytest.mark.parametrize("what", ["page", "content", "has_body", "has_body_page", "file"])
def test_a_read_of_a_url_waits_for_the_write_naming_it(held, what):
    store, lock, cid, path = held
    url = f"{U}/{what}.html"
    record, read, ok = _record_and_read(store, cid, what, url)
    lock.acquire()
    # the record call hands its write over and returns although the writer is held ...
    InThread(record).join()
    table = {"page": "pages", "content": "contents", "file": "files"}.get(what, "bodies")
    assert _count(path, table, "url=?", url) == 0  # ... so it is not in the file yet
    # a read of another URL does not wait for it
    assert InThread(store.page, cid, f"{U}/other.html").join() is None
    reader = InThread(read)
    assert not reader.ended.wait(HELD), "the read did not wait for the pending write"
    lock.release()
    assert ok(reader.join()), reader.result
    assert _count(path, table, "url=?", url) == 1


def test_a_read_waits_for_every_url_a_transaction_names(held):
    store, lock, cid, _ = held
    a, b = f"{U}/a.html", f"{U}/b.html"
    lock.acquire()
    with store._tx(a, b) as c:
        c.execute(
            "INSERT INTO pages(crawl_id, url, kind, unit, column_name, status, fetched_at) VALUES (?,?,?,?,?,?,?)",
            (cid, b, "body", "市测试局", "政策文件", 200, "2024-06-01T00:00:00"),
        )
    reader_a, reader_b = InThread(store.page, cid, a), InThread(store.page, cid, b)
    assert not reader_a.ended.wait(HELD) and not reader_b.ended.is_set()
    lock.release()
    assert reader_a.join() is None  # it waited, and `a` itself was not written
    assert reader_b.join()["column_name"] == "政策文件"


def test_column_posts_sees_every_earlier_write(held):
    store, lock, cid, _ = held
    items = [
        ListItem(
            title=f"关于第{k}批社会救助资金发放情况的公示",
            url=f"{U}/p{k}.html",
            date=dt.date(2024, 6, k),
            date_how="list",
        )
        for k in range(1, 4)
    ]
    lock.acquire()
    store.start_column(cid, "市测试局", "政策文件", f"{U}/list.html", "generic")
    store.record_list_page(cid, _page(f"{U}/list.html"), items[:2], 0)
    store.record_list_page(cid, _page(f"{U}/list_1.html"), items[2:], 2)
    # bodies written under their own URLs, not the list's: column_posts waits for them too
    for k in (1, 3):
        store.record_body_page(cid, _page(f"{U}/p{k}.html", kind="body"), Body(text=f"第{k}批正文"))
    reader = InThread(store.column_posts, cid, "市测试局", "政策文件")
    assert not reader.ended.wait(HELD)
    lock.release()
    rows = reader.join()
    assert [(r["url"], r["body"]) for r in rows] == [
        (f"{U}/p1.html", "第1批正文"),
        (f"{U}/p2.html", None),
        (f"{U}/p3.html", "第3批正文"),
    ]


def test_settle_waits_for_every_write_handed_over(held):
    store, lock, cid, path = held
    lock.acquire()
    for k in range(5):
        store.record_page(cid, _page(f"{U}/s{k}.html"))
    settle = InThread(store.settle)
    assert not settle.ended.wait(HELD)
    lock.release()
    settle.join()
    assert _count(path, "pages", "crawl_id=?", cid) == 5


def test_writes_from_many_threads_all_land_and_each_thread_reads_its_own(tmp_path):
    path = tmp_path / "gkcheck.db"
    store = Store(path)
    cid = store.begin_crawl(None, None, None)
    store.write_behind()
    threads, per_thread = 8, 40
    start = threading.Barrier(threads, timeout=DEADLINE)
    misses: list[str] = []

    def work(t: int) -> None:
        start.wait()
        for k in range(per_thread):
            url = f"{U}/t{t}/p{k}.html"
            store.record_page(cid, _page(url, kind="body", text=f"<html>{t}-{k}</html>"))
            got = store.page(cid, url)  # right after the call: its own write is there
            text = store.content(url)
            if got is None or text is None or text["text"] != f"<html>{t}-{k}</html>":
                misses.append(url)
            if k % 10 == 9:
                store.record_file(cid, FileRecord(url=f"{U}/t{t}/f{k}.pdf", kind="check", method="HEAD", status=200))
                if store.file(f"{U}/t{t}/f{k}.pdf") is None:
                    misses.append(f"file {t}/{k}")

    calls = [InThread(work, t) for t in range(threads)]
    for c in calls:
        c.join()
    assert misses == []
    store.settle()
    assert _count(path, "pages", "crawl_id=?", cid) == threads * per_thread
    assert _count(path, "contents") == threads * per_thread
    assert _count(path, "files") == threads * per_thread // 10
    store.close()
    with Store(path) as again:
        assert again.page_counts(cid) == {"ok": threads * per_thread}


# -- close ----------------------------------------------------------------------------------


class ProbeLock:
    """A write lock that tells when someone (the writer thread) starts waiting for it."""

    def __init__(self):
        self.inner = threading.Lock()
        self.asked = threading.Event()

    def acquire(self, *args, **kw):
        self.asked.set()
        return self.inner.acquire(*args, **kw)

    def release(self):
        self.inner.release()


def test_close_commits_what_was_pending(tmp_path):
    path = tmp_path / "gkcheck.db"
    lock = ProbeLock()
    store = Store(path, write_lock=lock)
    cid = store.begin_crawl(None, None, None)
    store.write_behind()
    lock.inner.acquire()  # held by the test (without setting `asked`)
    lock.asked.clear()
    store.record_page(cid, _page(f"{U}/c0.html"))
    # the writer took that write and waits for the lock: what follows is still queued
    # when close() is called
    assert lock.asked.wait(DEADLINE)
    for k in range(1, 20):
        store.record_page(cid, _page(f"{U}/c{k}.html"))
    store.record_file(cid, FileRecord(url=f"{U}/c.pdf", kind="check", method="HEAD", status=200))
    assert _count(path, "pages") == 0  # all of it still pending
    closing = InThread(store.close)
    assert not closing.ended.wait(HELD)  # close waits for the writer to commit
    lock.inner.release()
    closing.join()
    with Store(path, create=False) as fresh:
        assert fresh.page_counts(cid) == {"ok": 20}
        assert fresh.file(f"{U}/c.pdf")["status"] == 200
        assert fresh.content(f"{U}/c19.html")["text"] == "<html>正文</html>"


# -- failures ---------------------------------------------------------------------------------


def _bad_write(store: Store, url: str) -> None:
    with store._tx(url) as c:
        c.execute("INSERT INTO no_such_table(x) VALUES (1)")


def test_a_failed_write_is_raised_to_settle_and_to_every_later_call(held):
    store, _, cid, path = held
    store.record_page(cid, _page(f"{U}/before.html"))
    store.settle()
    _bad_write(store, f"{U}/bad.html")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        InThread(store.settle).join()
    # and again, to whoever comes next: a record call, a read of any URL
    with pytest.raises(sqlite3.Error):
        store.record_page(cid, _page(f"{U}/after.html"))
    with pytest.raises(sqlite3.Error):
        InThread(store.page, cid, f"{U}/before.html").join()
    with pytest.raises(sqlite3.Error):
        InThread(store.column_posts, cid, "市测试局", "政策文件").join()
    InThread(store.close).join()  # does not hang
    # what was committed before the failure stays, the file is a sound store
    with Store(path, create=False) as fresh:
        assert fresh.page(cid, f"{U}/before.html")["status"] == 200
        assert fresh.page(cid, f"{U}/after.html") is None


def test_a_failed_write_wakes_a_read_waiting_for_it_with_the_error(held):
    store, lock, cid, _ = held
    url = f"{U}/p.html"
    lock.acquire()
    _bad_write(store, url)
    reader = InThread(store.page, cid, url)
    waiting_all = InThread(store.settle)
    assert not reader.ended.wait(HELD)
    lock.release()
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        reader.join()
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        waiting_all.join()
    # the next record call is told too (the error is known now: the reader saw it)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        store.record_body(cid, url, 200, None, None, "text/html", Body(text="x"))


def test_a_table_dropped_underneath_fails_the_write_and_is_raised(held):
    store, _, cid, path = held
    url1, url2 = f"{U}/f1.pdf", f"{U}/f2.pdf"
    store.record_file(cid, FileRecord(url=url1, kind="check", method="HEAD", status=200))
    assert store.file(url1)["status"] == 200
    con = sqlite3.connect(path, timeout=DEADLINE)
    con.execute("DROP TABLE files")
    con.commit()
    con.close()
    store.record_file(cid, FileRecord(url=url2, kind="check", method="HEAD", status=200))  # handed over
    with pytest.raises(sqlite3.OperationalError, match="files"):
        InThread(store.file, url2).join()
    with pytest.raises(sqlite3.Error):
        store.record_page(cid, _page(f"{U}/later.html"))
    InThread(store.close).join()


def test_a_block_that_raises_hands_nothing_over(held):
    store, lock, cid, path = held
    url = f"{U}/abandoned.html"
    lock.acquire()
    with pytest.raises(RuntimeError, match="abandoned"), store._tx(url) as c:
        c.execute("INSERT INTO meta(key, value) VALUES ('probe', '1')")
        c.execute("INSERT INTO no_such_table(x) VALUES (1)")  # would fail the writer if handed over
        raise RuntimeError("abandoned")
    # nothing names the URL: its read does not wait although the writer is held
    assert InThread(store.page, cid, url).join() is None
    assert InThread(store.settle).ended.wait(DEADLINE)  # nothing pending at all
    lock.release()
    store.record_page(cid, _page(f"{U}/next.html"))
    store.settle()  # no error: the bad statement never reached the writer
    assert store.page(cid, f"{U}/next.html")["status"] == 200
    assert _count(path, "meta", "key='probe'") == 0


def test_write_behind_keeps_urls_under_the_base_as_stored(tmp_path):
    """A store with a base keeps `{base}/…` in the file; the reads (with the crawl's URL)
    still wait for and find the write."""
    path = tmp_path / "gkcheck.db"
    lock = threading.Lock()
    store = Store(path, base=U, write_lock=lock)
    try:
        cid = store.begin_crawl(None, U, None)
        store.write_behind()
        lock.acquire()
        store.record_body_page(cid, _page(f"{U}/b.html", kind="body"), Body(text="正文", links=[f"{U}/x.html"]))
        reader = InThread(store.page, cid, f"{U}/b.html")
        assert not reader.ended.wait(HELD)
        lock.release()
        assert reader.join()["url"] == "{base}/b.html"
        assert store.has_body(cid, f"{U}/b.html")
    finally:
        if lock.locked():
            lock.release()
        InThread(store.close).join()
    assert _count(path, "bodies", "url='{base}/b.html' AND links LIKE '%{base}/x.html%'") == 1


def test_settle_without_write_behind_returns_at_once(tmp_path):
    with Store(tmp_path / "gkcheck.db") as store:
        t0 = time.monotonic()
        store.settle()
        store.settle(f"{U}/a.html")
        assert time.monotonic() - t0 < 1.0
        assert store._behind is None


# -- a write failing in the writer during a real crawl -------------------------------------


def _tiny_site(root) -> None:
    lis = "".join(
        f'<li><a href="./p{k}.html">关于第{k}批社会救助资金发放情况的公示</a><span>2024-06-0{k}</span></li>'
        for k in range(1, 4)
    )
    (root / "list").mkdir(parents=True)
    (root / "list" / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body><ul class="list">{lis}</ul></body></html>', encoding="utf-8"
    )
    for k in range(1, 4):
        (root / "list" / f"p{k}.html").write_text(
            f'<html><head><meta charset="utf-8"></head><body><h1>第{k}批</h1><div id="zoom"><p>第{k}批资金已发放。</p>'
            "</div></body></html>",
            encoding="utf-8",
        )


class _DropBodiesOnFirstList:
    """A progress object that drops the bodies table (from a connection of its own) when
    the first list page has been fetched: every body write after it fails in the writer."""

    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self.dropped = False
        self.stopped = False

    def start(self, columns):
        pass

    def page(self, *, kind, **kw):
        with self.lock:
            if kind == "list" and not self.dropped:
                con = sqlite3.connect(self.store, timeout=DEADLINE)
                con.execute("DROP TABLE bodies")
                con.commit()
                con.close()
                self.dropped = True

    def column_done(self, **kw):
        pass

    def bodies(self, n):
        pass

    def files(self, n):
        pass

    def file(self, **kw):
        pass

    def stop(self):
        self.stopped = True

    def finish(self, stats):
        pass


def _crawl_with_failing_writes(tmp_path):
    """Crawl the tiny site while its bodies table is dropped: (SourceError raised, progress, store)."""
    from gkcheck.crawl.config import parse_sites
    from gkcheck.crawl.crawler import crawl
    from gkcheck.crawl.fixture_server import serve
    from gkcheck.errors import SourceError

    root = tmp_path / "site"
    root.mkdir()
    _tiny_site(root)
    store = tmp_path / "gkcheck.db"
    progress = _DropBodiesOnFirstList(store)
    config = {"defaults": {"delay": 0, "robots": False, "timeout": [2, 5]},
              "units": [{"unit": "市测试局", "columns": [
                  {"name": "政策文件", "url": "{base}/list/index.html", "profile": "generic", "bodies": True}]}]}  # fmt: skip
    with serve(root) as base:
        sites = parse_sites(config, tmp_path / "sites.yaml")
        call = InThread(lambda: crawl(sites, store, base=base, processes=1, progress=progress))
        with pytest.raises(SourceError) as err:
            call.join()  # raises, within the deadline: nothing hangs on the failed write
    assert progress.dropped
    return err.value, progress, store


def test_a_crawl_whose_writes_fail_ends_with_a_source_error(tmp_path):
    err, _, store = _crawl_with_failing_writes(tmp_path)
    assert "抓取数据库读写失败" in str(err) and "bodies" in str(err)
    # the list page, committed before the table went, is in the store
    assert _count(store, "pages", "kind='list'") == 1
    assert _count(store, "posts") == 3


def test_a_crawl_whose_writes_fail_is_marked_interrupted_and_stops_its_progress(tmp_path):
    """The crawl's error path marks the crawl interrupted and stops the progress display
    even though finishing the crawl meets the writer's error again (at 279ba63 it did
    neither: finish_crawl's settle() re-raised the error before either was done)."""
    _, progress, store = _crawl_with_failing_writes(tmp_path)
    con = sqlite3.connect(store)
    try:
        status = con.execute("SELECT status FROM crawls").fetchall()
    finally:
        con.close()
    assert progress.stopped, "progress.stop() was not called"
    assert status == [("interrupted",)]
