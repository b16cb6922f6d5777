"""Build each unit's column evidence (gkcheck.model.Column) from the crawl store.

For every column of the sites config: the newest finished crawl of that column gives
its status (ok; unreachable with the reason; unread: fetched, but no post read and none
said to be missing) and the posts it listed, in listing
order, with first/last seen and, where fetched, body text, links and attachments (with
the HTTP status of each attachment the crawler checked). A post the crawler did not fetch
on purpose (a link to another site, a file) has `body_skipped` (the reason), not
`body_error`: only a failed fetch is an error.
A column never crawled is `not_crawled`. Checks answer `unknown` for unreachable, unread
and not_crawled columns: a failed fetch, or a list not read, is never an empty column.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

from gkcheck.crawl.config import SitesConfig
from gkcheck.crawl.store import PAGE_CAP_NOTE, POST_ROW, Store
from gkcheck.errors import ConfigError, SourceError
from gkcheck.model.construct import builder
from gkcheck.model.web import Attachment, Column, Post


# The same few dates and crawl times recur over thousands of posts: parsed once each.
@lru_cache(maxsize=8192)
def _date(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


@lru_cache(maxsize=8192)
def _datetime(v: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(v) if v else None


def _post_date(listed: str | None, how: str | None, body_date: str | None) -> dt.date | None:
    """The listed date; the post page's own date where the list gave none, or gave only
    month and day (its year inferred) and the page says otherwise."""
    listed_d, on_page = _date(listed), _date(body_date)
    if listed_d is None:
        return on_page
    if how == "list_md" and on_page is not None and (on_page.month, on_page.day) == (
        listed_d.month,
        listed_d.day,
    ):
        return on_page
    return listed_d


# Why a post page was not fetched on purpose (crawler.record_body_skip): not a failed fetch.
SKIP_KINDS = ("offsite", "attachment")
# A file check that was not made (outside the crawl's hosts, robots.txt): not a broken link.
UNCHECKED_FILE_KINDS = ("offsite", "robots", "robots_unavailable", "invalid_url")


def _attachment(url: str, title: str, files: dict[str, dict]) -> Attachment:
    return Attachment(**_attachment_fields(url, title, files))


def _attachment_fields(url: str, title: str, files: dict[str, dict]) -> dict:
    f = files.get(url)
    if f is None or f["error_kind"] in UNCHECKED_FILE_KINDS or (f["status"] is None and not f["error"]):
        return {"url": url, "title": title}
    # an HTTP error is told by its status; other failures (timeout, reset …) by their reason
    kind = f["error_kind"]
    error = f["error"] if kind not in (None, "too_large") and not (kind.startswith("http_") and f["status"]) else None
    return {"url": url, "title": title, "status": f["status"], "error": error}


def _json_list(text: str | list | None) -> list:
    """A stored JSON list (or one already parsed); the common empty one without the json
    module's overhead."""
    if isinstance(text, list):
        return text
    return json.loads(text) if text and text != "[]" else []


def _post(row: dict, files: dict[str, dict] | None = None) -> Post:
    """A Post from a `Store.column_posts` row; `files` (Store.files) gives each
    attachment's checked status."""
    return Post(**_post_fields(tuple(row[k] for k in POST_ROW), files or {}))


def _posts(rows: list[tuple], files: dict[str, dict]) -> list[Post]:
    """The Posts of store rows (tuples of POST_ROW), built without validation: every
    field already has its type (text and numbers from SQLite, dates parsed here), and a
    province-wide audit reads millions of posts. Most posts of a column were listed but
    not fetched: their fields come from the listing alone (the same values as
    `_post_fields` gives them, without its dict of a dozen lookups)."""
    out = []
    append = out.append
    for r in rows:
        (title, url, date, _how, first_seen, last_seen, _status, _error, _kind, _body, _body_date,
         _links, _attachments, body_url) = r  # fmt: skip
        if body_url is None:  # no body row (so no attachments, no error, no page date)
            append(_build_post({
                "title": title, "url": url, "date": _date(date), "first_seen": _datetime(first_seen),
                "last_seen": _datetime(last_seen), "body": None, "body_status": None, "body_error": None,
                "body_skipped": None, "links": [], "attachments": [],
            }))  # fmt: skip
            continue
        fields = _post_fields(r, files)
        if fields["attachments"]:
            fields["attachments"] = [_build_attachment(a) for a in fields["attachments"]]
        append(_build_post(fields))
    return out


_build_post = builder(Post)
_build_attachment = builder(Attachment)
_build_column = builder(Column)


def _post_fields(row: tuple, files: dict[str, dict]) -> dict:
    """The fields of a Post from a store row (a tuple of POST_ROW)."""
    (title, url, date, date_how, first_seen, last_seen, body_status, body_error, error_kind, body, body_date,
     links, attachments, body_url) = row  # fmt: skip
    has_body = body_url is not None
    skipped = body_error if error_kind in SKIP_KINDS else None
    atts = [_attachment_fields(a[0], a[1] or "", files) for a in _json_list(attachments)] if attachments else []
    if not has_body:
        body_status = None
    if skipped:
        body_error = None
        if error_kind == "attachment":  # the post is the file: its check is the post's
            own = next((a for a in atts if a["url"] == url), None)
            if own is not None:
                body_status, body_error = own.get("status"), own.get("error")
    return {
        "title": title,
        "url": url,
        "date": _post_date(date, date_how, body_date),
        "first_seen": _datetime(first_seen),
        "last_seen": _datetime(last_seen),
        # text fetched earlier is not shown when the latest fetch failed
        "body": body if has_body and not body_error and not skipped else None,
        "body_status": body_status,
        "body_error": body_error,
        "body_skipped": skipped,
        "links": _json_list(links) if has_body else [],
        "attachments": atts,
    }


def unit_ids(sites: SitesConfig, unit_names: dict[str, str]) -> list[str]:
    """The unit id of each sites-config unit, in order; ConfigError for an unknown one."""
    out = []
    for i, u in enumerate(sites.units):
        uid = unit_names.get(u.unit)
        if uid is None:
            raise ConfigError(
                f"单位“{u.unit}”不在规则包的单位表中（请写单位全称、简称或编号）", sites.path, f"units[{i}].unit"
            )
        out.append(uid)
    return out


def columns_from_store(
    store_path: str | Path, sites: SitesConfig, unit_names: dict[str, str]
) -> dict[str, dict[str, Column]]:
    """unit id -> column name -> Column, for every column the sites config names."""
    reader = StoreColumns(store_path, sites, unit_names)
    try:
        return {uid: reader.columns(uid) for uid in reader.unit_ids}
    finally:
        reader.close()


class StoreColumns:
    """The column evidence of one unit at a time, read when asked (`columns(uid)`), so
    that an audit of thousands of units never holds every unit's posts at once.

    The sites config is checked when the reader is made (an unknown unit, a column named
    twice: ConfigError); the store is opened then and kept open until `close()`.
    """

    def __init__(self, store_path: str | Path, sites: SitesConfig, unit_names: dict[str, str]):
        ids = unit_ids(sites, unit_names)
        self.path = Path(store_path)
        # unit id -> its sites-config entries (a unit may be listed under two of its names)
        self._entries: dict[str, list] = {}
        seen: dict[str, set[str]] = {}
        for i, (uid, unit) in enumerate(zip(ids, sites.units)):
            self._entries.setdefault(uid, []).append(unit)
            names = seen.setdefault(uid, set())
            for j, col in enumerate(unit.columns):
                if col.name in names:
                    raise ConfigError(
                        f"单位“{unit.unit}”的栏目“{col.name}”在网站栏目配置中出现了两次",
                        sites.path,
                        f"units[{i}].columns[{j}].name",
                    )
                names.add(col.name)
        self.unit_ids = list(self._entries)
        self.store = Store(self.path, create=False) if self.path.exists() else None
        self._files: dict[str | None, dict[str, dict]] = {}  # crawl base -> Store.files(base)

    def columns(self, uid: str) -> dict[str, Column]:
        """Column name -> Column for one unit of the sites config."""
        cols: dict[str, Column] = {}
        try:
            for unit in self._entries.get(uid, []):
                latest = self.store.latest_columns(unit.unit) if self.store is not None else {}
                wanted = {c.name: (latest[c.name]["crawl_id"], latest[c.name]["base"]) for c in unit.columns if c.name in latest}
                rows = self.store.posts_of_columns(unit.unit, wanted) if wanted else {}
                for col in unit.columns:
                    cols[col.name] = self._column(uid, unit.unit, col, latest.get(col.name), rows.get(col.name))
        except sqlite3.DatabaseError as exc:
            raise SourceError(f"抓取数据库读取失败（{exc}）；文件未做任何改动", self.path) from None
        return cols

    def _column(self, uid: str, unit: str, col, row: dict | None, posts: list[tuple] | None = None) -> Column:
        if row is None:
            url = None if "{base}" in col.url else col.url
            return Column(
                unit=uid, name=col.name, url=url, status="not_crawled", error="该栏目尚未抓取", homepage=col.profile == "homepage"
            )
        base = row["base"]
        if base not in self._files:
            self._files[base] = self.store.files(base)
        return _crawled_column(self.store, uid, unit, col, row, self._files[base], posts)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def after_fork(self) -> None:
        """In a process forked from the one that opened the store: a connection of its
        own (an SQLite connection must not cross a fork; the inherited one is left
        untouched)."""
        if self.store is not None:
            self._inherited = self.store
            self.store = Store(self.path, create=False)


def _crawled_column(
    store: Store, uid: str, unit: str, col, row: dict, files: dict[str, dict], rows: list[dict] | None = None
) -> Column:
    """A column from its newest finished crawl (`row`, as `Store.latest_column` gives it);
    `rows`: its posts as `Store.posts_of_columns` gives them, read here if not given."""
    if rows is None:
        rows = [tuple(r[k] for k in POST_ROW) for r in store.column_posts(row["crawl_id"], unit, col.name, base=row["base"])]
    # every value typed already (text and numbers from SQLite, the time parsed here)
    return _build_column({
        "unit": uid,
        "name": col.name,
        "url": row["url"],
        "status": row["status"] if row["status"] in ("ok", "unread") else "unreachable",
        "error": row["error"] if row["status"] != "ok" else None,
        "fetched_at": _datetime(row["finished_at"]),
        "pages": row["pages"] or 0,
        "cut_at_pages": (row["pages"] or 0) if PAGE_CAP_NOTE in (row["note"] or "") else None,
        "homepage": col.profile == "homepage",
        "posts": _posts(rows, files),
    })
