"""Annual reports (政府信息公开工作年度报告) read from the crawl store.

For each unit of the sites config, each column named 年度报告 (or 政府信息公开年报,
年度报告专栏 …) and each post in it whose title is a 政府信息公开工作年度报告 with a
year gives one `AnnualReportDoc`:

- year: the year in the title (the year the report covers), source: the post URL,
  published: the post's date (listed, or from its page), title: the post title;
- parsed: the report read from the post page's stored HTML (`parse_html`); when the
  page holds no report table and the crawler downloaded the report's PDF attachment,
  from the PDF (`report_from_pdf`); else from the page's main text (`parse_text`);
- error: why it could not be read (its page failed to load, the PDF is a scan …), so
  that the checks answer `unknown` for its content, never `fail`.

A report column that could not be read (unreachable, not crawled) with no report found
gives no evidence (None): a failed fetch never makes a report "missing".
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

from gkcheck.crawl.config import SitesConfig
from gkcheck.crawl.evidence import unit_ids
from gkcheck.crawl.store import POST_ROW, Store
from gkcheck.errors import GkError, SourceError
from gkcheck.model import AnnualReportDoc
from gkcheck.text.normalize import key

REPORT_COLUMNS = ("年度报告", "政府信息公开年报", "年度报告专栏", "政府信息公开年度报告", "信息公开年报", "年报")
_TITLE = re.compile(r"政府信息公开(?:工作)?(?:年度报告|年报)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TABLE_MARKS = ("本年新收", "结转")
_TITLE_AT = POST_ROW.index("title")  # in a row of Store.posts_of_columns
_REPORT_COLUMN_KEYS = frozenset(key(n) for n in REPORT_COLUMNS)


def is_report_column(name: str) -> bool:
    return key(name) in _REPORT_COLUMN_KEYS


def report_year(title: str) -> int | None:
    """The year a 政府信息公开工作年度报告 covers, from its title; None if the title is not
    a report's or names no year (“邹城市民政局2023年政府信息公开工作年度报告” -> 2023)."""
    flat = re.sub(r"\s+", "", title or "")
    if not _TITLE.search(flat):
        return None
    m = _YEAR.search(flat)
    return int(m.group(1)) if m else None


def has_report_tables(text: str | None) -> bool:
    """Whether a report page's text holds the application table (表三) itself."""
    flat = re.sub(r"\s+", "", text or "")
    return all(mark in flat for mark in _TABLE_MARKS)


def is_pdf(url: str, content_type: str | None = None) -> bool:
    if content_type and "pdf" in content_type.lower():
        return True
    return url.split("?", 1)[0].lower().endswith(".pdf")


def reports_from_store(
    store_path: str | Path, sites: SitesConfig, unit_names: dict[str, str]
) -> dict[str, list[AnnualReportDoc] | None]:
    """unit id -> its annual reports found in the store (None: its report column could
    not be read and showed no report), for every unit with a report column."""
    reader = StoreReports(store_path, sites, unit_names)
    try:
        out: dict[str, list[AnnualReportDoc] | None] = {}
        for uid in reader.unit_ids:
            found, docs = reader.reports(uid)
            if found:
                out[uid] = docs
        return out
    finally:
        reader.close()


class StoreReports:
    """`reports_from_store` one unit at a time (`reports(uid)`), so that a large audit
    reads each unit's reports when it checks the unit, in whichever process does."""

    def __init__(self, store_path: str | Path, sites: SitesConfig, unit_names: dict[str, str]):
        ids = unit_ids(sites, unit_names)
        self.path = Path(store_path)
        self._entries: dict[str, list] = {}  # unit id -> its sites-config entries, in order
        for uid, unit in zip(ids, sites.units):
            self._entries.setdefault(uid, []).append(unit)
        self.unit_ids = list(self._entries)
        self.store = Store(self.path, create=False) if self.path.exists() else None
        self._files: dict[str | None, dict[str, dict]] = {}  # crawl base -> Store.files(base)

    def reports(self, uid: str) -> tuple[bool, list[AnnualReportDoc] | None]:
        """(whether the unit has a report column, its reports or None as above)."""
        found, out = False, None
        try:
            for unit in self._entries.get(uid, []):
                for col in unit.columns:
                    if not is_report_column(col.name):
                        continue
                    docs, complete = _column_reports(self.store, unit.unit, col.name, self._files)
                    if docs or complete:
                        out = [*(out or []), *docs]
                    found = True
        except sqlite3.DatabaseError as exc:
            raise SourceError(f"抓取数据库读取失败（{exc}）；文件未做任何改动", self.path) from None
        return found, out

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def after_fork(self) -> None:
        """In a forked process: a connection of its own (the inherited one is left alone)."""
        if self.store is not None:
            self._inherited = self.store
            self.store = Store(self.path, create=False)


def _column_reports(
    store: Store | None, unit: str, name: str, files_by_base: dict | None = None
) -> tuple[list[AnnualReportDoc], bool]:
    """(reports of one column, whether the column was read completely)."""
    row = store.latest_column(unit, name) if store is not None else None
    if row is None:
        return [], False
    from gkcheck.crawl.evidence import _post

    docs = []
    if files_by_base is None:
        files = store.files(row["base"])
    else:
        if row["base"] not in files_by_base:
            files_by_base[row["base"]] = store.files(row["base"])
        files = files_by_base[row["base"]]
    # the rows of posts_of_columns (tuples of POST_ROW, read in fewer values than column_posts)
    for values in store.posts_of_columns(unit, {name: (row["crawl_id"], row["base"])})[name]:
        year = report_year(values[_TITLE_AT])
        if year is None:
            continue
        r = dict(zip(POST_ROW, values))
        post = _post(r, files)
        docs.append(_doc(store, row["base"], r, post, year))
    return docs, row["status"] == "ok"


def _doc(store: Store, base: str | None, row: dict, post, year: int) -> AnnualReportDoc:
    from gkcheck.sources.annual_report import parse_html, parse_text

    doc = AnnualReportDoc(year=year, source=post.url, published=post.date, title=post.title)
    if row["body_url"] is None:
        doc.error = "年度报告页面尚未抓取"
        return doc
    if post.body_error:
        doc.error = f"年度报告页面抓取失败：{post.body_error}"
        return doc
    stored = store.content(_stored_url(post.url, base))
    html = stored["text"] if stored and not stored["truncated"] else None
    pdfs = [a for a in post.attachments if is_pdf(a.url)]
    if post.body_skipped and is_pdf(post.url):  # the post links straight to the PDF
        pdfs = [a for a in post.attachments if a.url == post.url] or pdfs
        html = None
    attempts: list[str] = []
    parsed = None
    if html is not None and has_report_tables(post.body):
        parsed, why = _try(lambda: parse_html(html, source=post.url))
        attempts += [why] if why else []
    if parsed is None:
        for att in pdfs:
            parsed, why = _from_pdf(store, base, att.url)
            if parsed is not None:
                break
            attempts.append(f"附件“{att.title or att.url}”{why}")
    if parsed is None and html is not None:
        parsed, why = _try(lambda: parse_html(html, source=post.url))
        attempts += [why] if why else []
    if parsed is None and post.body:
        parsed, why = _try(lambda: parse_text(post.body, source=post.url))
        attempts += [why] if why and why not in attempts else []
    if parsed is None:
        doc.error = "；".join(dict.fromkeys(a for a in attempts if a)) or "页面没有年度报告正文，也没有可读取的PDF附件"
        return doc
    parsed.source = post.url
    doc.parsed = parsed
    return doc


def _stored_url(url: str, base: str | None) -> str:
    """The URL as `Store.content` takes it (the store's base is not set here)."""
    if base and url.startswith(base.rstrip("/")):
        return "{base}" + url[len(base.rstrip("/")) :]
    return url


def _try(read):
    try:
        return read(), None
    except GkError as exc:
        return None, exc.message


def _from_pdf(store: Store, base: str | None, url: str):
    from gkcheck.sources.annual_report import report_from_pdf
    from gkcheck.sources.annual_report_pdf import read_pdf

    info = store.file(_stored_url(url, base))
    if info is None or info["kind"] != "download":
        return None, "未下载"
    if info["error_kind"] and not info["has_data"]:
        return None, f"下载失败：{info['error']}"
    if info["truncated"]:
        return None, "超过大小上限，未完整下载，无法读取"
    data = store.file_data(_stored_url(url, base))
    if not data:
        return None, "未下载"
    with tempfile.TemporaryDirectory(prefix="gkcheck-report-") as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(data)
        try:
            return report_from_pdf(read_pdf(path), url), None
        except GkError as exc:
            return None, exc.message
