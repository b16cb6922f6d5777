"""The crawl store: one SQLite file (gkcheck.db) that keeps everything fetched.

Tables (schema version in `meta`):

- crawls: one row per crawl run (started, finished, status running | done | interrupted |
  abandoned: a new crawl began before it was resumed).
- pages: every URL asked in a crawl, once per crawl: HTTP status, ETag, Last-Modified,
  bytes, whether cut, error kind and reason. UNIQUE(crawl_id, url).
- contents: the latest text of each URL with its validators, for conditional re-crawls
  (a 304 re-reads the stored text) and for resuming without refetching.
- columns: per crawl, each configured column's outcome (ok | unreachable | unread) and page count.
- posts: every post ever listed, keyed by (unit, column, url), with first and last seen.
- sightings: which posts a crawl saw in a column, in listing order (history).
- bodies: a post page's main text, links, attachments (keyed by URL).
- files (schema 2): each attachment link checked (HEAD, or a GET of its first byte) or
  downloaded (the PDF of an annual report whose page holds no table): HTTP status,
  validators, error, and for a download its bytes (keyed by URL).

A version-1 store is migrated in place when opened (the new table is added, nothing
else is touched).

Each fetched page is committed in one transaction with what was read from it (its posts
or its body), in WAL mode: a crawl killed at any point (Ctrl-C, kill -9) leaves a
consistent store, and `--resume` carries on without refetching or duplicating.
A file that is not a readable gkcheck store raises SourceError and is never touched.

URLs under the crawl's base URL (`--base`, the demo's local server on a free port) are
kept as `{base}/path`, so history and conditional requests carry over from one run to
the next whatever the port; they are expanded again with each crawl's own base.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from gkcheck.crawl.write_behind import Recorder, WriteBehind
from gkcheck.errors import SourceError

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,            -- running | done | interrupted | abandoned
    config TEXT,
    base TEXT,
    units TEXT                       -- JSON list, null = all
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER NOT NULL REFERENCES crawls(id),
    url TEXT NOT NULL,
    kind TEXT NOT NULL,              -- list | body
    unit TEXT,
    column_name TEXT,
    status INTEGER,                  -- HTTP status, null if no response
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    bytes INTEGER NOT NULL DEFAULT 0,
    truncated INTEGER NOT NULL DEFAULT 0,
    error_kind TEXT,
    error TEXT,
    encoding TEXT,
    final_url TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    elapsed REAL,
    UNIQUE (crawl_id, url)
);
CREATE TABLE IF NOT EXISTS contents (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    encoding TEXT,
    text_z BLOB NOT NULL,            -- zlib(utf-8 text)
    truncated INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS columns (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER NOT NULL REFERENCES crawls(id),
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    profile TEXT,
    status TEXT NOT NULL,            -- running | ok | unreachable | unread (no post read, none said missing)
    error TEXT,
    note TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    posts INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (crawl_id, unit, name)
);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL,
    column_name TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    date_how TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    first_crawl INTEGER NOT NULL,
    last_crawl INTEGER NOT NULL,
    UNIQUE (unit, column_name, url)
);
CREATE TABLE IF NOT EXISTS sightings (
    crawl_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    position INTEGER NOT NULL,
    page_url TEXT,
    PRIMARY KEY (crawl_id, post_id)
);
CREATE TABLE IF NOT EXISTS bodies (
    url TEXT PRIMARY KEY,
    crawl_id INTEGER NOT NULL,
    status INTEGER,
    error_kind TEXT,
    error TEXT,
    content_type TEXT,
    title TEXT,
    date TEXT,
    text TEXT,
    links TEXT NOT NULL DEFAULT '[]',        -- JSON list of URLs
    attachments TEXT NOT NULL DEFAULT '[]',  -- JSON list of [url, title]
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    url TEXT PRIMARY KEY,
    crawl_id INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- check | download
    method TEXT,                     -- HEAD | GET
    status INTEGER,                  -- HTTP status of the latest answer (304 included)
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    bytes INTEGER NOT NULL DEFAULT 0,
    truncated INTEGER NOT NULL DEFAULT 0,
    error_kind TEXT,
    error TEXT,
    data BLOB,                       -- a download's bytes (kept across 304 answers)
    fetched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_url ON pages(url);
CREATE INDEX IF NOT EXISTS posts_col ON posts(unit, column_name);
CREATE INDEX IF NOT EXISTS columns_unit ON columns(unit, name);
"""


# How a column's note says its list was cut at the page cap (crawler → evidence).
PAGE_CAP_NOTE = "已达页数上限"


def page_cap_note(max_pages: int, left: int) -> str:
    return f"{PAGE_CAP_NOTE} {max_pages} 页，其余 {left} 个分页未抓取"


def now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


@dataclass
class PageRecord:
    """What the crawler tells the store about one fetched (or refused) URL."""

    url: str
    kind: str  # list | body
    unit: str
    column: str
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    bytes: int = 0
    truncated: bool = False
    error_kind: str | None = None
    error: str | None = None
    encoding: str | None = None
    final_url: str | None = None
    attempts: int = 0
    elapsed: float | None = None
    content_type: str | None = None
    text: str | None = None  # decoded text to keep (200 responses)


@dataclass
class FileRecord:
    """What the crawler tells the store about one attachment it checked or downloaded."""

    url: str
    kind: str  # check | download
    method: str | None = None
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    bytes: int = 0
    truncated: bool = False
    error_kind: str | None = None
    error: str | None = None
    data: bytes | None = None  # a download's bytes; None on 304 keeps the stored ones


class Store:
    """A gkcheck crawl store. Thread-safe: a connection for each thread that uses it
    (WAL: readers never wait); the writes of one process take turns (`_Tx`), and SQLite
    makes those of several processes wait for each other."""

    def __init__(self, path: str | Path, *, create: bool = True, base: str | None = None, write_lock=None):
        """`write_lock`: a lock the writes take, shared with other processes writing to
        the same file (default: one of this store's own)."""
        self.path = Path(path)
        self.base = base.rstrip("/") if base else None
        if not create and not self.path.exists():
            raise SourceError("抓取数据库不存在", self.path)
        if self.path.is_dir():
            raise SourceError("抓取数据库路径是一个文件夹，应为 SQLite 文件", self.path)
        self._write_lock = write_lock if write_lock is not None else threading.Lock()
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []  # every thread's, closed together
        self._conns_lock = threading.Lock()
        self._behind: WriteBehind | None = None
        try:
            first = self._connect()
        except sqlite3.Error as exc:
            raise SourceError(f"无法打开抓取数据库（{exc}）", self.path) from None
        self._local.conn = first
        try:
            self._check_and_init()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise SourceError(
                f"抓取数据库无法读取，可能已损坏或不是 SQLite 文件（{exc}）；文件未做任何改动", self.path
            ) from None
        except SourceError:
            self.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False, isolation_level=None)
        with self._conns_lock:
            self._conns.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on its first use)."""
        try:
            return self._local.conn
        except AttributeError:
            pass
        conn = self._local.conn = self._connect()
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _check_and_init(self) -> None:
        c = self.conn
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "meta" not in tables:
            raise SourceError("该文件是 SQLite 数据库，但不是 gkcheck 的抓取数据库；文件未做任何改动", self.path)
        if "meta" in tables:
            row = c.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else None
            if version is None:
                raise SourceError("抓取数据库缺少版本信息，无法识别；文件未做任何改动", self.path)
            if version > SCHEMA_VERSION:
                raise SourceError(
                    f"抓取数据库由更新版本的 gkcheck 创建（结构版本 {version}，本程序支持 {SCHEMA_VERSION}）",
                    self.path,
                )
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA foreign_keys=ON")
        if tables:
            # A version-1 store gains the files table; its data is left as it is.
            c.executescript(
                "BEGIN IMMEDIATE;"
                + _SCHEMA
                + f"UPDATE meta SET value='{SCHEMA_VERSION}' WHERE key='schema_version' "
                + f"AND CAST(value AS INTEGER) < {SCHEMA_VERSION};"
                + "COMMIT;"
            )
        else:
            c.executescript(
                "BEGIN IMMEDIATE;"
                + _SCHEMA
                + f"INSERT INTO meta(key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');"
                + f"INSERT INTO meta(key, value) VALUES ('created_at', '{now()}');"
                + "COMMIT;"
            )

    def _tx(self, *urls: str):
        """`with store._tx(url, …) as c:` a write transaction: now, or, once
        `write_behind` is on, handed to the writer thread (`urls`: what it writes about,
        which reads of those URLs wait for)."""
        if self._behind is None:
            return _Tx(self)
        return _Deferred(self._behind, urls)

    def write_behind(self) -> None:
        """Make the writes on a thread of their own from now on (gkcheck.crawl.write_behind)."""
        if self._behind is None:
            self._behind = WriteBehind(self._commit_batch)

    def settle(self, url: str | None = None) -> None:
        """Wait until the writes about `url` (None: all) are committed; a write that
        failed is raised here."""
        if self._behind is not None:
            self._behind.settle(url)

    def _commit_batch(self, recorders: list[Recorder]) -> None:
        with _Tx(self) as c:
            for rec in recorders:
                for many, sql, params in rec.calls:
                    if many:
                        c.executemany(sql, params)
                    else:
                        c.execute(sql, params)

    def _in(self, url: str | None) -> str | None:
        """A URL as stored: the crawl's base replaced by {base}."""
        b = self.base
        if url and b and (url == b or url.startswith((b + "/", b + "?"))):
            return "{base}" + url[len(b) :]
        return url

    @staticmethod
    def expand(url: str | None, base: str | None) -> str | None:
        """A stored URL made absolute again with a crawl's base."""
        if url and base and url.startswith("{base}"):
            return base.rstrip("/") + url[len("{base}") :]
        return url

    def close(self) -> None:
        """Commit the writes handed over (an error of the writer was raised to the crawl
        already), close every connection."""
        if self._behind is not None:
            behind, self._behind = self._behind, None
            behind.close()
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- crawls -----------------------------------------------------------------------

    def begin_crawl(self, config: str | None, base: str | None, units: list[str] | None) -> int:
        """A new crawl; an unfinished earlier one is left as it is, marked abandoned
        (what it fetched stays in the store and in history)."""
        self.settle()
        with _Tx(self) as c:
            c.execute("UPDATE crawls SET status='abandoned' WHERE status IN ('running', 'interrupted')")
            cur = c.execute(
                "INSERT INTO crawls(started_at, status, config, base, units) VALUES (?, 'running', ?, ?, ?)",
                (now(), config, base, json.dumps(units, ensure_ascii=False) if units is not None else None),
            )
            return int(cur.lastrowid)

    def unfinished_crawl(self) -> dict | None:
        """The latest crawl if it did not finish (killed or interrupted), else None."""
        self.settle()
        row = self.conn.execute(
            "SELECT id, units, base, config, status FROM crawls ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None or row[4] not in ("running", "interrupted"):
            return None
        return {"id": row[0], "units": json.loads(row[1]) if row[1] else None, "base": row[2], "config": row[3]}

    def reopen_crawl(self, crawl_id: int) -> None:
        self.settle()
        with _Tx(self) as c:
            c.execute("UPDATE crawls SET status='running', finished_at=NULL WHERE id=?", (crawl_id,))

    def finish_crawl(self, crawl_id: int, status: str = "done") -> None:
        """Mark a crawl done (every write settled first: a failed one is raised), or
        stopped ("interrupted": marked even when the writes failed, which the crawl was
        told of already)."""
        try:
            self.settle()
        except sqlite3.Error:
            if status == "done":
                raise
        with _Tx(self) as c:
            c.execute("UPDATE crawls SET status=?, finished_at=? WHERE id=?", (status, now(), crawl_id))

    def crawls(self) -> list[dict]:
        self.settle()
        rows = self.conn.execute("SELECT id, started_at, finished_at, status FROM crawls ORDER BY id").fetchall()
        return [dict(zip(("id", "started_at", "finished_at", "status"), r)) for r in rows]

    # -- pages ------------------------------------------------------------------------

    def page(self, crawl_id: int, url: str) -> dict | None:
        """This crawl's record of `url`, if it has one."""
        self.settle(url)
        cur = self.conn.execute("SELECT * FROM pages WHERE crawl_id=? AND url=?", (crawl_id, self._in(url)))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None

    def content(self, url: str) -> dict | None:
        """The latest stored text of `url` with its validators."""
        self.settle(url)
        row = self.conn.execute(
            "SELECT etag, last_modified, content_type, encoding, text_z, truncated FROM contents WHERE url=?",
            (self._in(url),),
        ).fetchone()
        if row is None:
            return None
        return {
            "etag": row[0],
            "last_modified": row[1],
            "content_type": row[2],
            "encoding": row[3],
            "text": zlib.decompress(row[4]).decode("utf-8"),
            "truncated": bool(row[5]),
        }

    def _page_values(self, crawl_id: int, p: PageRecord, at: str) -> tuple[tuple, tuple | None]:
        """The rows `_put_page` writes for a page (its pages row, its contents row or
        None), worked out before the transaction: the text is compressed outside the
        store's lock, which every crawl thread waits for."""
        page = (
            crawl_id, self._in(p.url), p.kind, p.unit, p.column, p.status, p.etag, p.last_modified, at, p.bytes,
            int(p.truncated), p.error_kind, p.error, p.encoding, self._in(p.final_url), p.attempts, p.elapsed,
        )  # fmt: skip
        if p.text is None:
            return page, None
        content = (
            self._in(p.url), p.etag, p.last_modified, p.content_type, p.encoding,
            zlib.compress(p.text.encode("utf-8"), 6), int(p.truncated), at,
        )  # fmt: skip
        return page, content

    @staticmethod
    def _put_page(c: sqlite3.Connection, values: tuple[tuple, tuple | None]) -> None:
        page, content = values
        c.execute(
            """INSERT INTO pages(crawl_id, url, kind, unit, column_name, status, etag, last_modified,
                   fetched_at, bytes, truncated, error_kind, error, encoding, final_url, attempts, elapsed)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(crawl_id, url) DO UPDATE SET
                   kind=excluded.kind, unit=excluded.unit, column_name=excluded.column_name,
                   status=excluded.status, etag=excluded.etag, last_modified=excluded.last_modified,
                   fetched_at=excluded.fetched_at, bytes=excluded.bytes, truncated=excluded.truncated,
                   error_kind=excluded.error_kind, error=excluded.error, encoding=excluded.encoding,
                   final_url=excluded.final_url, attempts=excluded.attempts, elapsed=excluded.elapsed""",
            page,
        )
        if content is not None:
            c.execute(
                """INSERT INTO contents(url, etag, last_modified, content_type, encoding, text_z, truncated, fetched_at)
                   VALUES (?,?,?,?,?,?,?,?)
                   ON CONFLICT(url) DO UPDATE SET etag=excluded.etag, last_modified=excluded.last_modified,
                       content_type=excluded.content_type, encoding=excluded.encoding, text_z=excluded.text_z,
                       truncated=excluded.truncated, fetched_at=excluded.fetched_at""",
                content,
            )

    def record_page(self, crawl_id: int, page: PageRecord) -> None:
        """A page without anything read from it (an error, or a list page with no items)."""
        values = self._page_values(crawl_id, page, now())
        with self._tx(page.url) as c:
            self._put_page(c, values)

    def record_list_page(self, crawl_id: int, page: PageRecord, items, first_position: int) -> None:
        """A list page and the posts it lists, in one transaction.

        `items` are ListItem-like objects (title, url, date, date_how).
        """
        at = now()
        values = self._page_values(crawl_id, page, at)
        items = list(items)
        urls = [self._in(item.url) for item in items]
        posts = [
            (page.unit, page.column, url, item.title, item.date.isoformat() if item.date else None, item.date_how,
             at, at, crawl_id, crawl_id)
            for url, item in zip(urls, items)
        ]  # fmt: skip
        page_url = self._in(page.url)
        sightings = [
            (crawl_id, first_position + k, page_url, page.unit, page.column, url) for k, url in enumerate(urls)
        ]
        with self._tx(page.url) as c:
            self._put_page(c, values)
            c.executemany(
                """INSERT INTO posts(unit, column_name, url, title, date, date_how,
                       first_seen, last_seen, first_crawl, last_crawl)
                   VALUES (?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(unit, column_name, url) DO UPDATE SET
                       title=excluded.title,
                       date=COALESCE(excluded.date, posts.date),
                       date_how=CASE WHEN excluded.date IS NULL THEN posts.date_how ELSE excluded.date_how END,
                       last_seen=excluded.last_seen, last_crawl=excluded.last_crawl""",
                posts,
            )
            c.executemany(
                """INSERT OR IGNORE INTO sightings(crawl_id, post_id, position, page_url)
                   SELECT ?1, id, ?2, ?3 FROM posts WHERE unit=?4 AND column_name=?5 AND url=?6""",
                sightings,
            )

    def record_body_page(self, crawl_id: int, page: PageRecord, body=None) -> None:
        """A post page and its extracted body, in one transaction.

        body None: on 304 the stored body stands; on a failure the error is recorded and
        the text fetched earlier is kept (history), the error telling it is not current.
        """
        at = now()
        values = self._page_values(crawl_id, page, at)
        body_values = self._body_values(crawl_id, page.url, page.status, page.error_kind, page.error,
                                        page.content_type, body, at) if body is not None else None  # fmt: skip
        with self._tx(page.url) as c:
            self._put_page(c, values)
            if body is None:
                if page.status == 304 and page.error_kind is None:
                    c.execute(
                        "UPDATE bodies SET crawl_id=?, fetched_at=?, error_kind=NULL, error=NULL WHERE url=?",
                        (crawl_id, at, self._in(page.url)),
                    )
                else:
                    c.execute(
                        """INSERT INTO bodies(url, crawl_id, status, error_kind, error, fetched_at)
                           VALUES (?,?,?,?,?,?)
                           ON CONFLICT(url) DO UPDATE SET crawl_id=excluded.crawl_id, status=excluded.status,
                               error_kind=excluded.error_kind, error=excluded.error, fetched_at=excluded.fetched_at""",
                        (self._in(page.url), crawl_id, page.status, page.error_kind, page.error, at),
                    )
                return
            self._put_body(c, body_values)

    def move_page(self, crawl_id: int, url: str, unit: str, column: str) -> None:
        """Record a post page of crawl `crawl_id` under another unit and column."""
        with self._tx(url) as c:
            c.execute(
                "UPDATE pages SET unit=?, column_name=? WHERE crawl_id=? AND url=? AND kind='body'",
                (unit, column, crawl_id, self._in(url)),
            )

    def has_body(self, crawl_id: int | None, url: str) -> bool:
        """Whether crawl `crawl_id` (None: any crawl) has recorded the body of `url`."""
        self.settle(url)
        if crawl_id is None:
            row = self.conn.execute("SELECT 1 FROM bodies WHERE url=?", (self._in(url),)).fetchone()
        else:
            row = self.conn.execute(
                "SELECT 1 FROM bodies WHERE url=? AND crawl_id=?", (self._in(url), crawl_id)
            ).fetchone()
        return row is not None

    def record_body(self, crawl_id, url, status, error_kind, error, content_type, body) -> None:
        """A body read from a page this crawl already recorded (as a list page)."""
        values = self._body_values(crawl_id, url, status, error_kind, error, content_type, body, now())
        with self._tx(url) as c:
            self._put_body(c, values)

    def record_body_skip(
        self, crawl_id: int, url: str, kind: str, reason: str, attachments: list[tuple[str, str]] | None = None
    ) -> None:
        """A post whose page is not fetched (off-site link, attachment file)."""
        from gkcheck.crawl.body import Body

        body = Body(text="", attachments=attachments or []) if attachments else None
        values = self._body_values(crawl_id, url, None, kind, reason, None, body, now())
        with self._tx(url) as c:
            self._put_body(c, values)

    def _body_values(self, crawl_id, url, status, error_kind, error, content_type, body, at) -> tuple:
        """The bodies row `_put_body` writes, worked out before the transaction."""
        return (
            self._in(url), crawl_id, status, error_kind, error, content_type,
            getattr(body, "title", None),
            body.date.isoformat() if body is not None and getattr(body, "date", None) else None,
            getattr(body, "text", None) if body is not None and body.text else None,
            json.dumps([self._in(u) for u in (getattr(body, "links", []) or [])], ensure_ascii=False),
            json.dumps(
                [[self._in(a[0]), a[1]] for a in (getattr(body, "attachments", []) or [])], ensure_ascii=False
            ),
            at,
        )  # fmt: skip

    @staticmethod
    def _put_body(c, values: tuple) -> None:
        c.execute(
            """INSERT INTO bodies(url, crawl_id, status, error_kind, error, content_type, title, date, text,
                   links, attachments, fetched_at)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
               ON CONFLICT(url) DO UPDATE SET crawl_id=excluded.crawl_id, status=excluded.status,
                   error_kind=excluded.error_kind, error=excluded.error, content_type=excluded.content_type,
                   title=excluded.title, date=excluded.date, text=excluded.text, links=excluded.links,
                   attachments=excluded.attachments, fetched_at=excluded.fetched_at""",
            values,
        )

    # -- files (attachments) -----------------------------------------------------------

    def record_file(self, crawl_id: int, f: FileRecord) -> None:
        """An attachment's check or download; on a 304 (or a failure) bytes downloaded
        earlier are kept, and a 304 keeps the status of the answer it confirms (200)."""
        with self._tx(f.url) as c:
            c.execute(
                """INSERT INTO files(url, crawl_id, kind, method, status, etag, last_modified, content_type,
                       bytes, truncated, error_kind, error, data, fetched_at)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(url) DO UPDATE SET crawl_id=excluded.crawl_id, kind=excluded.kind,
                       method=excluded.method,
                       status=CASE WHEN excluded.status = 304 AND files.status IS NOT NULL
                                   THEN files.status ELSE excluded.status END,
                       etag=COALESCE(excluded.etag, files.etag),
                       last_modified=COALESCE(excluded.last_modified, files.last_modified),
                       content_type=COALESCE(excluded.content_type, files.content_type),
                       bytes=CASE WHEN excluded.data IS NULL THEN files.bytes ELSE excluded.bytes END,
                       truncated=CASE WHEN excluded.data IS NULL THEN files.truncated ELSE excluded.truncated END,
                       error_kind=excluded.error_kind, error=excluded.error,
                       data=COALESCE(excluded.data, files.data), fetched_at=excluded.fetched_at""",
                (
                    self._in(f.url), crawl_id, f.kind, f.method, f.status, f.etag, f.last_modified, f.content_type,
                    f.bytes, int(f.truncated), f.error_kind, f.error, f.data, now(),
                ),
            )  # fmt: skip

    def file(self, url: str) -> dict | None:
        """The stored record of an attachment (without its bytes), or None."""
        self.settle(url)
        cur = self.conn.execute(
            """SELECT url, crawl_id, kind, method, status, etag, last_modified, content_type, bytes,
                      truncated, error_kind, error, data IS NOT NULL AS has_data, fetched_at
               FROM files WHERE url=?""",
            (self._in(url),),
        )
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None

    def file_data(self, url: str) -> bytes | None:
        """A downloaded attachment's bytes, or None."""
        self.settle(url)
        row = self.conn.execute("SELECT data FROM files WHERE url=?", (self._in(url),)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def files(self, base: str | None = None) -> dict[str, dict]:
        """Every attachment record (without bytes) by URL, {base} expanded with `base`."""
        self.settle()
        cur = self.conn.execute(
            """SELECT url, crawl_id, kind, status, error_kind, error, bytes, truncated,
                      data IS NOT NULL AS has_data FROM files"""
        )
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        return {self.expand(r["url"], base): r for r in rows}

    # -- columns ----------------------------------------------------------------------

    def start_column(self, crawl_id: int, unit: str, name: str, url: str, profile: str) -> None:
        with self._tx() as c:
            c.execute(
                """INSERT INTO columns(crawl_id, unit, name, url, profile, status, started_at)
                   VALUES (?,?,?,?,?, 'running', ?)
                   ON CONFLICT(crawl_id, unit, name) DO UPDATE SET url=excluded.url, profile=excluded.profile""",
                (crawl_id, unit, name, self._in(url), profile, now()),
            )

    def finish_column(
        self, crawl_id: int, unit: str, name: str, *, status: str, error: str | None, note: str | None,
        pages: int, posts: int,
    ) -> None:  # fmt: skip
        with self._tx() as c:
            c.execute(
                """UPDATE columns SET status=?, error=?, note=?, pages=?, posts=?, finished_at=?
                   WHERE crawl_id=? AND unit=? AND name=?""",
                (status, error, note, pages, posts, now(), crawl_id, unit, name),
            )

    def latest_column(self, unit: str, name: str) -> dict | None:
        """The newest finished outcome of a column (an unfinished crawl is skipped)."""
        self.settle()
        cur = self.conn.execute(
            """SELECT c.*, k.base AS base FROM columns c JOIN crawls k ON k.id = c.crawl_id
               WHERE c.unit=? AND c.name=? AND c.status != 'running'
               ORDER BY c.crawl_id DESC LIMIT 1""",
            (unit, name),
        )
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row))
        out["url"] = self.expand(out["url"], out["base"])
        return out

    def latest_columns(self, unit: str) -> dict[str, dict]:
        """`latest_column` of every column of a unit, by column name, in one query, with
        the fields the column evidence reads: name, crawl_id, base, url, status, error,
        note, pages, finished_at."""
        self.settle()
        cur = self.conn.execute(
            """SELECT c.name, c.crawl_id, k.base AS base, c.url, c.status, c.error, c.note, c.pages, c.finished_at
               FROM columns c JOIN crawls k ON k.id = c.crawl_id
               WHERE c.unit=? AND c.status != 'running'
               ORDER BY c.name, c.crawl_id DESC""",
            (unit,),
        )
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        out: dict[str, dict] = {}
        for row in rows:
            r = dict(zip(names, row))
            if r["name"] not in out:
                r["url"] = self.expand(r["url"], r["base"])
                out[r["name"]] = r
        return out

    def column_posts(self, crawl_id: int, unit: str, name: str, base: str | None = None) -> list[dict]:
        """Posts a crawl saw in a column, in listing order, with bodies where fetched;
        stored {base} URLs are expanded with `base` (that crawl's base URL)."""
        self.settle()
        cur = self.conn.execute(
            f"""SELECT {_POST_FIELDS}
               FROM sightings s JOIN posts p ON p.id = s.post_id
               LEFT JOIN bodies b ON b.url = p.url
               WHERE s.crawl_id=? AND p.unit=? AND p.column_name=?
               ORDER BY s.position""",
            (crawl_id, unit, name),
        )
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        for r in rows:
            r["url"] = self.expand(r["url"], base)
            if r["links"]:
                r["links"] = json.dumps([self.expand(u, base) for u in json.loads(r["links"])], ensure_ascii=False)
            if r["attachments"]:
                r["attachments"] = json.dumps(
                    [[self.expand(a[0], base), a[1]] for a in json.loads(r["attachments"])], ensure_ascii=False
                )
        return rows

    def posts_of_columns(self, unit: str, wanted: dict[str, tuple[int, str | None]]) -> dict[str, list[tuple]]:
        """The posts of several columns of a unit: column name -> its rows in listing
        order, for `wanted` = column name -> (crawl id, crawl base). A row is a tuple of
        the POST_ROW fields as `column_posts` gives them (links and attachments as stored
        JSON text), except that where the crawl had a base its URLs are expanded and
        links and attachments come as lists.

        Two queries: the posts with the row id of their body where one was stored, then
        those bodies. Most posts have no body, and Python's sqlite3 module costs as much
        for a NULL value as for any other: eight NULLs a post cost more than the second
        query. (A body row keeps its row id: bodies are updated in place, never deleted.)"""
        self.settle()
        out: dict[str, list[tuple]] = {name: [] for name in wanted}
        if not wanted:
            return out
        pairs = list(wanted.items())
        posts = self._listed_posts(unit, [crawl_id for _, (crawl_id, _) in pairs], [name for name, _ in pairs])
        bodies = self._bodies_by_rowid([r[_BODY_ROWID] for r in posts if r[_BODY_ROWID] is not None])
        by_column: list[list[tuple]] = [[] for _ in pairs]
        for r in posts:
            by_column[r[0]].append(r)
        expand = self.expand
        for (name, (_, base)), listed in zip(pairs, by_column):
            listed.sort(key=_POSITION)
            # (title … last_seen, then the body's fields, or None for each without a body)
            rows = [
                (*r[2:_BODY_ROWID], *(_NO_BODY if r[_BODY_ROWID] is None else bodies[r[_BODY_ROWID]]))
                for r in listed
            ]
            if not base:
                out[name] = rows
                continue
            for row in rows:
                r = list(row)
                r[_URL] = expand(r[_URL], base)
                links, atts = r[_LINKS], r[_ATTACHMENTS]
                r[_LINKS] = [expand(u, base) for u in json.loads(links)] if links and links != "[]" else []
                r[_ATTACHMENTS] = (
                    [[expand(a[0], base), a[1]] for a in json.loads(atts)] if atts and atts != "[]" else []
                )
                out[name].append(tuple(r))
        return out

    def _listed_posts(self, unit: str, crawl_ids: list[int], names: list[str]) -> list[tuple]:
        """(column number, position, title, url, date, date_how, first_seen, last_seen,
        rowid of its body or None) of each post the crawl `crawl_ids[i]` saw in the
        column `names[i]` of `unit`, in no particular order."""
        values = ",".join("(?,?,?)" for _ in names)
        params: list = []
        for i, (name, crawl_id) in enumerate(zip(names, crawl_ids)):
            params += [i, name, crawl_id]
        params.append(unit)
        # the wanted columns as a table joined first, so that both indexes are used; the
        # body's row id is read from the index on bodies.url, without reading the body
        return self.conn.execute(
            f"""WITH w(i, name, crawl_id) AS (VALUES {values})
               SELECT w.i, s.position, p.title, p.url, p.date, p.date_how, p.first_seen, p.last_seen,
                      b.rowid
               FROM w JOIN posts p ON p.unit = ? AND p.column_name = w.name
               JOIN sightings s ON s.crawl_id = w.crawl_id AND s.post_id = p.id
               LEFT JOIN bodies b ON b.url = p.url""",
            params,
        ).fetchall()

    def _bodies_by_rowid(self, rowids: list[int]) -> dict[int, tuple]:
        """rowid -> the body fields of POST_ROW (body_status … body_url) of those bodies."""
        if not rowids:
            return {}
        # the row ids as one JSON parameter: the same statement (prepared once) for any number
        rows = self.conn.execute(
            f"SELECT rowid, {_BODY_FIELDS} FROM bodies WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(rowids),),
        ).fetchall()
        return {r[0]: r[1:] for r in rows}

    # -- summaries (tests, reports) -----------------------------------------------------

    def page_counts(self, crawl_id: int) -> dict[str, int]:
        self.settle()
        rows = self.conn.execute(
            """SELECT COALESCE(error_kind, CASE WHEN status=304 THEN 'not_modified' ELSE 'ok' END), COUNT(*)
               FROM pages WHERE crawl_id=? GROUP BY 1""",
            (crawl_id,),
        ).fetchall()
        return {k: n for k, n in rows}

    def failures(self, crawl_id: int) -> list[dict]:
        self.settle()
        rows = self.conn.execute(
            """SELECT url, unit, column_name, status, error_kind, error FROM pages
               WHERE crawl_id=? AND error_kind IS NOT NULL ORDER BY id""",
            (crawl_id,),
        ).fetchall()
        keys = ("url", "unit", "column", "status", "error_kind", "error")
        out = [dict(zip(keys, r)) for r in rows]
        for r in out:
            r["url"] = self.expand(r["url"], self.base)
        return out


# What `column_posts` and `posts_of_columns` read of a post (p: posts, b: bodies), in
# this order: a posts_of_columns row is a tuple of these.
POST_ROW = (
    "title", "url", "date", "date_how", "first_seen", "last_seen", "body_status", "body_error",
    "body_error_kind", "body", "body_date", "links", "attachments", "body_url",
)  # fmt: skip
_BODY_FIELDS = """status AS body_status, error AS body_error, error_kind AS body_error_kind, text AS body,
    date AS body_date, links, attachments, url AS body_url"""
_POST_FIELDS = """p.title, p.url, p.date, p.date_how, p.first_seen, p.last_seen,
    b.status AS body_status, b.error AS body_error, b.error_kind AS body_error_kind, b.text AS body,
    b.date AS body_date, b.links AS links, b.attachments AS attachments, b.url AS body_url"""
_NO_BODY = (None,) * 8  # the body fields of POST_ROW of a post without a stored body
_BODY_ROWID = 8  # where `_listed_posts` puts a post's body row id
_POSITION = operator.itemgetter(1)  # of a `_listed_posts` row
_URL, _LINKS, _ATTACHMENTS = POST_ROW.index("url"), POST_ROW.index("links"), POST_ROW.index("attachments")


class _Deferred:
    """`with store._tx() as c:` under write-behind: the statements kept, handed to the
    writer when the block ends without an error."""

    def __init__(self, behind: WriteBehind, urls: tuple[str, ...]):
        self.behind = behind
        self.urls = urls
        self.rec = Recorder()

    def __enter__(self) -> Recorder:
        return self.rec

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.behind.put(self.urls, self.rec)
        return False


class _Tx:
    """`with store._tx() as conn:` one IMMEDIATE transaction under the store's lock."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        self.store._write_lock.acquire()
        try:
            self.store.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.store._write_lock.release()
            raise
        return self.store.conn

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.store.conn.execute("COMMIT")
            else:
                self.store.conn.execute("ROLLBACK")
        finally:
            self.store._write_lock.release()
        return False
